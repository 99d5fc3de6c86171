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
#include <sys/types.h>

/* A growable array of measurements */
struct samples {
    double *v;
    size_t n, cap;
};

void
samples_add(struct samples *s, double x);

/* The pct-th percentile (0..100, nearest rank: 0 the least, 100 the
   greatest) of s; sorts s. NAN if empty */
double
samples_pct(struct samples *s, double pct);

/* The mean of s; NAN if empty */
double
samples_mean(const struct samples *s);

void
samples_free(struct samples *s);

/* Pin this process, and every process it starts, to CPU cpu (-1: don't) */
void
bench_pin(int cpu);

/* Print the result line: "result " and then fmt, flushed. */
void
bench_result(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The result line of a timing of s->n round trips, in ns:
   "p50_ns=... p99_ns=... mean_ns=... iter=N" */
void
bench_result_times(struct samples *s);

/* How many untimed round trips warm up before iter timed ones: a tenth,
   at most 'most' */
long
bench_warmup(long iter, long most);

/* fork(), or die; the child keeps the parent's signals, nothing to reset */
pid_t
bench_fork(void);

/* Wait for n children: 0 when every one exited 0, else 1 */
int
bench_reap(int n);

/* snprintf() into buf, dying rather than truncating a path */
void
bench_path(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A fresh private directory under $TMPDIR (or /tmp) into buf; dies on error */
void
bench_tmpdir(char *buf, size_t size, const char *tag);

/* rm -rf path; errors are ignored */
void
bench_rmtree(const char *path);

/*
 * Start argv (argv[0] a path, or a name looked up in PATH) with stdin from
 * /dev/null and stdout, stderr to the descriptors given (-1: /dev/null).
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
 * Run argv, collect its stdout (up to size - 1 bytes, NUL-terminated) and
 * send its stderr to err_fd. Returns its status as bench_wait() does.
 */
int
bench_capture(char *const argv[], char *out, size_t size, int err_fd,
              int timeout_ms);

/* True when program 'name' is in $PATH */
bool
bench_on_path(const char *name);

/* The measuring commands and the driver; each takes main()'s arguments */
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

/* Common options of the measuring commands: --iter N --cpu N */
struct bench_opts {
    long iter;                  /* measured iterations */
    int cpu;                    /* -1: not pinned */
};

/* Parse --iter and --cpu (and --help, with 'usage'); dies on others. */
void
bench_parse_common(int argc, char *argv[], struct bench_opts *o,
                   long default_iter, const char *usage);

#endif /* IPCLAB_BENCH_H */
