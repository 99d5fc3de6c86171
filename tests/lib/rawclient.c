/*
 * tests/lib/rawclient.c - a requesting client built from library calls.
 *
 * ipclab-rc cannot send what it refuses to parse (an unknown operation),
 * so the tests speak the protocol themselves with the same library calls.
 * Used by tests/system/ and tests/faults/; see rawclient.h.
 */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
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
    int fd1, fd2;

    ck_assert_int_eq(ipc_rundir_server(dir, &server, &mode), 0);
    ipc_sigs_init(&sigs, mode);
    sigemptyset(&set);
    sigaddset(&set, sigs.ready);
    ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, NULL), 0);

    ck_assert_int_eq(ipc_rundir_fifo(path, sizeof(path), dir, IPCLAB_FIFO2), 0);
    fd2 = ipc_fifo_open(IPCLAB_FIFO2, path, O_RDONLY | O_NONBLOCK);
    ck_assert_int_ne(fd2, -1);
    ck_assert_int_eq(ipc_rundir_fifo(path, sizeof(path), dir, IPCLAB_FIFO1), 0);
    fd1 = ipc_fifo_open(IPCLAB_FIFO1, path, O_WRONLY | O_NONBLOCK);
    ck_assert_int_ne(fd1, -1);

    ipc_rec_request(&rec, (enum ipc_op)op, a, b, ++seq);
    ck_assert_int_eq(ipc_rec_write(fd1, IPCLAB_FIFO1, &rec, 1000), 0);
    ck_assert_int_eq(ipc_sig_wait(&set, 10000, &ev), sigs.ready);
    ck_assert(ipc_sig_from(&sigs, &ev, server));
    ck_assert_int_eq(ipc_rec_read_one(fd2, IPCLAB_FIFO2, &rec, IPCLAB_KIND_RESULT),
                     1);
    ck_assert_int_eq(rec.pid, getpid());
    ck_assert_int_eq(rec.seq, seq);
    ck_assert_int_eq(ipc_sig_send(&sigs, sigs.ack, "ack", server, rec.seq),
                     0);
    close(fd1);
    close(fd2);
    *value = rec.value;
    return rec.status;
}
