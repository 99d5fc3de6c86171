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
#include "harness.h"
#include "grading.h"

int
main(int argc, char *argv[])
{
    (void)argc;
    return h_main(argv[0], (h_suite_fn *[]){ grading_suite, NULL });
}
