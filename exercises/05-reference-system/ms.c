/*
 * ms.c - exercise 05: one request at a time, the whole protocol.
 *
 * Invariant: at most one record sits in a shared FIFO (FIFO2, FIFO3),
 * and its reader has been told, by "ready", that it is its own; the next
 * record goes in only after that reader's "ack", or after the server has
 * taken the first back. A sequential server keeps it trivially on FIFO3
 * and FIFO2: it waits for each ack before doing anything else. The
 * reference server keeps it with one queue per FIFO instead
 * (src/server/handshake.c), so that a slow client never stalls the rest.
 *
 * Graded by: make grade EX=05. Peers: main.c (given).
 * Exercise 05, steps 1-3.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ipclab/proc.h"
#include "ipclab/trace.h"
#include "ms.h"

int
ms_reclaim(struct ms_chan *ch)
{
    unsigned char junk[PIPE_BUF];
    int avail = 0, took = 0;

    while (ioctl(ch->rfd, FIONREAD, &avail) == 0 && avail > 0) {
        if (read(ch->rfd, junk, (size_t)avail < sizeof(junk) ?
                 (size_t)avail : sizeof(junk)) <= 0)
            break;
        took = 1;
    }
    return took;
}

/* Step 1 */
int
ms_handshake(struct ms *m, struct ms_chan *ch, const struct ipc_record *rec,
             pid_t peer)
{
    int64_t deadline = ipc_deadline_ms(m->ack_timeout_ms);
    int code = m->sigs.mode == IPCLAB_SIG_RT ? SI_QUEUE : SI_USER;

    /* TODO(05-1): write 'rec' into ch (ipc_rec_write(), timeout 0): why
       can this write not block? Then send 'peer' "ready" with rec->seq
       (ipc_sig_send()). If that fails the reader is gone: take the
       record back (ms_reclaim(), traced IPCLAB_TP(reclaim, ch->no,
       rec->pid, rec->seq, peer, "peer_gone")) and fail with ESRCH —
       why before anyone else can read it? */

    /* TODO(05-1): wait for the ack with ipc_sig_wait() on m->ackset
       until the deadline. Count it only from 'peer', with si_code
       'code', and in rt mode with value rec->seq; trace others with
       ipc_sig_ignored() and go on waiting. Taken: ipc_sig_consumed(ev,
       "ack"), return 0. Timeout: reclaim the record if it is still
       there (trace "ack_timeout"), fail with ETIMEDOUT. */
    (void)deadline;
    (void)code;
    (void)ch;
    (void)rec;
    (void)peer;
    errno = ENOSYS;
    return -1;
}

/* Step 2 */
int
ms_await_result(struct ms *m, const struct ipc_record *req,
                struct ipc_record *res, int timeout_ms)
{
    int64_t deadline = ipc_deadline_ms(timeout_ms);

    for (;;) {
        /* TODO(05-2): take the records already buffered in m->in4
           (ipc_rec_reader_next()): ours (same pid and seq) ends the wait;
           others are stale: IPCLAB_TP(record_drop, IPCLAB_FIFO4, "stale",
           sizeof(*res), res->pid, res->seq). Then poll() m->in4.fd until
           the deadline and refill (ipc_rec_reader_fill(); EAGAIN is not
           an error). Why a buffered reader here, and one record at a time
           on FIFO3? */
        (void)m;
        (void)req;
        (void)res;
        (void)deadline;
        return -1;
    }
}

/* Answer req with 'status' and no worker */
static void
fail(struct ipc_record *rec, int status)
{
    IPCLAB_TP(error, "request failed", status);
    ipc_rec_make_result(rec, status, 0);
}

/* Step 3 */
void
ms_serve_one(struct ms *m, const struct ipc_record *req)
{
    struct ipc_record rec = *req;

    if (!ipc_proc_alive(req->pid)) {
        IPCLAB_TP(record_drop, IPCLAB_FIFO1, "stale", (int)sizeof(*req),
                  req->pid, req->seq);
        return;                 /* nobody to answer */
    }
    /* TODO(05-3): an op outside 1..IPCLAB_OP_COUNT: answer EINVAL (fail()),
       no worker involved. Otherwise trace IPCLAB_TP(route, pid, seq, op,
       worker) and hand the request to m->workers[op] on FIFO3
       (ms_handshake()); then await its result (m->result_timeout_ms).
       A worker that did not take it, or never answered: EIO. */
    (void)fail;

    /* TODO(05-3): deliver 'rec' to the client on FIFO2 (ms_handshake()
       with req->pid) and count m->served when it is acknowledged. */
    (void)m;
    (void)rec;
}
