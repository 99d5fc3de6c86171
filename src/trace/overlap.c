/*
 * trace/overlap.c - ipclab-trace overlap: concurrency you can see.
 *
 * Two questions of lab 05, answered from the server's own events:
 *
 *   in the server at once   a request is in the server from its FIFO1 read
 *                           to its FIFO2 write, its drop, or the end of
 *                           the server (its exit or reaping); each
 *                           request that enters is listed with the
 *                           requests of OTHER clients already inside
 *   waits for another       FIFO2 and FIFO3 carry one record at a time: a
 *   client's ack            FIFO is held from the server's record_write
 *                           until the server takes the reader's ack (or
 *                           writes the next record: an ack timeout). A
 *                           record ready to go (its request read from
 *                           FIFO1, its result from FIFO4) while the FIFO
 *                           holds a record waits; each such wait is
 *                           listed with the record written just before it
 *                           in that FIFO, whose ack it waited for last,
 *                           and whether that was another client's
 *
 * The last line sums both up; tests/trace/check_overlap.c checks it on the
 * default workload, whose clients are released together (scripts/
 * workload.sh). Times are in ms since the first event, as in 'seq'.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipclab/err.h"
#include "cmd.h"
#include "hash.h"
#include "source.h"

#define OV_MAX_INSIDE 64        /* requests listed as inside at once */

/* A request inside a server */
struct ov_req {
    int pid;
    uint32_t seq;
    int server;
};

/* What one server's FIFO2 or FIFO3 holds: a record waiting for its ack */
struct ov_fifo {
    int pid;                    /* the record's request; 0: free */
    uint32_t seq;
    int reader;                 /* who must ack it (ready's peer) */
    int last_pid;               /* the last record written, acked or not */
    uint32_t last_seq;
    uint64_t last_acked;        /* when its ack was taken; 0: not yet */
};

/* A record ready while its FIFO held a record */
struct ov_wait {
    int fifo, pid;
    uint32_t seq;
    uint64_t ready;
};

struct overlap {
    uint64_t origin;
    struct tr_hash fifos;       /* TR_KEY(server, fifo) --> struct ov_fifo */
    struct tr_hash waits;       /* wkey() --> struct ov_wait */
    struct ov_req inside[OV_MAX_INSIDE];
    int ninside;
    uint64_t together;          /* requests that entered beside another
                                   client's */
    int most_clients;           /* most clients inside at once */
    uint64_t most_at;
    uint64_t nwaits;            /* for another client's ack */
    uint64_t nown;              /* for an ack of the same client's record */
    bool server;                /* a server traced its start */
    bool oom;
};

static double
ms(const struct overlap *o, uint64_t ts)
{
    return (double)(ts - o->origin) / 1e6;
}

static struct ov_fifo *
fifo_of(struct overlap *o, int server, int fifo)
{
    struct ov_fifo *f = tr_hash_obtain(&o->fifos, TR_KEY(server, fifo),
                                       sizeof(*f));

    if (f == NULL)
        o->oom = true;
    return f;
}

/* Key of a waiting record: its request, and which FIFO (2 or 3) */
static uint64_t
wkey(int fifo, int pid, uint32_t seq)
{
    return TR_KEY(pid, seq) ^ ((uint64_t)fifo << 62);
}

/* How many different clients are inside server 'server' now */
static int
clients_inside(const struct overlap *o, int server)
{
    int n = 0;

    for (int i = 0; i < o->ninside; i++) {
        int seen = 0;

        for (int j = 0; j < i; j++)
            seen |= o->inside[j].server == server &&
                    o->inside[j].pid == o->inside[i].pid;
        n += o->inside[i].server == server && !seen;
    }
    return n;
}

static void
enter(struct overlap *o, const struct tr_event *ev)
{
    int others = 0, n;

    for (int i = 0; i < o->ninside; i++) {
        const struct ov_req *r = &o->inside[i];

        if (r->server != ev->vpid || r->pid == ev->pid)
            continue;
        if (others++ == 0)
            printf("%10.3f  %d:%" PRIu32 " enters; other clients' requests "
                   "inside:", ms(o, ev->ts), ev->pid, ev->seq);
        printf(" %d:%" PRIu32, r->pid, r->seq);
    }
    if (others > 0) {
        printf("\n");
        o->together++;
    }
    if (o->ninside == OV_MAX_INSIDE) {
        o->oom = true;          /* more than we list: say so at the end */
        return;
    }
    o->inside[o->ninside++] = (struct ov_req){ ev->pid, ev->seq, ev->vpid };
    if ((n = clients_inside(o, ev->vpid)) > o->most_clients) {
        o->most_clients = n;
        o->most_at = ev->ts;
    }
}

/* Request pid:seq leaves server 'server'; every request of it when pid
   is 0 (the server's life ended) */
static void
leave(struct overlap *o, int server, int pid, uint32_t seq)
{
    for (int i = 0; i < o->ninside; i++) {
        if (o->inside[i].server == server &&
            (pid == 0 || (o->inside[i].pid == pid &&
                          o->inside[i].seq == seq))) {
            o->inside[i--] = o->inside[--o->ninside];
            if (pid != 0)
                return;
        }
    }
}

/* The life of process 'pid' ended: as a server, it holds nothing more */
static void
ended(struct overlap *o, int pid)
{
    leave(o, pid, 0, 0);
    for (int fifo = 2; fifo <= 3; fifo++)
        free(tr_hash_del(&o->fifos, TR_KEY(pid, fifo)));
}

/* A record for FIFO 'fifo' is ready to be written by server 'server' */
static void
ready(struct overlap *o, const struct tr_event *ev, int fifo)
{
    struct ov_fifo *f = fifo_of(o, ev->vpid, fifo);
    struct ov_wait *w;

    if (f == NULL || f->pid == 0)
        return;
    if ((w = malloc(sizeof(*w))) == NULL ||
        tr_hash_put(&o->waits, wkey(fifo, ev->pid, ev->seq), w) == -1) {
        free(w);
        o->oom = true;
        return;
    }
    *w = (struct ov_wait){ fifo, ev->pid, ev->seq, ev->ts };
}

/* The server writes a record into FIFO2 or FIFO3 */
static void
written(struct overlap *o, const struct tr_event *ev)
{
    struct ov_fifo *f = fifo_of(o, ev->vpid, ev->fifo);
    struct ov_wait *w = tr_hash_del(&o->waits,
                                    wkey(ev->fifo, ev->pid, ev->seq));

    /* it waited last for the record written just before it there */
    if (w != NULL && f != NULL && f->last_pid != 0) {
        bool own = f->last_pid == w->pid;
        char acked_at[48] = "";

        if (f->last_acked != 0)
            snprintf(acked_at, sizeof(acked_at), ", taken at %.3f",
                     ms(o, f->last_acked));
        printf("%10.3f  F%d %d:%" PRIu32 " written; ready since %.3f, it "
               "waited for the ack of %d:%" PRIu32 " (%s%s)\n",
               ms(o, ev->ts), w->fifo, w->pid, w->seq, ms(o, w->ready),
               f->last_pid, f->last_seq,
               own ? "the same client's" : "another client's", acked_at);
        if (own)
            o->nown++;
        else
            o->nwaits++;
    }
    free(w);
    if (f != NULL)
        *f = (struct ov_fifo){ ev->pid, ev->seq, 0, ev->pid, ev->seq, 0 };
}

/* The server takes an ack: it frees the FIFO whose record it answers */
static void
acked(struct overlap *o, const struct tr_event *ev)
{
    for (int fifo = 2; fifo <= 3; fifo++) {
        struct ov_fifo *f = fifo_of(o, ev->vpid, fifo);

        /* a classic SIGUSR2 carries no seq (value 0) */
        if (f != NULL && f->pid != 0 && f->reader == ev->peer_pid &&
            (ev->value == 0 || (uint32_t)ev->value == f->seq)) {
            f->pid = 0;
            f->last_acked = ev->ts;
            return;
        }
    }
}

static void
on_event(const struct tr_event *ev, void *arg)
{
    struct overlap *o = arg;
    struct ov_fifo *f;

    if (o->origin == 0)
        o->origin = ev->ts;
    if (ev->type == TR_PROC_START && strcmp(ev->role, "server") == 0)
        o->server = true;
    if (ev->type == TR_RECORD_READ && ev->fifo == 1) {
        enter(o, ev);
        ready(o, ev, 3);
    } else if (ev->type == TR_RECORD_READ && ev->fifo == 4) {
        ready(o, ev, 2);
    } else if (ev->type == TR_RECORD_WRITE &&
               (ev->fifo == 2 || ev->fifo == 3)) {
        if (ev->fifo == 2)
            leave(o, ev->vpid, ev->pid, ev->seq);
        written(o, ev);
    } else if (ev->type == TR_RECORD_DROP && ev->pid != 0) {
        leave(o, ev->vpid, ev->pid, ev->seq);   /* stale: never answered */
    } else if (ev->type == TR_PROC_EXIT || ev->type == TR_PROC_REAP) {
        ended(o, ev->type == TR_PROC_EXIT ? ev->vpid : ev->child_pid);
    } else if (ev->type == TR_SIGNAL_SEND && strcmp(ev->what, "ready") == 0) {
        /* the ready that follows a write names the record's reader */
        for (int fifo = 2; fifo <= 3; fifo++)
            if ((f = fifo_of(o, ev->vpid, fifo)) != NULL && f->pid != 0 &&
                f->reader == 0 &&
                (ev->value == 0 || (uint32_t)ev->value == f->seq))
                f->reader = ev->peer_pid;
    } else if (ev->type == TR_SIGNAL_CONSUME && strcmp(ev->what, "ack") == 0) {
        acked(o, ev);
    }
}

int
cmd_overlap_run(const struct cmd_args *args)
{
    const char *dir = args->dir;
    struct overlap o = { 0 };
    struct tr_source_info info;
    int rc;

    printf("requests of different clients in the server at once (from its "
           "FIFO1 read to its FIFO2 write or drop), ms:\n");
    rc = tr_source_read(dir, on_event, &o, NULL, &info);
    tr_hash_free_values(&o.fifos);
    tr_hash_free_values(&o.waits);
    if (rc == -1)
        return CMD_FAILED;
    if (!o.server) {
        fprintf(stderr, "%s: overlap: no server in the trace in '%s' (no "
                "process traced itself as 'server')\n", ipc_progname(),
                args->shown);
        return CMD_FAILED;
    }
    if (o.oom) {
        fprintf(stderr, "%s: overlap: out of memory, or more than %d "
                "requests in one server at once\n", ipc_progname(),
                OV_MAX_INSIDE);
        return CMD_FAILED;
    }
    printf("summary: %" PRIu64 " request%s entered beside another "
           "client's; at most %d client%s inside at once", o.together,
           o.together == 1 ? "" : "s", o.most_clients,
           o.most_clients == 1 ? "" : "s");
    if (o.most_clients > 0)
        printf(" (first at %.3f ms)", ms(&o, o.most_at));
    printf("; %" PRIu64 " record%s waited for another client's ack, %"
           PRIu64 " for their own client's\n", o.nwaits,
           o.nwaits == 1 ? "" : "s", o.nown);
    return 0;
}
