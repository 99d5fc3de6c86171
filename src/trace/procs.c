/*
 * trace/procs.c - the process table: roles and lifetimes by vpid.
 *
 * A role from the process's own proc_start is final; one from its parent's
 * proc_spawn or from its command name is a guess that proc_start
 * overrides. The pool workers are spawned with role "sum"..."div" and reaped
 * as "worker", so a reap never renames anybody.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procs.h"

static struct tr_proc *
lookup(struct tr_procs *t, int vpid, uint64_t ts)
{
    struct tr_proc *p = tr_hash_get(&t->by_vpid, (uint64_t)vpid);

    if (p != NULL)
        return p;
    if ((p = calloc(1, sizeof(*p))) == NULL)
        return NULL;
    p->vpid = vpid;
    p->first_ts = p->last_ts = ts;
    p->order = t->seen++;
    if (tr_hash_put(&t->by_vpid, (uint64_t)vpid, p) == -1) {
        free(p);
        return NULL;
    }
    return p;
}

static void
set_role(struct tr_proc *p, const char *role, bool final)
{
    if (role[0] == '\0' || (p->role_final && !final))
        return;
    snprintf(p->role, sizeof(p->role), "%s", role);
    p->role_final = final;
}

/* "ipclab-rc" --> "rc": the role a command name suggests */
static void
guess_role(struct tr_proc *p, const char *procname)
{
    if (p->role[0] != '\0' || procname[0] == '\0')
        return;
    if (strncmp(procname, "ipclab-", 7) == 0)
        procname += 7;
    set_role(p, procname, false);
}

struct tr_proc *
tr_procs_see(struct tr_procs *t, const struct tr_event *ev)
{
    struct tr_proc *p = lookup(t, ev->vpid, ev->ts), *child;

    if (p == NULL)
        return NULL;
    if (ev->type == TR_PROC_START && p->exited) {
        /* the pid was reused: a new process with a fresh history */
        uint64_t order = p->order;

        memset(p, 0, sizeof(*p));
        p->vpid = ev->vpid;
        p->order = order;
        p->first_ts = ev->ts;
    }
    if (!p->traced) {
        p->traced = true;
        p->first_ts = ev->ts;
    }
    p->last_ts = ev->ts;
    guess_role(p, ev->procname);

    switch (ev->type) {
    case TR_PROC_START:
        set_role(p, ev->role, true);
        p->ppid = ev->ppid;
        break;
    case TR_PROC_EXIT:
        p->exited = p->exit_seen = true;
        break;
    case TR_PROC_SPAWN:
        if ((child = lookup(t, ev->child_pid, ev->ts)) != NULL) {
            set_role(child, ev->role, false);
            child->ppid = ev->vpid;
        }
        break;
    case TR_PROC_REAP:
        if ((child = lookup(t, ev->child_pid, ev->ts)) != NULL)
            child->exited = true;
        break;
    default:
        break;
    }
    return p;
}

struct tr_proc *
tr_procs_get(const struct tr_procs *t, int vpid)
{
    return tr_hash_get(&t->by_vpid, (uint64_t)vpid);
}

bool
tr_proc_traced(const struct tr_procs *t, int vpid)
{
    const struct tr_proc *p = tr_procs_get(t, vpid);

    return vpid > 0 && p != NULL && p->traced;
}

const char *
tr_proc_role(const struct tr_procs *t, int vpid)
{
    struct tr_proc *p = tr_procs_get(t, vpid);

    return p != NULL ? p->role : "";
}

const char *
tr_proc_label(const struct tr_procs *t, int vpid, char *buf, size_t n)
{
    const char *role = tr_proc_role(t, vpid);

    snprintf(buf, n, "%s %d", role[0] != '\0' ? role : "pid", vpid);
    return buf;
}

int
tr_worker_rank(const char *role)
{
    static const char *const ops[] = { "sum", "sub", "mul", "div" };

    for (int i = 0; i < 4; i++)
        if (strcmp(role, ops[i]) == 0)
            return i;
    return 4;
}

enum tr_group
tr_role_group(const char *role)
{
    if (strcmp(role, "rc") == 0)
        return TR_GROUP_RC;
    if (strcmp(role, "server") == 0)
        return TR_GROUP_SERVER;
    return tr_worker_rank(role) < 4 ? TR_GROUP_WORKER : TR_GROUP_OTHER;
}

void
tr_procs_free(struct tr_procs *t)
{
    tr_hash_free_values(&t->by_vpid);
}
