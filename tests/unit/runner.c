/*
 * tests/unit/runner.c - the unit-test program: every library module's suite.
 *
 * Each check_<module>.c tests one module of src/lib and exports
 * <module>_suite(); this file runs them all and exits non-zero when any
 * test failed, so make and CI can tell.
 *
 * Run:   make build/tests/unit && build/tests/unit
 * Pick:  CK_RUN_SUITE=fifo build/tests/unit      (one suite)
 *        CK_RUN_CASE=errors build/tests/unit     (one TCase in each suite)
 * Debug: CK_FORK=no gdb build/tests/unit         (tests run in-process;
 *        exit tests and timeouts need the default CK_FORK=yes)
 * CI:    CK_TAP_LOG_FILE_NAME=unit.tap build/tests/unit   (TAP output,
 *        as srunner_set_tap() would give; CK_XML_LOG_FILE_NAME for XML)
 *
 * Every test runs in its own child process (CK_FORK): a crash, a stray
 * signal or a changed environment stays in that test, and Check's timeout
 * kills a test that hangs.
 */
#include <stdlib.h>

#include "harness.h"
#include "ipclab/err.h"
#include "unit.h"

int
main(int argc, char *argv[])
{
    SRunner *sr;
    int failed;

    (void)argc;
    ipc_set_progname(argv[0]);
    h_lock_machine();       /* lttng-ust fork handlers, test lock */

    /* CK_RUN_SUITE and CK_RUN_CASE are honoured by srunner_run_all() */
    sr = srunner_create(record_suite());
    srunner_add_suite(sr, calc_suite());
    srunner_add_suite(sr, cli_suite());
    srunner_add_suite(sr, err_suite());
    srunner_add_suite(sr, rundir_suite());
    srunner_add_suite(sr, fifo_suite());
    srunner_add_suite(sr, sig_suite());
    srunner_add_suite(sr, proc_suite());
    srunner_add_suite(sr, worker_suite());

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
