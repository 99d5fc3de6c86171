/*
 * tests/lib/rawclient.c - a requesting client built from library calls.
 *
 * ipclab-rc cannot send what it refuses to parse (an unknown operation),
 * so the tests speak the protocol themselves with the same library calls.
 * Used by tests/system/ and tests/faults/; see rawclient.h.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "ipclab/fifo.h"
#include "ipclab/rundir.h"
#include "ipclab/sig.h"
#include "rawclient.h"

int
raw_request(const char *dir, uint32_t op, int64_t a, int64_t b,
            int64_t *value)
{
    static uint32_t seq;
    struct ipc_record rec;
    struct ipc_sig_event ev;
    struct ipc_sigs sigs;
    enum ipc_sig_mode mode;
    char path[PATH_MAX];
    sigset_t set;
    pid_t server;
    int fd1, fd2, r;

    ck_assert_msg(ipc_rundir_server(dir, &server, &mode) == 0, "the "
                  "server's run directory %s does not say which server runs "
                  "there (server.pid): did the server start?", dir);
    ipc_sigs_init(&sigs, mode);
    sigemptyset(&set);
    sigaddset(&set, sigs.ready);
    ck_assert_msg(sigprocmask(SIG_BLOCK, &set, NULL) == 0, "test error: "
                  "sigprocmask: %s", strerror(errno));

    ck_assert_msg(ipc_rundir_fifo(path, sizeof(path), dir, IPCLAB_FIFO2) == 0
                  && (fd2 = ipc_fifo_open(IPCLAB_FIFO2, path,
                                          O_RDONLY | O_NONBLOCK)) != -1,
                  "cannot open the server's FIFO2 in %s: %s", dir,
                  strerror(errno));
    ck_assert_msg(ipc_rundir_fifo(path, sizeof(path), dir, IPCLAB_FIFO1) == 0
                  && (fd1 = ipc_fifo_open(IPCLAB_FIFO1, path,
                                          O_WRONLY | O_NONBLOCK)) != -1,
                  "cannot open the server's FIFO1 in %s (no server reading "
                  "it?): %s", dir, strerror(errno));

    ipc_rec_request(&rec, (enum ipc_op)op, a, b, ++seq);
    ck_assert_msg(ipc_rec_write(fd1, IPCLAB_FIFO1, &rec, 1000) == 0,
                  "the request (op %u, seq %u) could not be written to FIFO1 "
                  "within 1 s: is the server reading FIFO1? (%s)", op, seq,
                  strerror(errno));
    r = ipc_sig_wait(&set, 10000, &ev);
    ck_assert_msg(r == sigs.ready, "no ready from the server within 10 s "
                  "after the request (op %u, seq %u): it was never answered",
                  op, seq);
    ck_assert_msg(ipc_sig_from(&sigs, &ev, server), "the ready came from "
                  "pid %d, not from the server (%d), or not by sigqueue()",
                  (int)ev.pid, (int)server);
    r = ipc_rec_read_one(fd2, IPCLAB_FIFO2, &rec, IPCLAB_KIND_RESULT);
    ck_assert_msg(r == 1, "the server signalled ready, but FIFO2 held no "
                  "valid result (%s)", r == 0 ? "end of file" :
                  strerror(errno));
    ck_assert_msg(rec.pid == getpid(), "the result on FIFO2 is for pid %d, "
                  "not for the client that was signalled (%d)", (int)rec.pid,
                  (int)getpid());
    ck_assert_msg(rec.seq == seq, "the result carries seq %u, not the "
                  "request's %u", rec.seq, seq);
    ck_assert_msg(ipc_sig_send(&sigs, sigs.ack, "ack", server, rec.seq) == 0,
                  "the ack to the server (%d) could not be sent: %s",
                  (int)server, strerror(errno));
    close(fd1);
    close(fd2);
    *value = rec.value;
    return rec.status;
}
