/*
 * router.h - exercise 02: the routing loop's parts.
 *
 * ex02-router reads request records that many clients write into one
 * FIFO, DIR/in, and routes each to the FIFO of its operation: DIR/sum,
 * DIR/sub, DIR/mul or DIR/div, where processing clients would read
 * them. A request for an unknown operation is answered at once, with an
 * EINVAL result into DIR/rejects. Bytes that are no record are dropped
 * and counted; they never stop the router, nor shift later records.
 *
 * read() on a FIFO returns whatever is there: half a record, three and
 * a half, garbage then a record. So bytes go into a framer, and whole
 * valid records come out of it. main.c (given) creates the FIFOs and
 * runs the loop; you write router.c. This header is given: do not change
 * it. The handout is exercises/02-request-routing/README.md.
 */
#ifndef EX02_ROUTER_H
#define EX02_ROUTER_H

#include <stddef.h>

#include "ipclab/record.h"

#define RT_BUF 4096

struct rt_stats {
    unsigned long routed[IPCLAB_OP_COUNT + 1]; /* by op; [0] unused */
    unsigned long rejected;     /* unknown operation: answered EINVAL */
    unsigned long dropped;      /* stretches of bytes that were no record */
};

struct rt_framer {
    size_t len;                 /* bytes waiting in buf */
    unsigned char buf[RT_BUF];
};

/* Start with an empty buffer (given). */
void
rt_framer_init(struct rt_framer *f);

/*
 * Step 1. Append n bytes, as read() returned them, to the buffer.
 * Returns 0, or -1 with ENOBUFS when they do not fit (nothing appended).
 */
int
rt_framer_feed(struct rt_framer *f, const void *data, size_t n);

/*
 * Step 2. Take the next valid request out of the buffer: returns 1 with
 * *r filled, or 0 when no complete record is buffered (the rest is still
 * in the FIFO). Bytes that cannot be the start of a valid request
 * (ipc_rec_validate() with IPCLAB_KIND_REQUEST) are dropped up to the next
 * place where the magic starts, and each such stretch counts once in
 * st->dropped. A buffer whose end could be the beginning of a magic
 * keeps those bytes: the rest of the record may be on its way.
 */
int
rt_framer_next(struct rt_framer *f, struct ipc_record *r,
               struct rt_stats *st);

/*
 * Step 3. Route one valid request: write it, as one record, into
 * out[op] (out[1..IPCLAB_OP_COUNT] are the operation FIFOs' write ends);
 * for an op outside 1..IPCLAB_OP_COUNT write instead its result with status
 * EINVAL (same pid, seq, op and operands) into 'rejects'. Counts in st.
 * Returns 0, or -1 when the write fails.
 */
int
rt_dispatch(const int out[IPCLAB_OP_COUNT + 1], int rejects,
            const struct ipc_record *req, struct rt_stats *st);

#endif /* EX02_ROUTER_H */
