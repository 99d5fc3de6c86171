/*
 * main.c - exercise 03: the processing client's set-up (given).
 *
 * One program, four names: built as ipclab-sum, -sub, -mul and -div in
 * BUILD/exercises/03/, so that the reference server runs it with
 *
 *     build/bin/ipclab-server --worker-dir build/exercises/03
 *
 * The name picks the operation, as for the kit's own workers. This file
 * parses the options the server passes (docs/protocol.md, section 6) and
 * opens the FIFOs with the kit's own code (include/ipclab/worker.h), and
 * blocks the signals; the protocol is in worker.c and the arithmetic in
 * compute.c, which you write.
 * Exercise 03 (given code: no TODO here).
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/trace.h"
#include "ipclab/worker.h"
#include "worker.h"

static void
usage(void)
{
    printf("Usage: %s [--dir DIR] [--once] [--signals rt|classic]\n"
           "Exercise 03's processing client; ipclab-server starts it.\n",
           ipc_progname());
}

int
main(int argc, char *argv[])
{
    struct wk w = { .fd3 = -1, .fd4 = -1 };
    struct ipc_worker_args args;
    int status;

    ipc_set_progname(argv[0]);
    ipc_worker_args_or_exit(argc, argv, &args, usage);
    w.op = args.op;
    w.once = args.once;
    w.delay_ms = args.delay_ms;
    w.crash_after = args.crash_after;
    w.role = ipc_op_name(w.op);
    w.server = getppid();
    ipc_sigs_init(&w.sigs, args.mode);

    /* block before anything can arrive: a ready may already be queued
       (the server blocked it for us from our first instant) */
    sigemptyset(&w.waitset);
    sigaddset(&w.waitset, w.sigs.ready);
    sigaddset(&w.waitset, SIGTERM);
    sigaddset(&w.waitset, SIGINT);
    if (sigprocmask(SIG_BLOCK, &w.waitset, NULL) == -1)
        ipc_die("sigprocmask");
    /* SIGPIPE ignored: a vanished server shows up as EPIPE */
    signal(SIGPIPE, SIG_IGN);

    IPCLAB_TP(proc_start, w.role, (int)w.server);
    ipc_worker_open_fifos_or_exit(args.dir, &w.fd3, &w.fd4);

    status = wk_loop(&w);
    if (status != 0)
        ipc_warnx("stopping: the server is gone or the protocol failed");
    IPCLAB_TP(proc_exit, w.role, status);
    return status;
}
