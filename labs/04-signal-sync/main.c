/*
 * labs/04-signal-sync/main.c - lab04-signal-sync: signals that decide who
 * reads a shared FIFO.
 *
 * FIFO2 (results) and FIFO3 (work) of the reference system have several
 * readers, and a FIFO cannot address a reader. This lab shows why that
 * needs signals, what goes wrong without an acknowledgement, why classic
 * signals (which coalesce and carry nothing) lose wake-ups, the race of a
 * client that installs its handler after sending its request, what a
 * signal handler may do, and the tools the kit uses instead: real-time
 * signals queued with sigqueue(), taken with sigwaitinfo() or a signalfd.
 *
 * Run:   build/bin/lab04-signal-sync --help
 *        build/bin/lab04-signal-sync all
 *        make lab N=04            (the same, traced, with its diagram)
 * The handout is labs/04-signal-sync/README.md. Lab 04.
 */
#include "lab.h"
#include "lab04.h"

static const struct lab_experiment experiments[] = {
    { "shared-fifo", "two readers, one FIFO: whoever reads first wins",
      exp_shared_fifo },
    { "no-ack", "told by a signal, but no ack: records go astray",
      exp_no_ack },
    { "ack", "one record at a time, the next after the ack",
      exp_ack },
    { "lost-wakeup", "five SIGUSR1 sent, one received: wake-ups lost",
      exp_lost_wakeup },
    { "early-result", "a handler installed after the request: too late",
      exp_early_result },
    { "async-safe", "a handler that only sets a flag; EINTR, SA_RESTART",
      exp_async_safe },
    { "rt-queue", "real-time signals queue, in order, with a value",
      exp_rt_queue },
    { "sigwaitinfo", "taking a signal without a handler; who sent it",
      exp_sigwaitinfo },
    { "signalfd", "signals and FIFO records in one poll() loop",
      exp_signalfd },
    { "protocol", "the reference system's handshake, three clients",
      exp_protocol },
    { NULL, NULL, NULL },
};

int
main(int argc, char *argv[])
{
    static const struct lab lab = {
        "lab04", "signal synchronisation", "labs/04-signal-sync/README.md",
        experiments,
    };

    return lab_main(&lab, argc, argv);
}
