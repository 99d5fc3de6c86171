/*
 * trace/spacetime.h - the layout of a space-time diagram (svg.c draws it).
 *
 * A space-time diagram (Lamport's, ShiViz's) gives every process a
 * lifeline, time flowing down, and draws every message as an edge from its
 * sending end to its receiving end: a record from its write to its read, a
 * signal from its send to its consumption. So both ends of a message have
 * a place on the page, and the slant of an edge is the message's wait.
 *
 * The layout holds the drawn items in memory (as tr_order hands them out)
 * and decides where they go, on top of the sections and lanes diagram.h
 * gives every diagram (each experiment of a lab trace a section with only
 * its own lanes):
 *
 *   lives     per section, each process's lifeline: from its first end
 *             drawn to its last
 *   y         where a time is drawn. ST_TIME: proportional to time, with
 *             events closer than ST_MIN_DY pixels spread to that distance
 *             and idle stretches longer than ST_IDLE_PX pixels compressed
 *             to ST_IDLE_PX (each such gap is listed, to be marked);
 *             ST_ORDER: one row per distinct time, in event order. A
 *             section with nothing drawn takes no room
 *   headers   down a tall section, its lane headers again about every
 *             ST_HEADER_EVERY pixels, each in a band of its own between
 *             two rows, so that they never cover a row: a renderer that
 *             cuts the picture into pages cuts it there
 */
#ifndef IPCLAB_TRACE_SPACETIME_H
#define IPCLAB_TRACE_SPACETIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diagram.h"
#include "match.h"

#define ST_MAX_LANES 16         /* lanes per section before sharing */
#define ST_PX_PER_MS 200        /* ST_TIME: the scale */
#define ST_MIN_DY 16            /* least distance between two times, px */
#define ST_IDLE_PX 120          /* longest gap drawn to scale, px */
#define ST_SECTION_H 92         /* a section's title and lane headers */
#define ST_HEADER_EVERY 1400    /* lane headers repeat this often, px */
#define ST_HEADER_H 18          /* a repeated header's height, px */
#define ST_HEADER_GAP 40        /* room it takes between two rows, px */

enum st_layout { ST_TIME, ST_ORDER };

/* A process's lifeline in one section */
struct st_life {
    int vpid;
    int lane;
    uint64_t first, last;       /* its first and last end drawn */
    int started;                /* its start is in this section */
};

/* What a section of the diagram's layout takes on the page */
struct st_section {
    int y0;                     /* its top (title), or -1: nothing drawn */
    bool used;                  /* it has items */
    struct st_life *lives;
    int nlives;
};

/* A stretch with nothing happening, drawn shorter than its time */
struct st_idle {
    uint64_t from, to;
    int y;                      /* its middle */
};

/* A repeated lane header: its top, and its section */
struct st_header {
    int y;
    int sec;
};

struct st_diagram {
    enum st_layout layout;
    const struct tr_layout *L;  /* sections and lanes: st_layout() */
    uint64_t origin;            /* the trace's first event */
    struct tr_item *items;
    size_t nitems, cap;
    struct st_section *sections;    /* one per L->secs */
    int nsections;
    uint64_t *times;            /* every distinct end time, sorted */
    int *ys;                    /* ... and where each is drawn */
    size_t ntimes;
    struct st_idle *idles;
    size_t nidles;
    struct st_header *headers;  /* in y order */
    size_t nheaders;
    int height;                 /* of everything, px */
    int max_lanes;              /* of the widest section */
    int oom;
};

/* Start empty; 'layout' chooses the vertical scale. */
void
st_init(struct st_diagram *d, enum st_layout layout);

/* Keep a copy of an item (in time order); -1 when out of memory. */
int
st_add(struct st_diagram *d, const struct tr_item *it);

/* Lay everything out in the sections and lanes of L; -1: out of memory. */
int
st_layout(struct st_diagram *d, const struct tr_layout *L, int top);

/* The section of time t (the last with something drawn that began by
   then), and where t is drawn */
int
st_section_of(const struct st_diagram *d, uint64_t t);

int
st_y(const struct st_diagram *d, uint64_t t);

void
st_free(struct st_diagram *d);

#endif /* IPCLAB_TRACE_SPACETIME_H */
