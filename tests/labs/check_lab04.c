/*
 * tests/labs/check_lab04.c - lab04-signal-sync, and what
 * labs/04-signal-sync/README.md says its trace shows.
 *
 * Besides the trace of 'all', two short recordings feed 'ipclab-trace
 * check': 'no-ack' must be caught (records read by the wrong readers),
 * 'ack protocol' must pass.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ipclab/sig.h"
#include "labs.h"

static const char *const experiments[] = {
    "shared-fifo", "no-ack", "ack", "lost-wakeup", "early-result",
    "async-safe", "rt-queue", "sigwaitinfo", "signalfd", "protocol", NULL,
};
static const struct lab_case lab = { "lab04-signal-sync", experiments };
static struct lt t, t_noack, t_good;

static void
record(void)
{
    h_tmpdir_init();
    lt_record(&t, "lab04", (const char *[]){ h_bin(lab.bin), "all", NULL });
}

static void
record_for_check(void)
{
    h_tmpdir_init();
    lt_record(&t_noack, "lab04", (const char *[]){ h_bin(lab.bin), "no-ack",
                                                    NULL });
    lt_record(&t_good, "lab04", (const char *[]){ h_bin(lab.bin), "ack",
                                                   "protocol", NULL });
}

static void
forget(void)
{
    lt_free(&t);
    lt_free(&t_noack);
    lt_free(&t_good);
    h_tmpdir_cleanup();
}

START_TEST(test_lab04_trace_every_experiment)
{
    lt_assert_all_ran(&t, "lab04", experiments);
}
END_TEST

/* both records read, each by the reader it was NOT addressed to */
START_TEST(test_lab04_trace_shared_fifo_wrong_reader)
{
    lt_require(&t);
    ck_assert_int_eq(lt_count(&t, "shared-fifo", "record_write fifo=2"), 2);
    ck_assert_int_eq(lt_count(&t, "shared-fifo",
                              "record_read fifo=2 pid!=@vpid"), 2);
    ck_assert_int_eq(lt_count(&t, "shared-fifo", "signal_send"), 0);
}
END_TEST

/* two records in FIFO2 at once, two readies, no ack, two wrong reads */
START_TEST(test_lab04_trace_no_ack_wrong_reader)
{
    int second;

    lt_require(&t);
    second = lt_find(&t, "no-ack", lt_find(&t, "no-ack", 0,
                     "record_write fifo=2") + 1, "record_write fifo=2");
    ck_assert_int_ge(second, 0);
    ck_assert_int_gt(lt_find(&t, "no-ack", 0, "record_read fifo=2"), second);
    ck_assert_int_eq(lt_count(&t, "no-ack", "signal_send what=ready"), 2);
    ck_assert_int_eq(lt_count(&t, "no-ack", "signal_send what=ack"), 0);
    ck_assert_int_eq(lt_count(&t, "no-ack", "record_read fifo=2 pid!=@vpid"),
                     2);
}
END_TEST

/* write, ready, read by its addressee, ack; only then the next write */
START_TEST(test_lab04_trace_ack_one_at_a_time)
{
    static const char *const role[2] = { "reader-a", "reader-b" };
    int at = 0;

    lt_require(&t);
    for (int k = 0; k < 2; k++) {
        long r = lt_pid_of(&t, "ack", role[k]);
        char f[96];

        snprintf(f, sizeof(f), "record_write fifo=2 pid=%ld", r);
        at = lt_find(&t, "ack", at, f);
        snprintf(f, sizeof(f), "signal_send what=ready peer_pid=%ld", r);
        at = at < 0 ? -1 : lt_find(&t, "ack", at, f);
        snprintf(f, sizeof(f), "record_read fifo=2 vpid=%ld pid=%ld", r, r);
        at = at < 0 ? -1 : lt_find(&t, "ack", at, f);
        snprintf(f, sizeof(f), "signal_consume what=ack vpid=%ld "
                 "peer_pid=%ld", t.root, r);
        at = at < 0 ? -1 : lt_find(&t, "ack", at, f);
        ck_assert_msg(at >= 0, "%s: a step of write, ready, read, ack is "
                      "missing or out of order", role[k]);
    }
    ck_assert_int_eq(lt_count(&t, "ack", "record_read pid!=@vpid"), 0);
}
END_TEST

/* [lab04:lost-wakeup] five SIGUSR1 sent, one consumed; rt: five and five */
START_TEST(test_lab04_trace_lost_wakeup)
{
    char f[64];

    lt_require(&t);
    snprintf(f, sizeof(f), "signal_send signo=%d", SIGUSR1);
    ck_assert_int_eq(lt_count(&t, "lost-wakeup", f), 5);
    snprintf(f, sizeof(f), "signal_consume signo=%d", SIGUSR1);
    ck_assert_int_eq(lt_count(&t, "lost-wakeup", f), 1);
    snprintf(f, sizeof(f), "signal_send signo=%d", SIGRTMIN + 2);
    ck_assert_int_eq(lt_count(&t, "lost-wakeup", f), 5);
    snprintf(f, sizeof(f), "signal_consume signo=%d", SIGRTMIN + 2);
    ck_assert_int_eq(lt_count(&t, "lost-wakeup", f), 5);
    ck_assert_int_eq(lt_count(&t, "lost-wakeup", "record_read fifo=2"), 6);
}
END_TEST

/* [lab04:early-result] the first client died of the signal, unconsumed */
START_TEST(test_lab04_trace_early_result)
{
    int first, second;
    long c1, c2;

    lt_require(&t);
    first = lt_find(&t, "early-result", 0, "proc_start role=client");
    second = lt_find(&t, "early-result", first + 1, "proc_start role=client");
    c1 = lt_int(&t, first, "vpid");
    c2 = lt_int(&t, second, "vpid");
    ck_assert_int_eq(lt_count_pid(&t, "early-result",
                                  "proc_reap child_pid=%ld status=0", c2),
                     1);
    ck_assert_int_eq(lt_count_pid(&t, "early-result",
                                  "signal_consume vpid=%ld", c1), 0);
    ck_assert_int_eq(lt_count_pid(&t, "early-result",
                                  "signal_consume vpid=%ld what=ready", c2),
                     1);
    ck_assert_int_eq(lt_count_pid(&t, "early-result",
                                  "record_read fifo=2 vpid=%ld", c2), 1);
    ck_assert_int_eq(lt_int(&t, lt_find(&t, "early-result", 0,
                            "proc_reap role=client"), "status"),
                     128 + SIGRTMIN + 2);
}
END_TEST

/* the flag's signal traced in normal context; EINTR; then the restart */
START_TEST(test_lab04_trace_async_safe)
{
    lt_require(&t);
    ck_assert_int_eq(lt_count_pid(&t, "async-safe", "signal_consume vpid=%ld",
                                  lt_pid_of(&t, "async-safe", "waiter")), 1);
    ck_assert_int_eq(lt_count(&t, "async-safe", "error what=read err=4"), 1);
    ck_assert_int_eq(lt_count(&t, "async-safe", "record_read fifo=0"), 1);
    ck_assert_int_eq(lt_count(&t, "async-safe", "signal_consume"), 3);
}
END_TEST

/* all six queued: 101..105 first (lower signal), then the other, 1 */
START_TEST(test_lab04_trace_rt_queue)
{
    static const long values[] = { 101, 102, 103, 104, 105, 1 };
    char f[64];
    int i = 0;

    lt_require(&t);
    snprintf(f, sizeof(f), "signal_consume vpid=%ld",
             lt_pid_of(&t, "rt-queue", "receiver"));
    for (int k = 0; k < 6; k++) {
        i = lt_find(&t, "rt-queue", i, f);
        ck_assert_int_ge(i, 0);
        ck_assert_int_eq(lt_int(&t, i, "value"), values[k]);
        ck_assert_int_eq(lt_int(&t, i, "signo"),
                         SIGRTMIN + (k < 5 ? 2 : 3));
        i++;
    }
    ck_assert_int_eq(lt_find(&t, "rt-queue", i, f), -1);
}
END_TEST

START_TEST(test_lab04_trace_sigwaitinfo)
{
    long w, intruder;

    lt_require(&t);
    w = lt_pid_of(&t, "sigwaitinfo", "waiter");
    intruder = lt_pid_of(&t, "sigwaitinfo", "intruder");
    ck_assert_int_eq(lt_int(&t, lt_find(&t, "sigwaitinfo", 0,
                            "signal_ignore reason=unexpected_sender"),
                            "peer_pid"), intruder);
    ck_assert_int_eq(lt_count_pid(&t, "sigwaitinfo",
                                  "signal_consume vpid=%ld value=7", w),
                     1);
    ck_assert_int_eq(lt_count_pid(&t, "sigwaitinfo", "signal_send vpid=%ld",
                                  intruder), 1);
}
END_TEST

START_TEST(test_lab04_trace_signalfd)
{
    long p;

    lt_require(&t);
    p = lt_pid_of(&t, "signalfd", "poller");
    ck_assert_int_eq(lt_count_pid(&t, "signalfd", "signal_consume vpid=%ld",
                                  p), 3);
    ck_assert_int_eq(lt_count_pid(&t, "signalfd",
                                  "record_read fifo=0 vpid=%ld", p), 3);
}
END_TEST

/* three real clients: 12 results, each read by its own client; 24 acks */
START_TEST(test_lab04_trace_protocol)
{
    long srv;

    lt_require(&t);
    srv = lt_pid_of(&t, "protocol", "server");
    ck_assert_int_eq(lt_count(&t, "protocol", "proc_start role=rc"), 3);
    ck_assert_int_eq(lt_count(&t, "protocol", "record_read fifo=2 "
                              "pid=@vpid"), 12);
    ck_assert_int_eq(lt_count(&t, "protocol", "record_read pid!=@vpid "
                              "fifo=2"), 0);
    ck_assert_int_eq(lt_count_pid(&t, "protocol",
                                  "signal_consume what=ack vpid=%ld", srv),
                     24);
    /* released together: their records wait for each other's acks */
    if (lt_have_check_tool())
        lt_assert_clients_meet(&t, "protocol");
}
END_TEST

/* ipclab-trace check catches the wrong readers of 'no-ack' */
START_TEST(test_lab04_check_catches_no_ack)
{
    char *out;
    int status;

    if (!lt_have_check_tool())
        return;                 /* ipclab-trace is not built here */
    lt_require(&t_noack);
    status = lt_check(&t_noack, 0, &out);
    ck_assert_msg(status == 1, "check exit %d:\n%s", status, out);
    ck_assert_int_eq(h_count_lines(out, "but it was addressed to"), 2);
    free(out);
}
END_TEST

/* ... and passes 'ack' and the reference system ('protocol') */
START_TEST(test_lab04_check_passes_ack_and_protocol)
{
    char *out;
    int status;

    if (!lt_have_check_tool())
        return;
    lt_require(&t_good);
    status = lt_check(&t_good, 0, &out);
    ck_assert_msg(status == 0, "check exit %d:\n%s", status, out);
    free(out);
}
END_TEST

/*
 * docs/instructor.md, "Answer key: lab 04 questions": the claims the trace
 * can show. Q2's order (B's record only after A's ack) is
 * test_lab04_trace_ack_one_at_a_time, Q3's counts
 * test_lab04_trace_lost_wakeup, Q6's order test_lab04_trace_rt_queue, Q7's
 * "never two" test_lab04_check_passes_ack_and_protocol.
 */
START_TEST(test_lab04_answer_key_holds)
{
    struct ipc_sigs rt;
    char f[96];
    long a, b, c1;
    int read_b, first_ready, reap;

    lt_require(&t);
    /* Q1: B read A's record, written before any ready was sent */
    a = lt_pid_of(&t, "no-ack", "reader-a");
    b = lt_pid_of(&t, "no-ack", "reader-b");
    snprintf(f, sizeof(f), "record_read fifo=2 vpid=%ld pid=%ld", b, a);
    read_b = lt_find(&t, "no-ack", 0, f);
    ck_assert_int_ge(read_b, 0);
    snprintf(f, sizeof(f), "record_write fifo=2 pid=%ld", a);
    first_ready = lt_find(&t, "no-ack", 0, "signal_send what=ready");
    ck_assert_int_ge(first_ready, 0);
    ck_assert_int_lt(lt_find(&t, "no-ack", 0, f), first_ready);

    /* Q4: status 164 is 128 + the ready signal the client was sent */
    reap = lt_find(&t, "early-result", 0, "proc_reap role=client");
    c1 = lt_int(&t, reap, "child_pid");
    snprintf(f, sizeof(f), "signal_send what=ready peer_pid=%ld", c1);
    ck_assert_int_eq(lt_int(&t, reap, "status") - 128,
                     lt_int(&t, lt_find(&t, "early-result", 0, f), "signo"));

    /* Q6: revoke is the lowest of the kit's real-time signals */
    ipc_sigs_init(&rt, IPCLAB_SIG_RT);
    ck_assert_int_lt(rt.revoke, rt.ready);
    ck_assert_int_lt(rt.revoke, rt.ack);
}
END_TEST

/* seq cuts the whole lab into its experiments: a titled rule for each
   one the lab ran, in the order it ran them */
START_TEST(test_lab04_seq_titles_experiments)
{
    const char *out = h_tmpdir_path("seq.out");
    const char *at;
    char *text, title[96];

    if (!lt_have_check_tool())
        h_skip("ipclab-trace is not built: seq not checked");
    lt_require(&t);
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-trace"), "seq",
                                             t.dir, NULL },
                           NULL, out, NULL, 60000), 0);
    text = h_read_file(out);
    at = text;
    ck_assert_int_gt(t.nexp, 1);
    for (int e = 0; e < t.nexp; e++) {
        snprintf(title, sizeof(title), "  experiment '%s'\n", t.exps[e]);
        ck_assert_msg(strstr(at, title) != NULL, "no '%s' after the "
                      "previous experiment's", t.exps[e]);
        at = strstr(at, title) + strlen(title);
    }
    free(text);
}
END_TEST

Suite *
lab04_suite(void)
{
    Suite *s = suite_create("lab04");
    TCase *tc = tcase_create("trace");

    lt_add_common_cases(s, &lab);
    tcase_add_unchecked_fixture(tc, record, forget);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_lab04_trace_every_experiment);
    tcase_add_test(tc, test_lab04_trace_shared_fifo_wrong_reader);
    tcase_add_test(tc, test_lab04_trace_no_ack_wrong_reader);
    tcase_add_test(tc, test_lab04_trace_ack_one_at_a_time);
    tcase_add_test(tc, test_lab04_trace_lost_wakeup);
    tcase_add_test(tc, test_lab04_trace_early_result);
    tcase_add_test(tc, test_lab04_trace_async_safe);
    tcase_add_test(tc, test_lab04_trace_rt_queue);
    tcase_add_test(tc, test_lab04_trace_sigwaitinfo);
    tcase_add_test(tc, test_lab04_trace_signalfd);
    tcase_add_test(tc, test_lab04_trace_protocol);
    tcase_add_test(tc, test_lab04_answer_key_holds);
    tcase_add_test(tc, test_lab04_seq_titles_experiments);
    suite_add_tcase(s, tc);

    tc = tcase_create("check");
    tcase_add_unchecked_fixture(tc, record_for_check, forget);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_lab04_check_catches_no_ack);
    tcase_add_test(tc, test_lab04_check_passes_ack_and_protocol);
    suite_add_tcase(s, tc);
    return s;
}
