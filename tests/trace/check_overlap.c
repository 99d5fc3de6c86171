/*
 * tests/trace/check_overlap.c - 'ipclab-trace overlap' on fresh traces of
 * lab 05: its load generators send 100 requests each at once, so requests
 * of different clients meet in the server and the one-record-at-a-time
 * rule of FIFO2 and FIFO3 makes one client's record wait for another
 * client's ack (the default workload's twelve requests need not: under
 * load its clients may take turns).
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "suites.h"

START_TEST(test_overlap_clients_meet_and_wait)
{
    struct tt_run r;
    const char *p, *tag;
    unsigned long together, waited, own, lines = 0, own_lines = 0;
    int most;

    tt_trace(&r, "overlap", tt_dir(TT_LAB05), NULL);
    ck_assert_msg(r.status == 0, "overlap: exit %d: %s", r.status, r.err);
    ck_assert_ptr_nonnull(p = strstr(r.out, "\nsummary: "));
    ck_assert_msg(sscanf(p, "\nsummary: %lu request", &together) == 1,
                  "%s", r.out);
    ck_assert_ptr_nonnull(p = strstr(p, "; at most "));
    ck_assert_msg(sscanf(p, "; at most %d client", &most) == 1, "%s", r.out);
    ck_assert_ptr_nonnull(p = strstr(p + 2, "; "));
    ck_assert_msg(sscanf(p, "; %lu record", &waited) == 1, "%s", r.out);
    ck_assert_ptr_nonnull(p = strstr(p, " waited for another client's ack, "));
    ck_assert_msg(sscanf(p, " waited for another client's ack, %lu for their "
                         "own", &own) == 1, "%s", r.out);
    ck_assert_msg(most >= 2, "never two clients in the server:\n%s", r.out);
    ck_assert_msg(together >= 1, "%s", r.out);
    ck_assert_msg(waited >= 1, "no record waited for another client's "
                  "ack:\n%s", r.out);

    /* each listed wait: written after it was ready, behind another
       client's record or, said so, its own client's */
    for (p = r.out; (p = strstr(p, " written; ready since ")) != NULL; p++) {
        const char *line = p;
        double written, ready;
        int fifo, pid, held;
        uint32_t seq, held_seq;

        while (line > r.out && line[-1] != '\n')
            line--;
        ck_assert_msg(sscanf(line, "%lf F%d %d:%" SCNu32 " written; ready "
                             "since %lf, it waited for the ack of %d:%"
                             SCNu32, &written, &fifo, &pid, &seq, &ready,
                             &held, &held_seq) == 7, "%.100s", line);
        ck_assert(fifo == 2 || fifo == 3);
        tag = strstr(line, pid == held ? " (the same client's"
                                       : " (another client's");
        ck_assert_msg(tag != NULL && tag < strchr(line, '\n'), "%.160s",
                      line);
        ck_assert_msg(written >= ready, "%.100s", line);
        lines++;
        own_lines += pid == held;
    }
    ck_assert_uint_eq(lines, waited + own);
    ck_assert_uint_eq(own_lines, own);
    tt_run_free(&r);
}
END_TEST

/*
 * Lab 05's traces (three servers, clients released together): each listed
 * wait names the record the server wrote just before it into that FIFO,
 * whose ack it waited for last, as the raw events (babeltrace2) say.
 */
START_TEST(test_overlap_names_the_record_before)
{
    struct tt_run raw, r;
    int n, judged = 0;
    char **lines = tt_lab_events(TT_LAB05, &raw, &n);

    tt_trace(&r, "overlap", tt_dir(TT_LAB05), NULL);
    ck_assert_msg(r.status == 0, "overlap: exit %d: %s", r.status, r.err);
    for (const char *p = r.out; (p = strstr(p, " written; ready since ")) !=
         NULL; p++) {
        const char *line = p;
        char fifo[16], me[40], vpid[24];
        int f, pid, held, seq, held_seq, w = -1, before = -1;

        while (line > r.out && line[-1] != '\n')
            line--;
        ck_assert_msg(sscanf(line, "%*f F%d %d:%d written; ready since %*f, "
                             "it waited for the ack of %d:%d", &f, &pid,
                             &seq, &held, &held_seq) == 5, "%.100s", line);
        snprintf(fifo, sizeof(fifo), "{ fifo = %d,", f);
        snprintf(me, sizeof(me), ", pid = %d, seq = %d,", pid, seq);
        for (int i = 0; i < n && w < 0; i++)
            if (strstr(lines[i], "ipclab:record_write:") != NULL &&
                strstr(lines[i], fifo) != NULL && strstr(lines[i], me))
                w = i;
        ck_assert_msg(w >= 0, "no write of %d:%d into FIFO%d", pid, seq, f);
        snprintf(vpid, sizeof(vpid), "{ vpid = %d,",
                 atoi(strstr(lines[w], "{ vpid = ") + 9));
        for (int i = w - 1; i >= 0 && before < 0; i--)
            if (strstr(lines[i], "ipclab:record_write:") != NULL &&
                strstr(lines[i], fifo) != NULL &&
                strstr(lines[i], vpid) != NULL)
                before = i;
        ck_assert_msg(before >= 0, "%.120s: nothing before it", line);
        snprintf(me, sizeof(me), ", pid = %d, seq = %d,", held, held_seq);
        ck_assert_msg(strstr(lines[before], me) != NULL, "%.*s\nbut the "
                      "record before it in FIFO%d: %s",
                      (int)strcspn(line, "\n"), line, f, lines[before]);
        judged++;
    }
    ck_assert_int_gt(judged, 0);
    free(lines);
    tt_run_free(&r);
    tt_run_free(&raw);
}
END_TEST

/* A trace with no server (lab 01's) has nobody to be inside: overlap says
   so and fails, rather than reporting "at most 0 clients" */
START_TEST(test_overlap_says_there_is_no_server)
{
    struct tt_run r;

    tt_trace(&r, "overlap", tt_dir(TT_LAB01), NULL);
    ck_assert_msg(r.status == 1, "overlap: exit %d: %s", r.status, r.out);
    ck_assert_msg(strstr(r.err, "no server in the trace") != NULL, "%s",
                  r.err);
    ck_assert_msg(strstr(r.out, "summary:") == NULL, "%s", r.out);
    tt_run_free(&r);
}
END_TEST

/* Lab 02's many-writers: the lab reads more than 64 requests and answers
   none; no server either, and overlap says that, not "out of memory" */
START_TEST(test_overlap_no_server_many_requests)
{
    char dir[PATH_MAX], rec[PATH_MAX], lab[PATH_MAX], env[PATH_MAX];
    const char *argv[] = { rec, "-o", dir, "--", "env", env, lab,
                           "many-writers", NULL };
    struct tt_run r;

    snprintf(dir, sizeof(dir), "%s/many-writers", tt_tmp());
    snprintf(rec, sizeof(rec), "%s/traces/record.sh", tt_root());
    snprintf(lab, sizeof(lab), "%s/lab02-request-routing", tt_bindir());
    snprintf(env, sizeof(env), "TMPDIR=%s", tt_tmp());
    tt_exec(&r, argv);
    ck_assert_msg(r.status == 0, "record.sh exit %d:\n%s", r.status, r.err);
    tt_run_free(&r);
    tt_trace(&r, "overlap", dir, NULL);
    ck_assert_msg(r.status == 1, "overlap: exit %d: %s", r.status, r.out);
    ck_assert_msg(strstr(r.err, "no server in the trace") != NULL, "%s",
                  r.err);
    tt_run_free(&r);
}
END_TEST

/* A request ends where its result is dropped, or its server's life ends
   (emit.c, "gone"): no request that later ones enter beside */
START_TEST(test_overlap_requests_end_with_drop_or_server)
{
    const struct tt_actors *a = tt_actors(TT_EMIT_GONE);
    char want[256];
    struct tt_run r;

    tt_trace(&r, "overlap", tt_dir(TT_EMIT_GONE), NULL);
    ck_assert_msg(r.status == 0, "overlap: exit %d: %s", r.status, r.err);
    snprintf(want, sizeof(want), " %d:2 enters; other clients' requests "
             "inside: %d:1\n", a->rc_a, a->rc_b);
    ck_assert_msg(tt_count_lines(r.out, " enters; ") == 1 &&
                  strstr(r.out, want) != NULL, "want%s in:\n%s", want,
                  r.out);
    ck_assert_msg(strstr(r.out, "\nsummary: 1 request entered beside "
                         "another client's; at most 2 clients") != NULL,
                  "%s", r.out);
    tt_run_free(&r);
}
END_TEST

Suite *
overlap_suite(void)
{
    Suite *s = suite_create("overlap");
    TCase *core = tcase_create("core");

    tcase_add_unchecked_fixture(core, tt_need_lab05, NULL);
    tcase_add_test(core, test_overlap_clients_meet_and_wait);
    tcase_add_test(core, test_overlap_names_the_record_before);
    tcase_add_unchecked_fixture(core, tt_need_lab01, NULL);
    tcase_add_test(core, test_overlap_says_there_is_no_server);
    tcase_add_test(core, test_overlap_no_server_many_requests);
    tcase_add_unchecked_fixture(core, tt_need_gone, NULL);
    tcase_add_test(core, test_overlap_requests_end_with_drop_or_server);
    tcase_set_timeout(core, 30);
    suite_add_tcase(s, core);
    return s;
}
