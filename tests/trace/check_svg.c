/*
 * tests/trace/check_svg.c - 'ipclab-trace svg': well-formed, one lane per
 * process, one label per row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "suites.h"

static const enum tt_id traces[] = { TT_DEFAULT, TT_PER_REQUEST, TT_CLASSIC,
                                     TT_NOACK, TT_BROKEN };

/* svg --server S DIR into a file; returns its path */
static const char *
svg(enum tt_id id, struct tt_run *r)
{
    static char path[128];
    char server[16];
    FILE *f;

    snprintf(server, sizeof(server), "%d", tt_server(id));
    tt_trace(r, "svg", "--server", server, tt_dir(id), NULL);
    ck_assert_msg(r->status == 0, "svg: exit %d: %s", r->status, r->err);
    snprintf(path, sizeof(path), "%s/%d-%d.svg", tt_tmp(), (int)id,
             (int)getpid());
    ck_assert_ptr_nonnull(f = fopen(path, "w"));
    fputs(r->out, f);
    fclose(f);
    return path;
}

START_TEST(test_svg_is_xml)
{
    struct tt_run r, lint;
    const char *argv[] = { "xmllint", "--noout", svg(traces[_i], &r), NULL };

    tt_exec(&lint, argv);
    ck_assert_msg(lint.status == 0, "xmllint: %s", lint.err);
    ck_assert_ptr_nonnull(strstr(r.out, "<svg xmlns="));
    tt_run_free(&lint);
    tt_run_free(&r);
}
END_TEST

START_TEST(test_svg_has_a_lane_per_process)
{
    struct tt_run r;

    /* the default run: server, four clients, four processing clients,
       each one lifeline */
    svg(TT_DEFAULT, &r);
    ck_assert_int_eq(tt_count_lines(r.out, "class=\"life\""), 9);
    ck_assert_int_eq(tt_count_lines(r.out, "class=\"role\">rc<"), 4);
    tt_run_free(&r);
}
END_TEST

START_TEST(test_svg_labels_do_not_overlap)
{
    struct tt_run r;
    int ys[4096], n = 0;
    const char *p;

    /* every arrow or note label sits on a row of its own */
    svg(TT_DEFAULT, &r);
    for (p = r.out; (p = strstr(p, "<text x=\"")) != NULL; p++) {
        const char *cls = strstr(p, "class=\"");
        int x, y;

        if (cls == NULL || (strncmp(cls, "class=\"l ", 9) != 0 &&
                            strncmp(cls, "class=\"n", 8) != 0))
            continue;
        ck_assert_int_eq(sscanf(p, "<text x=\"%d\" y=\"%d\"", &x, &y), 2);
        for (int i = 0; i < n; i++)
            ck_assert_msg(abs(ys[i] - y) >= 14, "labels at y=%d and y=%d",
                          ys[i], y);
        ck_assert_int_lt(n, 4096);
        ys[n++] = y;
    }
    ck_assert_int_gt(n, 8 * TT_REQUESTS);
    tt_run_free(&r);
}
END_TEST

Suite *
svg_suite(void)
{
    Suite *s = suite_create("svg");
    TCase *core = tcase_create("core");

    tcase_add_unchecked_fixture(core, tt_need_default, NULL);
    tcase_add_unchecked_fixture(core, tt_need_modes, NULL);
    tcase_add_unchecked_fixture(core, tt_need_broken, NULL);
    tcase_add_loop_test(core, test_svg_is_xml, 0,
                        sizeof(traces) / sizeof(traces[0]));
    tcase_add_test(core, test_svg_has_a_lane_per_process);
    tcase_add_test(core, test_svg_labels_do_not_overlap);
    tcase_set_timeout(core, 30);
    suite_add_tcase(s, core);
    return s;
}
