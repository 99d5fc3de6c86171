/*
 * tests/labs/check_lab02.c - lab02-request-routing, and what
 * labs/02-request-routing/README.md says its trace shows.
 */
#include <check.h>
#include <stdio.h>
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
    suite_add_tcase(s, tc);
    return s;
}
