/*
 * grade/check_worker.c - graded tests of exercise 03 (the processing
 * client).
 *
 * compute_*: wk_compute() against 128-bit arithmetic, which cannot
 * overflow. system_*: the reference ipclab-server runs the student's
 * ipclab-sum/-sub/-mul/-div (--worker-dir) for reference ipclab-rc
 * clients, whose every answer is checked against the same oracle.
 * trace_check: the run, recorded with LTTng, passes 'ipclab-trace check'.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade.h"
#include "ipclab/proc.h"
#include "oracle.h"
#include "worker.h"

#define RUN_MS 30000
#define RC_TIMEOUT_MS 5000  /* ipclab-rc --timeout */

static const int64_t edges[] = {
    0, 1, -1, 2, -2, 3, 7, -7, 1000, -1000, 3037000499LL, -3037000499LL,
    3037000500LL, -3037000500LL, 4294967296LL, -4294967296LL,
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
    case IPC_OP_SUM: r = (__int128)a + b; break;
    case IPC_OP_SUB: r = (__int128)a - b; break;
    case IPC_OP_MUL: r = (__int128)a * b; break;
    case IPC_OP_DIV:
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
    check_op(IPC_OP_SUM);
    check_op(IPC_OP_SUB);
}
END_TEST

GRADE_TEST(compute_mul, 2, 20, "wk_compute: *, every overflow")
{
    check_op(IPC_OP_MUL);
}
END_TEST

GRADE_TEST(compute_rules, 2, 10,
           "README rules: no overflow builtins, no wider type, no "
           "ipc_calc_apply()")
{
    int64_t v = 0;

    /* rules count for code that works: not for an empty skeleton */
    ck_assert_msg(G_CALL(wk_compute)(IPC_OP_MUL, 6, 7, &v) == 0 && v == 42,
                  "the rules are checked once wk_compute() works: 6 * 7 "
                  "gave %" PRId64, v);
    g_rule_tokens("compute.c", (const char *[]){ "__builtin_add_overflow",
                  "__builtin_sub_overflow", "__builtin_mul_overflow",
                  "__builtin_sadd", "__builtin_ssub", "__builtin_smul",
                  "ckd_add", "ckd_sub", "ckd_mul", NULL },
                  "the overflow builtins are what the exercise asks you to "
                  "write; decide before computing whether the result fits");
    g_rule_tokens("compute.c", (const char *[]){ "__int128", "_BitInt",
                  "long double", NULL },
                  "a wider type hides the overflow instead of detecting it");
    g_rule_symbols("compute.o", (const char *[]){ "ipc_calc_apply",
                   "__multi3", "__divti3", "__modti3", NULL },
                   "the kit's arithmetic or 128-bit helpers are not "
                   "allowed here");
}
END_TEST

GRADE_TEST(compute_div, 2, 20,
           "wk_compute: / truncates, EDOM, INT64_MIN / -1, unknown op")
{
    int64_t v = 4242;

    check_op(IPC_OP_DIV);
    ck_assert_msg(G_CALL(wk_compute)(0, 1, 1, &v) == EINVAL && v == 4242,
                  "op 0 must be EINVAL, *out untouched");
    ck_assert_msg(G_CALL(wk_compute)(IPC_OP_COUNT + 1, 1, 1, &v) == EINVAL,
                  "op %d must be EINVAL", IPC_OP_COUNT + 1);
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

GRADE_TEST(system_load, 4, 60,
           "3 clients x 60 requests at once: every answer right")
{
    load("pool", 3, 60);
}
END_TEST

GRADE_TEST(system_per_request, 2, 60,
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

GRADE_TEST(trace_check, 3, 90,
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
