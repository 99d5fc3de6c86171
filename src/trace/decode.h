/*
 * trace/decode.h - libbabeltrace2 event --> struct tr_event.
 *
 * Field names, not positions, identify the payload (tp.h may add fields
 * at the end). Looking a name up in every event of a million would be
 * slow, so the decoder remembers, for each event class it meets, where
 * each known field of its payload and of its stream's context is.
 */
#ifndef IPCLAB_TRACE_DECODE_H
#define IPCLAB_TRACE_DECODE_H

#include <limits.h>
#include <stddef.h>

#include <babeltrace2/babeltrace.h>

#include "event.h"

struct tr_decoder;

/* A new decoder, or NULL (ENOMEM). */
struct tr_decoder *
tr_decoder_new(void);

void
tr_decoder_free(struct tr_decoder *d);

/*
 * Fill *ev from the event in 'msg'. Returns 1 for an ipclab event, 0 for
 * an event of another provider, -1 when the event has no timestamp
 * (its stream has no clock): the tool cannot order it; -2 when out of
 * memory (errno ENOMEM). Its strings are valid until the next call.
 */
int
tr_decode(struct tr_decoder *d, const bt_message *msg, struct tr_event *ev);

/* Room for a path as ipc_shown() (ipclab/err.h) prints it */
#define TR_SHOWN_MAX PATH_MAX

/* s made display-safe (ipc_shown()) as a copy (free it), or NULL (ENOMEM) */
char *
tr_safe_dup(const char *s);

#endif /* IPCLAB_TRACE_DECODE_H */
