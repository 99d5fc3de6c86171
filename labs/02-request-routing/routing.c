/*
 * labs/02-request-routing/routing.c - a server that routes each request
 * to the processing client of its operation.
 *
 *   client --+                          +--> sum   (FIFO "to-sum")
 *            +-- FIFO1 --> lab (server) +--> sub   (FIFO "to-sub")
 *   client --+                 ^        +--> mul   ...
 *                              |        +--> div
 *                              +------ FIFO4 <-- every worker's results
 *
 * The lab plays the server: it reads requests from FIFO1, looks at each
 * one's operation, traces its decision (ipclab:route) and writes the
 * request into the FIFO of that operation's worker. A request for an
 * operation nobody computes is answered at once with EINVAL. The workers
 * compute with ipc_calc_apply() and write results into FIFO4, which has
 * many writers, like FIFO1. Here every worker has a FIFO of its own, so no
 * signal is needed; the reference system shares one FIFO, FIFO3, between
 * its workers, and lab 04 shows what that takes. The results stay with the
 * server: the way back to the clients is lab 04's subject too.
 *
 * Run:   build/bin/lab02-request-routing routing
 * The reference server's routing is route_request() and worker_for()
 * in src/server/route.c. Lab 02, step 4.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

#include "ipclab/calc.h"
#include "ipclab/fifo.h"
#include "ipclab/trace.h"
#include "lab.h"
#include "lab02.h"

#define NCLIENTS 2
#define NREQ     4              /* per client */

static const struct {
    uint32_t op;                /* 7: an operation that does not exist */
    int64_t a, b;
} requests[NCLIENTS][NREQ] = {
    { { IPCLAB_OP_MUL, 6, 7 }, { IPCLAB_OP_DIV, 10, 2 }, { 7, 1, 1 },
      { IPCLAB_OP_SUM, 2, 2 } },
    { { IPCLAB_OP_SUB, 9, 10 }, { IPCLAB_OP_DIV, 1, 0 },
      { IPCLAB_OP_MUL, 3, 3 }, { IPCLAB_OP_SUM, 5, 5 } },
};
static const int client_no[NCLIENTS] = { 0, 1 };
static const enum ipc_op worker_op[IPCLAB_OP_COUNT + 1] = { 0, 1, 2, 3, 4 };

/* The FIFO of the worker for 'op', into buf */
static const char *
to_path(char buf[static PATH_MAX], uint32_t op)
{
    char name[16];

    snprintf(name, sizeof(name), "to-%s", ipc_op_name(op));
    return lab_path(buf, name);
}

/* Peer: a client sends its requests into FIFO1. */
static int
route_client(void *arg)
{
    char fifo1[PATH_MAX];
    int k = *(const int *)arg;
    int fd = ipc_fifo_open(IPCLAB_FIFO1, lab_path(fifo1, "fifo1"), O_WRONLY);
    struct ipc_record rec;

    for (int i = 0; fd >= 0 && i < NREQ; i++) {
        ipc_rec_request(&rec, (enum ipc_op)requests[k][i].op,
                        requests[k][i].a, requests[k][i].b, (uint32_t)i + 1);
        if (ipc_rec_write(fd, IPCLAB_FIFO1, &rec, -1) == -1)
            return 1;
    }
    return fd >= 0 ? 0 : 1;
}

/* Peer: a worker computes what comes through its FIFO, until end of file. */
static int
worker(void *arg)
{
    char to[PATH_MAX], fifo4[PATH_MAX];
    enum ipc_op op = *(const enum ipc_op *)arg;
    int in = ipc_fifo_open(IPCLAB_FIFO_LAB, to_path(to, op), O_RDONLY);
    int out = ipc_fifo_open(IPCLAB_FIFO4, lab_path(fifo4, "fifo4"), O_WRONLY);
    struct ipc_record rec;
    int r;

    while (in >= 0 && out >= 0 &&
           (r = ipc_rec_read_one(in, IPCLAB_FIFO_LAB, &rec,
                                 IPCLAB_KIND_REQUEST)) == 1) {
        int64_t v = 0;
        /* a request for another operation was misrouted: refuse it */
        int status = rec.op == op ? ipc_calc_apply(rec.op, rec.a, rec.b, &v)
                                  : EINVAL;

        ipc_rec_make_result(&rec, status, v);
        if (ipc_rec_write(out, IPCLAB_FIFO4, &rec, -1) == -1)
            return 1;
    }
    return in >= 0 && out >= 0 && r == 0 ? 0 : 1;  /* EOF: server closed */
}

/* Say what came back, and check it against our own arithmetic. */
static bool
check_result(const struct ipc_record *res)
{
    int64_t v = 0;
    int status = ipc_calc_apply(res->op, res->a, res->b, &v);

    if (res->status != 0)
        lab_say("result %d:%u: %lld %c %lld: %s", res->pid, res->seq,
                (long long)res->a, ipc_op_symbol(res->op), (long long)res->b,
                ipc_status_text(res->status));
    else
        lab_say("result %d:%u: %lld %c %lld = %lld", res->pid, res->seq,
                (long long)res->a, ipc_op_symbol(res->op), (long long)res->b,
                (long long)res->value);
    return lab_expect(res->status == status && (status != 0 ||
                      res->value == v), "that is right");
}

bool
exp_routing(void)
{
    char fifo1[PATH_MAX], fifo4[PATH_MAX], path[PATH_MAX];
    pid_t workers[IPCLAB_OP_COUNT + 1], clients[NCLIENTS];
    int to[IPCLAB_OP_COUNT + 1], got_req = 0, got_res = 0;
    struct ipc_rec_reader in1, in4;
    struct ipc_record rec;
    bool ok = true;

    lab_fifo(IPCLAB_FIFO1, lab_path(fifo1, "fifo1"));
    lab_fifo(IPCLAB_FIFO4, lab_path(fifo4, "fifo4"));
    for (uint32_t op = 1; op <= IPCLAB_OP_COUNT; op++)
        lab_fifo(IPCLAB_FIFO_LAB, to_path(path, op));
    /* fork before opening anything: a peer must not inherit our ends */
    for (int k = 0; k < NCLIENTS; k++)
        clients[k] = lab_fork("client", route_client, (void *)&client_no[k]);
    for (uint32_t op = 1; op <= IPCLAB_OP_COUNT; op++)
        workers[op] = lab_fork(ipc_op_name(op), worker,
                               (void *)&worker_op[op]);
    ipc_rec_reader_init(&in4, lab_open(IPCLAB_FIFO4, fifo4,
                                       O_RDONLY | O_NONBLOCK),
                        IPCLAB_FIFO4, IPCLAB_KIND_RESULT);
    ipc_rec_reader_init(&in1, lab_open(IPCLAB_FIFO1, fifo1,
                                       O_RDONLY | O_NONBLOCK),
                        IPCLAB_FIFO1, IPCLAB_KIND_REQUEST);
    for (uint32_t op = 1; op <= IPCLAB_OP_COUNT; op++)   /* rendezvous */
        to[op] = lab_open(IPCLAB_FIFO_LAB, to_path(path, op), O_WRONLY);

    while (ok && got_res < NCLIENTS * NREQ) {
        struct pollfd p[2] = { { .fd = in4.fd, .events = POLLIN },
                               { .fd = in1.fd, .events = POLLIN } };

        /* once every request is in, stop polling FIFO1: with its writers
           gone it would report POLLHUP at once, for ever */
        if (poll(p, got_req < NCLIENTS * NREQ ? 2 : 1, LAB_WAIT_MS) == 0)
            ok = lab_expect(false, "nothing came for %d ms", LAB_WAIT_MS);
        ipc_rec_reader_fill(&in1);
        while (ipc_rec_reader_next(&in1, &rec) == 1) {
            got_req++;
            if (rec.op < 1 || rec.op > IPCLAB_OP_COUNT) {
                IPCLAB_TP(error, "unknown operation", EINVAL);
                ipc_rec_make_result(&rec, EINVAL, 0);
                lab_say("request %d:%u has operation %u: no worker for it, "
                        "answered EINVAL at once", rec.pid, rec.seq, rec.op);
                ok &= check_result(&rec);
                got_res++;
                continue;
            }
            IPCLAB_TP(route, rec.pid, rec.seq, (int)rec.op, workers[rec.op]);
            lab_say("request %d:%u %lld %c %lld --> %s %ld", rec.pid, rec.seq,
                    (long long)rec.a, ipc_op_symbol(rec.op), (long long)rec.b,
                    ipc_op_name(rec.op), (long)workers[rec.op]);
            ok &= ipc_rec_write(to[rec.op], IPCLAB_FIFO_LAB, &rec, -1) == 0;
        }
        ipc_rec_reader_fill(&in4);
        while (ipc_rec_reader_next(&in4, &rec) == 1) {
            ok &= check_result(&rec);
            got_res++;
        }
    }
    ok &= lab_expect(got_req == NCLIENTS * NREQ && got_res == got_req,
                     "%d requests, each routed by its operation and answered",
                     got_req);
    for (uint32_t op = 1; op <= IPCLAB_OP_COUNT; op++) {
        close(to[op]);          /* end of file: the worker ends */
        ok &= lab_wait(workers[op], ipc_op_name(op)) == 0;
        unlink(to_path(path, op));
    }
    for (int k = 0; k < NCLIENTS; k++)
        ok &= lab_wait(clients[k], "client") == 0;
    close(in1.fd);
    close(in4.fd);
    unlink(fifo1);
    unlink(fifo4);
    return ok;
}
