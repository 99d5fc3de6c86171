/*
 * tests/grading/runner.c - the grader's own tests, in 'make check'.
 *
 *   build/tests/grading                     every test (about 10 minutes)
 *   CK_RUN_CASE=handout build/tests/grading  one of them
 *
 * They run 'make grade' on the reference solutions and on the untouched
 * skeletons, check the results it writes, build and grade the student
 * handout in a directory of its own, run the Gradescope autograder
 * against a simulated /autograder tree, and grade each broken submission
 * of fixtures/. See check_grading.c.
 */
#include <check.h>
#include <stdlib.h>

#include "grading.h"
#include "harness.h"

int
main(void)
{
    SRunner *sr;
    int failed;

    h_lock_machine();
    sr = srunner_create(grading_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
