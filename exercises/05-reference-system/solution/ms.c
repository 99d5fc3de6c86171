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
 * Reference solution for exercise 05, steps 1-3.
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

    /* the FIFO is empty (invariant), so this write cannot block */
    if (ipc_rec_write(ch->wfd, ch->no, rec, 0) == -1)
        return -1;
    if (ipc_sig_send(&m->sigs, m->sigs.ready, "ready", peer, rec->seq) == -1) {
        /* the reader is gone: take the record back before anyone else
           can read it */
        if (ms_reclaim(ch))
            IPCLAB_TP(reclaim, ch->no, rec->pid, rec->seq, (int)peer,
                      "peer_gone");
        errno = ESRCH;
        return -1;
    }
    for (;;) {
        struct ipc_sig_event ev;
        int signo = ipc_sig_wait(&m->ackset, ipc_ms_until(deadline), &ev);

        if (signo == -1)
            return -1;
        if (signo == 0)
            break;              /* no ack in time */
        if (ev.pid != peer || ev.code != code) {
            ipc_sig_ignored(&ev, "unexpected_sender");
            continue;
        }
        if (m->sigs.mode == IPCLAB_SIG_RT && ev.value != rec->seq) {
            ipc_sig_ignored(&ev, "unexpected_value");
            continue;
        }
        ipc_sig_consumed(&ev, "ack");
        return 0;
    }
    if (ms_reclaim(ch))
        IPCLAB_TP(reclaim, ch->no, rec->pid, rec->seq, (int)peer,
                  "ack_timeout");
    errno = ETIMEDOUT;
    return -1;
}

/* Step 2 */
int
ms_await_result(struct ms *m, const struct ipc_record *req,
                struct ipc_record *res, int timeout_ms)
{
    int64_t deadline = ipc_deadline_ms(timeout_ms);

    for (;;) {
        struct pollfd p = { .fd = m->in4.fd, .events = POLLIN };
        int n;

        while (ipc_rec_reader_next(&m->in4, res) == 1) {
            if (res->pid == req->pid && res->seq == req->seq)
                return 1;
            IPCLAB_TP(record_drop, IPCLAB_FIFO4, "stale", (int)sizeof(*res),
                      res->pid, res->seq);
        }
        n = poll(&p, 1, ipc_ms_until(deadline));
        if (n == -1 && errno != EINTR)
            return -1;
        if (n == 0)
            return 0;
        if (ipc_rec_reader_fill(&m->in4) == -1 && errno != EAGAIN)
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
    if (req->op < 1 || req->op > IPCLAB_OP_COUNT) {
        fail(&rec, EINVAL);
    } else {
        pid_t worker = m->workers[req->op];

        IPCLAB_TP(route, req->pid, req->seq, (int)req->op, (int)worker);
        if (worker <= 0 || ms_handshake(m, &m->to_worker, req, worker) == -1)
            fail(&rec, EIO);    /* no worker took it */
        else if (ms_await_result(m, req, &rec, m->result_timeout_ms) != 1)
            fail(&rec, EIO);    /* it took it but never answered */
    }
    /* a client that is gone or does not ack just loses its result */
    if (ms_handshake(m, &m->to_client, &rec, req->pid) == 0)
        m->served++;
}
