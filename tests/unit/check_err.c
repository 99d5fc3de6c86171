/*
 * tests/unit/check_err.c - unit tests for error reporting (err.h).
 *
 * Messages are part of the kit's interface: graders and students grep for
 * "PROG: what failed: ESYMBOL (text)". The tests capture stderr in a file
 * and compare it byte for byte. The dying functions are run two ways: as
 * Check exit tests, and in a helper child whose stdout and stderr go to
 * files, which shows what exit() flushes and _exit() does not. The module
 * is src/lib/err.c (ipc_parse_i64 is tested in check_cli.c).
 *
 * Run:   CK_RUN_SUITE=err build/tests/unit
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/proc.h"
#include "unit.h"

/*
 * Run body() in a child whose stdout and stderr go to files 'out' and
 * 'err' in unit_tmpdir; body() must end the process. Returns the wait
 * status.
 * No ck_assert in the child: it is not the process Check watches.
 */
static int
run_in_child(void (*body)(void), char *out, char *err, size_t size)
{
    int status;
    pid_t pid;

    unit_path(out, size, unit_tmpdir, "stdout");
    unit_path(err, size, unit_tmpdir, "stderr");
    fflush(NULL);               /* or the child would flush our buffers too */
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);

        ipc_child_default_signals(NULL);
        if (o == -1 || e == -1 || dup2(o, STDOUT_FILENO) == -1 ||
            dup2(e, STDERR_FILENO) == -1)
            _exit(98);
        body();
        _exit(99);              /* body() returned: the test sees 99 */
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    return status;
}

/* Bodies for run_in_child(): stdout is a file, so printf() is buffered */
static void
die_body(void)
{
    ipc_set_progname("/usr/bin/ipclab-test");
    printf("buffered\n");
    errno = ENOENT;
    ipc_die("cannot open '%s'", "/x");
}

static void
die_child_body(void)
{
    ipc_set_progname("ipclab-test");
    printf("buffered\n");
    errno = EPIPE;
    ipc_die_child("cannot write '%s'", "/x");
}

static void
usage_error_body(void)
{
    ipc_set_progname("ipclab-test");
    ipc_usage_error("missing operand");
}

/* ---- core --------------------------------------------------------------- */

START_TEST(test_err_errno_name)
{
    ck_assert_str_eq(ipc_errno_name(ENOENT), "ENOENT");
    ck_assert_str_eq(ipc_errno_name(ENXIO), "ENXIO");
    ck_assert_str_eq(ipc_errno_name(EPIPE), "EPIPE");
}
END_TEST

START_TEST(test_err_progname_is_basename)
{
    ipc_set_progname("/usr/local/bin/ipclab-rc");
    ck_assert_str_eq(ipc_progname(), "ipclab-rc");
    ipc_set_progname("ipclab-server");
    ck_assert_str_eq(ipc_progname(), "ipclab-server");
}
END_TEST

START_TEST(test_err_warn_format)
{
    char path[PATH_MAX], text[256];
    int saved;

    unit_path(path, sizeof(path), unit_tmpdir, "warn");
    ipc_set_progname("PROG");
    saved = unit_stderr_to(path);
    errno = ENOENT;
    ipc_warn("msg");
    ck_assert_int_eq(errno, ENOENT);    /* warn keeps errno for the caller */
    unit_stderr_restore(saved);

    unit_read_file(path, text, sizeof(text));
    ck_assert_str_eq(text, "PROG: msg: ENOENT (No such file or directory)\n");
}
END_TEST

START_TEST(test_err_warnx_has_no_errno_part)
{
    char path[PATH_MAX], text[256];
    int saved;

    unit_path(path, sizeof(path), unit_tmpdir, "warnx");
    ipc_set_progname("PROG");
    saved = unit_stderr_to(path);
    errno = ENOENT;
    ipc_warnx("cannot use '%s'", "/tmp/x");
    unit_stderr_restore(saved);

    unit_read_file(path, text, sizeof(text));
    ck_assert_str_eq(text, "PROG: cannot use '/tmp/x'\n");
}
END_TEST

START_TEST(test_err_die_prints_and_flushes)
{
    char out[PATH_MAX], err[PATH_MAX], text[256];
    int status = run_in_child(die_body, out, err, sizeof(out));

    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), IPCLAB_EXIT_FAILURE);
    unit_read_file(err, text, sizeof(text));
    ck_assert_str_eq(text, "ipclab-test: cannot open '/x': ENOENT "
                     "(No such file or directory)\n");
    unit_read_file(out, text, sizeof(text));
    ck_assert_str_eq(text, "buffered\n");     /* exit() flushed stdio */
}
END_TEST

START_TEST(test_err_die_child_does_not_flush)
{
    char out[PATH_MAX], err[PATH_MAX], text[256];
    int status = run_in_child(die_child_body, out, err, sizeof(out));

    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), IPCLAB_EXIT_FAILURE);
    unit_read_file(err, text, sizeof(text));
    ck_assert_str_eq(text, "ipclab-test: cannot write '/x': EPIPE "
                     "(Broken pipe)\n");
    /* _exit() skips stdio: a child between fork and exec never writes
       out a copy of its parent's buffers */
    unit_read_file(out, text, sizeof(text));
    ck_assert_str_eq(text, "");
}
END_TEST

START_TEST(test_err_usage_error_message)
{
    char out[PATH_MAX], err[PATH_MAX], text[256];
    int status = run_in_child(usage_error_body, out, err, sizeof(out));

    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), IPCLAB_EXIT_USAGE);
    unit_read_file(err, text, sizeof(text));
    ck_assert_str_eq(text, "ipclab-test: missing operand\n"
                     "Try 'ipclab-test --help'.\n");
}
END_TEST

/* ---- limits ------------------------------------------------------------- */

START_TEST(test_err_errno_name_never_null)
{
    /* it goes straight into printf("%s"): an unknown value needs a name */
    const char *name = ipc_errno_name(99999);

    ck_assert_ptr_nonnull(name);
    ck_assert_int_gt(strlen(name), 0);
}
END_TEST

START_TEST(test_err_warn_keeps_errno_when_output_fails)
{
    int saved = dup(STDERR_FILENO);
    int rdonly = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int err;

    /* stderr open read-only: fprintf() fails and sets errno to EBADF */
    ck_assert_int_ne(saved, -1);
    ck_assert_int_ne(rdonly, -1);
    ck_assert_int_eq(dup2(rdonly, STDERR_FILENO), STDERR_FILENO);
    errno = ENOENT;
    ipc_warn("msg");
    err = errno;
    unit_stderr_restore(saved);
    close(rdonly);
    ck_assert_int_eq(err, ENOENT);      /* the caller's errno, not EBADF */
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

START_TEST(test_err_die_exits_1)
{
    unit_stderr_to(NULL);
    errno = EIO;
    ipc_die("cannot go on");
}
END_TEST

START_TEST(test_err_diex_exits_1)
{
    unit_stderr_to(NULL);
    ipc_diex("cannot go on");
}
END_TEST

START_TEST(test_err_usage_error_exits_2)
{
    unit_stderr_to(NULL);
    ipc_usage_error("bad usage");
}
END_TEST

Suite *
err_suite(void)
{
    Suite *s = suite_create("err");
    TCase *tc_core = tcase_create("core");
    TCase *tc_limits = tcase_create("limits");
    TCase *tc_errors = tcase_create("errors");

    tcase_add_unchecked_fixture(tc_core, unit_tmpdir_setup,
                                unit_tmpdir_teardown);
    tcase_add_test(tc_core, test_err_errno_name);
    tcase_add_test(tc_core, test_err_progname_is_basename);
    tcase_add_test(tc_core, test_err_warn_format);
    tcase_add_test(tc_core, test_err_warnx_has_no_errno_part);
    tcase_add_test(tc_core, test_err_die_prints_and_flushes);
    tcase_add_test(tc_core, test_err_die_child_does_not_flush);
    tcase_add_test(tc_core, test_err_usage_error_message);
    suite_add_tcase(s, tc_core);

    tcase_add_test(tc_limits, test_err_errno_name_never_null);
    tcase_add_test(tc_limits, test_err_warn_keeps_errno_when_output_fails);
    suite_add_tcase(s, tc_limits);

    tcase_add_exit_test(tc_errors, test_err_die_exits_1,
                        IPCLAB_EXIT_FAILURE);
    tcase_add_exit_test(tc_errors, test_err_diex_exits_1,
                        IPCLAB_EXIT_FAILURE);
    tcase_add_exit_test(tc_errors, test_err_usage_error_exits_2,
                        IPCLAB_EXIT_USAGE);
    suite_add_tcase(s, tc_errors);

    return s;
}
