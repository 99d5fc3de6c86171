/*
 * trace/decode.c - turn a libbabeltrace2 event message into a tr_event.
 *
 * Each event class is looked at once: its name gives the tr_type, and the
 * index of every payload member we know, and of the vpid, procname
 * and uts_ns context members that traces/record.sh adds (its stream
 * class's), is stored in a small cache. After that, decoding an event is a
 * handful of indexed field reads.
 *
 * Every string of an event (any user chooses a command name or a role) is
 * made display-safe here, once, for every view: valid UTF-8 with no
 * control character and no invisible formatting character (such as the
 * bidirectional overrides that can reorder what a terminal shows), each
 * of those, DEL or invalid byte replaced by '?'. Messages that name the
 * trace directory or other text the user gave use the same (ipc_shown()).
 *
 * The reading side of the catalogue in include/ipclab/tp.h.
 */
#include <locale.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ipclab/err.h"

#include "decode.h"
#include "hash.h"

#define MAX_CLASSES 64          /* tp.h has 16 events; room for more */

/* Every payload field name of tp.h, and where it goes in a tr_event. */
enum fkind { F_INT, F_U32, F_I64, F_STR };

static const struct field_def {
    const char *name;
    enum fkind kind;
    size_t off;
} fields[] = {
    { "fifo", F_INT, offsetof(struct tr_event, fifo) },
    { "kind", F_INT, offsetof(struct tr_event, kind) },
    { "pid", F_INT, offsetof(struct tr_event, pid) },
    { "seq", F_U32, offsetof(struct tr_event, seq) },
    { "op", F_INT, offsetof(struct tr_event, op) },
    { "a", F_I64, offsetof(struct tr_event, a) },
    { "b", F_I64, offsetof(struct tr_event, b) },
    { "status", F_INT, offsetof(struct tr_event, status) },
    { "value", F_I64, offsetof(struct tr_event, value) },
    { "signo", F_INT, offsetof(struct tr_event, signo) },
    { "peer_pid", F_INT, offsetof(struct tr_event, peer_pid) },
    { "ppid", F_INT, offsetof(struct tr_event, ppid) },
    { "child_pid", F_INT, offsetof(struct tr_event, child_pid) },
    { "worker_pid", F_INT, offsetof(struct tr_event, worker_pid) },
    { "flags", F_INT, offsetof(struct tr_event, flags) },
    { "fd", F_INT, offsetof(struct tr_event, fd) },
    { "err", F_INT, offsetof(struct tr_event, err) },
    { "bytes", F_INT, offsetof(struct tr_event, bytes) },
    { "role", F_STR, offsetof(struct tr_event, role) },
    { "state", F_STR, offsetof(struct tr_event, state) },
    { "what", F_STR, offsetof(struct tr_event, what) },
    { "reason", F_STR, offsetof(struct tr_event, reason) },
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

/* The context fields, from the event's stream class */
static const struct field_def context[] = {
    { "vpid", F_INT, offsetof(struct tr_event, vpid) },
    { "procname", F_STR, offsetof(struct tr_event, procname) },
    { "uts_ns", F_I64, offsetof(struct tr_event, uts_ns) },
};
#define NCONTEXT (sizeof(context) / sizeof(context[0]))

static const char *const type_names[TR_TYPE_COUNT] = {
    [TR_OTHER] = "other",
    [TR_PROC_START] = "proc_start",
    [TR_PROC_EXIT] = "proc_exit",
    [TR_PROC_STATE] = "proc_state",
    [TR_PROC_SPAWN] = "proc_spawn",
    [TR_PROC_REAP] = "proc_reap",
    [TR_FIFO_CREATE] = "fifo_create",
    [TR_FIFO_OPEN] = "fifo_open",
    [TR_RECORD_WRITE] = "record_write",
    [TR_RECORD_READ] = "record_read",
    [TR_RECORD_DROP] = "record_drop",
    [TR_SIGNAL_SEND] = "signal_send",
    [TR_SIGNAL_CONSUME] = "signal_consume",
    [TR_SIGNAL_IGNORE] = "signal_ignore",
    [TR_ROUTE] = "route",
    [TR_RECLAIM] = "reclaim",
    [TR_ERROR] = "error",
};

/* What we know about one event class */
struct class_info {
    const bt_event_class *cls;
    int ipclab;                 /* 1: an ipclab:* event */
    enum tr_type type;
    const char *name;           /* after "ipclab:", owned by the class */
    int idx[NFIELDS];           /* payload member index, or -1 */
    int ctx[NCONTEXT];          /* common context member index, or -1 */
};

/* A string field made safe, kept until the next event is decoded */
struct safe_buf {
    char *p;
    size_t cap;
};

struct tr_decoder {
    struct class_info classes[MAX_CLASSES];
    int nclasses;
    locale_t utf8;              /* "C.UTF-8", or (locale_t)0 if missing */
    struct safe_buf fbuf[NFIELDS], cbuf[NCONTEXT];
};

const char *
tr_type_name(enum tr_type type)
{
    return type > TR_OTHER && type < TR_TYPE_COUNT ? type_names[type]
                                                   : "other";
}

const char *const tr_drop_reasons[TR_DROP_REASONS] = {
    [TR_DROP_STALE] = "stale",
    [TR_DROP_BAD_PID] = "bad_pid",
    [TR_DROP_STOPPING] = "stopping",
};

int
tr_drop_ends_request(const struct tr_event *ev)
{
    if (ev->type != TR_RECORD_DROP || ev->pid <= 0)
        return -1;
    for (int i = 0; i < TR_DROP_REASONS; i++)
        if (strcmp(ev->reason, tr_drop_reasons[i]) == 0)
            /* FIFO2 (a result): only a stale one ends its request */
            return ev->fifo == 1 || (ev->fifo == 2 && i == TR_DROP_STALE)
                   ? i : -1;
    return -1;
}

/* The type whose name is 'name' (without "ipclab:"), or TR_OTHER */
static enum tr_type
type_from_name(const char *name)
{
    for (int t = 1; t < TR_TYPE_COUNT; t++)
        if (strcmp(type_names[t], name) == 0)
            return t;
    return TR_OTHER;
}

struct tr_decoder *
tr_decoder_new(void)
{
    struct tr_decoder *d = calloc(1, sizeof(struct tr_decoder));

    /* without it, every non-ASCII byte is shown as '?' */
    if (d != NULL)
        d->utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    return d;
}

void
tr_decoder_free(struct tr_decoder *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < NFIELDS; i++)
        free(d->fbuf[i].p);
    for (size_t i = 0; i < NCONTEXT; i++)
        free(d->cbuf[i].p);
    if (d->utf8 != (locale_t)0)
        freelocale(d->utf8);
    free(d);
}

/* s itself when it is all printable ASCII (the usual case), else a safe
   copy in b; NULL when out of memory. */
static const char *
safe_text(struct safe_buf *b, const char *s, locale_t utf8)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len;

    while (*p >= 0x20 && *p < 0x7f)
        p++;
    if (*p == '\0')
        return s;
    len = (size_t)((const char *)p - s) + strlen((const char *)p);
    if (tr_grow(&b->p, &b->cap, len + 1, 1) == -1)
        return NULL;
    ipc_make_shown(b->p, s, len, utf8);
    return b->p;
}

/* Index of the member called 'name' in structure class 'sc', or -1. */
static int
member_index(const bt_field_class *sc, const char *name)
{
    uint64_t n;

    if (sc == NULL ||
        bt_field_class_get_type(sc) != BT_FIELD_CLASS_TYPE_STRUCTURE)
        return -1;
    n = bt_field_class_structure_get_member_count(sc);
    for (uint64_t i = 0; i < n; i++) {
        const bt_field_class_structure_member *m =
            bt_field_class_structure_borrow_member_by_index_const(sc, i);

        if (strcmp(bt_field_class_structure_member_get_name(m), name) == 0)
            return (int)i;
    }
    return -1;
}

static struct class_info *
class_info(struct tr_decoder *d, const bt_event_class *cls)
{
    static struct class_info spare;     /* when the cache is full */
    struct class_info *ci;
    const bt_field_class *payload, *ctx;
    const char *name;

    for (int i = 0; i < d->nclasses; i++)
        if (d->classes[i].cls == cls)
            return &d->classes[i];
    ci = d->nclasses < MAX_CLASSES ? &d->classes[d->nclasses++] : &spare;
    memset(ci, 0, sizeof(*ci));
    ci->cls = cls;
    name = bt_event_class_get_name(cls);
    if (name == NULL || strncmp(name, "ipclab:", 7) != 0)
        return ci;              /* another provider: skipped */
    ci->ipclab = 1;
    ci->name = name + 7;
    ci->type = type_from_name(ci->name);
    payload = bt_event_class_borrow_payload_field_class_const(cls);
    for (size_t f = 0; f < NFIELDS; f++)
        ci->idx[f] = member_index(payload, fields[f].name);
    ctx = bt_stream_class_borrow_event_common_context_field_class_const(
        bt_event_class_borrow_stream_class_const(cls));
    for (size_t f = 0; f < NCONTEXT; f++)
        ci->ctx[f] = member_index(ctx, context[f].name);
    return ci;
}

/* Any integer field as int64_t (enumerations are integers too). */
static int64_t
int_value(const bt_field *f)
{
    bt_field_class_type t = bt_field_get_class_type(f);

    if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER))
        return bt_field_integer_signed_get_value(f);
    if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
        return (int64_t)bt_field_integer_unsigned_get_value(f);
    return 0;
}

static const char *
str_value(const bt_field *f)
{
    if (bt_field_get_class_type(f) != BT_FIELD_CLASS_TYPE_STRING)
        return "";
    return bt_field_string_get_value(f);
}

/* Each field of defs[0..n) that structure s has (at idx[]) into *ev,
   strings made safe in buf[]; -1 when out of memory for one */
static int
store(struct tr_event *ev, const struct field_def *defs, size_t n,
      const int *idx, const bt_field *s, struct safe_buf *buf, locale_t utf8)
{
    for (size_t i = 0; s != NULL && i < n; i++) {
        char *p = (char *)ev + defs[i].off;
        const bt_field *f;

        if (idx[i] < 0)
            continue;
        f = bt_field_structure_borrow_member_field_by_index_const(
            s, (uint64_t)idx[i]);
        switch (defs[i].kind) {
        case F_INT:  *(int *)p = (int)int_value(f); break;
        case F_U32:  *(uint32_t *)p = (uint32_t)int_value(f); break;
        case F_I64:  *(int64_t *)p = int_value(f); break;
        case F_STR:
            if ((*(const char **)p = safe_text(&buf[i], str_value(f),
                                               utf8)) == NULL)
                return -1;
            break;
        }
    }
    return 0;
}

char *
tr_safe_dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);

    return copy != NULL ? (char *)ipc_shown(copy, n, s) : NULL;
}

int
tr_decode(struct tr_decoder *d, const bt_message *msg, struct tr_event *ev)
{
    const bt_event *event = bt_message_event_borrow_event_const(msg);
    struct class_info *ci = class_info(d, bt_event_borrow_class_const(event));
    const bt_clock_snapshot *cs;
    int64_t ns;

    if (!ci->ipclab)
        return 0;
    memset(ev, 0, sizeof(*ev));
    ev->role = ev->state = ev->what = ev->reason = "";
    ev->procname = "";
    ev->type = ci->type;
    ev->name = ci->name;

    if (bt_message_event_borrow_stream_class_default_clock_class_const(msg)
        == NULL)
        return -1;
    cs = bt_message_event_borrow_default_clock_snapshot_const(msg);
    if (bt_clock_snapshot_get_ns_from_origin(cs, &ns) !=
        BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK || ns < 0)
        return -1;
    ev->ts = (uint64_t)ns;

    if (store(ev, context, NCONTEXT, ci->ctx,
              bt_event_borrow_common_context_field_const(event), d->cbuf,
              d->utf8) == -1 ||
        store(ev, fields, NFIELDS, ci->idx,
              bt_event_borrow_payload_field_const(event), d->fbuf,
              d->utf8) == -1)
        return -2;
    return 1;
}
