/*
 * labs/04-signal-sync/handler.c - what a signal handler may do: set a flag.
 *
 * A handler runs in the middle of whatever the program was doing, perhaps
 * inside printf() or malloc() holding their locks; so it may call only
 * async-signal-safe functions (signal-safety(7)). printf(), malloc(),
 * exit() and the tracepoints are not among them. The safe pattern: the
 * handler sets a volatile sig_atomic_t and returns; the program notices
 * and does the work in normal context. Two parts:
 *
 *   1. The flag, and waiting for it without a race. Testing the flag and
 *      then calling pause() leaves a window in which the signal can come
 *      and be missed; so the signal stays blocked while the flag is
 *      tested, and sigsuspend() unblocks it and sleeps in one atomic step
 *      (sigsuspend(2)).
 *   2. A handler interrupts a read() that sleeps: without SA_RESTART the
 *      read() fails with EINTR; with SA_RESTART the kernel restarts it
 *      (signal(7), "Interruption of system calls and library functions by
 *      signal handlers"). The kit's loops restart on EINTR in one place,
 *      ipc_read_full(); this experiment calls read() itself to see it.
 *
 * The kit itself has no handlers: it takes signals with sigwaitinfo() or
 * a signalfd (see rt.c, sigfd.c).
 *
 * Run:   build/bin/lab04-signal-sync async-safe         Lab 04, step 6.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "ipclab/sig.h"
#include "ipclab/trace.h"
#include "lab.h"
#include "lab04.h"

/* written by signal handlers */
static volatile sig_atomic_t got_signal;
static volatile sig_atomic_t sender;    /* pid_t fits: both are int */

/*
 * SIGUSR1: remember that it came, and from whom.
 * Async-signal-safe: writes only 'got_signal' and 'sender'; saves errno.
 */
static void
on_usr1(int sig, siginfo_t *si, void *ctx)
{
    int saved_errno = errno;

    (void)sig;
    (void)ctx;
    sender = si->si_pid;
    got_signal = 1;
    errno = saved_errno;
}

/* flags: 0, or SA_RESTART; stated by each caller */
static void
install(int flags)
{
    struct sigaction sa;

    sa.sa_sigaction = on_usr1;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(SIGUSR1, &sa, NULL);
}

/* Trace the signal now, in normal context, as the kit traces any. */
static void
trace_taken(void)
{
    struct ipc_sig_event ev = { SIGUSR1, (pid_t)sender, SI_USER, 0 };

    ipc_sig_consumed(&ev, "ready");
}

struct waiter {
    bool restart;               /* part 2: SA_RESTART or not */
    struct lab_gate ready;      /* waiter --> lab: about to wait */
};

/* Peer, part 1: wait for the flag with sigsuspend(). */
static int
flag_waiter(void *arg)
{
    struct waiter *w = arg;
    sigset_t usr1, old;

    install(0);
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, &old);
    lab_gate_post(&w->ready, 1);
    while (!got_signal)         /* blocked while we test: cannot be missed */
        sigsuspend(&old);       /* unblock + sleep, atomically; EINTR */
    sigprocmask(SIG_SETMASK, &old, NULL);
    trace_taken();
    lab_say("the handler only set a flag; I saw it, and do the rest here: "
            "SIGUSR1 from pid %ld", (long)sender);
    return 0;
}

/* Peer, part 2: a read() that the signal interrupts. */
static int
blocked_reader(void *arg)
{
    char path[PATH_MAX];
    struct waiter *w = arg;
    struct ipc_record rec;
    int fd, err;
    ssize_t n;

    install(w->restart ? SA_RESTART : 0);       /* the point of part 2 */
    fd = ipc_fifo_open(IPCLAB_FIFO_LAB, lab_path(path, "handler"),
                       O_RDONLY);
    lab_gate_post(&w->ready, 1);
    n = read(fd, &rec, sizeof(rec));
    err = errno;
    if (!got_signal || fd == -1)
        return 1;
    trace_taken();
    if (n == -1) {
        IPCLAB_TP(error, "read", err);
        lab_say("read() failed with %s: the handler ran, and read() was "
                "not restarted", ipc_errno_name(err));
        return err == EINTR && !w->restart ? 0 : 1;
    }
    if (n == (ssize_t)sizeof(rec) &&
        ipc_rec_validate(&rec, (size_t)n, IPCLAB_KIND_REQUEST) == IPCLAB_REC_OK)
        IPCLAB_TP(record_read, IPCLAB_FIFO_LAB, &rec);
    lab_say("the handler ran, read() went on, and returned %zd bytes", n);
    return n == (ssize_t)sizeof(rec) && w->restart ? 0 : 1;
}

/* Part 2, once: interrupt the reader's read(); feed it if it restarts. */
static bool
interrupt_read(bool restart)
{
    char path[PATH_MAX];
    struct waiter w = { .restart = restart };
    struct ipc_record rec;
    struct ipc_sigs sigs;
    char wchan[64];
    bool ok;
    pid_t pid;
    int fd;

    ipc_sigs_init(&sigs, IPCLAB_SIG_CLASSIC);
    lab_fifo(IPCLAB_FIFO_LAB, lab_path(path, "handler"));
    lab_gate_init(&w.ready);
    pid = lab_fork("reader", blocked_reader, &w);
    fd = lab_open(IPCLAB_FIFO_LAB, path, O_WRONLY);
    ok = lab_gate_wait(&w.ready, NULL) &&
         lab_wait_blocked(pid, wchan, sizeof(wchan));
    lab_say("%s: the reader sleeps in read() (in the kernel: %s)",
            restart ? "with SA_RESTART" : "without SA_RESTART", wchan);
    lab_need(ipc_sig_send(&sigs, SIGUSR1, "ready", pid, 0), "send the signal");
    if (restart) {              /* it is reading again: give it a record */
        ipc_rec_request(&rec, IPCLAB_OP_SUM, 1, 2, 1);
        lab_need(ipc_rec_write(fd, IPCLAB_FIFO_LAB, &rec, -1),
                 "write the record");
    }
    ok &= lab_wait(pid, "reader") == 0;
    lab_gate_close(&w.ready);
    close(fd);
    unlink(path);
    return ok;
}

bool
exp_async_safe(void)
{
    struct waiter w = { .restart = false };
    struct ipc_sigs sigs;
    bool ok;
    pid_t pid;

    ipc_sigs_init(&sigs, IPCLAB_SIG_CLASSIC);
    lab_gate_init(&w.ready);
    pid = lab_fork("waiter", flag_waiter, &w);
    ok = lab_gate_wait(&w.ready, NULL);
    lab_need(ipc_sig_send(&sigs, SIGUSR1, "ready", pid, 0), "send the signal");
    ok &= lab_expect(lab_wait(pid, "waiter") == 0, "the flag was set by the "
                     "handler and seen by the program, with no race");
    lab_gate_close(&w.ready);
    ok &= lab_expect(interrupt_read(false), "without SA_RESTART, the "
                     "interrupted read() failed with EINTR");
    return lab_expect(interrupt_read(true), "with SA_RESTART, the read() "
                      "was restarted and returned the record") && ok;
}
