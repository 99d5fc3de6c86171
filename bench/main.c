/*
 * bench/main.c - ipclab-bench: measures what the design costs.
 *
 *   make bench                                  the whole table
 *   build/bin/ipclab-bench report --quick       a smoke run
 *   build/bin/ipclab-bench pipeline --cpu 1     one experiment
 *
 * The commands are listed in bench.h; docs/performance.md explains the
 * figures and what they mean for the design. Not installed: it measures
 * a build, it is not part of the kit a student runs.
 */
#include <stdio.h>
#include <string.h>

#include "ipclab/cli.h"
#include "ipclab/err.h"
#include "bench.h"

static const struct {
    const char *name;
    int (*run)(int, char *[]);
    const char *what;
} commands[] = {
    { "report", bench_report, "run everything, print the table" },
    { "pingpong", bench_pingpong, "FIFO ping-pong round trip" },
    { "pipeline", bench_pipeline, "raw 4-hop FIFO pipeline round trip" },
    { "signal", bench_signal, "real-time signal round trip" },
    { "spawn", bench_spawn, "fork+exec+wait of a program" },
    { "system", bench_system, "the reference system under load" },
    { "tpcost", bench_tpcost, "one tracepoint's cost" },
    { "tpswitch", bench_tpswitch, "a tracepoint's cost after a switch" },
};

static void
usage(FILE *f)
{
    fprintf(f, "Usage: ipclab-bench COMMAND [OPTION...]\n\n"
            "Measures what ipclab's design costs (docs/performance.md).\n"
            "Every command has --help.\n\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].what);
}

int
main(int argc, char *argv[])
{
    ipc_set_progname(argv[0]);
    if (argc < 2)
        ipc_usage_error("which command? (ipclab-bench --help lists them)");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        ipc_cli_help_exit();
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    ipc_usage_error("unknown command '%s'", argv[1]);
}
