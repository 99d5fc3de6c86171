/*
 * rc/session.c - the requesting client's side of the protocol.
 *
 *   rc                           server
 *    |-- request(seq) --FIFO1-->  |
 *    |                            |  ...processing client...
 *    |  <--FIFO2-- result(seq) ---|   (written into the shared FIFO2)
 *    |  <-------- ready(seq) -----|
 *    |-- read(result)             |
 *    |-- ack(seq) --------------> |   (now the server may refill FIFO2)
 *
 * The signals are blocked before the first request is sent: a result can
 * come back faster than a client that installs its handler after sending,
 * and the original design lost results that way [lab04:early-result].
 * They are then taken through a signalfd, never by a handler, so checking
 * and waiting cannot race, and main.c polls it beside its own input and
 * output: however slowly those move, every ready is answered at once.
 * The server's side is in src/server/handshake.c. Lab 04, step 4.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "ipclab/proc.h"
#include "ipclab/rundir.h"
#include "ipclab/trace.h"
#include "rc.h"

#define GIVE_BACK_MS 10000      /* FIFO4 full this long: the server is stuck */

void
rc_connect(struct rc_session *s, const char *dir)
{
    enum ipc_sig_mode mode;
    int dirfd;

    s->dir = dir;
    s->next_seq = 1;
    /* opened once and checked through the descriptor: the FIFOs are
       opened relative to it, never through the path again */
    if ((dirfd = ipc_rundir_open(dir, 0)) == -1) {
        if (errno == ENOENT)
            ipc_diex("no server running: '%s' does not exist "
                     "(start ipclab-server first)", dir);
        if (errno == EMFILE || errno == ENFILE)
            ipc_die("cannot open the runtime directory '%s'", dir);
        ipc_die("unsafe runtime directory '%s'", dir);
    }
    if (ipc_rundir_server_at(dirfd, &s->server, &mode) == -1) {
        if (errno == ESRCH)
            ipc_diex("no server running on '%s' (start ipclab-server "
                     "first)", dir);
        ipc_die_kind("regular file", "cannot read the server's lock file "
                     "in '%s'", dir);
    }
    ipc_sigs_init(&s->sigs, mode);

    /* blocked before sending (see the header comment): ready, revoke and
       every other protocol signal of both modes, since a stray one must
       not kill us by its default action: taken, and ignored */
    sigemptyset(&s->waitset);
    ipc_sig_addset_protocol(&s->waitset);
    if (sigprocmask(SIG_BLOCK, &s->waitset, NULL) == -1)
        ipc_die("sigprocmask");
    /* taken through a descriptor, polled beside our input and output, so
       that slow input or output never delays an acknowledgement */
    s->sigfd = signalfd(-1, &s->waitset, SFD_NONBLOCK | SFD_CLOEXEC);
    if (s->sigfd == -1)
        ipc_die("signalfd");
    /* SIGPIPE ignored: a vanished server shows up as EPIPE */
    signal(SIGPIPE, SIG_IGN);

    s->fd1 = ipc_rundir_fifo_open_or_exit(dirfd, dir, IPCLAB_FIFO1,
                                          O_WRONLY | O_NONBLOCK);
    s->fd2 = ipc_rundir_fifo_open_or_exit(dirfd, dir, IPCLAB_FIFO2,
                                          O_RDONLY | O_NONBLOCK);
    s->fd4 = ipc_rundir_fifo_open_or_exit(dirfd, dir, IPCLAB_FIFO4,
                                          O_WRONLY | O_NONBLOCK);
    close(dirfd);
}

int
rc_send(struct rc_session *s, enum ipc_op op, int64_t a, int64_t b,
        uint32_t *seq, int timeout_ms)
{
    struct ipc_record req;

    ipc_rec_request(&req, op, a, b, s->next_seq);
    /* FIFO1 full means a busy server: wait for room. A dead server shows
       up at once as EPIPE (no reader left), a stuck one as ETIMEDOUT. */
    if (ipc_rec_write(s->fd1, IPCLAB_FIFO1, &req, timeout_ms) == -1)
        return -1;
    *seq = s->next_seq++;
    return 0;
}

/* A ready signal from the server: read our record and acknowledge it. */
static enum rc_event
take_result(struct rc_session *s, const struct ipc_sig_event *ev,
            struct ipc_record *res)
{
    int r;

    ipc_sig_consumed(ev, "ready");
    if (s->die_before_ack > 0 && ++s->readies >= s->die_before_ack)
        raise(SIGKILL);         /* test hook: die with a result waiting */

    IPCLAB_TP(proc_state, "rc", "reading");
    r = ipc_rec_read_one(s->fd2, IPCLAB_FIFO2, res, IPCLAB_KIND_RESULT);
    if (r == 0)
        return RC_SERVER_GONE;  /* EOF: the server closed FIFO2 */
    if (r == -1) {
        /* empty (taken back) or garbage: nothing of ours to keep */
        IPCLAB_TP(error, "read fifo2", errno);
        if (errno == EBADMSG)
            ipc_sig_send(&s->sigs, s->sigs.ack, "ack", s->server, ev->value);
        return RC_NONE;
    }
    if (res->pid != (int32_t)getpid()) {
        /* another client's record: this ready was stale (we were stopped
           after taking it, or two coalesced). Never keep it: give it back
           to the server, which delivers it to its owner. No ack: the ack
           is its owner's to send */
        IPCLAB_TP(error, "record for another client", res->pid);
        res->flags |= IPCLAB_REC_RETURNED;
        ipc_rec_seal(res);
        if (ipc_rec_write(s->fd4, IPCLAB_FIFO4, res, GIVE_BACK_MS) == -1) {
            if (errno == EPIPE)
                return RC_SERVER_GONE;      /* no reader of FIFO4 left */
            /* the server lives, but took nothing from FIFO4: say so, and
               go on waiting for our own answers */
            ipc_warn("cannot give back result %u of client %ld: FIFO4 "
                     "took nothing for %d ms", (unsigned)res->seq,
                     (long)res->pid, GIVE_BACK_MS);
        }
        return RC_NONE;
    }
    /* ours, read: kept even when the ack fails; the server times it out */
    if (ipc_sig_send(&s->sigs, s->sigs.ack, "ack", s->server, res->seq) == -1
        && errno != ESRCH)
        ipc_warn("cannot acknowledge result %u%s", (unsigned)res->seq,
                 ipc_sig_send_hint(errno));
    return RC_RESULT;
}

enum rc_event
rc_take(struct rc_session *s, struct ipc_record *res)
{
    struct ipc_sig_event ev;
    int n;

    while ((n = ipc_sigfd_read(s->sigfd, &ev)) == 1) {
        enum rc_event e;

        if ((ev.signo != s->sigs.ready && ev.signo != s->sigs.revoke) ||
            !ipc_sig_from(&s->sigs, &ev, s->server)) {
            ipc_sig_ignored(&ev, "unexpected_sender");
            continue;
        }
        if (ev.signo == s->sigs.revoke) {
            /* the ready it cancels may still be pending: harmless, since a
               record read on a stale ready is given back (take_result()) */
            ipc_sig_consumed(&ev, "revoke");
            res->seq = ev.value;
            return RC_REVOKED;
        }
        e = take_result(s, &ev, res);
        if (e != RC_NONE)
            return e;
    }
    if (n == -1)
        ipc_die("cannot read signalfd");
    return RC_NONE;
}

bool
rc_server_alive(const struct rc_session *s)
{
    return ipc_proc_alive(s->server);
}
