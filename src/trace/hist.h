/*
 * trace/hist.h - latency percentiles in constant memory.
 *
 * The first TR_HIST_EXACT samples are kept as they are, so small traces
 * (every sample trace, every test) get exact percentiles. Past that, a
 * log-linear histogram (64 buckets per power of two: within 1.6%) takes
 * over; the maximum is always exact.
 *
 *     struct tr_hist h = { 0 };
 *     tr_hist_add(&h, latency_ns);
 *     p99 = tr_hist_pct(&h, 99);
 */
#ifndef IPCLAB_TRACE_HIST_H
#define IPCLAB_TRACE_HIST_H

#include <stdint.h>

#define TR_HIST_EXACT 4096
#define TR_HIST_BUCKETS (64 + 58 * 64)

struct tr_hist {
    uint64_t n;                 /* samples */
    uint64_t max;
    uint64_t negative;          /* samples below 0, counted as 0 */
    uint64_t exact[TR_HIST_EXACT];
    uint32_t buckets[TR_HIST_BUCKETS];
};

/* Add one sample (ns); a negative one counts as 0 and in 'negative'. */
void
tr_hist_add(struct tr_hist *h, int64_t ns);

/* The p-th percentile (nearest rank), or 0 without samples. */
uint64_t
tr_hist_pct(const struct tr_hist *h, double p);

#endif /* IPCLAB_TRACE_HIST_H */
