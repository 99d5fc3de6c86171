/*
 * bench/fifo.c - the FIFO baselines: how fast one record goes between
 * processes when nothing else is in the way.
 *
 *   pingpong:  A --fifo a--> B --fifo b--> A                      2 hops
 *   pipeline:  client --FIFO1--> server --FIFO3--> worker
 *                     <--FIFO2-- server <--FIFO4--                4 hops
 *
 * The pipeline is the reference system's path without its signals: each
 * FIFO has one reader, so nobody has to be told when to read. Every
 * process writes, reads and validates records with the kit's own
 * ipc_rec_write() and ipc_rec_read_one(), one request in flight, so these
 * figures are the floor under the reference system's round trip.
 *
 *   ipclab-bench pingpong [--iter N] [--cpu N]
 *   ipclab-bench pipeline [--iter N] [--cpu N]
 *
 * Prints "result p50_ns=... p99_ns=... mean_ns=... iter=N".
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "ipclab/proc.h"
#include "bench.h"

/* Both ends of one FIFO, opened by the parent before anyone forks */
struct fifo {
    int rfd, wfd;
};

/*
 * Create FIFO 'name' in dir and open both ends here: the read end first
 * and non-blocking, so that neither open waits for another process, then
 * both made blocking. Each process forked afterwards keeps the ends it
 * uses and closes the rest, so EOF still travels down the chain.
 */
static void
fifo_setup(const char *dir, const char *name, enum ipc_fifo_no no,
           struct fifo *f)
{
    char path[PATH_MAX];

    if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
        (int)sizeof(path))
        ipc_diex("path too long");
    if (ipc_fifo_create(no, path, 0600) == -1)
        ipc_die("cannot create FIFO '%s'", path);
    if ((f->rfd = ipc_fifo_open(no, path, O_RDONLY | O_NONBLOCK)) == -1 ||
        (f->wfd = ipc_fifo_open(no, path, O_WRONLY | O_NONBLOCK)) == -1 ||
        ipc_fd_set_nonblock(f->rfd, 0) == -1 ||
        ipc_fd_set_nonblock(f->wfd, 0) == -1)
        ipc_die("cannot open '%s'", path);
}

/* Close every end in fifos[0..n) except the descriptors in keep[] */
static void
keep_only(struct fifo *fifos, int n, const int keep[], int nkeep)
{
    for (int i = 0; i < n; i++) {
        int *ends[2] = { &fifos[i].rfd, &fifos[i].wfd };

        for (int e = 0; e < 2; e++) {
            bool kept = false;

            for (int k = 0; k < nkeep; k++)
                kept = kept || keep[k] == *ends[e];
            if (!kept) {
                close(*ends[e]);
                *ends[e] = -1;
            }
        }
    }
}

/* Read one record of kind 'expect' or die; false at EOF (we are done) */
static bool
take(int fd, enum ipc_fifo_no no, struct ipc_record *r, enum ipc_kind expect)
{
    int n = ipc_rec_read_one(fd, no, r, expect);

    if (n == -1)
        ipc_die_child("cannot read FIFO%d", (int)no);
    return n == 1;
}

static void
give(int fd, enum ipc_fifo_no no, const struct ipc_record *r)
{
    if (ipc_rec_write(fd, no, r, -1) == -1)
        ipc_die_child("cannot write FIFO%d", (int)no);
}

/* The worker's part: a request in, its result out, until EOF */
static void
answer_loop(int in, enum ipc_fifo_no in_no, int out, enum ipc_fifo_no out_no)
{
    struct ipc_record r;

    while (take(in, in_no, &r, IPCLAB_KIND_REQUEST)) {
        ipc_rec_make_result(&r, 0, r.a + r.b);
        give(out, out_no, &r);
    }
    _exit(0);
}

/* The requesting side: a request into out, its result from in */
struct client {
    int out, in;
    enum ipc_fifo_no out_no, in_no;
};

static void
round_trip(void *arg, long i)
{
    const struct client *c = arg;
    struct ipc_record req, res;

    ipc_rec_request(&req, IPCLAB_OP_SUM, i, 1, (uint32_t)(i + 1001));
    give(c->out, c->out_no, &req);
    if (!take(c->in, c->in_no, &res, IPCLAB_KIND_RESULT))
        ipc_diex("the other side ended early");
}

int
bench_pingpong(int argc, char *argv[])
{
    struct bench_opts o = { .iter = 20000, .cpu = -1 };
    struct fifo f[2];           /* a: A --> B, b: B --> A */
    char dir[PATH_MAX];
    int failed;

    bench_options(argc, argv,
                  "Usage: ipclab-bench pingpong [--iter N] [--cpu N]\n"
                  "One record back and forth between two processes "
                  "through two FIFOs.\n", &o);
    bench_tmpdir(dir, sizeof(dir), "fifo");
    fifo_setup(dir, "a", IPCLAB_FIFO_LAB, &f[0]);
    fifo_setup(dir, "b", IPCLAB_FIFO_LAB, &f[1]);
    if (bench_fork() == 0) {
        keep_only(f, 2, (int[]){ f[0].rfd, f[1].wfd }, 2);
        answer_loop(f[0].rfd, IPCLAB_FIFO_LAB, f[1].wfd, IPCLAB_FIFO_LAB);
    }
    keep_only(f, 2, (int[]){ f[0].wfd, f[1].rfd }, 2);
    bench_time_trips(o.iter, round_trip, &(struct client){
                     f[0].wfd, f[1].rfd, IPCLAB_FIFO_LAB, IPCLAB_FIFO_LAB });
    close(f[0].wfd);            /* EOF: B ends */
    failed = bench_reap(1);
    bench_rmtree(dir);
    return failed;
}

/* The server's part of the raw pipeline: one request in flight, in order */
static void
relay_loop(struct fifo f[4])
{
    struct ipc_record r;

    while (take(f[0].rfd, IPCLAB_FIFO1, &r, IPCLAB_KIND_REQUEST)) {
        give(f[2].wfd, IPCLAB_FIFO3, &r);
        if (!take(f[3].rfd, IPCLAB_FIFO4, &r, IPCLAB_KIND_RESULT))
            ipc_die_child("the worker ended early");
        give(f[1].wfd, IPCLAB_FIFO2, &r);
    }
    _exit(0);
}

int
bench_pipeline(int argc, char *argv[])
{
    struct bench_opts o = { .iter = 20000, .cpu = -1 };
    struct fifo f[4];           /* FIFO1..FIFO4 at f[0..3] */
    char dir[PATH_MAX];
    int failed;

    bench_options(argc, argv,
                  "Usage: ipclab-bench pipeline [--iter N] [--cpu N]\n"
                  "One record through client -> server -> worker -> "
                  "server -> client,\nover four FIFOs, no signals.\n", &o);
    bench_tmpdir(dir, sizeof(dir), "fifo");
    for (int i = 0; i < 4; i++) {
        char name[8];

        snprintf(name, sizeof(name), "fifo%d", i + 1);
        fifo_setup(dir, name, (enum ipc_fifo_no)(i + 1), &f[i]);
    }
    if (bench_fork() == 0) {                   /* the server */
        keep_only(f, 4, (int[]){ f[0].rfd, f[1].wfd, f[2].wfd, f[3].rfd },
                  4);
        relay_loop(f);
    }
    if (bench_fork() == 0) {                   /* the worker */
        keep_only(f, 4, (int[]){ f[2].rfd, f[3].wfd }, 2);
        answer_loop(f[2].rfd, IPCLAB_FIFO3, f[3].wfd, IPCLAB_FIFO4);
    }
    keep_only(f, 4, (int[]){ f[0].wfd, f[1].rfd }, 2);     /* the client */
    bench_time_trips(o.iter, round_trip, &(struct client){
                     f[0].wfd, f[1].rfd, IPCLAB_FIFO1, IPCLAB_FIFO2 });
    close(f[0].wfd);            /* EOF down the chain: both end */
    failed = bench_reap(2);
    bench_rmtree(dir);
    return failed;
}
