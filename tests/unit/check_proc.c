/*
 * tests/unit/check_proc.c - unit tests for processes and time (proc.h).
 *
 * Children are real: /bin/true, /bin/sh and /bin/sleep started with
 * ipc_spawn() and reaped with ipc_reap(). Since ipc_reap() never blocks
 * (WNOHANG), the tests wait for SIGCHLD between attempts: it is blocked
 * first, so a child that ends at any moment leaves it pending and
 * sigtimedwait() returns at once; no sleep, no lost wake-up. The mask
 * given to ipc_spawn() is checked from the outside, in the child's
 * /proc/PID/status. The module is src/lib/proc.c.
 *
 * Run:   CK_RUN_SUITE=proc build/tests/unit
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "ipclab/proc.h"
#include "unit.h"

/* Block SIGCHLD, so that a child's end stays pending until reap_within(). */
static void
block_sigchld(void)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, NULL), 0);
}

/*
 * Reap child pid with ipc_reap() within timeout_ms; returns its code.
 * Between attempts, sleep in sigtimedwait() until a SIGCHLD arrives.
 */
static int
reap_within(pid_t pid, int timeout_ms)
{
    int64_t deadline = ipc_deadline_ms(timeout_ms);
    sigset_t set;
    pid_t r;
    int code = -1;

    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    while ((r = ipc_reap(pid, "test", &code)) == 0) {
        int left = ipc_ms_until(deadline);
        struct timespec ts = { left / 1000, (long)(left % 1000) * 1000000 };

        ck_assert_msg(left > 0, "child %ld did not end", (long)pid);
        sigtimedwait(&set, NULL, &ts);      /* EAGAIN, EINTR: loop */
    }
    ck_assert_int_eq(r, pid);
    return code;
}

/* Spawn argv with ipc_spawn(), the test failing if it cannot */
static pid_t
spawn(char *const argv[], const sigset_t *mask)
{
    pid_t pid = ipc_spawn("test", argv[0], argv, mask);

    ck_assert_int_gt(pid, 0);
    return pid;
}

/* Wait (bounded) until child pid has exec'd program 'comm'. */
static void
wait_exec(pid_t pid, const char *comm)
{
    int64_t deadline = ipc_deadline_ms(2000);
    char path[64], text[64];

    snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
    for (;;) {
        unit_read_file(path, text, sizeof(text));
        text[strcspn(text, "\n")] = '\0';
        if (strcmp(text, comm) == 0)
            return;
        ck_assert_msg(ipc_ms_until(deadline) > 0, "no exec of %s", comm);
        sched_yield();
    }
}

#define SIGBIT(sig) (1ULL << ((sig) - 1))

/* ---- core --------------------------------------------------------------- */

START_TEST(test_proc_deadline_and_ms_until)
{
    int64_t now = ipc_now_ms();
    int64_t deadline = ipc_deadline_ms(1000);
    int left = ipc_ms_until(deadline);

    ck_assert_int_ge(deadline, now + 1000);
    ck_assert_int_le(deadline, ipc_now_ms() + 1000);
    ck_assert_int_gt(left, 0);
    ck_assert_int_le(left, 1000);
    /* -1 means no deadline: wait forever, as poll(-1) does */
    ck_assert_int_eq(ipc_deadline_ms(-1), -1);
    ck_assert_int_eq(ipc_ms_until(-1), -1);
}
END_TEST

START_TEST(test_proc_clock_is_monotonic)
{
    int64_t ms = ipc_now_ms(), ns = ipc_now_ns();

    ck_assert_int_ge(ipc_now_ns(), ns);
    ck_assert_int_ge(ipc_now_ms(), ms);
    ck_assert_int_le(ns / 1000000 - ms, 1000);      /* the same clock */
}
END_TEST

static void
on_usr1(int sig)
{
    (void)sig;                  /* only there to interrupt the sleep */
}

START_TEST(test_proc_sleep_ends_on_time_under_signals)
{
    struct sigaction sa = { .sa_handler = on_usr1 }, old;
    pid_t parent = getpid(), child, got;
    int64_t start, took;

    ck_assert_int_eq(sigaction(SIGUSR1, &sa, &old), 0);     /* no SA_RESTART */
    child = fork();
    ck_assert_int_ne(child, -1);
    if (child == 0) {
        for (;;)                /* a storm of interruptions until killed */
            kill(parent, SIGUSR1);
    }
    start = ipc_now_ms();
    ipc_sleep_ms(200);
    took = ipc_now_ms() - start;
    kill(child, SIGKILL);
    /* signals already sent may still interrupt the wait: EINTR */
    while ((got = waitpid(child, NULL, 0)) == -1 && errno == EINTR)
        ;
    ck_assert_int_eq(got, child);
    sigaction(SIGUSR1, &old, NULL);
    ck_assert_int_ge(took, 200);
    /* each restart of a relative sleep adds the timer slack: a storm of
       them used to stretch 200 ms into seconds */
    ck_assert_msg(took < 1000, "ipc_sleep_ms(200) took %lld ms", (long long)took);
}
END_TEST

START_TEST(test_proc_alive_self)
{
    ck_assert(ipc_proc_alive(getpid()));
    ck_assert(ipc_proc_alive(getppid()));
}
END_TEST

START_TEST(test_proc_spawn_true_exits_0)
{
    char *argv[] = { "/bin/true", NULL };
    pid_t pid;

    block_sigchld();
    pid = spawn(argv, NULL);
    ck_assert_int_eq(reap_within(pid, 2000), 0);
}
END_TEST

START_TEST(test_proc_spawn_sh_exit_3)
{
    char *argv[] = { "/bin/sh", "-c", "exit 3", NULL };
    pid_t pid;

    block_sigchld();
    pid = spawn(argv, NULL);
    ck_assert_int_eq(reap_within(pid, 2000), 3);
}
END_TEST

START_TEST(test_proc_killed_child_is_128_plus_signal)
{
    char *argv[] = { "/bin/sleep", "10", NULL };
    pid_t pid;

    block_sigchld();
    pid = spawn(argv, NULL);
    ck_assert_int_eq(kill(pid, SIGKILL), 0);
    ck_assert_int_eq(reap_within(pid, 2000), 128 + SIGKILL);
}
END_TEST

START_TEST(test_proc_sched_parse)
{
    enum ipc_sched sched = IPCLAB_SCHED_NORMAL;

    ck_assert_int_eq(ipc_sched_parse("batch", &sched), 0);
    ck_assert_int_eq(sched, IPCLAB_SCHED_BATCH);
    ck_assert_int_eq(ipc_sched_parse("normal", &sched), 0);
    ck_assert_int_eq(sched, IPCLAB_SCHED_NORMAL);
    for (size_t i = 0; i < 4; i++) {
        static const char *const bad[] = { "", "Batch", "other", "batch " };

        errno = 0;
        ck_assert_int_eq(ipc_sched_parse(bad[i], &sched), -1);
        ck_assert_int_eq(errno, EINVAL);
        ck_assert_int_eq(sched, IPCLAB_SCHED_NORMAL);  /* left alone */
    }
}
END_TEST

/* The policy is set, and a program started afterwards runs under it */
START_TEST(test_proc_sched_apply_is_inherited)
{
    char *argv[] = { "/bin/sleep", "10", NULL };
    pid_t pid;

    block_sigchld();
    ck_assert_int_eq(ipc_sched_apply(IPCLAB_SCHED_BATCH), 0);
    ck_assert_int_eq(sched_getscheduler(0), SCHED_BATCH);
    pid = spawn(argv, NULL);
    /* inherited at fork(), kept by exec: no wait needed */
    ck_assert_int_eq(sched_getscheduler(pid), SCHED_BATCH);
    ck_assert_int_eq(kill(pid, SIGKILL), 0);
    ck_assert_int_eq(reap_within(pid, 2000), 128 + SIGKILL);

    ck_assert_int_eq(ipc_sched_apply(IPCLAB_SCHED_NORMAL), 0);
    ck_assert_int_eq(sched_getscheduler(0), SCHED_OTHER);
}
END_TEST

START_TEST(test_proc_spawn_mask_from_first_instant)
{
    char *argv[] = { "/bin/sleep", "10", NULL };
    sigset_t mask, now;
    pid_t pid;

    block_sigchld();
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    pid = spawn(argv, &mask);
    /* at once: SIGUSR1 would kill a child that had not blocked it yet */
    ck_assert_int_eq(kill(pid, SIGUSR1), 0);

    wait_exec(pid, "sleep");
    ck_assert_uint_eq(h_proc_status_mask(pid, "SigBlk:"), SIGBIT(SIGUSR1));
    ck_assert(h_proc_status_mask(pid, "ShdPnd:") & SIGBIT(SIGUSR1));

    /* our own mask is as it was: SIGCHLD only */
    ck_assert_int_eq(sigprocmask(SIG_SETMASK, NULL, &now), 0);
    ck_assert(!sigismember(&now, SIGUSR1));

    ck_assert_int_eq(kill(pid, SIGKILL), 0);
    ck_assert_int_eq(reap_within(pid, 2000), 128 + SIGKILL);  /* not USR1 */
}
END_TEST

START_TEST(test_proc_spawn_resets_stop_signals)
{
    struct sigaction ign = { .sa_handler = SIG_IGN };
    char *argv[] = { "/bin/sleep", "10", NULL };
    pid_t pid;

    /* an ignored signal stays ignored across exec, unless reset */
    ck_assert_int_eq(sigaction(SIGTERM, &ign, NULL), 0);
    block_sigchld();
    pid = spawn(argv, NULL);
    wait_exec(pid, "sleep");
    ck_assert_int_eq(kill(pid, SIGTERM), 0);
    ck_assert_int_eq(reap_within(pid, 2000), 128 + SIGTERM);
}
END_TEST

/*
 * A child outlives no parent: killed by SIGKILL, the parent cannot tell
 * its child anything, so the kernel does (PR_SET_PDEATHSIG). A middle
 * process spawns the child and is killed; the test is the subreaper, so
 * the orphan is re-parented to it and its end can be read.
 */
START_TEST(test_proc_spawn_child_ends_with_its_parent)
{
    char *argv[] = { "/bin/sleep", "60", NULL };
    pid_t middle, pid = 0;
    int p[2];

    ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    block_sigchld();
    ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
    middle = fork();
    ck_assert_int_ne(middle, -1);
    if (middle == 0) {
        ipc_child_default_signals(NULL);
        pid = ipc_spawn("test", argv[0], argv, NULL);
        if (write(p[1], &pid, sizeof(pid)) != (ssize_t)sizeof(pid))
            _exit(1);
        for (;;)
            pause();            /* until the test kills us */
    }
    close(p[1]);
    ck_assert_int_eq(read(p[0], &pid, sizeof(pid)), (ssize_t)sizeof(pid));
    close(p[0]);
    ck_assert_int_gt(pid, 0);
    wait_exec(pid, "sleep");

    ck_assert_int_eq(kill(middle, SIGKILL), 0);
    ck_assert_int_eq(reap_within(middle, 2000), 128 + SIGKILL);
    /* SIGTERM at once, not the end of its 60 s */
    ck_assert_int_eq(reap_within(pid, 2000), 128 + SIGTERM);
    ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 0), 0);
}
END_TEST

START_TEST(test_proc_exe_dir_is_tests)
{
    char dir[PATH_MAX];
    size_t len;

    /* this program is BUILD/tests/unit */
    ck_assert_int_eq(ipc_exe_dir(dir, sizeof(dir)), 0);
    len = strlen(dir);
    ck_assert_int_ge(len, 6);
    ck_assert_str_eq(dir + len - 6, "/tests");
}
END_TEST

/* ---- limits ------------------------------------------------------------- */

START_TEST(test_proc_ms_until_past_and_far)
{
    ck_assert_int_eq(ipc_ms_until(ipc_now_ms() - 5), 0);    /* passed */
    ck_assert_int_eq(ipc_ms_until(0), 0);
    ck_assert_int_eq(ipc_ms_until(ipc_deadline_ms(0)), 0);
    ck_assert_int_eq(ipc_ms_until(INT64_MAX), INT_MAX);     /* clamped */
}
END_TEST

START_TEST(test_proc_sleep_ms_sleeps)
{
    int64_t start = ipc_now_ms();

    ipc_sleep_ms(20);
    ck_assert_int_ge(ipc_now_ms() - start, 20);
}
END_TEST

START_TEST(test_proc_close_keeps_errno)
{
    errno = EAGAIN;
    ipc_close_keep_errno(-1);   /* close() fails with EBADF... */
    ck_assert_int_eq(errno, EAGAIN);    /* ...and the caller never sees it */
}
END_TEST

START_TEST(test_proc_reap_running_child_is_0)
{
    char *argv[] = { "/bin/sleep", "10", NULL };
    pid_t pid;
    int code = -7;

    block_sigchld();
    pid = spawn(argv, NULL);
    ck_assert_int_eq(ipc_reap(pid, "test", &code), 0);
    ck_assert_int_eq(code, -7);
    kill(pid, SIGKILL);
    reap_within(pid, 2000);
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

/* Running, stopped (SIGSTOP), running again (SIGCONT), gone once reaped */
START_TEST(test_proc_run_state_follows_stop_and_exit)
{
    siginfo_t info;
    pid_t pid = fork();

    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        pause();
        _exit(0);
    }
    ck_assert_int_eq(ipc_proc_run_state(pid), IPCLAB_PROC_RUNNING);
    ck_assert_int_eq(kill(pid, SIGSTOP), 0);
    ck_assert_int_eq(waitid(P_PID, (id_t)pid, &info, WSTOPPED), 0);
    ck_assert_int_eq(ipc_proc_run_state(pid), IPCLAB_PROC_STOPPED);
    ck_assert_int_eq(kill(pid, SIGCONT), 0);
    ck_assert_int_eq(waitid(P_PID, (id_t)pid, &info, WCONTINUED), 0);
    ck_assert_int_eq(ipc_proc_run_state(pid), IPCLAB_PROC_RUNNING);
    ck_assert_int_eq(kill(pid, SIGKILL), 0);
    ck_assert_int_eq(waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT), 0);
    ck_assert_int_eq(ipc_proc_run_state(pid), IPCLAB_PROC_GONE);  /* zombie */
    ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
    ck_assert_int_eq(ipc_proc_run_state(pid), IPCLAB_PROC_GONE);
}
END_TEST

/* A live child: ETIMEDOUT; once it ends: 0, and it is left to reap */
START_TEST(test_proc_wait_exit_bounded_and_unreaped)
{
    int code;
    pid_t pid = fork();

    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        pause();
        _exit(0);
    }
    ck_assert_int_eq(ipc_wait_exit(pid, 0), -1);
    ck_assert_int_eq(errno, ETIMEDOUT);
    ck_assert_int_eq(ipc_reap(pid, "child", &code), 0);  /* still running */
    ck_assert_int_eq(kill(pid, SIGKILL), 0);
    ck_assert_int_eq(ipc_wait_exit(pid, -1), 0);
    ck_assert_int_eq(ipc_reap(pid, "child", &code), pid);
    ck_assert_int_eq(code, 128 + SIGKILL);
    ck_assert_int_eq(ipc_wait_exit(pid, 0), -1);        /* reaped: no such */
    ck_assert_int_eq(errno, ESRCH);
}
END_TEST

/* ipc_wait_or_kill(), traced (_i 0) or not (_i 1) */
static int
wait_or_kill(int i, pid_t pid, int timeout_ms, int *code)
{
    return i == 0 ? ipc_wait_or_kill(pid, "child", timeout_ms, code)
                  : ipc_wait_or_kill_untraced(pid, timeout_ms, code);
}

/* A child that ends in time: its status; one that does not: killed,
   reaped, ETIMEDOUT; the same with and without the event */
START_TEST(test_proc_wait_or_kill_reaps_both_ways)
{
    int code = -1;
    pid_t quick = fork(), stuck;

    ck_assert_int_ne(quick, -1);
    if (quick == 0)
        _exit(3);
    ck_assert_int_eq(wait_or_kill(_i, quick, 10000, &code), 0);
    ck_assert_int_eq(code, 3);
    stuck = fork();
    ck_assert_int_ne(stuck, -1);
    if (stuck == 0) {
        pause();
        _exit(0);
    }
    ck_assert_int_eq(wait_or_kill(_i, stuck, 0, &code), -1);
    ck_assert_int_eq(errno, ETIMEDOUT);
    ck_assert_int_eq(code, 128 + SIGKILL);
    ck_assert_int_eq(waitpid(stuck, NULL, WNOHANG), -1);  /* reaped */
    ck_assert_int_eq(errno, ECHILD);
}
END_TEST

START_TEST(test_proc_alive_false_for_reaped_child)
{
    pid_t pid = fork();

    ck_assert_int_ne(pid, -1);
    if (pid == 0)
        _exit(0);
    ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
    ck_assert(!ipc_proc_alive(pid));
    ck_assert(!ipc_proc_alive(0));      /* not "my process group" */
    ck_assert(!ipc_proc_alive(-1));     /* not "every process" */
}
END_TEST

START_TEST(test_proc_exec_failure_is_127)
{
    char *argv[] = { "/nonexistent/ipclab-nothing", NULL };
    char path[PATH_MAX], text[512];
    pid_t pid;
    int saved;

    unit_path(path, sizeof(path), unit_tmpdir, "exec-failure");
    saved = unit_stderr_to(path);       /* the child inherits our stderr */
    block_sigchld();
    pid = spawn(argv, NULL);
    ck_assert_int_eq(reap_within(pid, 2000), 127);
    unit_stderr_restore(saved);

    unit_read_file(path, text, sizeof(text));
    ck_assert_msg(strstr(text, "cannot run '/nonexistent/ipclab-nothing': "
                          "ENOENT") != NULL, "message: %s", text);
}
END_TEST

START_TEST(test_proc_reap_without_child_is_echild)
{
    int code;

    errno = 0;
    ck_assert_int_eq(ipc_reap(-1, "test", &code), -1);
    ck_assert_int_eq(errno, ECHILD);
}
END_TEST

START_TEST(test_proc_exe_dir_small_buffer)
{
    char dir[4];

    errno = 0;
    ck_assert_int_eq(ipc_exe_dir(dir, sizeof(dir)), -1);
    ck_assert_int_eq(errno, ENAMETOOLONG);
}
END_TEST

/* Start "sh -c SCRIPT" with ipc_server_start(), waiting up to wait_ms */
static pid_t
server_start(const char *script, int wait_ms, int *out, char *line,
             size_t size)
{
    char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };

    return ipc_server_start(argv, ipc_deadline_ms(wait_ms), out, line, size);
}

/* The ready line comes back, the rest stays in the pipe, no fd leaks */
START_TEST(test_proc_server_start_ready)
{
    char line[64], rest[64];
    int out, mine = dup(STDIN_FILENO);     /* not close-on-exec */
    char script[128];
    pid_t pid;
    ssize_t n;

    ck_assert_int_gt(mine, 2);
    snprintf(script, sizeof(script), "[ -e /proc/$$/fd/%d ] && w=leaked ||"
             " w=clean; echo \"ready: $w\"; echo more", mine);
    block_sigchld();
    pid = server_start(script, 10000, &out, line, sizeof(line));
    ck_assert_int_gt(pid, 0);
    ck_assert_str_eq(line, "ready: clean");
    n = ipc_read_full(out, rest, sizeof(rest) - 1);
    ck_assert_int_eq(n, 5);
    rest[n] = '\0';
    ck_assert_str_eq(rest, "more\n");
    ck_assert_int_eq(reap_within(pid, 10000), 0);
    close(out);
    close(mine);
}
END_TEST

/* Each way not to become ready: an error, and nothing left behind */
START_TEST(test_proc_server_start_failures)
{
    static const struct { const char *script; int wait_ms, err; } cases[] = {
        { "exit 3", 10000, ESRCH },
        { "echo hello; exec sleep 30", 10000, EPROTO },
        { "exec sleep 30", 100, ETIMEDOUT },
    };
    char line[64];
    int out, code;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        errno = 0;
        ck_assert_int_eq(server_start(cases[i].script, cases[i].wait_ms,
                                      &out, line, sizeof(line)), -1);
        ck_assert_msg(errno == cases[i].err, "'%s': errno %s",
                      cases[i].script, ipc_errno_name(errno));
        ck_assert_int_eq(ipc_reap(-1, "test", &code), -1);
        ck_assert_int_eq(errno, ECHILD);    /* it was reaped */
    }
}
END_TEST

/* Its stderr goes where asked; an early end gives its exit status */
START_TEST(test_proc_server_start_err)
{
    char *argv[] = { "/bin/sh", "-c", "echo oops >&2; exit 5", NULL };
    char line[64], said[64];
    int err[2], out, code = -1;
    ssize_t n;

    ck_assert_int_eq(pipe2(err, O_CLOEXEC), 0);
    errno = 0;
    ck_assert_int_eq(ipc_server_start_err(argv, err[1],
                                          ipc_deadline_ms(10000), &out,
                                          line, sizeof(line), &code), -1);
    ck_assert_int_eq(errno, ESRCH);
    ck_assert_int_eq(code, 5);
    close(err[1]);
    n = ipc_read_full(err[0], said, sizeof(said) - 1);
    ck_assert_int_eq(n, 5);
    said[n] = '\0';
    ck_assert_str_eq(said, "oops\n");
    close(err[0]);
}
END_TEST

Suite *
proc_suite(void)
{
    Suite *s = suite_create("proc");
    TCase *tc_core = tcase_create("core");
    TCase *tc_limits = tcase_create("limits");
    TCase *tc_errors = tcase_create("errors");

    tcase_add_test(tc_core, test_proc_deadline_and_ms_until);
    tcase_add_test(tc_core, test_proc_clock_is_monotonic);
    tcase_add_test(tc_core, test_proc_sleep_ends_on_time_under_signals);
    tcase_add_test(tc_core, test_proc_alive_self);
    tcase_add_test(tc_core, test_proc_spawn_true_exits_0);
    tcase_add_test(tc_core, test_proc_spawn_sh_exit_3);
    tcase_add_test(tc_core, test_proc_killed_child_is_128_plus_signal);
    tcase_add_test(tc_core, test_proc_spawn_mask_from_first_instant);
    tcase_add_test(tc_core, test_proc_spawn_resets_stop_signals);
    tcase_add_test(tc_core, test_proc_spawn_child_ends_with_its_parent);
    tcase_add_test(tc_core, test_proc_exe_dir_is_tests);
    tcase_add_test(tc_core, test_proc_sched_parse);
    tcase_add_test(tc_core, test_proc_sched_apply_is_inherited);
    suite_add_tcase(s, tc_core);

    tcase_add_test(tc_limits, test_proc_ms_until_past_and_far);
    tcase_add_test(tc_limits, test_proc_sleep_ms_sleeps);
    tcase_add_test(tc_limits, test_proc_close_keeps_errno);
    tcase_add_test(tc_limits, test_proc_reap_running_child_is_0);
    suite_add_tcase(s, tc_limits);

    tcase_add_unchecked_fixture(tc_errors, unit_tmpdir_setup,
                                unit_tmpdir_teardown);
    tcase_add_test(tc_errors, test_proc_wait_exit_bounded_and_unreaped);
    tcase_add_loop_test(tc_errors, test_proc_wait_or_kill_reaps_both_ways, 0,
                        2);
    tcase_add_test(tc_errors, test_proc_alive_false_for_reaped_child);
    tcase_add_test(tc_errors, test_proc_run_state_follows_stop_and_exit);
    tcase_add_test(tc_errors, test_proc_exec_failure_is_127);
    tcase_add_test(tc_errors, test_proc_reap_without_child_is_echild);
    tcase_add_test(tc_errors, test_proc_exe_dir_small_buffer);
    tcase_add_test(tc_errors, test_proc_server_start_ready);
    tcase_add_test(tc_errors, test_proc_server_start_failures);
    tcase_add_test(tc_errors, test_proc_server_start_err);
    suite_add_tcase(s, tc_errors);

    return s;
}
