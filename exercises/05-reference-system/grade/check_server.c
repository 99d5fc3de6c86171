/*
 * grade/check_server.c - graded tests of exercise 05 (ex05-server).
 *
 * The student's server runs as a real process with the reference
 * processing clients (build/bin) and serves reference ipclab-rc clients,
 * whose answers are checked against a 128-bit oracle; the test process
 * itself sends an unknown operation (tests/lib/rawclient.c); they run
 * only once handshake_order holds (require_record_first()).
 * handshake_*, await_stale and deadline_kept call ms_handshake() and
 * ms_await_result() directly, pipes for the FIFOs, a forked reader
 * sending the acks (or the test's process itself, handshake_order). The
 * last test records a run with LTTng and runs 'ipclab-trace check' on it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grade.h"
#include "ipclab/fifo.h"
#include "ipclab/proc.h"
#include "ipclab/record.h"
#include "oracle.h"
#include "ms.h"
#include "rawclient.h"

#define RUN_MS 30000
#define RC_TIMEOUT_MS 3000  /* ipclab-rc --timeout */

/* ex05-server on a fresh directory, our processing clients, until ready */
static void
start(struct h_server *srv, const char *dir)
{
    char bin[PATH_MAX];

    snprintf(bin, sizeof(bin), "%s/bin", h_build_dir());
    h_server_try(srv, dir, (const char *[]){ g_prog("ex05-server"), "--dir",
                 dir, "--worker-dir", bin, "--ack-timeout", "500", NULL },
                 h_tmpdir_path("srv.err"), 10000, NULL);
}

/* A server's state for ms_handshake() and ms_await_result() alone: the
   channel and FIFO4 are pipes, the ack signal blocked */
static void
init_ms(struct ms *m, struct ms_chan *ch, int p[2], int p4[2])
{
    memset(m, 0, sizeof(*m));
    ipc_sigs_init(&m->sigs, IPCLAB_SIG_RT);
    m->ack_timeout_ms = 5000;
    m->result_timeout_ms = 5000;
    sigemptyset(&m->ackset);
    sigaddset(&m->ackset, m->sigs.ack);
    ck_assert_msg(sigprocmask(SIG_BLOCK, &m->ackset, NULL) == 0,
                  "test error: sigprocmask() failed: %s", strerror(errno));
    ck_assert_msg(pipe(p) == 0,
                  "test error: pipe() failed: %s", strerror(errno));
    ck_assert_msg(pipe(p4) == 0,
                  "test error: pipe() failed: %s", strerror(errno));
    for (int i = 0; i < 2; i++) {
        ck_assert_msg(fcntl(p[i], F_SETFL, O_NONBLOCK) == 0,
                      "test error: fcntl() failed: %s", strerror(errno));
        ck_assert_msg(fcntl(p4[i], F_SETFL, O_NONBLOCK) == 0,
                      "test error: fcntl() failed: %s", strerror(errno));
    }
    *ch = (struct ms_chan){ .no = IPCLAB_FIFO3, .wfd = p[1], .rfd = p[0] };
    ipc_rec_reader_init(&m->in4, p4[0], IPCLAB_FIFO4, IPCLAB_KIND_RESULT);
}

/* The reader: on the server's ready, an ack with the wrong seq, then a
   stranger's (its child's) with the right one, then its own right one */
static pid_t
start_reader(int ready, int ack, pid_t server)
{
    pid_t pid;

    fflush(NULL);
    pid = fork();
    ck_assert_msg(pid != -1, "test error: fork() failed: %s", strerror(errno));
    if (pid == 0) {
        struct timespec ts = { 10, 0 };
        sigset_t set;
        siginfo_t si;
        pid_t stranger;
        int status;

        sigemptyset(&set);
        sigaddset(&set, ready);
        if (sigtimedwait(&set, &si, &ts) != ready)
            _exit(1);
        sigqueue(server, ack, (union sigval){ .sival_int =
                 si.si_value.sival_int + 1 });
        stranger = fork();
        if (stranger == 0)
            _exit(sigqueue(server, ack, si.si_value) == 0 ? 0 : 1);
        if (stranger == -1 || waitpid(stranger, &status, 0) != stranger)
            _exit(1);
        _exit(sigqueue(server, ack, si.si_value) == 0 ? 0 : 1);
    }
    return pid;
}

GRADE_TEST(handshake_acks, 2, 20,
           "ms_handshake: only the reader's ack with the record's seq counts")
{
    struct ms m;
    struct ms_chan ch;
    struct ipc_record rec;
    struct timespec zero = { 0, 0 };
    int p[2], p4[2], r, left = -1, ignored = 0;
    pid_t reader;

    init_ms(&m, &ch, p, p4);
    {
        sigset_t ready;

        /* the reader blocks its ready from its first instant */
        sigemptyset(&ready);
        sigaddset(&ready, m.sigs.ready);
        ck_assert_msg(sigprocmask(SIG_BLOCK, &ready, NULL) == 0,
                      "test error: sigprocmask() failed: %s", strerror(errno));
    }
    reader = start_reader(m.sigs.ready, m.sigs.ack, getpid());
    ipc_rec_request(&rec, IPCLAB_OP_SUM, 1, 2, 7);
    r = G_CALL(ms_handshake)(&m, &ch, &rec, reader);
    ck_assert_msg(r == 0, "ms_handshake returned %d (%s): the reader did "
                  "ack seq 7, after two acks that were not its right one",
                  r, strerror(errno));
    /* every ack sent: those left in the queue were not waited for */
    ck_assert_msg(h_wait(reader, 10000) == 0, "the reader got no ready "
                  "from ms_handshake() within 10 s, or its acks could not "
                  "reach the server");
    while (sigtimedwait(&m.ackset, NULL, &zero) != -1)
        ignored++;
    ck_assert_msg(ignored == 0, "ms_handshake returned on an ack that was "
                  "not the reader's ack of seq 7 (%s): check both the "
                  "sender (si_pid) and the value (the record's seq)",
                  ignored == 2 ? "it took an ack with the wrong seq" :
                  "it took an ack from another process");
    ck_assert_msg(ioctl(ch.rfd, FIONREAD, &left) == 0,
                  "test error: ioctl() failed: %s", strerror(errno));
    ck_assert_msg(left == (int)sizeof(rec), "the record is not in the "
                  "FIFO after the handshake (%d bytes there)", left);
}
END_TEST

GRADE_TEST(await_stale, 2, 20,
           "ms_await_result: a stale result is dropped, not kept for later")
{
    struct ms m;
    struct ms_chan ch;
    struct ipc_record want, stale, res;
    int p[2], p4[2], r;

    init_ms(&m, &ch, p, p4);
    ipc_rec_request(&stale, IPCLAB_OP_SUM, 1, 1, 3);
    ipc_rec_make_result(&stale, 0, 2);
    ipc_rec_request(&want, IPCLAB_OP_SUM, 2, 2, 4);
    ck_assert_msg(ipc_rec_write(p4[1], IPCLAB_FIFO4, &stale, 1000) == 0,
                  "test error: ipc_rec_write() failed: %s", strerror(errno));
    res = want;
    ipc_rec_make_result(&res, 0, 4);
    ck_assert_msg(ipc_rec_write(p4[1], IPCLAB_FIFO4, &res, 1000) == 0,
                  "test error: ipc_rec_write() failed: %s", strerror(errno));
    memset(&res, 0, sizeof(res));
    r = G_CALL(ms_await_result)(&m, &want, &res, 5000);
    ck_assert_msg(r == 1 && res.seq == 4 && res.value == 4, "waiting for "
                  "seq 4 behind a stale result (seq 3): returned %d with "
                  "seq %u", r, res.seq);
    /* seq 3's result came while nobody waited for it: gone */
    r = G_CALL(ms_await_result)(&m, &stale, &res, 300);
    ck_assert_msg(r == 0, "a stale result (seq 3) was kept and returned "
                  "later: drop it when it is read (returned %d)", r);

    /* seq 5 of another client (pid 1) before seq 5 of ours: a seq is only
       unique with its client's pid */
    ipc_rec_request(&stale, IPCLAB_OP_SUM, 2, 3, 5);
    stale.pid = 1;
    ipc_rec_make_result(&stale, 0, 5);
    ipc_rec_request(&want, IPCLAB_OP_SUM, 3, 3, 5);
    res = want;
    ipc_rec_make_result(&res, 0, 6);
    ck_assert_msg(ipc_rec_write(p4[1], IPCLAB_FIFO4, &stale, 1000) == 0 &&
                  ipc_rec_write(p4[1], IPCLAB_FIFO4, &res, 1000) == 0,
                  "test error: ipc_rec_write() failed: %s", strerror(errno));
    memset(&res, 0, sizeof(res));
    r = G_CALL(ms_await_result)(&m, &want, &res, 5000);
    ck_assert_msg(r == 1 && res.pid == want.pid, "waiting for seq 5 of pid "
                  "%d behind seq 5 of pid 1: returned %d with the result of "
                  "pid %d: two clients use the same seqs, match the pid "
                  "and the seq", (int)want.pid, r, (int)res.pid);
    ck_assert_msg(res.value == 6, "seq 5 of pid %d: value %lld, expected 6",
                  (int)want.pid, (long long)res.value);
}
END_TEST

/*
 * handshake_order's reader is the test's process itself: its handler for
 * ready runs before the sigqueue() that sent it returns (a signal a
 * process sends itself, unblocked, is delivered at once), so it sees the
 * FIFO exactly as it was when ready was sent, whatever the scheduling.
 */
static int order_rfd = -1;              /* the channel's read end */
static int order_ack;                   /* the ack signal */
static volatile sig_atomic_t order_seen;    /* 1: record there, 2: empty */

static void
on_order_ready(int sig, siginfo_t *si, void *ctx)
{
    struct pollfd p = { .fd = order_rfd, .events = POLLIN };
    int saved = errno;

    (void)sig;
    (void)ctx;
    if (order_seen == 0)
        order_seen = poll(&p, 1, 0) == 1 ? 1 : 2;
    sigqueue(getpid(), order_ack, si->si_value);    /* the reader's ack */
    errno = saved;
}

/*
 * ms_handshake() of seq 7 with the test's process as its reader. Returns
 * 1 when the record was in the FIFO as ready came, 2 when the FIFO was
 * empty then, 0 when no ready came. The process's signals are left as
 * they were.
 */
static int
ready_finds_record(void)
{
    struct sigaction sa = { .sa_sigaction = on_order_ready }, old_sa;
    struct timespec zero = { 0, 0 };
    sigset_t old_mask, ready;
    struct ipc_record rec;
    struct ms_chan ch;
    struct ms m;
    int p[2], p4[2];

    ck_assert_msg(sigprocmask(SIG_SETMASK, NULL, &old_mask) == 0,
                  "test error: sigprocmask() failed: %s", strerror(errno));
    init_ms(&m, &ch, p, p4);
    m.ack_timeout_ms = 1000;    /* the ack comes at once, from the handler */
    order_rfd = ch.rfd;
    order_ack = m.sigs.ack;
    order_seen = 0;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&ready);
    sigaddset(&ready, m.sigs.ready);
    ck_assert_msg(sigaction(m.sigs.ready, &sa, &old_sa) == 0 &&
                  sigprocmask(SIG_UNBLOCK, &ready, NULL) == 0, "test error: "
                  "cannot take ready: %s", strerror(errno));
    ipc_rec_request(&rec, IPCLAB_OP_SUM, 1, 2, 7);
    G_CALL(ms_handshake)(&m, &ch, &rec, getpid());
    /* an ack the handshake left pending must not be delivered */
    while (sigtimedwait(&m.ackset, NULL, &zero) > 0)
        ;
    ck_assert_msg(sigprocmask(SIG_SETMASK, &old_mask, NULL) == 0 &&
                  sigaction(m.sigs.ready, &old_sa, NULL) == 0, "test error: "
                  "cannot restore the signals: %s", strerror(errno));
    for (int i = 0; i < 2; i++) {
        close(p[i]);
        close(p4[i]);
    }
    return order_seen;
}

GRADE_TEST(handshake_order, 1, 10,
           "ms_handshake: the record is in the FIFO before ready is sent")
{
    int seen = ready_finds_record();

    ck_assert_msg(seen != 0, "ms_handshake() sent its reader no ready");
    ck_assert_msg(seen == 1, "ms_handshake() sent ready while the FIFO was "
                  "still empty: a reader woken by it reads nothing (EAGAIN, "
                  "'taken back'), never acks, and the record written after "
                  "is taken back on the ack timeout; write the record "
                  "first, then send ready");
}
END_TEST

/*
 * The system tests' gate: with ready sent before the record is written,
 * whether a real client finds its result is a matter of scheduling, so
 * such a server fails them in every run, by handshake_order's finding,
 * instead of passing some by chance.
 */
static void
require_record_first(void)
{
    ck_assert_msg(ready_finds_record() != 2, "not run: ms_handshake() "
                  "sends ready before the record is in the FIFO "
                  "(handshake_order), so whether a client finds its result "
                  "would be chance");
}

/* Fork a reader with 'ready' blocked, from before the fork on, so that a
   ready sent to it at once waits for it; 0 in the reader */
static pid_t
fork_reader(int ready)
{
    sigset_t set, old;
    pid_t pid;

    sigemptyset(&set);
    sigaddset(&set, ready);
    ck_assert_msg(sigprocmask(SIG_BLOCK, &set, &old) == 0, "test error: "
                  "sigprocmask() failed: %s", strerror(errno));
    fflush(NULL);
    pid = fork();
    if (pid == 0)
        return 0;
    ck_assert_msg(pid != -1, "test error: fork() failed: %s", strerror(errno));
    ck_assert_msg(sigprocmask(SIG_SETMASK, &old, NULL) == 0, "test error: "
                  "sigprocmask() failed: %s", strerror(errno));
    return pid;
}

/* A reader that lives, silent, with ready blocked, until 'gate' closes */
static pid_t
silent_reader(int ready, int gate[2])
{
    pid_t pid;

    ck_assert_msg(pipe(gate) == 0, "test error: cannot set up a reader: %s",
                  strerror(errno));
    pid = fork_reader(ready);
    if (pid == 0) {
        char c;

        close(gate[1]);
        _exit(read(gate[0], &c, 1) == 0 ? 0 : 1);
    }
    close(gate[0]);
    return pid;
}

/* Bytes waiting in the channel's FIFO */
static int
fifo_bytes(const struct ms_chan *ch)
{
    int n = -1;

    ck_assert_msg(ioctl(ch->rfd, FIONREAD, &n) == 0,
                  "test error: ioctl() failed: %s", strerror(errno));
    return n;
}

GRADE_TEST(handshake_reclaim, 1, 20,
           "ms_handshake: a record whose reader is gone or silent is taken "
           "back")
{
    struct ipc_record rec;
    struct ms_chan ch;
    struct ms m;
    int p[2], p4[2], gate[2], r, status, fds;
    pid_t gone, silent;

    init_ms(&m, &ch, p, p4);
    m.ack_timeout_ms = 300;
    fds = g_open_fds();
    ipc_rec_request(&rec, IPCLAB_OP_SUM, 1, 2, 7);
    /* a reader that has exited (and been reaped): ready cannot reach it */
    fflush(NULL);
    gone = fork();
    ck_assert_msg(gone != -1, "test error: fork() failed: %s",
                  strerror(errno));
    if (gone == 0)
        _exit(0);
    ck_assert_msg(waitpid(gone, &status, 0) == gone, "test error: "
                  "waitpid() failed: %s", strerror(errno));
    errno = 0;
    r = G_CALL(ms_handshake)(&m, &ch, &rec, gone);
    ck_assert_msg(r == -1 && errno == ESRCH, "the reader (pid %d) is gone: "
                  "expected -1/ESRCH, got %d/%s", (int)gone, r,
                  strerror(errno));
    ck_assert_msg(fifo_bytes(&ch) == 0, "the reader was gone, and its "
                  "record stayed in the FIFO (%d bytes): take it back "
                  "(ms_reclaim()) before anyone else reads it",
                  fifo_bytes(&ch));
    g_check_fds(fds, "a handshake with a reader gone (ESRCH)");

    /* a reader alive but silent: no ack within the ack timeout */
    silent = silent_reader(m.sigs.ready, gate);
    errno = 0;
    r = G_CALL(ms_handshake)(&m, &ch, &rec, silent);
    close(gate[1]);
    ck_assert_msg(h_wait(silent, 10000) == 0, "test error: the silent "
                  "reader failed");
    ck_assert_msg(r == -1 && errno == ETIMEDOUT, "the reader never acked: "
                  "expected -1/ETIMEDOUT, got %d/%s", r, strerror(errno));
    ck_assert_msg(fifo_bytes(&ch) == 0, "the reader never acked, and its "
                  "record stayed in the FIFO (%d bytes): take it back "
                  "(ms_reclaim()) when the ack timeout ends",
                  fifo_bytes(&ch));
    g_check_fds(fds, "a handshake with a silent reader (ETIMEDOUT)");
}
END_TEST

/*
 * deadline_kept's watcher: while the test's thread sleeps in the wait, a
 * signal the wait must not end on, each time it is back, for far longer
 * than the timeout, or until the call returns.
 */
struct pester {
    int ack;                    /* ms_handshake(): an ack from a stranger */
    int poke, done;             /* the reader's: one wrong ack per byte */
    int fd4[2];                 /* ms_await_result(): FIFO4's ends */
    int64_t until;
    int count;                  /* signals (or records) sent */
};

static volatile sig_atomic_t got_usr2;  /* by on_usr2 */

static void
on_usr2(int sig)
{
    (void)sig;
    got_usr2 = 1;
}

/* No ack pending: the wait took every one sent so far */
static bool
no_ack_pending(struct g_watch *w)
{
    const struct pester *ps = w->arg;
    sigset_t pending;

    return sigpending(&pending) == 0 && !sigismember(&pending, ps->ack);
}

/* For ms_handshake(): acks with the right seq from the test's own process,
   which is not the reader, each time it sleeps again in its wait, whatever
   the wait (sigtimedwait(), a signalfd's read or poll()) */
static void
pester_acks(struct g_watch *w)
{
    struct pester *ps = w->arg;

    while (ipc_now_ms() < ps->until &&
           g_watch_wait(w, NULL, no_ack_pending) &&
           sigqueue(getpid(), ps->ack, (union sigval){ .sival_int = 7 }) == 0)
        ps->count++;
}

/* For ms_handshake(): acks with a wrong seq (8) from the reader itself,
   each time the wait sleeps again; the reader confirms each one sent */
static void
pester_wrong_acks(struct g_watch *w)
{
    struct pester *ps = w->arg;
    char c;

    while (ipc_now_ms() < ps->until &&
           g_watch_wait(w, NULL, no_ack_pending) &&
           write(ps->poke, "x", 1) == 1 && read(ps->done, &c, 1) == 1)
        ps->count++;
}

/* A reader (ready blocked) that, for each byte on 'poke', sends the test's
   process an ack with seq 8, not 7, and says so on 'done'; it ends when
   'poke' is closed. Its ends kept are poke[1] and done[0]. */
static pid_t
wrong_acker(int ready, int ack, int poke[2], int done[2])
{
    pid_t server = getpid(), pid;

    ck_assert_msg(pipe(poke) == 0 && pipe(done) == 0, "test error: cannot "
                  "set up a reader: %s", strerror(errno));
    pid = fork_reader(ready);
    if (pid == 0) {
        char c;

        close(poke[1]);
        close(done[0]);
        while (read(poke[0], &c, 1) == 1)
            if (sigqueue(server, ack, (union sigval){ .sival_int = 8 }) == -1
                || write(done[1], "x", 1) != 1)
                _exit(1);
        _exit(0);
    }
    close(poke[0]);
    close(done[1]);
    return pid;
}

/* FIFO4 is empty: the wait took every record sent so far */
static bool
fifo4_empty(struct g_watch *w)
{
    const struct pester *ps = w->arg;
    int n = -1;

    return ioctl(ps->fd4[0], FIONREAD, &n) == 0 && n == 0;
}

/* For ms_await_result(): a stale result (seq 6, not 7) in FIFO4 each time
   the wait sleeps again with FIFO4 empty */
static void
pester_stale(struct g_watch *w)
{
    struct pester *ps = w->arg;
    struct ipc_record stale;

    ipc_rec_request(&stale, IPCLAB_OP_SUM, 1, 2, 6);
    ipc_rec_make_result(&stale, 0, 3);
    while (ipc_now_ms() < ps->until && g_watch_wait(w, NULL, fifo4_empty) &&
           write(ps->fd4[1], &stale, sizeof(stale)) == (ssize_t)sizeof(stale))
        ps->count++;
}

/* For ms_await_result(): a handler interrupts the wait (EINTR) */
static void
pester_eintr(struct g_watch *w)
{
    struct pester *ps = w->arg;

    while (ipc_now_ms() < ps->until && g_watch_wait(w, NULL, NULL) &&
           g_watch_interrupt(w, SIGUSR2, &got_usr2))
        ps->count++;
}

/* Start watcher 'fn' (its count cleared, signals for 2 s at most) for a
   call of 400 ms; when it started */
static int64_t
pester_start(struct g_watch *w, void (*fn)(struct g_watch *),
             struct pester *ps)
{
    int64_t t0 = ipc_now_ms();

    ps->count = 0;
    ps->until = t0 + 2000;
    g_watch_start(w, fn, ps);
    return t0;
}

/* The call's time, checked against its timeout of 400 ms */
static void
check_deadline(const char *call, int64_t took, const struct pester *ps,
               const char *what)
{
    ck_assert_msg(ps->count > 0, "%s: the wait of 400 ms ended before a "
                  "signal could be sent in it (%lld ms)", call,
                  (long long)took);
    ck_assert_msg(took >= 350, "%s: timeout 400 ms, returned after %lld ms",
                  call, (long long)took);
    ck_assert_msg(took < 2000, "%s: timeout 400 ms, with %d %s in the "
                  "wait: returned after %lld ms, when they stopped; the "
                  "deadline is absolute, computed once: wait only for the "
                  "time left (ipc_ms_until())", call, ps->count, what,
                  (long long)took);
}

GRADE_TEST(deadline_kept, 1, 40,
           "ms_handshake, ms_await_result: signals, EINTR and stale "
           "results do not restart the timeout")
{
    struct sigaction sa = { .sa_handler = on_usr2 };
    struct ipc_record rec, res;
    struct pester ps = { 0 };
    struct ms_chan ch;
    struct g_watch w;
    struct ms m;
    int p[2], p4[2], gate[2], r;
    int64_t t0, took;
    pid_t silent;

    init_ms(&m, &ch, p, p4);
    m.ack_timeout_ms = 400;
    ipc_rec_request(&rec, IPCLAB_OP_SUM, 1, 2, 7);
    ps.ack = m.sigs.ack;
    /* again (3 times at most) when the watcher could not send a signal in
       the wait: a loaded machine is not the student's fault */
    for (int attempt = 0; attempt < 3; attempt++) {
        silent = silent_reader(m.sigs.ready, gate);
        t0 = pester_start(&w, pester_acks, &ps);
        errno = 0;
        r = G_CALL(ms_handshake)(&m, &ch, &rec, silent);
        took = ipc_now_ms() - t0;
        g_watch_stop(&w);
        close(gate[1]);
        h_wait(silent, 10000);
        ck_assert_msg(r != 0, "ms_handshake returned 0 (acked) when only "
                      "another process (pid %d, not the reader %d) sent "
                      "acks: check the sender (si_pid)", (int)getpid(),
                      (int)silent);
        ck_assert_msg(r == -1 && errno == ETIMEDOUT, "ms_handshake: acks "
                      "from another process only, none from the reader: "
                      "expected -1/ETIMEDOUT, got %d/%s", r, strerror(errno));
        if (ps.count > 0)
            break;
    }
    check_deadline("ms_handshake", took, &ps, "acks from a stranger");

    /* the reader itself acking, but always with the wrong seq */
    for (int attempt = 0; attempt < 3; attempt++) {
        int poke[2], done[2];
        pid_t reader = wrong_acker(m.sigs.ready, m.sigs.ack, poke, done);

        ps.poke = poke[1];
        ps.done = done[0];
        t0 = pester_start(&w, pester_wrong_acks, &ps);
        errno = 0;
        r = G_CALL(ms_handshake)(&m, &ch, &rec, reader);
        took = ipc_now_ms() - t0;
        g_watch_stop(&w);
        close(poke[1]);
        close(done[0]);
        ck_assert_msg(h_wait(reader, 10000) == 0, "test error: the reader "
                      "failed");
        ck_assert_msg(r != 0, "ms_handshake returned 0 (acked) when the "
                      "reader acked seq 8 only, for the record with seq 7: "
                      "check the ack's value (si_value)");
        ck_assert_msg(r == -1 && errno == ETIMEDOUT, "ms_handshake: acks "
                      "with a wrong seq only: expected -1/ETIMEDOUT, got "
                      "%d/%s", r, strerror(errno));
        if (ps.count > 0)
            break;
    }
    check_deadline("ms_handshake", took, &ps,
                   "acks with a wrong seq from the reader");

    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;            /* no SA_RESTART: the wait sees EINTR */
    ck_assert_msg(sigaction(SIGUSR2, &sa, NULL) == 0, "test error: "
                  "sigaction() failed: %s", strerror(errno));
    for (int attempt = 0; attempt < 3; attempt++) {
        t0 = pester_start(&w, pester_eintr, &ps);
        r = G_CALL(ms_await_result)(&m, &rec, &res, 400);
        took = ipc_now_ms() - t0;
        g_watch_stop(&w);
        ck_assert_msg(r == 0, "ms_await_result: no result, a handler "
                      "interrupting the wait: expected 0 (timeout), got %d",
                      r);
        if (ps.count > 0)
            break;
    }
    check_deadline("ms_await_result", took, &ps, "interruptions (EINTR)");

    /* only results to another request (seq 6), one after another */
    ps.fd4[0] = p4[0];
    ps.fd4[1] = p4[1];
    for (int attempt = 0; attempt < 3; attempt++) {
        t0 = pester_start(&w, pester_stale, &ps);
        r = G_CALL(ms_await_result)(&m, &rec, &res, 400);
        took = ipc_now_ms() - t0;
        g_watch_stop(&w);
        ck_assert_msg(r == 0, "ms_await_result: only stale results (seq 6, "
                      "not 7) in FIFO4: expected 0 (timeout), got %d", r);
        if (ps.count > 0)
            break;
    }
    check_deadline("ms_await_result", took, &ps,
                   "stale results (seq 6, not 7) in FIFO4");
}
END_TEST

/* A reader (ready blocked) that, on the test's ready, reads one record
   from 'rfd', passes it on through out[1] and acks it the way of the
   mode of 'sigs': sigqueue() with the ready's value (rt), kill()
   (classic); out[0] is the test's */
static pid_t
acking_reader(const struct ipc_sigs *sigs, int rfd, int out[2])
{
    int ready = sigs->ready, ack = sigs->ack;
    bool queued = sigs->mode == IPCLAB_SIG_RT;
    pid_t server = getpid(), pid;

    ck_assert_msg(pipe(out) == 0, "test error: cannot set up a reader: %s",
                  strerror(errno));
    pid = fork_reader(ready);
    if (pid == 0) {
        struct timespec ts = { 10, 0 };
        struct ipc_record rec;
        siginfo_t si;
        sigset_t set;

        close(out[0]);
        sigemptyset(&set);
        sigaddset(&set, ready);
        _exit(sigtimedwait(&set, &si, &ts) != ready ||
              read(rfd, &rec, sizeof(rec)) != (ssize_t)sizeof(rec) ||
              write(out[1], &rec, sizeof(rec)) != (ssize_t)sizeof(rec) ||
              (queued ? sigqueue(server, ack, si.si_value)
                      : kill(server, ack)) == -1);
    }
    close(out[1]);
    return pid;
}

/* ms_serve_one()'s state of 'mode' for a request of a client on the
   channel 'q' (FIFO2) and a worker on 'p' (FIFO3): init_ms()'s, the
   ack of that mode blocked */
static void
init_serve(struct ms *m, enum ipc_sig_mode mode, int p[2], int p4[2],
           int q[2])
{
    struct ms_chan ch;

    init_ms(m, &ch, p, p4);
    ipc_sigs_init(&m->sigs, mode);
    sigemptyset(&m->ackset);
    sigaddset(&m->ackset, m->sigs.ack);
    ck_assert_msg(sigprocmask(SIG_BLOCK, &m->ackset, NULL) == 0 &&
                  pipe(q) == 0 && fcntl(q[0], F_SETFL, O_NONBLOCK) == 0 &&
                  fcntl(q[1], F_SETFL, O_NONBLOCK) == 0, "test error: "
                  "cannot set up the server: %s", strerror(errno));
    m->to_worker = ch;
    m->to_client = (struct ms_chan){ .no = IPCLAB_FIFO2, .wfd = q[1],
                                     .rfd = q[0] };
    m->ack_timeout_ms = 1000;
    m->result_timeout_ms = 1000;
}

GRADE_TEST(serve_failures, 1, 30,
           "ms_serve_one: a worker that never answers gives EIO; served "
           "counts only results acked")
{
    struct ipc_record req, got;
    struct ms m;
    int p[2], p4[2], q[2], wout[2], cout[2], gate[2];
    pid_t worker, client, silent;

    require_record_first();
    init_serve(&m, IPCLAB_SIG_RT, p, p4, q);
    m.ack_timeout_ms = 300;
    m.result_timeout_ms = 300;
    /* the worker acks the request and never answers; the client acks */
    worker = acking_reader(&m.sigs, p[0], wout);
    client = acking_reader(&m.sigs, q[0], cout);
    m.workers[IPCLAB_OP_SUM] = worker;
    ipc_rec_request(&req, IPCLAB_OP_SUM, 1, 2, 7);
    req.pid = client;
    G_CALL(ms_serve_one)(&m, &req);
    ck_assert_msg(h_wait(worker, 10000) == 0, "the worker (pid %d) never "
                  "got request 7 with its ready", (int)worker);
    ck_assert_msg(h_wait(client, 10000) == 0 &&
                  read(cout[0], &got, sizeof(got)) == (ssize_t)sizeof(got),
                  "the worker took request 7 and never answered: the client "
                  "got no result");
    ck_assert_msg(got.status == EIO, "the worker took request 7 and never "
                  "answered within the result timeout: the client got "
                  "status %d (%s), expected EIO (README, 05-3)",
                  (int)got.status, strerror((int)got.status));
    ck_assert_msg(m.served == 1, "the client acked its result: served is "
                  "%lu, expected 1", m.served);
    close(wout[0]);
    close(cout[0]);

    /* a client that never acks: its result is not delivered */
    silent = silent_reader(m.sigs.ready, gate);
    req.pid = silent;
    req.seq = 8;
    m.workers[IPCLAB_OP_SUM] = 0;
    G_CALL(ms_serve_one)(&m, &req);
    close(gate[1]);
    ck_assert_msg(h_wait(silent, 10000) == 0, "test error: the silent "
                  "client failed");
    ck_assert_msg(m.served == 1, "a client never acked its result (taken "
                  "back after the ack timeout), and served went from 1 to "
                  "%lu: served counts results delivered (ms.h), count "
                  "only when the client's handshake succeeded", m.served);
}
END_TEST

GRADE_TEST(system_single, 2, 40,
           "reference rc via ex05-server: 6 * 7, 1 / 0, overflow")
{
    const char *dir = h_tmpdir_path("run");
    struct h_server srv;

    require_record_first();
    start(&srv, dir);
    g_expect_rc(dir, "6", "*", "7", "6 * 7 = 42\n", RC_TIMEOUT_MS);
    g_expect_rc(dir, "1", "/", "0",
                "1 / 0: division by zero\n", RC_TIMEOUT_MS);
    g_expect_rc(dir, "-9223372036854775808", "-", "1",
                "-9223372036854775808 - 1: overflow\n", RC_TIMEOUT_MS);
    h_server_stop(&srv, 10000, NULL, 0);
}
END_TEST

GRADE_TEST(unknown_op, 1, 30, "an unknown operation is answered EINVAL")
{
    const char *dir = h_tmpdir_path("run");
    int64_t v = 0;
    int status;
    struct h_server srv;

    require_record_first();
    start(&srv, dir);
    status = raw_request(dir, 9, 1, 2, &v);
    ck_assert_msg(status == EINVAL, "op 9: status %d (%s), expected EINVAL",
                  status, strerror(status));
    status = raw_request(dir, IPCLAB_OP_SUB, 50, 8, &v);
    ck_assert_msg(status == 0 && v == 42, "50 - 8 after it: status %d, "
                  "value %lld", status, (long long)v);
    h_server_stop(&srv, 10000, NULL, 0);
}
END_TEST

GRADE_TEST(system_load, 1, 60,
           "3 clients x 30 requests (window 4) at once: all right")
{
    const char *dir = h_tmpdir_path("run");
    struct h_server srv;
    pid_t pids[3];

    require_record_first();
    start(&srv, dir);
    for (int c = 0; c < 3; c++) {
        char in[32], out[32], exp[32];

        snprintf(in, sizeof(in), "rc%d.in", c);
        snprintf(exp, sizeof(exp), "rc%d.expect", c);
        snprintf(out, sizeof(out), "rc%d.out", c);
        oracle_workload(h_tmpdir_path(in), h_tmpdir_path(exp), 30,
                        500u + (unsigned)c);
        pids[c] = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir", dir,
                          "--window", "4", "--timeout", "5000", "--file",
                          h_tmpdir_path(in), NULL }, NULL, h_tmpdir_path(out),
                          NULL);
    }
    for (int c = 0; c < 3; c++) {
        char out[32], exp[32];
        char *got, *want;

        h_wait(pids[c], RUN_MS);
        snprintf(exp, sizeof(exp), "rc%d.expect", c);
        snprintf(out, sizeof(out), "rc%d.out", c);
        got = h_read_file(h_tmpdir_path(out));
        want = h_read_file(h_tmpdir_path(exp));
        ck_assert_msg(got != NULL, "client %d printed nothing", c);
        oracle_compare(got, want, NULL);
        free(got);
        free(want);
    }
    h_server_stop(&srv, 10000, NULL, 0);
}
END_TEST

GRADE_TEST(client_dies, 2, 40,
           "a client that dies before its ack does not stall the others")
{
    const char *dir = h_tmpdir_path("run");
    struct h_server srv;

    require_record_first();
    start(&srv, dir);
    /* killed by its own --die-before-ack: its result stays in FIFO2 */
    h_run((const char *[]){ h_bin("ipclab-rc"), "--dir", dir,
          "--die-before-ack", "1", "1", "+", "1", NULL }, NULL, NULL,
          h_tmpdir_path("dead.err"), RUN_MS);
    g_expect_rc(dir, "20", "+", "22", "20 + 22 = 42\n", RC_TIMEOUT_MS);
    g_expect_rc(dir, "84", "/", "2", "84 / 2 = 42\n", RC_TIMEOUT_MS);
    h_server_stop(&srv, 10000, NULL, 0);
}
END_TEST

GRADE_TEST(stop_clean, 2, 30,
           "SIGINT: exit 0, 'stopped:' line, FIFOs removed, no worker left")
{
    const char *dir = h_tmpdir_path("run");
    struct h_server srv;
    pid_t kids[8];
    char fifo[PATH_MAX], tail[512];
    int n, status;

    require_record_first();
    start(&srv, dir);
    n = h_children(srv.pid, kids, 8);
    ck_assert_msg(n == IPCLAB_OP_COUNT, "%d processing clients, expected %d", n,
                  IPCLAB_OP_COUNT);
    g_expect_rc(dir, "2", "*", "21", "2 * 21 = 42\n", RC_TIMEOUT_MS);
    status = h_server_stop(&srv, 10000, tail, sizeof(tail));
    ck_assert_msg(status == 0, "after SIGINT: exit %d (-1: still running "
                  "after 10 s)", status);
    ck_assert_msg(strncmp(tail, "stopped: ", 9) == 0 ||
                  strstr(tail, "\nstopped: ") != NULL,
                  "no 'stopped:' line: '%.100s'", tail);
    snprintf(fifo, sizeof(fifo), "%s/fifo1", dir);
    ck_assert_msg(access(fifo, F_OK) == -1, "'%s' is still there", fifo);
    for (int i = 0; i < n; i++)
        ck_assert_msg(h_wait_gone(kids[i], 3000), "processing client %d "
                      "still runs", (int)kids[i]);
}
END_TEST

GRADE_TEST(trace_check, 2, 90,
           "recorded run (3 clients) passes 'ipclab-trace check'")
{
    char why[512] = "", trace[PATH_MAX], bin[PATH_MAX];

    require_record_first();
    g_require_tracing();
    snprintf(bin, sizeof(bin), "%s/bin", h_build_dir());
    for (int c = 0; c < 3; c++) {
        char in[32], exp[32];

        snprintf(in, sizeof(in), "rc%d.in", c);
        snprintf(exp, sizeof(exp), "rc%d.expect", c);
        oracle_workload(h_tmpdir_path(in), h_tmpdir_path(exp), 8,
                        900u + (unsigned)c);
    }
    snprintf(trace, sizeof(trace), "%s", h_tmpdir_path("trace"));
    ck_assert_msg(g_record_run(trace, (const char *[]){
                  g_prog("ex05-server"), "--worker-dir", bin,
                  "--ack-timeout", "1000", NULL }, (const char *[]){
                  h_bin("ipclab-rc"), "--timeout", "5000", "--window", "2",
                  NULL }, 3, why, sizeof(why)) == 0,
                  "the recorded run failed: %s", why);
    g_trace_check(trace, 3 * 8);
}
END_TEST

/* ms_serve_one(req) for a client reading 'q' (acking_reader()), with
   the result '*value' (when not NULL) in FIFO4 (p4) as its worker's
   answer: the result the client got (status -1: none); the test's
   descriptors are as they were after it */
static struct ipc_record
serve_to_client(struct ms *m, struct ipc_record req, int q[2], int p4[2],
                const int64_t *value)
{
    struct ipc_record got;
    int cout[2];
    pid_t client = acking_reader(&m->sigs, q[0], cout);

    req.pid = client;
    if (value != NULL) {
        got = req;
        ipc_rec_make_result(&got, 0, *value);
        ck_assert_msg(ipc_rec_write(p4[1], IPCLAB_FIFO4, &got, 1000) == 0,
                      "test error: ipc_rec_write() failed: %s",
                      strerror(errno));
    }
    G_CALL(ms_serve_one)(m, &req);
    memset(&got, 0, sizeof(got));
    if (h_wait(client, 10000) != 0 ||
        read(cout[0], &got, sizeof(got)) != (ssize_t)sizeof(got))
        got.status = -1;
    close(cout[0]);
    return got;
}

GRADE_TEST(serve_classic, 1, 30,
           "ms_serve_one in classic mode: the acks come by kill() "
           "(SI_USER); no descriptor left open")
{
    struct ipc_record req, got;
    struct ms m;
    int p[2], p4[2], q[2], wout[2], fds;
    int64_t three = 3;
    pid_t worker;

    require_record_first();
    init_serve(&m, IPCLAB_SIG_CLASSIC, p, p4, q);
    fds = g_open_fds();
    worker = acking_reader(&m.sigs, p[0], wout);
    m.workers[IPCLAB_OP_SUM] = worker;
    ipc_rec_request(&req, IPCLAB_OP_SUM, 1, 2, 7);
    /* the worker's answer, in FIFO4 before it is awaited */
    got = serve_to_client(&m, req, q, p4, &three);
    ck_assert_msg(h_wait(worker, 10000) == 0, "classic mode: the worker "
                  "(pid %d) got no ready (SIGUSR1) with request 7",
                  (int)worker);
    close(wout[0]);
    ck_assert_msg(got.status == 0 && got.value == 3, "classic mode "
                  "(--signals classic): the client got %s %d, value %lld, "
                  "not its result 3: the acks come by kill(), si_code "
                  "SI_USER, with no value; accept that si_code in classic "
                  "mode (not SI_QUEUE)", got.status == -1 ? "no result," :
                  "status", (int)got.status, (long long)got.value);
    ck_assert_msg(m.served == 1, "classic mode: the client acked its "
                  "result by kill() (SI_USER) and served is %lu, expected "
                  "1: accept the si_code of the server's mode", m.served);
    g_check_fds(fds, "a request served in classic mode");
}
END_TEST

GRADE_TEST(serve_invalid_ops, 1, 30,
           "ms_serve_one: ops 0, one past the last and 0xffffffff are "
           "answered EINVAL; no descriptor left open")
{
    const uint32_t bad[] = { 0, IPCLAB_OP_COUNT + 1, UINT32_MAX };
    struct ipc_record req, got;
    struct ms m;
    int p[2], p4[2], q[2], fds;

    require_record_first();
    init_serve(&m, IPCLAB_SIG_RT, p, p4, q);
    fds = g_open_fds();
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char what[64];

        ipc_rec_request(&req, IPCLAB_OP_SUM, 1, 2, 7 + (uint32_t)i);
        req.op = bad[i];
        got = serve_to_client(&m, req, q, p4, NULL);
        ck_assert_msg(got.status == EINVAL, "op %u (valid ones are 1 to "
                      "%d): the client got %s%s, expected EINVAL: check "
                      "both ends of the range before routing", bad[i],
                      IPCLAB_OP_COUNT, got.status == -1 ? "no result" :
                      "status ", got.status == -1 ? "" :
                      strerror((int)got.status));
        snprintf(what, sizeof(what), "a request with op %u answered",
                 bad[i]);
        g_check_fds(fds, what);
    }
}
END_TEST
