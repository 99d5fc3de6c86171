/*
 * trace/scope.c - which processes of a trace the views show.
 *
 * A root session daemon records every process that uses the ipclab
 * provider, whoever started it: on a shared machine a trace may hold
 * another student's server and clients, or a test's. So the tool first
 * reads the trace to find the members of the part it shows, then reads it
 * again keeping only their events. Two passes, and memory for one entry
 * per member; by default one pass when every event is a member's as it
 * comes (no other process in the trace), two from the first other one
 * on. The members:
 *
 *   by default, the processes of the recording that DIR/record.info
 *   describes: those in the recording's own UTS namespace (record.sh runs
 *   the command in one, so every descendant carries it, however it was
 *   started), and the process trees of the pids it names (the recorded
 *   command, and the processes named with record.sh --pid): a root,
 *   every process whose proc_start names a member as its parent or
 *   that a member spawned, and the peers a member routed to, exchanged
 *   records with or signalled (a requesting client started by a subshell,
 *   which traces nothing, is found through its server); everything when
 *   there is no record.info (a trace recorded by hand);
 *
 *   --server PID: the server; the processes it spawned or that name it as
 *   their parent; the processing clients it routed to; the requesting
 *   clients whose records it read or wrote; whoever it sent a signal to;
 *
 *   --all: every process.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ipclab/err.h"
#include "decode.h"
#include "hash.h"
#include "procs.h"
#include "recinfo.h"
#include "source.h"

static enum tr_scope scope_mode;        /* set once, by main */
static int scope_server;

void
tr_source_scope(enum tr_scope mode, int server)
{
    scope_mode = mode;
    scope_server = server;
}

struct scope {
    struct tr_hash members;     /* vpid --> (void *)1 */
    tr_event_fn fn;
    void *arg;
    int seen;                   /* the server emitted events */
    char role[16];              /* the server's, from its proc_start */
    uint64_t uts_ns;            /* the recording's namespace, or 0 */
    struct tr_source_info kept; /* what pass 2 kept */
    uint64_t index;             /* events read so far in this pass */
    uint64_t other;             /* the first event of a process not (yet)
                                   a member, or UINT64_MAX: none */
};

static void
add_member(struct scope *sc, int vpid)
{
    if (vpid > 0)
        tr_hash_put(&sc->members, (uint64_t)vpid, (void *)1);
}

static bool
is_member(struct scope *sc, int vpid)
{
    return vpid > 0 && tr_hash_get(&sc->members, (uint64_t)vpid) != NULL;
}

/* A member's event: the processes it started, served or signalled */
static void
add_peers(struct scope *sc, const struct tr_event *ev)
{
    switch (ev->type) {
    case TR_PROC_SPAWN:
        add_member(sc, ev->child_pid);
        break;
    case TR_ROUTE:
        add_member(sc, ev->worker_pid);
        break;
    case TR_RECORD_READ:
    case TR_RECORD_WRITE:
        add_member(sc, ev->pid);        /* the requesting client */
        break;
    case TR_SIGNAL_SEND:
        add_member(sc, ev->peer_pid);
        break;
    default:
        break;
    }
}

/* Pass 1, default scope: the recorded process trees, and their peers */
static void
find_tree(const struct tr_event *ev, void *arg)
{
    struct scope *sc = arg;

    if ((sc->uts_ns != 0 && ev->uts_ns == sc->uts_ns) ||
        (ev->type == TR_PROC_START && is_member(sc, ev->ppid)))
        add_member(sc, ev->vpid);
    if (!is_member(sc, ev->vpid))
        return;
    sc->seen = 1;
    add_peers(sc, ev);
}

/* Pass 1, --server: who belongs to the server's system */
static void
find_members(const struct tr_event *ev, void *arg)
{
    struct scope *sc = arg;

    if (ev->type == TR_PROC_START && ev->ppid == scope_server)
        add_member(sc, ev->vpid);       /* its processing clients */
    if (ev->vpid != scope_server)
        return;
    if (ev->type == TR_PROC_START)
        snprintf(sc->role, sizeof(sc->role), "%s", ev->role);
    sc->seen = 1;
    add_peers(sc, ev);
}

/* Pass 2: only the members' events */
static void
keep_members(const struct tr_event *ev, void *arg)
{
    struct scope *sc = arg;

    if (!is_member(sc, ev->vpid))
        return;
    if (sc->kept.events++ == 0)
        sc->kept.first_ts = ev->ts;
    sc->kept.last_ts = ev->ts;
    sc->fn(ev, sc->arg);
}

/* Default scope, one pass: find members, and keep their events as long as
   every event so far was a member's (keep_members() is then exact) */
static void
keep_tree(const struct tr_event *ev, void *arg)
{
    struct scope *sc = arg;

    find_tree(ev, sc);
    if (sc->other == UINT64_MAX && is_member(sc, ev->vpid))
        keep_members(ev, sc);
    else if (sc->other == UINT64_MAX)
        sc->other = sc->index;
    sc->index++;
}

/* Default scope, pass 2 when keep_tree() met another process: the
   members' events from that one on */
static void
keep_rest(const struct tr_event *ev, void *arg)
{
    struct scope *sc = arg;

    if (sc->index++ >= sc->other)
        keep_members(ev, sc);
}

/* tr_source_read() but for the warning about lost events */
static int
read_scoped(const char *dir, tr_event_fn fn, void *arg, const char *pass,
            struct tr_source_info *info)
{
    struct scope sc = { .fn = fn, .arg = arg, .other = UINT64_MAX };
    struct tr_recinfo ri;
    tr_event_fn keep = keep_members;
    char shown[TR_SHOWN_MAX];
    int rc = -1;

    if (scope_mode == TR_SCOPE_ALL)
        return tr_source_read_all(dir, fn, arg, pass, info);
    if (scope_mode == TR_SCOPE_RECORDED) {
        if (tr_recinfo_read(dir, &ri) == -1)
            return -1;
        if (!ri.present)
            return tr_source_read_all(dir, fn, arg, pass, info);
        for (int i = 0; i < ri.npids; i++)
            add_member(&sc, ri.pids[i]);
        sc.uts_ns = ri.uts_ns;
        if (tr_source_read_all(dir, keep_tree, &sc, pass, info) == -1)
            goto out;
        if (!sc.seen) {
            ipc_warnx("none of the recorded processes (record.info) traced "
                      "anything in '%s' (--all shows what the trace holds)",
                      ipc_shown(shown, sizeof(shown), dir));
            goto out;
        }
        if (sc.other == UINT64_MAX) {
            rc = 0;             /* every event was read and judged */
            goto kept;
        }
        sc.index = 0;
        keep = keep_rest;
    } else {
        add_member(&sc, scope_server);
        if (tr_source_read_all(dir, find_members, &sc,
                               "finding the server's processes", info) == -1)
            goto out;
        if (!sc.seen) {
            ipc_warnx("process %d is not in the trace in '%s'",
                      scope_server, ipc_shown(shown, sizeof(shown), dir));
            goto out;
        }
        /* a requesting or processing client, by its own proc_start (a
           lab's or a student's server may call itself otherwise) */
        if (tr_role_group(sc.role) == TR_GROUP_RC ||
            tr_role_group(sc.role) == TR_GROUP_WORKER) {
            ipc_warnx("process %d is not a server in the trace in '%s' "
                      "(its role is %s)", scope_server,
                      ipc_shown(shown, sizeof(shown), dir), sc.role);
            goto out;
        }
    }
    rc = tr_source_read_all(dir, keep, &sc, pass, info);
kept:
    if (rc == 0) {
        info->events = sc.kept.events;
        info->first_ts = sc.kept.first_ts;
        info->last_ts = sc.kept.last_ts;
    }
out:
    tr_hash_free(&sc.members);
    return rc;
}

int
tr_source_read(const char *dir, tr_event_fn fn, void *arg, const char *pass,
               struct tr_source_info *info)
{
    static bool warned;         /* every command says it once */
    int rc = read_scoped(dir, fn, arg, pass, info);

    if (rc == 0 && !warned) {
        tr_source_warn_lost(dir, info);
        warned = true;
    }
    return rc;
}
