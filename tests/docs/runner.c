/*
 * tests/docs/runner.c - the docs-and-tools test program, build/tests/docs.
 *
 * Tests what helps a student see a trace, or find out why there is none:
 * the Trace Compass analysis (check_tracecompass.c) and 'make doctor'
 * (check_doctor.c); and that what the kit's text cites exists and the
 * docs show each program's own --help (check_refs.c). Exits non-zero when
 * any test failed.
 *
 * Run:   make build/tests/docs && build/tests/docs
 * Pick:  CK_RUN_SUITE=doctor build/tests/docs      (one suite)
 *        CK_RUN_CASE=errors build/tests/docs       (one TCase in each)
 * Debug: CK_FORK=no gdb build/tests/docs           (in-process; the
 *        temporary directories are then shared by all tests)
 * CI:    CK_TAP_LOG_FILE_NAME=docs.tap build/tests/docs   (TAP output,
 *        as srunner_set_tap() would give)
 * Schema: the analysis is validated against the xmlDefinition.xsd in
 *        $IPCLAB_TC_XSD_DIR, or the file $IPCLAB_TC_XSD; without either,
 *        the two schema tests report SKIP (h_skip) with that reason.
 *
 * Every test runs in its own child process (CK_FORK), so the environment
 * the doctor tests set up stays in that test.
 */
#include <stdlib.h>

#include "docs.h"
#include "ipclab/err.h"

int
main(int argc, char *argv[])
{
    SRunner *sr;
    int failed;

    (void)argc;
    ipc_set_progname(argv[0]);

    sr = srunner_create(tracecompass_suite());
    srunner_add_suite(sr, doctor_suite());
    srunner_add_suite(sr, refs_suite());

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
