/*
 * trace/chrome.c - ipclab-trace chrome: Chrome trace-event JSON for
 * Perfetto UI (ui.perfetto.dev) and chrome://tracing.
 *
 * One process track per ipclab process, named "rc 20154". On it:
 *
 *   - a short slice ("X") for every event, named after it ("write F1
 *     84/2 20154:1"), with the event's fields as args;
 *   - a flow arrow ("s" on the sender's slice, "f" with "bp":"e" on the
 *     receiver's) for every record read and every signal consumed, with
 *     one id per message;
 *   - on a second thread, "state", the process's proc_state intervals,
 *     each until the next, the process's exit or its reaping (states.c's
 *     times).
 *
 * Perfetto binds a flow end to the slice open on its thread at that time,
 * so slices must not overlap: each lasts until the next event of its
 * process, at most SLICE_NS. That is why a process's last slice is held
 * back until its next event: one event per process, whatever the trace.
 *
 * Each trace event is a json-c object, written as soon as it is complete
 * and freed: the document streams, and only its frame
 * ({"displayTimeUnit"... "traceEvents":[ ... ]}) is written here by hand.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ipclab/err.h"
#include "cmd.h"
#include "label.h"
#include "match.h"
#include "procs.h"
#include "source.h"

#define SLICE_NS 2000           /* longest event slice */
#define STATE_TID (1 << 30)     /* state thread: vpid + STATE_TID */

/* One process's slice not yet written, and its open state */
struct track {
    uint64_t ts;                /* 0: none held */
    char name[96];
    json_object *args;          /* the held slice's args, or NULL */
    const char *cat;            /* a string literal */
    uint64_t state_ts;          /* 0: no state open */
    char state[24];
    char label[40];             /* the name we gave the process */
};

struct chrome {
    const char *dir;            /* the trace directory, as printed */
    struct tr_procs procs;
    struct tr_hash tracks;      /* vpid --> struct track */
    uint64_t origin;
    bool have_origin;
    bool any;                   /* an event is written: the next needs ',' */
    bool nomem;                 /* out of memory: write nothing more */
};

/* Compact, and "/" as it is */
static const int json_flags = JSON_C_TO_STRING_PLAIN |
                              JSON_C_TO_STRING_NOSLASHESCAPE;

/* obj[key] = val, taking val. Keys are string literals, each added once:
   json-c need not copy them nor look for them. Out of memory (val or obj
   NULL, or the add fails) is noted in c. */
static void
put(struct chrome *c, json_object *obj, const char *key, json_object *val)
{
    if (obj != NULL && val != NULL &&
        json_object_object_add_ex(obj, key, val,
                                  JSON_C_OBJECT_ADD_KEY_IS_NEW |
                                  JSON_C_OBJECT_ADD_CONSTANT_KEY) == 0)
        return;
    json_object_put(val);
    c->nomem = true;
}

/* ns as microseconds, a number with the nanoseconds kept exactly: 12.345 */
static json_object *
json_us(uint64_t ns)
{
    char text[32];

    snprintf(text, sizeof(text), "%" PRIu64 ".%03" PRIu64, ns / 1000,
             ns % 1000);
    return json_object_new_double_s((double)ns / 1000, text);
}

/* ts as the document gives times: microseconds since the first event */
static json_object *
json_ts(const struct chrome *c, uint64_t ts)
{
    return json_us(ts > c->origin ? ts - c->origin : 0);
}

/* A trace event's object, with its phase ("X", "M", "s", "f") */
static json_object *
new_event(struct chrome *c, const char *ph)
{
    json_object *e = json_object_new_object();

    put(c, e, "ph", json_object_new_string(ph));
    return e;
}

/* Write a trace event as the next element of the array, and free it;
   nothing more once out of memory or after a write error (which main.c
   reports) */
static void
emit(struct chrome *c, json_object *e)
{
    if (!c->nomem && !ferror(stdout)) {
        const char *text = json_object_to_json_string_ext(e, json_flags);

        if (text == NULL) {
            c->nomem = true;
        } else {
            fputs(c->any ? ",\n" : "\n", stdout);
            fputs(text, stdout);
            c->any = true;
        }
    }
    json_object_put(e);
}

/* The document up to its array of events; the trace directory names it */
static void
open_document(struct chrome *c)
{
    json_object *dir = json_object_new_string(c->dir);
    const char *text = NULL;

    if (dir == NULL ||
        (text = json_object_to_json_string_ext(dir, json_flags)) == NULL)
        c->nomem = true;
    else
        printf("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"source\":%s},"
               "\"traceEvents\":[", text);
    json_object_put(dir);
}

/* An "X" slice on thread tid of pid; takes args (NULL: none) */
static void
slice(struct chrome *c, int pid, int tid, uint64_t ts, uint64_t dur,
      const char *cat, const char *name, json_object *args)
{
    json_object *e = new_event(c, "X");

    put(c, e, "pid", json_object_new_int(pid));
    put(c, e, "tid", json_object_new_int(tid));
    put(c, e, "ts", json_ts(c, ts));
    put(c, e, "dur", json_us(dur));
    put(c, e, "cat", json_object_new_string(cat));
    put(c, e, "name", json_object_new_string(name));
    if (args != NULL)
        put(c, e, "args", args);
    emit(c, e);
}

/* A metadata event: name ("process_name"...) of pid (and of thread tid
   when tid >= 0) is value */
static void
metadata(struct chrome *c, int pid, int tid, const char *name,
         const char *value)
{
    json_object *e = new_event(c, "M");
    json_object *args = json_object_new_object();

    put(c, e, "pid", json_object_new_int(pid));
    if (tid >= 0)
        put(c, e, "tid", json_object_new_int(tid));
    put(c, e, "name", json_object_new_string(name));
    put(c, args, "name", json_object_new_string(value));
    put(c, e, "args", args);
    emit(c, e);
}

static void
name_process(struct chrome *c, int vpid, struct track *t)
{
    char label[40];

    tr_proc_label(&c->procs, vpid, label, sizeof(label));
    if (strcmp(label, t->label) == 0)
        return;
    snprintf(t->label, sizeof(t->label), "%s", label);
    metadata(c, vpid, vpid, "process_name", label);
    metadata(c, vpid, vpid, "thread_name", "events");
    metadata(c, vpid, vpid + STATE_TID, "thread_name", "state");
}

static struct track *
track(struct chrome *c, int vpid)
{
    return tr_hash_obtain(&c->tracks, (uint64_t)vpid, sizeof(struct track));
}

/* Write the held slice of vpid, which lasts until 'next' at most. */
static void
flush_slice(struct chrome *c, int vpid, struct track *t, uint64_t next)
{
    uint64_t dur = SLICE_NS;

    if (t->ts == 0)
        return;
    if (next > t->ts && next - t->ts < dur)
        dur = next - t->ts;
    if (dur < 2)
        dur = 2;                /* room for a flow end inside it */
    slice(c, vpid, vpid, t->ts, dur, t->cat, t->name, t->args);
    t->args = NULL;
    t->ts = 0;
}

static void
close_state(struct chrome *c, int vpid, struct track *t, uint64_t end)
{
    json_object *args;

    if (t->state_ts == 0)
        return;
    args = json_object_new_object();
    put(c, args, "state", json_object_new_string(t->state));
    slice(c, vpid, vpid + STATE_TID, t->state_ts,
          end > t->state_ts ? end - t->state_ts : 1, "state", t->state, args);
    t->state_ts = 0;
}

/* The event's fields, those it carries, for the slice's args */
static json_object *
event_args(struct chrome *c, const struct tr_event *ev)
{
    json_object *args = json_object_new_object();

    put(c, args, "event", json_object_new_string(ev->name));
#define ARG_INT(f) \
    if (ev->f != 0) \
        put(c, args, #f, json_object_new_int64((int64_t)ev->f))
#define ARG_STR(f) \
    if (ev->f[0] != '\0') \
        put(c, args, #f, json_object_new_string(ev->f))
    ARG_INT(fifo); ARG_INT(pid); ARG_INT(seq); ARG_INT(op); ARG_INT(a);
    ARG_INT(b); ARG_INT(status); ARG_INT(value); ARG_INT(signo);
    ARG_INT(peer_pid); ARG_INT(ppid); ARG_INT(child_pid);
    ARG_INT(worker_pid); ARG_INT(fd); ARG_INT(err); ARG_INT(bytes);
    ARG_STR(role); ARG_STR(what); ARG_STR(reason);
#undef ARG_INT
#undef ARG_STR
    return args;
}

/* "write F1 84/2 20154:1", "send ready to div 20139"... */
static void
event_name(struct chrome *c, const struct tr_event *ev, char *buf, size_t n)
{
    struct tr_item it;
    char label[80], who[40];

    switch (ev->type) {
    case TR_RECORD_WRITE:
    case TR_RECORD_READ:
        tr_record_item(&it, ev);
        snprintf(buf, n, "%s %s", ev->type == TR_RECORD_WRITE ? "write"
                 : "read", tr_fmt_item(&c->procs, &it, label, sizeof(label)));
        break;
    case TR_SIGNAL_SEND:
        snprintf(buf, n, "send %s to %s", ev->what,
                 tr_proc_label(&c->procs, ev->peer_pid, who, sizeof(who)));
        break;
    case TR_SIGNAL_CONSUME:
        snprintf(buf, n, "take %s from %s", ev->what,
                 tr_proc_label(&c->procs, ev->peer_pid, who, sizeof(who)));
        break;
    case TR_ROUTE:
        snprintf(buf, n, "route %d:%u to %s", ev->pid, ev->seq,
                 tr_proc_label(&c->procs, ev->worker_pid, who, sizeof(who)));
        break;
    case TR_ERROR:
        snprintf(buf, n, "ERROR %s", ev->what);
        break;
    default:
        snprintf(buf, n, "%s", ev->name);
        break;
    }
}

static void
on_event(const struct tr_event *ev, void *arg)
{
    struct chrome *c = arg;
    struct track *t;
    struct track *dead;

    if (!c->have_origin) {
        c->origin = ev->ts;
        c->have_origin = true;
        open_document(c);
    }
    /* a child killed traces no proc_exit: its state ends when reaped */
    if (ev->type == TR_PROC_REAP &&
        (dead = tr_hash_get(&c->tracks, (uint64_t)ev->child_pid)) != NULL)
        close_state(c, ev->child_pid, dead, ev->ts);
    if ((t = track(c, ev->vpid)) == NULL) {
        c->nomem = true;
        return;
    }
    name_process(c, ev->vpid, t);
    flush_slice(c, ev->vpid, t, ev->ts);
    if (ev->type == TR_PROC_STATE || ev->type == TR_PROC_EXIT) {
        close_state(c, ev->vpid, t, ev->ts);
        if (ev->type == TR_PROC_STATE) {
            t->state_ts = ev->ts;
            snprintf(t->state, sizeof(t->state), "%s", ev->state);
        }
    }
    t->ts = ev->ts;
    t->cat = ev->type == TR_RECORD_WRITE || ev->type == TR_RECORD_READ
             ? "record" : ev->type == TR_SIGNAL_SEND ||
             ev->type == TR_SIGNAL_CONSUME ? "signal" : "process";
    event_name(c, ev, t->name, sizeof(t->name));
    t->args = event_args(c, ev);
}

/* A message with both ends traced becomes a flow arrow. */
static void
on_item(const struct tr_item *it, void *arg)
{
    struct chrome *c = arg;
    const char *cat = it->kind == TR_ITEM_RECORD ? "record" : "signal";
    char name[24];

    if ((it->kind != TR_ITEM_RECORD && it->kind != TR_ITEM_SIGNAL) ||
        it->t1 == 0 || !tr_item_received(it) ||
        !tr_proc_traced(&c->procs, it->from) ||
        !tr_proc_traced(&c->procs, it->to))
        return;
    if (it->kind == TR_ITEM_RECORD)
        snprintf(name, sizeof(name), "F%d", it->fifo);
    else
        snprintf(name, sizeof(name), "%s", it->what);
    /* 1 ns into each end's slice: inside it, whatever the sort order */
    for (int end = 0; end < 2; end++) {
        int pid = end == 0 ? it->from : it->to;
        uint64_t ts = (end == 0 ? it->t0 : it->t1) + 1;
        json_object *e = new_event(c, end == 0 ? "s" : "f");

        if (end == 1)
            put(c, e, "bp", json_object_new_string("e"));
        put(c, e, "id", json_object_new_uint64(it->id));
        put(c, e, "pid", json_object_new_int(pid));
        put(c, e, "tid", json_object_new_int(pid));
        put(c, e, "ts", json_ts(c, ts));
        put(c, e, "cat", json_object_new_string(cat));
        put(c, e, "name", json_object_new_string(name));
        emit(c, e);
    }
}

/* Where the tracer lost events: a slice on a track of its own, pid 0. */
static void
mark_gaps(struct chrome *c, const struct tr_source_info *info)
{
    const struct tr_gap *g;
    size_t n;

    g = tr_source_gaps(&n);
    if (n == 0 && info->discarded == 0)
        return;
    metadata(c, 0, -1, "process_name", "events lost by the tracer");
    for (size_t i = 0; i < n; i++) {
        uint64_t b = g[i].begin > c->origin ? g[i].begin : c->origin;
        uint64_t e = g[i].end < info->last_ts ? g[i].end : info->last_ts;
        char name[48];

        if (e < b)
            e = b;
        snprintf(name, sizeof(name), "%" PRIu64 " events lost", g[i].count);
        slice(c, 0, 0, b, e - b, "lost", name, NULL);
    }
}

struct finish_ctx { struct chrome *c; uint64_t end; };

static void
finish_track(uint64_t key, void *val, void *arg)
{
    struct finish_ctx *f = arg;

    flush_slice(f->c, (int)key, val, f->end + SLICE_NS);
    close_state(f->c, (int)key, val, f->end);
    free(val);
}

int
cmd_chrome_run(const struct cmd_args *args)
{
    const char *dir = args->dir;
    static struct chrome c;
    struct tr_source_info info;
    struct finish_ctx f = { &c, 0 };
    int rc;

    c.dir = args->shown;
    rc = tr_match_read(dir, &c.procs, on_event, on_item, &c, &info);
    f.end = info.last_ts;
    tr_hash_each(&c.tracks, finish_track, &f);
    if (c.have_origin) {
        mark_gaps(&c, &info);
        if (!c.nomem)
            printf("\n]}\n");
    }
    tr_hash_free(&c.tracks);
    tr_procs_free(&c.procs);
    if (c.nomem) {
        ipc_warnx("chrome: out of memory writing '%s'", c.dir);
        return CMD_FAILED;
    }
    return rc == 0 ? 0 : CMD_FAILED;
}
