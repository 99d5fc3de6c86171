/*
 * bench/plot.c - the plot: throughput and latency against the number of
 * clients, one line per configuration (pool or per-request, rt or
 * classic), solid when pinned, dashed when not. Drawn with the kit's SVG
 * writer (src/trace/svgout.h), so 'make bench' needs no plotting package;
 * both axes are logarithmic because the configurations differ by orders
 * of magnitude.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ipclab/err.h"
#include "bench.h"
#include "svgout.h"

#define W 980                   /* the whole picture */
#define H 470
#define PW 380                  /* one panel's plotting area */
#define PH 300
#define TOP 60

struct panel {
    const char *title, *key, *unit;
    int x0;                     /* left edge of the plotting area */
    double lo, hi;              /* decades around the data */
    /* the medians: [spawn * 2 + signals][pinned][client count] */
    double v[4][2][MAX_CLIENT_COUNTS];
};

static const char *const colours[] = { "#1f77b4", "#ff7f0e", "#2ca02c",
                                       "#d62728" };

/* The panel's values, and the decades around them */
static void
fill(const struct config *c, const struct plan *p, struct panel *pn)
{
    double lo = INFINITY, hi = -INFINITY;
    char id[48];

    for (int k = 0; k < 4; k++)
        for (int pinned = 0; pinned < 2; pinned++)
            for (int i = 0; i < c->nclients; i++) {
                double *v = &pn->v[k][pinned][i];

                sweep_id(id, sizeof(id), k / 2, k % 2, c->clients[i]);
                *v = series_stat(plan_series(p, id, pinned, pn->key),
                                 c->rounds).med;
                lo = *v > 0 && *v < lo ? *v : lo;
                hi = *v > 0 && *v > hi ? *v : hi;
            }
    pn->lo = isfinite(lo) ? pow(10, floor(log10(lo))) : 1;
    pn->hi = isfinite(hi) ? pow(10, ceil(log10(hi))) : 10;
    if (pn->hi <= pn->lo)
        pn->hi = pn->lo * 10;
}

static double
xpos(const struct config *c, const struct panel *pn, int i)
{
    double first = log2((double)c->clients[0]);
    double last = log2((double)c->clients[c->nclients - 1]);
    double span = last > first ? last - first : 1;

    return pn->x0 + 20 + (PW - 40) * (log2((double)c->clients[i]) - first) /
           span;
}

static double
ypos(const struct panel *pn, double v)
{
    return TOP + PH - PH * (log10(v) - log10(pn->lo)) /
           (log10(pn->hi) - log10(pn->lo));
}

static void
decade_label(char *buf, size_t size, double v)
{
    static const char *const suffix[] = { "", "k", "M", "G" };
    int k = 0;

    while (v >= 1000 && k < 3) {
        v /= 1000;
        k++;
    }
    snprintf(buf, size, "%g%s", v, suffix[k]);
}

static void
axes(FILE *f, const struct config *c, const struct panel *pn)
{
    svg_text(f, pn->x0 + PW / 2, TOP - 12, "middle", "t", pn->title);
    fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
            "class=\"box\"/>\n", pn->x0, TOP, PW, PH);
    for (double v = pn->lo; v <= pn->hi * 1.0001; v *= 10) {
        char label[16];
        double y = ypos(pn, v);

        decade_label(label, sizeof(label), v);
        fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                "class=\"g\"/>\n", pn->x0, y, pn->x0 + PW, y);
        svg_text(f, pn->x0 - 6, (int)lround(y) + 4, "end", "", label);
    }
    for (int i = 0; i < c->nclients; i++) {
        char label[24];
        double x = xpos(c, pn, i);

        snprintf(label, sizeof(label), "%ld", c->clients[i]);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                "class=\"g\"/>\n", x, TOP, x, TOP + PH);
        svg_text(f, (int)lround(x), TOP + PH + 16, "middle", "", label);
    }
    svg_text(f, pn->x0 + PW / 2, TOP + PH + 34, "middle", "", "clients");
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
            "transform=\"rotate(-90 %d %d)\">%s</text>\n", pn->x0 - 48,
            TOP + PH / 2, pn->x0 - 48, TOP + PH / 2, pn->unit);
}

/* One line per configuration, solid pinned with its points, else dashed */
static void
lines(FILE *f, const struct config *c, const struct panel *pn)
{
    for (int k = 0; k < 4; k++) {
        for (int pinned = 1; pinned >= 0; pinned--) {
            fprintf(f, "<polyline class=\"%s\" stroke=\"%s\" points=\"",
                    pinned ? "pin" : "unp", colours[k]);
            for (int i = 0; i < c->nclients; i++)
                if (pn->v[k][pinned][i] > 0)
                    fprintf(f, "%.1f,%.1f ", xpos(c, pn, i),
                            ypos(pn, pn->v[k][pinned][i]));
            fprintf(f, "\"/>\n");
            for (int i = 0; pinned && i < c->nclients; i++)
                if (pn->v[k][pinned][i] > 0)
                    fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
                            "fill=\"%s\"/>\n", xpos(c, pn, i),
                            ypos(pn, pn->v[k][pinned][i]), colours[k]);
        }
    }
}

static void
legend(FILE *f)
{
    char what[32];

    for (int k = 0; k < 4; k++) {
        fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                "class=\"pin\" stroke=\"%s\"/>\n", 70 + 170 * k, H - 40,
                94 + 170 * k, H - 40, colours[k]);
        snprintf(what, sizeof(what), "%s, %s", sweep_spawns[k / 2],
                 sweep_sigs[k % 2]);
        svg_text(f, 100 + 170 * k, H - 36, "start", "", what);
    }
    svg_text(f, 70, H - 16, "start", "", "solid: every process pinned to "
             "one CPU; dashed: unpinned. Medians over rounds.");
}

void
plot_write(const struct config *c, const struct plan *p, const char *path)
{
    static const char *const style =
        "text{font-family:sans-serif;font-size:12px}\n"
        ".box{fill:none;stroke:#444}.g{stroke:#ddd}.t{font-size:14px}\n"
        ".pin{fill:none;stroke-width:2}\n"
        ".unp{fill:none;stroke-width:1.5;stroke-dasharray:5 4;opacity:.6}\n";
    static struct panel thr = { "throughput", "throughput", "requests/s",
                                80, 0, 0, { { { 0 } } } };
    static struct panel lat = { "latency p50 (median of the clients)",
                                "p50_us", "microseconds", 80 + PW + 130, 0,
                                0, { { { 0 } } } };
    char title[160];
    FILE *f = svg_create(path);

    if (f == NULL)
        exit(IPCLAB_EXIT_FAILURE);
    fill(c, p, &thr);
    fill(c, p, &lat);
    snprintf(title, sizeof(title), "ipclab: the reference system against "
             "the number of clients (1 request in flight per client)");
    svg_open(f, W, H, 0, title, style);
    svg_close_defs(f, 0);
    svg_text(f, W / 2, 22, "middle", "t", title);
    axes(f, c, &thr);
    axes(f, c, &lat);
    lines(f, c, &thr);
    lines(f, c, &lat);
    legend(f);
    if (svg_finish(f, path) == -1)
        exit(IPCLAB_EXIT_FAILURE);
}
