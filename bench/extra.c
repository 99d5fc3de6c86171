/*
 * bench/extra.c - the driver's measurements that are not repeated rounds
 * of one command: instruction counts with callgrind, and the trace tool
 * against babeltrace2 on one large trace.
 *
 * Instruction counts are what wall time cannot be on a shared 2-CPU
 * machine: repeatable. valgrind --tool=callgrind counts every user-space
 * instruction of the server, its processing clients and the requesting
 * client (--trace-children=yes) for N1 and then N2 requests; the
 * difference over N2 - N1 is the cost of one request, start-up and exit
 * cancelled out. The same for one start-up and exit of a processing client
 * ('ipclab-sum --help'), where loading a tracer eagerly would show.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/proc.h"
#include "report.h"

#define CALLGRIND_REPS 3

long
count_trace_events(const struct config *c, const char *trace_dir)
{
    char *argv[] = { "babeltrace2", (char *)trace_dir, NULL };
    char buf[1 << 16];
    long lines = 0;
    int fds[2];
    ssize_t n;
    pid_t pid;

    if (pipe2(fds, O_CLOEXEC) == -1)
        ipc_die("pipe");
    pid = bench_start(argv, fds[1], c->log_fd);
    close(fds[1]);
    while ((n = read(fds[0], buf, sizeof(buf))) != 0) {
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            break;
        for (ssize_t i = 0; i < n; i++)
            lines += buf[i] == '\n';
    }
    close(fds[0]);
    return bench_wait(pid, 600000) == 0 ? lines : -1;
}

/* Sum of the "totals:" of every callgrind output file in dir */
static double
callgrind_total(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    double total = 0;
    int files = 0;

    if (d == NULL)
        return NAN;
    while ((e = readdir(d)) != NULL) {
        char path[PATH_MAX], line[256];
        FILE *f;

        if (strncmp(e->d_name, "cg.", 3) != 0)
            continue;
        bench_path(path, sizeof(path), "%s/%s", dir, e->d_name);
        if ((f = fopen(path, "re")) == NULL)
            continue;
        while (fgets(line, sizeof(line), f) != NULL) {
            if (strncmp(line, "totals:", 7) == 0) {
                total += strtod(line + 7, NULL);
                files++;
            }
        }
        fclose(f);
    }
    closedir(d);
    return files > 0 ? total : NAN;
}

/* Instructions of one run of argv under callgrind (NAN when it failed) */
static double
callgrind(const struct config *c, char *const argv[], bool wrap_arg)
{
    char dir[PATH_MAX], wrap[PATH_MAX + 128], out[4096], *full[64];
    int n = 0, status;
    double total;

    bench_tmpdir(dir, sizeof(dir), "cg");
    snprintf(wrap, sizeof(wrap), "valgrind --tool=callgrind -q "
             "--callgrind-out-file=%s/cg.%%p --trace-children=yes", dir);
    if (wrap_arg) {             /* 'system' starts the programs itself */
        for (int i = 0; argv[i] != NULL; i++)
            full[n++] = argv[i];
        full[n++] = "--wrap";
        full[n++] = wrap;
    } else {
        for (char *save = NULL, *w = strtok_r(wrap, " ", &save); w != NULL;
             w = strtok_r(NULL, " ", &save))
            full[n++] = w;
        for (int i = 0; argv[i] != NULL; i++)
            full[n++] = argv[i];
    }
    full[n] = NULL;
    fprintf(c->log, "== callgrind:");
    for (int i = 0; full[i] != NULL; i++)
        fprintf(c->log, " %s", full[i]);
    fputc('\n', c->log);
    fflush(c->log);
    status = bench_capture(full, out, sizeof(out), c->log_fd, 600000);
    total = status == 0 ? callgrind_total(dir) : NAN;
    fprintf(c->log, "%s== callgrind: status %d, %.0f instructions\n", out,
            status, total);
    fflush(c->log);
    bench_rmtree(dir);
    return total;
}

static double
median3(double *v, int n)
{
    struct samples s = { 0 };
    double m;

    for (int i = 0; i < n; i++)
        if (!isnan(v[i]))
            samples_add(&s, v[i]);
    m = samples_pct(&s, 50);
    samples_free(&s);
    return m;
}

void
extra_callgrind(const struct config *c, struct plan *p)
{
    long n1 = c->quick ? 10 : 200, n2 = c->quick ? 40 : 1200;
    double req[2][CALLGRIND_REPS], start[2][CALLGRIND_REPS];
    int reps = c->quick ? 1 : CALLGRIND_REPS;
    char cpu[16];

    p->ir_req_notrace = p->ir_req_traced = NAN;
    p->ir_start_notrace = p->ir_start_traced = NAN;
    if (!c->callgrind) {
        p->ir_why = "skipped (--no-callgrind)";
        return;
    }
    if (!bench_on_path("valgrind")) {
        p->ir_why = "valgrind is not installed (apt-get install valgrind)";
        return;
    }
    snprintf(cpu, sizeof(cpu), "%d", c->cpu);
    fprintf(stderr, "ipclab-bench: instruction counts (callgrind)\n");
    for (int r = 0; r < reps; r++) {
        /* b = 0: compiled out, 1: compiled in; interleaved like the rest */
        for (int b = 0; b < 2; b++) {
            const char *bin = b == 0 ? c->notrace_bin : c->bin;
            char sum[PATH_MAX], a1[32], a2[32];
            double t1, t2;

            req[b][r] = start[b][r] = NAN;
            if (bin == NULL || (b == 1 && !c->traced_build))
                continue;
            snprintf(a1, sizeof(a1), "%ld", n1);
            snprintf(a2, sizeof(a2), "%ld", n2);
            t1 = callgrind(c, (char *[]){ (char *)c->self, "system", "--bin",
                           (char *)bin, "--count", a1, "--cpu", cpu, NULL },
                           true);
            t2 = callgrind(c, (char *[]){ (char *)c->self, "system", "--bin",
                           (char *)bin, "--count", a2, "--cpu", cpu, NULL },
                           true);
            req[b][r] = (t2 - t1) / (double)(n2 - n1);
            snprintf(sum, sizeof(sum), "%s/ipclab-sum", bin);
            start[b][r] = callgrind(c, (char *[]){ sum, "--help", NULL },
                                    false);
        }
    }
    p->ir_req_notrace = median3(req[0], reps);
    p->ir_req_traced = median3(req[1], reps);
    p->ir_start_notrace = median3(start[0], reps);
    p->ir_start_traced = median3(start[1], reps);
    if (c->notrace_bin == NULL)
        p->ir_why = "no TRACING=0 build to compare with (--notrace-bin)";
}

/* Wall time of argv with its output thrown away, in seconds (NAN: failed) */
static double
timed(const struct config *c, char *const argv[], bool pinned)
{
    char *full[16], cpu[16];
    int n = 0, status;
    int64_t t0;
    pid_t pid;

    if (pinned) {
        snprintf(cpu, sizeof(cpu), "%d", c->cpu);
        full[n++] = "taskset";
        full[n++] = "-c";
        full[n++] = cpu;
    }
    for (int i = 0; argv[i] != NULL; i++)
        full[n++] = argv[i];
    full[n] = NULL;
    t0 = ipc_now_ns();
    pid = bench_start(full, -1, c->log_fd);
    status = bench_wait(pid, 600000);
    return status == 0 ? (double)(ipc_now_ns() - t0) / 1e9 : NAN;
}

void
extra_trace_tool(const struct config *c, struct plan *p)
{
    char trace[PATH_MAX], script[PATH_MAX], count[32], out[4096];
    long each = c->quick ? 50 : 5000;
    int status;

    for (int r = 0; r < MAX_ROUNDS; r++)
        p->tool_rate.v[r] = p->bt2_rate.v[r] = p->tool_rate_up.v[r] =
            p->bt2_rate_up.v[r] = NAN;
    p->big_events = NAN;
    if (!c->record || !c->traced_build) {
        p->tool_why = !c->traced_build ? "the programs were built without "
                      "tracing" : "recording is off or LTTng is missing";
        return;
    }
    fprintf(stderr, "ipclab-bench: a large trace, read by babeltrace2%s\n",
            c->trace_tool != NULL ? " and ipclab-trace" : "");

    /* 4 clients, 4 requests in flight each: many events, little time */
    snprintf(script, sizeof(script), "%s/traces/record.sh", c->srcdir);
    snprintf(trace, sizeof(trace), "%s/big-trace", c->out);
    snprintf(count, sizeof(count), "%ld", each);
    setenv("IPCLAB_TRACE", "1", 1);     /* load the probes: it is recorded */
    status = bench_capture((char *[]){ script, "-o", trace, "--",
                           (char *)c->self, "system", "--bin",
                           (char *)c->bin, "--clients", "4", "--count",
                           count, "--window", "4", NULL },
                           out, sizeof(out), c->log_fd, 600000);
    unsetenv("IPCLAB_TRACE");
    if (status != 0 || (p->big_events = (double)count_trace_events(c, trace))
                       <= 0) {
        p->tool_why = "recording the large trace failed (see bench.log)";
        bench_rmtree(trace);
        return;
    }
    for (int r = 0; r < c->rounds; r++) {
        for (int pinned = 1; pinned >= 0; pinned--) {
            double t_bt2 = timed(c, (char *[]){ "babeltrace2", trace, NULL },
                                 pinned);
            double t_tool = NAN;

            if (c->trace_tool != NULL)
                t_tool = timed(c, (char *[]){ (char *)c->trace_tool, "stats",
                               trace, NULL }, pinned);
            (pinned ? &p->bt2_rate : &p->bt2_rate_up)->v[r] =
                p->big_events / t_bt2;
            (pinned ? &p->tool_rate : &p->tool_rate_up)->v[r] =
                p->big_events / t_tool;
        }
    }
    if (c->trace_tool == NULL)
        p->tool_why = c->trace_tool_why;
    else if (isnan(p->tool_rate.v[0]))
        p->tool_why = "ipclab-trace stats failed on the trace (bench.log)";
    bench_rmtree(trace);
}
