/*
 * tests/trace/check_svg.c - 'ipclab-trace svg': well-formed and drawable
 * (xmllint, rsvg-convert), one lifeline per process, one label per row,
 * every record from its write to its read, signals with their numbers.
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

/* rsvg-convert draws it (librsvg refuses what common renderers refuse) */
START_TEST(test_svg_renders)
{
    struct tt_run r, which, png;
    const char *path = svg(traces[_i], &r);
    char out[160];
    const char *find[] = { "/bin/sh", "-c", "command -v rsvg-convert", NULL };

    tt_exec(&which, find);
    if (which.status != 0) {
        printf("svg: SKIP: rsvg-convert is not installed (scripts/deps.sh "
               "installs librsvg2-bin): rendering not checked\n");
        tt_run_free(&which);
        tt_run_free(&r);
        return;
    }
    snprintf(out, sizeof(out), "%s.png", path);
    tt_exec(&png, (const char *[]){ "rsvg-convert", path, "-o", out, NULL });
    ck_assert_msg(png.status == 0, "rsvg-convert: %s", png.err);
    ck_assert_int_eq(access(out, F_OK), 0);
    tt_run_free(&png);
    tt_run_free(&which);
    tt_run_free(&r);
}
END_TEST

/* Each record line of the picture: x1 y1 x2 y2; returns how many */
static int
record_edges(const char *svgtext, int (*e)[4], int max)
{
    const char *p = svgtext;
    int n = 0;

    while ((p = strstr(p, "<line x1=")) != NULL) {
        const char *end = strchr(p, '>');

        if (end != NULL && strstr(p, "class=\"r f") != NULL &&
            strstr(p, "class=\"r f") < end && n < max) {
            ck_assert_int_eq(sscanf(p, "<line x1=\"%d\" y1=\"%d\" "
                                    "x2=\"%d\" y2=\"%d\"", &e[n][0],
                                    &e[n][1], &e[n][2], &e[n][3]), 4);
            n++;
        }
        p++;
    }
    return n;
}

/* a record goes from its write down to its read, not across one row */
START_TEST(test_svg_records_from_write_to_read)
{
    struct tt_run r;
    int e[256][4], n, later = 0;

    svg(TT_DEFAULT, &r);
    /* the legend draws one of each FIFO too */
    n = record_edges(r.out, e, 256);
    ck_assert_int_eq(n, 4 * TT_REQUESTS + 4 + 1);
    for (int i = 0; i < n; i++) {
        ck_assert_msg(e[i][3] >= e[i][1] - 16, "a record read a row before "
                      "its write: %d %d %d %d", e[i][0], e[i][1], e[i][2],
                      e[i][3]);
        later += e[i][3] > e[i][1];
    }
    /* every matched read is a later time: a lower row */
    ck_assert_int_ge(later, 4 * TT_REQUESTS - 4);
    tt_run_free(&r);
}
END_TEST

/* signals: their kind, name and number on every label */
START_TEST(test_svg_signals_named_and_numbered)
{
    struct tt_run r;

    svg(TT_DEFAULT, &r);
    ck_assert_int_eq(tt_count_lines(r.out, ">ready SIGRTMIN+"),
                     2 * TT_REQUESTS);
    ck_assert_int_eq(tt_count_lines(r.out, ">ack SIGRTMIN+"),
                     2 * TT_REQUESTS);
    ck_assert_int_ge(tt_count_lines(r.out, ">child SIGCHLD (17)"), 1);
    ck_assert_int_eq(tt_count_lines(r.out, "ms in the FIFO<"),
                     4 * TT_REQUESTS);
    tt_run_free(&r);
    /* classic mode: SIGUSR1 is ready, number 10 */
    svg(TT_CLASSIC, &r);
    ck_assert_int_ge(tt_count_lines(r.out, ">ready SIGUSR1 (10)"),
                     TT_REQUESTS);
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

/* SIGCHLD goes from the child's exit mark, where its lifeline ends, down
   to its parent's consumption */
START_TEST(test_svg_sigchld_from_exit)
{
    struct tt_run r;
    int life[64][3], nlife = 0, n = 0;
    const char *p;

    svg(TT_DEFAULT, &r);
    for (p = r.out; (p = strstr(p, "<line x1=")) != NULL && nlife < 64; p++) {
        const char *life_cls = strstr(p, "class=\"life\"");

        if (life_cls == NULL || life_cls > strchr(p, '>'))
            continue;
        ck_assert_int_eq(sscanf(p, "<line x1=\"%d\" y1=\"%d\" x2=\"%*d\" "
                                "y2=\"%d\"", &life[nlife][0], &life[nlife][1],
                                &life[nlife][2]), 3);
        nlife++;
    }
    for (p = r.out; (p = strstr(p, "<line x1=")) != NULL; p++) {
        const char *end = strchr(p, '>'), *k = strstr(p, "stroke=\"#d0339b\"");
        int x1, y1, x2, y2, from = -1;
        char mark[96];

        if (k == NULL || k > end)
            continue;
        ck_assert_int_eq(sscanf(p, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" "
                                "y2=\"%d\"", &x1, &y1, &x2, &y2), 4);
        if (y1 == y2 && x2 - x1 == 30)
            continue;           /* the legend's */
        for (int i = 0; i < nlife; i++)
            if (life[i][0] == x1 && life[i][2] == y1)
                from = i;
        ck_assert_msg(from >= 0, "SIGCHLD from %d,%d: no lifeline ends "
                      "there", x1, y1);
        ck_assert_msg(y2 > y1, "SIGCHLD drawn flat or upward: %d -> %d", y1,
                      y2);
        snprintf(mark, sizeof(mark), "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" "
                 "y2=\"%d\" stroke=\"#555\"", x1 - 10, y1, x1 + 10, y1);
        ck_assert_msg(strstr(r.out, mark) != NULL, "no exit mark at %d,%d",
                      x1, y1);
        n++;
    }
    ck_assert_int_ge(n, 1);
    tt_run_free(&r);
}
END_TEST

/* A narrow picture (one request: three lanes) still shows its whole
   legend: every entry starts and, at 7 px a character, ends inside it */
START_TEST(test_svg_legend_fits_narrow)
{
    static const char *const ends[] = { ">FIFO1<", ">SIGCHLD<",
                                        ">never read / taken<" };
    char server[16], request[32];
    const char *p;
    struct tt_run r;
    int width;

    snprintf(server, sizeof(server), "%d", tt_server(TT_DEFAULT));
    tt_trace(&r, "seq", "--server", server, tt_dir(TT_DEFAULT), NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(p = strstr(r.out, "  F1 "));
    /* "F1 6*7 PID:SEQ ...": the request is the third word */
    ck_assert_int_eq(sscanf(p, " F1 %*s %31s", request), 1);
    tt_run_free(&r);
    tt_trace(&r, "svg", "--server", server, "--request", request,
             tt_dir(TT_DEFAULT), NULL);
    ck_assert_msg(r.status == 0, "svg: %s", r.err);
    ck_assert_int_eq(sscanf(strstr(r.out, "<svg "), "<svg xmlns=%*s "
                            "width=\"%d\"", &width), 1);
    ck_assert_int_lt(width, 1000);      /* narrower than the legend's row */
    for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
        const char *text = strstr(r.out, ends[i]);
        int x;

        ck_assert_msg(text != NULL, "no %s", ends[i]);
        while (text > r.out && strncmp(text, "<text x=", 8) != 0)
            text--;
        ck_assert_int_eq(sscanf(text, "<text x=\"%d\"", &x), 1);
        ck_assert_msg(x + 7 * (int)(strlen(ends[i]) - 2) <= width,
                      "%s at x %d in a picture %d px wide", ends[i], x,
                      width);
    }
    tt_run_free(&r);
}
END_TEST

/* A killed process (no proc_exit; its reap says 128 + N): its lifeline
   ends at a red end mark labelled with signal N */
START_TEST(test_svg_killed_process_ends_at_mark)
{
    struct tt_run r;
    const char *p;
    int n = 0;

    tt_trace(&r, "svg", tt_dir(TT_LAB04), NULL);
    ck_assert_msg(r.status == 0, "svg: %s", r.err);
    for (p = r.out; (p = strstr(p, " killed by SIG")) != NULL; p++) {
        const char *text = p;
        char life[96], mark[128];
        int x, y;

        while (text > r.out && strncmp(text, "<text x=", 8) != 0)
            text--;
        ck_assert_int_eq(sscanf(text, "<text x=\"%d\" y=\"%d\"", &x, &y),
                         2);
        /* the label is 9 px right of its lane and 4 px above its row */
        snprintf(mark, sizeof(mark), "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" "
                 "y2=\"%d\" stroke=\"#c00\"", x - 19, y + 4, x + 1, y + 4);
        ck_assert_msg(strstr(r.out, mark) != NULL, "no end mark: %s", mark);
        snprintf(life, sizeof(life), "x2=\"%d\" y2=\"%d\" class=\"life\"",
                 x - 9, y + 4);
        ck_assert_msg(strstr(r.out, life) != NULL, "the lifeline of '%.60s' "
                      "does not end at its mark", text);
        n++;
    }
    ck_assert_int_ge(n, 1);
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
    tcase_add_loop_test(core, test_svg_renders, 0,
                        sizeof(traces) / sizeof(traces[0]));
    tcase_add_test(core, test_svg_has_a_lane_per_process);
    tcase_add_test(core, test_svg_records_from_write_to_read);
    tcase_add_test(core, test_svg_signals_named_and_numbered);
    tcase_add_test(core, test_svg_labels_do_not_overlap);
    tcase_add_test(core, test_svg_sigchld_from_exit);
    tcase_add_test(core, test_svg_legend_fits_narrow);
    tcase_add_unchecked_fixture(core, tt_need_lab04, NULL);
    tcase_add_test(core, test_svg_killed_process_ends_at_mark);
    tcase_set_timeout(core, 30);
    suite_add_tcase(s, core);
    return s;
}
