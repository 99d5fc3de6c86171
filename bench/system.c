/*
 * bench/system.c - the reference system under load: one ipclab-server and
 * N ipclab-rc load generators at once, in a private runtime directory.
 *
 *   ipclab-bench system --bin DIR [--clients N] [--count N] [--window W]
 *       [--spawn pool|per-request] [--signals rt|classic] [--cpu N]
 *       [--ack-timeout MS] [--wrap 'COMMAND ARG...']
 *       [--sched batch|normal] [--pairs K] [--stopped K]
 *
 * Every client runs 'ipclab-rc --count N --random --seed S --window W
 * --quiet' (fixed seeds: every run sends the same requests) and prints its
 * own summary; this command adds them up. Throughput is every answer of
 * every client over the wall time from the first client's start to the
 * last one's exit, so it includes the clients' start-up: an honest,
 * slightly low figure. Latency is the median of the clients' p50s and the
 * largest of their p99s. --wrap runs the server and the clients under a
 * command, for example valgrind. --sched is passed on to the server and
 * the clients (the server's processing clients inherit it).
 *
 * Context switches per request: every switch of the server, its
 * processing clients and the clients (voluntary or not, from
 * getrusage(RUSAGE_CHILDREN) before and after the run, which counts the
 * server's reaped children too) over the requests answered. On one CPU
 * a request needs at least 4: one per hand-off.
 *
 * --pairs K measures what recording costs, side by side: K pairs of runs,
 * each pair one run with IPCLAB_TRACE=0 (the tracer is not even loaded,
 * as when nobody records) and one as the environment says (recorded,
 * under traces/record.sh), the order alternating. A machine that slows
 * down for a minute then slows both halves of a pair alike.
 *
 * --stopped K first starts K more clients and stops them (SIGSTOP) while
 * they wait for answers: the figures then say how long the measured
 * clients wait because others are stopped (docs/protocol.md, section 3).
 *
 * Prints "result clients=N answered=... lost=... wrong=... failed=...
 * wall_ns=... throughput=... p50_us=... p99_us=... cs_per_req=..."; with
 * --pairs the figures are the medians of the recorded runs (cs_per_req:
 * the run with the median p50's), followed by "off_p50_us=..." and
 * "off_cs_per_req=..." (the medians of the runs with IPCLAB_TRACE=0),
 * "added_pct=..." and "added_us=..." (the medians, over the pairs, of
 * what each recorded run added to its partner's p50).
 */
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ipclab/cli.h"
#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "ipclab/proc.h"
#include "bench.h"

#define MAX_CLIENTS 256
#define MAX_STOPPED 64
#define MAX_WRAP 16
#define READY_MS 60000          /* a server under valgrind starts slowly */
#define RUN_MS 600000           /* every client of one run */

struct sys_opts {
    struct bench_opts b;
    char *wrap[MAX_WRAP];       /* --wrap's words, NULL-terminated */
};

/* What one run of the system gave */
struct run {
    long answered, lost, wrong;
    int failed, server_status;
    int64_t wall;
    double p50, p99;
    double cs;                  /* context switches per request answered */
};

static const char usage_text[] =
    "Usage: ipclab-bench system --bin DIR [--clients N] [--count N]\n"
    "       [--window W] [--spawn pool|per-request] [--signals rt|classic]\n"
    "       [--cpu N] [--ack-timeout MS] [--wrap 'COMMAND ARG...']\n"
    "       [--sched batch|normal] [--pairs K] [--stopped K]\n"
    "One ipclab-server and N ipclab-rc --count N --random clients at once.\n";

static void
parse(int argc, char *argv[], struct sys_opts *o)
{
    char *save = NULL;
    int n = 0;

    o->b = (struct bench_opts){ .cpu = -1, .clients = 1, .count = 1000,
                                .window = 1, .spawn = "pool",
                                .signals = "rt", .sched = "normal" };
    bench_options(argc, argv, usage_text, &o->b);
    if (o->b.bin == NULL)
        ipc_usage_error("--bin DIR is required");
    /* the words stay in argv: strtok_r() only cuts them apart */
    for (char *w = o->b.wrap != NULL ? strtok_r((char *)o->b.wrap, " ",
                                                &save) : NULL;
         w != NULL; w = strtok_r(NULL, " ", &save)) {
        if (n == MAX_WRAP - 1)
            ipc_usage_error("--wrap: too many words");
        o->wrap[n++] = w;
    }
    o->wrap[n] = NULL;
}

/* argv = the --wrap prefix, then path = BIN/name, then args */
static void
command(const struct sys_opts *o, const char *name, char *const args[],
        char path[static PATH_MAX], char **argv)
{
    size_t n = 0;

    if (snprintf(path, PATH_MAX, "%s/%s", o->b.bin, name) >= PATH_MAX)
        ipc_diex("path too long");
    for (size_t i = 0; o->wrap[i] != NULL; i++)
        argv[n++] = o->wrap[i];
    argv[n++] = path;
    for (size_t i = 0; args[i] != NULL; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
}

/* One client, 'count' requests, its summary into file 'out' */
static pid_t
start_client(const struct sys_opts *o, const char *dir, const char *count,
             const char *window, const char *seed, const char *timeout,
             const char *out)
{
    int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    char path[PATH_MAX], *argv[MAX_WRAP + 20];
    pid_t pid;

    if (fd == -1)
        ipc_die("cannot create '%s'", out);
    command(o, "ipclab-rc", (char *[]){ "--dir", (char *)dir, "--count",
            (char *)count, "--random", "--seed", (char *)seed, "--window",
            (char *)window, "--quiet", "--timeout", (char *)timeout,
            "--sched", (char *)o->b.sched, NULL }, path, argv);
    pid = bench_start(argv, fd, -1);
    close(fd);
    return pid;
}

/* Add client summary 'path' to r; its p50 into *p50 */
static void
add_summary(const char *path, struct run *r, double *p50)
{
    char line[256];
    long n, answered = 0, wrong = 0, lost = 0;
    double rate, p99 = 0;
    FILE *f = fopen(path, "re");

    *p50 = 0;
    while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
        sscanf(line, "requests: %ld, answered: %ld, errors: %*d, wrong: "
               "%ld, lost: %ld", &n, &answered, &wrong, &lost);
        sscanf(line, "throughput: %lf requests/s, latency p50 %lf us, p99 "
               "%lf us", &rate, p50, &p99);
    }
    if (f != NULL)
        fclose(f);
    r->answered += answered;
    r->wrong += wrong;
    r->lost += lost;
    r->p99 = p99 > r->p99 ? p99 : r->p99;
}

/* The number /proc/PID/syscall starts with (the system call it is in) */
static long
syscall_of(pid_t pid)
{
    char path[64], buf[32] = "";
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%ld/syscall", (long)pid);
    if ((f = fopen(path, "re")) == NULL)
        return -1;
    if (fgets(buf, sizeof(buf), f) == NULL)
        buf[0] = '\0';
    fclose(f);
    return buf[0] != '\0' ? strtol(buf, NULL, 10) : -1;
}

/* Context switches of every child and grandchild reaped so far */
static double
children_switches(void)
{
    struct rusage ru;

    if (getrusage(RUSAGE_CHILDREN, &ru) == -1)
        ipc_die("getrusage");
    return (double)ru.ru_nvcsw + (double)ru.ru_nivcsw;
}

/* One server, --clients clients, until they are done */
static void
run_system(const struct sys_opts *o, struct run *r)
{
    pid_t stopped[MAX_STOPPED], clients[MAX_CLIENTS], server;
    char tmp[PATH_MAX], dir[PATH_MAX + 8], out[PATH_MAX + 48];
    char line[PATH_MAX + 32], count[24], window[24], seed[24];
    char path[PATH_MAX], *argv[MAX_WRAP + 12];
    struct samples p50s = { 0 };
    double switches = children_switches();
    int64_t t0, deadline;
    int server_out;

    *r = (struct run){ 0 };
    bench_tmpdir(tmp, sizeof(tmp), "sys");
    snprintf(dir, sizeof(dir), "%s/run", tmp);
    /* the server, with its stdout on a pipe for the "ready:" line */
    command(o, "ipclab-server", (char *[]){ "--dir", dir, "--spawn",
            (char *)o->b.spawn, "--signals", (char *)o->b.signals,
            "--sched", (char *)o->b.sched,
            o->b.ack_timeout != NULL ? "--ack-timeout" : NULL,
            (char *)o->b.ack_timeout, NULL }, path, argv);
    server = ipc_server_start(argv, ipc_deadline_ms(READY_MS), &server_out,
                              line, sizeof(line));
    if (server == -1) {
        bench_rmtree(tmp);
        ipc_die("the server did not start");
    }

    /* endless clients, each stopped once it waits for its answers */
    for (long i = 0; i < o->b.stopped; i++) {
        deadline = ipc_deadline_ms(READY_MS);
        snprintf(out, sizeof(out), "%s/stopped%ld.out", tmp, i);
        stopped[i] = start_client(o, dir, "100000000", "8", "1", "3600000",
                                  out);
        while (syscall_of(stopped[i]) != SYS_poll &&
               ipc_ms_until(deadline) > 0)
            ipc_sleep_ms(1);
        if (kill(stopped[i], SIGSTOP) == -1)
            ipc_die("kill");
    }

    t0 = ipc_now_ns();
    snprintf(count, sizeof(count), "%ld", o->b.count);
    snprintf(window, sizeof(window), "%ld", o->b.window);
    for (long i = 0; i < o->b.clients; i++) {
        snprintf(seed, sizeof(seed), "%ld", 1000 + i);
        snprintf(out, sizeof(out), "%s/rc%ld.out", tmp, i);
        clients[i] = start_client(o, dir, count, window, seed, "5000", out);
    }
    /* in turn: a client that ended first is reaped at once; past the
       deadline every one left is killed */
    deadline = ipc_deadline_ms(RUN_MS);
    for (long i = 0; i < o->b.clients; i++)
        r->failed += bench_wait(clients[i], ipc_ms_until(deadline)) != 0;
    r->wall = ipc_now_ns() - t0;

    for (long i = 0; i < o->b.stopped; i++) {
        kill(stopped[i], SIGKILL);
        kill(stopped[i], SIGCONT);
        bench_wait(stopped[i], 10000);
    }
    /* stop the server: it answers what is in flight and cleans up */
    kill(server, SIGINT);
    while (ipc_read_line(server_out, line, sizeof(line),
                         ipc_deadline_ms(30000)) == 1)
        ;                       /* its last words: until EOF */
    close(server_out);
    r->server_status = bench_wait(server, 30000);
    /* the server has reaped its processing clients, we the rest */
    switches = children_switches() - switches;

    for (long i = 0; i < o->b.clients; i++) {
        double p50;

        snprintf(out, sizeof(out), "%s/rc%ld.out", tmp, i);
        add_summary(out, r, &p50);
        samples_add(&p50s, p50);
    }
    r->cs = switches / (double)(r->answered > 0 ? r->answered : 1);
    r->p50 = samples_pct(&p50s, 50);
    samples_free(&p50s);
    bench_rmtree(tmp);
}

int
bench_system(int argc, char *argv[])
{
    struct samples off = { 0 }, offcs = { 0 }, pct = { 0 }, us = { 0 },
                   onp = { 0 };
    struct sys_opts o;
    struct run r, runs[100];
    const char *env;
    char *saved, extra[200] = "";
    double med;

    parse(argc, argv, &o);
    if (o.b.pairs == 0) {
        run_system(&o, &r);
    } else {
        /* K untraced runs (IPCLAB_TRACE=0) and K as the environment says,
           turn about; r is the recorded run with the median p50 */
        env = getenv("IPCLAB_TRACE");
        saved = env != NULL ? strdup(env) : NULL;
        for (long k = 0; k < o.b.pairs; k++) {
            struct run r0;

            for (int half = 0; half < 2; half++) {
                /* the pair's order alternates: off first, then on first */
                bool traced = (half == 0) == (k % 2 == 1);

                if (!traced)
                    setenv("IPCLAB_TRACE", "0", 1);
                else if (saved != NULL)
                    setenv("IPCLAB_TRACE", saved, 1);
                else
                    unsetenv("IPCLAB_TRACE");
                run_system(&o, traced ? &runs[k] : &r0);
            }
            samples_add(&off, r0.p50);
            samples_add(&offcs, r0.cs);
            samples_add(&onp, runs[k].p50);
            samples_add(&us, runs[k].p50 - r0.p50);
            samples_add(&pct, (runs[k].p50 - r0.p50) / r0.p50 * 100);
        }
        free(saved);
        med = samples_pct(&onp, 50);
        r = runs[0];
        for (long k = 1; k < o.b.pairs; k++)
            if (fabs(runs[k].p50 - med) < fabs(r.p50 - med))
                r = runs[k];
        r.p50 = med;
        snprintf(extra, sizeof(extra), " off_p50_us=%.2f off_cs_per_req=%.2f"
                 " added_pct=%.2f added_us=%.2f pairs=%ld",
                 samples_pct(&off, 50), samples_pct(&offcs, 50),
                 samples_pct(&pct, 50), samples_pct(&us, 50), o.b.pairs);
        samples_free(&off);
        samples_free(&offcs);
        samples_free(&onp);
        samples_free(&pct);
        samples_free(&us);
    }
    bench_result("clients=%ld answered=%ld lost=%ld wrong=%ld failed=%d "
                 "server=%d wall_ns=%lld throughput=%.1f p50_us=%.2f "
                 "p99_us=%.2f cs_per_req=%.2f%s", o.b.clients, r.answered,
                 r.lost, r.wrong, r.failed, r.server_status,
                 (long long)r.wall,
                 (double)r.answered / ((double)r.wall / 1e9), r.p50, r.p99,
                 r.cs, extra);
    return 0;
}
