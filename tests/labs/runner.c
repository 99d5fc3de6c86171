/*
 * tests/labs/runner.c - runs the suites of the five labs and the handouts.
 *
 *   build/tests/labs                          everything
 *   CK_RUN_SUITE=lab04 build/tests/labs       one lab
 *   CK_RUN_SUITE=handouts build/tests/labs    the handouts' commands
 *   CK_RUN_CASE=trace build/tests/labs        the traced assertions only
 *   CK_FORK=no gdb build/tests/labs           debug in one process
 */
#include "harness.h"
#include "labs.h"

int
main(int argc, char *argv[])
{
    (void)argc;
    return h_main(argv[0], (h_suite_fn *[]){
        lab01_suite, lab02_suite, lab03_suite, lab04_suite, lab05_suite,
        handouts_suite, NULL });
}
