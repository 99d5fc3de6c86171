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
 * Exercise 03, steps 2-3.
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
    int status;

    ipc_sig_consumed(ev, "ready");
    IPCLAB_TP(proc_state, w->role, "reading");
    /* TODO(03-2): read exactly one request from FIFO3
       (ipc_rec_read_one()). Nothing there (the server took it back) or
       EOF: nothing to answer. Garbage (EBADMSG): acknowledge with the
       ready's value anyway — why would the server otherwise stall? */

    /* TODO(03-2): acknowledge (ipc_sig_send(), the request's seq as the
       value) BEFORE computing: what does the server wait for, and what
       would a slow computation do to the other processing clients? */
    if (w->crash_after > 0 && ++w->handled >= w->crash_after)
        raise(SIGKILL);         /* test hook: die holding a request */

    IPCLAB_TP(proc_state, w->role, "processing");
    if (w->delay_ms > 0)
        ipc_sleep_ms(w->delay_ms);
    /* TODO(03-2): compute with wk_compute() — but refuse (EINVAL) a
       request whose op is not ours: it was misrouted. Then turn the
       request into its result in place (ipc_rec_make_result()) and send
       it with send_result(). */
    (void)rec;
    (void)value;
    (void)status;
    (void)send_result;
    return -1;
}

/* Step 3 [lab03:loop] */
int
wk_loop(struct wk *w)
{
    for (;;) {
        /* TODO(03-3): wait for one of w->waitset (blocked by main.c) with
           a timeout of WK_POLL_PARENT_MS (ipc_sig_wait()). Why blocked
           signals and sigtimedwait() rather than a handler and pause()?
           - timeout: if getppid() is no longer w->server, the server died
             (we were re-parented): return 1; otherwise wait again;
           - SIGTERM or SIGINT: trace it (ipc_sig_consumed(), "stop") and
             return 0;
           - a signal not from the server, or not sent the protocol's way
             (ipc_sig_from()): ignore it, traced (ipc_sig_ignored());
           - a ready: wk_handle_ready(); -1 ends the worker (return 1);
             with --once, return 0 after one. */
        (void)w;
        return 1;
    }
}
