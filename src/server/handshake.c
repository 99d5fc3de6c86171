/*
 * server/handshake.c - one record at a time through a FIFO with many readers.
 *
 * A FIFO cannot address a reader: whoever calls read() first gets the
 * record. So the server writes one record into FIFO2 or FIFO3, sends its
 * reader "ready" (carrying the record's seq), and writes the next only
 * once this one is out of the FIFO:
 *
 *   server                FIFO             reader
 *     |--- write(rec) ---->|                  |
 *     |--- ready(seq) ------------------------>|
 *     |                    |<--- read(rec) ---|
 *     |<-------------------------- ack(seq) --|
 *     |--- write(next) --->|                  |
 *
 * Holding a read end itself, the server sees whether its record is still
 * there (FIONREAD) and takes it back unread when its reader is stopped,
 * gone or silent. This file only reports what became of the record;
 * route.c decides. The readers: src/rc/session.c, src/worker/main.c.
 * Lab 04, step 5.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/proc.h"
#include "ipclab/trace.h"
#include "server.h"

/* Bytes waiting in the FIFO; an error counts as none */
static int
waiting(const struct handshake *h)
{
    int avail = 0;

    if (ioctl(h->rfd, FIONREAD, &avail) == -1)
        return 0;
    return avail;
}

/* Read out whatever sits in the FIFO: our record, or garbage (dropped).
   True when anything was there: then its reader may not have our record */
static bool
empty_fifo(struct handshake *h)
{
    unsigned char buf[PIPE_BUF];
    bool any = false;
    ssize_t n;

    while (waiting(h) > 0 &&
           (n = read(h->rfd, buf, sizeof(buf))) > 0) {
        if (!any && h->busy != NULL &&
            (size_t)n >= sizeof(h->busy->rec) &&
            memcmp(buf, &h->busy->rec, sizeof(h->busy->rec)) == 0)
            n -= (ssize_t)sizeof(h->busy->rec);
        if (n > 0)
            IPCLAB_TP(record_drop, h->no, "garbage", (int)n, 0, 0u);
        any = true;
    }
    return any;
}

/* Forget the record: the FIFO is idle */
static void
release(struct handshake *h)
{
    h->busy = NULL;
    h->reader = 0;
}

/* End the busy state and report; trace a take-back, or a read record
   whose ack we no longer wait for (trace set) */
static struct hs_report
finish(struct handshake *h, bool taken_back, enum hs_reason why,
       const char *trace)
{
    struct hs_report rep = { taken_back ? HS_TAKEN_BACK : HS_READ, why,
                             h->busy, h->reader };

    if (trace != NULL)
        IPCLAB_TP(reclaim, h->no, h->busy->rec.pid, h->busy->rec.seq,
                  (int)h->reader, taken_back ? trace : "read_unacked");
    release(h);
    return rep;
}

/* Write r into the idle FIFO and tell its reader */
struct hs_report
hs_offer(struct handshake *h, const struct ipc_sigs *sigs, struct req *r,
         pid_t reader)
{
    struct hs_report rep = { HS_WAITING, HS_REASON_NONE, r, reader };
    enum hs_reason why;

    /* garbage written while it was idle; UNSAFE mode leaves our own
       earlier records in it, unread: not garbage */
    if (!h->skip_ack_wait)
        empty_fifo(h);
    /* an emptied FIFO takes it at once; an unsafe one may be full: wait
       for its readers, up to the ack timeout */
    if (ipc_rec_write(h->wfd, h->no, &r->rec,
                      h->skip_ack_wait ? h->ack_timeout_ms : 0) == -1) {
        IPCLAB_TP(error, "write shared fifo", errno);
        rep.outcome = HS_TAKEN_BACK;
        rep.why = HS_REASON_FAILED;
        return rep;
    }
    h->busy = r;
    h->reader = reader;
    h->deadline = ipc_deadline_ms(h->ack_timeout_ms);
    h->next_check = ipc_now_ms() + CHECK_MS;
    if (ipc_sig_send(sigs, sigs->ready, "ready", reader, r->rec.seq) == -1) {
        /* ESRCH: gone; EAGAIN: no signal can be queued to it, which is
           not its fault: it is not timed out, nor killed */
        if (errno == EAGAIN && !h->said_no_queue)
            ipc_warn("cannot queue signals to process %ld: the limit on "
                     "queued signals (RLIMIT_SIGPENDING, ulimit -i) is "
                     "reached", (long)reader);
        h->said_no_queue |= errno == EAGAIN;
        why = errno == ESRCH ? HS_REASON_GONE : HS_REASON_FAILED;
        return finish(h, empty_fifo(h), why, "peer_gone");
    }
    if (h->skip_ack_wait) {
        /* UNSAFE: taken as read, unacked (lab 04 shows what goes wrong);
           a reader that gets another's record gives it back */
        release(h);
        rep.outcome = HS_READ;
    }
    return rep;
}

/* An ack arrived: does it settle our record? */
struct hs_report
hs_ack(struct handshake *h, const struct ipc_sigs *sigs,
       const struct ipc_sig_event *ev)
{
    struct hs_report rep = { HS_WAITING, HS_REASON_NONE, h->busy, h->reader };

    if (h->busy == NULL)
        return rep;
    if (ev->pid != h->reader) {
        /* classic mode: two acks coalesce into one, whose si_pid names
           only one sender. An empty FIFO says ours was read too */
        struct ipc_sig_event settles = *ev;

        if (sigs->mode != IPCLAB_SIG_CLASSIC || waiting(h) > 0)
            return rep;
        settles.value = h->busy->rec.seq;   /* traced: which record */
        ipc_sig_consumed(&settles, "ack_coalesced");
        return finish(h, false, HS_REASON_NONE, NULL);
    }
    rep.why = HS_REASON_PROTOCOL;       /* from our reader: handled here */
    if (sigs->mode == IPCLAB_SIG_RT && ev->value != h->busy->rec.seq) {
        ipc_sig_ignored(ev, "unexpected_value");
        return rep;
    }
    if (sigs->mode == IPCLAB_SIG_CLASSIC && waiting(h) > 0) {
        /* a late ack for an earlier record: this one is still unread */
        ipc_sig_ignored(ev, "early");
        return rep;
    }
    ipc_sig_consumed(ev, "ack");
    /* acked but bytes are left: it read garbage, perhaps with part of
       our record; offered again (a reader ignores a duplicate) */
    if (empty_fifo(h))
        return finish(h, true, HS_REASON_PROTOCOL, "acked_unread");
    release(h);
    rep.outcome = HS_ACKED;
    return rep;
}

/* Is a silent reader due to be looked at? */
bool
hs_check_due(const struct handshake *h)
{
    return h->busy != NULL && ipc_now_ms() >= h->next_check;
}

/* Look at a silent reader (now: without waiting for next_check) */
struct hs_report
hs_check(struct handshake *h, bool now)
{
    struct hs_report rep = { HS_WAITING, HS_REASON_NONE, h->busy, h->reader };
    int64_t t = ipc_now_ms();
    enum ipc_proc_run state;

    if (h->busy == NULL || (!now && t < h->next_check))
        return rep;
    h->next_check = t + CHECK_MS;
    state = ipc_proc_run_state(h->reader);
    if (state == IPCLAB_PROC_GONE)
        return finish(h, empty_fifo(h), HS_REASON_GONE, "peer_gone");
    if (state == IPCLAB_PROC_STOPPED)
        return finish(h, empty_fifo(h), HS_REASON_STOPPED, "peer_stopped");
    if (waiting(h) != (int)sizeof(h->busy->rec) && waiting(h) > 0) {
        /* bytes besides our record: someone wrote garbage */
        return finish(h, empty_fifo(h), HS_REASON_PROTOCOL, "garbage");
    }
    if (ipc_ms_until(h->deadline) > 0)
        return rep;             /* running: give it until the ack timeout */
    return finish(h, empty_fifo(h), HS_REASON_TIMEOUT, "ack_timeout");
}

/* A reader gave rec back through FIFO4: was it ours, unread? */
struct hs_report
hs_given_back(struct handshake *h, const struct ipc_record *rec)
{
    struct hs_report rep = { HS_WAITING, HS_REASON_NONE, h->busy, h->reader };

    if (h->busy == NULL ||
        memcmp(&h->busy->rec, rec, sizeof(*rec)) != 0 || waiting(h) > 0)
        return rep;
    /* a reader acting on a stale ready read it, and gave it back */
    return finish(h, true, HS_REASON_PROTOCOL, "given_back");
}
