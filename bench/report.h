/*
 * bench/report.h - the driver's own declarations, shared by its files:
 *
 *   report.c   options, the plan of jobs, running them interleaved
 *   extra.c    what is not a repeated run: callgrind, the trace tool
 *   table.c    statistics, the printed table, the CSV files
 *   plot.c     the plot of throughput and latency against clients
 *
 * A job is one experiment (a command line of ipclab-bench, pinned or
 * not, recorded or not); the driver runs every job once per round, rounds
 * interleaved, and keeps each round's values in round order, so that two
 * jobs' values of the same round can be paired (a difference or a ratio
 * taken within one round is less noisy than one between medians).
 */
#ifndef IPCLAB_BENCH_REPORT_H
#define IPCLAB_BENCH_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "bench.h"

#define MAX_JOBS 96
#define MAX_KEYS 16
#define MAX_ARGS 48
#define MAX_ROUNDS 64
#define MAX_CLIENT_COUNTS 8

/*
 * Classic signals coalesce, and each signal lost stalls a shared FIFO until
 * the server's ack timeout takes the record back (lab 04). With the default
 * 2 s, a few hundred requests would take minutes: the classic pool runs
 * are short, with a shorter timeout, and the table says so.
 */
#define CLASSIC_ACK_TIMEOUT_MS 200
#define RECORD_PAIRS 3          /* recorded runs, each with an untraced twin */

/* One key's value in every round (NAN: that round failed) */
struct series {
    char key[24];
    double v[MAX_ROUNDS];
};

struct job {
    char id[64];                /* "rtt", "thr pool rt 16"...: with 'pinned',
                                   unique */
    bool pinned;
    bool recorded;              /* under traces/record.sh */
    bool notrace;               /* runs the TRACING=0 build */
    char *argv[MAX_ARGS];       /* ipclab-bench COMMAND ARG..., malloc'd */
    struct series vals[MAX_KEYS];
    int nvals;
    int failures;
    double events;              /* recorded: events in one run's trace */
};

/* What the user asked for, and what was found on this machine */
struct config {
    const char *bin;            /* traced build's programs (and ours) */
    const char *notrace_bin;    /* TRACING=0 build, or NULL */
    const char *srcdir;         /* for traces/record.sh */
    const char *out;            /* results directory */
    const char *trace_tool;     /* ipclab-trace, or NULL: n/a */
    const char *trace_tool_why; /* why it is n/a */
    char self[4096];            /* this program */
    int rounds;
    double scale;
    bool quick;
    int cpu;                    /* the CPU of pinned jobs */
    long window;
    long clients[MAX_CLIENT_COUNTS];
    int nclients;
    bool callgrind, record;
    bool traced_build;          /* bin was built with TRACING=1 */
    FILE *log;                  /* the children's stderr: OUT/bench.log */
    int log_fd;
};

struct plan {
    struct job jobs[MAX_JOBS];
    int njobs;
    /* not repeated runs: instruction counts and the trace tool */
    double ir_req_notrace, ir_req_traced;       /* per request, medians */
    double ir_start_notrace, ir_start_traced;   /* one start-up */
    const char *ir_why;                         /* why n/a, or NULL */
    struct series tool_rate, bt2_rate;          /* events/s per round */
    struct series tool_rate_up, bt2_rate_up;    /* unpinned */
    double big_events;                          /* in the large trace */
    const char *tool_why;                       /* why n/a, or NULL */
};

/* report.c */
struct job *
plan_find(struct plan *p, const char *id, bool pinned);

const struct series *
job_series(const struct job *j, const char *key);

/* extra.c */
void
extra_callgrind(const struct config *c, struct plan *p);

void
extra_trace_tool(const struct config *c, struct plan *p);

long
count_trace_events(const struct config *c, const char *trace_dir);

/* table.c */
void
table_write(const struct config *c, struct plan *p);

/* plot.c: clients.svg */
void
plot_write(const struct config *c, struct plan *p, const char *path);

/* The median, min and max of the values of a series (NAN when none) */
struct stat3 {
    double med, min, max;
    int n;
};

struct stat3
series_stat(const struct series *s, int rounds);

#endif /* IPCLAB_BENCH_REPORT_H */
