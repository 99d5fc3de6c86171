/*
 * trace/diagram.c - the two passes behind seq and svg, and the lane layout.
 *
 * Both passes run the very same matcher and filter over the very same
 * events, so pass 1 sees exactly the items pass 2 draws. Pass 2 releases
 * items from the order buffer up to the watermark after every event:
 * nothing is held longer than the oldest message still in flight.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipclab/err.h"
#include "diagram.h"
#include "label.h"
#include "order.h"
#include "source.h"

/* Where and when a process appears in the drawn items (pass 1) */
struct usage {
    int vpid;
    enum tr_group group;
    uint64_t first, last;       /* first and last item touching it */
    uint64_t order;             /* rank of first appearance in the trace */
    int rank;                   /* workers: sum, sub, mul, div */
};

struct pass {
    int no;                     /* 1 or 2 */
    const struct tr_view *v;
    struct tr_procs procs;      /* as known so far in this pass */
    struct tr_match *m;
    struct tr_order *o;         /* pass 2 */
    uint64_t origin;
    int have_origin;
    struct tr_hash usage;       /* pass 1: vpid --> struct usage */
    struct tr_source_info info; /* what the pass read */
    struct tr_layout *L;
    const struct tr_diagram_ops *ops;
    void *arg;
};

int
tr_lane_of(const struct tr_layout *L, int vpid)
{
    void *v = tr_hash_get(&L->lane_of, (uint64_t)(uint32_t)vpid);

    return v != NULL ? (int)((intptr_t)v - 1) : -1;
}

/* Pass 1: process vpid is drawn at time t. */
static void
use(struct pass *p, int vpid, uint64_t t)
{
    const struct tr_proc *pr = tr_procs_get(&p->procs, vpid);
    struct usage *u;

    if (vpid <= 0 || pr == NULL)
        return;                 /* never seen: outside the trace */
    u = tr_hash_get(&p->usage, (uint64_t)vpid);
    if (u == NULL) {
        if ((u = calloc(1, sizeof(*u))) == NULL ||
            tr_hash_put(&p->usage, (uint64_t)vpid, u) == -1) {
            free(u);
            return;
        }
        u->vpid = vpid;
        u->first = t;
        u->order = pr->order;
    }
    if (t < u->first)
        u->first = t;
    if (t > u->last)
        u->last = t;
}

static void
on_item(const struct tr_item *it, void *arg)
{
    struct pass *p = arg;
    uint64_t t = tr_item_time(it);

    if (!tr_view_keeps(p->v, p->origin, it))
        return;
    if (p->no == 2) {
        tr_order_add(p->o, it);
        return;
    }
    p->L->nitems++;
    if (t > p->L->last_item)
        p->L->last_item = t;
    /* a row is drawn at one time, at both its ends */
    use(p, it->from, t);
    if (it->kind != TR_ITEM_NOTE)
        use(p, it->to != 0 ? it->to : it->addressee, t);
}

static void
drawn(const struct tr_item *it, void *arg)
{
    struct pass *p = arg;

    p->ops->item(p->L, it, p->arg);
}

static void
on_event(const struct tr_event *ev, void *arg)
{
    struct pass *p = arg;
    uint64_t mark;

    if (!p->have_origin) {
        p->origin = ev->ts;
        p->have_origin = 1;
    }
    tr_procs_see(&p->procs, ev);
    tr_match_event(p->m, ev);
    if (p->no == 2) {
        mark = tr_match_oldest(p->m);
        tr_order_release(p->o, ev->ts < mark ? ev->ts : mark);
    }
}

bool
tr_experiment_mark(const struct tr_event *ev)
{
    return ev->type == TR_PROC_STATE && strncmp(ev->role, "lab", 3) == 0 &&
           isdigit((unsigned char)ev->role[3]) &&
           strcmp(ev->state, "idle") != 0;
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

static int
by_group_then_time(const void *x, const void *y)
{
    const struct usage *a = *(struct usage *const *)x;
    const struct usage *b = *(struct usage *const *)y;

    if (a->group != b->group)
        return a->group < b->group ? -1 : 1;
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    if (a->first != b->first)
        return a->first < b->first ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

struct collect { struct usage **u; int n; const struct tr_procs *procs; };

static void
collect_one(uint64_t key, void *val, void *arg)
{
    struct collect *c = arg;
    struct usage *u = val;
    const struct tr_proc *pr = tr_procs_get(c->procs, u->vpid);

    (void)key;
    if (pr == NULL || !pr->traced)
        return;                 /* it never traced: drawn as outside */
    u->group = tr_role_group(pr->role);
    u->rank = tr_worker_rank(pr->role);
    c->u[c->n++] = u;
}

/* Give every used process a lane; share lanes only when they do not fit. */
static int
layout(struct pass *p, int max_lanes)
{
    struct tr_layout *L = p->L;
    struct collect c = { NULL, 0, &p->procs };
    uint64_t *busy_until;
    int share;

    c.u = calloc(p->usage.len + 1, sizeof(*c.u));
    L->lanes = calloc(p->usage.len + 1, sizeof(*L->lanes));
    busy_until = calloc(p->usage.len + 1, sizeof(*busy_until));
    if (c.u == NULL || L->lanes == NULL || busy_until == NULL) {
        free(c.u);
        free(busy_until);
        return -1;
    }
    tr_hash_each(&p->usage, collect_one, &c);
    qsort(c.u, (size_t)c.n, sizeof(*c.u), by_group_then_time);
    share = c.n > max_lanes;
    L->nprocs = c.n;
    for (int i = 0; i < c.n; i++) {
        struct usage *u = c.u[i];
        int lane = -1;

        /* the first lane of the same group that is free again */
        for (int l = 0; share && l < L->nlanes; l++) {
            if (L->lanes[l].group == u->group && busy_until[l] < u->first) {
                lane = l;
                break;
            }
        }
        if (lane == -1) {
            lane = L->nlanes++;
            L->lanes[lane].first = L->lanes[lane].owner = u->vpid;
            L->lanes[lane].group = u->group;
            tr_proc_label(&p->procs, u->vpid, L->lanes[lane].label,
                          sizeof(L->lanes[lane].label));
        }
        L->lanes[lane].nprocs++;
        busy_until[lane] = u->last;
        tr_hash_put(&L->lane_of, (uint64_t)(uint32_t)u->vpid,
                    (void *)(intptr_t)(lane + 1));
    }
    free(busy_until);
    free(c.u);
    return 0;
}

static void
free_usage(uint64_t key, void *val, void *arg)
{
    (void)key;
    (void)arg;
    free(val);
}

static int
run_pass(const char *dir, struct pass *p, const char *what)
{
    struct tr_source_info info;
    int rc = -1;

    p->m = tr_match_new(&p->procs, on_item, p);
    if (p->no == 2)
        p->o = tr_order_new(drawn, p);
    if (p->m == NULL || (p->no == 2 && p->o == NULL)) {
        ipc_warn("cannot draw '%s'", dir);
        goto out;
    }
    if (tr_source_read(dir, on_event, p, what, &info) == -1)
        goto out;
    tr_match_finish(p->m);
    if (p->no == 2)
        tr_order_release(p->o, UINT64_MAX);
    p->L->origin = info.first_ts;
    p->L->end = info.last_ts;
    p->info = info;
    rc = 0;
out:
    tr_order_free(p->o);
    tr_match_free(p->m);
    return rc;
}

/* The view selected nothing: say which filter, as one line */
static void
say_empty(const char *dir, const struct tr_view *v, uint64_t span)
{
    char what[128] = "", t[32];
    size_t n = 0;
    bool window = v->since != 0 || v->until != UINT64_MAX;

    if (v->req_pid != 0 && v->pid == 0 && !window) {
        ipc_warnx("request %d:%u is not in the trace in '%s'", v->req_pid,
                  v->req_seq, dir);
        return;
    }
    if (v->pid != 0 && v->req_pid == 0 && !window) {
        ipc_warnx("process %d is not in the trace in '%s'", v->pid, dir);
        return;
    }
    if (v->pid != 0)
        n += (size_t)snprintf(what + n, sizeof(what) - n, " --pid %d",
                              v->pid);
    if (v->req_pid != 0 && n < sizeof(what))
        n += (size_t)snprintf(what + n, sizeof(what) - n, " --request %d:%u",
                              v->req_pid, v->req_seq);
    if (v->since != 0 && n < sizeof(what))
        n += (size_t)snprintf(what + n, sizeof(what) - n, " --since %sms",
                              tr_fmt_ms(v->since, t, sizeof(t)));
    if (v->until != UINT64_MAX && n < sizeof(what))
        snprintf(what + n, sizeof(what) - n, " --until %sms",
                 tr_fmt_ms(v->until, t, sizeof(t)));
    ipc_warnx("nothing in the trace in '%s' is selected by%s (the trace "
              "lasts %s ms)", dir, what, tr_fmt_ms(span, t, sizeof(t)));
}

int
tr_diagram_run(const char *dir, const struct tr_view *v, int max_lanes,
               const struct tr_diagram_ops *ops, void *arg)
{
    struct tr_layout L = { .dir = dir };
    struct pass one = { .no = 1, .v = v, .L = &L };
    struct pass two = { .no = 2, .v = v, .L = &L, .ops = ops, .arg = arg };
    const struct tr_gap *gaps;
    struct tr_gap *gaps_copy = NULL;
    int rc = -1;

    if (run_pass(dir, &one, "pass 1 of 2") == -1)
        goto out;
    if (L.nitems == 0 && (v->pid != 0 || v->req_pid != 0 || v->since != 0 ||
                          v->until != UINT64_MAX)) {
        say_empty(dir, v, L.end - L.origin);
        goto out;
    }
    if (layout(&one, max_lanes) == -1) {
        ipc_warn("cannot lay out '%s'", dir);
        goto out;
    }
    L.procs = &one.procs;
    /* a copy: pass 2 reads the stretches again while they are drawn */
    gaps = tr_source_gaps(&L.ngaps);
    if (L.ngaps > 0 &&
        (L.gaps = gaps_copy = malloc(L.ngaps * sizeof(*gaps))) == NULL) {
        ipc_warn("cannot draw '%s'", dir);
        goto out;
    }
    if (L.ngaps > 0)
        memcpy(gaps_copy, gaps, L.ngaps * sizeof(*gaps));
    tr_source_warn_lost(dir, &one.info, L.origin);
    ops->begin(&L, arg);
    if (run_pass(dir, &two, "pass 2 of 2") == -1)
        goto out;
    ops->end(&L, arg);
    rc = 0;
out:
    tr_hash_each(&one.usage, free_usage, NULL);
    tr_hash_free(&one.usage);
    tr_hash_free(&L.lane_of);
    free(L.lanes);
    free(gaps_copy);
    tr_procs_free(&one.procs);
    tr_procs_free(&two.procs);
    return rc;
}
