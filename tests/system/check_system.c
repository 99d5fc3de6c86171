/*
 * tests/system/check_system.c - the reference system, as real processes.
 *
 * Each test starts a real ipclab-server in a private runtime directory,
 * runs real ipclab-rc clients against it, and checks every answer against
 * arithmetic the test does itself, in 128 bits (tests/lib/oracle.h: an
 * oracle independent of the kit's own checked arithmetic). Faults are
 * injected with the programs' test hooks (--worker-crash-after,
 * --die-before-ack) and with real signals, so each test is deterministic.
 *
 * Run one test:  CK_RUN_CASE=clients build/tests/system
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "ipclab/proc.h"
#include "ipclab/record.h"
#include "oracle.h"
#include "system.h"

#define RUN_MS 60000            /* bound on any one client run */

/*
 * Run 'clients' ipclab-rc at once, each with 'count' random requests and
 * window 'window', against a server started with 'extra' options; every
 * output must equal the oracle's, line for line.
 */
static void
run_clients(const char *const extra[], int clients, int count, int window)
{
    struct h_server srv;
    pid_t pids[64];
    char win[16];

    ck_assert_int_le(clients, 64);
    snprintf(win, sizeof(win), "%d", window);
    h_server_start(&srv, h_tmpdir_path("run"), extra);
    for (int c = 0; c < clients; c++) {
        char in[64], exp[64], out[64];

        snprintf(in, sizeof(in), "rc%d.in", c);
        snprintf(exp, sizeof(exp), "rc%d.expect", c);
        snprintf(out, sizeof(out), "rc%d.out", c);
        oracle_workload(h_tmpdir_path(in), h_tmpdir_path(exp), count,
                        1000u + (unsigned int)c);
        pids[c] = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir",
                          srv.dir, "--window", win, "--file",
                          h_tmpdir_path(in), NULL }, NULL,
                          h_tmpdir_path(out), NULL);
    }
    for (int c = 0; c < clients; c++) {
        char exp[64], out[64];
        char *want, *got;

        ck_assert_int_eq(h_wait(pids[c], RUN_MS), 0);
        snprintf(exp, sizeof(exp), "rc%d.expect", c);
        snprintf(out, sizeof(out), "rc%d.out", c);
        want = h_read_file(h_tmpdir_path(exp));
        got = h_read_file(h_tmpdir_path(out));
        oracle_compare(got, want, NULL);
        free(want);
        free(got);
    }
    ck_assert_int_eq(h_server_stop(&srv, 20000, NULL, 0), 0);
}

/* ---- core: answers ---------------------------------------------------- */

START_TEST(test_system_single_expression)
{
    struct h_server srv;
    char *out;

    h_server_start(&srv, h_tmpdir_path("run"), NULL);
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-rc"), "--dir",
                     srv.dir, "6", "*", "7", NULL }, NULL,
                     h_tmpdir_path("out"), NULL, RUN_MS), 0);
    out = h_read_file(h_tmpdir_path("out"));
    ck_assert_str_eq(out, "6 * 7 = 42\n");
    free(out);

    /* negative operands are operands, not options */
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-rc"), "--dir",
                     srv.dir, "-5", "-", "-8", NULL }, NULL,
                     h_tmpdir_path("out"), NULL, RUN_MS), 0);
    out = h_read_file(h_tmpdir_path("out"));
    ck_assert_str_eq(out, "-5 - -8 = 3\n");
    free(out);
    ck_assert_int_eq(h_server_stop(&srv, 10000, NULL, 0), 0);
}
END_TEST

START_TEST(test_system_error_statuses)
{
    struct h_server srv;
    char *out;

    h_write_file(h_tmpdir_path("in"),
                 "1 / 0\n"
                 "9223372036854775807 + 1\n"
                 "-9223372036854775808 / -1\n"
                 "-9223372036854775808 * -1\n"
                 "# a comment, skipped\n"
                 "\n"
                 "two + two\n"
                 "99999999999999999999 + 1\n"
                 "-7 / 2\n");
    h_server_start(&srv, h_tmpdir_path("run"), NULL);
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-rc"), "--dir",
                     srv.dir, "--file", h_tmpdir_path("in"), "--window",
                     "4", NULL }, NULL, h_tmpdir_path("out"), NULL, RUN_MS),
                     0);
    out = h_read_file(h_tmpdir_path("out"));
    ck_assert_str_eq(out,
                     "1 / 0: division by zero\n"
                     "9223372036854775807 + 1: overflow\n"
                     "-9223372036854775808 / -1: overflow\n"
                     "-9223372036854775808 * -1: overflow\n"
                     "two + two: invalid expression\n"
                     "99999999999999999999 + 1: operand out of range\n"
                     "-7 / 2 = -3\n");
    free(out);
    ck_assert_int_eq(h_server_stop(&srv, 10000, NULL, 0), 0);
}
END_TEST

/* ---- clients: many at once, every mode --------------------------------- */

START_TEST(test_system_clients_pool_rt)
{
    run_clients(NULL, 4, 300, 4);
}
END_TEST

START_TEST(test_system_clients_rt_under_load)
{
    run_clients((const char *[]){ "--signals", "rt", NULL }, 8, 400, 8);
}
END_TEST

START_TEST(test_system_clients_per_request)
{
    run_clients((const char *[]){ "--spawn", "per-request", NULL }, 4, 100,
                4);
}
END_TEST

START_TEST(test_system_clients_classic_low_load)
{
    /* classic signals coalesce: an ack from a client and one from a
       worker arriving together become one, and the server recovers only
       at the ack timeout; keep it short so the test stays quick, and
       long enough for a loaded machine to start a worker */
    run_clients((const char *[]){ "--signals", "classic", "--ack-timeout",
                "1000", NULL }, 2, 50, 1);
}
END_TEST

START_TEST(test_system_clients_per_request_classic)
{
    run_clients((const char *[]){ "--spawn", "per-request", "--signals",
                "classic", "--ack-timeout", "1000", NULL }, 2, 30, 1);
}
END_TEST

/* ---- faults ------------------------------------------------------------ */

/*
 * A processing client dies holding a request: that request is answered
 * with an error, a new client is started, and the rest are answered.
 * Every ipclab-sum dies after reading its 2nd request, so of six sums the
 * 2nd, 4th and 6th fail; the other operations are untouched.
 */
START_TEST(test_system_worker_killed_mid_request)
{
    struct h_server srv;
    char *out;

    h_write_file(h_tmpdir_path("in"),
                 "1 + 1\n2 + 2\n5 * 5\n3 + 3\n4 + 4\n9 - 1\n5 + 5\n6 + 6\n");
    h_server_start(&srv, h_tmpdir_path("run"),
                   (const char *[]){ "--worker-crash-after", "2", NULL });
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-rc"), "--dir",
                     srv.dir, "--file", h_tmpdir_path("in"), NULL }, NULL,
                     h_tmpdir_path("out"), NULL, RUN_MS), 0);
    out = h_read_file(h_tmpdir_path("out"));
    ck_assert_str_eq(out,
                     "1 + 1 = 2\n"
                     "2 + 2: processing client failed\n"
                     "5 * 5 = 25\n"
                     "3 + 3 = 6\n"
                     "4 + 4: processing client failed\n"
                     "9 - 1 = 8\n"
                     "5 + 5 = 10\n"
                     "6 + 6: processing client failed\n");
    free(out);
    ck_assert_int_eq(h_server_stop(&srv, 10000, NULL, 0), 0);
}
END_TEST

/*
 * A requesting client dies with its result announced in FIFO2: the server
 * reclaims the record after --ack-timeout, and the next client is served
 * (it would otherwise wait forever, or read the dead client's record).
 */
START_TEST(test_system_client_killed_before_ack)
{
    struct h_server srv;
    char tail[512], *out;

    h_server_start(&srv, h_tmpdir_path("run"),
                   (const char *[]){ "--ack-timeout", "300", NULL });
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-rc"), "--dir",
                     srv.dir, "--die-before-ack", "1", "1", "+", "1", NULL },
                     NULL, NULL, NULL, RUN_MS), 128 + SIGKILL);

    h_write_file(h_tmpdir_path("in"), "2 + 2\n3 * 3\n");
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-rc"), "--dir",
                     srv.dir, "--file", h_tmpdir_path("in"), NULL }, NULL,
                     h_tmpdir_path("out"), NULL, RUN_MS), 0);
    out = h_read_file(h_tmpdir_path("out"));
    ck_assert_str_eq(out, "2 + 2 = 4\n3 * 3 = 9\n");
    free(out);
    ck_assert_int_eq(h_server_stop(&srv, 10000, tail, sizeof(tail)), 0);
    ck_assert_msg(strstr(tail, "1 results undeliverable") != NULL,
                  "server summary: %s", tail);
}
END_TEST

/* Garbage in FIFO1 is dropped and counted; real clients are still served */
START_TEST(test_system_garbage_in_fifo1)
{
    struct h_server srv;
    struct ipc_record rec;
    char path[PATH_MAX + 16], tail[512], *out;
    unsigned char noise[300];
    int fd;

    h_server_start(&srv, h_tmpdir_path("run"), NULL);
    snprintf(path, sizeof(path), "%s/fifo1", srv.dir);
    fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    ck_assert_int_ne(fd, -1);

    srandom(7);
    for (size_t i = 0; i < sizeof(noise); i++)
        noise[i] = (unsigned char)random();
    ck_assert_int_eq(write(fd, noise, sizeof(noise)), sizeof(noise));
    ipc_rec_request(&rec, IPCLAB_OP_SUM, 1, 2, 1);
    ck_assert_int_eq(write(fd, &rec, 20), 20);      /* a short record */
    rec.magic ^= 1;                                 /* wrong magic */
    ck_assert_int_eq(write(fd, &rec, sizeof(rec)), sizeof(rec));
    ipc_rec_request(&rec, IPCLAB_OP_SUM, 1, 2, 1);
    rec.version = 99;                               /* wrong version */
    ipc_rec_seal(&rec);
    ck_assert_int_eq(write(fd, &rec, sizeof(rec)), sizeof(rec));
    ipc_rec_request(&rec, IPCLAB_OP_SUM, 1, 2, 1);
    rec.pid = -4;                                   /* wrong pid */
    ipc_rec_seal(&rec);
    ck_assert_int_eq(write(fd, &rec, sizeof(rec)), sizeof(rec));
    close(fd);

    h_write_file(h_tmpdir_path("in"), "40 + 2\n50 / 5\n");
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-rc"), "--dir",
                     srv.dir, "--file", h_tmpdir_path("in"), NULL }, NULL,
                     h_tmpdir_path("out"), NULL, RUN_MS), 0);
    out = h_read_file(h_tmpdir_path("out"));
    ck_assert_str_eq(out, "40 + 2 = 42\n50 / 5 = 10\n");
    free(out);
    ck_assert_int_eq(h_server_stop(&srv, 10000, tail, sizeof(tail)), 0);
    ck_assert_msg(strstr(tail, " 0 invalid records dropped") == NULL &&
                  strstr(tail, "invalid records dropped") != NULL,
                  "server summary: %s", tail);
}
END_TEST

/* An unknown operation in a valid record is answered, not dropped */
START_TEST(test_system_unknown_operation)
{
    struct h_server srv;
    int64_t value;

    h_server_start(&srv, h_tmpdir_path("run"), NULL);
    ck_assert_int_eq(raw_request(srv.dir, 9, 1, 2, &value), EINVAL);
    ck_assert_int_eq(raw_request(srv.dir, IPCLAB_OP_MUL, 6, 7, &value), 0);
    ck_assert_int_eq(value, 42);
    ck_assert_int_eq(h_server_stop(&srv, 10000, NULL, 0), 0);
}
END_TEST

/* ---- lifecycle ---------------------------------------------------------- */

START_TEST(test_system_rc_without_server)
{
    char *err;

    /* no directory at all */
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-rc"), "--dir",
                     h_tmpdir_path("none"), "1", "+", "1", NULL }, NULL,
                     NULL, h_tmpdir_path("err"), 10000), 1);
    err = h_read_file(h_tmpdir_path("err"));
    ck_assert_ptr_eq(strchr(err, '\n'), err + strlen(err) - 1);  /* 1 line */
    ck_assert_int_eq(h_count_lines(err, "no server running"), 1);
    free(err);

    /* a directory left behind, with a lock file nobody holds */
    ck_assert_int_eq(mkdir(h_tmpdir_path("stale"), 0700), 0);
    h_write_file(h_tmpdir_path("stale/server.lock"), "1 rt\n");
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-rc"), "--dir",
                     h_tmpdir_path("stale"), "1", "+", "1", NULL }, NULL,
                     NULL, h_tmpdir_path("err"), 10000), 1);
    err = h_read_file(h_tmpdir_path("err"));
    ck_assert_int_eq(h_count_lines(err, "no server running"), 1);
    free(err);
}
END_TEST

START_TEST(test_system_graceful_shutdown)
{
    struct h_server srv;
    pid_t workers[16];
    int n;
    char path[PATH_MAX + 16];

    h_server_start(&srv, h_tmpdir_path("run"), NULL);
    n = h_children(srv.pid, workers, 16);
    ck_assert_int_eq(n, IPCLAB_OP_COUNT);      /* the pool: one per op */
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-rc"), "--dir",
                     srv.dir, "--count", "200", "--random", "--window", "4",
                     "--quiet", NULL }, NULL, NULL, NULL, RUN_MS), 0);
    ck_assert_int_eq(h_server_stop(&srv, 10000, NULL, 0), 0);

    /* no FIFOs, no lock, no children left behind */
    for (int i = 1; i <= 4; i++) {
        snprintf(path, sizeof(path), "%s/fifo%d", srv.dir, i);
        ck_assert_int_eq(access(path, F_OK), -1);
    }
    snprintf(path, sizeof(path), "%s/server.lock", srv.dir);
    ck_assert_int_eq(access(path, F_OK), -1);
    for (int i = 0; i < n; i++)
        ck_assert_msg(!ipc_proc_alive(workers[i]), "worker %d left",
                      (int)workers[i]);
}
END_TEST

START_TEST(test_system_second_server_refused)
{
    struct h_server srv;
    char *err;

    h_server_start(&srv, h_tmpdir_path("run"), NULL);
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-server"),
                     "--dir", srv.dir, NULL }, NULL, NULL,
                     h_tmpdir_path("err"), 10000), 1);
    err = h_read_file(h_tmpdir_path("err"));
    ck_assert_int_eq(h_count_lines(err, "another server"), 1);
    free(err);
    ck_assert_int_eq(h_server_stop(&srv, 10000, NULL, 0), 0);
}
END_TEST

/* A server killed with SIGKILL leaves its FIFOs; the next one recovers */
START_TEST(test_system_stale_directory_recovered)
{
    struct h_server srv;
    pid_t workers[16];
    int n;
    char *out;

    h_server_start(&srv, h_tmpdir_path("run"), NULL);
    n = h_children(srv.pid, workers, 16);
    kill(srv.pid, SIGKILL);
    ck_assert_int_eq(h_wait(srv.pid, 10000), 128 + SIGKILL);
    close(srv.out_fd);

    /* orphaned workers notice their server is gone and exit */
    for (int i = 0; i < n; i++) {
        char text[256];

        ck_assert_msg(h_wait_gone(workers[i], 5000), "orphan worker %d: %s",
                      (int)workers[i],
                      h_proc_describe(workers[i], text, sizeof(text)));
    }

    h_server_start(&srv, h_tmpdir_path("run"), NULL);
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-rc"), "--dir",
                     srv.dir, "2", "+", "3", NULL }, NULL,
                     h_tmpdir_path("out"), NULL, RUN_MS), 0);
    out = h_read_file(h_tmpdir_path("out"));
    ck_assert_str_eq(out, "2 + 3 = 5\n");
    free(out);
    ck_assert_int_eq(h_server_stop(&srv, 10000, NULL, 0), 0);
}
END_TEST

START_TEST(test_system_unsafe_directory_refused)
{
    char *err;

    ck_assert_int_eq(mkdir(h_tmpdir_path("open"), 0700), 0);
    ck_assert_int_eq(chmod(h_tmpdir_path("open"), 0777), 0);
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-server"),
                     "--dir", h_tmpdir_path("open"), NULL }, NULL, NULL,
                     h_tmpdir_path("err"), 10000), 1);
    err = h_read_file(h_tmpdir_path("err"));
    ck_assert_int_eq(h_count_lines(err, "EACCES"), 1);
    free(err);

    ck_assert_int_eq(symlink(h_tmpdir(), h_tmpdir_path("link")), 0);
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-server"),
                     "--dir", h_tmpdir_path("link"), NULL }, NULL, NULL,
                     h_tmpdir_path("err"), 10000), 1);
    err = h_read_file(h_tmpdir_path("err"));
    ck_assert_int_eq(h_count_lines(err, "ELOOP"), 1);
    free(err);
}
END_TEST

/* ---- scheduling policy ------------------------------------------------- */

/* Wait up to 10 s for process pid to run under 'policy'; false if never */
static bool
policy_becomes(pid_t pid, int policy)
{
    int64_t deadline = ipc_deadline_ms(10000);

    while (sched_getscheduler(pid) != policy) {
        if (ipc_ms_until(deadline) == 0)
            return false;
        ipc_sleep_ms(5);
    }
    return true;
}

/*
 * The server and the rc set the policy that --sched names (the kernel's
 * default, normal, by default), and the processing clients inherit the
 * server's. Each half
 * starts from the other policy, so that nothing passes by inheritance
 * from this test process.
 */
static void
check_policies(const char *option, int start, int want)
{
    const struct sched_param prio0 = { .sched_priority = 0 };
    const char *extra[] = { "--sched", option, NULL };
    struct h_server srv;
    pid_t workers[16], rc;
    int64_t deadline;
    int n, in;

    ck_assert_int_eq(sched_setscheduler(0, start, &prio0), 0);
    h_server_start(&srv, h_tmpdir_path("run"), option ? extra : NULL);
    ck_assert_int_eq(sched_getscheduler(srv.pid), want);
    n = h_children(srv.pid, workers, 16);
    ck_assert_int_eq(n, IPCLAB_OP_COUNT);
    for (int i = 0; i < n; i++)
        ck_assert_int_eq(sched_getscheduler(workers[i]), want);

    /* an rc that waits for its input on a FIFO we hold open */
    ck_assert_int_eq(mkfifo(h_tmpdir_path("in"), 0600), 0);
    rc = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir", srv.dir,
                 "--file", "-", option ? "--sched" : NULL, option, NULL },
                 h_tmpdir_path("in"), h_tmpdir_path("out"), NULL);
    /* no reader yet: ENXIO (fifo(7)); never block on a child that died */
    deadline = ipc_deadline_ms(10000);
    while ((in = open(h_tmpdir_path("in"), O_WRONLY | O_NONBLOCK |
                      O_CLOEXEC)) == -1 && errno == ENXIO &&
           ipc_ms_until(deadline) > 0)
        ipc_sleep_ms(5);
    ck_assert_msg(in >= 0, "rc never opened its input: %s", strerror(errno));
    ck_assert_msg(policy_becomes(rc, want), "rc %s: policy %d, want %d",
                  option ? option : "(default)", sched_getscheduler(rc),
                  want);
    ck_assert_int_eq(write(in, "6 * 7\n", 6), 6);
    close(in);
    ck_assert_int_eq(h_wait(rc, RUN_MS), 0);
    ck_assert_int_eq(h_server_stop(&srv, 10000, NULL, 0), 0);
    ck_assert_int_eq(unlink(h_tmpdir_path("in")), 0);
}

#define SIGBIT(sig) (1ULL << ((sig) - 1))

/* Wait (bounded) until worker pid has set its signals up: it ignores
   SIGPIPE, which it sets last; then true when it ignores SIGINT */
static bool
ignores_sigint(pid_t pid)
{
    int64_t deadline = ipc_deadline_ms(10000);
    char path[64];

    snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
    for (;;) {
        char *comm = h_read_file(path);
        bool worker = comm != NULL && strcmp(comm, "ipclab-sum\n") == 0;
        unsigned long long ign;

        free(comm);
        if (worker &&
            ((ign = h_proc_status_mask(pid, "SigIgn:")) & SIGBIT(SIGPIPE)))
            return (ign & SIGBIT(SIGINT)) != 0;
        ck_assert_msg(ipc_ms_until(deadline) > 0, "worker never set up");
        sched_yield();
    }
}

/* A worker run by hand stops on Ctrl-C (SIGINT) as on SIGTERM: exit 0,
   nothing said, even when it came with SIGINT blocked or ignored (a
   background job). Only --by-server, the server's start, ignores SIGINT */
START_TEST(test_system_worker_sigint)
{
    const char *sum[] = { h_bin("ipclab-sum"), "--dir", NULL, NULL, NULL };
    const char *bg[] = { "/bin/bash", "-c", "trap '' INT; exec \"$@\"",
                         "sh", h_bin("ipclab-sum"), "--dir", NULL, NULL };
    struct h_server srv;
    sigset_t blocked;
    char *err;
    pid_t pid;

    ck_assert(signal(SIGINT, SIG_DFL) != SIG_ERR);
    h_server_start(&srv, h_tmpdir_path("run"), NULL);
    sum[2] = bg[6] = srv.dir;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGINT);
    for (int i = 0; i < 3; i++) {
        pid = i == 0 ? h_spawn(sum, NULL, NULL, h_tmpdir_path("err"))
            : i == 1 ? h_spawn_blocked(sum, NULL, NULL, h_tmpdir_path("err"),
                                       &blocked)
            : h_spawn(bg, NULL, NULL, h_tmpdir_path("err"));
        ck_assert_msg(!ignores_sigint(pid), "start %d ignores SIGINT", i);
        ck_assert_int_eq(kill(pid, SIGINT), 0);
        ck_assert_int_eq(h_wait(pid, 10000), 0);
        err = h_read_file(h_tmpdir_path("err"));
        ck_assert_str_eq(err, "");
        free(err);
    }

    sum[3] = "--by-server";
    pid = h_spawn_blocked(sum, NULL, NULL, NULL, &blocked);
    ck_assert(ignores_sigint(pid));
    ck_assert_int_eq(kill(pid, SIGTERM), 0);
    ck_assert_int_eq(h_wait(pid, 10000), 0);
    ck_assert_int_eq(h_server_stop(&srv, 10000, NULL, 0), 0);
}
END_TEST

/* A worker whose FIFOs are there but no server holds them (a crashed
   server's directory) says so in one line, as a client does */
START_TEST(test_system_worker_without_server)
{
    char *err;

    ck_assert_int_eq(mkdir(h_tmpdir_path("stale"), 0700), 0);
    ck_assert_int_eq(mkfifo(h_tmpdir_path("stale/fifo3"), 0600), 0);
    ck_assert_int_eq(mkfifo(h_tmpdir_path("stale/fifo4"), 0600), 0);
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-sum"), "--dir",
                     h_tmpdir_path("stale"), NULL }, NULL, NULL,
                     h_tmpdir_path("err"), 10000), 1);
    err = h_read_file(h_tmpdir_path("err"));
    ck_assert_ptr_eq(strchr(err, '\n'), err + strlen(err) - 1);  /* 1 line */
    ck_assert_int_eq(h_count_lines(err, "no server running"), 1);
    free(err);
}
END_TEST

START_TEST(test_system_sched_normal_by_default)
{
    check_policies(NULL, SCHED_BATCH, SCHED_OTHER);
}
END_TEST

START_TEST(test_system_sched_batch)
{
    check_policies("batch", SCHED_OTHER, SCHED_BATCH);
}
END_TEST

/* ---- command lines ------------------------------------------------------- */

static const char *const programs[] = {
    "ipclab-server", "ipclab-rc", "ipclab-sum", "ipclab-sub", "ipclab-mul",
    "ipclab-div",
};

START_TEST(test_system_help)
{
    const char *prog = programs[_i];
    char *out;

    ck_assert_int_eq(h_run((const char *[]){ h_bin(prog), "--help", NULL },
                     NULL, h_tmpdir_path("out"), NULL, 10000), 0);
    out = h_read_file(h_tmpdir_path("out"));
    ck_assert_msg(strncmp(out, "Usage: ", 7) == 0, "%s --help: %s", prog,
                  out);
    free(out);
}
END_TEST

START_TEST(test_system_usage_errors)
{
    static const char *const bad[][8] = {
        { "ipclab-rc", "--bogus", NULL },
        { "ipclab-rc", "1", "+", NULL },
        { "ipclab-rc", "--window", "0", "--file", "-", NULL },
        { "ipclab-rc", "--count", "10", NULL },
        { "ipclab-server", "--spawn", "sometimes", NULL },
        { "ipclab-server", "--ack-timeout", "12x", NULL },
        { "ipclab-server", "extra", NULL },
        { "ipclab-server", "--sched", "fifo", NULL },
        { "ipclab-rc", "--sched", "idle", "1", "+", "1", NULL },
        { "ipclab-sum", "--signals", NULL },
    };
    const char *const *argv = bad[_i];
    const char *args[10] = { h_bin(argv[0]) };
    char *err;

    for (int i = 1; argv[i] != NULL; i++)
        args[i] = argv[i];
    ck_assert_int_eq(h_run(args, NULL, NULL, h_tmpdir_path("err"), 10000),
                     2);
    err = h_read_file(h_tmpdir_path("err"));
    ck_assert_int_eq(h_count_lines(err, "--help"), 1);
    free(err);
}
END_TEST

Suite *
system_suite(void)
{
    Suite *s = suite_create("system");
    TCase *core = tcase_create("core");
    TCase *clients = tcase_create("clients");
    TCase *faults = tcase_create("faults");
    TCase *life = tcase_create("lifecycle");
    TCase *cli = tcase_create("cli");
    TCase *all[] = { core, clients, faults, life, cli };

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        tcase_add_unchecked_fixture(all[i], h_tmpdir_init,
                                    h_tmpdir_cleanup);
        tcase_set_timeout(all[i], 120);
        suite_add_tcase(s, all[i]);
    }
    tcase_add_test(core, test_system_single_expression);
    tcase_add_test(core, test_system_error_statuses);
    tcase_add_test(core, test_system_unknown_operation);
    tcase_add_test(clients, test_system_clients_pool_rt);
    tcase_add_test(clients, test_system_clients_rt_under_load);
    tcase_add_test(clients, test_system_clients_per_request);
    tcase_add_test(clients, test_system_clients_classic_low_load);
    tcase_add_test(clients, test_system_clients_per_request_classic);
    tcase_add_test(faults, test_system_worker_killed_mid_request);
    tcase_add_test(faults, test_system_client_killed_before_ack);
    tcase_add_test(faults, test_system_garbage_in_fifo1);
    tcase_add_test(life, test_system_rc_without_server);
    tcase_add_test(life, test_system_graceful_shutdown);
    tcase_add_test(life, test_system_second_server_refused);
    tcase_add_test(life, test_system_stale_directory_recovered);
    tcase_add_test(life, test_system_unsafe_directory_refused);
    tcase_add_test(life, test_system_worker_sigint);
    tcase_add_test(life, test_system_worker_without_server);
    tcase_add_test(life, test_system_sched_normal_by_default);
    tcase_add_test(life, test_system_sched_batch);
    tcase_add_loop_test(cli, test_system_help, 0,
                        sizeof(programs) / sizeof(programs[0]));
    tcase_add_loop_test(cli, test_system_usage_errors, 0, 10);
    return s;
}
