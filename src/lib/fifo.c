/*
 * fifo.c - FIFO creation, opening and record I/O.
 *
 * Invariant: a record crosses a FIFO in exactly one write() of
 * sizeof(struct ipc_record) bytes. POSIX makes writes of at most PIPE_BUF
 * bytes atomic, so records from many writers never interleave; readers may
 * still receive several records, or garbage, in one read(), which the
 * buffered reader below sorts out.
 * Unit tests: tests/unit/check_fifo.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipclab/fifo.h"
#include "ipclab/proc.h"
#include "ipclab/trace.h"

int
ipc_fifo_create(enum ipc_fifo_no no, const char *path, mode_t mode)
{
    return ipc_fifo_create_at(AT_FDCWD, no, path, mode);
}

/* The full path of 'path' relative to dirfd, for the trace: DIR/path */
static const char *
full_path(int dirfd, const char *path, char *buf, size_t size)
{
    char link[64];
    ssize_t n;

    if (dirfd == AT_FDCWD || path[0] == '/')
        return path;
    snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
    n = readlink(link, buf, size - 1);
    if (n <= 0 || (size_t)n + 1 + strlen(path) >= size)
        return path;            /* unknown: the name alone */
    buf[n] = '\0';
    snprintf(buf + n, size - (size_t)n, "/%s", path);
    return buf;
}

int
ipc_fifo_create_at(int dirfd, enum ipc_fifo_no no, const char *path,
                   mode_t mode)
{
    char where[PATH_MAX];

    if (mkfifoat(dirfd, path, mode) == -1) {
        IPCLAB_TP(error, "mkfifo", errno);
        return -1;
    }
    IPCLAB_TP(fifo_create, no, full_path(dirfd, path, where, sizeof(where)),
              (unsigned int)mode);
    return 0;
}

int
ipc_fifo_open_both_at(int dirfd, enum ipc_fifo_no no, const char *path,
                      mode_t mode, int *rfd, int *wfd)
{
    if (ipc_fifo_create_at(dirfd, no, path, mode) == -1)
        return -1;
    *rfd = ipc_fifo_open_at(dirfd, no, path, O_RDONLY | O_NONBLOCK);
    if (*rfd == -1)
        return -1;
    *wfd = ipc_fifo_open_at(dirfd, no, path, O_WRONLY | O_NONBLOCK);
    if (*wfd == -1) {
        ipc_close_keep_errno(*rfd);
        return -1;
    }
    return 0;
}

int
ipc_fifo_open(enum ipc_fifo_no no, const char *path, int flags)
{
    return ipc_fifo_open_at(AT_FDCWD, no, path, flags);
}

int
ipc_fifo_open_at(int dirfd, enum ipc_fifo_no no, const char *path, int flags)
{
    int fd;

    do
        fd = openat(dirfd, path, flags | O_CLOEXEC | O_NOFOLLOW);
    while (fd == -1 && errno == EINTR);   /* interrupted --> restart */
    IPCLAB_TP(fifo_open, no, flags, fd, fd == -1 ? errno : 0);
    /* refuse anything but a FIFO: never write records into a planted file */
    return fd == -1 ? -1 : ipc_fd_check_type(fd, S_IFIFO);
}

int
ipc_fd_check_type(int fd, mode_t type)
{
    struct stat st;

    if (fstat(fd, &st) == -1) {
        ipc_close_keep_errno(fd);
        return -1;
    }
    if ((st.st_mode & S_IFMT) != type) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    return fd;
}

int
ipc_fd_set_nonblock(int fd, int on)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags == -1)
        return -1;
    flags = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
    return fcntl(fd, F_SETFL, flags);
}

ssize_t
ipc_read_full(int fd, void *buf, size_t n)
{
    size_t done = 0;

    while (done < n) {
        ssize_t r = read(fd, (char *)buf + done, n - done);

        if (r == -1) {
            if (errno == EINTR)
                continue;       /* interrupted --> restart */
            return -1;
        }
        if (r == 0)
            break;              /* EOF: the last writer closed */
        done += (size_t)r;
    }
    return (ssize_t)done;
}

int
ipc_read_line(int fd, char *buf, size_t size, int64_t deadline)
{
    size_t n = 0;

    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int ready = poll(&p, 1, ipc_ms_until(deadline));
        ssize_t r;

        if (ready == -1 && errno == EINTR)
            continue;           /* interrupted --> wait again */
        if (ready == -1)
            return -1;
        if (ready == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        if (n + 1 >= size) {
            errno = EMSGSIZE;
            return -1;
        }
        r = read(fd, buf + n, 1);
        if (r == -1 && errno == EINTR)
            continue;
        if (r == -1)
            return -1;
        if (r == 0)
            return 0;           /* EOF: the writer is gone */
        if (buf[n] == '\n')
            break;
        n++;
    }
    buf[n] = '\0';
    return 1;
}

ssize_t
ipc_write_full(int fd, const void *buf, size_t n)
{
    size_t done = 0;

    while (done < n) {
        ssize_t w = write(fd, (const char *)buf + done, n - done);

        if (w == -1) {
            if (errno == EINTR)
                continue;       /* interrupted --> restart */
            return -1;
        }
        done += (size_t)w;
    }
    return (ssize_t)done;
}

/* Wait until fd is writable, for at most timeout_ms (-1: forever). */
static int
wait_writable(int fd, int timeout_ms)
{
    int64_t deadline = ipc_deadline_ms(timeout_ms);
    struct pollfd p = { .fd = fd, .events = POLLOUT };

    for (;;) {
        int n = poll(&p, 1, ipc_ms_until(deadline));

        if (n == -1 && errno == EINTR)
            continue;           /* poll always fails on a signal: restart */
        if (n == -1)
            return -1;
        if (n == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        return 0;               /* writable, or POLLERR: write() will say */
    }
}

int
ipc_rec_write(int fd, enum ipc_fifo_no no, const struct ipc_record *r,
              int timeout_ms)
{
    /* traced before write(): a reader can take the record the instant it
       is written, and its record_read must not come first in the trace */
    IPCLAB_TP(record_write, no, r);
    for (;;) {
        ssize_t w = write(fd, r, sizeof(*r));

        if (w == (ssize_t)sizeof(*r))
            break;
        if (w >= 0) {           /* impossible below PIPE_BUF: say so */
            errno = EIO;
            IPCLAB_TP(error, "record_write", errno);
            return -1;
        }
        if (errno == EINTR)
            continue;           /* interrupted --> restart */
        if (errno != EAGAIN || timeout_ms == 0 ||
            wait_writable(fd, timeout_ms) == -1) {
            IPCLAB_TP(error, "record_write", errno);
            return -1;
        }
        /* it was full, and now has room: a slow reader is back-pressure,
           not an error */
    }
    return 0;
}

int
ipc_rec_read_one(int fd, enum ipc_fifo_no no, struct ipc_record *r,
                 enum ipc_kind expect)
{
    enum ipc_rec_fault fault;
    ssize_t n = ipc_read_full(fd, r, sizeof(*r));

    if (n == -1)
        return -1;
    if (n == 0)
        return 0;
    fault = ipc_rec_validate(r, (size_t)n, expect);
    if (fault != IPCLAB_REC_OK) {
        IPCLAB_TP(record_drop, no, ipc_rec_fault_name(fault), (int)n, 0, 0u);
        errno = EBADMSG;
        return -1;
    }
    IPCLAB_TP(record_read, no, r);
    return 1;
}

void
ipc_rec_reader_init(struct ipc_rec_reader *rd, int fd, enum ipc_fifo_no no,
                    enum ipc_kind expect)
{
    memset(rd, 0, sizeof(*rd));
    rd->fd = fd;
    rd->no = no;
    rd->expect = expect;
}

ssize_t
ipc_rec_reader_fill(struct ipc_rec_reader *rd)
{
    ssize_t n;

    if (rd->len == sizeof(rd->buf)) {
        errno = ENOBUFS;
        return -1;
    }
    do
        n = read(rd->fd, rd->buf + rd->len, sizeof(rd->buf) - rd->len);
    while (n == -1 && errno == EINTR);    /* interrupted --> restart */
    if (n > 0)
        rd->len += (size_t)n;
    return n;
}

/* Drop the first n buffered bytes, counting and tracing them. */
static void
drop(struct ipc_rec_reader *rd, size_t n, enum ipc_rec_fault why)
{
    IPCLAB_TP(record_drop, rd->no, ipc_rec_fault_name(why), (int)n, 0, 0u);
    rd->dropped++;
    rd->dropped_bytes += n;
    memmove(rd->buf, rd->buf + n, rd->len - n);
    rd->len -= n;
}

/* Offset of the next possible record start after offset 0, or len. */
static size_t
next_magic(const struct ipc_rec_reader *rd)
{
    const uint32_t magic = IPCLAB_MAGIC;

    for (size_t i = 1; i + sizeof(magic) <= rd->len; i++)
        if (memcmp(rd->buf + i, &magic, sizeof(magic)) == 0)
            return i;
    /* keep a tail that may be the first bytes of a magic still arriving */
    return rd->len >= sizeof(magic) ? rd->len - (sizeof(magic) - 1) : 0;
}

int
ipc_rec_reader_next(struct ipc_rec_reader *rd, struct ipc_record *r)
{
    const uint32_t magic = IPCLAB_MAGIC;

    while (rd->len > 0) {
        enum ipc_rec_fault fault;
        size_t skip;

        /* a start that cannot be a record: skip to the next candidate */
        if (memcmp(rd->buf, &magic,
                   rd->len < sizeof(magic) ? rd->len : sizeof(magic)) != 0) {
            skip = next_magic(rd);
            if (skip == 0)
                return 0;
            drop(rd, skip, IPCLAB_REC_BAD_MAGIC);
            continue;
        }
        if (rd->len < sizeof(*r))
            return 0;           /* the rest is still in the FIFO */

        memcpy(r, rd->buf, sizeof(*r));
        fault = ipc_rec_validate(r, sizeof(*r), rd->expect);
        if (fault == IPCLAB_REC_OK) {
            rd->len -= sizeof(*r);
            memmove(rd->buf, rd->buf + sizeof(*r), rd->len);
            IPCLAB_TP(record_read, rd->no, r);
            return 1;
        }
        /* short: discard, count, trace; never stop serving */
        skip = next_magic(rd);
        drop(rd, skip == 0 ? 1 : skip, fault);
    }
    return 0;
}
