/*
 * trace/event.h - one ipclab event, decoded from a CTF trace.
 *
 * The trace tool reads every event of the "ipclab" provider (the catalogue
 * is include/ipclab/tp.h) into this flat structure, so the rest of the tool
 * never touches libbabeltrace2: source.c fills it, everything else reads
 * it. Fields an event does not carry are 0 (numbers) or "" (strings).
 * Strings are display-safe (decode.c: valid UTF-8, no control character)
 * and valid only during the callback that receives the event; copy what
 * you keep.
 */
#ifndef IPCLAB_TRACE_EVENT_H
#define IPCLAB_TRACE_EVENT_H

#include <stdbool.h>
#include <stdint.h>

/* The event kinds of tp.h; TR_OTHER is any other ipclab:* event. */
enum tr_type {
    TR_OTHER = 0,
    TR_PROC_START,
    TR_PROC_EXIT,
    TR_PROC_STATE,
    TR_PROC_SPAWN,
    TR_PROC_REAP,
    TR_FIFO_CREATE,
    TR_FIFO_OPEN,
    TR_RECORD_WRITE,
    TR_RECORD_READ,
    TR_RECORD_DROP,
    TR_SIGNAL_SEND,
    TR_SIGNAL_CONSUME,
    TR_SIGNAL_IGNORE,
    TR_ROUTE,
    TR_RECLAIM,
    TR_ERROR,
    TR_TYPE_COUNT
};

struct tr_event {
    enum tr_type type;
    const char *name;           /* "record_write": the name after "ipclab:" */
    uint64_t ts;                /* ns since the clock's origin */
    int vpid;                   /* the emitting process (context) */
    const char *procname;       /* its command name (context), or "" */
    uint64_t uts_ns;            /* its UTS namespace (context), or 0 */

    /* payload fields, by their names in tp.h */
    int fifo, kind, pid, op, status;
    uint32_t seq;
    int64_t a, b, value;        /* 'value' of records and of signals */
    int signo, peer_pid;
    int ppid, child_pid, worker_pid;
    int flags, fd, err, bytes;
    const char *role, *state, *what, *reason;
};

/* "record_write" for TR_RECORD_WRITE...; "other" for TR_OTHER. */
const char *
tr_type_name(enum tr_type type);

/* The reasons of a record_drop that ends a valid request */
enum { TR_DROP_STALE, TR_DROP_BAD_PID, TR_DROP_STOPPING, TR_DROP_REASONS };
extern const char *const tr_drop_reasons[TR_DROP_REASONS];

/* Whether a record_drop is the traced end of a valid request: the server
   dropped it (FIFO1: its client gone, reading no FIFO2, or the server
   stopping) or its result (FIFO2: its client gone or silent). Returns its
   reason's index in tr_drop_reasons[], or -1 when it is not */
int
tr_drop_ends_request(const struct tr_event *ev);

#endif /* IPCLAB_TRACE_EVENT_H */
