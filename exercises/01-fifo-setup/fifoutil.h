/*
 * fifoutil.h - exercise 01: a small, robust FIFO helper library.
 *
 * The kit's own helpers (include/ipclab/fifo.h) are thin wrappers; these
 * go further, and each one handles a trap of lab 01 that a careless
 * program falls into. Same conventions as the kit: -1 and errno on error,
 * never print, never exit; restart on EINTR.
 *
 *     int keep;
 *     int rfd = ex_fifo_open_reader("/tmp/d/in", &keep);   // no waiting
 *     ...
 *     int wfd = ex_fifo_open_writer("/tmp/d/in", 1000);    // waits 1 s
 *     ex_write_record(wfd, &rec, sizeof(rec));             // never torn
 *     ex_read_record(rfd, &rec, sizeof(rec));              // never short
 *
 * This header is given: do not change it. Write the code in fifoutil.c.
 * The handout is exercises/01-fifo-setup/README.md.
 */
#ifndef EX01_FIFOUTIL_H
#define EX01_FIFOUTIL_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Create FIFO 'path' with permission bits exactly 'mode' (07777 & mode),
 * whatever the process's umask, and without changing the umask. When
 * 'path' already exists and is a FIFO (not a symlink to one), succeed and
 * set its mode. Returns 0, or -1 with errno: EEXIST ('path' exists and is
 * not a FIFO: it is left alone), or those of mkfifo(3) and chmod(2).
 */
int
ex_fifo_make(const char *path, mode_t mode);

/*
 * Open FIFO 'path' for writing, waiting up to timeout_ms (-1: forever)
 * for a reader, without ever blocking in open(). The descriptor returned
 * is blocking (O_NONBLOCK off) and close-on-exec. Returns the fd, or -1
 * with errno: ETIMEDOUT (no reader came in time), ENOENT (no such file:
 * reported at once), EINVAL (not a FIFO), or those of open(2).
 */
int
ex_fifo_open_writer(const char *path, int timeout_ms);

/*
 * Open FIFO 'path' for reading at once, without waiting for a writer, the
 * way a server opens FIFO1, and also open a write end into *keep_fd so
 * that read() never returns end-of-file while clients come and go. Both
 * descriptors are blocking and close-on-exec. Returns the read end, or -1
 * with errno (EINVAL: not a FIFO; or those of open(2)); nothing is left
 * open on error.
 */
int
ex_fifo_open_reader(const char *path, int *keep_fd);

/*
 * Read exactly 'size' bytes (one record) from fd, restarting on EINTR and
 * after short reads. Returns 'size'; 0 at end-of-file before any byte;
 * -1 with EPROTO at end-of-file in the middle of a record (a torn
 * record). When fd is non-blocking: -1 with EAGAIN if nothing at all is
 * waiting, but once part of a record is read, wait (poll) for the rest:
 * returning early would lose those bytes.
 */
ssize_t
ex_read_record(int fd, void *buf, size_t size);

/*
 * Write one record of 'size' bytes with a single write(), so that records
 * of several writers never interleave; restart on EINTR. Returns 'size',
 * or -1 with errno: EMSGSIZE (size > PIPE_BUF: it could tear; nothing is
 * written), EPIPE (no reader left), EIO (a short write), or those of
 * write(2). When there is no reader, the process must not die of
 * SIGPIPE: the call returns EPIPE, and leaves the caller's signal mask,
 * SIGPIPE's disposition and pending signals as they were.
 */
ssize_t
ex_write_record(int fd, const void *buf, size_t size);

#endif /* EX01_FIFOUTIL_H */
