/*
 * trace/check.c - ipclab-trace check: the protocol, verified from a trace.
 *
 * The rules are docs/protocol.md's, section 8, R1..R10; every violation
 * names its rule ("R4: ack from ..."), the request's pid:seq and the
 * processes, and ends with the usual cause (hints[] below).
 *
 * Each line starts with "[+T ms]", the time since the first event, and the
 * lines come out in time order once the whole trace is read: only then
 * are the stretches known where the tracer lost events (source.h), and
 * what the trace ends with (records never announced, requests neither
 * answered nor dropped). A violation that depends on what happened in
 * such a stretch is not judged; each stretch is listed as "not judged: +A
 * ms to +B ms", and classic acks the trace cannot tell from lost ones as
 * "not judged in classic mode". Exit 0 with one summary line when all
 * holds, 1 when a violation was found outside the lost stretches, 3 when
 * none was but events were lost ("protocol not verified").
 *
 * Order in the trace is not order in time for two processes: a writer or
 * sender traces before its system call, a reader or receiver after it.
 * The checks only rely on orders that hold anyway: the server traces its
 * write, writes, then signals; a reader is signalled, then reads, then
 * traces, then acks; and one process's own events are in the order it
 * emitted them.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ipclab/calc.h"
#include "ipclab/err.h"
#include "ipclab/record.h"
#include "checkdb.h"
#include "cmd.h"
#include "diagram.h"
#include "label.h"
#include "procs.h"
#include "source.h"

struct check {
    struct tr_procs procs;
    struct ck_db db;
    uint64_t origin;            /* the first event: times are after it */
    unsigned long violations;
    unsigned long unjudged;     /* violations in lost stretches */
    struct held *held;          /* violations until the end: violation() */
    size_t nheld, capheld;
    bool oom;                   /* a violation could not be held */
    uint64_t records, signals, answered;
    uint64_t dropped;           /* requests ended by a traced drop (R8) */
    unsigned long merged;       /* classic acks taken with another of their
                                   sender by one signal: not judged (R5) */
    char *untraced;             /* "not judged" lines: unanswered requests
                                   whose client traced nothing */
    size_t nuntraced, capuntraced;  /* (bytes) */
    unsigned long untraced_reqs;
    uint64_t ending;            /* leftovers(): when what ends ends */
    const char *ends;           /* ... and what: "the trace ends" */
};

#define NRULES 10

/* The usual cause of a violation of each rule (docs/protocol.md, 8) */
static const char *const hints[NRULES + 1] = {
    [1] = "the server wrote before its reader's ack was taken",
    [2] = "a ready lost, sent to another process, or with another seq",
    [3] = "a reader read without its ready, or kept another's record",
    [4] = "a reader that does not acknowledge what it read",
    [5] = "the server lost or ignored an ack without tracing it",
    [6] = "the server or a worker altered or misrouted the request",
    [7] = "a worker's arithmetic (overflow, division by zero, formula)",
    [8] = "a result lost, written twice, or sent to another client",
    [9] = "a signal sent to, or taken from, the wrong process",
    [10] = "a step that failed: see the error's text",
};

static void
violation(struct check *c, int rule, uint64_t ts, uint64_t from, uint64_t to,
          const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* One violation held until the end, for sorting */
struct held {
    uint64_t ts, from, to;
    size_t n;                   /* its place in c->held: ties keep it */
    int rule;
    const char *cause;          /* its usual cause: hints[rule], or cause() */
    char *text;
};

/*
 * A violation of rule R'rule' at time ts, which depends on what the trace
 * says from 'from' to 'to' (from > to: on nothing that a lost event could
 * change). Held back in c->held until the read is over and the stretches
 * where the tracer lost events are known (report()).
 */
static void
violation(struct check *c, int rule, uint64_t ts, uint64_t from, uint64_t to,
          const char *fmt, ...)
{
    struct held h = { ts, from, to, c->nheld, rule, hints[rule], NULL };
    va_list ap;

    va_start(ap, fmt);
    if (vasprintf(&h.text, fmt, ap) == -1)
        h.text = NULL;
    va_end(ap);
    if (h.text == NULL ||
        tr_grow(&c->held, &c->capheld, c->nheld + 1, sizeof(h)) == -1) {
        free(h.text);
        c->oom = true;
        return;
    }
    c->held[c->nheld++] = h;
}

/* The violation just held has another usual cause than its rule's */
static void
cause(struct check *c, const char *text)
{
    if (!c->oom)
        c->held[c->nheld - 1].cause = text;
}

/* Since when process vpid has been traced: its state starts there */
static uint64_t
since(struct check *c, int vpid)
{
    const struct tr_proc *p = tr_procs_get(&c->procs, vpid);

    return p != NULL ? p->first_ts : 0;
}

/* "rc 20154": a process as violation lines name it */
static const char *
who(struct check *c, int vpid, char *buf)
{
    if (vpid <= 0)
        return "an unknown process";
    return tr_proc_label(&c->procs, vpid, buf, 40);
}

static void
stage(struct ck_req *r, enum ck_stage st, int vpid)
{
    r->stage = st;
    r->stage_vpid = vpid;
}

/* "op 3 a 6 b 7": a record's content as lines show it */
static const char *
content(int op, int64_t a, int64_t b, char *buf)
{
    snprintf(buf, 80, "op %d, a %" PRId64 ", b %" PRId64, op, a, b);
    return buf;
}

/* R6: the record of an event carries its request's op and operands. */
static void
same_request(struct check *c, const struct tr_event *ev, struct ck_req *r,
             const char *hop)
{
    char x[40], got[80], sent[80];

    if (!r->have_req || r->changed ||
        (ev->op == r->op && ev->a == r->a && ev->b == r->b))
        return;
    r->changed = true;
    violation(c, 6, ev->ts, r->first_ts, ev->ts,
              "request %d:%u changed on its way: %s %s FIFO%d with %s, "
              "its client sent %s", ev->pid, ev->seq, who(c, ev->vpid, x),
              hop, ev->fifo, content(ev->op, ev->a, ev->b, got),
              content(r->op, r->a, r->b, sent));
}

/* R7: a result's value and status are the exact arithmetic. */
static void
exact_result(struct check *c, const struct tr_event *ev, struct ck_req *r,
             const char *hop)
{
    int64_t want = 0;
    int status = ipc_calc_exact((uint32_t)ev->op, ev->a, ev->b, &want);
    char x[40];

    if (r->wrong || status == EINVAL ||
        (ev->status != 0 && ev->status != EDOM && ev->status != ERANGE))
        return;                 /* the server's failures: not arithmetic */
    if (ev->status == status && ev->value == want)
        return;
    r->wrong = true;
    violation(c, 7, ev->ts, r->first_ts, ev->ts,
              "result %d:%u is not the exact arithmetic: %s %s FIFO%d "
              "%" PRId64 " (op %d) %" PRId64 " = %" PRId64 " (status %d), "
              "not %" PRId64 " (status %d)", ev->pid, ev->seq,
              who(c, ev->vpid, x), hop, ev->fifo, ev->a, ev->op, ev->b,
              ev->value, ev->status, want, status);
}

/* R3: a reader read another's record; it must give it back at once. */
static void
hold(struct check *c, const struct tr_event *ev, int addressee)
{
    struct ck_reader *rd = ck_reader(&c->db, ev->vpid);

    if (rd == NULL)
        return;
    rd->held_pid = ev->pid;
    rd->held_seq = ev->seq;
    rd->held_fifo = ev->fifo;
    rd->held_to = addressee;
    rd->held_ts = ev->ts;
}

/* R3: reader vpid kept the record it held: its next step, at 'now', was
   another */
static void
kept(struct check *c, int vpid, uint64_t now)
{
    struct ck_reader *rd = tr_hash_get(&c->db.readers, (uint64_t)vpid);
    char x[40], y[40];

    if (rd == NULL || rd->held_pid == 0)
        return;
    violation(c, 3, rd->held_ts, rd->held_ts, now,
              "FIFO%d record %d:%u was read by %s, but %s %s", rd->held_fifo,
              rd->held_pid, rd->held_seq, who(c, vpid, x),
              rd->held_fifo == 2 ? "it was addressed to" : "the ready went to",
              who(c, rd->held_to, y));
    rd->held_pid = 0;
}

/* R4: a reader's last read is still not acknowledged at 'now'. */
static void
unacked(struct check *c, int vpid, struct ck_reader *rd, uint64_t now)
{
    char x[40];

    if (rd->unacked == 0)
        return;
    violation(c, 4, rd->last_ts, rd->last_ts, now,
              "%s read record %d:%u and never acknowledged it",
              who(c, vpid, x), rd->last_pid, rd->last_seq);
    rd->unacked = 0;
}

/* R4: reader vpid read record pid:seq (0:0: garbage) at ts: it owes its
   ack, and the read before must have had its own */
static void
owes_ack(struct check *c, int vpid, struct ck_reader *rd, int pid,
         uint32_t seq, uint64_t ts)
{
    unacked(c, vpid, rd, ts);
    rd->unacked++;
    rd->last_pid = pid;
    rd->last_seq = seq;
    rd->last_ts = ts;
}

/* R1: the server's pending record of FIFO 'fifo' is settled without an
   ack; it is out of the FIFO, though its reader may trace its read later */
static void
settle(struct check *c, int server, int fifo)
{
    struct ck_server *s = tr_hash_get(&c->db.servers, (uint64_t)server);
    struct ck_pending *p;

    if (s == NULL || !(p = &s->pend[fifo - 2])->busy)
        return;
    p->busy = false;
    ck_fifo_take(&c->db, fifo, p->pid, p->seq);
}

/* Shared FIFO 'fifo' of server 'server' is empty: made anew, or emptied
   by the server */
static void
emptied(struct check *c, int server, int fifo)
{
    struct ck_server *s = tr_hash_get(&c->db.servers, (uint64_t)server);

    if (s == NULL || (fifo != 2 && fifo != 3))
        return;
    s->nin[fifo - 2] = 0;
    s->pend[fifo - 2].busy = false;
}

/* A record goes into shared FIFO 'fifo' (2 or 3) of server 'vpid'. */
static void
shared_write(struct check *c, const struct tr_event *ev, int addressee)
{
    struct ck_server *s = ck_server(&c->db, ev->vpid);
    struct ck_slot slot = { ev->pid, ev->seq, ev->fifo, addressee, ev->ts };
    int q = ev->fifo - 2;
    struct ck_pending *p;
    char w[40], y[40];
    bool crowded = false;

    if (s == NULL)
        return;
    p = &s->pend[q];
    /* R2: the record before it in this FIFO was announced */
    for (int i = 0; i < s->nunann; i++) {
        struct ck_slot *u = &s->unann[i];

        if (u->fifo != ev->fifo)
            continue;
        violation(c, 2, ev->ts, since(c, ev->vpid), ev->ts,
                  "FIFO%d record %d:%u was written by %s and never "
                  "announced to %s", u->fifo, u->pid, u->seq,
                  who(c, ev->vpid, w), who(c, u->addressee, y));
        ck_slot_remove(s->unann, &s->nunann, i);
        i--;                    /* the next one moved to i */
    }
    /* announced by the next ready of this server */
    ck_slot_push(s->unann, &s->nunann, CK_UNANNOUNCED, slot);

    if (!ck_fifo_early(&c->db, ev->fifo, ev->pid, ev->seq)) {
        if (s->nin[q] > 0) {
            crowded = true;
            violation(c, 1, ev->ts, since(c, ev->vpid), ev->ts,
                      "FIFO%d record %d:%u was written by %s while "
                      "record %d:%u was still unread in it", ev->fifo,
                      ev->pid, ev->seq, who(c, ev->vpid, w),
                      s->in[q][0].pid, s->in[q][0].seq);
        }
        ck_slot_push(s->in[q], &s->nin[q], CK_QUEUE, slot);
    }
    /* R1: read is not enough: its ack must have been taken */
    if (p->busy && !crowded)
        violation(c, 1, ev->ts, p->ts, ev->ts,
                  "FIFO%d record %d:%u was written by %s before the ack of "
                  "record %d:%u from %s was taken", ev->fifo, ev->pid,
                  ev->seq, who(c, ev->vpid, w), p->pid, p->seq,
                  who(c, p->reader, y));
    *p = (struct ck_pending){ true, ev->pid, ev->seq, addressee, ev->ts };
}

/* A record given back through FIFO4 by the reader that held it */
static void
given_back(struct check *c, const struct tr_event *ev)
{
    struct ck_reader *rd = tr_hash_get(&c->db.readers, (uint64_t)ev->vpid);

    if (rd != NULL && rd->held_pid == ev->pid && rd->held_seq == ev->seq)
        rd->held_pid = 0;
}

static void
on_write(struct check *c, const struct tr_event *ev, struct ck_req *r)
{
    char w[40];

    switch (ev->fifo) {
    case 1:
        if (ck_answered(&c->db, ev->pid, ev->seq))
            ck_unmark_answered(&c->db, ev->pid, ev->seq);  /* sent again */
        stage(r, CK_F1_WRITE, ev->vpid);
        r->have_req = true;
        r->op = ev->op;
        r->a = ev->a;
        r->b = ev->b;
        r->changed = r->wrong = false;
        break;
    case 3:
        stage(r, CK_F3_WRITE, ev->vpid);
        same_request(c, ev, r, "wrote into");
        shared_write(c, ev, r->worker);
        break;
    case 4:
        if ((unsigned)ev->flags & IPCLAB_REC_RETURNED) {
            given_back(c, ev);
            break;
        }
        stage(r, CK_F4_WRITE, ev->vpid);
        same_request(c, ev, r, "wrote into");
        exact_result(c, ev, r, "wrote into");
        break;
    case 2:
        if (!r->dup && ck_answered(&c->db, ev->pid, ev->seq)) {
            violation(c, 8, ev->ts, r->first_ts, ev->ts,
                      "request %d:%u was answered twice: %s "
                      "wrote a second result into FIFO2", ev->pid, ev->seq,
                      who(c, ev->vpid, w));
            r->dup = true;
        }
        stage(r, CK_F2_WRITE, ev->vpid);
        same_request(c, ev, r, "wrote into");
        exact_result(c, ev, r, "wrote into");
        shared_write(c, ev, ev->pid);
        break;
    }
}

/* Is a worker of this role the one for operation op? */
static bool
serves(struct check *c, int vpid, int op)
{
    const char *role = tr_proc_role(&c->procs, vpid);

    return role[0] == '\0' || op < 1 || op > IPCLAB_OP_COUNT ||
           tr_worker_rank(role) == op - 1;
}

static void
on_read(struct check *c, const struct tr_event *ev, struct ck_req *r)
{
    struct ck_reader *rd;
    int expect;

    switch (ev->fifo) {
    case 1:
        stage(r, CK_F1_READ, ev->vpid);
        same_request(c, ev, r, "read from");
        return;
    case 4:
        if (!((unsigned)ev->flags & IPCLAB_REC_RETURNED)) {
            stage(r, CK_F4_READ, ev->vpid);
            same_request(c, ev, r, "read from");
        }
        return;
    case 3:
        kept(c, ev->vpid, ev->ts);
        ck_fifo_take(&c->db, 3, ev->pid, ev->seq);
        expect = r->ready3 != 0 ? r->ready3 : r->worker;
        if ((expect != 0 && expect != ev->vpid) ||
            !serves(c, ev->vpid, ev->op)) {
            hold(c, ev, expect);        /* must give it back */
            return;
        }
        stage(r, CK_F3_READ, ev->vpid);
        same_request(c, ev, r, "read from");
        break;
    case 2:
        kept(c, ev->vpid, ev->ts);
        ck_fifo_take(&c->db, 2, ev->pid, ev->seq);
        if (ev->vpid != ev->pid) {
            hold(c, ev, ev->pid);       /* must give it back */
            return;
        }
        same_request(c, ev, r, "read from");
        exact_result(c, ev, r, "read from");
        if (ck_answered(&c->db, ev->pid, ev->seq)) {
            /* the server offered it again (taken back after a read), or
               it wrote it twice: reported at the write */
            ck_req_done(&c->db, r);
        } else {
            ck_mark_answered(&c->db, ev->pid, ev->seq);
            c->answered++;
            ck_req_done(&c->db, r);
        }
        break;
    default:
        return;
    }
    if ((rd = ck_reader(&c->db, ev->vpid)) != NULL)
        owes_ack(c, ev->vpid, rd, ev->pid, ev->seq, ev->ts);
}

/*
 * R5: the server took an ack, or traced why not (signal_consume of an ack,
 * or signal_ignore), at ev->ts. An rt ack carries its record's seq and
 * queues: it is taken one for one (one not yet traced as sent is kept for
 * ack_sent() to report). A classic ack carries nothing, and two
 * pending from one sender coalesce into one signal: a signal from a
 * reader takes every ack it sent before. An ack_coalesced also takes the
 * acks of the reader whose record it settles: another signal the kernel
 * merged into this one (or, when that reader's own signal is not traced
 * yet, its next ack, which the server saw coming: the FIFO was empty).
 */
static void
server_took(struct check *c, const struct tr_event *ev)
{
    struct ck_server *s = tr_hash_get(&c->db.servers, (uint64_t)ev->vpid);
    bool classic = ev->signo == SIGUSR2;
    struct ck_reader *rd;
    struct ck_pending *p;
    int n;

    if (s == NULL)
        return;
    if (classic && (n = ck_ack_take_before(s, ev->peer_pid, ev->ts)) > 1)
        c->merged += (unsigned long)n - 1;      /* coalesced, or lost */
    else if (!classic && !ck_ack_take(s, ev->peer_pid, ev->value) &&
             strcmp(ev->what, "ack") == 0)
        ck_ack_taken_early(s, ev->peer_pid, ev->value, ev->ts);
    if (ev->type != TR_SIGNAL_CONSUME)
        return;
    if (strcmp(ev->what, "ack") == 0) {
        /* R1: the ack of the record in the FIFO its sender reads. A
           classic ack is taken only when that FIFO is empty: the record
           is out, even if its reader (whose ack this may be an earlier
           one) traces its read after the server's next write */
        for (int q = 1; q >= 0; q--) {
            p = &s->pend[q];
            if (p->busy && p->reader == ev->peer_pid) {
                p->busy = false;
                if (classic)
                    ck_fifo_out(&c->db, q + 2, p->pid, p->seq);
                break;
            }
        }
    } else if (strcmp(ev->what, "ack_coalesced") == 0) {
        /* classic: another reader's ack, coalesced into this signal; its
           value is the seq of the record it settles, out of the FIFO */
        for (int q = 1; q >= 0; q--) {
            p = &s->pend[q];
            if (p->busy && p->reader != ev->peer_pid &&
                (int64_t)p->seq == ev->value) {
                ck_fifo_take(&c->db, q + 2, p->pid, p->seq);
                p->busy = false;
                if ((n = ck_ack_take_before(s, p->reader, ev->ts)) == 0 &&
                    (rd = ck_reader(&c->db, p->reader)) != NULL)
                    rd->acks_ahead++;
                else if (n > 1)
                    c->merged += (unsigned long)n - 1;
                break;
            }
        }
    }
}

/* R5: ack a, sent to server, was never taken, and the server traced no
   reason: report it at 'now', when that is known */
static void
ack_lost(struct check *c, const struct ck_ack *a, int server, uint64_t now)
{
    char x[40], y[40];

    violation(c, 5, a->ts, a->ts, now, "ack from %s to %s (value %" PRId64
              ") was never taken, and the server traced no reason",
              who(c, a->from, x), who(c, server, y), a->value);
}

/* R5: the ack the server took at 'taken' is traced as sent only now, by
   its reader: the reader traces after sending, not the server's fault.
   Its send might have been lost instead, at any time before the take. */
static void
traced_late(struct check *c, const struct tr_event *ev, uint64_t taken)
{
    char x[40], y[40];

    violation(c, 5, taken, since(c, ev->vpid), ev->ts, "ack from %s to %s "
              "(value %" PRId64 ") was taken by the server before its "
              "sender traced sending it: the reader's signal_send comes "
              "after the server's signal_consume", who(c, ev->vpid, x),
              who(c, ev->peer_pid, y), ev->value);
    cause(c, "a reader that traces its ack after sending it, not before");
}

/*
 * R5: an ack leaves reader rd for server s. In classic mode, an earlier
 * ack of rd the server stopped waiting for (reclaim read_unacked) and has
 * taken no signal of rd since is lost: the server could only have taken
 * it by now, the reader having read a new record since.
 */
static void
ack_sent(struct check *c, struct ck_server *s, struct ck_reader *rd,
         const struct tr_event *ev)
{
    bool classic = ev->signo == SIGUSR2;
    uint64_t taken;
    int kept = 0;

    for (int i = 0; classic && i < s->nacks; i++) {
        if (s->acks[i].from == ev->vpid && s->acks[i].suspect)
            ack_lost(c, &s->acks[i], ev->peer_pid, ev->ts);
        else
            s->acks[kept++] = s->acks[i];
    }
    if (classic)
        s->nacks = kept;
    if (classic && rd != NULL && rd->acks_ahead > 0) {
        rd->acks_ahead--;       /* taken already: server_took() */
        return;
    }
    if (!classic && ck_ack_sent_late(s, ev->vpid, ev->value, &taken)) {
        traced_late(c, ev, taken);
        return;
    }
    ck_ack_add(s, ev->vpid, classic ? 0 : ev->value, ev->ts, classic);
}

/* R5, classic: the server stopped waiting for the ack of 'reader' (reclaim
   read_unacked): its acks sent before must still come, before its next */
static void
gave_up_waiting(struct check *c, const struct tr_event *ev)
{
    struct ck_server *s = tr_hash_get(&c->db.servers, (uint64_t)ev->vpid);

    for (int i = 0; s != NULL && i < s->nacks; i++)
        if (s->acks[i].classic && s->acks[i].from == ev->peer_pid &&
            s->acks[i].ts < ev->ts)
            s->acks[i].suspect = true;
}

static void
on_send(struct check *c, const struct tr_event *ev)
{
    struct ck_server *s;
    struct ck_reader *rd;
    char x[40], y[40], z[40];

    c->signals++;
    if (strcmp(ev->what, "ready") == 0) {
        if ((s = ck_server(&c->db, ev->vpid)) != NULL)
            s->readies++;
        for (int i = 0; s != NULL && i < s->nunann; i++) {
            struct ck_slot *u = &s->unann[i];
            struct ck_req *r;

            if ((u->addressee != 0 && u->addressee != ev->peer_pid) ||
                (ev->value != 0 && (int64_t)u->seq != ev->value))
                continue;
            if (u->fifo == 3 &&
                (r = ck_req(&c->db, u->pid, u->seq, ev->ts, false)) != NULL)
                r->ready3 = ev->peer_pid;
            ck_slot_remove(s->unann, &s->nunann, i);
            return;
        }
        violation(c, 2, ev->ts, since(c, ev->vpid), ev->ts,
                  "ready from %s to %s (value %" PRId64 ") "
                  "announces no record written for it", who(c, ev->vpid, x),
                  who(c, ev->peer_pid, y), ev->value);
    } else if (strcmp(ev->what, "ack") == 0) {
        rd = ck_reader(&c->db, ev->vpid);
        kept(c, ev->vpid, ev->ts);
        if (rd != NULL && rd->ready_from != 0 &&
            rd->ready_from != ev->peer_pid)
            violation(c, 9, ev->ts, since(c, ev->vpid), ev->ts,
                      "ack from %s went to %s, but its ready came from %s",
                      who(c, ev->vpid, x), who(c, ev->peer_pid, y),
                      who(c, rd->ready_from, z));
        if ((s = ck_server(&c->db, ev->peer_pid)) != NULL)
            ack_sent(c, s, rd, ev);
        if (rd != NULL && rd->unacked > 0 &&
            (ev->value == 0 || ev->value == (int64_t)rd->last_seq ||
             ev->value == rd->last_ready)) {
            rd->unacked--;
            return;
        }
        violation(c, 4, ev->ts, since(c, ev->vpid), ev->ts,
                  "ack from %s to %s (value %" PRId64 ") "
                  "acknowledges no record it read", who(c, ev->vpid, x),
                  who(c, ev->peer_pid, y), ev->value);
    }
}

/* R5: at its clean exit, the server has taken every ack sent to it */
static void
server_exit(struct check *c, const struct tr_event *ev)
{
    struct ck_server *s = tr_hash_get(&c->db.servers, (uint64_t)ev->vpid);

    for (int i = 0; s != NULL && i < s->nacks; i++)
        ack_lost(c, &s->acks[i], ev->vpid, ev->ts);
    if (s != NULL)
        s->nacks = 0;
}

/* R8: the traced end of a request the server dropped */
static bool
dropped(struct check *c, const struct tr_event *ev)
{
    struct ck_req *r;

    if (tr_drop_ends_request(ev) < 0 ||
        (r = ck_req(&c->db, ev->pid, ev->seq, 0, false)) == NULL)
        return false;
    ck_mark_answered(&c->db, ev->pid, ev->seq);   /* later hops: late news */
    c->dropped++;
    ck_req_done(&c->db, r);
    return true;
}

/* R10: errors the protocol expects are not violations */
static bool
expected_error(const struct tr_event *ev)
{
    /* the server took the record back before the stale reader read */
    if ((strcmp(ev->what, "read fifo2") == 0 ||
         strcmp(ev->what, "read fifo3") == 0) && ev->err == EAGAIN)
        return true;
    /* a stale reader read another's record: given back (R3 judges) */
    return strcmp(ev->what, "record for another client") == 0 ||
           strcmp(ev->what, "request for another operation") == 0;
}

static void
on_error(struct check *c, const struct tr_event *ev)
{
    char x[40];

    if (strcmp(ev->what, "write shared fifo") == 0) {
        settle(c, ev->vpid, 2);         /* which one failed: not traced */
        settle(c, ev->vpid, 3);
    }
    if (expected_error(ev))
        return;
    if (ev->err > 0 && ev->err < 134)
        violation(c, 10, ev->ts, UINT64_MAX, 0,
                  "error event in %s: %s (err %d: %s)",
                  who(c, ev->vpid, x), ev->what, ev->err,
                  ipc_errno_name(ev->err));
    else
        violation(c, 10, ev->ts, UINT64_MAX, 0,
                  "error event in %s: %s (err %d)",
                  who(c, ev->vpid, x), ev->what, ev->err);
}

static void
on_consume(struct check *c, const struct tr_event *ev)
{
    const struct ck_server *from =
        tr_hash_get(&c->db.servers, (uint64_t)ev->peer_pid);
    struct ck_reader *rd;
    char x[40], y[40];

    if (strcmp(ev->what, "ready") == 0 &&
        (rd = ck_reader(&c->db, ev->vpid)) != NULL) {
        rd->last_ready = ev->value;
        rd->ready_from = ev->peer_pid;
        /* a sender that never sent a ready: it is not the server */
        if (from == NULL || from->readies == 0)
            violation(c, 9, ev->ts, since(c, ev->peer_pid), ev->ts,
                      "%s took a ready from %s, which sent none",
                      who(c, ev->vpid, x), who(c, ev->peer_pid, y));
    } else if (strncmp(ev->what, "ack", 3) == 0) {
        server_took(c, ev);
    }
}

static void
next_experiment(struct check *c, uint64_t ts);

static void
on_event(const struct tr_event *ev, void *arg)
{
    struct check *c = arg;
    struct ck_reader *rd;
    struct ck_req *r = NULL;

    tr_procs_see(&c->procs, ev);
    if (tr_experiment_mark(ev)) {
        next_experiment(c, ev->ts);
        return;
    }
    if (ev->type == TR_RECORD_WRITE)
        c->records++;
    if ((ev->type == TR_RECORD_WRITE || ev->type == TR_RECORD_READ) &&
        (ev->fifo < 1 || ev->fifo > 4))
        return;                 /* a pipe of a lab's own: no protocol */
    if (ev->type == TR_RECLAIM && strcmp(ev->reason, "read_unacked") == 0) {
        settle(c, ev->vpid, ev->fifo);  /* read: the server stops waiting */
        gave_up_waiting(c, ev);
        return;
    }
    if (ev->type == TR_RECORD_WRITE || ev->type == TR_RECORD_READ ||
        ev->type == TR_ROUTE || ev->type == TR_RECLAIM) {
        /* A hop of a request already answered (FIFO3, FIFO4, a route, a
           reclaim) is late news, except a new answer in FIFO2 (a second
           answer) or a new request in FIFO1 (the seq sent again); a record
           given back through FIFO4 still frees the reader that held it. */
        if (ev->fifo != 1 && ev->fifo != 2 &&
            ck_req(&c->db, ev->pid, ev->seq, 0, false) == NULL &&
            ck_answered(&c->db, ev->pid, ev->seq)) {
            if (ev->type == TR_RECORD_WRITE && ev->fifo == 4)
                given_back(c, ev);
            return;
        }
        if (ev->pid <= 0 ||
            (r = ck_req(&c->db, ev->pid, ev->seq, ev->ts, true)) == NULL)
            return;
        if (r->stage == CK_SEEN)
            r->stage_vpid = ev->vpid;
    }
    switch (ev->type) {
    case TR_PROC_START:
        ck_forget_client(&c->db, ev->vpid);     /* a new process */
        break;
    case TR_PROC_EXIT:
        kept(c, ev->vpid, ev->ts);
        if ((rd = tr_hash_get(&c->db.readers, (uint64_t)ev->vpid)) != NULL)
            unacked(c, ev->vpid, rd, ev->ts);
        if (strcmp(ev->role, "server") == 0)
            server_exit(c, ev);
        break;
    case TR_FIFO_CREATE:
        /* R1: a FIFO made again at its path starts empty; what the old one
           held is that FIFO's leftover (R8 names its requests) */
        emptied(c, ev->vpid, ev->fifo);
        break;
    case TR_RECORD_WRITE:
        on_write(c, ev, r);
        break;
    case TR_RECORD_READ:
        on_read(c, ev, r);
        break;
    case TR_RECORD_DROP:
        if (dropped(c, ev))
            break;
        /* garbage a reader read from a shared FIFO (a validation fault,
           not the server's own drops) is acknowledged like a record */
        if ((ev->fifo == 2 || ev->fifo == 3) &&
            (strcmp(ev->reason, "short") == 0 ||
             strncmp(ev->reason, "bad_", 4) == 0) &&
            (rd = ck_reader(&c->db, ev->vpid)) != NULL) {
            kept(c, ev->vpid, ev->ts);
            owes_ack(c, ev->vpid, rd, 0, 0, ev->ts);
        }
        break;
    case TR_ROUTE:
        r->worker = ev->worker_pid;
        if (r->have_req && !r->changed && ev->op != r->op) {
            r->changed = true;
            violation(c, 6, ev->ts, r->first_ts, ev->ts, "request %d:%u "
                      "(op %d) was routed as op %d", ev->pid, ev->seq,
                      r->op, ev->op);
        }
        stage(r, CK_ROUTE, ev->worker_pid);
        break;
    case TR_RECLAIM:
        emptied(c, ev->vpid, ev->fifo);  /* through its own read end */
        stage(r, ev->fifo == 2 ? CK_F2_RECLAIMED : CK_F3_RECLAIMED,
              ev->vpid);
        snprintf(r->reason, sizeof(r->reason), "%s", ev->reason);
        break;
    case TR_SIGNAL_SEND:
        on_send(c, ev);
        break;
    case TR_SIGNAL_CONSUME:
        on_consume(c, ev);
        break;
    case TR_SIGNAL_IGNORE:
        server_took(c, ev);
        break;
    case TR_ERROR:
        on_error(c, ev);
        break;
    default:
        break;
    }
}

/* What became of an unanswered request, last */
static void
unanswered(struct check *c, const struct ck_req *r)
{
    static const char *const what[] = {
        [CK_SEEN] = "a record of it, by",
        [CK_F1_WRITE] = "written into FIFO1 by",
        [CK_F1_READ] = "read from FIFO1 by",
        [CK_ROUTE] = "routed to",
        [CK_F3_WRITE] = "written into FIFO3 by",
        [CK_F3_READ] = "read from FIFO3 by",
        [CK_F4_WRITE] = "result written into FIFO4 by",
        [CK_F4_READ] = "result read from FIFO4 by",
        [CK_F2_WRITE] = "result written into FIFO2 by",
        [CK_F2_MISREAD] = "result read from FIFO2 by",
        [CK_F2_RECLAIMED] = "result taken back from FIFO2 by",
        [CK_F3_RECLAIMED] = "taken back from FIFO3 by",
    };
    char x[40], why[40] = "", line[160];
    int len;

    if (!tr_proc_traced(&c->procs, r->pid)) {
        /* its client traced nothing (started outside the recording):
           whether it got its answer, the trace cannot say */
        len = snprintf(line, sizeof(line), "not judged: request %d:%u from "
                       "an untraced process (pid %d traced nothing; last "
                       "seen: %s %s)\n", r->pid, r->seq, r->pid,
                       what[r->stage], who(c, r->stage_vpid, x));
        if (len < 0 || (size_t)len >= sizeof(line) ||
            tr_grow(&c->untraced, &c->capuntraced,
                    c->nuntraced + (size_t)len + 1, 1) == -1) {
            c->oom = true;
            return;
        }
        memcpy(c->untraced + c->nuntraced, line, (size_t)len + 1);
        c->nuntraced += (size_t)len;
        c->untraced_reqs++;
        return;
    }
    if (r->stage == CK_F2_RECLAIMED || r->stage == CK_F3_RECLAIMED)
        snprintf(why, sizeof(why), " (%s)", r->reason);
    violation(c, 8, r->first_ts, r->first_ts, c->ending,
              "request %d:%u was never answered (last seen: "
              "%s %s%s)", r->pid, r->seq, what[r->stage],
              who(c, r->stage_vpid, x), why);
    if (r->stage <= CK_F1_WRITE)
        cause(c, "the server stopped, or was stopped, before reading it");
    else if (r->stage < CK_F4_WRITE)
        cause(c, "the server or its worker lost it, stopped, or was "
              "killed holding it");
}

/* What the trace ends with: records held */
static void
at_end(uint64_t key, void *val, void *arg)
{
    struct check *c = arg;

    (void)val;
    kept(c, (int)key, c->ending);
}

/* R2: what the trace ends with: records written, never announced (judged
   only when no event was lost from their write to the end) */
static void
at_end_unannounced(uint64_t key, void *val, void *arg)
{
    struct check *c = arg;
    struct ck_server *s = val;
    char w[40], y[40];

    for (int i = 0; i < s->nunann; i++)
        violation(c, 2, s->unann[i].ts, s->unann[i].ts, c->ending,
                  "FIFO%d record %d:%u was written by %s and never "
                  "announced to %s (%s)", s->unann[i].fifo,
                  s->unann[i].pid, s->unann[i].seq, who(c, (int)key, w),
                  who(c, s->unann[i].addressee, y), c->ends);
    s->nunann = 0;
}

/* What the trace, or one experiment of a lab trace, ends with at 'now':
   requests neither answered nor dropped, records held or never announced */
static void
leftovers(struct check *c, uint64_t now, const char *ends)
{
    c->ending = now;
    c->ends = ends;
    for (const struct ck_req *r = c->db.oldest; r != NULL; r = r->next)
        if (!r->dup)
            unanswered(c, r);
    tr_hash_each(&c->db.readers, at_end, c);
    tr_hash_each(&c->db.servers, at_end_unannounced, c);
}

/* A lab starts its next experiment at ts: each is judged on its own, so
   what the last one left behind is its own violation, not the next's */
static void
next_experiment(struct check *c, uint64_t ts)
{
    leftovers(c, ts, "the experiment ends");
    ck_db_free(&c->db);
    memset(&c->db, 0, sizeof(c->db));
}

/* Does [from, to] meet a stretch where the tracer lost events? */
static bool
in_gap(const struct tr_gap *g, size_t n, uint64_t from, uint64_t to)
{
    for (size_t i = 0; i < n && from <= to; i++)
        if (g[i].begin <= to && g[i].end >= from)
            return true;
    return false;
}

static int
by_time(const void *x, const void *y)
{
    const struct held *a = x, *b = y;

    if (a->ts != b->ts)
        return a->ts < b->ts ? -1 : 1;
    return a->n < b->n ? -1 : a->n > b->n;
}

/* Print the held violations in time order, except those a lost event may
   explain. */
static int
report(struct check *c, const struct tr_gap *g, size_t n)
{
    char ms[32];

    if (c->oom)
        return -1;
    if (c->nheld > 0)           /* qsort(NULL, 0) is undefined */
        qsort(c->held, c->nheld, sizeof(*c->held), by_time);
    for (size_t i = 0; i < c->nheld; i++) {
        const struct held *h = &c->held[i];

        if (in_gap(g, n, h->from, h->to)) {
            c->unjudged++;
            continue;
        }
        printf("[+%s ms] R%d: %s (usual cause: %s)\n",
               tr_fmt_ms(h->ts - c->origin, ms, sizeof(ms)), h->rule,
               h->text, h->cause);
        c->violations++;
    }
    return 0;
}

int
cmd_check_run(const struct cmd_args *args)
{
    const char *dir = args->dir;
    static struct check c;
    static const struct tr_gap anywhere = { 0, UINT64_MAX, 0 };
    struct tr_source_info info;
    const struct tr_gap *g;
    char a[32], b[32], cnt[48];
    size_t n;
    int rc = 1;

    if (tr_source_read(dir, on_event, &c, NULL, &info) == -1) {
        rc = CMD_FAILED;
        goto out;
    }
    c.origin = info.first_ts;
    leftovers(&c, UINT64_MAX, "the trace ends");
    g = tr_source_gaps(&n);
    if (n == 0 && info.discarded > 0) {
        g = &anywhere;          /* lost, but the trace does not say when */
        n = 1;
    }
    if (report(&c, g, n) == -1) {
        errno = ENOMEM;
        ipc_warn("cannot check '%s'", args->shown);
        rc = CMD_FAILED;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (g[i].end == UINT64_MAX && g[i].begin == 0)
            printf("not judged: the whole trace (the tracer lost at least "
                   "%" PRIu64 " event%s, the trace does not say when)\n",
                   info.discarded, info.discarded == 1 ? "" : "s");
        else
            printf("not judged: +%s ms to +%s ms (the tracer lost %s "
                   "there)\n",
                   tr_fmt_since(g[i].begin, c.origin, a, sizeof(a)),
                   tr_fmt_since(g[i].end, c.origin, b, sizeof(b)),
                   tr_gap_count(&g[i], cnt, sizeof(cnt)));
    }
    if (c.nuntraced > 0)
        fputs(c.untraced, stdout);
    if (c.merged > 0)
        printf("not judged in classic mode: R5 for %lu ack%s taken by a "
               "signal that took another of the same reader too (two acks "
               "coalesced, or one lost: the trace cannot tell)\n", c.merged,
               c.merged == 1 ? "" : "s");
    if (c.violations > 0) {
        ipc_warnx("%lu protocol violation%s in '%s'%s", c.violations,
                  c.violations == 1 ? "" : "s", args->shown,
                  n > 0 ? " outside the stretches where events were lost" :
                  "");
        goto out;
    }
    if (n > 0) {
        printf("protocol not verified: no violation outside the stretches "
               "above; %lu more in them, which lost events may explain\n",
               c.unjudged);
        rc = 3;
        goto out;
    }
    if (c.untraced_reqs > 0) {
        printf("protocol not verified: no violation, but %lu request%s of "
               "processes that traced nothing not judged (record them too: "
               "traces/record.sh --pid)\n", c.untraced_reqs,
               c.untraced_reqs == 1 ? "" : "s");
        rc = 3;
        goto out;
    }
    printf("protocol ok: %" PRIu64 " request%s answered exactly once, ",
           c.answered, c.answered == 1 ? "" : "s");
    if (c.dropped > 0)
        printf("%" PRIu64 " dropped by the server and traced (record_drop: "
               "their client gone or silent, or the server stopping), ",
               c.dropped);
    printf("%" PRIu64 " record%s and %" PRIu64 " signal%s, %" PRIu64
           " process%s\n", c.records, c.records == 1 ? "" : "s",
           c.signals, c.signals == 1 ? "" : "s", c.procs.seen,
           c.procs.seen == 1 ? "" : "es");
    rc = 0;
out:
    for (size_t i = 0; i < c.nheld; i++)
        free(c.held[i].text);
    free(c.held);
    free(c.untraced);
    ck_db_free(&c.db);
    tr_procs_free(&c.procs);
    return rc;
}
