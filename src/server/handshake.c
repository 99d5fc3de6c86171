/*
 * server/handshake.c - one record at a time through a FIFO with many readers.
 *
 * FIFO2 (results to requesting clients) and FIFO3 (requests to processing
 * clients) each have many readers, and a FIFO cannot address a reader:
 * whoever calls read() first gets the record. So the server keeps
 *
 *   at most one record in a shared FIFO at a time;
 *
 * it writes a record, sends its reader "ready" (carrying the record's
 * seq), and writes the next record only once this one is out of the FIFO:
 *
 *   server                FIFO             reader
 *     |--- write(rec) ---->|                  |
 *     |--- ready(seq) ------------------------>|
 *     |                    |<--- read(rec) ---|
 *     |<-------------------------- ack(seq) --|
 *     |--- write(next) --->|                  |
 *
 * The server holds a read end of the FIFO itself. So it can always tell
 * whether its record is still there (FIONREAD), and take it back unread
 * when its reader is stopped, gone, or silent. This file knows nothing of
 * what the FIFO carries: it reports what became of the record (acked,
 * read, taken back, and why), and src/server/route.c decides.
 * The reader sides are in src/rc/session.c and src/worker/main.c.
 * Lab 04, step 5.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ipclab/mutant.h"
#include "ipclab/proc.h"
#include "ipclab/trace.h"
#include "server.h"

void
hs_init(struct handshake *h, enum ipc_fifo_no no)
{
    memset(h, 0, sizeof(*h));
    h->no = no;
    h->wfd = -1;
    h->rfd = -1;
}

/* Bytes waiting in the FIFO; an error counts as none */
static int
waiting(const struct handshake *h)
{
    int avail = 0;

    if (ioctl(h->rfd, FIONREAD, &avail) == -1)
        return 0;
    return avail;
}

/*
 * Read out, through our own read end, whatever sits in the FIFO. Returns
 * true when anything was there: our record unread, or bytes written by
 * someone outside the protocol (dropped), which a reader may have read
 * instead of part of our record. Either way its reader may not have it.
 */
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

/* End the busy state; trace a take-back, or the end of a wait for an ack
   of a record that was read (why != NULL) */
static enum hs_outcome
finish(struct handshake *h, bool taken_back, const char *why)
{
    if (why != NULL)
        IPCLAB_TP(reclaim, h->no, h->busy->rec.pid, h->busy->rec.seq,
                  (int)h->reader, taken_back ? why : "read_unacked");
    h->busy = NULL;
    h->reader = 0;
    return taken_back ? HS_TAKEN_BACK : HS_READ;
}

enum hs_outcome
hs_offer(struct handshake *h, const struct ipc_sigs *sigs, struct req *r,
         pid_t reader, int ack_timeout_ms, enum hs_reason *why)
{
    empty_fifo(h);              /* garbage written while it was idle */
    h->busy = r;
    h->reader = reader;
    /* the FIFO is empty, so this write cannot block */
    if (ipc_rec_write(h->wfd, h->no, &r->rec, 0) == -1) {
        IPCLAB_TP(error, "write shared fifo", errno);
        h->busy = NULL;
        *why = HS_REASON_FAILED;
        return HS_TAKEN_BACK;
    }
    h->deadline = ipc_deadline_ms(ack_timeout_ms);
    h->next_check = ipc_now_ms() + CHECK_MS;
    /* mutants 4 and 3 (R2): no ready, or a ready with another seq */
    if (IPCLAB_MUTANT(4, 10))
        return HS_WAITING;
    if (ipc_sig_send(sigs, sigs->ready, "ready", reader,
                     r->rec.seq + (IPCLAB_MUTANT(3, 10) ? 1 : 0)) == -1) {
        /* ESRCH: gone; EAGAIN: its signal queue is full, it reads none */
        *why = errno == ESRCH ? HS_REASON_GONE : HS_REASON_TIMEOUT;
        return finish(h, empty_fifo(h), "peer_gone");
    }
    return HS_WAITING;
}

enum hs_outcome
hs_ack(struct handshake *h, const struct ipc_sigs *sigs,
       const struct ipc_sig_event *ev, enum hs_reason *why)
{
    *why = HS_REASON_NONE;
    if (h->busy == NULL)
        return HS_WAITING;
    if (ev->pid != h->reader) {
        /* classic mode: two acks coalesce into one, whose si_pid names
           only one sender. An empty FIFO says ours was read too */
        struct ipc_sig_event settles = *ev;

        if (sigs->mode != IPCLAB_SIG_CLASSIC || waiting(h) > 0)
            return HS_WAITING;
        settles.value = h->busy->rec.seq;   /* traced: which record */
        ipc_sig_consumed(&settles, "ack_coalesced");
        return finish(h, false, NULL);
    }
    *why = HS_REASON_PROTOCOL;          /* from our reader: handled here */
    if (sigs->mode == IPCLAB_SIG_RT && ev->value != h->busy->rec.seq) {
        ipc_sig_ignored(ev, "unexpected_value");
        return HS_WAITING;
    }
    if (waiting(h) > 0 && sigs->mode == IPCLAB_SIG_CLASSIC) {
        /* a late ack for an earlier record: this one is still unread */
        ipc_sig_ignored(ev, "early");
        return HS_WAITING;
    }
    ipc_sig_consumed(ev, "ack");
    /* acked but bytes are left: it read garbage, perhaps with part of
       our record; offered again (a reader ignores a duplicate) */
    if (empty_fifo(h))
        return finish(h, true, "acked_unread");
    finish(h, false, NULL);
    return HS_ACKED;
}

enum hs_outcome
hs_check(struct handshake *h, bool now, enum hs_reason *why)
{
    int64_t t = ipc_now_ms();
    enum ipc_proc_run state;
    bool late;

    if (h->busy != NULL && IPCLAB_MUTANT(1, 1) && waiting(h) == 0) {
        hs_release(h);          /* mutant 1 (R1): read taken for acked */
        return HS_READ;
    }
    if (h->busy == NULL || (!now && t < h->next_check))
        return HS_WAITING;
    h->next_check = t + CHECK_MS;
    late = ipc_ms_until(h->deadline) == 0;
    state = ipc_proc_run_state(h->reader);
    if (state == IPCLAB_PROC_GONE || state == IPCLAB_PROC_STOPPED) {
        *why = state == IPCLAB_PROC_GONE ? HS_REASON_GONE : HS_REASON_STOPPED;
        return finish(h, empty_fifo(h), state == IPCLAB_PROC_GONE
                                        ? "peer_gone" : "peer_stopped");
    }
    if (waiting(h) != (int)sizeof(h->busy->rec) && waiting(h) > 0) {
        /* bytes besides our record: someone wrote garbage */
        *why = HS_REASON_PROTOCOL;
        return finish(h, empty_fifo(h), "garbage");
    }
    if (!late)
        return HS_WAITING;      /* running: give it until the ack timeout */
    *why = HS_REASON_TIMEOUT;
    return finish(h, empty_fifo(h), "ack_timeout");
}

enum hs_outcome
hs_given_back(struct handshake *h, const struct ipc_record *rec,
              enum hs_reason *why)
{
    if (h->busy == NULL ||
        memcmp(&h->busy->rec, rec, sizeof(*rec)) != 0 || waiting(h) > 0)
        return HS_WAITING;
    /* a reader acting on a stale ready read it, and gave it back */
    *why = HS_REASON_PROTOCOL;
    IPCLAB_TP(reclaim, h->no, rec->pid, rec->seq, (int)h->reader,
              "given_back");
    h->busy = NULL;
    h->reader = 0;
    return HS_TAKEN_BACK;
}

void
hs_release(struct handshake *h)
{
    h->busy = NULL;
    h->reader = 0;
}
