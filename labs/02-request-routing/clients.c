/*
 * labs/02-request-routing/clients.c - many clients, one FIFO, one reader.
 *
 * Four clients write 25 requests each into one FIFO, all at once; the lab,
 * as the server, reads them with the library's buffered record reader
 * (ipc_rec_reader_fill() and ipc_rec_reader_next(), include/ipclab/fifo.h).
 * Each request is one write() of a 56-byte record, below PIPE_BUF, so
 * (pipe(7)):
 *
 *   - records of different clients interleave, but never their bytes;
 *   - the records of one client arrive in the order it wrote them;
 *   - read() returns as many whole or partial records as are waiting,
 *     which the buffered reader cuts back into records.
 *
 * The FIFO is FIFO1 of the reference system, and the trace says so
 * (fifo = 1). End of file comes when the last client has closed: that is
 * how the lab knows it has everything (lab 01, 'eof').
 *
 * Run:   build/bin/lab02-request-routing many-writers
 * The server's own loop is read_fifo1() in src/server/main.c. Lab 02, step 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "ipclab/fifo.h"
#include "lab.h"
#include "lab02.h"

#define CLIENTS  4
#define REQUESTS 25             /* per client */

struct client {
    const char *path;
    struct lab_gate *opened;    /* client --> lab */
    struct lab_gate *go;        /* lab --> clients: start together */
};

/* Peer: send REQUESTS requests, one record per write(), then close. */
static int
client(void *arg)
{
    struct client *c = arg;
    struct ipc_record rec;
    int fd = ipc_fifo_open(IPCLAB_FIFO1, c->path, O_WRONLY);

    if (fd == -1)
        return 1;
    lab_gate_post(c->opened, 1);
    if (!lab_gate_wait(c->go, NULL))
        return 1;
    for (uint32_t seq = 1; seq <= REQUESTS; seq++) {
        ipc_rec_request(&rec, (enum ipc_op)(1 + seq % IPCLAB_OP_COUNT), seq, 2,
                        seq);
        if (ipc_rec_write(fd, IPCLAB_FIFO1, &rec, -1) == -1)
            return 1;
    }
    close(fd);
    return 0;
}

/* Index of pid in pids[], or -1 */
static int
which(const pid_t *pids, int32_t pid)
{
    for (int i = 0; i < CLIENTS; i++)
        if (pids[i] == pid)
            return i;
    return -1;
}

bool
exp_many_writers(void)
{
    char fifo1[PATH_MAX];
    struct lab_gate opened, go;
    struct client c = { lab_path(fifo1, "fifo1"), &opened, &go };
    struct ipc_rec_reader rd;
    struct ipc_record rec;
    char order[CLIENTS * REQUESTS + 1];
    uint32_t last[CLIENTS] = { 0 };
    int got = 0, turns = 0, fd, prev = -1;
    bool ok = true, in_order = true;
    pid_t pid[CLIENTS];

    lab_fifo(IPCLAB_FIFO1, c.path);
    lab_gate_init(&opened);
    lab_gate_init(&go);
    for (int i = 0; i < CLIENTS; i++)
        pid[i] = lab_fork("client", client, &c);
    fd = lab_open(IPCLAB_FIFO1, c.path, O_RDONLY | O_NONBLOCK);
    /* end of file must mean "all have finished", not "none has begun" */
    for (int i = 0; i < CLIENTS; i++)
        ok &= lab_gate_wait(&opened, NULL);
    for (int i = 0; i < CLIENTS; i++)
        lab_gate_post(&go, 1);

    ipc_rec_reader_init(&rd, fd, IPCLAB_FIFO1, IPCLAB_KIND_REQUEST);
    for (ssize_t n = 1; n != 0 && ok;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };

        if (poll(&p, 1, LAB_WAIT_MS) == 0)
            ok = lab_expect(false, "no end of file after %d ms", LAB_WAIT_MS);
        if ((n = ipc_rec_reader_fill(&rd)) == -1 && errno != EAGAIN)
            break;
        while (got < CLIENTS * REQUESTS && ipc_rec_reader_next(&rd, &rec)) {
            int k = which(pid, rec.pid);

            in_order &= k >= 0 && rec.seq == last[k] + 1;
            last[k < 0 ? 0 : k] = rec.seq;
            turns += prev >= 0 && k != prev;
            prev = k;
            order[got++] = (char)('A' + k);
        }
    }
    order[got] = '\0';
    lab_say("arrival order, one letter per request (A to D: the clients):");
    for (int i = 0; i < got; i += 50)
        lab_say("  %.50s", order + i);
    ok &= lab_expect(got == CLIENTS * REQUESTS && rd.dropped == 0,
                     "%d requests read, %lu stretches of bad bytes: no "
                     "record was mixed with another", got, rd.dropped);
    ok &= lab_expect(in_order, "each client's requests came in the order "
                     "it wrote them (seq 1, 2, 3...)");
    lab_say("the clients took turns %d times: records interleave, their "
            "bytes never do", turns);
    for (int i = 0; i < CLIENTS; i++)
        ok &= lab_wait(pid[i], "client") == 0;
    lab_gate_close(&opened);
    lab_gate_close(&go);
    close(fd);
    unlink(c.path);
    return ok;
}
