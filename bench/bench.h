/*
 * bench/bench.h - ipclab-bench: what the design costs, measured.
 *
 * One program, several commands. Each measuring command runs one
 * experiment in a fresh process and prints one line that the driver
 * ('report') parses:
 *
 *     result p50_ns=4612 p99_ns=8120 iter=20000
 *
 *   pingpong   one record back and forth between two processes (2 FIFOs)
 *   pipeline   one record through client -> server -> worker -> server ->
 *              client over four FIFOs, no signals: the raw 4-hop limit
 *   signal     a real-time signal round trip, sigqueue() + sigwaitinfo()
 *   spawn      fork+exec+wait of a program (a trivial one, or a worker)
 *   system     the reference system: a server and N requesting clients
 *   tpcost     a tracepoint in a loop: its cost, recorded or not
 *   tpswitch   a tracepoint right after a context switch: its cost
 *   report     the driver: runs all of them interleaved, prints the table,
 *              writes CSV and SVG (make bench; docs/performance.md)
 *
 * Every measuring command takes --cpu N to pin itself, and so everything
 * it starts, to CPU N (what 'taskset -c N' does).
 */
#ifndef IPCLAB_BENCH_H
#define IPCLAB_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* ---- util.c: what every command shares ---------------------------------- */

/* A growable array of measurements */
struct samples {
    double *v;
    size_t n, cap;
};

void
samples_add(struct samples *s, double x);

/* The pct-th percentile (0..100, nearest rank: 0 the least, 100 the
   greatest; 50 of an even count: the mean of the middle two) of s; sorts
   s. NAN if empty */
double
samples_pct(struct samples *s, double pct);

void
samples_free(struct samples *s);

/* Print the result line: "result " and then fmt, flushed */
void
bench_result(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The result line of s's times in ns: "p50_ns=... p99_ns=... mean_ns=...
   iter=N", then 'more' (may be "") */
void
bench_result_times(struct samples *s, const char *more);

/* How many untimed round trips warm up before iter timed ones: a tenth,
   at most 'most' */
long
bench_warmup(long iter, long most);

/* The one timing loop: trip(arg, i) for i from -bench_warmup(iter, 1000)
   to iter - 1, the ones from 0 timed; then their result line */
void
bench_time_trips(long iter, void (*trip)(void *arg, long i), void *arg);

/* fork(), or die; the child keeps the parent's signals, nothing to reset */
pid_t
bench_fork(void);

/* Wait for n children: 0 when every one exited 0, else 1 */
int
bench_reap(int n);

/* A fresh private directory under $TMPDIR (or /tmp) into buf; dies on error */
void
bench_tmpdir(char *buf, size_t size, const char *tag);

/* rm -rf path; errors are ignored */
void
bench_rmtree(const char *path);

/*
 * Start argv (argv[0] a path, or a name looked up in PATH) with stdin from
 * /dev/null, stdout to out_fd and stderr to err_fd (-1: /dev/null).
 * Returns the pid; dies when fork() fails (exec errors: exit 127).
 */
pid_t
bench_start(char *const argv[], int out_fd, int err_fd);

/*
 * Wait up to timeout_ms for child pid; then SIGKILL it. Returns its exit
 * status, 128 + signal, or -1 when it had to be killed.
 */
int
bench_wait(pid_t pid, int timeout_ms);

/*
 * Run argv, its stderr to err_fd, and keep the start of its stdout (up to
 * size - 1 bytes, NUL-terminated) in out. Returns its status as
 * bench_wait() does.
 */
int
bench_capture(char *const argv[], char *out, size_t size, int err_fd,
              int timeout_ms);

/* Every command's options: each takes some ('usage' lists them) */
struct bench_opts {
    long iter;                  /* --iter: measured iterations */
    int cpu;                    /* --cpu: -1, not pinned */
    const char *bin;            /* --bin: the programs measured */
    long clients, count, window, pairs, stopped;
    const char *spawn, *signals, *sched, *ack_timeout, *wrap, *versus;
    /* report */
    const char *notrace_bin, *srcdir, *out, *client_counts;
    long runs;
    bool quick, no_callgrind;
    char **operands;            /* after "--": spawn's program */
};

/*
 * Parse argv into *o, which holds the defaults. 'usage' is the --help
 * text: an option it does not name is a usage error, and so is an
 * operand before "--". Then pin to --cpu.
 */
void
bench_options(int argc, char *argv[], const char *usage,
              struct bench_opts *o);

/* Pin this process, and every process it starts, to CPU cpu (-1: don't) */
void
bench_pin(int cpu);

/* ---- the commands; each takes main()'s arguments ----------------------- */

int
bench_pingpong(int argc, char *argv[]);

int
bench_pipeline(int argc, char *argv[]);

int
bench_signal(int argc, char *argv[]);

int
bench_spawn(int argc, char *argv[]);

int
bench_system(int argc, char *argv[]);

int
bench_tpcost(int argc, char *argv[]);

int
bench_tpswitch(int argc, char *argv[]);

int
bench_report(int argc, char *argv[]);

/* ---- the driver (report.c, table.c, plot.c) ----------------------------- */

#define MAX_JOBS 96
#define MAX_KEYS 16
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

/* One value per round (NAN: none that round) */
struct series {
    char key[24];
    double v[MAX_ROUNDS];
};

/* One experiment: a command line of ipclab-bench, pinned or not */
struct job {
    char id[48];                /* "rtt", "thr pool rt 16"...: with
                                   'pinned', unique */
    bool pinned;
    bool recorded;              /* under traces/record.sh */
    char line[1024];            /* its words, separated by spaces */
    long count;                 /* requests or events of one run */
    struct series vals[MAX_KEYS];
    int nvals;
    double events;              /* recorded: events in one run's trace */
};

struct config {
    const char *bin;            /* traced build's programs (and ours) */
    const char *notrace_bin;    /* TRACING=0 build, or NULL */
    const char *srcdir;         /* for traces/record.sh */
    const char *out;            /* results directory */
    char self[4096];            /* this program */
    char trace_tool[4096];      /* ipclab-trace, or "" */
    int rounds;
    bool quick;
    int cpu;                    /* the CPU of pinned jobs: the last one */
    long clients[MAX_CLIENT_COUNTS];
    int nclients;
    bool callgrind, record;
    bool traced_build;          /* bin was built with TRACING=1 */
    FILE *log;                  /* the children's stderr: OUT/bench.log */
};

struct plan {
    struct job jobs[MAX_JOBS];
    int njobs;
    /* not repeated runs: instruction counts and the trace tool */
    double ir_req[2], ir_start[2];  /* [traced]: per request, one start */
    const char *ir_why;             /* why n/a, or NULL */
    struct series tool_rate[2], bt2_rate[2];    /* [pinned]: events/s */
    double big_events;              /* in the large trace */
    const char *tool_why;           /* why n/a, or NULL */
};

/* The series 'key' of job 'id', or NULL */
const struct series *
plan_series(const struct plan *p, const char *id, bool pinned,
            const char *key);

/* The median, min and max of a series' first 'rounds' values */
struct stat3 {
    double med, min, max;
    int n;
};

struct stat3
series_stat(const struct series *s, int rounds);

/* The job id of the sweep's configuration: "thr pool rt 16" */
void
sweep_id(char *buf, size_t size, int spawn, int sigs, long clients);

extern const char *const sweep_spawns[2], *const sweep_sigs[2];

/* table.c: the table, results.csv, runs.csv, clients.csv */
void
table_write(const struct config *c, const struct plan *p);

/* plot.c: clients.svg */
void
plot_write(const struct config *c, const struct plan *p, const char *path);

#endif /* IPCLAB_BENCH_H */
