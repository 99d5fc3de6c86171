/*
 * tests/trace/check_overlap.c - 'ipclab-trace overlap' on a fresh trace of
 * the default workload: its clients are released together (a gate in
 * scripts/workload.sh), so requests of different clients meet in the
 * server and the one-record-at-a-time rule of FIFO2 and FIFO3 makes one
 * client's record wait for another client's ack.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "suites.h"

START_TEST(test_overlap_clients_meet_and_wait)
{
    char server[16];
    struct tt_run r;
    const char *p;
    unsigned long together, waited, lines = 0;
    int most;

    snprintf(server, sizeof(server), "%d", tt_server(TT_DEFAULT));
    tt_trace(&r, "overlap", "--server", server, tt_dir(TT_DEFAULT), NULL);
    ck_assert_msg(r.status == 0, "overlap: exit %d: %s", r.status, r.err);
    ck_assert_ptr_nonnull(p = strstr(r.out, "\nsummary: "));
    ck_assert_msg(sscanf(p, "\nsummary: %lu requests entered beside another "
                         "client's; at most %d clients inside at once",
                         &together, &most) == 2, "%s", r.out);
    ck_assert_ptr_nonnull(p = strstr(p, "; "));
    ck_assert_ptr_nonnull(p = strstr(p + 2, "; "));
    ck_assert_msg(sscanf(p, "; %lu records waited", &waited) == 1, "%s",
                  r.out);
    ck_assert_msg(most >= 2, "never two clients in the server:\n%s", r.out);
    ck_assert_msg(together >= 1, "%s", r.out);
    ck_assert_msg(waited >= 1, "no record waited for another client's "
                  "ack:\n%s", r.out);

    /* each listed wait: another client's record, written after it was
       ready */
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
        ck_assert_int_ne(pid, held);
        ck_assert_msg(written >= ready, "%.100s", line);
        lines++;
    }
    ck_assert_uint_eq(lines, waited);
    tt_run_free(&r);
}
END_TEST

Suite *
overlap_suite(void)
{
    Suite *s = suite_create("overlap");
    TCase *core = tcase_create("core");

    tcase_add_unchecked_fixture(core, tt_need_default, NULL);
    tcase_add_test(core, test_overlap_clients_meet_and_wait);
    tcase_set_timeout(core, 30);
    suite_add_tcase(s, core);
    return s;
}
