/*
 * ipclab/err.h - how programs report errors, and parse numbers and options.
 *
 * Library functions return -1 and set errno; they never print or exit.
 * The exceptions say so: the helpers below, which programs call to report
 * and end; functions named *_or_exit (cli.h, rundir.h, worker.h), which
 * end the program on a usage error (status 2) or a failure; a child between
 * fork() and exec, which _exit()s when it cannot run its program
 * (proc.h); and the loading of the probes before main(), which warns
 * once when a recording asked for them and they cannot be loaded
 * (trace.h). Programs decide, through these helpers, what to say and how
 * to end:
 *
 *     ipc_set_progname(argv[0]);
 *     if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
 *         ipc_die("cannot open '%s'", path);
 *
 * prints "ipclab-rc: cannot open '/tmp/x': ENOENT (No such file or
 * directory)" and exits 1. Messages are lowercase, say what failed first,
 * quote paths and end without a full stop. Each line of a message is
 * printed display-safe (ipc_shown()): a quoted path or word cannot move
 * the cursor or recolour the terminal.
 */
#ifndef IPCLAB_ERR_H
#define IPCLAB_ERR_H

#include <locale.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

#define IPCLAB_EXIT_FAILURE 1   /* the program could not do its job */
#define IPCLAB_EXIT_USAGE   2   /* bad command line; nothing was started */

/*
 * The first call of every program: remember its name (basename of argv0;
 * "ipclab" when that is NULL or empty) for every message, and open
 * /dev/null read-only on any of descriptors 0-2 that is closed, so that
 * no FIFO lands there and writing to a closed stdout fails (EBADF)
 * instead of vanishing. Exits 1 when it cannot.
 */
void
ipc_set_progname(const char *argv0);

/* The name given to ipc_set_progname(), or "ipclab". */
const char *
ipc_progname(void);

/* Print "PROG: MESSAGE: ESYMBOL (text)" using the current errno. */
void
ipc_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "PROG: MESSAGE" with no errno part. */
void
ipc_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ipc_warn(), then exit(IPCLAB_EXIT_FAILURE). */
noreturn void
ipc_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ipc_warnx(), then exit(IPCLAB_EXIT_FAILURE). */
noreturn void
ipc_diex(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * ipc_die() after opening one of the kit's files failed: EINVAL, which
 * ipc_fd_check_type() (so ipc_fifo_open() and the lock file's functions)
 * gives for a file of another kind, is printed as "PROG: MESSAGE: not a
 * KIND" ("FIFO", "regular file").
 */
noreturn void
ipc_die_kind(const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * ipc_warn(), then _exit(IPCLAB_EXIT_FAILURE): for a child between fork()
 * and exec(), which must not flush its parent's stdio buffers or run its
 * atexit handlers.
 */
noreturn void
ipc_die_child(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Usage error: print "PROG: MESSAGE" and "Try 'PROG --help'.", then
 * exit(IPCLAB_EXIT_USAGE).
 */
noreturn void
ipc_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "ENOENT" for ENOENT: the symbolic name of an errno value. */
const char *
ipc_errno_name(int err);

/*
 * Text a user or a peer gave, made display-safe for a message: valid
 * UTF-8 with no control character and no invisible formatting character
 * (such as the bidirectional overrides that can reorder what a terminal
 * shows), each of those, DEL or invalid byte replaced by one '?'. Into
 * buf (n bytes; a longer s is cut short), which may be s itself. Returns
 * buf; errno is kept.
 */
const char *
ipc_shown(char *buf, size_t n, const char *s);

/*
 * The same for s[0..len) into dst (at most len + 1 bytes, dst may be s),
 * with a "C.UTF-8" locale the caller keeps (or (locale_t)0: then every
 * byte that is not printable ASCII is replaced): for many strings.
 */
void
ipc_make_shown(char *dst, const char *s, size_t len, locale_t utf8);

/*
 * Parse all of 's' as a decimal integer in [min, max] into *out: an
 * optional sign and digits, nothing before or after. Returns 0, or -1
 * with errno EINVAL (not a number, or blanks or junk around it) or ERANGE.
 */
int
ipc_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);

#endif /* IPCLAB_ERR_H */
