/*
 * trace/order.c - a binary min-heap of items, by (time, id).
 *
 * The id breaks ties between items drawn at the same nanosecond, so that
 * the same trace always gives the same diagram.
 */
#include <stdlib.h>

#include "order.h"

struct tr_order {
    tr_item_fn fn;
    void *arg;
    struct tr_item *heap;
    size_t len, cap;
};

static int
before(const struct tr_item *x, const struct tr_item *y)
{
    uint64_t tx = tr_item_time(x), ty = tr_item_time(y);

    return tx != ty ? tx < ty : x->id < y->id;
}

static void
swap(struct tr_item *x, struct tr_item *y)
{
    struct tr_item t = *x;

    *x = *y;
    *y = t;
}

struct tr_order *
tr_order_new(tr_item_fn fn, void *arg)
{
    struct tr_order *o = calloc(1, sizeof(*o));

    if (o != NULL) {
        o->fn = fn;
        o->arg = arg;
    }
    return o;
}

int
tr_order_add(struct tr_order *o, const struct tr_item *it)
{
    size_t i;

    if (tr_grow(&o->heap, &o->cap, o->len + 1, sizeof(*it)) == -1)
        return -1;
    i = o->len++;
    o->heap[i] = *it;
    while (i > 0 && before(&o->heap[i], &o->heap[(i - 1) / 2])) {
        swap(&o->heap[i], &o->heap[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    return 0;
}

/* Remove the first item into *out. */
static void
pop(struct tr_order *o, struct tr_item *out)
{
    size_t i = 0;

    *out = o->heap[0];
    o->heap[0] = o->heap[--o->len];
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;

        if (l < o->len && before(&o->heap[l], &o->heap[m]))
            m = l;
        if (r < o->len && before(&o->heap[r], &o->heap[m]))
            m = r;
        if (m == i)
            break;
        swap(&o->heap[i], &o->heap[m]);
        i = m;
    }
}

void
tr_order_release(struct tr_order *o, uint64_t watermark)
{
    struct tr_item it;

    while (o->len > 0 && (watermark == UINT64_MAX ||
                          tr_item_time(&o->heap[0]) < watermark)) {
        pop(o, &it);
        o->fn(&it, o->arg);
    }
    if (o->len == 0 && o->cap > 4096) {
        /* a burst is over: give its memory back */
        free(o->heap);
        o->heap = NULL;
        o->cap = 0;
    }
}

void
tr_order_free(struct tr_order *o)
{
    if (o != NULL)
        free(o->heap);
    free(o);
}
