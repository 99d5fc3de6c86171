/*
 * trace/match.h - pair each write with its read, each send with its consume.
 *
 * A trace holds the two ends of every message as separate events of two
 * processes. The matcher joins them into one item per message, the unit
 * of the diagrams, the Perfetto flows and the latency statistics:
 *
 *   record_write fifo=3 20154:1 (server)  +  record_read fifo=3 20154:1 (div)
 *       --> item RECORD server->div, t0 = write, t1 = read
 *   signal_send ready value=1 (server)  +  signal_consume ready (div)
 *       --> item SIGNAL server->div, request 20154:1
 *
 * Records match on (FIFO, pid, seq); signals on (sender, receiver, signal
 * number, value). Either end may come first in the trace: the kit's
 * programs trace a write or a send before making it, but a program that
 * traces after its write() or sigqueue() returns lets a fast reader trace
 * its end first. A signal's request identity comes
 * from the record it announces (ready) or acknowledges (ack).
 *
 * An end that finds no partner within TR_MATCH_HORIZON_NS of trace time
 * (or at the end of the trace) becomes an item of its own with a 'fate'
 * that says what happened: unread, reclaimed, lost... Pending ends are the
 * only state kept, so memory follows what is in flight.
 */
#ifndef IPCLAB_TRACE_MATCH_H
#define IPCLAB_TRACE_MATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"
#include "procs.h"
#include "source.h"

#define TR_MATCH_HORIZON_NS (5ULL * 1000000000ULL)  /* > any ack timeout */

enum tr_item_kind {
    TR_ITEM_RECORD,             /* a record through a FIFO */
    TR_ITEM_SIGNAL,             /* a signal between processes */
    TR_ITEM_SPAWN,              /* a parent started a child */
    TR_ITEM_NOTE,               /* something that happened in one process */
};

enum tr_fate {
    TR_FATE_OK,                 /* delivered to whom it was for */
    TR_FATE_MISREAD,            /* read by another process than its addressee */
    TR_FATE_UNREAD,             /* written, never read */
    TR_FATE_RECLAIMED,          /* written, taken back by the server */
    TR_FATE_NOWRITE,            /* read; its write is not in the trace */
    TR_FATE_LOST,               /* signal sent, never consumed */
    TR_FATE_COALESCED,          /* classic signal merged into a pending one */
    TR_FATE_MERGED,             /* merged too, but what it asked for was
                                   done anyway: a child reaped although
                                   its SIGCHLD merged, a record settled
                                   from its FIFO's state although its ack
                                   merged (t1: then) */
    TR_FATE_IGNORED,            /* signal taken but ignored (signal_ignore) */
    TR_FATE_FATAL,              /* signal delivered, and its default action
                                   killed its receiver (t1: its death) */
    TR_FATE_FAILED,             /* a write that failed (its error follows,
                                   or SIGPIPE killed its writer in it): it
                                   never entered the FIFO; text: why,
                                   " (32 EPIPE)" */
    TR_FATE_NOSEND,             /* signal consumed; no traced sender (kernel,
                                   shell) */
};

enum tr_note {
    TR_NOTE_START,              /* text: role; num: ppid */
    TR_NOTE_EXIT,               /* num: status */
    TR_NOTE_REAP,               /* to: child; text: role; num: status */
    TR_NOTE_ERROR,              /* text: what; num: err */
    TR_NOTE_DROP,               /* fifo, pid, seq (0: no valid record); text:
                                   reason; num: bytes */
    TR_NOTE_RECLAIM,            /* fifo, pid, seq; to: reader; text: reason */
    TR_NOTE_SETTLED,            /* ack_coalesced: the server settled a record
                                   from its FIFO's state, no signal of its
                                   own; signo; value: the record's seq;
                                   pid, seq: the request of the ack that
                                   merged away, when traced */
    TR_NOTE_KILLED,             /* a child reaped as killed, with no
                                   proc_exit: its end, at the reap; to: its
                                   reaper; signo; num: status; text: the
                                   traced signal that killed it ("ready"),
                                   value: that signal's sender, or "" */
    TR_NOTE_VANISHED,           /* diagrams: a process whose end the trace
                                   does not hold (no proc_exit, no reap):
                                   at its last event */
};

struct tr_item {
    enum tr_item_kind kind;
    enum tr_fate fate;
    enum tr_note note;          /* TR_ITEM_NOTE only */
    uint64_t id;                /* unique, increasing as items are made */
    uint64_t t0;                /* write / send / the note's time */
    uint64_t t1;                /* read / consume, or 0 */
    int from, to;               /* vpids; 0 when unknown */
    int addressee;              /* whom a record or signal was for, or 0 */
    int pid;                    /* the request it belongs to, or 0 */
    uint32_t seq;
    int fifo, rkind, op, status;    /* records */
    int64_t a, b, value;        /* records; 'value' is a signal's too */
    int signo;                  /* signals */
    char what[16];              /* signals: "ready", "ack"... */
    char text[48];              /* notes, and why a signal was ignored */
    int num;                    /* notes */
};

/* The time a diagram draws an item at: its first end. */
static inline uint64_t
tr_item_time(const struct tr_item *it)
{
    return it->t1 != 0 && it->t1 < it->t0 ? it->t1 : it->t0;
}

/* Did it fail to reach anybody (unread, taken back, lost, merged)? */
static inline bool
tr_item_undelivered(const struct tr_item *it)
{
    return it->fate == TR_FATE_UNREAD || it->fate == TR_FATE_RECLAIMED ||
           it->fate == TR_FATE_LOST || it->fate == TR_FATE_COALESCED ||
           it->fate == TR_FATE_FAILED;
}

/* Where its second end is drawn: its reader (or, unread, its addressee);
   its writer when the writer took it back */
static inline int
tr_item_receiver(const struct tr_item *it)
{
    if (it->fate == TR_FATE_RECLAIMED)
        return it->from;
    return it->to != 0 ? it->to : it->addressee;
}

/* Was its second end traced: a record read, a signal taken or ignored? */
static inline bool
tr_item_received(const struct tr_item *it)
{
    return it->fate == TR_FATE_OK || it->fate == TR_FATE_MISREAD ||
           it->fate == TR_FATE_IGNORED || it->fate == TR_FATE_NOSEND;
}

/*
 * The kernel sends a signal when a process ends: SIGCHLD to its parent,
 * the PR_SET_PDEATHSIG SIGTERM to its children; the trace has only the
 * consumption, naming the process that ended. For a signal with no
 * traced send taken after its sender's last event, that event's time
 * (where the sender ended, the signal's real send); 0 for any other item.
 */
uint64_t
tr_kernel_sent(const struct tr_procs *procs, const struct tr_item *it);

/* The record that a record_write or record_read event carries, as an
   item with neither end's time nor processes */
void
tr_record_item(struct tr_item *it, const struct tr_event *ev);

typedef void (*tr_item_fn)(const struct tr_item *it, void *arg);

struct tr_match;

/* A matcher handing items to fn(item, arg); NULL when out of memory. */
struct tr_match *
tr_match_new(const struct tr_procs *procs, tr_item_fn fn, void *arg);

/*
 * Feed one event, in trace order, after tr_procs_see(). Items are handed
 * out as soon as they are complete: not in time order (see order.h).
 */
void
tr_match_event(struct tr_match *m, const struct tr_event *ev);

/* The time of the oldest end still waiting for its partner, or UINT64_MAX:
   no item made later can be drawn before it. */
uint64_t
tr_match_oldest(const struct tr_match *m);

/* End of trace: hand out every waiting end as an item of its own. */
void
tr_match_finish(struct tr_match *m);

void
tr_match_free(struct tr_match *m);

/*
 * The whole of the trace in 'dir', matched: each event goes to 'procs',
 * then to on_event (when not NULL), then to a matcher that hands every
 * item to on_item, the ends still waiting at the end included. Fills
 * *info; 0, or -1 after printing why.
 */
int
tr_match_read(const char *dir, struct tr_procs *procs, tr_event_fn on_event,
              tr_item_fn on_item, void *arg, struct tr_source_info *info);

#endif /* IPCLAB_TRACE_MATCH_H */
