/*
 * trace/check.c - ipclab-trace check: the protocol, verified from a trace.
 *
 * What must hold (docs/protocol.md), and the line printed when it does not:
 *
 *   every request is answered        request P:S was never answered (...)
 *   ...exactly once                  request P:S was answered twice (...)
 *   a record reaches its addressee   FIFO2 record P:S was read by X, but it
 *                                      was addressed to Y
 *                                    FIFO3 record P:S was read by X, but the
 *                                      ready went to Y
 *   one record at a time in FIFO2/3  FIFO3 record P:S was written by X
 *                                      while record P':S' was still unread
 *                                      in it
 *   a ready announces a record       ready from X to Y (value V) announces
 *                                      no record written for it
 *   an ack follows a read            ack from X to Y (value V) acknowledges
 *                                      no record it read
 *   nothing fails                    error event in X: WHAT (err N)
 *
 * Each line starts with "[+T ms]", the time since the first event; the
 * rest is fixed text that tests and graders can compare exactly. Lines come
 * out in trace order, unanswered requests at the end, once the whole trace
 * is read: only then are the stretches known where the tracer lost events
 * (source.h). A violation that depends on what happened in such a
 * stretch is not judged; each stretch is listed as "not judged: +A ms to
 * +B ms". Exit 0 with one summary line when all holds, 1 when a violation
 * was found outside the lost stretches, 3 when none was but events were
 * lost ("protocol not verified").
 *
 * Order in the trace is not order in time for two processes: each traces
 * after its syscall returns. The checks only rely on orders that hold
 * anyway: the server writes, then traces, then signals; a reader is
 * signalled, then reads, then traces, then acks.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ipclab/err.h"
#include "checkdb.h"
#include "cmd.h"
#include "label.h"
#include "procs.h"
#include "source.h"

struct check {
    struct tr_procs procs;
    struct ck_db db;
    uint64_t origin;
    int have_origin;
    unsigned long violations;
    unsigned long unjudged;     /* violations in lost stretches */
    FILE *held;                 /* violations until the end: violation() */
    uint64_t records, signals, answered;
};

static void
violation(struct check *c, uint64_t ts, uint64_t from, uint64_t to,
          const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * One violation at time ts, which depends on what the trace says from
 * 'from' to 'to' (from > to: on nothing that a lost event could change).
 * Held back in c->held as "TS FROM TO TEXT" until the read is over and
 * the stretches where the tracer lost events are known (report()).
 */
static void
violation(struct check *c, uint64_t ts, uint64_t from, uint64_t to,
          const char *fmt, ...)
{
    va_list ap;

    if (c->held == NULL)
        return;                 /* the error was printed */
    fprintf(c->held, "%" PRIu64 " %" PRIu64 " %" PRIu64 " ", ts, from, to);
    va_start(ap, fmt);
    vfprintf(c->held, fmt, ap);
    va_end(ap);
    fputc('\n', c->held);
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
    return tr_proc_label(&c->procs, vpid, buf, 40);
}

static void
stage(struct ck_req *r, enum ck_stage st, int vpid)
{
    r->stage = st;
    r->stage_vpid = vpid;
}

/* A record goes into shared FIFO 'fifo' (2 or 3) of server 'vpid'. */
static void
shared_write(struct check *c, const struct tr_event *ev, int addressee)
{
    struct ck_server *s = ck_server(&c->db, ev->vpid);
    struct ck_slot slot = { ev->pid, ev->seq, ev->fifo, addressee };
    int q = ev->fifo - 2;
    char w[40];

    if (s == NULL)
        return;
    /* announced by the next ready of this server */
    if (s->nunann == CK_UNANNOUNCED)
        memmove(&s->unann[0], &s->unann[1],
                sizeof(s->unann[0]) * (CK_UNANNOUNCED - 1));
    else
        s->nunann++;
    s->unann[s->nunann - 1] = slot;

    if (ck_fifo_early(&c->db, ev->fifo, ev->pid, ev->seq))
        return;                 /* read already: it is not in the FIFO */
    if (s->nin[q] > 0)
        violation(c, ev->ts, since(c, ev->vpid), ev->ts,
                  "FIFO%d record %d:%u was written by %s while "
                  "record %d:%u was still unread in it", ev->fifo, ev->pid,
                  ev->seq, who(c, ev->vpid, w), s->in[q][0].pid,
                  s->in[q][0].seq);
    if (s->nin[q] == CK_QUEUE)
        memmove(&s->in[q][0], &s->in[q][1], sizeof(slot) * (CK_QUEUE - 1));
    else
        s->nin[q]++;
    s->in[q][s->nin[q] - 1] = slot;
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
        break;
    case 3:
        stage(r, CK_F3_WRITE, ev->vpid);
        shared_write(c, ev, r->worker);
        break;
    case 4:
        stage(r, CK_F4_WRITE, ev->vpid);
        break;
    case 2:
        if (!r->dup && ck_answered(&c->db, ev->pid, ev->seq)) {
            violation(c, ev->ts, r->first_ts, ev->ts,
                      "request %d:%u was answered twice: %s "
                      "wrote a second result into FIFO2", ev->pid, ev->seq,
                      who(c, ev->vpid, w));
            r->dup = true;
        }
        stage(r, CK_F2_WRITE, ev->vpid);
        shared_write(c, ev, ev->pid);
        break;
    }
}

static void
on_read(struct check *c, const struct tr_event *ev, struct ck_req *r)
{
    struct ck_reader *rd;
    char x[40], y[40];
    int expect;

    switch (ev->fifo) {
    case 1:
        stage(r, CK_F1_READ, ev->vpid);
        return;
    case 4:
        stage(r, CK_F4_READ, ev->vpid);
        return;
    case 3:
        ck_fifo_take(&c->db, 3, ev->pid, ev->seq);
        expect = r->ready3 != 0 ? r->ready3 : r->worker;
        if (expect != 0 && expect != ev->vpid)
            violation(c, ev->ts, r->first_ts, ev->ts,
                      "FIFO3 record %d:%u was read by %s, but "
                      "%s %s", ev->pid, ev->seq, who(c, ev->vpid, x),
                      r->ready3 != 0 ? "the ready went to" :
                      "it was routed to", who(c, expect, y));
        stage(r, CK_F3_READ, ev->vpid);
        break;
    case 2:
        ck_fifo_take(&c->db, 2, ev->pid, ev->seq);
        if (ev->vpid != ev->pid) {
            violation(c, ev->ts, r->first_ts, ev->ts,
                      "FIFO2 record %d:%u was read by %s, but it "
                      "was addressed to %s", ev->pid, ev->seq,
                      who(c, ev->vpid, x), who(c, ev->pid, y));
            stage(r, CK_F2_MISREAD, ev->vpid);
        } else if (ck_answered(&c->db, ev->pid, ev->seq)) {
            if (!r->dup)
                violation(c, ev->ts, r->first_ts, ev->ts,
                          "request %d:%u was answered twice: %s "
                          "read a second result from FIFO2", ev->pid,
                          ev->seq, who(c, ev->vpid, x));
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
    if ((rd = ck_reader(&c->db, ev->vpid)) != NULL) {
        rd->unacked++;
        rd->last_seq = ev->seq;
    }
}

static void
on_send(struct check *c, const struct tr_event *ev)
{
    struct ck_server *s;
    struct ck_reader *rd;
    char x[40], y[40];

    c->signals++;
    if (strcmp(ev->what, "ready") == 0) {
        s = ck_server(&c->db, ev->vpid);
        for (int i = 0; s != NULL && i < s->nunann; i++) {
            struct ck_slot *u = &s->unann[i];
            struct ck_req *r;

            if ((u->addressee != 0 && u->addressee != ev->peer_pid) ||
                (ev->value != 0 && (int64_t)u->seq != ev->value))
                continue;
            if (u->fifo == 3 &&
                (r = ck_req(&c->db, u->pid, u->seq, ev->ts, false)) != NULL)
                r->ready3 = ev->peer_pid;
            memmove(u, u + 1, sizeof(*u) * (size_t)(s->nunann - i - 1));
            s->nunann--;
            return;
        }
        violation(c, ev->ts, since(c, ev->vpid), ev->ts,
                  "ready from %s to %s (value %" PRId64 ") "
                  "announces no record written for it", who(c, ev->vpid, x),
                  who(c, ev->peer_pid, y), ev->value);
    } else if (strcmp(ev->what, "ack") == 0) {
        rd = ck_reader(&c->db, ev->vpid);
        if (rd != NULL && rd->unacked > 0 &&
            (ev->value == 0 || ev->value == (int64_t)rd->last_seq ||
             ev->value == rd->last_ready)) {
            rd->unacked--;
            return;
        }
        violation(c, ev->ts, since(c, ev->vpid), ev->ts,
                  "ack from %s to %s (value %" PRId64 ") "
                  "acknowledges no record it read", who(c, ev->vpid, x),
                  who(c, ev->peer_pid, y), ev->value);
    }
}

static void
on_event(const struct tr_event *ev, void *arg)
{
    struct check *c = arg;
    struct ck_reader *rd;
    struct ck_server *s;
    struct ck_req *r = NULL;
    char x[40];

    if (!c->have_origin) {
        c->origin = ev->ts;
        c->have_origin = 1;
    }
    tr_procs_see(&c->procs, ev);
    if (ev->type == TR_RECORD_WRITE)
        c->records++;
    if (ev->type == TR_RECORD_WRITE || ev->type == TR_RECORD_READ ||
        ev->type == TR_ROUTE || ev->type == TR_RECLAIM) {
        /* A worker traces its FIFO4 write after write() returns: the whole
           round trip may be over, answer read, before it does. Hops of an
           answered request are late news, except a new answer in FIFO2 (a
           second answer) or a new request in FIFO1 (the seq sent again). */
        if (ev->fifo != 1 && ev->fifo != 2 &&
            ck_req(&c->db, ev->pid, ev->seq, 0, false) == NULL &&
            ck_answered(&c->db, ev->pid, ev->seq))
            return;
        if (ev->pid <= 0 ||
            (r = ck_req(&c->db, ev->pid, ev->seq, ev->ts, true)) == NULL)
            return;
    }
    switch (ev->type) {
    case TR_PROC_START:
        ck_forget_client(&c->db, ev->vpid);     /* a new process */
        break;
    case TR_RECORD_WRITE:
        on_write(c, ev, r);
        break;
    case TR_RECORD_READ:
        on_read(c, ev, r);
        break;
    case TR_RECORD_DROP:
        /* garbage read from a shared FIFO is acknowledged like a record */
        if ((ev->fifo == 2 || ev->fifo == 3) &&
            (rd = ck_reader(&c->db, ev->vpid)) != NULL)
            rd->unacked++;
        break;
    case TR_ROUTE:
        r->worker = ev->worker_pid;
        stage(r, CK_ROUTE, ev->worker_pid);
        break;
    case TR_RECLAIM:
        /* the server emptied the FIFO through its own read end */
        if ((ev->fifo == 2 || ev->fifo == 3) &&
            (s = ck_server(&c->db, ev->vpid)) != NULL)
            s->nin[ev->fifo - 2] = 0;
        stage(r, ev->fifo == 2 ? CK_F2_RECLAIMED : CK_F3_RECLAIMED,
              ev->vpid);
        snprintf(r->reason, sizeof(r->reason), "%s", ev->reason);
        break;
    case TR_SIGNAL_SEND:
        on_send(c, ev);
        break;
    case TR_SIGNAL_CONSUME:
        if (strcmp(ev->what, "ready") == 0 &&
            (rd = ck_reader(&c->db, ev->vpid)) != NULL)
            rd->last_ready = ev->value;
        break;
    case TR_ERROR:
        if (ev->err > 0 && ev->err < 134)
            violation(c, ev->ts, UINT64_MAX, 0,
                      "error event in %s: %s (err %d: %s)",
                      who(c, ev->vpid, x), ev->what, ev->err,
                      ipc_errno_name(ev->err));
        else
            violation(c, ev->ts, UINT64_MAX, 0,
                      "error event in %s: %s (err %d)",
                      who(c, ev->vpid, x), ev->what, ev->err);
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
    char x[40], why[40] = "";

    if (r->stage == CK_F2_RECLAIMED || r->stage == CK_F3_RECLAIMED)
        snprintf(why, sizeof(why), " (%s)", r->reason);
    violation(c, r->first_ts, r->first_ts, UINT64_MAX,
              "request %d:%u was never answered (last seen: "
              "%s %s%s)", r->pid, r->seq, what[r->stage],
              who(c, r->stage_vpid, x), why);
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

/* Print the held violations, except those a lost event may explain. */
static int
report(struct check *c, const struct tr_gap *g, size_t n)
{
    char *line = NULL, ms[32];
    size_t cap = 0;
    uint64_t ts, from, to;
    int off, rc = 0;

    if (fflush(c->held) == EOF || fseek(c->held, 0, SEEK_SET) == -1)
        return -1;
    while (getline(&line, &cap, c->held) != -1) {
        if (sscanf(line, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %n", &ts, &from,
                   &to, &off) != 3) {
            rc = -1;
            break;
        }
        if (in_gap(g, n, from, to)) {
            c->unjudged++;
            continue;
        }
        printf("[+%s ms] %s", tr_fmt_ms(ts - c->origin, ms, sizeof(ms)),
               line + off);
        c->violations++;
    }
    if (ferror(c->held))
        rc = -1;
    free(line);
    return rc;
}

int
cmd_check_run(const char *dir)
{
    static struct check c;
    static const struct tr_gap anywhere = { 0, UINT64_MAX, 0 };
    struct tr_source_info info;
    const struct tr_gap *g;
    char a[32], b[32], cnt[48];
    size_t n;
    int rc = 1;

    if ((c.held = tmpfile()) == NULL) {
        ipc_warn("cannot check '%s'", dir);
        return 1;
    }
    if (tr_source_read(dir, on_event, &c, NULL, &info) == -1)
        goto out;
    for (const struct ck_req *r = c.db.oldest; r != NULL; r = r->next)
        if (!r->dup)
            unanswered(&c, r);
    g = tr_source_gaps(&n);
    if (n == 0 && info.discarded > 0) {
        g = &anywhere;          /* lost, but the trace does not say when */
        n = 1;
    }
    if (report(&c, g, n) == -1) {
        ipc_warn("cannot check '%s'", dir);
        goto out;
    }
    tr_source_warn_lost(dir, &info, c.origin);
    for (size_t i = 0; i < n; i++) {
        if (g[i].end == UINT64_MAX && g[i].begin == 0)
            printf("not judged: the whole trace (the tracer lost %" PRIu64
                   " events, the trace does not say when)\n",
                   info.discarded);
        else
            printf("not judged: +%s ms to +%s ms (the tracer lost %s "
                   "there)\n",
                   tr_fmt_ms(g[i].begin > c.origin ? g[i].begin - c.origin
                             : 0, a, sizeof(a)),
                   tr_fmt_ms(g[i].end > c.origin ? g[i].end - c.origin : 0,
                             b, sizeof(b)),
                   tr_gap_count(&g[i], cnt, sizeof(cnt)));
    }
    if (c.violations > 0) {
        ipc_warnx("%lu protocol violation%s in '%s'%s", c.violations,
                  c.violations == 1 ? "" : "s", dir,
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
    printf("protocol ok: %" PRIu64 " requests answered exactly once, %" PRIu64
           " records and %" PRIu64 " signals, %" PRIu64 " processes\n",
           c.answered, c.records, c.signals, c.procs.seen);
    rc = 0;
out:
    fclose(c.held);
    ck_db_free(&c.db);
    tr_procs_free(&c.procs);
    return rc;
}
