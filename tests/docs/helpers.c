/*
 * tests/docs/helpers.c - small helpers for the docs and tools tests.
 *
 * Finding a program in $PATH the way the shell does, naming files of the
 * source tree, and running a program with its whole output captured.
 * Everything waits on a process with a bound (h_run), never on a sleep.
 *
 * Peers: docs.h (declarations), tests/lib/harness.c (h_run, h_srcdir).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docs.h"
#include "harness.h"

#define RUN_TIMEOUT_MS 10000

const char *
docs_which(const char *name, char *buf, size_t size)
{
    const char *path = getenv("PATH");
    const char *p;

    if (path == NULL || path[0] == '\0')
        path = "/usr/bin:/bin";
    for (p = path; ; p++) {
        const char *end = strchr(p, ':');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        int n;

        /* an empty entry means the current directory */
        n = snprintf(buf, size, "%.*s/%s", (int)len, len > 0 ? p : ".",
                     name);
        if (n > 0 && (size_t)n < size && access(buf, X_OK) == 0)
            return buf;
        if (end == NULL)
            return NULL;
        p = end;
    }
}

/* "SRCDIR/relpath" into buf */
static void
src_path(char buf[static PATH_MAX], const char *relpath)
{
    int n = snprintf(buf, PATH_MAX, "%s/%s", h_srcdir(), relpath);

    ck_assert_msg(n > 0 && n < PATH_MAX, "path too long: %s", relpath);
}

const char *
docs_src(const char *relpath)
{
    char buf[PATH_MAX];

    src_path(buf, relpath);
    return h_keep(buf);
}

char *
docs_read(const char *relpath)
{
    char buf[PATH_MAX];

    src_path(buf, relpath);
    return h_read_file(buf);
}

int
docs_run(const char *const argv[], const char *out, char **text)
{
    char err[PATH_MAX];
    char *o, *e;
    int status;

    /* two files: two O_TRUNC opens of one file would overwrite each
       other's output */
    ck_assert_int_lt(snprintf(err, sizeof(err), "%s.err", out),
                     (int)sizeof(err));
    status = h_run(argv, NULL, out, err, RUN_TIMEOUT_MS);
    o = h_read_file(out);
    e = h_read_file(err);
    ck_assert_msg(o != NULL && e != NULL, "no output files '%s'", out);
    *text = malloc(strlen(o) + strlen(e) + 1);
    ck_assert_ptr_nonnull(*text);
    strcpy(*text, o);
    strcat(*text, e);
    free(o);
    free(e);
    return status;
}
