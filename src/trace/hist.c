/*
 * trace/hist.c - exact, then log-linear, percentiles.
 *
 * Bucket of v: v itself below 64; above, the power of two e of v and the
 * 6 bits that follow its leading one. A bucket reports its midpoint.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "hist.h"

static int
bucket(uint64_t v)
{
    int e;

    if (v < 64)
        return (int)v;
    e = 63 - __builtin_clzll(v);        /* 6..63 */
    return 64 + (e - 6) * 64 + (int)((v >> (e - 6)) & 63);
}

static uint64_t
bucket_mid(int b)
{
    int e;

    if (b < 64)
        return (uint64_t)b;
    e = (b - 64) / 64 + 6;
    return ((uint64_t)(64 + (b - 64) % 64) << (e - 6)) +
           ((uint64_t)1 << (e - 6)) / 2;
}

void
tr_hist_add(struct tr_hist *h, int64_t ns)
{
    uint64_t v = ns < 0 ? 0 : (uint64_t)ns;

    if (ns < 0)
        h->negative++;
    if (h->n < TR_HIST_EXACT)
        h->exact[h->n] = v;
    h->buckets[bucket(v)]++;
    if (v > h->max)
        h->max = v;
    h->n++;
}

uint64_t
tr_hist_pct(const struct tr_hist *h, double p)
{
    uint64_t rank, seen = 0;

    if (h->n == 0)
        return 0;
    rank = (uint64_t)ceil(p / 100.0 * (double)h->n);
    if (rank < 1)
        rank = 1;
    if (h->n <= TR_HIST_EXACT) {
        uint64_t *v = malloc(h->n * sizeof(*v)), r;

        if (v != NULL) {
            memcpy(v, h->exact, h->n * sizeof(*v));
            qsort(v, h->n, sizeof(*v), tr_cmp_u64);
            r = v[rank - 1];
            free(v);
            return r;
        }
    }
    for (int b = 0; b < TR_HIST_BUCKETS; b++) {
        seen += h->buckets[b];
        if (seen >= rank)
            return bucket_mid(b) < h->max ? bucket_mid(b) : h->max;
    }
    return h->max;
}
