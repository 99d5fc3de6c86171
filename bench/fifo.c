/*
 * bench/fifo.c - the FIFO baselines: how fast one record goes between
 * processes when nothing else is in the way.
 *
 *   pingpong:  client --FIFO1--> answerer --FIFO2--> client       2 hops
 *   pipeline:  client --FIFO1--> server --FIFO3--> worker
 *                     <--FIFO2-- server <--FIFO4--                4 hops
 *
 * The pipeline is the reference system's path without its signals: each
 * FIFO has one reader, so nobody has to be told when to read. Every
 * process opens its ends as the reference programs do (each open() waits
 * for the other end), then writes, reads and validates records with the
 * kit's own ipc_rec_write() and ipc_rec_read_one(), one request in
 * flight, so these figures are the floor under the reference system's
 * round trip. The client's end of file travels down the chain.
 *
 *   ipclab-bench pingpong [--iter N] [--cpu N]
 *   ipclab-bench pipeline [--iter N] [--cpu N]
 *
 * Prints "result p50_ns=... p99_ns=... mean_ns=... iter=N".
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "bench.h"

/* FIFO 'no' of directory dir, opened for flags: waits for the other end */
static int
fifo(const char *dir, enum ipc_fifo_no no, int flags)
{
    char path[PATH_MAX + 16];
    int fd;

    snprintf(path, sizeof(path), "%s/fifo%d", dir, (int)no);
    if ((fd = ipc_fifo_open(no, path, flags)) == -1)
        ipc_die_child("cannot open '%s'", path);
    return fd;
}

/* A fresh directory with FIFO1 to FIFO 'n' into dir */
static void
make_fifos(char *dir, size_t size, int n)
{
    char path[PATH_MAX + 16];

    bench_tmpdir(dir, size, "fifo");
    for (int no = 1; no <= n; no++) {
        snprintf(path, sizeof(path), "%s/fifo%d", dir, no);
        if (ipc_fifo_create((enum ipc_fifo_no)no, path, 0600) == -1)
            ipc_die("cannot create FIFO '%s'", path);
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

/* The answerer's or the worker's part: a request in FIFO 'in', its
   result out through FIFO 'out', until end of file */
static void
answer_loop(const char *dir, enum ipc_fifo_no in_no, enum ipc_fifo_no out_no)
{
    int in = fifo(dir, in_no, O_RDONLY), out = fifo(dir, out_no, O_WRONLY);
    struct ipc_record r;

    while (take(in, in_no, &r, IPCLAB_KIND_REQUEST)) {
        ipc_rec_make_result(&r, 0, r.a + r.b);
        give(out, out_no, &r);
    }
    _exit(0);
}

/* The client's part: a request into FIFO1, its result from FIFO2 */
struct client {
    int out, in;
};

static void
round_trip(void *arg, long i)
{
    const struct client *c = arg;
    struct ipc_record req, res;

    ipc_rec_request(&req, IPCLAB_OP_SUM, i, 1, (uint32_t)(i + 1001));
    give(c->out, IPCLAB_FIFO1, &req);
    if (!take(c->in, IPCLAB_FIFO2, &res, IPCLAB_KIND_RESULT))
        ipc_diex("the other side ended early");
}

/* The server's part of the raw pipeline: one request in flight, in order */
static void
relay_loop(const char *dir)
{
    int fd1 = fifo(dir, IPCLAB_FIFO1, O_RDONLY);
    int fd2 = fifo(dir, IPCLAB_FIFO2, O_WRONLY);
    int fd3 = fifo(dir, IPCLAB_FIFO3, O_WRONLY);
    int fd4 = fifo(dir, IPCLAB_FIFO4, O_RDONLY);
    struct ipc_record r;

    while (take(fd1, IPCLAB_FIFO1, &r, IPCLAB_KIND_REQUEST)) {
        give(fd3, IPCLAB_FIFO3, &r);
        if (!take(fd4, IPCLAB_FIFO4, &r, IPCLAB_KIND_RESULT))
            ipc_die_child("the worker ended early");
        give(fd2, IPCLAB_FIFO2, &r);
    }
    _exit(0);
}

/* pingpong, or the pipeline: its processes, then the client's trips */
static int
chain(int argc, char *argv[], bool pipeline, const char *usage)
{
    struct bench_opts o = { .iter = 20000, .cpu = -1 };
    struct client c;
    char dir[PATH_MAX];
    int failed;

    bench_options(argc, argv, usage, &o);
    make_fifos(dir, sizeof(dir), pipeline ? 4 : 2);
    if (bench_fork() == 0) {
        if (pipeline)
            relay_loop(dir);
        answer_loop(dir, IPCLAB_FIFO1, IPCLAB_FIFO2);
    }
    if (pipeline && bench_fork() == 0)
        answer_loop(dir, IPCLAB_FIFO3, IPCLAB_FIFO4);
    c.out = fifo(dir, IPCLAB_FIFO1, O_WRONLY);
    c.in = fifo(dir, IPCLAB_FIFO2, O_RDONLY);
    bench_time_trips(o.iter, round_trip, &c);
    close(c.out);               /* end of file down the chain: all end */
    close(c.in);
    failed = bench_reap(pipeline ? 2 : 1);
    bench_rmtree(dir);
    return failed;
}

int
bench_pingpong(int argc, char *argv[])
{
    return chain(argc, argv, false,
                 "Usage: ipclab-bench pingpong [--iter N] [--cpu N]\n"
                 "One record back and forth between two processes "
                 "through two FIFOs.\n");
}

int
bench_pipeline(int argc, char *argv[])
{
    return chain(argc, argv, true,
                 "Usage: ipclab-bench pipeline [--iter N] [--cpu N]\n"
                 "One record through client -> server -> worker -> "
                 "server -> client,\nover four FIFOs, no signals.\n");
}
