/*
 * labs/04-signal-sync/protocol.c - the reference system's handshake.
 *
 * The real ipclab-server, and three ipclab-rc started first and released
 * together (lab_clients_run()), each with four expressions and two
 * requests in flight (--window 2). Both shared FIFOs
 * (FIFO2 to the clients, FIFO3 to the workers) follow the 'ack'
 * experiment's rule, with real-time signals carrying each request's seq:
 *
 *   server: write(record) --> sigqueue(reader, ready, seq)
 *   reader: sigwaitinfo(ready) --> read(record) --> sigqueue(server, ack, seq)
 *   server: (signalfd) ack --> write the next record
 *
 * and every client blocks its signals before sending (early-result). So
 * each client prints exactly its own four answers, whatever the timing.
 * In the trace, every record_write into FIFO2 or FIFO3 is followed by its
 * ready, its record_read by the addressee, its ack, and only then by the
 * next record_write into the same FIFO; 'ipclab-trace check' verifies it.
 *
 * Run:   build/bin/lab04-signal-sync protocol
 * The protocol is described step by step in docs/protocol.md; the code is
 * src/server/handshake.c, src/rc/session.c, src/worker/main.c.
 * Lab 04, step 10.
 */
#include "lab.h"
#include "lab04.h"

#define CLIENTS 3

static const char *const input[CLIENTS] = {
    "6 * 7\n100 / 7\n-5 - 8\n1 / 0\n",
    "2 + 2\n9223372036854775807 + 1\n12 * 12\n7 / 2\n",
    "1000 - 1\n3 * -3\n-9223372036854775808 / -1\n40 + 2\n",
};
static const char *const expect[CLIENTS] = {
    "6 * 7 = 42\n100 / 7 = 14\n-5 - 8 = -13\n1 / 0: division by zero\n",
    "2 + 2 = 4\n9223372036854775807 + 1: overflow\n12 * 12 = 144\n"
    "7 / 2 = 3\n",
    "1000 - 1 = 999\n3 * -3 = -9\n-9223372036854775808 / -1: overflow\n"
    "40 + 2 = 42\n",
};

bool
exp_protocol(void)
{
    struct lab_server srv;
    bool ok;

    if (!lab_server_start(&srv, NULL))
        return false;
    /* released together, so that their records meet in FIFO2 and FIFO3
       and wait for each other's acks */
    ok = lab_clients_run(&srv, CLIENTS, "2", input, expect);
    lab_server_stop(&srv);
    return ok;
}
