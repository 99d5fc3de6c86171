/*
 * tests/faults/runner.c - runs the reliability and security suites.
 *
 *   build/tests/faults                        everything
 *   CK_RUN_SUITE=load build/tests/faults       one suite (load, faults,
 *                                             input, cli, security, fuzz,
 *                                             stall)
 *   CK_RUN_CASE=fd build/tests/faults          one test case
 *   CK_FORK=no gdb build/tests/faults          debug in one process
 *
 * See faults.h for what they prove.
 */
#include <check.h>
#include <stdlib.h>

#include "faults.h"

int
main(void)
{
    SRunner *sr;
    int failed;

    h_lock_machine();           /* first: real servers, shared LTTng */
    sr = srunner_create(load_suite());
    srunner_add_suite(sr, faults_suite());
    srunner_add_suite(sr, input_suite());
    srunner_add_suite(sr, cli_suite());
    srunner_add_suite(sr, security_suite());
    srunner_add_suite(sr, fuzz_suite());
    srunner_add_suite(sr, stall_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
