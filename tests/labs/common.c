/*
 * tests/labs/common.c - the test cases every lab shares.
 *
 *   experiments   each experiment of the lab, run alone and untraced, ends
 *                 within its timeout with exit status 0 and says
 *                 "-> as the handout says"
 *   help          --help lists exactly the experiments the tests know, so
 *                 an experiment added to a lab is added to its tests too
 *
 * Check's loop tests hand a test only an index: the labs register their
 * experiments in one flat table, and each lab's loop covers its slice.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "labs.h"

#define MAX_RUNS 64

static struct {
    const struct lab_case *lab;
    const char *experiment;
} runs[MAX_RUNS];
static int nruns;

static const struct lab_case *known[8];
static int nlabs;

int
lt_nitems(const char *const *list)
{
    int n = 0;

    while (list[n] != NULL)
        n++;
    return n;
}

/* One experiment, alone: it must finish, exit 0, and say so. */
START_TEST(test_lab_experiment_behaves)
{
    const char *bin = h_bin(runs[_i].lab->bin), *exp = runs[_i].experiment;
    const char *out = h_tmpdir_path("out"), *err = h_tmpdir_path("err");
    int status = h_run((const char *[]){ bin, exp, NULL }, NULL, out, err,
                       60000);
    char *text = h_read_file(out), *errors = h_read_file(err);

    ck_assert_msg(status == 0, "%s %s: exit status %d\n%s%s",
                  runs[_i].lab->bin, exp, status, text ? text : "",
                  errors ? errors : "");
    ck_assert_int_eq(h_count_lines(text, "-> as the handout says"), 1);
    ck_assert_int_eq(h_count_lines(text, "UNEXPECTED"), 0);
    free(text);
    free(errors);
}
END_TEST

/* --help lists the experiments the tests know, in the same order. */
START_TEST(test_lab_help_lists_experiments)
{
    const struct lab_case *lab = known[_i];
    const char *out = h_tmpdir_path("help");
    char *text, *p;
    int n = 0;

    ck_assert_int_eq(h_run((const char *[]){ h_bin(lab->bin), "--help",
                                             NULL }, NULL, out, NULL, 10000),
                     0);
    text = h_read_file(out);
    p = strstr(text, "Experiments:\n");
    ck_assert_ptr_nonnull(p);
    for (p = strchr(p, '\n') + 1; strncmp(p, "  ", 2) == 0;
         p = strchr(p, '\n') + 1) {
        char name[32];

        ck_assert_int_eq(sscanf(p, " %31s", name), 1);
        if (strcmp(name, "all") == 0)
            break;
        ck_assert_msg(lab->experiments[n] != NULL &&
                      strcmp(name, lab->experiments[n]) == 0,
                      "%s --help lists '%s' where the tests expect '%s'",
                      lab->bin, name, lab->experiments[n] ?
                      lab->experiments[n] : "(nothing)");
        n++;
    }
    ck_assert_int_eq(n, lt_nitems(lab->experiments));
    /* and an unknown experiment is a usage error, exit 2 */
    ck_assert_int_eq(h_run((const char *[]){ h_bin(lab->bin), "no-such",
                                             NULL }, NULL, "/dev/null",
                           "/dev/null", 10000), 2);
    free(text);
}
END_TEST

static void
setup(void)
{
    h_tmpdir_init();
}

static void
teardown(void)
{
    h_tmpdir_cleanup();
}

void
lt_add_common_cases(Suite *s, const struct lab_case *lab)
{
    TCase *tc = tcase_create("experiments");
    int first = nruns;

    if (nlabs == 8 || nruns + lt_nitems(lab->experiments) > MAX_RUNS)
        abort();                /* raise the limits above */
    /* no ck_assert here: the suites are built before Check runs tests */
    for (int i = 0; lab->experiments[i] != NULL; i++) {
        runs[nruns].lab = lab;
        runs[nruns++].experiment = lab->experiments[i];
    }
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 90);
    tcase_add_loop_test(tc, test_lab_experiment_behaves, first, nruns);
    suite_add_tcase(s, tc);

    tc = tcase_create("help");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_lab_help_lists_experiments, nlabs,
                        nlabs + 1);
    known[nlabs++] = lab;
    suite_add_tcase(s, tc);
}
