/*
 * tests/trace/check_samples.c - the sample traces still give their
 * diagrams.
 *
 * traces/samples/NAME/ is a small recorded trace and NAME.seq.txt what
 * 'ipclab-trace seq traces/samples/NAME' printed when it was recorded
 * (traces/samples/make-samples.sh). Drawing it again must give the very
 * same text: any change to the diagrams shows up here, on purpose or not.
 * They are good runs, so the check passes on them too.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "suites.h"

static const char *const samples[] = { "default", "per-request", "classic" };

/* The whole file, or the test fails */
static char *
read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t len = 0, n;
    char chunk[4096];
    FILE *m;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    m = open_memstream(&buf, &len);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        fwrite(chunk, 1, n, m);
    fclose(m);
    fclose(f);
    return buf;
}

/* The first line where a and b differ, for the failure message */
static int
first_difference(const char *a, const char *b)
{
    int line = 1;

    for (; *a != '\0' && *a == *b; a++, b++)
        line += *a == '\n';
    return line;
}

START_TEST(test_samples_draw_as_recorded)
{
    char dir[64], path[PATH_MAX + 128], *want;
    struct tt_run r;

    /* relative, as make-samples.sh ran it: the title shows the path */
    snprintf(dir, sizeof(dir), "traces/samples/%s", samples[_i]);
    snprintf(path, sizeof(path), "%s/%s.seq.txt", tt_root(), dir);
    want = read_file(path);
    tt_trace(&r, "seq", dir, NULL);
    ck_assert_msg(r.status == 0, "seq %s: %s", dir, r.err);
    ck_assert_msg(strcmp(r.out, want) == 0, "%s: differs from %s at line %d",
                  dir, path, first_difference(r.out, want));
    tt_run_free(&r);

    tt_trace(&r, "check", dir, NULL);
    ck_assert_msg(r.status == 0, "check %s: %s", dir, r.out);
    tt_run_free(&r);
    free(want);
}
END_TEST

Suite *
samples_suite(void)
{
    Suite *s = suite_create("samples");
    TCase *core = tcase_create("core");

    tcase_add_loop_test(core, test_samples_draw_as_recorded, 0,
                        sizeof(samples) / sizeof(samples[0]));
    suite_add_tcase(s, core);
    return s;
}
