/*
 * trace/diagram.h - sequence diagrams: lanes, then arrows in time order.
 *
 * A diagram needs its lanes before its first row, but a trace says which
 * processes exist only as it goes. So a diagram reads the trace twice, in
 * bounded memory both times:
 *
 *   pass 1  match and filter every item, note which processes are drawn
 *           and from when to when; then lay out the lanes
 *   pass 2  match and filter again, and hand each item to the renderer in
 *           time order (order.h), as a row
 *
 * A lab trace is cut into sections, one per experiment (the lab binary
 * marks each with its own proc_state, read before pass 1), and each
 * section has the lanes of only the processes it draws. Lanes are grouped
 * as in the design picture: requesting clients on the left, the server,
 * then the processing clients. When a section has more processes than
 * 'max_lanes', processes of one group whose lifetimes do not overlap share
 * a lane (per-request workers, one after the other); a renderer shows the
 * change of owner with the newcomer's label.
 */
#ifndef IPCLAB_TRACE_DIAGRAM_H
#define IPCLAB_TRACE_DIAGRAM_H

#include <stdbool.h>
#include <stdint.h>

#include "hash.h"
#include "match.h"
#include "procs.h"
#include "source.h"
#include "view.h"

struct tr_lane {
    char label[40];             /* "rc 20154": its first process */
    enum tr_group group;
    int owner;                  /* renderers: who is in it now */
};

/* An experiment of a lab trace (or the whole trace) and its lanes */
struct tr_section {
    uint64_t t0;                /* where it starts; the first section also
                                   holds what comes before */
    char title[72];             /* the experiment, or "" */
    int nlanes;
    struct tr_lane *lanes;
};

#define TR_DROP_FIFOS 8         /* FIFO numbers tr_layout.last_drop knows */

struct tr_layout {
    struct tr_section *secs;    /* in time order; at least one */
    int nsecs;
    int cur;                    /* pass 2: the section of the item drawn */
    uint64_t origin;            /* first event of the trace */
    uint64_t end;               /* last event */
    uint64_t nitems;            /* items drawn */
    int nprocs;                 /* processes with a lane */
    int nlanes;                 /* of the current section, secs[cur] */
    struct tr_lane *lanes;
    struct tr_hash lane_of;     /* (section, vpid) --> lane index + 1 */
    const struct tr_procs *procs;   /* names, as pass 2 knows them */
    const struct tr_gap *gaps;  /* where the tracer lost events, in time */
    size_t ngaps;               /* order (source.h): renderers mark them */
    /* per FIFO number, the last time its reader dropped bytes it could not
       tell as one record (torn, garbage), or 0: a record written before
       that and never read may be in those bytes */
    uint64_t last_drop[TR_DROP_FIFOS];
    bool lab_fifo;              /* a record drawn went through F0 */
};

/* What draws the rows */
struct tr_diagram_ops {
    void (*begin)(struct tr_layout *L, void *arg);  /* or NULL */
    void (*item)(struct tr_layout *L, const struct tr_item *it, void *arg);
    /* after the last item: 0, or -1 after printing why */
    int (*end)(struct tr_layout *L, void *arg);
    /* pass 2: every event read, before its items; or NULL */
    void (*event)(const struct tr_event *ev, void *arg);
};

/*
 * Draw the trace in 'dir' through 'ops'. 'max_lanes' is how many lanes
 * fit before processes start sharing lanes. Returns 0, or -1 after
 * printing an error (nothing was drawn then).
 */
int
tr_diagram_run(const char *dir, const struct tr_view *v, int max_lanes,
               const struct tr_diagram_ops *ops, void *arg);

/* Does ev start an experiment of a lab trace? The lab binary (role "labNN")
   traces proc_state with the experiment's name as it starts one. */
bool
tr_experiment_mark(const struct tr_event *ev);

/* The section of time t */
int
tr_section_of(const struct tr_layout *L, uint64_t t);

/* The lane of vpid in section sec, or -1 */
int
tr_lane_in(const struct tr_layout *L, int sec, int vpid);

/* The lane of vpid in the current section, or -1 when it has none (a
   process outside the trace, or not in this experiment). */
int
tr_lane_of(const struct tr_layout *L, int vpid);

#endif /* IPCLAB_TRACE_DIAGRAM_H */
