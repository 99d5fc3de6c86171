/*
 * hs.h - exercise 04: the requesting client's side of the handshake.
 *
 * FIFO2 is read by every requesting client, so a client may read it only
 * when the server says, by a signal, that the record waiting there is
 * its own; and it must say "read" (ack) before the server writes the
 * next one. docs/protocol.md, section 4, steps 12 to 17:
 *
 *   server --result--> FIFO2     server --ready(seq)--> client
 *   client: read ONE record      client --ack(seq)--> server
 *
 * The signals are taken synchronously: blocked BEFORE the request is
 * sent (the result may come back before the client is ready to wait),
 * then taken with sigtimedwait(), so no handler runs and no wake-up can
 * fall between a test and a wait. You write hs.c with sigprocmask(),
 * sigtimedwait()/sigwaitinfo() and sigqueue()/kill() yourself: not with
 * the kit's ipc_sig_wait(), ipc_sig_from() or ipc_sig_send(), which do
 * this for the reference client (src/rc/session.c).
 *
 * main.c (given) connects and prints. This header is given: do not
 * change it. The handout is exercises/04-signal-sync/README.md.
 */
#ifndef EX04_HS_H
#define EX04_HS_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipclab/record.h"
#include "ipclab/sig.h"

struct hs {
    pid_t server;               /* the only process we accept signals from */
    struct ipc_sigs sigs;       /* the server's mode (rt or classic) */
    sigset_t waitset;           /* ready, and revoke in rt mode */
    int fd1;                    /* FIFO1, write end (non-blocking) */
    int fd2;                    /* FIFO2, read end (non-blocking, shared) */
    uint32_t next_seq;          /* from 1 */
};

/*
 * Step 1. Fill h->waitset with the signals a client waits for (ready;
 * revoke too when the mode has one) and block them, keeping the others
 * of the caller's mask. *old (when not NULL) gets the previous mask.
 * Returns 0 or -1.
 */
int
hs_block(struct hs *h, sigset_t *old);

/*
 * Step 2. Wait up to timeout_ms (-1: no limit) for a signal of
 * h->waitset sent by h->server, sent the protocol's way (sigqueue() in
 * rt mode: si_code SI_QUEUE; kill() in classic mode: SI_USER). Any other
 * is ignored, traced as ipclab:signal_ignore (reason
 * "unexpected_sender"), and the wait goes on. A handler that interrupts
 * the wait (EINTR) does not end it, nor extend the deadline. The signal
 * taken is traced as ipclab:signal_consume ("ready" or "revoke").
 * Returns the signal number with *ev filled, 0 on timeout, -1 on error.
 */
int
hs_wait(struct hs *h, int timeout_ms, struct ipc_sig_event *ev);

/*
 * Step 3. Acknowledge record 'seq' to the server: h->sigs.ack with
 * sigqueue() carrying seq in rt mode, kill() in classic mode. Traced as
 * ipclab:signal_send ("ack") just before it is sent. Returns 0, or -1
 * (ESRCH: the server is gone).
 */
int
hs_ack(struct hs *h, uint32_t seq);

/*
 * Step 4. One request a OP b: write it into FIFO1, then wait for ready,
 * read exactly one record from FIFO2, check that it is ours, ack it.
 * Returns 0 with the result in *res (its status may be an arithmetic
 * error: that is an answer). Returns -1 with errno ETIMEDOUT (no answer
 * within timeout_ms), ECANCELED (the server revoked it) or EPIPE (the
 * server is gone).
 */
int
hs_request(struct hs *h, enum ipc_op op, int64_t a, int64_t b,
           struct ipc_record *res, int timeout_ms);

#endif /* EX04_HS_H */
