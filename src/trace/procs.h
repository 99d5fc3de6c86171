/*
 * trace/procs.h - the processes of a trace: who is who.
 *
 * Events carry the emitting process only as the 'vpid' context; its role
 * ("server", "rc", "sum"...) comes from its ipclab:proc_start, from its
 * parent's ipclab:proc_spawn, or failing both from its command name
 * ("ipclab-rc" is an rc). Every subcommand labels processes the same way:
 * "rc 20154", "server 20133", or "pid 20130" for a process that never
 * traced anything (a shell sending SIGINT).
 *
 * The table holds one small entry per process seen, for the whole trace:
 * its size follows the number of processes, not of events.
 */
#ifndef IPCLAB_TRACE_PROCS_H
#define IPCLAB_TRACE_PROCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "hash.h"

/* Lane groups, in the order the diagrams draw them: left to right. */
enum tr_group {
    TR_GROUP_RC = 0,            /* requesting clients */
    TR_GROUP_SERVER,
    TR_GROUP_WORKER,            /* sum, sub, mul, div */
    TR_GROUP_OTHER              /* lab binaries, anything else */
};

struct tr_proc {
    int vpid;
    char role[16];              /* "" until known */
    bool role_final;            /* from its own proc_start */
    bool traced;                /* it emitted events (not only named) */
    bool exited;                /* proc_exit or proc_reap seen */
    bool exit_seen;             /* its own proc_exit: it was not killed */
    int ppid;
    uint64_t first_ts, last_ts; /* of its own events */
    uint64_t order;             /* when it was first seen: a stable rank */
};

struct tr_procs {
    struct tr_hash by_vpid;
    uint64_t seen;              /* processes seen so far */
};

/*
 * Account for event *ev: creates or updates its emitter and, for
 * proc_start, proc_spawn and proc_reap, what they say about roles. A
 * proc_start on a vpid that had exited is a new process (pid reuse).
 * Returns the emitter, or NULL when out of memory.
 */
struct tr_proc *
tr_procs_see(struct tr_procs *t, const struct tr_event *ev);

/* The process with this vpid, or NULL. */
struct tr_proc *
tr_procs_get(const struct tr_procs *t, int vpid);

/* Did process vpid trace events of its own (not only named by others)? */
bool
tr_proc_traced(const struct tr_procs *t, int vpid);

/* Write "rc 20154" (or "pid 20130") into buf[0..n); returns buf. */
const char *
tr_proc_label(const struct tr_procs *t, int vpid, char *buf, size_t n);

/* The role of vpid, or "" */
const char *
tr_proc_role(const struct tr_procs *t, int vpid);

/* The lane group of a role. */
enum tr_group
tr_role_group(const char *role);

/* Processing clients in the order of the design picture: sum 0, sub 1,
   mul 2, div 3, any other role 4. */
int
tr_worker_rank(const char *role);

void
tr_procs_free(struct tr_procs *t);

#endif /* IPCLAB_TRACE_PROCS_H */
