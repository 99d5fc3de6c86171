/*
 * err.c - error messages and number parsing for programs.
 *
 * The message format follows the conventions of git and TLPI: the program
 * name, what failed, and the symbolic errno with its text. Only programs call
 * these; library code reports through errno.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#include "ipclab/err.h"

static const char *progname = "ipclab";

/* C.UTF-8 for making text display-safe: made once, at start, so that a
   message from a child between fork() and exec() allocates nothing */
static locale_t utf8_locale;

static locale_t
display_locale(void)
{
    if (utf8_locale == (locale_t)0)
        utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    return utf8_locale;
}

/* Descriptors 0-2 open, so that no FIFO or signalfd the program opens
   lands on one: a closed one becomes /dev/null read-only, where reading
   finds EOF and writing fails (EBADF) instead of vanishing. */
static void
open_std_fds(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
            continue;
        /* the lowest free descriptor: fd itself */
        if (open("/dev/null", O_RDONLY) == -1)
            ipc_die("cannot open '/dev/null' on closed descriptor %d", fd);
    }
}

void
ipc_set_progname(const char *argv0)
{
    const char *slash = argv0 != NULL ? strrchr(argv0, '/') : NULL;
    const char *name = slash != NULL ? slash + 1 : argv0;

    if (name != NULL && name[0] != '\0')     /* exec may give none */
        progname = name;
    open_std_fds();
    display_locale();
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

/* The one formatter behind every message; 'err' < 0 means no errno part.
   What it quotes (paths, what was typed) is made display-safe, line by
   line: a message may have lines of its own. */
static void
vmessage(int err, const char *fmt, va_list ap)
{
    locale_t utf8 = display_locale();
    char raw[512], msg[512];
    size_t j = 0;

    vsnprintf(raw, sizeof(raw), fmt, ap);
    for (char *line = raw;; line++) {
        char *nl = strchrnul(line, '\n');

        ipc_make_shown(msg + j, line, (size_t)(nl - line), utf8);
        j += strlen(msg + j);
        if (*nl == '\0')
            break;
        msg[j++] = '\n';
        line = nl;
    }
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
ipc_die_kind(const char *kind, const char *fmt, ...)
{
    int err = errno;
    char msg[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (err == EINVAL)
        ipc_diex("%s: not a %s", msg, kind);
    errno = err;
    ipc_die("%s", msg);
}

void
ipc_die_child(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmessage(errno, fmt, ap);    /* stderr is unbuffered: no flush */
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

/* Invisible characters that glibc calls printable: Unicode's format
   characters (general category Cf: bidirectional controls, zero-width
   characters, tags...) and the line and paragraph separators */
static const struct { wchar_t lo, hi; } invisible[] = {
    { 0x00AD, 0x00AD }, { 0x0600, 0x0605 }, { 0x061C, 0x061C },
    { 0x06DD, 0x06DD }, { 0x070F, 0x070F }, { 0x0890, 0x0891 },
    { 0x08E2, 0x08E2 }, { 0x180E, 0x180E }, { 0x200B, 0x200F },
    { 0x2028, 0x202E }, { 0x2060, 0x206F }, { 0xFEFF, 0xFEFF },
    { 0xFFF9, 0xFFFB }, { 0x110BD, 0x110BD }, { 0x110CD, 0x110CD },
    { 0x13430, 0x1343F }, { 0x1BCA0, 0x1BCA3 }, { 0x1D173, 0x1D17A },
    { 0xE0001, 0xE0001 }, { 0xE0020, 0xE007F },
};

/* Whether wc is shown as itself: printable and not invisible */
static int
visible(wchar_t wc)
{
    if (!iswprint((wint_t)wc))
        return 0;
    for (size_t i = 0; i < sizeof(invisible) / sizeof(invisible[0]); i++)
        if (wc >= invisible[i].lo && wc <= invisible[i].hi)
            return 0;
    return 1;
}

void
ipc_make_shown(char *dst, const char *s, size_t len, locale_t utf8)
{
    locale_t old = utf8 != (locale_t)0 ? uselocale(utf8) : (locale_t)0;
    mbstate_t st;
    size_t i = 0, j = 0;

    memset(&st, 0, sizeof(st));
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        wchar_t wc;
        size_t n;

        if (c >= 0x20 && c < 0x7f) {
            dst[j++] = s[i++];
            continue;
        }
        n = utf8 != (locale_t)0 && c >= 0x80
                ? mbrtowc(&wc, s + i, len - i, &st) : (size_t)-1;
        if (n == (size_t)-1 || n == (size_t)-2) {
            memset(&st, 0, sizeof(st));
            n = 1;              /* an invalid byte, or a control */
        } else if (visible(wc)) {
            memmove(dst + j, s + i, n);     /* dst may be s */
            i += n;
            j += n;
            continue;
        }
        dst[j++] = '?';         /* one for the byte or the whole control */
        i += n;
    }
    dst[j] = '\0';
    if (old != (locale_t)0)
        uselocale(old);
}

const char *
ipc_shown(char *buf, size_t n, const char *s)
{
    int saved = errno;          /* for the ipc_warn() that prints it */

    ipc_make_shown(buf, s, strnlen(s, n - 1), display_locale());
    errno = saved;
    return buf;
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
