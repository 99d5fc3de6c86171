/*
 * worker/main.c - the processing clients: ipclab-sum, -sub, -mul, -div.
 *
 * One implementation, four programs: the name it is run as picks the
 * operation. The server starts them (a persistent pool, one per operation,
 * or one per request with --once) and they loop:
 *
 *   wait for "ready" from the server --> read ONE request from FIFO3 -->
 *   "ack" to the server --> compute --> write the result into FIFO4
 *
 * FIFO3 is shared by every worker, so a worker reads only after the
 * server's signal says its record is waiting, and acknowledges at once so
 * the server can put the next record in. FIFO4 has many writers and needs
 * no signal: each result is one atomic write().
 *
 * Run: started by ipclab-server; see --help. The server side of the
 * handshake is in src/server/handshake.c. Lab 03, step 1.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "ipclab/calc.h"
#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "ipclab/proc.h"
#include "ipclab/sig.h"
#include "ipclab/trace.h"
#include "ipclab/worker.h"

#define POLL_PARENT_MS 500      /* how often an idle worker checks its server */
#define RESULT_TIMEOUT_MS 10000 /* a server that reads nothing for this long
                                   is stuck: give up on it */

struct worker {
    struct ipc_worker_args args;        /* the command line */
    const char *role;           /* "sum"... */
    pid_t server;               /* our parent; the only accepted sender */
    struct ipc_sigs sigs;
    sigset_t waitset;           /* ready and SIGTERM, both blocked */
    int fd3;                    /* FIFO3, read end */
    int fd4;                    /* FIFO4, write end */
    long handled;               /* requests read so far */
};

static void
usage(void)
{
    printf("Usage: %s [--dir DIR] [--once] [--signals rt|classic]\n"
           "\n"
           "A processing client of ipclab. The server starts it; it is not\n"
           "meant to be run by hand. It waits for the server's 'ready'\n"
           "signal, reads one request from FIFO3, acknowledges, computes\n"
           "and writes the result into FIFO4.\n"
           "\n"
           "  --dir DIR         runtime directory (default: $IPCLAB_DIR,\n"
           "                    else $XDG_RUNTIME_DIR/ipclab, else\n"
           "                    /tmp/ipclab-UID)\n"
           "  --once            handle one request, then exit (per-request\n"
           "                    spawning)\n"
           "  --signals MODE    rt (default) or classic, as the server's\n"
           "  --op NAME         sum, sub, mul or div (default: from the\n"
           "                    program's name)\n"
           "  --delay MS        wait MS milliseconds before answering (labs)\n"
           "  --crash-after N   die by SIGKILL after reading the Nth request\n"
           "                    (tests of the server's recovery)\n"
           "  --by-server       started by ipclab-server: ignore SIGINT\n"
           "  -h, --help        show this help\n"
           "\n"
           "Started by the server (--by-server), it ignores SIGINT (Ctrl-C):\n"
           "the server stops it with SIGTERM once the requests in flight are\n"
           "answered. Run by hand, SIGINT stops it as SIGTERM does, between\n"
           "requests.\n"
           "\n"
           "Exit status: 0 once stopped by SIGTERM (or SIGINT), 1 on errors\n"
           "(FIFOs that cannot be opened, a server gone), 2 on usage errors.\n",
           ipc_progname());
}

/* Our request, read: acknowledge it, compute, answer. */
static void
serve(struct worker *w, struct ipc_record *rec)
{
    int64_t value = 0;
    int status;

    /* ack first: the server may refill FIFO3 while we compute. If it
       fails, answer all the same: the server accepts a result unacked */
    if (ipc_sig_send(&w->sigs, w->sigs.ack, "ack", w->server, rec->seq) == -1
        && errno != ESRCH)
        ipc_warn("cannot acknowledge request %u%s", (unsigned)rec->seq,
                 ipc_sig_send_hint(errno));

    if (w->args.crash_after > 0 && ++w->handled >= w->args.crash_after)
        raise(SIGKILL);         /* test hook: die holding a request */

    IPCLAB_TP(proc_state, w->role, "processing");
    if (w->args.delay_ms > 0)
        ipc_sleep_ms(w->args.delay_ms);
    status = ipc_calc_apply(rec->op, rec->a, rec->b, &value);
    ipc_rec_make_result(rec, status, value);
    /* FIFO4 full means a busy server: wait. A dead one gives EPIPE */
    if (ipc_rec_write(w->fd4, IPCLAB_FIFO4, rec, RESULT_TIMEOUT_MS) == -1)
        ipc_die("cannot write result into FIFO4");
}

/* One request: read it, acknowledge it, compute, answer. */
static void
handle_ready(struct worker *w, const struct ipc_sig_event *ev)
{
    struct ipc_record rec;
    int r;

    ipc_sig_consumed(ev, "ready");
    IPCLAB_TP(proc_state, w->role, "reading");
    r = ipc_rec_read_one(w->fd3, IPCLAB_FIFO3, &rec, IPCLAB_KIND_REQUEST);
    if (r != 1) {
        /* nothing there (reclaimed) or garbage: nothing to answer */
        IPCLAB_TP(error, "read fifo3", r == 0 ? EPIPE : errno);
        if (r == -1 && errno == EBADMSG)
            ipc_sig_send(&w->sigs, w->sigs.ack, "ack", w->server, ev->value);
        return;
    }
    if (rec.op != (uint32_t)w->args.op) {
        /* another operation's request: this ready was stale (we were
           stopped after taking it). Give it back to the server, which
           hands it to its own worker; the ack is that worker's to send */
        IPCLAB_TP(error, "request for another operation", (int)rec.op);
        rec.flags |= IPCLAB_REC_RETURNED;
        ipc_rec_seal(&rec);
        if (ipc_rec_write(w->fd4, IPCLAB_FIFO4, &rec, RESULT_TIMEOUT_MS) == -1)
            ipc_die("cannot give a request back into FIFO4");
        return;
    }
    serve(w, &rec);
}

int
main(int argc, char *argv[])
{
    struct worker w = { .fd3 = -1, .fd4 = -1 };

    ipc_set_progname(argv[0]);
    /* past a file-size limit (ulimit -f) a write fails with EFBIG, which
       we report, instead of killing us silently */
    if (signal(SIGXFSZ, SIG_IGN) == SIG_ERR)
        ipc_die("signal");
    ipc_worker_args_or_exit(argc, argv, &w.args, usage);
    w.role = ipc_op_name(w.args.op);
    w.server = getppid();
    ipc_sigs_init(&w.sigs, w.args.mode);

    /* block before anything can arrive: a ready may already be queued */
    sigemptyset(&w.waitset);
    sigaddset(&w.waitset, SIGTERM);
    /* ready, and every other protocol signal of both modes: a stray one
       must not kill us (their default action): take it, and ignore it */
    ipc_sig_addset_protocol(&w.waitset);
    /* Ctrl-C reaches the whole foreground process group: the server's
       workers leave it to the server, which stops them with SIGTERM
       (--by-server); run by hand, SIGINT stops us as SIGTERM does */
    if (!w.args.by_server)
        sigaddset(&w.waitset, SIGINT);
    if (sigprocmask(SIG_BLOCK, &w.waitset, NULL) == -1)
        ipc_die("sigprocmask");
    /* SIGINT taken from the blocked set or ignored, even when it came
       ignored; SIGPIPE ignored: a vanished server shows up as EPIPE */
    if (signal(SIGINT, w.args.by_server ? SIG_IGN : SIG_DFL) == SIG_ERR ||
        signal(SIGPIPE, SIG_IGN) == SIG_ERR)
        ipc_die("signal");

    IPCLAB_TP(proc_start, w.role, (int)w.server);
    ipc_worker_open_fifos_or_exit(w.args.dir, &w.fd3, &w.fd4);

    for (;;) {
        struct ipc_sig_event ev;
        int signo;

        IPCLAB_TP(proc_state, w.role, "idle");
        signo = ipc_sig_wait(&w.waitset, POLL_PARENT_MS, &ev);
        if (signo == -1)
            ipc_die("sigtimedwait");
        if (signo == 0) {
            /* the server's death sends us SIGTERM (ipc_spawn()); this
               catches a worker started some other way */
            if (getppid() != w.server)      /* reparented: server died */
                ipc_diex("server %ld is gone", (long)w.server);
            continue;
        }
        if (signo == SIGTERM || signo == SIGINT) {
            ipc_sig_consumed(&ev, "stop");
            break;
        }
        if (signo != w.sigs.ready || !ipc_sig_from(&w.sigs, &ev, w.server)) {
            ipc_sig_ignored(&ev, "unexpected_sender");
            continue;
        }
        handle_ready(&w, &ev);
        if (w.args.once)
            break;
    }
    IPCLAB_TP(proc_exit, w.role, 0);
    return 0;
}
