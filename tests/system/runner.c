/*
 * tests/system/runner.c - runs the system and tracing suites.
 *
 *   build/tests/system                      everything
 *   CK_RUN_SUITE=tracing build/tests/system  one suite
 *   CK_RUN_CASE=faults build/tests/system    one test case
 *   CK_FORK=no gdb build/tests/system        debug in one process
 */
#include <check.h>
#include <stdlib.h>

#include "harness.h"
#include "system.h"

int
main(void)
{
    SRunner *sr;
    int failed;

    h_lock_machine();
    sr = srunner_create(system_suite());
    srunner_add_suite(sr, tracing_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
