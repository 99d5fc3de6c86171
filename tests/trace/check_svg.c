/*
 * tests/trace/check_svg.c - 'ipclab-trace svg': well-formed and drawable
 * (xmllint, rsvg-convert), also with names full of control characters and
 * bytes that are not UTF-8, one lifeline per process, one label per row,
 * every record from its write to its read, signals with their numbers.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "harness.h"
#include "suites.h"

static const enum tt_id traces[] = { TT_DEFAULT, TT_PER_REQUEST, TT_CLASSIC,
                                     TT_NOACK, TT_BROKEN, TT_EMIT_NAMES };

/* svg --server S DIR into r; the test fails unless it succeeds */
static void
svg(enum tt_id id, struct tt_run *r)
{
    char server[16];

    snprintf(server, sizeof(server), "%d", tt_server(id));
    tt_trace(r, "svg", "--server", server, tt_dir(id), NULL);
    ck_assert_msg(r->status == 0, "svg: exit %d: %s", r->status, r->err);
}

/* svg() into r and into a file, whose path goes into path; returns path */
static const char *
svg_file(enum tt_id id, struct tt_run *r, char *path, size_t size)
{
    FILE *f;

    svg(id, r);
    snprintf(path, size, "%s/%d-%d.svg", tt_tmp(), (int)id, (int)getpid());
    ck_assert_ptr_nonnull(f = fopen(path, "w"));
    fputs(r->out, f);
    fclose(f);
    return path;
}

START_TEST(test_svg_is_xml)
{
    struct tt_run r, lint;
    char path[128];
    const char *argv[] = { "xmllint", "--noout",
                           svg_file(traces[_i], &r, path, sizeof(path)),
                           NULL };

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
    char path[128], out[160];
    const char *find[] = { "/bin/sh", "-c", "command -v rsvg-convert", NULL };

    svg_file(traces[_i], &r, path, sizeof(path));

    tt_exec(&which, find);
    if (which.status != 0) {
        tt_run_free(&which);
        tt_run_free(&r);
        h_skip("rsvg-convert is not installed (scripts/deps.sh installs "
               "librsvg2-bin): rendering not checked");
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
        if (strstr(p, "url(#x0)") != NULL && strstr(p, "url(#x0)") < end)
            continue;           /* merged into another: never taken */
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

/* The default trace's server (into server[0..n)) and its first request
   (request[32]), as seq draws them */
static void
first_request(char *server, size_t n, char *request)
{
    struct tt_run r;
    const char *p;

    snprintf(server, n, "%d", tt_server(TT_DEFAULT));
    tt_trace(&r, "seq", "--server", server, tt_dir(TT_DEFAULT), NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(p = strstr(r.out, "  F1 "));
    /* "F1 6*7 PID:SEQ ...": the request is the third word */
    ck_assert_int_eq(sscanf(p, " F1 %*s %31s", request), 1);
    tt_run_free(&r);
}

/* A narrow picture (one request: three lanes) still shows its whole
   legend: every entry starts and, at 7 px a character, ends inside it */
START_TEST(test_svg_legend_fits_narrow)
{
    static const char *const ends[] = { ">FIFO1<", ">SIGCHLD<",
                                        ">never read / taken<" };
    char server[16], request[32];
    struct tt_run r;
    int width;

    first_request(server, sizeof(server), request);
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
    /* no record of a lab's own FIFO, no legend entry for one */
    ck_assert_ptr_null(strstr(r.out, "a lab's FIFO"));
    tt_run_free(&r);
}
END_TEST

/* A lab's records go through its own FIFO, F0, drawn grey: the legend
   says so when the picture has one (lab 01's first F0 record) */
START_TEST(test_svg_legend_names_lab_fifo)
{
    struct tt_run seq, r;
    char request[32];
    const char *p;

    tt_trace(&seq, "seq", "--width", "200", tt_dir(TT_LAB01), NULL);
    ck_assert_msg(seq.status == 0, "seq: %s", seq.err);
    ck_assert_ptr_nonnull(p = strstr(seq.out, "  F0 "));
    /* "F0 1+2 PID:SEQ ...": the request is the third word */
    ck_assert_int_eq(sscanf(p, " F0 %*s %31s", request), 1);
    tt_trace(&r, "svg", "--request", request, tt_dir(TT_LAB01), NULL);
    ck_assert_msg(r.status == 0, "svg: %s", r.err);
    ck_assert_ptr_nonnull(strstr(r.out, ">F0, a lab's FIFO<"));
    tt_run_free(&r);
    tt_run_free(&seq);
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
        /* the label is 9 px right of its lane and 3 px above its row */
        snprintf(mark, sizeof(mark), "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" "
                 "y2=\"%d\" stroke=\"#c00\"", x - 19, y + 3, x + 1, y + 3);
        ck_assert_msg(strstr(r.out, mark) != NULL, "no end mark: %s", mark);
        snprintf(life, sizeof(life), "x2=\"%d\" y2=\"%d\" class=\"life\"",
                 x - 9, y + 3);
        ck_assert_msg(strstr(r.out, life) != NULL, "the lifeline of '%.60s' "
                      "does not end at its mark", text);
        n++;
    }
    ck_assert_int_ge(n, 1);
    tt_run_free(&r);
}
END_TEST

/* Where a text of the picture is drawn, estimated from its font */
struct box {
    double x0, y0, x1, y1;
    char text[64];
    bool label;                 /* of a message or a note */
    size_t off;                 /* where it is in the SVG: drawn after
                                   what comes before */
    bool boxed;                 /* over an opaque box of its own */
};

#define MAX_BOXES 4096

/* The font size of a text of class cls (svg.c's style sheet) */
static double
font_size(const char *cls)
{
    if (strstr(cls, "title") != NULL)
        return 15;
    if (strstr(cls, "sect") != NULL)
        return 13;
    if (strcmp(cls, "t") == 0 || strcmp(cls, "pid") == 0)
        return 10;
    return 11;
}

/* Is the tag at p the element 'start'? Moves *dy by the title band's
   translated group as p enters or leaves it. */
static bool
is_element(const char *p, const char *start, int *dy)
{
    if (strncmp(p, "<g transform=\"translate(0 ", 26) == 0)
        *dy = atoi(p + 26);
    if (strncmp(p, "</g>", 4) == 0)
        *dy = 0;
    return strncmp(p, start, strlen(start)) == 0;
}

/*
 * The boxes of every <text> of an SVG page: characters 0.58 em wide
 * (DejaVu Sans's average; bold 10 % wider), from 0.75 em above the
 * baseline to 0.22 em below, placed by their anchor (the style sheet's
 * for classes role, pid and t). Texts inside a translated group are moved
 * with it. Returns how many.
 */
static int
text_boxes(const char *svgtext, struct box *b)
{
    const char *p = svgtext;
    int n = 0, dy = 0;

    for (; (p = strchr(p, '<')) != NULL; p++) {
        char anchor[16] = "", cls[32] = "";
        const char *a, *c, *gt, *end, *t;
        double fs, w, len = 0;
        int x, y;

        if (!is_element(p, "<text ", &dy))
            continue;
        gt = strchr(p, '>');
        end = strstr(p, "</text>");
        ck_assert_int_eq(sscanf(p, "<text x=\"%d\" y=\"%d\"", &x, &y), 2);
        if ((a = strstr(p, "text-anchor=\"")) != NULL && a < gt)
            sscanf(a, "text-anchor=\"%15[a-z]", anchor);
        if ((c = strstr(p, "class=\"")) != NULL && c < gt)
            sscanf(c, "class=\"%31[a-z0-9 ]", cls);
        if (anchor[0] == '\0')
            snprintf(anchor, sizeof(anchor), "%s",
                     strcmp(cls, "t") == 0 ? "end"
                     : strcmp(cls, "role") == 0 || strcmp(cls, "pid") == 0
                     ? "middle" : "start");
        for (t = gt + 1; t < end; t++) {
            if (*t == '&')
                t = strchr(t, ';');
            len += ((unsigned char)*t & 0xC0) != 0x80;
        }
        fs = font_size(cls);
        w = len * 0.58 * fs *
            (strstr(cls, "bad") || strstr(cls, "sect") || strstr(cls, "role")
             || strstr(cls, "title") ? 1.1 : 1.0);
        ck_assert_int_lt(n, MAX_BOXES);
        b[n].x0 = strcmp(anchor, "start") == 0 ? x
                  : strcmp(anchor, "middle") == 0 ? x - w / 2 : x - w;
        b[n].x1 = b[n].x0 + w;
        b[n].y0 = y + dy - 0.75 * fs;
        b[n].y1 = y + dy + 0.22 * fs;
        snprintf(b[n].text, sizeof(b[n].text), "%.*s",
                 (int)(end - gt - 1 < 63 ? end - gt - 1 : 63), gt + 1);
        b[n].label = dy == 0 && (strncmp(cls, "l ", 2) == 0 ||
                                 strncmp(cls, "n", 1) == 0);
        b[n].off = (size_t)(p - svgtext);
        b[n].boxed = false;     /* the line before: its box? */
        for (t = p - 1; t > svgtext && t[-1] != '\n'; t--)
            continue;
        if (t > svgtext)
            b[n].boxed = strncmp(t, "<rect class=\"lb\" ", 17) == 0;
        n++;
    }
    return n;
}

static bool
meet(const struct box *a, const struct box *b);

/* The boxes of the repeated lane headers of a page (rect height 18) */
static int
header_boxes(const char *svgtext, struct box *b, int max)
{
    const char *p = svgtext;
    int n = 0, x, y, w;

    while ((p = strstr(p, "<rect x=\"")) != NULL && n < max) {
        if (sscanf(p, "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
                   "height=\"18\" rx=", &x, &y, &w) == 3)
            b[n++] = (struct box){ x, y, x + w, y + 18, "header", false, 0, false };
        p++;
    }
    return n;
}

/*
 * Repeated lane headers sit on opaque white bands (class hb) drawn after
 * every edge that crosses them, so no edge runs over a header. Returns
 * how many bands the page has.
 */
static int
assert_bands_over_edges(const char *svgtext, int page)
{
    int nb = 0;

    for (const char *band = strstr(svgtext, "<rect class=\"hb\"");
         band != NULL; band = strstr(band + 1, "<rect class=\"hb\"")) {
        int y, h;

        ck_assert_int_eq(sscanf(band, "<rect class=\"hb\" x=\"%*d\" y=\"%d\" "
                                "width=\"%*d\" height=\"%d\" fill=\"#fff\"",
                                &y, &h), 2);
        for (const char *p = strstr(band, "<line "); p != NULL;
             p = strstr(p + 1, "<line ")) {
            const char *life = strstr(p, "class=\"life\"");
            int y1, y2;

            ck_assert_int_eq(sscanf(p, "<line x1=\"%*d\" y1=\"%d\" "
                                    "x2=\"%*d\" y2=\"%d\"", &y1, &y2), 2);
            if (life != NULL && life < strchr(p, '>'))
                continue;       /* a lifeline: the header names it */
            ck_assert_msg((y1 < y && y2 < y) || (y1 > y + h && y2 > y + h),
                          "page %d: an edge drawn over the lane headers "
                          "at y %d: %.*s", page, y, (int)strcspn(p, "\n"),
                          p);
        }
        nb++;
    }
    return nb;
}

/*
 * A page that starts with repeated lane headers (top: where its title band
 * ends) shows no lifeline above their band: lifelines start below it.
 */
static void
assert_no_tick_above_band(const char *svgtext, int top, int page)
{
    const char *band = strstr(svgtext, "<rect class=\"hb\"");
    int y;

    if (band == NULL)
        return;
    ck_assert_int_eq(sscanf(band, "<rect class=\"hb\" x=\"%*d\" y=\"%d\"",
                            &y), 1);
    if (y > top + 8)
        return;                 /* the page does not start with headers */
    for (const char *p = strstr(svgtext, "class=\"life\""); p != NULL;
         p = strstr(p + 1, "class=\"life\"")) {
        const char *line = p;
        int y1, y2;

        while (line > svgtext && line[-1] != '\n')
            line--;
        ck_assert_int_eq(sscanf(line, "<line x1=\"%*d\" y1=\"%d\" "
                                "x2=\"%*d\" y2=\"%d\"", &y1, &y2), 2);
        ck_assert_msg(y1 >= y || y2 <= top, "page %d: a lifeline (y %d to "
                      "%d) shows above the lane headers' band at y %d",
                      page, y1, y2, y);
    }
}

/* Pages that cannot all be written: exit 1, and none of them left (no
   set of pages that looks whole, no page cut short), no name printed */
START_TEST(test_svg_pages_all_or_none)
{
    char out[128], page[160], second[160];
    struct stat st;
    struct tt_run r;

    snprintf(out, sizeof(out), "%s/broken.svg", tt_tmp());
    snprintf(page, sizeof(page), "%s/broken-1.svg", tt_tmp());
    snprintf(second, sizeof(second), "%s/broken-2.svg", tt_tmp());
    ck_assert_int_eq(mkdir(second, 0700), 0);   /* page 2 cannot be made */
    tt_trace(&r, "svg", "--output", out, tt_dir(TT_LAB05), NULL);
    ck_assert_msg(r.status == 1, "exit %d: %s", r.status, r.err);
    ck_assert_str_eq(r.out, "");
    ck_assert_msg(stat(page, &st) == -1 && errno == ENOENT,
                  "%s is left behind", page);
    ck_assert_int_eq(tt_count_lines(r.err, ""), 1);
    tt_run_free(&r);
    ck_assert_int_eq(rmdir(second), 0);
}
END_TEST

/*
 * A picture too tall for one page, written as pages (lab 05, every
 * experiment): every label of the whole picture is whole on some page,
 * below that page's title band and clear of every lane header; no label
 * is ever under a repeated lane header, and no lifeline shows above one
 * at a page's top.
 */
START_TEST(test_svg_pages_hide_no_row)
{
    static struct box b[MAX_BOXES * 4], hb[1024];
    static char seen[MAX_BOXES * 4][80];
    static bool whole[MAX_BOXES * 4];
    char out[128], *page, *save = NULL;
    struct tt_run r;
    int nseen = 0, pages = 0, bands = 0;

    snprintf(out, sizeof(out), "%s/pages.svg", tt_tmp());
    tt_trace(&r, "svg", "--output", out, tt_dir(TT_LAB05), NULL);
    ck_assert_msg(r.status == 0, "svg: %s", r.err);
    for (page = strtok_r(r.out, "\n", &save); page != NULL;
         page = strtok_r(NULL, "\n", &save)) {
        struct tt_run cat;
        const char *g;
        int vy, vh, by, bh, n, nh;

        tt_exec(&cat, (const char *[]){ "cat", page, NULL });
        ck_assert_int_eq(cat.status, 0);
        ck_assert_int_eq(sscanf(strstr(cat.out, "viewBox="),
                                "viewBox=\"0 %d %*d %d\"", &vy, &vh), 2);
        ck_assert_ptr_nonnull(g = strstr(cat.out, "<g transform="));
        ck_assert_int_eq(sscanf(g, "<g transform=\"translate(0 %d)\">\n"
                                "<rect width=\"%*d\" height=\"%d\"", &by,
                                &bh), 2);
        n = text_boxes(cat.out, b);
        nh = header_boxes(cat.out, hb, 1024);
        bands += assert_bands_over_edges(cat.out, pages + 1);
        assert_no_tick_above_band(cat.out, by + bh, pages + 1);
        for (int i = 0; i < n; i++) {
            bool ok = b[i].label && b[i].y0 >= by + bh &&
                      b[i].y1 <= vy + vh;
            int k;

            if (!b[i].label)
                continue;
            for (int j = 0; j < nh; j++) {
                ck_assert_msg(!meet(&b[i], &hb[j]) || b[i].y1 <= by + bh,
                              "page %d: '%s' at y %.0f is under a lane "
                              "header", pages + 1, b[i].text, b[i].y1);
                ok = ok && !meet(&b[i], &hb[j]);
            }
            for (k = 0; k < nseen; k++)
                if (strncmp(seen[k], b[i].text, 63) == 0 &&
                    atoi(seen[k] + 64) == (int)b[i].y1)
                    break;
            if (k == nseen) {
                ck_assert_int_lt(nseen, MAX_BOXES * 4);
                snprintf(seen[k], 64, "%s", b[i].text);
                snprintf(seen[k] + 64, 16, "%d", (int)b[i].y1);
                whole[k] = false;
                nseen++;
            }
            whole[k] = whole[k] || ok;
        }
        tt_run_free(&cat);
        pages++;
    }
    ck_assert_int_ge(pages, 2);
    ck_assert_int_gt(bands, 0);
    ck_assert_int_gt(nseen, 1000);
    for (int k = 0; k < nseen; k++)
        ck_assert_msg(whole[k], "'%s' (y %s) is whole on no page", seen[k],
                      seen[k] + 64);
    tt_run_free(&r);
}
END_TEST

static bool
meet(const struct box *a, const struct box *b)
{
    return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/*
 * No text of the picture overlaps another or sticks out of the picture, no
 * short edge (a message that went nowhere: never read, never taken, lost;
 * or one from outside the trace) crosses a text, no longer edge crosses a
 * label unless the label is drawn over it on an opaque box, and no text
 * covers the red cross that ends such a message (marker x0). Returns how
 * many crosses it saw.
 */
static int
assert_no_overlap(const char *svgtext, const char *what)
{
    static struct box b[MAX_BOXES];
    int n = text_boxes(svgtext, b), dy = 0, marks = 0, width = 0;
    const char *p;

    ck_assert_int_gt(n, 10);
    ck_assert_int_eq(sscanf(strstr(svgtext, "<svg "), "<svg xmlns=\"http://"
                            "www.w3.org/2000/svg\" width=\"%d\"", &width), 1);
    for (int i = 0; i < n; i++)
        ck_assert_msg(b[i].x0 >= 0 && b[i].x1 <= width, "%s: '%s' (%.0f to "
                      "%.0f) is cut off by the picture's edge at %d", what,
                      b[i].text, b[i].x0, b[i].x1, width);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            ck_assert_msg(!meet(&b[i], &b[j]), "%s: '%s' (%.0f,%.0f) "
                          "overlaps '%s' (%.0f,%.0f)", what, b[i].text,
                          b[i].x0, b[i].y1, b[j].text, b[j].x0, b[j].y1);
    for (p = svgtext; (p = strchr(p, '<')) != NULL; p++) {
        const char *gt = strchr(p, '>');
        int x1, y1, x2, y2;
        double len;

        if (!is_element(p, "<line x1=", &dy))
            continue;
        if ((strstr(p, "class=\"r ") == NULL || strstr(p, "class=\"r ") > gt)
            && (strstr(p, "class=\"s\"") == NULL ||
                strstr(p, "class=\"s\"") > gt))
            continue;           /* not a message */
        ck_assert_int_eq(sscanf(p, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" "
                                "y2=\"%d\"", &x1, &y1, &x2, &y2), 4);
        y1 += dy;
        y2 += dy;
        len = sqrt((double)(x2 - x1) * (x2 - x1) +
                   (double)(y2 - y1) * (y2 - y1));
        /* its red cross (9 px, ending where the edge ends) is a mark no
           text may cover */
        if (strstr(p, "marker-end=\"url(#x0)\"") != NULL &&
            strstr(p, "marker-end=\"url(#x0)\"") < gt && len > 0) {
            double cx = x2 - 4.5 * (x2 - x1) / len;
            double cy = y2 - 4.5 * (y2 - y1) / len;
            struct box cross = { cx - 4.5, cy - 4.5, cx + 4.5, cy + 4.5,
                                 "", false, 0, false };

            for (int i = 0; i < n; i++)
                ck_assert_msg(!meet(&cross, &b[i]), "%s: '%s' covers the "
                              "cross at %.0f,%.0f", what, b[i].text, cx, cy);
            marks++;
        }
        for (double f = 0; len > 0 && f <= 1; f += 1 / len) {
            struct box dot = { x1 + f * (x2 - x1), y1 + f * (y2 - y1), 0, 0,
                               "", false, 0, false };

            dot.x1 = dot.x0 + 0.5;
            dot.y1 = dot.y0 + 0.5;
            for (int i = 0; i < n; i++) {
                if (!meet(&dot, &b[i]))
                    continue;
                /* a stub is beside its own label; an edge from lane to
                   lane may pass under a label, never over it */
                ck_assert_msg(len > 60, "%s: the edge %d,%d -> %d,%d "
                              "crosses '%s'", what, x1, y1, x2, y2,
                              b[i].text);
                ck_assert_msg(!b[i].label ||
                              (b[i].boxed && b[i].off > (size_t)(p - svgtext)),
                              "%s: the edge %d,%d -> %d,%d strikes '%s' "
                              "through", what, x1, y1, x2, y2, b[i].text);
            }
        }
    }
    return marks;
}

/*
 * Lab 04 (its lost-wakeup experiment's never-read and LOST stubs one row
 * apart), as a whole and one experiment at a time: each picture as narrow
 * as its own lanes make it. No text overlaps another.
 */
START_TEST(test_svg_texts_never_overlap)
{
    struct tt_run seq, r;
    double starts[33];
    int nexp = 0;
    char what[96];

    tt_trace(&seq, "seq", tt_dir(TT_LAB04), NULL);
    ck_assert_msg(seq.status == 0, "seq: %s", seq.err);
    for (const char *p = seq.out; (p = strstr(p, "  experiment '")) != NULL;
         p++) {
        const char *line = p;

        while (line > seq.out && line[-1] != '\n')
            line--;
        ck_assert_int_lt(nexp, 32);
        ck_assert_int_eq(sscanf(line, "%lf", &starts[nexp]), 1);
        nexp++;
    }
    ck_assert_int_ge(nexp, 8);
    starts[nexp] = 1e9;
    tt_trace(&r, "svg", tt_dir(TT_LAB04), NULL);
    ck_assert_msg(r.status == 0, "svg: %s", r.err);
    /* lab 04's never-read and lost stubs end in red crosses */
    ck_assert_int_gt(assert_no_overlap(r.out, "the whole trace"), 0);
    tt_run_free(&r);
    for (int e = 0; e < nexp; e++) {
        char since[32], until[32];

        snprintf(since, sizeof(since), "%.3fms", starts[e]);
        snprintf(until, sizeof(until), "%.3fms", starts[e + 1] - 0.001);
        if (e + 1 < nexp)
            tt_trace(&r, "svg", "--since", since, "--until", until,
                     tt_dir(TT_LAB04), NULL);
        else
            tt_trace(&r, "svg", "--since", since, tt_dir(TT_LAB04), NULL);
        ck_assert_msg(r.status == 0, "svg --since %s: %s", since, r.err);
        snprintf(what, sizeof(what), "experiment %d (--since %s)", e + 1,
                 since);
        assert_no_overlap(r.out, what);
        tt_run_free(&r);
    }
    tt_run_free(&seq);
}
END_TEST

/*
 * Narrow pictures (one request; one process and those it talks to) are as
 * wide as their longest label: no text is cut off at the right edge, and
 * no edge strikes a label through.
 */
START_TEST(test_svg_narrow_views_fit_their_labels)
{
    char server[16], request[32], what[96];
    struct tt_run r;

    first_request(server, sizeof(server), request);
    tt_trace(&r, "svg", "--server", server, "--request", request,
             tt_dir(TT_DEFAULT), NULL);
    ck_assert_msg(r.status == 0, "svg --request: %s", r.err);
    snprintf(what, sizeof(what), "--request %s", request);
    assert_no_overlap(r.out, what);
    tt_run_free(&r);
    tt_trace(&r, "svg", "--pid", server, tt_dir(TT_DEFAULT), NULL);
    ck_assert_msg(r.status == 0, "svg --pid: %s", r.err);
    assert_no_overlap(r.out, "--pid SERVER");
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
    tcase_add_unchecked_fixture(core, tt_need_names, NULL);
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
    tcase_add_test(core, test_svg_narrow_views_fit_their_labels);
    tcase_add_unchecked_fixture(core, tt_need_lab04, NULL);
    tcase_add_test(core, test_svg_killed_process_ends_at_mark);
    tcase_add_test(core, test_svg_texts_never_overlap);
    tcase_add_unchecked_fixture(core, tt_need_lab05, NULL);
    tcase_add_test(core, test_svg_pages_hide_no_row);
    tcase_add_test(core, test_svg_pages_all_or_none);
    tcase_add_unchecked_fixture(core, tt_need_lab01, NULL);
    tcase_add_test(core, test_svg_legend_names_lab_fifo);
    tcase_set_timeout(core, 30);
    suite_add_tcase(s, core);
    return s;
}
