/*
 * ipclab/fifo.h - creating, opening, reading and writing FIFOs.
 *
 * Every function here restarts on EINTR (a signal must never be mistaken for
 * an error), opens with O_CLOEXEC (a child started with exec must not
 * inherit our FIFO ends: an extra writer would hide EOF and EPIPE from
 * everyone), and traces what it does. Errors: -1 with errno set.
 *
 * Two ways to read records:
 *   - ipc_rec_read_one(): exactly one record, for a reader of a shared FIFO
 *     (FIFO2, FIFO3) that was told by a signal that its record is waiting;
 *   - struct ipc_rec_reader: a buffered stream of records, for the server
 *     reading FIFO1 and FIFO4, where many writers send and garbage must be
 *     skipped without losing the valid records around it.
 *
 *     struct ipc_rec_reader rd;
 *     ipc_rec_reader_init(&rd, fd, IPCLAB_FIFO1, IPCLAB_KIND_REQUEST);
 *     while (ipc_rec_reader_fill(&rd) > 0)
 *         while (ipc_rec_reader_next(&rd, &rec) == 1)
 *             handle(&rec);
 */
#ifndef IPCLAB_FIFO_H
#define IPCLAB_FIFO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipclab/record.h"

/* FIFO numbers as in the design: they appear in traces as 'fifo' */
enum ipc_fifo_no {
    IPCLAB_FIFO_LAB = 0,               /* a lab's own FIFO */
    IPCLAB_FIFO1 = 1,                  /* rc --> server: requests */
    IPCLAB_FIFO2 = 2,                  /* server --> rc: results, shared */
    IPCLAB_FIFO3 = 3,                  /* server --> worker: requests, shared */
    IPCLAB_FIFO4 = 4,                  /* worker --> server: results */
};

/*
 * mkfifo(path, mode) and trace it. The umask still applies, so mode 0600
 * stays 0600 under any usual umask. Errors: those of mkfifo(3), EEXIST
 * among them.
 */
int
ipc_fifo_create(enum ipc_fifo_no no, const char *path, mode_t mode);

/*
 * Open FIFO 'no' at 'path' with 'flags' | O_CLOEXEC | O_NOFOLLOW, restarting
 * on EINTR, and trace the result. Fails with EINVAL when 'path' is not a
 * FIFO (a regular file planted there must not be written into). Other
 * errors as open(2): ENOENT (not created yet), ENXIO (O_WRONLY|O_NONBLOCK
 * and no reader), ELOOP (a symlink).
 */
int
ipc_fifo_open(enum ipc_fifo_no no, const char *path, int flags);

/*
 * The same, with 'path' relative to the directory open as 'dirfd'
 * (mkfifoat(), openat()): no lookup of the directory's own path, which
 * someone who can write to its parent could swap in between.
 */
int
ipc_fifo_create_at(int dirfd, enum ipc_fifo_no no, const char *path,
                   mode_t mode);

int
ipc_fifo_open_at(int dirfd, enum ipc_fifo_no no, const char *path, int flags);

/*
 * Create FIFO 'no' as 'path' relative to 'dirfd' (AT_FDCWD: the working
 * directory) with 'mode', then open its read end and a write end, both
 * non-blocking: the read end first, so that the write end opens at once.
 * Who holds both never sees EOF and can take back what it wrote. Returns
 * 0 with *rfd and *wfd set, or -1 with errno from mkfifo() (EEXIST...) or
 * open(); then nothing is left open (the FIFO stays).
 */
int
ipc_fifo_open_both_at(int dirfd, enum ipc_fifo_no no, const char *path,
                      mode_t mode, int *rfd, int *wfd);

/* Clear or set O_NONBLOCK on fd. */
int
ipc_fd_set_nonblock(int fd, int on);

/*
 * fd, when it is open on a file of 'type' (S_IFIFO, S_IFREG...); else it
 * is closed and the call fails with EINVAL (or fstat()'s errno): a file
 * planted where another kind should be is never used.
 */
int
ipc_fd_check_type(int fd, mode_t type);

/*
 * Read exactly n bytes unless EOF comes first, restarting on EINTR and
 * after short reads. Returns the bytes read (less than n only at EOF), or
 * -1 (EAGAIN: a non-blocking fd ran dry; bytes already read are lost to the
 * caller, so use this only where the writer sends whole units).
 */
ssize_t
ipc_read_full(int fd, void *buf, size_t n);

/*
 * Read one line from fd (a pipe, a FIFO) into buf without its newline,
 * waiting until 'deadline' (ipc_deadline_ms(); -1: no limit). Reads byte
 * by byte, so nothing after the line is taken from fd. Returns 1 with the
 * line in buf; 0 at EOF before a newline; -1 with errno ETIMEDOUT,
 * EMSGSIZE (the line does not fit in size - 1 bytes) or from poll() or
 * read(). EINTR restarts.
 */
int
ipc_read_line(int fd, char *buf, size_t size, int64_t deadline);

/* Write all n bytes, restarting on EINTR and short writes. Returns n or -1. */
ssize_t
ipc_write_full(int fd, const void *buf, size_t n);

/*
 * Write one record with a single write() (atomic: it is below PIPE_BUF) and
 * trace it. On a non-blocking fd, waits for room up to timeout_ms (-1: no
 * limit). Errors: EPIPE (no reader left; SIGPIPE must be ignored),
 * ETIMEDOUT, EAGAIN (timeout_ms == 0 and the FIFO is full), EIO (a short
 * write, which PIPE_BUF atomicity rules out).
 */
int
ipc_rec_write(int fd, enum ipc_fifo_no no, const struct ipc_record *r,
              int timeout_ms);

/*
 * Read exactly one record of kind 'expect' and validate it. Returns 1 with
 * *r filled; 0 at EOF (no writer left); -1 with EAGAIN (non-blocking and
 * empty) or EBADMSG (bytes were read but they were not a valid record;
 * they are dropped and traced).
 */
int
ipc_rec_read_one(int fd, enum ipc_fifo_no no, struct ipc_record *r,
                 enum ipc_kind expect);

#define IPCLAB_READER_BUF 4096          /* a pipe's atomic unit, and then some */

/* A buffered reader that recovers record boundaries after garbage. */
struct ipc_rec_reader {
    int fd;                         /* non-blocking read end */
    enum ipc_fifo_no no;            /* for traces */
    enum ipc_kind expect;           /* what this FIFO carries */
    size_t len;                     /* bytes waiting in buf */
    unsigned long dropped;          /* invalid stretches skipped so far */
    unsigned long dropped_bytes;    /* bytes in them */
    unsigned char buf[IPCLAB_READER_BUF];
};

/* Start reading records of kind 'expect' from fd. */
void
ipc_rec_reader_init(struct ipc_rec_reader *rd, int fd, enum ipc_fifo_no no,
                    enum ipc_kind expect);

/*
 * Read what the FIFO holds into the buffer. Returns the bytes added (> 0),
 * 0 at EOF, or -1 (EAGAIN when nothing is waiting; ENOBUFS is impossible
 * while callers drain with ipc_rec_reader_next() after every fill).
 */
ssize_t
ipc_rec_reader_fill(struct ipc_rec_reader *rd);

/*
 * Take the next valid record out of the buffer. Returns 1 with *r filled,
 * or 0 when the buffer holds no complete record. Invalid bytes are skipped
 * up to the next place where a record could start (the magic), counted in
 * 'dropped' and traced as ipclab:record_drop, so one bad writer cannot
 * shift every later record out of place.
 */
int
ipc_rec_reader_next(struct ipc_rec_reader *rd, struct ipc_record *r);

#endif /* IPCLAB_FIFO_H */
