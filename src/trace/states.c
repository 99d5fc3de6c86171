/*
 * trace/states.c - ipclab-trace states: time per state, per process.
 *
 * The numbers behind Trace Compass's "ipclab: processes" time graph, on a
 * headless machine: a process is in the state of its last proc_state from
 * that event until its next proc_state, its proc_exit, its reaping by its
 * parent (proc_reap: a killed process never traces proc_exit) or the end
 * of the trace. For each process, one line per state with its total time
 * and share, the state it spent most time in marked with '*'.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipclab/err.h"
#include "cmd.h"
#include "label.h"
#include "procs.h"
#include "source.h"

#define ST_STATES 16            /* distinct states per process */

struct pstate {
    int vpid;
    char role[16];
    char cur[24];               /* "" before its first proc_state */
    uint64_t since;             /* when it entered 'cur' */
    uint64_t last;              /* its last event */
    bool ended;
    int n;
    char name[ST_STATES][24];
    uint64_t ns[ST_STATES];
};

struct states {
    struct pstate *p;
    size_t n, cap;
    uint64_t last;
    bool oom;
};

static struct pstate *
find(struct states *s, int vpid, bool create)
{
    struct pstate *np;

    for (size_t i = 0; i < s->n; i++)
        if (s->p[i].vpid == vpid)
            return &s->p[i];
    if (!create)
        return NULL;
    if (tr_grow(&s->p, &s->cap, s->n + 1, sizeof(*np)) == -1) {
        s->oom = true;
        return NULL;
    }
    np = &s->p[s->n++];
    memset(np, 0, sizeof(*np));
    np->vpid = vpid;
    return np;
}

/* Close the current state of p at time t */
static void
close_state(struct states *s, struct pstate *p, uint64_t t)
{
    int i;

    if (p->cur[0] == '\0' || p->ended)
        return;
    for (i = 0; i < p->n && strcmp(p->name[i], p->cur) != 0; i++)
        ;
    if (i == p->n) {
        if (p->n == ST_STATES) {
            s->oom = true;
            return;
        }
        snprintf(p->name[p->n++], sizeof(p->name[0]), "%s", p->cur);
    }
    p->ns[i] += t - p->since;
}

static void
on_event(const struct tr_event *ev, void *arg)
{
    struct states *s = arg;
    struct pstate *p;

    s->last = ev->ts;
    if ((p = find(s, ev->vpid, false)) != NULL)
        p->last = ev->ts;
    if (ev->type == TR_PROC_STATE &&
        (p = find(s, ev->vpid, true)) != NULL) {
        close_state(s, p, ev->ts);
        snprintf(p->role, sizeof(p->role), "%s", ev->role);
        snprintf(p->cur, sizeof(p->cur), "%s", ev->state);
        p->since = ev->ts;
        p->last = ev->ts;
    } else if ((ev->type == TR_PROC_EXIT &&
                (p = find(s, ev->vpid, false)) != NULL) ||
               (ev->type == TR_PROC_REAP &&
                (p = find(s, ev->child_pid, false)) != NULL)) {
        close_state(s, p, ev->ts);
        p->ended = true;
    }
}

int
cmd_states_run(const struct cmd_args *args)
{
    const char *dir = args->dir;
    struct states s = { 0 };
    struct tr_source_info info;
    char ms[32], pct[16];
    int rc = CMD_FAILED;

    if (tr_source_read(dir, on_event, &s, NULL, &info) == -1)
        goto out;
    for (size_t i = 0; i < s.n; i++)
        close_state(&s, &s.p[i], s.last);
    if (s.oom) {
        ipc_warnx("states: out of memory, or more than %d states in one "
                  "process", ST_STATES);
        goto out;
    }
    printf("time per state (from each proc_state to the next, the "
           "process's exit or the end of the trace), ms:\n");
    for (size_t i = 0; i < s.n; i++) {
        const struct pstate *p = &s.p[i];
        uint64_t total = 0;
        int most = 0;

        for (int k = 0; k < p->n; k++) {
            total += p->ns[k];
            if (p->ns[k] > p->ns[most])
                most = k;
        }
        /* worded as seq and svg end its lane: the trace cannot tell */
        if (p->ended)
            printf("%s %d\n", p->role, p->vpid);
        else
            printf("%s %d (no exit traced, last event at %s ms: killed by "
                   "an untraced process, or still running at the end)\n",
                   p->role, p->vpid,
                   tr_fmt_since(p->last, info.first_ts, ms, sizeof(ms)));
        for (int k = 0; k < p->n; k++) {
            snprintf(pct, sizeof(pct), "%.1f %%", total > 0 ?
                     100.0 * (double)p->ns[k] / (double)total : 0.0);
            printf("  %c %-18s %12s  %7s\n", k == most ? '*' : ' ',
                   p->name[k], tr_fmt_ms(p->ns[k], ms, sizeof(ms)), pct);
        }
    }
    rc = 0;
out:
    free(s.p);
    return rc;
}
