/*
 * fifoutil.c - exercise 01: FIFO helpers that survive lab 01's traps.
 *
 * Five functions, one trap each: the umask (ex_fifo_make), the open()
 * rendezvous and ENXIO (ex_fifo_open_writer), EOF when the last writer
 * leaves (ex_fifo_open_reader), short reads and EINTR (ex_read_record),
 * torn records and SIGPIPE (ex_write_record). The API is fifoutil.h.
 *
 * Build and grade:  make grade EX=01
 * Peers: the kit's thinner helpers are in src/lib/fifo.c.
 * Reference solution for exercise 01, steps 1-5.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fifoutil.h"
#include "ipclab/fifo.h"
#include "ipclab/proc.h"
#include "ipclab/trace.h"

/* Step 1 [lab01:umask] */
int
ex_fifo_make(const char *path, mode_t mode)
{
    struct stat st;

    mode &= 07777;
    if (mkfifo(path, mode) == -1) {
        if (errno != EEXIST)
            return -1;
        /* lstat, not stat: a symlink to a FIFO is not ours to chmod */
        if (lstat(path, &st) == -1)
            return -1;
        if (!S_ISFIFO(st.st_mode)) {
            errno = EEXIST;
            return -1;
        }
    }
    /* mkfifo() applied the umask; chmod() does not, and changing the
       umask would change it for every thread of the process */
    if (chmod(path, mode) == -1)
        return -1;
    IPCLAB_TP(fifo_create, IPCLAB_FIFO_LAB, path, (unsigned int)mode);
    return 0;
}

/* Refuse anything but a FIFO, closing fd; returns fd or -1. */
static int
must_be_fifo(int fd)
{
    struct stat st;

    if (fstat(fd, &st) == -1) {
        ipc_close_keep_errno(fd);
        return -1;
    }
    if (!S_ISFIFO(st.st_mode)) {
        ipc_close_keep_errno(fd);
        errno = EINVAL;
        return -1;
    }
    return fd;
}

/* Step 2 [lab01:rendezvous] */
int
ex_fifo_open_writer(const char *path, int timeout_ms)
{
    int64_t deadline = ipc_deadline_ms(timeout_ms);
    int fd;

    for (;;) {
        /* O_NONBLOCK: open() fails with ENXIO instead of waiting */
        fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
        if (fd != -1)
            break;
        if (errno == EINTR)
            continue;           /* interrupted --> restart */
        if (errno != ENXIO)
            return -1;          /* ENOENT and the rest: no use waiting */
        if (ipc_ms_until(deadline) == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        ipc_sleep_ms(10);       /* no reader yet: try again soon */
    }
    IPCLAB_TP(fifo_open, IPCLAB_FIFO_LAB, O_WRONLY | O_NONBLOCK, fd, 0);
    if (must_be_fifo(fd) == -1)
        return -1;
    /* the reader is there: from now on write() may block normally */
    if (ipc_fd_set_nonblock(fd, 0) == -1) {
        ipc_close_keep_errno(fd);
        return -1;
    }
    return fd;
}

/* Step 3 [lab01:eof] */
int
ex_fifo_open_reader(const char *path, int *keep_fd)
{
    int rfd, wfd;

    /* O_NONBLOCK: a read end opens at once, writer or not */
    rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
    if (rfd == -1)
        return -1;
    if (must_be_fifo(rfd) == -1)
        return -1;
    /* a reader exists (us), so this cannot fail with ENXIO; while we hold
       a write end, read() never sees EOF */
    wfd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
    if (wfd == -1)
        goto out_close_read;
    if (ipc_fd_set_nonblock(rfd, 0) == -1 || ipc_fd_set_nonblock(wfd, 0) == -1)
        goto out_close_write;
    IPCLAB_TP(fifo_open, IPCLAB_FIFO_LAB, O_RDONLY, rfd, 0);
    *keep_fd = wfd;
    return rfd;

out_close_write:
    ipc_close_keep_errno(wfd);
out_close_read:
    ipc_close_keep_errno(rfd);
    return -1;
}

/* Wait until fd has data (or EOF); restarts after signals. */
static int
wait_readable(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };

    while (poll(&p, 1, -1) == -1)
        if (errno != EINTR)
            return -1;
    return 0;
}

/* Step 4 [lab01:short-read] */
ssize_t
ex_read_record(int fd, void *buf, size_t size)
{
    size_t done = 0;

    while (done < size) {
        ssize_t r = read(fd, (char *)buf + done, size - done);

        if (r == -1) {
            if (errno == EINTR)
                continue;       /* interrupted --> restart */
            if (errno == EAGAIN && done > 0) {
                /* half a record is ours now: the rest must follow */
                if (wait_readable(fd) == -1)
                    return -1;
                continue;
            }
            return -1;
        }
        if (r == 0) {
            if (done == 0)
                return 0;       /* EOF between records: a clean end */
            errno = EPROTO;     /* EOF inside a record: torn */
            return -1;
        }
        done += (size_t)r;
    }
    return (ssize_t)done;
}

/* Step 5 [lab01:sigpipe] */
ssize_t
ex_write_record(int fd, const void *buf, size_t size)
{
    struct timespec zero = { 0, 0 };
    sigset_t pipe_set, old, pending;
    int was_pending, saved, err;
    ssize_t w;

    if (size > PIPE_BUF) {
        errno = EMSGSIZE;       /* above PIPE_BUF a write may be split */
        return -1;
    }
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    if (sigpending(&pending) == -1)
        return -1;
    was_pending = sigismember(&pending, SIGPIPE);
    /* blocked, not ignored: the caller's disposition stays as it was,
       and a SIGPIPE we cause waits in the queue instead of killing */
    err = pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    if (err != 0) {
        errno = err;            /* it returns its error, not -1 */
        return -1;
    }

    do
        w = write(fd, buf, size);
    while (w == -1 && errno == EINTR);      /* interrupted --> restart */

    saved = errno;
    if (w == -1 && errno == EPIPE && !was_pending)
        while (sigtimedwait(&pipe_set, NULL, &zero) == -1 && errno == EINTR)
            ;                   /* take back our SIGPIPE (EAGAIN: none) */
    err = pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err != 0) {
        errno = err;
        return -1;
    }
    errno = saved;

    if (w >= 0 && (size_t)w != size) {
        errno = EIO;            /* cannot happen below PIPE_BUF: say so */
        return -1;
    }
    return w;
}
