/*
 * trace/order.h - hand out items in the order a diagram draws them.
 *
 * The matcher makes an item when its second end arrives, so items come out
 * of it by completion, not by time. A diagram wants them by tr_item_time()
 * (their first end). This buffer holds items until no earlier one can come:
 * until the 'watermark', the time of the matcher's oldest waiting end or of
 * the current event, whichever is earlier. It holds what is in flight, not
 * the trace.
 *
 *     tr_order_add(o, item);               (from the matcher's callback)
 *     tr_order_release(o, watermark);      (after each event)
 *     tr_order_release(o, UINT64_MAX);     (at the end)
 */
#ifndef IPCLAB_TRACE_ORDER_H
#define IPCLAB_TRACE_ORDER_H

#include <stdint.h>

#include "match.h"

struct tr_order;

/* A buffer handing items to fn(item, arg); NULL when out of memory. */
struct tr_order *
tr_order_new(tr_item_fn fn, void *arg);

/* Keep a copy of *it. Returns 0, or -1 when out of memory. */
int
tr_order_add(struct tr_order *o, const struct tr_item *it);

/* Hand out, in time order, every item drawn before 'watermark'. */
void
tr_order_release(struct tr_order *o, uint64_t watermark);

void
tr_order_free(struct tr_order *o);

#endif /* IPCLAB_TRACE_ORDER_H */
