/*
 * sig.c - sending and taking the protocol's signals.
 *
 * No signal handlers here: signals are blocked and taken synchronously,
 * with sigtimedwait() (workers) or a signalfd polled beside the FIFOs
 * (server) or beside the input and output (clients). That sidesteps
 * async-signal-safety entirely and lets us trace each signal when it is
 * consumed.
 * Unit tests: tests/unit/check_sig.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "ipclab/proc.h"
#include "ipclab/sig.h"
#include "ipclab/trace.h"

void
ipc_sigs_init(struct ipc_sigs *s, enum ipc_sig_mode mode)
{
    s->mode = mode;
    if (mode == IPCLAB_SIG_RT) {
        s->revoke = SIGRTMIN + 1;
        s->ready = SIGRTMIN + 2;
        s->ack = SIGRTMIN + 3;
    } else {
        s->revoke = 0;
        s->ready = SIGUSR1;
        s->ack = SIGUSR2;
    }
}

const char *
ipc_sig_mode_name(enum ipc_sig_mode mode)
{
    return mode == IPCLAB_SIG_RT ? "rt" : "classic";
}

int
ipc_sig_mode_parse(const char *text, enum ipc_sig_mode *mode)
{
    if (strcmp(text, "rt") == 0)
        *mode = IPCLAB_SIG_RT;
    else if (strcmp(text, "classic") == 0)
        *mode = IPCLAB_SIG_CLASSIC;
    else {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

const char *
ipc_sig_name(int signo, char *buf, size_t size)
{
    const char *abbrev = sigabbrev_np(signo);   /* glibc 2.32 and later */

    if (signo >= SIGRTMIN && signo <= SIGRTMAX)
        snprintf(buf, size, "SIGRTMIN+%d", signo - SIGRTMIN);
    else if (abbrev == NULL)
        snprintf(buf, size, "signal %d", signo);
    else
        snprintf(buf, size, "SIG%s", abbrev);
    return buf;
}

/* Every protocol signal of both modes: a stray one of the other mode
   must be taken and ignored, never left to its default action (death). */
void
ipc_sig_addset_protocol(sigset_t *set)
{
    sigaddset(set, SIGUSR1);
    sigaddset(set, SIGUSR2);
    for (int i = 1; i <= 3; i++)
        sigaddset(set, SIGRTMIN + i);
}

int
ipc_sig_send(const struct ipc_sigs *s, int signo, const char *what,
             pid_t pid, uint32_t value)
{
    int r;

    if (pid <= 0) {             /* kill() would signal a whole group */
        errno = ESRCH;
        return -1;
    }
    if (s->mode == IPCLAB_SIG_CLASSIC)
        value = 0;              /* classic signals carry nothing */
    /* traced before sending: the receiver may consume it at once */
    IPCLAB_TP(signal_send, signo, what, (int)pid, (int)value);
    if (s->mode == IPCLAB_SIG_RT)
        r = sigqueue(pid, signo, (union sigval){ .sival_int = (int)value });
    else
        r = kill(pid, signo);
    if (r == -1)
        IPCLAB_TP(error, "signal_send", errno);
    return r;
}

const char *
ipc_sig_send_hint(int err)
{
    return err == EAGAIN ? " (the server's RLIMIT_SIGPENDING, ulimit -i, is "
                           "reached)" : "";
}

int
ipc_sig_wait(const sigset_t *set, int timeout_ms, struct ipc_sig_event *ev)
{
    int64_t deadline = ipc_deadline_ms(timeout_ms);
    siginfo_t si;
    int signo;

    for (;;) {
        int left = ipc_ms_until(deadline);

        if (left < 0) {
            signo = sigwaitinfo(set, &si);
        } else {
            struct timespec ts = { .tv_sec = left / 1000,
                                   .tv_nsec = (long)(left % 1000) * 1000000 };

            signo = sigtimedwait(set, &si, &ts);
        }
        if (signo > 0)
            break;
        if (errno == EAGAIN)
            return 0;           /* timed out */
        if (errno != EINTR)
            return -1;
        /* another signal interrupted us: wait again until the deadline */
    }
    ev->signo = signo;
    ev->pid = si.si_pid;
    ev->code = si.si_code;
    ev->value = si.si_code == SI_QUEUE ? (uint32_t)si.si_value.sival_int : 0;
    return signo;
}

int
ipc_sigfd_read_many(int fd, struct ipc_sig_event *evs, int max)
{
    enum { BATCH = 64 };
    struct signalfd_siginfo si[BATCH];
    ssize_t n;
    int count;

    if (max < 1) {
        errno = EINVAL;
        return -1;
    }
    if (max > BATCH)
        max = BATCH;
    do
        n = read(fd, si, (size_t)max * sizeof(si[0]));
    while (n == -1 && errno == EINTR);   /* interrupted --> restart */
    if (n == -1)
        return errno == EAGAIN ? 0 : -1;
    if (n == 0 || n % (ssize_t)sizeof(si[0]) != 0) {
        errno = EIO;                    /* the kernel gives whole entries */
        return -1;
    }
    count = (int)(n / (ssize_t)sizeof(si[0]));
    for (int i = 0; i < count; i++) {
        evs[i].signo = (int)si[i].ssi_signo;
        evs[i].pid = (pid_t)si[i].ssi_pid;
        evs[i].code = si[i].ssi_code;
        evs[i].value = si[i].ssi_code == SI_QUEUE ? (uint32_t)si[i].ssi_int
                                                  : 0;
    }
    return count;
}

int
ipc_sigfd_read(int fd, struct ipc_sig_event *ev)
{
    return ipc_sigfd_read_many(fd, ev, 1);
}

bool
ipc_sig_from(const struct ipc_sigs *s, const struct ipc_sig_event *ev,
             pid_t peer)
{
    int expected_code = s->mode == IPCLAB_SIG_RT ? SI_QUEUE : SI_USER;

    return ev->pid == peer && ev->code == expected_code;
}

void
ipc_sig_consumed(const struct ipc_sig_event *ev, const char *what)
{
    IPCLAB_TP(signal_consume, ev->signo, what, (int)ev->pid, (int)ev->value);
}

void
ipc_sig_ignored(const struct ipc_sig_event *ev, const char *reason)
{
    IPCLAB_TP(signal_ignore, ev->signo, (int)ev->pid, (int)ev->value, reason);
}
