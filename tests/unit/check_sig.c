/*
 * tests/unit/check_sig.c - unit tests for the protocol's signals (sig.h).
 *
 * The tests send signals to their own process: block them first, then
 * send, then take them with ipc_sig_wait() or a signalfd. Blocking first
 * is the whole point: a blocked signal waits in the pending set
 * until we ask for it, so nothing can be lost in between. They also show
 * the two behaviours lab 04 is about: real-time signals queue, one per
 * sigqueue(), each with its value; standard signals coalesce.
 * A checked fixture restores the signal mask after each test and drains
 * what a failed test left pending. The module is src/lib/sig.c.
 *
 * Run:   CK_RUN_SUITE=sig build/tests/unit
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipclab/proc.h"
#include "ipclab/sig.h"
#include "unit.h"

static sigset_t saved_mask;

/* Every signal these tests may leave pending. */
static void
protocol_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGRTMIN + 1);
    sigaddset(set, SIGRTMIN + 2);
    sigaddset(set, SIGRTMIN + 3);
    sigaddset(set, SIGUSR1);
    sigaddset(set, SIGUSR2);
}

static void
save_mask(void)
{
    sigprocmask(SIG_SETMASK, NULL, &saved_mask);
}

/* Take whatever is still pending, then unblock: nothing can kill us. */
static void
restore_mask(void)
{
    struct timespec zero = { 0, 0 };
    sigset_t set;

    protocol_signals(&set);
    while (sigtimedwait(&set, NULL, &zero) > 0)
        ;
    sigprocmask(SIG_SETMASK, &saved_mask, NULL);
}

/* Block signo (and signo2 unless 0) and describe them in *set. */
static void
block(sigset_t *set, int signo, int signo2)
{
    sigemptyset(set);
    sigaddset(set, signo);
    if (signo2 != 0)
        sigaddset(set, signo2);
    ck_assert_int_eq(sigprocmask(SIG_BLOCK, set, NULL), 0);
}

/* ---- core --------------------------------------------------------------- */

START_TEST(test_sig_init_rt)
{
    struct ipc_sigs s;

    ipc_sigs_init(&s, IPCLAB_SIG_RT);
    ck_assert_int_eq(s.mode, IPCLAB_SIG_RT);
    ck_assert_int_eq(s.revoke, SIGRTMIN + 1);
    ck_assert_int_eq(s.ready, SIGRTMIN + 2);
    ck_assert_int_eq(s.ack, SIGRTMIN + 3);
    /* lower real-time signals are delivered first: revoke beats ready */
    ck_assert_int_lt(s.revoke, s.ready);
    ck_assert_int_lt(s.ready, s.ack);
    ck_assert_int_le(s.ack, SIGRTMAX);
}
END_TEST

START_TEST(test_sig_init_classic)
{
    struct ipc_sigs s;

    ipc_sigs_init(&s, IPCLAB_SIG_CLASSIC);
    ck_assert_int_eq(s.mode, IPCLAB_SIG_CLASSIC);
    ck_assert_int_eq(s.ready, SIGUSR1);
    ck_assert_int_eq(s.ack, SIGUSR2);
    ck_assert_int_eq(s.revoke, 0);          /* classic mode has no revoke */
}
END_TEST

/* Both modes' ready, ack and revoke, and nothing else */
START_TEST(test_sig_addset_protocol_both_modes)
{
    struct ipc_sigs rt, classic;
    sigset_t set;
    int n = 0;

    ipc_sigs_init(&rt, IPCLAB_SIG_RT);
    ipc_sigs_init(&classic, IPCLAB_SIG_CLASSIC);
    sigemptyset(&set);
    ipc_sig_addset_protocol(&set);
    ck_assert(sigismember(&set, rt.ready) && sigismember(&set, rt.ack) &&
              sigismember(&set, rt.revoke));
    ck_assert(sigismember(&set, classic.ready) &&
              sigismember(&set, classic.ack));
    for (int sig = 1; sig < NSIG; sig++)
        n += sigismember(&set, sig) == 1;
    ck_assert_int_eq(n, 5);
}
END_TEST

START_TEST(test_sig_mode_parse_and_name)
{
    enum ipc_sig_mode mode = IPCLAB_SIG_CLASSIC;

    ck_assert_int_eq(ipc_sig_mode_parse("rt", &mode), 0);
    ck_assert_int_eq(mode, IPCLAB_SIG_RT);
    ck_assert_int_eq(ipc_sig_mode_parse("classic", &mode), 0);
    ck_assert_int_eq(mode, IPCLAB_SIG_CLASSIC);
    ck_assert_str_eq(ipc_sig_mode_name(IPCLAB_SIG_RT), "rt");
    ck_assert_str_eq(ipc_sig_mode_name(IPCLAB_SIG_CLASSIC), "classic");
}
END_TEST

START_TEST(test_sig_names)
{
    char a[IPCLAB_SIG_NAME_MAX], b[IPCLAB_SIG_NAME_MAX];

    ck_assert_str_eq(ipc_sig_name(SIGRTMIN + 2, a, sizeof(a)), "SIGRTMIN+2");
    ck_assert_str_eq(ipc_sig_name(SIGUSR1, a, sizeof(a)), "SIGUSR1");
    /* the caller's buffer: two names in one message stay two */
    ck_assert_ptr_eq(ipc_sig_name(SIGTERM, b, sizeof(b)), b);
    ck_assert_str_eq(a, "SIGUSR1");
    ck_assert_str_eq(b, "SIGTERM");
}
END_TEST

START_TEST(test_sig_send_rt_to_self)
{
    struct ipc_sig_event ev;
    struct ipc_sigs s;
    sigset_t set;

    ipc_sigs_init(&s, IPCLAB_SIG_RT);
    block(&set, s.ready, 0);    /* before sending, so it cannot be lost */
    ck_assert_int_eq(ipc_sig_send(&s, s.ready, "ready", getpid(), 42), 0);

    memset(&ev, 0, sizeof(ev));
    ck_assert_int_eq(ipc_sig_wait(&set, 1000, &ev), s.ready);
    ck_assert_int_eq(ev.signo, s.ready);
    ck_assert_int_eq(ev.pid, getpid());
    ck_assert_int_eq(ev.code, SI_QUEUE);
    ck_assert_uint_eq(ev.value, 42);
    ck_assert(ipc_sig_from(&s, &ev, getpid()));
}
END_TEST

START_TEST(test_sig_send_classic_to_self)
{
    struct ipc_sig_event ev;
    struct ipc_sigs s;
    sigset_t set;

    ipc_sigs_init(&s, IPCLAB_SIG_CLASSIC);
    block(&set, s.ready, 0);
    ck_assert_int_eq(ipc_sig_send(&s, s.ready, "ready", getpid(), 42), 0);

    memset(&ev, 0xff, sizeof(ev));
    ck_assert_int_eq(ipc_sig_wait(&set, 1000, &ev), SIGUSR1);
    ck_assert_int_eq(ev.signo, SIGUSR1);
    ck_assert_int_eq(ev.pid, getpid());
    ck_assert_int_eq(ev.code, SI_USER);     /* kill(), not sigqueue() */
    ck_assert_uint_eq(ev.value, 0);         /* classic signals carry nothing */
    ck_assert(ipc_sig_from(&s, &ev, getpid()));
}
END_TEST

START_TEST(test_sig_from_accepts_peer)
{
    struct ipc_sig_event ev = { .signo = 0, .pid = 4711, .code = SI_QUEUE };
    struct ipc_sigs rt, classic;

    ipc_sigs_init(&rt, IPCLAB_SIG_RT);
    ipc_sigs_init(&classic, IPCLAB_SIG_CLASSIC);
    ev.signo = rt.ack;
    ck_assert(ipc_sig_from(&rt, &ev, 4711));
    ev.signo = classic.ack;
    ev.code = SI_USER;
    ck_assert(ipc_sig_from(&classic, &ev, 4711));
}
END_TEST

START_TEST(test_sig_sigfd_read)
{
    struct ipc_sig_event ev;
    struct ipc_sigs s;
    sigset_t set;
    int fd;

    ipc_sigs_init(&s, IPCLAB_SIG_RT);
    block(&set, s.ack, 0);      /* a signalfd only sees blocked signals */
    fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    ck_assert_int_ne(fd, -1);

    ck_assert_int_eq(ipc_sig_send(&s, s.ack, "ack", getpid(), 7), 0);
    memset(&ev, 0, sizeof(ev));
    ck_assert_int_eq(ipc_sigfd_read(fd, &ev), 1);
    ck_assert_int_eq(ev.signo, s.ack);
    ck_assert_int_eq(ev.pid, getpid());
    ck_assert_int_eq(ev.code, SI_QUEUE);
    ck_assert_uint_eq(ev.value, 7);
    ck_assert_int_eq(ipc_sigfd_read(fd, &ev), 0);   /* taken: none left */
    close(fd);
}
END_TEST

/* ---- limits ------------------------------------------------------------- */

/* One read() takes every pending signal, in order, and says how many. */
START_TEST(test_sig_sigfd_read_many)
{
    struct ipc_sig_event evs[8];
    struct ipc_sigs s;
    sigset_t set;
    int fd;

    ipc_sigs_init(&s, IPCLAB_SIG_RT);
    block(&set, s.ack, 0);
    fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    ck_assert_int_ne(fd, -1);

    for (uint32_t v = 1; v <= 3; v++)
        ck_assert_int_eq(ipc_sig_send(&s, s.ack, "ack", getpid(), v), 0);
    ck_assert_int_eq(ipc_sigfd_read_many(fd, evs, 8), 3);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(evs[i].signo, s.ack);
        ck_assert_int_eq(evs[i].pid, getpid());
        ck_assert_int_eq(evs[i].code, SI_QUEUE);
        ck_assert_uint_eq(evs[i].value, (uint32_t)i + 1);
    }
    ck_assert_int_eq(ipc_sigfd_read_many(fd, evs, 8), 0);     /* none left */

    /* no more than max at a time: the rest stay queued */
    for (uint32_t v = 1; v <= 3; v++)
        ck_assert_int_eq(ipc_sig_send(&s, s.ack, "ack", getpid(), v), 0);
    ck_assert_int_eq(ipc_sigfd_read_many(fd, evs, 2), 2);
    ck_assert_int_eq(ipc_sigfd_read_many(fd, evs, 2), 1);
    ck_assert_uint_eq(evs[0].value, 3);

    errno = 0;                  /* room for nothing is a caller's mistake */
    ck_assert_int_eq(ipc_sigfd_read_many(fd, evs, 0), -1);
    ck_assert_int_eq(errno, EINVAL);
    close(fd);
}
END_TEST

/* A forked child's signals name the child, not the parent it came from. */
START_TEST(test_sig_send_from_forked_child)
{
    struct ipc_sig_event ev;
    struct ipc_sigs s;
    sigset_t set;
    pid_t parent = getpid(), pid;

    ipc_sigs_init(&s, IPCLAB_SIG_RT);
    block(&set, s.ack, 0);
    ck_assert_int_eq(ipc_sig_send(&s, s.ack, "ack", parent, 1), 0);
    ck_assert_int_eq(ipc_sig_wait(&set, 1000, &ev), s.ack);
    ck_assert_int_eq(ev.pid, parent);

    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0)
        _exit(ipc_sig_send(&s, s.ack, "ack", parent, 2) == 0 ? 0 : 1);
    ck_assert_int_eq(ipc_sig_wait(&set, 5000, &ev), s.ack);
    ck_assert_int_eq(ev.pid, pid);
    ck_assert_int_eq(ev.code, SI_QUEUE);
    ck_assert_uint_eq(ev.value, 2);
    ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
}
END_TEST

START_TEST(test_sig_rt_signals_queue)
{
    struct ipc_sig_event ev;
    struct ipc_sigs s;
    sigset_t set;

    ipc_sigs_init(&s, IPCLAB_SIG_RT);
    block(&set, s.ready, 0);
    for (uint32_t seq = 1; seq <= 3; seq++)
        ck_assert_int_eq(ipc_sig_send(&s, s.ready, "ready", getpid(), seq),
                         0);
    /* three sent, three taken, in order, each with its own value */
    for (uint32_t seq = 1; seq <= 3; seq++) {
        ck_assert_int_eq(ipc_sig_wait(&set, 1000, &ev), s.ready);
        ck_assert_uint_eq(ev.value, seq);
    }
    ck_assert_int_eq(ipc_sig_wait(&set, 0, &ev), 0);
}
END_TEST

START_TEST(test_sig_classic_signals_coalesce)
{
    struct ipc_sig_event ev;
    struct ipc_sigs s;
    sigset_t set;

    ipc_sigs_init(&s, IPCLAB_SIG_CLASSIC);
    block(&set, s.ready, 0);
    ck_assert_int_eq(ipc_sig_send(&s, s.ready, "ready", getpid(), 1), 0);
    ck_assert_int_eq(ipc_sig_send(&s, s.ready, "ready", getpid(), 2), 0);
    /* two sent, one pending: the second one is lost [lab 04] */
    ck_assert_int_eq(ipc_sig_wait(&set, 1000, &ev), SIGUSR1);
    ck_assert_int_eq(ipc_sig_wait(&set, 0, &ev), 0);
}
END_TEST

START_TEST(test_sig_revoke_overtakes_ready)
{
    struct ipc_sig_event ev;
    struct ipc_sigs s;
    sigset_t set;

    ipc_sigs_init(&s, IPCLAB_SIG_RT);
    block(&set, s.ready, s.revoke);
    ck_assert_int_eq(ipc_sig_send(&s, s.ready, "ready", getpid(), 5), 0);
    ck_assert_int_eq(ipc_sig_send(&s, s.revoke, "revoke", getpid(), 5), 0);
    /* sent second, taken first: the lowest pending real-time signal wins */
    ck_assert_int_eq(ipc_sig_wait(&set, 1000, &ev), s.revoke);
    ck_assert_int_eq(ipc_sig_wait(&set, 1000, &ev), s.ready);
}
END_TEST

START_TEST(test_sig_rt_value_full_range)
{
    struct ipc_sig_event ev;
    struct ipc_sigs s;
    sigset_t set;

    ipc_sigs_init(&s, IPCLAB_SIG_RT);
    block(&set, s.ack, 0);
    ck_assert_int_eq(ipc_sig_send(&s, s.ack, "ack", getpid(), UINT32_MAX),
                     0);
    ck_assert_int_eq(ipc_sig_wait(&set, 1000, &ev), s.ack);
    ck_assert_uint_eq(ev.value, UINT32_MAX);  /* a seq survives sival_int */
}
END_TEST

START_TEST(test_sig_wait_zero_timeout_polls)
{
    struct ipc_sig_event ev;
    sigset_t set;
    int64_t start = ipc_now_ms();

    block(&set, SIGUSR2, 0);
    ck_assert_int_eq(ipc_sig_wait(&set, 0, &ev), 0);
    ck_assert_int_lt(ipc_now_ms() - start, 1000);
}
END_TEST

START_TEST(test_sig_name_never_null)
{
    char buf[IPCLAB_SIG_NAME_MAX], small[4];
    char expect[IPCLAB_SIG_NAME_MAX];

    snprintf(expect, sizeof(expect), "signal %d", SIGRTMAX + 1);
    ck_assert_str_eq(ipc_sig_name(SIGRTMAX + 1, buf, sizeof(buf)), expect);
    /* cut to the buffer, still a string */
    ck_assert_str_eq(ipc_sig_name(SIGTERM, small, sizeof(small)), "SIG");
}
END_TEST

/* written by signal handlers */
static volatile sig_atomic_t usr2_hits;
static int usr2_notify_fd = -1;

/* SIGUSR2: count, tell the helper child. Async-signal-safe; saves errno. */
static void
on_usr2(int sig)
{
    int saved_errno = errno;
    ssize_t ignored;

    (void)sig;
    usr2_hits++;
    ignored = write(usr2_notify_fd, "!", 1);
    (void)ignored;
    errno = saved_errno;
}

START_TEST(test_sig_wait_survives_other_signal)
{
    struct sigaction sa;
    struct ipc_sig_event ev;
    struct ipc_sigs s;
    int notify[2], status;
    pid_t pid, self = getpid();
    sigset_t set;
    char note;

    ipc_sigs_init(&s, IPCLAB_SIG_RT);
    block(&set, s.ready, 0);
    ck_assert_int_eq(pipe2(notify, O_CLOEXEC), 0);
    usr2_notify_fd = notify[1];
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr2;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;    /* sigtimedwait() fails with EINTR anyway (signal(7)) */
    ck_assert_int_eq(sigaction(SIGUSR2, &sa, NULL), 0);

    /* helper: once we wait, interrupt us with SIGUSR2, then send ready */
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        union sigval sv = { .sival_int = 99 };

        ipc_child_default_signals(NULL);
        if (unit_wait_sleeping(self) == -1 ||
            tgkill(self, self, SIGUSR2) == -1 ||
            read(notify[0], &note, 1) != 1 ||
            sigqueue(self, s.ready, sv) == -1)
            _exit(1);
        _exit(0);
    }
    ck_assert_int_eq(ipc_sig_wait(&set, 3000, &ev), s.ready);
    ck_assert_int_eq(usr2_hits, 1);
    ck_assert_int_eq(ev.pid, pid);
    ck_assert_uint_eq(ev.value, 99);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

START_TEST(test_sig_wait_times_out)
{
    struct ipc_sig_event ev;
    sigset_t set;
    int64_t start;

    block(&set, SIGRTMIN + 2, 0);
    start = ipc_now_ms();
    ck_assert_int_eq(ipc_sig_wait(&set, 30, &ev), 0);
    ck_assert_int_ge(ipc_now_ms() - start, 25);
}
END_TEST

START_TEST(test_sig_from_rejects_wrong_pid)
{
    struct ipc_sig_event ev = { .pid = 4712, .code = SI_QUEUE };
    struct ipc_sigs s;

    ipc_sigs_init(&s, IPCLAB_SIG_RT);
    ev.signo = s.ack;
    ck_assert(!ipc_sig_from(&s, &ev, 4711));
    ipc_sigs_init(&s, IPCLAB_SIG_CLASSIC);
    ev.signo = s.ack;
    ev.code = SI_USER;
    ck_assert(!ipc_sig_from(&s, &ev, 4711));
}
END_TEST

START_TEST(test_sig_from_rejects_wrong_code)
{
    struct ipc_sig_event ev = { .pid = 4711 };
    struct ipc_sigs s;

    /* rt mode expects sigqueue(): a kill() from the right pid is not it */
    ipc_sigs_init(&s, IPCLAB_SIG_RT);
    ev.signo = s.ack;
    ev.code = SI_USER;
    ck_assert(!ipc_sig_from(&s, &ev, 4711));
    ev.code = SI_KERNEL;
    ck_assert(!ipc_sig_from(&s, &ev, 4711));
    /* and classic mode expects kill() */
    ipc_sigs_init(&s, IPCLAB_SIG_CLASSIC);
    ev.signo = s.ack;
    ev.code = SI_QUEUE;
    ck_assert(!ipc_sig_from(&s, &ev, 4711));
}
END_TEST

START_TEST(test_sig_mode_parse_rejects)
{
    static const char *const bad[] = { "RT", "", "realtime", "rt ", NULL };
    enum ipc_sig_mode mode;

    for (int i = 0; bad[i] != NULL; i++) {
        mode = IPCLAB_SIG_CLASSIC;
        errno = 0;
        ck_assert_int_eq(ipc_sig_mode_parse(bad[i], &mode), -1);
        ck_assert_int_eq(errno, EINVAL);
        ck_assert_int_eq(mode, IPCLAB_SIG_CLASSIC);    /* untouched */
    }
}
END_TEST

START_TEST(test_sig_send_to_gone_process_is_esrch)
{
    struct ipc_sigs rt, classic;
    pid_t pid;

    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0)
        _exit(0);
    ck_assert_int_eq(waitpid(pid, NULL, 0), pid);   /* reaped: gone */

    ipc_sigs_init(&rt, IPCLAB_SIG_RT);
    ipc_sigs_init(&classic, IPCLAB_SIG_CLASSIC);
    errno = 0;
    ck_assert_int_eq(ipc_sig_send(&rt, rt.ready, "ready", pid, 1), -1);
    ck_assert_int_eq(errno, ESRCH);
    errno = 0;
    ck_assert_int_eq(ipc_sig_send(&classic, classic.ready, "ready", pid, 1),
                     -1);
    ck_assert_int_eq(errno, ESRCH);
}
END_TEST

START_TEST(test_sig_sigfd_read_bad_fd)
{
    struct ipc_sig_event ev;

    errno = 0;
    ck_assert_int_eq(ipc_sigfd_read(-1, &ev), -1);
    ck_assert_int_eq(errno, EBADF);
}
END_TEST

Suite *
sig_suite(void)
{
    Suite *s = suite_create("sig");
    TCase *tc_core = tcase_create("core");
    TCase *tc_limits = tcase_create("limits");
    TCase *tc_errors = tcase_create("errors");

    tcase_add_checked_fixture(tc_core, save_mask, restore_mask);
    tcase_add_test(tc_core, test_sig_init_rt);
    tcase_add_test(tc_core, test_sig_init_classic);
    tcase_add_test(tc_core, test_sig_mode_parse_and_name);
    tcase_add_test(tc_core, test_sig_addset_protocol_both_modes);
    tcase_add_test(tc_core, test_sig_names);
    tcase_add_test(tc_core, test_sig_send_rt_to_self);
    tcase_add_test(tc_core, test_sig_send_classic_to_self);
    tcase_add_test(tc_core, test_sig_from_accepts_peer);
    tcase_add_test(tc_core, test_sig_sigfd_read);
    tcase_add_test(tc_core, test_sig_sigfd_read_many);
    tcase_add_test(tc_core, test_sig_send_from_forked_child);
    suite_add_tcase(s, tc_core);

    tcase_add_checked_fixture(tc_limits, save_mask, restore_mask);
    tcase_add_test(tc_limits, test_sig_rt_signals_queue);
    tcase_add_test(tc_limits, test_sig_classic_signals_coalesce);
    tcase_add_test(tc_limits, test_sig_revoke_overtakes_ready);
    tcase_add_test(tc_limits, test_sig_rt_value_full_range);
    tcase_add_test(tc_limits, test_sig_wait_zero_timeout_polls);
    tcase_add_test(tc_limits, test_sig_name_never_null);
    tcase_add_test(tc_limits, test_sig_wait_survives_other_signal);
    suite_add_tcase(s, tc_limits);

    tcase_add_checked_fixture(tc_errors, save_mask, restore_mask);
    tcase_add_test(tc_errors, test_sig_wait_times_out);
    tcase_add_test(tc_errors, test_sig_from_rejects_wrong_pid);
    tcase_add_test(tc_errors, test_sig_from_rejects_wrong_code);
    tcase_add_test(tc_errors, test_sig_mode_parse_rejects);
    tcase_add_test(tc_errors, test_sig_send_to_gone_process_is_esrch);
    tcase_add_test(tc_errors, test_sig_sigfd_read_bad_fd);
    suite_add_tcase(s, tc_errors);

    return s;
}
