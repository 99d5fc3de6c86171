/*
 * bench/report.c - the driver behind 'make bench': every experiment,
 * repeated in interleaved rounds, then one table, CSV files and a plot.
 *
 *   ipclab-bench report [--bin DIR] [--notrace-bin DIR] [--srcdir DIR]
 *       [--out DIR] [--runs N] [--scale X] [--quick] [--cpu N]
 *       [--window W] [--clients 1,4,16,64] [--no-callgrind] [--no-record]
 *       [--trace-tool PATH]
 *
 * Round r runs every job once, starting at a different job each round, so
 * that a slow minute on this shared machine (other builds, other tests)
 * lands on every job a little instead of on one job a lot; each figure is
 * then the median of its rounds, with their min and max as the spread.
 * Every job runs twice per round: pinned (all its processes on one CPU,
 * where the targets are stated) and unpinned (for information).
 *
 * 'make bench' runs the driver under the kit's lock (scripts/lib/lock.sh),
 * as 'make check' runs the tests: tests record every ipclab process, and
 * the benchmark's processes would show up in their traces (and theirs in
 * our timings). docs/performance.md explains every figure.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipclab/cli.h"
#include "ipclab/err.h"
#include "ipclab/proc.h"
#include "report.h"

#define JOB_TIMEOUT_MS 300000   /* one run of one job, record.sh included */

static const char usage_text[] =
    "Usage: ipclab-bench report [--bin DIR] [--notrace-bin DIR]\n"
    "       [--srcdir DIR] [--out DIR] [--runs N] [--scale X] [--quick]\n"
    "       [--cpu N] [--window W] [--clients LIST] [--no-callgrind]\n"
    "       [--no-record] [--trace-tool PATH]\n"
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
    "  --scale X          multiply every count by X (default 1)\n"
    "  --quick            tiny counts: a smoke run, figures meaningless\n"
    "  --cpu N            the CPU of pinned runs (default: the last one)\n"
    "  --window W         requests in flight per client (default 1)\n"
    "  --clients LIST     client counts (default 1,4,16,64)\n"
    "  --no-callgrind     skip the instruction counts\n"
    "  --no-record        skip the runs recorded with LTTng\n"
    "  --trace-tool PATH  ipclab-trace (default: BIN/ipclab-trace)\n";

/* Counts of one round at scale 1; --quick and --scale change them */
struct counts {
    long fifo_iter, spawn_iter, start_iter, rtt_count, tp_iter;
    long pool_total, per_request_total, classic_pool_total, min_per_client;
    long switch_iter;
};

static void
parse_clients(struct config *c, const char *list)
{
    char *copy = strdup(list), *save = NULL;

    if (copy == NULL)
        ipc_die("out of memory");
    c->nclients = 0;
    for (char *w = strtok_r(copy, ",", &save); w != NULL;
         w = strtok_r(NULL, ",", &save)) {
        if (c->nclients == MAX_CLIENT_COUNTS)
            ipc_usage_error("--clients: at most %d counts", MAX_CLIENT_COUNTS);
        c->clients[c->nclients++] = (long)ipc_cli_int("clients", w, 1, 256);
    }
    free(copy);
    if (c->nclients == 0)
        ipc_usage_error("--clients: no count given");
}

static void
parse(int argc, char *argv[], struct config *c)
{
    static const struct ipc_cli_opt opts[] = {
        { "help", 0, 1 }, { "bin", 1, 2 }, { "notrace-bin", 1, 3 },
        { "srcdir", 1, 4 }, { "out", 1, 5 }, { "runs", 1, 6 },
        { "scale", 1, 7 }, { "quick", 0, 8 }, { "cpu", 1, 9 },
        { "window", 1, 10 }, { "clients", 1, 11 }, { "no-callgrind", 0, 12 },
        { "no-record", 0, 13 }, { "trace-tool", 1, 14 }, { NULL, 0, 0 },
    };
    static char bin[PATH_MAX];
    struct ipc_cli cli = IPCLAB_CLI_INIT(argc, argv);
    const char *arg, *clients = NULL;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    char *end;
    int id;

    c->srcdir = ".";
    c->out = "build/bench";
    c->rounds = 0;
    c->scale = 1;
    c->cpu = ncpu > 1 ? (int)ncpu - 1 : 0;
    c->window = 1;
    c->callgrind = c->record = true;
    while ((id = ipc_cli_next(&cli, opts, &arg)) != IPCLAB_CLI_END) {
        switch (id) {
        case 1: fputs(usage_text, stdout); exit(0);
        case 2: c->bin = arg; break;
        case 3: c->notrace_bin = arg; break;
        case 4: c->srcdir = arg; break;
        case 5: c->out = arg; break;
        case 6: c->rounds = (int)ipc_cli_int("runs", arg, 1, MAX_ROUNDS);
                break;
        case 7:
            c->scale = strtod(arg, &end);
            if (*end != '\0' || !(c->scale > 0 && c->scale <= 100))
                ipc_usage_error("--scale must be a number in (0, 100]");
            break;
        case 8: c->quick = true; break;
        case 9: c->cpu = (int)ipc_cli_int("cpu", arg, 0, ncpu - 1); break;
        case 10: c->window = (long)ipc_cli_int("window", arg, 1, 1000);
                 break;
        case 11: clients = arg; break;
        case 12: c->callgrind = false; break;
        case 13: c->record = false; break;
        case 14: c->trace_tool = arg; break;
        default: ipc_usage_error("unexpected argument '%s'", arg);
        }
    }
    if (c->rounds == 0)
        c->rounds = c->quick ? 1 : 5;
    parse_clients(c, clients != NULL ? clients
                                     : c->quick ? "1,4" : "1,4,16,64");
    if (ipc_exe_dir(bin, sizeof(bin)) == -1 ||
        snprintf(c->self, sizeof(c->self), "%s/ipclab-bench", bin) >=
        (int)sizeof(c->self))
        ipc_die("cannot find my own directory");
    if (c->bin == NULL)
        c->bin = bin;
}

static bool
exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* Was BIN built with tracepoints? BUILD/.tracing says, as for the tests */
static bool
traced_build(const char *bin)
{
    char path[PATH_MAX];
    FILE *f;
    int ch = 0;

    snprintf(path, sizeof(path), "%s/../.tracing", bin);
    if ((f = fopen(path, "re")) != NULL) {
        ch = fgetc(f);
        fclose(f);
        return ch == '1';
    }
    snprintf(path, sizeof(path), "%s/../lib/libipclab-tp.so", bin);
    return exists(path);
}

/* ---- the plan ----------------------------------------------------------- */

static char *
xstrdup(const char *s)
{
    char *d = strdup(s);

    if (d == NULL)
        ipc_die("out of memory");
    return d;
}

/*
 * Add job 'id' twice, pinned and not: self, then the NULL-ended words. A
 * word "%ld" stands for a number, the long argument that follows it.
 */
static void
add(const struct config *c, struct plan *p, const char *id, bool recorded,
    int notrace, ...)      /* int: va_start needs an unpromoted type */
{
    for (int pinned = 1; pinned >= 0; pinned--) {
        struct job *j = &p->jobs[p->njobs++];
        char number[24];
        int n = 0;
        va_list ap;

        if (p->njobs > MAX_JOBS)
            ipc_diex("too many jobs");
        snprintf(j->id, sizeof(j->id), "%s", id);
        j->pinned = pinned;
        j->recorded = recorded;
        j->notrace = notrace;
        j->events = NAN;
        j->argv[n++] = xstrdup(c->self);
        va_start(ap, notrace);
        for (const char *w = va_arg(ap, const char *); w != NULL;
             w = va_arg(ap, const char *)) {
            if (strcmp(w, "%ld") == 0) {
                snprintf(number, sizeof(number), "%ld", va_arg(ap, long));
                w = number;
            }
            j->argv[n++] = xstrdup(w);
        }
        va_end(ap);
        if (pinned) {
            /* before "--" of 'spawn': the words after it are its program */
            int at = n;

            for (int i = 1; i < n; i++)
                if (strcmp(j->argv[i], "--") == 0 && at == n)
                    at = i;
            memmove(&j->argv[at + 2], &j->argv[at],
                    (size_t)(n - at) * sizeof(char *));
            j->argv[at] = xstrdup("--cpu");
            snprintf(number, sizeof(number), "%d", c->cpu);
            j->argv[at + 1] = xstrdup(number);
            n += 2;
        }
        j->argv[n] = NULL;
    }
}

/* The jobs' words, from add() */
static void
plan_free(struct plan *p)
{
    for (int i = 0; i < p->njobs; i++)
        for (int n = 0; p->jobs[i].argv[n] != NULL; n++)
            free(p->jobs[i].argv[n]);
    p->njobs = 0;
}

static long
scaled(const struct config *c, long v)
{
    long s = lround((double)v * c->scale);

    return s < 1 ? 1 : s;
}

static void
build_plan(const struct config *c, struct plan *p)
{
    struct counts k = { 20000, 300, 200, 5000, 50000, 10000, 400, 40, 2,
                        20000 };
    char path[PATH_MAX], path0[PATH_MAX];
    const char *spawns[] = { "pool", "per-request" };
    const char *sigs[] = { "rt", "classic" };
    bool rec = c->record && c->traced_build;

    if (c->quick)
        k = (struct counts){ 400, 10, 10, 100, 2000, 200, 16, 8, 2, 800 };
    k.fifo_iter = scaled(c, k.fifo_iter);
    k.spawn_iter = scaled(c, k.spawn_iter);
    k.start_iter = scaled(c, k.start_iter);
    k.rtt_count = scaled(c, k.rtt_count);
    k.tp_iter = scaled(c, k.tp_iter);
    k.switch_iter = scaled(c, k.switch_iter);
    k.pool_total = scaled(c, k.pool_total);
    k.per_request_total = scaled(c, k.per_request_total);
    k.classic_pool_total = scaled(c, k.classic_pool_total);

    /* baselines */
    add(c, p, "pingpong", false, false, "pingpong", "--iter", "%ld",
        k.fifo_iter, NULL);
    add(c, p, "pipeline", false, false, "pipeline", "--iter", "%ld",
        k.fifo_iter, NULL);
    add(c, p, "signal", false, false, "signal", "--iter", "%ld", k.fifo_iter,
        NULL);
    snprintf(path, sizeof(path), "%s/ipclab-bench-true", c->bin);
    add(c, p, "spawn true", false, false, "spawn", "--iter", "%ld",
        k.spawn_iter, "--", path, NULL);

    /* the reference system: one request in flight, then the sweep */
    add(c, p, "rtt", false, false, "system", "--bin", c->bin, "--count",
        "%ld", k.rtt_count, NULL);
    /* the same while six other clients are stopped with answers owed */
    add(c, p, "rtt stopped 6", false, false, "system", "--bin", c->bin,
        "--count", "%ld", k.rtt_count, "--stopped", "6", NULL);
    /* the same under the kernel's default policy: what SCHED_BATCH saves */
    add(c, p, "rtt normal", false, false, "system", "--bin", c->bin,
        "--count", "%ld", k.rtt_count, "--sched", "normal", NULL);
    for (int s = 0; s < 2; s++) {
        for (int g = 0; g < 2; g++) {
            for (int i = 0; i < c->nclients; i++) {
                long n = c->clients[i];
                long total = s == 1 ? k.per_request_total
                           : g == 1 ? k.classic_pool_total : k.pool_total;
                long each = total / n > k.min_per_client ? total / n
                                                         : k.min_per_client;
                bool classic_pool = s == 0 && g == 1;
                char id[64];

                snprintf(id, sizeof(id), "thr %s %s %ld", spawns[s], sigs[g],
                         n);
                /* the NULL ends the words early unless classic_pool */
                add(c, p, id, false, false, "system", "--bin", c->bin,
                    "--clients", "%ld", n, "--count", "%ld", each, "--window",
                    "%ld", c->window, "--spawn", spawns[s], "--signals",
                    sigs[g], "--timeout", "120000",
                    classic_pool ? "--ack-timeout" : NULL,
                    "%ld", (long)CLASSIC_ACK_TIMEOUT_MS, NULL);
            }
        }
    }

    /* tracing: compiled out, compiled in and idle, recording */
    if (!c->traced_build)
        return;
    /* a traced worker's start against an untraced one's, turn about in
       one job, so that the ratio compares like with like */
    snprintf(path, sizeof(path), "%s/ipclab-sum", c->bin);
    if (c->notrace_bin != NULL) {
        snprintf(path0, sizeof(path0), "%s/ipclab-sum", c->notrace_bin);
        add(c, p, "start traced", false, false, "spawn", "--iter", "%ld",
            k.start_iter, "--versus", path0, "--", path, "--help", NULL);
    } else {
        add(c, p, "start traced", false, false, "spawn", "--iter", "%ld",
            k.start_iter, "--", path, "--help", NULL);
    }
    add(c, p, "tp idle", false, false, "tpcost", "--iter", "%ld", k.tp_iter,
        NULL);
    if (c->notrace_bin != NULL) {
        add(c, p, "rtt notrace", false, true, "system", "--bin",
            c->notrace_bin, "--count", "%ld", k.rtt_count, NULL);
        add(c, p, "thr per-request rt 1 notrace", false, true, "system",
            "--bin", c->notrace_bin, "--count", "%ld", k.per_request_total,
            "--spawn", "per-request", "--window", "%ld", c->window, NULL);
    }
    if (rec) {
        /* recorded runs paired with untraced ones in the same session */
        add(c, p, "rtt recorded", true, false, "system", "--bin", c->bin,
            "--count", "%ld", k.rtt_count, "--pairs", "%ld",
            (long)RECORD_PAIRS, NULL);
        add(c, p, "tp recorded", true, false, "tpcost", "--iter", "%ld",
            k.tp_iter, NULL);
        add(c, p, "tp switch", true, false, "tpswitch", "--iter", "%ld",
            k.switch_iter, NULL);
    }
}

struct job *
plan_find(struct plan *p, const char *id, bool pinned)
{
    for (int i = 0; i < p->njobs; i++)
        if (p->jobs[i].pinned == pinned && strcmp(p->jobs[i].id, id) == 0)
            return &p->jobs[i];
    return NULL;
}

const struct series *
job_series(const struct job *j, const char *key)
{
    for (int i = 0; j != NULL && i < j->nvals; i++)
        if (strcmp(j->vals[i].key, key) == 0)
            return &j->vals[i];
    return NULL;
}

/* ---- running ------------------------------------------------------------ */

static struct series *
series_for(struct job *j, const char *key)
{
    struct series *s;

    for (int i = 0; i < j->nvals; i++)
        if (strcmp(j->vals[i].key, key) == 0)
            return &j->vals[i];
    if (j->nvals == MAX_KEYS)
        return NULL;
    s = &j->vals[j->nvals++];
    snprintf(s->key, sizeof(s->key), "%s", key);
    for (int r = 0; r < MAX_ROUNDS; r++)
        s->v[r] = NAN;
    return s;
}

/* Store every "key=value" of the result line as this round's values */
static void
store(struct job *j, int round, const char *line)
{
    char copy[1024], *save = NULL;
    size_t len = strcspn(line, "\n");

    if (len >= sizeof(copy))
        len = sizeof(copy) - 1;
    memcpy(copy, line, len);
    copy[len] = '\0';
    for (char *w = strtok_r(copy + strlen("result "), " ", &save); w != NULL;
         w = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(w, '='), *end;
        struct series *s;
        double v;

        if (eq == NULL || eq - w >= (ptrdiff_t)sizeof(s->key))
            continue;
        *eq = '\0';
        v = strtod(eq + 1, &end);
        if (end != eq + 1 && (s = series_for(j, w)) != NULL)
            s->v[round] = v;
    }
}

static void
run_job(const struct config *c, struct job *j, int round)
{
    static char out[1 << 16];
    char trace[PATH_MAX], *argv[MAX_ARGS + 8], script[PATH_MAX];
    const char *line;
    int n = 0, status;

    if (j->recorded) {
        snprintf(script, sizeof(script), "%s/traces/record.sh", c->srcdir);
        snprintf(trace, sizeof(trace), "%s/trace-%d-%d", c->out,
                 (int)getpid(), round);
        argv[n++] = script;
        argv[n++] = "-o";
        argv[n++] = trace;
        argv[n++] = "--";
    }
    for (int i = 0; j->argv[i] != NULL; i++)
        argv[n++] = j->argv[i];
    argv[n] = NULL;

    fprintf(c->log, "== round %d: %s%s:", round + 1, j->id,
            j->pinned ? " (pinned)" : "");
    for (int i = 0; argv[i] != NULL; i++)
        fprintf(c->log, " %s", argv[i]);
    fputc('\n', c->log);
    fflush(c->log);

    /* a recorded run loads its probes (docs/tracing.md, section 7) */
    if (j->recorded)
        setenv("IPCLAB_TRACE", "1", 1);
    status = bench_capture(argv, out, sizeof(out), c->log_fd,
                           JOB_TIMEOUT_MS);
    unsetenv("IPCLAB_TRACE");
    line = strstr(out, "result ");
    if (status != 0 || line == NULL) {
        j->failures++;
        fprintf(c->log, "== failed: exit status %d, output: %s\n", status,
                out);
    } else {
        store(j, round, line);
        fprintf(c->log, "%s", line);
    }
    fflush(c->log);
    if (j->recorded) {
        if (isnan(j->events) && status == 0)
            j->events = (double)count_trace_events(c, trace);
        bench_rmtree(trace);
    }
}

static void
run_rounds(const struct config *c, struct plan *p)
{
    bool tty = isatty(STDERR_FILENO);
    int64_t start = ipc_now_ms();

    for (int r = 0; r < c->rounds; r++) {
        /* each round starts elsewhere in the plan: see the header */
        int first = (int)(((long)r * p->njobs) / c->rounds);

        for (int k = 0; k < p->njobs; k++) {
            struct job *j = &p->jobs[(first + k) % p->njobs];

            if (tty)
                fprintf(stderr, "\r\033[Kround %d/%d, job %d/%d: %s%s",
                        r + 1, c->rounds, k + 1, p->njobs, j->id,
                        j->pinned ? " (pinned)" : "");
            run_job(c, j, r);
        }
        if (tty)
            fprintf(stderr, "\r\033[K");
        fprintf(stderr, "ipclab-bench: round %d/%d done (%lld s)\n", r + 1,
                c->rounds, (long long)((ipc_now_ms() - start) / 1000));
    }
}

/* Where ipclab-trace is, or why not */
static void
find_trace_tool(struct config *c)
{
    static char path[PATH_MAX];

    if (c->trace_tool != NULL) {
        if (access(c->trace_tool, X_OK) != 0)
            c->trace_tool_why = "the --trace-tool given is not executable";
        return;
    }
    snprintf(path, sizeof(path), "%s/ipclab-trace", c->bin);
    if (access(path, X_OK) != 0)
        snprintf(path, sizeof(path), "%s/build/bin/ipclab-trace", c->srcdir);
    if (access(path, X_OK) == 0)
        c->trace_tool = path;
    else
        c->trace_tool_why = "ipclab-trace is not built (src/trace/)";
}

int
bench_report(int argc, char *argv[])
{
    static struct config c;
    static struct plan p;
    char log[PATH_MAX];

    parse(argc, argv, &c);
    if (mkdir(c.out, 0755) == -1 && errno != EEXIST)
        ipc_die("cannot create '%s'", c.out);
    snprintf(log, sizeof(log), "%s/bench.log", c.out);
    if ((c.log = fopen(log, "we")) == NULL)
        ipc_die("cannot create '%s'", log);
    c.log_fd = fileno(c.log);
    c.traced_build = traced_build(c.bin);
    unsetenv("IPCLAB_TRACE");   /* only the recorded runs set it */
    if (c.record && !(bench_on_path("lttng") && bench_on_path("lttng-sessiond") &&
                      bench_on_path("babeltrace2")))
        c.record = false;       /* the table says why those rows are n/a */
    find_trace_tool(&c);

    build_plan(&c, &p);
    fprintf(stderr, "ipclab-bench: %d jobs x %d rounds; log in %s\n",
            p.njobs, c.rounds, log);
    run_rounds(&c, &p);
    extra_callgrind(&c, &p);
    extra_trace_tool(&c, &p);
    table_write(&c, &p);
    plan_free(&p);
    fclose(c.log);
    return 0;
}
