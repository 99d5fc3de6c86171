/*
 * labs/04-signal-sync/wakeup.c - classic signals coalesce: lost wake-ups.
 *
 * [lab04:lost-wakeup] A server wakes its reader with one signal per record
 * it puts in FIFO2, while the reader is busy elsewhere (the signal is
 * blocked, so it stays pending). signal(7): "Standard signals do not
 * queue. If multiple instances of a standard signal are generated while
 * that signal is blocked, then only one instance of the signal is marked
 * as pending (and the signal will be delivered just once when it is
 * unblocked)." Five kill(SIGUSR1) make one wake-up, and a reader that
 * reads one record per wake-up leaves four in the FIFO for ever. Real-time
 * signals are queued: the same run with sigqueue() and SIGRTMIN+2 loses
 * nothing.
 *
 * Run:   build/bin/lab04-signal-sync lost-wakeup
 * The reference system uses real-time signals by default; its classic
 * mode (ipclab-server --signals classic) is lab 05's 'classic'.
 * Lab 04, step 4.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "ipclab/sig.h"
#include "lab.h"
#include "lab04.h"

#define RECORDS 5

struct peer {
    enum ipc_sig_mode mode;     /* classic or rt */
    struct lab_gate opened;     /* reader --> lab */
    struct lab_gate go;         /* lab --> reader: "I have sent everything" */
};

/* Peer: busy while the lab sends; then one record per wake-up taken.
   Its exit status is the number of records it read. */
static int
sleeper(void *arg)
{
    char fifo2[PATH_MAX];
    struct peer *p = arg;
    struct ipc_sig_event ev;
    struct ipc_record rec;
    struct ipc_sigs sigs;
    sigset_t ready;
    int fd = ipc_fifo_open(IPCLAB_FIFO2, lab_path(fifo2, "fifo2"),
                           O_RDONLY | O_NONBLOCK);
    int woken = 0, nread = 0;

    ipc_sigs_init(&sigs, p->mode);
    sigemptyset(&ready);
    sigaddset(&ready, sigs.ready);      /* blocked since fork */
    lab_gate_post(&p->opened, 1);
    if (fd == -1 || !lab_gate_wait(&p->go, NULL))
        return 0;
    /* [lab04:lost-wakeup] every signal the lab will send is sent: take
       the pending ones (timeout 0), one record for each */
    while (ipc_sig_wait(&ready, 0, &ev) > 0) {
        ipc_sig_consumed(&ev, "ready");
        woken++;
        nread += ipc_rec_read_one(fd, IPCLAB_FIFO2, &rec,
                                  IPCLAB_KIND_RESULT) == 1;
    }
    lab_say("woken %d times, read %d records", woken, nread);
    return nread;
}

/* Write RECORDS results, each with its own wake-up; what was read, left? */
static void
wake_each(enum ipc_sig_mode mode, int *nread, int *left)
{
    char fifo2[PATH_MAX], name[IPCLAB_SIG_NAME_MAX];
    struct peer p = { .mode = mode };
    struct ipc_record rec;
    struct ipc_sigs sigs;
    sigset_t ready;
    int fd, bytes = 0;
    pid_t pid;

    ipc_sigs_init(&sigs, mode);
    sigemptyset(&ready);
    sigaddset(&ready, sigs.ready);
    sigprocmask(SIG_BLOCK, &ready, NULL);       /* the peer inherits it */
    lab_fifo(IPCLAB_FIFO2, lab_path(fifo2, "fifo2"));
    lab_gate_init(&p.opened);
    lab_gate_init(&p.go);
    pid = lab_fork("reader", sleeper, &p);
    lab_gate_wait(&p.opened, NULL);
    fd = lab_open(IPCLAB_FIFO2, fifo2, O_WRONLY);
    for (uint32_t seq = 1; seq <= RECORDS; seq++) {
        result_for(&rec, pid, seq);
        lab_need(ipc_rec_write(fd, IPCLAB_FIFO2, &rec, -1),
                 "write the record");
        lab_need(ipc_sig_send(&sigs, sigs.ready, "ready", pid, seq),
                 "send the signal");
    }
    lab_gate_post(&p.go, 1);
    *nread = lab_wait(pid, "reader");
    if (ioctl(fd, FIONREAD, &bytes) == -1)      /* what is still in it */
        ipc_die("cannot count the bytes left in '%s'", fifo2);
    *left = bytes / (int)sizeof(rec);
    lab_say("%d %s sent with %s: %d records read, %d left in FIFO2",
            RECORDS, ipc_sig_name(sigs.ready, name, sizeof(name)),
            mode == IPCLAB_SIG_RT ? "sigqueue()" : "kill()", *nread, *left);
    lab_gate_close(&p.opened);
    lab_gate_close(&p.go);
    close(fd);
    unlink(fifo2);
}

bool
exp_lost_wakeup(void)
{
    int nread, left;
    bool ok;

    wake_each(IPCLAB_SIG_CLASSIC, &nread, &left);
    ok = lab_expect(nread == 1 && left == RECORDS - 1, "the other SIGUSR1 "
                    "coalesced into the pending one: %d wake-ups lost, and "
                    "a reader waiting for its next signal waits for ever",
                    RECORDS - 1);
    wake_each(IPCLAB_SIG_RT, &nread, &left);
    return lab_expect(nread == RECORDS && left == 0, "real-time signals "
                      "queue: every wake-up arrived") && ok;
}

