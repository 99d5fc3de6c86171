/*
 * trace/diagram.c - the two passes behind seq and svg, and the lane layout.
 *
 * Both passes run the very same matcher and filter over the very same
 * events, so pass 1 sees exactly the items pass 2 draws. Pass 2 releases
 * items from the order buffer up to the watermark after every event:
 * nothing is held longer than the oldest message still in flight. Pass 1
 * also finds where each experiment of a lab trace starts (a section): an
 * item is never older than the event that completes it, so every section
 * it could be in is known when it comes.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipclab/err.h"
#include "decode.h"
#include "diagram.h"
#include "label.h"
#include "order.h"
#include "source.h"

/* Where and when a process appears in the drawn items (pass 1) */
struct usage {
    int vpid;
    int sec;                    /* the section it is drawn in */
    enum tr_group group;
    uint64_t first, last;       /* its first and last end drawn */
    uint64_t order;             /* rank of first appearance in the trace */
    int rank;                   /* workers: sum, sub, mul, div */
};

/* A process whose end the trace does not hold, and its last event */
struct gone {
    uint64_t last;
    int vpid;
};

/* Those processes, by their last event */
struct vanished {
    struct gone *v;
    size_t n, cap, next;        /* next: the first not drawn yet */
    bool oom;
};

struct pass {
    int no;                     /* 1 or 2 */
    const struct tr_view *v;
    struct tr_procs procs;      /* as known so far in this pass */
    struct tr_match *m;
    struct tr_order *o;         /* pass 2 */
    uint64_t origin;
    int have_origin;
    struct tr_hash usage;       /* pass 1: (section, vpid) --> usage */
    struct tr_hash drawn;       /* pass 1: vpid --> 1, every process drawn */
    struct tr_layout *L;
    const struct tr_diagram_ops *ops;
    void *arg;
    struct vanished *gone;      /* pass 2 */
};

int
tr_section_of(const struct tr_layout *L, uint64_t t)
{
    int s = 0;

    while (s + 1 < L->nsecs && L->secs[s + 1].t0 <= t)
        s++;
    return s;
}

int
tr_lane_in(const struct tr_layout *L, int sec, int vpid)
{
    void *v = tr_hash_get(&L->lane_of, TR_KEY(sec, vpid));

    return v != NULL ? (int)((intptr_t)v - 1) : -1;
}

int
tr_lane_of(const struct tr_layout *L, int vpid)
{
    return tr_lane_in(L, L->cur, vpid);
}

/* Pass 1: process vpid has an end drawn at time t, in section sec. */
static void
use(struct pass *p, int vpid, int sec, uint64_t t)
{
    const struct tr_proc *pr = tr_procs_get(&p->procs, vpid);
    struct usage *u;

    if (vpid <= 0 || pr == NULL)
        return;                 /* never seen: outside the trace */
    if ((u = tr_hash_obtain(&p->usage, TR_KEY(sec, vpid), sizeof(*u))) == NULL)
        return;
    if (u->vpid == 0) {         /* new */
        tr_hash_put(&p->drawn, (uint64_t)vpid, (void *)1);
        u->vpid = vpid;
        u->sec = sec;
        u->first = t;
        u->order = pr->order;
    }
    if (t < u->first)
        u->first = t;
    if (t > u->last)
        u->last = t;
}

/* A process killed whose lane the view shows keeps its killed mark, which
   --request or --pid would leave out (it names no request): the reason
   its messages stop */
static bool
killed_in_view(const struct pass *p, const struct tr_item *it)
{
    struct tr_view any = *p->v;
    int sec;

    if (it->kind != TR_ITEM_NOTE || it->note != TR_NOTE_KILLED)
        return false;
    any.req_pid = 0;
    any.pid = 0;
    if (!tr_view_keeps(&any, p->origin, it))
        return false;           /* outside --since/--until */
    sec = tr_section_of(p->L, tr_item_time(it));
    return p->no == 1
           ? tr_hash_get(&p->usage, TR_KEY(sec, it->from)) != NULL
           : tr_lane_in(p->L, sec, it->from) >= 0;
}

/* Pass 1: bytes dropped that name no record, whatever the view shows */
static void
note_drop(struct tr_layout *L, const struct tr_item *it)
{
    if (it->kind == TR_ITEM_NOTE && it->note == TR_NOTE_DROP &&
        it->pid == 0 && it->fifo >= 0 && it->fifo < TR_DROP_FIFOS &&
        it->t0 > L->last_drop[it->fifo])
        L->last_drop[it->fifo] = it->t0;
}

static void
on_item(const struct tr_item *it, void *arg)
{
    struct pass *p = arg;
    uint64_t t = tr_item_time(it);
    int sec;

    if (p->no == 1)
        note_drop(p->L, it);
    if (!tr_view_keeps(p->v, p->origin, it) && !killed_in_view(p, it))
        return;
    if (p->no == 2) {
        tr_order_add(p->o, it);
        return;
    }
    p->L->nitems++;
    if (it->kind == TR_ITEM_RECORD && it->fifo == 0)
        p->L->lab_fifo = true;
    /* in the section of its time, each end at its own time (svg draws
       both; a record taken back ends in its writer) */
    sec = tr_section_of(p->L, t);
    use(p, it->from, sec, it->t0);
    if (it->kind != TR_ITEM_NOTE)
        use(p, tr_item_receiver(it), sec, it->t1 != 0 ? it->t1 : it->t0);
}

static void
draw_now(struct pass *p, const struct tr_item *it);

/* Pass 2: the ends of processes that vanished before time t (a lane that
   just stops would not say why) */
static void
vanish_before(struct pass *p, uint64_t t)
{
    struct vanished *g = p->gone;
    struct tr_item it;

    while (g != NULL && g->next < g->n && g->v[g->next].last < t) {
        memset(&it, 0, sizeof(it));
        it.kind = TR_ITEM_NOTE;
        it.note = TR_NOTE_VANISHED;
        it.from = g->v[g->next].vpid;
        it.t0 = g->v[g->next].last;
        g->next++;
        if (tr_lane_in(p->L, tr_section_of(p->L, it.t0), it.from) >= 0)
            draw_now(p, &it);
    }
}

/* Pass 2: draw an item, in the section of its time */
static void
drawn(const struct tr_item *it, void *arg)
{
    struct pass *p = arg;

    vanish_before(p, tr_item_time(it));
    draw_now(p, it);
}

static void
draw_now(struct pass *p, const struct tr_item *it)
{
    struct tr_layout *L = p->L;
    struct tr_item torn;

    L->cur = tr_section_of(L, tr_item_time(it));
    L->lanes = L->secs[L->cur].lanes;
    L->nlanes = L->secs[L->cur].nlanes;
    if (it->kind == TR_ITEM_RECORD && it->fate == TR_FATE_UNREAD &&
        it->fifo >= 0 && it->fifo < TR_DROP_FIFOS &&
        L->last_drop[it->fifo] >= it->t0) {
        /* never read as itself, but bytes were dropped after it: say so */
        torn = *it;
        snprintf(torn.text, sizeof(torn.text), "dropped");
        it = &torn;
    }
    p->ops->item(L, it, p->arg);
}

/* Where each experiment of a lab trace starts: a section */
static void
on_mark(const struct tr_event *ev, void *arg)
{
    struct tr_layout *L = arg;
    struct tr_section *more;

    if (!tr_experiment_mark(ev) || L->nsecs < 0)
        return;
    if ((more = realloc(L->secs, (size_t)(L->nsecs + 1) * sizeof(*more)))
        == NULL) {
        L->nsecs = -1;
        return;
    }
    L->secs = more;
    memset(&more[L->nsecs], 0, sizeof(*more));
    more[L->nsecs].t0 = ev->ts;
    snprintf(more[L->nsecs].title, sizeof(more[0].title), "%s", ev->state);
    L->nsecs++;
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
    if (p->no == 1)
        on_mark(ev, p->L);      /* before the items it may hold */
    tr_procs_see(&p->procs, ev);
    if (p->no == 2 && p->ops->event != NULL)
        p->ops->event(ev, p->arg);
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

static int
by_group_then_time(const void *x, const void *y)
{
    const struct usage *a = *(struct usage *const *)x;
    const struct usage *b = *(struct usage *const *)y;

    if (a->sec != b->sec)
        return a->sec < b->sec ? -1 : 1;
    if (a->group != b->group)
        return a->group < b->group ? -1 : 1;
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    if (a->first != b->first)
        return a->first < b->first ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

struct collect {
    struct usage **u;
    int n;
    const struct tr_procs *procs;
    int nprocs;                 /* of them, every process once */
};

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

static void
count_one(uint64_t key, void *val, void *arg)
{
    struct collect *c = arg;

    (void)val;
    c->nprocs += tr_proc_traced(c->procs, (int)key);
}

/* The lanes of one section: c->u[from..to), sorted; share lanes only
   when its processes do not fit */
static int
section_lanes(struct pass *p, struct usage **u, int n, int max_lanes)
{
    struct tr_section *S = &p->L->secs[u[0]->sec];
    uint64_t *busy_until = calloc((size_t)n, sizeof(*busy_until));
    bool share = n > max_lanes;

    S->lanes = calloc((size_t)n, sizeof(*S->lanes));
    if (busy_until == NULL || S->lanes == NULL) {
        free(busy_until);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        int lane = -1;

        /* the first lane of the same group that is free again */
        for (int l = 0; share && l < S->nlanes; l++) {
            if (S->lanes[l].group == u[i]->group &&
                busy_until[l] < u[i]->first) {
                lane = l;
                break;
            }
        }
        if (lane == -1) {
            lane = S->nlanes++;
            S->lanes[lane].owner = u[i]->vpid;
            S->lanes[lane].group = u[i]->group;
            tr_proc_label(&p->procs, u[i]->vpid, S->lanes[lane].label,
                          sizeof(S->lanes[lane].label));
        }
        busy_until[lane] = u[i]->last;
        if (tr_hash_put(&p->L->lane_of, TR_KEY(u[i]->sec, u[i]->vpid),
                        (void *)(intptr_t)(lane + 1)) == -1) {
            free(busy_until);
            return -1;
        }
    }
    free(busy_until);
    return 0;
}

/* Give every process drawn in a section a lane of that section. */
static int
layout(struct pass *p, int max_lanes)
{
    struct collect c = { NULL, 0, &p->procs, 0 };
    int rc = 0;

    if ((c.u = calloc(p->usage.len + 1, sizeof(*c.u))) == NULL)
        return -1;
    tr_hash_each(&p->usage, collect_one, &c);
    tr_hash_each(&p->drawn, count_one, &c);
    qsort(c.u, (size_t)c.n, sizeof(*c.u), by_group_then_time);
    p->L->nprocs = c.nprocs;
    for (int i = 0, end; rc == 0 && i < c.n; i = end) {
        for (end = i; end < c.n && c.u[end]->sec == c.u[i]->sec; end++)
            continue;
        rc = section_lanes(p, &c.u[i], end - i, max_lanes);
    }
    free(c.u);
    return rc;
}

/* Read the trace in dir ('shown' in messages) for pass p */
static int
run_pass(const char *dir, const char *shown, struct pass *p, const char *what)
{
    struct tr_source_info info;
    int rc = -1;

    p->m = tr_match_new(&p->procs, on_item, p);
    if (p->no == 2)
        p->o = tr_order_new(drawn, p);
    if (p->m == NULL || (p->no == 2 && p->o == NULL)) {
        ipc_warn("cannot draw '%s'", shown);
        goto out;
    }
    if (tr_source_read(dir, on_event, p, what, &info) == -1)
        goto out;
    tr_match_finish(p->m);
    if (p->no == 2) {
        tr_order_release(p->o, UINT64_MAX);
        vanish_before(p, UINT64_MAX);
    }
    p->L->origin = info.first_ts;
    p->L->end = info.last_ts;
    rc = 0;
out:
    tr_order_free(p->o);
    tr_match_free(p->m);
    return rc;
}

/* A traced process with neither its proc_exit nor its reap in the trace:
   killed by a process that traces nothing (kill -KILL from a shell), or
   still running when the recording stopped */
static void
gone_one(uint64_t key, void *val, void *arg)
{
    const struct tr_proc *pr = val;
    struct vanished *g = arg;

    (void)key;
    if (!pr->traced || pr->exited || g->oom)
        return;
    if (tr_grow(&g->v, &g->cap, g->n + 1, sizeof(*g->v)) == -1) {
        g->oom = true;
        return;
    }
    g->v[g->n++] = (struct gone){ pr->last_ts, pr->vpid };
}

static int
by_last(const void *x, const void *y)
{
    const struct gone *a = x, *b = y;

    if (a->last != b->last)
        return a->last < b->last ? -1 : 1;
    return a->vpid < b->vpid ? -1 : a->vpid > b->vpid;
}

/* The view selected nothing: say which filter, as one line ('shown': the
   trace directory as messages print it) */
static void
say_empty(const char *shown, const struct tr_view *v, uint64_t span)
{
    char what[128] = "", t[32];
    bool window = v->since != 0 || v->until != UINT64_MAX;

    if (v->req_pid != 0 && v->pid == 0 && !window) {
        ipc_warnx("request %d:%u is not in the trace in '%s'", v->req_pid,
                  v->req_seq, shown);
        return;
    }
    if (v->pid != 0 && v->req_pid == 0 && !window) {
        ipc_warnx("process %d is not in the trace in '%s'", v->pid, shown);
        return;
    }
    if (v->pid != 0)
        tr_append(what, sizeof(what), " --pid %d", v->pid);
    if (v->req_pid != 0)
        tr_append(what, sizeof(what), " --request %d:%u", v->req_pid,
                  v->req_seq);
    if (v->since != 0)
        tr_append(what, sizeof(what), " --since %sms",
                  tr_fmt_ms(v->since, t, sizeof(t)));
    if (v->until != UINT64_MAX)
        tr_append(what, sizeof(what), " --until %sms",
                  tr_fmt_ms(v->until, t, sizeof(t)));
    ipc_warnx("nothing in the trace in '%s' is selected by%s (the trace "
              "lasts %s ms)", shown, what, tr_fmt_ms(span, t, sizeof(t)));
}

/* After pass 1: no experiments make one untitled section; 0, or -1 */
static int
sections(const char *shown, struct tr_layout *L)
{
    if (L->nsecs == 0 && (L->secs = calloc(1, sizeof(*L->secs))) != NULL)
        L->nsecs = 1;
    if (L->nsecs <= 0) {
        L->nsecs = 0;
        ipc_warnx("out of memory reading the experiments of '%s'", shown);
        return -1;
    }
    return 0;
}

int
tr_diagram_run(const char *dir, const struct tr_view *v, int max_lanes,
               const struct tr_diagram_ops *ops, void *arg)
{
    struct tr_layout L = { 0 };
    struct pass one = { .no = 1, .v = v, .L = &L };
    struct pass two = { .no = 2, .v = v, .L = &L, .ops = ops, .arg = arg };
    const struct tr_gap *gaps;
    struct tr_gap *gaps_copy = NULL;
    struct vanished gone = { 0 };
    char shown[TR_SHOWN_MAX];
    int rc = -1;

    ipc_shown(shown, sizeof(shown), dir);
    if (run_pass(dir, shown, &one, "pass 1 of 2") == -1 ||
        sections(shown, &L) == -1)
        goto out;
    if (L.nitems == 0 && (v->pid != 0 || v->req_pid != 0 || v->since != 0 ||
                          v->until != UINT64_MAX)) {
        say_empty(shown, v, L.end - L.origin);
        goto out;
    }
    if (layout(&one, max_lanes) == -1) {
        ipc_warn("cannot lay out '%s'", shown);
        goto out;
    }
    L.procs = &one.procs;
    /* a copy: pass 2 reads the stretches again while they are drawn */
    gaps = tr_source_gaps(&L.ngaps);
    if (L.ngaps > 0 &&
        (L.gaps = gaps_copy = malloc(L.ngaps * sizeof(*gaps))) == NULL) {
        ipc_warn("cannot draw '%s'", shown);
        goto out;
    }
    if (L.ngaps > 0)
        memcpy(gaps_copy, gaps, L.ngaps * sizeof(*gaps));
    tr_hash_each(&one.procs.by_vpid, gone_one, &gone);
    if (gone.oom) {
        ipc_warnx("out of memory reading the processes of '%s'", shown);
        goto out;
    }
    if (gone.n > 0)
        qsort(gone.v, gone.n, sizeof(*gone.v), by_last);
    two.gone = &gone;
    L.lanes = L.secs[0].lanes;
    L.nlanes = L.secs[0].nlanes;
    if (ops->begin != NULL)
        ops->begin(&L, arg);
    if (run_pass(dir, shown, &two, "pass 2 of 2") == -1)
        goto out;
    if (ops->end(&L, arg) == -1)
        goto out;
    rc = 0;
out:
    tr_hash_free_values(&one.usage);
    tr_hash_free(&one.drawn);
    tr_hash_free(&L.lane_of);
    for (int i = 0; i < L.nsecs; i++)
        free(L.secs[i].lanes);
    free(L.secs);
    free(gaps_copy);
    free(gone.v);
    tr_procs_free(&one.procs);
    tr_procs_free(&two.procs);
    return rc;
}
