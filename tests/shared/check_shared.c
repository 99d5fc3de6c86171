/*
 * tests/shared/check_shared.c - one user on a shared machine: the lock,
 * lost events, loud failures.
 *
 *   lock_waits        a second recording of the same user says at once
 *                     whom it waits for (pid and command) and how to see
 *                     it, then records once the lock is free
 *   lock_foreign      a lock directory of another user is refused with a
 *                     one-line reason (root: chowned to nobody; others:
 *                     '/')
 *   lost_events       a recording with tiny sub-buffers (record.sh
 *                     --buffers 4096,2) under a heavy load: record.sh
 *                     reports the discarded events, record.info keeps the
 *                     count, every ipclab-trace view warns, chrome marks
 *                     the stretches, and check judges nothing there (3)
 *   run_fails_loudly  'make run' whose recording cannot start (lttng that
 *                     fails, first in PATH): non-zero, the reason, and
 *                     no earlier trace or diagram left in place
 *   command_fails     record.sh on a command that cannot run (not found,
 *                     not executable): 127 or 126, one line, no trace;
 *                     on one that exits 3: 3, and it says so
 *   hangup_cleans     record.sh hung up (a closed terminal) while COMMAND
 *                     runs: exits 129, leaves no temporary directory and
 *                     no session daemon of its own running
 *   skips_counted     scripts/run-tests.sh on the Trace Compass tests
 *                     without the schema: they say SKIP with the reason,
 *                     and the last line counts them as skipped, not
 *                     passed; a named program that does not exist
 *                     counts as failed
 *
 * Run: CK_RUN_SUITE=shared build/tests/shared
 */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "ipclab/proc.h"
#include "shared.h"

/* SRCDIR/traces/record.sh */
static const char *
record_sh(void)
{
    char path[PATH_MAX];

    snprintf(path, sizeof(path), "%s/traces/record.sh", h_srcdir());
    return h_keep(path);
}

START_TEST(test_lock_waits_and_says_for_whom)
{
    const char *dir = h_tmpdir_path("lock");
    const char *err = h_tmpdir_path("record.err");
    char path[PATH_MAX], holder[64], want[128];
    char *text;
    pid_t pid;
    int fd, status;

    ck_assert_int_eq(mkdir(dir, 0700), 0);
    snprintf(path, sizeof(path), "%s/kit.lock", dir);
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    ck_assert_int_ne(fd, -1);
    ck_assert_int_eq(flock(fd, LOCK_EX), 0);
    snprintf(holder, sizeof(holder), "%ld shared-test-holder\n",
             (long)getpid());
    h_write_file(path, holder);

    ck_assert_int_eq(setenv("IPCLAB_LOCK_DIR", dir, 1), 0);
    ck_assert_int_eq(unsetenv("IPCLAB_TESTS_LOCKED"), 0);
    pid = h_spawn((const char *[]){ record_sh(), "-o",
                  h_tmpdir_path("trace"), "--", "/bin/true", NULL }, NULL,
                  h_tmpdir_path("record.out"), err);
    text = h_wait_for_text(err, "waiting for", pid, 30000);
    ck_assert_msg(text != NULL, "record.sh did not say it waits:\n%s",
                  h_read_file(err));
    snprintf(want, sizeof(want), "waiting for %ld shared-test-holder",
             (long)getpid());
    ck_assert_msg(strstr(text, want) != NULL, "%s", text);
    snprintf(want, sizeof(want), "ps -o pid,args -p %ld", (long)getpid());
    ck_assert_msg(strstr(text, want) != NULL, "%s", text);
    free(text);
    /* it really waits: still running while we hold the lock */
    ck_assert_int_eq(waitpid(pid, &status, WNOHANG), 0);

    close(fd);                  /* release: it records now */
    status = h_wait(pid, 120000);
    ck_assert_msg(status == 0, "record.sh exited %d:\n%s", status,
                  h_read_file(err));
    text = h_read_file(path);
    ck_assert_msg(text != NULL && strstr(text, "record.sh") != NULL,
                  "the lock does not name its holder: %s", text);
    free(text);
}
END_TEST

START_TEST(test_lock_refuses_foreign_dir)
{
    const char *err = h_tmpdir_path("record.err");
    char *text;
    int status;

    ck_assert_int_eq(setenv("IPCLAB_LOCK_DIR", h_foreign_dir(), 1), 0);
    ck_assert_int_eq(unsetenv("IPCLAB_TESTS_LOCKED"), 0);
    status = h_run((const char *[]){ record_sh(), "-o",
                   h_tmpdir_path("trace"), "--", "/bin/true", NULL }, NULL,
                   h_tmpdir_path("record.out"), err, 60000);
    text = h_read_file(err);
    ck_assert_msg(status == 1, "record.sh exited %d:\n%s", status, text);
    ck_assert_msg(strstr(text, "record.sh: cannot keep the lock in") != NULL
                  && strstr(text, "not to you") != NULL, "%s", text);
    ck_assert_int_eq(h_count_lines(text, "record.sh:"), 1);
    ck_assert_msg(access(h_tmpdir_path("trace"), F_OK) == -1,
                  "a trace was recorded anyway");
    free(text);
}
END_TEST

/* ipclab-trace CMD DIR: its status; its stdout and stderr in *out, *err.
   svg draws the first 20 ms only: the whole load is far too tall for one
   picture, which it would refuse. */
static int
trace_tool(const char *cmd, const char *dir, char **out, char **err)
{
    const char *argv[] = { h_bin("ipclab-trace"), cmd, dir, NULL, NULL,
                           NULL };
    int status;

    if (strcmp(cmd, "svg") == 0) {
        argv[2] = "--until";
        argv[3] = "20ms";
        argv[4] = dir;
    }
    status = h_run(argv, NULL, h_tmpdir_path("tool.out"),
                   h_tmpdir_path("tool.err"), 120000);

    *out = h_read_file(h_tmpdir_path("tool.out"));
    *err = h_read_file(h_tmpdir_path("tool.err"));
    ck_assert_ptr_nonnull(*out);
    ck_assert_ptr_nonnull(*err);
    return status;
}

START_TEST(test_lost_events_are_reported)
{
    static const char load[] =
        "#!/bin/sh\n"
        "# a server and 20000 requests: more events than 2 x 4 KiB hold\n"
        "set -e\n"
        "bin=$1; work=$2\n"
        ". \"$3\"\n"
        "start_server \"$work\" \"$work/srv.out\" - \"$bin/ipclab-server\" "
        "--dir \"$work/run\"\n"
        "\"$bin/ipclab-rc\" --dir \"$work/run\" --count 20000 --random "
        "--window 8 >/dev/null\n"
        "stop_server\n";
    char script[PATH_MAX], trace[PATH_MAX], bin[PATH_MAX], lib[PATH_MAX];
    char info[PATH_MAX + 16];
    char *err, *out, *text;
    int status;

    /* copies: h_tmpdir_path()'s buffers are reused */
    snprintf(script, sizeof(script), "%s", h_tmpdir_path("load.sh"));
    snprintf(trace, sizeof(trace), "%s", h_tmpdir_path("trace"));
    h_write_file(script, load);
    ck_assert_int_eq(chmod(script, 0755), 0);
    snprintf(bin, sizeof(bin), "%s", h_bin(""));
    bin[strlen(bin) - 1] = '\0';        /* BUILD/bin/ without the '/' */
    snprintf(lib, sizeof(lib), "%s/scripts/lib/server.sh", h_srcdir());
    status = h_run((const char *[]){ record_sh(), "--buffers", "4096,2",
                   "-o", trace, "--", script, bin, h_tmpdir(), lib, NULL },
                   NULL, h_tmpdir_path("record.out"),
                   h_tmpdir_path("record.err"), 240000);
    err = h_read_file(h_tmpdir_path("record.err"));
    ck_assert_msg(status == 0, "record.sh exited %d:\n%s", status, err);
    ck_assert_msg(strstr(err, "record.sh: WARNING: the tracer discarded ")
                  != NULL, "record.sh did not report lost events:\n%s", err);
    free(err);
    snprintf(info, sizeof(info), "%s/record.info", trace);
    text = h_read_file(info);
    ck_assert_msg(text != NULL && strstr(text, "\ndiscarded=") != NULL &&
                  strstr(text, "\ndiscarded=0\n") == NULL, "%s", text);
    free(text);

    /* every view warns, once, with the count */
    static const char *const views[] = { "seq", "svg", "stats", "chrome" };
    for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
        status = trace_tool(views[i], trace, &out, &err);
        ck_assert_msg(status == 0, "%s exited %d:\n%s", views[i], status,
                      err);
        ck_assert_msg(h_count_lines(err, "warning: the tracer lost ") == 1,
                      "%s did not warn once:\n%s", views[i], err);
        ck_assert_msg(strstr(err, "  lost: ") != NULL, "%s: %s", views[i],
                      err);
        if (strcmp(views[i], "chrome") == 0)
            ck_assert_msg(strstr(out, "\"cat\":\"lost\"") != NULL,
                          "chrome marks no lost stretch");
        free(out);
        free(err);
    }

    /* check judges nothing in the lost stretches, and never passes */
    status = trace_tool("check", trace, &out, &err);
    ck_assert_msg(status == 3 || status == 1, "check exited %d:\n%s%s",
                  status, out, err);
    ck_assert_msg(strstr(out, "not judged: +") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "protocol ok") == NULL, "%s", out);
    if (status == 3)
        ck_assert_msg(strstr(out, "protocol not verified") != NULL, "%s",
                      out);
    free(out);
    free(err);
}
END_TEST

START_TEST(test_make_run_fails_loudly)
{
    static const char failing[] =
        "#!/bin/sh\necho \"$0: cannot work here\" >&2\nexit 1\n";
    char fake[PATH_MAX], run[PATH_MAX], build[PATH_MAX];
    char p[PATH_MAX + 32], path_env[PATH_MAX * 2];
    char arg_build[PATH_MAX + 8], arg_run[PATH_MAX + 16];
    char *text, *err, *slash;
    int status;

    snprintf(fake, sizeof(fake), "%s", h_tmpdir_path("fake-bin"));
    snprintf(run, sizeof(run), "%s", h_tmpdir_path("run"));
    ck_assert_int_eq(mkdir(fake, 0700), 0);
    for (int i = 0; i < 2; i++) {
        snprintf(p, sizeof(p), "%s/%s", fake,
                 i == 0 ? "lttng" : "lttng-sessiond");
        h_write_file(p, failing);
        ck_assert_int_eq(chmod(p, 0755), 0);
    }
    /* an earlier run's trace, output and diagram */
    ck_assert_int_eq(mkdir(run, 0700), 0);
    snprintf(p, sizeof(p), "%s/record.info", run);
    h_write_file(p, "pids=1\n");
    snprintf(p, sizeof(p), "%s.svg", run);
    h_write_file(p, "<svg>OLD DIAGRAM</svg>\n");
    snprintf(p, sizeof(p), "%s.out", run);
    h_write_file(p, "OLD DIAGRAM\n");
    snprintf(p, sizeof(p), "%s-1.svg", run);      /* a page of the last */
    h_write_file(p, "<svg>OLD PAGE</svg>\n");
    snprintf(p, sizeof(p), "%s-mine.svg", run);   /* the student's own */
    h_write_file(p, "<svg>MINE</svg>\n");

    snprintf(build, sizeof(build), "%s", h_bin("x"));
    slash = strrchr(build, '/');
    *slash = '\0';
    slash = strrchr(build, '/');
    *slash = '\0';                      /* BUILD */
    snprintf(path_env, sizeof(path_env), "%s:%s", fake, getenv("PATH"));
    ck_assert_int_eq(setenv("PATH", path_env, 1), 0);
    ck_assert_int_eq(setenv("IPCLAB_NO_DEPS", "1", 1), 0);
    snprintf(arg_build, sizeof(arg_build), "BUILD=%s", build);
    snprintf(arg_run, sizeof(arg_run), "RUN_TRACE=%s", run);
    status = h_run((const char *[]){ "/usr/bin/make", "-C", h_srcdir(),
                   "--no-print-directory", arg_build, arg_run, "run", NULL },
                   NULL, h_tmpdir_path("make.out"), h_tmpdir_path("make.err"),
                   120000);
    text = h_read_file(h_tmpdir_path("make.out"));
    err = h_read_file(h_tmpdir_path("make.err"));
    ck_assert_msg(status != 0, "make run exited 0:\n%s%s", text, err);
    ck_assert_msg(strstr(err, "the recording failed") != NULL, "%s", err);
    ck_assert_msg(strstr(text, "OLD DIAGRAM") == NULL &&
                  strstr(err, "OLD DIAGRAM") == NULL, "%s%s", text, err);
    free(text);
    free(err);
    snprintf(p, sizeof(p), "%s.svg", run);
    ck_assert_msg(access(p, F_OK) == -1, "the old diagram is still there");
    snprintf(p, sizeof(p), "%s/record.info", run);
    ck_assert_msg(access(p, F_OK) == -1, "the old trace is still there");
    snprintf(p, sizeof(p), "%s.svg.old", run);
    ck_assert_msg(access(p, F_OK) == 0, "the old diagram was not kept "
                  "aside as %s", p);
    snprintf(p, sizeof(p), "%s-1.svg.old", run);
    ck_assert_msg(access(p, F_OK) == 0, "the old page was not kept aside "
                  "as %s", p);
    snprintf(p, sizeof(p), "%s-mine.svg", run);
    ck_assert_msg(access(p, F_OK) == 0, "%s, no page of the last run, was "
                  "moved or removed", p);
}
END_TEST

START_TEST(test_record_says_why_command_failed)
{
    static const struct {
        const char *cmd;
        int status;
        const char *says;
    } cases[] = {
        { "no-such-command-ipclab", 127,
          "record.sh: 'no-such-command-ipclab': command not found\n" },
        { "/dev/null", 126, "record.sh: '/dev/null': not an executable file\n" },
    };
    const char *err = h_tmpdir_path("record.err");
    char trace[PATH_MAX];
    char *text;
    int status;

    snprintf(trace, sizeof(trace), "%s", h_tmpdir_path("trace-cmd"));
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        status = h_run((const char *[]){ record_sh(), "-o", trace, "--",
                       cases[i].cmd, NULL }, NULL,
                       h_tmpdir_path("record.out"), err, 60000);
        text = h_read_file(err);
        ck_assert_msg(status == cases[i].status, "%s: exit %d:\n%s",
                      cases[i].cmd, status, text);
        ck_assert_msg(strcmp(text, cases[i].says) == 0, "%s", text);
        ck_assert_msg(access(trace, F_OK) == -1, "%s: a trace was left",
                      cases[i].cmd);
        free(text);
    }

    status = h_run((const char *[]){ record_sh(), "-o", trace, "--",
                   "/bin/sh", "-c", "exit 3", NULL }, NULL,
                   h_tmpdir_path("record.out"), err, 120000);
    text = h_read_file(err);
    ck_assert_msg(status == 3, "exit %d:\n%s", status, text);
    ck_assert_msg(strstr(text, "record.sh: '/bin/sh -c exit 3' failed "
                         "(exit 3)\n") != NULL, "%s", text);
    free(text);
}
END_TEST

/* A running process whose command line holds 'text', or 0 when none */
static pid_t
process_mentioning(const char *text)
{
    char path[300], cmd[4096];
    pid_t found = 0;
    DIR *proc = opendir("/proc");
    struct dirent *e;

    ck_assert_ptr_nonnull(proc);
    while (found == 0 && (e = readdir(proc)) != NULL) {
        ssize_t n;
        int fd;

        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd == -1)
            continue;           /* gone meanwhile */
        n = read(fd, cmd, sizeof(cmd) - 1);
        close(fd);
        for (ssize_t i = 0; i < n - 1; i++)
            if (cmd[i] == '\0')
                cmd[i] = ' ';
        if (n > 0) {
            cmd[n] = '\0';
            if (strstr(cmd, text) != NULL)
                found = (pid_t)atol(e->d_name);
        }
    }
    closedir(proc);
    return found;
}

START_TEST(test_record_hangup_cleans_up)
{
    char tmp[PATH_MAX], err[PATH_MAX], pidfile[PATH_MAX], cmd[PATH_MAX + 64];
    char *saved_tmpdir, why[256];
    char *text;
    pid_t rec, sleeper, left;
    int64_t deadline;
    DIR *d;
    int status;

    snprintf(tmp, sizeof(tmp), "%s", h_tmpdir_path("rec-tmp"));
    snprintf(err, sizeof(err), "%s", h_tmpdir_path("hup.err"));
    snprintf(pidfile, sizeof(pidfile), "%s", h_tmpdir_path("sleep.pid"));
    ck_assert_int_eq(mkdir(tmp, 0700), 0);
    saved_tmpdir = getenv("TMPDIR");
    if (saved_tmpdir != NULL)
        saved_tmpdir = strdup(saved_tmpdir);
    ck_assert_int_eq(setenv("TMPDIR", tmp, 1), 0);
    snprintf(cmd, sizeof(cmd), "echo $$ >'%s'; exec sleep 300", pidfile);
    rec = h_spawn((const char *[]){ record_sh(), "-o",
                  h_tmpdir_path("trace-hup"), "--", "/bin/sh", "-c", cmd,
                  NULL }, NULL, NULL, err);
    /* (CK_FORK=no: the next tests must not see it) */
    if (saved_tmpdir != NULL)
        ck_assert_int_eq(setenv("TMPDIR", saved_tmpdir, 1), 0);
    else
        ck_assert_int_eq(unsetenv("TMPDIR"), 0);
    free(saved_tmpdir);
    text = h_wait_for_text(pidfile, "\n", rec, 60000);
    ck_assert_msg(text != NULL, "COMMAND did not start:\n%s",
                  h_read_file(err));
    sleeper = (pid_t)atol(text);
    free(text);
    /* a closed terminal: its whole foreground group gets SIGHUP */
    ck_assert_int_eq(kill(rec, SIGHUP), 0);
    ck_assert_int_eq(kill(sleeper, SIGHUP), 0);
    status = h_wait(rec, 60000);
    ck_assert_msg(status == 129, "record.sh exited %d:\n%s", status,
                  h_read_file(err));
    deadline = ipc_deadline_ms(10000);
    /* its session daemon (if it started one) stops by itself: wait for it */
    while ((left = process_mentioning(tmp)) != 0)
        ck_assert_msg(h_wait_gone(left, (int)ipc_ms_until(deadline)),
                      "a process of record.sh's is still running: %d "
                      "(%s)", (int)left, h_proc_describe(left, why,
                      sizeof(why)));
    d = opendir(tmp);
    ck_assert_ptr_nonnull(d);
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        ck_assert_msg(strcmp(e->d_name, ".") == 0 ||
                      strcmp(e->d_name, "..") == 0,
                      "record.sh left %s/%s behind", tmp, e->d_name);
    closedir(d);
}
END_TEST

START_TEST(test_run_tests_counts_skips)
{
    char script[PATH_MAX], docs[PATH_MAX], want[64];
    char *out, *last, *checks;
    int status, n;

    snprintf(script, sizeof(script), "%s/scripts/run-tests.sh", h_srcdir());
    snprintf(docs, sizeof(docs), "%s", h_bin("../tests/docs"));
    ck_assert_int_eq(unsetenv("IPCLAB_TC_XSD_DIR"), 0);
    ck_assert_int_eq(unsetenv("IPCLAB_TC_XSD"), 0);
    ck_assert_int_eq(setenv("CK_RUN_SUITE", "tracecompass", 1), 0);
    ck_assert_int_eq(unsetenv("CK_RUN_CASE"), 0);
    status = h_run((const char *[]){ script, docs, NULL }, NULL,
                   h_tmpdir_path("run-tests.out"), NULL, 120000);
    out = h_read_file(h_tmpdir_path("run-tests.out"));
    ck_assert_msg(status == 0, "run-tests.sh exited %d:\n%s", status, out);
    ck_assert_int_eq(h_count_lines(out, "SKIP: test_tracecompass_") , 4);
    ck_assert_msg(strstr(out, "no Trace Compass schema: set "
                         "IPCLAB_TC_XSD_DIR") != NULL, "%s", out);
    /* Check counts the skipped tests as run: the total says otherwise */
    checks = strstr(out, "Checks: ");
    ck_assert_msg(checks != NULL && sscanf(checks, "Checks: %d", &n) == 1,
                  "%s", out);
    out[strlen(out) - 1] = '\0';               /* the last newline */
    last = strrchr(out, '\n');
    ck_assert_ptr_nonnull(last);
    snprintf(want, sizeof(want), "%d passed, 0 failed, 2 skipped", n - 2);
    ck_assert_msg(strcmp(last + 1, want) == 0, "last line '%s', not '%s'",
                  last + 1, want);
    free(out);
}
END_TEST

START_TEST(test_run_tests_fails_a_missing_program)
{
    char script[PATH_MAX];
    char *out, *last;
    int status;

    snprintf(script, sizeof(script), "%s/scripts/run-tests.sh", h_srcdir());
    status = h_run((const char *[]){ script, h_tmpdir_path("no-such-test"),
                   NULL }, NULL, h_tmpdir_path("run-tests.out"), NULL,
                   60000);
    out = h_read_file(h_tmpdir_path("run-tests.out"));
    ck_assert_msg(status == 1, "run-tests.sh exited %d:\n%s", status, out);
    ck_assert_msg(strstr(out, "no-such-test: not a test program") != NULL,
                  "%s", out);
    out[strlen(out) - 1] = '\0';               /* the last newline */
    last = strrchr(out, '\n');
    ck_assert_ptr_nonnull(last);
    ck_assert_str_eq(last + 1, "0 passed, 1 failed, 0 skipped");
    free(out);
}
END_TEST

Suite *
shared_suite(void)
{
    Suite *s = suite_create("shared");
    TCase *tc = h_tcase(s, "core", 300);

    tcase_add_test(tc, test_lock_waits_and_says_for_whom);
    tcase_add_test(tc, test_lock_refuses_foreign_dir);
    tcase_add_test(tc, test_lost_events_are_reported);
    tcase_add_test(tc, test_make_run_fails_loudly);
    tcase_add_test(tc, test_record_says_why_command_failed);
    tcase_add_test(tc, test_record_hangup_cleans_up);
    tcase_add_test(tc, test_run_tests_counts_skips);
    tcase_add_test(tc, test_run_tests_fails_a_missing_program);
    return s;
}
