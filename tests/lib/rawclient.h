/*
 * tests/lib/rawclient.h - the protocol of a requesting client, from a test.
 *
 * The test process itself acts as a minimal ipclab-rc: useful to send what
 * ipclab-rc would refuse to (an unknown operation), and to know exactly
 * when a result has come back (tests/faults/ sends forged records, then a
 * real request behind them: when its result arrives, the server has dealt
 * with the forged ones, which were ahead of it in FIFO1).
 *
 * raw_request() does a whole request; a test that must act between two of
 * its steps (stop the server after the ready, say) calls the steps itself:
 *
 *   raw_open(&c, dir); raw_send(&c, op, a, b); raw_wait_ready(&c);
 *   ... raw_read_result(&c, &rec); raw_ack(&c, &rec); raw_close(&c);
 *
 * Each step fails the test (ck_assert) with what went wrong.
 */
#ifndef IPCLAB_TEST_RAWCLIENT_H
#define IPCLAB_TEST_RAWCLIENT_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipclab/record.h"
#include "ipclab/sig.h"

/* A client of one server, between raw_open() and raw_close() */
struct raw_client {
    const char *dir;            /* the server's run directory */
    pid_t server;
    struct ipc_sigs sigs;       /* the server's signals (its mode) */
    sigset_t ready;             /* sigs.ready, blocked while open */
    int fd1, fd2;               /* FIFO1 to write, FIFO2 to read */
    uint32_t op, seq;           /* the last request sent */
};

/* Find the server of 'dir', block its ready signal, open FIFO2 then
   FIFO1 (without blocking: no server reading them fails the test) */
void
raw_open(struct raw_client *c, const char *dir);

/* Write a request with any 'op' (even an invalid one) into FIFO1, with
   the next seq of this process */
void
raw_send(struct raw_client *c, uint32_t op, int64_t a, int64_t b);

/* Wait up to 10 s for the server's ready */
void
raw_wait_ready(struct raw_client *c);

/* Read the result from FIFO2 into *rec: for this process, the last seq */
void
raw_read_result(struct raw_client *c, struct ipc_record *rec);

/* Acknowledge *rec to the server */
void
raw_ack(struct raw_client *c, const struct ipc_record *rec);

/* Close the FIFOs */
void
raw_close(struct raw_client *c);

/*
 * Send one request with any 'op' (even an invalid one) to the server of
 * 'dir', take its result through the real handshake, and return its status
 * with its value in *value. Fails the test if no result comes within 10 s.
 */
int
raw_request(const char *dir, uint32_t op, int64_t a, int64_t b,
            int64_t *value);

#endif /* IPCLAB_TEST_RAWCLIENT_H */
