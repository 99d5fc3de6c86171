/*
 * bench/spawn.c - what starting a process costs: fork+exec+wait.
 *
 *   ipclab-bench spawn [--iter N] [--cpu N] -- PROGRAM [ARG...]
 *
 * Starts PROGRAM with the kit's ipc_spawn() (what the server does for
 * every request with --spawn per-request) and waits for it, N times, its
 * output thrown away. With the trivial program ipclab-bench-true this is
 * the kernel's and the dynamic loader's floor; with 'ipclab-sum --help' it
 * is a processing client's start-up and exit, which is where a tracer
 * loaded eagerly would show.
 *
 * Prints "result p50_ns=... p99_ns=... mean_ns=... iter=N".
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/proc.h"
#include "bench.h"

int
bench_spawn(int argc, char *argv[])
{
    struct bench_opts o;
    struct samples s = { 0 };
    double sum = 0;
    int sep, saved_out, saved_err, null;
    long warm;

    /* our options before "--", the program after */
    for (sep = 1; sep < argc && strcmp(argv[sep], "--") != 0; sep++)
        ;
    bench_parse_common(sep, argv, &o, 300,
                       "Usage: ipclab-bench spawn [--iter N] [--cpu N] -- "
                       "PROGRAM [ARG...]\n"
                       "fork+exec+wait of PROGRAM, N times.\n");
    if (sep + 1 >= argc)
        ipc_usage_error("which program? give it after '--'");

    /* the children's output goes nowhere; ours comes back for the result */
    if ((null = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1 ||
        (saved_out = dup(STDOUT_FILENO)) == -1 ||
        (saved_err = dup(STDERR_FILENO)) == -1 ||
        dup2(null, STDOUT_FILENO) == -1 || dup2(null, STDERR_FILENO) == -1)
        ipc_die("cannot redirect output to /dev/null");

    warm = o.iter / 10 < 20 ? o.iter / 10 : 20;
    for (long i = -warm; i < o.iter; i++) {
        int64_t t0 = ipc_now_ns();
        pid_t pid = ipc_spawn("bench", argv[sep + 1], argv + sep + 1, NULL);
        int status;

        if (pid == -1 || waitpid(pid, &status, 0) == -1)
            ipc_die("cannot run '%s'", argv[sep + 1]);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            dup2(saved_err, STDERR_FILENO);
            ipc_diex("'%s' failed (wait status %#x)", argv[sep + 1],
                     (unsigned)status);
        }
        if (i >= 0) {
            double ns = (double)(ipc_now_ns() - t0);

            samples_add(&s, ns);
            sum += ns;
        }
    }
    dup2(saved_out, STDOUT_FILENO);
    dup2(saved_err, STDERR_FILENO);
    bench_result("p50_ns=%.0f p99_ns=%.0f mean_ns=%.0f iter=%ld",
                 samples_pct(&s, 50), samples_pct(&s, 99),
                 sum / (double)o.iter, o.iter);
    samples_free(&s);
    return 0;
}
