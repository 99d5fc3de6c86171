/*
 * err.c - error messages and number parsing for programs.
 *
 * The message format follows the conventions of git and TLPI: the program
 * name, what failed, and the symbolic errno with its text. Only programs call
 * these; library code reports through errno.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipclab/err.h"

static const char *progname = "ipclab";

void
ipc_set_progname(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');

    progname = slash != NULL ? slash + 1 : argv0;
}

const char *
ipc_progname(void)
{
    return progname;
}

const char *
ipc_errno_name(int err)
{
    const char *name = strerrorname_np(err);    /* glibc 2.32 and later */

    return name != NULL ? name : "EUNKNOWN";
}

/* The one formatter behind every message; 'err' < 0 means no errno part. */
static void
vmessage(int err, const char *fmt, va_list ap)
{
    char msg[512];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (err >= 0)
        fprintf(stderr, "%s: %s: %s (%s)\n", progname, msg,
                ipc_errno_name(err), strerror(err));
    else
        fprintf(stderr, "%s: %s\n", progname, msg);
}

void
ipc_warn(const char *fmt, ...)
{
    int saved_errno = errno;
    va_list ap;

    va_start(ap, fmt);
    vmessage(saved_errno, fmt, ap);
    va_end(ap);
    errno = saved_errno;
}

void
ipc_warnx(const char *fmt, ...)
{
    int saved_errno = errno;
    va_list ap;

    va_start(ap, fmt);
    vmessage(-1, fmt, ap);
    va_end(ap);
    errno = saved_errno;
}

void
ipc_die(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmessage(errno, fmt, ap);
    va_end(ap);
    exit(IPCLAB_EXIT_FAILURE);
}

void
ipc_diex(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmessage(-1, fmt, ap);
    va_end(ap);
    exit(IPCLAB_EXIT_FAILURE);
}

void
ipc_die_child(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmessage(errno, fmt, ap);   /* stderr is unbuffered: nothing to flush */
    va_end(ap);
    _exit(IPCLAB_EXIT_FAILURE);
}

void
ipc_usage_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmessage(-1, fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try '%s --help'.\n", progname);
    exit(IPCLAB_EXIT_USAGE);
}

int
ipc_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    char *end;
    long long v;

    /* strtoll() would skip leading blanks (" 5"): all of 's' must be the
       number, so it must start with a digit or a sign */
    if (!isdigit((unsigned char)s[0]) && s[0] != '-' && s[0] != '+') {
        errno = EINVAL;
        return -1;
    }
    errno = 0;
    v = strtoll(s, &end, 10);
    if (end == s || *end != '\0') {
        errno = EINVAL;
        return -1;
    }
    if (errno == ERANGE || v < min || v > max) {
        errno = ERANGE;
        return -1;
    }
    *out = v;
    return 0;
}
