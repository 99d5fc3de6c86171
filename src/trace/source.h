/*
 * trace/source.h - read an LTTng trace directory, event by event.
 *
 * The one place that talks to libbabeltrace2. It finds every CTF trace
 * under a directory (traces/record.sh writes DIR/ust/uid/0/64-bit/...),
 * builds a trace processing graph
 *
 *   source.ctf.fs (one per trace) --> filter.utils.muxer --> our sink
 *
 * and hands each ipclab event, in time order, to a callback. Nothing is
 * kept between events: a trace of any size is read in bounded memory.
 *
 *     struct tr_source_info info;
 *     if (tr_source_read(dir, on_event, &state, NULL, &info) == -1)
 *         exit(1);        (the error was printed)
 */
#ifndef IPCLAB_TRACE_SOURCE_H
#define IPCLAB_TRACE_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

/* What a complete read saw. */
struct tr_source_info {
    uint64_t events;            /* ipclab events delivered */
    uint64_t other_events;      /* events of other providers, skipped */
    uint64_t discarded;         /* events the tracer lost (full buffers):
                                   the larger of the trace's count and
                                   record.info's */
    uint64_t first_ts, last_ts; /* of the ipclab events, ns */
};

/*
 * A stretch of time in which the tracer lost events, because its buffers
 * were full, or a whole packet of them: the CTF packets' discarded-event
 * counters and sequence numbers, as libbabeltrace2 reports them (one
 * discarded-events or discarded-packets message per stream and packet),
 * and the end of a stream cut short: from its last packet's end to the
 * last event.
 * Overlapping stretches are merged. A stretch whose times the trace does
 * not give is [0, UINT64_MAX]: anywhere.
 */
struct tr_gap {
    uint64_t begin, end;        /* ns, the clock of tr_event.ts */
    uint64_t count;             /* events lost in it (0: unknown) */
};

typedef void (*tr_event_fn)(const struct tr_event *ev, void *arg);

/*
 * Read the ipclab events of the trace in 'dir' (all of them, or those of
 * the processes tr_source_scope() chose: scope.c), in time order, calling
 * fn(ev, arg) for each. 'pass' names this read on the progress line shown
 * on a terminal for long reads ("pass 1 of 2"), or NULL. After the first
 * read of a run it prints the warning about lost events
 * (tr_source_warn_lost()), once whatever the reads that follow. Returns
 * 0, or -1 after printing a one-line error: 'dir' is missing, holds no CTF
 * trace, cannot be read, or holds no ipclab event.
 */
int
tr_source_read(const char *dir, tr_event_fn fn, void *arg, const char *pass,
               struct tr_source_info *info);

/*
 * The stretches with lost events of the last tr_source_read(), in time
 * order; *n gets how many (0: none lost). Valid until the next read.
 * Renderers mark them (seq, svg, chrome); check does not judge them.
 */
const struct tr_gap *
tr_source_gaps(size_t *n);

/* "12 events", or "events (how many unknown)": into buf[0..n); buf */
const char *
tr_gap_count(const struct tr_gap *g, char *buf, size_t n);

/*
 * The one warning about lost events on stderr after reading 'dir'
 * (nothing when none were lost): how many, and the stretches as ms after
 * the first event read (info->first_ts).
 */
void
tr_source_warn_lost(const char *dir, const struct tr_source_info *info);

/* tr_source_read() without the scope: every ipclab event (source.c). */
int
tr_source_read_all(const char *dir, tr_event_fn fn, void *arg,
                   const char *pass, struct tr_source_info *info);

/* Which processes tr_source_read() keeps (scope.c). */
enum tr_scope {
    TR_SCOPE_RECORDED,          /* default: the process trees of the pids
                                   record.sh wrote in DIR/record.info;
                                   everything when there is no such file */
    TR_SCOPE_ALL,               /* --all: every process the trace holds */
    TR_SCOPE_SERVER,            /* --server PID: the system of 'server' */
};

/*
 * Read the processes of 'mode' from now on. TR_SCOPE_SERVER keeps the
 * ipclab system around server 'server' (ignored otherwise): the server,
 * the processing clients it started or routed to, and the requesting
 * clients whose records it handled or that it signalled. A trace recorded
 * by the machine's shared session daemon also holds every other ipclab
 * program that ran meanwhile (another student's, a test's); this keeps
 * one. TR_SCOPE_SERVER costs one more pass over the trace; the default,
 * one more only when the trace holds a process outside the recording.
 */
void
tr_source_scope(enum tr_scope mode, int server);

#endif /* IPCLAB_TRACE_SOURCE_H */
