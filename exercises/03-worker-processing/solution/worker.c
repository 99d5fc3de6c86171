/*
 * worker.c - exercise 03, steps 2 and 3: one request, and the loop.
 *
 * FIFO3 is shared by every processing client, so a worker reads only
 * after the server's "ready" says a record for it is waiting, reads
 * exactly one, and acknowledges at once: until the ack, the server
 * keeps FIFO3 empty of anything else (src/server/handshake.c). FIFO4 has
 * many writers and needs no signal: each result is one atomic write().
 *
 *   server --ready(seq)--> worker    read FIFO3    --ack(seq)--> server
 *                          worker    compute       --result--> FIFO4
 *
 * Graded by: make grade EX=03. Peers: main.c (given), compute.c.
 * Reference solution for exercise 03, steps 2-3.
 */
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "ipclab/proc.h"
#include "ipclab/trace.h"
#include "worker.h"

/* Write the result, waiting while FIFO4 is full, as long as the server lives */
static int
send_result(struct wk *w, const struct ipc_record *res)
{
    for (;;) {
        if (ipc_rec_write(w->fd4, IPCLAB_FIFO4, res, WK_POLL_PARENT_MS) == 0)
            return 0;
        if (errno != ETIMEDOUT || getppid() != w->server)
            return -1;
    }
}

/* Step 2 [lab03:one-request] */
int
wk_handle_ready(struct wk *w, const struct ipc_sig_event *ev)
{
    struct ipc_record rec;
    int64_t value = 0;
    int status, r;

    ipc_sig_consumed(ev, "ready");
    IPCLAB_TP(proc_state, w->role, "reading");
    r = ipc_rec_read_one(w->fd3, IPCLAB_FIFO3, &rec, IPCLAB_KIND_REQUEST);
    if (r != 1) {
        /* empty (the server took it back) or EOF: nothing to answer;
           garbage: ack with the ready's value so the server goes on */
        if (r == -1 && errno == EBADMSG)
            return ipc_sig_send(&w->sigs, w->sigs.ack, "ack", w->server,
                                ev->value);
        return 0;
    }
    /* ack first: the server may refill FIFO3 while we compute */
    if (ipc_sig_send(&w->sigs, w->sigs.ack, "ack", w->server, rec.seq) == -1)
        return -1;
    if (w->crash_after > 0 && ++w->handled >= w->crash_after)
        raise(SIGKILL);         /* test hook: die holding a request */

    IPCLAB_TP(proc_state, w->role, "processing");
    if (w->delay_ms > 0)
        ipc_sleep_ms(w->delay_ms);
    /* a request for another operation was misrouted: refuse, not guess */
    status = rec.op == (uint32_t)w->op ? wk_compute(rec.op, rec.a, rec.b,
                                                    &value)
                                       : EINVAL;
    ipc_rec_make_result(&rec, status, status == 0 ? value : 0);
    return send_result(w, &rec);
}

/* Step 3 [lab03:loop] */
int
wk_loop(struct wk *w)
{
    for (;;) {
        struct ipc_sig_event ev;
        int signo;

        IPCLAB_TP(proc_state, w->role, "idle");
        /* the signals are blocked (main.c): a ready sent while we were
           busy waits in the queue, and sigtimedwait() takes it */
        signo = ipc_sig_wait(&w->waitset, WK_POLL_PARENT_MS, &ev);
        if (signo == -1)
            return 1;
        if (signo == 0) {
            if (getppid() != w->server)     /* re-parented: server died */
                return 1;
            continue;
        }
        if (signo == SIGTERM || signo == SIGINT) {
            ipc_sig_consumed(&ev, "stop");
            return 0;
        }
        if (!ipc_sig_from(&w->sigs, &ev, w->server)) {
            ipc_sig_ignored(&ev, "unexpected_sender");
            continue;
        }
        if (wk_handle_ready(w, &ev) == -1)
            return 1;
        if (w->once)
            return 0;
    }
}
