/*
 * trace/cmd.h - the subcommands of ipclab-trace, as main.c calls them.
 *
 * Each takes the parsed command line and returns the exit status: 0 when
 * it did its job (check: when the protocol holds), 1 otherwise, after
 * printing why. Usage errors never get here: main.c exits 2 for them.
 */
#ifndef IPCLAB_TRACE_CMD_H
#define IPCLAB_TRACE_CMD_H

#include <stdbool.h>

#include "spacetime.h"
#include "view.h"

struct seq_opts {
    int width;                  /* columns to fit in (--width) */
    bool ascii;                 /* plain ASCII instead of box drawing */
};

/* seq DIR: the text sequence diagram (seq.c) */
int
cmd_seq_run(const char *dir, const struct tr_view *v,
            const struct seq_opts *opts);

struct svg_opts {
    enum st_layout layout;      /* --layout time | order */
    const char *output;         /* --output NAME.svg, or NULL: stdout */
    const char *scope_args;     /* " --server S --pid P --layout L": every
                                   option but --since/--until that shapes
                                   the picture, for advice */
};

/* svg DIR: the space-time diagram as SVG (svg.c) */
int
cmd_svg_run(const char *dir, const struct tr_view *v,
            const struct svg_opts *opts);

/* chrome DIR: Chrome trace-event JSON for Perfetto (chrome.c) */
int
cmd_chrome_run(const char *dir);

/* stats DIR: counts and latencies (stats.c) */
int
cmd_stats_run(const char *dir);

/* overlap DIR: requests of clients in the server at once (overlap.c) */
int
cmd_overlap_run(const char *dir);

/* shiviz DIR: a ShiViz log with vector clocks (shiviz.c) */
int
cmd_shiviz_run(const char *dir);

/* states DIR: time per state per process (states.c) */
int
cmd_states_run(const char *dir);

/* check DIR: the protocol check (check.c) */
int
cmd_check_run(const char *dir);

#endif /* IPCLAB_TRACE_CMD_H */
