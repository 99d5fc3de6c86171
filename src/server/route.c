/*
 * server/route.c - requests, processing clients and results.
 *
 *   FIFO1 --> TO_WORKER --ack--> AT_WORKER --FIFO4--> TO_CLIENT --ack--> free
 *
 * Every request accepted is answered exactly once: with its result, or with
 * an error (EINVAL: unknown operation; EIO: its processing client died
 * holding it or cannot run; ETIMEDOUT: it did not take it), unless its
 * client is gone. The handshake reports what became of a record and the
 * settle_fifo*() functions decide; route_tick() then hands each idle shared
 * FIFO the oldest record whose reader can take it: one whose entry in
 * peers[] is not PEER_RUNNING (seen stopped, or restarting) gets nothing.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/proc.h"
#include "ipclab/trace.h"
#include "server.h"

#define RESTART_MIN_MS 100      /* first delay after repeated deaths */
#define RESTART_MAX_MS 2000     /* the delay doubles up to this */

/* ---- the request table, and the peers that cannot take a record --------- */

/* A free entry, else a new one, else the oldest result kept as READ */
static struct req *
req_alloc(struct server *s, const struct ipc_record *rec)
{
    struct req *r = NULL;

    for (int i = 0; i < s->top; i++) {
        struct req *c = &s->reqs[i];

        if (c->state == REQ_FREE) {
            r = c;
            break;
        }
        if (c->state == REQ_READ && (r == NULL || c->ticket < r->ticket))
            r = c;
    }
    if ((r == NULL || r->state == REQ_READ) && s->top < MAX_REQUESTS)
        r = &s->reqs[s->top++];
    if (r == NULL)
        return NULL;
    memset(r, 0, sizeof(*r));
    s->in_use++;
    r->ticket = ++s->tickets;
    r->rec = *rec;
    return r;
}

/* Free r; the table ends after its last entry in use */
static void
req_free(struct server *s, struct req *r)
{
    memset(r, 0, sizeof(*r));   /* state = REQ_FREE */
    s->in_use--;
    while (s->top > 0 && s->reqs[s->top - 1].state == REQ_FREE)
        s->top--;
}

static struct req *
req_find(struct server *s, pid_t pid, uint32_t seq)
{
    for (int i = 0; i < s->top; i++) {
        struct req *r = &s->reqs[i];

        if (r->state != REQ_FREE && r->state != REQ_READ &&
            r->rec.pid == pid && r->rec.seq == seq)
            return r;
    }
    return NULL;
}

/* The peer entry of pid (a pool worker, or one seen stopped), or NULL */
static struct peer *
peer_find(struct server *s, pid_t pid)
{
    for (int i = 1; i < s->npeers && pid > 0; i++)
        if (s->peers[i].pid == pid)
            return &s->peers[i];
    return NULL;
}

/* Can the reader of r, queued for a shared FIFO, take it now? Yes unless
   its peer entry says otherwise (per request: no worker yet is fine) */
static bool
reader_can_take(struct server *s, const struct req *r)
{
    const struct peer *p;

    if (r->state == REQ_TO_CLIENT)
        p = peer_find(s, r->rec.pid);
    else if (!s->workers.once)
        p = &s->peers[r->rec.op];
    else
        p = peer_find(s, r->worker);
    return p == NULL || p->state == PEER_RUNNING;
}

/* Is a record held for pid: a result for it, or (per request) a request? */
static bool
peer_awaited(const struct server *s, pid_t pid)
{
    for (int i = 0; i < s->top; i++) {
        const struct req *r = &s->reqs[i];

        if ((r->state == REQ_TO_CLIENT && r->rec.pid == pid) ||
            (r->state == REQ_TO_WORKER && r->worker == pid))
            return true;
    }
    return false;
}

/* Hold what goes to pid until it runs again. The table full, the entries
   no record waits for go first: a held record names its peer, and
   MAX_PEERS >= MAX_REQUESTS, so room is always left */
static void
mark_stopped(struct server *s, pid_t pid)
{
    const int size = (int)(sizeof(s->peers) / sizeof(s->peers[0]));
    struct peer *p = peer_find(s, pid);

    if (p == NULL && s->npeers == size)
        for (int i = s->npeers - 1; i > IPCLAB_OP_COUNT; i--)
            if (!peer_awaited(s, s->peers[i].pid))
                s->peers[i] = s->peers[--s->npeers];
    if (p == NULL && s->npeers < size)  /* always, by the bound above */
        p = &s->peers[s->npeers++];
    if (p == NULL)
        return;
    p->pid = pid;
    p->state = PEER_STOPPED;
    p->when = ipc_now_ms() + CHECK_MS;
}

/* The oldest record in 'state', not in h, whose reader can take it now
   (held: whose reader cannot) */
static struct req *
oldest(struct server *s, enum req_state state, const struct handshake *h,
       bool held)
{
    struct req *best = NULL;

    for (int i = 0; i < s->top; i++) {
        struct req *r = &s->reqs[i];

        if (r->state == state && r != h->busy &&
            (best == NULL || r->ticket < best->ticket) &&
            reader_can_take(s, r) != held)
            best = r;
    }
    return best;
}

/* A valid record we will not use, and why */
static void
refuse(struct server *s, enum ipc_fifo_no no, const char *reason,
       const struct ipc_record *rec)
{
    IPCLAB_TP(record_drop, no, reason, (int)sizeof(*rec), rec->pid, rec->seq);
    s->dropped_records++;
}

/* ---- results ------------------------------------------------------------ */

/* Give up on a result; in rt mode tell its client, if it lives */
static void
drop_result(struct server *s, struct req *r)
{
    IPCLAB_TP(record_drop, IPCLAB_FIFO2, "stale", (int)sizeof(r->rec),
              r->rec.pid, r->rec.seq);
    if (s->sigs.revoke != 0 &&
        ipc_proc_run_state(r->rec.pid) != IPCLAB_PROC_GONE)
        ipc_sig_send(&s->sigs, s->sigs.revoke, "revoke", r->rec.pid,
                     r->rec.seq);
    s->dropped_results++;
    req_free(s, r);
}

/* The result is in r->rec: queue it for its client, unless it is gone */
static void
answer(struct server *s, struct req *r)
{
    if (!clients_alive(s, r->rec.pid)) {
        drop_result(s, r);
        return;
    }
    r->state = REQ_TO_CLIENT;
    r->early_result = false;
}

/* Answer r with an error status instead of a result */
static void
fail(struct server *s, struct req *r, int status)
{
    IPCLAB_TP(error, "request failed", status);
    ipc_rec_make_result(&r->rec, status, 0);
    answer(s, r);
}

/* Give up on a request no worker has read; per request, the worker
   started for it would wait for it forever (stopped, it would outlive
   us): killed, SIGCHLD reaps it */
static void
fail_unread(struct server *s, struct req *r, int status)
{
    if (s->workers.once && r->worker > 0)
        route_signal_worker(r->worker, SIGKILL);
    r->worker = 0;
    fail(s, r, status);
}

/* The result kept as READ that is exactly rec: nobody can make the
   server deliver a result it did not send */
static struct req *
find_read(struct server *s, const struct ipc_record *rec)
{
    for (int i = 0; i < s->top; i++)
        if (s->reqs[i].state == REQ_READ &&
            memcmp(&s->reqs[i].rec, rec, sizeof(*rec)) == 0)
            return &s->reqs[i];
    return NULL;
}

/* What became of a result offered in FIFO2 */
static void
settle_fifo2(struct server *s, struct hs_report rep)
{
    struct req *r = rep.r;

    if (rep.outcome == HS_WAITING)
        return;
    if (rep.outcome == HS_READ && rep.why == HS_REASON_TIMEOUT &&
        !r->offered_again) {
        /* read, its client silent: perhaps a stale reader read it and died
           before giving it back; once more (a client ignores a duplicate) */
        IPCLAB_TP(error, "result read without ack: offered again",
                  (int)r->rec.seq);
        r->offered_again = true;
    } else if (rep.outcome != HS_TAKEN_BACK) {
        /* read: by its client, or by a stale reader that gives it back */
        s->served++;
        if (rep.outcome == HS_READ) {
            r->state = REQ_READ;        /* a stale reader may give it back */
            s->in_use--;
        } else {
            req_free(s, r);
        }
    } else if (rep.why == HS_REASON_STOPPED) {
        mark_stopped(s, rep.reader);    /* it waits for its client to run */
    } else if (rep.why != HS_REASON_PROTOCOL) {
        drop_result(s, r);      /* gone, silent, or unwritable */
    }                           /* PROTOCOL: taken back, offered again */
}

static void
pump_fifo2(struct server *s)
{
    struct req *r;

    while (s->fifo2.busy == NULL &&
           (r = oldest(s, REQ_TO_CLIENT, &s->fifo2, false)) != NULL) {
        if (clients_alive(s, r->rec.pid))
            settle_fifo2(s, hs_offer(&s->fifo2, &s->sigs, r, r->rec.pid));
        else
            drop_result(s, r);
    }
}

/* ---- processing clients ------------------------------------------------- */

/* Start a processing client for op. Returns its pid, or -1. */
static pid_t
start_worker(struct server *s, uint32_t op)
{
    struct ipc_worker_args args = s->workers;

    args.op = op;
    return ipc_worker_spawn(s->worker_dir, &args);
}

/* Fail every request waiting for op's processing client: it cannot run */
static void
fail_queued(struct server *s, uint32_t op)
{
    for (int i = 0; i < s->top; i++) {
        struct req *r = &s->reqs[i];

        if (r->state == REQ_TO_WORKER && r != s->fifo3.busy &&
            r->rec.op == op)
            fail(s, r, EIO);
    }
}

/* Start the pool's worker for op again; on failure retry later */
static void
restart_worker(struct server *s, uint32_t op)
{
    struct peer *w = &s->peers[op];

    w->state = PEER_RUNNING;
    if ((w->pid = start_worker(s, op)) > 0)
        return;
    IPCLAB_TP(error, "fork", errno);
    w->pid = 0;
    w->state = PEER_RESTARTING;
    w->when = ipc_now_ms() + RESTART_MIN_MS;
    fail_queued(s, op);
}

/* Look again at the peers that cannot take a record, those due (all: every
   stopped one): forget one running again, start a pool worker again.
   Returns how many of those it looked at are still stopped. */
static int
recheck_peers(struct server *s, bool all)
{
    int64_t now = ipc_now_ms();
    int stopped = 0;

    for (int i = s->npeers - 1; i >= 1; i--) {
        struct peer *p = &s->peers[i];

        if (p->state == PEER_RESTARTING && now >= p->when && s->stop_at == 0)
            restart_worker(s, (uint32_t)i);
        if (p->state != PEER_STOPPED || (now < p->when && !all))
            continue;
        if (ipc_proc_run_state(p->pid) == IPCLAB_PROC_STOPPED) {
            p->when = now + CHECK_MS;
            stopped++;
        } else if (i <= IPCLAB_OP_COUNT) {
            p->state = PEER_RUNNING;    /* a pool worker: keep its entry */
        } else {
            *p = s->peers[--s->npeers]; /* forgotten */
        }
    }
    return stopped;
}

/* The processing client for r; per request, one started now if it has none */
static pid_t
worker_for(struct server *s, struct req *r)
{
    if (!s->workers.once)
        return s->peers[r->rec.op].pid;
    if (r->worker <= 0 && (r->worker = start_worker(s, r->rec.op)) <= 0)
        IPCLAB_TP(error, "fork", errno);
    return r->worker;
}

/* What became of a request offered in FIFO3 */
static void
settle_fifo3(struct server *s, struct hs_report rep)
{
    struct req *r = rep.r;

    if (rep.outcome == HS_WAITING)
        return;
    if (rep.outcome != HS_TAKEN_BACK) {
        r->state = REQ_AT_WORKER;
        r->worker = rep.reader;
        if (rep.outcome == HS_ACKED && !s->workers.once)
            s->peers[r->rec.op].failures = 0;
        if (r->early_result)
            answer(s, r);
    } else if (rep.why == HS_REASON_STOPPED || rep.why == HS_REASON_GONE) {
        /* unread: it waits for its worker to resume or be replaced; per
           request, a worker that died unread fails it: one that cannot
           start would be started again and again, FIFO3 held for it */
        if (s->workers.once && rep.why == HS_REASON_GONE) {
            r->worker = 0;      /* reaped perhaps: its pid is not ours */
            fail(s, r, EIO);
        } else {
            mark_stopped(s, rep.reader);
        }
    } else if (rep.why == HS_REASON_TIMEOUT) {
        fail(s, r, ETIMEDOUT);
        if (rep.reader > 0)     /* unresponsive: SIGCHLD will replace it */
            route_signal_worker(rep.reader, SIGKILL);
    } else if (rep.why != HS_REASON_PROTOCOL) {
        fail_unread(s, r, EIO); /* unwritable */
    }                           /* PROTOCOL: taken back, offered again */
}

static void
pump_fifo3(struct server *s)
{
    struct req *r;

    while (s->fifo3.busy == NULL &&
           (r = oldest(s, REQ_TO_WORKER, &s->fifo3, false)) != NULL) {
        pid_t pid = worker_for(s, r);

        if (pid <= 0) {
            fail(s, r, EIO);
            continue;
        }
        IPCLAB_TP(route, r->rec.pid, r->rec.seq, (int)r->rec.op, (int)pid);
        settle_fifo3(s, hs_offer(&s->fifo3, &s->sigs, r, pid));
    }
}

/* ---- what arrives: each handled here, offered on by route_tick() -------- */

/* A request from FIFO1: accept it, or drop it and say why */
void
route_request(struct server *s, const struct ipc_record *rec)
{
    enum client_check check;
    struct req *r;

    if (s->stop_at == -1) {     /* too late to answer: said so */
        refuse(s, IPCLAB_FIFO1, "stopping", rec);
        return;
    }
    if (req_find(s, rec->pid, rec->seq) != NULL) {
        refuse(s, IPCLAB_FIFO1, "duplicate", rec);
        return;
    }
    /* only a reader of FIFO2 waits for 'ready': to any other process (a
       bystander, a worker, this server) it would be fatal */
    if ((check = clients_admit(s, rec->pid)) != CLIENT_OK) {
        refuse(s, IPCLAB_FIFO1, check == CLIENT_GONE ? "stale" : "bad_pid",
               rec);
        return;
    }
    if (peer_find(s, rec->pid) != NULL)
        recheck_peers(s, true); /* it sends: it runs again */
    r = req_alloc(s, rec);      /* the caller keeps room: never NULL */
    r->state = REQ_TO_WORKER;
    if (s->stop_at != 0)
        fail(s, r, ECANCELED);  /* sent after the stop: refused, answered */
    else if (rec->op < 1 || rec->op > IPCLAB_OP_COUNT)
        fail(s, r, EINVAL);
}

/* Exiting: give up on every request still held, and refuse from now on
   (traced, counted, revoked in rt mode): none is lost silently */
void
route_close(struct server *s)
{
    s->stop_at = -1;
    for (int i = 0; i < s->top; i++)
        if (s->reqs[i].state != REQ_FREE && s->reqs[i].state != REQ_READ)
            drop_result(s, &s->reqs[i]);
}

/* A record a stale reader of FIFO2 or FIFO3 gave back (IPCLAB_REC_RETURNED) */
static void
given_back(struct server *s, struct ipc_record rec)
{
    bool result = rec.kind == IPCLAB_KIND_RESULT;
    struct req *r;

    rec.flags &= ~IPCLAB_REC_RETURNED;
    ipc_rec_seal(&rec);
    if (hs_given_back(result ? &s->fifo2 : &s->fifo3, &rec).outcome ==
        HS_TAKEN_BACK)
        return;                 /* ours, unread: it waits in its queue */
    r = req_find(s, rec.pid, rec.seq);
    if (result && r == NULL && clients_known(s, rec.pid) &&
        (r = find_read(s, &rec)) != NULL) {
        s->in_use++;            /* counted as served already: deliver again */
        s->served--;
        r->offered_again = false;
        answer(s, r);
    } else if (!result && r != NULL && r->state == REQ_AT_WORKER &&
               !r->early_result && memcmp(&r->rec, &rec, sizeof(rec)) == 0) {
        r->state = REQ_TO_WORKER;       /* read by the wrong worker */
        r->worker = 0;
    } else {
        refuse(s, IPCLAB_FIFO4, "stale", &rec);
    }
}

/* A result, or a record given back, from FIFO4 */
void
route_fifo4(struct server *s, const struct ipc_record *rec)
{
    struct req *r = req_find(s, rec->pid, rec->seq);

    if (rec->flags & IPCLAB_REC_RETURNED) {
        given_back(s, *rec);
    } else if (r == NULL || r->state == REQ_TO_CLIENT || r->early_result ||
               rec->op != r->rec.op || rec->a != r->rec.a ||
               rec->b != r->rec.b ||
               (r->state == REQ_TO_WORKER && s->fifo3.busy != r)) {
        /* a result answers exactly its request: same op, same operands */
        refuse(s, IPCLAB_FIFO4, "stale", rec);
    } else {
        r->rec = *rec;
        if (r->state == REQ_TO_WORKER)
            r->early_result = true; /* answered once the worker acks */
        else
            answer(s, r);
    }
}

/* An ack, from a client or a worker */
void
route_ack(struct server *s, const struct ipc_sig_event *ev)
{
    struct hs_report rep2, rep3;

    if (ev->code != (s->sigs.mode == IPCLAB_SIG_RT ? SI_QUEUE : SI_USER)) {
        ipc_sig_ignored(ev, "not_queued");
        return;
    }
    /* both, in classic mode: one signal may stand for two coalesced acks */
    rep3 = hs_ack(&s->fifo3, &s->sigs, ev);
    rep2 = hs_ack(&s->fifo2, &s->sigs, ev);
    if (rep2.outcome == HS_WAITING && rep3.outcome == HS_WAITING &&
        rep2.why == HS_REASON_NONE && rep3.why == HS_REASON_NONE)
        ipc_sig_ignored(ev, "unexpected_sender");
    settle_fifo3(s, rep3);
    settle_fifo2(s, rep2);
}

/* A client exited (its pidfd): settle FIFO2 now if it was its reader */
void
route_client_exited(struct server *s, pid_t pid)
{
    if (s->fifo2.busy != NULL && s->fifo2.reader == pid)
        settle_fifo2(s, hs_check(&s->fifo2, true));
}

/* A pool worker died: route_tick() starts it again, at once or after a
   growing delay */
static void
replace_worker(struct server *s, uint32_t op, int code)
{
    struct peer *w = &s->peers[op];
    int delay = 0;

    w->pid = 0;
    w->state = PEER_RESTARTING;
    if (code != 0)
        w->failures++;
    if (s->stop_at != 0)
        return;
    if (code == 127)
        fail_queued(s, op);     /* it cannot be executed: do not keep them */
    if (w->failures >= 2) {
        /* the second death in a row waits RESTART_MIN_MS, each next one
           twice as long, up to RESTART_MAX_MS */
        delay = RESTART_MIN_MS << (w->failures < 7 ? w->failures - 2 : 5);
        delay = delay < RESTART_MAX_MS ? delay : RESTART_MAX_MS;
        IPCLAB_TP(error, "worker restart delayed", delay);
        ipc_warnx("ipclab-%s died %d times in a row (status %d); starting "
                  "it again in %d ms", ipc_op_name(op), w->failures, code,
                  delay);
    }
    w->when = ipc_now_ms() + delay;
}

/* A child was reaped: replace it, settle FIFO3, fail what it held */
void
route_child_exited(struct server *s, pid_t pid, int code)
{
    for (uint32_t op = 1; op <= IPCLAB_OP_COUNT; op++)
        if (!s->workers.once && s->peers[op].pid == pid)
            replace_worker(s, op, code);
    if (s->fifo3.busy != NULL && s->fifo3.reader == pid)
        settle_fifo3(s, hs_check(&s->fifo3, true));
    for (int i = 0; i < s->top; i++) {
        struct req *r = &s->reqs[i];

        if (r->state == REQ_AT_WORKER && r->worker == pid) {
            IPCLAB_TP(error, "worker died", code);
            fail(s, r, EIO);
        } else if (r->state == REQ_TO_WORKER && r->worker == pid) {
            r->worker = 0;      /* per-request: another one will take it */
        }
    }
}

/* ---- time ---------------------------------------------------------------- */

/* Nearly full: give up on the oldest results held for stopped clients (rt
   mode revokes them) until ROOM more requests fit, so that stopped clients
   with wide windows cannot keep the others out */
static void
make_room(struct server *s)
{
    struct req *r;

    /* one that runs again is served, not dropped */
    if (s->in_use <= MAX_REQUESTS - ROOM || recheck_peers(s, true) == 0)
        return;
    while (s->in_use > MAX_REQUESTS - ROOM &&
           (r = oldest(s, REQ_TO_CLIENT, &s->fifo2, true)) != NULL)
        drop_result(s, r);
}

/* After every turn of the event loop: the deadlines due, then each idle
   shared FIFO gets its next record (FIFO3 first: it may fail requests,
   whose answers go through FIFO2) */
void
route_tick(struct server *s)
{
    settle_fifo3(s, hs_check(&s->fifo3, false));
    settle_fifo2(s, hs_check(&s->fifo2, false));
    recheck_peers(s, false);
    pump_fifo3(s);
    pump_fifo2(s);
    if (s->stop_at == 0) {
        make_room(s);
        return;
    }
    if (s->fifo2.busy != NULL || s->fifo3.busy != NULL)
        return;
    /* stopping, both shared FIFOs idle: what still waits, waits for a
       peer that cannot take it (stopped, or not restarted); give up on it */
    for (int i = 0; i < s->top; i++) {
        if (s->reqs[i].state == REQ_TO_CLIENT)
            drop_result(s, &s->reqs[i]);
        else if (s->reqs[i].state == REQ_TO_WORKER)
            fail_unread(s, &s->reqs[i], EIO);
    }
    pump_fifo2(s);
}

/* The sooner of t and 'when', where 0 means none */
static int64_t
sooner(int64_t t, int64_t when)
{
    return when != 0 && (t == 0 || when < t) ? when : t;
}

/* ms until the nearest deadline, for epoll_wait(); -1: none */
int
route_next_timeout(const struct server *s)
{
    int64_t t = s->stop_at;

    if (s->fifo2.busy != NULL)
        t = sooner(t, s->fifo2.next_check);
    if (s->fifo3.busy != NULL)
        t = sooner(t, s->fifo3.next_check);
    for (int i = 1; i < s->npeers; i++)
        if (s->peers[i].state == PEER_STOPPED ||
            (s->peers[i].state == PEER_RESTARTING && s->stop_at == 0))
            t = sooner(t, s->peers[i].when);
    return t == 0 ? -1 : ipc_ms_until(t);
}

/* Check the four programs can run; in pool mode start them */
int
route_start_pool(struct server *s)
{
    char path[PATH_MAX];

    s->npeers = IPCLAB_OP_COUNT + 1;
    for (uint32_t op = 1; op <= IPCLAB_OP_COUNT; op++)
        if (ipc_worker_path(path, sizeof(path), s->worker_dir, op) == -1 ||
            access(path, X_OK) == -1)
            return -1;
    for (uint32_t op = 1; op <= IPCLAB_OP_COUNT && !s->workers.once; op++)
        if ((s->peers[op].pid = start_worker(s, op)) == -1) {
            s->peers[op].pid = 0;
            return -1;
        }
    return 0;
}

/* Ask the pool to stop: SIGTERM, taken between requests; one that is
   stopped (SIGSTOP) is continued to take it, not killed after a grace.
   Only a stopped one: a SIGCONT left pending can hang a sanitized
   worker's exit until the grace ends */
void
route_stop_pool(struct server *s)
{
    for (uint32_t op = 1; op <= IPCLAB_OP_COUNT; op++)
        if (s->peers[op].pid > 0 &&
            ipc_sig_send(&s->sigs, SIGTERM, "stop", s->peers[op].pid, 0) == 0 &&
            ipc_proc_run_state(s->peers[op].pid) == IPCLAB_PROC_STOPPED)
            route_signal_worker(s->peers[op].pid, SIGCONT);
}

/* Signal a child of ours: it cannot fail before the child is reaped, but
   is said if it does */
void
route_signal_worker(pid_t pid, int signo)
{
    if (kill(pid, signo) == -1)
        ipc_warn("cannot signal processing client %ld", (long)pid);
}
