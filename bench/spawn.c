/*
 * bench/spawn.c - what starting a process costs: fork+exec+wait.
 *
 *   ipclab-bench spawn [--iter N] [--cpu N] [--versus PROGRAM2]
 *       -- PROGRAM [ARG...]
 *
 * Starts PROGRAM with the kit's ipc_spawn_output() (what the server does
 * for every request with --spawn per-request) and waits for it, N times,
 * its output thrown away. With the trivial program ipclab-bench-true this is
 * the kernel's and the dynamic loader's floor; with 'ipclab-sum --help' it
 * is a processing client's start-up and exit, which is where a tracer
 * loaded eagerly would show.
 *
 * --versus PROGRAM2 starts PROGRAM2 with the same arguments, turn about
 * with PROGRAM (which goes first alternates too), and adds its figures
 * and the ratio of the two medians. Measured side by side like this, a
 * machine that slows down for a minute slows both alike, and the ratio
 * stays true where two separate runs would not.
 *
 * Prints "result p50_ns=... p99_ns=... mean_ns=... iter=N", and with
 * --versus also "versus_p50_ns=... ratio=...".
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/proc.h"
#include "bench.h"

/* fork+exec+wait of argv[0], its stdout to out; the nanoseconds it took */
static double
spawn_once(char *const argv[], int out)
{
    int64_t t0 = ipc_now_ns();
    pid_t pid = ipc_spawn_output("bench", argv, out);
    int status;

    if (pid == -1 || waitpid(pid, &status, 0) == -1)
        ipc_die("cannot run '%s'", argv[0]);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        ipc_diex("'%s' failed (wait status %#x)", argv[0], (unsigned)status);
    return (double)(ipc_now_ns() - t0);
}

int
bench_spawn(int argc, char *argv[])
{
    struct bench_opts o = { .iter = 300, .cpu = -1 };
    struct samples s = { 0 }, vs = { 0 };
    char **prog, **prog2 = NULL, more[96] = "";
    int null;

    bench_options(argc, argv,
                  "Usage: ipclab-bench spawn [--iter N] [--cpu N] "
                  "[--versus PROGRAM2] -- PROGRAM [ARG...]\n"
                  "fork+exec+wait of PROGRAM, N times; with --versus, "
                  "of PROGRAM2 too, turn about.\n", &o);
    if ((prog = o.operands) == NULL)
        ipc_usage_error("which program? give it after '--'");
    if (o.versus != NULL) {
        /* PROGRAM2 with PROGRAM's arguments */
        int n = 0;

        while (prog[n] != NULL)
            n++;
        if ((prog2 = calloc((size_t)n + 1, sizeof(*prog2))) == NULL)
            ipc_die("out of memory");
        memcpy(prog2, prog, (size_t)n * sizeof(*prog2));
        prog2[0] = (char *)o.versus;
    }
    /* the programs' output goes nowhere, their errors to ours */
    if ((null = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1)
        ipc_die("cannot open /dev/null");

    for (long i = -bench_warmup(o.iter, 20); i < o.iter; i++) {
        /* with --versus, the one that goes first alternates */
        bool second_first = prog2 != NULL && i % 2 != 0;
        double ns2 = second_first ? spawn_once(prog2, null) : 0;
        double ns = spawn_once(prog, null);

        if (prog2 != NULL && !second_first)
            ns2 = spawn_once(prog2, null);
        if (i < 0)
            continue;
        samples_add(&s, ns);
        if (prog2 != NULL)
            samples_add(&vs, ns2);
    }
    if (prog2 != NULL)
        snprintf(more, sizeof(more), " versus_p50_ns=%.0f ratio=%.4f",
                 samples_pct(&vs, 50),
                 samples_pct(&s, 50) / samples_pct(&vs, 50));
    bench_result_times(&s, more);
    samples_free(&s);
    samples_free(&vs);
    free(prog2);
    close(null);
    return 0;
}
