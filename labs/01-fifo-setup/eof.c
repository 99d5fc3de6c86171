/*
 * labs/01-fifo-setup/eof.c - end of file: when the last writer has closed.
 *
 * pipe(7): "If all file descriptors referring to the write end of a pipe
 * have been closed, then an attempt to read(2) from the pipe will see
 * end-of-file (read(2) will return 0)." All of them: two writers each
 * send a record; after the first one closes, the empty FIFO still has a
 * writer, and a non-blocking read() says EAGAIN ("nothing yet"); only
 * after the second closes does read() return 0, at once, even blocking.
 *
 * Run:   build/bin/lab01-fifo-setup eof
 * This is why the reference server keeps a write end of FIFO1 open itself:
 * the last client leaving must not look like the end (docs/architecture.md,
 * section 2). The other end, SIGPIPE, is in sigpipe.c. Lab 01, step 5.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "ipclab/fifo.h"
#include "lab.h"
#include "lab01.h"

struct writer {
    const char *path;
    uint32_t seq;               /* the one record it writes */
    struct lab_gate to_lab;     /* writer --> lab: written */
    struct lab_gate go;         /* lab --> writer: close now */
};

/* Peer for 'eof': write one record, then close when told. */
static int
eof_writer(void *arg)
{
    struct writer *w = arg;
    struct ipc_record rec;
    int fd = ipc_fifo_open(IPCLAB_FIFO_LAB, w->path, O_WRONLY);

    ipc_rec_request(&rec, IPCLAB_OP_SUM, 1, 2, w->seq);
    if (fd == -1 || ipc_rec_write(fd, IPCLAB_FIFO_LAB, &rec, -1) == -1)
        return 1;
    lab_gate_post(&w->to_lab, 1);
    if (!lab_gate_wait(&w->go, NULL))
        return 1;
    close(fd);
    lab_say("closed my write end");
    return 0;
}

bool
exp_eof(void)
{
    char path[PATH_MAX];
    struct writer w[2];
    struct ipc_record rec = { 0 };
    bool ok = true;
    pid_t pid[2];
    int fd, r;

    lab_path(path, "eof");
    lab_fifo(IPCLAB_FIFO_LAB, path);
    /* O_NONBLOCK: no writer exists yet, and we want to see EAGAIN below */
    fd = lab_open(IPCLAB_FIFO_LAB, path, O_RDONLY | O_NONBLOCK);
    for (int i = 0; i < 2; i++) {
        w[i] = (struct writer){ .path = path, .seq = (uint32_t)i + 1 };
        lab_gate_init(&w[i].to_lab);
        lab_gate_init(&w[i].go);
        pid[i] = lab_fork("writer", eof_writer, &w[i]);
        ok &= lab_gate_wait(&w[i].to_lab, NULL);
    }
    for (int i = 0; i < 2; i++) {
        r = ipc_rec_read_one(fd, IPCLAB_FIFO_LAB, &rec, IPCLAB_KIND_REQUEST);
        ok &= lab_expect(r == 1, "read the record of writer %ld",
                         (long)rec.pid);
    }

    lab_gate_post(&w[0].go, 1);
    ok &= lab_wait(pid[0], "writer") == 0;
    r = ipc_rec_read_one(fd, IPCLAB_FIFO_LAB, &rec, IPCLAB_KIND_REQUEST);
    ok &= lab_expect(r == -1 && errno == EAGAIN, "writer %ld has gone, but "
                     "one writer is left: the empty FIFO gives EAGAIN, not "
                     "end of file (a blocking read() would wait)",
                     (long)pid[0]);

    lab_gate_post(&w[1].go, 1);
    ok &= lab_wait(pid[1], "writer") == 0;
    ipc_fd_set_nonblock(fd, 0);
    r = ipc_rec_read_one(fd, IPCLAB_FIFO_LAB, &rec, IPCLAB_KIND_REQUEST);
    ok &= lab_expect(r == 0, "the last writer has closed: read() returns 0, "
                     "end of file, at once, even in blocking mode");
    for (int i = 0; i < 2; i++) {
        lab_gate_close(&w[i].to_lab);
        lab_gate_close(&w[i].go);
    }
    close(fd);
    unlink(path);
    return ok;
}

