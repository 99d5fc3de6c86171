/*
 * trace/svg.c - ipclab-trace svg: the trace as a space-time diagram.
 *
 * One lifeline per process, from its first to its last event, time flowing
 * down (spacetime.h lays it out: sections, lanes, the time scale). Every
 * message is an edge from where it was sent to where it was received:
 *
 *   records   thick solid edges coloured by FIFO, from the record_write to
 *             the record_read; the slant is its wait in the FIFO, also
 *             written on the label when it was read
 *   signals   thin dashed edges with open heads from the signal_send to
 *             the signal_consume, one colour and dash per kind (ready,
 *             ack, revoke, stop, child for SIGCHLD), with the signal's
 *             name and number on the label
 *   trouble   a record never read, a signal never taken, a lost wake-up
 *             (a classic signal merged into a pending one) end in a red
 *             cross where they were sent, with a red label
 *   merged    a classic signal merged into a pending one whose effect
 *             came anyway (a child reaped although its SIGCHLD merged)
 *             ends in a hollow diamond where that happened (the reap)
 *
 * Long idle stretches are drawn short and marked with their length;
 * stretches where the tracer lost events (tr_source_gaps()) are red bands. Each
 * experiment of a lab trace is a titled section with only its own lanes,
 * and lane headers repeat down a tall section, each in a band the layout
 * keeps free for it (spacetime.h). A picture taller than renderers accept
 * (MAX_H: rsvg-convert refuses more than 32767 px) is refused with the
 * command that draws a part, or written as numbered pages with --output
 * NAME.svg (NAME-1.svg, NAME-2.svg...), each starting at a repeated header
 * or at a section, so that no row is under a page's top.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "cmd.h"
#include "diagram.h"
#include "label.h"
#include "source.h"
#include "spacetime.h"
#include "svgout.h"

#define LEFT 84                 /* the time column */
#define LANE_W 150              /* between two lanes */
#define RIGHT 300               /* room for labels right of the last lane */
#define TOP 124                 /* title and legend (two rows in a narrow
                                   picture) above the sections */
#define BOTTOM 40
#define MAX_H 32000             /* the tallest page written, px */
#define PAGE_H (MAX_H - 200)    /* the part of the diagram on one page */
#define STUB 54                 /* a message that went nowhere, px */

static const char *const style =
    "text{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;"
    "font-size:11px;fill:#222}\n"
    ".title{font-size:15px;font-weight:bold}\n"
    ".sub{fill:#555}\n"
    ".sec{fill:#f3f3f3;stroke:#bbb}\n"
    ".sect{font-size:13px;font-weight:bold}\n"
    ".life{stroke:#9a9a9a;stroke-width:2}\n"
    ".box{stroke:#777;stroke-width:1}\n"
    ".g0{fill:#e3ecfb}.g1{fill:#fde3e1}.g2{fill:#e2f4e2}.g3{fill:#eeeeee}\n"
    ".role{font-weight:bold;text-anchor:middle}\n"
    ".pid{text-anchor:middle;fill:#444;font-size:10px}\n"
    ".t{font-family:'DejaVu Sans Mono',monospace;font-size:10px;"
    "fill:#777;text-anchor:end}\n"
    ".idle{stroke:#999;stroke-dasharray:3 5;fill:none}\n"
    ".it{fill:#777;font-style:italic}\n"
    ".l{paint-order:stroke;stroke:#fff;stroke-width:3px;"
    "stroke-linejoin:round}\n"
    ".n{paint-order:stroke;stroke:#fff;stroke-width:3px;fill:#444;"
    "font-style:italic}\n"
    ".lb{fill:#fff;fill-opacity:0.9}\n"
    ".bad{fill:#c00;font-weight:bold}\n"
    ".r{stroke-width:2.2;fill:none}\n"
    ".f1{stroke:#1f6fb4}.f2{stroke:#2a9a2a}.f3{stroke:#e07b00}"
    ".f4{stroke:#8a4fbf}.f0{stroke:#555}\n"
    ".lf1{fill:#17548a}.lf2{fill:#1f7a1f}.lf3{fill:#a85c00}"
    ".lf4{fill:#6a3a96}.lf0{fill:#333}.ls{fill:#222}\n"
    ".s{stroke-width:1.4;fill:none}\n"
    ".p{stroke:#888;stroke-width:1.3;stroke-dasharray:1 3;fill:none}\n";

/* Signal kinds: how each is drawn */
static const struct sigkind {
    const char *what, *color, *dash;
} sigkinds[] = {
    { "ready", "#d62728", "6 3" },
    { "ack", "#0f8b8d", "2 3" },
    { "revoke", "#b8860b", "8 3 2 3" },
    { "stop", "#000000", "10 4" },
    { "child", "#d0339b", "1 3" },
    { NULL, "#7f7f7f", "4 4" },         /* any other */
};

static const char *const fifo_color[] = { "#555", "#1f6fb4", "#2a9a2a",
                                          "#e07b00", "#8a4fbf" };

/* What a walk over the items does: items are drawn in two layers, every
   edge and mark first, then every label over them; before both, the
   labels are measured for the picture's width */
enum walk { W_EDGES, W_LABELS, W_MEASURE };

struct svg {
    const struct svg_opts *opts;
    const struct tr_view *v;
    const char *dir;            /* the trace directory, as printed */
    struct st_diagram d;
    const struct tr_procs *procs;
    FILE *f;
    int width;
    int ylo, yhi;               /* the part of the diagram on this page */
    enum walk walk;
    int right;                  /* W_MEASURE: where the labels end, px */
    int *starts;                /* where each page starts, y */
};

static int
sigkind(const char *what)
{
    int k = 0;

    while (sigkinds[k].what != NULL && strcmp(sigkinds[k].what, what) != 0)
        k++;
    return k;
}

static int
lane_x(int lane)
{
    return LEFT + lane * LANE_W + LANE_W / 2;
}

/* Is anything between y1 and y2 on this page? */
static bool
visible(const struct svg *s, int y1, int y2)
{
    int lo = y1 < y2 ? y1 : y2, hi = y1 < y2 ? y2 : y1;

    return hi >= s->ylo - 40 && lo <= s->yhi + 40;
}

static void
marker(FILE *f, const char *id, const char *path, const char *fill,
       const char *stroke)
{
    fprintf(f, "<marker id=\"%s\" viewBox=\"0 0 10 10\" refX=\"9\" "
            "refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" markerUnits="
            "\"userSpaceOnUse\" orient=\"auto\"><path d=\"%s\" fill=\"%s\" "
            "stroke=\"%s\"/></marker>\n", id, path, fill, stroke);
}

/* How wide a label of class cls is drawn: 11 px characters 0.62 em wide
   (DejaVu Sans's widest usual ones), bold ("bad") 10 % wider */
static int
label_width(const char *cls, const char *label)
{
    int chars = 0;

    for (const char *p = label; *p != '\0'; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    return (int)(chars * 11 * 0.62 * (strstr(cls, "bad") != NULL ? 1.1 : 1));
}

/*
 * The label of an item at x, y (its baseline): over an opaque box, so that
 * edges drawn under it never strike it through (W_LABELS), or how far right
 * it reaches (W_MEASURE); nothing while the edges are drawn.
 */
static void
item_text(struct svg *s, int x, int y, const char *cls, const char *label)
{
    int w = label_width(cls, label);

    if (s->walk == W_MEASURE && x + w > s->right)
        s->right = x + w;
    if (s->walk != W_LABELS)
        return;
    fprintf(s->f, "<rect class=\"lb\" x=\"%d\" y=\"%d\" width=\"%d\" "
            "height=\"10\"/>\n", x - 1, y - 8, w + 2);
    svg_text(s->f, x, y, "start", cls, label);
}

/* A line with an arrow head, the style of a record or of a signal kind */
static void
edge(struct svg *s, int x1, int y1, int x2, int y2, const struct tr_item *it,
     bool bad)
{
    int k;

    if (it->kind == TR_ITEM_RECORD) {
        int f = it->fifo >= 1 && it->fifo <= 4 ? it->fifo : 0;

        fprintf(s->f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                "class=\"r f%d\" marker-end=\"url(#%s%d)\"/>\n", x1, y1, x2,
                y2, f, bad ? "x" : "h", bad ? 0 : f);
    } else if (it->kind == TR_ITEM_SIGNAL) {
        k = sigkind(it->what);
        fprintf(s->f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                "class=\"s\" stroke=\"%s\" stroke-dasharray=\"%s\" "
                "marker-end=\"url(#%s%d)\"/>\n", x1, y1, x2, y2,
                sigkinds[k].color, sigkinds[k].dash,
                bad ? "x" : it->fate == TR_FATE_MERGED ? "m" : "s",
                bad ? 0 : k);
    } else {
        fprintf(s->f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                "class=\"p\" marker-end=\"url(#hp)\"/>\n", x1, y1, x2, y2);
    }
}

/* The label of an item: seq's, with a signal's number and a record's wait */
static void
label_of(const struct svg *s, const struct tr_item *it, char *buf, size_t n)
{
    char text[200], sig[24], wait[24];
    size_t w = strlen(it->what);

    tr_fmt_item(s->procs, it, text, sizeof(text));
    if (it->kind == TR_ITEM_SIGNAL && strncmp(text, it->what, w) == 0) {
        const char *rest = text + w;

        tr_signal_name(it->signo, sig, sizeof(sig));
        /* "ready 20154:1" --> "ready SIGRTMIN+2 (36) 20154:1" */
        if (rest[0] == ' ' && strncmp(rest + 1, sig, strlen(sig)) == 0)
            rest += 1 + strlen(sig);
        snprintf(buf, n, "%s %s (%d)%s%s", it->what, sig, it->signo, rest,
                 it->fate == TR_FATE_COALESCED ? ": a lost wake-up" : "");
    } else if (it->kind == TR_ITEM_RECORD && it->t1 > it->t0 &&
               it->fate != TR_FATE_NOWRITE) {
        snprintf(buf, n, "%s, %s ms in the FIFO", text,
                 tr_fmt_ms(it->t1 - it->t0, wait, sizeof(wait)));
    } else {
        snprintf(buf, n, "%s", text);
    }
}

static void
draw_item(struct svg *s, const struct tr_item *it)
{
    int sec = st_section_of(&s->d, tr_item_time(it));
    int la = tr_lane_in(s->d.L, sec, it->from);
    int lb = tr_lane_in(s->d.L, sec, tr_item_receiver(it));
    bool bad = tr_item_undelivered(it);
    int y1 = st_y(&s->d, it->t0), y2, x1, x2, dir;
    char label[256], lcls[24];

    if (la < 0 && (it->kind == TR_ITEM_NOTE || lb < 0))
        return;
    label_of(s, it, label, sizeof(label));
    if (it->kind == TR_ITEM_NOTE) {
        static const char *const fill[] = {
            [TR_NOTE_START] = "#2a9a2a", [TR_NOTE_EXIT] = "#555",
            [TR_NOTE_REAP] = "#8a4fbf", [TR_NOTE_ERROR] = "#c00",
            [TR_NOTE_DROP] = "#c00", [TR_NOTE_RECLAIM] = "#e07b00",
            [TR_NOTE_SETTLED] = "#1f77b4", [TR_NOTE_KILLED] = "#c00",
            [TR_NOTE_VANISHED] = "#c00",
        };
        bool err = it->note == TR_NOTE_ERROR || it->note == TR_NOTE_DROP ||
                   it->note == TR_NOTE_KILLED ||
                   it->note == TR_NOTE_VANISHED;

        if (!visible(s, y1, y1))
            return;
        x1 = lane_x(la);
        item_text(s, x1 + 9, y1 - 3, err ? "n bad" : "n", label);
        if (s->walk != W_EDGES)
            return;
        if (it->note == TR_NOTE_EXIT || it->note == TR_NOTE_KILLED ||
            it->note == TR_NOTE_VANISHED)
            fprintf(s->f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                    "stroke=\"%s\" stroke-width=\"3\"/>\n", x1 - 10, y1,
                    x1 + 10, y1, fill[it->note]);
        if (it->note == TR_NOTE_KILLED)     /* and a cross: killed */
            fprintf(s->f, "<path d=\"M%d,%d L%d,%d M%d,%d L%d,%d\" "
                    "stroke=\"#c00\" stroke-width=\"2\"/>\n", x1 - 6,
                    y1 - 6, x1 + 6, y1 + 6, x1 + 6, y1 - 6, x1 - 6, y1 + 6);
        else
            fprintf(s->f, "<circle cx=\"%d\" cy=\"%d\" r=\"4.5\" "
                    "fill=\"%s\"/>\n", x1, y1, fill[it->note]);
        return;
    }

    /* where it went: its reader's lane at its read, or nowhere (a stub) */
    if (la >= 0 && lb >= 0 && (it->t1 != 0 || it->kind == TR_ITEM_SPAWN)) {
        x1 = lane_x(la);
        x2 = lane_x(lb);
        y2 = it->t1 != 0 ? st_y(&s->d, it->t1) : y1;
    } else if (la >= 0) {       /* level: it stays on its own row */
        x1 = lane_x(la);
        dir = lb >= 0 && lb < la ? -1 : 1;
        x2 = x1 + dir * STUB;
        y2 = y1;
    } else {                    /* from outside the trace */
        y1 = y2 = st_y(&s->d, it->t1 != 0 ? it->t1 : it->t0);
        x2 = lane_x(lb);
        x1 = x2 - STUB;
    }
    if (!visible(s, y1, y2))
        return;
    if (x1 == x2)
        x2 = x1 + 30;           /* to itself */
    dir = x2 > x1 ? 1 : -1;
    if (s->walk == W_EDGES) {
        edge(s, x1, y1, x2 - 2 * dir, y2, it, bad);
        if (it->kind == TR_ITEM_SIGNAL && !bad)     /* colour the label */
            fprintf(s->f, "<circle cx=\"%d\" cy=\"%d\" r=\"2.5\" "
                    "fill=\"%s\"/>\n", x1, y1,
                    sigkinds[sigkind(it->what)].color);
        return;
    }

    if (it->kind == TR_ITEM_RECORD)
        snprintf(lcls, sizeof(lcls), "l lf%d",
                 it->fifo >= 1 && it->fifo <= 4 ? it->fifo : 0);
    else
        snprintf(lcls, sizeof(lcls), "l ls");
    if (bad || it->fate == TR_FATE_MISREAD)
        snprintf(lcls, sizeof(lcls), "l bad");
    /* the label starts right of the edge's left end, so that it never
       runs left into the time column; a stub's label starts clear of its
       cross (past a stub to the right, at its lane for one to the left) */
    if (y2 == y1 && x2 != x1 && bad)
        item_text(s, (x1 < x2 ? x2 : x1) + 6, y1 - 3, lcls, label);
    else if (it->kind == TR_ITEM_SIGNAL && strcmp(it->what, "child") == 0 &&
        y2 > y1)                /* past where it was taken: the exit row
                                   has the child's own label */
        item_text(s, (x1 < x2 ? x1 : x2) + 6, y2 - 3, lcls, label);
    else
        item_text(s, (x1 < x2 ? x1 : x2) + 6, y1 - 3, lcls, label);
}

/* The lane headers of section sec at y (its top, or a repeat) */
static void
headers(struct svg *s, int sec, int y, bool repeat)
{
    const struct tr_section *S = &s->d.L->secs[sec];

    for (int l = 0; l < S->nlanes; l++) {
        const char *label = S->lanes[l].label, *space = strchr(label, ' ');
        int x = lane_x(l);

        fprintf(s->f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                "rx=\"6\" class=\"box g%d\"/>\n", x - LANE_W / 2 + 10, y,
                LANE_W - 20, repeat ? 18 : 34, S->lanes[l].group);
        if (repeat) {
            svg_text(s->f, x, y + 13, "middle", "pid", label);
            continue;
        }
        fprintf(s->f, "<text x=\"%d\" y=\"%d\" class=\"role\">%.*s</text>\n"
                "<text x=\"%d\" y=\"%d\" class=\"pid\">pid %s</text>\n", x,
                y + 14, space != NULL ? (int)(space - label) : 40, label, x,
                y + 28, space != NULL ? space + 1 : "");
    }
}

/* Where this page's lifelines start: below its repeated lane headers'
   band when the page starts with them (paginate()) */
static int
lives_top(const struct svg *s)
{
    for (size_t i = 0; i < s->d.nheaders; i++)
        if (s->d.headers[i].y - 4 == s->ylo)
            return s->d.headers[i].y + ST_HEADER_H + 3;
    return s->ylo;
}

static void
draw_section(struct svg *s, int sec)
{
    const struct st_section *S = &s->d.sections[sec];
    const struct tr_section *T = &s->d.L->secs[sec];
    char title[128];
    int top = lives_top(s);

    if (S->y0 < 0)
        return;                 /* nothing drawn in it */
    if (visible(s, S->y0, S->y0 + ST_SECTION_H)) {
        fprintf(s->f, "<rect x=\"4\" y=\"%d\" width=\"%d\" height=\"%d\" "
                "class=\"sec\"/>\n", S->y0, s->width - 8, ST_SECTION_H - 20);
        if (T->title[0] != '\0')
            snprintf(title, sizeof(title), "experiment '%s'", T->title);
        else
            snprintf(title, sizeof(title), "%d processes", T->nlanes);
        svg_text(s->f, 12, S->y0 + 18, "start", "sect", title);
        headers(s, sec, S->y0 + 30, false);
    }
    for (int i = 0; i < S->nlives; i++) {
        const struct st_life *l = &S->lives[i];
        int x = lane_x(l->lane), y1 = st_y(&s->d, l->first);
        int y2 = st_y(&s->d, l->last);

        if (l->lane < 0 || !visible(s, y1, y2))
            continue;           /* no lane here: drawn in the margin */
        if (y2 > top)
            fprintf(s->f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" "
                    "y2=\"%d\" class=\"life\"/>\n", x, y1 > top ? y1 : top,
                    x, y2);
        if (!l->started) {
            char who[40];

            /* a shared lane: name each newcomer where it begins (its own
               start note there names it, when it has one) */
            tr_proc_label(s->procs, l->vpid, who, sizeof(who));
            if (strcmp(who, T->lanes[l->lane].label) != 0)
                svg_text(s->f, x, y1 - 6, "middle", "pid", who);
        }
    }
}

/* The lane headers again down a tall section, each on an opaque band
   drawn after the edges, so that no edge runs over them */
static void
repeated_headers(struct svg *s)
{
    for (size_t i = 0; i < s->d.nheaders; i++) {
        const struct st_header *h = &s->d.headers[i];

        if (!visible(s, h->y, h->y + ST_HEADER_H))
            continue;
        fprintf(s->f, "<rect class=\"hb\" x=\"4\" y=\"%d\" width=\"%d\" "
                "height=\"%d\" fill=\"#fff\"/>\n", h->y - 3, s->width - 8,
                ST_HEADER_H + 6);
        headers(s, h->sec, h->y, true);
    }
}

/* Where the next legend entry, w px wide, goes: on a new row when the
   picture is too narrow for it */
static void
legend_room(const struct svg *s, int *x, int *y, int w)
{
    if (*x > 12 && *x + w > s->width - 12) {
        *x = 12;
        *y += 20;
    }
}

static void
legend(struct svg *s, int y)
{
    static const char *const fifo_name[] = { "F0", "FIFO1", "FIFO2",
                                             "FIFO3", "FIFO4" };
    struct tr_item it = { .kind = TR_ITEM_RECORD };
    int x = 12;

    for (int f = 1; f <= 4; f++) {
        legend_room(s, &x, &y, 90);
        it.fifo = f;
        edge(s, x, y, x + 30, y, &it, false);
        svg_text(s->f, x + 36, y + 4, "start", "", fifo_name[f]);
        x += 90;
    }
    if (s->d.L->lab_fifo) {     /* F0: the lab's own, labelled "F0 ..." */
        legend_room(s, &x, &y, 150);
        it.fifo = 0;
        edge(s, x, y, x + 30, y, &it, false);
        svg_text(s->f, x + 36, y + 4, "start", "", "F0, a lab's FIFO");
        x += 150;
    }
    it.kind = TR_ITEM_SIGNAL;
    for (int k = 0; sigkinds[k].what != NULL; k++) {
        legend_room(s, &x, &y, 96);
        snprintf(it.what, sizeof(it.what), "%s", sigkinds[k].what);
        edge(s, x, y, x + 30, y, &it, false);
        svg_text(s->f, x + 36, y + 4, "start", "",
                 strcmp(sigkinds[k].what, "child") == 0 ? "SIGCHLD"
                                                        : sigkinds[k].what);
        x += 96;
    }
    legend_room(s, &x, &y, 150);
    it.kind = TR_ITEM_RECORD;
    it.fifo = 0;
    edge(s, x, y, x + 30, y, &it, true);
    svg_text(s->f, x + 36, y + 4, "start", "bad", "never read / taken");
}

/* A stretch where the tracer lost events: a red band across the lanes */
static void
draw_lost(struct svg *s, const struct tr_gap *g)
{
    int y1 = g->begin == 0 ? 0 : st_y(&s->d, g->begin);
    int y2 = g->end == UINT64_MAX ? s->d.height : st_y(&s->d, g->end);
    char what[96];

    if (y2 < y1 + 6)
        y2 = y1 + 6;
    if (!visible(s, y1, y2))
        return;
    fprintf(s->f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
            "fill=\"#c00\" fill-opacity=\"0.12\" stroke=\"#c00\" "
            "stroke-dasharray=\"4 3\"/>\n", LEFT - 70, y1,
            s->width - LEFT + 60, y2 - y1);
    if (g->count > 0)
        snprintf(what, sizeof(what), "the tracer lost %" PRIu64 " events "
                 "here: messages may lack an end", g->count);
    else
        snprintf(what, sizeof(what), "the tracer lost events here: "
                 "messages may lack an end");
    svg_text(s->f, s->width - 16, y1 + 12, "end", "bad", what);
}

/* The top of a page, over whatever the diagram reaches into it: title,
   legend and, on a later page, the experiment it continues (the page
   starts with its repeated lane headers) */
static void
title_band(struct svg *s, int page, int pages)
{
    char ms[32], when[96] = "";

    fprintf(s->f, "<g transform=\"translate(0 %d)\">\n<rect width=\"%d\" "
            "height=\"%d\" fill=\"#fff\"/>\n", s->ylo - TOP, s->width, TOP);
    if (pages > 1)
        snprintf(when, sizeof(when), "; page %d of %d", page + 1, pages);
    svg_text(s->f, 12, 22, "start", "title", s->dir);
    fprintf(s->f, "<text x=\"12\" y=\"40\" class=\"sub\">%zu messages and "
            "notes, %s ms; time flows down, %s%s</text>\n", s->d.nitems,
            tr_fmt_ms(s->d.ntimes > 0 ? s->d.times[s->d.ntimes - 1] -
                      s->d.origin : 0, ms, sizeof(ms)),
            s->d.layout == ST_TIME ? "to scale (idle stretches shortened)"
                                   : "one row per event time", when);
    legend(s, 58);
    fprintf(s->f, "</g>\n");
    if (page > 0) {
        int sec = 0;

        char cont[128];

        for (int i = 1; i < s->d.L->nsecs; i++)
            if (s->d.sections[i].y0 >= 0 &&
                s->d.sections[i].y0 <= s->ylo + 4)
                sec = i;
        if (s->d.L->secs[sec].title[0] != '\0' &&
            s->d.sections[sec].y0 < s->ylo) {
            /* the section this page continues */
            snprintf(cont, sizeof(cont), "experiment '%s' (continued)",
                     s->d.L->secs[sec].title);
            svg_text(s->f, 12, s->ylo - 8, "start", "sect", cont);
        }
    }
}

/* Page 'page' (0-based) of 'pages' into s->f */
static void
draw_page(struct svg *s, int page, int pages)
{
    int height = s->yhi - s->ylo + TOP + BOTTOM;
    char ms[32], title[4200];

    snprintf(title, sizeof(title), "ipclab-trace: %s", s->dir);
    svg_open(s->f, s->width, height, s->ylo - TOP, title, style);
    for (int f = 0; f <= 4; f++) {
        char id[8];

        snprintf(id, sizeof(id), "h%d", f);
        marker(s->f, id, "M0,0 L10,5 L0,10 z", fifo_color[f], fifo_color[f]);
    }
    for (int k = 0; k == 0 || sigkinds[k - 1].what != NULL; k++) {
        char id[8];

        snprintf(id, sizeof(id), "s%d", k);
        marker(s->f, id, "M0,1 L9,5 L0,9", "none", sigkinds[k].color);
    }
    marker(s->f, "hp", "M0,1 L9,5 L0,9", "none", "#888");
    marker(s->f, "x0", "M1,1 L9,9 M9,1 L1,9", "none", "#c00");
    for (int k = 0; k == 0 || sigkinds[k - 1].what != NULL; k++) {
        char id[8];             /* merged, but done anyway: a diamond */

        snprintf(id, sizeof(id), "m%d", k);
        marker(s->f, id, "M1,5 L5,1 L9,5 L5,9 z", "#fff", sigkinds[k].color);
    }
    svg_close_defs(s->f, s->ylo - TOP);
    for (int sec = 0; sec < s->d.L->nsecs; sec++)
        draw_section(s, sec);
    for (size_t i = 0; i < s->d.nidles; i++) {
        const struct st_idle *g = &s->d.idles[i];
        char idle[64];

        if (!visible(s, g->y, g->y))
            continue;
        fprintf(s->f, "<path d=\"M%d,%d", LEFT - 70, g->y);
        for (int x = LEFT - 60; x < s->width - 20; x += 20)
            fprintf(s->f, " L%d,%d", x, g->y + ((x / 20) % 2 ? -4 : 4));
        fprintf(s->f, "\" class=\"idle\"/>\n");
        snprintf(idle, sizeof(idle), "%s ms idle",
                 tr_fmt_ms(g->to - g->from, ms, sizeof(ms)));
        svg_text(s->f, s->width - 16, g->y - 8, "end", "it", idle);
    }
    for (size_t i = 0; i < s->d.L->ngaps; i++)
        draw_lost(s, &s->d.L->gaps[i]);
    for (size_t i = 0, last = 0; i < s->d.ntimes; i++) {
        int y = s->d.ys[i];

        if ((i > 0 && y < (int)last + 13) || !visible(s, y, y))
            continue;
        svg_text(s->f, LEFT - 10, y + 4, "end", "t",
                 tr_fmt_ms(s->d.times[i] - s->d.origin, ms, sizeof(ms)));
        last = (size_t)y;
    }
    for (s->walk = W_EDGES; s->walk <= W_LABELS; s->walk++)
        for (size_t i = 0; i < s->d.nitems; i++)
            draw_item(s, &s->d.items[i]);
    repeated_headers(s);
    title_band(s, page, pages);
}

static void
svg_item(struct tr_layout *L, const struct tr_item *it, void *arg)
{
    struct svg *s = arg;

    (void)L;
    st_add(&s->d, it);
}

/* The file of page 'page' of 'pages': NAME-N.svg, NAME.svg, or "-" */
static void
page_path(const struct svg *s, int page, int pages, char *path, size_t size)
{
    const char *out = s->opts->output;
    size_t n;

    if (out == NULL || strcmp(out, "-") == 0) {
        snprintf(path, size, "-");
        return;
    }
    n = strlen(out);
    if (n > 4 && strcmp(out + n - 4, ".svg") == 0)
        n -= 4;
    if (pages > 1)
        snprintf(path, size, "%.*s-%d.svg", (int)n, out, page + 1);
    else
        snprintf(path, size, "%.*s.svg", (int)n, out);
}

/* Write page 'page' of 'pages' to its file (or stdout); 0 or -1 */
static int
write_page(struct svg *s, int page, int pages)
{
    char path[4096];

    s->ylo = s->starts[page];
    s->yhi = page + 1 < pages ? s->starts[page + 1] : s->d.height;
    page_path(s, page, pages, path, sizeof(path));
    if ((s->f = svg_create(path)) == NULL)
        return -1;
    draw_page(s, page, pages);
    if (svg_finish(s->f, path) == -1)
        return -1;
    if (strcmp(path, "-") != 0)
        printf("%s\n", path);
    return 0;
}

/* Is the part [since, until] (ns after the trace's first event; the
   items --since/--until would keep) one picture? -1: out of memory */
static int
part_fits(const struct svg *s, uint64_t since, uint64_t until)
{
    struct st_diagram p;
    struct tr_view part = *s->v;
    int fits = -1;

    part.since = since;
    part.until = until;
    st_init(&p, s->d.layout);
    p.origin = s->d.origin;
    for (size_t i = 0; i < s->d.nitems; i++)
        if (tr_view_keeps(&part, s->d.origin, &s->d.items[i]))
            st_add(&p, &s->d.items[i]);
    if (!p.oom && st_layout(&p, s->d.L, 0) == 0)
        fits = p.height + BOTTOM + TOP <= MAX_H;
    st_free(&p);
    return fits;
}

/*
 * Too tall for one picture and no --output: say what draws a part. The
 * part is laid out as that command would lay it out (its records read
 * after --until are drawn to their reads), and is the longest one from
 * the start that fits; the times are whole microseconds, as printed.
 */
static void
refuse(const struct svg *s, int pages)
{
    char since[32], until[32], last[32], end[48] = "";
    uint64_t from = (s->d.times[0] - s->d.origin) / 1000 * 1000;
    size_t lo = 0, hi = s->d.ntimes;    /* times[lo] fits, times[hi] not */
    int fits = 1;

    if (from < s->v->since)             /* --since was not whole us */
        from = (s->v->since + 999) / 1000 * 1000;
    while (hi - lo > 1 && fits != -1) {
        size_t mid = lo + (hi - lo) / 2;

        fits = part_fits(s, from, (s->d.times[mid] - s->d.origin) / 1000 *
                                  1000);
        if (fits == 1)
            lo = mid;
        else
            hi = mid;
    }
    if (lo == 0) {              /* not even its first moment, or no memory */
        ipc_warnx("the picture would be %d px tall: SVG renderers draw at "
                  "most 32767. Write it as %d numbered pages: --output "
                  "NAME.svg", s->d.height, pages);
        return;
    }
    tr_fmt_ms(from, since, sizeof(since));
    tr_fmt_ms((s->d.times[lo] - s->d.origin) / 1000 * 1000, until,
              sizeof(until));
    if (s->v->until != UINT64_MAX)      /* the rest ends where asked */
        snprintf(end, sizeof(end), " --until %sms",
                 tr_fmt_ms(s->v->until, last, sizeof(last)));
    ipc_warnx("the picture would be %d px tall: SVG renderers draw at most "
              "32767. Draw a part:\n  %s svg%s --since %sms --until %sms %s"
              " > part.svg", s->d.height, ipc_progname(), s->opts->scope_args,
              since, until, s->dir);
    switch (part_fits(s, (s->d.times[lo] - s->d.origin) / 1000 * 1000,
                      UINT64_MAX)) {
    case 1:
        fprintf(stderr, "and the rest:\n  %s svg%s --since %sms%s %s > "
                "rest.svg\n", ipc_progname(), s->opts->scope_args, until,
                end, s->dir);
        break;
    case 0:
        fprintf(stderr, "The rest, from --since %sms, is too tall for one "
                "picture as well: draw it as pages (--output NAME.svg).\n",
                until);
        break;
    default:
        break;
    }
    fprintf(stderr, "Or write it all as %d numbered pages: --output "
            "NAME.svg\n", pages);
}

/* A signal the kernel sent when a process ended (SIGCHLD, the parent-death
   SIGTERM): an edge as every signal's, from where that process ended (its
   lifeline ends there) to the consumption */
static void
kernel_sent_from_exit(struct svg *s)
{
    for (size_t i = 0; i < s->d.nitems; i++) {
        uint64_t sent = tr_kernel_sent(s->procs, &s->d.items[i]);

        if (sent != 0)
            s->d.items[i].t0 = sent;
    }
}

/*
 * Where each page starts (s->starts), and how many: a page ends where the
 * last repeated header (or section) that fits in PAGE_H begins, so the
 * next starts with it. -1: out of memory.
 */
static int
paginate(struct svg *s)
{
    int n = 0, ylo = 0;

    for (;;) {
        int next = ylo + PAGE_H, best = -1;
        int *more = realloc(s->starts, (size_t)(n + 1) * sizeof(*more));

        if (more == NULL)
            return -1;
        s->starts = more;
        s->starts[n++] = ylo;
        if (s->d.height + TOP - ylo <= MAX_H)
            break;
        for (size_t i = 0; i < s->d.nheaders; i++)
            if (s->d.headers[i].y - 4 > ylo && s->d.headers[i].y - 4 <= next)
                best = s->d.headers[i].y - 4;
        for (int i = 1; i < s->d.L->nsecs; i++)
            if (s->d.sections[i].y0 >= 0 && s->d.sections[i].y0 - 4 > ylo &&
                s->d.sections[i].y0 - 4 <= next &&
                s->d.sections[i].y0 - 4 > best)
                best = s->d.sections[i].y0 - 4;
        ylo = best > ylo ? best : next;     /* none: a row may be cut */
    }
    return n;
}

/* Remove the files of the first 'n' of 'pages' pages: a failure leaves
   no page set that looks whole, nor a page cut short */
static void
remove_pages(const struct svg *s, int n, int pages)
{
    char path[4096];

    for (int p = 0; p < n; p++) {
        page_path(s, p, pages, path, sizeof(path));
        if (strcmp(path, "-") != 0 && unlink(path) == -1 && errno != ENOENT)
            ipc_warn("cannot remove '%s'", path);
    }
}

static int
svg_end(struct tr_layout *L, void *arg)
{
    struct svg *s = arg;
    int pages;

    s->procs = L->procs;
    s->d.origin = L->origin;
    kernel_sent_from_exit(s);
    if (st_layout(&s->d, L, 0) == -1) {
        ipc_warnx("out of memory laying out '%s'", s->dir);
        return -1;
    }
    s->d.height += BOTTOM;
    s->width = LEFT + (s->d.max_lanes > 0 ? s->d.max_lanes : 1) * LANE_W +
               RIGHT;
    /* wide enough for its longest label */
    s->walk = W_MEASURE;
    s->ylo = 0;
    s->yhi = s->d.height;
    for (size_t i = 0; i < s->d.nitems; i++)
        draw_item(s, &s->d.items[i]);
    if (s->right + 16 > s->width)
        s->width = s->right + 16;
    if ((pages = paginate(s)) == -1) {
        ipc_warnx("out of memory laying out '%s'", s->dir);
        return -1;
    }
    if (pages > 1 && s->opts->output == NULL) {
        refuse(s, pages);
        return -1;
    }
    for (int p = 0; p < pages; p++) {
        if (write_page(s, p, pages) == -1) {
            remove_pages(s, s->f != NULL ? p + 1 : p, pages);
            return -1;
        }
    }
    return 0;
}

int
cmd_svg_run(const struct cmd_args *args)
{
    static const struct tr_diagram_ops ops = { NULL, svg_item, svg_end,
                                               NULL };
    struct svg s = { .opts = &args->svg, .v = &args->view,
                     .dir = args->shown };
    int rc;

    st_init(&s.d, args->svg.layout);
    rc = tr_diagram_run(args->dir, &args->view, ST_MAX_LANES, &ops, &s) == 0
         ? 0 : CMD_FAILED;
    st_free(&s.d);
    free(s.starts);
    return rc;
}
