/*
 * tests/lib/rawclient.h - the protocol of a requesting client, from a test.
 *
 * The test process itself acts as a minimal ipclab-rc: useful to send what
 * ipclab-rc would refuse to (an unknown operation), and to know exactly
 * when a result has come back (tests/faults/ sends forged records, then a
 * real request behind them: when its result arrives, the server has dealt
 * with the forged ones, which were ahead of it in FIFO1).
 */
#ifndef IPCLAB_TEST_RAWCLIENT_H
#define IPCLAB_TEST_RAWCLIENT_H

#include <stdint.h>

/*
 * Send one request with any 'op' (even an invalid one) to the server of
 * 'dir', take its result through the real handshake, and return its status
 * with its value in *value. Fails the test if no result comes within 10 s.
 */
int
raw_request(const char *dir, uint32_t op, int64_t a, int64_t b,
            int64_t *value);

#endif /* IPCLAB_TEST_RAWCLIENT_H */
