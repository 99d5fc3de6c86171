/*
 * bench/system.c - the reference system under load: one ipclab-server and
 * N ipclab-rc load generators at once, in a private runtime directory.
 *
 *   ipclab-bench system --bin DIR [--clients N] [--count N] [--window W]
 *       [--spawn pool|per-request] [--signals rt|classic] [--cpu N]
 *       [--ack-timeout MS] [--timeout MS] [--wrap 'COMMAND ARG...']
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
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipclab/cli.h"
#include "ipclab/err.h"
#include "ipclab/proc.h"
#include "ipclab/sig.h"
#include "bench.h"

#define MAX_CLIENTS 256
#define MAX_WRAP 16
#define READY_MS 60000          /* a server under valgrind starts slowly */

struct sys_opts {
    const char *bin;            /* where ipclab-server and ipclab-rc are */
    long clients, count, window;
    const char *spawn, *signals;
    int cpu;
    int timeout_ms;             /* the whole run */
    const char *ack_timeout;    /* the server's --ack-timeout, or NULL */
    const char *sched;          /* --sched for the server and the clients */
    long pairs;                 /* > 0: traced against untraced, in pairs */
    long stopped;               /* clients stopped during the run */
    char *wrap[MAX_WRAP];       /* command prefix, NULL-terminated */
};

/* What one client said in its summary */
struct client {
    pid_t pid;
    int status;
    long answered, lost, wrong;
    double rate, p50_us, p99_us;
};

static const char usage_text[] =
    "Usage: ipclab-bench system --bin DIR [--clients N] [--count N]\n"
    "       [--window W] [--spawn pool|per-request] [--signals rt|classic]\n"
    "       [--cpu N] [--ack-timeout MS] [--timeout MS]\n"
    "       [--wrap 'COMMAND ARG...'] [--sched batch|normal] [--pairs K]\n"
    "       [--stopped K]\n"
    "One ipclab-server and N ipclab-rc --count N --random clients at once.\n";

static void
parse(int argc, char *argv[], struct sys_opts *o)
{
    static const struct ipc_cli_opt opts[] = {
        { "help", 0, 1 }, { "bin", 1, 2 }, { "clients", 1, 3 },
        { "count", 1, 4 }, { "window", 1, 5 }, { "spawn", 1, 6 },
        { "signals", 1, 7 }, { "cpu", 1, 8 }, { "timeout", 1, 9 },
        { "wrap", 1, 10 }, { "ack-timeout", 1, 11 }, { "pairs", 1, 12 },
        { "sched", 1, 13 }, { "stopped", 1, 14 },
        { NULL, 0, 0 },
    };
    struct ipc_cli cli = IPCLAB_CLI_INIT(argc, argv);
    const char *arg;
    int id, n = 0;

    *o = (struct sys_opts){ .clients = 1, .count = 1000, .window = 1,
                            .spawn = "pool", .signals = "rt", .cpu = -1,
                            .sched = "batch",
                            .timeout_ms = 600000 };
    while ((id = ipc_cli_next(&cli, opts, &arg)) != IPCLAB_CLI_END) {
        switch (id) {
        case 1: fputs(usage_text, stdout); exit(0);
        case 2: o->bin = arg; break;
        case 3: o->clients = (long)ipc_cli_int("clients", arg, 1,
                                               MAX_CLIENTS); break;
        case 4: o->count = (long)ipc_cli_int("count", arg, 1, 10000000);
                break;
        case 5: o->window = (long)ipc_cli_int("window", arg, 1, 1000); break;
        case 6: o->spawn = arg; break;
        case 7: o->signals = arg; break;
        case 8: o->cpu = (int)ipc_cli_int("cpu", arg, 0, 1023); break;
        case 9: o->timeout_ms = (int)ipc_cli_int("timeout", arg, 1000,
                                                  3600000); break;
        case 10: {
            char *copy = strdup(arg), *save = NULL;

            if (copy == NULL)
                ipc_die("out of memory");
            for (char *w = strtok_r(copy, " ", &save); w != NULL;
                 w = strtok_r(NULL, " ", &save)) {
                if (n == MAX_WRAP - 1)
                    ipc_usage_error("--wrap: too many words");
                o->wrap[n++] = w;
            }
            break;
        }
        case 11:
            ipc_cli_int("ack-timeout", arg, 1, 3600000);
            o->ack_timeout = arg;
            break;
        case 12: o->pairs = (long)ipc_cli_int("pairs", arg, 1, 100); break;
        case 13: {
            enum ipc_sched unused;

            if (ipc_sched_parse(arg, &unused) == -1)
                ipc_usage_error("--sched must be batch or normal");
            o->sched = arg;
            break;
        }
        case 14: o->stopped = (long)ipc_cli_int("stopped", arg, 1, 64);
                 break;
        default: ipc_usage_error("unexpected argument '%s'", arg);
        }
    }
    if (o->bin == NULL)
        ipc_usage_error("--bin DIR is required");
    o->wrap[n] = NULL;
}

/* argv = the --wrap prefix, then BIN/name, then args (NULL-terminated) */
static void
command(const struct sys_opts *o, char **argv, size_t max, char *path,
        size_t psize, const char *name, char *const args[])
{
    size_t n = 0;

    if (snprintf(path, psize, "%s/%s", o->bin, name) >= (int)psize)
        ipc_diex("path too long");
    for (size_t i = 0; o->wrap[i] != NULL; i++)
        argv[n++] = o->wrap[i];
    argv[n++] = path;
    for (size_t i = 0; args[i] != NULL && n < max - 1; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
}

static void
read_summary(const char *path, struct client *c)
{
    char *text = NULL;
    size_t cap = 0;
    FILE *f = fopen(path, "re");

    c->answered = c->lost = c->wrong = 0;
    c->rate = c->p50_us = c->p99_us = 0;
    if (f == NULL)
        return;
    while (getline(&text, &cap, f) != -1) {
        long n_req;

        sscanf(text, "requests: %ld, answered: %ld, errors: %*d, wrong: "
               "%ld, lost: %ld", &n_req, &c->answered, &c->wrong, &c->lost);
        sscanf(text, "throughput: %lf requests/s, latency p50 %lf us, p99 "
               "%lf us", &c->rate, &c->p50_us, &c->p99_us);
    }
    free(text);
    fclose(f);
}

/* Start the clients, wait for all of them; returns the wall time in ns */
static int64_t
run_clients(const struct sys_opts *o, const char *tmp, const char *dir,
            struct client *cl, const sigset_t *chld)
{
    int64_t deadline = ipc_deadline_ms(o->timeout_ms), t0 = ipc_now_ns();
    char count[32], window[32], path[PATH_MAX];
    long left = o->clients;

    snprintf(count, sizeof(count), "%ld", o->count);
    snprintf(window, sizeof(window), "%ld", o->window);
    for (long i = 0; i < o->clients; i++) {
        char seed[32], out[PATH_MAX], *argv[MAX_WRAP + 20];
        int ofd;

        snprintf(seed, sizeof(seed), "%ld", 1000 + i);
        command(o, argv, sizeof(argv) / sizeof(argv[0]), path, sizeof(path),
                "ipclab-rc", (char *[]){ "--dir", (char *)dir, "--count",
                count, "--random", "--seed", seed, "--window", window,
                "--quiet", "--timeout", "5000", "--sched", (char *)o->sched,
                NULL });
        bench_path(out, sizeof(out), "%s/rc%ld.out", tmp, i);
        ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (ofd == -1)
            ipc_die("cannot create '%s'", out);
        cl[i].pid = bench_start(argv, ofd, -1);
        cl[i].status = -1;
        close(ofd);
    }
    /* SIGCHLD is blocked (bench_system): sleep until a child ends, and
       never poll, which would steal the CPU from the system measured */
    while (left > 0) {
        int status, left_ms;
        pid_t pid = waitpid(-1, &status, WNOHANG);

        if (pid == -1 && errno != EINTR)
            ipc_die("waitpid");
        for (long i = 0; pid > 0 && i < o->clients; i++) {
            if (cl[i].pid == pid) {
                cl[i].status = WIFEXITED(status) ? WEXITSTATUS(status)
                                                 : 128 + WTERMSIG(status);
                left--;
            }
        }
        if (pid > 0)
            continue;
        if ((left_ms = ipc_ms_until(deadline)) == 0) {
            ipc_warnx("clients still running after %d ms: killed",
                      o->timeout_ms);
            for (long i = 0; i < o->clients; i++)
                if (cl[i].status == -1)
                    kill(cl[i].pid, SIGKILL);
            deadline = ipc_deadline_ms(10000);
            continue;
        }
        ipc_sig_wait(chld, left_ms, &(struct ipc_sig_event){ 0 });
    }
    return ipc_now_ns() - t0;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* What one run of the system gave */
struct run {
    long answered, lost, wrong;
    int failed, server_status;
    int64_t wall;
    double p50, p99, rate_sum;
    double cs;                  /* context switches per request answered */
};

/* Context switches of every child and grandchild reaped so far */
static double
children_switches(void)
{
    struct rusage ru;

    if (getrusage(RUSAGE_CHILDREN, &ru) == -1)
        ipc_die("getrusage");
    return (double)ru.ru_nvcsw + (double)ru.ru_nivcsw;
}

/* One server, o->clients clients, until they are done */
/* The number /proc/PID/FILE starts with, or -1 */
static long
proc_field(pid_t pid, const char *file, char *buf, size_t size)
{
    char path[64];
    ssize_t n;
    int fd;

    snprintf(path, sizeof(path), "/proc/%ld/%s", (long)pid, file);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
        return -1;
    n = read(fd, buf, size - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    return strtol(buf, NULL, 10);
}

/* Start k endless clients and stop each while it waits for answers */
static void
stop_clients(const struct sys_opts *o, const char *dir, pid_t *pids, long k)
{
    char path[PATH_MAX], *argv[MAX_WRAP + 20], buf[512];

    for (long i = 0; i < k; i++) {
        int64_t deadline = ipc_deadline_ms(READY_MS);
        int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

        if (null == -1)
            ipc_die("/dev/null");
        command(o, argv, sizeof(argv) / sizeof(argv[0]), path, sizeof(path),
                "ipclab-rc", (char *[]){ "--dir", (char *)dir, "--count",
                "100000000", "--random", "--window", "8", "--quiet",
                "--timeout", "3600000", "--sched", (char *)o->sched, NULL });
        pids[i] = bench_start(argv, null, -1);
        close(null);
        /* in poll(), waiting for its answers: stop it there */
        while (proc_field(pids[i], "syscall", buf, sizeof(buf)) !=
               SYS_poll && ipc_ms_until(deadline) > 0)
            poll(NULL, 0, 1);
        if (kill(pids[i], SIGSTOP) == -1)
            ipc_die("kill");
    }
}

/* Continue and end the clients stop_clients() started */
static void
end_clients(pid_t *pids, long k)
{
    for (long i = 0; i < k; i++) {
        kill(pids[i], SIGKILL);
        kill(pids[i], SIGCONT);
        bench_wait(pids[i], 10000);
    }
}

static void
run_system(const struct sys_opts *o, const sigset_t *chld, struct run *res)
{
    pid_t stopped[64];
    static struct client cl[MAX_CLIENTS];
    char tmp[PATH_MAX], dir[PATH_MAX], path[PATH_MAX], *sargv[MAX_WRAP + 12];
    double p50s[MAX_CLIENTS];
    char line[PATH_MAX + 16];
    int server_out;
    pid_t server;
    double switches = children_switches();

    *res = (struct run){ 0 };
    bench_tmpdir(tmp, sizeof(tmp), "sys");
    bench_path(dir, sizeof(dir), "%s/run", tmp);

    /* the server, with its stdout on a pipe for the "ready:" line */
    command(o, sargv, sizeof(sargv) / sizeof(sargv[0]), path, sizeof(path),
            "ipclab-server", (char *[]){ "--dir", dir, "--spawn",
            (char *)o->spawn, "--signals", (char *)o->signals,
            "--sched", (char *)o->sched,
            o->ack_timeout != NULL ? "--ack-timeout" : NULL,
            (char *)o->ack_timeout, NULL });
    server = ipc_server_start(sargv, ipc_deadline_ms(READY_MS),
                              &server_out, line, sizeof(line));
    if (server == -1) {
        bench_rmtree(tmp);
        ipc_die("the server did not start");
    }

    stop_clients(o, dir, stopped, o->stopped);
    res->wall = run_clients(o, tmp, dir, cl, chld);
    end_clients(stopped, o->stopped);

    /* stop the server: it answers what is in flight and cleans up */
    kill(server, SIGINT);
    {
        char junk[4096];
        struct pollfd p = { .fd = server_out, .events = POLLIN };

        while (poll(&p, 1, 30000) > 0 &&
               read(server_out, junk, sizeof(junk)) > 0)
            ;                   /* its last words: until EOF */
    }
    close(server_out);
    res->server_status = bench_wait(server, 30000);
    /* the server has reaped its processing clients, we the rest */
    switches = children_switches() - switches;

    for (long i = 0; i < o->clients; i++) {
        char out[PATH_MAX];

        bench_path(out, sizeof(out), "%s/rc%ld.out", tmp, i);
        read_summary(out, &cl[i]);
        res->answered += cl[i].answered;
        res->lost += cl[i].lost;
        res->wrong += cl[i].wrong;
        res->rate_sum += cl[i].rate;
        p50s[i] = cl[i].p50_us;
        if (cl[i].p99_us > res->p99)
            res->p99 = cl[i].p99_us;
        res->failed += cl[i].status != 0;
    }
    res->cs = switches / (double)(res->answered > 0 ? res->answered : 1);
    qsort(p50s, (size_t)o->clients, sizeof(p50s[0]), cmp_double);
    res->p50 = o->clients % 2 ? p50s[o->clients / 2]
                              : (p50s[o->clients / 2 - 1] +
                                 p50s[o->clients / 2]) / 2;
    bench_rmtree(tmp);
}

/* What --pairs adds to the recorded runs' figures */
struct paired {
    double off_p50;             /* median p50 of the untraced twins */
    double off_cs;              /* their median context switches/request */
    double added_pct, added_us; /* medians over the pairs of on - off */
};

/*
 * --pairs: K runs untraced (IPCLAB_TRACE=0) and K as the environment
 * says, turn about; *on gets the recorded run with the median p50, and
 * the medians of the pairs' differences go into *pr.
 */
static void
run_pairs(const struct sys_opts *o, const sigset_t *chld, struct run *on,
          struct paired *pr)
{
    struct samples off = { 0 }, offcs = { 0 }, pct = { 0 }, us = { 0 },
                   onp = { 0 };
    struct run runs[100];
    const char *env = getenv("IPCLAB_TRACE");
    char *saved = env != NULL ? strdup(env) : NULL;
    double med;

    for (long k = 0; k < o->pairs; k++) {
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
            run_system(o, chld, traced ? &runs[k] : &r0);
        }
        samples_add(&off, r0.p50);
        samples_add(&offcs, r0.cs);
        samples_add(&onp, runs[k].p50);
        samples_add(&us, runs[k].p50 - r0.p50);
        samples_add(&pct, (runs[k].p50 - r0.p50) / r0.p50 * 100);
    }
    free(saved);
    /* the recorded run whose p50 is the median stands for all of them */
    med = samples_pct(&onp, 50);
    *on = runs[0];
    for (long k = 1; k < o->pairs; k++)
        if (fabs(runs[k].p50 - med) < fabs(on->p50 - med))
            *on = runs[k];
    on->p50 = med;
    pr->off_p50 = samples_pct(&off, 50);
    pr->off_cs = samples_pct(&offcs, 50);
    pr->added_pct = samples_pct(&pct, 50);
    pr->added_us = samples_pct(&us, 50);
    samples_free(&off);
    samples_free(&offcs);
    samples_free(&onp);
    samples_free(&pct);
    samples_free(&us);
}

int
bench_system(int argc, char *argv[])
{
    struct sys_opts o;
    struct run r;
    struct paired pr;
    char extra[200] = "";
    sigset_t chld;

    parse(argc, argv, &o);
    bench_pin(o.cpu);
    /* block before any child can end, to avoid a race: see run_clients() */
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    if (sigprocmask(SIG_BLOCK, &chld, NULL) == -1)
        ipc_die("sigprocmask");

    if (o.pairs > 0)
        run_pairs(&o, &chld, &r, &pr);
    else
        run_system(&o, &chld, &r);

    if (o.pairs > 0)
        snprintf(extra, sizeof(extra), " off_p50_us=%.2f off_cs_per_req=%.2f"
                 " added_pct=%.2f added_us=%.2f pairs=%ld", pr.off_p50,
                 pr.off_cs, pr.added_pct, pr.added_us, o.pairs);
    bench_result("clients=%ld answered=%ld lost=%ld wrong=%ld failed=%d "
                 "server=%d wall_ns=%lld throughput=%.1f p50_us=%.2f "
                 "p99_us=%.2f rate_sum=%.1f cs_per_req=%.2f%s", o.clients,
                 r.answered, r.lost, r.wrong, r.failed, r.server_status,
                 (long long)r.wall,
                 (double)r.answered / ((double)r.wall / 1e9), r.p50, r.p99,
                 r.rate_sum, r.cs, extra);
    return 0;
}
