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
#include <check.h>
#include <stdlib.h>

#include "harness.h"
#include "suites.h"

int
main(void)
{
    SRunner *sr;
    int failed;

    h_lock_machine();           /* first: the report records traces */
    sr = srunner_create(bench_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
