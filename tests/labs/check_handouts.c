/*
 * tests/labs/check_handouts.c - the handouts say only what is true.
 *
 *   commands  every command line of a handout's ```sh blocks that starts
 *             with "build/bin/", "make lab", "traces/record.sh" or
 *             "babeltrace2" runs, in order, from the source root, and
 *             exits 0 (or N, when the line ends with "# exits N").
 *             build/ is this test's build directory, so that
 *             "make BUILD=build-x check" tests its own build.
 *   markers   every stable marker a handout quotes, "[lab04:lost-wakeup]",
 *             is in the source code it points to.
 *
 * The sections a handout cites by number are checked with every other
 * citation of the kit's text, by tests/docs/check_refs.c.
 *
 * So a handout never drifts from the code: rename an experiment or a
 * marker and this fails until the handout follows.
 */
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "labs.h"

static const char *const handouts[] = {
    "labs/01-fifo-setup/README.md",
    "labs/02-request-routing/README.md",
    "labs/03-worker-processing/README.md",
    "labs/04-signal-sync/README.md",
    "labs/05-reference-system/README.md",
};
#define NHANDOUTS ((int)(sizeof(handouts) / sizeof(handouts[0])))

/* 'line' with every word "build/..." moved to our build directory */
static void
rewrite(const char *line, char *cmd, size_t size)
{
    size_t n = 0;

    for (const char *p = line; *p != '\0' && n + 1 < size; p++) {
        bool word_start = p == line || p[-1] == ' ' || p[-1] == '=';

        if (word_start && strncmp(p, "build/", 6) == 0) {
            n += (size_t)snprintf(cmd + n, size - n, "%s/", h_build_name());
            p += 5;
        } else if (p == line && strncmp(p, "make lab", 8) == 0) {
            n += (size_t)snprintf(cmd + n, size - n, "make BUILD=%s lab",
                                  h_build_name());
            p += 7;
        } else {
            cmd[n++] = *p;
        }
    }
    cmd[n < size ? n : size - 1] = '\0';
}

static bool
is_command(const char *line)
{
    return strncmp(line, "build/bin/", 10) == 0 ||
           strncmp(line, "make lab", 8) == 0 ||
           strncmp(line, "traces/record.sh", 16) == 0 ||
           strncmp(line, "babeltrace2 ", 12) == 0;
}

START_TEST(test_handout_commands_run)
{
    char path[PATH_MAX], cmd[4096], shell[8192];
    const char *out = h_tmpdir_path("command.out");
    char *text, *save = NULL;
    bool in_sh = false;
    int n = 0;

    snprintf(path, sizeof(path), "%s/%s", h_srcdir(), handouts[_i]);
    text = h_read_file(path);
    ck_assert_msg(text != NULL, "no handout '%s'", path);
    for (char *line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        const char *exits = strstr(line, "# exits ");
        int expect = exits != NULL ? atoi(exits + 8) : 0, status;
        const char *tail;
        char *output;

        if (strncmp(line, "```", 3) == 0) {
            in_sh = strcmp(line, "```sh") == 0;
            continue;
        }
        if (!in_sh || !is_command(line))
            continue;
        rewrite(line, cmd, sizeof(cmd));
        /* from the source root, as the handout says; a 'make check' above
           us must not lend its jobserver to the 'make lab' below */
        snprintf(shell, sizeof(shell), "cd '%s' && unset MAKEFLAGS MAKELEVEL "
                 "MFLAGS && %s", h_srcdir(), cmd);
        status = h_run((const char *[]){ "/bin/sh", "-c", shell, NULL },
                       NULL, out, out, 600000);
        output = h_read_file(out);
        /* its last lines: Check cannot carry a long message (a diagram) */
        tail = output == NULL ? "" :
               output + (strlen(output) > 2000 ? strlen(output) - 2000 : 0);
        ck_assert_msg(status == expect, "%s: '%s' exited %d, not %d:\n%s",
                      handouts[_i], line, status, expect, tail);
        free(output);
        n++;
    }
    ck_assert_msg(n > 0, "%s has no command to run", handouts[_i]);
    free(text);
}
END_TEST

static const char *marker;      /* for find_marker(), via nftw() */
static bool found;

static int
find_marker(const char *path, const struct stat *st, int flag,
            struct FTW *ftw)
{
    size_t len = strlen(path);
    char *text;

    (void)st;
    (void)ftw;
    if (flag != FTW_F || len < 2 || strcmp(path + len - 2, ".c") != 0)
        return 0;
    text = h_read_file(path);
    found |= text != NULL && strstr(text, marker) != NULL;
    free(text);
    return found ? 1 : 0;
}

START_TEST(test_handout_markers_exist)
{
    char path[PATH_MAX], dir[PATH_MAX], name[64];
    char *text;

    snprintf(path, sizeof(path), "%s/%s", h_srcdir(), handouts[_i]);
    text = h_read_file(path);
    ck_assert_ptr_nonnull(text);
    for (const char *p = strstr(text, "[lab"); p != NULL;
         p = strstr(p + 1, "[lab")) {
        char num[3], word[48];
        int len = 0;

        if (sscanf(p, "[lab%2[0-9]:%47[a-z0-9-]%n", num, word, &len) != 2 ||
            p[len] != ']')
            continue;           /* "[lab" in prose, not a marker */
        snprintf(name, sizeof(name), "[lab%s:%s]", num, word);
        marker = name;
        found = false;
        for (int k = 0; k < 2 && !found; k++) {
            snprintf(dir, sizeof(dir), "%s/%s", h_srcdir(),
                     k == 0 ? "labs" : "src");
            nftw(dir, find_marker, 16, FTW_PHYS);
        }
        ck_assert_msg(found, "%s quotes %s, which no source file has",
                      handouts[_i], name);
    }
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

Suite *
handouts_suite(void)
{
    Suite *s = suite_create("handouts");
    TCase *tc = tcase_create("markers");

    tcase_add_loop_test(tc, test_handout_markers_exist, 0, NHANDOUTS);
    suite_add_tcase(s, tc);

    tc = tcase_create("commands");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 1200);        /* make lab waits for LTTng's lock */
    tcase_add_loop_test(tc, test_handout_commands_run, 0, NHANDOUTS);
    suite_add_tcase(s, tc);
    return s;
}
