/*
 * ipclab/sig.h - the signals that synchronise readers of shared FIFOs.
 *
 * Three meanings travel as signals (docs/protocol.md has the sequence):
 *
 *   ready   server --> reader   "one record for you is in the FIFO"
 *   ack     reader --> server   "I have read it; the FIFO is empty again"
 *   revoke  server --> rc       "I took back the record I announced"
 *
 * In rt mode (the default) they are real-time signals sent with sigqueue():
 * they queue instead of coalescing and carry the request's sequence number,
 * so every signal can be matched to its record. In classic mode they are
 * SIGUSR1 and SIGUSR2 sent with kill(): standard signals of one number
 * coalesce while pending and carry nothing, which lab 04 shows going wrong.
 * Classic mode has no revoke.
 *
 * Nobody installs a handler for these: each process blocks them and takes
 * them in normal context with sigtimedwait() or a signalfd, so there is no
 * window between "check" and "wait" in which one can be lost, and traces
 * can be emitted safely when one is consumed.
 */
#ifndef IPCLAB_SIG_H
#define IPCLAB_SIG_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum ipc_sig_mode {
    IPCLAB_SIG_RT = 0,                 /* sigqueue() with the seq as payload */
    IPCLAB_SIG_CLASSIC = 1,            /* kill() with SIGUSR1 / SIGUSR2 */
};

/* The signal numbers of one mode. */
struct ipc_sigs {
    enum ipc_sig_mode mode;
    int ready;                      /* SIGRTMIN+2 or SIGUSR1 */
    int ack;                        /* SIGRTMIN+3 or SIGUSR2 */
    int revoke;                     /* SIGRTMIN+1 (lower: delivered before a
                                       pending ready), or 0 in classic mode */
};

/* A signal taken from the queue, wherever it came from. */
struct ipc_sig_event {
    int signo;
    pid_t pid;                      /* sender, from si_pid */
    int code;                       /* si_code: SI_QUEUE, SI_USER, ... */
    uint32_t value;                 /* sigqueue() payload; 0 otherwise */
};

/* Fill *s with the signal numbers of 'mode'. */
void
ipc_sigs_init(struct ipc_sigs *s, enum ipc_sig_mode mode);

/* "rt" or "classic"; and back: returns 0, or -1 (EINVAL) for other text. */
const char *
ipc_sig_mode_name(enum ipc_sig_mode mode);

int
ipc_sig_mode_parse(const char *text, enum ipc_sig_mode *mode);

/* Room for any name ipc_sig_name() gives */
#define IPCLAB_SIG_NAME_MAX 32

/* "SIGRTMIN+2", "SIGUSR1", "SIGTERM"... into buf[size], for messages.
   Returns buf. */
const char *
ipc_sig_name(int signo, char *buf, size_t size);

/*
 * Send signal 'signo' meaning 'what' ("ready", "ack", "revoke") to pid:
 * sigqueue() with 'value' in rt mode, kill() in classic mode. Traces
 * ipclab:signal_send. Returns 0, or -1 (ESRCH: pid is gone, or is not
 * one process (<= 0); EAGAIN: the receiver's queue of real-time signals is
 * full).
 */
int
ipc_sig_send(const struct ipc_sigs *s, int signo, const char *what,
             pid_t pid, uint32_t value);

/*
 * The end of a client's message after sending to the server failed with
 * err: " (the server's RLIMIT_SIGPENDING, ulimit -i, is reached)" for
 * EAGAIN, else "". errno is kept.
 */
const char *
ipc_sig_send_hint(int err);

/*
 * Add to 'set' every signal either mode uses (SIGUSR1, SIGUSR2,
 * SIGRTMIN+1..3). Each program blocks them all and ignores (and traces)
 * those its mode does not use, so a stray one is never fatal.
 */
void
ipc_sig_addset_protocol(sigset_t *set);

/*
 * Wait up to timeout_ms (-1: forever) for one of the blocked signals in
 * 'set' and describe it in *ev. Restarts after other signals interrupt the
 * wait, without extending the deadline. Returns the signal number, 0 on
 * timeout, or -1 on error. The signals in 'set' must be blocked.
 */
int
ipc_sig_wait(const sigset_t *set, int timeout_ms, struct ipc_sig_event *ev);

/*
 * Read one signal from signalfd 'fd' into *ev. Returns 1, 0 when none is
 * pending (the fd is non-blocking), or -1.
 */
int
ipc_sigfd_read(int fd, struct ipc_sig_event *ev);

/*
 * Read up to max (1 to 64; more is taken as 64) pending signals from
 * signalfd 'fd' into evs[] with one read(). Returns how many, 0 when none
 * is pending, or -1 (EINVAL: max < 1; read()'s errors).
 * Fewer than max means the queue was empty after them: no need to read
 * again before the next poll() says so.
 */
int
ipc_sigfd_read_many(int fd, struct ipc_sig_event *evs, int max);

/*
 * True when *ev is what the protocol expects from 'peer': sent by that pid,
 * and by sigqueue() in rt mode (by kill() in classic mode). A signal sent by
 * anyone else is ignored and traced by the caller; this is what stops a
 * stray process from faking an acknowledgement.
 */
bool
ipc_sig_from(const struct ipc_sigs *s, const struct ipc_sig_event *ev,
             pid_t peer);

/* Trace the consumption of *ev, meaning 'what'. */
void
ipc_sig_consumed(const struct ipc_sig_event *ev, const char *what);

/* Trace that *ev was ignored, and why ("unexpected_sender"...). */
void
ipc_sig_ignored(const struct ipc_sig_event *ev, const char *reason);

#endif /* IPCLAB_SIG_H */
