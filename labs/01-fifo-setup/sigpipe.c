/*
 * labs/01-fifo-setup/sigpipe.c - writing when no reader is left.
 *
 * pipe(7): "If all file descriptors referring to the read end of a pipe
 * have been closed, then a write(2) will cause a SIGPIPE signal to be
 * generated for the calling process. If the calling process is ignoring
 * this signal, then write(2) fails with the error EPIPE." SIGPIPE's
 * default action is to terminate (signal(7)). The lab closes its read end
 * under a writer twice: once with SIGPIPE at its default action (the
 * writer dies, status 128 + 13), once ignored (its write() fails, EPIPE).
 *
 * Run:   build/bin/lab01-fifo-setup sigpipe
 * Every program of the kit ignores SIGPIPE and handles EPIPE, e.g.
 * rc_connect() in src/rc/session.c. End of file, the other end's story, is
 * in eof.c. Lab 01, step 6.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "lab.h"
#include "lab01.h"

struct writer {
    const char *path;
    bool ignore_sigpipe;
    struct lab_gate to_lab;     /* writer --> lab: opened */
    struct lab_gate go;         /* lab --> writer: write now */
};

/* Peer for 'sigpipe': open, wait until the reader has gone, write. */
static int
late_writer(void *arg)
{
    struct writer *w = arg;
    struct ipc_record rec;
    int fd;

    /* SIGPIPE ignored: a vanished reader shows up as EPIPE */
    signal(SIGPIPE, w->ignore_sigpipe ? SIG_IGN : SIG_DFL);
    if ((fd = ipc_fifo_open(IPCLAB_FIFO_LAB, w->path, O_WRONLY)) == -1)
        return 1;
    lab_gate_post(&w->to_lab, 1);
    if (!lab_gate_wait(&w->go, NULL))
        return 1;
    ipc_rec_request(&rec, IPCLAB_OP_MUL, 6, 7, 1);
    if (ipc_rec_write(fd, IPCLAB_FIFO_LAB, &rec, -1) == 0)
        return 1;               /* the write worked: no SIGPIPE, no EPIPE? */
    lab_say("my write() failed with %s and I am still alive",
            ipc_errno_name(errno));
    return errno == EPIPE ? 0 : 1;
}

/*
 * The lab's side: be the only reader, then go. The writer is forked BEFORE
 * we open the read end: a child inherits its parent's descriptors, and a
 * writer holding a read end of its own would never see SIGPIPE.
 */
static int
close_under_writer(bool ignore)
{
    char sigpipe[PATH_MAX];
    struct writer w = { .path = lab_path(sigpipe, "sigpipe"),
                        .ignore_sigpipe = ignore };
    int fd, status;
    pid_t pid;

    lab_fifo(IPCLAB_FIFO_LAB, w.path);
    lab_gate_init(&w.to_lab);
    lab_gate_init(&w.go);
    pid = lab_fork("writer", late_writer, &w);
    fd = lab_open(IPCLAB_FIFO_LAB, w.path, O_RDONLY);        /* rendezvous */
    lab_gate_wait(&w.to_lab, NULL);
    close(fd);                  /* the last reader goes */
    lab_gate_post(&w.go, 1);
    status = lab_wait(pid, "writer");
    lab_gate_close(&w.to_lab);
    lab_gate_close(&w.go);
    unlink(w.path);
    return status;
}

bool
exp_sigpipe(void)
{
    int status = close_under_writer(false);
    bool ok = lab_expect(status == 128 + SIGPIPE, "with SIGPIPE at its "
                         "default action, the writer was killed by it: "
                         "status %d = 128 + %d (SIGPIPE)", status, SIGPIPE);

    status = close_under_writer(true);
    return lab_expect(status == 0, "with SIGPIPE ignored, the same write() "
                      "failed with EPIPE instead (the trace's error event "
                      "has err = %d)", EPIPE) && ok;
}
