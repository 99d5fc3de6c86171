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

#include <stdint.h>

#include "event.h"

/* What a complete read saw. */
struct tr_source_info {
    uint64_t events;            /* ipclab events delivered */
    uint64_t other_events;      /* events of other providers, skipped */
    uint64_t discarded;         /* events the tracer lost (full buffers) */
    uint64_t first_ts, last_ts; /* of the ipclab events, ns */
};

typedef void (*tr_event_fn)(const struct tr_event *ev, void *arg);

/*
 * Read the ipclab events of the trace in 'dir' (all of them, or those of
 * the system tr_source_scope() chose: scope.c), in time order, calling
 * fn(ev, arg) for each. 'pass' names this read on the progress line shown
 * on a terminal for long reads ("pass 1 of 2"), or NULL. Returns 0, or -1
 * after printing a one-line error: 'dir' is missing, holds no CTF trace,
 * cannot be read, or holds no ipclab event.
 */
int
tr_source_read(const char *dir, tr_event_fn fn, void *arg, const char *pass,
               struct tr_source_info *info);

/* tr_source_read() without the scope: every ipclab event (source.c). */
int
tr_source_read_all(const char *dir, tr_event_fn fn, void *arg,
                   const char *pass, struct tr_source_info *info);

/*
 * Read only the ipclab system around server 'server' from now on: the
 * server, the processing clients it started or routed to, and the
 * requesting clients whose records it handled or that it signalled. A
 * trace recorded by the machine's shared session daemon also holds every
 * other ipclab program that ran meanwhile (another student's, a test's);
 * this keeps one. Costs one more pass over the trace. 0: everything.
 */
void
tr_source_scope(int server);

#endif /* IPCLAB_TRACE_SOURCE_H */
