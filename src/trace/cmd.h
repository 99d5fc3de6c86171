/*
 * trace/cmd.h - the subcommands of ipclab-trace, as main.c calls them.
 *
 * Each takes the parsed command line and returns the exit status of its
 * result: 0 when it did its job (check: when the protocol holds; 1 for
 * violations, 3 when not verified), or CMD_FAILED after printing why it
 * could not: main.c then exits 1 and writes none of what it printed.
 * Usage errors never get here: main.c exits 2 for them.
 */
#ifndef IPCLAB_TRACE_CMD_H
#define IPCLAB_TRACE_CMD_H

#include <stdbool.h>

#include "spacetime.h"
#include "view.h"

#define CMD_FAILED (-1)         /* no result: its output is not written */

struct seq_opts {
    int width;                  /* columns to fit in (--width) */
    bool ascii;                 /* plain ASCII instead of box drawing */
};

struct svg_opts {
    enum st_layout layout;      /* --layout time | order */
    const char *output;         /* --output NAME.svg, or NULL: stdout */
    const char *scope_args;     /* " --server S --pid P --layout L": every
                                   option but --since/--until that shapes
                                   the picture, for advice */
};

/* The command line, parsed: what every command gets */
struct cmd_args {
    const char *dir;            /* the trace directory */
    const char *shown;          /* its name as outputs print it (decode.h) */
    struct tr_view view;        /* seq and svg: what to draw */
    struct seq_opts seq;
    struct svg_opts svg;
};

/* seq DIR: the text sequence diagram (seq.c) */
int
cmd_seq_run(const struct cmd_args *args);

/* svg DIR: the space-time diagram as SVG (svg.c) */
int
cmd_svg_run(const struct cmd_args *args);

/* chrome DIR: Chrome trace-event JSON for Perfetto (chrome.c) */
int
cmd_chrome_run(const struct cmd_args *args);

/* stats DIR: counts and latencies (stats.c) */
int
cmd_stats_run(const struct cmd_args *args);

/* overlap DIR: requests of clients in the server at once (overlap.c) */
int
cmd_overlap_run(const struct cmd_args *args);

/* shiviz DIR: a ShiViz log with vector clocks (shiviz.c) */
int
cmd_shiviz_run(const struct cmd_args *args);

/* states DIR: time per state per process (states.c) */
int
cmd_states_run(const struct cmd_args *args);

/* check DIR: the protocol check (check.c) */
int
cmd_check_run(const struct cmd_args *args);

#endif /* IPCLAB_TRACE_CMD_H */
