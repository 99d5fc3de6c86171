/*
 * grade/check_hs.c - graded tests of exercise 04 (the client side of
 * the signal handshake).
 *
 * hs_*: the functions, with forked helper processes playing the server
 * (and a stranger) that send real signals. system_*: ex04-client as a
 * real process against the reference ipclab-server, answers checked
 * against a 128-bit oracle. trace_check: a recorded run passes
 * 'ipclab-trace check'.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grade.h"
#include "hs.h"
#include "ipclab/fifo.h"
#include "ipclab/proc.h"
#include "oracle.h"

#define RUN_MS 30000

static void
init_hs(struct hs *h, enum ipc_sig_mode mode, pid_t server)
{
    memset(h, 0, sizeof(*h));
    ipc_sigs_init(&h->sigs, mode);
    h->server = server;
    h->next_seq = 1;
}

GRADE_TEST(block_signals, 1, 10,
           "hs_block: ready and revoke blocked, other blocked ones kept")
{
    struct hs h;
    sigset_t before, old, now;

    sigemptyset(&before);
    sigaddset(&before, SIGUSR2);
    sigprocmask(SIG_SETMASK, &before, NULL);
    init_hs(&h, IPCLAB_SIG_RT, getppid());
    ck_assert_msg(G_CALL(hs_block)(&h, &old) == 0, "hs_block failed: %s",
                  strerror(errno));
    sigprocmask(SIG_SETMASK, NULL, &now);
    ck_assert_msg(sigismember(&now, SIGRTMIN + 2), "ready is not blocked");
    ck_assert_msg(sigismember(&now, SIGRTMIN + 1), "revoke is not blocked");
    ck_assert_msg(sigismember(&now, SIGUSR2), "SIGUSR2, blocked before, "
                  "is not any more: use SIG_BLOCK");
    ck_assert_msg(sigismember(&old, SIGUSR2) &&
                  !sigismember(&old, SIGRTMIN + 2), "*old is not the "
                  "previous mask");
    ck_assert_msg(sigismember(&h.waitset, SIGRTMIN + 2) &&
                  sigismember(&h.waitset, SIGRTMIN + 1) &&
                  !sigismember(&h.waitset, SIGUSR2), "h->waitset is not "
                  "{ready, revoke}");

    init_hs(&h, IPCLAB_SIG_CLASSIC, getppid());
    ck_assert_msg(G_CALL(hs_block)(&h, NULL) == 0, "hs_block failed: %s",
                  strerror(errno));
    sigprocmask(SIG_SETMASK, NULL, &now);
    ck_assert_msg(sigismember(&now, SIGUSR1), "classic mode: SIGUSR1 not "
                  "blocked");
}
END_TEST

static volatile sig_atomic_t ready_delivered;  /* by on_ready */

static void
on_ready(int sig)
{
    (void)sig;
    ready_delivered = 1;
}

/* Note, instead of dying of it, a ready delivered at once when it should
   stay pending (blocked); the test's own reads restart after it */
static void
note_delivered_ready(int ready)
{
    struct sigaction sa = { .sa_handler = on_ready };

    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    ck_assert_msg(sigaction(ready, &sa, NULL) == 0, "test error: "
                  "sigaction() failed: %s", strerror(errno));
}

/* A child that sends 'signo' with 'value' to the parent (sigqueue) once
   a byte comes through 'gate', then exits */
static pid_t
send_on_gate(int signo, int value, int gate)
{
    pid_t parent = getpid(), pid = fork();

    ck_assert_msg(pid != -1,
                  "test error: fork() failed: %s", strerror(errno));
    if (pid == 0) {
        union sigval sv = { .sival_int = value };
        char c;

        _exit(read(gate, &c, 1) == 1 && sigqueue(parent, signo, sv) == 0 ?
              0 : 1);
    }
    return pid;
}

GRADE_TEST(wait_early_ready, 1, 10,
           "hs_wait: a ready sent before the wait is not lost")
{
    struct ipc_sig_event ev;
    struct hs h;
    int gate[2], signo, status;
    pid_t server;

    ck_assert_msg(pipe(gate) == 0,
                  "test error: pipe() failed: %s", strerror(errno));
    server = send_on_gate(SIGRTMIN + 2, 5, gate[0]);
    note_delivered_ready(SIGRTMIN + 2);
    init_hs(&h, IPCLAB_SIG_RT, server);
    ck_assert_msg(G_CALL(hs_block)(&h, NULL) == 0, "hs_block failed: %s",
                  strerror(errno));
    /* the ready comes now, and is pending before any wait: the gate is
       the sender's exit */
    ck_assert_msg(write(gate[1], "x", 1) == 1,
                  "test error: write() failed: %s", strerror(errno));
    ck_assert_msg(waitpid(server, &status, 0) == server,
                  "test error: waitpid() failed: %s", strerror(errno));
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "test error: the ready could not be sent");
    ck_assert_msg(!ready_delivered, "the ready sent after hs_block() was "
                  "delivered at once instead of kept pending: hs_block() "
                  "must block it");
    signo = G_CALL(hs_wait)(&h, 2000, &ev);
    ck_assert_msg(signo == SIGRTMIN + 2, "hs_wait returned %d (%s), "
                  "expected the ready sent before it was called", signo,
                  signo == -1 ? strerror(errno) : "");
    ck_assert_msg(ev.value == 5 && ev.pid == server, "ready: value %u from "
                  "%d, expected 5 from %d", ev.value, (int)ev.pid,
                  (int)server);
}
END_TEST

static volatile sig_atomic_t got_usr2;  /* written by on_usr2 */

static void
on_usr2(int sig)
{
    (void)sig;
    got_usr2 = 1;
}

/*
 * What the watcher of wait_strangers does (grade.h, g_watch_*): it sees
 * the test's thread asleep in sigtimedwait() (the kernel function both
 * sigtimedwait() and sigwaitinfo() sleep in) with no ready pending, so
 * every signal is sent at a known step of the wait, never after a delay.
 */
struct relay {
    int ready;                  /* the ready signal */
    int gate;                   /* a byte here releases the sender */
    int sent;                   /* a byte from it: it has signalled */
    int count;                  /* signals the watcher had sent */
    int64_t until;              /* relay_ignored(): send until then */
};

/* The wait is idle: no ready pending (it took every one sent so far) */
static bool
no_ready_pending(struct g_watch *w)
{
    const struct relay *r = w->arg;
    sigset_t pending;

    return sigpending(&pending) == 0 && !sigismember(&pending, r->ready);
}

/* Wait until the test's thread sleeps in the wait with no ready pending;
   false once hs_wait() returned */
static bool
wait_idle(struct g_watch *w)
{
    return g_watch_wait(w, "do_sigtimedwait", no_ready_pending);
}

/* Release the sender (a byte through the gate) and wait until it says it
   has signalled; false when it cannot */
static bool
relay_release(struct relay *r)
{
    char c;

    if (write(r->gate, "x", 1) != 1 || read(r->sent, &c, 1) != 1)
        return false;
    r->count++;
    return true;
}

/* The watcher of the first half of wait_strangers: once the stranger's
   ready (pending before the wait) is taken, interrupt the wait with
   SIGUSR2; once the wait is back, release the server's ready. */
static void
relay_strangers(struct g_watch *w)
{
    struct relay *r = w->arg;

    if (!wait_idle(w) || !g_watch_interrupt(w, SIGUSR2, &got_usr2))
        return;
    r->count++;
    if (wait_idle(w))
        relay_release(r);
}

/* The watcher of the second half: a kill()ed ready each time the wait is
   back, until hs_wait() returns or r->until */
static void
relay_ignored(struct g_watch *w)
{
    struct relay *r = w->arg;

    while (ipc_now_ms() < r->until && wait_idle(w) && relay_release(r))
        ;
}

/*
 * A child that, for each byte through 'gate', sends 'signo' to the
 * parent (sigqueue() with 'value' when 'queued', else kill()) and writes
 * a byte to 'sent'; it lives until sender_end(), so that its pid
 * stays the sender's while the test looks at si_pid.
 */
static pid_t
sender(int signo, int value, bool queued, const int gate[2],
       const int sent[2])
{
    pid_t parent = getpid(), pid;

    fflush(NULL);
    pid = fork();
    ck_assert_msg(pid != -1, "the test could not fork: %s", strerror(errno));
    if (pid == 0) {
        union sigval sv = { .sival_int = value };
        char c;

        close(gate[1]);
        close(sent[0]);
        while (read(gate[0], &c, 1) == 1) {
            if ((queued ? sigqueue(parent, signo, sv) : kill(parent, signo))
                == -1 || write(sent[1], "x", 1) != 1)
                _exit(1);
        }
        _exit(0);
    }
    return pid;
}

/* A gate and its answer: two pipes, with the test's ends kept */
static void
gate_pipes(int gate[2], int sent[2])
{
    ck_assert_msg(pipe(gate) == 0 && pipe(sent) == 0, "the test could not "
                  "make its pipes: %s", strerror(errno));
}

/* End the sender (another sender may hold its gate open: no EOF) */
static void
sender_end(pid_t pid, const int gate[2], const int sent[2])
{
    close(gate[1]);
    close(sent[0]);
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
        ;
}

GRADE_TEST(wait_strangers, 1, 15,
           "hs_wait: ignores strangers and kill(), survives EINTR, times out")
{
    struct sigaction sa = { .sa_handler = on_usr2 };
    int sg[2], ss[2], vg[2], vs[2];
    struct ipc_sig_event ev;
    struct relay r = { .ready = SIGRTMIN + 2 };
    struct g_watch w;
    pid_t server, stranger;
    struct hs h;
    int64_t t0, took;
    int signo;

    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;            /* no SA_RESTART: the wait sees EINTR */
    ck_assert_msg(sigaction(SIGUSR2, &sa, NULL) == 0, "the test could not "
                  "set its SIGUSR2 handler: %s", strerror(errno));
    gate_pipes(sg, ss);
    gate_pipes(vg, vs);
    stranger = sender(SIGRTMIN + 2, 9, true, sg, ss);
    server = sender(SIGRTMIN + 2, 7, true, vg, vs);
    close(sg[0]);
    close(ss[1]);
    close(vg[0]);
    close(vs[1]);
    init_hs(&h, IPCLAB_SIG_RT, server);
    ck_assert_msg(G_CALL(hs_block)(&h, NULL) == 0, "hs_block failed: %s",
                  strerror(errno));
    /* the stranger's ready is pending before the wait: it comes first;
       then, in the wait, a SIGUSR2 handler; then the server's ready */
    r.gate = sg[1];
    r.sent = ss[0];
    ck_assert_msg(relay_release(&r), "test error: the stranger's ready "
                  "could not be sent");
    r.gate = vg[1];
    r.sent = vs[0];
    r.count = 0;
    g_watch_start(&w, relay_strangers, &r);
    signo = G_CALL(hs_wait)(&h, 5000, &ev);
    g_watch_stop(&w);
    ck_assert_msg(!(signo == SIGRTMIN + 2 && ev.pid == stranger),
                  "hs_wait took a ready from pid %d, not the server (%d): "
                  "check who sent it (si_pid)", (int)ev.pid, (int)server);
    ck_assert_msg(signo != -1 || errno != EINTR, "hs_wait returned -1/EINTR "
                  "when a handler ran: EINTR must not end the wait");
    ck_assert_msg(r.count > 0, "hs_wait never slept in sigtimedwait() or "
                  "sigwaitinfo() with the stranger's ready taken: the README "
                  "asks for them (returned %d)", signo);
    ck_assert_msg(signo == SIGRTMIN + 2 && ev.value == 7 && ev.pid == server,
                  "expected the server's ready (value 7) after a stranger's "
                  "(value 9) and an EINTR; got signal %d value %u from %d "
                  "(%s)", signo, ev.value, (int)ev.pid,
                  signo == -1 ? strerror(errno) : "timed out");
    sender_end(stranger, sg, ss);
    sender_end(server, vg, vs);

    /* the server's pid, but kill() instead of sigqueue(): not the
       protocol; one each time the wait is back, for far longer than the
       timeout: a deadline kept ends the wait anyway. Again (3 times at
       most) if the watcher could not send one in time: a loaded machine
       is not the student's fault */
    for (int attempt = 0; attempt < 3; attempt++) {
        gate_pipes(vg, vs);
        server = sender(SIGRTMIN + 2, 0, false, vg, vs);
        close(vg[0]);
        close(vs[1]);
        h.server = server;
        r.gate = vg[1];
        r.sent = vs[0];
        r.count = 0;
        t0 = ipc_now_ms();
        r.until = t0 + 2000;
        g_watch_start(&w, relay_ignored, &r);
        signo = G_CALL(hs_wait)(&h, 400, &ev);
        took = ipc_now_ms() - t0;
        g_watch_stop(&w);
        sender_end(server, vg, vs);
        if (signo != 0 || r.count > 0)
            break;
    }
    ck_assert_msg(signo == 0, "a kill()ed SIGRTMIN+2 in rt mode must be "
                  "ignored, and the wait time out: returned %d", signo);
    ck_assert_msg(r.count > 0, "the wait of 400 ms ended before a signal "
                  "could be sent in it (%lld ms)", (long long)took);
    ck_assert_msg(took >= 350, "timeout 400 ms: returned after %lld ms",
                  (long long)took);
    ck_assert_msg(took < 2000, "timeout 400 ms, with %d ignored signals in "
                  "the wait: returned after %lld ms, when they stopped (is "
                  "the deadline restarted on each signal?)", r.count,
                  (long long)took);
}
END_TEST

/* A child that takes one 'signo' and writes si_code and value to fd */
static pid_t
take_one(int signo, int fd)
{
    pid_t pid;
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, signo);
    sigprocmask(SIG_BLOCK, &set, NULL);
    fflush(NULL);
    pid = fork();
    ck_assert_msg(pid != -1, "test error: fork() failed: %s", strerror(errno));
    if (pid == 0) {
        struct timespec ts = { 5, 0 };
        siginfo_t si;
        int got[3] = { 0, 0, 0 };

        if (sigtimedwait(&set, &si, &ts) == signo) {
            got[0] = 1;
            got[1] = si.si_code;
            got[2] = si.si_value.sival_int;
        }
        _exit(write(fd, got, sizeof(got)) == sizeof(got) ? 0 : 1);
    }
    return pid;
}

GRADE_TEST(ack_payload, 1, 15, "hs_ack: sigqueue(ack, seq) in rt, kill() in "
           "classic mode")
{
    int pfd[2], got[3];
    struct hs h;
    pid_t pid;

    ck_assert_msg(pipe(pfd) == 0,
                  "test error: pipe() failed: %s", strerror(errno));
    pid = take_one(SIGRTMIN + 3, pfd[1]);
    init_hs(&h, IPCLAB_SIG_RT, pid);
    ck_assert_msg(G_CALL(hs_ack)(&h, 77) == 0, "hs_ack failed: %s",
                  strerror(errno));
    ck_assert_msg(read(pfd[0], got, sizeof(got)) == (int)sizeof(got),
                  "test error: read() failed: %s", strerror(errno));
    ck_assert_msg(got[0], "the server got no SIGRTMIN+3");
    ck_assert_msg(got[1] == SI_QUEUE && got[2] == 77, "rt ack: si_code %d "
                  "value %d, expected SI_QUEUE (%d) and 77", got[1], got[2],
                  SI_QUEUE);
    waitpid(pid, NULL, 0);

    pid = take_one(SIGUSR2, pfd[1]);
    init_hs(&h, IPCLAB_SIG_CLASSIC, pid);
    ck_assert_msg(G_CALL(hs_ack)(&h, 78) == 0, "classic mode: hs_ack "
                  "failed: %s", strerror(errno));
    ck_assert_msg(read(pfd[0], got, sizeof(got)) == (int)sizeof(got),
                  "test error: read() failed: %s", strerror(errno));
    ck_assert_msg(got[0] && got[1] == SI_USER, "classic ack: expected "
                  "SIGUSR2 by kill() (SI_USER), got %s, si_code %d",
                  got[0] ? "it" : "nothing", got[1]);
    waitpid(pid, NULL, 0);
}
END_TEST

/* The client's side of a fake server's pipes: 'h' in rt mode with the
   FIFO1 and FIFO2 ends non-blocking, as ex04-client opens them, and its
   signals blocked by the student's hs_block() */
static void
client_of(struct hs *h, pid_t server, int fd1, int fd2)
{
    ck_assert_msg(ipc_fd_set_nonblock(fd1, 1) == 0 &&
                  ipc_fd_set_nonblock(fd2, 1) == 0,
                  "test error: cannot set O_NONBLOCK: %s", strerror(errno));
    init_hs(h, IPCLAB_SIG_RT, server);
    h->fd1 = fd1;
    h->fd2 = fd2;
    ck_assert_msg(G_CALL(hs_block)(h, NULL) == 0, "hs_block failed: %s",
                  strerror(errno));
}

/*
 * read_after_ready's server is the test's process itself, its watcher
 * thread (grade.h, g_watch_*): the answer is in FIFO2 before hs_request()
 * is called, and ready is held back until the client's thread sleeps in
 * sigtimedwait() with its request in FIFO1. A client that reads FIFO2
 * before its ready (a read first, or polling FIONREAD) empties it before
 * any ready, in every run.
 */
enum order_seen {
    ORDER_NONE,                 /* no ready sent: it never waited */
    ORDER_READY_FIRST,          /* FIFO2 untouched until ready: right */
    ORDER_READ_FIRST,           /* FIFO2 read before any ready */
};

struct order_watch {
    int fd1;                    /* FIFO1's read end: the request */
    int fd2;                    /* FIFO2's read end: the answer */
    int ready;                  /* the ready signal */
    enum order_seen seen;
};

/* Bytes waiting in pipe 'fd' (-1 when unknown) */
static int
bytes_in(int fd)
{
    int n = -1;

    return ioctl(fd, FIONREAD, &n) == 0 ? n : -1;
}

static void
hold_ready(struct g_watch *w)
{
    struct order_watch *o = w->arg;
    union sigval sv = { .sival_int = 1 };
    int rec = (int)sizeof(struct ipc_record);

    for (;;) {
        /* read after hs_request() returned is seen too: done is last */
        bool done = atomic_load(&w->done);

        if (bytes_in(o->fd2) < rec) {
            o->seen = ORDER_READ_FIRST;
            break;
        }
        /* FIFO2 full before and after the sleep was seen: untouched */
        if (bytes_in(o->fd1) >= rec &&
            g_watch_sleeps(w, "do_sigtimedwait") && bytes_in(o->fd2) == rec) {
            o->seen = ORDER_READY_FIRST;
            break;
        }
        if (done)
            break;
        ipc_sleep_ms(1);        /* polls a state, orders nothing */
    }
    /* the ready, from this process (the server), to the waiting thread */
    if (o->seen != ORDER_NONE)
        sigqueue(getpid(), o->ready, sv);
}

/*
 * hs_request(6 * 7) with its answer waiting in FIFO2 and its ready held
 * back until it waits: what the watcher saw. *r and *res get what it
 * returned. The process's signals are left as they were.
 */
static enum order_seen
ready_before_read(int *r, struct ipc_record *res)
{
    struct order_watch o = { .seen = ORDER_NONE };
    struct timespec zero = { 0, 0 };
    struct ipc_record ans;
    struct g_watch watch;
    sigset_t old, ack;
    struct hs h;
    int p1[2], p2[2];

    ck_assert_msg(sigprocmask(SIG_SETMASK, NULL, &old) == 0 &&
                  pipe(p1) == 0 && pipe(p2) == 0, "test error: cannot set "
                  "up the server's pipes: %s", strerror(errno));
    client_of(&h, getpid(), p1[1], p2[0]);
    /* the ack comes to this process too: blocked, taken back below */
    sigemptyset(&ack);
    sigaddset(&ack, h.sigs.ack);
    ck_assert_msg(sigprocmask(SIG_BLOCK, &ack, NULL) == 0,
                  "test error: sigprocmask() failed: %s", strerror(errno));
    ipc_rec_request(&ans, IPCLAB_OP_MUL, 6, 7, h.next_seq);
    ans.pid = getpid();
    ipc_rec_make_result(&ans, 0, 42);
    ck_assert_msg(write(p2[1], &ans, sizeof(ans)) == (ssize_t)sizeof(ans),
                  "test error: write() failed: %s", strerror(errno));
    o.fd1 = p1[0];
    o.fd2 = p2[0];
    o.ready = h.sigs.ready;
    memset(res, 0, sizeof(*res));
    g_watch_start(&watch, hold_ready, &o);
    errno = 0;
    *r = G_CALL(hs_request)(&h, IPCLAB_OP_MUL, 6, 7, res, 3000);
    g_watch_stop(&watch);
    /* a ready or an ack left pending must not be delivered later */
    sigaddset(&ack, h.sigs.ready);
    sigaddset(&ack, h.sigs.revoke);     /* ack: now every signal of ours */
    while (sigtimedwait(&ack, NULL, &zero) > 0)
        ;
    ck_assert_msg(sigprocmask(SIG_SETMASK, &old, NULL) == 0, "test error: "
                  "cannot restore the signal mask: %s", strerror(errno));
    for (int i = 0; i < 2; i++) {
        close(p1[i]);
        close(p2[i]);
    }
    return o.seen;
}

GRADE_TEST(read_after_ready, 1, 10,
           "hs_request: FIFO2 read only after the server's ready, even "
           "with the answer already there")
{
    struct ipc_record res;
    int r;
    enum order_seen seen = ready_before_read(&r, &res);

    ck_assert_msg(seen != ORDER_READ_FIRST, "hs_request() read FIFO2 "
                  "before the server's ready (its answer was already "
                  "there): FIFO2 is shared, the record in it may be "
                  "another client's, and the server sends ready, then "
                  "waits for the ack, only once it is yours; read FIFO2 "
                  "only after taking the ready (docs/protocol.md, "
                  "section 4)");
    ck_assert_msg(seen == ORDER_READY_FIRST, "hs_request() returned %d "
                  "(%s) without waiting in sigtimedwait() for the server's "
                  "ready, and without reading its answer from FIFO2", r,
                  r == -1 ? strerror(errno) : "an answer");
    ck_assert_msg(r == 0 && res.seq == 1 && res.value == 42, "6 * 7, "
                  "answered in FIFO2 and signalled ready: hs_request "
                  "returned %d (%s), seq %u, value %lld", r, r == -1 ?
                  strerror(errno) : "ok", res.seq, (long long)res.value);
}
END_TEST

/*
 * The gate of the tests with real processes: a client that reads FIFO2
 * before its ready finds its answer there, or another client's, or
 * nothing, as the scheduling goes; it fails them in every run, by
 * read_after_ready's finding, instead of passing some by chance.
 */
static void
require_read_after_ready(void)
{
    struct ipc_record res;
    int r;

    ck_assert_msg(ready_before_read(&r, &res) != ORDER_READ_FIRST,
                  "not run: hs_request() reads FIFO2 before the server's "
                  "ready (read_after_ready), so whether it finds its own "
                  "answer would be chance");
    g_at("");                   /* what fails from now on is not its own */
}

/*
 * ex04-client against the reference server, started with both modes'
 * ready signals already blocked: whether an answer that comes before the
 * client blocks them is lost is answer_at_once's question alone, so that
 * here a chance of scheduling cannot change the score.
 */
static pid_t
spawn_client(const char *const argv[], const char *out, const char *err)
{
    sigset_t ready;

    sigemptyset(&ready);
    sigaddset(&ready, SIGRTMIN + 2);
    sigaddset(&ready, SIGUSR1);
    return h_spawn_blocked(argv, NULL, out, err, &ready);
}

/* ex04-client A OP B against the server of 'dir' must print 'want' */
static void
expect_client(const char *dir, const char *a, const char *op, const char *b,
              const char *want)
{
    const char *out = h_tmpdir_path("c.out"), *err = h_tmpdir_path("c.err");
    char *got;
    int status;

    status = h_wait(spawn_client((const char *[]){ g_prog("ex04-client"),
                    "--dir", dir, "--timeout", "5000", a, op, b, NULL },
                    out, err), RUN_MS);
    got = h_read_file(out);
    ck_assert_msg(got != NULL && strcmp(got, want) == 0, "ex04-client %s %s "
                  "%s printed '%s', expected '%.*s' (exit %d; stderr: %s)", a,
                  op, b, g_snippet(out, 100), (int)strlen(want) - 1, want,
                  status, g_snippet(err, 160));
    ck_assert_msg(status == 0, "ex04-client exited %d", status);
    free(got);
}

GRADE_TEST(system_single, 1, 40,
           "ex04-client + reference server: 6 * 7, 1 / 0, overflow")
{
    struct h_server srv;

    require_read_after_ready();
    h_server_start(&srv, h_tmpdir_path("run"), NULL);
    expect_client(srv.dir, "6", "*", "7", "6 * 7 = 42\n");
    expect_client(srv.dir, "1", "/", "0", "1 / 0: division by zero\n");
    expect_client(srv.dir, "-9223372036854775808", "/", "-1",
                  "-9223372036854775808 / -1: overflow\n");
    g_server_stop_answered(&srv, 3);
}
END_TEST

/* 'clients' ex04-clients at once, 'count' requests each */
static void
load(const char *const extra[], int clients, int count)
{
    struct h_server srv;
    pid_t pids[8];

    h_server_start(&srv, h_tmpdir_path("run"), extra);
    for (int c = 0; c < clients; c++) {
        char in[32], out[32], exp[32];

        snprintf(in, sizeof(in), "rc%d.in", c);
        snprintf(exp, sizeof(exp), "rc%d.expect", c);
        snprintf(out, sizeof(out), "rc%d.out", c);
        oracle_workload(h_tmpdir_path(in), h_tmpdir_path(exp), count,
                        400u + (unsigned)c);
        pids[c] = spawn_client((const char *[]){ g_prog("ex04-client"),
                               "--dir", srv.dir, "--timeout", "5000",
                               "--file", h_tmpdir_path(in), NULL },
                               h_tmpdir_path(out), NULL);
    }
    for (int c = 0; c < clients; c++) {
        char out[32], exp[32];
        char *got, *want;
        int status = h_wait(pids[c], RUN_MS);

        snprintf(exp, sizeof(exp), "rc%d.expect", c);
        snprintf(out, sizeof(out), "rc%d.out", c);
        got = h_read_file(h_tmpdir_path(out));
        want = h_read_file(h_tmpdir_path(exp));
        ck_assert_msg(got != NULL, "client %d printed nothing (exit %d)", c,
                      status);
        oracle_compare(got, want, NULL);
        ck_assert_msg(status == 0, "client %d exited %d", c, status);
        free(got);
        free(want);
    }
    g_server_stop_answered(&srv, (long)clients * count);
}

/* True when 'signo' is pending for process 'pid' (ShdPnd: the signals
   sent to the process, not yet taken) */
static bool
pending_for(pid_t pid, int signo)
{
    return g_status_mask(pid, "ShdPnd:", signo);
}

/* Wait until client 'pid' sleeps in sigtimedwait() with no 'ready'
   pending, or is gone (it then fails the test by its output). Where its
   wchan cannot be read (not dumpable, as under the grader's sandbox),
   any sleep counts: its loop sleeps nowhere else. */
static void
wait_client_idle(pid_t pid, int ready)
{
    for (;;) {
        /* pending first: a sleep seen after it is in the next wait */
        bool pending = pending_for(pid, ready);
        char wchan[64], text[256];
        const char *state;

        if (h_proc_sleeping(pid, wchan, sizeof(wchan))) {
            if (!pending && (wchan[0] == '\0' ||
                             strncmp(wchan, "do_sig", 6) == 0))
                return;
        } else {
            state = h_proc_describe(pid, text, sizeof(text));
            if (strcmp(state, "gone") == 0 || strstr(state, "state Z") != NULL)
                return;
        }
        ipc_sleep_ms(1);        /* polls a state, orders nothing */
    }
}

/* True when 'signo' is blocked by process 'pid' (SigBlk: its main
   thread's mask, the test's thread) */
static bool
blocked_by(pid_t pid, int signo)
{
    return g_status_mask(pid, "SigBlk:", signo);
}

/* True while 'pid' sleeps in a signal wait (sigtimedwait()...) */
static bool
in_signal_wait(pid_t pid)
{
    char wchan[64];

    return h_proc_sleeping(pid, wchan, sizeof(wchan)) &&
           strncmp(wchan, "do_sig", 6) == 0;
}

/* Wait until client 'pid' has 'signo' blocked, or sleeps (then it does
   not block it on its way), or is gone */
static void
wait_blocked(pid_t pid, int signo)
{
    char wchan[64];

    while (!blocked_by(pid, signo) &&
           !h_proc_sleeping(pid, wchan, sizeof(wchan))) {
        char text[256];
        const char *state = h_proc_describe(pid, text, sizeof(text));

        if (strcmp(state, "gone") == 0 || strstr(state, "state Z") != NULL)
            return;
        ipc_sleep_ms(1);        /* polls a state, orders nothing */
    }
}

/* In the fake server: answer request 'req' with 'value' on fd, signal
   ready to the client and wait up to 'ack_s' seconds for its ack. Exits
   'no_ack' when none came, 1 on any other failure. */
static void
answer(int fd, const struct ipc_sigs *sigs, struct ipc_record *req,
       int64_t value, pid_t client, int ack_s, int no_ack)
{
    union sigval sv = { .sival_int = (int)req->seq };
    struct timespec ts = { ack_s, 0 };
    sigset_t ack;

    sigemptyset(&ack);
    sigaddset(&ack, sigs->ack);
    ipc_rec_make_result(req, 0, value);
    /* written once the client waits: one that reads FIFO2 before its
       ready finds it empty every run (read_after_ready grades that) */
    wait_client_idle(client, sigs->ready);
    if (ipc_rec_write(fd, IPCLAB_FIFO2, req, 5000) == -1 ||
        sigqueue(client, sigs->ready, sv) == -1)
        _exit(1);
    if (sigtimedwait(&ack, NULL, &ts) != sigs->ack)
        _exit(no_ack);
}

GRADE_TEST(late_answer, 1, 15,
           "hs_request: the late answer to a request that timed out is "
           "dropped")
{
    struct ipc_record res, req1, req2;
    struct ipc_sigs sigs;
    sigset_t ack, old;
    int p1[2], p2[2], r, status;
    struct hs h;
    pid_t server;

    ipc_sigs_init(&sigs, IPCLAB_SIG_RT);
    sigemptyset(&ack);
    sigaddset(&ack, sigs.ack);
    ck_assert_msg(sigprocmask(SIG_BLOCK, &ack, &old) == 0,
                  "test error: sigprocmask() failed: %s", strerror(errno));
    ck_assert_msg(pipe(p1) == 0,
                  "test error: pipe() failed: %s", strerror(errno));
    ck_assert_msg(pipe(p2) == 0,
                  "test error: pipe() failed: %s", strerror(errno));
    fflush(NULL);
    server = fork();
    ck_assert_msg(server != -1,
                  "test error: fork() failed: %s", strerror(errno));
    if (server == 0) {
        /* the fake server: answers request 1 only once request 2 has
           come, so after request 1 timed out: the gate is request 2 */
        pid_t client = getppid();

        close(p1[1]);
        close(p2[0]);
        if (ipc_rec_read_one(p1[0], IPCLAB_FIFO1, &req1, IPCLAB_KIND_REQUEST) != 1
            || ipc_rec_read_one(p1[0], IPCLAB_FIFO1, &req2,
                                IPCLAB_KIND_REQUEST) != 1)
            _exit(1);
        /* the late answer's ack is awaited for less than request 2's
           timeout: a client that never acks it is told so (exit 2) */
        answer(p2[1], &sigs, &req1, 111, client, 2, 2);
        answer(p2[1], &sigs, &req2, 42, client, 5, 1);
        _exit(0);
    }
    ck_assert_msg(sigprocmask(SIG_SETMASK, &old, NULL) == 0,
                  "test error: sigprocmask() failed: %s", strerror(errno));
    close(p1[0]);
    close(p2[1]);
    client_of(&h, server, p1[1], p2[0]);
    errno = 0;
    r = G_CALL(hs_request)(&h, IPCLAB_OP_SUM, 1, 2, &res, 300);
    ck_assert_msg(r == -1 && errno == ETIMEDOUT, "no answer in 300 ms: "
                  "expected -1/ETIMEDOUT, got %d/%s", r, strerror(errno));
    memset(&res, 0, sizeof(res));
    r = G_CALL(hs_request)(&h, IPCLAB_OP_MUL, 6, 7, &res, 5000);
    /* the server first: a late answer never acked stalls it, and then
       request 2's failure is that fault's consequence, not its own */
    status = h_wait(server, 10000);
    ck_assert_msg(status != 2, "the late answer was never acknowledged: "
                  "ack it, then drop it");
    ck_assert_msg(r == 0, "6 * 7 after a timed-out request: hs_request "
                  "failed: %s", strerror(errno));
    ck_assert_msg(res.value != 111, "hs_request returned the late answer to "
                  "the request that timed out (seq %u, value 111) as the "
                  "answer to the next one: check the result's seq",
                  res.seq);
    ck_assert_msg(res.value == 42 && res.seq == 2, "6 * 7: got value %lld, "
                  "seq %u; expected 42, seq 2", (long long)res.value,
                  res.seq);
    ck_assert_msg(status == 0, "the answer to 6 * 7 was never acknowledged "
                  "(the server exited %d)", status);
}
END_TEST

/*
 * The fake server of the request_* tests: for each request of 'script'
 * (requests apart by '|'), it reads the request from FIFO1, then, in
 * order, for each step:
 *   'r'  a revoke for another seq (the request's + 50)
 *   'R'  a revoke for the request's seq
 *   'g'  garbage (bytes that are no record) in FIFO2, then ready(seq)
 *   'f'  another client's result (its own pid) for the seq, then ready
 *   'o'  another client's result (its own pid, seq + 50), then
 *        ready(seq + 50), as the server signals another client's result
 *   'F'  'o' again and again, each once the last was acked, until one is
 *        not acked within FAKE_ACK_MS or FLOOD_MS have passed
 *   'e'  a ready(seq) with nothing in FIFO2 (taken back); once the client
 *        has taken it and waits again, reports 'k' if it acked, else 'n'
 *   'x'  a revoke for the request's seq from a stranger (sigqueue() by
 *        a child of the fake server)
 *   'c'  a revoke for the request's seq from the server, but not the
 *        protocol's way (si_code SI_MESGQ, not SI_QUEUE)
 *   'G'  'g' again and again, each once the last was acked, reported
 *        as 'F' is
 *   'a'  the client's result (value a * b), then ready
 *   '-'  nothing: the request gets no answer
 * Each ready or revoke is sent once the client has it blocked (or
 * sleeps, or is gone): whether one sent earlier is lost is
 * answer_at_once's question alone, so that no test's score depends on
 * when the scheduler ran the client.
 * After each ready of 'g', 'f', 'o' and 'a' it waits up to FAKE_ACK_MS for the
 * client's ack and reports it on 'said': 'k' acked with the ready's
 * value, 'w' with another value, 'n' not acked; after
 * 'F' it reports once: 'n' (an ack missed: the client gave up) or 't'
 * (FLOOD_MS passed, every one acked). Exits 1 on any failure of its own.
 */
#define FAKE_ACK_MS 2000
#define FLOOD_MS 6000

/* In the fake server: take an ack, waiting up to 'ms' for it; whether
   one came. Its value is left in 'si' when not NULL. */
static bool
fake_take_ack(const struct ipc_sigs *sigs, int ms, siginfo_t *si)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
    sigset_t ack;

    sigemptyset(&ack);
    sigaddset(&ack, sigs->ack);
    return sigtimedwait(&ack, si, &ts) == sigs->ack;
}

/* In the fake server: write 'rec' to FIFO2, signal ready with 'value',
   and wait for the ack; its report (fake_server()) */
static char
fake_ready(int fd2, const struct ipc_sigs *sigs, const struct ipc_record *rec,
           int value, pid_t client)
{
    union sigval sv = { .sival_int = value };
    siginfo_t si;

    if (write(fd2, rec, sizeof(*rec)) != (ssize_t)sizeof(*rec))
        _exit(1);
    wait_blocked(client, sigs->ready);
    if (sigqueue(client, sigs->ready, sv) == -1)
        _exit(1);
    if (!fake_take_ack(sigs, FAKE_ACK_MS, &si))
        return 'n';
    return si.si_value.sival_int == value ? 'k' : 'w';
}

/* In the fake server: a child of it, a stranger, sends the client a
   revoke with value 'sv'; exits 1 when it cannot */
static void
fake_stranger_revoke(const struct ipc_sigs *sigs, union sigval sv,
                     pid_t client)
{
    pid_t pid = fork();
    int status;

    if (pid == -1)
        _exit(1);
    if (pid == 0)
        _exit(sigqueue(client, sigs->revoke, sv) == 0 ? 0 : 1);
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
        _exit(1);
}

/* In the fake server: a revoke with value 'sv' from the server's pid,
   but with si_code SI_MESGQ: a value and a sender sigqueue() did not
   make (rt_sigqueueinfo() accepts any negative si_code); exits 1 when it
   cannot */
static void
fake_revoke_not_queued(const struct ipc_sigs *sigs, union sigval sv,
                       pid_t client)
{
    siginfo_t si;

    memset(&si, 0, sizeof(si));
    si.si_signo = sigs->revoke;
    si.si_code = SI_MESGQ;
    si.si_pid = getpid();
    si.si_uid = getuid();
    si.si_value = sv;
    if (syscall(SYS_rt_sigqueueinfo, client, sigs->revoke, &si) == -1)
        _exit(1);
}

static void
fake_server(const char *script, int fd1, int fd2, int said, pid_t client)
{
    struct pollfd pfd = { .fd = fd1, .events = POLLIN };
    struct ipc_sigs sigs;

    ipc_sigs_init(&sigs, IPCLAB_SIG_RT);
    for (const char *s = script; *s != '\0'; s++) {
        struct ipc_record req, rec;
        union sigval sv, other;
        int64_t end;
        char got;

        if (poll(&pfd, 1, 5000) != 1 ||
            ipc_rec_read_one(fd1, IPCLAB_FIFO1, &req,
                             IPCLAB_KIND_REQUEST) != 1)
            _exit(1);
        /* as answer(): nothing is written before the client waits */
        wait_client_idle(client, sigs.ready);
        sv.sival_int = (int)req.seq;
        other.sival_int = (int)req.seq + 50;
        for (; *s != '\0' && *s != '|'; s++) {
            rec = req;
            /* no signal before the client has it blocked (see above) */
            wait_blocked(client, strchr("rRxc", *s) != NULL ? sigs.revoke
                                                            : sigs.ready);
            switch (*s) {
            case 'r':
            case 'R':
                if (sigqueue(client, sigs.revoke, *s == 'r' ? other : sv)
                    == -1)
                    _exit(1);
                continue;
            case '-':
                continue;
            case 'x':
                fake_stranger_revoke(&sigs, sv, client);
                continue;
            case 'c':
                fake_revoke_not_queued(&sigs, sv, client);
                continue;
            case 'e':
                if (sigqueue(client, sigs.ready, sv) == -1)
                    _exit(1);
                wait_client_idle(client, sigs.ready);
                got = fake_take_ack(&sigs, 0, NULL) ? 'k' : 'n';
                break;
            case 'g':
            case 'G':
                memset(&rec, 'x', sizeof(rec));
                end = ipc_deadline_ms(FLOOD_MS);
                do
                    got = fake_ready(fd2, &sigs, &rec, sv.sival_int, client);
                while (*s == 'G' && got == 'k' && ipc_ms_until(end) > 0);
                if (*s == 'G')
                    got = got == 'k' ? 't' : 'n';
                break;
            case 'f':
            case 'o':
            case 'F':
                rec.pid = getpid();
                if (*s != 'f')
                    rec.seq = (uint32_t)other.sival_int;
                ipc_rec_make_result(&rec, 0, 666);
                end = ipc_deadline_ms(FLOOD_MS);
                do
                    got = fake_ready(fd2, &sigs, &rec, (int)rec.seq, client);
                while (*s == 'F' && got == 'k' && ipc_ms_until(end) > 0);
                if (*s == 'F')
                    got = got == 'k' ? 't' : 'n';
                break;
            default:
                ipc_rec_make_result(&rec, 0, req.a * req.b);
                got = fake_ready(fd2, &sigs, &rec, sv.sival_int, client);
                break;
            }
            if (write(said, &got, 1) != 1)
                _exit(1);
        }
        if (*s == '\0')
            break;
    }
    _exit(0);
}

/* A fake server running 'script' (fake_server()) and 'h', its client */
struct fake {
    pid_t pid;
    int said;                   /* its reports, one byte per ready */
    int fds;                    /* descriptors open once it started */
    struct hs h;
    struct ipc_record res;      /* what the last hs_request() returned */
};

static void
fake_start(struct fake *f, const char *script)
{
    struct ipc_sigs sigs;
    int p1[2], p2[2], said[2];
    sigset_t ack, old;

    ipc_sigs_init(&sigs, IPCLAB_SIG_RT);
    sigemptyset(&ack);
    sigaddset(&ack, sigs.ack);
    ck_assert_msg(sigprocmask(SIG_BLOCK, &ack, &old) == 0 && pipe(p1) == 0 &&
                  pipe(p2) == 0 && pipe(said) == 0, "test error: the fake "
                  "server could not be set up: %s", strerror(errno));
    fflush(NULL);
    f->pid = fork();
    ck_assert_msg(f->pid != -1, "test error: fork() failed: %s",
                  strerror(errno));
    if (f->pid == 0) {
        close(p1[1]);
        close(p2[0]);
        close(said[0]);
        fake_server(script, p1[0], p2[1], said[1], getppid());
    }
    close(p1[0]);
    close(p2[1]);
    close(said[1]);
    f->said = said[0];
    ck_assert_msg(sigprocmask(SIG_SETMASK, &old, NULL) == 0, "test error: "
                  "sigprocmask() failed: %s", strerror(errno));
    client_of(&f->h, f->pid, p1[1], p2[0]);
    f->fds = g_open_fds();
}

/* The fake server's next report: 'k' (acked), 'n' (not), 0 (it ended) */
static char
fake_said(struct fake *f)
{
    char c;

    return read(f->said, &c, 1) == 1 ? c : 0;
}

/* hs_request(a * b) to the fake server; its errno is kept */
static int
fake_request(struct fake *f, int64_t a, int64_t b, struct ipc_record *res,
             int timeout_ms)
{
    memset(res, 0, sizeof(*res));
    errno = 0;
    return G_CALL(hs_request)(&f->h, IPCLAB_OP_MUL, a, b, res, timeout_ms);
}

/* Start a fake server on 'script' and send it its first request, 6 * 7;
   what hs_request() returned */
static int
fake_first(struct fake *f, const char *script)
{
    fake_start(f, script);
    return fake_request(f, 6, 7, &f->res, 5000);
}

/* What hs_request(6 * 7) returned must be its answer: 42, for this
   process; 'after' says what the fake server sent before it */
static void
check_answer(int r, const struct ipc_record *res, const char *after)
{
    ck_assert_msg(r == 0 && res->value == 42 &&
                  res->pid == (int32_t)getpid(), "%s, then the answer "
                  "(6 * 7 = 42): hs_request returned %d (%s), value %lld, "
                  "pid %d", after, r, r == -1 ? strerror(errno) : "ok",
                  (long long)res->value, (int)res->pid);
}

/* Wait for the fake server, which must have run its script through */
static void
fake_end(struct fake *f)
{
    int status = h_wait(f->pid, 10000);

    /* every path the script drove, the errors' too, left no descriptor */
    g_check_fds(f->fds, "the requests of this test (each of its "
                "paths: answers, garbage, revokes, timeouts)");
    close(f->said);
    ck_assert_msg(status == 0, "test error: the fake server failed "
                  "(exit %d)", status);
}

GRADE_TEST(request_revoked, 1, 10,
           "hs_request: a revoke of its seq ends the call with ECANCELED")
{
    struct fake f;
    int r;

    /* request 1: a revoke for another seq, then its answer; request 2:
       a revoke for its own seq */
    r = fake_first(&f, "ra|R");
    ck_assert_msg(!(r == -1 && errno == ECANCELED), "a revoke for another "
                  "seq (51) ended the wait for request 1 with ECANCELED: "
                  "only a revoke whose value is your seq does");
    check_answer(r, &f.res, "a revoke for another seq (51)");
    ck_assert_msg(fake_said(&f) == 'k', "the answer to request 1 was never "
                  "acked");
    r = fake_request(&f, 2, 3, &f.res, 3000);
    ck_assert_msg(r == -1 && errno == ECANCELED, "the server revoked "
                  "request 2 (SIGRTMIN+1 with seq 2): expected -1/ECANCELED "
                  "at once, got %d/%s", r, r == -1 ? strerror(errno) :
                  "an answer");
    fake_end(&f);
}
END_TEST

GRADE_TEST(request_garbage, 1, 10,
           "hs_request: garbage read on a ready is acked, an empty FIFO2 "
           "is not, then the answer taken")
{
    struct fake f;
    int r;

    /* a ready whose record is not there (taken back), garbage, the
       answer */
    r = fake_first(&f, "ega");
    ck_assert_msg(fake_said(&f) != 'k', "a ready (seq 1) came with nothing "
                  "in FIFO2 (the server took its record back: the read "
                  "fails with EAGAIN) and hs_request acked it: no record "
                  "read, no ack; ack only after reading a record or "
                  "garbage (EBADMSG)");
    ck_assert_msg(fake_said(&f) == 'k', "a ready (seq 1) brought garbage, "
                  "bytes that are no record (EBADMSG): hs_request never "
                  "acked it with the ready's value (1), so the server would "
                  "wait for that ack and send nothing more: ack the "
                  "ready's value, then wait on");
    check_answer(r, &f.res, "garbage");
    ck_assert_msg(fake_said(&f) == 'k', "the answer after the garbage was "
                  "never acked");
    fake_end(&f);
}
END_TEST

/* A 300 ms request to a fake server whose script floods it ('F', 'G')
   with 'what', each on a ready: it must time out after about 300 ms,
   the deadline not restarted on each 'each' */
static void
flood_times_out(struct fake *f, const char *what, const char *each)
{
    int64_t start = ipc_now_ms(), took;
    int r = fake_request(f, 2, 3, &f->res, 300);

    took = ipc_now_ms() - start;
    ck_assert_msg(r == -1 && errno == ETIMEDOUT && took < 300 + 1700,
                  "a 300 ms request got no answer, only %s, one after "
                  "another: hs_request returned %d (%s) after %lld ms; "
                  "expected -1/ETIMEDOUT after about 300 ms: the deadline "
                  "is the request's, set once, not restarted on each %s",
                  what, r, r == -1 ? strerror(errno) : "ok",
                  (long long)took, each);
    ck_assert_msg(fake_said(f) == 'n', "test error: the fake server's %s "
                  "were still acked after hs_request returned", what);
}

GRADE_TEST(request_foreign, 1, 20,
           "hs_request: another client's result is acked, never returned, "
           "never extends the wait")
{
    struct fake f;
    char said;
    int r;

    /* request 1: another client's result with its seq, another's with
       seq 51 (ready 51), then the answer; request 2: other clients' results, one after
       another, and no answer */
    r = fake_first(&f, "foa|F");
    ck_assert_msg(!(r == 0 && f.res.pid == f.pid), "hs_request returned "
                  "another client's result (pid %d, value %lld) as its own "
                  "answer to seq %u: check the result's pid, ack it, and "
                  "wait on for yours", (int)f.res.pid, (long long)f.res.value,
                  f.res.seq);
    ck_assert_msg(fake_said(&f) == 'k', "another client's result (pid %d, "
                  "your seq) was read on a ready and never acked: the "
                  "server would wait for that ack and send nothing more",
                  (int)f.pid);
    said = fake_said(&f);
    ck_assert_msg(said != 'w', "another client's result came on a ready "
                  "with value 51 (its seq) and hs_request acked it with "
                  "another value: the server waits for an ack with 51, the "
                  "ready's value: ack that");
    ck_assert_msg(said == 'k', "another client's result (pid %d) was read "
                  "on a ready and never acked: the server would wait for "
                  "that ack and send nothing more", (int)f.pid);
    check_answer(r, &f.res, "another client's result");
    ck_assert_msg(fake_said(&f) == 'k', "the answer was never acked");
    flood_times_out(&f, "other clients' results", "ready");
    fake_end(&f);
}
END_TEST

/* Fail unless the test's process has no child but 'server' (zombies and
   stopped ones count) */
static void
no_child_but(pid_t server, const char *after)
{
    pid_t kids[16];
    int n = h_children(getpid(), kids, 16);
    char text[256];

    for (int i = 0; i < n; i++)
        ck_assert_msg(kids[i] == server, "after %s, hs_request left a "
                      "child process behind (pid %d, %s): wait for every "
                      "child you start (a watchdog too) before returning",
                      after, (int)kids[i],
                      h_proc_describe(kids[i], text, sizeof(text)));
}

GRADE_TEST(request_no_child, 1, 10,
           "hs_request leaves nothing behind: no process, no descriptor, "
           "answered or timed out")
{
    struct fake f;
    int r, fds;

    /* orphans of ours (a watchdog forked twice) become our children */
    ck_assert_msg(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0, "test error: "
                  "prctl() failed: %s", strerror(errno));
    fake_start(&f, "a|a|a|-");
    fds = g_open_fds();
    for (int i = 1; i <= 3; i++) {
        r = fake_request(&f, 6, 7, &f.res, 5000);
        check_answer(r, &f.res, "nothing");
        ck_assert_msg(fake_said(&f) == 'k', "answer %d was never acked", i);
        no_child_but(f.pid, "an answer");
    }
    ck_assert_msg(g_open_fds() == fds, "after 3 answered requests this "
                  "process has %d descriptors open, %d before: hs_request "
                  "leaks one (dup(), open(), pipe()...) per call: close "
                  "every descriptor you open before returning",
                  g_open_fds(), fds);
    r = fake_request(&f, 2, 3, &f.res, 300);
    ck_assert_msg(r == -1 && errno == ETIMEDOUT, "no answer in 300 ms: "
                  "expected -1/ETIMEDOUT, got %d/%s", r, strerror(errno));
    no_child_but(f.pid, "a timeout");
    ck_assert_msg(g_open_fds() == fds, "after a timed-out request this "
                  "process has %d descriptors open, %d before: close every "
                  "descriptor you open, on the error paths too",
                  g_open_fds(), fds);
    fake_end(&f);
}
END_TEST

/* The fake server of answer_at_once: for request i = 1..n, once a byte
   comes through 'gate', write its result and signal ready at once,
   before the request is even read, and say so on 'said' ('a'); then take
   the request and its ack, each within 5 s, and say so ('d'). Exits 1
   on any failure. */
static void
answer_first(int n, const struct ipc_sigs *sigs, int fd1, int fd2, int gate,
             int said, pid_t client)
{
    struct timespec ts = { 5, 0 };
    struct pollfd pfd = { .fd = fd1, .events = POLLIN };
    sigset_t ack;

    sigemptyset(&ack);
    sigaddset(&ack, sigs->ack);
    for (int i = 1; i <= n; i++) {
        union sigval sv = { .sival_int = i };
        struct ipc_record res, req;
        siginfo_t si;
        char c;

        if (read(gate, &c, 1) != 1)
            _exit(1);
        ipc_rec_request(&res, IPCLAB_OP_MUL, 6, i, (uint32_t)i);
        res.pid = client;
        ipc_rec_make_result(&res, 0, 6 * i);
        if (ipc_rec_write(fd2, IPCLAB_FIFO2, &res, 5000) == -1 ||
            sigqueue(client, sigs->ready, sv) == -1 ||
            write(said, "a", 1) != 1 ||
            poll(&pfd, 1, 5000) != 1 ||
            ipc_rec_read_one(fd1, IPCLAB_FIFO1, &req,
                             IPCLAB_KIND_REQUEST) != 1 ||
            req.seq != (uint32_t)i ||
            sigtimedwait(&ack, &si, &ts) != sigs->ack ||
            si.si_value.sival_int != i || write(said, "d", 1) != 1)
            _exit(1);
    }
    _exit(0);
}

GRADE_TEST(answer_at_once, 2, 15,
           "hs_request: an answer that comes before the client waits is "
           "not lost (3 requests)")
{
    struct ipc_record res;
    struct ipc_sigs sigs;
    sigset_t ack, old;
    int p1[2], p2[2], gate[2], said[2], r, status;
    struct hs h;
    pid_t server;
    char c;

    ipc_sigs_init(&sigs, IPCLAB_SIG_RT);
    note_delivered_ready(sigs.ready);
    sigemptyset(&ack);
    sigaddset(&ack, sigs.ack);
    ck_assert_msg(sigprocmask(SIG_BLOCK, &ack, &old) == 0 && pipe(p1) == 0 &&
                  pipe(p2) == 0 && pipe(gate) == 0 && pipe(said) == 0,
                  "the test could not set up its fake server: %s",
                  strerror(errno));
    fflush(NULL);
    server = fork();
    ck_assert_msg(server != -1, "the test could not fork: %s",
                  strerror(errno));
    if (server == 0) {
        close(p1[1]);
        close(p2[0]);
        close(gate[1]);
        close(said[0]);
        answer_first(3, &sigs, p1[0], p2[1], gate[0], said[1], getppid());
    }
    close(p1[0]);
    close(p2[1]);
    close(gate[0]);
    close(said[1]);
    ck_assert_msg(sigprocmask(SIG_SETMASK, &old, NULL) == 0, "test error: "
                  "sigprocmask() failed: %s", strerror(errno));
    client_of(&h, server, p1[1], p2[0]);
    for (int i = 1; i <= 3; i++) {
        /* the gate: the answer and its ready are sent now, before
           hs_request() sends the request: as when the server answers
           before the client could block the signals */
        ck_assert_msg(write(gate[1], "x", 1) == 1 &&
                      read(said[0], &c, 1) == 1 && c == 'a', "test error: "
                      "the fake server could not answer request %d", i);
        ck_assert_msg(!ready_delivered, "the ready for request %d came "
                      "before hs_request() waited, and was delivered at "
                      "once instead of kept pending: a fast answer is lost "
                      "(block ready in hs_block(), before any request is "
                      "sent, and keep it blocked)", i);
        memset(&res, 0, sizeof(res));
        r = G_CALL(hs_request)(&h, IPCLAB_OP_MUL, 6, i, &res, 5000);
        ck_assert_msg(r == 0, "request %d, answered before the client "
                      "waited: hs_request failed: %s", i, strerror(errno));
        ck_assert_msg(res.seq == (uint32_t)i && res.value == 6 * i,
                      "request %d (6 * %d): got seq %u value %lld", i, i,
                      res.seq, (long long)res.value);
        ck_assert_msg(read(said[0], &c, 1) == 1 && c == 'd', "request %d: "
                      "the server did not get it through FIFO1 and then its "
                      "ack (seq %d) within 5 s: every answer must come "
                      "from the server, and be acked", i, i);
    }
    close(gate[1]);
    ck_assert_msg(waitpid(server, &status, 0) == server &&
                  WIFEXITED(status) && WEXITSTATUS(status) == 0, "test "
                  "error: the fake server failed");
}
END_TEST

GRADE_TEST(system_concurrent, 1, 60,
           "4 clients x 25 requests at once share FIFO2 correctly")
{
    require_read_after_ready();
    load(NULL, 4, 25);
}
END_TEST

GRADE_TEST(system_classic, 1, 60,
           "classic mode (SIGUSR1/SIGUSR2): 2 clients x 5 requests")
{
    require_read_after_ready();
    load((const char *[]){ "--signals", "classic", NULL }, 2, 5);
}
END_TEST

GRADE_TEST(stray_ready, 1, 30,
           "a stray SIGRTMIN+2 from another process does not fool it")
{
    const char *out = h_tmpdir_path("c.out");
    union sigval sv = { .sival_int = 1 };
    struct h_server srv;
    char *got;
    pid_t pid;
    int status;

    require_read_after_ready();
    h_server_start(&srv, h_tmpdir_path("run"), NULL);
    /* the gates: the server, stopped, cannot answer until the client has
       taken the stray ready and waits again */
    ck_assert_msg(kill(srv.pid, SIGSTOP) == 0, "test error: cannot stop "
                  "the server: %s", strerror(errno));
    pid = h_spawn((const char *[]){ g_prog("ex04-client"), "--dir", srv.dir,
                  "--timeout", "20000", "6", "*", "7", NULL }, NULL, out,
                  NULL);
    /* the stray must find ready blocked (main.c calls hs_block() first),
       or waited for: a sleep seen before, loading the program, is not the
       wait (sigtimedwait() takes its signals out of SigBlk meanwhile) */
    for (int64_t end = g_deadline_ms(RUN_MS);
         !blocked_by(pid, SIGRTMIN + 2) && !in_signal_wait(pid);
         ipc_sleep_ms(1))         /* polls a state, orders nothing */
        ck_assert_msg(ipc_ms_until(end) > 0, "ex04-client never blocked "
                      "SIGRTMIN+2 (ready): see hs_block()");
    wait_client_idle(pid, SIGRTMIN + 2);
    sigqueue(pid, SIGRTMIN + 2, sv);
    wait_client_idle(pid, SIGRTMIN + 2);
    ck_assert_msg(kill(srv.pid, SIGCONT) == 0, "test error: cannot "
                  "continue the server: %s", strerror(errno));
    status = h_wait(pid, RUN_MS);
    got = h_read_file(out);
    ck_assert_msg(got != NULL && strcmp(got, "6 * 7 = 42\n") == 0 &&
                  status == 0, "after a stray ready it printed '%s' and "
                  "exited %d", g_snippet(out, 100), status);
    free(got);
    g_server_stop_answered(&srv, 1);
}
END_TEST

GRADE_TEST(rules, 1, 10,
           "README rules: the system calls themselves, not the kit's "
           "signal helpers")
{
    struct hs h;

    /* rules count for code that works: not for an empty skeleton */
    init_hs(&h, IPCLAB_SIG_RT, getppid());
    ck_assert_msg(G_CALL(hs_block)(&h, NULL) == 0, "the rules are checked "
                  "once hs_block() works: it failed: %s", strerror(errno));
    g_rule_symbols("hs.o", (const char *[]){ "ipc_sig_wait",
                   "ipc_sig_from", "ipc_sig_send", NULL },
                   "the exercise is to write them with sigprocmask(), "
                   "sigtimedwait() and sigqueue()");
}
END_TEST

/*
 * The clients of trace_check each start with a stray SIGRTMIN+2 pending:
 * a shell, with ready blocked, writes its pid, kill()s itself and then
 * becomes ex04-client, which keeps the mask and the pending signal. Its
 * first wait must take it, ignore it (not from the server, not queued)
 * and trace that.
 */
static const char *
stray_then_client(char *script, size_t size)
{
    snprintf(script, size, "echo $$ >> clients.pid && "
             "kill -%d $$ && exec \"$0\" \"$@\"", SIGRTMIN + 2);
    return script;
}

/* Fail unless the trace in 'trace' holds an ipclab:signal_ignore of each
   process listed in file 'pids' */
static void
check_ignores_traced(const char *trace, const char *pids)
{
    const char *out = h_tmpdir_path("events.txt");
    char *list = h_read_file(pids), *text;
    int status, clients = 0;

    ck_assert_msg(list != NULL, "test error: no %s", pids);
    status = h_run((const char *[]){ "/usr/bin/babeltrace2", trace, NULL },
                   NULL, out, NULL, 60000);
    text = h_read_file(out);
    ck_assert_msg(status == 0 && text != NULL, "test error: babeltrace2 "
                  "could not read the trace (exit %d)", status);
    for (char *pid = strtok(list, "\n"); pid != NULL;
         pid = strtok(NULL, "\n")) {
        char vpid[48];
        bool found = false;

        snprintf(vpid, sizeof(vpid), "vpid = %s,", pid);
        for (const char *p = strstr(text, "ipclab:signal_ignore:");
             p != NULL && !found; p = strstr(p + 1, "ipclab:signal_ignore:")) {
            const char *eol = strchr(p, '\n'), *v = strstr(p, vpid);

            found = v != NULL && (eol == NULL || v < eol);
        }
        ck_assert_msg(found, "ex04-client (pid %s) was sent a stray "
                      "SIGRTMIN+2 by kill() and traced no "
                      "ipclab:signal_ignore: trace every signal hs_wait() "
                      "ignores (IPCLAB_TP(signal_ignore, ...))", pid);
        clients++;
    }
    ck_assert_msg(clients == 3, "test error: %d clients in %s", clients,
                  pids);
    free(list);
    free(text);
}

GRADE_TEST(trace_check, 1, 90,
           "recorded run (3 clients) passes 'ipclab-trace check', stray "
           "signals traced")
{
    char why[512] = "", trace[PATH_MAX], stray[160];

    require_read_after_ready();
    g_require_tracing();
    for (int c = 0; c < 3; c++) {
        char in[32], exp[32];

        snprintf(in, sizeof(in), "rc%d.in", c);
        snprintf(exp, sizeof(exp), "rc%d.expect", c);
        oracle_workload(h_tmpdir_path(in), h_tmpdir_path(exp), 8,
                        800u + (unsigned)c);
    }
    snprintf(trace, sizeof(trace), "%s", h_tmpdir_path("trace"));
    /* the clients start with the ready signals blocked, as spawn_client()
       starts them, through env(1) of the recorded script, and a stray
       ready pending (stray_then_client()) */
    ck_assert_msg(g_record_run(trace, (const char *[]){
                  h_bin("ipclab-server"), NULL }, (const char *[]){
                  "/usr/bin/env", "--block-signal=RTMIN+2",
                  "--block-signal=USR1", "/bin/sh", "-c",
                  stray_then_client(stray, sizeof(stray)),
                  g_prog("ex04-client"), "--timeout",
                  "5000", NULL }, 3, why, sizeof(why)) == 0,
                  "the recorded run failed: %s", why);
    g_trace_check(trace, 3 * 8);
    check_ignores_traced(trace, h_tmpdir_path("clients.pid"));
}
END_TEST

GRADE_TEST(revoke_from_server, 1, 15,
           "hs_request: a revoke counts only from the server, sent with "
           "sigqueue()")
{
    struct fake f;
    int r;

    /* the request's own seq revoked by a stranger, then by the server's
       pid with si_code SI_MESGQ; then the answer */
    r = fake_first(&f, "xca");
    ck_assert_msg(!(r == -1 && errno == ECANCELED), "a revoke of your "
                  "request (its seq) came from a stranger or without "
                  "sigqueue() (si_code not SI_QUEUE), and hs_request gave "
                  "up with ECANCELED: check the sender (si_pid) and "
                  "si_code of a revoke as of a ready");
    check_answer(r, &f.res, "a stranger's revoke and one not sent by "
                 "sigqueue()");
    ck_assert_msg(fake_said(&f) == 'k', "the answer was never acked");
    fake_end(&f);
}
END_TEST

/* The watcher of deadline_kept: a SIGUSR2 handler runs in the wait each
   time it is back, until r->until */
static void
interrupt_each_wait(struct g_watch *w)
{
    struct relay *r = w->arg;

    while (ipc_now_ms() < r->until && wait_idle(w) &&
           g_watch_interrupt(w, SIGUSR2, &got_usr2))
        r->count++;
}

GRADE_TEST(deadline_kept, 1, 20,
           "hs_wait, hs_request: the timeout holds whatever wakes the wait "
           "(EINTR, garbage records)")
{
    struct sigaction sa = { .sa_handler = on_usr2 };
    struct relay r = { .ready = SIGRTMIN + 2 };
    struct ipc_sig_event ev;
    int64_t t0, took = 0;
    struct g_watch w;
    struct fake f;
    struct hs h;
    int signo = -1;

    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;            /* no SA_RESTART: the wait sees EINTR */
    ck_assert_msg(sigaction(SIGUSR2, &sa, NULL) == 0, "the test could not "
                  "set its SIGUSR2 handler: %s", strerror(errno));
    init_hs(&h, IPCLAB_SIG_RT, getppid());
    ck_assert_msg(G_CALL(hs_block)(&h, NULL) == 0, "hs_block failed: %s",
                  strerror(errno));
    /* a handler each time the wait is back, for far longer than the
       timeout; again (3 times at most) when none could be sent in it: a
       loaded machine is not the student's fault */
    for (int attempt = 0; attempt < 3 && r.count == 0; attempt++) {
        t0 = ipc_now_ms();
        r.until = t0 + 2000;
        g_watch_start(&w, interrupt_each_wait, &r);
        signo = G_CALL(hs_wait)(&h, 400, &ev);
        took = ipc_now_ms() - t0;
        g_watch_stop(&w);
    }
    ck_assert_msg(signo != -1 || errno != EINTR, "hs_wait returned "
                  "-1/EINTR when a handler ran: EINTR must not end the "
                  "wait");
    ck_assert_msg(r.count > 0, "the wait of 400 ms ended before a signal "
                  "could be sent in it (%lld ms, returned %d)",
                  (long long)took, signo);
    ck_assert_msg(signo == 0 && took < 2000, "timeout 400 ms, with a "
                  "handler run (EINTR) %d times in the wait: hs_wait "
                  "returned %d after %lld ms, when they stopped: the "
                  "deadline is set once, on entry; after EINTR wait only "
                  "for the time left", r.count, signo, (long long)took);

    /* garbage records, one after another, each acked, and no answer */
    fake_start(&f, "G");
    flood_times_out(&f, "garbage records", "record read");
    fake_end(&f);
}
END_TEST
