/*
 * labs/01-fifo-setup/open.c - opening a FIFO: the rendezvous and O_NONBLOCK.
 *
 * fifo(7): "The FIFO must be opened on both ends (reading and writing)
 * before data can be passed. Normally, opening the FIFO blocks until the
 * other end is opened also." With O_NONBLOCK, opening for reading returns
 * at once, and opening for writing fails with ENXIO while nobody has the
 * read end open (open(2)).
 *
 * 'rendezvous' forks a peer that opens one end, shows from /proc that the
 * peer sleeps inside open(), then opens the other end and sees both opens
 * return. 'nonblock' tries every O_NONBLOCK case in the lab alone.
 *
 * Run:   build/bin/lab01-fifo-setup rendezvous
 *        build/bin/lab01-fifo-setup nonblock
 * The reference server opens its read ends O_NONBLOCK first for exactly
 * this reason (ipc_fifo_open_both_at() in src/lib/fifo.c). Lab 01, steps 3-4.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "ipclab/trace.h"
#include "lab.h"
#include "lab01.h"

struct opener {
    const char *path;
    int flags;                  /* O_RDONLY or O_WRONLY: blocking */
    struct lab_gate gate;       /* peer --> lab: 1 about to open, 2 opened */
};

/* Peer: announce, open (this is where it waits), announce again. */
static int
opener(void *arg)
{
    struct opener *o = arg;
    int fd;

    lab_gate_post(&o->gate, 1);
    fd = ipc_fifo_open(IPCLAB_FIFO_LAB, o->path, o->flags);
    if (fd == -1)
        return 1;
    lab_say("my open() has returned");
    lab_gate_post(&o->gate, 2);
    close(fd);
    return 0;
}

/* One direction: the peer opens with 'flags', then we open the other end. */
static bool
rendezvous(const char *peer_role, int flags)
{
    char path[PATH_MAX];
    struct opener o = { lab_path(path, "rendezvous"), flags, { -1, -1 } };
    int other = flags == O_RDONLY ? O_WRONLY : O_RDONLY;
    char wchan[64];
    bool ok = true;
    int fd, said = 0;
    pid_t pid;

    lab_fifo(IPCLAB_FIFO_LAB, o.path);
    lab_gate_init(&o.gate);
    pid = lab_fork(peer_role, opener, &o);
    ok &= lab_gate_wait(&o.gate, NULL);
    ok &= lab_expect(lab_wait_blocked(pid, wchan, sizeof(wchan)),
                     "the %s sleeps in open(%s) (in the kernel: %s): nobody "
                     "has the other end open", peer_role,
                     flags == O_RDONLY ? "O_RDONLY" : "O_WRONLY", wchan);

    fd = ipc_fifo_open(IPCLAB_FIFO_LAB, o.path, other);
    ok &= lab_expect(fd >= 0, "our open(%s) returns at once: the %s was "
                     "already waiting at the other end",
                     other == O_RDONLY ? "O_RDONLY" : "O_WRONLY", peer_role);
    ok &= lab_gate_wait(&o.gate, &said) &&
          lab_expect(said == 2, "and the %s's open() returned too",
                     peer_role);
    if (fd >= 0)
        close(fd);
    ok &= lab_wait(pid, peer_role) == 0;
    lab_gate_close(&o.gate);
    unlink(o.path);
    return ok;
}

bool
exp_rendezvous(void)
{
    bool ok = rendezvous("reader", O_RDONLY);

    return rendezvous("writer", O_WRONLY) && ok;
}

bool
exp_nonblock(void)
{
    char path[PATH_MAX];
    struct ipc_record rec;
    bool ok = true;
    int rfd, wfd, r;

    lab_path(path, "nonblock");
    lab_fifo(IPCLAB_FIFO_LAB, path);

    /* the read end, with no writer anywhere */
    rfd = ipc_fifo_open(IPCLAB_FIFO_LAB, path, O_RDONLY | O_NONBLOCK);
    ok &= lab_expect(rfd >= 0, "open(O_RDONLY | O_NONBLOCK) with no writer "
                     "returns at once");
    if (rfd == -1)
        return false;
    r = ipc_rec_read_one(rfd, IPCLAB_FIFO_LAB, &rec, IPCLAB_KIND_REQUEST);
    ok &= lab_expect(r == 0, "read() with no writer returns 0, end of file "
                     "(not EAGAIN): there is nobody who could write");

    /* the write end, now that a reader (us) exists */
    wfd = ipc_fifo_open(IPCLAB_FIFO_LAB, path, O_WRONLY | O_NONBLOCK);
    ok &= lab_expect(wfd >= 0, "open(O_WRONLY | O_NONBLOCK) succeeds: a "
                     "reader has the FIFO open");
    r = ipc_rec_read_one(rfd, IPCLAB_FIFO_LAB, &rec, IPCLAB_KIND_REQUEST);
    ok &= lab_expect(r == -1 && errno == EAGAIN, "read() on the empty FIFO "
                     "now fails with EAGAIN: a writer exists, data may come");
    if (wfd >= 0)
        close(wfd);
    close(rfd);

    /* the write end again, with no reader left */
    wfd = ipc_fifo_open(IPCLAB_FIFO_LAB, path, O_WRONLY | O_NONBLOCK);
    ok &= lab_expect(wfd == -1 && errno == ENXIO, "with no reader, "
                     "open(O_WRONLY | O_NONBLOCK) fails with %s (the trace's "
                     "fifo_open has err = 6)",
                     wfd == -1 ? ipc_errno_name(errno) : "success");
    if (wfd >= 0)
        close(wfd);
    unlink(path);
    return ok;
}
