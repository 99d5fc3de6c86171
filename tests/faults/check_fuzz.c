/*
 * tests/faults/check_fuzz.c - a short fuzzing run, part of 'make check'.
 *
 * Builds the libFuzzer harnesses of tests/fuzz/ ('make fuzz', which needs
 * clang) into this build's fuzz/ directory and runs each for 10 seconds,
 * from its seed corpus. A crash, a sanitizer report or a broken property
 * fails the run, and the test. Without clang the test reports SKIP:
 * the fuzzers are clang's (CI installs it; scripts/deps.sh lists it).
 *
 * Longer runs: make fuzz FUZZ_SECONDS=600
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "faults.h"

/* Path of 'name' in $PATH into buf, or NULL */
static const char *
which(const char *name, char *buf, size_t size)
{
    const char *path = getenv("PATH");
    char *copy, *dir, *save = NULL;
    const char *found = NULL;

    if (path == NULL)
        return NULL;
    copy = strdup(path);
    ck_assert_ptr_nonnull(copy);
    for (dir = strtok_r(copy, ":", &save); dir != NULL && found == NULL;
         dir = strtok_r(NULL, ":", &save)) {
        snprintf(buf, size, "%s/%s", dir, name);
        if (access(buf, X_OK) == 0)
            found = buf;
    }
    free(copy);
    return found;
}

START_TEST(test_fuzz_short_run)
{
    char clang[PATH_MAX], make[PATH_MAX], build[PATH_MAX + 8];
    char *err;
    int status;

    if (which("clang", clang, sizeof(clang)) == NULL)
        h_skip("clang not installed: fuzzers not run (apt-get install "
               "clang)");
    ck_assert_msg(which("make", make, sizeof(make)) != NULL, "no make");
    snprintf(build, sizeof(build), "BUILD=%s", h_build_dir());
    status = h_run((const char *[]){ make, "--no-print-directory", "-C",
                   h_srcdir(), build, "fuzz", "FUZZ_SECONDS=10", NULL },
                   NULL, h_tmpdir_path("fuzz.out"), h_tmpdir_path("fuzz.err"),
                   280000);
    /* libFuzzer reports on stderr: its last lines say what broke */
    err = h_read_file(h_tmpdir_path("fuzz.err"));
    ck_assert_msg(status == 0, "make fuzz exited %d:\n%s", status,
                  err != NULL && strlen(err) > 4000
                  ? err + strlen(err) - 4000 : err);
    free(err);
}
END_TEST

Suite *
fuzz_suite(void)
{
    Suite *s = suite_create("fuzz");
    TCase *tc = h_tcase(s, "short", 300);

    tcase_add_test(tc, test_fuzz_short_run);
    return s;
}
