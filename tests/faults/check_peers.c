/*
 * tests/faults/check_peers.c - more readers stopped at once than the
 * server used to remember.
 *
 *   many_stopped     PEERS_STOPPED clients (more than 64), each stopped
 *                    with its result on the way, in rt and in classic
 *                    mode, pool and per request: every result is offered, taken back and kept
 *                    in memory (docs/protocol.md, section 3), none
 *                    dropped; once continued, each client prints its
 *                    answer, and a running client is served meanwhile.
 *   stopped_once     per request (--spawn per-request), a processing
 *                    client that stops itself before it reads its
 *                    request: other operations go on, and at SIGINT the
 *                    request is failed with EIO and that worker killed and
 *                    reaped, not left stopped behind the server.
 *   dead_once        per request, a processing client that exits before
 *                    it reads (it cannot start): its request fails with
 *                    EIO, no new one is forked again and again, and the
 *                    other operations go on;
 *   stopped_pool     a pool worker stopped (SIGSTOP) at SIGINT, with a
 *                    request waiting for it: the request fails with EIO,
 *                    and the worker is continued to take its SIGTERM
 *                    rather than killed after STOP_GRACE_MS (3 s) (the
 *                    server stops sooner than that).
 *
 * Each waits on conditions (process state, pending signals and I/O counts
 * in /proc), never on a sleep.
 *
 * Run:  CK_RUN_SUITE=peers build/tests/faults
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "faults.h"
#include "ipclab/proc.h"
#include "ipclab/record.h"
#include "ipclab/sig.h"
#include "rawclient.h"

#define PEERS_STOPPED 72        /* beyond the 64 the server once held */
#define PEERS_WAIT_MS 20000     /* bound on each condition awaited */

/* Wait until cond(pid, arg) holds; false after PEERS_WAIT_MS */
static bool
await(bool (*cond)(pid_t, long long), pid_t pid, long long arg)
{
    int64_t deadline = ipc_deadline_ms(PEERS_WAIT_MS);

    while (!cond(pid, arg)) {
        if (ipc_ms_until(deadline) == 0)
            return false;
        poll(NULL, 0, 1);       /* let the others run a millisecond */
    }
    return true;
}

/* A client that sent its request (it wrote a record) and waits in poll() */
static bool
has_sent(pid_t pid, long long unused)
{
    (void)unused;
    return fx_proc_number(pid, "io", "wchar:", 10) >=
           (long long)sizeof(struct ipc_record) &&
           fx_wait_in_syscall(pid, SYS_poll, 0);
}

/* A signal (a "ready") pending for pid, as await() asks */
static bool
has_pending(pid_t pid, long long signo)
{
    return fx_signal_pending(pid, (int)signo);
}

/* The file 'path' (a client's stdout) holds 'want'; 'who' names it */
static void
assert_printed(const char *path, const char *want, int who)
{
    char *text = h_read_file(path);

    ck_assert_msg(text != NULL && strstr(text, want) != NULL,
                  "client %d: '%s', want '%s'", who,
                  text != NULL ? text : "(nothing)", want);
    free(text);
}

START_TEST(test_peers_many_stopped)
{
    const bool classic = _i & 1, once = _i & 2;
    const char *dir = h_tmpdir_path("run");
    struct ipc_sigs sigs;
    struct fx_server srv;
    struct fx_summary sum;
    pid_t mul = 0, rcs[PEERS_STOPPED];
    int64_t value;

    ipc_sigs_init(&sigs, classic ? IPCLAB_SIG_CLASSIC : IPCLAB_SIG_RT);
    ck_assert_int_eq(setenv("LTTNG_UST_REGISTER_TIMEOUT", "0", 1), 0);
    /* per request, each worker waits 5 s: the client is stopped first */
    fx_server_start(&srv, dir, (const char *[]){ "--signals",
                    classic ? "classic" : "rt", "--spawn",
                    once ? "per-request" : "pool", "--work-delay",
                    once ? "5000" : "0", NULL }, 0, NULL);
    if (!once) {
        /* the multiplier stopped: every request waits at the server */
        mul = fx_wait_child_named(srv.h.pid, "ipclab-mul", 0, 5000);
        ck_assert_int_gt(mul, 0);
        ck_assert_int_eq(kill(mul, SIGSTOP), 0);
        ck_assert(fx_wait_stopped(mul, 0, PEERS_WAIT_MS));
    }
    for (int i = 0; i < PEERS_STOPPED; i++) {
        char out[64];

        snprintf(out, sizeof(out), "rc%d.out", i);
        /* its --timeout runs while it is stopped: long enough for all */
        rcs[i] = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir", dir,
                         "--timeout", "60000", "6", "*", "7", NULL }, NULL,
                         h_tmpdir_path(out), NULL);
        ck_assert_msg(await(has_sent, rcs[i], 0), "client %d sent nothing",
                      i);
        ck_assert_int_eq(kill(rcs[i], SIGSTOP), 0);
        ck_assert(fx_wait_stopped(rcs[i], 0, PEERS_WAIT_MS));
    }
    /* the results come, each for a stopped client: offered, taken back */
    if (!once)
        ck_assert_int_eq(kill(mul, SIGCONT), 0);
    for (int i = 0; i < PEERS_STOPPED; i++)
        ck_assert_msg(await(has_pending, rcs[i], sigs.ready),
                      "client %d was never offered its result", i);
    /* a running client is served meanwhile */
    ck_assert_int_eq(raw_request(dir, IPCLAB_OP_SUM, 2, 3, &value), 0);
    ck_assert_int_eq(value, 5);
    for (int i = 0; i < PEERS_STOPPED; i++)
        ck_assert_int_eq(kill(rcs[i], SIGCONT), 0);
    for (int i = 0; i < PEERS_STOPPED; i++) {
        char out[64];
        int status = h_wait(rcs[i], FX_RUN_MS);

        snprintf(out, sizeof(out), "rc%d.out", i);
        assert_printed(h_tmpdir_path(out), "6 * 7 = 42", i);
        ck_assert_msg(status == 0, "client %d: exit %d", i, status);
    }
    fx_server_stop_ok(&srv, &sum);
    ck_assert_int_eq(sum.undeliverable, 0);
    ck_assert_int_eq(sum.answered, PEERS_STOPPED + 1);
}
END_TEST

/* WORK/wd: the processing clients, ipclab-sum a shell script that runs
   'first' (a command), then the real one; returns WORK/wd */
static const char *
odd_sum_workers(const char *first)
{
    static const char *const ops[] = { "sub", "mul", "div" };
    const char *wd = h_tmpdir_path("wd");
    char path[PATH_MAX], script[PATH_MAX + 64];

    ck_assert_int_eq(mkdir(wd, 0700), 0);
    for (size_t i = 0; i < sizeof(ops) / sizeof(*ops); i++) {
        snprintf(script, sizeof(script), "ipclab-%s", ops[i]);
        snprintf(path, sizeof(path), "%s/ipclab-%s", wd, ops[i]);
        ck_assert_int_eq(symlink(h_bin(script), path), 0);
    }
    snprintf(script, sizeof(script), "#!/bin/sh\n%s\nexec '%s' \"$@\"\n",
             first, h_bin("ipclab-sum"));
    snprintf(path, sizeof(path), "%s/ipclab-sum", wd);
    h_write_file(path, script);
    ck_assert_int_eq(chmod(path, 0700), 0);
    return wd;
}

START_TEST(test_peers_stopped_once)
{
    const char *dir = h_tmpdir_path("run"), *out = h_tmpdir_path("rc.out");
    struct fx_server srv;
    struct fx_summary sum;
    pid_t rc, sum_worker;
    int64_t value;
    bool gone;

    ck_assert_int_eq(setenv("LTTNG_UST_REGISTER_TIMEOUT", "0", 1), 0);
    fx_server_start(&srv, dir, (const char *[]){ "--spawn", "per-request",
                    "--worker-dir", odd_sum_workers("kill -STOP $$"), NULL }, 0,
                    NULL);
    rc = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir", dir, "1",
                 "+", "2", NULL }, NULL, out, NULL);
    sum_worker = fx_wait_child_named(srv.h.pid, "ipclab-sum", 0, 10000);
    ck_assert_int_gt(sum_worker, 0);
    ck_assert(fx_wait_stopped(sum_worker, 0, PEERS_WAIT_MS));
    ck_assert_int_eq(raw_request(dir, IPCLAB_OP_MUL, 6, 7, &value), 0);
    ck_assert_int_eq(value, 42);

    fx_server_stop_ok(&srv, &sum);
    gone = h_wait_gone(sum_worker, 5000);
    if (!gone)
        kill(sum_worker, SIGKILL);      /* left behind: do not leak it */
    ck_assert_msg(gone, "a stopped processing client outlived the server");
    h_wait(rc, FX_RUN_MS);
    assert_printed(out, "1 + 2: processing client failed", 0);
}
END_TEST

START_TEST(test_peers_dead_once)
{
    const char *dir = h_tmpdir_path("run"), *out = h_tmpdir_path("rc.out");
    struct fx_server srv;
    struct fx_summary sum;
    int64_t value;

    ck_assert_int_eq(setenv("LTTNG_UST_REGISTER_TIMEOUT", "0", 1), 0);
    fx_server_start(&srv, dir, (const char *[]){ "--spawn", "per-request",
                    "--worker-dir", odd_sum_workers("exit 1"), NULL }, 0,
                    NULL);
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-rc"), "--dir",
                     dir, "--timeout", "5000", "1", "+", "2", NULL }, NULL,
                     out, NULL, FX_RUN_MS), 0);  /* EIO is an answer */
    assert_printed(out, "1 + 2: processing client failed", 0);
    ck_assert_int_eq(raw_request(dir, IPCLAB_OP_MUL, 6, 7, &value), 0);
    ck_assert_int_eq(value, 42);
    fx_server_stop_ok(&srv, &sum);
    ck_assert_int_eq(sum.answered, 2);
}
END_TEST

START_TEST(test_peers_stopped_pool)
{
    const char *dir = h_tmpdir_path("run"), *out = h_tmpdir_path("rc.out");
    struct fx_server srv;
    struct fx_summary sum;
    pid_t rc, sum_worker;
    int64_t start;

    ck_assert_int_eq(setenv("LTTNG_UST_REGISTER_TIMEOUT", "0", 1), 0);
    fx_server_start(&srv, dir, NULL, 0, NULL);
    sum_worker = fx_wait_child_named(srv.h.pid, "ipclab-sum", 0, 5000);
    ck_assert_int_gt(sum_worker, 0);
    ck_assert_int_eq(kill(sum_worker, SIGSTOP), 0);
    ck_assert(fx_wait_stopped(sum_worker, 0, PEERS_WAIT_MS));
    rc = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir", dir, "1",
                 "+", "2", NULL }, NULL, out, NULL);
    ck_assert(await(has_sent, rc, 0));

    start = ipc_now_ms();
    fx_server_stop_ok(&srv, &sum);
    ck_assert_msg(ipc_now_ms() - start < 3000,
                  "the stop waited %lld ms for a stopped worker",
                  (long long)(ipc_now_ms() - start));
    ck_assert(h_wait_gone(sum_worker, 5000));
    h_wait(rc, FX_RUN_MS);
    assert_printed(out, "1 + 2: processing client failed", 0);
}
END_TEST

Suite *
peers_suite(void)
{
    Suite *s = suite_create("peers");
    TCase *stopped = h_tcase(s, "stopped", 180);

    tcase_add_loop_test(stopped, test_peers_many_stopped, 0, 4);
    tcase_add_test(stopped, test_peers_stopped_once);
    tcase_add_test(stopped, test_peers_dead_once);
    tcase_add_test(stopped, test_peers_stopped_pool);
    return s;
}
