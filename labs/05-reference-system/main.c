/*
 * labs/05-reference-system/main.c - lab05-reference-system: the whole
 * system, end to end, traced.
 *
 *  requesting clients (rc) --FIFO1--> server --FIFO3--> processing clients
 *                          <--FIFO2--  server <--FIFO4--
 *
 * The lab starts the real ipclab-server (build/bin/) on a private runtime
 * directory and the default workload's four clients against it: in the
 * default mode, with fork+exec per request, with classic signals, with a
 * client that dies before taking its result, and under load. Each run is
 * checked answer by answer; the handout's questions are answered by
 * reading the run's trace.
 *
 * Run:   build/bin/lab05-reference-system --help
 *        build/bin/lab05-reference-system all
 *        make lab N=05            (the same, traced, with its diagram)
 * The handout is labs/05-reference-system/README.md; the system is
 * described in docs/architecture.md and docs/protocol.md. Lab 05.
 */
#include "lab.h"
#include "lab05.h"

static const struct lab_experiment experiments[] = {
    { "run", "the default workload: a server and four clients",
      exp_run },
    { "per-request", "the same with a worker fork+exec'd per request",
      exp_per_request },
    { "classic", "the same with classic signals: right, but slower",
      exp_classic },
    { "dead-client", "a client dies before reading its result",
      exp_dead_client },
    { "load", "two load generators, 100 random requests each",
      exp_load },
    { NULL, NULL, NULL },
};

int
main(int argc, char *argv[])
{
    static const struct lab lab = {
        "lab05", "the reference system", "labs/05-reference-system/README.md",
        experiments,
    };

    return lab_main(&lab, argc, argv);
}
