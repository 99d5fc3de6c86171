/*
 * server/main.c - ipclab-server: routes requests and delivers results.
 *
 *   rc --FIFO1--> server --FIFO3--> sum/sub/mul/div
 *   rc <--FIFO2-- server <--FIFO4-- sum/sub/mul/div
 *
 * Set-up, the event loop serve(), shutdown. The shared FIFOs' handshake is
 * in handshake.c, the life of a request in route.c. Lab 05, step 1.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipclab/cli.h"
#include "ipclab/err.h"
#include "ipclab/proc.h"
#include "ipclab/rundir.h"
#include "ipclab/trace.h"
#include "server.h"

#define STOP_GRACE_MS 3000      /* slack for children at shutdown */
#define ACK_TIMEOUT_MS 2000     /* --ack-timeout's default */

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
           "  --sched POLICY       normal (default): the kernel's default,\n"
           "                       SCHED_OTHER; batch: SCHED_BATCH, a woken\n"
           "                       process waits until its waker blocks.\n"
           "                       The processing clients inherit it\n"
           "  --ack-timeout MS     how long a running reader of FIFO2 or FIFO3\n"
           "                       may stay silent before its record is taken\n"
           "                       back (default 2000); a stopped or dead one\n"
           "                       is given up at once\n"
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
           "the directory, an unsafe directory, processing clients that\n"
           "cannot be run), 2 on usage errors.\n",
           ipc_progname());
}

static void
parse_options(struct server *s, int argc, char *argv[], const char **dir_opt)
{
    struct ipc_cli cli = IPCLAB_CLI_INIT(argc, argv);
    enum ipc_sig_mode mode = IPCLAB_SIG_RT;
    const char *arg;
    int id;

    s->ack_timeout_ms = ACK_TIMEOUT_MS;
    while ((id = ipc_cli_next_or_exit(&cli, options, &arg)) != IPCLAB_CLI_END) {
        switch (id) {
        case OPT_HELP:          usage(); ipc_cli_help_exit();
        case OPT_DIR:           *dir_opt = arg; break;
        case OPT_SPAWN:
            s->workers.once = strcmp(arg, "per-request") == 0;
            if (!s->workers.once && strcmp(arg, "pool") != 0)
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
            s->ack_timeout_ms =
                (int)ipc_cli_int_or_exit("ack-timeout", arg, 1, 3600000);
            break;
        case OPT_WORK_DELAY:
            s->workers.delay_ms =
                (int)ipc_cli_int_or_exit("work-delay", arg, 0, 3600000);
            break;
        case OPT_CRASH:
            s->workers.crash_after = (long)ipc_cli_int_or_exit(
                "worker-crash-after", arg, 1, 1000000);
            break;
        case OPT_WORKER_DIR:
            if (arg[0] == '\0' ||
                snprintf(s->worker_dir, sizeof(s->worker_dir), "%s", arg) >=
                (int)sizeof(s->worker_dir))
                ipc_usage_error("--worker-dir: empty or too long");
            break;
        case OPT_UNSAFE_NO_ACK:
            s->fifo2.skip_ack_wait = true;
            s->fifo3.skip_ack_wait = true;
            break;
        case IPCLAB_CLI_OPERAND:
            ipc_usage_error("unexpected argument '%s'", arg);
        }
    }
    ipc_sigs_init(&s->sigs, mode);
    s->workers.mode = mode;
    s->fifo2.ack_timeout_ms = s->ack_timeout_ms;
    s->fifo3.ack_timeout_ms = s->ack_timeout_ms;
}

static void undo_start(struct server *s);

/* Signals come through a signalfd; a stray protocol signal must not kill
   us (their default action), so it is taken and ignored too */
static void
setup_signals(struct server *s)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGCHLD);
    ipc_sig_addset_protocol(&set);
    if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
        ipc_die("sigprocmask");
    if ((s->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1)
        ipc_die("signalfd");
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)    /* a lost reader: EPIPE */
        ipc_die("signal");
}

/* Create FIFO 'no' and open both its ends (ours: no EOF, records taken
   back) */
static void
open_both_ends(struct server *s, enum ipc_fifo_no no, int *rfd, int *wfd)
{
    const char *name = ipc_rundir_fifo_name(no);

    if (ipc_fifo_open_both_at(s->dir_fd, no, name, 0600, rfd, wfd) == -1) {
        undo_start(s);
        ipc_die_kind("FIFO", "cannot create or open FIFO '%s/%s'", s->dir, name);
    }
}

/* The runtime directory (checked through its descriptor), its lock, and
   the FIFOs */
static void
setup_runtime(struct server *s)
{
    bool recovered = false;
    pid_t holder = 0;

    if ((s->dir_fd = ipc_rundir_open(s->dir, 1)) == -1)
        ipc_die("unsafe or unusable runtime directory '%s'", s->dir);
    s->lock_fd = ipc_rundir_lock_at(s->dir_fd, s->sigs.mode, &holder);
    if (s->lock_fd == -1 && errno == EBUSY)
        ipc_diex("another server (pid %ld) is running on '%s'",
                 (long)holder, s->dir);
    if (s->lock_fd == -1)
        ipc_die_kind("regular file", "cannot lock '%s'", s->dir);

    /* we hold the lock: any FIFO still here was left by a crashed server */
    for (int no = IPCLAB_FIFO1; no <= IPCLAB_FIFO4; no++)
        if (unlinkat(s->dir_fd, ipc_rundir_fifo_name(no), 0) == 0)
            recovered = true;
    if (recovered) {
        IPCLAB_TP(error, "recovered stale runtime directory", 0);
        ipc_warnx("recovered '%s' left by a server that did not stop "
                  "cleanly", s->dir);
    }
    open_both_ends(s, IPCLAB_FIFO1, &s->fd1_read, &s->fd1_keep);
    open_both_ends(s, IPCLAB_FIFO4, &s->fd4_read, &s->fd4_keep);
    open_both_ends(s, IPCLAB_FIFO2, &s->fifo2.rfd, &s->fifo2.wfd);
    open_both_ends(s, IPCLAB_FIFO3, &s->fifo3.rfd, &s->fifo3.wfd);
    ipc_rec_reader_init(&s->in1, s->fd1_read, IPCLAB_FIFO1,
                        IPCLAB_KIND_REQUEST);
    ipc_rec_reader_init(&s->in4, s->fd4_read, IPCLAB_FIFO4, IPCLAB_KIND_RESULT);
}

/* The epoll set: the signalfd, FIFO4, FIFO1, later the clients' pidfds
   (epoll, not poll(): the set may hold hundreds of them) */
static void
setup_epoll(struct server *s)
{
    const int fds[] = { s->sig_fd, s->fd4_read, s->fd1_read };

    if ((s->epoll_fd = epoll_create1(EPOLL_CLOEXEC)) == -1)
        ipc_die("epoll_create1");
    for (int i = 0; i < 3; i++) {
        struct epoll_event ev = { .events = EPOLLIN, .data.fd = fds[i] };

        if (epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, fds[i], &ev) == -1)
            ipc_die("epoll_ctl");
    }
    s->fd1_watched = true;
}

/* Back-pressure: watch FIFO1 only while there is room for requests */
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

static bool
has_room(const struct server *s)
{
    return s->in_use <= MAX_REQUESTS - ROOM;
}

/* One read() into the reader's buffer; false once the FIFO is empty: the
   read left room in the buffer, and epoll_wait() says when more comes */
static bool
fill(struct ipc_rec_reader *rd)
{
    size_t room = sizeof(rd->buf) - rd->len;
    ssize_t n = ipc_rec_reader_fill(rd);

    /* we hold a write end, so never EOF; EAGAIN: nothing waiting */
    if (n == -1 && errno != EAGAIN)
        ipc_die("cannot read FIFO%d", (int)rd->no);
    return n == (ssize_t)room;
}

/* FIFO1: requests, as many as there is room for (back-pressure: clients
   then wait in write()) */
static void
read_fifo1(struct server *s)
{
    struct ipc_record rec;

    for (bool more = true;;) {
        while (s->in_use < MAX_REQUESTS &&
               ipc_rec_reader_next(&s->in1, &rec) == 1)
            route_request(s, &rec);
        if (!more || !has_room(s))
            return;
        more = fill(&s->in1);
    }
}

/* FIFO4: results, and records given back by stale readers */
static void
read_fifo4(struct server *s)
{
    struct ipc_record rec;
    bool more;

    do {
        more = fill(&s->in4);
        while (ipc_rec_reader_next(&s->in4, &rec) == 1)
            route_fifo4(s, &rec);
    } while (more);
}

/* Each exited child: read FIFO4 first, for a child writes its result
   before it exits, then handle its death */
static void
reap_children(struct server *s)
{
    pid_t pid;
    int code;

    while ((pid = ipc_reap(-1, "worker", &code)) > 0) {
        read_fifo4(s);
        route_child_exited(s, pid, code);
    }
}

/* Asked to stop. The first time: take what is in FIFO1 and answer what is
   in flight, giving it time for the work, one ack timeout on each shared
   FIFO, and slack for the children; a request sent later is answered
   ECANCELED (route_request()). The second time: stop now. */
static void
stop(struct server *s)
{
    IPCLAB_TP(proc_state, "server", "stopping");
    if (s->stop_at != 0) {
        s->stop_at = ipc_now_ms();
        return;
    }
    read_fifo1(s);              /* in flight: answered */
    s->stop_at = ipc_deadline_ms(s->workers.delay_ms + 2 * s->ack_timeout_ms +
                                 STOP_GRACE_MS);
}

/* Every pending signal, acks first: a per-request worker acks before it
   exits, and its ack must settle FIFO3 before its death is handled */
static void
drain_signals(struct server *s)
{
    struct ipc_sig_event evs[64];
    bool child = false;
    int stops = 0, n = ipc_sigfd_read_many(s->sig_fd, evs, 64);

    if (n == -1)
        ipc_die("cannot read signalfd");
    for (int i = 0; i < n; i++) {
        struct ipc_sig_event *ev = &evs[i];

        if (ev->signo == SIGINT || ev->signo == SIGTERM) {
            ipc_sig_consumed(ev, "stop");
            stops++;
        } else if (ev->signo == SIGCHLD) {
            ipc_sig_consumed(ev, "child");
            child = true;
        } else if (ev->signo == s->sigs.ack) {
            route_ack(s, ev);
        } else {
            ipc_sig_ignored(ev, "unexpected_sender");
        }
    }
    if (child)
        reap_children(s);
    for (; stops > 0; stops--)
        stop(s);
}

/* One turn of the event loop: wait for an event or the next deadline,
   then handle what came */
static void
turn(struct server *s)
{
    struct epoll_event evs[16];
    bool accepting = has_room(s);   /* stopping: to refuse them */
    bool sig_ready = false, fd4_ready = false, fd1_ready = false;
    pid_t gone[16];
    int n, ngone = 0;

    watch_fifo1(s, accepting);
    n = epoll_wait(s->epoll_fd, evs, 16, route_next_timeout(s));
    if (n == -1 && errno != EINTR)
        ipc_die("epoll_wait");
    for (int i = 0; i < n; i++) {
        int fd = evs[i].data.fd;
        pid_t pid;

        if (fd == s->sig_fd)
            sig_ready = true;
        else if (fd == s->fd4_read)
            fd4_ready = true;
        else if (fd == s->fd1_read)
            fd1_ready = true;
        else if ((pid = clients_exited(s, fd)) > 0)
            gone[ngone++] = pid;                /* a client's pidfd */
    }
    /* acks before results, results before requests; and before a reader
       is judged gone or silent, the acks it sent first */
    if (sig_ready || ngone > 0 || hs_check_due(&s->fifo2) ||
        hs_check_due(&s->fifo3))
        drain_signals(s);
    for (int i = 0; i < ngone; i++)
        route_client_exited(s, gone[i]);
    if (fd4_ready)
        read_fifo4(s);
    /* requests left in the buffer by back-pressure count as waiting */
    if (accepting && (fd1_ready || s->in1.len > 0))
        read_fifo1(s);
    route_tick(s);
}

/* The event loop: until stopped and every request answered */
static void
serve(struct server *s)
{
    IPCLAB_TP(proc_state, "server", "serving");
    while (s->stop_at == 0 ||
           (s->in_use > 0 && ipc_ms_until(s->stop_at) > 0))
        turn(s);
    if (s->in_use > 0)
        ipc_warnx("stopping with %d requests unanswered", s->in_use);
}

/* SIGKILL every child we know of: the pool and per-request workers */
static void
kill_children(struct server *s)
{
    for (uint32_t op = 1; op <= IPCLAB_OP_COUNT; op++)
        if (s->peers[op].pid > 0)
            route_signal_worker(s->peers[op].pid, SIGKILL);
    for (int i = 0; i < s->top; i++)
        if (s->reqs[i].worker > 0 && (s->reqs[i].state == REQ_TO_WORKER ||
                                      s->reqs[i].state == REQ_AT_WORKER))
            route_signal_worker(s->reqs[i].worker, SIGKILL);
}

/* True while we have a child, exited or not (WNOWAIT: look, do not reap) */
static bool
has_children(void)
{
    siginfo_t info;

    return waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0;
}

/* Stop the processing clients and reap every child through the same
   loop, answering the results of those that exit; SIGKILL what is left
   after STOP_GRACE_MS */
static void
stop_children(struct server *s)
{
    bool killed = false;

    route_stop_pool(s);
    s->stop_at = ipc_deadline_ms(STOP_GRACE_MS);
    while (has_children()) {
        if (ipc_ms_until(s->stop_at) == 0) {
            if (killed)
                break;          /* unkillable? give up, do not hang */
            kill_children(s);
            killed = true;
            s->stop_at = ipc_deadline_ms(STOP_GRACE_MS);
        }
        turn(s);
    }
}

/* A start that failed once the lock is ours: the workers already started
   stopped and reaped as at the end (none restarted), the FIFOs and the
   lock removed; errno kept */
static void
undo_start(struct server *s)
{
    int err = errno;

    s->stop_at = ipc_now_ms();
    stop_children(s);
    if (ipc_rundir_clean_at(s->dir_fd) == -1)
        ipc_warn("cannot remove the FIFOs in '%s'", s->dir);
    errno = err;
}

int
main(int argc, char *argv[])
{
    static struct server s;     /* large: keep it off the stack */
    const char *dir_opt = NULL;
    char dir[PATH_MAX];

    ipc_set_progname(argv[0]);
    /* past a file-size limit (ulimit -f) a write fails with EFBIG, which
       we report, instead of killing us silently */
    if (signal(SIGXFSZ, SIG_IGN) == SIG_ERR)
        ipc_die("signal");
    s.fifo2.no = IPCLAB_FIFO2;
    s.fifo3.no = IPCLAB_FIFO3;
    parse_options(&s, argc, argv, &dir_opt);
    if (ipc_rundir_resolve(dir_opt, dir, sizeof(dir)) == -1)
        ipc_usage_error("runtime directory name too long");
    s.dir = dir;
    s.workers.dir = dir;
    if (s.worker_dir[0] == '\0' &&
        ipc_exe_dir(s.worker_dir, sizeof(s.worker_dir)) == -1)
        ipc_die("cannot find my own directory");

    IPCLAB_TP(proc_start, "server", (int)getppid());
    /* before the pool starts: the processing clients inherit the policy */
    if (ipc_sched_apply(s.sched) == -1)
        ipc_warn("cannot set the scheduling policy (--sched)");
    setup_signals(&s);
    setup_runtime(&s);
    setup_epoll(&s);
    if (clients_init(&s) == -1) {
        undo_start(&s);
        ipc_die("cannot keep descriptors free to check clients");
    }
    if (route_start_pool(&s) == -1) {
        undo_start(&s);
        ipc_die("cannot start the processing clients of '%s'", s.worker_dir);
    }

    printf("ready: %s\n", s.dir);
    if (fflush(stdout) == EOF) {
        undo_start(&s);
        ipc_die("cannot write to stdout");
    }

    serve(&s);
    stop_children(&s);
    route_close(&s);
    clients_forget_all(&s);
    if (ipc_rundir_clean_at(s.dir_fd) == -1)
        ipc_warn("cannot remove the FIFOs in '%s'", s.dir);
    read_fifo1(&s);             /* the last requests: refused, traced */
    printf("stopped: %lu answered, %lu results undeliverable, "
           "%lu invalid records dropped\n", s.served, s.dropped_results,
           s.in1.dropped + s.in4.dropped + s.dropped_records);
    if (fflush(stdout) == EOF)
        ipc_die("cannot write to stdout");
    IPCLAB_TP(proc_exit, "server", 0);
    return 0;
}
