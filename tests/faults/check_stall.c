/*
 * tests/faults/check_stall.c - one client's absence must not cost the
 * others, nor itself, an answer.
 *
 *   theft           a client stopped and continued, again and again, while
 *                   it has a "ready" pending: nobody reads another's
 *                   result, every client gets every answer;
 *   six_stopped     six clients stopped with requests in flight: an
 *                   unrelated request is answered within 1 s, and once
 *                   continued they get every answer they are owed;
 *   wide_stopped    two clients stopped with up to 1000 requests in
 *                   flight each, more than the server can hold: an
 *                   unrelated request is still answered within 1 s;
 *   stolen_result   a result read by a process that then exits without
 *                   giving it back (a stale reader killed at the wrong
 *                   moment) still reaches its client;
 *   killed_reader   a client killed with its result announced: the others
 *                   do not wait for its ack timeout;
 *   slow_input      a client whose input stops (a pipe held open) still
 *                   takes and acknowledges its answers;
 *   slow_output     a client whose output nobody reads keeps its answers
 *                   in memory, acknowledges them, holds up nobody, and
 *                   prints every one once it is read;
 *   stopped_worker  a stopped processing client delays only its own
 *                   operation, and answers once continued;
 *   five_deaths     a processing client killed five times comes back each
 *                   time, later and later, and the server says so;
 *   stray_signals   every protocol signal of the other mode, sent to the
 *                   server, a client and a worker, kills nobody;
 *   garbage_fifo23  garbage written into FIFO2 and FIFO3 under load costs
 *                   no client an answer;
 *   forged_result   a result forged under a client's pid and seq, for
 *                   another expression, is never printed as its answer;
 *   returned_forgery  a result forged as "given back" (flag RETURNED),
 *                   for the request a stopped client sends next, is
 *                   never delivered: the real one is answered;
 *   give_back_timeout  a client that must give back another's result
 *                   while the server reads nothing says so, and does not
 *                   call the living server gone;
 *   no_workers      a server whose processing clients cannot run exits 1
 *                   before printing "ready";
 *   nul_line        a --file line with a NUL byte is an error for that
 *                   line, and says so; a bad line with an escape
 *                   sequence is echoed display-safe;
 *   long_line       so is a line too long, which is never kept whole in
 *                   memory: its beginning is shown, the rest dropped.
 *
 * Each waits on conditions (process state and pending signals in /proc,
 * bytes the server wrote), never on a sleep.
 *
 * Run:  CK_RUN_SUITE=stall build/tests/faults
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "faults.h"
#include "ipclab/proc.h"
#include "ipclab/record.h"
#include "ipclab/rundir.h"
#include "oracle.h"

#define SERVED_WITHIN_MS 1000   /* loose bound: the target is 100 ms */

/* Let other processes run for a millisecond before we look again */
static void
tick(void)
{
    poll(NULL, 0, 1);
}

/* Wait up to timeout_ms until the "wchar:" or "rchar:" ('key') count of
   /proc/PID/io is 'bytes' more than 'since'; false also when pid is gone */
static bool
wait_io(pid_t pid, const char *key, long long since, long long bytes,
        int timeout_ms)
{
    int64_t deadline = ipc_deadline_ms(timeout_ms);

    do {
        long long now = fx_proc_number(pid, "io", key, 10);

        if (now == -1 || now >= since + bytes)
            return now != -1;
        tick();
    } while (ipc_ms_until(deadline) > 0);
    return false;
}

/* Wait up to timeout_ms for an ipclab-rc to wait for its results (in
   poll(), or in sigtimedwait() as it did before it polled its I/O) */
static bool
wait_waiting(pid_t pid, int timeout_ms)
{
    int64_t deadline = ipc_deadline_ms(timeout_ms);

    do {
        if (fx_wait_in_syscall(pid, SYS_poll, 0) ||
            fx_wait_in_syscall(pid, SYS_rt_sigtimedwait, 0))
            return true;
        tick();
    } while (ipc_ms_until(deadline) > 0 && ipc_proc_alive(pid));
    return false;
}

/* Run ipclab-rc EXPR on dir; check its answer and how long it took */
static void
timed_answer(const char *dir, const char *a, const char *op, const char *b,
             const char *expect)
{
    const char *out = h_tmpdir_path("timed.out");
    int64_t start = ipc_now_ms(), took;
    char *text;
    int status;

    /* the protocol's time, not lttng-ust's: a client does not wait for a
       busy session daemon to register it (lttng-ust(3)) */
    ck_assert_int_eq(setenv("LTTNG_UST_REGISTER_TIMEOUT", "0", 1), 0);
    status = h_run((const char *[]){ h_bin("ipclab-rc"), "--dir", dir, a,
                   op, b, NULL }, NULL, out, NULL, FX_RUN_MS);
    took = ipc_now_ms() - start;
    text = h_read_file(out);
    ck_assert_int_eq(status, 0);
    ck_assert_msg(text != NULL && strstr(text, expect) != NULL,
                  "got '%s', want '%s'", text ? text : "", expect);
    ck_assert_msg(took < SERVED_WITHIN_MS, "%s %s %s took %lld ms", a, op, b,
                  (long long)took);
    free(text);
}

/* ---- requesting clients -------------------------------------------------- */

START_TEST(test_stall_theft)
{
    const char *work = h_tmpdir();
    struct fx_server srv;
    struct fx_summary sum;
    char in[PATH_MAX], out[PATH_MAX], err[PATH_MAX];
    pid_t pids[5];

    fx_load_prepare(work, 5, 3000, 1400);
    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    fx_load_start(pids, srv.h.dir, work, 4, 16);
    snprintf(in, sizeof(in), "%s/rc4.in", work);
    snprintf(out, sizeof(out), "%s/rc4.out", work);
    snprintf(err, sizeof(err), "%s/rc4.err", work);
    pids[4] = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir",
                      srv.h.dir, "--window", "64", "--file", in, NULL },
                      NULL, out, err);

    for (int round = 0; round < 12; round++) {
        long long wrote, read;

        if (!wait_waiting(pids[4], 10000))
            break;              /* done already */
        kill(pids[4], SIGSTOP);
        /* stopped with a ready pending: the server must take its record
           back, and write other clients' records meanwhile */
        wrote = fx_proc_number(srv.h.pid, "io", "wchar:", 10);
        if (fx_wait_stopped(pids[4], SIGRTMIN + 2, 2000) &&
            !wait_io(srv.h.pid, "wchar:", wrote,
                          4 * (long long)sizeof(struct ipc_record), 5000))
            round = 12;         /* the others are done: nothing to steal */
        read = fx_proc_number(pids[4], "io", "rchar:", 10);
        kill(pids[4], SIGCONT);
        /* running again, it must be served again (it reads a record)
           before the next round stops it */
        if (!wait_io(pids[4], "rchar:", read, sizeof(struct ipc_record), 10000))
            break;
    }
    fx_load_wait(pids, 5);
    ck_assert_int_eq(fx_load_check(work, 5, NULL), 0);
    fx_server_stop_ok(&srv, &sum);
    ck_assert_int_eq(sum.answered, 5 * 3000);
    ck_assert_int_eq(sum.undeliverable, 0);
}
END_TEST

START_TEST(test_stall_six_stopped)
{
    const char *work = h_tmpdir();
    struct fx_server srv;
    struct fx_summary sum;
    pid_t pids[6];

    fx_load_prepare(work, 6, 4000, 1500);
    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    fx_load_start(pids, srv.h.dir, work, 6, 8);
    for (int i = 0; i < 6; i++) {
        /* waiting for results: requests of its are in flight */
        ck_assert(wait_waiting(pids[i], 10000));
        kill(pids[i], SIGSTOP);
        ck_assert(fx_wait_stopped(pids[i], 0, 5000));
    }
    timed_answer(srv.h.dir, "6", "*", "7", "6 * 7 = 42");
    timed_answer(srv.h.dir, "6", "+", "7", "6 + 7 = 13");
    for (int i = 0; i < 6; i++)
        kill(pids[i], SIGCONT);
    /* every answer they were owed, none lost while they were stopped */
    fx_load_wait(pids, 6);
    ck_assert_int_eq(fx_load_check(work, 6, NULL), 0);
    fx_server_stop_ok(&srv, &sum);
    ck_assert_int_eq(sum.undeliverable, 0);
}
END_TEST

START_TEST(test_stall_wide_stopped)
{
    struct fx_server srv;
    char out[2][PATH_MAX], *text;
    pid_t pids[2];

    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    for (int i = 0; i < 2; i++) {
        snprintf(out[i], sizeof(out[i]), "%s/wide%d.out", h_tmpdir(), i);
        pids[i] = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir",
                          srv.h.dir, "--count", "20000", "--random",
                          "--seed", "7", "--window", "1000", "--quiet",
                          "--timeout", "20000", NULL }, NULL, out[i],
                          NULL);
        /* a thousand requests sent: its window is full */
        ck_assert(wait_io(pids[i], "wchar:", 0,
                          1000 * (long long)sizeof(struct ipc_record),
                          10000));
        kill(pids[i], SIGSTOP);
        ck_assert(fx_wait_stopped(pids[i], 0, 5000));
    }
    timed_answer(srv.h.dir, "6", "*", "7", "6 * 7 = 42");
    for (int i = 0; i < 2; i++) {
        kill(pids[i], SIGCONT);
        h_wait(pids[i], FX_RUN_MS);     /* 1 when answers were revoked */
        text = h_read_file(out[i]);
        ck_assert_msg(text != NULL && strstr(text, "wrong: 0,") != NULL,
                      "client %d: %s", i, text ? text : "(nothing)");
        free(text);
    }
    ck_assert_int_eq(fx_server_stop(&srv, 30000, NULL, 0), 0);
}
END_TEST

START_TEST(test_stall_stolen_result)
{
    const char *out = h_tmpdir_path("stolen.out");
    char path[PATH_MAX], *text;
    struct fx_server srv;
    pid_t thief;
    int status;

    fx_server_start(&srv, h_tmpdir_path("run"),
                    (const char *[]){ "--ack-timeout", "300", NULL }, 0,
                    NULL);
    ck_assert_int_eq(ipc_rundir_fifo(path, sizeof(path), srv.h.dir, 2), 0);
    thief = fork();
    ck_assert_int_ne(thief, -1);
    if (thief == 0) {
        /* reads the next record first (it waits in read() before the
           server even writes it), then exits without giving it back */
        struct ipc_record rec;
        int fd = open(path, O_RDONLY | O_CLOEXEC);

        _exit(fd != -1 && read(fd, &rec, sizeof(rec)) == sizeof(rec) ? 0
                                                                     : 1);
    }
    ck_assert(fx_wait_in_syscall(thief, SYS_read, 10000));
    status = h_run((const char *[]){ h_bin("ipclab-rc"), "--dir", srv.h.dir,
                   "--timeout", "5000", "2", "+", "3", NULL }, NULL, out,
                   NULL, FX_RUN_MS);
    text = h_read_file(out);
    ck_assert_msg(status == 0 && text != NULL &&
                  strcmp(text, "2 + 3 = 5\n") == 0, "status %d, printed '%s'",
                  status, text != NULL ? text : "");
    free(text);
    kill(thief, SIGKILL);       /* when the rc read first, it still waits */
    ck_assert_int_eq(waitpid(thief, &status, 0), thief);
    ck_assert_int_eq(fx_server_stop(&srv, 30000, NULL, 0), 0);
}
END_TEST

START_TEST(test_stall_killed_reader)
{
    struct fx_server srv;
    pid_t victim;

    h_write_file(h_tmpdir_path("victim.in"), "1 + 1\n2 + 2\n3 + 3\n");
    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    /* dies by SIGKILL on its first 'ready', before reading the result */
    victim = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir",
                     srv.h.dir, "--window", "3", "--die-before-ack", "1",
                     "--file", h_tmpdir_path("victim.in"), NULL }, NULL,
                     NULL, NULL);
    ck_assert_int_eq(h_wait(victim, FX_RUN_MS), 128 + SIGKILL);
    /* the server holds its pidfd: no ack timeout to wait out */
    timed_answer(srv.h.dir, "6", "*", "7", "6 * 7 = 42");
    ck_assert_int_eq(fx_server_stop(&srv, 30000, NULL, 0), 0);
}
END_TEST

/* Wait up to timeout_ms for holds(arg), looking every millisecond */
static bool
wait_for(bool (*holds)(const void *arg), const void *arg, int timeout_ms)
{
    int64_t deadline = ipc_deadline_ms(timeout_ms);

    do {
        if (holds(arg))
            return true;
        tick();
    } while (ipc_ms_until(deadline) > 0);
    return false;
}

struct file_text {
    const char *path, *text;
};

static bool
file_has(const void *arg)
{
    const struct file_text *ft = arg;
    char *got = h_read_file(ft->path);
    bool found = got != NULL && strstr(got, ft->text) != NULL;

    free(got);
    return found;
}

/* Wait up to timeout_ms for 'text' to be in file 'path' */
static bool
wait_file_has(const char *path, const char *text, int timeout_ms)
{
    struct file_text ft = { path, text };

    return wait_for(file_has, &ft, timeout_ms);
}

/* rc ends well having printed 1 + 1 and 2 + 2; then stop the server */
static void
expect_two_sums(struct fx_server *srv, pid_t rc, const char *out)
{
    char *text;

    ck_assert_int_eq(h_wait(rc, FX_RUN_MS), 0);
    text = h_read_file(out);
    ck_assert_str_eq(text, "1 + 1 = 2\n2 + 2 = 4\n");
    free(text);
    ck_assert_int_eq(fx_server_stop(srv, 30000, NULL, 0), 0);
}

START_TEST(test_stall_slow_input)
{
    const char *fifo = h_tmpdir_path("input.fifo");
    const char *out = h_tmpdir_path("slow.out");
    struct fx_server srv;
    pid_t rc;
    int fd;

    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    rc = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir", srv.h.dir,
                 "--window", "2", "--file", "-", NULL }, fifo, out, NULL);
    fd = open(fifo, O_WRONLY | O_CLOEXEC);      /* the gate */
    ck_assert_int_ne(fd, -1);
    ck_assert_int_eq(write(fd, "1 + 1\n", 6), 6);
    /* answered while its input has nothing more to give */
    ck_assert_msg(wait_file_has(out, "1 + 1 = 2\n", 10000),
                  "no answer while the input waits");
    ck_assert_int_eq(write(fd, "2 + 2\n", 6), 6);
    close(fd);
    expect_two_sums(&srv, rc, out);
}
END_TEST

START_TEST(test_stall_slow_output)
{
    const char *work = h_tmpdir();
    const char *fifo = h_tmpdir_path("output.fifo");
    char in[PATH_MAX], expect_path[PATH_MAX], *expect, *got;
    size_t len = 0, cap = 1 << 20;
    struct fx_server srv;
    int fd, size, avail = 0;
    ssize_t n;
    pid_t rc;

    fx_load_prepare(work, 1, 20000, 1700);
    snprintf(in, sizeof(in), "%s/rc0.in", work);
    snprintf(expect_path, sizeof(expect_path), "%s/rc0.expect", work);
    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    ck_assert_int_ne(fd, -1);
    rc = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir", srv.h.dir,
                 "--window", "8", "--file", in, NULL }, NULL, fifo, NULL);
    /* nobody reads its output: wait until the pipe is full (pages may
       be partly used, so within two pages of its size) */
    size = fcntl(fd, F_GETPIPE_SZ) - 2 * PIPE_BUF;
    ck_assert_int_gt(size, 0);
    for (int64_t d = ipc_deadline_ms(20000);
         ipc_ms_until(d) > 0 && avail < size; tick())
        ck_assert_int_eq(ioctl(fd, FIONREAD, &avail), 0);
    ck_assert_int_ge(avail, size);
    /* its output stuck (a client that blocks in write() would be there
       now, with requests in flight) */
    ck_assert(fx_wait_in_syscall(rc, SYS_write, 2000) ||
              fx_wait_in_syscall(rc, SYS_poll, 2000));
    /* its handshake goes on: others are not held up by it */
    for (int i = 0; i < 3; i++)
        timed_answer(srv.h.dir, "6", "*", "7", "6 * 7 = 42");
    got = malloc(cap);
    ck_assert(got != NULL);
    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };

        ck_assert_int_eq(poll(&p, 1, FX_RUN_MS), 1);
        if (len == cap)
            ck_assert((got = realloc(got, cap *= 2)) != NULL);
        n = read(fd, got + len, cap - len);
        if (n == 0)
            break;
        ck_assert_int_gt(n, 0);
        len += (size_t)n;
    }
    close(fd);
    ck_assert_int_eq(h_wait(rc, FX_RUN_MS), 0);
    expect = h_read_file(expect_path);
    ck_assert(expect != NULL);
    ck_assert_uint_eq(len, strlen(expect));
    ck_assert(memcmp(got, expect, len) == 0);
    free(got);
    free(expect);
    ck_assert_int_eq(fx_server_stop(&srv, 30000, NULL, 0), 0);
}
END_TEST

/* ---- processing clients -------------------------------------------------- */

START_TEST(test_stall_stopped_worker)
{
    struct fx_server srv;
    pid_t sum, rc;
    char *text;

    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    sum = fx_wait_child_named(srv.h.pid, "ipclab-sum", 0, 10000);
    ck_assert(sum > 0);
    kill(sum, SIGSTOP);
    ck_assert(fx_wait_stopped(sum, 0, 5000));
    rc = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir", srv.h.dir,
                 "1", "+", "2", NULL }, NULL, h_tmpdir_path("sum.out"), NULL);
    /* its request was announced to the stopped worker */
    ck_assert(fx_wait_stopped(sum, SIGRTMIN + 2, 10000));
    timed_answer(srv.h.dir, "6", "*", "7", "6 * 7 = 42");
    timed_answer(srv.h.dir, "6", "-", "7", "6 - 7 = -1");
    kill(sum, SIGCONT);
    ck_assert_int_eq(h_wait(rc, FX_RUN_MS), 0);
    text = h_read_file(h_tmpdir_path("sum.out"));
    ck_assert_str_eq(text, "1 + 2 = 3\n");
    free(text);
    ck_assert_int_eq(fx_server_stop(&srv, 30000, NULL, 0), 0);
}
END_TEST

START_TEST(test_stall_five_deaths)
{
    struct fx_server srv;
    pid_t old = 0;
    char *text;
    int err_fd, saved;

    /* the server's stderr into a file: it must say it backs off */
    err_fd = open(h_tmpdir_path("server.err"),
                  O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ck_assert_int_ne(err_fd, -1);
    saved = dup(STDERR_FILENO);
    ck_assert_int_ne(saved, -1);
    ck_assert_int_ne(dup2(err_fd, STDERR_FILENO), -1);
    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    ck_assert_int_ne(dup2(saved, STDERR_FILENO), -1);
    close(saved);
    close(err_fd);

    for (int i = 0; i < 5; i++) {
        pid_t w = fx_wait_child_named(srv.h.pid, "ipclab-sum", old, 10000);

        ck_assert_msg(w > 0, "ipclab-sum not started again after %d deaths",
                      i);
        kill(w, SIGKILL);
        ck_assert(h_wait_gone(w, 10000));
        old = w;
    }
    ck_assert(fx_wait_child_named(srv.h.pid, "ipclab-sum", old, 10000) > 0);
    timed_answer(srv.h.dir, "1", "+", "2", "1 + 2 = 3");
    ck_assert_int_eq(fx_server_stop(&srv, 30000, NULL, 0), 0);
    text = h_read_file(h_tmpdir_path("server.err"));
    ck_assert_msg(text != NULL &&
                  strstr(text, "ipclab-sum died 5 times in a row") != NULL,
                  "server said: %s", text ? text : "");
    free(text);
}
END_TEST

/* ---- signals of the other mode ------------------------------------------- */

/* kill -s NAME PID, as a shell user types it (docs/security.md) */
static void
shell_kill(const char *name, pid_t pid)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "kill -s %s %d", name, (int)pid);
    ck_assert_int_eq(h_run((const char *[]){ "/bin/bash", "-c", cmd, NULL },
                           NULL, NULL, NULL, 10000), 0);
}

static void
stray_signals(const char *mode)
{
    static const char *const names[] = {
        "USR1", "USR2", "RTMIN+1", "RTMIN+2", "RTMIN+3",
    };
    struct fx_server srv;
    pid_t worker, rc;

    h_write_file(h_tmpdir_path("wait.in"), "1 + 1\n");
    fx_server_start(&srv, h_tmpdir_path("run"),
                    (const char *[]){ "--signals", mode, "--work-delay",
                    "300", NULL }, 0, NULL);
    worker = fx_wait_child_named(srv.h.pid, "ipclab-sum", 0, 10000);
    ck_assert(worker > 0);
    rc = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir", srv.h.dir,
                 "--file", h_tmpdir_path("wait.in"), NULL }, NULL,
                 h_tmpdir_path("wait.out"), NULL);
    ck_assert(wait_waiting(rc, 10000));
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        shell_kill(names[i], srv.h.pid);
        shell_kill(names[i], worker);
        shell_kill(names[i], rc);
    }
    ck_assert_int_eq(h_wait(rc, FX_RUN_MS), 0);
    ck_assert(ipc_proc_alive(worker));
    timed_answer(srv.h.dir, "6", "*", "7", "6 * 7 = 42");
    ck_assert_int_eq(fx_server_stop(&srv, 30000, NULL, 0), 0);
}

START_TEST(test_stall_stray_signals_rt)
{
    stray_signals("rt");
}
END_TEST

START_TEST(test_stall_stray_signals_classic)
{
    stray_signals("classic");
}
END_TEST

/* ---- garbage and bad set-ups --------------------------------------------- */

START_TEST(test_stall_garbage_fifo23)
{
    static const char junk[] = "garbage!garbage!garbage!garbage!\n";
    const char *work = h_tmpdir();
    struct fx_server srv;
    pid_t pids[8];
    int fd2, fd3;

    fx_load_prepare(work, 8, 400, 1600);
    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    fd2 = fx_open_fifo_write(srv.h.dir, 2);
    fd3 = fx_open_fifo_write(srv.h.dir, 3);
    fx_load_start(pids, srv.h.dir, work, 8, 4);
    for (int i = 0; i < 200; i++) {
        long long wrote = fx_proc_number(srv.h.pid, "io", "wchar:", 10);

        /* a full FIFO refuses (EAGAIN): that is fine, try the next */
        if (write(i % 2 ? fd3 : fd2, junk, sizeof(junk) - 1) == -1)
            ck_assert_int_eq(errno, EAGAIN);
        if (!wait_io(srv.h.pid, "wchar:", wrote, sizeof(struct ipc_record), 2000))
            break;              /* the clients are done */
    }
    close(fd2);
    close(fd3);
    fx_load_wait(pids, 8);
    ck_assert_int_eq(fx_load_check(work, 8, NULL), 0);
    ck_assert_int_eq(fx_server_stop(&srv, 30000, NULL, 0), 0);
}
END_TEST

/*
 * A request forged under a waiting client's pid and its next seq, held
 * by a slow worker: the client's own request with that seq is refused as
 * a duplicate, and the forged answer (2 * 333) must never be printed as
 * the answer to its 2 + 2.
 */
START_TEST(test_stall_forged_result)
{
    const char *fifo = h_tmpdir_path("input.fifo");
    char fifo2[PATH_MAX + 8], *out, *err;
    struct fx_server srv;
    pid_t rc;
    int fd, fd1;

    fx_server_start(&srv, h_tmpdir_path("run"),
                    (const char *[]){ "--work-delay", "500", NULL }, 0, NULL);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    rc = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir", srv.h.dir,
                 "--timeout", "3000", "--file", "-", NULL }, fifo,
                 h_tmpdir_path("forged.out"), h_tmpdir_path("forged.err"));
    fd = open(fifo, O_WRONLY | O_CLOEXEC);      /* the gate */
    ck_assert_int_ne(fd, -1);
    snprintf(fifo2, sizeof(fifo2), "%s/fifo2", srv.h.dir);
    ck_assert(fx_wait_has_open(rc, fifo2, O_RDONLY, 10000));
    fd1 = fx_open_fifo_write(srv.h.dir, 1);
    fx_forge_request(fd1, IPCLAB_OP_MUL, 2, 333, rc, 1);
    close(fd1);
    ck_assert_int_eq(write(fd, "2 + 2\n", 6), 6);
    close(fd);
    ck_assert_int_eq(h_wait(rc, FX_RUN_MS), 1);        /* no answer */
    out = h_read_file(h_tmpdir_path("forged.out"));
    err = h_read_file(h_tmpdir_path("forged.err"));
    ck_assert_str_eq(out, "2 + 2: no answer\n");
    ck_assert_int_eq(h_count_lines(err, "does not match request 1"), 1);
    free(out);
    free(err);
    ck_assert_int_eq(fx_server_stop(&srv, 30000, NULL, 0), 0);
}
END_TEST

/* True when the FIFO that *arg reads holds no bytes (FIONREAD) */
static bool
fifo_empty(const void *arg)
{
    int avail = 0;

    ck_assert_int_eq(ioctl(*(const int *)arg, FIONREAD, &avail), 0);
    return avail == 0;
}

START_TEST(test_stall_returned_forgery)
{
    const char *fifo = h_tmpdir_path("input.fifo");
    const char *out = h_tmpdir_path("forgery.out");
    char path[PATH_MAX];
    struct ipc_record rec;
    struct fx_server srv;
    int fd, fd4, r2, r4;
    pid_t rc;

    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    rc = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir", srv.h.dir,
                 "--timeout", "5000", "--file", "-", NULL }, fifo, out,
                 NULL);
    fd = open(fifo, O_WRONLY | O_CLOEXEC);      /* the gate */
    ck_assert_int_ne(fd, -1);
    ck_assert_int_eq(write(fd, "1 + 1\n", 6), 6);   /* now a known client */
    ck_assert(wait_file_has(out, "1 + 1 = 2\n", 10000));
    ck_assert_int_eq(kill(rc, SIGSTOP), 0);
    ck_assert(fx_wait_stopped(rc, 0, 10000));

    /* the answer to the request it will send next, forged as given back */
    ipc_rec_request(&rec, IPCLAB_OP_SUM, 2, 2, 2);
    rec.pid = (int32_t)rc;
    ipc_rec_make_result(&rec, 0, 5);
    rec.flags = IPCLAB_REC_RETURNED;
    ipc_rec_seal(&rec);
    ck_assert_int_eq(ipc_rundir_fifo(path, sizeof(path), srv.h.dir, 2), 0);
    r2 = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    ck_assert_int_ne(r2, -1);
    ck_assert_int_eq(ipc_rundir_fifo(path, sizeof(path), srv.h.dir, 4), 0);
    r4 = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    ck_assert_int_ne(r4, -1);
    fd4 = fx_open_fifo_write(srv.h.dir, 4);
    ck_assert_int_eq(write(fd4, &rec, sizeof(rec)), sizeof(rec));
    close(fd4);
    ck_assert(wait_for(fifo_empty, &r4, 10000));      /* the server read it */
    ck_assert(wait_for(fifo_empty, &r2, 10000));      /* and holds nothing there */
    close(r2);
    close(r4);

    ck_assert_int_eq(write(fd, "2 + 2\n", 6), 6);
    close(fd);
    ck_assert_int_eq(kill(rc, SIGCONT), 0);
    expect_two_sums(&srv, rc, out);
}
END_TEST

/* A stale ready makes a client read another client's result while the
   server (stopped) reads nothing from a full FIFO4: giving it back times
   out, and the client says so; it does not call the living server gone */
START_TEST(test_stall_give_back_timeout)
{
    const char *err = h_tmpdir_path("rc.err");
    char path[PATH_MAX], junk[512];
    struct ipc_record rec;
    struct fx_server srv;
    siginfo_t si;
    int fd2, fd4, r1;
    pid_t rc;
    char *text;

    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    ck_assert_int_eq(kill(srv.h.pid, SIGSTOP), 0);
    ck_assert(fx_wait_stopped(srv.h.pid, 0, 10000));
    fd4 = fx_open_fifo_write(srv.h.dir, 4);
    memset(junk, 'x', sizeof(junk));
    while (write(fd4, junk, sizeof(junk)) > 0)
        continue;                               /* full */
    ck_assert_int_eq(errno, EAGAIN);
    ipc_rec_request(&rec, IPCLAB_OP_SUM, 2, 2, 1);  /* ours: another pid */
    ipc_rec_make_result(&rec, 0, 4);
    fd2 = fx_open_fifo_write(srv.h.dir, 2);
    ck_assert_int_eq(write(fd2, &rec, sizeof(rec)), sizeof(rec));
    close(fd2);

    ck_assert_int_eq(ipc_rundir_fifo(path, sizeof(path), srv.h.dir, 1), 0);
    r1 = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    ck_assert_int_ne(r1, -1);
    rc = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir", srv.h.dir,
                 "--timeout", "1000", "1", "+", "1", NULL }, NULL,
                 h_tmpdir_path("rc.out"), err);
    /* its request sent: its signals are taken by then */
    for (int64_t end = ipc_deadline_ms(10000); fifo_empty(&r1); tick())
        ck_assert_msg(ipc_ms_until(end) > 0, "no request came");
    close(r1);
    /* "ready" as the server sends it: its pid, SI_QUEUE */
    memset(&si, 0, sizeof(si));
    si.si_signo = SIGRTMIN + 2;
    si.si_code = SI_QUEUE;
    si.si_pid = srv.h.pid;
    si.si_uid = getuid();
    si.si_value.sival_int = 1;
    ck_assert_int_eq(syscall(SYS_rt_sigqueueinfo, rc, SIGRTMIN + 2, &si), 0);

    ck_assert_int_eq(h_wait(rc, FX_RUN_MS), 1);        /* no answer */
    text = h_read_file(err);
    ck_assert_msg(h_count_lines(text, "cannot give back result 1") == 1 &&
                  h_count_lines(text, "stopped") == 0, "stderr: %s", text);
    free(text);
    close(fd4);
    ck_assert_int_eq(kill(srv.h.pid, SIGCONT), 0);
    ck_assert_int_eq(fx_server_stop(&srv, 30000, NULL, 0), 0);
}
END_TEST

START_TEST(test_stall_no_workers)
{
    char *out;
    int status;

    status = h_run((const char *[]){ h_bin("ipclab-server"), "--dir",
                   h_tmpdir_path("run"), "--worker-dir",
                   h_tmpdir_path("nowhere"), NULL }, NULL,
                   h_tmpdir_path("server.out"), h_tmpdir_path("server.err"),
                   30000);
    ck_assert_int_eq(status, 1);
    out = h_read_file(h_tmpdir_path("server.out"));
    ck_assert_msg(out == NULL || strstr(out, "ready") == NULL,
                  "printed: %s", out);
    free(out);
    out = h_read_file(h_tmpdir_path("server.err"));
    ck_assert_int_eq(h_count_lines(out, "cannot start the processing "
                                        "clients"), 1);
    free(out);
}
END_TEST

/* What ipclab-rc --file IN printed, exiting 0, served by a fresh server */
static char *
rc_file_output(const char *in)
{
    struct fx_server srv;

    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-rc"), "--dir",
                           srv.h.dir, "--file", in, NULL }, NULL,
                           h_tmpdir_path("rc.out"), NULL, FX_RUN_MS), 0);
    ck_assert_int_eq(fx_server_stop(&srv, 30000, NULL, 0), 0);
    return h_read_file(h_tmpdir_path("rc.out"));
}

START_TEST(test_stall_nul_line)
{
    static const char input[] = "1 + 2\n3\0 + 4\n\0\n5 * 5\n"
                                "\x1b[2J7 \x1b- 1\n";
    char *out;
    FILE *f;

    f = fopen(h_tmpdir_path("nul.in"), "we");
    ck_assert(f != NULL);
    ck_assert_uint_eq(fwrite(input, 1, sizeof(input) - 1, f),
                      sizeof(input) - 1);
    ck_assert_int_eq(fclose(f), 0);
    out = rc_file_output(h_tmpdir_path("nul.in"));
    ck_assert_str_eq(out, "1 + 2 = 3\n"
                          "3\\0 + 4: invalid expression (NUL byte)\n"
                          "\\0: invalid expression (NUL byte)\n"
                          "5 * 5 = 25\n"
                          "?[2J7 ?- 1: invalid expression\n");
    free(out);
}
END_TEST

START_TEST(test_stall_long_line)
{
    char *out;
    FILE *f;

    /* a line of 8 MiB, a long comment, then a short line at the end */
    f = fopen(h_tmpdir_path("long.in"), "we");
    ck_assert(f != NULL);
    fputs("1 + 2\n", f);
    for (int i = 0; i < 8 << 20; i++)
        fputc('7', f);
    fputs(" + 1\n#", f);
    for (int i = 0; i < 5000; i++)
        fputc('c', f);
    fputs("\n5 * 5", f);
    ck_assert_int_eq(fclose(f), 0);
    out = rc_file_output(h_tmpdir_path("long.in"));
    ck_assert_str_eq(out, "1 + 2 = 3\n"
                          "77777777777777777777...: line too long\n"
                          "5 * 5 = 25\n");
    free(out);
}
END_TEST

Suite *
stall_suite(void)
{
    Suite *s = suite_create("stall");
    TCase *clients = h_tcase(s, "clients", 180);
    TCase *workers = h_tcase(s, "workers", 120);
    TCase *signals = h_tcase(s, "signals", 120);
    TCase *input = h_tcase(s, "input", 120);

    tcase_add_test(clients, test_stall_theft);
    tcase_add_test(clients, test_stall_six_stopped);
    tcase_add_test(clients, test_stall_wide_stopped);
    tcase_add_test(clients, test_stall_stolen_result);
    tcase_add_test(clients, test_stall_killed_reader);
    tcase_add_test(clients, test_stall_slow_input);
    tcase_add_test(clients, test_stall_slow_output);
    tcase_add_test(workers, test_stall_stopped_worker);
    tcase_add_test(workers, test_stall_five_deaths);
    tcase_add_test(signals, test_stall_stray_signals_rt);
    tcase_add_test(signals, test_stall_stray_signals_classic);
    tcase_add_test(input, test_stall_garbage_fifo23);
    tcase_add_test(input, test_stall_forged_result);
    tcase_add_test(input, test_stall_returned_forgery);
    tcase_add_test(input, test_stall_give_back_timeout);
    tcase_add_test(input, test_stall_no_workers);
    tcase_add_test(input, test_stall_nul_line);
    tcase_add_test(input, test_stall_long_line);
    return s;
}
