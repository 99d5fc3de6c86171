/*
 * server/route.c - requests, processing clients and results.
 *
 * A request's life in the server (enum req_state):
 *
 *   FIFO1 --> TO_WORKER --ack--> AT_WORKER --FIFO4--> TO_CLIENT --ack--> free
 *                 (FIFO3 channel)                       (FIFO2 channel)
 *
 * Every request the server accepts is answered exactly once: with its
 * result, or with an error status (EINVAL for an unknown operation, EIO
 * when its processing client died, ETIMEDOUT when it did not take the
 * request) unless its own client is gone or stopped answering.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ipclab/proc.h"
#include "ipclab/trace.h"
#include "server.h"

#define MAX_FAILURES 5          /* deaths in a row before giving up on an op */

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

bool
route_is_stalled(const struct server *s, pid_t pid)
{
    for (int i = 0; i < MAX_STALLED; i++)
        if (s->stalled[i] == pid)
            return true;
    return false;
}

/* A client that sends again is alive and listening (or a new process
   that reuses the pid): serve it again. */
static void
unstall(struct server *s, pid_t pid)
{
    for (int i = 0; i < MAX_STALLED; i++)
        if (s->stalled[i] == pid)
            s->stalled[i] = 0;
}

/* The result is in r->rec: queue it for its client, unless nobody waits. */
static void
answer(struct server *s, struct req *r)
{
    if (route_is_stalled(s, r->rec.pid) || !clients_alive(s, r->rec.pid)) {
        route_drop_result(s, r);
        return;
    }
    r->state = REQ_TO_CLIENT;
    channel_push(s, &s->to_client, r);
}

/* A valid request we will not serve, and why */
static void
refuse(struct server *s, const char *reason)
{
    IPC_TRACE(record_drop, IPC_FIFO1, reason,
              (int)sizeof(struct ipc_record));
    s->dropped_records++;
}

void
route_request(struct server *s, const struct ipc_record *rec)
{
    struct req *r;

    if (req_find(s, rec->pid, rec->seq) != NULL) {
        refuse(s, "duplicate");
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
        refuse(s, "stale");
        return;
    case CLIENT_NOT_READER:
        refuse(s, "bad_pid");
        return;
    }
    unstall(s, rec->pid);
    r = req_alloc(s);           /* the caller keeps room: never NULL */
    r->rec = *rec;
    if (rec->op < 1 || rec->op > IPC_OP_COUNT) {
        route_fail(s, r, EINVAL);
        return;
    }
    r->state = REQ_TO_WORKER;
    channel_push(s, &s->to_worker, r);
}

/* Start a processing client for op. Returns its pid, or -1. */
static pid_t
start_worker(struct server *s, uint32_t op)
{
    char path[PATH_MAX + 16], delay[24], crash[24];
    char *argv[16];
    sigset_t mask;
    int n = 0;

    snprintf(path, sizeof(path), "%s/ipclab-%s", s->worker_dir,
             ipc_op_name(op));
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
    sigaddset(&mask, s->sigs.ready);
    sigaddset(&mask, s->sigs.ack);      /* strays: taken and ignored */
    if (s->sigs.revoke != 0)
        sigaddset(&mask, s->sigs.revoke);
    sigaddset(&mask, SIGINT);   /* until the worker ignores it */
    sigaddset(&mask, SIGTERM);
    return ipc_spawn(ipc_op_name(op), path, argv, &mask);
}

pid_t
route_pick_worker(struct server *s, struct req *r)
{
    uint32_t op = r->rec.op;
    pid_t pid;

    if (s->per_request) {
        pid = start_worker(s, op);
    } else {
        if (s->pool[op].pid == 0 && s->pool[op].failures < MAX_FAILURES)
            s->pool[op].pid = start_worker(s, op);
        pid = s->pool[op].pid;
    }
    if (pid <= 0) {
        if (s->per_request)
            IPC_TRACE(error, "fork", errno);
        route_fail(s, r, EIO);
        return -1;
    }
    IPC_TRACE(route, r->rec.pid, r->rec.seq, (int)op, (int)pid);
    return pid;
}

void
route_acked_by_worker(struct server *s, struct req *r, pid_t worker)
{
    r->state = REQ_AT_WORKER;
    r->worker = worker;
    if (!s->per_request)
        s->pool[r->rec.op].failures = 0;
    if (r->early_result)
        answer(s, r);
}

void
route_result(struct server *s, const struct ipc_record *rec)
{
    struct req *r = req_find(s, rec->pid, rec->seq);

    if (r == NULL || r->state == REQ_TO_CLIENT || r->early_result ||
        rec->op != r->rec.op) {
        IPC_TRACE(record_drop, IPC_FIFO4, "stale", (int)sizeof(*rec));
        s->dropped_records++;
        return;
    }
    if (r->state == REQ_TO_WORKER) {
        /* The worker acks before it answers, but we may read FIFO4 before
           we read that ack from the signalfd. Keep the result until the
           ack settles the FIFO3 handshake: order stays ack, then answer. */
        if (s->to_worker.busy != r) {
            IPC_TRACE(record_drop, IPC_FIFO4, "stale", (int)sizeof(*rec));
            s->dropped_records++;
            return;
        }
        r->rec = *rec;
        r->early_result = true;
        return;
    }
    r->rec = *rec;
    answer(s, r);
}

void
route_fail(struct server *s, struct req *r, int status)
{
    IPC_TRACE(error, "request failed", status);
    ipc_rec_make_result(&r->rec, status, 0);
    answer(s, r);
}

void
route_delivered(struct server *s, struct req *r)
{
    s->served++;
    req_free(s, r);
}

void
route_drop_result(struct server *s, struct req *r)
{
    pid_t client = r->rec.pid;

    IPC_TRACE(record_drop, IPC_FIFO2, "stale", (int)sizeof(r->rec));
    /* tell a live client at once, rather than let it wait for its timeout */
    if (s->sigs.revoke != 0 && clients_alive(s, client))
        ipc_sig_send(&s->sigs, s->sigs.revoke, "revoke", client, r->rec.seq);
    s->dropped_results++;
    req_free(s, r);
}

void
route_reclaimed_from_client(struct server *s, struct req *r, pid_t client)
{
    /* a client that does not ack gets no more results until it sends
       again: the others come first */
    s->stalled[s->stalled_next] = client;
    s->stalled_next = (s->stalled_next + 1) % MAX_STALLED;
    route_drop_result(s, r);
}

/* If pid was the pool's worker for an operation, start its replacement */
static void
replace_worker(struct server *s, pid_t pid, int code)
{
    for (uint32_t op = 1; op <= IPC_OP_COUNT; op++) {
        struct worker *w = &s->pool[op];

        if (w->pid != pid)
            continue;
        w->pid = 0;
        if (code == 127)        /* cannot be executed: retrying is futile */
            w->failures = MAX_FAILURES;
        else if (code != 0)
            w->failures++;
        if (!s->stopping && w->failures < MAX_FAILURES)
            w->pid = start_worker(s, op);   /* -1: retried on next use */
        if (w->pid < 0)
            w->pid = 0;
    }
}

void
route_child_exited(struct server *s, pid_t pid, int code)
{
    /* the replacement first: settling FIFO3 below hands out the next
       request at once, and one for this operation must not go to the
       dead worker (it would fail too) */
    if (!s->per_request)
        replace_worker(s, pid, code);
    /* a ready it never answered, then whatever it had acknowledged */
    channel_forget_peer(s, &s->to_worker, pid);
    for (int i = 0; i < MAX_REQUESTS; i++) {
        struct req *r = &s->reqs[i];

        if (r->state == REQ_AT_WORKER && r->worker == pid) {
            IPC_TRACE(error, "worker died", code);
            route_fail(s, r, EIO);
        }
    }
}

int
route_start_pool(struct server *s)
{
    for (uint32_t op = 1; op <= IPC_OP_COUNT; op++) {
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
    for (uint32_t op = 1; op <= IPC_OP_COUNT; op++)
        if (s->pool[op].pid > 0)
            ipc_sig_send(&s->sigs, SIGTERM, "stop", s->pool[op].pid, 0);
}
