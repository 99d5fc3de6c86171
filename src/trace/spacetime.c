/*
 * trace/spacetime.c - sections, lanes and the time scale of a space-time
 * diagram. See spacetime.h.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagram.h"
#include "spacetime.h"

void
st_init(struct st_diagram *d, enum st_layout layout)
{
    memset(d, 0, sizeof(*d));
    d->layout = layout;
}

/* Grow *arr (of *cap elements of 'size' bytes) to hold n; -1: no memory */
static int
grow(void *arr, size_t *cap, size_t n, size_t size)
{
    void **p = arr;
    size_t c = *cap != 0 ? *cap : 64;
    void *np;

    if (n <= *cap)
        return 0;
    while (c < n)
        c *= 2;
    if ((np = realloc(*p, c * size)) == NULL)
        return -1;
    *p = np;
    *cap = c;
    return 0;
}

int
st_add(struct st_diagram *d, const struct tr_item *it)
{
    if (grow(&d->items, &d->cap, d->nitems + 1, sizeof(*d->items)) == -1) {
        d->oom = 1;
        return -1;
    }
    d->items[d->nitems++] = *it;
    return 0;
}

int
st_add_lost(struct st_diagram *d, uint64_t begin, uint64_t end,
            uint64_t count)
{
    size_t cap = d->nlost;      /* exact: grown one at a time */

    if (grow(&d->lost, &cap, cap + 1, sizeof(*d->lost)) == -1) {
        d->oom = 1;
        return -1;
    }
    d->lost[d->nlost++] = (struct st_lost){ begin, end, count };
    return 0;
}

int
st_mark(struct st_diagram *d, uint64_t t, const char *title)
{
    size_t cap = (size_t)d->nsections;  /* exact: grown one at a time */
    struct st_section *s;

    if (grow(&d->sections, &cap, cap + 1, sizeof(*d->sections)) == -1) {
        d->oom = 1;
        return -1;
    }
    s = &d->sections[d->nsections++];
    memset(s, 0, sizeof(*s));
    snprintf(s->title, sizeof(s->title), "%s", title);
    s->t0 = t;
    return 0;
}

int
st_section_of(const struct st_diagram *d, uint64_t t)
{
    int s = 0;

    while (s + 1 < d->nsections && d->sections[s + 1].t0 <= t)
        s++;
    return s;
}

static int
cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

    return a < b ? -1 : a > b;
}

int
st_y(const struct st_diagram *d, uint64_t t)
{
    size_t lo = 0, hi = d->ntimes;

    /* the last time <= t: every end drawn is one of them */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;

        if (d->times[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return d->ntimes != 0 ? d->ys[lo] : 0;
}

/* The y of every distinct time, section headers and idle gaps included */
static int
scale(struct st_diagram *d, int top)
{
    size_t n = 0, ncap = 0, hcap = 0;
    int y = top, cur = -1, next_header = 0;

    d->times = malloc((2 * d->nitems + 1) * sizeof(*d->times));
    d->ys = malloc((2 * d->nitems + 1) * sizeof(*d->ys));
    if (d->times == NULL || d->ys == NULL)
        return -1;
    for (size_t i = 0; i < d->nitems; i++) {
        d->times[n++] = d->items[i].t0;
        if (d->items[i].t1 != 0)
            d->times[n++] = d->items[i].t1;
    }
    qsort(d->times, n, sizeof(*d->times), cmp_u64);
    d->ntimes = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t t = d->times[i];
        int s = st_section_of(d, t);

        if (d->ntimes > 0 && d->times[d->ntimes - 1] == t)
            continue;
        if (s != cur) {
            while (cur < s) {
                cur++;
                d->sections[cur].y0 = y + (cur > 0 ? ST_MIN_DY : 0);
                y = d->sections[cur].y0 + ST_SECTION_H;
            }
            next_header = y + ST_HEADER_EVERY;
        } else if (d->layout == ST_ORDER) {
            y += ST_MIN_DY + 4;
        } else {
            uint64_t dt = t - d->times[d->ntimes - 1];
            uint64_t dy = dt * ST_PX_PER_MS / 1000000;

            if (dy > ST_IDLE_PX) {
                if (grow(&d->idles, &ncap, d->nidles + 1,
                         sizeof(*d->idles)) == -1)
                    return -1;
                d->idles[d->nidles++] = (struct st_idle){
                    d->times[d->ntimes - 1], t, y + ST_IDLE_PX / 2 };
                dy = ST_IDLE_PX;
            }
            y += dy < ST_MIN_DY ? ST_MIN_DY : (int)dy;
        }
        if (s == cur && y > next_header) {
            /* the lane headers again, in a band of their own below the
               last row: the row of t comes after it */
            int top_h = d->ys[d->ntimes - 1] + 10;

            if (grow(&d->headers, &hcap, d->nheaders + 1,
                     sizeof(*d->headers)) == -1)
                return -1;
            d->headers[d->nheaders++] = (struct st_header){ top_h, cur };
            if (y < top_h + ST_HEADER_GAP)
                y = top_h + ST_HEADER_GAP;
            next_header = top_h + ST_HEADER_EVERY;
        }
        d->times[d->ntimes] = t;
        d->ys[d->ntimes++] = y;
    }
    while (cur + 1 < d->nsections) {    /* sections with nothing drawn */
        cur++;
        d->sections[cur].y0 = y + ST_MIN_DY;
        y = d->sections[cur].y0 + ST_SECTION_H;
    }
    d->height = y;
    return 0;
}

static struct st_life *
life(struct st_section *s, int vpid, size_t *cap)
{
    for (int i = 0; i < s->nlives; i++)
        if (s->lives[i].vpid == vpid)
            return &s->lives[i];
    if (grow(&s->lives, cap, (size_t)s->nlives + 1, sizeof(*s->lives)) == -1)
        return NULL;
    s->lives[s->nlives] = (struct st_life){ vpid, -1, UINT64_MAX, 0, 0, 0 };
    return &s->lives[s->nlives++];
}

/* Process vpid has an end drawn at t in section s */
static int
touch(struct st_diagram *d, const struct tr_procs *procs, int s, int vpid,
      uint64_t t, size_t *caps)
{
    const struct tr_proc *p = tr_procs_get(procs, vpid);
    struct st_life *l;

    if (vpid <= 0 || p == NULL || !p->traced)
        return 0;               /* outside the trace: drawn in the margin */
    if ((l = life(&d->sections[s], vpid, &caps[s])) == NULL)
        return -1;
    if (t < l->first)
        l->first = t;
    if (t > l->last)
        l->last = t;
    return 0;
}

/* Sort key of a lifeline: group, operation, first appearance */
static const struct tr_procs *sort_procs;

static int
by_group(const void *x, const void *y)
{
    const struct st_life *a = x, *b = y;
    const char *ra = tr_proc_role(sort_procs, a->vpid);
    const char *rb = tr_proc_role(sort_procs, b->vpid);
    enum tr_group ga = tr_role_group(ra), gb = tr_role_group(rb);

    if (ga != gb)
        return ga < gb ? -1 : 1;
    if (tr_worker_rank(ra) != tr_worker_rank(rb))
        return tr_worker_rank(ra) < tr_worker_rank(rb) ? -1 : 1;
    if (a->first != b->first)
        return a->first < b->first ? -1 : 1;
    return a->vpid < b->vpid ? -1 : a->vpid > b->vpid;
}

/* Give the lifelines of section s their lanes */
static int
lanes(struct st_section *s, const struct tr_procs *procs)
{
    uint64_t *busy = calloc((size_t)s->nlives + 1, sizeof(*busy));
    int share = s->nlives > ST_MAX_LANES;

    s->lane_label = calloc((size_t)s->nlives + 1, sizeof(*s->lane_label));
    s->lane_group = calloc((size_t)s->nlives + 1, sizeof(*s->lane_group));
    if (busy == NULL || s->lane_label == NULL || s->lane_group == NULL) {
        free(busy);
        return -1;
    }
    sort_procs = procs;
    qsort(s->lives, (size_t)s->nlives, sizeof(*s->lives), by_group);
    for (int i = 0; i < s->nlives; i++) {
        struct st_life *l = &s->lives[i];
        int g = tr_role_group(tr_proc_role(procs, l->vpid));

        l->lane = -1;
        for (int k = 0; share && k < s->nlanes; k++) {
            if (s->lane_group[k] == g && busy[k] < l->first) {
                l->lane = k;
                break;
            }
        }
        if (l->lane == -1) {
            l->lane = s->nlanes++;
            s->lane_group[l->lane] = g;
            tr_proc_label(procs, l->vpid, s->lane_label[l->lane],
                          sizeof(s->lane_label[0]));
        }
        busy[l->lane] = l->last;
    }
    free(busy);
    return 0;
}

int
st_layout(struct st_diagram *d, const struct tr_procs *procs, int top)
{
    size_t *caps;

    int keep = 0;

    if (d->oom)
        return -1;
    if (d->nsections == 0 && st_mark(d, 0, "") == -1)
        return -1;
    /* only the sections with something drawn (--since, --pid...) */
    for (int s = 0; s < d->nsections; s++) {
        uint64_t end = s + 1 < d->nsections ? d->sections[s + 1].t0
                                            : UINT64_MAX;
        bool used = false;

        for (size_t i = 0; i < d->nitems && !used; i++) {
            uint64_t t = tr_item_time(&d->items[i]);

            used = (t >= d->sections[s].t0 || s == 0) && t < end;
        }
        if (used)
            d->sections[keep++] = d->sections[s];
    }
    d->nsections = keep > 0 ? keep : 1;
    if ((caps = calloc((size_t)d->nsections, sizeof(*caps))) == NULL)
        return -1;
    for (size_t i = 0; i < d->nitems; i++) {
        const struct tr_item *it = &d->items[i];
        int s = st_section_of(d, tr_item_time(it));
        int to = it->to != 0 ? it->to : it->addressee;
        struct st_life *l;

        if (it->fate == TR_FATE_RECLAIMED)
            to = it->from;      /* its writer took it back: no reader */

        if (touch(d, procs, s, it->from, it->t0, caps) == -1 ||
            (it->kind != TR_ITEM_NOTE &&
             touch(d, procs, s, to, it->t1 != 0 ? it->t1 : it->t0,
                   caps) == -1))
            goto oom;
        if (it->kind != TR_ITEM_NOTE)
            continue;
        if ((it->note == TR_NOTE_START || it->note == TR_NOTE_EXIT ||
             it->note == TR_NOTE_KILLED) &&
            (l = life(&d->sections[s], it->from, &caps[s])) != NULL &&
            l->first != UINT64_MAX) {
            if (it->note == TR_NOTE_START)
                l->started = 1;
            else
                l->exited = 1;
        }
    }
    for (int s = 0; s < d->nsections; s++) {
        if (lanes(&d->sections[s], procs) == -1)
            goto oom;
        if (d->sections[s].nlanes > d->max_lanes)
            d->max_lanes = d->sections[s].nlanes;
    }
    free(caps);
    return scale(d, top);
oom:
    free(caps);
    return -1;
}

int
st_lane(const struct st_diagram *d, int s, int vpid)
{
    const struct st_section *sec = &d->sections[s];

    for (int i = 0; i < sec->nlives; i++)
        if (sec->lives[i].vpid == vpid)
            return sec->lives[i].lane;
    return -1;
}

void
st_free(struct st_diagram *d)
{
    for (int s = 0; s < d->nsections; s++) {
        free(d->sections[s].lives);
        free(d->sections[s].lane_label);
        free(d->sections[s].lane_group);
    }
    free(d->sections);
    free(d->items);
    free(d->times);
    free(d->ys);
    free(d->idles);
    free(d->headers);
    free(d->lost);
    memset(d, 0, sizeof(*d));
}
