/*
 * ipclab/tp.h - the kit's LTTng-UST tracepoint provider, "ipclab".
 *
 * Every ipclab program, lab binary and exercise traces through these events.
 * Their names and field names are a public interface: docs/tracepoints.md
 * documents each one, and the trace tool, the Trace Compass analysis and the
 * grading tests read them. Add fields at the end; never rename or remove.
 *
 * Do not call lttng_ust_tracepoint() directly: use IPCLAB_TP() from
 * ipclab/trace.h, which compiles to nothing when tracing is off.
 *
 * The emitting process is identified by the 'vpid' context that
 * traces/record.sh adds (lttng add-context -u -t vpid -t vtid -t
 * procname), so the events do not repeat it. Fields named 'pid' always
 * mean the requesting client a record belongs to; 'peer_pid' is the
 * other end of a signal.
 */
#undef LTTNG_UST_TRACEPOINT_PROVIDER
#define LTTNG_UST_TRACEPOINT_PROVIDER ipclab

#undef LTTNG_UST_TRACEPOINT_INCLUDE
#define LTTNG_UST_TRACEPOINT_INCLUDE "ipclab/tp.h"

#if !defined(IPCLAB_TP_H) || defined(LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ)
#define IPCLAB_TP_H

#include <lttng/tracepoint.h>
#include <stdint.h>

#include "ipclab/record.h"

/* Operation names instead of bare numbers in babeltrace2 and Trace Compass */
LTTNG_UST_TRACEPOINT_ENUM(ipclab, op_enum,
    LTTNG_UST_TP_ENUM_VALUES(
        lttng_ust_field_enum_value("none", 0)
        lttng_ust_field_enum_value("sum", IPCLAB_OP_SUM)
        lttng_ust_field_enum_value("sub", IPCLAB_OP_SUB)
        lttng_ust_field_enum_value("mul", IPCLAB_OP_MUL)
        lttng_ust_field_enum_value("div", IPCLAB_OP_DIV)
    )
)

LTTNG_UST_TRACEPOINT_ENUM(ipclab, kind_enum,
    LTTNG_UST_TP_ENUM_VALUES(
        lttng_ust_field_enum_value("request", IPCLAB_KIND_REQUEST)
        lttng_ust_field_enum_value("result", IPCLAB_KIND_RESULT)
    )
)

/*
 * ipclab:proc_start - a process begins its role.
 *   role: "server", "rc", "sum", "sub", "mul", "div", or a lab's name
 *   ppid: its parent, to draw who started whom
 */
LTTNG_UST_TRACEPOINT_EVENT(ipclab, proc_start,
    LTTNG_UST_TP_ARGS(const char *, role, int, ppid),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_string(role, role)
        lttng_ust_field_integer(int, ppid, ppid)
    )
)

/*
 * ipclab:proc_exit - a process ends its role.
 *   role: as in proc_start
 *   status: the exit status it is about to return
 */
LTTNG_UST_TRACEPOINT_EVENT(ipclab, proc_exit,
    LTTNG_UST_TP_ARGS(const char *, role, int, status),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_string(role, role)
        lttng_ust_field_integer(int, status, status)
    )
)

/*
 * ipclab:proc_state - a process changes state; Trace Compass draws these.
 *   role: as in proc_start
 *   state: server "serving", "stopping"; rc "waiting_signal", "reading",
 *          "waiting_input"; workers "idle", "reading", "processing";
 *          labs may add their own (docs/tracepoints.md lists them)
 */
LTTNG_UST_TRACEPOINT_EVENT(ipclab, proc_state,
    LTTNG_UST_TP_ARGS(const char *, role, const char *, state),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_string(role, role)
        lttng_ust_field_string(state, state)
    )
)

/*
 * ipclab:proc_spawn / proc_reap - a parent starts or reaps a child.
 *   role: the child's role at spawn ("sum"...); at reap, the parent's
 *         name for its children ("worker" in the server)
 *   child_pid: the child
 *   status: reap only: wait status as exit code, or 128 + signal number
 */
LTTNG_UST_TRACEPOINT_EVENT(ipclab, proc_spawn,
    LTTNG_UST_TP_ARGS(const char *, role, int, child_pid),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_string(role, role)
        lttng_ust_field_integer(int, child_pid, child_pid)
    )
)

LTTNG_UST_TRACEPOINT_EVENT(ipclab, proc_reap,
    LTTNG_UST_TP_ARGS(const char *, role, int, child_pid, int, status),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_string(role, role)
        lttng_ust_field_integer(int, child_pid, child_pid)
        lttng_ust_field_integer(int, status, status)
    )
)

/*
 * ipclab:fifo_create - mkfifo() of one of the FIFOs.
 *   fifo: 1..4 for FIFO1..FIFO4 (0 for a lab's own FIFO)
 *   path: where it was created
 *   mode: permission bits it was created with
 */
LTTNG_UST_TRACEPOINT_EVENT(ipclab, fifo_create,
    LTTNG_UST_TP_ARGS(int, fifo, const char *, path, unsigned int, mode),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(int, fifo, fifo)
        lttng_ust_field_string(path, path)
        lttng_ust_field_integer_hex(unsigned int, mode, mode)
    )
)

/*
 * ipclab:fifo_open - open() of a FIFO returned.
 *   fifo: 1..4, as above
 *   flags: the open flags (O_RDONLY = 0, O_WRONLY = 1, O_NONBLOCK = 0x800)
 *   fd: the descriptor, or -1
 *   err: 0, or the errno value of a failed open (ENXIO = 6, ENOENT = 2)
 */
LTTNG_UST_TRACEPOINT_EVENT(ipclab, fifo_open,
    LTTNG_UST_TP_ARGS(int, fifo, int, flags, int, fd, int, err),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(int, fifo, fifo)
        lttng_ust_field_integer_hex(int, flags, flags)
        lttng_ust_field_integer(int, fd, fd)
        lttng_ust_field_integer(int, err, err)
    )
)

/*
 * ipclab:record_write / record_read - one whole record crossed a FIFO.
 * Both share one class, so their fields match one to one. record_write is
 * emitted just BEFORE the write() (so that it always precedes the
 * matching record_read in time); if the write then fails, an
 * ipclab:error with what = "record_write" follows from the same process.
 * record_read is emitted after a successful, validated read.
 *   fifo: 1..4
 *   kind: request or result
 *   pid, seq: the requesting client and its sequence number: the identity
 *        that ties all hops of one request together
 *   op, a, b: the operation and operands
 *   status, value: results only: 0 or an errno value, and the answer
 *   flags: the record's flags: IPCLAB_REC_RETURNED in a record given back
 */
LTTNG_UST_TRACEPOINT_EVENT_CLASS(ipclab, record_class,
    LTTNG_UST_TP_ARGS(int, fifo, const struct ipc_record *, r),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(int, fifo, fifo)
        lttng_ust_field_enum(ipclab, kind_enum, int, kind, r->kind)
        lttng_ust_field_integer(int, pid, r->pid)
        lttng_ust_field_integer(uint32_t, seq, r->seq)
        lttng_ust_field_enum(ipclab, op_enum, int, op, r->op)
        lttng_ust_field_integer(int64_t, a, r->a)
        lttng_ust_field_integer(int64_t, b, r->b)
        lttng_ust_field_integer(int, status, r->status)
        lttng_ust_field_integer(int64_t, value, r->value)
        lttng_ust_field_integer_hex(uint32_t, flags, r->flags)
    )
)

LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(ipclab, record_class, ipclab, record_write,
    LTTNG_UST_TP_ARGS(int, fifo, const struct ipc_record *, r)
)

LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(ipclab, record_class, ipclab, record_read,
    LTTNG_UST_TP_ARGS(int, fifo, const struct ipc_record *, r)
)

/*
 * ipclab:record_drop - bytes read from a FIFO were not a valid record, or a
 * valid record was discarded.
 *   fifo: 1..4
 *   reason: a fault name from record.h ("bad_magic", "short"...),
 *           "stale" (a valid record nobody waits for any more) or
 *           "duplicate" (a request whose pid and seq are in flight)
 *   bytes: how many bytes were discarded
 *   pid, seq: the discarded record's request; 0, 0 for invalid bytes
 */
LTTNG_UST_TRACEPOINT_EVENT(ipclab, record_drop,
    LTTNG_UST_TP_ARGS(int, fifo, const char *, reason, int, bytes,
                      int, pid, uint32_t, seq),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(int, fifo, fifo)
        lttng_ust_field_string(reason, reason)
        lttng_ust_field_integer(int, bytes, bytes)
        lttng_ust_field_integer(int, pid, pid)
        lttng_ust_field_integer(uint32_t, seq, seq)
    )
)

/*
 * ipclab:signal_send / signal_consume - a signal left this process, or was
 * taken by it in normal context (sigwaitinfo or signalfd, never a handler).
 * signal_send is emitted just BEFORE sigqueue()/kill(); if that fails, an
 * ipclab:error with what = "signal_send" follows from the same process.
 *   signo: the signal number (SIGRTMIN+n or SIGUSR1...)
 *   what: its meaning: "ready", "ack", "revoke", "stop", "child"
 *   peer_pid: the receiver (send) or the sender (consume)
 *   value: the sigqueue() payload: the request's seq (0 for classic signals)
 */
LTTNG_UST_TRACEPOINT_EVENT_CLASS(ipclab, signal_class,
    LTTNG_UST_TP_ARGS(int, signo, const char *, what, int, peer_pid,
                      int, value),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(int, signo, signo)
        lttng_ust_field_string(what, what)
        lttng_ust_field_integer(int, peer_pid, peer_pid)
        lttng_ust_field_integer(int, value, value)
    )
)

LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(ipclab, signal_class, ipclab, signal_send,
    LTTNG_UST_TP_ARGS(int, signo, const char *, what, int, peer_pid,
                      int, value)
)

LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(ipclab, signal_class, ipclab,
    signal_consume,
    LTTNG_UST_TP_ARGS(int, signo, const char *, what, int, peer_pid,
                      int, value)
)

/*
 * ipclab:signal_ignore - a signal was taken but not acted on.
 *   signo, peer_pid, value: as in signal_consume
 *   reason: "unexpected_sender", "unexpected_value", "not_queued",
 *           "revoked" (a ready for a record the server took back)
 */
LTTNG_UST_TRACEPOINT_EVENT(ipclab, signal_ignore,
    LTTNG_UST_TP_ARGS(int, signo, int, peer_pid, int, value,
                      const char *, reason),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(int, signo, signo)
        lttng_ust_field_integer(int, peer_pid, peer_pid)
        lttng_ust_field_integer(int, value, value)
        lttng_ust_field_string(reason, reason)
    )
)

/*
 * ipclab:route - the server chose a processing client for a request.
 *   pid, seq: the request
 *   op: its operation
 *   worker_pid: the processing client (pool) or the child just spawned
 */
LTTNG_UST_TRACEPOINT_EVENT(ipclab, route,
    LTTNG_UST_TP_ARGS(int, pid, uint32_t, seq, int, op, int, worker_pid),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(int, pid, pid)
        lttng_ust_field_integer(uint32_t, seq, seq)
        lttng_ust_field_enum(ipclab, op_enum, int, op, op)
        lttng_ust_field_integer(int, worker_pid, worker_pid)
    )
)

/*
 * ipclab:reclaim - the server took back a record nobody acknowledged.
 *   fifo: 2 or 3
 *   pid, seq: the record's identity
 *   peer_pid: the reader that did not acknowledge in time
 *   reason: "ack_timeout", "peer_gone", "peer_stopped", "garbage",
 *           "given_back", "acked_unread" (the reader acknowledged without
 *           reading), or "read_unacked": NOT taken back, the reader read
 *           it but the server stops waiting for its ack (stopped, gone or
 *           silent reader): the FIFO is free again
 */
LTTNG_UST_TRACEPOINT_EVENT(ipclab, reclaim,
    LTTNG_UST_TP_ARGS(int, fifo, int, pid, uint32_t, seq, int, peer_pid,
                      const char *, reason),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(int, fifo, fifo)
        lttng_ust_field_integer(int, pid, pid)
        lttng_ust_field_integer(uint32_t, seq, seq)
        lttng_ust_field_integer(int, peer_pid, peer_pid)
        lttng_ust_field_string(reason, reason)
    )
)

/*
 * ipclab:error - something failed; the program may go on or stop.
 *   what: a short stable description ("record_write", "worker died")
 *   err: an errno value, or 0; for "worker died" the worker's exit code
 *        (128 + signal when killed); for "record for another client" the
 *        pid the record was addressed to
 */
LTTNG_UST_TRACEPOINT_EVENT(ipclab, error,
    LTTNG_UST_TP_ARGS(const char *, what, int, err),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_string(what, what)
        lttng_ust_field_integer(int, err, err)
    )
)

#endif /* IPCLAB_TP_H */

#include <lttng/tracepoint-event.h>
