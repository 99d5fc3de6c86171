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
 * Exercise 04, steps 1-4.
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
    /* TODO(04-1): put ready (and revoke, when h->sigs.revoke != 0) into
       h->waitset and block them. SIG_BLOCK or SIG_SETMASK: which one
       keeps the caller's other blocked signals? Why must this happen
       before the first request is written, not when we start waiting? */
    (void)h;
    (void)old;
    errno = ENOSYS;
    return -1;
}

/* Step 2 */
int
hs_wait(struct hs *h, int timeout_ms, struct ipc_sig_event *ev)
{
    int64_t deadline = ipc_deadline_ms(timeout_ms);
    int code = h->sigs.mode == IPCLAB_SIG_RT ? SI_QUEUE : SI_USER;

    for (;;) {
        int left = ipc_ms_until(deadline);

        /* TODO(04-2): take one signal of h->waitset: sigwaitinfo() when
           left < 0, else sigtimedwait() with 'left' ms. EINTR: a handler
           of some other signal ran; wait again until the same deadline.
           EAGAIN: timed out, return 0. */

        /* TODO(04-2): fill *ev from the siginfo_t (si_pid, si_code, and
           si_value.sival_int when si_code is SI_QUEUE). Accept only
           si_pid == h->server with si_code == 'code': trace anything else
           with IPCLAB_TP(signal_ignore, signo, pid, value,
           "unexpected_sender") and go on waiting — what would a client
           that believed any SIGRTMIN+2 read from FIFO2? */

        /* TODO(04-2): trace the signal taken, IPCLAB_TP(signal_consume,
           signo, "ready" or "revoke", pid, value), and return signo. */
        (void)left;
        (void)code;
        (void)ev;
        errno = ENOSYS;
        return -1;
    }
}

/* Step 3 */
int
hs_ack(struct hs *h, uint32_t seq)
{
    /* TODO(04-3): send h->sigs.ack to h->server: sigqueue() with 'seq'
       as the value in rt mode, kill() in classic mode (value 0). Trace
       it just BEFORE sending, IPCLAB_TP(signal_send, signo, "ack", pid,
       value): why before, and not after sigqueue() returns? On failure
       trace IPCLAB_TP(error, "signal_send", errno). */
    (void)h;
    (void)seq;
    errno = ENOSYS;
    return -1;
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
        /* TODO(04-4): hs_wait() until the deadline (ipc_ms_until()).
           - 0: ETIMEDOUT; -1: fail;
           - revoke: ECANCELED if its value is our seq, else wait on;
           - ready: read exactly one record (ipc_rec_read_one(), kind
             IPCLAB_KIND_RESULT). 0 is EOF: the server is gone (EPIPE).
             EAGAIN: the server took it back: no ack, wait on. EBADMSG:
             ack the ready's value so the server goes on, wait on.
           - a result whose pid is not ours: the protocol broke; ack it
             anyway (why?) and wait on;
           - ours: ack res->seq; return 0 if it is 'seq' (an older seq is
             a late answer to a request that timed out: drop it). */
        (void)deadline;
        (void)res;
        errno = ENOSYS;
        return -1;
    }
}
