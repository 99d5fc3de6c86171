/*
 * tests/faults/check_cli.c - every program refuses a bad command line.
 *
 * For each program and each bad command line in the table (unknown
 * options, missing values, malformed and overlong numbers, stray
 * operands): exit status 2, a message and "Try 'PROG --help'." on stderr,
 * nothing on stdout, and nothing started: the runtime directory, which
 * $IPCLAB_DIR points at, was never created (a server would create it, a
 * client would have said "no server running" and exited 1, a worker
 * "unsafe or missing runtime directory"). And --help into a full stdout
 * fails (exit 1, one line), never exit 0 with the help lost. What was
 * typed is echoed display-safe; an empty argv[0] is no name. Started
 * with descriptor 0, 1 or 2 closed, a program works, or fails in one
 * line when it cannot write.
 *
 * Run:  CK_RUN_SUITE=cli build/tests/faults
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "faults.h"

#define LONG_NUMBER "99999999999999999999999999999999999999"

/* NULL-terminated: the program, then its arguments */
static const char *const bad[][8] = {
    /* ipclab-server */
    { "ipclab-server", "--bogus", NULL },
    { "ipclab-server", "-x", NULL },
    { "ipclab-server", "--dir", NULL },
    { "ipclab-server", "--spawn", NULL },
    { "ipclab-server", "--spawn", "sometimes", NULL },
    { "ipclab-server", "--spawn=", NULL },
    { "ipclab-server", "--signals", "fast", NULL },
    { "ipclab-server", "--ack-timeout", "12x", NULL },
    { "ipclab-server", "--ack-timeout", "0", NULL },
    { "ipclab-server", "--ack-timeout", "-5", NULL },
    { "ipclab-server", "--ack-timeout", "", NULL },
    { "ipclab-server", "--ack-timeout", " 5", NULL },
    { "ipclab-server", "--ack-timeout", "0x10", NULL },
    { "ipclab-server", "--ack-timeout", "1e3", NULL },
    { "ipclab-server", "--ack-timeout", LONG_NUMBER, NULL },
    { "ipclab-server", "--ack-timeout=-" LONG_NUMBER, NULL },
    { "ipclab-server", "--work-delay", "-1", NULL },
    { "ipclab-server", "--worker-crash-after", "0", NULL },
    { "ipclab-server", "--worker-dir", "", NULL },
    { "ipclab-server", "--help=yes", NULL },
    { "ipclab-server", "--unsafe-no-ack=1", NULL },
    { "ipclab-server", "extra", NULL },
    { "ipclab-server", "--", "--dir", NULL },
    /* ipclab-rc */
    { "ipclab-rc", NULL },
    { "ipclab-rc", "--bogus", "1", "+", "1", NULL },
    { "ipclab-rc", "1", "+", NULL },
    { "ipclab-rc", "1", "+", "2", "+", "3", NULL },
    { "ipclab-rc", "two", "+", "two", NULL },
    { "ipclab-rc", LONG_NUMBER, "+", "1", NULL },
    { "ipclab-rc", "--window", NULL },
    { "ipclab-rc", "--window", "0", "1", "+", "1", NULL },
    { "ipclab-rc", "--window", "1001", "1", "+", "1", NULL },
    { "ipclab-rc", "--window", "3.5", "1", "+", "1", NULL },
    { "ipclab-rc", "--window", LONG_NUMBER, "1", "+", "1", NULL },
    { "ipclab-rc", "--count", "10", NULL },
    { "ipclab-rc", "--random", NULL },
    { "ipclab-rc", "--count", "0", "--random", NULL },
    { "ipclab-rc", "--count", LONG_NUMBER, "--random", NULL },
    { "ipclab-rc", "--seed", "-1", "--count", "1", "--random", NULL },
    { "ipclab-rc", "--timeout", "0", "1", "+", "1", NULL },
    { "ipclab-rc", "--die-before-ack", "0", "1", "+", "1", NULL },
    { "ipclab-rc", "--file", NULL },
    { "ipclab-rc", "--file", "in.txt", "1", "+", "1", NULL },
    { "ipclab-rc", "--quiet=yes", "1", "+", "1", NULL },
    /* the processing clients: one code, four names */
    { "ipclab-sum", "--bogus", NULL },
    { "ipclab-sum", "--signals", NULL },
    { "ipclab-sub", "--signals", "slow", NULL },
    { "ipclab-sub", "--delay", "x", NULL },
    { "ipclab-mul", "--crash-after", "0", NULL },
    { "ipclab-mul", "--delay", LONG_NUMBER, NULL },
    { "ipclab-div", "--op", "pow", NULL },
    { "ipclab-div", "extra", NULL },
};

START_TEST(test_cli_usage_error)
{
    const char *const *words = bad[_i];
    const char *argv[10] = { h_bin(words[0]) };
    const char *dir = h_tmpdir_path("run");
    char try_line[64], *out, *err;
    int status;

    for (int i = 1; words[i] != NULL; i++)
        argv[i] = words[i];
    /* where the program would put its FIFOs: it must not be created */
    setenv("IPCLAB_DIR", dir, 1);
    status = h_run(argv, NULL, h_tmpdir_path("out"), h_tmpdir_path("err"),
                   10000);
    out = h_read_file(h_tmpdir_path("out"));
    err = h_read_file(h_tmpdir_path("err"));
    snprintf(try_line, sizeof(try_line), "Try '%s --help'.", words[0]);
    ck_assert_msg(status == 2, "%s %s: exit %d: %s", words[0],
                  words[1] ? words[1] : "", status, err);
    ck_assert_msg(out[0] == '\0', "stdout: %s", out);
    ck_assert_msg(h_count_lines(err, try_line) == 1 &&
                  h_count_lines(err, "") == 2, "stderr: %s", err);
    ck_assert_msg(access(dir, F_OK) == -1, "%s created %s", words[0], dir);
    free(out);
    free(err);
}
END_TEST

/* A --dir longer than PATH_MAX is a usage error too, not a truncation */
START_TEST(test_cli_overlong_dir)
{
    char *dir = malloc(PATH_MAX + 64);
    char *err;

    ck_assert_ptr_nonnull(dir);
    memset(dir, 'd', PATH_MAX + 63);
    dir[0] = '/';
    dir[PATH_MAX + 63] = '\0';
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-server"),
                     "--dir", dir, NULL }, NULL, NULL,
                     h_tmpdir_path("err"), 10000), 2);
    err = h_read_file(h_tmpdir_path("err"));
    ck_assert_int_eq(h_count_lines(err, "--help"), 1);
    free(err);
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-rc"), "--dir",
                     dir, "1", "+", "1", NULL }, NULL, NULL,
                     h_tmpdir_path("err"), 10000), 2);
    err = h_read_file(h_tmpdir_path("err"));
    ck_assert_int_eq(h_count_lines(err, "--help"), 1);
    free(err);
    free(dir);
}
END_TEST

/* --help that cannot be written is a failure, not a success: every
   program (the exercises' given ones too, in build/exercises/), and a
   command of the two that have commands */
static const char *const helps[][3] = {
    { "ipclab-server", "--help" }, { "ipclab-rc", "--help" },
    { "ipclab-div", "--help" }, { "ipclab-trace", "--help" },
    { "ipclab-trace", "seq", "--help" }, { "ipclab-bench", "--help" },
    { "ipclab-bench", "report", "--help" }, { "lab01-fifo-setup", "--help" },
    { "lab04-signal-sync", "--help" },
    { "../exercises/02/ex02-router", "--help" },
    { "../exercises/04/ex04-client", "--help" },
    { "../exercises/05/ex05-server", "--help" },
};

START_TEST(test_cli_help_unwritable)
{
    const char *argv[4] = { h_bin(helps[_i][0]), helps[_i][1], helps[_i][2] };
    char *err;

    ck_assert_int_eq(h_run(argv, NULL, "/dev/full", h_tmpdir_path("err"),
                           10000), 1);
    err = h_read_file(h_tmpdir_path("err"));
    ck_assert_msg(h_count_lines(err, "ENOSPC") == 1 &&
                  h_count_lines(err, "") == 1, "%s %s: stderr: %s",
                  helps[_i][0], helps[_i][1], err);
    free(err);
}
END_TEST

/* An unknown option is echoed display-safe: no escape sequence or
   bidirectional override reaches the terminal */
START_TEST(test_cli_unknown_option_shown_safe)
{
    const char *argv[] = { h_bin("ipclab-server"),
                           "--\x1b[2J\xe2\x80\xaeX\x7f", NULL };
    char *err;

    ck_assert_int_eq(h_run(argv, NULL, NULL, h_tmpdir_path("err"), 10000),
                     2);
    err = h_read_file(h_tmpdir_path("err"));
    ck_assert_msg(strstr(err, "unknown option '--?[2J?X?'\n") != NULL,
                  "stderr: %s", err);
    free(err);
}
END_TEST

/* A failure that quotes a path shows it display-safe too */
START_TEST(test_cli_path_shown_safe)
{
    const char *argv[] = { h_bin("ipclab-rc"), "--file",
                           "/nonexistent/\x1b]0;owned\x07", NULL };
    char *err;

    ck_assert_int_eq(h_run(argv, NULL, NULL, h_tmpdir_path("err"), 10000),
                     1);
    err = h_read_file(h_tmpdir_path("err"));
    ck_assert_msg(strstr(err, "cannot open '/nonexistent/?]0;owned?': "
                         "ENOENT") != NULL, "stderr: %s", err);
    free(err);
}
END_TEST

/* A gate that is not a FIFO cannot hold a client back: refused at once,
   saying so (not EINVAL) */
START_TEST(test_cli_gate_not_fifo)
{
    const char *gate = h_tmpdir_path("gate");
    char *err;

    h_write_file(gate, "");
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-rc"), "--dir",
                           h_tmpdir_path("run"), "--gate", gate, "1", "+",
                           "1", NULL }, NULL, NULL, h_tmpdir_path("err"),
                           10000), 1);
    err = h_read_file(h_tmpdir_path("err"));
    ck_assert_msg(h_count_lines(err, "") == 1 &&
                  h_count_lines(err, "cannot wait at the gate") == 1 &&
                  h_count_lines(err, ": not a FIFO") == 1, "stderr: %s", err);
    free(err);
}
END_TEST

/* argv run by bash as "exec OPTS PROG ARGS... REDIRS": with redirections
   such as "<&-" or ">&- 2>&-", or options such as "-a ''" (argv[0]) */
static const char **
in_bash(const char **argv, const char *opts, const char *redirs,
        const char *const words[])
{
    static char script[64];
    int n = 0;

    snprintf(script, sizeof(script), "exec %s \"$@\" %s", opts, redirs);
    argv[n++] = "/bin/bash";
    argv[n++] = "-c";
    argv[n++] = script;
    argv[n++] = "sh";
    for (int i = 0; words[i] != NULL; i++)
        argv[n++] = words[i];
    argv[n] = NULL;
    return argv;
}

/* Run with an empty argv[0], a program still names itself in messages */
START_TEST(test_cli_empty_argv0)
{
    const char *argv[16];
    char *err;

    ck_assert_int_eq(h_run(in_bash(argv, "-a ''", "", (const char *[]){
                     h_bin("ipclab-rc"), NULL }), NULL, NULL,
                     h_tmpdir_path("err"), 10000), 2);
    err = h_read_file(h_tmpdir_path("err"));
    ck_assert_msg(strncmp(err, "ipclab: give one of", 19) == 0 &&
                  h_count_lines(err, "Try 'ipclab --help'.") == 1,
                  "stderr: %s", err);
    free(err);
}
END_TEST

/* A server with stdout closed cannot say "ready": one line, exit 1, and
   nothing left in its directory (its signalfd used to land on 1: EINVAL) */
START_TEST(test_cli_server_stdout_closed)
{
    const char *dir = h_tmpdir_path("run"), *argv[16];
    char *err;

    ck_assert_int_eq(h_run(in_bash(argv, "", ">&-", (const char *[]){
                     h_bin("ipclab-server"), "--dir", dir, NULL }), NULL,
                     NULL, h_tmpdir_path("err"), 30000), 1);
    err = h_read_file(h_tmpdir_path("err"));
    ck_assert_msg(h_count_lines(err, "") == 1 &&
                  h_count_lines(err, "cannot write to stdout: EBADF") == 1,
                  "stderr: %s", err);
    free(err);
    ck_assert_int_eq(fx_count_entries(dir), 0);
}
END_TEST

/* Server (and so its workers) without stdin and stderr serve as usual;
   a client without stdout fails in one line, and writes nothing into a
   FIFO (the server drops no record) */
START_TEST(test_cli_std_fds_closed)
{
    const char *dir = h_tmpdir_path("run"), *argv[16];
    const char *const rc[] = { h_bin("ipclab-rc"), "--dir", dir, "6", "*",
                               "7", NULL };
    struct h_server srv;
    char tail[256], *text;

    h_server_try(&srv, dir, in_bash(argv, "", "<&- 2>&-", (const char *[]){
                 h_bin("ipclab-server"), "--dir", dir, NULL }), NULL, 10000,
                 NULL);
    ck_assert_int_eq(h_run(in_bash(argv, "", ">&-", rc), NULL, NULL,
                           h_tmpdir_path("err"), 30000), 1);
    text = h_read_file(h_tmpdir_path("err"));
    ck_assert_msg(h_count_lines(text, "") == 1 &&
                  h_count_lines(text, "EBADF") == 1, "stderr: %s", text);
    free(text);
    ck_assert_int_eq(h_run(in_bash(argv, "", "<&- 2>&-", rc), NULL,
                           h_tmpdir_path("out"), NULL, 30000), 0);
    text = h_read_file(h_tmpdir_path("out"));
    ck_assert_str_eq(text, "6 * 7 = 42\n");
    free(text);
    ck_assert_int_eq(h_server_stop(&srv, 30000, tail, sizeof(tail)), 0);
    ck_assert_msg(strstr(tail, "stopped: 2 answered, 0 results "
                         "undeliverable, 0 invalid records dropped") != NULL,
                  "%s", tail);
}
END_TEST

/* "$@" where files may not grow; its stderr through a pipe, which may */
#define LIMITED "exec 3>&1; { ulimit -f 0 && exec \"$@\" >&3 3>&-; } " \
                "2>&1 | cat >&2; exit ${PIPESTATUS[0]}"

/* Under a file-size limit (ulimit -f) a write past it fails in one line
   (EFBIG) with exit 1, instead of SIGXFSZ killing the program silently:
   the server at its lock file, which it removes; a client at its output;
   a worker whose message cannot be written still exits 1 */
START_TEST(test_cli_file_size_limit)
{
    const char *dir = h_tmpdir_path("run"), *err = h_tmpdir_path("err");
    const char *const server[] = { "/bin/bash", "-c", LIMITED, "sh",
                                   h_bin("ipclab-server"), "--dir", dir,
                                   NULL };
    const char *const rc[] = { "/bin/bash", "-c", LIMITED, "sh",
                               h_bin("ipclab-rc"), "--dir", dir, "6", "*",
                               "7", NULL };
    const char *const worker[] = { "/bin/bash", "-c",
                                   "ulimit -f 0 && exec \"$@\" 2>\"$0\"", err,
                                   h_bin("ipclab-sum"), "--dir",
                                   h_tmpdir_path("none"), NULL };
    struct h_server srv;
    char *text;

    ck_assert_int_eq(h_run(server, NULL, NULL, err, 30000), 1);
    text = h_read_file(err);
    ck_assert_msg(h_count_lines(text, "") == 1 &&
                  h_count_lines(text, "EFBIG") == 1, "stderr: %s", text);
    free(text);
    ck_assert_int_eq(fx_count_entries(dir), 0);

    h_server_start(&srv, dir, NULL);
    ck_assert_int_eq(h_run(rc, NULL, h_tmpdir_path("out"), err, 30000), 1);
    text = h_read_file(err);
    ck_assert_msg(h_count_lines(text, "") == 1 &&
                  h_count_lines(text, "EFBIG") == 1, "stderr: %s", text);
    free(text);
    ck_assert_int_eq(h_server_stop(&srv, 30000, NULL, 0), 0);

    ck_assert_int_eq(h_run(worker, NULL, NULL, NULL, 30000), 1);
}
END_TEST

/* FIFO3 replaced by a regular file: a worker refuses it in one line that
   says "not a FIFO" (not EINVAL), exit 1 (the client: security suite) */
START_TEST(test_cli_fifo_not_fifo)
{
    const char *dir = h_tmpdir_path("run"), *err = h_tmpdir_path("err");
    char path[PATH_MAX], *text;
    struct h_server srv;

    h_server_start(&srv, dir, NULL);
    snprintf(path, sizeof(path), "%s/fifo3", dir);
    ck_assert_int_eq(unlink(path), 0);
    h_write_file(path, "");
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-sum"), "--dir",
                     dir, NULL }, NULL, NULL, err, 30000), 1);
    text = h_read_file(err);
    ck_assert_msg(h_count_lines(text, "") == 1 &&
                  h_count_lines(text, "/fifo3': not a FIFO") == 1,
                  "stderr: %s", text);
    free(text);
    ck_assert_int_eq(h_server_stop(&srv, 30000, NULL, 0), 0);
}
END_TEST

/* A server where no signal can be queued (ulimit -i 0, which its workers
   inherit) cannot tell them a request waits: it says why, once, answers
   each request as failed, and kills no worker for it; a client whose
   acks cannot be queued says why too */
START_TEST(test_cli_sigpending_limit)
{
    const char *dir = h_tmpdir_path("run"), *err = h_tmpdir_path("err");
    const char *const server[] = { "/bin/bash", "-c",
                                   "ulimit -i 0 && exec \"$@\"", "sh",
                                   h_bin("ipclab-server"), "--dir", dir,
                                   "--ack-timeout", "200", NULL };
    struct h_server srv;
    char *text;

    h_write_file(h_tmpdir_path("in"), "1 + 1\n2 + 2\n");
    h_server_try(&srv, dir, server, err, 10000, NULL);
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-rc"), "--dir",
                     dir, "--file", h_tmpdir_path("in"), NULL },
                     NULL, h_tmpdir_path("out"), h_tmpdir_path("rc.err"),
                     30000), 0);
    ck_assert_int_eq(h_server_stop(&srv, 30000, NULL, 0), 0);
    text = h_read_file(h_tmpdir_path("out"));
    ck_assert_str_eq(text, "1 + 1: processing client failed\n"
                           "2 + 2: processing client failed\n");
    free(text);
    text = h_read_file(err);
    ck_assert_msg(h_count_lines(text, "") == 1 &&
                  h_count_lines(text, "RLIMIT_SIGPENDING") == 1,
                  "stderr: %s", text);
    free(text);
    /* the client's acks cannot be queued either: it says why each time */
    text = h_read_file(h_tmpdir_path("rc.err"));
    ck_assert_msg(h_count_lines(text, "") >= 1 &&
                  h_count_lines(text, "cannot acknowledge result") ==
                  h_count_lines(text, "RLIMIT_SIGPENDING, ulimit -i"),
                  "rc stderr: %s", text);
    free(text);
}
END_TEST

Suite *
cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *errors = h_tcase(s, "errors", 30);

    tcase_add_loop_test(errors, test_cli_usage_error, 0,
                        (int)(sizeof(bad) / sizeof(bad[0])));
    tcase_add_test(errors, test_cli_overlong_dir);
    tcase_add_loop_test(errors, test_cli_help_unwritable, 0,
                        (int)(sizeof(helps) / sizeof(helps[0])));
    tcase_add_test(errors, test_cli_unknown_option_shown_safe);
    tcase_add_test(errors, test_cli_path_shown_safe);
    tcase_add_test(errors, test_cli_gate_not_fifo);
    tcase_add_test(errors, test_cli_empty_argv0);
    tcase_add_test(errors, test_cli_server_stdout_closed);
    tcase_add_test(errors, test_cli_std_fds_closed);
    tcase_add_test(errors, test_cli_file_size_limit);
    tcase_add_test(errors, test_cli_fifo_not_fifo);
    tcase_add_test(errors, test_cli_sigpending_limit);
    return s;
}
