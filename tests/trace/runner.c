/*
 * tests/trace/runner.c - the test program of ipclab-trace, build/tests/trace.
 *
 *   build/tests/trace                       every test (about 30 s: it
 *                                           records five real traces)
 *   CK_RUN_SUITE=check build/tests/trace    one suite; CK_RUN_CASE: a case
 *   CK_FORK=no build/tests/trace            no fork per test: for gdb
 *   IPCLAB_KEEP_TRACES=1 build/tests/trace  keep /tmp/ipclab-trace-tests.*
 *
 * The same program, run as 'build/tests/trace --emit' under
 * traces/record.sh, emits the trace of a broken protocol (emit.c) that the
 * check tests need. The traces are recorded by unchecked fixtures
 * (fixture.c), once per run, and removed at the end.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "fixture.h"
#include "suites.h"

int
main(int argc, char *argv[])
{
    SRunner *sr;
    int failed;

    if (argc >= 2 && (strcmp(argv[1], "--emit") == 0 ||
                      strcmp(argv[1], "--emit-actor") == 0))
        return emit_main(argc, argv);

    tt_tmp();                   /* made here, so every test shares it */
    sr = srunner_create(cli_suite());
    srunner_add_suite(sr, check_suite());
    srunner_add_suite(sr, seq_suite());
    srunner_add_suite(sr, svg_suite());
    srunner_add_suite(sr, chrome_suite());
    srunner_add_suite(sr, stats_suite());
    srunner_add_suite(sr, overlap_suite());
    srunner_add_suite(sr, shiviz_suite());
    srunner_add_suite(sr, states_suite());
    srunner_add_suite(sr, samples_suite());
    srunner_add_suite(sr, record_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    tt_cleanup();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
