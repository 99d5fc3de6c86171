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
 * Exercise 01, steps 1-5.
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
        /* TODO(01-1): 'path' exists. Accept it only when it is a FIFO,
           and not a symlink to one: which of stat() and lstat() tells
           them apart? Anything else: fail with EEXIST and leave it be. */
        (void)st;
    }
    /* TODO(01-1): mkfifo() applied the umask, so 0660 may have become
       0640. Give the FIFO exactly 'mode' without changing the umask:
       why would umask(0) around mkfifo() be wrong in a library? */
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
    int fd = -1;

    /* TODO(01-2): open 'path' for writing without ever blocking in
       open() (which flag?), close-on-exec. Which errno means "no reader
       yet"? Retry on that one until the deadline (ipc_ms_until(), then
       ETIMEDOUT); restart on EINTR; give up at once on anything else —
       why is waiting for ENOENT pointless here? */
    (void)path;
    (void)deadline;
    errno = ENOSYS;
    return -1;

    IPCLAB_TP(fifo_open, IPCLAB_FIFO_LAB, O_WRONLY | O_NONBLOCK, fd, 0);
    if (must_be_fifo(fd) == -1)
        return -1;
    /* TODO(01-2): the caller wants a blocking descriptor: why must the
       flag that made open() return at once be cleared now? */
    return fd;
}

/* Step 3 [lab01:eof] */
int
ex_fifo_open_reader(const char *path, int *keep_fd)
{
    int rfd, wfd;

    /* TODO(01-3): open the read end so that open() returns at once,
       writer or not, and check it is a FIFO (must_be_fifo()). */
    (void)path;
    errno = ENOSYS;
    rfd = -1;
    if (rfd == -1)
        return -1;
    /* TODO(01-3): open a write end of our own and keep it in *keep_fd:
       why does read() then never return 0 when the clients come and
       go? Why can this open() not fail with ENXIO? Both descriptors end
       up blocking and close-on-exec; on error, close what you opened
       (one way out: goto cleanup). */
    wfd = -1;
    if (wfd == -1)
        goto out_close_read;
    IPCLAB_TP(fifo_open, IPCLAB_FIFO_LAB, O_RDONLY, rfd, 0);
    *keep_fd = wfd;
    return rfd;

out_close_read:
    ipc_close_keep_errno(rfd);
    return -1;
}

/* Step 4 [lab01:short-read] */
ssize_t
ex_read_record(int fd, void *buf, size_t size)
{
    size_t done = 0;

    while (done < size) {
        /* TODO(01-4): one read() may return fewer bytes than asked, or
           fail with EINTR when a signal arrives: loop until 'size'.
           What do 0 bytes mean before the first byte, and in the middle
           of a record (fifoutil.h)? On a non-blocking fd, EAGAIN after
           part of a record: why must you wait (poll()) for the rest? */
        (void)fd;
        (void)buf;
        errno = ENOSYS;
        return -1;
    }
    return (ssize_t)done;
}

/* Step 5 [lab01:sigpipe] */
ssize_t
ex_write_record(int fd, const void *buf, size_t size)
{
    ssize_t w;

    /* TODO(01-5): refuse records above PIPE_BUF (EMSGSIZE): why could
       they tear, and why can a smaller one not? */

    /* TODO(01-5): a write() with no reader left raises SIGPIPE, which
       kills by default. Make sure it cannot kill, without changing the
       caller's disposition of SIGPIPE (so no signal(SIGPIPE, SIG_IGN)):
       block it (pthread_sigmask), and afterwards take back a SIGPIPE
       that *this* write() caused (sigtimedwait() with a zero timeout)
       before restoring the mask. Why check sigpending() first? */
    do
        w = write(fd, buf, size);
    while (w == -1 && errno == EINTR);      /* interrupted --> restart */

    /* TODO(01-5): a short write of a record is an error: EIO. */
    return w;
}
