/*
 * labs/04-signal-sync/sigfd.c - signals and records in one poll() loop.
 *
 * signalfd(2) turns blocked signals into a file descriptor: each read()
 * returns one struct signalfd_siginfo (the same facts as siginfo_t: who,
 * how, which value). "Normally, the set of signals to be received via the
 * file descriptor should be blocked using sigprocmask(2), to prevent the
 * signals being handled according to their default dispositions." Being a
 * descriptor, it can be poll()ed beside FIFOs, so one loop waits for
 * records and signals at once, with no handler and no race. The
 * reference server's event loop is built this way: FIFO1, FIFO4 and a
 * signalfd for acks, SIGCHLD and SIGINT (serve() in src/server/main.c).
 *
 * The lab writes three records into a FIFO and queues three signals,
 * interleaved; the poller takes whatever comes, in one loop, until it has
 * three of each.
 *
 * Run:   build/bin/lab04-signal-sync signalfd         Lab 04, step 9.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "ipclab/fifo.h"
#include "ipclab/sig.h"
#include "lab.h"
#include "lab04.h"

#define EACH 3

struct poller {
    struct lab_gate ready;      /* poller --> lab: both descriptors open */
};

/* Peer: poll() the FIFO and the signalfd until EACH of both have come. */
static int
poller(void *arg)
{
    char sigfd[PATH_MAX];
    struct poller *p = arg;
    struct ipc_rec_reader rd;
    struct ipc_sig_event ev;
    char name[IPCLAB_SIG_NAME_MAX];
    struct ipc_record rec;
    struct ipc_sigs sigs;
    int records = 0, signals = 0, sfd;
    sigset_t set;

    ipc_sigs_init(&sigs, IPCLAB_SIG_RT);
    sigemptyset(&set);
    sigaddset(&set, sigs.ready);        /* blocked since fork: required */
    sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    ipc_rec_reader_init(&rd, ipc_fifo_open(IPCLAB_FIFO_LAB,
                                           lab_path(sigfd, "sigfd"),
                                           O_RDONLY | O_NONBLOCK),
                        IPCLAB_FIFO_LAB, IPCLAB_KIND_REQUEST);
    lab_gate_post(&p->ready, 1);
    if (sfd == -1 || rd.fd == -1)
        return 1;
    while (records < EACH || signals < EACH) {
        struct pollfd pf[2] = { { .fd = rd.fd, .events = POLLIN },
                                { .fd = sfd, .events = POLLIN } };

        if (poll(pf, 2, LAB_WAIT_MS) <= 0)
            return 1;           /* nothing for LAB_WAIT_MS: give up */
        while (ipc_sigfd_read(sfd, &ev) == 1) {
            ipc_sig_consumed(&ev, "ready");
            lab_say("signalfd: %s, value %u",
                    ipc_sig_name(ev.signo, name, sizeof(name)), ev.value);
            signals++;
        }
        if (pf[0].revents & POLLIN)
            ipc_rec_reader_fill(&rd);
        while (ipc_rec_reader_next(&rd, &rec) == 1) {
            lab_say("FIFO: record seq %u", rec.seq);
            records++;
        }
    }
    return records == EACH && signals == EACH ? 0 : 1;
}

bool
exp_signalfd(void)
{
    char sigfd[PATH_MAX];
    struct poller p;
    struct ipc_record rec;
    struct ipc_sigs sigs;
    sigset_t set;
    bool ok;
    pid_t pid;
    int fd;

    ipc_sigs_init(&sigs, IPCLAB_SIG_RT);
    sigemptyset(&set);
    sigaddset(&set, sigs.ready);
    sigprocmask(SIG_BLOCK, &set, NULL); /* the poller inherits it */
    lab_fifo(IPCLAB_FIFO_LAB, lab_path(sigfd, "sigfd"));
    lab_gate_init(&p.ready);
    pid = lab_fork("poller", poller, &p);
    ok = lab_gate_wait(&p.ready, NULL);
    fd = lab_open(IPCLAB_FIFO_LAB, sigfd, O_WRONLY);
    for (uint32_t seq = 1; seq <= EACH; seq++) {
        ipc_rec_request(&rec, IPCLAB_OP_SUM, seq, seq, seq);
        lab_need(ipc_rec_write(fd, IPCLAB_FIFO_LAB, &rec, -1),
                 "write the record");
        lab_need(ipc_sig_send(&sigs, sigs.ready, "ready", pid, seq),
                 "send the signal");
    }
    ok &= lab_expect(lab_wait(pid, "poller") == 0, "one poll() loop took %d "
                     "records from the FIFO and %d signals from the "
                     "signalfd", EACH, EACH);
    lab_gate_close(&p.ready);
    close(fd);
    unlink(sigfd);
    return ok;
}
