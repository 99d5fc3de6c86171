/*
 * router.c - exercise 02: framing and routing requests from one FIFO.
 *
 * Many writers share DIR/in, each record one write() below PIPE_BUF, so
 * records never interleave; but a reader sees bytes, not records: a
 * read() may end in the middle of one, and anybody may write garbage.
 * The framer keeps what read() returned and hands out whole, validated
 * records, skipping garbage up to the next possible record start (the
 * magic), so one bad writer cannot shift every later record.
 *
 * Graded by: make grade EX=02. Peers: main.c (given); the kit's own
 * buffered reader is ipc_rec_reader in src/lib/fifo.c.
 * Exercise 02, steps 1-3.
 */
#include <errno.h>
#include <string.h>

#include "ipclab/fifo.h"
#include "ipclab/trace.h"
#include "router.h"

static const uint32_t magic = IPCLAB_MAGIC;

void
rt_framer_init(struct rt_framer *f)
{
    f->len = 0;
}

/* Step 1 */
int
rt_framer_feed(struct rt_framer *f, const void *data, size_t n)
{
    /* TODO(02-1): append n bytes after the f->len already buffered, or
       fail with ENOBUFS when they do not fit. Why would dropping the
       extra bytes silently be worse than failing? */
    (void)f;
    (void)data;
    (void)n;
    errno = ENOSYS;
    return -1;
}

/* Forget the first n bytes */
static void
consume(struct rt_framer *f, size_t n)
{
    memmove(f->buf, f->buf + n, f->len - n);
    f->len -= n;
}

/* Where the next possible record starts after byte 0: the next magic,
   or the last bytes that may begin one, or the end */
static size_t
next_start(const struct rt_framer *f)
{
    size_t i;

    for (i = 1; i < f->len; i++) {
        size_t left = f->len - i;

        if (memcmp(f->buf + i, &magic, left < 4 ? left : 4) == 0)
            return i;           /* a magic, or the beginning of one */
    }
    return f->len;
}

/* Step 2 */
int
rt_framer_next(struct rt_framer *f, struct ipc_record *r,
               struct rt_stats *st)
{
    while (f->len > 0) {
        /* TODO(02-2): does a record start at buf[0]? It must begin with
           the magic (or, when fewer than 4 bytes are buffered, with the
           beginning of it). If so: fewer than sizeof(*r) bytes means
           "wait for the rest" (return 0); else validate them
           (ipc_rec_validate(), IPCLAB_KIND_REQUEST). A valid record: take it
           out (consume()), trace it (IPCLAB_TP(record_read, IPCLAB_FIFO1,
           r)) and return 1. */

        /* TODO(02-2): no valid record here: drop the bytes up to the next
           candidate start (next_start()), count one in st->dropped and
           trace IPCLAB_TP(record_drop, IPCLAB_FIFO1, "bad_record", bytes, 0,
           0u) (no record: pid and seq 0).
           Why not drop sizeof(*r) bytes at once, or just one? */
        (void)r;
        (void)st;
        (void)next_start;
        (void)consume;
        return 0;
    }
    return 0;
}

/* Step 3 */
int
rt_dispatch(const int out[IPCLAB_OP_COUNT + 1], int rejects,
            const struct ipc_record *req, struct rt_stats *st)
{
    struct ipc_record res;

    /* TODO(02-3): an op in 1..IPCLAB_OP_COUNT: write the record into
       out[op] with ONE write (ipc_rec_write(), FIFO number IPCLAB_FIFO3 for
       the trace, timeout 1000 ms) and count it. Why one write()? */

    /* TODO(02-3): any other op: turn a copy into its result with status
       EINVAL (ipc_rec_make_result()), write it into 'rejects' (FIFO
       number IPCLAB_FIFO2 for the trace) and count it in st->rejected. */
    (void)out;
    (void)rejects;
    (void)req;
    (void)st;
    (void)res;
    errno = ENOSYS;
    return -1;
}
