/*
 * grade/check_server.c - graded tests of exercise 05 (ex05-server).
 *
 * The student's server runs as a real process with the reference
 * processing clients (build/bin) and serves reference ipclab-rc clients,
 * whose answers are checked against a 128-bit oracle; the test process
 * itself sends an unknown operation (tests/lib/rawclient.c). The last
 * test records a run with LTTng and runs 'ipclab-trace check' on it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grade.h"
#include "ipclab/proc.h"
#include "ipclab/record.h"
#include "oracle.h"
#include "rawclient.h"

#define RUN_MS 30000
#define RC_TIMEOUT_MS 3000  /* ipclab-rc --timeout */

/* h_bin("ipclab-sum")'s directory */
static const char *
bin_dir(void)
{
    static char dir[PATH_MAX];

    snprintf(dir, sizeof(dir), "%s", h_bin("ipclab-sum"));
    *strrchr(dir, '/') = '\0';
    return dir;
}

/* ex05-server on a fresh directory: h_server's fields, our program */
static pid_t
start(const char *dir, const char *out)
{
    const char *err = h_tmpdir_path("srv.err");
    pid_t pid = h_spawn((const char *[]){ g_prog("ex05-server"), "--dir",
                        dir, "--worker-dir", bin_dir(), "--ack-timeout",
                        "500", NULL }, NULL, out, err);
    int64_t deadline = ipc_deadline_ms(10000);

    for (;;) {
        char *text = h_read_file(out);
        bool ready = text != NULL && strncmp(text, "ready: ", 7) == 0;

        free(text);
        if (ready)
            return pid;
        ck_assert_msg(ipc_proc_alive(pid) && ipc_ms_until(deadline) > 0,
                      "ex05-server did not print 'ready: DIR' (stderr: %s)",
                      g_snippet(err, 200));
        ipc_sleep_ms(20);
    }
}

/* SIGINT, and the exit status within 10 s (-1: it hung) */
static int
stop(pid_t pid)
{
    kill(pid, SIGINT);
    return h_wait(pid, 10000);
}

GRADE_TEST(system_single, 3, 40,
           "reference rc via ex05-server: 6 * 7, 1 / 0, overflow")
{
    const char *dir = h_tmpdir_path("run");
    pid_t pid = start(dir, h_tmpdir_path("srv.out"));

    g_expect_rc(dir, "6", "*", "7", "6 * 7 = 42\n", RC_TIMEOUT_MS);
    g_expect_rc(dir, "1", "/", "0",
                "1 / 0: division by zero\n", RC_TIMEOUT_MS);
    g_expect_rc(dir, "-9223372036854775808", "-", "1",
                "-9223372036854775808 - 1: overflow\n", RC_TIMEOUT_MS);
    stop(pid);
}
END_TEST

GRADE_TEST(unknown_op, 2, 30, "an unknown operation is answered EINVAL")
{
    const char *dir = h_tmpdir_path("run");
    pid_t pid = start(dir, h_tmpdir_path("srv.out"));
    int64_t v = 0;
    int status = raw_request(dir, 9, 1, 2, &v);

    ck_assert_msg(status == EINVAL, "op 9: status %d (%s), expected EINVAL",
                  status, strerror(status));
    status = raw_request(dir, IPC_OP_SUB, 50, 8, &v);
    ck_assert_msg(status == 0 && v == 42, "50 - 8 after it: status %d, "
                  "value %lld", status, (long long)v);
    stop(pid);
}
END_TEST

GRADE_TEST(system_load, 4, 60,
           "3 clients x 30 requests (window 4) at once: all right")
{
    const char *dir = h_tmpdir_path("run");
    pid_t srv = start(dir, h_tmpdir_path("srv.out")), pids[3];

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
    stop(srv);
}
END_TEST

GRADE_TEST(client_dies, 3, 40,
           "a client that dies before its ack does not stall the others")
{
    const char *dir = h_tmpdir_path("run");
    pid_t pid = start(dir, h_tmpdir_path("srv.out"));

    /* killed by its own --die-before-ack: its result stays in FIFO2 */
    h_run((const char *[]){ h_bin("ipclab-rc"), "--dir", dir,
          "--die-before-ack", "1", "1", "+", "1", NULL }, NULL, NULL,
          h_tmpdir_path("dead.err"), RUN_MS);
    g_expect_rc(dir, "20", "+", "22", "20 + 22 = 42\n", RC_TIMEOUT_MS);
    g_expect_rc(dir, "84", "/", "2", "84 / 2 = 42\n", RC_TIMEOUT_MS);
    stop(pid);
}
END_TEST

GRADE_TEST(stop_clean, 2, 30,
           "SIGINT: exit 0, 'stopped:' line, FIFOs removed, no worker left")
{
    const char *dir = h_tmpdir_path("run"), *out = h_tmpdir_path("srv.out");
    pid_t pid = start(dir, out), kids[8];
    int n = h_children(pid, kids, 8), status;
    char fifo[PATH_MAX];
    char *text;

    ck_assert_msg(n == IPC_OP_COUNT, "%d processing clients, expected %d", n,
                  IPC_OP_COUNT);
    g_expect_rc(dir, "2", "*", "21", "2 * 21 = 42\n", RC_TIMEOUT_MS);
    status = stop(pid);
    ck_assert_msg(status == 0, "after SIGINT: exit %d (-1: still running "
                  "after 10 s)", status);
    text = h_read_file(out);
    ck_assert_msg(text != NULL && strstr(text, "\nstopped: ") != NULL,
                  "no 'stopped:' line: '%s'", g_snippet(out, 100));
    free(text);
    snprintf(fifo, sizeof(fifo), "%s/fifo1", dir);
    ck_assert_msg(access(fifo, F_OK) == -1, "'%s' is still there", fifo);
    for (int i = 0; i < n; i++)
        ck_assert_msg(h_wait_gone(kids[i], 3000), "processing client %d "
                      "still runs", (int)kids[i]);
}
END_TEST

GRADE_TEST(trace_check, 6, 90,
           "recorded run (3 clients) passes 'ipclab-trace check'")
{
    char why[512] = "", trace[PATH_MAX];

    g_require_tracing();
    for (int c = 0; c < 3; c++) {
        char in[32], exp[32];

        snprintf(in, sizeof(in), "rc%d.in", c);
        snprintf(exp, sizeof(exp), "rc%d.expect", c);
        oracle_workload(h_tmpdir_path(in), h_tmpdir_path(exp), 8,
                        900u + (unsigned)c);
    }
    snprintf(trace, sizeof(trace), "%s", h_tmpdir_path("trace"));
    ck_assert_msg(g_record_run(trace, (const char *[]){
                  g_prog("ex05-server"), "--worker-dir", bin_dir(),
                  "--ack-timeout", "1000", NULL }, (const char *[]){
                  h_bin("ipclab-rc"), "--timeout", "5000", "--window", "2",
                  NULL }, 3, why, sizeof(why)) == 0,
                  "the recorded run failed: %s", why);
    g_trace_check(trace, 3 * 8);
}
END_TEST
