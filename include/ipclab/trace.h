/*
 * ipclab/trace.h - the one way to emit a tracepoint: IPCLAB_TP().
 *
 *     IPCLAB_TP(record_write, 1, &rec);
 *
 * expands to lttng_ust_tracepoint(ipclab, record_write, 1, &rec) when the
 * kit is built with tracing (IPCLAB_TRACING=1, the default when lttng-ust is
 * installed), and to a statement that evaluates nothing otherwise. The
 * arguments are still type-checked in both builds, so code that traces
 * stays correct in the build that does not.
 *
 * src/lib/tp_define.c defines IPCLAB_TRACE_DEFINE before including this
 * header: it holds the tracepoint definitions and loads the probes when a
 * recording asks for them (docs/tracing.md, "How a program loads its
 * probes"). A program's own files never define it.
 * The events are documented in ipclab/tp.h and docs/tracepoints.md.
 */
#ifndef IPCLAB_TRACE_H
#define IPCLAB_TRACE_H

#ifndef IPCLAB_TRACING
#define IPCLAB_TRACING 0
#endif

#if IPCLAB_TRACING

#ifdef IPCLAB_TRACE_DEFINE
#define LTTNG_UST_TRACEPOINT_DEFINE
#define LTTNG_UST_TRACEPOINT_PROBE_DYNAMIC_LINKAGE  /* probes: a .so */
#endif
#include "ipclab/tp.h"

#define IPCLAB_TP(event, ...) \
    lttng_ust_tracepoint(ipclab, event, __VA_ARGS__)

#else /* !IPCLAB_TRACING */

/* Never called: only gives the compiler the arguments to check. */
static inline void
ipc_trace_discard(int unused, ...)
{
    (void)unused;
}

#define IPCLAB_TP(event, ...) \
    do { if (0) ipc_trace_discard(0, __VA_ARGS__); } while (0)

#endif /* IPCLAB_TRACING */

#endif /* IPCLAB_TRACE_H */
