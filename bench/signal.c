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

int
bench_signal(int argc, char *argv[])
{
    struct bench_opts o;
    struct ipc_sigs s;
    struct samples smp = { 0 };
    sigset_t child_set, ack_set;
    long warm;
    pid_t child;

    bench_parse_common(argc, argv, &o, 20000,
                       "Usage: ipclab-bench signal [--iter N] [--cpu N]\n"
                       "A real-time signal round trip: sigqueue() and "
                       "sigwaitinfo(), both ways.\n");
    ipc_sigs_init(&s, IPCLAB_SIG_RT);

    /* block before forking, to avoid a race: the child inherits the mask,
       and the first ready may arrive before it runs at all */
    sigemptyset(&child_set);
    sigaddset(&child_set, s.ready);
    sigaddset(&child_set, SIGTERM);
    sigemptyset(&ack_set);
    sigaddset(&ack_set, s.ack);
    if (sigprocmask(SIG_BLOCK, &child_set, NULL) == -1 ||
        sigprocmask(SIG_BLOCK, &ack_set, NULL) == -1)
        ipc_die("sigprocmask");
    if ((child = bench_fork()) == 0)
        echo_loop(&s, &child_set, getppid());

    warm = bench_warmup(o.iter, 1000);
    for (long i = -warm; i < o.iter; i++) {
        struct ipc_sig_event ev;
        int64_t t0 = ipc_now_ns();

        if (ipc_sig_send(&s, s.ready, "ready", child, (uint32_t)i) == -1)
            ipc_die("sigqueue");
        if (ipc_sig_wait(&ack_set, 10000, &ev) != s.ack ||
            ev.value != (uint32_t)i)
            ipc_diex("no acknowledgement %ld from the child", i);
        if (i >= 0)
            samples_add(&smp, (double)(ipc_now_ns() - t0));
    }
    kill(child, SIGTERM);
    if (bench_reap(1) != 0)
        ipc_diex("the child did not end cleanly");
    bench_result_times(&smp, "");
    samples_free(&smp);
    return 0;
}
