/*
 * tests/faults/runner.c - runs the reliability and security suites.
 *
 *   build/tests/faults                        everything
 *   CK_RUN_SUITE=load build/tests/faults       one suite (load, faults,
 *                                             input, cli, security, fuzz,
 *                                             stall, peers)
 *   CK_RUN_CASE=fd build/tests/faults          one test case
 *   CK_FORK=no gdb build/tests/faults          debug in one process
 *
 * See faults.h for what they prove.
 */
#include "harness.h"
#include "faults.h"

int
main(int argc, char *argv[])
{
    (void)argc;
    return h_main(argv[0], (h_suite_fn *[]){
        load_suite, faults_suite, input_suite, cli_suite, security_suite,
        fuzz_suite, stall_suite, peers_suite, NULL });
}
