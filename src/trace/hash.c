/*
 * trace/hash.c - open addressing with linear probing.
 *
 * Deletion shifts later entries of the same probe run back into the hole
 * (Knuth's algorithm R), so there are no tombstones and a table that saw a
 * million requests come and go is as fast as a fresh one. The table halves
 * when it is mostly empty: memory follows what is in flight.
 */
#include <stdlib.h>

#include "hash.h"

#define MIN_CAP 16

/* A 64-bit mix (splitmix64's finaliser): pids and seqs are sequential */
static size_t
slot_of(const struct tr_hash *h, uint64_t key)
{
    key ^= key >> 30;
    key *= 0xbf58476d1ce4e5b9ULL;
    key ^= key >> 27;
    key *= 0x94d049bb133111ebULL;
    key ^= key >> 31;
    return (size_t)key & (h->cap - 1);
}

static int
resize(struct tr_hash *h, size_t cap)
{
    struct tr_hash_slot *old = h->slots;
    size_t old_cap = h->cap;

    h->slots = calloc(cap, sizeof(*h->slots));
    if (h->slots == NULL) {
        h->slots = old;
        return -1;
    }
    h->cap = cap;
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i].val != NULL) {
            size_t j = slot_of(h, old[i].key);

            while (h->slots[j].val != NULL)
                j = (j + 1) & (cap - 1);
            h->slots[j] = old[i];
        }
    }
    free(old);
    return 0;
}

void *
tr_hash_get(const struct tr_hash *h, uint64_t key)
{
    if (h->cap == 0)
        return NULL;
    for (size_t i = slot_of(h, key); h->slots[i].val != NULL;
         i = (i + 1) & (h->cap - 1))
        if (h->slots[i].key == key)
            return h->slots[i].val;
    return NULL;
}

int
tr_hash_put(struct tr_hash *h, uint64_t key, void *val)
{
    size_t i;

    if ((h->len + 1) * 2 > h->cap &&
        resize(h, h->cap == 0 ? MIN_CAP : h->cap * 2) == -1)
        return -1;
    for (i = slot_of(h, key); h->slots[i].val != NULL;
         i = (i + 1) & (h->cap - 1)) {
        if (h->slots[i].key == key) {
            h->slots[i].val = val;
            return 0;
        }
    }
    h->slots[i].key = key;
    h->slots[i].val = val;
    h->len++;
    return 0;
}

int
tr_grow(void *arr, size_t *cap, size_t n, size_t size)
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
tr_cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

    return a < b ? -1 : a > b;
}

void *
tr_hash_obtain(struct tr_hash *h, uint64_t key, size_t size)
{
    void *v = tr_hash_get(h, key);

    if (v == NULL && (v = calloc(1, size)) != NULL &&
        tr_hash_put(h, key, v) == -1) {
        free(v);
        v = NULL;
    }
    return v;
}

void *
tr_hash_del(struct tr_hash *h, uint64_t key)
{
    size_t mask = h->cap - 1, i, j;
    void *val;

    if (h->cap == 0)
        return NULL;
    for (i = slot_of(h, key); h->slots[i].key != key ||
         h->slots[i].val == NULL; i = (i + 1) & mask)
        if (h->slots[i].val == NULL)
            return NULL;
    val = h->slots[i].val;

    /* close the hole: move back any later entry whose home is at or
       before it in the probe run */
    for (j = (i + 1) & mask; h->slots[j].val != NULL; j = (j + 1) & mask) {
        size_t home = slot_of(h, h->slots[j].key);

        if (((j - home) & mask) >= ((j - i) & mask)) {
            h->slots[i] = h->slots[j];
            i = j;
        }
    }
    h->slots[i].val = NULL;
    h->len--;
    if (h->cap > MIN_CAP && h->len * 8 < h->cap)
        resize(h, h->cap / 2);  /* on failure the bigger table stays */
    return val;
}

void
tr_hash_each(const struct tr_hash *h,
             void (*fn)(uint64_t key, void *val, void *arg), void *arg)
{
    for (size_t i = 0; i < h->cap; i++)
        if (h->slots[i].val != NULL)
            fn(h->slots[i].key, h->slots[i].val, arg);
}

void
tr_hash_free(struct tr_hash *h)
{
    free(h->slots);
    h->slots = NULL;
    h->cap = h->len = 0;
}

void
tr_hash_free_values(struct tr_hash *h)
{
    for (size_t i = 0; i < h->cap; i++)
        free(h->slots[i].val);
    tr_hash_free(h);
}
