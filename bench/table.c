/*
 * bench/table.c - from the rounds' values to the one table: medians with
 * their spread, ratios to the baselines, the targets; and the same figures
 * as CSV (results.csv, runs.csv, clients.csv) and Markdown.
 *
 * Derived figures (a ratio, a difference) are computed round by round
 * from values measured in the same round, then summarised like any other:
 * "round trip / budget" is the median over rounds of rtt[r] / budget[r].
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "bench.h"

enum unit { U_NS, U_RATE, U_RATIO, U_PCT, U_COUNT };

static const char *const unit_name[] = { "ns", "1/s", "x", "%", "count" };

/* Where the table goes: the terminal and table.txt, table.md, results.csv */
struct out {
    const struct config *c;
    const struct plan *p;
    FILE *txt, *md, *csv;
    const char *section;
    int ntargets;
    struct target {
        char what[64];
        double value, limit;    /* the pinned median; its limit */
        bool at_most;           /* value <= limit, else value >= limit */
        enum unit u;
        const char *why_na;
    } targets[8];
};

struct stat3
series_stat(const struct series *s, int rounds)
{
    struct samples smp = { 0 };
    struct stat3 st = { NAN, NAN, NAN, 0 };

    for (int r = 0; s != NULL && r < rounds; r++)
        if (isfinite(s->v[r]))
            samples_add(&smp, s->v[r]);
    if (smp.n > 0)
        st = (struct stat3){ samples_pct(&smp, 50), samples_pct(&smp, 0),
                             samples_pct(&smp, 100), (int)smp.n };
    samples_free(&smp);
    return st;
}

static struct stat3
single(double v)
{
    return (struct stat3){ v, v, v, isnan(v) ? 0 : 1 };
}

/* Round by round: a * k ('*' with b NULL), a + b * k, a * b * k, a / b * k */
static struct series
calc(const struct series *a, char op, const struct series *b, double k)
{
    struct series o = { "", { 0 } };

    for (int r = 0; r < MAX_ROUNDS; r++) {
        double x = a != NULL ? a->v[r] : NAN;
        double y = b != NULL ? b->v[r] : op == '*' ? 1 : NAN;

        o.v[r] = op == '+' ? x + y * k : op == '*' ? x * y * k : x / y * k;
    }
    return o;
}

static struct stat3
stat_of(const struct out *o, const struct series *s)
{
    return series_stat(s, o->c->rounds);
}

/* ---- formatting ------------------------------------------------------- */

/* The divisor and suffix that print v in unit u: 1.5e6 ns is "1.50 ms" */
static double
scale_of(enum unit u, double v, const char **suffix)
{
    static const struct {
        enum unit u;
        double from;            /* the least |v| printed this way */
        const char *suffix;
    } steps[] = {
        { U_NS, 1e9, " s" }, { U_NS, 1e6, " ms" }, { U_NS, 1e3, " us" },
        { U_NS, 0, " ns" }, { U_RATE, 1e6, " M/s" }, { U_RATE, 1e3, " k/s" },
        { U_RATE, 0, " /s" }, { U_RATIO, 0, " x" }, { U_PCT, 0, " %" },
    };

    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        if (steps[i].u == u && fabs(v) >= steps[i].from) {
            *suffix = steps[i].suffix;
            return steps[i].from > 0 ? steps[i].from : 1;
        }
    }
    *suffix = "";
    return 1;
}

/* x with three significant digits (a count of 10 or more: none after the
   point), in v's scale */
static void
fmt_num(char *buf, size_t size, double x, double scale, bool count)
{
    x /= scale;
    snprintf(buf, size, "%.*f", fabs(x) >= 100 || (count && fabs(x) >= 10)
             ? 0 : fabs(x) >= 10 ? 1 : 2, x);
}

/* "4.61 us [4.55..4.80]": the median, and the spread in its unit */
static void
fmt_stat(char *buf, size_t size, enum unit u, struct stat3 st, bool spread)
{
    char med[32], lo[32], hi[32];
    const char *suffix;
    double scale = scale_of(u, st.med, &suffix);

    if (st.n == 0) {
        snprintf(buf, size, "n/a");
        return;
    }
    fmt_num(med, sizeof(med), st.med, scale, u == U_COUNT);
    fmt_num(lo, sizeof(lo), st.min, scale, false);
    fmt_num(hi, sizeof(hi), st.max, scale, false);
    if (!spread || st.n == 1 || st.min == st.max ||
        snprintf(buf, size, "%s%s [%s..%s]", med, suffix, lo, hi) >=
        (int)size)
        snprintf(buf, size, "%s%s", med, suffix);
}

/* Print to the terminal and to table.txt */
static void __attribute__((format(printf, 2, 3)))
both(struct out *o, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    va_start(ap, fmt);
    vfprintf(o->txt, fmt, ap);
    va_end(ap);
}

static void
section(struct out *o, const char *title)
{
    o->section = title;
    both(o, "\n%s\n", title);
    fprintf(o->md, "| **%s** | | | |\n", title);
}

/* One row: a figure pinned and unpinned, and a note (may be NULL) */
static void
row(struct out *o, const char *label, enum unit u, struct stat3 pin,
    struct stat3 unp, const char *note)
{
    char a[64], b[64];

    fmt_stat(a, sizeof(a), u, pin, true);
    fmt_stat(b, sizeof(b), u, unp, true);
    note = note != NULL ? note : "";
    both(o, "  %-46s %-27s %-27s %s\n", label, a, b, note);
    fprintf(o->md, "| %s | %s | %s | %s |\n", label, a, b, note);
    for (int pinned = 1; pinned >= 0; pinned--) {
        struct stat3 st = pinned ? pin : unp;

        fprintf(o->csv, "\"%s\",\"%s\",%s,%s,", o->section, label,
                pinned ? "pinned" : "unpinned", unit_name[u]);
        if (st.n == 0)
            fprintf(o->csv, ",,,0\n");
        else
            fprintf(o->csv, "%.6g,%.6g,%.6g,%d\n", st.med, st.min, st.max,
                    st.n);
    }
}

/* A row of one job's key, pinned and unpinned, times k (us -> ns) */
static void
job_row(struct out *o, const char *label, const char *id, const char *key,
        double k, enum unit u, const char *note)
{
    struct series sp = calc(plan_series(o->p, id, true, key), '*', NULL, k);
    struct series su = calc(plan_series(o->p, id, false, key), '*', NULL, k);

    row(o, label, u, stat_of(o, &sp), stat_of(o, &su), note);
}

/* A row of a derived figure: s[1] pinned, s[0] unpinned */
static void
calc_row(struct out *o, const char *label, enum unit u,
         const struct series s[2], const char *note)
{
    row(o, label, u, stat_of(o, &s[1]), stat_of(o, &s[0]), note);
}

static void
target(struct out *o, const char *what, double value, double limit,
       bool at_most, enum unit u, const char *why_na)
{
    struct target *t = &o->targets[o->ntargets++];

    *t = (struct target){ "", value, limit, at_most, u, why_na };
    snprintf(t->what, sizeof(t->what), "%s", what);
}

/* ---- the figures -------------------------------------------------------- */

static void
baselines(struct out *o, struct series budget[2])
{
    section(o, "Baselines: this machine's limits (p50 of each run)");
    job_row(o, "FIFO ping-pong round trip, 1 record", "pingpong", "p50_ns",
            1, U_NS, "2 hops, 2 processes");
    job_row(o, "raw 4-hop FIFO pipeline round trip", "pipeline", "p50_ns",
            1, U_NS, "rc->server->worker->server->rc, no signals");
    job_row(o, "rt signal round trip", "signal", "p50_ns", 1, U_NS,
            "sigqueue() + sigwaitinfo(), both ways");
    job_row(o, "fork+exec+wait, trivial program", "spawn true", "p50_ns", 1,
            U_NS, "ipclab-bench-true");
    for (int pinned = 0; pinned < 2; pinned++)
        budget[pinned] = calc(plan_series(o->p, "pipeline", pinned,
                                          "p50_ns"), '+',
                              plan_series(o->p, "signal", pinned, "p50_ns"),
                              2);
    calc_row(o, "budget: 4-hop pipeline + 2 signal RTs", U_NS, budget,
             "what one request needs at least");
}

static void
reference(struct out *o, const struct series budget[2])
{
    struct series to_pipe[2], to_budget[2];

    section(o, "Reference system: pool, rt, 1 client, 1 request in flight");
    job_row(o, "round trip p50", "rtt", "p50_us", 1e3, U_NS, NULL);
    for (int pinned = 0; pinned < 2; pinned++) {
        const struct series *rtt = plan_series(o->p, "rtt", pinned,
                                               "p50_us");

        to_pipe[pinned] = calc(rtt, '/', plan_series(o->p, "pipeline",
                                                     pinned, "p50_ns"), 1e3);
        to_budget[pinned] = calc(rtt, '/', &budget[pinned], 1e3);
    }
    calc_row(o, "  round trip / raw 4-hop pipeline", U_RATIO, to_pipe,
             "what the signal handshake and the server add");
    calc_row(o, "  round trip / budget", U_RATIO, to_budget,
             "target: <= 1.0 pinned");
    target(o, "round trip <= 1.0 x (4-hop + 2 signal RTs)",
           stat_of(o, &to_budget[1]).med, 1.0, true, U_RATIO, NULL);
    job_row(o, "round trip p99", "rtt", "p99_us", 1e3, U_NS, NULL);
    job_row(o, "round trip p99, six other clients stopped", "rtt stopped 6",
            "p99_us", 1e3, U_NS, "target: < 100 ms");
    target(o, "round trip p99 with six clients stopped < 100 ms",
           stat_of(o, plan_series(o->p, "rtt stopped 6", true,
                                  "p99_us")).med * 1e3, 100e6, true, U_NS,
           NULL);
    job_row(o, "throughput, 1 client", "rtt", "throughput", 1, U_RATE,
            "= 1 / round trip");
    job_row(o, "context switches per request", "rtt", "cs_per_req", 1,
            U_COUNT, "all processes; on one CPU >= 4, one per hand-off");
    job_row(o, "round trip p50, --sched batch", "rtt batch", "p50_us",
            1e3, U_NS, "SCHED_BATCH instead of the default");
    job_row(o, "  context switches per request", "rtt batch",
            "cs_per_req", 1, U_COUNT, "a woken process waits for its "
            "waker to block");
}

static void
sweep(struct out *o, const struct series budget[2])
{
    const struct series *spawn_true = plan_series(o->p, "spawn true", true,
                                                  "p50_ns");
    double have16 = NAN;

    section(o, "Throughput, requests/s (1 in flight per client)");
    for (int s = 0; s < 2; s++) {
        for (int g = 0; g < 2; g++) {
            for (int i = 0; i < o->c->nclients; i++) {
                long n = o->c->clients[i];
                char id[48], label[64], note[128] = "";
                struct stat3 rel, lost;
                struct series x;
                size_t len;

                sweep_id(id, sizeof(id), s, g, n);
                snprintf(label, sizeof(label), "%s, %s, %ld client%s",
                         sweep_spawns[s], sweep_sigs[g], n, n > 1 ? "s" : "");
                /* throughput x budget: how close to 1 / budget */
                x = calc(plan_series(o->p, id, true, "throughput"), '*',
                         s == 0 ? &budget[1] : spawn_true, 1e-9);
                rel = stat_of(o, &x);
                lost = stat_of(o, plan_series(o->p, id, true, "lost"));
                if (rel.n > 0)
                    snprintf(note, sizeof(note), "= %.2f / %s; ", rel.med,
                             s == 0 ? "budget" : "fork+exec");
                len = strlen(note);
                if (s == 0 && g == 1)
                    snprintf(note + len, sizeof(note) - len, "ack timeout "
                             "%d ms; ", CLASSIC_ACK_TIMEOUT_MS);
                len = strlen(note);
                if (lost.n > 0 && lost.med > 0)
                    snprintf(note + len, sizeof(note) - len, "lost %.0f "
                             "requests (median); ", lost.med);
                if ((len = strlen(note)) >= 2)
                    note[len - 2] = '\0';       /* the last "; " */
                job_row(o, label, id, "throughput", 1, U_RATE, note);
                if (s == 0 && g == 0 && n == 16)
                    have16 = rel.med;
            }
        }
    }
    target(o, "throughput, 16 clients >= 0.7 / (4-hop + 2 signal RTs)",
           have16, 0.7, false, U_COUNT, "16 clients were not measured");
}

static void
tracing(struct out *o)
{
    const struct plan *p = o->p;
    const struct config *c = o->c;
    struct series added[2], per_event[2], ratio[2];
    double events = NAN, count = NAN, discarded = 0;
    const char *why_rec = !c->traced_build ? "built without tracing"
                        : !c->record ? "LTTng is not installed" : NULL;
    const char *why_nb = c->notrace_bin != NULL ? NULL : "no --notrace-bin";
    char note[96];

    section(o, "Tracing: compiled out, compiled in with no session, "
            "recording");
    for (int i = 0; i < p->njobs; i++) {
        const struct job *j = &p->jobs[i];

        if (j->pinned && strcmp(j->id, "rtt recorded") == 0)
            events = j->events / (double)j->count;
        if (j->pinned && strcmp(j->id, "tp recorded") == 0) {
            count = (double)j->count;
            discarded = count - j->events;
        }
    }
    job_row(o, "round trip p50, compiled out (TRACING=0)", "rtt notrace",
            "p50_us", 1e3, U_NS, why_nb);
    job_row(o, "round trip p50, compiled in, no session", "rtt", "p50_us",
            1e3, U_NS, NULL);
    job_row(o, "round trip p50, recording every event", "rtt recorded",
            "p50_us", 1e3, U_NS, why_rec);
    job_row(o, "  the same runs' twins, IPCLAB_TRACE=0", "rtt recorded",
            "off_p50_us", 1e3, U_NS, "in the same session, turn about");
    job_row(o, "  context switches per request, recording", "rtt recorded",
            "cs_per_req", 1, U_COUNT, why_rec != NULL ? why_rec
            : "with LTTng's start-up in every process");
    job_row(o, "  context switches per request, twins", "rtt recorded",
            "off_cs_per_req", 1, U_COUNT, why_rec);
    /* each recorded run against its untraced twin of the same job */
    for (int pinned = 0; pinned < 2; pinned++) {
        added[pinned] = calc(plan_series(p, "rtt recorded", pinned,
                                         "added_pct"), '*', NULL, 1);
        per_event[pinned] = calc(plan_series(p, "rtt recorded", pinned,
                                             "added_us"), '*', NULL,
                                 1e3 / events);
        ratio[pinned] = calc(plan_series(p, "start traced", pinned,
                                         "ratio"), '*', NULL, 1);
    }
    calc_row(o, "  added by recording", U_PCT, added,
             "against the twins; target: <= 25 % pinned");
    row(o, "  events per request", U_COUNT, single(events), single(events),
        "every ipclab event of every process");
    calc_row(o, "  cost per recorded event, in the round trip", U_NS,
             per_event, "(recording - twin) / events: cold, after switches");
    target(o, "recording: <= 150 ns per event (steady state)",
           stat_of(o, plan_series(p, "tp recorded", true,
                                  "ns_per_event")).med, 150, true, U_NS,
           why_rec);
    target(o, "recording: <= 25 % added to the round trip",
           stat_of(o, &added[1]).med, 25, true, U_PCT, why_rec);
    snprintf(note, sizeof(note), "record_write, bursts of 1000; target <= "
             "150 ns");
    if (discarded > 0)
        snprintf(note, sizeof(note), "%.0f of %.0f events were discarded",
                 discarded, count);
    job_row(o, "cost per recorded event, steady state", "tp recorded",
            "ns_per_event", 1, U_NS, why_rec != NULL ? why_rec : note);
    job_row(o, "  first pass over the ring buffer", "tp recorded",
            "first_ns_per_event", 1, U_NS, why_rec != NULL ? why_rec
            : "a page fault per 4 KiB page and process");
    job_row(o, "  an event after a system call", "tp recorded",
            "after_syscall_ns", 1, U_NS, why_rec != NULL ? why_rec
            : "getppid() then record_write, less getppid() alone");
    job_row(o, "  first event after a context switch", "tp switch",
            "ns_per_event", 1, U_NS, why_rec != NULL ? why_rec
            : "2 processes taking turns (unpinned: not on one CPU)");
    job_row(o, "cost per tracepoint, no session", "tp idle", "ns_per_event",
            1, U_NS, "a load and a branch");

    row(o, "instructions per request, compiled out", U_COUNT,
        single(p->ir_req[0]), single(NAN), p->ir_why != NULL ? p->ir_why
        : "callgrind: server + workers + client");
    row(o, "instructions per request, compiled in", U_COUNT,
        single(p->ir_req[1]), single(NAN), "no session");
    row(o, "  compiled in / compiled out", U_RATIO,
        single(p->ir_req[1] / p->ir_req[0]), single(NAN), "target: <= 1.02");
    target(o, "tracing compiled in, no session: <= 1.02 x instructions",
           p->ir_req[1] / p->ir_req[0], 1.02, true, U_RATIO, p->ir_why);

    job_row(o, "processing client start+exit, compiled out",
            "start traced", "versus_p50_ns", 1, U_NS,
            "fork+exec+wait of ipclab-sum --help");
    job_row(o, "processing client start+exit, compiled in", "start traced",
            "p50_ns", 1, U_NS, "nobody records; turn about with the "
            "line above");
    calc_row(o, "  compiled in / compiled out", U_RATIO, ratio,
             "target: <= 1.3 pinned");
    target(o, "processing client start, compiled in <= 1.3 x compiled out",
           stat_of(o, &ratio[1]).med, 1.3, true, U_RATIO, why_nb);
    row(o, "  start-up instructions, compiled out", U_COUNT,
        single(p->ir_start[0]), single(NAN), "callgrind");
    row(o, "  start-up instructions, compiled in", U_COUNT,
        single(p->ir_start[1]), single(NAN), "callgrind, no session");
    job_row(o, "per-request spawning, 1 client, compiled out",
            "thr per-request rt 1 notrace", "throughput", 1, U_RATE, NULL);
    job_row(o, "per-request spawning, 1 client, compiled in",
            "thr per-request rt 1", "throughput", 1, U_RATE, NULL);
}

static void
trace_tool(struct out *o)
{
    const struct plan *p = o->p;
    struct series ratio[2];
    char title[96];

    snprintf(title, sizeof(title), "Reading a trace of %.0f events: "
             "events/s", p->big_events);
    section(o, title);
    calc_row(o, "babeltrace2, text conversion", U_RATE, p->bt2_rate,
             isnan(p->big_events) ? p->tool_why : NULL);
    calc_row(o, "ipclab-trace stats", U_RATE, p->tool_rate, p->tool_why);
    for (int pinned = 0; pinned < 2; pinned++)
        ratio[pinned] = calc(&p->tool_rate[pinned], '/',
                             &p->bt2_rate[pinned], 1);
    calc_row(o, "  ipclab-trace / babeltrace2", U_RATIO, ratio,
             "target: >= 2");
    target(o, "ipclab-trace stats >= 2 x babeltrace2 events/s",
           stat_of(o, &ratio[1]).med, 2, false, U_RATIO, p->tool_why);
}

static void
print_targets(struct out *o)
{
    section(o, "Targets (pinned figures)");
    for (int i = 0; i < o->ntargets; i++) {
        const struct target *t = &o->targets[i];
        char v[32], verdict[160];

        fmt_stat(v, sizeof(v), t->u, single(t->value), false);
        if (isnan(t->value))
            snprintf(verdict, sizeof(verdict), "n/a%s%s",
                     t->why_na ? ": " : "", t->why_na ? t->why_na : "");
        else
            snprintf(verdict, sizeof(verdict), "%s",
                     (t->at_most ? t->value <= t->limit
                                 : t->value >= t->limit) ? "met"
                                                         : "NOT MET");
        both(o, "  %-62s %-12s %s\n", t->what, v, verdict);
        fprintf(o->md, "| %s | %s | | %s |\n", t->what, v, verdict);
        fprintf(o->csv, "\"%s\",\"%s\",pinned,%s,%.6g,,,%s\n", o->section,
                t->what, unit_name[t->u], t->value, verdict);
    }
}

/* ---- the header, the files ---------------------------------------------- */

static void
header(struct out *o)
{
    char line[256], model[160] = "unknown CPU", date[64];
    FILE *f = fopen("/proc/cpuinfo", "re");
    time_t now = time(NULL);
    struct utsname u;

    while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "model name", 10) == 0 && strchr(line, ':')) {
            snprintf(model, sizeof(model), "%s", strchr(line, ':') + 2);
            model[strcspn(model, "\n")] = '\0';
            break;
        }
    }
    if (f != NULL)
        fclose(f);
    uname(&u);
    strftime(date, sizeof(date), "%Y-%m-%d %H:%M", localtime(&now));
    both(o, "ipclab benchmarks, %s%s\n", date,
         o->c->quick ? " (--quick: a smoke run, figures meaningless)" : "");
    both(o, "machine:  %s, %ld CPUs online, %s %s\n", model,
         sysconf(_SC_NPROCESSORS_ONLN), u.sysname, u.release);
    both(o, "compiler: %s, -O2; %s\n",
#ifdef __clang__
         "clang " __clang_version__,
#else
         "gcc " __VERSION__,
#endif
         o->c->traced_build ? "tracepoints compiled in" : "no tracepoints");
    both(o, "figures:  median [min..max] of %d interleaved rounds; pinned: "
         "every process on CPU %d (taskset -c %d)\n", o->c->rounds,
         o->c->cpu, o->c->cpu);
    both(o, "\n  %-46s %-27s %-27s %s\n", "figure", "pinned",
         "unpinned (information)", "note");
    fprintf(o->md, "| figure | pinned | unpinned (information) | note |\n"
            "| --- | --- | --- | --- |\n");
    fprintf(o->csv, "section,figure,variant,unit,median,min,max,n\n");
}

static FILE *
create(const struct config *c, const char *name)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", c->out, name);
    if ((f = fopen(path, "we")) == NULL)
        ipc_die("cannot create '%s'", path);
    return f;
}

static void
close_or_die(FILE *f, const char *name)
{
    if (ferror(f) || fclose(f) == EOF)
        ipc_die("cannot write '%s'", name);
}

/* runs.csv, every value of every round as measured; clients.csv, the
   sweep, one line per configuration and client count */
static void
raw_files(const struct config *c, const struct plan *p)
{
    FILE *f = create(c, "runs.csv");

    fprintf(f, "job,variant,round,key,value\n");
    for (int i = 0; i < p->njobs; i++) {
        const struct job *j = &p->jobs[i];

        for (int k = 0; k < j->nvals; k++)
            for (int r = 0; r < c->rounds; r++)
                if (!isnan(j->vals[k].v[r]))
                    fprintf(f, "\"%s\",%s,%d,%s,%.6g\n", j->id,
                            j->pinned ? "pinned" : "unpinned", r + 1,
                            j->vals[k].key, j->vals[k].v[r]);
    }
    close_or_die(f, "runs.csv");

    f = create(c, "clients.csv");
    fprintf(f, "spawn,signals,variant,clients,throughput,throughput_min,"
            "throughput_max,p50_us,p99_us,lost,failed_clients\n");
    for (int s = 0; s < 2; s++)
        for (int g = 0; g < 2; g++)
            for (int pinned = 1; pinned >= 0; pinned--)
                for (int i = 0; i < c->nclients; i++) {
                    static const char *const keys[] = { "p50_us", "p99_us",
                                                        "lost", "failed" };
                    char id[48];
                    struct stat3 t;

                    sweep_id(id, sizeof(id), s, g, c->clients[i]);
                    t = series_stat(plan_series(p, id, pinned, "throughput"),
                                    c->rounds);
                    fprintf(f, "%s,%s,%s,%ld,%.6g,%.6g,%.6g", sweep_spawns[s],
                            sweep_sigs[g], pinned ? "pinned" : "unpinned",
                            c->clients[i], t.med, t.min, t.max);
                    for (int k = 0; k < 4; k++)
                        fprintf(f, ",%.6g", series_stat(plan_series(p, id,
                                pinned, keys[k]), c->rounds).med);
                    fputc('\n', f);
                }
    close_or_die(f, "clients.csv");
}

void
table_write(const struct config *c, const struct plan *p)
{
    static struct out o;
    struct series budget[2];
    char svg[4096];

    o = (struct out){ .c = c, .p = p, .txt = create(c, "table.txt"),
                      .md = create(c, "table.md"),
                      .csv = create(c, "results.csv") };
    header(&o);
    baselines(&o, budget);
    reference(&o, budget);
    sweep(&o, budget);
    tracing(&o);
    trace_tool(&o);
    print_targets(&o);
    both(&o, "\nfiles: %s/{table.txt,table.md,results.csv,runs.csv,"
         "clients.csv,clients.svg,bench.log}\n", c->out);
    if (fflush(stdout) == EOF)
        ipc_die("cannot write the table");
    close_or_die(o.txt, "table.txt");
    close_or_die(o.md, "table.md");
    close_or_die(o.csv, "results.csv");
    raw_files(c, p);
    snprintf(svg, sizeof(svg), "%s/clients.svg", c->out);
    plot_write(c, p, svg);
}
