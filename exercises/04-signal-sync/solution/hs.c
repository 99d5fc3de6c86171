/*
 * hs.c - exercise 04: the client side of the signal handshake.
 *
 * Why blocked signals and sigtimedwait(), not a handler and pause():
 *   - a handler installed after the request is sent can miss a fast
 *     result's ready (the original design lost results that way);
 *   - "if (!got_ready) pause();" loses a ready arriving between the test
 *     and pause(); sigsuspend() closes that window, sigtimedwait() has
 *     none: the signal waits, blocked, until we take it;
 *   - nothing runs in signal context, so tracing and reading are safe.
 * [lab04:early-result] [lab04:lost-wakeup]
 *
 * The server's side is src/server/handshake.c; the reference client's,
 * src/rc/session.c. Graded by: make grade EX=04.
 * Reference solution for exercise 04, steps 1-4.
 */
#include <errno.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "hs.h"
#include "ipclab/fifo.h"
#include "ipclab/proc.h"
#include "ipclab/trace.h"

/* Step 1 */
int
hs_block(struct hs *h, sigset_t *old)
{
    sigemptyset(&h->waitset);
    sigaddset(&h->waitset, h->sigs.ready);
    if (h->sigs.revoke != 0)
        sigaddset(&h->waitset, h->sigs.revoke);
    /* SIG_BLOCK adds to the mask: the caller's other blocked signals stay */
    return sigprocmask(SIG_BLOCK, &h->waitset, old);
}

/* Step 2 */
int
hs_wait(struct hs *h, int timeout_ms, struct ipc_sig_event *ev)
{
    int64_t deadline = ipc_deadline_ms(timeout_ms);
    int code = h->sigs.mode == IPCLAB_SIG_RT ? SI_QUEUE : SI_USER;

    for (;;) {
        int left = ipc_ms_until(deadline);
        siginfo_t si;
        int signo;

        if (left < 0) {
            signo = sigwaitinfo(&h->waitset, &si);
        } else {
            struct timespec ts = { .tv_sec = left / 1000,
                                   .tv_nsec = (long)(left % 1000) * 1000000 };

            signo = sigtimedwait(&h->waitset, &si, &ts);
        }
        if (signo == -1) {
            if (errno == EINTR)
                continue;       /* a handler ran: same deadline, again */
            return errno == EAGAIN ? 0 : -1;
        }
        ev->signo = signo;
        ev->pid = si.si_pid;
        ev->code = si.si_code;
        ev->value = si.si_code == SI_QUEUE ? (uint32_t)si.si_value.sival_int
                                           : 0;
        /* only the server, the protocol's way: a stray kill from a shell
           must not make us read a record that is not ours */
        if (si.si_pid != h->server || si.si_code != code) {
            IPCLAB_TP(signal_ignore, signo, (int)ev->pid, (int)ev->value,
                      "unexpected_sender");
            continue;
        }
        IPCLAB_TP(signal_consume, signo,
                  signo == h->sigs.ready ? "ready" : "revoke",
                  (int)ev->pid, (int)ev->value);
        return signo;
    }
}

/* Step 3 */
int
hs_ack(struct hs *h, uint32_t seq)
{
    union sigval sv;
    int r;

    if (h->sigs.mode == IPCLAB_SIG_CLASSIC)
        seq = 0;                /* kill() carries nothing */
    sv.sival_int = (int)seq;
    /* traced before: the server may consume it before we return */
    IPCLAB_TP(signal_send, h->sigs.ack, "ack", (int)h->server, (int)seq);
    r = h->sigs.mode == IPCLAB_SIG_RT ? sigqueue(h->server, h->sigs.ack, sv)
                                   : kill(h->server, h->sigs.ack);
    if (r == -1)
        IPCLAB_TP(error, "signal_send", errno);
    return r;
}

/* Step 4 */
int
hs_request(struct hs *h, enum ipc_op op, int64_t a, int64_t b,
           struct ipc_record *res, int timeout_ms)
{
    int64_t deadline = ipc_deadline_ms(timeout_ms);
    uint32_t seq = h->next_seq++;
    struct ipc_record req;

    /* the signals were blocked before this (hs_block): a ready that comes
       before we wait stays pending instead of being lost */
    ipc_rec_request(&req, op, a, b, seq);
    if (ipc_rec_write(h->fd1, IPCLAB_FIFO1, &req, timeout_ms) == -1) {
        if (errno != ETIMEDOUT)
            errno = EPIPE;
        return -1;
    }
    for (;;) {
        struct ipc_sig_event ev;
        int signo = hs_wait(h, ipc_ms_until(deadline), &ev);
        int r;

        if (signo == -1)
            return -1;
        if (signo == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        if (signo != h->sigs.ready) {
            if (ev.value == seq) {          /* revoked: no answer */
                errno = ECANCELED;
                return -1;
            }
            continue;
        }
        r = ipc_rec_read_one(h->fd2, IPCLAB_FIFO2, res, IPCLAB_KIND_RESULT);
        if (r == 0) {
            errno = EPIPE;      /* EOF: the server closed FIFO2 */
            return -1;
        }
        if (r == -1) {
            /* EAGAIN: taken back already, no ack; EBADMSG: garbage, ack
               it so the server goes on */
            if (errno == EBADMSG)
                hs_ack(h, ev.value);
            continue;
        }
        if (res->pid != (int32_t)getpid()) {
            /* another client's result: the protocol is broken; ack so
               the server goes on, and keep waiting for ours */
            IPCLAB_TP(error, "record for another client", res->pid);
            hs_ack(h, ev.value);
            continue;
        }
        if (hs_ack(h, res->seq) == -1) {
            errno = EPIPE;
            return -1;
        }
        if (res->seq == seq)
            return 0;
        /* a late answer to an earlier request that timed out: drop it */
    }
}
