/*
 * trace/svg.c - ipclab-trace svg: the sequence diagram as an SVG picture.
 *
 * The same rows as 'seq' (diagram.c gives both the same lanes and order):
 * time runs down, one row per arrow or note, so no two labels can overlap;
 * each label sits just above its own arrow with a white halo, readable
 * over the lane lines it crosses. Records are solid arrows coloured by
 * FIFO, signals thin dashed red arrows with open heads, a message that was
 * never delivered ends in a cross. A dashed rule marks a pause of more than
 * GAP_NS between two rows. Everything is written as it comes: the picture
 * streams like the text diagram does.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ipclab/err.h"
#include "cmd.h"
#include "diagram.h"
#include "label.h"

#define LEFT 84                 /* the time column */
#define LANE_W 136              /* between two lanes */
#define RIGHT 280               /* room for notes right of the last lane */
#define HEAD_Y 44               /* lane boxes */
#define TOP 118                 /* first row */
#define ROW_H 24
#define BOTTOM 80               /* the legend */
#define MAX_LANES_BEFORE_SHARING 16
#define GAP_NS 5000000          /* a pause worth marking: 5 ms */
#define MANY_ROWS 5000          /* more is more than a browser likes */

static const char *const style =
    "text{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;"
    "font-size:12px;fill:#222}\n"
    ".title{font-size:15px;font-weight:bold}\n"
    ".sub{fill:#555}\n"
    ".lane{stroke:#b8b8b8;stroke-width:1.2}\n"
    ".box{stroke:#777;stroke-width:1}\n"
    ".g0{fill:#e3ecfb}.g1{fill:#fde3e1}.g2{fill:#e2f4e2}.g3{fill:#eeeeee}\n"
    ".role{font-weight:bold;text-anchor:middle}\n"
    ".pid{text-anchor:middle;fill:#444;font-size:11px}\n"
    ".t{font-family:'DejaVu Sans Mono',monospace;font-size:11px;"
    "fill:#777;text-anchor:end}\n"
    ".gap{stroke:#ccc;stroke-dasharray:2 4}\n"
    ".l{paint-order:stroke;stroke:#fff;stroke-width:4px;"
    "stroke-linejoin:round;text-anchor:middle}\n"
    ".n{paint-order:stroke;stroke:#fff;stroke-width:4px;"
    "stroke-linejoin:round;fill:#444;font-style:italic}\n"
    ".bad{fill:#c00;font-weight:bold}\n"
    ".f1{stroke:#1f6fb4}.f2{stroke:#2a9a2a}.f3{stroke:#e07b00}"
    ".f4{stroke:#8a4fbf}.f0{stroke:#555}\n"
    ".r{stroke-width:2;fill:none}\n"
    ".s{stroke:#d62728;stroke-width:1.3;stroke-dasharray:6 3;fill:none}\n"
    ".p{stroke:#888;stroke-width:1.3;stroke-dasharray:1 3;fill:none}\n"
    ".lf1{fill:#17548a}.lf2{fill:#1f7a1f}.lf3{fill:#a85c00}"
    ".lf4{fill:#6a3a96}.lf0{fill:#333}.ls{fill:#b01c1d}.lp{fill:#666}\n";

struct svg {
    int rows;                   /* rows drawn so far */
    uint64_t last;              /* time of the last row */
};

/* Write s with XML's special characters escaped. */
static void
xml(const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '&': fputs("&amp;", stdout); break;
        case '<': fputs("&lt;", stdout); break;
        case '>': fputs("&gt;", stdout); break;
        case '"': fputs("&quot;", stdout); break;
        default:  putchar(*s); break;
        }
    }
}

static int
lane_x(int lane)
{
    return LEFT + lane * LANE_W + LANE_W / 2;
}

static void
marker(const char *id, const char *path, const char *fill, const char *stroke)
{
    printf("<marker id=\"%s\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
           "markerWidth=\"9\" markerHeight=\"9\" markerUnits="
           "\"userSpaceOnUse\" orient=\"auto\"><path d=\"%s\" fill=\"%s\" "
           "stroke=\"%s\"/></marker>\n", id, path, fill, stroke);
}

static void
svg_begin(struct tr_layout *L, void *arg)
{
    struct svg *s = arg;
    int rows = (int)L->nitems, width, height;
    char ms[32];

    (void)s;
    if (L->nitems > MANY_ROWS)
        ipc_warnx("%" PRIu64 " rows make a huge picture: --since, --until, "
                  "--pid or --request draw a part", L->nitems);
    for (int l = 0; l < L->nlanes; l++)
        rows += L->lanes[l].nprocs - 1;     /* lane takeovers, at most */
    width = LEFT + L->nlanes * LANE_W + RIGHT;
    height = TOP + rows * ROW_H + BOTTOM;
    printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
           "height=\"%d\" viewBox=\"0 0 %d %d\">\n<title>ipclab-trace: ",
           width, height, width, height);
    xml(L->dir);
    printf("</title>\n<defs>\n<style>\n%s</style>\n", style);
    static const char *const colors[] = { "#555", "#1f6fb4", "#2a9a2a",
                                          "#e07b00", "#8a4fbf" };
    for (int f = 0; f <= 4; f++) {
        char id[8];

        snprintf(id, sizeof(id), "h%d", f);
        marker(id, "M0,0 L10,5 L0,10 z", colors[f], colors[f]);
    }
    marker("hs", "M0,1 L9,5 L0,9", "none", "#d62728");
    marker("hp", "M0,1 L9,5 L0,9", "none", "#888");
    marker("hx", "M1,1 L9,9 M9,1 L1,9", "none", "#c00");
    printf("</defs>\n<rect width=\"100%%\" height=\"100%%\" "
           "fill=\"#fff\"/>\n<text x=\"12\" y=\"22\" class=\"title\">");
    xml(L->dir);
    printf("</text>\n<text x=\"12\" y=\"38\" class=\"sub\">%d processes, "
           "%" PRIu64 " rows, %s ms; time runs down</text>\n", L->nprocs,
           L->nitems, tr_fmt_ms(L->end - L->origin, ms, sizeof(ms)));
    printf("<text x=\"%d\" y=\"%d\" class=\"t\">ms</text>\n", LEFT - 10,
           TOP - 24);

    for (int l = 0; l < L->nlanes; l++) {
        const struct tr_lane *ln = &L->lanes[l];
        const char *space = strchr(ln->label, ' ');
        int x = lane_x(l);

        printf("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
               "class=\"lane\"/>\n", x, HEAD_Y + 38, x,
               TOP + rows * ROW_H);
        printf("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"38\" rx=\"6\" "
               "class=\"box g%d\"/>\n", x - LANE_W / 2 + 8, HEAD_Y,
               LANE_W - 16, (int)ln->group);
        printf("<text x=\"%d\" y=\"%d\" class=\"role\">%.*s</text>\n", x,
               HEAD_Y + 16, space != NULL ? (int)(space - ln->label) : 40,
               ln->label);
        printf("<text x=\"%d\" y=\"%d\" class=\"pid\">pid %s", x,
               HEAD_Y + 31, space != NULL ? space + 1 : "");
        if (ln->nprocs > 1)
            printf(" +%d more", ln->nprocs - 1);   /* a shared lane */
        printf("</text>\n");
    }
}

/* Start a row: its time on the left, a rule after a long pause. */
static int
row(struct svg *s, const struct tr_layout *L, uint64_t t)
{
    int y = TOP + s->rows * ROW_H;
    char ms[32];

    if (s->rows > 0 && t > s->last + GAP_NS)
        printf("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
               "class=\"gap\"/>\n", LEFT - 70, y - ROW_H / 2 - 2,
               lane_x(L->nlanes - 1) + LANE_W / 2, y - ROW_H / 2 - 2);
    printf("<text x=\"%d\" y=\"%d\" class=\"t\">%s</text>\n", LEFT - 10,
           y + 4, tr_fmt_ms(t - L->origin, ms, sizeof(ms)));
    s->rows++;
    s->last = t;
    return y;
}

static void
take_lane(struct svg *s, struct tr_layout *L, const struct tr_item *it,
          int vpid)
{
    int lane = tr_lane_of(L, vpid), y, x;
    char who[40];

    if (lane < 0 || L->lanes[lane].owner == vpid)
        return;
    L->lanes[lane].owner = vpid;
    if (it->kind == TR_ITEM_NOTE && it->note == TR_NOTE_START &&
        it->from == vpid)
        return;
    y = row(s, L, tr_item_time(it));
    x = lane_x(lane);
    printf("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"16\" rx=\"4\" "
           "class=\"box g%d\"/>\n<text x=\"%d\" y=\"%d\" class=\"role\">",
           x - LANE_W / 2 + 14, y - 8, LANE_W - 28,
           (int)L->lanes[lane].group, x, y + 4);
    xml(tr_proc_label(L->procs, vpid, who, sizeof(who)));
    printf("</text>\n");
}

static void
note(int x, int y, const struct tr_item *it, const char *label)
{
    static const char *const fill[] = {
        [TR_NOTE_START] = "#2a9a2a", [TR_NOTE_EXIT] = "#777",
        [TR_NOTE_REAP] = "#8a4fbf", [TR_NOTE_ERROR] = "#c00",
        [TR_NOTE_DROP] = "#c00", [TR_NOTE_RECLAIM] = "#e07b00",
    };

    printf("<circle cx=\"%d\" cy=\"%d\" r=\"4.5\" fill=\"%s\"/>\n"
           "<text x=\"%d\" y=\"%d\" class=\"n%s\">", x, y, fill[it->note],
           x + 9, y + 4, it->note == TR_NOTE_ERROR ||
           it->note == TR_NOTE_DROP ? " bad" : "");
    xml(label);
    printf("</text>\n");
}

static void
svg_item(struct tr_layout *L, const struct tr_item *it, void *arg)
{
    struct svg *s = arg;
    int to = it->to != 0 ? it->to : it->addressee;
    int la = tr_lane_of(L, it->from), lb = tr_lane_of(L, to);
    int bad = it->fate == TR_FATE_UNREAD || it->fate == TR_FATE_RECLAIMED ||
              it->fate == TR_FATE_LOST || it->fate == TR_FATE_COALESCED;
    int x1, x2, y, f = it->fifo >= 1 && it->fifo <= 4 ? it->fifo : 0;
    char label[256], cls[16], head[8], lcls[24];

    if (la < 0 && (it->kind == TR_ITEM_NOTE || lb < 0))
        return;
    take_lane(s, L, it, it->from);
    if (it->kind != TR_ITEM_NOTE)
        take_lane(s, L, it, to);
    y = row(s, L, tr_item_time(it));
    tr_fmt_item(L->procs, it, label, sizeof(label));
    if (it->kind == TR_ITEM_NOTE) {
        note(lane_x(la), y, it, label);
        return;
    }

    x1 = la >= 0 ? lane_x(la) : lane_x(lb) - 70;
    x2 = lb >= 0 ? lane_x(lb) : lane_x(la) + 70;
    if (x1 == x2)
        x2 = x1 + 40;           /* to itself: a short stub */
    x2 += x2 > x1 ? -2 : 2;     /* the head touches the lane line */
    if (it->kind == TR_ITEM_RECORD) {
        snprintf(cls, sizeof(cls), "r f%d", f);
        snprintf(head, sizeof(head), "h%d", f);
        snprintf(lcls, sizeof(lcls), "lf%d", f);
    } else {
        snprintf(cls, sizeof(cls), it->kind == TR_ITEM_SIGNAL ? "s" : "p");
        snprintf(head, sizeof(head), it->kind == TR_ITEM_SIGNAL ? "hs"
                                                                 : "hp");
        snprintf(lcls, sizeof(lcls), it->kind == TR_ITEM_SIGNAL ? "ls"
                                                                 : "lp");
    }
    if (bad)
        snprintf(head, sizeof(head), "hx");
    if (bad || it->fate == TR_FATE_MISREAD)
        snprintf(lcls, sizeof(lcls), "bad");
    printf("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"%s\" "
           "marker-end=\"url(#%s)\"/>\n<text x=\"%d\" y=\"%d\" "
           "class=\"l %s\">", x1, y, x2, y, cls, head, (x1 + x2) / 2, y - 5,
           lcls);
    xml(label);
    printf("</text>\n");
}

static void
svg_end(struct tr_layout *L, void *arg)
{
    struct svg *s = arg;
    int y = TOP + s->rows * ROW_H + 30, x = 20;
    static const struct { const char *cls, *head, *text; } legend[] = {
        { "r f1", "h1", "FIFO1" }, { "r f3", "h3", "FIFO3" },
        { "r f4", "h4", "FIFO4" }, { "r f2", "h2", "FIFO2" },
        { "s", "hs", "signal" }, { "p", "hp", "spawn" },
        { "r f0", "hx", "never delivered" },
    };

    (void)L;
    for (size_t i = 0; i < sizeof(legend) / sizeof(legend[0]); i++) {
        printf("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"%s\" "
               "marker-end=\"url(#%s)\"/>\n<text x=\"%d\" y=\"%d\">%s"
               "</text>\n", x, y, x + 40, y, legend[i].cls, legend[i].head,
               x + 48, y + 4, legend[i].text);
        x += 60 + 8 * (int)strlen(legend[i].text);
    }
    printf("</svg>\n");
}

int
cmd_svg_run(const char *dir, const struct tr_view *v)
{
    static const struct tr_diagram_ops ops = { svg_begin, svg_item, svg_end };
    struct svg s = { 0, 0 };

    return tr_diagram_run(dir, v, MAX_LANES_BEFORE_SHARING, &ops, &s) == 0
           ? 0 : 1;
}
