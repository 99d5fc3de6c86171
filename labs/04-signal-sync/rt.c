/*
 * labs/04-signal-sync/rt.c - real-time signals, taken without a handler.
 *
 * rt-queue: sigqueue(pid, sig, value) sends a real-time signal with an
 * integer (sigqueue(3)). signal(7): "Multiple instances of real-time
 * signals can be queued", "Multiple real-time signals of the same type are
 * delivered in the order they were sent. If different real-time signals
 * are sent to a process, they are delivered starting with the
 * lowest-numbered signal"; the value arrives in si_value, with si_code
 * SI_QUEUE. The lab queues one SIGRTMIN+3 (value 1), then
 * five SIGRTMIN+2 (values 101 to 105) to a receiver that has them blocked;
 * the receiver takes them with sigwaitinfo(): the five SIGRTMIN+2 first,
 * in order, then the SIGRTMIN+3. The kit sends each request's seq this way.
 *
 * sigwaitinfo: sigwaitinfo(2) takes a pending signal from a blocked set,
 * with no handler: the program decides when, and can trace it, safely. Its
 * siginfo_t says who sent it (si_pid) and how (si_code: SI_QUEUE for
 * sigqueue(), SI_USER for kill()). A stranger ("intruder") sends the same
 * signal with kill(); the waiter ignores it, and accepts the lab's.
 * This is ipc_sig_from() (include/ipclab/sig.h).
 *
 * Run:   build/bin/lab04-signal-sync rt-queue
 *        build/bin/lab04-signal-sync sigwaitinfo      Lab 04, steps 7-8.
 */
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ipclab/sig.h"
#include "lab.h"
#include "lab04.h"

#define QUEUED 5

struct receiver {
    pid_t intruder;             /* sigwaitinfo: the stranger, once known */
    struct lab_gate ready;      /* receiver --> lab */
    struct lab_gate go;         /* lab --> receiver: all sent */
};

/* Block 'ready' and 'ack' of rt mode; *set gets them. */
static void
block_rt(struct ipc_sigs *sigs, sigset_t *set)
{
    ipc_sigs_init(sigs, IPCLAB_SIG_RT);
    sigemptyset(set);
    sigaddset(set, sigs->ready);
    sigaddset(set, sigs->ack);
    sigprocmask(SIG_BLOCK, set, NULL);
}

/* Peer (rt-queue): take every pending signal; are they as signal(7) says? */
static int
receiver(void *arg)
{
    struct receiver *r = arg;
    struct ipc_sig_event ev;
    struct ipc_sigs sigs;
    sigset_t set;
    char name[IPCLAB_SIG_NAME_MAX];
    int n = 0, good = 0;

    block_rt(&sigs, &set);              /* already, since fork */
    lab_gate_post(&r->ready, 1);
    if (!lab_gate_wait(&r->go, NULL))
        return 1;
    while (ipc_sig_wait(&set, 0, &ev) > 0) {
        bool ready = n < QUEUED;        /* first the five, then the one */

        ipc_sig_consumed(&ev, ev.signo == sigs.ready ? "ready" : "ack");
        lab_say("took %s, value %u, from pid %ld (%s)",
                ipc_sig_name(ev.signo, name, sizeof(name)), ev.value,
                (long)ev.pid, ev.code == SI_QUEUE ? "sigqueue" : "?");
        good += ev.signo == (ready ? sigs.ready : sigs.ack) &&
                ev.value == (ready ? 101u + (unsigned)n : 1u) &&
                ev.code == SI_QUEUE && ev.pid == getppid();
        n++;
    }
    return n == QUEUED + 1 && good == n ? 0 : 1;
}

bool
exp_rt_queue(void)
{
    struct receiver r = { 0 };
    struct ipc_sigs sigs;
    struct rlimit lim;
    sigset_t set;
    bool ok;
    pid_t pid;

    block_rt(&sigs, &set);              /* the receiver inherits it */
    lab_gate_init(&r.ready);
    lab_gate_init(&r.go);
    pid = lab_fork("receiver", receiver, &r);
    ok = lab_gate_wait(&r.ready, NULL);
    lab_need(ipc_sig_send(&sigs, sigs.ack, "ack", pid, 1), "send the signal");
    for (uint32_t v = 101; v < 101 + QUEUED; v++)
        lab_need(ipc_sig_send(&sigs, sigs.ready, "ready", pid, v),
                 "send the signal");
    lab_gate_post(&r.go, 1);
    if (getrlimit(RLIMIT_SIGPENDING, &lim) == 0)
        lab_say("at most %llu signals may be queued for this user "
                "(RLIMIT_SIGPENDING); beyond, sigqueue() fails with EAGAIN",
                (unsigned long long)lim.rlim_cur);
    ok &= lab_expect(lab_wait(pid, "receiver") == 0, "all %d queued, the "
                     "lower-numbered SIGRTMIN+2 first, each in the order "
                     "sent, each value intact", QUEUED + 1);
    lab_gate_close(&r.ready);
    lab_gate_close(&r.go);
    return ok;
}

/* Peer (sigwaitinfo): accept "ready" only from the lab, by sigqueue(). */
static int
waiter(void *arg)
{
    struct receiver *r = arg;
    struct ipc_sig_event ev;
    struct ipc_sigs sigs;
    sigset_t set;
    char name[IPCLAB_SIG_NAME_MAX];
    int accepted = 0, ignored = 0;

    block_rt(&sigs, &set);
    lab_gate_post(&r->ready, 1);
    while (accepted + ignored < 2 && ipc_sig_wait(&set, LAB_WAIT_MS, &ev) > 0) {
        if (!ipc_sig_from(&sigs, &ev, getppid())) {
            ipc_sig_ignored(&ev, "unexpected_sender");
            lab_say("%s from pid %ld by kill(): not my server, ignored",
                    ipc_sig_name(ev.signo, name, sizeof(name)),
                    (long)ev.pid);
            ignored++;
            continue;
        }
        ipc_sig_consumed(&ev, "ready");
        lab_say("%s from my server %ld by sigqueue(), value %u: accepted",
                ipc_sig_name(ev.signo, name, sizeof(name)), (long)ev.pid,
                ev.value);
        accepted++;
    }
    return accepted == 1 && ignored == 1 ? 0 : 1;
}

/* Peer: a stranger that sends the waiter its "ready" with kill(). */
static int
intruder(void *arg)
{
    struct receiver *r = arg;
    struct ipc_sigs classic, rt;

    ipc_sigs_init(&classic, IPCLAB_SIG_CLASSIC);   /* kill(), no value */
    ipc_sigs_init(&rt, IPCLAB_SIG_RT);
    return ipc_sig_send(&classic, rt.ready, "ready", r->intruder, 0) == 0
           ? 0 : 1;
}

bool
exp_sigwaitinfo(void)
{
    struct receiver r = { 0 };
    struct ipc_sigs sigs;
    sigset_t set;
    bool ok;
    pid_t pid;

    block_rt(&sigs, &set);
    lab_gate_init(&r.ready);
    pid = lab_fork("waiter", waiter, &r);
    ok = lab_gate_wait(&r.ready, NULL);
    r.intruder = pid;           /* the intruder's target, before its fork */
    ok &= lab_wait(lab_fork("intruder", intruder, &r), "intruder") == 0;
    lab_need(ipc_sig_send(&sigs, sigs.ready, "ready", pid, 7),
             "send the signal");
    ok &= lab_expect(lab_wait(pid, "waiter") == 0, "the waiter took both "
                     "with sigwaitinfo(), no handler: it ignored the "
                     "stranger's kill() and accepted the lab's sigqueue()");
    lab_gate_close(&r.ready);
    return ok;
}
