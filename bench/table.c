/*
 * bench/table.c - from the rounds' values to the one table: medians with
 * their spread, ratios to the baselines, the targets; and the same
 * figures as CSV (results.csv, runs.csv, clients.csv) and Markdown.
 *
 * Derived figures (a ratio, a difference) are computed round by round
 * from values measured in the same round, then summarised like any other:
 * "round trip / budget" is the median over rounds of rtt[r] / budget[r].
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "report.h"

enum unit {
    U_NS,                       /* a time in ns, printed in ns/us/ms/s */
    U_RATE,                     /* per second */
    U_RATIO,                    /* x */
    U_PCT,                      /* % */
    U_COUNT,                    /* a plain number */
};

static const char *const unit_name[] = {
    [U_NS] = "ns", [U_RATE] = "1/s", [U_RATIO] = "x", [U_PCT] = "%",
    [U_COUNT] = "count",
};

/* Where one table goes: the terminal, table.txt, table.md, results.csv */
struct out {
    const struct config *c;
    struct plan *p;
    FILE *txt, *md, *csv;
    const char *section;
};

struct stat3
series_stat(const struct series *s, int rounds)
{
    struct samples smp = { 0 };
    struct stat3 st = { NAN, NAN, NAN, 0 };

    for (int r = 0; s != NULL && r < rounds; r++)
        if (!isnan(s->v[r]) && !isinf(s->v[r]))
            samples_add(&smp, s->v[r]);
    if (smp.n > 0) {
        st.min = samples_pct(&smp, 0);
        st.max = samples_pct(&smp, 100);
        st.med = samples_pct(&smp, 50);
        st.n = (int)smp.n;
    }
    samples_free(&smp);
    return st;
}

static struct stat3
single(double v)
{
    return (struct stat3){ v, v, v, isnan(v) ? 0 : 1 };
}

/* ---- series arithmetic, round by round ---------------------------------- */

static const struct series *
get(struct plan *p, const char *id, bool pinned, const char *key)
{
    return job_series(plan_find(p, id, pinned), key);
}

static double
at(const struct series *s, int r)
{
    return s != NULL ? s->v[r] : NAN;
}

/* out[r] = a[r] * ka + b[r] * kb  (b may be NULL) */
static struct series
lin(const struct series *a, double ka, const struct series *b, double kb)
{
    struct series o = { "" , { 0 } };

    for (int r = 0; r < MAX_ROUNDS; r++)
        o.v[r] = at(a, r) * ka + (b != NULL ? at(b, r) * kb : 0);
    return o;
}

/* out[r] = a[r] / b[r] * k */
static struct series
quot(const struct series *a, const struct series *b, double k)
{
    struct series o = { "", { 0 } };

    for (int r = 0; r < MAX_ROUNDS; r++)
        o.v[r] = at(a, r) / at(b, r) * k;
    return o;
}

/* out[r] = a[r] * b[r] * k */
static struct series
prod(const struct series *a, const struct series *b, double k)
{
    struct series o = { "", { 0 } };

    for (int r = 0; r < MAX_ROUNDS; r++)
        o.v[r] = at(a, r) * at(b, r) * k;
    return o;
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

/* Decimals for three significant digits, never fewer than the integer
   part (a count of 10 or more: none) */
static int
decimals(bool count, double x)
{
    return fabs(x) >= 100 || (count && fabs(x) >= 10) ? 0
         : fabs(x) >= 10 ? 1 : 2;
}

static void
fmt_value(char *buf, size_t size, enum unit u, double v, bool with_unit)
{
    const char *suffix;
    double x = v / scale_of(u, v, &suffix);

    if (isnan(v))
        snprintf(buf, size, "n/a");
    else
        snprintf(buf, size, "%.*f%s", decimals(u == U_COUNT, x), x,
                 with_unit ? suffix : "");
}

/* "4.61 us [4.55..4.80]": the median, and the spread in its unit */
static void
fmt_stat(char *buf, size_t size, enum unit u, struct stat3 st)
{
    char med[32], lo[32], hi[32];
    const char *suffix;
    double scale = scale_of(u, st.med, &suffix);

    if (st.n == 0) {
        snprintf(buf, size, "n/a");
        return;
    }
    fmt_value(med, sizeof(med), u, st.med, true);
    if (st.n == 1 || st.min == st.max) {
        snprintf(buf, size, "%s", med);
        return;
    }
    snprintf(lo, sizeof(lo), "%.*f", decimals(false, st.min / scale),
             st.min / scale);
    snprintf(hi, sizeof(hi), "%.*f", decimals(false, st.max / scale),
             st.max / scale);
    if (snprintf(buf, size, "%s [%s..%s]", med, lo, hi) >= (int)size)
        snprintf(buf, size, "%s", med);     /* no room for the spread */
}

static void
csv_stat(struct out *o, const char *label, const char *variant, enum unit u,
         struct stat3 st)
{
    fprintf(o->csv, "\"%s\",\"%s\",%s,%s,", o->section, label, variant,
            unit_name[u]);
    if (st.n == 0)
        fprintf(o->csv, ",,,0\n");
    else
        fprintf(o->csv, "%.6g,%.6g,%.6g,%d\n", st.med, st.min, st.max, st.n);
}

static void
both(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2,
                                                                  3)));

/* Print to the terminal and to table.txt */
static void
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

/* One row: a figure pinned and unpinned, and a note (a ratio, a why) */
static void
row(struct out *o, const char *label, enum unit u, struct stat3 pin,
    struct stat3 unp, const char *note_fmt, ...)
{
    char a[64], b[64], note[160] = "";

    if (note_fmt != NULL) {
        va_list ap;

        va_start(ap, note_fmt);
        vsnprintf(note, sizeof(note), note_fmt, ap);
        va_end(ap);
    }
    fmt_stat(a, sizeof(a), u, pin);
    fmt_stat(b, sizeof(b), u, unp);
    both(o, "  %-46s %-27s %-27s %s\n", label, a, b, note);
    fprintf(o->md, "| %s | %s | %s | %s |\n", label, a, b, note);
    csv_stat(o, label, "pinned", u, pin);
    csv_stat(o, label, "unpinned", u, unp);
}

/* A row of one job's key, pinned and unpinned, times k (us -> ns) */
static void
job_row(struct out *o, const char *label, const char *id, const char *key,
        double k, enum unit u, const char *note)
{
    struct series sp = lin(get(o->p, id, true, key), k, NULL, 0);
    struct series su = lin(get(o->p, id, false, key), k, NULL, 0);

    row(o, label, u, series_stat(&sp, o->c->rounds),
        series_stat(&su, o->c->rounds), note != NULL ? "%s" : NULL, note);
}

/* ---- the figures -------------------------------------------------------- */

/* The targets, evaluated on the pinned figures */
struct target {
    const char *what;
    double value;               /* median, pinned */
    double limit;
    bool at_most;               /* value <= limit, else value >= limit */
    enum unit u;
    const char *why_na;
};

#define MAX_TARGETS 8

static struct target targets[MAX_TARGETS];
static int ntargets;

static void
target(const char *what, double value, double limit, bool at_most,
       enum unit u, const char *why_na)
{
    if (ntargets < MAX_TARGETS)
        targets[ntargets++] = (struct target){ what, value, limit, at_most,
                                               u, why_na };
}

static struct series budget[2];     /* [pinned]: 4-hop + 2 signal RTs, ns */

static void
baselines(struct out *o)
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
        budget[pinned] = lin(get(o->p, "pipeline", pinned, "p50_ns"), 1,
                             get(o->p, "signal", pinned, "p50_ns"), 2);
    row(o, "budget: 4-hop pipeline + 2 signal RTs", U_NS,
        series_stat(&budget[1], o->c->rounds),
        series_stat(&budget[0], o->c->rounds),
        "what one request needs at least");
}

static void
reference(struct out *o)
{
    struct series ratio_pipe[2], ratio_budget[2];
    int R = o->c->rounds;

    section(o, "Reference system: pool, rt, 1 client, 1 request in flight");
    job_row(o, "round trip p50", "rtt", "p50_us", 1e3, U_NS, NULL);
    for (int pinned = 0; pinned < 2; pinned++) {
        const struct series *rtt = get(o->p, "rtt", pinned, "p50_us");

        ratio_pipe[pinned] = quot(rtt, get(o->p, "pipeline", pinned,
                                           "p50_ns"), 1e3);
        ratio_budget[pinned] = quot(rtt, &budget[pinned], 1e3);
    }
    row(o, "  round trip / raw 4-hop pipeline", U_RATIO,
        series_stat(&ratio_pipe[1], R), series_stat(&ratio_pipe[0], R),
        "what the signal handshake and the server add");
    row(o, "  round trip / budget", U_RATIO,
        series_stat(&ratio_budget[1], R), series_stat(&ratio_budget[0], R),
        "target: <= 1.0 pinned");
    target("round trip <= 1.0 x (4-hop + 2 signal RTs)",
           series_stat(&ratio_budget[1], R).med, 1.0, true, U_RATIO, NULL);
    job_row(o, "round trip p99", "rtt", "p99_us", 1e3, U_NS, NULL);
    job_row(o, "round trip p99, six other clients stopped", "rtt stopped 6",
            "p99_us", 1e3, U_NS, "target: < 100 ms");
    target("round trip p99 with six clients stopped < 100 ms",
           series_stat(get(o->p, "rtt stopped 6", 1, "p99_us"),
                       o->c->rounds).med * 1e3, 100e6, true, U_NS, NULL);
    job_row(o, "throughput, 1 client", "rtt", "throughput", 1, U_RATE,
            "= 1 / round trip");
    job_row(o, "context switches per request", "rtt", "cs_per_req", 1,
            U_COUNT, "all processes; on one CPU >= 4, one per hand-off");
    job_row(o, "round trip p50, --sched normal", "rtt normal", "p50_us",
            1e3, U_NS, "SCHED_OTHER instead of SCHED_BATCH");
    job_row(o, "  context switches per request", "rtt normal",
            "cs_per_req", 1, U_COUNT, "a woken process may preempt its "
            "waker");
}

static void
sweep(struct out *o)
{
    const char *spawns[] = { "pool", "per-request" };
    const char *sigs[] = { "rt", "classic" };
    const struct series *spawn_true = get(o->p, "spawn true", true,
                                          "p50_ns");
    char title[96];
    int R = o->c->rounds;
    bool have16 = false;

    snprintf(title, sizeof(title), "Throughput, requests/s (%ld in flight "
             "per client)", o->c->window);
    section(o, title);
    for (int s = 0; s < 2; s++) {
        for (int g = 0; g < 2; g++) {
            for (int i = 0; i < o->c->nclients; i++) {
                long n = o->c->clients[i];
                char id[64], label[64], note[128] = "";
                struct series rel;
                struct stat3 lost;

                snprintf(id, sizeof(id), "thr %s %s %ld", spawns[s], sigs[g],
                         n);
                snprintf(label, sizeof(label), "%s, %s, %ld client%s",
                         spawns[s], sigs[g], n, n > 1 ? "s" : "");
                lost = series_stat(get(o->p, id, true, "lost"), R);
                /* throughput x budget: how close to 1 / budget */
                if (s == 0)
                    rel = prod(get(o->p, id, true, "throughput"),
                               &budget[1], 1e-9);
                else
                    rel = prod(get(o->p, id, true, "throughput"),
                               spawn_true, 1e-9);
                if (series_stat(&rel, R).n > 0)
                    snprintf(note, sizeof(note), "= %.2f / %s",
                             series_stat(&rel, R).med,
                             s == 0 ? "budget" : "fork+exec");
                if (s == 0 && g == 1)
                    snprintf(note + strlen(note), sizeof(note) - strlen(note),
                             "%sack timeout %d ms", note[0] ? "; " : "",
                             CLASSIC_ACK_TIMEOUT_MS);
                if (lost.n > 0 && lost.med > 0)
                    snprintf(note + strlen(note), sizeof(note) - strlen(note),
                             "%slost %.0f requests (median)",
                             note[0] ? "; " : "", lost.med);
                job_row(o, label, id, "throughput", 1, U_RATE, note);
                if (s == 0 && g == 0 && n == 16) {
                    have16 = true;
                    target("throughput, 16 clients >= 0.7 / (4-hop + 2 "
                           "signal RTs)", series_stat(&rel, R).med, 0.7,
                           false, U_COUNT, NULL);
                }
            }
        }
    }
    if (!have16)
        target("throughput, 16 clients >= 0.7 / (4-hop + 2 signal RTs)",
               NAN, 0.7, false, U_COUNT, "16 clients were not measured");
}

static void
tracing(struct out *o)
{
    struct plan *p = o->p;
    int R = o->c->rounds;
    struct series added[2], per_event[2], start_ratio[2];
    const struct job *rec = plan_find(p, "rtt recorded", true);
    const struct job *tp = plan_find(p, "tp recorded", true);
    double count = NAN, events_per_req = NAN;
    bool notrace = o->c->notrace_bin != NULL;
    const char *why_rec = !o->c->traced_build ? "built without tracing"
                        : !o->c->record ? "no LTTng recording (lttng tools "
                          "missing or --no-record)" : NULL;

    section(o, "Tracing: compiled out, compiled in with no session, "
            "recording");
    if (!o->c->traced_build) {
        both(o, "  n/a: the programs were built without tracepoints\n");
        fprintf(o->md, "| n/a: built without tracepoints | | | |\n");
    }
    job_row(o, "round trip p50, compiled out (TRACING=0)", "rtt notrace",
            "p50_us", 1e3, U_NS, notrace ? NULL : "no --notrace-bin");
    job_row(o, "round trip p50, compiled in, no session", "rtt", "p50_us",
            1e3, U_NS, NULL);
    job_row(o, "round trip p50, recording every event", "rtt recorded",
            "p50_us", 1e3, U_NS, why_rec);

    /* events in the recorded runs of one job, over their requests */
    if (rec != NULL) {
        for (int i = 0; rec->argv[i] != NULL; i++)
            if (strcmp(rec->argv[i], "--count") == 0)
                count = strtod(rec->argv[i + 1], NULL);
        events_per_req = rec->events / (count * RECORD_PAIRS);
    }
    /* each recorded run against its untraced twin of the same job */
    for (int pinned = 0; pinned < 2; pinned++) {
        added[pinned] = lin(get(p, "rtt recorded", pinned, "added_pct"), 1,
                            NULL, 0);
        per_event[pinned] = lin(get(p, "rtt recorded", pinned, "added_us"),
                                1e3 / events_per_req, NULL, 0);
    }
    job_row(o, "  the same runs' twins, IPCLAB_TRACE=0", "rtt recorded",
            "off_p50_us", 1e3, U_NS, "in the same session, turn about");
    job_row(o, "  context switches per request, recording", "rtt recorded",
            "cs_per_req", 1, U_COUNT, why_rec != NULL ? why_rec
            : "with LTTng's start-up in every process");
    job_row(o, "  context switches per request, twins", "rtt recorded",
            "off_cs_per_req", 1, U_COUNT, why_rec);
    row(o, "  added by recording", U_PCT, series_stat(&added[1], R),
        series_stat(&added[0], R), "against the twins; target: <= 25 %% "
        "pinned");
    row(o, "  events per request", U_COUNT, single(events_per_req),
        single(events_per_req), "every ipclab event of every process");
    row(o, "  cost per recorded event, in the round trip", U_NS,
        series_stat(&per_event[1], R), series_stat(&per_event[0], R),
        "(recording - twin) / events: cold, after switches");
    {
        struct series steady = lin(get(p, "tp recorded", true,
                                       "ns_per_event"), 1, NULL, 0);

        target("recording: <= 150 ns per event (steady state)",
               series_stat(&steady, R).med, 150, true, U_NS, why_rec);
    }
    target("recording: <= 25 % added to the round trip",
           series_stat(&added[1], R).med, 25, true, U_PCT, why_rec);
    {
        char note[96] = "record_write, bursts of 1000; target <= 150 ns";

        if (tp != NULL && !isnan(tp->events)) {
            double iter = NAN;

            for (int i = 0; tp->argv[i] != NULL; i++)
                if (strcmp(tp->argv[i], "--iter") == 0)
                    iter = strtod(tp->argv[i + 1], NULL);
            if (tp->events < iter)
                snprintf(note, sizeof(note), "%.0f of %.0f events were "
                         "discarded", iter - tp->events, iter);
        }
        job_row(o, "cost per recorded event, steady state", "tp recorded",
                "ns_per_event", 1, U_NS, why_rec != NULL ? why_rec : note);
    }
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
        single(p->ir_req_notrace), single(NAN), p->ir_why != NULL ? "%s"
        : "callgrind: server + workers + client", p->ir_why);
    row(o, "instructions per request, compiled in", U_COUNT,
        single(p->ir_req_traced), single(NAN), "no session");
    row(o, "  compiled in / compiled out", U_RATIO,
        single(p->ir_req_traced / p->ir_req_notrace), single(NAN),
        "target: <= 1.02");
    target("tracing compiled in, no session: <= 1.02 x instructions",
           p->ir_req_traced / p->ir_req_notrace, 1.02, true, U_RATIO,
           p->ir_why);

    job_row(o, "processing client start+exit, compiled out",
            "start traced", "versus_p50_ns", 1, U_NS,
            "fork+exec+wait of ipclab-sum --help");
    job_row(o, "processing client start+exit, compiled in", "start traced",
            "p50_ns", 1, U_NS, "nobody records; turn about with the "
            "line above");
    for (int pinned = 0; pinned < 2; pinned++)
        start_ratio[pinned] = lin(get(p, "start traced", pinned, "ratio"),
                                  1, NULL, 0);
    row(o, "  compiled in / compiled out", U_RATIO,
        series_stat(&start_ratio[1], R), series_stat(&start_ratio[0], R),
        "target: <= 1.3 pinned");
    target("processing client start, compiled in <= 1.3 x compiled out",
           series_stat(&start_ratio[1], R).med, 1.3, true, U_RATIO,
           notrace ? NULL : "no --notrace-bin");
    row(o, "  start-up instructions, compiled out", U_COUNT,
        single(p->ir_start_notrace), single(NAN), "callgrind");
    row(o, "  start-up instructions, compiled in", U_COUNT,
        single(p->ir_start_traced), single(NAN), "callgrind, no session");
    job_row(o, "per-request spawning, 1 client, compiled out",
            "thr per-request rt 1 notrace", "throughput", 1, U_RATE, NULL);
    job_row(o, "per-request spawning, 1 client, compiled in",
            "thr per-request rt 1", "throughput", 1, U_RATE, NULL);
}

static void
trace_tool(struct out *o)
{
    struct plan *p = o->p;
    int R = o->c->rounds;
    struct series ratio[2];
    char title[96];

    snprintf(title, sizeof(title), "Reading a trace of %.0f events: "
             "events/s", p->big_events);
    section(o, title);
    row(o, "babeltrace2, text conversion", U_RATE,
        series_stat(&p->bt2_rate, R), series_stat(&p->bt2_rate_up, R),
        p->tool_why != NULL && isnan(p->big_events) ? "%s" : NULL,
        p->tool_why);
    row(o, "ipclab-trace stats", U_RATE, series_stat(&p->tool_rate, R),
        series_stat(&p->tool_rate_up, R), p->tool_why != NULL ? "%s" : NULL,
        p->tool_why);
    ratio[1] = quot(&p->tool_rate, &p->bt2_rate, 1);
    ratio[0] = quot(&p->tool_rate_up, &p->bt2_rate_up, 1);
    row(o, "  ipclab-trace / babeltrace2", U_RATIO,
        series_stat(&ratio[1], R), series_stat(&ratio[0], R),
        "target: >= 2");
    target("ipclab-trace stats >= 2 x babeltrace2 events/s",
           series_stat(&ratio[1], R).med, 2, false, U_RATIO, p->tool_why);
}

static void
print_targets(struct out *o)
{
    section(o, "Targets (pinned figures)");
    for (int i = 0; i < ntargets; i++) {
        const struct target *t = &targets[i];
        char v[32], verdict[160];

        fmt_value(v, sizeof(v), t->u, t->value, true);
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

/* ---- header, raw CSV ------------------------------------------------------ */

static void
machine(char *buf, size_t size)
{
    char line[256], model[160] = "unknown CPU";
    FILE *f = fopen("/proc/cpuinfo", "re");
    struct utsname u;

    while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
        char *colon = strchr(line, ':');

        if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
            snprintf(model, sizeof(model), "%s", colon + 2);
            model[strcspn(model, "\n")] = '\0';
            break;
        }
    }
    if (f != NULL)
        fclose(f);
    uname(&u);
    snprintf(buf, size, "%s, %ld CPUs online, %s %s", model,
             sysconf(_SC_NPROCESSORS_ONLN), u.sysname, u.release);
}

static void
header(struct out *o)
{
    char m[320], date[64];
    time_t now = time(NULL);
    strftime(date, sizeof(date), "%Y-%m-%d %H:%M", localtime(&now));
    machine(m, sizeof(m));
    both(o, "ipclab benchmarks, %s%s\n", date,
         o->c->quick ? " (--quick: a smoke run, figures meaningless)" : "");
    both(o, "machine:  %s\n", m);
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

/* runs.csv: every value of every round, as measured */
static void
raw_csv(const struct config *c, const struct plan *p)
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
}

/* clients.csv: the sweep, one line per configuration and client count */
static void
clients_csv(const struct config *c, struct plan *p)
{
    const char *spawns[] = { "pool", "per-request" };
    const char *sigs[] = { "rt", "classic" };
    FILE *f = create(c, "clients.csv");

    fprintf(f, "spawn,signals,variant,clients,throughput,throughput_min,"
            "throughput_max,p50_us,p99_us,lost,failed_clients\n");
    for (int s = 0; s < 2; s++)
        for (int g = 0; g < 2; g++)
            for (int pinned = 1; pinned >= 0; pinned--)
                for (int i = 0; i < c->nclients; i++) {
                    char id[64];
                    struct job *j;
                    struct stat3 t, p50, p99, lost, failed;

                    snprintf(id, sizeof(id), "thr %s %s %ld", spawns[s],
                             sigs[g], c->clients[i]);
                    j = plan_find(p, id, pinned);
                    t = series_stat(job_series(j, "throughput"), c->rounds);
                    p50 = series_stat(job_series(j, "p50_us"), c->rounds);
                    p99 = series_stat(job_series(j, "p99_us"), c->rounds);
                    lost = series_stat(job_series(j, "lost"), c->rounds);
                    failed = series_stat(job_series(j, "failed"), c->rounds);
                    fprintf(f, "%s,%s,%s,%ld,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,"
                            "%.6g\n", spawns[s], sigs[g],
                            pinned ? "pinned" : "unpinned", c->clients[i],
                            t.med, t.min, t.max, p50.med, p99.med, lost.med,
                            failed.med);
                }
    close_or_die(f, "clients.csv");
}

void
table_write(const struct config *c, struct plan *p)
{
    struct out o = { .c = c, .p = p };
    char svg[4096];

    o.txt = create(c, "table.txt");
    o.md = create(c, "table.md");
    o.csv = create(c, "results.csv");
    ntargets = 0;
    header(&o);
    baselines(&o);
    reference(&o);
    sweep(&o);
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
    raw_csv(c, p);
    clients_csv(c, p);
    snprintf(svg, sizeof(svg), "%s/clients.svg", c->out);
    plot_write(c, p, svg);
}
