/*
 * tests/fuzz/fuzz_record.c - libFuzzer harness: the record decoder.
 *
 * Whatever bytes arrive in a FIFO, the readers must neither crash nor
 * accept a bad record nor lose a good one. For each input this harness:
 *
 *   1. validates it as a request and as a result with ipc_rec_validate(),
 *      and checks that "valid" really means every field a reader trusts;
 *   2. feeds it through a real pipe into the buffered reader the server
 *      uses (ipc_rec_reader_fill/next), in chunks whose sizes come from
 *      the input itself, and checks that every record it returns is
 *      valid, that it never keeps a whole record's worth of bytes back,
 *      and that every byte is accounted for: returned in a record,
 *      dropped (and counted), or still waiting for the rest;
 *   3. reads the first record-sized piece with ipc_rec_read_one(), as a
 *      client and a worker do.
 *
 * A broken property calls abort(), which libFuzzer reports as a crash.
 * Build and run: make fuzz (see mk/reliability.mk); seeds in
 * tests/fuzz/corpus/record/.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipclab/fifo.h"
#include "ipclab/record.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REC sizeof(struct ipc_record)

static int rd_fd = -1, wr_fd = -1;     /* one pipe for the whole run */

static void
require(int ok)
{
    if (!ok)
        abort();
}

static void
open_pipe(void)
{
    int fds[2];

    if (rd_fd != -1)
        return;
    require(pipe2(fds, O_CLOEXEC) == 0);
    rd_fd = fds[0];
    wr_fd = fds[1];
    require(ipc_fd_set_nonblock(rd_fd, 1) == 0);   /* as the server's */
}

/* 1: validation, against what each verdict promises */
static void
validate(const uint8_t *data, size_t size, enum ipc_kind kind)
{
    struct ipc_record r;
    enum ipc_rec_fault f;

    memset(&r, 0, sizeof(r));
    memcpy(&r, data, size < REC ? size : REC);
    f = ipc_rec_validate(&r, size, kind);
    require(f >= IPCLAB_REC_OK && f <= IPCLAB_REC_BAD_OP);
    require(strcmp(ipc_rec_fault_name(f), "unknown") != 0);
    /* a record given back (IPCLAB_REC_RETURNED) may be of either kind */
    if (f == IPCLAB_REC_OK)
        require(size >= REC && r.magic == IPCLAB_MAGIC &&
                r.version == IPCLAB_VERSION &&
                (r.kind == kind ||
                 ((r.flags & IPCLAB_REC_RETURNED) &&
                  (r.kind == IPCLAB_KIND_REQUEST ||
                   r.kind == IPCLAB_KIND_RESULT))) &&
                r.pid > 0 && r.seq != 0);
    if (size < REC)
        require(f == IPCLAB_REC_SHORT);
}

/* 2: the buffered reader, through the pipe */
static void
read_stream(const uint8_t *data, size_t size, enum ipc_kind kind)
{
    struct ipc_rec_reader rd;
    struct ipc_record r;
    size_t fed = 0, taken = 0;

    ipc_rec_reader_init(&rd, rd_fd, IPCLAB_FIFO1, kind);
    while (fed < size) {
        size_t chunk = 1 + (size_t)data[fed] % 160;

        if (chunk > size - fed)
            chunk = size - fed;
        require(write(wr_fd, data + fed, chunk) == (ssize_t)chunk);
        fed += chunk;
        require(ipc_rec_reader_fill(&rd) == (ssize_t)chunk);
        while (ipc_rec_reader_next(&rd, &r) == 1) {
            require(ipc_rec_validate(&r, REC, kind) == IPCLAB_REC_OK);
            taken++;
        }
        /* drained: what is left cannot be a whole record yet */
        require(rd.len < REC);
    }
    require(taken * REC + rd.dropped_bytes + rd.len == size);
    require(rd.dropped_bytes == 0 || rd.dropped > 0);
    /* nothing more in the pipe: "try again", never EOF (we hold the
       write end) nor an error */
    require(ipc_rec_reader_fill(&rd) == -1 && errno == EAGAIN);
}

/* 3: one record, as a reader of a shared FIFO takes it */
static void
read_one(const uint8_t *data, size_t size, enum ipc_kind kind)
{
    struct ipc_record r;
    size_t n = size < REC ? size : REC;
    unsigned char rest[REC];
    int got;

    if (n == 0)
        return;
    require(write(wr_fd, data, n) == (ssize_t)n);
    got = ipc_rec_read_one(rd_fd, IPCLAB_FIFO2, &r, kind);
    if (got == 1)
        require(n == REC && ipc_rec_validate(&r, REC, kind) == IPCLAB_REC_OK);
    else
        /* short: the pipe ran dry (EAGAIN); else invalid: EBADMSG */
        require(got == -1 && (errno == EAGAIN || errno == EBADMSG));
    require(read(rd_fd, rest, sizeof(rest)) == -1 && errno == EAGAIN);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    open_pipe();
    validate(data, size, IPCLAB_KIND_REQUEST);
    validate(data, size, IPCLAB_KIND_RESULT);
    if (size > 16 * IPCLAB_READER_BUF)
        return 0;               /* keep each run fast; the pipe holds it */
    read_stream(data, size, IPCLAB_KIND_REQUEST);
    read_stream(data, size, IPCLAB_KIND_RESULT);
    read_one(data, size, IPCLAB_KIND_RESULT);
    return 0;
}
