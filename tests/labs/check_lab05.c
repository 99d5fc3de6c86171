/*
 * tests/labs/check_lab05.c - lab05-reference-system, and what
 * labs/05-reference-system/README.md says its trace shows.
 *
 * 'ipclab-trace check --server PID' must pass on the runs that follow the
 * protocol to the letter: run, per-request, load.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "labs.h"

static const char *const experiments[] = {
    "run", "per-request", "classic", "dead-client", "load", NULL,
};
static const struct lab_case lab = { "lab05-reference-system", experiments };
static struct lt t;

static void
record(void)
{
    h_tmpdir_init();
    lt_record(&t, "lab05", (const char *[]){ h_bin(lab.bin), "all", NULL });
}

static void
forget(void)
{
    lt_free(&t);
    h_tmpdir_cleanup();
}

/* ipclab-trace check --server: the protocol held, when the tool exists */
static void
assert_check_passes(const char *exp)
{
    char *out;
    int status;

    if (!lt_have_check_tool())
        return;
    status = lt_check(&t, lt_pid_of(&t, exp, "server"), &out);
    ck_assert_msg(status == 0, "%s: ipclab-trace check exit %d:\n%s", exp,
                  status, out);
    free(out);
}

START_TEST(test_lab05_trace_every_experiment)
{
    lt_assert_all_ran(&t, "lab05", experiments);
}
END_TEST

/* four workers, four clients, twelve results each read by its client */
START_TEST(test_lab05_trace_run)
{
    lt_require(&t);
    ck_assert_int_eq(lt_count_pid(&t, "run", "proc_spawn vpid=%ld",
                                  lt_pid_of(&t, "run", "server")), 4);
    ck_assert_int_eq(lt_count(&t, "run", "proc_start role=rc"), 4);
    ck_assert_int_eq(lt_count(&t, "run", "record_write fifo=1"), 12);
    ck_assert_int_eq(lt_count(&t, "run", "record_read fifo=2 pid=@vpid"), 12);
    ck_assert_int_eq(lt_count(&t, "run", "record_read fifo=2 pid!=@vpid"), 0);
    assert_check_passes("run");
    /* released together: Q2 has an answer */
    if (lt_have_check_tool())
        lt_assert_clients_meet(&t, "run");
}
END_TEST

/* one worker process per request */
START_TEST(test_lab05_trace_per_request)
{
    long srv;

    lt_require(&t);
    srv = lt_pid_of(&t, "per-request", "server");
    ck_assert_int_eq(lt_count_pid(&t, "per-request", "proc_spawn vpid=%ld",
                                  srv), 12);
    ck_assert_int_eq(lt_count_pid(&t, "per-request", "proc_start ppid=%ld",
                                  srv), 12);
    ck_assert_int_eq(lt_count(&t, "per-request",
                              "record_read fifo=2 pid=@vpid"), 12);
    assert_check_passes("per-request");
}
END_TEST

/* SIGUSR1/SIGUSR2, every answer right; lost acks are allowed, not
   counted as delivered */
START_TEST(test_lab05_trace_classic)
{
    char f[96];
    long srv;

    lt_require(&t);
    srv = lt_pid_of(&t, "classic", "server");
    snprintf(f, sizeof(f), "signal_send what=ack signo=%d", SIGUSR2);
    ck_assert_int_eq(lt_count(&t, "classic", f), 24);
    snprintf(f, sizeof(f), "signal_consume what=ack signo=%d vpid=%ld",
             SIGUSR2, srv);
    ck_assert_int_le(lt_count(&t, "classic", f), 24);
    ck_assert_int_eq(lt_count(&t, "classic", "record_read fifo=2 pid=@vpid"),
                     12);
    ck_assert_int_eq(lt_count(&t, "classic", "record_read pid!=@vpid fifo=2"),
                     0);
}
END_TEST

/* rc4 died by SIGKILL; its result was reclaimed after the ack timeout;
   rc1 and rc2 read their six */
START_TEST(test_lab05_trace_dead_client)
{
    lt_require(&t);
    ck_assert_int_eq(lt_count_pid(&t, "dead-client",
                                  "proc_reap vpid=%ld role=rc status=137",
                                  t.root), 1);
    ck_assert_int_ge(lt_count(&t, "dead-client",
                              "reclaim fifo=2 reason=ack_timeout"), 1);
    ck_assert_int_eq(lt_count(&t, "dead-client",
                              "record_read fifo=2 pid=@vpid"), 6);
}
END_TEST

START_TEST(test_lab05_trace_load)
{
    lt_require(&t);
    ck_assert_int_eq(lt_count(&t, "load", "record_write fifo=1"), 200);
    ck_assert_int_eq(lt_count(&t, "load", "record_read fifo=2 pid=@vpid"),
                     200);
    assert_check_passes("load");
}
END_TEST

Suite *
lab05_suite(void)
{
    Suite *s = suite_create("lab05");
    TCase *tc = tcase_create("trace");

    lt_add_common_cases(s, &lab);
    tcase_add_unchecked_fixture(tc, record, forget);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_lab05_trace_every_experiment);
    tcase_add_test(tc, test_lab05_trace_run);
    tcase_add_test(tc, test_lab05_trace_per_request);
    tcase_add_test(tc, test_lab05_trace_classic);
    tcase_add_test(tc, test_lab05_trace_dead_client);
    tcase_add_test(tc, test_lab05_trace_load);
    suite_add_tcase(s, tc);
    return s;
}
