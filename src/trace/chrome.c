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
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    char args[384];
    char cat[16];
    uint64_t state_ts;          /* 0: no state open */
    char state[24];
    char label[40];             /* the name we gave the process */
};

struct chrome {
    const char *dir;
    struct tr_procs procs;
    struct tr_hash tracks;      /* vpid --> struct track */
    uint64_t origin;
    int have_origin;
};

/* s with JSON's special characters escaped, in buf[0..n) */
static const char *
escape(const char *s, char *buf, size_t n)
{
    size_t k = 0;

    for (; *s != '\0' && k + 7 < n; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            k += (size_t)snprintf(buf + k, n - k, "\\%c", c);
        else if (c < 0x20)
            k += (size_t)snprintf(buf + k, n - k, "\\u%04x", c);
        else
            buf[k++] = (char)c;
    }
    buf[k] = '\0';
    return buf;
}

/* What goes before an event in the array: nothing before the first */
static const char *
sep(void)
{
    static int first = 1;

    if (first) {
        first = 0;
        return "\n";
    }
    return ",\n";
}

static void
json_str(const char *s)
{
    char buf[512];

    printf("\"%s\"", escape(s, buf, sizeof(buf)));
}

/* Microseconds since the origin, with nanoseconds: "12.345" */
static void
print_ts(const struct chrome *c, uint64_t ns)
{
    uint64_t rel = ns > c->origin ? ns - c->origin : 0;

    printf("%" PRIu64 ".%03" PRIu64, rel / 1000, rel % 1000);
}

static void
slice(const struct chrome *c, int pid, int tid, uint64_t ts, uint64_t dur,
      const char *cat, const char *name, const char *args)
{
    printf("%s{\"ph\":\"X\",\"pid\":%d,\"tid\":%d,\"ts\":", sep(), pid,
           tid);
    print_ts(c, ts);
    printf(",\"dur\":%" PRIu64 ".%03" PRIu64 ",\"cat\":", dur / 1000,
           dur % 1000);
    json_str(cat);
    printf(",\"name\":");
    json_str(name);
    printf(",\"args\":{%s}}", args);
}

static void
name_process(struct chrome *c, int vpid, struct track *t)
{
    char label[40];

    tr_proc_label(&c->procs, vpid, label, sizeof(label));
    if (strcmp(label, t->label) == 0)
        return;
    snprintf(t->label, sizeof(t->label), "%s", label);
    printf("%s{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"name\":\"process_name\","
           "\"args\":{\"name\":", sep(), vpid, vpid);
    json_str(label);
    printf("}}");
    printf("%s{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"name\":\"thread_name\","
           "\"args\":{\"name\":\"events\"}}", sep(), vpid, vpid);
    printf("%s{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"name\":\"thread_name\","
           "\"args\":{\"name\":\"state\"}}", sep(), vpid,
           vpid + STATE_TID);
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
    t->ts = 0;
}

static void
close_state(struct chrome *c, int vpid, struct track *t, uint64_t end)
{
    char args[64];

    if (t->state_ts == 0)
        return;
    snprintf(args, sizeof(args), "\"state\":\"%s\"", t->state);
    slice(c, vpid, vpid + STATE_TID, t->state_ts,
          end > t->state_ts ? end - t->state_ts : 1, "state", t->state, args);
    t->state_ts = 0;
}

/* The event's fields as JSON members, for the slice's args */
static void
event_args(const struct tr_event *ev, char *buf, size_t n)
{
    int k = snprintf(buf, n, "\"event\":\"%s\"", ev->name);
    char esc[128];

#define ARG_INT(f) \
    if (ev->f != 0 && (size_t)k < n) \
        k += snprintf(buf + k, n - (size_t)k, ",\"" #f "\":%lld", \
                      (long long)ev->f)
#define ARG_STR(f) \
    if (ev->f[0] != '\0' && (size_t)k < n) \
        k += snprintf(buf + k, n - (size_t)k, ",\"" #f "\":\"%s\"", \
                      escape(ev->f, esc, sizeof(esc)))
    ARG_INT(fifo); ARG_INT(pid); ARG_INT(seq); ARG_INT(op); ARG_INT(a);
    ARG_INT(b); ARG_INT(status); ARG_INT(value); ARG_INT(signo);
    ARG_INT(peer_pid); ARG_INT(ppid); ARG_INT(child_pid);
    ARG_INT(worker_pid); ARG_INT(fd); ARG_INT(err); ARG_INT(bytes);
    ARG_STR(role); ARG_STR(what); ARG_STR(reason);
#undef ARG_INT
#undef ARG_STR
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
        c->have_origin = 1;
        printf("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"source\":");
        json_str(c->dir);
        printf("},\"traceEvents\":[");
    }
    /* a child killed traces no proc_exit: its state ends when reaped */
    if (ev->type == TR_PROC_REAP &&
        (dead = tr_hash_get(&c->tracks, (uint64_t)ev->child_pid)) != NULL)
        close_state(c, ev->child_pid, dead, ev->ts);
    if ((t = track(c, ev->vpid)) == NULL)
        return;
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
    snprintf(t->cat, sizeof(t->cat), "%s",
             ev->type == TR_RECORD_WRITE || ev->type == TR_RECORD_READ
             ? "record" : ev->type == TR_SIGNAL_SEND ||
             ev->type == TR_SIGNAL_CONSUME ? "signal" : "process");
    event_name(c, ev, t->name, sizeof(t->name));
    event_args(ev, t->args, sizeof(t->args));
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

        printf("%s{\"ph\":\"%s\",\"id\":%" PRIu64 ",\"pid\":%d,"
               "\"tid\":%d,\"ts\":", sep(),
               end == 0 ? "s" : "f\",\"bp\":\"e", it->id, pid, pid);
        print_ts(c, (end == 0 ? it->t0 : it->t1) + 1);
        printf(",\"cat\":\"%s\",\"name\":", cat);
        json_str(name);
        printf("}");
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
    printf("%s{\"ph\":\"M\",\"pid\":0,\"name\":\"process_name\","
           "\"args\":{\"name\":\"events lost by the tracer\"}}", sep());
    for (size_t i = 0; i < n; i++) {
        uint64_t b = g[i].begin > c->origin ? g[i].begin : c->origin;
        uint64_t e = g[i].end < info->last_ts ? g[i].end : info->last_ts;

        if (e < b)
            e = b;
        printf("%s{\"ph\":\"X\",\"pid\":0,\"tid\":0,\"ts\":", sep());
        print_ts(c, b);
        printf(",\"dur\":");
        print_ts(c, c->origin + (e - b));
        printf(",\"cat\":\"lost\",\"name\":\"%" PRIu64 " events lost\"}",
               g[i].count);
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

    c.dir = dir;
    rc = tr_match_read(dir, &c.procs, on_event, on_item, &c, &info);
    f.end = info.last_ts;
    tr_hash_each(&c.tracks, finish_track, &f);
    if (c.have_origin) {
        mark_gaps(&c, &info);
        printf("\n]}\n");
    }
    tr_hash_free(&c.tracks);
    tr_procs_free(&c.procs);
    return rc == 0 ? 0 : 1;
}
