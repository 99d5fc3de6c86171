/*
 * labs/03-worker-processing/main.c - lab03-worker-processing: the
 * processing clients that compute.
 *
 * A processing client ("worker") reads a request, computes, writes the
 * result, and loops. This lab runs one of its own to show that loop and
 * the error statuses it must answer (never a crash, never a wrong
 * number), then starts the reference system twice to compare a persistent
 * pool of workers with the original design, fork+exec of a worker for
 * every request, and once more to see a worker die and the server cope.
 *
 * Run:   build/bin/lab03-worker-processing --help
 *        build/bin/lab03-worker-processing all
 *        make lab N=03            (the same, traced, with its diagram)
 * The handout is labs/03-worker-processing/README.md. The reference worker
 * is src/worker/main.c. Lab 03.
 */
#include "lab.h"
#include "lab03.h"

static const struct lab_experiment experiments[] = {
    { "worker", "a processing client's loop: read, compute, write",
      exp_worker },
    { "errors", "division by zero and overflow: a status, not a crash",
      exp_errors },
    { "pool", "a persistent pool of workers: the cost of a request",
      exp_pool },
    { "fork-exec", "fork+exec of a worker per request: the cost again",
      exp_fork_exec },
    { "crash", "a worker dies holding a request: the client gets EIO",
      exp_crash },
    { NULL, NULL, NULL },
};

int
main(int argc, char *argv[])
{
    static const struct lab lab = {
        "lab03", "worker processing", "labs/03-worker-processing/README.md",
        experiments,
    };

    return lab_main(&lab, argc, argv);
}
