/*
 * trace/match_priv.h - the matcher's insides, shared by its three files:
 *
 *   match.c      waiting ends, the horizon, the event dispatch
 *   match_rec.c  records: write + read, reclaim
 *   match_sig.c  signals: send + consume; spawns and notes
 *
 * Invariant: a waiting end is in exactly two lists, the ends with its key
 * (an entry of 'records' or 'signals') and all waiting ends in trace order
 * (for the horizon and tr_match_oldest()). An end that is paired or expires
 * leaves both and becomes an item.
 */
#ifndef IPCLAB_TRACE_MATCH_PRIV_H
#define IPCLAB_TRACE_MATCH_PRIV_H

#include <stdbool.h>

#include "hash.h"
#include "match.h"

#define MAX_PENDING 65536       /* waiting ends; beyond, the oldest expire */
#define MAX_ANNOUNCE 8          /* records written, not yet announced */

/* One end of a message, waiting for the other */
struct half {
    struct tr_item it;          /* what is known so far */
    uint64_t ts;                /* this end's time */
    uint64_t key;
    bool recv;                  /* a read or consume end */
    bool sig;                   /* a signal (else a record) */
    bool ignored;               /* consumed by signal_ignore */
    struct half *next;          /* same key, in trace order */
    struct half *older, *newer; /* all waiting ends, in trace order */
};

/* What the matcher remembers per process */
struct mproc {
    struct { int pid; uint32_t seq; int addressee; } ann[MAX_ANNOUNCE];
    int nann;                   /* records written to FIFO2/3, unannounced */
    int route_pid, route_worker;    /* the last routing decision */
    uint32_t route_seq;
    int read_pid;               /* the last record read from FIFO2/3 */
    uint32_t read_seq;
};

struct tr_match {
    const struct tr_procs *procs;
    tr_item_fn fn;
    void *arg;
    struct tr_hash records;     /* (fifo, pid, seq) --> ends */
    struct tr_hash signals;     /* (sender, receiver) --> ends */
    struct tr_hash mprocs;      /* vpid --> struct mproc */
    struct half *oldest, *newest;
    size_t npending;
    uint64_t next_id;
};

/* match.c */
struct mproc *
mt_proc(struct tr_match *m, int vpid);

void
mt_emit(struct tr_match *m, struct tr_item *it);

struct half *
mt_half_new(const struct tr_item *it, uint64_t ts, uint64_t key, bool recv,
            bool sig);

void
mt_wait(struct tr_match *m, struct half *h);

void
mt_unwait(struct tr_match *m, struct half *h);

void
mt_expire(struct tr_match *m, struct half *h);

/* match_rec.c */
void
mt_record_write(struct tr_match *m, const struct tr_event *ev);

void
mt_record_read(struct tr_match *m, const struct tr_event *ev);

void
mt_reclaim(struct tr_match *m, const struct tr_event *ev);

/* match_sig.c */
void
mt_signal_send(struct tr_match *m, const struct tr_event *ev);

void
mt_signal_take(struct tr_match *m, const struct tr_event *ev);

void
mt_receiver_gone(struct tr_match *m, int vpid);

void
mt_note(struct tr_match *m, const struct tr_event *ev);

void
mt_killed(struct tr_match *m, const struct tr_event *ev);

#endif /* IPCLAB_TRACE_MATCH_PRIV_H */
