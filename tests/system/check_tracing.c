/*
 * tests/system/check_tracing.c - a real LTTng trace shows every hop.
 *
 * Records the default workload (scripts/workload.sh: a server and four
 * clients, 12 requests) with traces/record.sh, which starts a private
 * session daemon when none runs and stops it by pid; reads the trace with
 * babeltrace2; and asserts that for every request the 17 steps of the
 * protocol (docs/tracepoints.md) appear, by the right processes, in order.
 *
 * The "loading" case checks what a traced program maps: not the tracer
 * when nothing asks for it, the tracer and the probes when a recording
 * does.
 *
 * This test does not skip: CI installs LTTng, and a kit whose traces are
 * silently empty is broken. Built without tracing, it fails and says so.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "system.h"

#define MAX_EVENTS 4096

/* One event of babeltrace2's text output, the fields we need */
struct event {
    char name[32];              /* "record_write", without "ipclab:" */
    long vpid;                  /* emitting process */
    long fifo, pid, seq, peer_pid, value, worker_pid, child_pid;
    char what[16], role[16];
};

static struct event events[MAX_EVENTS];
static int n_events;
static char trace_dir[PATH_MAX];

/* Integer field 'name' of a babeltrace2 line, or -1. */
static long
field_int(const char *line, const char *name)
{
    size_t len = strlen(name);

    for (const char *p = strstr(line, name); p != NULL;
         p = strstr(p + 1, name)) {
        /* "pid = " must not match "vpid = " or "peer_pid = " */
        if (p > line && p[-1] == ' ' && strncmp(p + len, " = ", 3) == 0)
            return strtol(p + len + 3, NULL, 10);
    }
    return -1;
}

/* String field 'name' into buf ("" when absent). */
static void
field_str(const char *line, const char *name, char *buf, size_t size)
{
    char pattern[64];
    const char *p, *end;

    snprintf(pattern, sizeof(pattern), " %s = \"", name);
    buf[0] = '\0';
    if ((p = strstr(line, pattern)) == NULL)
        return;
    p += strlen(pattern);
    if ((end = strchr(p, '"')) == NULL)
        return;
    snprintf(buf, size, "%.*s", (int)(end - p), p);
}

static void
parse_trace(const char *text)
{
    n_events = 0;
    for (const char *line = text; line != NULL && *line != '\0';) {
        const char *eol = strchr(line, '\n');
        const char *name = strstr(line, " ipclab:");
        char buf[2048];

        snprintf(buf, sizeof(buf), "%.*s",
                 (int)(eol != NULL ? eol - line : (long)strlen(line)), line);
        if (name != NULL && (eol == NULL || name < eol)) {
            struct event *e = &events[n_events++];

            ck_assert_int_lt(n_events, MAX_EVENTS);
            sscanf(name + 8, "%31[a-z_]", e->name);
            e->vpid = field_int(buf, "vpid");
            e->fifo = field_int(buf, "fifo");
            e->pid = field_int(buf, "pid");
            e->seq = field_int(buf, "seq");
            e->peer_pid = field_int(buf, "peer_pid");
            e->value = field_int(buf, "value");
            e->worker_pid = field_int(buf, "worker_pid");
            e->child_pid = field_int(buf, "child_pid");
            field_str(buf, "what", e->what, sizeof(e->what));
            if (strcmp(e->name, "reclaim") == 0)    /* its 'what' */
                field_str(buf, "reason", e->what, sizeof(e->what));
            field_str(buf, "role", e->role, sizeof(e->role));
        }
        line = eol != NULL ? eol + 1 : NULL;
    }
}

static bool
in(const long *set, int n, long pid)
{
    for (int i = 0; i < n; i++)
        if (set[i] == pid)
            return true;
    return false;
}

/*
 * Keep only the events of our run: its server, the workers it spawned and
 * the clients whose requests it read. The root session daemon records
 * every ipclab process on the machine, so a trace can hold other runs.
 */
static void
keep_family(long server)
{
    long family[256];
    int n = 0, kept = 0;

    family[n++] = server;
    for (int i = 0; i < n_events && n < 256; i++) {
        const struct event *e = &events[i];

        if (e->vpid != server)
            continue;
        if (strcmp(e->name, "proc_spawn") == 0 &&
            !in(family, n, e->child_pid))
            family[n++] = e->child_pid;
        if (strcmp(e->name, "record_read") == 0 && e->fifo == 1 &&
            !in(family, n, e->pid))
            family[n++] = e->pid;
    }
    for (int i = 0; i < n_events; i++)
        if (in(family, n, events[i].vpid))
            events[kept++] = events[i];
    n_events = kept;
}

/* Record the default workload once for the whole test case. */
static void
record_workload(void)
{
    char script[PATH_MAX], bindir[PATH_MAX], *slash;
    char *text;

    h_tmpdir_init();
    if (!h_tracing_available())
        return;                 /* the test says why */
    snprintf(trace_dir, sizeof(trace_dir), "%s/trace", h_tmpdir());
    snprintf(script, sizeof(script), "%s/scripts/workload.sh", h_srcdir());
    snprintf(bindir, sizeof(bindir), "%s", h_bin("ipclab-server"));
    slash = strrchr(bindir, '/');
    *slash = '\0';
    if (h_record(trace_dir, (const char *[]){ script, bindir, NULL },
                 h_tmpdir_path("workload.out"), 120000) != 0)
        return;
    if (h_run((const char *[]){ "/usr/bin/babeltrace2", trace_dir, NULL },
              NULL, h_tmpdir_path("trace.txt"), NULL, 60000) != 0)
        return;
    text = h_read_file(h_tmpdir_path("trace.txt"));
    parse_trace(text);
    free(text);
    text = h_read_file(h_tmpdir_path("workload.out"));
    keep_family(text != NULL && strstr(text, "server pid: ") != NULL
                ? strtol(strstr(text, "server pid: ") + 12, NULL, 10) : -1);
    free(text);
}

static void
cleanup(void)
{
    h_tmpdir_cleanup();
}

/* Index of the first event at or after 'from' matching the criteria. */
static int
find(int from, const char *name, long vpid, long fifo, long pid, long seq,
     const char *what, long peer, long value)
{
    for (int i = from < 0 ? 0 : from; i < n_events; i++) {
        const struct event *e = &events[i];

        if (strcmp(e->name, name) == 0 && (vpid < 0 || e->vpid == vpid) &&
            (fifo < 0 || e->fifo == fifo) && (pid < 0 || e->pid == pid) &&
            (seq < 0 || e->seq == seq) &&
            (what == NULL || strcmp(e->what, what) == 0) &&
            (peer < 0 || e->peer_pid == peer) &&
            (value < 0 || e->value == value))
            return i;
    }
    return -1;
}

static long
server_pid(void)
{
    for (int i = 0; i < n_events; i++)
        if (strcmp(events[i].name, "proc_start") == 0 &&
            strcmp(events[i].role, "server") == 0)
            return events[i].vpid;
    return -1;
}

START_TEST(test_tracing_records_events)
{
    ck_assert_msg(h_tracing_available(), "LTTng is not installed or the "
                  "kit was built with TRACING=0: run 'make deps' and "
                  "rebuild (see docs/troubleshooting.md)");
    ck_assert_msg(n_events > 0, "the trace in %s is empty", trace_dir);
    ck_assert_int_ne(server_pid(), -1);
    ck_assert_int_eq(find(0, "fifo_create", server_pid(), 1, -1, -1, NULL,
                          -1, -1) >= 0, 1);
}
END_TEST

/* Every request of the workload travels the whole path, in order */
START_TEST(test_tracing_every_request_path_in_order)
{
    long srv = server_pid();
    int requests = 0;

    ck_assert_msg(n_events > 0, "no trace recorded");
    for (int i = 0; i < n_events; i++) {
        const struct event *e = &events[i];
        long p, s, w;
        int at[18];

        if (strcmp(e->name, "record_write") != 0 || e->fifo != 1 ||
            e->vpid != e->pid)
            continue;           /* not a client sending a request */
        requests++;
        p = e->pid;
        s = e->seq;
        at[1] = i;
        at[2] = find(at[1], "record_read", srv, 1, p, s, NULL, -1, -1);
        at[3] = find(at[2], "route", srv, -1, p, s, NULL, -1, -1);
        ck_assert_msg(at[3] >= 0, "request %ld:%ld never routed", p, s);
        w = events[at[3]].worker_pid;
        at[4] = find(at[3], "record_write", srv, 3, p, s, NULL, -1, -1);
        at[5] = find(at[4], "signal_send", srv, -1, -1, -1, "ready", w, s);
        at[6] = find(at[5], "signal_consume", w, -1, -1, -1, "ready", srv, s);
        at[7] = find(at[6], "record_read", w, 3, p, s, NULL, -1, -1);
        at[8] = find(at[7], "signal_send", w, -1, -1, -1, "ack", srv, s);
        at[9] = find(at[8], "signal_consume", srv, -1, -1, -1, "ack", w, s);
        at[10] = find(at[7], "record_write", w, 4, p, s, NULL, -1, -1);
        at[11] = find(at[10], "record_read", srv, 4, p, s, NULL, -1, -1);
        at[12] = find(at[11] > at[9] ? at[11] : at[9], "record_write", srv,
                      2, p, s, NULL, -1, -1);
        at[13] = find(at[12], "signal_send", srv, -1, -1, -1, "ready", p, s);
        at[14] = find(at[13], "signal_consume", p, -1, -1, -1, "ready", srv,
                      s);
        at[15] = find(at[14], "record_read", p, 2, p, s, NULL, -1, -1);
        at[16] = find(at[15], "signal_send", p, -1, -1, -1, "ack", srv, s);
        at[17] = find(at[16], "signal_consume", srv, -1, -1, -1, "ack", p,
                      s);
        if (at[17] < 0)         /* or the server stopped waiting for it */
            at[17] = find(at[15], "reclaim", srv, 2, p, s, "read_unacked",
                          -1, -1);
        for (int step = 2; step <= 17; step++)
            ck_assert_msg(at[step] >= 0,
                          "request %ld:%ld: step %d of the protocol is "
                          "missing or out of order (see "
                          "docs/tracepoints.md)", p, s, step);
    }
    ck_assert_int_eq(requests, 12);     /* scripts/workload.sh sends 12 */
}
END_TEST

/* The shared FIFOs never hold two records: every write waits for a read */
START_TEST(test_tracing_one_record_in_shared_fifos)
{
    long srv = server_pid();
    int in_fifo[5] = { 0 };

    ck_assert_msg(n_events > 0, "no trace recorded");
    for (int i = 0; i < n_events; i++) {
        const struct event *e = &events[i];

        if (e->fifo != 2 && e->fifo != 3)
            continue;
        if (strcmp(e->name, "record_write") == 0 && e->vpid == srv)
            in_fifo[e->fifo]++;
        else if (strcmp(e->name, "record_read") == 0 ||
                 (strcmp(e->name, "reclaim") == 0 &&
                  strcmp(e->what, "read_unacked") != 0))
            in_fifo[e->fifo]--; /* read_unacked: it was read already */
        ck_assert_msg(in_fifo[e->fifo] >= 0 && in_fifo[e->fifo] <= 1,
                      "FIFO%ld holds %d records at event %d", e->fifo,
                      in_fifo[e->fifo], i);
    }
}
END_TEST

/* True when process pid has a file whose name contains 'lib' mapped
   (/proc/PID/maps reads as empty to a stat()-sized read: read lines) */
static bool
maps_has(pid_t pid, const char *lib)
{
    char path[64], line[4096];
    bool found = false;
    int lines = 0;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%ld/maps", (long)pid);
    f = fopen(path, "re");
    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof(line), f) != NULL) {
        lines++;
        found = found || strstr(line, lib) != NULL;
    }
    fclose(f);
    ck_assert_int_gt(lines, 0);         /* we did read the mappings */
    return found;
}

/* LD_PRELOAD the probes into the programs this test starts */
static void
preload_probes(void)
{
#ifdef __SANITIZE_ADDRESS__
    /* ASan wants its runtime first in the list; here the preload is the
       point, so tell it not to check (make sanitize) */
    const char *asan = getenv("ASAN_OPTIONS");
    char opts[1024];

    snprintf(opts, sizeof(opts), "%s%sverify_asan_link_order=0",
             asan != NULL ? asan : "", asan != NULL && asan[0] != '\0' ? ":"
             : "");
    setenv("ASAN_OPTIONS", opts, 1);
#endif
    setenv("LD_PRELOAD", h_bin("../lib/libipclab-tp.so"), 1);
}

/*
 * What a traced program loads (docs/tracing.md, "How a program loads its
 * probes"): neither the tracer nor the probes when nothing asks for them,
 * both when IPCLAB_TRACE=1 (what traces/record.sh sets) or when ld.so
 * preloads the probes. "liblttng-ust.so" is the tracer itself, not
 * liblttng-ust-tracepoint.so, which the definitions always load.
 */
START_TEST(test_tracing_loads_tracer_only_when_wanted)
{
    struct h_server srv;
    const bool wanted = _i != 0;

    unsetenv("IPCLAB_TRACE");
    unsetenv("LD_PRELOAD");
    if (_i == 1)
        setenv("IPCLAB_TRACE", "1", 1);
    else if (_i == 2)
        preload_probes();
    h_server_start(&srv, h_tmpdir_path("run"), NULL);
    ck_assert_msg(maps_has(srv.pid, "liblttng-ust.so") == wanted,
                  "mode %d: the server %s the tracer", _i,
                  wanted ? "did not map" : "mapped");
    ck_assert_msg(maps_has(srv.pid, "libipclab-tp") == wanted,
                  "mode %d: the server %s the probes", _i,
                  wanted ? "did not map" : "mapped");
    ck_assert_int_eq(h_server_stop(&srv, 10000, NULL, 0), 0);
    unsetenv("IPCLAB_TRACE");
    unsetenv("LD_PRELOAD");
}
END_TEST

Suite *
tracing_suite(void)
{
    Suite *s = suite_create("tracing");
    TCase *tc = tcase_create("trace");

    tcase_add_unchecked_fixture(tc, record_workload, cleanup);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_tracing_records_events);
    tcase_add_test(tc, test_tracing_every_request_path_in_order);
    tcase_add_test(tc, test_tracing_one_record_in_shared_fifos);
    suite_add_tcase(s, tc);

    tc = tcase_create("loading");
    tcase_add_unchecked_fixture(tc, h_tmpdir_init, h_tmpdir_cleanup);
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, test_tracing_loads_tracer_only_when_wanted, 0, 3);
    suite_add_tcase(s, tc);
    return s;
}
