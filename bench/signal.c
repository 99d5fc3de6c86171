/*
 * bench/signal.c - the signal baseline: a real-time signal round trip.
 *
 *   parent --sigqueue(ready, i)--> child      child: sigwaitinfo()
 *   parent <--sigqueue(ack, i)---- child      parent: sigwaitinfo()
 *
 * Exactly what the reference system does twice per request (server and
 * worker on FIFO3, server and client on FIFO2), with the kit's own
 * ipc_sig_send() and ipc_sig_wait(): signals blocked, taken synchronously,
 * no handler.
 *
 *   ipclab-bench signal [--iter N] [--cpu N]
 *
 * Prints "result p50_ns=... p99_ns=... mean_ns=... iter=N".
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/proc.h"
#include "ipclab/sig.h"
#include "bench.h"

/* The child: acknowledge every ready with its own value, until SIGTERM */
static void
echo_loop(const struct ipc_sigs *s, const sigset_t *set, pid_t parent)
{
    for (;;) {
        struct ipc_sig_event ev;
        int signo = ipc_sig_wait(set, -1, &ev);

        if (signo == -1)
            ipc_die_child("sigwaitinfo");
        if (signo == SIGTERM)
            _exit(0);
        if (ipc_sig_send(s, s->ack, "ack", parent, ev.value) == -1)
            ipc_die_child("sigqueue");
    }
}

/* The parent: a ready to the child, and its ack back */
struct parent {
    struct ipc_sigs s;
    sigset_t ack_set;
    pid_t child;
};

static void
round_trip(void *arg, long i)
{
    struct parent *p = arg;
    struct ipc_sig_event ev;

    if (ipc_sig_send(&p->s, p->s.ready, "ready", p->child, (uint32_t)i) == -1)
        ipc_die("sigqueue");
    if (ipc_sig_wait(&p->ack_set, 10000, &ev) != p->s.ack ||
        ev.value != (uint32_t)i)
        ipc_diex("no acknowledgement %ld from the child", i);
}

int
bench_signal(int argc, char *argv[])
{
    struct bench_opts o = { .iter = 20000, .cpu = -1 };
    struct parent p;
    sigset_t child_set;

    bench_options(argc, argv,
                  "Usage: ipclab-bench signal [--iter N] [--cpu N]\n"
                  "A real-time signal round trip: sigqueue() and "
                  "sigwaitinfo(), both ways.\n", &o);
    ipc_sigs_init(&p.s, IPCLAB_SIG_RT);

    /* block before forking, to avoid a race: the child inherits the mask,
       and the first ready may arrive before it runs at all */
    sigemptyset(&child_set);
    sigaddset(&child_set, p.s.ready);
    sigaddset(&child_set, SIGTERM);
    sigemptyset(&p.ack_set);
    sigaddset(&p.ack_set, p.s.ack);
    if (sigprocmask(SIG_BLOCK, &child_set, NULL) == -1 ||
        sigprocmask(SIG_BLOCK, &p.ack_set, NULL) == -1)
        ipc_die("sigprocmask");
    if ((p.child = bench_fork()) == 0)
        echo_loop(&p.s, &child_set, getppid());
    bench_time_trips(o.iter, round_trip, &p);
    kill(p.child, SIGTERM);
    return bench_reap(1);
}
