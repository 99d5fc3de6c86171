/*
 * tests/labs/runner.c - runs the suites of the five labs and the handouts.
 *
 *   build/tests/labs                          everything
 *   CK_RUN_SUITE=lab04 build/tests/labs       one lab
 *   CK_RUN_SUITE=handouts build/tests/labs    the handouts' commands
 *   CK_RUN_CASE=trace build/tests/labs        the traced assertions only
 *   CK_FORK=no gdb build/tests/labs           debug in one process
 */
#include <check.h>
#include <stdlib.h>

#include "harness.h"
#include "labs.h"

int
main(void)
{
    SRunner *sr;
    int failed;

    h_lock_machine();
    sr = srunner_create(lab01_suite());
    srunner_add_suite(sr, lab02_suite());
    srunner_add_suite(sr, lab03_suite());
    srunner_add_suite(sr, lab04_suite());
    srunner_add_suite(sr, lab05_suite());
    srunner_add_suite(sr, handouts_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
