/*
 * tests/system/runner.c - runs the system and tracing suites.
 *
 *   build/tests/system                      everything
 *   CK_RUN_SUITE=tracing build/tests/system  one suite
 *   CK_RUN_CASE=faults build/tests/system    one test case
 *   CK_FORK=no gdb build/tests/system        debug in one process
 */
#include "harness.h"
#include "system.h"

int
main(int argc, char *argv[])
{
    (void)argc;
    return h_main(argv[0], (h_suite_fn *[]){
        system_suite, tracing_suite, NULL });
}
