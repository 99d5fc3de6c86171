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

int
st_add(struct st_diagram *d, const struct tr_item *it)
{
    if (tr_grow(&d->items, &d->cap, d->nitems + 1, sizeof(*d->items)) == -1) {
        d->oom = 1;
        return -1;
    }
    d->items[d->nitems++] = *it;
    return 0;
}

int
st_section_of(const struct st_diagram *d, uint64_t t)
{
    int s = tr_section_of(d->L, t);

    while (s > 0 && !d->sections[s].used)
        s--;
    return s;
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
    qsort(d->times, n, sizeof(*d->times), tr_cmp_u64);
    d->ntimes = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t t = d->times[i];
        int s = st_section_of(d, t);

        if (d->ntimes > 0 && d->times[d->ntimes - 1] == t)
            continue;
        if (s != cur) {         /* a section starts: its title, headers */
            d->sections[s].y0 = y + (cur >= 0 ? ST_MIN_DY : 0);
            y = d->sections[s].y0 + ST_SECTION_H;
            cur = s;
            next_header = y + ST_HEADER_EVERY;
        } else if (d->layout == ST_ORDER) {
            y += ST_MIN_DY + 4;
        } else {
            uint64_t dt = t - d->times[d->ntimes - 1];
            uint64_t dy = dt * ST_PX_PER_MS / 1000000;

            if (dy > ST_IDLE_PX) {
                if (tr_grow(&d->idles, &ncap, d->nidles + 1,
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

            if (tr_grow(&d->headers, &hcap, d->nheaders + 1,
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
    if (cur < 0) {              /* nothing drawn: one empty section */
        d->sections[0].y0 = y;
        y += ST_SECTION_H;
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
    if (tr_grow(&s->lives, cap, (size_t)s->nlives + 1,
                sizeof(*s->lives)) == -1)
        return NULL;
    s->lives[s->nlives] = (struct st_life){ vpid, -1, UINT64_MAX, 0, 0 };
    return &s->lives[s->nlives++];
}

/* Process vpid has an end drawn at t in section s */
static int
touch(struct st_diagram *d, int s, int vpid, uint64_t t, size_t *caps)
{
    struct st_life *l;

    if (!tr_proc_traced(d->L->procs, vpid))
        return 0;               /* outside the trace: drawn in the margin */
    if ((l = life(&d->sections[s], vpid, &caps[s])) == NULL)
        return -1;
    if (t < l->first)
        l->first = t;
    if (t > l->last)
        l->last = t;
    l->lane = tr_lane_in(d->L, s, vpid);
    return 0;
}

int
st_layout(struct st_diagram *d, const struct tr_layout *L, int top)
{
    size_t *caps;

    if (d->oom)
        return -1;
    d->L = L;
    d->sections = calloc((size_t)L->nsecs, sizeof(*d->sections));
    caps = calloc((size_t)L->nsecs, sizeof(*caps));
    if (d->sections == NULL || caps == NULL)
        goto oom;
    d->nsections = L->nsecs;
    for (int s = 0; s < L->nsecs; s++) {
        d->sections[s].y0 = -1;
        if (L->secs[s].nlanes > d->max_lanes)
            d->max_lanes = L->secs[s].nlanes;
    }
    for (size_t i = 0; i < d->nitems; i++)
        d->sections[tr_section_of(L, tr_item_time(&d->items[i]))].used = true;
    for (size_t i = 0; i < d->nitems; i++) {
        const struct tr_item *it = &d->items[i];
        int s = tr_section_of(L, tr_item_time(it));
        struct st_life *l;

        if (touch(d, s, it->from, it->t0, caps) == -1 ||
            (it->kind != TR_ITEM_NOTE &&
             touch(d, s, tr_item_receiver(it), it->t1 != 0 ? it->t1 : it->t0,
                   caps) == -1))
            goto oom;
        if (it->kind == TR_ITEM_NOTE && it->note == TR_NOTE_START &&
            (l = life(&d->sections[s], it->from, &caps[s])) != NULL &&
            l->first != UINT64_MAX)
            l->started = 1;
    }
    free(caps);
    return scale(d, top);
oom:
    free(caps);
    return -1;
}

void
st_free(struct st_diagram *d)
{
    for (int s = 0; s < d->nsections; s++)
        free(d->sections[s].lives);
    free(d->sections);
    free(d->items);
    free(d->times);
    free(d->ys);
    free(d->idles);
    free(d->headers);
    memset(d, 0, sizeof(*d));
}
