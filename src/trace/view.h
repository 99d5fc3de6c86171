/*
 * trace/view.h - which part of a trace to draw: --since, --until, --pid,
 * --request.
 *
 * Times are relative to the first event of the trace, the same origin as
 * the timestamps the diagrams print, whatever the filters. A filter keeps
 * an item when it passes all of them:
 *
 *   --since T, --until T  the item happens in [T, T'], or a message crosses
 *                         an edge ("1.5ms", "200us", "2s"; a bare number is
 *                         milliseconds)
 *   --pid P               the item touches process P, or belongs to a
 *                         request of client P (so an rc's requests are
 *                         followed through the server and the workers)
 *   --request P:S         the item belongs to request S of client P
 */
#ifndef IPCLAB_TRACE_VIEW_H
#define IPCLAB_TRACE_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "match.h"

struct tr_view {
    uint64_t since, until;      /* ns after the first event */
    int pid;                    /* 0: every process */
    int req_pid;                /* 0: every request */
    uint32_t req_seq;
};

/* Everything: no filter. */
void
tr_view_init(struct tr_view *v);

/* "1.5ms", "200us", "3s", "800ns", "12" (ms) into *ns; 0 or -1 (EINVAL). */
int
tr_view_parse_time(const char *s, uint64_t *ns);

/* "4711:3" into *pid and *seq; 0 or -1 (EINVAL). */
int
tr_view_parse_request(const char *s, int *pid, uint32_t *seq);

/* Does the view keep item *it of a trace whose first event is 'origin'? */
bool
tr_view_keeps(const struct tr_view *v, uint64_t origin,
              const struct tr_item *it);

#endif /* IPCLAB_TRACE_VIEW_H */
