/*
 * main.c - exercise 03: the processing client's set-up (given).
 *
 * One program, four names: built as ipclab-sum, -sub, -mul and -div in
 * BUILD/exercises/03/, so that the reference server runs it with
 *
 *     build/bin/ipclab-server --worker-dir build/exercises/03
 *
 * The name picks the operation, as for the kit's own workers. This file
 * parses the options the server passes (docs/protocol.md, section 6),
 * blocks the signals and opens the FIFOs; the protocol is in worker.c
 * and the arithmetic in compute.c, which you write.
 * Exercise 03 (given code: no TODO here).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ipclab/cli.h"
#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "ipclab/rundir.h"
#include "ipclab/trace.h"
#include "worker.h"

enum { OPT_HELP = 1, OPT_DIR, OPT_ONCE, OPT_SIGNALS, OPT_OP, OPT_DELAY,
       OPT_CRASH };

static const struct ipc_cli_opt options[] = {
    { "help", 0, OPT_HELP },
    { "dir", 1, OPT_DIR },
    { "once", 0, OPT_ONCE },
    { "signals", 1, OPT_SIGNALS },
    { "op", 1, OPT_OP },
    { "delay", 1, OPT_DELAY },
    { "crash-after", 1, OPT_CRASH },
    { NULL, 0, 0 },
};

static void
open_fifos(struct wk *w, const char *dir)
{
    char path[PATH_MAX];

    if (ipc_rundir_check(dir) == -1)
        ipc_die("unsafe or missing runtime directory '%s'", dir);
    /* non-blocking opens: the server holds both ends, it never waits */
    if (ipc_rundir_fifo(path, sizeof(path), dir, IPC_FIFO3) == -1 ||
        (w->fd3 = ipc_fifo_open(IPC_FIFO3, path, O_RDONLY | O_NONBLOCK)) == -1)
        ipc_die("cannot open '%s'", path);
    if (ipc_rundir_fifo(path, sizeof(path), dir, IPC_FIFO4) == -1 ||
        (w->fd4 = ipc_fifo_open(IPC_FIFO4, path, O_WRONLY | O_NONBLOCK)) == -1)
        ipc_die("cannot open '%s'", path);
}

int
main(int argc, char *argv[])
{
    struct wk w = { .fd3 = -1, .fd4 = -1 };
    struct ipc_cli cli = IPC_CLI_INIT(argc, argv);
    enum ipc_sig_mode mode = IPC_SIG_RT;
    const char *dir_opt = NULL, *arg, *dash;
    char dir[PATH_MAX];
    int id, status;

    ipc_set_progname(argv[0]);
    dash = strrchr(ipc_progname(), '-');
    w.op = dash != NULL ? ipc_op_from_name(dash + 1) : 0;
    while ((id = ipc_cli_next(&cli, options, &arg)) != IPC_CLI_END) {
        switch (id) {
        case OPT_HELP:
            printf("Usage: %s [--dir DIR] [--once] [--signals rt|classic]\n"
                   "Exercise 03's processing client; ipclab-server starts "
                   "it.\n", ipc_progname());
            return 0;
        case OPT_DIR:     dir_opt = arg; break;
        case OPT_ONCE:    w.once = 1; break;
        case OPT_DELAY:
            w.delay_ms = (int)ipc_cli_int("delay", arg, 0, 3600000);
            break;
        case OPT_CRASH:
            w.crash_after = (long)ipc_cli_int("crash-after", arg, 1, 1000000);
            break;
        case OPT_SIGNALS:
            if (ipc_sig_mode_parse(arg, &mode) == -1)
                ipc_usage_error("--signals must be rt or classic");
            break;
        case OPT_OP:
            if ((w.op = ipc_op_from_name(arg)) == 0)
                ipc_usage_error("unknown operation '%s'", arg);
            break;
        case IPC_CLI_OPERAND:
            ipc_usage_error("unexpected argument '%s'", arg);
        }
    }
    if (w.op == 0)
        ipc_usage_error("which operation? run as ipclab-sum, -sub, -mul or "
                        "-div, or give --op");
    w.role = ipc_op_name(w.op);
    w.server = getppid();
    ipc_sigs_init(&w.sigs, mode);

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

    IPC_TRACE(proc_start, w.role, (int)w.server);
    if (ipc_rundir_resolve(dir_opt, dir, sizeof(dir)) == -1)
        ipc_die("runtime directory name too long");
    open_fifos(&w, dir);

    status = wk_loop(&w);
    if (status != 0)
        ipc_warnx("stopping: the server is gone or the protocol failed");
    IPC_TRACE(proc_exit, w.role, status);
    return status;
}
