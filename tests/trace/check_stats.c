/*
 * tests/trace/check_stats.c - 'ipclab-trace stats': counts that match the
 * workload (12 requests) and a latency row for every hop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "suites.h"

static const enum tt_id traces[] = { TT_DEFAULT, TT_PER_REQUEST,
                                     TT_CLASSIC };

/* The count column of the line starting with 'name' (after blanks) */
static int
count_of(const char *out, const char *name)
{
    const char *p = out;
    int n = -1;

    while ((p = strstr(p, name)) != NULL) {
        if (p > out && p[-1] == ' ' && p[-2] == ' ') {
            sscanf(p + strlen(name), "%d", &n);
            return n;
        }
        p++;
    }
    ck_abort_msg("no line '%s' in:\n%s", name, out);
    return n;
}

START_TEST(test_stats_counts_requests)
{
    static const char *const hops[] = {
        "FIFO1 write -> server read", "FIFO3 write -> worker read",
        "FIFO4 write -> server read", "FIFO2 write -> client read",
        "dispatch (route) -> FIFO4 read",
        "end to end: FIFO1 write -> FIFO2 read",
    };
    char server[16], want[96];
    struct tt_run r;
    int acks;

    snprintf(server, sizeof(server), "%d", tt_server(traces[_i]));
    tt_trace(&r, "stats", "--server", server, tt_dir(traces[_i]), NULL);
    ck_assert_msg(r.status == 0, "stats: exit %d: %s", r.status, r.err);
    snprintf(want, sizeof(want), "\nrequests: %d sent, %d answered, 0 "
             "dropped, 0 unanswered\n", TT_REQUESTS, TT_REQUESTS);
    ck_assert_msg(strstr(r.out, want) != NULL, "%s", r.out);
    for (size_t i = 0; i < sizeof(hops) / sizeof(hops[0]); i++)
        ck_assert_int_eq(count_of(r.out, hops[i]), TT_REQUESTS);
    /* every request: 4 records, each written and read; 2 readies */
    ck_assert_int_eq(count_of(r.out, "record_write"), 4 * TT_REQUESTS);
    ck_assert_int_eq(count_of(r.out, "record_read"), 4 * TT_REQUESTS);
    ck_assert_int_eq(count_of(r.out, "route"), TT_REQUESTS);
    ck_assert_int_eq(count_of(r.out, "  ready"), 2 * TT_REQUESTS);
    acks = count_of(r.out, "  ack");
    if (traces[_i] == TT_CLASSIC) {
        /* two acks sent to the server close together may merge into one
           pending SIGUSR2 (lab 04): only the one taken has a consume */
        ck_assert_int_ge(acks, 1);
        ck_assert_int_le(acks, 2 * TT_REQUESTS);
    } else {
        ck_assert_int_eq(acks, 2 * TT_REQUESTS);
    }
    ck_assert_int_ge(count_of(r.out, "signal send -> consume"),
                     2 * TT_REQUESTS + acks);
    tt_run_free(&r);
}
END_TEST

/* A request of lab 04's FIFO1 as a key */
static long long
key_of(const char *line)
{
    const char *p = strstr(line, ", pid = "), *q = strstr(line, ", seq = ");

    ck_assert_msg(p != NULL && q != NULL, "no pid, seq: %s", line);
    return atoll(p + 8) * 1000000 + atoll(q + 8);
}

/*
 * Lab 04 writes results into FIFO2 with no request behind them (its
 * early-result and no-ack experiments): answered counts only requests
 * written into FIFO1 whose result their client read from FIFO2, as the
 * lab's raw events (babeltrace2) say.
 */
START_TEST(test_stats_counts_lab_requests)
{
    long long sent[256];
    int n, nsent = 0, answered = 0;
    struct tt_run raw, r;
    char **lines = tt_lab_events(TT_LAB04, &raw, &n), want[96];

    for (int i = 0; i < n; i++) {
        long long k;
        int dup = 0;

        if (strstr(lines[i], "ipclab:record_write:") == NULL ||
            strstr(lines[i], "{ fifo = 1,") == NULL)
            continue;
        k = key_of(lines[i]);
        for (int j = 0; j < nsent; j++)
            dup |= sent[j] == k;
        if (!dup && nsent < 256)
            sent[nsent++] = k;
    }
    for (int j = 0; j < nsent; j++) {
        int got = 0;

        for (int i = 0; i < n && !got; i++) {
            const char *v = strstr(lines[i], "{ vpid = ");

            got = strstr(lines[i], "ipclab:record_read:") != NULL &&
                  strstr(lines[i], "{ fifo = 2,") != NULL &&
                  key_of(lines[i]) == sent[j] &&
                  v != NULL && atoll(v + 9) == sent[j] / 1000000;
        }
        answered += got;
    }
    ck_assert_int_gt(nsent, answered);  /* early-result: never answered */
    tt_trace(&r, "stats", tt_dir(TT_LAB04), NULL);
    ck_assert_msg(r.status == 0, "stats: exit %d: %s", r.status, r.err);
    snprintf(want, sizeof(want), "\nrequests: %d sent, %d answered, 0 "
             "dropped, %d unanswered", nsent, answered, nsent - answered);
    ck_assert_msg(strstr(r.out, want) != NULL, "want%s in:\n%s", want,
                  r.out);
    free(lines);
    tt_run_free(&r);
    tt_run_free(&raw);
}
END_TEST

/* drop.sh: eight requests whose ends the server traced as record_drop
   (their client killed) are dropped, as check says, not unanswered */
START_TEST(test_stats_counts_traced_drops)
{
    struct tt_run r;
    int sent, answered, dropped, unanswered, n;
    const char *p;

    tt_trace(&r, "stats", tt_dir(TT_DROP), NULL);
    ck_assert_msg(r.status == 0, "stats: exit %d: %s", r.status, r.err);
    p = strstr(r.out, "\nrequests: ");
    ck_assert_msg(p != NULL, "%s", r.out);
    n = sscanf(p, "\nrequests: %d sent, %d answered, %d dropped (stale %*d)"
               ", %d unanswered", &sent, &answered, &dropped, &unanswered);
    ck_assert_msg(n == 4, "%s", r.out);
    ck_assert_int_eq(sent, 8);
    ck_assert_int_eq(answered, 0);
    ck_assert_int_eq(dropped, 8);
    ck_assert_int_eq(unanswered, 0);
    tt_run_free(&r);
}
END_TEST

/* The number before 'what' on the line that has it, or -1 */
static int
number_before(const char *out, const char *what)
{
    const char *p = strstr(out, what);

    ck_assert_msg(p != NULL, "no '%s' in:\n%s", what, out);
    while (p > out && p[-1] == ' ')
        p--;
    while (p > out && p[-1] >= '0' && p[-1] <= '9')
        p--;
    return atoi(p);
}

/*
 * "never delivered" counts exactly the messages seq marks as failed: a
 * SIGCHLD merged into another child's, whose child was reaped anyway, is
 * neither (lab 05's server reaps every exited child in its waitpid loop).
 */
START_TEST(test_stats_counts_failures_as_seq_marks_them)
{
    static const char *const failed[] = { " never read", " never taken",
                                          " LOST: merged", " reclaimed (",
                                          " write failed" };
    struct tt_run r;
    int n = 0;

    tt_trace(&r, "seq", "--width", "400", tt_dir(TT_LAB05), NULL);
    ck_assert_msg(r.status == 0, "seq: exit %d: %s", r.status, r.err);
    for (size_t i = 0; i < sizeof(failed) / sizeof(failed[0]); i++)
        n += tt_count_lines(r.out, failed[i]);
    tt_run_free(&r);
    tt_trace(&r, "stats", tt_dir(TT_LAB05), NULL);
    ck_assert_msg(r.status == 0, "stats: exit %d: %s", r.status, r.err);
    ck_assert_int_eq(number_before(r.out, " never delivered"), n);
    tt_run_free(&r);
}
END_TEST

Suite *
stats_suite(void)
{
    Suite *s = suite_create("stats");
    TCase *core = tcase_create("core");

    tcase_add_unchecked_fixture(core, tt_need_default, NULL);
    tcase_add_unchecked_fixture(core, tt_need_modes, NULL);
    tcase_add_loop_test(core, test_stats_counts_requests, 0,
                        sizeof(traces) / sizeof(traces[0]));
    tcase_add_unchecked_fixture(core, tt_need_lab04, NULL);
    tcase_add_test(core, test_stats_counts_lab_requests);
    tcase_add_unchecked_fixture(core, tt_need_lab05, NULL);
    tcase_add_test(core, test_stats_counts_failures_as_seq_marks_them);
    tcase_add_unchecked_fixture(core, tt_need_drop, NULL);
    tcase_add_test(core, test_stats_counts_traced_drops);
    tcase_set_timeout(core, 30);
    suite_add_tcase(s, core);
    return s;
}
