/*
 * server/channel.c - the handshake on a FIFO shared by several readers.
 *
 * FIFO2 (results to requesting clients) and FIFO3 (requests to processing
 * clients) each have many readers, and a FIFO cannot address a reader:
 * whoever calls read() first gets the record. So the server keeps
 *
 *   at most one record in a shared FIFO at a time;
 *
 * it writes a record, sends its reader "ready" (carrying the record's
 * seq), and writes the next record only after that reader's "ack" (or after
 * taking the record back itself when no ack comes in time). Readers read
 * only when told. Together that makes every record reach its own reader.
 *
 *   server                FIFO             reader
 *     |--- write(rec) ---->|                  |
 *     |--- ready(seq) ------------------------>|
 *     |                    |<--- read(rec) ---|
 *     |<-------------------------- ack(seq) --|
 *     |--- write(next) --->|                  |
 *
 * The server's own read end ('rfd') keeps each FIFO open, so a record is
 * never lost when its reader dies, and lets the server reclaim it.
 * The reader sides are in src/rc/session.c and src/worker/main.c.
 * Lab 04, step 5.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ipclab/proc.h"
#include "ipclab/trace.h"
#include "server.h"

void
channel_init(struct channel *ch, enum ipc_fifo_no no)
{
    memset(ch, 0, sizeof(*ch));
    ch->no = no;
    ch->wfd = -1;
    ch->rfd = -1;
}

void
channel_push(struct server *s, struct channel *ch, struct req *r)
{
    r->next = NULL;
    if (ch->tail != NULL)
        ch->tail->next = r;
    else
        ch->head = r;
    ch->tail = r;
    channel_pump(s, ch);
}

/*
 * Take back, through our own read end, whatever still sits in the FIFO.
 * Returns true when a record was there (its reader never read it). Reads
 * here are not traced as record_read: nobody received anything.
 */
static bool
reclaim_unread(struct channel *ch)
{
    unsigned char junk[PIPE_BUF];
    int avail = 0;

    if (ioctl(ch->rfd, FIONREAD, &avail) == -1 || avail <= 0)
        return false;
    while (ipc_read_full(ch->rfd, junk,
                         (size_t)avail < sizeof(junk) ? (size_t)avail
                                                      : sizeof(junk)) > 0) {
        if (ioctl(ch->rfd, FIONREAD, &avail) == -1 || avail <= 0)
            break;
    }
    return true;
}

/* How a record in a shared FIFO stopped being our business */
enum settle_how {
    SETTLE_ACKED,               /* its reader acknowledged */
    SETTLE_TIMEOUT,             /* no ack within --ack-timeout */
    SETTLE_GONE,                /* its reader no longer exists */
};

/* End the 'busy' state of ch: account for the record, reclaim if unread. */
static void
settle(struct server *s, struct channel *ch, enum settle_how how)
{
    static const char *const why[] = {
        [SETTLE_ACKED] = "acked_unread",
        [SETTLE_TIMEOUT] = "ack_timeout",
        [SETTLE_GONE] = "peer_gone",
    };
    struct req *r = ch->busy;
    pid_t peer = ch->peer;
    bool unread;

    ch->busy = NULL;
    ch->peer = 0;
    unread = reclaim_unread(ch);
    if (unread)
        IPC_TRACE(reclaim, ch->no, r->rec.pid, r->rec.seq, (int)peer,
                  why[how]);

    if (ch->no == IPC_FIFO2) {
        if (unread)
            route_reclaimed_from_client(s, r, peer);
        else
            route_delivered(s, r);      /* read, even if not acknowledged */
        return;
    }
    if (!unread) {
        /* the worker read it: if its ack is missing, the ack was lost (two
           classic signals coalesce) or is late; either way it holds it */
        route_acked_by_worker(s, r, peer);
        return;
    }
    route_fail(s, r, how == SETTLE_TIMEOUT ? ETIMEDOUT : EIO);
    if (how == SETTLE_TIMEOUT)
        kill(peer, SIGKILL);    /* unresponsive: SIGCHLD will replace it */
}

void
channel_pump(struct server *s, struct channel *ch)
{
    while (ch->busy == NULL && ch->head != NULL) {
        struct req *r = ch->head;
        pid_t peer;

        ch->head = r->next;
        if (ch->head == NULL)
            ch->tail = NULL;

        if (ch->no == IPC_FIFO2 && route_is_stalled(s, r->rec.pid)) {
            /* queued before its client stopped acknowledging: do not
               spend another ack timeout on it */
            route_drop_result(s, r);
            continue;
        }
        peer = ch->no == IPC_FIFO2 ? r->rec.pid : route_pick_worker(s, r);
        if (peer <= 0)
            continue;           /* route_pick_worker() answered it already */

        /* the FIFO is empty (invariant), so this write cannot block */
        if (ipc_rec_write(ch->wfd, ch->no, &r->rec, 0) == -1) {
            IPC_TRACE(error, "write shared fifo", errno);
            if (ch->no == IPC_FIFO2)
                route_drop_result(s, r);
            else
                route_fail(s, r, EIO);
            continue;
        }
        ch->busy = r;
        ch->peer = peer;
        ch->deadline = ipc_deadline_ms(s->ack_timeout_ms);
        if (ipc_sig_send(&s->sigs, s->sigs.ready, "ready", peer,
                         r->rec.seq) == -1) {
            /* the reader is gone: take the record back before anyone
               else can read it */
            settle(s, ch, SETTLE_GONE);
            continue;
        }
        if (s->skip_ack_wait) {
            /* UNSAFE: lab 04 shows what goes wrong without the ack */
            ch->busy = NULL;
            if (ch->no == IPC_FIFO2)
                route_delivered(s, r);
            else
                route_acked_by_worker(s, r, peer);
        }
    }
}

bool
channel_ack(struct server *s, struct channel *ch,
            const struct ipc_sig_event *ev)
{
    if (ch->busy == NULL || ev->pid != ch->peer)
        return false;
    if (s->sigs.mode == IPC_SIG_RT && ev->value != ch->busy->rec.seq) {
        ipc_sig_ignored(ev, "unexpected_value");
        return true;
    }
    ipc_sig_consumed(ev, "ack");
    settle(s, ch, SETTLE_ACKED);
    channel_pump(s, ch);
    return true;
}

void
channel_check_timeout(struct server *s, struct channel *ch)
{
    if (ch->busy == NULL || ipc_ms_until(ch->deadline) > 0)
        return;
    settle(s, ch, SETTLE_TIMEOUT);
    channel_pump(s, ch);
}

void
channel_forget_peer(struct server *s, struct channel *ch, pid_t peer)
{
    if (ch->busy == NULL || ch->peer != peer)
        return;
    settle(s, ch, SETTLE_GONE);
    channel_pump(s, ch);
}
