/*
 * trace/scope.c - --server: one ipclab system out of several in a trace.
 *
 * A root session daemon records every process that uses the ipclab
 * provider, whoever started it: on a shared machine a trace may hold
 * another student's server and clients, or a test's. With --server PID the
 * tool first reads the trace to find the members of that server's system,
 *
 *   the server; the processes it spawned or that name it as their parent;
 *   the processing clients it routed to; the requesting clients whose
 *   records it read or wrote; whoever it sent a signal to,
 *
 * then reads it again keeping only their events. Two passes, and memory
 * for one entry per member.
 */
#include <stdint.h>

#include "ipclab/err.h"
#include "hash.h"
#include "source.h"

static int scope_server;        /* 0: every process (set once, by main) */

void
tr_source_scope(int server)
{
    scope_server = server;
}

struct scope {
    struct tr_hash members;     /* vpid --> (void *)1 */
    tr_event_fn fn;
    void *arg;
    int seen;                   /* the server emitted events */
    struct tr_source_info kept; /* what pass 2 kept */
};

static void
add_member(struct scope *sc, int vpid)
{
    if (vpid > 0)
        tr_hash_put(&sc->members, (uint64_t)vpid, (void *)1);
}

/* Pass 1: who belongs to the server's system */
static void
find_members(const struct tr_event *ev, void *arg)
{
    struct scope *sc = arg;

    if (ev->type == TR_PROC_START && ev->ppid == scope_server)
        add_member(sc, ev->vpid);       /* its processing clients */
    if (ev->vpid != scope_server)
        return;
    sc->seen = 1;
    switch (ev->type) {
    case TR_PROC_SPAWN:
        add_member(sc, ev->child_pid);
        break;
    case TR_ROUTE:
        add_member(sc, ev->worker_pid);
        break;
    case TR_RECORD_READ:
    case TR_RECORD_WRITE:
        add_member(sc, ev->pid);        /* the requesting clients */
        break;
    case TR_SIGNAL_SEND:
        add_member(sc, ev->peer_pid);
        break;
    default:
        break;
    }
}

/* Pass 2: only the members' events */
static void
keep_members(const struct tr_event *ev, void *arg)
{
    struct scope *sc = arg;

    if (tr_hash_get(&sc->members, (uint64_t)ev->vpid) == NULL)
        return;
    if (sc->kept.events++ == 0)
        sc->kept.first_ts = ev->ts;
    sc->kept.last_ts = ev->ts;
    sc->fn(ev, sc->arg);
}

int
tr_source_read(const char *dir, tr_event_fn fn, void *arg, const char *pass,
               struct tr_source_info *info)
{
    struct scope sc = { .fn = fn, .arg = arg };
    int rc = -1;

    if (scope_server == 0)
        return tr_source_read_all(dir, fn, arg, pass, info);
    add_member(&sc, scope_server);
    if (tr_source_read_all(dir, find_members, &sc,
                           "finding the server's processes", info) == -1)
        goto out;
    if (!sc.seen) {
        ipc_warnx("process %d is not in the trace in '%s'", scope_server,
                  dir);
        goto out;
    }
    if ((rc = tr_source_read_all(dir, keep_members, &sc, pass, info)) == 0) {
        info->events = sc.kept.events;
        info->first_ts = sc.kept.first_ts;
        info->last_ts = sc.kept.last_ts;
    }
out:
    tr_hash_free(&sc.members);
    return rc;
}
