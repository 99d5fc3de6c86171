/*
 * bench/spawn.c - what starting a process costs: fork+exec+wait.
 *
 *   ipclab-bench spawn [--iter N] [--cpu N] [--versus PROGRAM2]
 *       -- PROGRAM [ARG...]
 *
 * Starts PROGRAM with the kit's ipc_spawn() (what the server does for
 * every request with --spawn per-request) and waits for it, N times, its
 * output thrown away. With the trivial program ipclab-bench-true this is
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

/* fork+exec+wait of argv[0] once; returns the nanoseconds it took */
static double
spawn_once(char *const argv[], int saved_err)
{
    int64_t t0 = ipc_now_ns();
    pid_t pid = ipc_spawn("bench", argv[0], argv, NULL);
    int status;

    if (pid == -1 || waitpid(pid, &status, 0) == -1)
        ipc_die("cannot run '%s'", argv[0]);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        dup2(saved_err, STDERR_FILENO);
        ipc_diex("'%s' failed (wait status %#x)", argv[0], (unsigned)status);
    }
    return (double)(ipc_now_ns() - t0);
}

int
bench_spawn(int argc, char *argv[])
{
    struct bench_opts o;
    struct samples s = { 0 }, vs = { 0 };
    const char *versus = NULL;
    char **prog, **prog2 = NULL, more[96] = "";
    int sep, saved_out, saved_err, null;
    long warm;

    /* our options before "--", the program after; --versus is ours */
    for (sep = 1; sep < argc && strcmp(argv[sep], "--") != 0; sep++)
        ;
    for (int i = 1; i + 1 < sep; i++) {
        if (strcmp(argv[i], "--versus") == 0) {
            versus = argv[i + 1];
            memmove(&argv[i], &argv[i + 2],
                    (size_t)(argc + 1 - (i + 2)) * sizeof(argv[0]));
            argc -= 2;
            sep -= 2;
            break;
        }
    }
    bench_parse_common(sep, argv, &o, 300,
                       "Usage: ipclab-bench spawn [--iter N] [--cpu N] "
                       "[--versus PROGRAM2] -- PROGRAM [ARG...]\n"
                       "fork+exec+wait of PROGRAM, N times; with --versus, "
                       "of PROGRAM2 too, turn about.\n");
    if (sep + 1 >= argc)
        ipc_usage_error("which program? give it after '--'");
    prog = argv + sep + 1;
    if (versus != NULL) {
        /* PROGRAM2 with PROGRAM's arguments */
        prog2 = calloc((size_t)(argc - sep), sizeof(*prog2));
        if (prog2 == NULL)
            ipc_die("out of memory");
        prog2[0] = (char *)versus;
        for (int i = 1; prog[i] != NULL; i++)
            prog2[i] = prog[i];
    }

    /* the children's output goes nowhere; ours comes back for the result */
    if ((null = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1 ||
        (saved_out = dup(STDOUT_FILENO)) == -1 ||
        (saved_err = dup(STDERR_FILENO)) == -1 ||
        dup2(null, STDOUT_FILENO) == -1 || dup2(null, STDERR_FILENO) == -1)
        ipc_die("cannot redirect output to /dev/null");

    warm = bench_warmup(o.iter, 20);
    for (long i = -warm; i < o.iter; i++) {
        /* with --versus, the one that goes first alternates */
        bool second_first = prog2 != NULL && i % 2 != 0;
        double ns2 = second_first ? spawn_once(prog2, saved_err) : 0;
        double ns = spawn_once(prog, saved_err);

        if (prog2 != NULL && !second_first)
            ns2 = spawn_once(prog2, saved_err);
        if (i < 0)
            continue;
        samples_add(&s, ns);
        if (prog2 != NULL)
            samples_add(&vs, ns2);
    }
    dup2(saved_out, STDOUT_FILENO);
    dup2(saved_err, STDERR_FILENO);
    if (prog2 != NULL)
        snprintf(more, sizeof(more), " versus_p50_ns=%.0f ratio=%.4f",
                 samples_pct(&vs, 50),
                 samples_pct(&s, 50) / samples_pct(&vs, 50));
    bench_result_times(&s, more);
    samples_free(&s);
    samples_free(&vs);
    free(prog2);
    return 0;
}
