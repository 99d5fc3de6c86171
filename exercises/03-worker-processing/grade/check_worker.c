/*
 * grade/check_worker.c - graded tests of exercise 03 (the processing
 * client).
 *
 * compute_*: wk_compute() against 128-bit arithmetic, which cannot
 * overflow. system_*: the reference ipclab-server runs the student's
 * ipclab-sum/-sub/-mul/-div (--worker-dir) for reference ipclab-rc
 * clients, whose every answer is checked against the same oracle.
 * trace_check: the run, recorded with LTTng, passes 'ipclab-trace check'.
 * server_only: wk_loop() in a child of the test, which plays the server
 * through pipes, with a stranger's "ready" and then a dead server.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grade.h"
#include "ipclab/fifo.h"
#include "ipclab/proc.h"
#include "oracle.h"
#include "worker.h"

#define RUN_MS 30000
#define RC_TIMEOUT_MS 5000  /* ipclab-rc --timeout */

static const int64_t edges[] = {
    0, 1, -1, 2, -2, 3, 7, -7, 1000, -1000, 3037000499LL, -3037000499LL,
    3037000500LL, -3037000500LL, 4294967296LL, -4294967296LL,
    4294967297LL,               /* squared, wraps to 2^33 + 1: fits, > 0 */
    INT64_MAX / 2, INT64_MIN / 2, INT64_MAX / 2 + 1, INT64_MIN / 2 - 1,
    INT64_MAX - 1, INT64_MIN + 1, INT64_MAX, INT64_MIN,
};
#define N_EDGES (sizeof(edges) / sizeof(edges[0]))

/* What wk_compute(op, a, b) must give, from 128-bit arithmetic */
static int
expected(uint32_t op, int64_t a, int64_t b, int64_t *v)
{
    __int128 r;

    switch (op) {
    case IPCLAB_OP_SUM: r = (__int128)a + b; break;
    case IPCLAB_OP_SUB: r = (__int128)a - b; break;
    case IPCLAB_OP_MUL: r = (__int128)a * b; break;
    case IPCLAB_OP_DIV:
        if (b == 0)
            return EDOM;
        r = (__int128)a / b;
        break;
    default:
        return EINVAL;
    }
    if (r > INT64_MAX || r < INT64_MIN)
        return ERANGE;
    *v = (int64_t)r;
    return 0;
}

/* Every pair of edge values and 20000 random pairs, for 'op' */
static void
check_op(uint32_t op)
{
    uint64_t x = 88172645463325252ULL;

    for (size_t i = 0; i < N_EDGES * N_EDGES + 20000; i++) {
        int64_t a, b, want = 0, got = 4242;
        int ws, gs;

        if (i < N_EDGES * N_EDGES) {
            a = edges[i / N_EDGES];
            b = edges[i % N_EDGES];
        } else {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            a = (int64_t)x >> (x % 60);
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            b = (int64_t)x >> (x % 62);
        }
        ws = expected(op, a, b, &want);
        gs = G_CALL(wk_compute)(op, a, b, &got);
        ck_assert_msg(!(ws == ERANGE && gs == 0), "%" PRId64 " %c %" PRId64
                      " does not fit in int64_t, yet wk_compute() gave %"
                      PRId64 ": the result wrapped around to a value your "
                      "check let through; decide before computing whether "
                      "it fits, or check the wrapped value exactly",
                      a, ipc_op_symbol(op), b, got);
        ck_assert_msg(gs == ws, "%" PRId64 " %c %" PRId64 ": status %d (%s),"
                      " expected %d (%s)", a, ipc_op_symbol(op), b, gs,
                      strerror(gs), ws, strerror(ws));
        if (ws == 0)
            ck_assert_msg(got == want, "%" PRId64 " %c %" PRId64 " = %"
                          PRId64 ", expected %" PRId64, a,
                          ipc_op_symbol(op), b, got, want);
        else
            ck_assert_msg(got == 4242, "%" PRId64 " %c %" PRId64 ": *out "
                          "written on error", a, ipc_op_symbol(op), b);
    }
}

GRADE_TEST(compute_add_sub, 2, 20, "wk_compute: + and -, every overflow")
{
    check_op(IPCLAB_OP_SUM);
    check_op(IPCLAB_OP_SUB);
}
END_TEST

GRADE_TEST(compute_mul, 2, 20, "wk_compute: *, every overflow")
{
    check_op(IPCLAB_OP_MUL);
}
END_TEST

GRADE_TEST(compute_rules, 2, 10,
           "README rules: no overflow builtins, no wider type, no "
           "ipc_calc_apply()")
{
    int64_t v = 0;

    /* rules count for code that works: not for an empty skeleton */
    ck_assert_msg(G_CALL(wk_compute)(IPCLAB_OP_MUL, 6, 7, &v) == 0 && v == 42,
                  "the rules are checked once wk_compute() works: 6 * 7 "
                  "gave %" PRId64, v);
    g_rule_tokens("compute.c", (const char *[]){ "__builtin_add_overflow",
                  "__builtin_sub_overflow", "__builtin_mul_overflow",
                  "__builtin_sadd", "__builtin_ssub", "__builtin_smul",
                  "ckd_add", "ckd_sub", "ckd_mul", NULL },
                  "the overflow builtins are what the exercise asks you to "
                  "write; decide before computing whether the result fits");
    g_rule_tokens("compute.c", (const char *[]){ "__int128", "_BitInt",
                  "long double", "_Float128", "__float128", "_Float64x",
                  "__float80", "_Decimal128", NULL },
                  "a wider type hides the overflow instead of detecting it");
    g_rule_symbols("compute.o", (const char *[]){ "ipc_calc_apply",
                   "__multi3", "__divti3", "__modti3", NULL },
                   "the kit's arithmetic or 128-bit helpers are not "
                   "allowed here");
}
END_TEST

GRADE_TEST(compute_div, 1, 20,
           "wk_compute: / truncates, EDOM, INT64_MIN / -1, unknown op")
{
    int64_t v = 4242;

    check_op(IPCLAB_OP_DIV);
    ck_assert_msg(G_CALL(wk_compute)(0, 1, 1, &v) == EINVAL && v == 4242,
                  "op 0 must be EINVAL, *out untouched");
    ck_assert_msg(G_CALL(wk_compute)(IPCLAB_OP_COUNT + 1, 1, 1, &v) == EINVAL,
                  "op %d must be EINVAL", IPCLAB_OP_COUNT + 1);
}
END_TEST

/* True while signal 'signo' is pending for process 'pid' (not once gone) */
static bool
pending(pid_t pid, int signo)
{
    char path[64], line[256];
    bool found = false;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    f = fopen(path, "r");
    if (f == NULL)
        return false;           /* gone: nothing pending any more */
    while (fgets(line, sizeof(line), f) != NULL)
        if (strncmp(line, "ShdPnd:", 7) == 0 ||
            strncmp(line, "SigPnd:", 7) == 0) {
            unsigned long long mask = strtoull(line + 7, NULL, 16);

            if (mask & (1ULL << (signo - 1)))
                found = true;
        }
    fclose(f);
    return found;
}

/* The state of process 'pid' ('R', 'S', 'Z'...), 'X' once gone */
static char
state_of(pid_t pid)
{
    char path[64], buf[512], *paren, state = 'X';
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    f = fopen(path, "r");
    if (f == NULL)
        return 'X';
    if (fgets(buf, sizeof(buf), f) != NULL &&
        (paren = strrchr(buf, ')')) != NULL && paren[1] == ' ')
        state = paren[2];
    fclose(f);
    return state;
}

/* True once 'pid' has ended (a zombie, or gone) */
static bool
ended(pid_t pid)
{
    char state = state_of(pid);

    return state == 'Z' || state == 'X';
}

/* In a new process: the student's wk_loop() for '*', reading fd3 and
   writing fd4, this process as its server, computing for delay_ms
   (--delay); its signals blocked as main.c blocks them. */
static pid_t
start_loop(int fd3, int fd4, int delay_ms)
{
    pid_t server = getpid(), pid;

    fflush(NULL);
    pid = fork();
    ck_assert_msg(pid != -1, "test error: fork() failed: %s", strerror(errno));
    if (pid == 0) {
        struct wk w = { .op = IPCLAB_OP_MUL, .role = "mul", .server = server,
                        .fd3 = fd3, .fd4 = fd4, .delay_ms = delay_ms };

        ipc_sigs_init(&w.sigs, IPCLAB_SIG_RT);
        sigemptyset(&w.waitset);
        sigaddset(&w.waitset, w.sigs.ready);
        sigaddset(&w.waitset, SIGTERM);
        sigaddset(&w.waitset, SIGINT);
        if (sigprocmask(SIG_BLOCK, &w.waitset, NULL) == -1)
            _exit(125);
        _exit(G_CALL(wk_loop)(&w));
    }
    return pid;
}

/* A child that sigqueue()s 'signo' with 'value' to 'pid', then ends */
static void
queue_from_child(pid_t pid, int signo, int value)
{
    pid_t child;

    fflush(NULL);
    child = fork();
    ck_assert_msg(child != -1,
                  "test error: fork() failed: %s", strerror(errno));
    if (child == 0)
        _exit(sigqueue(pid, signo, (union sigval){ .sival_int = value }) == 0
              ? 0 : 1);
    ck_assert_msg(h_wait(child, 5000) == 0, "a signal could not be queued "
                  "to the worker (pid %d): has wk_loop() ended?", (int)pid);
}

/* The test as a worker's server: its signals, "FIFO3" and "FIFO4" */
struct fake_server {
    struct ipc_sigs sigs;
    sigset_t set;               /* ready, ack, SIGTERM, SIGINT, SIGCHLD */
    int p3[2], p4[2];           /* pipes; the worker's ends non-blocking */
};

/* Block the signals the test waits for; make the pipes */
static void
fake_server_init(struct fake_server *fs)
{
    ipc_sigs_init(&fs->sigs, IPCLAB_SIG_RT);
    sigemptyset(&fs->set);
    sigaddset(&fs->set, fs->sigs.ready);
    sigaddset(&fs->set, fs->sigs.ack);
    sigaddset(&fs->set, SIGTERM);
    sigaddset(&fs->set, SIGINT);
    sigaddset(&fs->set, SIGCHLD);
    ck_assert_msg(sigprocmask(SIG_BLOCK, &fs->set, NULL) == 0,
                  "test error: sigprocmask() failed: %s", strerror(errno));
    ck_assert_msg(pipe(fs->p3) == 0 && pipe(fs->p4) == 0,
                  "test error: pipe() failed: %s", strerror(errno));
    ck_assert_msg(fcntl(fs->p3[0], F_SETFL, O_NONBLOCK) == 0 &&
                  fcntl(fs->p4[1], F_SETFL, O_NONBLOCK) == 0 &&
                  fcntl(fs->p4[0], F_SETFL, O_NONBLOCK) == 0,
                  "test error: fcntl() failed: %s", strerror(errno));
}

/* Bytes waiting in "FIFO3" */
static int
fifo3_left(const struct fake_server *fs)
{
    int left = -1;

    ck_assert_msg(ioctl(fs->p3[0], FIONREAD, &left) == 0,
                  "test error: ioctl() failed: %s", strerror(errno));
    return left;
}

/* The next ack from 'worker' within 10 s: its value; fails the test
   when the worker ends or sends none */
static int
next_ack(struct fake_server *fs, pid_t worker, const char *what)
{
    struct timespec slice = { 10, 0 };
    siginfo_t si;
    int got;

    do          /* a SIGCHLD from another child says nothing */
        got = sigtimedwait(&fs->set, &si, &slice);
    while ((got == SIGCHLD && !ended(worker)) ||
           (got == fs->sigs.ack && si.si_pid != worker));
    ck_assert_msg(got == fs->sigs.ack, "your worker did not acknowledge %s "
                  "within 10 s (%s)", what, got == SIGCHLD ? "wk_loop() "
                  "returned" : got == -1 ? strerror(errno) :
                  "another signal came");
    return si.si_value.sival_int;
}

/* Stop 'worker' (killed: it may be computing for a long --delay) */
static void
end_worker(pid_t worker)
{
    kill(worker, SIGKILL);
    h_wait(worker, 10000);
}

GRADE_TEST(server_only, 2, 20,
           "wk_loop: a ready from a stranger is ignored; a dead server ends "
           "the worker")
{
    struct fake_server fs;
    struct ipc_record req, res;
    siginfo_t si;
    int pids[2], left, acks = 0, status;
    pid_t worker, middle;
    int64_t deadline;

    fake_server_init(&fs);
    /* two requests wait in "FIFO3"; a stranger's ready, then ours: a
       worker that obeys the stranger reads both */
    ipc_rec_request(&req, IPCLAB_OP_MUL, 6, 7, 5);
    ck_assert_msg(ipc_rec_write(fs.p3[1], IPCLAB_FIFO3, &req, 1000) == 0,
                  "test error: ipc_rec_write() failed: %s", strerror(errno));
    ipc_rec_request(&req, IPCLAB_OP_MUL, 2, 3, 6);
    ck_assert_msg(ipc_rec_write(fs.p3[1], IPCLAB_FIFO3, &req, 1000) == 0,
                  "test error: ipc_rec_write() failed: %s", strerror(errno));
    worker = start_loop(fs.p3[0], fs.p4[1], 0);
    queue_from_child(worker, fs.sigs.ready, 5);
    ck_assert_msg(sigqueue(worker, fs.sigs.ready,
                           (union sigval){ .sival_int = 5 }) == 0,
                  "the ready could not be sent to the worker (%d): %s (has "
                  "wk_loop() ended?)", (int)worker, strerror(errno));
    /* the first ack (our ready's, or the stranger's) */
    next_ack(&fs, worker, "the server's ready");
    acks = 1;
    /* both readies taken, so handled: a stop, and what was read */
    deadline = ipc_deadline_ms(10000);
    while (pending(worker, fs.sigs.ready) && ipc_ms_until(deadline) > 0)
        ipc_sleep_ms(5);
    ck_assert_msg(!pending(worker, fs.sigs.ready), "your worker left a "
                  "ready signal in its queue for 10 s");
    kill(worker, SIGTERM);
    status = h_wait(worker, 10000);
    while (sigtimedwait(&fs.set, &si, &(struct timespec){ 0, 0 }) != -1)
        if (si.si_signo == fs.sigs.ack && si.si_pid == worker)
            acks++;
    left = fifo3_left(&fs);
    ck_assert_msg(left == (int)sizeof(req) && acks == 1, "your worker read "
                  "FIFO3 on a ready from another process than its server "
                  "(%d requests read, %d acks): accept a ready only from "
                  "the server (si_pid, ipc_sig_from())",
                  2 - left / (int)sizeof(req), acks);
    ck_assert_msg(ipc_rec_read_one(fs.p4[0], IPCLAB_FIFO4, &res,
                                   IPCLAB_KIND_RESULT)
                  == 1 && res.seq == 5 && res.status == 0 && res.value == 42,
                  "no result 42 for '6 * 7' (seq 5) in FIFO4");
    ck_assert_msg(status == 0, "wk_loop returned %d on SIGTERM, expected 0",
                  status);

    /* a worker whose server dies (it is re-parented) stops by itself */
    ck_assert_msg(pipe(pids) == 0,
                  "test error: pipe() failed: %s", strerror(errno));
    fflush(NULL);
    middle = fork();
    ck_assert_msg(middle != -1,
                  "test error: fork() failed: %s", strerror(errno));
    if (middle == 0) {
        pid_t w = start_loop(fs.p3[0], fs.p4[1], 0);

        _exit(write(pids[1], &w, sizeof(w)) == (ssize_t)sizeof(w) ? 0 : 1);
    }
    ck_assert_msg(h_wait(middle, 5000) == 0, "test error: the process "
                  "starting wk_loop() in a child failed");
    ck_assert_msg(read(pids[0], &worker, sizeof(worker)) ==
                  (ssize_t)sizeof(worker),
                  "test error: read() failed: %s", strerror(errno));
    ck_assert_msg(h_wait_gone(worker, 10 * WK_POLL_PARENT_MS),
                  "your worker still runs %d ms after its "
                  "server (its parent) died: when the wait times out, "
                  "check that getppid() is still the server",
                  10 * WK_POLL_PARENT_MS);
}
END_TEST

/* Send the worker the server's ready with 'value' */
static void
send_ready(const struct fake_server *fs, pid_t worker, int value)
{
    ck_assert_msg(sigqueue(worker, fs->sigs.ready,
                           (union sigval){ .sival_int = value }) == 0,
                  "the ready could not be sent to the worker (%d): %s (has "
                  "wk_loop() ended?)", (int)worker, strerror(errno));
}

/* Wait (10 s at most) until the worker has read all of "FIFO3" */
static void
wait_fifo3_read(const struct fake_server *fs, pid_t worker, const char *what)
{
    int64_t deadline = ipc_deadline_ms(10000);

    while (fifo3_left(fs) > 0 && !ended(worker) && ipc_ms_until(deadline) > 0)
        ipc_sleep_ms(2);        /* polls a state, orders nothing */
    ck_assert_msg(fifo3_left(fs) == 0, "your worker did not read %s from "
                  "FIFO3 within 10 s of the server's ready%s", what,
                  ended(worker) ? " (wk_loop() returned)" : "");
}

GRADE_TEST(ack_garbage, 1, 20,
           "wk_handle_ready: garbage read from FIFO3 is acknowledged too")
{
    struct fake_server fs;
    struct ipc_record req, res;
    unsigned char junk[sizeof(struct ipc_record)];
    pid_t worker;
    int value;

    fake_server_init(&fs);
    memset(junk, 'x', sizeof(junk));
    ck_assert_msg(write(fs.p3[1], junk, sizeof(junk)) == (ssize_t)sizeof(junk),
                  "test error: write() failed: %s", strerror(errno));
    worker = start_loop(fs.p3[0], fs.p4[1], 0);
    send_ready(&fs, worker, 5);
    wait_fifo3_read(&fs, worker, "the garbage");
    /* then a real request: its ack is the second, unless garbage got none */
    ipc_rec_request(&req, IPCLAB_OP_MUL, 6, 7, 6);
    ck_assert_msg(ipc_rec_write(fs.p3[1], IPCLAB_FIFO3, &req, 1000) == 0,
                  "test error: ipc_rec_write() failed: %s", strerror(errno));
    send_ready(&fs, worker, 6);
    value = next_ack(&fs, worker, "a ready whose record was garbage");
    ck_assert_msg(value != 6, "your worker read a record of garbage and sent "
                  "no ack: the server waits for an ack before it writes "
                  "FIFO3 again; drop the garbage and acknowledge with the "
                  "ready's value (README rules)");
    ck_assert_msg(value == 5, "the ack of a ready (value 5) whose record was "
                  "garbage had value %d: acknowledge with the ready's value",
                  value);
    value = next_ack(&fs, worker, "the request after the garbage");
    ck_assert_msg(value == 6, "the ack of request seq 6 had value %d", value);
    /* the ack comes before the result: wait for it */
    ck_assert_msg(poll(&(struct pollfd){ .fd = fs.p4[0], .events = POLLIN },
                       1, 10000) == 1 &&
                  ipc_rec_read_one(fs.p4[0], IPCLAB_FIFO4, &res,
                                   IPCLAB_KIND_RESULT) == 1 &&
                  res.seq == 6 && res.value == 42, "no result 42 for '6 * 7' "
                  "(seq 6) in FIFO4 within 10 s of its ack, after the "
                  "garbage");
    end_worker(worker);
}
END_TEST

/* The failed reads of no_ack_unread: how FIFO3 is made to fail */
enum unread {
    UNREAD_EMPTY,               /* taken back by the server: EAGAIN */
    UNREAD_HALF,                /* half a record, its writer still there */
    UNREAD_EOF,                 /* no writer left: end-of-file */
    UNREAD_ERROR,               /* read() itself fails: EISDIR */
};

static const char *const unread_what[] = {
    "with FIFO3 empty (the server took the record back: the read fails "
    "with EAGAIN)",
    "with half a record in FIFO3 and the rest never written (the read "
    "gets the half, then EAGAIN)",
    "with FIFO3 at end-of-file (no writer left: the read returns 0)",
    "with a read of FIFO3 that fails (EISDIR)",
};

/*
 * Send the worker a ready (value 5) whose read of FIFO3 fails as 'how'
 * says; for UNREAD_EMPTY then a real request (seq 6) and its ready. Once
 * every ready is taken, stop it with SIGTERM: its acks are all queued by
 * then, in order. Fails unless the only ack is the real request's.
 */
static void
check_unread(enum unread how)
{
    struct fake_server fs;
    struct ipc_record req, res;
    int64_t deadline;
    siginfo_t si;
    pid_t worker;
    int fd3, acks = 0, first = 0;

    fake_server_init(&fs);
    fd3 = fs.p3[0];
    ipc_rec_request(&req, IPCLAB_OP_MUL, 6, 7, 6);
    if (how == UNREAD_HALF)
        ck_assert_msg(write(fs.p3[1], &req, sizeof(req) / 2) ==
                      (ssize_t)sizeof(req) / 2,
                      "test error: write() failed: %s", strerror(errno));
    if (how == UNREAD_EOF)
        close(fs.p3[1]);        /* before the fork: the worker has none */
    if (how == UNREAD_ERROR) {
        fd3 = open(h_tmpdir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ck_assert_msg(fd3 != -1,
                      "test error: open() failed: %s", strerror(errno));
    }
    worker = start_loop(fd3, fs.p4[1], 0);
    send_ready(&fs, worker, 5);
    if (how == UNREAD_EMPTY) {
        /* read on ready 5 or on ready 6, a record is answered once */
        ck_assert_msg(ipc_rec_write(fs.p3[1], IPCLAB_FIFO3, &req, 1000) == 0,
                      "test error: ipc_rec_write() failed: %s",
                      strerror(errno));
        send_ready(&fs, worker, 6);
        deadline = ipc_deadline_ms(10000);
        while (poll(&(struct pollfd){ .fd = fs.p4[0], .events = POLLIN }, 1,
                    20) == 0 && !ended(worker) && ipc_ms_until(deadline) > 0)
            ;                   /* a result, or the worker gone */
        ck_assert_msg(ipc_rec_read_one(fs.p4[0], IPCLAB_FIFO4, &res,
                                       IPCLAB_KIND_RESULT) == 1 &&
                      res.seq == 6 && res.value == 42, "no result 42 for "
                      "'6 * 7' (seq 6) in FIFO4 %s, after a ready %s",
                      ended(worker) ? "before wk_loop() returned" :
                      "within 10 s", unread_what[how]);
    }
    /* every ready taken, so handled: SIGTERM comes after them */
    deadline = ipc_deadline_ms(10000);
    while (pending(worker, fs.sigs.ready) && !ended(worker) &&
           ipc_ms_until(deadline) > 0)
        ipc_sleep_ms(2);        /* polls a state, orders nothing */
    kill(worker, SIGTERM);
    ck_assert_msg(h_wait(worker, 10000) != -1, "your worker did not end "
                  "within 10 s of a SIGTERM, after a ready %s: does it "
                  "wait for a record that will never come?",
                  unread_what[how]);
    while (sigtimedwait(&fs.set, &si, &(struct timespec){ 0, 0 }) != -1)
        if (si.si_signo == fs.sigs.ack && si.si_pid == worker &&
            acks++ == 0)
            first = si.si_value.sival_int;
    if (how == UNREAD_EMPTY)
        ck_assert_msg(acks == 1 && first == 6, "your worker sent %d acks "
                      "(the first with value %d) for a ready %s, then one "
                      "request (seq 6): an ack says 'I read your record', "
                      "so a read that got no record is not acknowledged "
                      "(only a record, or garbage: EBADMSG)", acks, first,
                      unread_what[how]);
    else
        ck_assert_msg(acks == 0, "your worker acknowledged a ready (value "
                      "5) %s: it read no record, so there is nothing to "
                      "acknowledge (only a record, or garbage: EBADMSG, "
                      "is acked)", unread_what[how]);
    if (fd3 != fs.p3[0])
        close(fd3);
    close(fs.p3[0]);
    if (how != UNREAD_EOF)
        close(fs.p3[1]);
    close(fs.p4[0]);
    close(fs.p4[1]);
}

GRADE_TEST(no_ack_unread, 1, 60,
           "wk_handle_ready: no ack when the read got no record (taken "
           "back, half a record, end-of-file, a read error)")
{
    check_unread(UNREAD_EMPTY);
    check_unread(UNREAD_HALF);
    check_unread(UNREAD_EOF);
    check_unread(UNREAD_ERROR);
}
END_TEST

#define LONG_DELAY_MS 60000     /* --delay: computing, never waited for */

GRADE_TEST(ack_before_computing, 1, 20,
           "wk_handle_ready: the ack right after the read, before computing")
{
    struct fake_server fs;
    struct ipc_record req;
    struct timespec zero = { 0, 0 };
    int64_t deadline = ipc_deadline_ms(10000);
    siginfo_t si;
    pid_t worker;
    int got = -1;

    fake_server_init(&fs);
    ipc_rec_request(&req, IPCLAB_OP_MUL, 6, 7, 5);
    ck_assert_msg(ipc_rec_write(fs.p3[1], IPCLAB_FIFO3, &req, 1000) == 0,
                  "test error: ipc_rec_write() failed: %s", strerror(errno));
    /* computing takes LONG_DELAY_MS: the ack must come before */
    worker = start_loop(fs.p3[0], fs.p4[1], LONG_DELAY_MS);
    send_ready(&fs, worker, 5);
    for (;;) {
        bool asleep_after_read = fifo3_left(&fs) == 0 &&
                                 state_of(worker) == 'S';

        /* asleep after the read, then no ack: it computes without one
           (an ack sent before it fell asleep is queued by now) */
        got = sigtimedwait(&fs.set, &si, &zero);
        if (got == fs.sigs.ack && si.si_pid == worker)
            break;
        ck_assert_msg(!asleep_after_read, "your worker read the request "
                      "and went on computing (--delay %d ms) without "
                      "acknowledging it: send the ack at once after the "
                      "read, before computing, so that the server can "
                      "refill FIFO3 meanwhile (README rules)", LONG_DELAY_MS);
        ck_assert_msg(!ended(worker), "wk_loop() returned before "
                      "acknowledging the request");
        ck_assert_msg(ipc_ms_until(deadline) > 0, "your worker neither "
                      "read nor acknowledged the request within 10 s of the "
                      "server's ready");
        ipc_sleep_ms(2);        /* polls a state, orders nothing */
    }
    ck_assert_msg(si.si_value.sival_int == 5, "the ack of request seq 5 "
                  "had value %d", si.si_value.sival_int);
    end_worker(worker);
}
END_TEST

/* Start the reference server on the student's processing clients */
static void
start_server(struct h_server *srv, const char *spawn)
{
    h_server_start(srv, h_tmpdir_path("run"), (const char *[]){
                   "--worker-dir", g_prog_dir(), "--ack-timeout", "1000",
                   "--spawn", spawn, NULL });
}

GRADE_TEST(system_single, 2, 40,
           "reference server + your workers: 6 * 7, 1 / 0, overflow")
{
    struct h_server srv;

    start_server(&srv, "pool");
    g_expect_rc(srv.dir, "6", "*", "7", "6 * 7 = 42\n", RC_TIMEOUT_MS);
    g_expect_rc(srv.dir, "1", "/", "0",
                "1 / 0: division by zero\n", RC_TIMEOUT_MS);
    g_expect_rc(srv.dir, "9223372036854775807", "+", "1",
                "9223372036854775807 + 1: overflow\n", RC_TIMEOUT_MS);
    g_expect_rc(srv.dir, "-20", "-", "22", "-20 - 22 = -42\n", RC_TIMEOUT_MS);
    h_server_stop(&srv, 10000, NULL, 0);
}
END_TEST

/* 'clients' rcs at once, 'count' requests each, window 4: all right */
static void
load(const char *spawn, int clients, int count)
{
    struct h_server srv;
    pid_t pids[8];

    start_server(&srv, spawn);
    for (int c = 0; c < clients; c++) {
        char in[32], out[32], exp[32];

        snprintf(in, sizeof(in), "rc%d.in", c);
        snprintf(exp, sizeof(exp), "rc%d.expect", c);
        snprintf(out, sizeof(out), "rc%d.out", c);
        oracle_workload(h_tmpdir_path(in), h_tmpdir_path(exp), count,
                        300u + (unsigned)c);
        pids[c] = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir",
                          srv.dir, "--window", "4", "--timeout", "5000",
                          "--file", h_tmpdir_path(in), NULL }, NULL,
                          h_tmpdir_path(out), NULL);
    }
    for (int c = 0; c < clients; c++) {
        char out[32], exp[32];
        char *got, *want;

        snprintf(exp, sizeof(exp), "rc%d.expect", c);
        snprintf(out, sizeof(out), "rc%d.out", c);
        h_wait(pids[c], RUN_MS);
        got = h_read_file(h_tmpdir_path(out));
        want = h_read_file(h_tmpdir_path(exp));
        ck_assert_msg(got != NULL, "client %d printed nothing", c);
        oracle_compare(got, want, NULL);
        free(got);
        free(want);
    }
    h_server_stop(&srv, 10000, NULL, 0);
}

GRADE_TEST(system_load, 1, 60,
           "3 clients x 60 requests at once: every answer right")
{
    load("pool", 3, 60);
}
END_TEST

GRADE_TEST(system_per_request, 1, 60,
           "--spawn per-request: one worker per request (--once)")
{
    load("per-request", 2, 15);
}
END_TEST

GRADE_TEST(stop_promptly, 1, 30,
           "SIGTERM from the server at shutdown ends the workers at once")
{
    struct h_server srv;
    int64_t t0;
    int status;

    start_server(&srv, "pool");
    g_expect_rc(srv.dir, "2", "+", "2", "2 + 2 = 4\n", RC_TIMEOUT_MS);
    t0 = ipc_now_ms();
    status = h_server_stop(&srv, 15000, NULL, 0);
    ck_assert_msg(status == 0, "the server exited %d", status);
    /* the server waits 3 s for workers that ignore SIGTERM, then kills */
    ck_assert_msg(ipc_now_ms() - t0 < 2500, "the server needed %lld ms to "
                  "stop its workers: they do not end on SIGTERM",
                  (long long)(ipc_now_ms() - t0));
}
END_TEST

GRADE_TEST(trace_check, 1, 90,
           "recorded run passes 'ipclab-trace check'")
{
    char why[512] = "", trace[PATH_MAX];
    int status;

    g_require_tracing();
    for (int c = 0; c < 2; c++) {
        char in[32], exp[32];

        snprintf(in, sizeof(in), "rc%d.in", c);
        snprintf(exp, sizeof(exp), "rc%d.expect", c);
        oracle_workload(h_tmpdir_path(in), h_tmpdir_path(exp), 12,
                        700u + (unsigned)c);
    }
    snprintf(trace, sizeof(trace), "%s", h_tmpdir_path("trace"));
    status = g_record_run(trace, (const char *[]){ h_bin("ipclab-server"),
                          "--worker-dir", g_prog_dir(), "--ack-timeout",
                          "1000", NULL }, (const char *[]){
                          h_bin("ipclab-rc"), "--timeout", "5000", NULL },
                          2, why, sizeof(why));
    ck_assert_msg(status == 0, "the recorded run failed: %s", why);
    g_trace_check(trace, 2 * 12);
}
END_TEST

/*
 * The test as a worker's server, in the worker's own process: the
 * student's code runs in the test's thread, with the test's pid as its
 * server's. The ack it sends is unblocked here, with a handler: sent to
 * this process by its only thread that takes it, it is handled before
 * sigqueue() or kill() returns (POSIX), so the handler sees FIFO3 as it
 * was when the ack was sent.
 */
static volatile sig_atomic_t acks_seen;     /* by on_ack */
static volatile sig_atomic_t ack_value;     /* the last ack's */
static volatile sig_atomic_t fifo3_at_ack;  /* bytes left in FIFO3 then */
static int ack_fd3 = -1;                    /* FIFO3's read end, for it */
static int fifo3_wfd = -1;                  /* FIFO3's write end: put_fifo3() */

static void
on_ack(int sig, siginfo_t *si, void *ctx)
{
    int left = -1;

    (void)sig;
    (void)ctx;
    if (ioctl(ack_fd3, FIONREAD, &left) == 0 && left > fifo3_at_ack)
        fifo3_at_ack = left;
    ack_value = si->si_code == SI_QUEUE ? si->si_value.sival_int : 0;
    acks_seen++;
}

/* 'w' of mode 'mode' for '*', this process its server, on fresh pipes
   (p3: FIFO3, p4: FIFO4); ready, SIGTERM and SIGINT blocked, as main.c
   blocks them; its ack taken by on_ack() */
static void
self_served(struct wk *w, enum ipc_sig_mode mode, int p3[2], int p4[2])
{
    struct sigaction sa = { .sa_sigaction = on_ack };

    memset(w, 0, sizeof(*w));
    w->op = IPCLAB_OP_MUL;
    w->role = "mul";
    w->server = getpid();
    w->once = 1;
    ipc_sigs_init(&w->sigs, mode);
    sigemptyset(&w->waitset);
    sigaddset(&w->waitset, w->sigs.ready);
    sigaddset(&w->waitset, SIGTERM);
    sigaddset(&w->waitset, SIGINT);
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    ck_assert_msg(sigprocmask(SIG_BLOCK, &w->waitset, NULL) == 0 &&
                  sigaction(w->sigs.ack, &sa, NULL) == 0 &&
                  sigprocmask(SIG_UNBLOCK, &sa.sa_mask, NULL) == 0,
                  "test error: cannot set up the signals: %s",
                  strerror(errno));
    ck_assert_msg(pipe(p3) == 0 && pipe(p4) == 0 &&
                  fcntl(p3[0], F_SETFL, O_NONBLOCK) == 0 &&
                  fcntl(p4[1], F_SETFL, O_NONBLOCK) == 0 &&
                  fcntl(p4[0], F_SETFL, O_NONBLOCK) == 0,
                  "test error: cannot make the pipes: %s", strerror(errno));
    w->fd3 = ack_fd3 = p3[0];
    fifo3_wfd = p3[1];
    w->fd4 = p4[1];
}

/* Before the ready: 'rec' (NULL: garbage) in FIFO3, nothing seen yet */
static void
put_fifo3(const struct ipc_record *rec)
{
    struct ipc_record junk;

    memset(&junk, 'x', sizeof(junk));
    ck_assert_msg(write(fifo3_wfd, rec != NULL ? rec : &junk, sizeof(junk)) ==
                  (ssize_t)sizeof(junk), "test error: write() failed: %s",
                  strerror(errno));
    acks_seen = 0;
    ack_value = -1;
    fifo3_at_ack = 0;
}

/* The result the worker wrote to FIFO4 must be 'want' for seq 'seq' */
static void
expect_result(int fd, uint32_t seq, int64_t want, const char *after)
{
    struct ipc_record res;

    ck_assert_msg(ipc_rec_read_one(fd, IPCLAB_FIFO4, &res,
                                   IPCLAB_KIND_RESULT) == 1 &&
                  res.seq == seq && res.status == 0 && res.value == want,
                  "%s: no result %lld (seq %u) in FIFO4", after,
                  (long long)want, seq);
}

/* wk_handle_ready(ev, of value 5) on 'rec' (NULL: garbage) in FIFO3:
   acked once, with 5, only once the record has left FIFO3; 'fds'
   descriptors open after it, as before */
static void
read_then_ack(struct wk *w, const struct ipc_sig_event *ev,
              const struct ipc_record *rec, int fds)
{
    const char *what = rec != NULL ? "a request (seq 5)" : "garbage";

    put_fifo3(rec);
    ck_assert_msg(G_CALL(wk_handle_ready)(w, ev) == 0, "wk_handle_ready "
                  "failed on %s: %s", what, strerror(errno));
    ck_assert_msg(acks_seen == 1 && ack_value == 5, "%s read on a ready "
                  "(value 5): %d acks, the last with value %d; expected "
                  "one, with 5", what, (int)acks_seen, (int)ack_value);
    ck_assert_msg(fifo3_at_ack == 0, "your worker sent the ack while %s "
                  "was still in FIFO3 (%d bytes unread): the ack tells the "
                  "server FIFO3 is free, so read the record first, then "
                  "ack, then compute (README rules)", what,
                  (int)fifo3_at_ack);
    g_check_fds(fds, rec != NULL ? "a request handled"
                                 : "a garbage record handled");
}

GRADE_TEST(ack_after_read, 1, 20,
           "wk_handle_ready: the record is read, then acked; -1 when the "
           "result cannot be sent; no descriptor left open on any path")
{
    struct ipc_sig_event ev = { .code = SI_QUEUE, .value = 5 };
    struct ipc_record req;
    int p3[2], p4[2], fds;
    struct wk w;

    self_served(&w, IPCLAB_SIG_RT, p3, p4);
    ev.signo = w.sigs.ready;
    ev.pid = getpid();
    fds = g_open_fds();

    /* a request, then garbage */
    ipc_rec_request(&req, IPCLAB_OP_MUL, 6, 7, 5);
    read_then_ack(&w, &ev, &req, fds);
    expect_result(p4[0], 5, 42, "6 * 7");
    read_then_ack(&w, &ev, NULL, fds);

    /* nothing: the server took the record back */
    G_CALL(wk_handle_ready)(&w, &ev);
    g_check_fds(fds, "a ready with FIFO3 empty");

    /* FIFO4 without a reader, SIGPIPE ignored as main.c does: the
       server is gone, the result cannot be sent */
    signal(SIGPIPE, SIG_IGN);
    close(p4[0]);
    put_fifo3(&req);
    errno = 0;
    ck_assert_msg(G_CALL(wk_handle_ready)(&w, &ev) == -1, "wk_handle_ready "
                  "returned 0 when its result could not be written (FIFO4 "
                  "has no reader: EPIPE, the server is gone): return -1, "
                  "so that the worker stops (worker.h)");
    g_check_fds(fds - 1, "a result that could not be sent");
}
END_TEST

GRADE_TEST(classic_mode, 1, 20,
           "wk_loop: classic mode's ready (kill(), SIGUSR1) is the server's "
           "too; acked with SIGUSR2")
{
    struct ipc_record req;
    int p3[2], p4[2], fds, r;
    struct wk w;

    for (int m = 0; m < 2; m++) {
        enum ipc_sig_mode mode = m == 0 ? IPCLAB_SIG_RT : IPCLAB_SIG_CLASSIC;
        const char *name = m == 0 ? "rt mode (sigqueue())"
                                  : "classic mode (kill(), si_code SI_USER)";

        self_served(&w, mode, p3, p4);
        fds = g_open_fds();
        ipc_rec_request(&req, IPCLAB_OP_MUL, 6, 7, 5);
        put_fifo3(&req);
        /* in rt mode a stranger's ready first (queued before ours: the
           path that ignores it runs too); then the server's, pending
           before the wait, as the server sends it in that mode */
        if (mode == IPCLAB_SIG_RT)
            queue_from_child(getpid(), w.sigs.ready, 5);
        ck_assert_msg((mode == IPCLAB_SIG_RT ?
                       sigqueue(getpid(), w.sigs.ready,
                                (union sigval){ .sival_int = 5 }) :
                       kill(getpid(), w.sigs.ready)) == 0, "test error: "
                      "cannot send the ready: %s", strerror(errno));
        r = G_CALL(wk_loop)(&w);
        ck_assert_msg(r == 0 && acks_seen == 1, "%s: the server's ready "
                      "came, with a request in FIFO3, and wk_loop (--once) "
                      "returned %d after %d acks: a ready from the server "
                      "is one with its pid and the si_code of the server's "
                      "mode (SI_QUEUE in rt mode, SI_USER in classic mode: "
                      "ipc_sig_from())", name, r, (int)acks_seen);
        expect_result(p4[0], 5, 42, name);
        g_check_fds(fds, m == 0 ? "a stranger's ready and a request in "
                    "wk_loop()" : "one request in wk_loop()");
        close(p3[0]);
        close(p3[1]);
        close(p4[0]);
        close(p4[1]);
    }
}
END_TEST
