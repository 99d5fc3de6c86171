/*
 * trace/source.c - a libbabeltrace2 graph that streams ipclab events.
 *
 *   DIR/.../64-bit  --> source.ctf.fs --.
 *   DIR/.../32-bit  --> source.ctf.fs ---+--> filter.utils.muxer --> sink
 *                                                (time order)     (ours)
 *
 * source.ctf.fs does not look into subdirectories, and traces/record.sh
 * writes one trace per user and ABI (ust/uid/0/64-bit), so we find every
 * directory holding a 'metadata' file ourselves, one source per trace.
 * The muxer merges their streams by timestamp; our simple sink decodes
 * each event message (decode.c) and hands it on, keeping nothing.
 *
 * libbabeltrace2 reports failures as an error object with a chain of
 * internal causes; we print one line of our own instead.
 */
#include <inttypes.h>
#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <babeltrace2/babeltrace.h>

#include "ipclab/err.h"
#include "decode.h"
#include "label.h"
#include "recinfo.h"
#include "source.h"

#define MAX_TRACES 64           /* physical traces under one directory */
#define MAX_DEPTH 8             /* how deep to look for them */
#define PROGRESS_AFTER_NS 1000000000LL  /* quiet for short reads */
#define PROGRESS_EVERY_NS 200000000LL
#define WARN_GAPS 5             /* lost stretches a warning lists */

struct reader {
    struct tr_decoder *dec;
    tr_event_fn fn;
    void *arg;
    struct tr_source_info *info;
    const char *pass;
    int bad_clock;              /* an ipclab event had no timestamp */
    int no_memory;              /* a lost stretch or a string not kept */
    int64_t started, shown;     /* progress line: wall clock, ns */
    int progress;               /* a progress line is on the terminal */
    struct scheme {             /* each trace's buffering scheme, read once */
        const bt_trace *trace;  /* compared, never used */
        bool per_pid;           /* a process's buffers end with it */
    } traces[MAX_TRACES];
    int ntraces;
};

/* The lost stretches of the last read (tr_source_gaps) */
static struct tr_gap *gaps;
static size_t ngaps, gaps_cap;

/* Where each stream's last packet ended: 'lttng stop' ends every stream
   after the last event, so one that ends before it was cut short */
struct stream_end {
    const bt_stream *stream;    /* compared, never used */
    uint64_t end;               /* ns */
};
static struct stream_end *ends;
static size_t nends, ends_cap;

static int64_t
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Collect every directory under 'dir' that holds a 'metadata' file (*n
   counts past MAX_TRACES); the first recording of its own below 'dir'
   (a record.info: another run) goes to *inner instead. Symbolic links
   below 'dir' are not followed: a trace holds none, and links to '.'
   would make the walk endless. -1 after a warning: a directory is
   unreadable (what it holds would be missing from the picture). */
static int
find_traces(const char *dir, int depth, char **out, int *n, char **inner)
{
    char path[PATH_MAX], shown[TR_SHOWN_MAX];
    struct dirent *de;
    struct stat st;
    DIR *d;

    if (depth > 0 && *inner == NULL &&
        snprintf(path, sizeof(path), "%s/record.info", dir) <
        (int)sizeof(path) && stat(path, &st) == 0) {
        *inner = strdup(dir);
        return 0;
    }
    if (snprintf(path, sizeof(path), "%s/metadata", dir) < (int)sizeof(path)
        && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        if (*n < MAX_TRACES)
            out[*n] = strdup(dir);
        (*n)++;
        return 0;               /* a trace holds no other trace */
    }
    if (depth >= MAX_DEPTH)
        return 0;
    if ((d = opendir(dir)) == NULL) {
        ipc_warn("cannot read '%s'", ipc_shown(shown, sizeof(shown), dir));
        return -1;
    }
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' ||
            snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
            (int)sizeof(path))
            continue;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
            find_traces(path, depth + 1, out, n, inner) == -1) {
            closedir(d);
            return -1;
        }
    }
    closedir(d);
    return 0;
}

/* u32 at b[0..4) in the byte order whose magic opens the packet */
static uint32_t
u32_at(const unsigned char *b, int big)
{
    return big ? (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
                 (uint32_t)b[2] << 8 | b[3]
               : (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 |
                 (uint32_t)b[1] << 8 | b[0];
}

/* Is every packet of the packetized metadata in 'dir' whole? -1 after a
   warning: libbabeltrace2 never returns from a metadata packet cut
   short. Text metadata is left to libbabeltrace2. */
static int
metadata_whole(const char *dir, const char *shown)
{
    enum { HEADER = 37, MAGIC = 0x75d11d57 };   /* CTF 1.8, section 7.1 */
    char path[PATH_MAX];
    unsigned char h[HEADER];
    off_t off = 0;
    struct stat st;
    FILE *f;
    int big = 0, rc = -1;

    snprintf(path, sizeof(path), "%s/metadata", dir);
    if ((f = fopen(path, "rb")) == NULL || fstat(fileno(f), &st) == -1) {
        ipc_warn("cannot read the metadata of '%s'", shown);
        goto out;
    }
    while (off < st.st_size) {
        uint32_t content, size;

        if (fseeko(f, off, SEEK_SET) == -1 ||
            fread(h, 1, sizeof(h), f) != sizeof(h)) {
            if (ferror(f)) {
                ipc_warn("cannot read the metadata of '%s'", shown);
                goto out;
            }
            if (off == 0)
                break;          /* too short for a packet: text */
            goto cut;
        }
        if (off == 0 && u32_at(h, 0) != MAGIC && u32_at(h, 1) != MAGIC)
            break;              /* text metadata */
        big = off == 0 ? u32_at(h, 1) == MAGIC : big;
        content = u32_at(h + 24, big) / 8;
        size = u32_at(h + 28, big) / 8;
        if (u32_at(h, big) != MAGIC || content < HEADER || size < content ||
            st.st_size - off < (off_t)content)
            goto cut;
        off += size;
    }
    rc = 0;
    goto out;
cut:
    ipc_warnx("the metadata of '%s' is cut short or damaged at byte %lld: "
              "the trace cannot be read", shown, (long long)off);
out:
    if (f != NULL)
        fclose(f);
    return rc;
}

static int
compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Report that libbabeltrace2 failed on the trace ('shown': its directory
   as messages print it), in one line of ours: its error's causes are a
   chain of internal lines (addresses, unsafe paths) for its developers */
static void
report_bt_error(const char *shown)
{
    const bt_error *err = bt_current_thread_take_error();

    if (err != NULL)
        bt_error_release(err);
    ipc_warnx("cannot read the trace in '%s': it is not valid CTF, or "
              "damaged or cut short (babeltrace2 says where)", shown);
}

static void
show_progress(struct reader *r)
{
    int64_t now = now_ns();
    const struct tr_source_info *i = r->info;

    if (now - r->started < PROGRESS_AFTER_NS ||
        now - r->shown < PROGRESS_EVERY_NS)
        return;
    r->shown = now;
    r->progress = 1;
    fprintf(stderr, "\r%s: %s%s%llu events, %.1f s of trace\033[K",
            ipc_progname(), r->pass != NULL ? r->pass : "",
            r->pass != NULL ? ": " : "", (unsigned long long)i->events,
            i->events > 0 ? (double)(i->last_ts - i->first_ts) / 1e9 : 0.0);
}

/* ns of a clock snapshot, or 'dflt' when it has none */
static uint64_t
snapshot_ns(const bt_clock_snapshot *cs, uint64_t dflt)
{
    int64_t ns;

    if (cs == NULL || bt_clock_snapshot_get_ns_from_origin(cs, &ns) !=
        BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK || ns < 0)
        return dflt;
    return (uint64_t)ns;
}

/* Keep the stretch g, where g.count events (at least one) were lost */
static void
note_gap(struct reader *r, struct tr_gap g)
{
    r->info->discarded += g.count > 0 ? g.count : 1;
    if (tr_grow(&gaps, &gaps_cap, ngaps + 1, sizeof(g)) == -1) {
        r->no_memory = 1;
        return;
    }
    gaps[ngaps++] = g;
}

/* Note the stretch of a discarded-events or discarded-packets message:
   where the loss was ('count' events, 0: unknown). */
static void
add_gap(struct reader *r, const bt_message *msg, uint64_t count)
{
    int packets = bt_message_get_type(msg) ==
                  BT_MESSAGE_TYPE_DISCARDED_PACKETS;
    const bt_stream_class *sc = bt_stream_borrow_class_const(packets
        ? bt_message_discarded_packets_borrow_stream_const(msg)
        : bt_message_discarded_events_borrow_stream_const(msg));
    struct tr_gap g = { 0, UINT64_MAX, count };

    if (packets && bt_stream_class_discarded_packets_have_default_clock_snapshots(sc)) {
        g.begin = snapshot_ns(
            bt_message_discarded_packets_borrow_beginning_default_clock_snapshot_const(msg), 0);
        g.end = snapshot_ns(
            bt_message_discarded_packets_borrow_end_default_clock_snapshot_const(msg), UINT64_MAX);
    } else if (!packets && bt_stream_class_discarded_events_have_default_clock_snapshots(sc)) {
        g.begin = snapshot_ns(
            bt_message_discarded_events_borrow_beginning_default_clock_snapshot_const(msg), 0);
        g.end = snapshot_ns(
            bt_message_discarded_events_borrow_end_default_clock_snapshot_const(msg), UINT64_MAX);
    }
    note_gap(r, g);
}

static int
compare_gaps(const void *a, const void *b)
{
    const struct tr_gap *x = a, *y = b;

    return x->begin < y->begin ? -1 : x->begin > y->begin;
}

/* Sort the stretches and merge those that overlap. */
static void
merge_gaps(void)
{
    size_t k = 0;

    if (ngaps == 0)
        return;
    qsort(gaps, ngaps, sizeof(gaps[0]), compare_gaps);
    for (size_t i = 1; i < ngaps; i++) {
        if (gaps[i].begin <= gaps[k].end) {
            if (gaps[i].end > gaps[k].end)
                gaps[k].end = gaps[i].end;
            gaps[k].count += gaps[i].count;
        } else {
            gaps[++k] = gaps[i];
        }
    }
    ngaps = k + 1;
}

const struct tr_gap *
tr_source_gaps(size_t *n)
{
    *n = ngaps;
    return gaps;
}

const char *
tr_gap_count(const struct tr_gap *g, char *buf, size_t n)
{
    if (g->count == 0)
        snprintf(buf, n, "events (how many unknown)");
    else
        snprintf(buf, n, "%" PRIu64 " event%s", g->count,
                 g->count == 1 ? "" : "s");
    return buf;
}

void
tr_source_warn_lost(const char *dir, const struct tr_source_info *info)
{
    char a[32], b[32], c[48], shown[TR_SHOWN_MAX];

    if (info->discarded == 0 && ngaps == 0)
        return;
    /* a lost packet's events, or a stretch's, may be more than counted */
    ipc_warnx("warning: the tracer lost at least %" PRIu64 " event%s in '%s' "
              "(full buffers, or a file cut since): what happened there is "
              "incomplete, not wrong", info->discarded,
              info->discarded == 1 ? "" : "s",
              ipc_shown(shown, sizeof(shown), dir));
    for (size_t i = 0; i < ngaps; i++) {
        if (i == WARN_GAPS && ngaps > WARN_GAPS + 1) {
            fprintf(stderr, "  and %zu more stretches ('ipclab-trace check' "
                    "lists them all)\n", ngaps - i);
            break;
        }
        if (gaps[i].end == UINT64_MAX) {
            fprintf(stderr, "  lost: %s, at an unknown time\n",
                    tr_gap_count(&gaps[i], c, sizeof(c)));
            continue;
        }
        fprintf(stderr, "  lost: %s between +%s ms and +%s ms\n",
                tr_gap_count(&gaps[i], c, sizeof(c)),
                tr_fmt_since(gaps[i].begin, info->first_ts, a, sizeof(a)),
                tr_fmt_since(gaps[i].end, info->first_ts, b, sizeof(b)));
    }
}

/* Whether trace 't' has per-process buffers, from its environment */
static bool
per_pid_buffers(struct reader *r, const bt_trace *t)
{
    const bt_value *scheme;
    bool per_pid;
    int i;

    for (i = 0; i < r->ntraces; i++)
        if (r->traces[i].trace == t)
            return r->traces[i].per_pid;
    scheme = bt_trace_borrow_environment_entry_value_by_name_const(
        t, "tracer_buffering_scheme");
    per_pid = scheme != NULL && bt_value_is_string(scheme) &&
              strcmp(bt_value_string_get(scheme), "pid") == 0;
    if (i < MAX_TRACES)         /* one source per trace: always */
        r->traces[r->ntraces++] = (struct scheme){ t, per_pid };
    return per_pid;
}

/* Note where the packet of a packet-end message ended, for its stream */
static void
note_packet_end(struct reader *r, const bt_message *msg)
{
    const bt_stream *st = bt_packet_borrow_stream_const(
        bt_message_packet_end_borrow_packet_const(msg));
    size_t i;

    if (!bt_stream_class_packets_have_end_default_clock_snapshot(
            bt_stream_borrow_class_const(st)))
        return;                 /* the trace does not say: nothing known */
    if (per_pid_buffers(r, bt_stream_borrow_trace_const(st)))
        return;                 /* a process's buffers end with it */
    for (i = 0; i < nends && ends[i].stream != st; i++)
        ;
    if (i == nends) {
        if (tr_grow(&ends, &ends_cap, nends + 1, sizeof(ends[0])) == -1) {
            r->no_memory = 1;
            return;
        }
        ends[nends++].stream = st;
    }
    ends[i].end = snapshot_ns(
        bt_message_packet_end_borrow_default_clock_snapshot_const(msg), 0);
}

/* A stream whose last packet ended before the last event was cut short:
   what it held from there on is lost */
static void
note_cut_streams(struct reader *r)
{
    for (size_t i = 0; i < nends; i++)
        if (ends[i].end < r->info->last_ts)
            note_gap(r, (struct tr_gap){ ends[i].end, r->info->last_ts, 0 });
}

static void
handle(struct reader *r, const bt_message *msg)
{
    struct tr_event ev;
    uint64_t count;

    switch (bt_message_get_type(msg)) {
    case BT_MESSAGE_TYPE_EVENT:
        switch (tr_decode(r->dec, msg, &ev)) {
        case 0:
            r->info->other_events++;
            return;
        case -1:
            r->bad_clock = 1;
            return;
        case -2:
            r->no_memory = 1;
            return;
        }
        if (r->info->events++ == 0)
            r->info->first_ts = ev.ts;
        r->info->last_ts = ev.ts;
        r->fn(&ev, r->arg);
        if ((r->info->events & 0xfff) == 0 && r->progress >= 0)
            show_progress(r);
        return;
    case BT_MESSAGE_TYPE_DISCARDED_EVENTS:
        if (bt_message_discarded_events_get_count(msg, &count) !=
            BT_PROPERTY_AVAILABILITY_AVAILABLE)
            count = 0;              /* some, unknown how many */
        add_gap(r, msg, count);
        return;
    case BT_MESSAGE_TYPE_DISCARDED_PACKETS:
        add_gap(r, msg, 0);         /* whole packets: events unknown */
        return;
    case BT_MESSAGE_TYPE_PACKET_END:
        note_packet_end(r, msg);
        return;
    default:
        return;
    }
}

static bt_graph_simple_sink_component_consume_func_status
consume(bt_message_iterator *it, void *data)
{
    struct reader *r = data;
    bt_message_array_const msgs;
    uint64_t count;

    switch (bt_message_iterator_next(it, &msgs, &count)) {
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK:
        break;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_END:
        return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
        return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_AGAIN;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
        return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_MEMORY_ERROR;
    default:
        return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
    }
    for (uint64_t i = 0; i < count; i++) {
        handle(r, msgs[i]);
        bt_message_put_ref(msgs[i]);
    }
    return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_OK;
}

/* Add one source.ctf.fs for 'path' and connect its ports to the muxer. */
static int
add_source(bt_graph *g, const bt_component_class_source *cls,
           const bt_component_filter *mux, const char *path, int i)
{
    const bt_component_source *src;
    bt_value *params = bt_value_map_create();
    bt_value *inputs = bt_value_array_create();
    char name[32];
    int rc = -1;

    snprintf(name, sizeof(name), "ctf-%d", i);
    if (params == NULL || inputs == NULL ||
        bt_value_array_append_string_element(inputs, path) != 0 ||
        bt_value_map_insert_entry(params, "inputs", inputs) != 0)
        goto out_put_values;
    if (bt_graph_add_source_component(g, cls, name, params,
                                      BT_LOGGING_LEVEL_NONE, &src) !=
        BT_GRAPH_ADD_COMPONENT_STATUS_OK)
        goto out_put_values;
    for (uint64_t p = 0; p < bt_component_source_get_output_port_count(src);
         p++) {
        /* the muxer always has one free input port, its last one */
        uint64_t free_port = bt_component_filter_get_input_port_count(mux) - 1;

        if (bt_graph_connect_ports(g,
                bt_component_source_borrow_output_port_by_index_const(src, p),
                bt_component_filter_borrow_input_port_by_index_const(
                    mux, free_port), NULL) != BT_GRAPH_CONNECT_PORTS_STATUS_OK)
            goto out_put_values;
    }
    rc = 0;
out_put_values:
    bt_value_put_ref(inputs);
    bt_value_put_ref(params);
    return rc;
}

/* Build the graph for the traces in paths[0..n) and run it to the end
   ('shown': the trace directory as messages print it). */
static int
run_graph(const char *shown, char **paths, int n, struct reader *r)
{
    const bt_plugin *ctf = NULL, *utils = NULL;
    const bt_component_filter *mux;
    const bt_component_sink *sink;
    bt_graph *g = NULL;
    bt_graph_run_status st;
    int rc = -1;

    if (bt_plugin_find("ctf", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE,
                       &ctf) != BT_PLUGIN_FIND_STATUS_OK ||
        bt_plugin_find("utils", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE,
                       &utils) != BT_PLUGIN_FIND_STATUS_OK) {
        ipc_warnx("the babeltrace2 'ctf' and 'utils' plugins are missing "
                  "(apt-get install babeltrace2)");
        goto out_put_plugins;
    }
    if ((g = bt_graph_create(0)) == NULL ||
        bt_graph_add_filter_component(g,
            bt_plugin_borrow_filter_component_class_by_name_const(utils,
                                                                  "muxer"),
            "muxer", NULL, BT_LOGGING_LEVEL_NONE, &mux) !=
        BT_GRAPH_ADD_COMPONENT_STATUS_OK)
        goto out_error;
    for (int i = 0; i < n; i++)
        if (add_source(g, bt_plugin_borrow_source_component_class_by_name_const(
                              ctf, "fs"), mux, paths[i], i) == -1)
            goto out_error;
    if (bt_graph_add_simple_sink_component(g, "ipclab", NULL, consume, NULL,
                                           r, &sink) !=
        BT_GRAPH_ADD_COMPONENT_STATUS_OK ||
        bt_graph_connect_ports(g,
            bt_component_filter_borrow_output_port_by_name_const(mux, "out"),
            bt_component_sink_borrow_input_port_by_index_const(sink, 0),
            NULL) != BT_GRAPH_CONNECT_PORTS_STATUS_OK)
        goto out_error;

    while ((st = bt_graph_run(g)) == BT_GRAPH_RUN_STATUS_AGAIN)
        usleep(1000);           /* a live source would say "later" */
    if (st != BT_GRAPH_RUN_STATUS_OK)
        goto out_error;
    rc = 0;
    goto out_put_graph;
out_error:
    report_bt_error(shown);
out_put_graph:
    bt_graph_put_ref(g);
out_put_plugins:
    bt_plugin_put_ref(utils);
    bt_plugin_put_ref(ctf);
    return rc;
}

int
tr_source_read_all(const char *dir, tr_event_fn fn, void *arg,
                   const char *pass, struct tr_source_info *info)
{
    struct reader r = { .fn = fn, .arg = arg, .info = info, .pass = pass };
    struct tr_recinfo ri;
    char *paths[MAX_TRACES], *inner = NULL, shown[TR_SHOWN_MAX];
    char shown_inner[TR_SHOWN_MAX];
    struct stat st;
    int n = 0, rc = -1;

    ipc_shown(shown, sizeof(shown), dir);
    memset(info, 0, sizeof(*info));
    ngaps = nends = 0;
    if (stat(dir, &st) == -1) {
        ipc_warn("cannot open trace directory '%s'", shown);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        ipc_warnx("'%s' is not a trace directory (give the directory "
                  "traces/record.sh -o wrote)", shown);
        return -1;
    }
    if (find_traces(dir, 0, paths, &n, &inner) == -1)
        goto out_free_paths;
    if (inner != NULL) {
        /* several runs on one time axis would look like one */
        ipc_warnx("'%s' holds the recording '%s' (and maybe more): give "
                  "one recording's directory", shown,
                  ipc_shown(shown_inner, sizeof(shown_inner), inner));
        goto out_free_paths;
    }
    if (n > MAX_TRACES) {
        ipc_warnx("'%s' holds more than %d CTF traces: give one "
                  "recording's directory", shown, MAX_TRACES);
        goto out_free_paths;
    }
    if (n == 0) {
        ipc_warnx("'%s' holds no CTF trace (no 'metadata' file inside): "
                  "was anything recorded?", shown);
        return -1;
    }
    qsort(paths, (size_t)n, sizeof(paths[0]), compare_paths);

    for (int i = 0; i < n; i++)
        if (metadata_whole(paths[i], shown) == -1)
            goto out_free_paths;
    bt_logging_set_global_level(BT_LOGGING_LEVEL_NONE);
    r.started = r.shown = now_ns();
    r.progress = isatty(STDERR_FILENO) ? 0 : -1;
    if ((r.dec = tr_decoder_new()) == NULL) {
        ipc_warn("cannot read '%s'", shown);
        goto out_free_paths;
    }
    rc = run_graph(shown, paths, n, &r);
    if (r.progress > 0)
        fprintf(stderr, "\r\033[K");
    if (rc == 0 && tr_recinfo_read(dir, &ri) == -1)
        rc = -1;
    else if (rc == 0 && ri.discarded + ri.lost_packets > info->discarded)
        info->discarded = ri.discarded + ri.lost_packets; /* stop knew */
    if (rc == 0 && ri.streams_changed)  /* cut since: lost anywhere */
        note_gap(&r, (struct tr_gap){ 0, UINT64_MAX, 0 });
    if (rc == 0)
        note_cut_streams(&r);
    merge_gaps();
    if (rc == 0 && r.no_memory) {
        errno = ENOMEM;         /* what failed then, whatever ran since */
        ipc_warn("cannot read '%s'", shown);
        rc = -1;
    } else if (rc == 0 && r.bad_clock) {
        ipc_warnx("the trace in '%s' has ipclab events without timestamps",
                  shown);
        rc = -1;
    } else if (rc == 0 && info->events == 0) {
        if (info->other_events > 0)
            ipc_warnx("'%s' is not an ipclab trace: none of its %llu events "
                      "is an ipclab:* event", shown,
                      (unsigned long long)info->other_events);
        else
            ipc_warnx("the trace in '%s' holds no events: was an ipclab "
                      "program run while it was recorded?", shown);
        rc = -1;
    }
    tr_decoder_free(r.dec);
out_free_paths:
    for (int i = 0; i < n && i < MAX_TRACES; i++)
        free(paths[i]);
    free(inner);
    return rc;
}
