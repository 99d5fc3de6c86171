/*
 * bench/util.c - what every benchmark command shares: samples and their
 * percentiles, pinning, starting and waiting for processes with a bound,
 * the common options and the "result key=value" line.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipclab/cli.h"
#include "ipclab/err.h"
#include "ipclab/proc.h"
#include "ipclab/rundir.h"
#include "bench.h"

void
samples_add(struct samples *s, double x)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->v = realloc(s->v, s->cap * sizeof(*s->v));
        if (s->v == NULL)
            ipc_die("out of memory");
    }
    s->v[s->n++] = x;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

double
samples_pct(struct samples *s, double pct)
{
    size_t rank;

    if (s->n == 0)
        return NAN;
    qsort(s->v, s->n, sizeof(*s->v), cmp_double);
    if (pct == 50.0 && s->n % 2 == 0)       /* the usual median */
        return (s->v[s->n / 2 - 1] + s->v[s->n / 2]) / 2;
    rank = (size_t)(pct / 100.0 * (double)s->n);
    return s->v[rank < s->n ? rank : s->n - 1];
}

void
samples_free(struct samples *s)
{
    free(s->v);
    memset(s, 0, sizeof(*s));
}

void
bench_result(const char *fmt, ...)
{
    va_list ap;

    fputs("result ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    if (fflush(stdout) == EOF)
        ipc_die("cannot write the result");
}

void
bench_result_times(struct samples *s, const char *more)
{
    double sum = 0;

    for (size_t i = 0; i < s->n; i++)
        sum += s->v[i];
    bench_result("p50_ns=%.0f p99_ns=%.0f mean_ns=%.0f iter=%zu%s",
                 samples_pct(s, 50), samples_pct(s, 99),
                 s->n > 0 ? sum / (double)s->n : NAN, s->n, more);
}

long
bench_warmup(long iter, long most)
{
    return iter / 10 < most ? iter / 10 : most;
}

void
bench_time_trips(long iter, void (*trip)(void *arg, long i), void *arg)
{
    struct samples s = { 0 };

    for (long i = -bench_warmup(iter, 1000); i < iter; i++) {
        int64_t t0 = ipc_now_ns();

        trip(arg, i);
        if (i >= 0)
            samples_add(&s, (double)(ipc_now_ns() - t0));
    }
    bench_result_times(&s, "");
    samples_free(&s);
}

pid_t
bench_fork(void)
{
    pid_t pid = fork();

    if (pid == -1)
        ipc_die("fork");
    return pid;
}

int
bench_reap(int n)
{
    int failed = 0;

    for (int i = 0; i < n; i++) {
        int status;
        pid_t pid;

        while ((pid = wait(&status)) == -1 && errno == EINTR)
            ;
        if (pid == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed = 1;
    }
    return failed;
}

void
bench_tmpdir(char *buf, size_t size, const char *tag)
{
    const char *base = getenv("TMPDIR");

    if (base == NULL || base[0] == '\0')
        base = "/tmp";
    if (snprintf(buf, size, "%s/ipclab-bench-%s.XXXXXX", base, tag) >=
        (int)size)
        ipc_diex("temporary directory name too long");
    if (mkdtemp(buf) == NULL)
        ipc_die("cannot create a directory like '%s'", buf);
}

void
bench_rmtree(const char *path)
{
    if (ipc_remove_tree(path) == -1)
        ipc_warn("cannot remove '%s'", path);
}

pid_t
bench_start(char *const argv[], int out_fd, int err_fd)
{
    pid_t pid = bench_fork();

    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        sigset_t none;

        /* the children must not inherit our blocked or ignored signals */
        sigemptyset(&none);
        ipc_child_default_signals(&none);
        dup2(null, STDIN_FILENO);
        dup2(out_fd >= 0 ? out_fd : null, STDOUT_FILENO);
        dup2(err_fd >= 0 ? err_fd : null, STDERR_FILENO);
        execvp(argv[0], argv);
        ipc_die_child("cannot run '%s'", argv[0]);
    }
    return pid;
}

int
bench_wait(pid_t pid, int timeout_ms)
{
    int code;

    /* a pidfd sleeps until the child ends, never spins: a pinned
       experiment may be running on our CPU */
    return ipc_wait_or_kill(pid, "bench", timeout_ms, &code) == 0 ? code : -1;
}

int
bench_capture(char *const argv[], char *out, size_t size, int err_fd,
              int timeout_ms)
{
    FILE *f = tmpfile();        /* a file never fills up as a pipe does */
    size_t n;
    int status;

    if (f == NULL || fcntl(fileno(f), F_SETFD, FD_CLOEXEC) == -1)
        ipc_die("cannot create a temporary file");
    status = bench_wait(bench_start(argv, fileno(f), err_fd), timeout_ms);
    rewind(f);
    n = fread(out, 1, size - 1, f);
    out[n] = '\0';
    fclose(f);
    return status;
}

void
bench_pin(int cpu)
{
    cpu_set_t set;

    if (cpu < 0)
        return;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    /* inherited across fork and exec: the whole tree stays on 'cpu' */
    if (sched_setaffinity(0, sizeof(set), &set) == -1)
        ipc_die("cannot pin to CPU %d", cpu);
}

void
bench_options(int argc, char *argv[], const char *usage,
              struct bench_opts *o)
{
    static const struct ipc_cli_opt opts[] = {
        { "help", 0, 1 }, { "iter", 1, 2 }, { "cpu", 1, 3 }, { "bin", 1, 4 },
        { "clients", 1, 5 }, { "count", 1, 6 }, { "window", 1, 7 },
        { "pairs", 1, 8 }, { "stopped", 1, 9 }, { "spawn", 1, 10 },
        { "signals", 1, 11 }, { "sched", 1, 12 }, { "ack-timeout", 1, 13 },
        { "wrap", 1, 14 }, { "versus", 1, 15 }, { "notrace-bin", 1, 16 },
        { "srcdir", 1, 17 }, { "out", 1, 18 }, { "runs", 1, 19 },
        { "quick", 0, 20 }, { "no-callgrind", 0, 21 }, { NULL, 0, 0 },
    };
    struct ipc_cli cli = IPCLAB_CLI_INIT(argc, argv);
    const char *arg, *name;
    char word[32];
    enum ipc_sched sched;
    int id;

    while ((id = ipc_cli_next_or_exit(&cli, opts, &arg)) != IPCLAB_CLI_END) {
        if (id == IPCLAB_CLI_OPERAND) {
            if (!cli.only_operands)
                ipc_usage_error("unexpected argument '%s'", arg);
            o->operands = &argv[cli.i - 1];
            break;
        }
        name = opts[id - 1].name;
        snprintf(word, sizeof(word), "--%s", name);
        if (id != 1 && strstr(usage, word) == NULL)
            ipc_usage_error("option '--%s' is not one of this command's",
                            name);
        switch (id) {
        case 1: fputs(usage, stdout); ipc_cli_help_exit();
        case 2: o->iter = ipc_cli_int_or_exit(name, arg, 1, 100000000); break;
        case 3: o->cpu = (int)ipc_cli_int_or_exit(name, arg, 0,
                                                  CPU_SETSIZE - 1); break;
        case 4: o->bin = arg; break;
        case 5:
            if (strstr(usage, "--clients LIST") != NULL)
                o->client_counts = arg;     /* report: "1,4,16" */
            else
                o->clients = ipc_cli_int_or_exit(name, arg, 1, 256);
            break;
        case 6: o->count = ipc_cli_int_or_exit(name, arg, 1, 10000000);
                break;
        case 7: o->window = ipc_cli_int_or_exit(name, arg, 1, 1000); break;
        case 8: o->pairs = ipc_cli_int_or_exit(name, arg, 1, 100); break;
        case 9: o->stopped = ipc_cli_int_or_exit(name, arg, 1, 64); break;
        case 10: o->spawn = arg; break;
        case 11: o->signals = arg; break;
        case 12:
            if (ipc_sched_parse(arg, &sched) == -1)
                ipc_usage_error("--sched must be batch or normal");
            o->sched = arg;
            break;
        case 13: o->ack_timeout = arg;
                 ipc_cli_int_or_exit(name, arg, 1, 3600000); break;
        case 14: o->wrap = arg; break;
        case 15: o->versus = arg; break;
        case 16: o->notrace_bin = arg; break;
        case 17: o->srcdir = arg; break;
        case 18: o->out = arg; break;
        case 19: o->runs = ipc_cli_int_or_exit(name, arg, 1, MAX_ROUNDS);
                 break;
        case 20: o->quick = true; break;
        case 21: o->no_callgrind = true; break;
        }
    }
    bench_pin(o->cpu);
}
