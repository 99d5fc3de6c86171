/*
 * main.c - exercise 05: ex05-server's set-up and loop (given).
 *
 *   ex05-server [--dir DIR] [--worker-dir DIR] [--ack-timeout MS]
 *               [--signals rt|classic]
 *
 * A stand-in for ipclab-server that reference clients use unchanged:
 * it takes the runtime directory's lock, creates FIFO1..FIFO4, starts
 * the reference processing clients (ipclab-sum... from --worker-dir,
 * default: build/bin), prints "ready: DIR", and serves until SIGINT or
 * SIGTERM. What a request goes through is ms.c, which you write.
 * Exercise 05 (given code: no TODO here).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipclab/cli.h"
#include "ipclab/err.h"
#include "ipclab/proc.h"
#include "ipclab/rundir.h"
#include "ipclab/trace.h"
#include "ipclab/worker.h"
#include "ms.h"

enum { OPT_HELP = 1, OPT_DIR, OPT_WORKER_DIR, OPT_ACK_TIMEOUT, OPT_SIGNALS };

static const struct ipc_cli_opt options[] = {
    { "help", 0, OPT_HELP },
    { "dir", 1, OPT_DIR },
    { "worker-dir", 1, OPT_WORKER_DIR },
    { "ack-timeout", 1, OPT_ACK_TIMEOUT },
    { "signals", 1, OPT_SIGNALS },
    { NULL, 0, 0 },
};

/* Create FIFO 'no' and open both its ends: ours, so no EOF */
static void
open_both_ends(const char *dir, enum ipc_fifo_no no, int *rfd, int *wfd)
{
    char path[PATH_MAX];

    if (ipc_rundir_fifo(path, sizeof(path), dir, no) == -1)
        ipc_diex("runtime directory name too long");
    /* we hold the lock: one there was left by a crash */
    if (unlink(path) == -1 && errno != ENOENT)
        ipc_die("cannot remove the old FIFO '%s'", path);
    if (ipc_fifo_open_both_at(AT_FDCWD, no, path, 0600, rfd, wfd) == -1)
        ipc_die("cannot create or open FIFO '%s'", path);
}

/* One processing client per operation, as ipclab-server's pool */
static void
start_workers(struct ms *m, const char *worker_dir)
{
    struct ipc_worker_args args = { .mode = m->sigs.mode, .dir = m->dir };

    for (args.op = 1; args.op <= IPCLAB_OP_COUNT; args.op++) {
        m->workers[args.op] = ipc_worker_spawn(worker_dir, &args);
        if (m->workers[args.op] == -1)
            ipc_die("cannot start ipclab-%s from '%s'",
                    ipc_op_name(args.op), worker_dir);
    }
}

/* A worker died: forget it (its requests time out into EIO). */
static void
reap_workers(struct ms *m)
{
    pid_t pid;
    int code;

    while ((pid = ipc_reap(-1, "worker", &code)) > 0)
        for (uint32_t op = 1; op <= IPCLAB_OP_COUNT; op++)
            if (m->workers[op] == pid)
                m->workers[op] = 0;
}

static void
stop_workers(struct ms *m)
{
    int64_t deadline = ipc_deadline_ms(3000);

    for (uint32_t op = 1; op <= IPCLAB_OP_COUNT; op++)
        if (m->workers[op] > 0)
            ipc_sig_send(&m->sigs, SIGTERM, "stop", m->workers[op], 0);
    while (ipc_ms_until(deadline) > 0) {
        reap_workers(m);
        if (ipc_reap(-1, "worker", &(int){ 0 }) == -1)
            return;             /* ECHILD: every one reaped */
        ipc_sleep_ms(20);
    }
    for (uint32_t op = 1; op <= IPCLAB_OP_COUNT; op++)
        if (m->workers[op] > 0)
            if (kill(m->workers[op], SIGKILL) == -1)
                ipc_warn("cannot kill worker %d", (int)m->workers[op]);
}

int
main(int argc, char *argv[])
{
    static struct ms m;
    struct ipc_cli cli = IPCLAB_CLI_INIT(argc, argv);
    enum ipc_sig_mode mode = IPCLAB_SIG_RT;
    const char *dir_opt = NULL, *worker_dir = "build/bin", *arg;
    struct timespec zero = { 0, 0 };
    sigset_t blocked, stopset;
    char dir[PATH_MAX];
    int fd1w, fd4w, fd1r, fd4r, id;
    pid_t holder = 0;

    ipc_set_progname(argv[0]);
    m.ack_timeout_ms = 2000;
    m.result_timeout_ms = 5000;
    while ((id = ipc_cli_next_or_exit(&cli, options, &arg)) !=
           IPCLAB_CLI_END) {
        switch (id) {
        case OPT_HELP:
            printf("Usage: %s [--dir DIR] [--worker-dir DIR] "
                   "[--ack-timeout MS] [--signals rt|classic]\n\n"
                   "Exercise 05's server, a stand-in for ipclab-server. Takes\n"
                   "DIR's lock, creates FIFO1..FIFO4, starts the processing\n"
                   "clients found in --worker-dir (default: build/bin), prints\n"
                   "'ready: DIR' and serves until SIGINT or SIGTERM. What a\n"
                   "request goes through is ms.c, which you write.\n",
                   ipc_progname());
            ipc_cli_help_exit();
        case OPT_DIR:         dir_opt = arg; break;
        case OPT_WORKER_DIR:  worker_dir = arg; break;
        case OPT_ACK_TIMEOUT:
            m.ack_timeout_ms = (int)ipc_cli_int_or_exit("ack-timeout", arg,
                                                        1, 60000);
            break;
        case OPT_SIGNALS:
            if (ipc_sig_mode_parse(arg, &mode) == -1)
                ipc_usage_error("--signals must be rt or classic");
            break;
        case IPCLAB_CLI_OPERAND:
            ipc_usage_error("unexpected argument '%s'", arg);
        }
    }
    ipc_sigs_init(&m.sigs, mode);
    if (ipc_rundir_resolve(dir_opt, dir, sizeof(dir)) == -1)
        ipc_usage_error("runtime directory name too long");
    m.dir = dir;
    IPCLAB_TP(proc_start, "server", (int)getppid());

    /* every signal we take is blocked, and taken when we choose */
    sigemptyset(&stopset);
    sigaddset(&stopset, SIGINT);
    sigaddset(&stopset, SIGTERM);
    sigemptyset(&m.ackset);
    sigaddset(&m.ackset, m.sigs.ack);
    blocked = stopset;
    sigaddset(&blocked, m.sigs.ack);
    sigaddset(&blocked, SIGCHLD);
    if (sigprocmask(SIG_BLOCK, &blocked, NULL) == -1)
        ipc_die("sigprocmask");
    /* SIGPIPE ignored: a vanished reader shows up as EPIPE */
    signal(SIGPIPE, SIG_IGN);

    if (ipc_rundir_prepare(dir) == -1)
        ipc_die("unsafe or unusable runtime directory '%s'", dir);
    if (ipc_rundir_lock(dir, mode, &holder) == -1)
        ipc_die("cannot lock '%s' (server %ld?)", dir, (long)holder);
    /* FIFO1 and FIFO4: a write end kept so read() never sees EOF */
    open_both_ends(dir, IPCLAB_FIFO1, &fd1r, &fd1w);
    open_both_ends(dir, IPCLAB_FIFO4, &fd4r, &fd4w);
    m.to_client.no = IPCLAB_FIFO2;
    open_both_ends(dir, IPCLAB_FIFO2, &m.to_client.rfd, &m.to_client.wfd);
    m.to_worker.no = IPCLAB_FIFO3;
    open_both_ends(dir, IPCLAB_FIFO3, &m.to_worker.rfd, &m.to_worker.wfd);
    ipc_rec_reader_init(&m.in1, fd1r, IPCLAB_FIFO1, IPCLAB_KIND_REQUEST);
    ipc_rec_reader_init(&m.in4, fd4r, IPCLAB_FIFO4, IPCLAB_KIND_RESULT);
    start_workers(&m, worker_dir);

    printf("ready: %s\n", dir);
    fflush(stdout);
    IPCLAB_TP(proc_state, "server", "serving");
    for (;;) {
        struct pollfd p = { .fd = fd1r, .events = POLLIN };
        struct ipc_record req;

        if (sigtimedwait(&stopset, NULL, &zero) > 0)
            break;              /* SIGINT or SIGTERM: stop */
        reap_workers(&m);
        while (ipc_rec_reader_next(&m.in1, &req) == 1)
            ms_serve_one(&m, &req);
        if (poll(&p, 1, 200) > 0 && ipc_rec_reader_fill(&m.in1) == -1 &&
            errno != EAGAIN)
            ipc_die("cannot read FIFO1");
    }
    IPCLAB_TP(proc_state, "server", "stopping");
    stop_workers(&m);
    ipc_rundir_clean(dir);
    printf("stopped: %lu answered\n", m.served);
    IPCLAB_TP(proc_exit, "server", 0);
    return 0;
}
