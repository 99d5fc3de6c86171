/*
 * trace/checkdb.h - what the protocol check remembers while it reads.
 *
 * Everything here is in flight: a request from its first hop until its
 * client reads the answer, a record from its write until it is read or
 * taken back, a read until its ack. Completed requests leave only their
 * number in their client's "answered" set, which is compacted into a
 * floor ("every seq up to N is answered"), so memory follows the window of
 * requests in flight, not the length of the trace.
 */
#ifndef IPCLAB_TRACE_CHECKDB_H
#define IPCLAB_TRACE_CHECKDB_H

#include <stdbool.h>
#include <stdint.h>

#include "hash.h"

#define CK_QUEUE 16             /* records remembered in one shared FIFO */
#define CK_UNANNOUNCED 16       /* records written and not yet announced */

/* The last thing seen happen to a request (for "never answered") */
enum ck_stage {
    CK_SEEN,                    /* only seen in a step that names no hop */
    CK_F1_WRITE, CK_F1_READ, CK_ROUTE, CK_F3_WRITE, CK_F3_READ,
    CK_F4_WRITE, CK_F4_READ, CK_F2_WRITE, CK_F2_MISREAD,
    CK_F2_RECLAIMED, CK_F3_RECLAIMED,
};

/* A request in flight */
struct ck_req {
    int pid;
    uint32_t seq;
    uint64_t first_ts;
    enum ck_stage stage;
    int stage_vpid;             /* who did it */
    char reason[24];            /* why it was taken back */
    int worker;                 /* routed to (route event) */
    int ready3;                 /* its FIFO3 record was announced to */
    bool dup;                   /* a second answer: reported already */
    bool have_req;              /* op, a, b: as its client wrote them */
    int op;
    int64_t a, b;
    bool changed, wrong;        /* R6, R7: reported already */
    struct ck_req *prev, *next; /* all requests, oldest first */
};

/* A record in a shared FIFO, or announced-to-be */
struct ck_slot {
    int pid;
    uint32_t seq;
    int fifo;
    int addressee;
    uint64_t ts;                /* when it was written */
};

/* The last record a server wrote into FIFO2 or FIFO3, until settled */
struct ck_pending {
    bool busy;
    int pid;
    uint32_t seq;
    int reader;                 /* its addressee */
    uint64_t ts;
};

/* An ack sent to a server and not yet taken by it */
struct ck_ack {
    int from;
    int64_t value;              /* classic: 0 */
    uint64_t ts;
    bool classic;               /* no value; may coalesce with others */
    bool suspect;               /* classic: the server stopped waiting for
                                   it (reclaim read_unacked) */
};

/* A writer of FIFO2 and FIFO3: a server */
struct ck_server {
    struct ck_pending pend[2];  /* [0]: FIFO2, [1]: FIFO3 */
    struct ck_ack *acks;        /* sent to it, not taken */
    int nacks;
    size_t capacks;
    struct ck_ack taken[CK_QUEUE];  /* taken before their send was traced */
    int ntaken;
    unsigned long readies;      /* "ready" signals it sent */
    struct ck_slot in[2][CK_QUEUE]; /* [0]: FIFO2, [1]: FIFO3: unread */
    int nin[2];
    struct ck_slot unann[CK_UNANNOUNCED];
    int nunann;
};

/* A reader of FIFO2 or FIFO3, for its acks */
struct ck_reader {
    int unacked;                /* records (or garbage) read, not acked */
    uint32_t last_seq;          /* of the last record read */
    int64_t last_ready;         /* value of the last ready it took */
    int last_pid;               /* whose record it read last */
    uint64_t last_ts;           /* when */
    int ready_from;             /* who sent the last ready it took */
    int held_pid;               /* another's record it read: must give */
    uint32_t held_seq;          /*   it back through FIFO4 (R3) */
    int held_fifo, held_to;     /*   where from, addressed to whom */
    uint64_t held_ts;
    int acks_ahead;             /* classic: acks the server took (coalesced)
                                   before this reader's signal was traced */
};

/* A client's answered requests: every seq <= floor, and those above */
struct ck_client {
    uint32_t floor;
    uint32_t *above;
    int n;
    size_t cap;
};

struct ck_db {
    struct tr_hash reqs;        /* (pid, seq) --> ck_req */
    struct ck_req *oldest, *newest;
    struct tr_hash servers;     /* vpid --> ck_server */
    struct tr_hash readers;     /* vpid --> ck_reader */
    struct tr_hash clients;     /* pid --> ck_client */
    struct ck_slot early[CK_QUEUE]; /* read before their write was traced */
    int nearly;
};

/* The request, created when 'create' and new (then NULL only on ENOMEM). */
struct ck_req *
ck_req(struct ck_db *db, int pid, uint32_t seq, uint64_t ts, bool create);

/* Forget a request: it is complete. */
void
ck_req_done(struct ck_db *db, struct ck_req *r);

struct ck_server *
ck_server(struct ck_db *db, int vpid);

struct ck_reader *
ck_reader(struct ck_db *db, int vpid);

/* Has client pid's request seq been answered? Mark it; unmark it. */
bool
ck_answered(struct ck_db *db, int pid, uint32_t seq);

void
ck_mark_answered(struct ck_db *db, int pid, uint32_t seq);

void
ck_unmark_answered(struct ck_db *db, int pid, uint32_t seq);

/* A new process has this pid: forget what the old one was answered. */
void
ck_forget_client(struct ck_db *db, int pid);

/* Append s to q[0..*n), room for cap: the oldest goes when it is full */
void
ck_slot_push(struct ck_slot *q, int *n, int cap, struct ck_slot s);

/* Take q[i] out of q[0..*n) */
void
ck_slot_remove(struct ck_slot *q, int *n, int i);

/*
 * Record (pid, seq) left a shared FIFO: take it out of the server it was
 * in. When it is in none (its reader traced before its writer), remember
 * it: ck_fifo_early() will say so when the write comes.
 */
void
ck_fifo_take(struct ck_db *db, int fifo, int pid, uint32_t seq);

/* Record (pid, seq) is out of a shared FIFO, if it was in one (true). */
bool
ck_fifo_out(struct ck_db *db, int fifo, int pid, uint32_t seq);

/* Was this record read already, before its write was traced? Forget it. */
bool
ck_fifo_early(struct ck_db *db, int fifo, int pid, uint32_t seq);

/* Remember an ack sent to server s; take one back (true when found): the
   newest, so that one left untaken is the oldest, whose wait spans any
   stretch where the tracer lost the take that was its own */
void
ck_ack_add(struct ck_server *s, int from, int64_t value, uint64_t ts,
           bool classic);

bool
ck_ack_take(struct ck_server *s, int from, int64_t value);

/* Server s took an ack of 'from' at ts whose send is not traced yet. */
void
ck_ack_taken_early(struct ck_server *s, int from, int64_t value, uint64_t ts);

/* The send of an ack s took already: forget it, and say when (true). */
bool
ck_ack_sent_late(struct ck_server *s, int from, int64_t value, uint64_t *ts);

/* Take every classic ack of 'from' sent before 'ts'; how many. */
int
ck_ack_take_before(struct ck_server *s, int from, uint64_t ts);

void
ck_db_free(struct ck_db *db);

#endif /* IPCLAB_TRACE_CHECKDB_H */
