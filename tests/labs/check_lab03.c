/*
 * tests/labs/check_lab03.c - lab03-worker-processing, and what
 * labs/03-worker-processing/README.md says its trace shows.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ipclab/calc.h"
#include "labs.h"

static const char *const experiments[] = {
    "worker", "errors", "pool", "fork-exec", "crash", NULL,
};
static const struct lab_case lab = { "lab03-worker-processing", experiments };
static struct lt t;

static void
record(void)
{
    h_tmpdir_init();
    lt_record(&t, "lab03", (const char *[]){ h_bin(lab.bin), "all", NULL });
}

static void
forget(void)
{
    lt_free(&t);
    h_tmpdir_cleanup();
}

START_TEST(test_lab03_trace_every_experiment)
{
    lt_assert_all_ran(&t, "lab03", experiments);
}
END_TEST

/* request in, result out, four times, all status 0 */
START_TEST(test_lab03_trace_worker_loop)
{
    long w;

    lt_require(&t);
    w = lt_pid_of(&t, "worker", "worker");
    ck_assert_int_eq(lt_count_pid(&t, "worker", "record_write fifo=0 vpid=%ld",
                                  t.root), 4);
    ck_assert_int_eq(lt_count_pid(&t, "worker", "record_read fifo=0 vpid=%ld",
                                  w), 4);
    ck_assert_int_eq(lt_count_pid(&t, "worker",
                                  "record_write fifo=4 vpid=%ld status=0",
                                  w), 4);
    ck_assert_int_eq(lt_count_pid(&t, "worker", "record_read fifo=4 vpid=%ld",
                                  t.root), 4);
}
END_TEST

/* the statuses travel in the results: EDOM once, ERANGE four times... */
START_TEST(test_lab03_trace_error_statuses)
{
    char filter[64];

    lt_require(&t);
    snprintf(filter, sizeof(filter), "record_write fifo=4 status=%d", EDOM);
    ck_assert_int_eq(lt_count(&t, "errors", filter), 1);
    snprintf(filter, sizeof(filter), "record_write fifo=4 status=%d", ERANGE);
    ck_assert_int_eq(lt_count(&t, "errors", filter), 4);
    snprintf(filter, sizeof(filter), "record_write fifo=4 status=%d", EINVAL);
    ck_assert_int_eq(lt_count(&t, "errors", filter), 1);
    ck_assert_int_eq(lt_count(&t, "errors", "proc_reap role=worker status=0"),
                     1);
#if defined(__x86_64__) || defined(__i386__)
    snprintf(filter, sizeof(filter), "proc_reap role=naive status=%d",
             128 + SIGFPE);
    ck_assert_int_eq(lt_count(&t, "errors", filter), 1);
#endif
}
END_TEST

/* pool: 4 workers for 50 requests */
START_TEST(test_lab03_trace_pool)
{
    long srv;

    lt_require(&t);
    srv = lt_pid_of(&t, "pool", "server");
    ck_assert_int_eq(lt_count_pid(&t, "pool", "proc_spawn vpid=%ld", srv), 4);
    ck_assert_int_eq(lt_count_pid(&t, "pool", "route vpid=%ld", srv), 50);
    ck_assert_int_eq(lt_count(&t, "pool", "record_read fifo=2 pid=@vpid"),
                     50);
}
END_TEST

/* per-request: 50 workers, one for each request, each its own process */
START_TEST(test_lab03_trace_fork_exec)
{
    long srv;

    lt_require(&t);
    srv = lt_pid_of(&t, "fork-exec", "server");
    ck_assert_int_eq(lt_count_pid(&t, "fork-exec", "proc_spawn vpid=%ld", srv),
                     50);
    ck_assert_int_eq(lt_count_pid(&t, "fork-exec", "proc_start ppid=%ld", srv),
                     50);
    ck_assert_int_eq(lt_count_pid(&t, "fork-exec", "route vpid=%ld", srv),
                     50);
    ck_assert_int_eq(lt_count(&t, "fork-exec",
                              "record_read fifo=2 pid=@vpid"), 50);
}
END_TEST

/* the worker killed itself (137); EIO went to the client; a new sum came */
START_TEST(test_lab03_trace_crash)
{
    long srv;

    lt_require(&t);
    srv = lt_pid_of(&t, "crash", "server");
    ck_assert_int_eq(lt_count_pid(&t, "crash", "proc_reap vpid=%ld status=137",
                                  srv), 1);
    ck_assert_int_eq(lt_count(&t, "crash", "error what~=worker err=137"), 1);
    ck_assert_int_eq(lt_count_pid(&t, "crash",
                                  "record_write fifo=2 vpid=%ld status=5",
                                  srv), 1);
    ck_assert_int_eq(lt_count_pid(&t, "crash",
                                  "record_write fifo=2 vpid=%ld status=0",
                                  srv), 2);
    ck_assert_int_eq(lt_count_pid(&t, "crash", "proc_spawn vpid=%ld role=sum",
                                  srv), 2);
}
END_TEST

/*
 * docs/instructor.md, "Answer key: lab 03 questions": the claims the trace
 * can show. Q1's statuses are test_lab03_trace_error_statuses.
 */
START_TEST(test_lab03_answer_key_holds)
{
    static const char *const spawning[] = { "pool", "fork-exec" };
    char want[96], f[96];
    long srv, dead;
    int reap, ack;

    lt_require(&t);
    /* Q1: ipclab-rc words a status with ipc_status_text() */
    snprintf(want, sizeof(want), "2 + 2: %s", ipc_status_text(EIO));
    ck_assert_msg(strstr(t.out, want) != NULL, "no '%s' in:\n%s", want,
                  t.out);

    /* Q4: the server reaps every child it spawned, pool or not */
    for (int k = 0; k < 2; k++) {
        srv = lt_pid_of(&t, spawning[k], "server");
        ck_assert_int_eq(lt_count_pid(&t, spawning[k], "proc_reap vpid=%ld",
                                      srv),
                         lt_count_pid(&t, spawning[k], "proc_spawn vpid=%ld",
                                      srv));
    }

    /* Q5: the dead worker sent its ack before it died, and the server
       took nothing back from FIFO3 (a reclaim there only says it stopped
       waiting for an ack: read_unacked) */
    srv = lt_pid_of(&t, "crash", "server");
    reap = lt_find(&t, "crash", 0, "proc_reap status=137");
    ck_assert_int_ge(reap, 0);
    dead = lt_int(&t, reap, "child_pid");
    snprintf(f, sizeof(f), "signal_send vpid=%ld what=ack peer_pid=%ld",
             dead, srv);
    ack = lt_find(&t, "crash", 0, f);
    ck_assert_msg(ack >= 0 && ack < reap, "ack %d, reap %d", ack, reap);
    ck_assert_int_eq(lt_count(&t, "crash", "reclaim reason!=read_unacked"),
                     0);

    /* Q3: with a worker started per request, its FIFO3 read waits for it
       to start: that hop's median grows */
    if (lt_have_check_tool())
        ck_assert_double_gt(
            lt_hop_median(&t, lt_pid_of(&t, "fork-exec", "server"),
                          "FIFO3 write -> worker read"),
            lt_hop_median(&t, lt_pid_of(&t, "pool", "server"),
                          "FIFO3 write -> worker read"));
}
END_TEST

Suite *
lab03_suite(void)
{
    Suite *s = suite_create("lab03");
    TCase *tc = tcase_create("trace");

    lt_add_common_cases(s, &lab);
    tcase_add_unchecked_fixture(tc, record, forget);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_lab03_trace_every_experiment);
    tcase_add_test(tc, test_lab03_trace_worker_loop);
    tcase_add_test(tc, test_lab03_trace_error_statuses);
    tcase_add_test(tc, test_lab03_trace_pool);
    tcase_add_test(tc, test_lab03_trace_fork_exec);
    tcase_add_test(tc, test_lab03_trace_crash);
    tcase_add_test(tc, test_lab03_answer_key_holds);
    suite_add_tcase(s, tc);
    return s;
}
