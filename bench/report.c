/*
 * bench/report.c - the driver behind 'make bench': every experiment,
 * repeated in interleaved rounds, then one table, CSV files and a plot
 * (table.c, plot.c).
 *
 *   ipclab-bench report [--bin DIR] [--notrace-bin DIR] [--srcdir DIR]
 *       [--out DIR] [--runs N] [--quick] [--clients 1,4,16,64]
 *       [--no-callgrind]
 *
 * A job is one experiment: a command line of ipclab-bench, pinned or not,
 * recorded or not. Round r runs every job once, starting at a different
 * job each round, so that a slow minute on this shared machine lands on
 * every job a little instead of on one job a lot; each figure is then the
 * median of its rounds, with their min and max as the spread. Every job
 * runs twice per round: pinned (all its processes on the last CPU, where
 * the targets are stated) and unpinned (for information). Values stay in
 * round order, so that a ratio can be taken within one round.
 *
 * Two measurements are not repeated rounds: instruction counts with
 * callgrind, which repeat exactly (valgrind counts every user-space
 * instruction of the server, its processing clients and the client for N1
 * and then N2 requests; the difference over N2 - N1 is one request,
 * start-up and exit cancelled out; likewise one start of 'ipclab-sum
 * --help'), and the trace tool against babeltrace2 on one large trace.
 *
 * 'make bench' runs the driver under the kit's lock (scripts/lib/lock.sh),
 * as 'make check' runs the tests: tests record every ipclab process, and
 * the benchmark's processes would show up in their traces (and theirs in
 * our timings). docs/performance.md explains every figure.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipclab/cli.h"
#include "ipclab/err.h"
#include "ipclab/proc.h"
#include "bench.h"

#define JOB_MS 300000           /* one run of one job, record.sh included */
#define LONG_MS 600000          /* one run under callgrind, or the big trace */
#define CALLGRIND_REPS 3

const char *const sweep_spawns[2] = { "pool", "per-request" };
const char *const sweep_sigs[2] = { "rt", "classic" };

static const char usage_text[] =
    "Usage: ipclab-bench report [--bin DIR] [--notrace-bin DIR]\n"
    "       [--srcdir DIR] [--out DIR] [--runs N] [--quick]\n"
    "       [--clients LIST] [--no-callgrind]\n"
    "\n"
    "Runs every benchmark of ipclab in interleaved rounds and prints one\n"
    "table; writes OUT/table.txt, table.md, results.csv, runs.csv,\n"
    "clients.csv and clients.svg. 'make bench' runs it on -O2 builds.\n"
    "\n"
    "  --bin DIR          the traced build's programs (default: beside\n"
    "                     this program)\n"
    "  --notrace-bin DIR  a TRACING=0 build's programs, for the tracing rows\n"
    "  --srcdir DIR       the source tree, for traces/record.sh (default .)\n"
    "  --out DIR          where the results go (default build/bench)\n"
    "  --runs N           rounds (default 5; 1 with --quick)\n"
    "  --quick            tiny counts: a smoke run, figures meaningless\n"
    "  --clients LIST     client counts (default 1,4,16,64)\n"
    "  --no-callgrind     skip the instruction counts\n";

/* True when program 'name' is in $PATH, as the shell's 'command -v' finds */
static bool
on_path(const char *name)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

/* A directory: jobs are command lines split at spaces */
static const char *
no_space(const char *path)
{
    if (path != NULL && strchr(path, ' ') != NULL)
        ipc_usage_error("'%s': a path with a space is not supported", path);
    return path;
}

static void
parse(int argc, char *argv[], struct config *c)
{
    static char bin[PATH_MAX];
    struct bench_opts o = { .cpu = -1, .srcdir = ".", .out = "build/bench",
                            .client_counts = NULL };
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    char *copy, *save = NULL, path[PATH_MAX + 16], flag = '0';
    FILE *f;

    bench_options(argc, argv, usage_text, &o);
    *c = (struct config){ .bin = no_space(o.bin),
                          .notrace_bin = no_space(o.notrace_bin),
                          .srcdir = no_space(o.srcdir),
                          .out = no_space(o.out), .quick = o.quick,
                          .rounds = o.runs > 0 ? (int)o.runs
                                  : o.quick ? 1 : 5,
                          .cpu = ncpu > 1 ? (int)ncpu - 1 : 0,
                          .callgrind = !o.no_callgrind, .record = true };
    if ((copy = strdup(o.client_counts != NULL ? o.client_counts
                       : c->quick ? "1,4" : "1,4,16,64")) == NULL)
        ipc_die("out of memory");
    for (char *w = strtok_r(copy, ",", &save); w != NULL;
         w = strtok_r(NULL, ",", &save)) {
        if (c->nclients == MAX_CLIENT_COUNTS)
            ipc_usage_error("--clients: at most %d counts", MAX_CLIENT_COUNTS);
        c->clients[c->nclients++] = ipc_cli_int_or_exit("clients", w, 1, 256);
    }
    free(copy);
    if (c->nclients == 0)
        ipc_usage_error("--clients: no count given");

    if (ipc_exe_dir(bin, sizeof(bin)) == -1 ||
        snprintf(c->self, sizeof(c->self), "%s/ipclab-bench", bin) >=
        (int)sizeof(c->self))
        ipc_die("cannot find my own directory");
    if (c->bin == NULL)
        c->bin = no_space(bin);
    /* built with tracepoints? BUILD/.tracing says, as for the tests */
    snprintf(path, sizeof(path), "%s/../.tracing", c->bin);
    if ((f = fopen(path, "re")) != NULL) {
        flag = (char)fgetc(f);
        fclose(f);
    }
    c->traced_build = flag == '1';
    if (!(on_path("lttng") && on_path("lttng-sessiond") &&
          on_path("babeltrace2")))
        c->record = false;      /* the table says why those rows are n/a */
    snprintf(c->trace_tool, sizeof(c->trace_tool), "%s/ipclab-trace",
             c->bin);
    if (access(c->trace_tool, X_OK) != 0)
        c->trace_tool[0] = '\0';
}

/* ---- the plan ----------------------------------------------------------- */

/* Add job 'id' twice, pinned and not: ipclab-bench with the words of fmt */
static void __attribute__((format(printf, 6, 7)))
add(const struct config *c, struct plan *p, const char *id, bool recorded,
    long count, const char *fmt, ...)
{
    for (int pinned = 1; pinned >= 0; pinned--) {
        struct job *j = &p->jobs[p->njobs++];
        int n = 0;
        va_list ap;

        if (p->njobs > MAX_JOBS)
            ipc_diex("too many jobs");
        *j = (struct job){ .pinned = pinned, .recorded = recorded,
                           .count = count, .events = NAN };
        snprintf(j->id, sizeof(j->id), "%s", id);
        if (pinned)
            n = snprintf(j->line, sizeof(j->line), "taskset -c %d ", c->cpu);
        n += snprintf(j->line + n, sizeof(j->line) - (size_t)n, "%s ",
                      c->self);
        va_start(ap, fmt);
        vsnprintf(j->line + n, sizeof(j->line) - (size_t)n, fmt, ap);
        va_end(ap);
    }
}

void
sweep_id(char *buf, size_t size, int spawn, int sigs, long clients)
{
    snprintf(buf, size, "thr %s %s %ld", sweep_spawns[spawn],
             sweep_sigs[sigs], clients);
}

static void
build_plan(const struct config *c, struct plan *p)
{
    /* counts of one run: measured, or tiny with --quick */
    long fifo = c->quick ? 400 : 20000, spawn = c->quick ? 10 : 300;
    long start = c->quick ? 10 : 200, rtt = c->quick ? 100 : 5000;
    long tp = c->quick ? 2000 : 50000, tps = c->quick ? 800 : 20000;
    long pool = c->quick ? 200 : 10000, per_req = c->quick ? 16 : 400;
    long classic = c->quick ? 8 : 40;
    const char *b = c->bin, *nb = c->notrace_bin;

    /* baselines */
    add(c, p, "pingpong", false, fifo, "pingpong --iter %ld", fifo);
    add(c, p, "pipeline", false, fifo, "pipeline --iter %ld", fifo);
    add(c, p, "signal", false, fifo, "signal --iter %ld", fifo);
    add(c, p, "spawn true", false, spawn, "spawn --iter %ld -- "
        "%s/ipclab-bench-true", spawn, b);

    /* the reference system: one request in flight, then the sweep */
    add(c, p, "rtt", false, rtt, "system --bin %s --count %ld", b, rtt);
    /* the same while six other clients are stopped with answers owed */
    add(c, p, "rtt stopped 6", false, rtt, "system --bin %s --count %ld "
        "--stopped 6", b, rtt);
    /* the same under SCHED_BATCH, the option lab 05 shows */
    add(c, p, "rtt batch", false, rtt, "system --bin %s --count %ld "
        "--sched batch", b, rtt);
    for (int s = 0; s < 2; s++) {
        for (int g = 0; g < 2; g++) {
            for (int i = 0; i < c->nclients; i++) {
                long n = c->clients[i];
                long total = s == 1 ? per_req : g == 1 ? classic : pool;
                long each = total / n > 2 ? total / n : 2;
                char id[48], ack[32] = "";

                if (s == 0 && g == 1)   /* the classic pool: see bench.h */
                    snprintf(ack, sizeof(ack), " --ack-timeout %d",
                             CLASSIC_ACK_TIMEOUT_MS);
                sweep_id(id, sizeof(id), s, g, n);
                add(c, p, id, false, each, "system --bin %s --clients %ld "
                    "--count %ld --spawn %s --signals %s%s", b, n, each,
                    sweep_spawns[s], sweep_sigs[g], ack);
            }
        }
    }

    /* tracing: compiled out, compiled in and idle, recording */
    if (!c->traced_build)
        return;
    /* a traced worker's start against an untraced one's, turn about in
       one job, so that the ratio compares like with like */
    if (nb != NULL)
        add(c, p, "start traced", false, start, "spawn --iter %ld --versus "
            "%s/ipclab-sum -- %s/ipclab-sum --help", start, nb, b);
    else
        add(c, p, "start traced", false, start, "spawn --iter %ld -- "
            "%s/ipclab-sum --help", start, b);
    add(c, p, "tp idle", false, tp, "tpcost --iter %ld", tp);
    if (nb != NULL) {
        add(c, p, "rtt notrace", false, rtt, "system --bin %s --count %ld",
            nb, rtt);
        add(c, p, "thr per-request rt 1 notrace", false, per_req, "system "
            "--bin %s --count %ld --spawn per-request", nb, per_req);
    }
    if (c->record) {
        /* recorded runs paired with untraced ones in the same session */
        add(c, p, "rtt recorded", true, rtt * RECORD_PAIRS, "system --bin %s "
            "--count %ld --pairs %d", b, rtt, RECORD_PAIRS);
        add(c, p, "tp recorded", true, tp, "tpcost --iter %ld", tp);
        add(c, p, "tp switch", true, tps, "tpswitch --iter %ld", tps);
    }
}

const struct series *
plan_series(const struct plan *p, const char *id, bool pinned,
            const char *key)
{
    for (int i = 0; i < p->njobs; i++) {
        const struct job *j = &p->jobs[i];

        if (j->pinned != pinned || strcmp(j->id, id) != 0)
            continue;
        for (int k = 0; k < j->nvals; k++)
            if (strcmp(j->vals[k].key, key) == 0)
                return &j->vals[k];
    }
    return NULL;
}

/* ---- running ------------------------------------------------------------ */

/* Run argv, its stderr into the log; its stdout into out, if not NULL */
static int
run_logged(const struct config *c, char *const argv[], char *out,
           size_t size, int timeout_ms)
{
    char junk[256];
    int status;

    fputs("==", c->log);
    for (int i = 0; argv[i] != NULL; i++)
        fprintf(c->log, " %s", argv[i]);
    fputc('\n', c->log);
    fflush(c->log);
    status = bench_capture(argv, out != NULL ? out : junk,
                           out != NULL ? size : sizeof(junk),
                           fileno(c->log), timeout_ms);
    fprintf(c->log, "== exit status %d\n", status);
    return status;
}

/* Events in trace 'dir' (NAN when it cannot be read) */
static double
count_events(const struct config *c, const char *dir)
{
    char out[64];

    if (run_logged(c, (char *[]){ "bash", "-c", "set -o pipefail; "
                   "babeltrace2 \"$1\" | wc -l", "count", (char *)dir,
                   NULL }, out, sizeof(out), LONG_MS) != 0)
        return NAN;
    return strtod(out, NULL);
}

/* Store every "key=value" of a result line as round r's values */
static void
store(struct job *j, int r, char *line)
{
    char *save = NULL;

    line[strcspn(line, "\n")] = '\0';
    for (char *w = strtok_r(line + strlen("result "), " ", &save);
         w != NULL; w = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(w, '='), *end;
        struct series *s = NULL;
        double v;

        if (eq == NULL)
            continue;
        *eq = '\0';
        v = strtod(eq + 1, &end);
        for (int k = 0; k < j->nvals && s == NULL; k++)
            if (strcmp(j->vals[k].key, w) == 0)
                s = &j->vals[k];
        if (s == NULL && j->nvals < MAX_KEYS && strlen(w) < sizeof(s->key)) {
            s = &j->vals[j->nvals++];
            snprintf(s->key, sizeof(s->key), "%s", w);
            for (int k = 0; k < MAX_ROUNDS; k++)
                s->v[k] = NAN;
        }
        if (s != NULL && end != eq + 1)
            s->v[r] = v;
    }
}

static void
run_job(const struct config *c, struct job *j, int r)
{
    static char out[1 << 16];
    char words[sizeof(j->line)], trace[PATH_MAX], script[PATH_MAX];
    char *argv[64], *save = NULL, *line;
    int n = 0;

    if (j->recorded) {
        snprintf(script, sizeof(script), "%s/traces/record.sh", c->srcdir);
        snprintf(trace, sizeof(trace), "%s/trace-%d", c->out, r);
        memcpy(argv, (char *[]){ script, "-o", trace, "--" },
               4 * sizeof(char *));
        n = 4;
    }
    memcpy(words, j->line, sizeof(words));
    for (char *w = strtok_r(words, " ", &save); w != NULL && n < 63;
         w = strtok_r(NULL, " ", &save))
        argv[n++] = w;
    argv[n] = NULL;
    fprintf(c->log, "== round %d: %s%s\n", r + 1, j->id,
            j->pinned ? " (pinned)" : "");
    if (run_logged(c, argv, out, sizeof(out), JOB_MS) == 0 &&
        (line = strstr(out, "result ")) != NULL) {
        fprintf(c->log, "%s", line);
        store(j, r, line);
    } else {
        fprintf(c->log, "== failed, output: %s\n", out);
    }
    if (j->recorded) {
        if (isnan(j->events))
            j->events = count_events(c, trace);
        bench_rmtree(trace);
    }
}

/* Instructions of one run of argv under callgrind (NAN when it failed);
   'wrap': ipclab-bench system starts the programs itself */
static double
callgrind(const struct config *c, char *const argv[], bool wrap)
{
    char dir[PATH_MAX], prefix[PATH_MAX + 128], script[PATH_MAX + 256];
    char out[64];
    char *full[32];
    int n = 0;

    bench_tmpdir(dir, sizeof(dir), "cg");
    snprintf(prefix, sizeof(prefix), "valgrind --tool=callgrind -q "
             "--callgrind-out-file=%s/cg.%%p --trace-children=yes", dir);
    if (!wrap)
        for (char *save = NULL, *w = strtok_r(prefix, " ", &save);
             w != NULL; w = strtok_r(NULL, " ", &save))
            full[n++] = w;
    for (int i = 0; argv[i] != NULL; i++)
        full[n++] = argv[i];
    if (wrap) {
        full[n++] = "--wrap";
        full[n++] = prefix;
    }
    full[n] = NULL;
    /* the sum of the "totals:" of every process's output file */
    snprintf(script, sizeof(script), "cat %s/cg.* | awk '/^totals:/ "
             "{ s += $2; n++ } END { if (n) printf \"%%.0f\", s }'", dir);
    if (run_logged(c, full, NULL, 0, LONG_MS) != 0 ||
        run_logged(c, (char *[]){ "sh", "-c", script, NULL }, out,
                   sizeof(out), LONG_MS) != 0 || out[0] == '\0')
        out[0] = '\0';
    bench_rmtree(dir);
    return out[0] != '\0' ? strtod(out, NULL) : NAN;
}

static void
measure_callgrind(const struct config *c, struct plan *p)
{
    long n1 = c->quick ? 10 : 200, n2 = c->quick ? 40 : 1200;
    int reps = c->quick ? 1 : CALLGRIND_REPS;
    struct samples req[2] = { { 0 } }, start[2] = { { 0 } };
    char cpu[16], a1[32], a2[32], *self = (char *)c->self;

    p->ir_req[0] = p->ir_req[1] = p->ir_start[0] = p->ir_start[1] = NAN;
    if (!c->callgrind) {
        p->ir_why = "skipped (--no-callgrind)";
        return;
    }
    if (!on_path("valgrind")) {
        p->ir_why = "valgrind is not installed (apt-get install valgrind)";
        return;
    }
    if (c->notrace_bin == NULL)
        p->ir_why = "no TRACING=0 build to compare with (--notrace-bin)";
    snprintf(cpu, sizeof(cpu), "%d", c->cpu);
    snprintf(a1, sizeof(a1), "%ld", n1);
    snprintf(a2, sizeof(a2), "%ld", n2);
    fprintf(stderr, "ipclab-bench: instruction counts (callgrind)\n");
    for (int r = 0; r < reps; r++) {
        /* 0: compiled out, 1: compiled in; interleaved like the rest */
        for (int t = 0; t < 2; t++) {
            char *bin = (char *)(t == 0 ? c->notrace_bin : c->bin);
            char sum[PATH_MAX];
            double t1, t2;

            if (bin == NULL || (t == 1 && !c->traced_build))
                continue;
            t1 = callgrind(c, (char *[]){ self, "system", "--bin", bin,
                           "--count", a1, "--cpu", cpu, NULL }, true);
            t2 = callgrind(c, (char *[]){ self, "system", "--bin", bin,
                           "--count", a2, "--cpu", cpu, NULL }, true);
            samples_add(&req[t], (t2 - t1) / (double)(n2 - n1));
            snprintf(sum, sizeof(sum), "%s/ipclab-sum", bin);
            samples_add(&start[t], callgrind(c, (char *[]){ sum, "--help",
                                             NULL }, false));
        }
    }
    for (int t = 0; t < 2; t++) {
        p->ir_req[t] = samples_pct(&req[t], 50);
        p->ir_start[t] = samples_pct(&start[t], 50);
        samples_free(&req[t]);
        samples_free(&start[t]);
    }
}

/* Events per second of argv reading the big trace (NAN: it failed) */
static double
rate(const struct config *c, const struct plan *p, char *const argv[],
     bool pinned)
{
    char cpu[16], *full[16] = { "taskset", "-c", cpu };
    int n = 3;
    int64_t t0 = ipc_now_ns();

    snprintf(cpu, sizeof(cpu), "%d", c->cpu);
    for (int i = 0; argv[i] != NULL; i++)
        full[n++] = argv[i];
    full[n] = NULL;
    if (run_logged(c, pinned ? full : full + 3, NULL, 0, LONG_MS) != 0)
        return NAN;
    return p->big_events / ((double)(ipc_now_ns() - t0) / 1e9);
}

static void
measure_trace_tool(const struct config *c, struct plan *p)
{
    char trace[PATH_MAX], script[PATH_MAX], count[32];

    for (int r = 0; r < MAX_ROUNDS; r++)
        for (int k = 0; k < 2; k++)
            p->tool_rate[k].v[r] = p->bt2_rate[k].v[r] = NAN;
    p->big_events = NAN;
    if (!c->record || !c->traced_build) {
        p->tool_why = !c->traced_build ? "the programs were built without "
                      "tracing" : "LTTng is not installed";
        return;
    }
    fprintf(stderr, "ipclab-bench: a large trace, read by babeltrace2 and "
            "ipclab-trace\n");
    /* 4 clients, 4 requests in flight each: many events, little time */
    snprintf(script, sizeof(script), "%s/traces/record.sh", c->srcdir);
    snprintf(trace, sizeof(trace), "%s/big-trace", c->out);
    snprintf(count, sizeof(count), "%d", c->quick ? 50 : 5000);
    if (run_logged(c, (char *[]){ script, "-o", trace, "--",
                   (char *)c->self, "system", "--bin", (char *)c->bin,
                   "--clients", "4",
                   "--count", count, "--window", "4", NULL }, NULL, 0,
                   LONG_MS) != 0 ||
        !((p->big_events = count_events(c, trace)) > 0)) {
        p->tool_why = "recording the large trace failed (see bench.log)";
        bench_rmtree(trace);
        return;
    }
    for (int r = 0; r < c->rounds; r++) {
        for (int pinned = 1; pinned >= 0; pinned--) {
            p->bt2_rate[pinned].v[r] = rate(c, p, (char *[]){ "babeltrace2",
                                            trace, NULL }, pinned);
            if (c->trace_tool[0] != '\0')
                p->tool_rate[pinned].v[r] = rate(c, p, (char *[]){
                    (char *)c->trace_tool, "stats", trace, NULL }, pinned);
        }
    }
    if (c->trace_tool[0] == '\0')
        p->tool_why = "ipclab-trace is not built (src/trace/)";
    else if (isnan(p->tool_rate[1].v[0]))
        p->tool_why = "ipclab-trace stats failed on the trace (bench.log)";
    bench_rmtree(trace);
}

int
bench_report(int argc, char *argv[])
{
    static struct config c;
    static struct plan p;
    char log[PATH_MAX];
    bool tty = isatty(STDERR_FILENO);
    int64_t t0 = ipc_now_ms();

    parse(argc, argv, &c);
    if (mkdir(c.out, 0755) == -1 && errno != EEXIST)
        ipc_die("cannot create '%s'", c.out);
    snprintf(log, sizeof(log), "%s/bench.log", c.out);
    if ((c.log = fopen(log, "we")) == NULL)
        ipc_die("cannot create '%s'", log);
    unsetenv("IPCLAB_TRACE");   /* record.sh sets it for its command */
    build_plan(&c, &p);
    fprintf(stderr, "ipclab-bench: %d jobs x %d rounds; log in %s\n",
            p.njobs, c.rounds, log);
    for (int r = 0; r < c.rounds; r++) {
        /* each round starts elsewhere in the plan: see the header */
        int first = (int)(((long)r * p.njobs) / c.rounds);

        for (int k = 0; k < p.njobs; k++) {
            struct job *j = &p.jobs[(first + k) % p.njobs];

            if (tty)
                fprintf(stderr, "\r\033[Kround %d/%d, job %d/%d: %s%s",
                        r + 1, c.rounds, k + 1, p.njobs, j->id,
                        j->pinned ? " (pinned)" : "");
            run_job(&c, j, r);
        }
        fprintf(stderr, "%sipclab-bench: round %d/%d done (%lld s)\n",
                tty ? "\r\033[K" : "", r + 1, c.rounds,
                (long long)((ipc_now_ms() - t0) / 1000));
    }
    measure_callgrind(&c, &p);
    measure_trace_tool(&c, &p);
    table_write(&c, &p);
    if (fclose(c.log) == EOF)
        ipc_die("cannot write '%s'", log);
    return 0;
}
