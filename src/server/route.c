/*
 * server/route.c - requests, processing clients and results.
 *
 * A request's life in the server (enum req_state):
 *
 *   FIFO1 --> TO_WORKER --ack--> AT_WORKER --FIFO4--> TO_CLIENT --ack--> free
 *              (queue, FIFO3)                          (queue, FIFO2)
 *
 * Every request the server accepts is answered exactly once: with its
 * result, or with an error status (EINVAL for an unknown operation, EIO
 * when its processing client died holding it, ETIMEDOUT when it did not
 * take it) unless its own client is gone. A result waits in this queue,
 * in memory, while its client is stopped, and a request while its
 * processing client is stopped or restarting: a shared FIFO never waits
 * for an absent reader.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/proc.h"
#include "ipclab/trace.h"
#include "server.h"

#define RESTART_MIN_MS 100      /* first delay after repeated deaths */
#define RESTART_MAX_MS 2000     /* the delay doubles up to this */

static void pump_fifo2(struct server *s);
static void pump_fifo3(struct server *s);

/* ---- requests in memory ------------------------------------------------- */

static struct req *
req_alloc(struct server *s)
{
    for (int i = 0; i < MAX_REQUESTS; i++) {
        if (s->reqs[i].state == REQ_FREE) {
            s->in_use++;
            return &s->reqs[i];
        }
    }
    return NULL;
}

static void
req_free(struct server *s, struct req *r)
{
    memset(r, 0, sizeof(*r));   /* state = REQ_FREE */
    s->in_use--;
}

static struct req *
req_find(struct server *s, pid_t pid, uint32_t seq)
{
    for (int i = 0; i < MAX_REQUESTS; i++) {
        struct req *r = &s->reqs[i];

        if (r->state != REQ_FREE && r->rec.pid == pid && r->rec.seq == seq)
            return r;
    }
    return NULL;
}

static void
push_back(struct queue *q, struct req *r)
{
    r->next = NULL;
    if (q->tail != NULL)
        q->tail->next = r;
    else
        q->head = r;
    q->tail = r;
}

static void
push_front(struct queue *q, struct req *r)
{
    r->next = q->head;
    q->head = r;
    if (q->tail == NULL)
        q->tail = r;
}

/* Unlink r, whose predecessor is prev (NULL: r is the head) */
static void
unlink_req(struct queue *q, struct req *prev, struct req *r)
{
    if (prev == NULL)
        q->head = r->next;
    else
        prev->next = r->next;
    if (q->tail == r)
        q->tail = prev;
    r->next = NULL;
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

/* Give up on a result; tell its client at once if it lives (rt mode) */
static void
drop_result(struct server *s, struct req *r)
{
    IPCLAB_TP(record_drop, IPCLAB_FIFO2, "stale", (int)sizeof(r->rec),
              r->rec.pid, r->rec.seq);
    if (s->sigs.revoke != 0 && clients_alive(s, r->rec.pid) &&
        ipc_proc_run_state(r->rec.pid) != IPCLAB_PROC_GONE)   /* not a zombie */
        ipc_sig_send(&s->sigs, s->sigs.revoke, "revoke", r->rec.pid,
                     r->rec.seq);
    s->dropped_results++;
    req_free(s, r);
}

/* The result is in r->rec: queue it for its client, unless it is gone. */
static void
answer(struct server *s, struct req *r)
{
    if (!clients_alive(s, r->rec.pid)) {
        drop_result(s, r);
        return;
    }
    r->state = REQ_TO_CLIENT;
    r->early_result = false;
    push_back(&s->to_client, r);
    pump_fifo2(s);
}

static void
fail(struct server *s, struct req *r, int status)
{
    IPCLAB_TP(error, "request failed", status);
    ipc_rec_make_result(&r->rec, status, 0);
    answer(s, r);
}

/* Look at stopped peers again soon (route_tick()) */
static void
watch_stopped(struct server *s)
{
    if (s->next_recheck == 0)
        s->next_recheck = ipc_now_ms() + CHECK_MS;
}

/* Remember a result read without an ack: a stale reader may give it back */
static void
remember_read(struct server *s, const struct ipc_record *rec)
{
    s->read_unacked[s->read_next] = *rec;
    s->read_next = (s->read_next + 1) % READ_MEMORY;
}

/* True, and forgotten, when rec is exactly a result remember_read() kept:
   nobody can make the server deliver a result it did not send */
static bool
recall_read(struct server *s, const struct ipc_record *rec)
{
    for (int i = 0; i < READ_MEMORY; i++) {
        struct ipc_record *m = &s->read_unacked[i];

        if (m->pid == rec->pid && memcmp(m, rec, sizeof(*m)) == 0) {
            memset(m, 0, sizeof(*m));
            return true;
        }
    }
    return false;
}

/* Offer r to 'reader' through a shared FIFO */
static struct hs_report
offer(struct server *s, struct handshake *h, struct req *r, pid_t reader)
{
    struct hs_report rep = hs_offer(h, &s->sigs, r, reader, s->ack_timeout_ms);

    if (rep.outcome == HS_WAITING && s->skip_ack_wait) {
        /* UNSAFE: lab 04 shows what goes wrong without the ack */
        hs_release(h);
        rep.outcome = HS_ACKED;
    }
    return rep;
}

/* What became of a result offered in FIFO2 */
static void
settle_fifo2(struct server *s, struct hs_report rep)
{
    enum hs_outcome o = rep.outcome;
    struct req *r = rep.r;
    struct client *c;

    if (o == HS_WAITING)
        return;
    if (o == HS_READ && rep.why == HS_REASON_TIMEOUT && !r->offered_again) {
        /* read, but its client stays silent: perhaps a stale reader read
           it and died before giving it back. Once more: a client ignores
           a result it has already */
        IPCLAB_TP(error, "result read without ack: offered again",
                  (int)r->rec.seq);
        r->offered_again = true;
        push_front(&s->to_client, r);
    } else if (o == HS_ACKED || o == HS_READ) {
        /* read: by its client, or by a stale reader that gives it back
           through FIFO4 (route_fifo4() then queues it again) */
        s->served++;
        if (o == HS_READ)
            remember_read(s, &r->rec);
        req_free(s, r);
    } else if (rep.why == HS_REASON_STOPPED &&
               (c = clients_find(s, rep.reader)) != NULL) {
        c->stopped = true;      /* keep it here until the client resumes */
        watch_stopped(s);
        push_front(&s->to_client, r);
    } else if (rep.why == HS_REASON_PROTOCOL) {
        push_front(&s->to_client, r);
    } else {
        drop_result(s, r);      /* gone, silent, or unwritable */
    }
    pump_fifo2(s);
}

/* Offer queued results, first come first served, skipping stopped clients */
static void
pump_fifo2(struct server *s)
{
    struct req *prev = NULL, *r = s->to_client.head;

    while (s->fifo2.busy == NULL && r != NULL) {
        struct client *c = clients_find(s, r->rec.pid);
        struct req *next = r->next;

        if (c != NULL && c->stopped) {
            prev = r;
            r = next;
            continue;
        }
        unlink_req(&s->to_client, prev, r);
        if (!clients_alive(s, r->rec.pid)) {
            drop_result(s, r);
            r = next;
            continue;
        }
        settle_fifo2(s, offer(s, &s->fifo2, r, r->rec.pid));
        return;                 /* settle_fifo2() pumped again */
    }
}

/* ---- processing clients ------------------------------------------------- */

static void
worker_path(const struct server *s, uint32_t op, char *path, size_t size)
{
    snprintf(path, size, "%s/ipclab-%s", s->worker_dir, ipc_op_name(op));
}

/* Start a processing client for op. Returns its pid, or -1. */
static pid_t
start_worker(struct server *s, uint32_t op)
{
    char path[PATH_MAX + 16], delay[24], crash[24];
    char *argv[16];
    sigset_t mask;
    int n = 0;

    worker_path(s, op, path, sizeof(path));
    argv[n++] = path;
    argv[n++] = "--dir";
    argv[n++] = (char *)s->dir;
    argv[n++] = "--signals";
    argv[n++] = (char *)ipc_sig_mode_name(s->sigs.mode);
    if (s->per_request)
        argv[n++] = "--once";
    if (s->work_delay_ms > 0) {
        snprintf(delay, sizeof(delay), "%d", s->work_delay_ms);
        argv[n++] = "--delay";
        argv[n++] = delay;
    }
    if (s->worker_crash_after > 0) {
        snprintf(crash, sizeof(crash), "%ld", s->worker_crash_after);
        argv[n++] = "--crash-after";
        argv[n++] = crash;
    }
    argv[n] = NULL;

    /* 'ready' blocked in the child from its first instant: we may send it
       before the worker has even reached main(), and an unblocked
       real-time signal with no handler kills [lab04:early-ready] */
    sigemptyset(&mask);
    ipc_sig_addset_protocol(&mask);
    sigaddset(&mask, SIGINT);   /* until the worker ignores it */
    sigaddset(&mask, SIGTERM);
    return ipc_spawn(ipc_op_name(op), path, argv, &mask);
}

/* Fail every queued request for op: its processing client cannot run */
static void
fail_queued(struct server *s, uint32_t op)
{
    struct req *prev = NULL, *r = s->to_worker.head;

    while (r != NULL) {
        struct req *next = r->next;

        if (r->rec.op == op) {
            unlink_req(&s->to_worker, prev, r);
            fail(s, r, EIO);
        } else {
            prev = r;
        }
        r = next;
    }
}

/* Start the pool's worker for op now; on failure retry later */
static void
restart_worker(struct server *s, uint32_t op)
{
    struct worker *w = &s->pool[op];

    w->restart_at = 0;
    w->stopped = false;
    if ((w->pid = start_worker(s, op)) > 0)
        return;
    IPCLAB_TP(error, "fork", errno);
    w->pid = 0;
    w->restart_at = ipc_now_ms() + RESTART_MIN_MS;
    fail_queued(s, op);
}

/* The processing client that takes request r now: 0 when none can */
static pid_t
worker_for(struct server *s, struct req *r)
{
    if (!s->per_request) {
        struct worker *w = &s->pool[r->rec.op];

        return w->stopped ? 0 : w->pid;
    }
    if (r->worker > 0 &&
        ipc_proc_run_state(r->worker) == IPCLAB_PROC_STOPPED)
        return 0;
    if (r->worker <= 0 && (r->worker = start_worker(s, r->rec.op)) <= 0) {
        IPCLAB_TP(error, "fork", errno);
        r->worker = -1;         /* fail it: see pump_fifo3() */
    }
    return r->worker;
}

/* What became of a request offered in FIFO3 */
static void
settle_fifo3(struct server *s, struct hs_report rep)
{
    enum hs_outcome o = rep.outcome;
    enum hs_reason why = rep.why;
    struct req *r = rep.r;
    pid_t reader = rep.reader;

    if (o == HS_WAITING)
        return;
    if (o == HS_ACKED || o == HS_READ) {
        r->state = REQ_AT_WORKER;
        r->worker = reader;
        if (o == HS_ACKED && !s->per_request)
            s->pool[r->rec.op].failures = 0;
        if (r->early_result)
            answer(s, r);
    } else if (why == HS_REASON_STOPPED || why == HS_REASON_GONE ||
               why == HS_REASON_PROTOCOL) {
        /* unread: it waits for its worker to resume or be replaced */
        if (why != HS_REASON_PROTOCOL && !s->per_request &&
            s->pool[r->rec.op].pid == reader)
            s->pool[r->rec.op].stopped = true;
        if (why == HS_REASON_GONE && s->per_request)
            r->worker = 0;
        watch_stopped(s);
        push_front(&s->to_worker, r);
    } else if (why == HS_REASON_TIMEOUT) {
        fail(s, r, ETIMEDOUT);
        if (reader > 0)         /* unresponsive: SIGCHLD will replace it */
            kill(reader, SIGKILL);
    } else {
        fail(s, r, EIO);
    }
    pump_fifo3(s);
}

/* Offer queued requests, skipping operations whose worker cannot take one */
static void
pump_fifo3(struct server *s)
{
    struct req *prev = NULL, *r = s->to_worker.head;

    while (s->fifo3.busy == NULL && r != NULL) {
        struct req *next = r->next;
        pid_t pid = worker_for(s, r);

        if (pid == 0) {
            prev = r;
            r = next;
            continue;
        }
        unlink_req(&s->to_worker, prev, r);
        if (pid < 0) {
            fail(s, r, EIO);
            r = prev == NULL ? s->to_worker.head : prev->next;
            continue;
        }
        IPCLAB_TP(route, r->rec.pid, r->rec.seq, (int)r->rec.op, (int)pid);
        settle_fifo3(s, offer(s, &s->fifo3, r, pid));
        return;                 /* settle_fifo3() pumped again */
    }
}

/* ---- what arrives -------------------------------------------------------- */

void
route_request(struct server *s, const struct ipc_record *rec)
{
    struct client *c;
    struct req *r;

    if (req_find(s, rec->pid, rec->seq) != NULL) {
        refuse(s, IPCLAB_FIFO1, "duplicate", rec);
        return;
    }
    /* The answer will go to rec->pid with a 'ready' signal. Only a reader
       of FIFO2 can be waiting for one: to any other process named in a
       forged or broken record (a bystander, a processing client, this
       server), a real-time signal it does not expect is fatal. */
    switch (clients_admit(s, rec->pid)) {
    case CLIENT_OK:
        break;
    case CLIENT_GONE:
        refuse(s, IPCLAB_FIFO1, "stale", rec);
        return;
    case CLIENT_NOT_READER:
        refuse(s, IPCLAB_FIFO1, "bad_pid", rec);
        return;
    }
    if ((c = clients_find(s, rec->pid)) != NULL && c->stopped) {
        c->stopped = false;     /* it sends: it runs again */
        pump_fifo2(s);
    }
    r = req_alloc(s);           /* the caller keeps room: never NULL */
    r->rec = *rec;
    if (rec->op < 1 || rec->op > IPCLAB_OP_COUNT) {
        fail(s, r, EINVAL);
        return;
    }
    r->state = REQ_TO_WORKER;
    push_back(&s->to_worker, r);
    pump_fifo3(s);
}

/* A record a stale reader of FIFO2 or FIFO3 gave back (IPCLAB_REC_RETURNED) */
static void
given_back(struct server *s, struct ipc_record rec)
{
    bool result = rec.kind == IPCLAB_KIND_RESULT;
    struct hs_report rep;
    struct req *r;

    rec.flags &= ~IPCLAB_REC_RETURNED;
    ipc_rec_seal(&rec);
    rep = hs_given_back(result ? &s->fifo2 : &s->fifo3, &rec);
    if (rep.outcome == HS_TAKEN_BACK) {
        push_front(result ? &s->to_client : &s->to_worker, rep.r);
        if (result)
            pump_fifo2(s);
        else
            pump_fifo3(s);
        return;
    }
    r = req_find(s, rec.pid, rec.seq);
    if (result && r == NULL && s->in_use < MAX_REQUESTS &&
        clients_find(s, rec.pid) != NULL && recall_read(s, &rec)) {
        /* counted as read already (HS_READ): deliver it again */
        r = req_alloc(s);
        r->rec = rec;
        s->served--;
        answer(s, r);
        return;
    }
    if (!result && r != NULL && r->state == REQ_AT_WORKER &&
        !r->early_result && memcmp(&r->rec, &rec, sizeof(rec)) == 0) {
        r->state = REQ_TO_WORKER;       /* read by the wrong worker */
        r->worker = 0;
        push_front(&s->to_worker, r);
        pump_fifo3(s);
        return;
    }
    refuse(s, IPCLAB_FIFO4, "stale", &rec);
}

void
route_fifo4(struct server *s, const struct ipc_record *rec)
{
    struct req *r;

    if (rec->flags & IPCLAB_REC_RETURNED) {
        given_back(s, *rec);
        return;
    }
    r = req_find(s, rec->pid, rec->seq);
    /* a result answers exactly its request: same op, same operands */
    if (r == NULL || r->state == REQ_TO_CLIENT || r->early_result ||
        rec->op != r->rec.op || rec->a != r->rec.a || rec->b != r->rec.b ||
        (r->state == REQ_TO_WORKER && s->fifo3.busy != r)) {
        refuse(s, IPCLAB_FIFO4, "stale", rec);
        return;
    }
    r->rec = *rec;
    if (r->state == REQ_TO_WORKER) {
        /* The worker acks before it answers, but we may read FIFO4 before
           we read that ack from the signalfd. Keep the result until the
           ack settles the FIFO3 handshake: order stays ack, then answer. */
        r->early_result = true;
        return;
    }
    answer(s, r);
}

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

/* A peer seen stopped: true, and no longer marked stopped, if it runs */
static bool
resumes(bool *stopped, pid_t pid)
{
    if (!*stopped || ipc_proc_run_state(pid) == IPCLAB_PROC_STOPPED)
        return false;
    *stopped = false;
    return true;
}

/* Full: give up on the oldest results held for stopped clients (rt mode
   revokes them) until 'need' requests fit, so that clients which stopped
   with wide windows cannot keep the others out */
void
route_make_room(struct server *s, int need)
{
    struct req *prev = NULL, *r = s->to_client.head;
    bool resumed = false;

    while (r != NULL && s->in_use > MAX_REQUESTS - need) {
        struct client *c = clients_find(s, r->rec.pid);
        struct req *next = r->next;

        if (c != NULL && resumes(&c->stopped, c->pid))
            resumed = true;             /* it runs again: serve, not drop */
        else if (c != NULL && c->stopped) {
            unlink_req(&s->to_client, prev, r);
            drop_result(s, r);
        } else {
            prev = r;
        }
        r = next;
    }
    if (resumed)
        pump_fifo2(s);
}

/* ---- time: silent readers, stopped peers, restarts ---------------------- */

/* Look again at the peers we saw stopped; true when one runs again */
static bool
recheck_stopped(struct server *s)
{
    bool resumed = false, any = false;

    for (int i = 0; i < s->nclients; i++) {
        struct client *c = &s->clients[i];

        resumed |= resumes(&c->stopped, c->pid);
        any |= c->stopped;
    }
    for (uint32_t op = 1; op <= IPCLAB_OP_COUNT; op++) {
        struct worker *w = &s->pool[op];

        resumed |= w->pid > 0 && resumes(&w->stopped, w->pid);
        any |= w->stopped;
    }
    if (s->per_request)
        any |= s->to_worker.head != NULL;   /* held for a stopped worker */
    s->next_recheck = any ? ipc_now_ms() + CHECK_MS : 0;
    return resumed;
}

/* Stopping: give up on results and requests held for stopped peers */
static void
give_up_on_stopped(struct server *s)
{
    struct req *r;

    while ((r = s->to_client.head) != NULL) {
        unlink_req(&s->to_client, NULL, r);
        drop_result(s, r);
    }
    while ((r = s->to_worker.head) != NULL) {
        unlink_req(&s->to_worker, NULL, r);
        fail(s, r, EIO);
    }
}

void
route_tick(struct server *s)
{
    int64_t now = ipc_now_ms();

    settle_fifo3(s, hs_check(&s->fifo3, false));
    settle_fifo2(s, hs_check(&s->fifo2, false));
    if (s->next_recheck != 0 && now >= s->next_recheck &&
        recheck_stopped(s)) {
        pump_fifo3(s);
        pump_fifo2(s);
    }
    for (uint32_t op = 1; op <= IPCLAB_OP_COUNT; op++) {
        struct worker *w = &s->pool[op];

        if (w->pid == 0 && w->restart_at != 0 && now >= w->restart_at &&
            s->stop_at == 0) {
            restart_worker(s, op);
            pump_fifo3(s);
        }
    }
    if (s->stop_at != 0 && s->fifo2.busy == NULL && s->fifo3.busy == NULL)
        give_up_on_stopped(s);
}

/* The sooner of t and 'when', where 0 means none */
static int64_t
sooner(int64_t t, int64_t when)
{
    return when != 0 && (t == 0 || when < t) ? when : t;
}

int
route_next_timeout(const struct server *s)
{
    int64_t t = s->stop_at;

    if (s->fifo2.busy != NULL)
        t = sooner(t, s->fifo2.next_check);
    if (s->fifo3.busy != NULL)
        t = sooner(t, s->fifo3.next_check);
    t = sooner(t, s->next_recheck);
    for (uint32_t op = 1; op <= IPCLAB_OP_COUNT; op++)
        if (s->pool[op].pid == 0)
            t = sooner(t, s->pool[op].restart_at);
    return t == 0 ? -1 : ipc_ms_until(t);
}

void
route_client_exited(struct server *s, pid_t pid)
{
    if (s->fifo2.busy != NULL && s->fifo2.reader == pid)
        settle_fifo2(s, hs_check(&s->fifo2, true));
}

/* A pool worker died: start it again, at once or after a growing delay */
static void
replace_worker(struct server *s, uint32_t op, int code)
{
    struct worker *w = &s->pool[op];
    int delay = 0;

    w->pid = 0;
    w->stopped = false;
    if (code != 0)
        w->failures++;
    if (s->stop_at != 0)
        return;
    if (code == 127)
        fail_queued(s, op);     /* it cannot be executed: do not keep them */
    if (w->failures >= 2) {
        /* the second death in a row waits RESTART_MIN_MS, each next one
           twice as long, up to RESTART_MAX_MS */
        delay = RESTART_MIN_MS;
        for (int i = 2; i < w->failures && delay < RESTART_MAX_MS; i++)
            delay *= 2;
        if (delay > RESTART_MAX_MS)
            delay = RESTART_MAX_MS;
        IPCLAB_TP(error, "worker restart delayed", delay);
        ipc_warnx("ipclab-%s died %d times in a row (status %d); starting "
                  "it again in %d ms", ipc_op_name(op), w->failures, code,
                  delay);
    }
    if (delay == 0)
        restart_worker(s, op);
    else
        w->restart_at = ipc_now_ms() + delay;
}

void
route_child_exited(struct server *s, pid_t pid, int code)
{
    /* the replacement first: settling FIFO3 below hands out the next
       request at once, and one for this operation must wait for it */
    for (uint32_t op = 1; op <= IPCLAB_OP_COUNT; op++)
        if (!s->per_request && s->pool[op].pid == pid)
            replace_worker(s, op, code);
    if (s->fifo3.busy != NULL && s->fifo3.reader == pid)
        settle_fifo3(s, hs_check(&s->fifo3, true));
    for (int i = 0; i < MAX_REQUESTS; i++) {
        struct req *r = &s->reqs[i];

        if (r->state == REQ_AT_WORKER && r->worker == pid) {
            IPCLAB_TP(error, "worker died", code);
            fail(s, r, EIO);
        } else if (r->state == REQ_TO_WORKER && r->worker == pid) {
            r->worker = 0;      /* per-request: another one will take it */
        }
    }
    pump_fifo3(s);
}

int
route_start_pool(struct server *s)
{
    char path[PATH_MAX + 16];

    for (uint32_t op = 1; op <= IPCLAB_OP_COUNT; op++) {
        worker_path(s, op, path, sizeof(path));
        if (access(path, X_OK) == -1)
            return -1;
    }
    if (s->per_request)
        return 0;
    for (uint32_t op = 1; op <= IPCLAB_OP_COUNT; op++) {
        s->pool[op].pid = start_worker(s, op);
        if (s->pool[op].pid == -1) {
            s->pool[op].pid = 0;
            return -1;
        }
    }
    return 0;
}

void
route_stop_pool(struct server *s)
{
    for (uint32_t op = 1; op <= IPCLAB_OP_COUNT; op++)
        if (s->pool[op].pid > 0)
            ipc_sig_send(&s->sigs, SIGTERM, "stop", s->pool[op].pid, 0);
}
