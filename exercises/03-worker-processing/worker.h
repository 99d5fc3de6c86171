/*
 * worker.h - exercise 03: a processing client of your own.
 *
 * You write a drop-in replacement for ipclab-sum, -sub, -mul and -div:
 * the reference server starts it (ipclab-server --worker-dir DIR runs
 * DIR/ipclab-sum and the others) and it must follow the protocol of
 * docs/protocol.md, section 4, steps 6 to 10:
 *
 *   wait for "ready" --> read ONE request from FIFO3 --> "ack" -->
 *   compute (checked arithmetic) --> write the result into FIFO4
 *
 * main.c (given) parses the options, blocks the signals and opens the
 * FIFOs; you write compute.c and worker.c. This header is given: do not
 * change it. The handout is exercises/03-worker-processing/README.md.
 */
#ifndef EX03_WORKER_H
#define EX03_WORKER_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipclab/record.h"
#include "ipclab/sig.h"

#define WK_POLL_PARENT_MS 500   /* how often an idle worker checks its server */

struct wk {
    enum ipc_op op;             /* the operation this program computes */
    const char *role;           /* "sum"...: for traces */
    pid_t server;               /* our parent; the only accepted sender */
    struct ipc_sigs sigs;       /* signal numbers of the server's mode */
    sigset_t waitset;           /* ready, SIGTERM, SIGINT: all blocked */
    int fd3;                    /* FIFO3, read end, non-blocking */
    int fd4;                    /* FIFO4, write end, non-blocking */
    int once;                   /* --once: one request, then exit */
    int delay_ms;               /* --delay: pretend to work this long */
    long crash_after;           /* --crash-after: test hook, 0 = never */
    long handled;               /* requests read so far */
};

/*
 * Compute 'a op b' into *out, in 64 bits, WITHOUT the compiler's overflow
 * builtins and WITHOUT a wider type (no __int128, no long double): decide
 * before computing whether the result fits. Returns 0; EDOM for a
 * division by zero; ERANGE when the result does not fit in int64_t
 * (INT64_MIN / -1 included); EINVAL for an unknown operation. *out is
 * written only on success. Division truncates toward zero, as C's '/'.
 */
int
wk_compute(uint32_t op, int64_t a, int64_t b, int64_t *out);

/*
 * The server said "ready" (*ev, already checked to come from it): read
 * exactly one request from FIFO3, acknowledge it at once, compute, and
 * write the result into FIFO4. Returns 0, or -1 when the worker cannot
 * go on (the ack or the result cannot be sent: the server is gone).
 */
int
wk_handle_ready(struct wk *w, const struct ipc_sig_event *ev);

/*
 * The worker's life: wait for signals and handle each "ready" until
 * SIGTERM or SIGINT (return 0), --once after one request (return 0), or
 * the server's death (return 1). Never blocks for more than
 * WK_POLL_PARENT_MS without checking that the server is still there.
 */
int
wk_loop(struct wk *w);

#endif /* EX03_WORKER_H */
