/*
 * tests/labs/check_lab02.c - lab02-request-routing, and what
 * labs/02-request-routing/README.md says its trace shows.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "labs.h"

static const char *const experiments[] = {
    "many-writers", "text-lines", "fixed-records", "routing", NULL,
};
static const struct lab_case lab = { "lab02-request-routing", experiments };
static struct lt t;

static void
record(void)
{
    h_tmpdir_init();
    lt_record(&t, "lab02", (const char *[]){ h_bin(lab.bin), "all", NULL });
}

static void
forget(void)
{
    lt_free(&t);
    h_tmpdir_cleanup();
}

START_TEST(test_lab02_trace_every_experiment)
{
    lt_assert_all_ran(&t, "lab02", experiments);
}
END_TEST

/* 4 x 25 requests through FIFO1, all read, none dropped; each client's in
   its own order */
START_TEST(test_lab02_trace_many_writers)
{
    char filter[64];
    long last_seq[8][2] = { { 0 } };    /* pid, seq */
    int clients = 0;

    lt_require(&t);
    for (int i = lt_find(&t, "many-writers", 0, "proc_start role=client");
         i >= 0; i = lt_find(&t, "many-writers", i + 1,
                             "proc_start role=client")) {
        snprintf(filter, sizeof(filter), "record_write fifo=1 vpid=%ld",
                 lt_int(&t, i, "vpid"));
        ck_assert_int_eq(lt_count(&t, "many-writers", filter), 25);
        ck_assert_int_lt(clients, 8);
        last_seq[clients++][0] = lt_int(&t, i, "vpid");
    }
    ck_assert_int_eq(clients, 4);
    snprintf(filter, sizeof(filter), "record_read fifo=1 vpid=%ld", t.root);
    ck_assert_int_eq(lt_count(&t, "many-writers", filter), 100);
    ck_assert_int_eq(lt_count(&t, "many-writers", "record_drop"), 0);
    for (int i = lt_find(&t, "many-writers", 0, filter); i >= 0;
         i = lt_find(&t, "many-writers", i + 1, filter)) {
        int k = 0;

        while (k < clients && last_seq[k][0] != lt_int(&t, i, "pid"))
            k++;
        ck_assert_int_lt(k, clients);
        ck_assert_int_eq(lt_int(&t, i, "seq"), last_seq[k][1] + 1);
        last_seq[k][1]++;
    }
}
END_TEST

/* 5 messages sent as text; 3 read whole, 2 garbled lines dropped */
START_TEST(test_lab02_trace_text_lines)
{
    char filter[64];

    lt_require(&t);
    ck_assert_int_eq(lt_count(&t, "text-lines", "proc_start role=typist"), 2);
    snprintf(filter, sizeof(filter), "record_write fifo=0 vpid!=%ld",
             t.root);
    ck_assert_int_eq(lt_count(&t, "text-lines", filter), 5);
    snprintf(filter, sizeof(filter), "record_read fifo=0 vpid=%ld", t.root);
    ck_assert_int_eq(lt_count(&t, "text-lines", filter), 3);
    ck_assert_int_eq(lt_count(&t, "text-lines",
                              "record_drop reason=bad_magic"), 2);
}
END_TEST

/* 4 records: all read, whatever the pieces; 10 bytes of garbage dropped */
START_TEST(test_lab02_trace_fixed_records)
{
    lt_require(&t);
    ck_assert_int_eq(lt_count(&t, "fixed-records", "record_write fifo=0"), 4);
    ck_assert_int_eq(lt_count(&t, "fixed-records", "record_read fifo=0"), 4);
    ck_assert_int_eq(lt_count(&t, "fixed-records",
                              "record_drop reason=bad_magic bytes=10"), 1);
    ck_assert_int_eq(lt_count(&t, "fixed-records", "record_drop"), 1);
}
END_TEST

/* Each routed request went to the worker of its operation, who read it;
   the unknown one was answered at once */
START_TEST(test_lab02_trace_routing)
{
    char filter[96], op[16];
    int routes = 0;

    lt_require(&t);
    for (int i = lt_find(&t, "routing", 0, "route"); i >= 0;
         i = lt_find(&t, "routing", i + 1, "route")) {
        long worker = lt_pid_of(&t, "routing", lt_str(&t, i, "op", op,
                                                      sizeof(op)));

        ck_assert_int_eq(lt_int(&t, i, "worker_pid"), worker);
        snprintf(filter, sizeof(filter), "record_read fifo=0 vpid=%ld "
                 "pid=%ld seq=%ld op=%s", worker, lt_int(&t, i, "pid"),
                 lt_int(&t, i, "seq"), op);
        ck_assert_msg(lt_find(&t, "routing", i, filter) > i,
                      "%s did not read request %ld:%ld", op,
                      lt_int(&t, i, "pid"), lt_int(&t, i, "seq"));
        routes++;
    }
    ck_assert_int_eq(routes, 7);
    ck_assert_int_eq(lt_count(&t, "routing", "error what~=unknown err=22"),
                     1);
    snprintf(filter, sizeof(filter), "record_read fifo=4 vpid=%ld", t.root);
    ck_assert_int_eq(lt_count(&t, "routing", filter), 7);
    ck_assert_int_eq(lt_count(&t, "routing", "record_write fifo=4 status=33"),
                     1);
}
END_TEST

/* The typists' last n proc_state events, oldest first */
static void
last_states(int n, int idx[])
{
    const char *f = "proc_state role=typist";
    int total = lt_count(&t, "text-lines", f), k = 0;

    ck_assert_int_ge(total, n);
    for (int i = lt_find(&t, "text-lines", 0, f); i >= 0;
         i = lt_find(&t, "text-lines", i + 1, f), k++)
        if (k >= total - n)
            idx[k - (total - n)] = i;
}

/*
 * docs/instructor.md, "Answer key: lab 02 questions": the claims the trace
 * can show. Q1 is test_lab02_trace_many_writers.
 */
START_TEST(test_lab02_answer_key_holds)
{
    char want[160], state[32], f[96], *text;
    int p[6] = { -1, -1, -1, -1, -1, -1 }, last_open, first_read;
    long client;

    lt_require(&t);
    /* Q2: the last three write()s: the first typist's first piece, the
       other typist's whole line, the first typist's second piece (each a
       "writing" interval); then both lines are dropped */
    last_states(6, p);
    for (int k = 0; k < 6; k++) {
        lt_str(&t, p[k], "state", state, sizeof(state));
        ck_assert_str_eq(state, k % 2 == 0 ? "writing" : "idle");
        ck_assert_int_eq(lt_int(&t, p[k], "vpid"),
                         lt_int(&t, p[k - k % 2], "vpid"));
    }
    ck_assert_int_eq(lt_int(&t, p[0], "vpid"), lt_int(&t, p[4], "vpid"));
    ck_assert_int_ne(lt_int(&t, p[0], "vpid"), lt_int(&t, p[2], "vpid"));
    snprintf(f, sizeof(f), "record_write vpid=%ld seq=4",
             lt_int(&t, p[0], "vpid"));
    ck_assert_int_lt(lt_find(&t, "text-lines", 0, f), p[0]);
    ck_assert_int_gt(lt_find(&t, "text-lines", p[5],
                             "record_drop reason=bad_magic"), p[5]);

    if (!lt_have_check_tool())
        return;
    /* Q5: seq --request lists the seven steps of the 6*7 request */
    client = lt_int(&t, lt_find(&t, "routing", 0,
                                "record_write fifo=1 op=mul a=6 b=7"), "pid");
    ck_assert_int_gt(client, 0);
    text = lt_request_steps(&t, client, 1);
    ck_assert_msg(strstr(text, ", step by step (7 steps;") != NULL &&
                  strstr(text, "routes it to worker") != NULL &&
                  strstr(text, "\nlongest wait: before step ") != NULL,
                  "%s", text);
    free(text);
    /* ... and why FIFO1 is the long hop: the lab reads it only after it
       has opened every worker's FIFO, each waiting for its worker */
    snprintf(f, sizeof(f), "fifo_open vpid=%ld fifo=0 flags=1 err=0", t.root);
    last_open = -1;
    for (int i = lt_find(&t, "routing", 0, f); i >= 0;
         i = lt_find(&t, "routing", i + 1, f))
        last_open = i;
    snprintf(f, sizeof(f), "record_read fifo=1 vpid=%ld", t.root);
    first_read = lt_find(&t, "routing", 0, f);
    ck_assert_int_eq(lt_count_pid(&t, "routing",
                                  "fifo_open vpid=%ld fifo=0 flags=1 err=0",
                                  t.root), 4);
    ck_assert_int_gt(first_read, last_open);

    /* stats counts what the trace holds: FIFO1 requests sent, routed,
       results back through FIFO4, and no FIFO2 */
    ck_assert_int_eq(lt_count(&t, NULL, "record_write fifo=2"), 0);
    ck_assert_int_eq(lt_trace_tool(&t, "stats", 0, &text), 0);
    snprintf(want, sizeof(want), "\nrequests: %d sent, %d routed, %d results "
             "read from FIFO4; no FIFO2 in this trace",
             lt_count(&t, NULL, "record_write fifo=1"),
             lt_count(&t, NULL, "route"),
             lt_count(&t, NULL, "record_read fifo=4"));
    ck_assert_msg(strstr(text, want) != NULL, "no '%s' in:\n%s", want + 1,
                  text);
    free(text);
}
END_TEST

Suite *
lab02_suite(void)
{
    Suite *s = suite_create("lab02");
    TCase *tc = tcase_create("trace");

    lt_add_common_cases(s, &lab);
    tcase_add_unchecked_fixture(tc, record, forget);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_lab02_trace_every_experiment);
    tcase_add_test(tc, test_lab02_trace_many_writers);
    tcase_add_test(tc, test_lab02_trace_text_lines);
    tcase_add_test(tc, test_lab02_trace_fixed_records);
    tcase_add_test(tc, test_lab02_trace_routing);
    tcase_add_test(tc, test_lab02_answer_key_holds);
    suite_add_tcase(s, tc);
    return s;
}
