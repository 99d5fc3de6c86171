/*
 * trace/svgout.h - the kit's one SVG writer: the parts every picture shares.
 *
 * ipclab-trace svg (svg.c) and ipclab-bench's plot (bench/plot.c) draw
 * with these: a picture is svg_create(), svg_open(), the caller's own
 * <defs> entries, svg_close_defs(), the drawing, svg_finish().
 */
#ifndef IPCLAB_TRACE_SVGOUT_H
#define IPCLAB_TRACE_SVGOUT_H

#include <stdio.h>

/* Open path for writing (NULL or "-": stdout); NULL with a warning */
FILE *
svg_create(const char *path);

/* The picture's start, w x h with its top edge at y0: the title and the
   style sheet, leaving <defs> open for the caller's markers */
void
svg_open(FILE *f, int w, int h, int y0, const char *title,
         const char *style);

/* Close <defs> and paint the background white from y0 down */
void
svg_close_defs(FILE *f, int y0);

/* A text at x, y; anchor is start, middle or end; str is escaped */
void
svg_text(FILE *f, int x, int y, const char *anchor, const char *cls,
         const char *str);

/* End the picture and close f (flush it, if stdout): 0, or -1 (with a
   warning naming path, unless f is stdout: the caller says it) */
int
svg_finish(FILE *f, const char *path);

#endif /* IPCLAB_TRACE_SVGOUT_H */
