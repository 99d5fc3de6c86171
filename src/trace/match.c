/*
 * trace/match.c - join the two ends of every record and signal: the core.
 *
 * Ends wait here until their partner comes (records, then signals, below) or
 * until they are older than TR_MATCH_HORIZON_NS of trace time, when they
 * expire as items of their own: a record nobody read, a signal nobody
 * consumed. MAX_PENDING bounds the waiting ends whatever the trace holds.
 *
 * Which record does a signal belong to? The server writes a record into
 * FIFO2 or FIFO3, then sends "ready" to its reader, so a ready belongs to
 * the last record that sender wrote for that receiver (the announcements
 * of struct mproc); an ack belongs to the last record its sender read
 * from FIFO2 or FIFO3.
 *
 * A record is known by (FIFO, pid, seq): the requesting client and its
 * sequence number, the identity that every hop of a request carries. Its
 * addressee is whom it was for: the client (FIFO2), the worker the server
 * routed it to (FIFO3), nobody in particular (FIFO1, FIFO4: the server).
 * A record read by another process than its addressee is MISREAD: what
 * the handshake on shared FIFOs exists to prevent.
 *
 * Real-time signals queue and carry the request's seq: a consume pairs
 * with the first waiting send of the same number and value. Classic
 * signals (value 0) carry nothing and coalesce: while one is pending, more
 * of the same number merge into it, from any sender. So a classic consume
 * pairs with the oldest waiting send from its sender, and any other send
 * of that number to the same receiver already waiting was swallowed by
 * it: COALESCED, the lost wake-up of lab 04. Unless its effect came
 * anyway: an ack whose record the server then settled from its FIFO's
 * state (ack_coalesced), or a SIGCHLD whose child the parent reaped, is
 * MERGED. A sender traces before it sends: a send taken for swallowed
 * whose sender's own signal is taken next was sent after all, and pairs
 * with that signal.
 *
 * A signal_ignore is a consumption too: the receiver took the signal and
 * decided it was not for it (an ack that came after the server stopped
 * waiting for it, say). Signals from the kernel (SIGCHLD) or from
 * processes that trace nothing (a shell's SIGINT) have no send to wait for.
 *
 * Invariant: a waiting end is in exactly two lists, the ends with its key
 * (an entry of 'records' or 'signals') and all waiting ends in trace order
 * (for the horizon and tr_match_oldest()). An end that is paired or expires
 * leaves both and becomes an item.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipclab/err.h"

#include "decode.h"
#include "hash.h"
#include "match.h"

#define MAX_PENDING 65536       /* waiting ends; beyond, the oldest expire */
#define MAX_ANNOUNCE 8          /* records written, not yet announced */
#define MAX_KIDS 64             /* children whose SIGCHLD is not judged */

/* One end of a message, waiting for the other */
struct half {
    struct tr_item it;          /* what is known so far */
    uint64_t ts;                /* this end's time */
    uint64_t key;
    bool recv;                  /* a read or consume end */
    bool sig;                   /* a signal (else a record) */
    bool ignored;               /* consumed by signal_ignore */
    bool merged;                /* an ack merged into another's pending
                                   one, waiting for the server to settle
                                   its record from the FIFO's state */
    uint64_t settled;           /* merged: when the server did (0: not yet) */
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
    bool takes_sigchld;         /* it consumed a SIGCHLD */
};

/* A child of a traced parent whose SIGCHLD is not judged yet: taken by the
   parent, or merged into another child's pending one */
struct kid {
    int parent, pid;
    bool reaped, signalled;
    uint64_t since;             /* its exit or reap: the horizon counts
                                   from the later */
    uint64_t at;                /* where a merged SIGCHLD would be drawn,
                                   0 when none can be (signalled) */
    uint64_t reap_ts;
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
    struct kid kids[MAX_KIDS];  /* in the order they were first seen */
    int nkids;
    uint64_t next_id;
};

static struct mproc *
mt_proc(struct tr_match *m, int vpid)
{
    return tr_hash_obtain(&m->mprocs, (uint64_t)vpid, sizeof(struct mproc));
}

static void
mt_emit(struct tr_match *m, struct tr_item *it)
{
    it->id = ++m->next_id;
    m->fn(it, m->arg);
}

static struct tr_hash *
table(struct tr_match *m, const struct half *h)
{
    return h->sig ? &m->signals : &m->records;
}

static struct half *
mt_half_new(const struct tr_item *it, uint64_t ts, uint64_t key, bool recv,
            bool sig)
{
    struct half *h = calloc(1, sizeof(*h));

    if (h != NULL) {
        h->it = *it;
        h->ts = ts;
        h->key = key;
        h->recv = recv;
        h->sig = sig;
    }
    return h;
}

static void
mt_wait(struct tr_match *m, struct half *h)
{
    struct half *head = tr_hash_get(table(m, h), h->key), *p;

    h->next = NULL;
    if (head == NULL) {
        if (tr_hash_put(table(m, h), h->key, h) == -1) {
            free(h);            /* out of memory: forget this end */
            return;
        }
    } else {
        for (p = head; p->next != NULL; p = p->next)
            ;
        p->next = h;
    }
    h->older = m->newest;
    h->newer = NULL;
    if (m->newest != NULL)
        m->newest->newer = h;
    else
        m->oldest = h;
    m->newest = h;
    m->npending++;
}

static void
mt_unwait(struct tr_match *m, struct half *h)
{
    struct half *head = tr_hash_get(table(m, h), h->key);

    if (head == h) {
        if (h->next != NULL)
            tr_hash_put(table(m, h), h->key, h->next);  /* replaces */
        else
            tr_hash_del(table(m, h), h->key);
    } else {
        while (head != NULL && head->next != h)
            head = head->next;
        if (head != NULL)
            head->next = h->next;
    }
    if (h->older != NULL)
        h->older->newer = h->newer;
    else
        m->oldest = h->newer;
    if (h->newer != NULL)
        h->newer->older = h->older;
    else
        m->newest = h->older;
    m->npending--;
}

/* End h's wait: its item goes out with 'fate', and h is freed */
static void
mt_settle(struct tr_match *m, struct half *h, enum tr_fate fate)
{
    mt_unwait(m, h);
    h->it.fate = fate;
    mt_emit(m, &h->it);
    free(h);
}

/* No partner came for h: what became of its message */
static void
mt_expire(struct tr_match *m, struct half *h)
{
    if (h->recv)
        h->it.t0 = h->it.t1;    /* drawn where it was seen */
    if (h->settled != 0)
        h->it.t1 = h->settled;  /* its record was settled then */
    /* a merged ack: done anyway if its record was settled, else lost */
    if (h->merged)
        mt_settle(m, h, h->settled != 0 ? TR_FATE_MERGED : TR_FATE_COALESCED);
    else if (!h->recv)
        mt_settle(m, h, h->sig ? TR_FATE_LOST : TR_FATE_UNREAD);
    else if (h->sig)
        mt_settle(m, h, h->ignored ? TR_FATE_IGNORED : TR_FATE_NOSEND);
    else
        mt_settle(m, h, TR_FATE_NOWRITE);
}

static uint64_t
record_key(int fifo, int pid, uint32_t seq)
{
    return TR_KEY((uint32_t)pid | (uint32_t)fifo << 28, seq);
}

void
tr_record_item(struct tr_item *it, const struct tr_event *ev)
{
    memset(it, 0, sizeof(*it));
    it->kind = TR_ITEM_RECORD;
    it->fifo = ev->fifo;
    it->rkind = ev->kind;
    it->pid = ev->pid;
    it->seq = ev->seq;
    it->op = ev->op;
    it->a = ev->a;
    it->b = ev->b;
    it->status = ev->status;
    it->value = ev->value;
}

/* The record's reader is known: is it whom the record was for? */
static enum tr_fate
read_fate(const struct tr_item *it)
{
    return it->addressee != 0 && it->to != it->addressee ? TR_FATE_MISREAD
                                                         : TR_FATE_OK;
}

static void
mt_record_write(struct tr_match *m, const struct tr_event *ev)
{
    uint64_t key = record_key(ev->fifo, ev->pid, ev->seq);
    struct mproc *w = mt_proc(m, ev->vpid);
    struct half *h;
    struct tr_item it;

    tr_record_item(&it, ev);
    it.from = ev->vpid;
    it.t0 = ev->ts;
    if (ev->fifo == 2)
        it.addressee = ev->pid;
    else if (ev->fifo == 3 && w != NULL && w->route_pid == ev->pid &&
             w->route_seq == ev->seq)
        it.addressee = w->route_worker;
    if ((ev->fifo == 2 || ev->fifo == 3) && w != NULL) {
        /* the next ready from this writer will announce it */
        if (w->nann == MAX_ANNOUNCE)
            memmove(&w->ann[0], &w->ann[1], sizeof(w->ann[0]) *
                    (MAX_ANNOUNCE - 1));
        else
            w->nann++;
        w->ann[w->nann - 1].pid = ev->pid;
        w->ann[w->nann - 1].seq = ev->seq;
        w->ann[w->nann - 1].addressee = it.addressee;
    }
    for (h = tr_hash_get(&m->records, key); h != NULL; h = h->next) {
        if (h->recv) {          /* the reader traced first */
            mt_unwait(m, h);
            it.to = h->it.to;
            it.t1 = h->it.t1;
            it.fate = read_fate(&it);
            free(h);
            mt_emit(m, &it);
            return;
        }
    }
    if ((h = mt_half_new(&it, ev->ts, key, false, false)) != NULL)
        mt_wait(m, h);
}

static void
mt_record_read(struct tr_match *m, const struct tr_event *ev)
{
    uint64_t key = record_key(ev->fifo, ev->pid, ev->seq);
    struct mproc *r = mt_proc(m, ev->vpid);
    struct half *h;
    struct tr_item it;

    if ((ev->fifo == 2 || ev->fifo == 3) && r != NULL) {
        r->read_pid = ev->pid;
        r->read_seq = ev->seq;
    }
    for (h = tr_hash_get(&m->records, key); h != NULL; h = h->next) {
        if (!h->recv) {
            h->it.to = ev->vpid;
            h->it.t1 = ev->ts;
            mt_settle(m, h, read_fate(&h->it));
            return;
        }
    }
    tr_record_item(&it, ev);
    it.to = ev->vpid;
    it.t1 = ev->ts;
    if ((h = mt_half_new(&it, ev->ts, key, true, false)) != NULL)
        mt_wait(m, h);
}

/* The server took back a record nobody read: its write end is settled. */
static void
mt_reclaim(struct tr_match *m, const struct tr_event *ev)
{
    uint64_t key = record_key(ev->fifo, ev->pid, ev->seq);
    struct half *h;

    for (h = tr_hash_get(&m->records, key); h != NULL; h = h->next) {
        if (!h->recv) {
            h->it.t1 = ev->ts;
            if (h->it.addressee == 0)
                h->it.addressee = ev->peer_pid;
            snprintf(h->it.text, sizeof(h->it.text), "%s", ev->reason);
            mt_settle(m, h, TR_FATE_RECLAIMED);
            break;
        }
    }
}

static void
signal_item(struct tr_item *it, const struct tr_event *ev)
{
    memset(it, 0, sizeof(*it));
    it->kind = TR_ITEM_SIGNAL;
    it->signo = ev->signo;
    it->value = ev->value;
    snprintf(it->what, sizeof(it->what), "%s", ev->what);
}

/* Which request a signal from 'sender' to 'receiver' is about. */
static void
identify(struct tr_match *m, struct tr_item *it, int sender, int receiver)
{
    struct mproc *s = mt_proc(m, sender);

    if (s == NULL)
        return;
    for (int i = s->nann - 1; i >= 0; i--) {
        if (s->ann[i].addressee == receiver &&
            (it->value == 0 || s->ann[i].seq == (uint32_t)it->value)) {
            it->pid = s->ann[i].pid;
            it->seq = s->ann[i].seq;
            s->nann--;
            memmove(&s->ann[i], &s->ann[i + 1],
                    sizeof(s->ann[0]) * (size_t)(s->nann - i));
            return;
        }
    }
    if (strcmp(it->what, "ack") == 0 && s->read_pid != 0 &&
        (it->value == 0 || (uint32_t)it->value == s->read_seq)) {
        it->pid = s->read_pid;
        it->seq = s->read_seq;
    } else if (strcmp(it->what, "revoke") == 0 && it->value != 0) {
        it->pid = receiver;
        it->seq = (uint32_t)it->value;
    }
}

static bool
same_signal(const struct half *h, int signo, int64_t value)
{
    return h->it.signo == signo && h->it.value == value;
}

static void
mt_signal_send(struct tr_match *m, const struct tr_event *ev)
{
    uint64_t key = TR_KEY(ev->vpid, ev->peer_pid);
    struct tr_item it;
    struct half *h, *next;

    signal_item(&it, ev);
    it.from = ev->vpid;
    it.to = it.addressee = ev->peer_pid;
    it.t0 = ev->ts;
    identify(m, &it, ev->vpid, ev->peer_pid);
    for (h = tr_hash_get(&m->signals, key); h != NULL; h = next) {
        next = h->next;
        /* a merged ack whose own signal was not taken since: its sender
           sends again, so it did merge */
        if (!h->recv && h->merged && same_signal(h, ev->signo, 0))
            mt_expire(m, h);
    }
    for (h = tr_hash_get(&m->signals, key); h != NULL; h = h->next) {
        if (h->recv && same_signal(h, ev->signo, ev->value)) {
            /* the receiver traced its end first */
            mt_unwait(m, h);
            it.t1 = h->it.t1;
            it.fate = h->ignored ? TR_FATE_IGNORED : TR_FATE_OK;
            memcpy(it.text, h->it.text, sizeof(it.text));
            free(h);
            mt_emit(m, &it);
            return;
        }
    }
    if ((h = mt_half_new(&it, ev->ts, key, false, true)) != NULL)
        mt_wait(m, h);
}

/*
 * A classic signal was just taken by 'receiver': every other one of that
 * number sent to it before 'ts' and still waiting merged into it, whoever
 * sent it (the kernel keeps one pending bit per signal number).
 */
static void
coalesce(struct tr_match *m, int receiver, int signo, uint64_t ts)
{
    struct half *h, *newer;

    for (h = m->oldest; h != NULL && h->ts <= ts; h = newer) {
        newer = h->newer;
        if (!h->sig || h->recv || h->merged || h->it.to != receiver ||
            !same_signal(h, signo, 0))
            continue;
        if (strcmp(h->it.what, "ack") == 0 && h->it.pid != 0)
            h->merged = true;   /* its record may yet be settled */
        else
            mt_settle(m, h, TR_FATE_COALESCED);
    }
}

/*
 * kids[i] is settled: a child reaped with no SIGCHLD of its own taken by a
 * parent that takes SIGCHLDs had its SIGCHLD merged into another child's
 * pending one (signals of one number do not queue). Not a lost wake-up:
 * the parent reaped it anyway, so the item goes from the child's end to
 * the parent, just before the reap.
 */
static void
kid_done(struct tr_match *m, int i)
{
    const struct kid *k = &m->kids[i];
    const struct tr_proc *kid = tr_procs_get(m->procs, k->pid);
    const struct mproc *p = tr_hash_get(&m->mprocs, (uint64_t)k->parent);
    struct tr_item it;

    if (k->reaped && !k->signalled && p != NULL && p->takes_sigchld &&
        kid != NULL && kid->traced) {
        memset(&it, 0, sizeof(it));
        it.kind = TR_ITEM_SIGNAL;
        it.fate = TR_FATE_MERGED;
        it.signo = SIGCHLD;
        snprintf(it.what, sizeof(it.what), "child");
        it.from = k->pid;
        it.to = it.addressee = k->parent;
        it.t0 = k->at;
        /* just before the reap: a row of its own, above the reap's */
        it.t1 = k->reap_ts - 1 > k->at ? k->reap_ts - 1 : k->reap_ts;
        mt_emit(m, &it);
    }
    m->nkids--;
    memmove(&m->kids[i], &m->kids[i + 1],
            sizeof(m->kids[0]) * (size_t)(m->nkids - i));
}

/* The entry of child 'pid' of 'parent', made when new; never fails */
static struct kid *
kid_get(struct tr_match *m, int parent, int pid, uint64_t ts)
{
    struct kid *k;
    int i;

    for (i = 0; i < m->nkids; i++)
        if (m->kids[i].parent == parent && m->kids[i].pid == pid)
            return &m->kids[i];
    if (m->nkids == MAX_KIDS)
        kid_done(m, 0);         /* the oldest, as it stands */
    k = &m->kids[m->nkids++];
    memset(k, 0, sizeof(*k));
    k->parent = parent;
    k->pid = pid;
    k->since = ts;
    return k;
}

/* Child 'vpid' exited (its proc_exit, at ts): until its parent takes its
   SIGCHLD or reaps it, a merged SIGCHLD may be drawn from its exit, so
   nothing later may be drawn before it is judged */
static void
kid_exited(struct tr_match *m, int vpid, uint64_t ts)
{
    const struct tr_proc *kid = tr_procs_get(m->procs, vpid);
    struct kid *k;

    if (kid == NULL || kid->ppid <= 0 || !tr_proc_traced(m->procs, kid->ppid))
        return;                 /* no traced parent to take its SIGCHLD */
    k = kid_get(m, kid->ppid, vpid, ts);
    if (!k->signalled && !k->reaped)
        k->at = ts;             /* after the exit row: made later */
}

/* Parent took the SIGCHLD of child 'taken' at ts: that was the pending
   one, so every other child reaped before ts whose own was not taken had
   its SIGCHLD merged */
static void
kids_judge_before(struct tr_match *m, int parent, int taken, uint64_t ts)
{
    for (int i = m->nkids - 1; i >= 0; i--)
        if (m->kids[i].parent == parent && m->kids[i].pid != taken &&
            m->kids[i].reaped && m->kids[i].reap_ts < ts)
            kid_done(m, i);
}

/*
 * Parent 'vpid' reaped child 'pid' (reaped) or took its SIGCHLD, at ts. A
 * SIGCHLD taken from another child after this one was reaped was the one
 * pending: this one's, if not taken yet, had merged.
 */
static void
kid_seen(struct tr_match *m, int vpid, int pid, bool reaped, uint64_t ts)
{
    struct mproc *p = mt_proc(m, vpid);
    struct kid *k;

    if (p == NULL)
        return;
    if (!reaped) {
        p->takes_sigchld = true;
        kids_judge_before(m, vpid, pid, ts);
    }
    k = kid_get(m, vpid, pid, ts);
    if (reaped) {
        k->reaped = true;
        k->reap_ts = ts;
        k->since = ts;
        if (k->at == 0 && !k->signalled)
            k->at = ts - 1;     /* its exit is not traced: at the reap,
                                   just after its killed mark */
    } else {
        k->signalled = true;
        k->at = 0;
    }
    if (k->reaped && k->signalled)
        kid_done(m, (int)(k - m->kids));
}

/* Parent 'vpid' exits (vpid 0: the trace ends): judge its children */
static void
kids_done(struct tr_match *m, int vpid)
{
    for (int i = m->nkids - 1; i >= 0; i--)
        if (vpid == 0 || m->kids[i].parent == vpid)
            kid_done(m, i);
}

/*
 * The waiting send that a take of this key (sender, receiver) pairs with:
 * the oldest not merged into another sender's signal, else the oldest
 * merged one. A sender traces before it sends: a send traced before the
 * receiver took another's signal may still come after it, on its own.
 */
static struct half *
taken_send(struct tr_match *m, uint64_t key, int signo, int64_t value)
{
    struct half *merged = NULL;

    for (struct half *h = tr_hash_get(&m->signals, key); h != NULL;
         h = h->next) {
        if (h->recv || !same_signal(h, signo, value))
            continue;
        if (!h->merged)
            return h;
        if (merged == NULL)
            merged = h;
    }
    return merged;
}

static void
mt_signal_take(struct tr_match *m, const struct tr_event *ev)
{
    uint64_t key = TR_KEY(ev->peer_pid, ev->vpid);
    bool ignored = ev->type == TR_SIGNAL_IGNORE;
    const struct tr_proc *sender = tr_procs_get(m->procs, ev->peer_pid);
    struct tr_item it;
    struct half *h;

    if (strcmp(ev->what, "ack_coalesced") == 0) {
        /* no signal of its own: a mark in the server's lane, not a
           message (its peer_pid is the sender of the ack that stood
           for it, already matched) */
        memset(&it, 0, sizeof(it));
        it.kind = TR_ITEM_NOTE;
        it.note = TR_NOTE_SETTLED;
        it.from = ev->vpid;
        it.t0 = ev->ts;
        it.signo = ev->signo;
        it.value = ev->value;
        /* the ack merged away for this record (the server may trace this
           before the consumption it merged into): its effect came anyway.
           It waits still: should its own signal be taken after all, it
           did not merge (taken_send()) */
        for (h = m->oldest; h != NULL; h = h->newer) {
            if (h->sig && !h->recv && h->settled == 0 &&
                h->it.to == ev->vpid && h->it.value == 0 &&
                strcmp(h->it.what, "ack") == 0 &&
                h->it.pid != 0 && h->it.seq == (uint32_t)ev->value) {
                it.pid = h->it.pid;
                it.seq = h->it.seq;
                h->merged = true;
                h->settled = ev->ts;
                break;
            }
        }
        mt_emit(m, &it);
        return;
    }
    if ((h = taken_send(m, key, ev->signo, ev->value)) != NULL) {
        h->it.t1 = ev->ts;
        if (ignored)
            snprintf(h->it.text, sizeof(h->it.text), "%s", ev->reason);
        mt_settle(m, h, ignored ? TR_FATE_IGNORED : TR_FATE_OK);
        if (ev->value == 0)
            coalesce(m, ev->vpid, ev->signo, ev->ts);
        return;
    }

    signal_item(&it, ev);
    it.from = ev->peer_pid;
    it.to = it.addressee = ev->vpid;
    it.t0 = it.t1 = ev->ts;
    if (ignored)
        snprintf(it.text, sizeof(it.text), "%s", ev->reason);
    if (ignored && it.what[0] == '\0')
        snprintf(it.what, sizeof(it.what), "signal");
    if (strcmp(ev->what, "child") == 0 && !ignored)
        kid_seen(m, ev->vpid, ev->peer_pid, false, ev->ts);
    if (strcmp(ev->what, "child") == 0 || sender == NULL || !sender->traced) {
        /* from the kernel or from outside: no send will come */
        it.fate = ignored ? TR_FATE_IGNORED : TR_FATE_NOSEND;
        mt_emit(m, &it);
        return;
    }
    if ((h = mt_half_new(&it, ev->ts, key, true, true)) != NULL) {
        h->ignored = ignored;
        mt_wait(m, h);
    }
}

/* vpid exited: signals still on their way to it will never be taken. */
static void
mt_receiver_gone(struct tr_match *m, int vpid)
{
    struct half *h, *newer;

    for (h = m->oldest; h != NULL; h = newer) {
        newer = h->newer;
        if (h->sig && !h->recv && h->it.to == vpid)
            mt_expire(m, h);
    }
}

/*
 * record_write is traced before write(): the last record process 'vpid'
 * wrote, still waiting for its read, never entered the FIFO when the
 * write failed ('why', after "write failed": " (32 EPIPE)", or ": killed
 * by SIGPIPE (13)" when that killed the writer inside write()).
 */
static void
mt_write_failed(struct tr_match *m, int vpid, const char *why)
{
    for (struct half *h = m->newest; h != NULL; h = h->older) {
        if (h->recv || h->sig || h->it.from != vpid)
            continue;
        snprintf(h->it.text, sizeof(h->it.text), "%s", why);
        mt_settle(m, h, TR_FATE_FAILED);
        return;
    }
}

/*
 * A child reaped with status 128 + N that traced no proc_exit was killed
 * by signal N: its end is a note of its own, at the reap (it was dead by
 * then; 1 ns before it, so that each is drawn on a row of its own). A
 * traced signal N still on its way to it is what killed it.
 */
static void
mt_killed(struct tr_match *m, const struct tr_event *ev)
{
    const struct tr_proc *child = tr_procs_get(m->procs, ev->child_pid);
    struct tr_item it;

    if (ev->status <= 128 || ev->status > 128 + 64 || child == NULL ||
        !child->traced || child->exit_seen)
        return;
    memset(&it, 0, sizeof(it));
    it.kind = TR_ITEM_NOTE;
    it.note = TR_NOTE_KILLED;
    it.from = ev->child_pid;
    it.to = ev->vpid;
    it.t0 = ev->ts - 1;         /* just before: a row of its own */
    it.signo = ev->status - 128;
    it.num = ev->status;
    /* killed by SIGPIPE inside write(): its last event is that write's */
    for (const struct half *h = m->newest; it.signo == SIGPIPE && h != NULL;
         h = h->older) {
        if (!h->recv && !h->sig && h->it.from == ev->child_pid) {
            if (h->ts == child->last_ts)
                mt_write_failed(m, ev->child_pid, ": killed by SIGPIPE (13)");
            break;
        }
    }
    for (struct half *h = m->oldest; h != NULL; h = h->newer) {
        if (h->sig && !h->recv && !h->merged && h->it.to == ev->child_pid &&
            h->it.signo == it.signo) {
            snprintf(it.text, sizeof(it.text), "%s", h->it.what);
            it.value = h->it.from;
            h->it.t1 = it.t0;   /* delivered: it killed the child */
            mt_settle(m, h, TR_FATE_FATAL);
            break;
        }
    }
    mt_emit(m, &it);
}

/* Things that happen inside one process: notes, and a spawn arrow. */
static void
mt_note(struct tr_match *m, const struct tr_event *ev)
{
    struct tr_item it;

    memset(&it, 0, sizeof(it));
    it.kind = TR_ITEM_NOTE;
    it.from = ev->vpid;
    it.t0 = ev->ts;
    switch (ev->type) {
    case TR_PROC_START:
        it.note = TR_NOTE_START;
        snprintf(it.text, sizeof(it.text), "%s", ev->role);
        it.num = ev->ppid;
        break;
    case TR_PROC_EXIT:
        it.note = TR_NOTE_EXIT;
        it.num = ev->status;
        break;
    case TR_PROC_SPAWN:
        it.kind = TR_ITEM_SPAWN;
        it.to = ev->child_pid;
        snprintf(it.text, sizeof(it.text), "%s", ev->role);
        break;
    case TR_PROC_REAP:
        it.note = TR_NOTE_REAP;
        it.to = ev->child_pid;
        snprintf(it.text, sizeof(it.text), "%s", ev->role);
        it.num = ev->status;
        break;
    case TR_ERROR:
        it.note = TR_NOTE_ERROR;
        snprintf(it.text, sizeof(it.text), "%s", ev->what);
        it.num = ev->err;
        break;
    case TR_RECORD_DROP:       /* pid 0 unless a valid record was dropped */
    case TR_RECLAIM:            /* (a drop has no peer, a reclaim no bytes) */
        it.note = ev->type == TR_RECLAIM ? TR_NOTE_RECLAIM : TR_NOTE_DROP;
        it.fifo = ev->fifo;
        it.pid = ev->pid;
        it.seq = ev->seq;
        it.to = ev->peer_pid;
        snprintf(it.text, sizeof(it.text), "%s", ev->reason);
        it.num = ev->bytes;
        break;
    default:
        return;                 /* states, FIFO set-up, routes: not drawn */
    }
    mt_emit(m, &it);
}

struct tr_match *
tr_match_new(const struct tr_procs *procs, tr_item_fn fn, void *arg)
{
    struct tr_match *m = calloc(1, sizeof(*m));

    if (m != NULL) {
        m->procs = procs;
        m->fn = fn;
        m->arg = arg;
    }
    return m;
}

void
tr_match_event(struct tr_match *m, const struct tr_event *ev)
{
    struct mproc *p;

    switch (ev->type) {
    case TR_RECORD_WRITE:
        mt_record_write(m, ev);
        break;
    case TR_RECORD_READ:
        mt_record_read(m, ev);
        break;
    case TR_RECLAIM:
        mt_reclaim(m, ev);
        mt_note(m, ev);
        break;
    case TR_SIGNAL_SEND:
        mt_signal_send(m, ev);
        break;
    case TR_SIGNAL_CONSUME:
    case TR_SIGNAL_IGNORE:
        mt_signal_take(m, ev);
        break;
    case TR_ROUTE:
        if ((p = mt_proc(m, ev->vpid)) != NULL) {
            p->route_pid = ev->pid;
            p->route_seq = ev->seq;
            p->route_worker = ev->worker_pid;
        }
        break;
    case TR_PROC_EXIT:
        mt_note(m, ev);
        mt_receiver_gone(m, ev->vpid);
        kids_done(m, ev->vpid);
        kid_exited(m, ev->vpid, ev->ts);
        break;
    case TR_ERROR:
        if (strcmp(ev->what, "record_write") == 0) {
            char why[40];

            snprintf(why, sizeof(why), " (%d %s)", ev->err,
                     ipc_errno_name(ev->err));
            mt_write_failed(m, ev->vpid, why);
        }
        mt_note(m, ev);
        break;
    case TR_PROC_REAP:
        mt_killed(m, ev);       /* it died before it was reaped */
        mt_note(m, ev);
        kid_seen(m, ev->vpid, ev->child_pid, true, ev->ts);
        mt_receiver_gone(m, ev->child_pid);
        break;
    default:
        mt_note(m, ev);
        break;
    }

    /* ends too old to be paired now: the trace has moved on */
    while (m->oldest != NULL &&
           (m->oldest->ts + TR_MATCH_HORIZON_NS < ev->ts ||
            m->npending > MAX_PENDING))
        mt_expire(m, m->oldest);
    for (int i = m->nkids - 1; i >= 0; i--)
        if (m->kids[i].since + TR_MATCH_HORIZON_NS < ev->ts)
            kid_done(m, i);
}

uint64_t
tr_match_oldest(const struct tr_match *m)
{
    uint64_t t = m->oldest != NULL ? m->oldest->ts : UINT64_MAX;

    for (int i = 0; i < m->nkids; i++)
        if (m->kids[i].at != 0 && m->kids[i].at < t)
            t = m->kids[i].at;
    return t;
}

void
tr_match_finish(struct tr_match *m)
{
    while (m->oldest != NULL)
        mt_expire(m, m->oldest);
    kids_done(m, 0);
}

void
tr_match_free(struct tr_match *m)
{
    if (m == NULL)
        return;
    while (m->oldest != NULL) {
        struct half *h = m->oldest;

        mt_unwait(m, h);
        free(h);
    }
    tr_hash_free_values(&m->mprocs);
    tr_hash_free(&m->records);
    tr_hash_free(&m->signals);
    free(m);
}

uint64_t
tr_kernel_sent(const struct tr_procs *procs, const struct tr_item *it)
{
    const struct tr_proc *ended = tr_procs_get(procs, it->from);

    if (it->kind != TR_ITEM_SIGNAL || it->fate != TR_FATE_NOSEND ||
        it->t0 != it->t1 || ended == NULL || !ended->traced ||
        ended->last_ts >= it->t1)
        return 0;
    return ended->last_ts;
}

/* What tr_match_read() hands each event to */
struct reading {
    struct tr_procs *procs;
    tr_event_fn on_event;
    struct tr_match *m;
    void *arg;
};

static void
read_one(const struct tr_event *ev, void *arg)
{
    struct reading *r = arg;

    tr_procs_see(r->procs, ev);
    if (r->on_event != NULL)
        r->on_event(ev, r->arg);
    tr_match_event(r->m, ev);
}

int
tr_match_read(const char *dir, struct tr_procs *procs, tr_event_fn on_event,
              tr_item_fn on_item, void *arg, struct tr_source_info *info)
{
    struct reading r = { procs, on_event, tr_match_new(procs, on_item, arg),
                         arg };
    char shown[TR_SHOWN_MAX];
    int rc;

    if (r.m == NULL) {
        ipc_warn("cannot read '%s'", ipc_shown(shown, sizeof(shown), dir));
        return -1;
    }
    if ((rc = tr_source_read(dir, read_one, &r, NULL, info)) == 0)
        tr_match_finish(r.m);
    tr_match_free(r.m);
    return rc;
}
