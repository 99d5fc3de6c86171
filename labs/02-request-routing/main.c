/*
 * labs/02-request-routing/main.c - lab02-request-routing: one FIFO, many
 * clients, and a server that sends each request where it belongs.
 *
 * FIFO1 of the reference system has any number of writers (the requesting
 * clients) and one reader (the server). This lab shows why that works when
 * every request is one fixed-size record written with one write(); what
 * goes wrong with text lines and partial reads; and how the server routes
 * each request by its operation to the processing client for it.
 *
 * Run:   build/bin/lab02-request-routing --help
 *        build/bin/lab02-request-routing all
 *        make lab N=02            (the same, traced, with its diagram)
 * The handout is labs/02-request-routing/README.md. Lab 02.
 */
#include "lab.h"
#include "lab02.h"

static const struct lab_experiment experiments[] = {
    { "many-writers", "four clients write into one FIFO: nothing mixes",
      exp_many_writers },
    { "text-lines", "text lines: partial reads, and messages that mix",
      exp_text_lines },
    { "fixed-records", "fixed-size records: the reader always finds them",
      exp_fixed_records },
    { "routing", "a server routes each request by its operation",
      exp_routing },
    { NULL, NULL, NULL },
};

int
main(int argc, char *argv[])
{
    static const struct lab lab = {
        "lab02", "request routing", "labs/02-request-routing/README.md",
        experiments,
    };

    return lab_main(&lab, argc, argv);
}
