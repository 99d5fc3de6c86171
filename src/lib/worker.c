/*
 * worker.c - a processing client's command line and FIFOs (worker.h).
 *
 * The command line is tested through the programs that use it:
 * tests/system/ (the kit's workers) and exercise 03's grader; the
 * server's side (ipc_worker_spawn()) in tests/unit/check_worker.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipclab/cli.h"
#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "ipclab/proc.h"
#include "ipclab/rundir.h"
#include "ipclab/worker.h"

enum { OPT_HELP = 1, OPT_DIR, OPT_ONCE, OPT_SIGNALS, OPT_OP, OPT_DELAY,
       OPT_CRASH, OPT_BY_SERVER };

static const struct ipc_cli_opt options[] = {
    { "help", 0, OPT_HELP },
    { "dir", 1, OPT_DIR },
    { "once", 0, OPT_ONCE },
    { "signals", 1, OPT_SIGNALS },
    { "op", 1, OPT_OP },
    { "delay", 1, OPT_DELAY },
    { "crash-after", 1, OPT_CRASH },
    { "by-server", 0, OPT_BY_SERVER },
    { NULL, 0, 0 },
};

/* The operation named by the program's name, "ipclab-sum": sum; or 0 */
static enum ipc_op
op_from_progname(void)
{
    const char *dash = strrchr(ipc_progname(), '-');

    return dash != NULL ? ipc_op_from_name(dash + 1) : 0;
}

void
ipc_worker_args_or_exit(int argc, char *argv[], struct ipc_worker_args *args,
                        void (*usage)(void))
{
    struct ipc_cli cli = IPCLAB_CLI_INIT(argc, argv);
    const char *arg;
    int id;

    *args = (struct ipc_worker_args){ .op = op_from_progname(),
                                      .mode = IPCLAB_SIG_RT };
    while ((id = ipc_cli_next_or_exit(&cli, options, &arg)) !=
           IPCLAB_CLI_END) {
        switch (id) {
        case OPT_HELP:
            usage();
            ipc_cli_help_exit();
        case OPT_DIR:
            args->dir = arg;
            break;
        case OPT_ONCE:
            args->once = 1;
            break;
        case OPT_BY_SERVER:
            args->by_server = 1;
            break;
        case OPT_DELAY:
            args->delay_ms = (int)ipc_cli_int_or_exit("delay", arg, 0,
                                                      3600000);
            break;
        case OPT_CRASH:
            args->crash_after = (long)ipc_cli_int_or_exit("crash-after",
                                                          arg, 1, 1000000);
            break;
        case OPT_SIGNALS:
            if (ipc_sig_mode_parse(arg, &args->mode) == -1)
                ipc_usage_error("--signals must be rt or classic");
            break;
        case OPT_OP:
            if ((args->op = ipc_op_from_name(arg)) == 0)
                ipc_usage_error("unknown operation '%s'", arg);
            break;
        case IPCLAB_CLI_OPERAND:
            ipc_usage_error("unexpected argument '%s'", arg);
        }
    }
    if (args->op == 0)
        ipc_usage_error("which operation? run as ipclab-sum, -sub, -mul or "
                        "-div, or give --op");
}

void
ipc_worker_open_fifos_or_exit(const char *dir, int *fd3, int *fd4)
{
    char buf[PATH_MAX];
    int dirfd;

    if (ipc_rundir_resolve(dir, buf, sizeof(buf)) == -1)
        ipc_die("runtime directory name too long");
    /* opened once and checked through the descriptor (rundir.h) */
    if ((dirfd = ipc_rundir_open(buf, 0)) == -1)
        ipc_die("unsafe or missing runtime directory '%s'", buf);
    *fd3 = ipc_rundir_fifo_open_or_exit(dirfd, buf, IPCLAB_FIFO3,
                                        O_RDONLY | O_NONBLOCK);
    *fd4 = ipc_rundir_fifo_open_or_exit(dirfd, buf, IPCLAB_FIFO4,
                                        O_WRONLY | O_NONBLOCK);
    close(dirfd);
}

int
ipc_worker_path(char *buf, size_t size, const char *worker_dir,
                enum ipc_op op)
{
    int n = snprintf(buf, size, "%s/ipclab-%s", worker_dir, ipc_op_name(op));

    if (n < 0 || (size_t)n >= size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

pid_t
ipc_worker_spawn(const char *worker_dir, const struct ipc_worker_args *args)
{
    char path[PATH_MAX], delay[24], crash[24];
    char *argv[14];
    sigset_t mask;
    int n = 0;

    if (ipc_worker_path(path, sizeof(path), worker_dir, args->op) == -1)
        return -1;
    argv[n++] = path;
    argv[n++] = "--by-server";
    if (args->dir != NULL) {
        argv[n++] = "--dir";
        argv[n++] = (char *)args->dir;
    }
    argv[n++] = "--signals";
    argv[n++] = (char *)ipc_sig_mode_name(args->mode);
    if (args->once)
        argv[n++] = "--once";
    if (args->delay_ms > 0) {
        snprintf(delay, sizeof(delay), "%d", args->delay_ms);
        argv[n++] = "--delay";
        argv[n++] = delay;
    }
    if (args->crash_after > 0) {
        snprintf(crash, sizeof(crash), "%ld", args->crash_after);
        argv[n++] = "--crash-after";
        argv[n++] = crash;
    }
    argv[n] = NULL;

    /* SIGINT and SIGTERM wait until the worker has chosen what they do */
    sigemptyset(&mask);
    ipc_sig_addset_protocol(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    return ipc_spawn(ipc_op_name(args->op), path, argv, &mask);
}
