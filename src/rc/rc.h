/*
 * rc/rc.h - the requesting client's connection to the server.
 *
 * session.c holds the protocol (send a request, wait for its result with
 * the signal handshake); main.c holds the three ways of using it (one
 * expression, a file of them, a random load).
 */
#ifndef IPCLAB_RC_H
#define IPCLAB_RC_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipclab/record.h"
#include "ipclab/sig.h"

struct rc_session {
    const char *dir;
    pid_t server;               /* the only process we accept signals from */
    struct ipc_sigs sigs;       /* the server's mode, read from its lock */
    sigset_t waitset;           /* every protocol signal: blocked */
    int sigfd;                  /* signalfd of waitset: poll it */
    int fd1;                    /* FIFO1, write end */
    int fd2;                    /* FIFO2, read end (shared with other rcs) */
    int fd4;                    /* FIFO4, write end: gives back a record
                                   meant for another client */
    uint32_t next_seq;
    long die_before_ack;        /* test hook: SIGKILL self at Nth ready */
    long readies;
};

/* What rc_take() brought back */
enum rc_event {
    RC_NONE = 0,                /* nothing (more) for us now */
    RC_RESULT,                  /* *res holds a result with our pid: the
                                   caller checks it against its request */
    RC_REVOKED,                 /* the server took back result res->seq */
    RC_SERVER_GONE,             /* the server died or stopped */
};

/*
 * Find the server of 'dir', block our signals, open the FIFOs. Prints a
 * one-line error and exits 1 when there is no server: never waits for one.
 */
void
rc_connect(struct rc_session *s, const char *dir);

/*
 * Send one request; its seq is stored in *seq. Waits up to timeout_ms
 * while FIFO1 is full (back-pressure). Returns 0, or -1 when the server is
 * gone (EPIPE) or did not make room in time (ETIMEDOUT).
 */
int
rc_send(struct rc_session *s, enum ipc_op op, int64_t a, int64_t b,
        uint32_t *seq, int timeout_ms);

/*
 * Take the signals pending on s->sigfd (poll it for POLLIN) until one
 * brings something: a result (acknowledged already), a revoke, or the
 * server's end. RC_NONE when nothing more is pending.
 */
enum rc_event
rc_take(struct rc_session *s, struct ipc_record *res);

/* True while the server process exists */
bool
rc_server_alive(const struct rc_session *s);

#endif /* IPCLAB_RC_H */
