/*
 * tests/bench/runner.c - the benchmarks' smoke test, build/tests/bench.
 *
 * Runs ipclab-bench's commands and a quick report with tiny counts, and
 * checks that the table, the CSV files and the plot are well-formed; it
 * never judges a figure (check_bench.c says why). 'make bench' is the
 * real run.
 *
 *   build/tests/bench                        everything (a minute or so)
 *   CK_RUN_CASE=commands build/tests/bench   one test case
 *   CK_FORK=no gdb build/tests/bench         debug in one process
 */
#include "harness.h"
#include "suites.h"

int
main(int argc, char *argv[])
{
    (void)argc;
    return h_main(argv[0], (h_suite_fn *[]){ bench_suite, NULL });
}
