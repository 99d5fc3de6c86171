/*
 * ms.h - exercise 05: a server of your own, one request at a time.
 *
 * The reference server (src/server/) is an event loop that keeps many
 * requests in flight. Yours is the simplest server that still keeps the
 * whole protocol, and so passes 'ipclab-trace check': it takes one
 * request from FIFO1 and sees it through before the next one,
 *
 *   FIFO1 --> validate --> handshake on FIFO3 with the worker of its op
 *         --> its result from FIFO4 --> handshake on FIFO2 with the client
 *
 * with the real programs around it: reference ipclab-rc clients, and the
 * reference processing clients, which it starts. main.c (given) sets up
 * the runtime directory, the FIFOs, the signals and the workers, and
 * runs the loop; you write ms.c. This header is given: do not change it.
 * The handout is exercises/05-reference-system/README.md.
 */
#ifndef EX05_MS_H
#define EX05_MS_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipclab/fifo.h"
#include "ipclab/record.h"
#include "ipclab/sig.h"

/* A FIFO shared by several readers: FIFO2 or FIFO3 */
struct ms_chan {
    enum ipc_fifo_no no;        /* IPCLAB_FIFO2 or IPCLAB_FIFO3 */
    int wfd;                    /* write end (non-blocking) */
    int rfd;                    /* our own read end: keeps the FIFO open
                                   and lets us take back an unread record */
};

struct ms {
    const char *dir;
    struct ipc_sigs sigs;
    int ack_timeout_ms;         /* --ack-timeout */
    int result_timeout_ms;      /* how long a worker may compute */
    sigset_t ackset;            /* just the ack signal, blocked */
    struct ipc_rec_reader in1;  /* FIFO1: requests */
    struct ipc_rec_reader in4;  /* FIFO4: results */
    struct ms_chan to_client;   /* FIFO2 */
    struct ms_chan to_worker;   /* FIFO3 */
    pid_t workers[IPCLAB_OP_COUNT + 1];   /* the pool, indexed by op */
    unsigned long served;       /* results delivered */
};

/*
 * Take back, through ch->rfd, whatever still sits in the FIFO (given).
 * Returns 1 when a record was there (its reader never read it), else 0.
 */
int
ms_reclaim(struct ms_chan *ch);

/*
 * Step 1. The handshake on a shared FIFO (docs/protocol.md, section 4,
 * steps 4-5, 8-9 and 12-13, 16-17): write 'rec' into ch, send 'peer'
 * "ready" with rec->seq, and wait up to m->ack_timeout_ms for the peer's
 * ack. Only an ack from 'peer', sent the protocol's way, with value
 * rec->seq in rt mode, counts; any other signal is ignored (traced).
 * Returns 0 once acked. Otherwise the record is taken back if still
 * unread (ms_reclaim()), and -1 returned: ESRCH (the peer is gone: ready
 * could not be sent) or ETIMEDOUT (no ack in time).
 */
int
ms_handshake(struct ms *m, struct ms_chan *ch, const struct ipc_record *rec,
             pid_t peer);

/*
 * Step 2. Wait up to timeout_ms for the result of request 'req' (same
 * pid and seq) in FIFO4, through m->in4. Other results are stale (of a
 * request given up on earlier): drop them, traced as ipclab:record_drop
 * with reason "stale". Returns 1 with *res, 0 on timeout, -1 on error.
 */
int
ms_await_result(struct ms *m, const struct ipc_record *req,
                struct ipc_record *res, int timeout_ms);

/*
 * Step 3. See one request through: an unknown op is answered EINVAL
 * without a worker; otherwise the request goes to the worker of its op
 * (FIFO3 handshake; traced as ipclab:route first), its result is awaited
 * (none: EIO; a worker that did not take it: EIO too), and the result is
 * delivered to the client (FIFO2 handshake). A client that is gone or
 * does not ack just loses its result. Counts m->served.
 */
void
ms_serve_one(struct ms *m, const struct ipc_record *req);

#endif /* EX05_MS_H */
