/*
 * tests/lib/rawclient.c - a requesting client built from library calls.
 *
 * ipclab-rc cannot send what it refuses to parse (an unknown operation),
 * so the tests speak the protocol themselves with the same library calls,
 * one function per step of the handshake. Used by tests/system/ and
 * tests/faults/; see rawclient.h.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "ipclab/fifo.h"
#include "ipclab/rundir.h"
#include "rawclient.h"

void
raw_open(struct raw_client *c, const char *dir)
{
    enum ipc_sig_mode mode;
    char path[PATH_MAX];

    c->dir = dir;
    ck_assert_msg(ipc_rundir_server(dir, &c->server, &mode) == 0, "the "
                  "server's run directory %s does not say which server runs "
                  "there (server.pid): did the server start?", dir);
    ipc_sigs_init(&c->sigs, mode);
    sigemptyset(&c->ready);
    sigaddset(&c->ready, c->sigs.ready);
    ck_assert_msg(sigprocmask(SIG_BLOCK, &c->ready, NULL) == 0, "test "
                  "error: sigprocmask: %s", strerror(errno));

    ck_assert_msg(ipc_rundir_fifo(path, sizeof(path), dir, IPCLAB_FIFO2) == 0
                  && (c->fd2 = ipc_fifo_open(IPCLAB_FIFO2, path,
                                             O_RDONLY | O_NONBLOCK)) != -1,
                  "cannot open the server's FIFO2 in %s: %s", dir,
                  strerror(errno));
    ck_assert_msg(ipc_rundir_fifo(path, sizeof(path), dir, IPCLAB_FIFO1) == 0
                  && (c->fd1 = ipc_fifo_open(IPCLAB_FIFO1, path,
                                             O_WRONLY | O_NONBLOCK)) != -1,
                  "cannot open the server's FIFO1 in %s (no server reading "
                  "it?): %s", dir, strerror(errno));
}

void
raw_send(struct raw_client *c, uint32_t op, int64_t a, int64_t b)
{
    static uint32_t seq;
    struct ipc_record rec;

    c->op = op;
    c->seq = ++seq;
    ipc_rec_request(&rec, (enum ipc_op)op, a, b, c->seq);
    ck_assert_msg(ipc_rec_write(c->fd1, IPCLAB_FIFO1, &rec, 1000) == 0,
                  "the request (op %u, seq %u) could not be written to FIFO1 "
                  "within 1 s: is the server reading FIFO1? (%s)", op, c->seq,
                  strerror(errno));
}

void
raw_wait_ready(struct raw_client *c)
{
    struct ipc_sig_event ev;
    int r = ipc_sig_wait(&c->ready, 10000, &ev);

    ck_assert_msg(r == c->sigs.ready, "no ready from the server within 10 s "
                  "after the request (op %u, seq %u): it was never answered",
                  c->op, c->seq);
    ck_assert_msg(ipc_sig_from(&c->sigs, &ev, c->server), "the ready came "
                  "from pid %d, not from the server (%d), or not by "
                  "sigqueue()", (int)ev.pid, (int)c->server);
}

void
raw_read_result(struct raw_client *c, struct ipc_record *rec)
{
    int r = ipc_rec_read_one(c->fd2, IPCLAB_FIFO2, rec, IPCLAB_KIND_RESULT);

    ck_assert_msg(r == 1, "the server signalled ready, but FIFO2 held no "
                  "valid result (%s)", r == 0 ? "end of file" :
                  strerror(errno));
    ck_assert_msg(rec->pid == getpid(), "the result on FIFO2 is for pid %d, "
                  "not for the client that was signalled (%d)",
                  (int)rec->pid, (int)getpid());
    ck_assert_msg(rec->seq == c->seq, "the result carries seq %u, not the "
                  "request's %u", rec->seq, c->seq);
}

void
raw_ack(struct raw_client *c, const struct ipc_record *rec)
{
    ck_assert_msg(ipc_sig_send(&c->sigs, c->sigs.ack, "ack", c->server,
                               rec->seq) == 0,
                  "the ack to the server (%d) could not be sent: %s",
                  (int)c->server, strerror(errno));
}

void
raw_close(struct raw_client *c)
{
    close(c->fd1);
    close(c->fd2);
}

int
raw_request(const char *dir, uint32_t op, int64_t a, int64_t b,
            int64_t *value)
{
    struct raw_client c;
    struct ipc_record rec;

    raw_open(&c, dir);
    raw_send(&c, op, a, b);
    raw_wait_ready(&c);
    raw_read_result(&c, &rec);
    raw_ack(&c, &rec);
    raw_close(&c);
    *value = rec.value;
    return rec.status;
}
