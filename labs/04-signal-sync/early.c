/*
 * labs/04-signal-sync/early.c - a handler installed too late.
 *
 * [lab04:early-result] A client sends its request and only then installs
 * the handler for the result's signal. If the server is faster, the signal
 * finds the default action, which for SIGRTMIN+2 (as for SIGUSR1) is to
 * terminate the process (signal(7)). The lab makes the server always
 * faster instead of hoping for it: the client waits on a gate that the lab
 * opens only after signalling. Blocking the signal BEFORE sending closes
 * the race: the signal then waits, pending, until the client takes it
 * with sigwaitinfo().
 *
 * Run:   build/bin/lab04-signal-sync early-result
 * The reference client blocks first: rc_connect() in src/rc/session.c.
 * Lab 04, step 5.
 */
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "ipclab/fifo.h"
#include "ipclab/sig.h"
#include "lab.h"
#include "lab04.h"

struct peer {
    bool block_first;           /* block the signal before sending */
    struct lab_gate go;         /* lab --> client: "I have answered" */
};

static volatile sig_atomic_t got_result;        /* written by signal handlers */

/*
 * The result's signal. Async-signal-safe: writes only 'got_result'.
 */
static void
on_result(int sig)
{
    (void)sig;
    got_result = 1;
}

/* Peer: a client that sends one request, then waits for its result. */
static int
client(void *arg)
{
    char fifo1[PATH_MAX], fifo2[PATH_MAX];
    struct peer *p = arg;
    struct ipc_sig_event ev;
    struct ipc_record rec;
    struct ipc_sigs sigs;
    struct sigaction sa;
    sigset_t ready;
    int fd1 = ipc_fifo_open(IPCLAB_FIFO1, lab_path(fifo1, "fifo1"), O_WRONLY);
    int fd2 = ipc_fifo_open(IPCLAB_FIFO2, lab_path(fifo2, "fifo2"), O_RDONLY);

    ipc_sigs_init(&sigs, IPCLAB_SIG_RT);
    sigemptyset(&ready);
    sigaddset(&ready, sigs.ready);
    if (p->block_first)         /* block before sending, to avoid a race */
        sigprocmask(SIG_BLOCK, &ready, NULL);
    ipc_rec_request(&rec, IPCLAB_OP_MUL, 6, 7, 1);
    if (ipc_rec_write(fd1, IPCLAB_FIFO1, &rec, -1) == -1)
        return 1;
    lab_gate_wait(&p->go, NULL);        /* the server is faster: always */
    if (!p->block_first) {
        /* UNSAFE: the handler comes after the request [lab04:early-result] */
        sa.sa_handler = on_result;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = 0;
        sigaction(sigs.ready, &sa, NULL);
        lab_say("handler installed: too late, or I would not say this");
        return 1;
    }
    if (ipc_sig_wait(&ready, LAB_WAIT_MS, &ev) <= 0)
        return 1;
    ipc_sig_consumed(&ev, "ready");
    if (ipc_rec_read_one(fd2, IPCLAB_FIFO2, &rec, IPCLAB_KIND_RESULT) != 1)
        return 1;
    lab_say("the ready signal was pending; my result: 6 * 7 = %lld",
            (long long)rec.value);
    return 0;
}

/* The lab as the server: answer one request. Returns the client's status. */
static int
serve_one(bool block_first)
{
    char fifo1[PATH_MAX], fifo2[PATH_MAX];
    struct peer p = { .block_first = block_first };
    struct ipc_record rec;
    struct ipc_sigs sigs;
    int fd1, fd2, status = -1;
    pid_t pid;

    ipc_sigs_init(&sigs, IPCLAB_SIG_RT);
    lab_fifo(IPCLAB_FIFO1, lab_path(fifo1, "fifo1"));
    lab_fifo(IPCLAB_FIFO2, lab_path(fifo2, "fifo2"));
    lab_gate_init(&p.go);
    pid = lab_fork("client", client, &p);
    fd1 = lab_open(IPCLAB_FIFO1, fifo1, O_RDONLY);
    fd2 = lab_open(IPCLAB_FIFO2, fifo2, O_WRONLY);
    if (ipc_rec_read_one(fd1, IPCLAB_FIFO1, &rec, IPCLAB_KIND_REQUEST) == 1) {
        ipc_rec_make_result(&rec, 0, 42);
        lab_need(ipc_rec_write(fd2, IPCLAB_FIFO2, &rec, -1),
                 "write the record");
        lab_need(ipc_sig_send(&sigs, sigs.ready, "ready", pid, rec.seq),
                 "send the signal");
    }
    lab_gate_post(&p.go, 1);
    status = lab_wait(pid, "client");
    lab_gate_close(&p.go);
    close(fd1);
    close(fd2);
    unlink(fifo1);
    unlink(fifo2);
    return status;
}

bool
exp_early_result(void)
{
    int status = serve_one(false);
    bool ok = lab_expect(status == 128 + SIGRTMIN + 2, "the client that "
                         "installs its handler after sending was killed by "
                         "the early signal: status %d = 128 + SIGRTMIN+2",
                         status);

    status = serve_one(true);
    return lab_expect(status == 0, "the client that blocks the signal "
                      "before sending got its result") && ok;
}
