/*
 * server/main.c - ipclab-server: routes requests and delivers results.
 *
 *   rc --FIFO1--> server --FIFO3--> sum/sub/mul/div
 *   rc <--FIFO2-- server <--FIFO4-- sum/sub/mul/div
 *
 * This file sets up (runtime directory, lock, FIFOs, signalfd, processing
 * clients), runs the event loop and shuts down. The handshake on the
 * shared FIFOs is in channel.c; the life of a request in route.c.
 *
 * Run:   build/bin/ipclab-server &      then   build/bin/ipclab-rc 6 '*' 7
 * Stop:  kill -INT %1   (answers what is in flight, removes the FIFOs)
 * Lab 05, step 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipclab/cli.h"
#include "ipclab/err.h"
#include "ipclab/proc.h"
#include "ipclab/rundir.h"
#include "ipclab/trace.h"
#include "server.h"

#define STOP_GRACE_MS 3000      /* after the last answer, for children */

enum { OPT_HELP = 1, OPT_DIR, OPT_SPAWN, OPT_SIGNALS, OPT_ACK_TIMEOUT,
       OPT_WORK_DELAY, OPT_CRASH, OPT_WORKER_DIR, OPT_UNSAFE_NO_ACK,
       OPT_SCHED };

static const struct ipc_cli_opt options[] = {
    { "help", 0, OPT_HELP },
    { "dir", 1, OPT_DIR },
    { "spawn", 1, OPT_SPAWN },
    { "signals", 1, OPT_SIGNALS },
    { "sched", 1, OPT_SCHED },
    { "ack-timeout", 1, OPT_ACK_TIMEOUT },
    { "work-delay", 1, OPT_WORK_DELAY },
    { "worker-crash-after", 1, OPT_CRASH },
    { "worker-dir", 1, OPT_WORKER_DIR },
    { "unsafe-no-ack", 0, OPT_UNSAFE_NO_ACK },
    { NULL, 0, 0 },
};

static void
usage(void)
{
    printf("Usage: %s [--dir DIR] [--spawn pool|per-request]\n"
           "       [--signals rt|classic] [--sched batch|normal]\n"
           "       [--ack-timeout MS]\n"
           "\n"
           "The ipclab server. Creates the runtime directory and FIFO1..FIFO4,\n"
           "starts the processing clients, routes every request to them and\n"
           "returns every result to its requesting client. Prints\n"
           "'ready: DIR' once clients may connect. SIGINT or SIGTERM stops it:\n"
           "requests in flight are answered, the FIFOs removed, exit 0.\n"
           "\n"
           "  --dir DIR            runtime directory (default: $IPCLAB_DIR, else\n"
           "                       $XDG_RUNTIME_DIR/ipclab, else /tmp/ipclab-UID)\n"
           "  --spawn MODE         pool (default): one persistent processing\n"
           "                       client per operation; per-request: fork+exec\n"
           "                       one for every request (the original design)\n"
           "  --signals MODE       rt (default): real-time signals queued with\n"
           "                       sigqueue() carrying the request's seq;\n"
           "                       classic: SIGUSR1/SIGUSR2, which coalesce\n"
           "  --sched POLICY       batch (default): a process woken by a record\n"
           "                       or a signal runs when its waker blocks\n"
           "                       (SCHED_BATCH); normal: the kernel's default\n"
           "                       (SCHED_OTHER), it may preempt the waker.\n"
           "                       The processing clients inherit it\n"
           "  --ack-timeout MS     how long a reader of FIFO2 or FIFO3 may take\n"
           "                       to acknowledge before its record is taken\n"
           "                       back (default 2000)\n"
           "  --worker-dir DIR     where ipclab-sum & co. are (default: beside\n"
           "                       this program)\n"
           "  --work-delay MS      processing clients wait MS before answering\n"
           "                       (labs: makes concurrency visible)\n"
           "  --worker-crash-after N  processing clients die holding their Nth\n"
           "                       request (tests of recovery)\n"
           "  --unsafe-no-ack      do not wait for acknowledgements: breaks the\n"
           "                       protocol on purpose (lab 04)\n"
           "  -h, --help           show this help\n"
           "\n"
           "Exit status: 0 after a clean stop, 1 on errors (another server on\n"
           "the directory, an unsafe directory), 2 on usage errors.\n",
           ipc_progname());
}

static void
parse_options(struct server *s, int argc, char *argv[], const char **dir_opt)
{
    struct ipc_cli cli = IPC_CLI_INIT(argc, argv);
    enum ipc_sig_mode mode = IPC_SIG_RT;
    const char *arg;
    int id;

    s->ack_timeout_ms = 2000;
    while ((id = ipc_cli_next(&cli, options, &arg)) != IPC_CLI_END) {
        switch (id) {
        case OPT_HELP:
            usage();
            exit(0);
        case OPT_DIR:
            *dir_opt = arg;
            break;
        case OPT_SPAWN:
            if (strcmp(arg, "pool") == 0)
                s->per_request = false;
            else if (strcmp(arg, "per-request") == 0)
                s->per_request = true;
            else
                ipc_usage_error("--spawn must be pool or per-request");
            break;
        case OPT_SIGNALS:
            if (ipc_sig_mode_parse(arg, &mode) == -1)
                ipc_usage_error("--signals must be rt or classic");
            break;
        case OPT_SCHED:
            if (ipc_sched_parse(arg, &s->sched) == -1)
                ipc_usage_error("--sched must be batch or normal");
            break;
        case OPT_ACK_TIMEOUT:
            s->ack_timeout_ms = (int)ipc_cli_int("ack-timeout", arg, 1,
                                                 3600000);
            break;
        case OPT_WORK_DELAY:
            s->work_delay_ms = (int)ipc_cli_int("work-delay", arg, 0,
                                                3600000);
            break;
        case OPT_CRASH:
            s->worker_crash_after = (long)ipc_cli_int("worker-crash-after",
                                                      arg, 1, 1000000);
            break;
        case OPT_WORKER_DIR:
            if (snprintf(s->worker_dir, sizeof(s->worker_dir), "%s", arg) >=
                (int)sizeof(s->worker_dir))
                ipc_usage_error("--worker-dir: name too long");
            break;
        case OPT_UNSAFE_NO_ACK:
            s->skip_ack_wait = true;
            break;
        case IPC_CLI_OPERAND:
            ipc_usage_error("unexpected argument '%s'", arg);
        }
    }
    ipc_sigs_init(&s->sigs, mode);
}

/* Signals we take through the signalfd: blocked before anything else. */
static void
setup_signals(struct server *s)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, s->sigs.ack);
    /* nobody sends us these, but a stray one must not kill us (the
       default action of a real-time signal): take it, and ignore it */
    sigaddset(&set, s->sigs.ready);
    if (s->sigs.revoke != 0)
        sigaddset(&set, s->sigs.revoke);
    if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
        ipc_die("sigprocmask");
    s->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (s->sig_fd == -1)
        ipc_die("signalfd");
    /* SIGPIPE ignored: a vanished reader shows up as EPIPE */
    signal(SIGPIPE, SIG_IGN);
}

/* Open FIFO 'no' for reading, then writing; both ends stay ours. */
static void
open_both_ends(const char *dir, enum ipc_fifo_no no, int *rfd, int *wfd)
{
    char path[PATH_MAX];

    if (ipc_rundir_fifo(path, sizeof(path), dir, no) == -1)
        ipc_die("runtime directory name too long");
    if (ipc_fifo_create(no, path, 0600) == -1)
        ipc_die("cannot create FIFO '%s'", path);
    /* read end first, non-blocking: the write end's open then succeeds
       at once, because a reader (us) exists */
    if ((*rfd = ipc_fifo_open(no, path, O_RDONLY | O_NONBLOCK)) == -1)
        ipc_die("cannot open '%s'", path);
    if ((*wfd = ipc_fifo_open(no, path, O_WRONLY | O_NONBLOCK)) == -1)
        ipc_die("cannot open '%s'", path);
}

static void
setup_runtime(struct server *s)
{
    char path[PATH_MAX];
    bool recovered = false;
    pid_t holder = 0;

    if (ipc_rundir_prepare(s->dir) == -1)
        ipc_die("unsafe or unusable runtime directory '%s'", s->dir);
    s->lock_fd = ipc_rundir_lock(s->dir, s->sigs.mode, &holder);
    if (s->lock_fd == -1 && errno == EBUSY)
        ipc_diex("another server (pid %ld) is running on '%s'",
                 (long)holder, s->dir);
    if (s->lock_fd == -1)
        ipc_die("cannot lock '%s'", s->dir);

    /* we hold the lock: any FIFO still here was left by a crashed server */
    for (int no = IPC_FIFO1; no <= IPC_FIFO4; no++) {
        if (ipc_rundir_fifo(path, sizeof(path), s->dir, no) == 0 &&
            unlink(path) == 0)
            recovered = true;
    }
    if (recovered) {
        IPC_TRACE(error, "recovered stale runtime directory", 0);
        ipc_warnx("recovered '%s' left by a server that did not stop "
                  "cleanly", s->dir);
    }

    open_both_ends(s->dir, IPC_FIFO1, &s->fd1_read, &s->fd1_keep);
    open_both_ends(s->dir, IPC_FIFO4, &s->fd4_read, &s->fd4_keep);
    open_both_ends(s->dir, IPC_FIFO2, &s->to_client.rfd, &s->to_client.wfd);
    open_both_ends(s->dir, IPC_FIFO3, &s->to_worker.rfd, &s->to_worker.wfd);
    ipc_rec_reader_init(&s->in1, s->fd1_read, IPC_FIFO1, IPC_KIND_REQUEST);
    ipc_rec_reader_init(&s->in4, s->fd4_read, IPC_FIFO4, IPC_KIND_RESULT);
}

/*
 * The epoll set the server waits on: the signalfd, FIFO4 and FIFO1, and
 * later a pidfd per known client (clients.c). epoll rather than poll():
 * the set changes rarely and may hold hundreds of pidfds, and epoll does
 * not walk them on every wait.
 */
static void
setup_epoll(struct server *s)
{
    const int fds[] = { s->sig_fd, s->fd4_read, s->fd1_read };

    if ((s->epoll_fd = epoll_create1(EPOLL_CLOEXEC)) == -1)
        ipc_die("epoll_create1");
    for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
        struct epoll_event ev = { .events = EPOLLIN, .data.fd = fds[i] };

        if (epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, fds[i], &ev) == -1)
            ipc_die("epoll_ctl");
    }
    s->fd1_watched = true;
}

/* Back-pressure: watch FIFO1 only while there is room for requests. */
static void
watch_fifo1(struct server *s, bool on)
{
    struct epoll_event ev = { .events = on ? EPOLLIN : 0,
                              .data.fd = s->fd1_read };

    if (on == s->fd1_watched)
        return;
    if (epoll_ctl(s->epoll_fd, EPOLL_CTL_MOD, s->fd1_read, &ev) == -1)
        ipc_die("epoll_ctl");
    s->fd1_watched = on;
}

/* Room for every record one fill of the FIFO1 reader can bring in */
static bool
has_room(const struct server *s)
{
    return s->in_use <=
           MAX_REQUESTS - (int)(IPC_READER_BUF / sizeof(struct ipc_record));
}

/*
 * Handle every record waiting in FIFO1 (requests) or FIFO4 (results).
 * A read() that leaves room in the buffer has emptied the FIFO: there is
 * no need for another read() to hear EAGAIN, epoll_wait() will say when
 * more arrives.
 */
static void
drain(struct server *s, struct ipc_rec_reader *rd,
      void (*handle)(struct server *, const struct ipc_record *))
{
    struct ipc_record rec;
    bool requests = rd == &s->in1;

    for (bool emptied = false;;) {
        size_t room;
        ssize_t n;

        while ((!requests || s->in_use < MAX_REQUESTS) &&
               ipc_rec_reader_next(rd, &rec) == 1)
            handle(s, &rec);
        if (emptied || (requests && !has_room(s)))
            return;             /* back-pressure: clients wait in write() */
        room = sizeof(rd->buf) - rd->len;
        n = ipc_rec_reader_fill(rd);
        /* we hold a write end, so never EOF; EAGAIN: nothing waiting */
        if (n == -1 && errno != EAGAIN)
            ipc_die("cannot read FIFO%d", (int)rd->no);
        emptied = n < (ssize_t)room;
    }
}

/*
 * Reap first, then read FIFO4, then handle the deaths. A child writes its
 * result before it exits, so once waitpid() has returned it, the result is
 * in FIFO4: reading FIFO4 before waitpid() would miss the result of a
 * child that exited in between, and its request would fail as if the
 * child had died holding it (the result, read later, would be stale).
 */
static void
reap_children(struct server *s)
{
    enum { BATCH = 64 };
    pid_t pids[BATCH];
    int codes[BATCH], n;

    do {
        pid_t pid;

        n = 0;
        while (n < BATCH && (pid = ipc_reap(-1, "worker", &codes[n])) > 0)
            pids[n++] = pid;
        drain(s, &s->in4, route_result);
        for (int i = 0; i < n; i++)
            route_child_exited(s, pids[i], codes[i]);
    } while (n == BATCH);
}

/*
 * Take every pending signal from the signalfd, then act on the acks first.
 * The kernel hands out standard signals (SIGCHLD = 17) before real-time
 * ones (the ack), but a per-request worker acks before it exits: its ack
 * must settle the FIFO3 handshake before its death is handled.
 */
static void
drain_signals(struct server *s, bool *force_stop)
{
    struct ipc_sig_event evs[64];
    bool child = false;
    int n = ipc_sigfd_read_many(s->sig_fd, evs,
                                (int)(sizeof(evs) / sizeof(evs[0])));

    /* a full array: more may wait, and epoll_wait() says so at once */
    if (n == -1)
        ipc_die("cannot read signalfd");

    for (int i = 0; i < n; i++) {
        struct ipc_sig_event *ev = &evs[i];

        if (ev->signo == SIGINT || ev->signo == SIGTERM) {
            ipc_sig_consumed(ev, "stop");
            if (s->stopping)
                *force_stop = true;     /* second request: stop now */
            s->stopping = true;
            IPC_TRACE(proc_state, "server", "stopping");
        } else if (ev->signo == SIGCHLD) {
            ipc_sig_consumed(ev, "child");
            child = true;               /* after the acks, below */
        } else if (ev->signo != s->sigs.ack) {
            ipc_sig_ignored(ev, "unexpected_sender");   /* see set-up */
        } else if (ev->code != (s->sigs.mode == IPC_SIG_RT ? SI_QUEUE
                                                            : SI_USER)) {
            ipc_sig_ignored(ev, "not_queued");
        } else if (!channel_ack(s, &s->to_client, ev) &&
                   !channel_ack(s, &s->to_worker, ev)) {
            ipc_sig_ignored(ev, "unexpected_sender");
        }
    }
    if (child)
        reap_children(s);
}

/* poll() timeout: the nearest ack deadline, or -1 */
static int
next_timeout(const struct server *s)
{
    int t = -1;
    const struct channel *chs[] = { &s->to_client, &s->to_worker };

    for (size_t i = 0; i < 2; i++) {
        if (chs[i]->busy != NULL) {
            int left = ipc_ms_until(chs[i]->deadline);

            if (t < 0 || left < t)
                t = left;
        }
    }
    return t;
}

static void
serve(struct server *s)
{
    bool force_stop = false, was_stopping = false;
    int64_t stop_deadline = -1;

    IPC_TRACE(proc_state, "server", "serving");
    for (;;) {
        struct epoll_event evs[16];
        bool accepting = !s->stopping && has_room(s);
        bool sig_ready = false, fd4_ready = false, fd1_ready = false;
        int timeout = next_timeout(s), n;

        if (s->stopping && (s->in_use == 0 || force_stop ||
                            ipc_ms_until(stop_deadline) == 0))
            break;
        if (stop_deadline >= 0 &&
            (timeout < 0 || ipc_ms_until(stop_deadline) < timeout))
            timeout = ipc_ms_until(stop_deadline);

        watch_fifo1(s, accepting);
        n = epoll_wait(s->epoll_fd, evs, 16, timeout);
        if (n == -1 && errno != EINTR)
            ipc_die("epoll_wait");
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;

            if (fd == s->sig_fd)
                sig_ready = true;
            else if (fd == s->fd4_read)
                fd4_ready = true;
            else if (fd == s->fd1_read)
                fd1_ready = true;
            else
                clients_exited(s, fd);  /* a client's pidfd */
        }

        /* in this order: acks before results, results before requests */
        if (sig_ready)
            drain_signals(s, &force_stop);
        if (s->stopping && !was_stopping) {
            /* requests already written are in flight: take them all */
            was_stopping = true;
            stop_deadline = ipc_deadline_ms(4 * s->ack_timeout_ms + 2000);
            drain(s, &s->in1, route_request);
        }
        if (fd4_ready)
            drain(s, &s->in4, route_result);
        /* requests left in the buffer by back-pressure count as waiting */
        if (accepting && (fd1_ready || s->in1.len > 0))
            drain(s, &s->in1, route_request);
        channel_check_timeout(s, &s->to_worker);
        channel_check_timeout(s, &s->to_client);
    }
    if (s->in_use > 0)
        ipc_warnx("stopping with %d requests unanswered", s->in_use);
}

/* SIGKILL every child we know of: the pool and per-request workers */
static void
kill_children(struct server *s)
{
    for (uint32_t op = 1; op <= IPC_OP_COUNT; op++)
        if (s->pool[op].pid > 0)
            kill(s->pool[op].pid, SIGKILL);
    for (int i = 0; i < MAX_REQUESTS; i++)
        if (s->reqs[i].state == REQ_AT_WORKER && s->reqs[i].worker > 0)
            kill(s->reqs[i].worker, SIGKILL);
    if (s->to_worker.busy != NULL)
        kill(s->to_worker.peer, SIGKILL);
}

/* True while we have a child, exited or not (WNOWAIT: look, do not reap) */
static bool
has_children(void)
{
    siginfo_t info;

    return waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0;
}

/* Stop the processing clients and wait for every child to be reaped. */
static void
stop_children(struct server *s)
{
    int64_t deadline = ipc_deadline_ms(STOP_GRACE_MS);
    struct pollfd pf = { .fd = s->sig_fd, .events = POLLIN };
    bool killed = false;

    bool ignored;

    s->stopping = true;
    route_stop_pool(s);
    for (;;) {
        /* results of children that just exited are still answered */
        reap_children(s);
        if (!has_children())
            break;
        if (ipc_ms_until(deadline) == 0) {
            if (killed)
                break;          /* unkillable? give up, do not hang */
            kill_children(s);
            killed = true;
            deadline = ipc_deadline_ms(STOP_GRACE_MS);
        }
        if (poll(&pf, 1, ipc_ms_until(deadline)) == -1 && errno != EINTR)
            break;
        /* late acks still settle their FIFO; SIGCHLD reaps */
        drain_signals(s, &ignored);
    }
}

int
main(int argc, char *argv[])
{
    static struct server s;     /* large: keep it off the stack */
    const char *dir_opt = NULL;
    char dir[PATH_MAX];

    ipc_set_progname(argv[0]);
    channel_init(&s.to_client, IPC_FIFO2);
    channel_init(&s.to_worker, IPC_FIFO3);
    parse_options(&s, argc, argv, &dir_opt);
    if (ipc_rundir_resolve(dir_opt, dir, sizeof(dir)) == -1)
        ipc_usage_error("runtime directory name too long");
    s.dir = dir;
    if (s.worker_dir[0] == '\0' &&
        ipc_exe_dir(s.worker_dir, sizeof(s.worker_dir)) == -1)
        ipc_die("cannot find my own directory");

    IPC_TRACE(proc_start, "server", (int)getppid());
    /* before the pool starts: the processing clients inherit the policy */
    if (ipc_sched_apply(s.sched) == -1)
        ipc_warn("cannot set the scheduling policy (--sched)");
    setup_signals(&s);
    setup_runtime(&s);
    setup_epoll(&s);
    if (!s.per_request && route_start_pool(&s) == -1)
        ipc_die("cannot start the processing clients");

    printf("ready: %s\n", s.dir);
    if (fflush(stdout) == EOF)
        ipc_die("cannot write to stdout");

    serve(&s);
    stop_children(&s);
    clients_forget_all(&s);
    if (ipc_rundir_clean(s.dir) == -1)
        ipc_warn("cannot remove the FIFOs in '%s'", s.dir);
    printf("stopped: %lu answered, %lu results undeliverable, "
           "%lu invalid records dropped\n", s.served, s.dropped_results,
           s.in1.dropped + s.in4.dropped + s.dropped_records);
    IPC_TRACE(proc_exit, "server", 0);
    return 0;
}
