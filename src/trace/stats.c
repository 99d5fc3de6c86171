/*
 * trace/stats.c - ipclab-trace stats: counts and latencies of a trace.
 *
 *   events          how many of each kind
 *   requests        sent (FIFO1 writes), answered (of those, the ones
 *                   whose result their client read from FIFO2), dropped
 *                   (a traced record_drop ended them; by reason),
 *                   unanswered (nothing traced their end), and apart the
 *                   results a client read with no FIFO1 request of it in
 *                   the trace; a trace with no FIFO2 record at all (lab
 *                   02's routing: results stop at the router by design)
 *                   counts those routed and the results read from FIFO4
 *                   instead, and no request as unanswered
 *   latency         per hop, as count, p50, p99 and max in microseconds:
 *                   each FIFO's write -> read, dispatch (route) -> result
 *                   read from FIFO4, signal send -> consume, and end to
 *                   end, FIFO1 write -> FIFO2 read by the client
 *
 * Hops come from the matcher's items; the two request-long spans (dispatch
 * and end to end) from a table of requests in flight, freed as each one is
 * answered. A writer that traces after its system call returns (the
 * kit's trace before it) lets a reader trace first: such a latency is
 * below zero, counted as 0 and reported.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "hist.h"
#include "match.h"
#include "procs.h"
#include "source.h"

enum hop { H_F1, H_F3, H_F4, H_F2, H_DISPATCH, H_SIG, H_READY, H_ACK,
           H_E2E, H_COUNT };

static const char *const hop_names[H_COUNT] = {
    [H_F1] = "FIFO1 write -> server read",
    [H_F3] = "FIFO3 write -> worker read",
    [H_F4] = "FIFO4 write -> server read",
    [H_F2] = "FIFO2 write -> client read",
    [H_DISPATCH] = "dispatch (route) -> FIFO4 read",
    [H_SIG] = "signal send -> consume",
    [H_READY] = "  ready",
    [H_ACK] = "  ack",
    [H_E2E] = "end to end: FIFO1 write -> FIFO2 read",
};

/* A request in flight */
struct sreq {
    uint64_t sent, routed;      /* FIFO1 write, route; 0: not seen */
};

struct stats {
    struct tr_procs procs;
    uint64_t counts[TR_TYPE_COUNT];
    struct tr_hash reqs;        /* (pid, seq) --> struct sreq */
    uint64_t sent, routed, answered, misread, undelivered;
    uint64_t dropped[TR_DROP_REASONS];  /* by tr_drop_reasons[] */
    uint64_t unasked;           /* results read with no request sent */
    uint64_t f2_writes, f4_reads;       /* FIFO2 in use at all; results */
    struct tr_hash lost_to;     /* vpid --> undelivered messages for it */
    uint64_t vanished;          /* of those, for processes whose end the
                                   trace does not hold (report()) */
    struct tr_hist hops[H_COUNT];
};

static struct sreq *
sreq(struct stats *s, int pid, uint32_t seq, int create)
{
    uint64_t key = TR_KEY(pid, seq);

    return create ? tr_hash_obtain(&s->reqs, key, sizeof(struct sreq))
                  : tr_hash_get(&s->reqs, key);
}

static void
on_event(const struct tr_event *ev, void *arg)
{
    struct stats *s = arg;
    struct sreq *r;
    int reason;

    s->counts[ev->type]++;

    if (ev->type == TR_RECORD_WRITE && ev->fifo == 1) {
        if ((r = sreq(s, ev->pid, ev->seq, 1)) != NULL && r->sent == 0) {
            r->sent = ev->ts;
            s->sent++;
        }
    } else if (ev->type == TR_ROUTE) {
        if ((r = sreq(s, ev->pid, ev->seq, 1)) != NULL && r->routed == 0) {
            r->routed = ev->ts;
            s->routed++;
        }
    } else if (ev->type == TR_RECORD_WRITE && ev->fifo == 2) {
        s->f2_writes++;
    } else if (ev->type == TR_RECORD_READ && ev->fifo == 4) {
        s->f4_reads++;
        if ((r = sreq(s, ev->pid, ev->seq, 0)) != NULL && r->routed != 0)
            tr_hist_add(&s->hops[H_DISPATCH],
                        (int64_t)(ev->ts - r->routed));
    } else if (ev->type == TR_RECORD_READ && ev->fifo == 2 &&
               ev->vpid == ev->pid) {
        /* an answer only to a request sent through FIFO1, once */
        if ((r = tr_hash_del(&s->reqs, TR_KEY(ev->pid, ev->seq))) != NULL &&
            r->sent != 0) {
            s->answered++;
            tr_hist_add(&s->hops[H_E2E], (int64_t)(ev->ts - r->sent));
        } else {
            s->unasked++;
        }
        free(r);
    } else if ((reason = tr_drop_ends_request(ev)) >= 0) {
        if ((r = tr_hash_del(&s->reqs, TR_KEY(ev->pid, ev->seq))) != NULL &&
            r->sent != 0)
            s->dropped[reason]++;
        free(r);
    }
}

static void
on_item(const struct tr_item *it, void *arg)
{
    struct stats *s = arg;
    int64_t lat = (int64_t)(it->t1 - it->t0);

    if (it->fate == TR_FATE_MISREAD)
        s->misread++;
    if (tr_item_undelivered(it)) {
        int to = tr_item_receiver(it);
        void *n = tr_hash_get(&s->lost_to, (uint64_t)(uint32_t)to);

        s->undelivered++;
        tr_hash_put(&s->lost_to, (uint64_t)(uint32_t)to,
                    (void *)((uintptr_t)n + 1));
    }
    if (it->t1 == 0 || it->t0 == 0 ||
        (it->fate != TR_FATE_OK && it->fate != TR_FATE_IGNORED &&
         it->fate != TR_FATE_MISREAD))
        return;
    if (it->kind == TR_ITEM_RECORD && it->fifo >= 1 && it->fifo <= 4) {
        static const enum hop by_fifo[] = { 0, H_F1, H_F2, H_F3, H_F4 };

        tr_hist_add(&s->hops[by_fifo[it->fifo]], lat);
    } else if (it->kind == TR_ITEM_SIGNAL) {
        tr_hist_add(&s->hops[H_SIG], lat);
        if (strcmp(it->what, "ready") == 0)
            tr_hist_add(&s->hops[H_READY], lat);
        else if (strcmp(it->what, "ack") == 0)
            tr_hist_add(&s->hops[H_ACK], lat);
    }
}

/* Undelivered messages for a process that vanished: no exit, no reap */
static void
count_vanished(uint64_t key, void *val, void *arg)
{
    struct stats *s = arg;
    const struct tr_proc *p = tr_procs_get(&s->procs, (int)key);

    if (p != NULL && p->traced && !p->exited)
        s->vanished += (uintptr_t)val;
}

/* Microseconds, one decimal */
static void
print_us(uint64_t ns)
{
    printf(" %9" PRIu64 ".%01" PRIu64, ns / 1000, ns / 100 % 10);
}

static void
report(struct stats *s, const char *shown,
       const struct tr_source_info *info)
{
    uint64_t negative = 0, dropped = 0;

    printf("%s: %" PRIu64 " events in %.3f ms, %" PRIu64 " processes\n",
           shown, info->events, (double)(info->last_ts - info->first_ts) / 1e6,
           s->procs.seen);

    printf("\n%-40s %9s\n", "events", "count");
    for (int t = 1; t < TR_TYPE_COUNT; t++)
        if (s->counts[t] > 0)
            printf("  %-38s %9" PRIu64 "\n", tr_type_name(t), s->counts[t]);
    if (s->counts[TR_OTHER] > 0)
        printf("  %-38s %9" PRIu64 "\n", "other ipclab events",
               s->counts[TR_OTHER]);

    tr_hash_each(&s->lost_to, count_vanished, s);
    for (int i = 0; i < TR_DROP_REASONS; i++)
        dropped += s->dropped[i];
    if (s->sent == 0 && s->routed == 0)
        printf("\nrequests: none (no FIFO1 record in this trace)\n");
    else if (s->f2_writes == 0 && s->answered == 0 && s->unasked == 0 &&
             dropped == 0)
        printf("\nrequests: %" PRIu64 " sent, %" PRIu64 " routed, %" PRIu64
               " results read from FIFO4; no FIFO2 in this trace, so none is"
               " answered to its client\n", s->sent, s->routed, s->f4_reads);
    else {
        printf("\nrequests: %" PRIu64 " sent, %" PRIu64 " answered, %"
               PRIu64 " dropped", s->sent, s->answered, dropped);
        for (int i = 0, n = 0; i < TR_DROP_REASONS; i++)
            if (s->dropped[i] > 0)
                printf("%s%s %" PRIu64, n++ == 0 ? " (" : ", ",
                       tr_drop_reasons[i], s->dropped[i]);
        printf("%s, %" PRIu64 " unanswered\n", dropped > 0 ? ")" : "",
               s->sent - s->answered - dropped);
    }
    if (s->unasked > 0)
        printf("results: %" PRIu64 " read by their client with no FIFO1 "
               "request behind them (not answers)\n", s->unasked);
    if (s->misread > 0 || s->undelivered > 0)
        printf("messages: %" PRIu64 " read by the wrong process, %" PRIu64
               " never delivered", s->misread, s->undelivered);
    if (s->vanished > 0)
        printf(" (%" PRIu64 " of them for processes whose end is not "
               "traced: killed by an untraced process?)", s->vanished);
    if (s->misread > 0 || s->undelivered > 0)
        putchar('\n');

    printf("\n%-40s %9s %11s %11s %11s\n", "latency (us)", "count", "p50",
           "p99", "max");
    for (int h = 0; h < H_COUNT; h++) {
        const struct tr_hist *x = &s->hops[h];

        printf("  %-38s %9" PRIu64, hop_names[h], x->n);
        if (x->n > 0) {
            print_us(tr_hist_pct(x, 50));
            print_us(tr_hist_pct(x, 99));
            print_us(x->max);
        }
        putchar('\n');
        if (h != H_READY && h != H_ACK)
            negative += x->negative;
    }
    if (negative > 0)
        printf("\n%" PRIu64 " receiving ends were traced before their "
               "sending end (programs trace after\nthe system call returns): "
               "those latencies count as 0\n", negative);
}

int
cmd_stats_run(const struct cmd_args *args)
{
    const char *dir = args->dir;
    static struct stats s;      /* large: the histograms */
    struct tr_source_info info;
    int rc = CMD_FAILED;

    if (tr_match_read(dir, &s.procs, on_event, on_item, &s, &info) == 0) {
        report(&s, args->shown, &info);
        rc = 0;
    }
    tr_hash_free_values(&s.reqs);
    tr_hash_free(&s.lost_to);
    tr_procs_free(&s.procs);
    return rc;
}
