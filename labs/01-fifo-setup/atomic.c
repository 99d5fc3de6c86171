/*
 * labs/01-fifo-setup/atomic.c - PIPE_BUF: writes that never mix, and tears.
 *
 * pipe(7): "POSIX.1 says that write(2)s of less than PIPE_BUF bytes must
 * be atomic: the output data is written to the pipe as a contiguous
 * sequence. Writes of more than PIPE_BUF bytes may be nonatomic: the
 * kernel may interleave the data with data written by other processes."
 * On Linux PIPE_BUF is 4096 and a pipe holds 65536 bytes by default: a
 * bigger write fills the pipe, sleeps until the reader makes room, and the
 * other writer's bytes can get in meanwhile.
 *
 * Two writers send records of one size as fast as they can; the lab reads
 * them back one record-sized unit at a time and checks each: its header is
 * a sealed struct ipc_record (the writer's pid and seq; a = the size, b =
 * the fill byte), and every other byte is the writer's own fill byte. A
 * unit with a broken header or another writer's bytes is torn, and traced
 * as ipclab:record_drop.
 *
 *   PIPE_BUF bytes (4096):      never torn; the experiment fails if one is
 *   64 * PIPE_BUF (256 KiB):    torn whenever the two writes overlap: likely,
 *                               not certain, so it is reported, not judged
 *
 * Run:   build/bin/lab01-fifo-setup atomicity
 * The kit's wire record is 56 bytes for this reason (ipclab/record.h).
 * Lab 01, step 7.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipclab/fifo.h"
#include "ipclab/trace.h"
#include "lab.h"
#include "lab01.h"

#define SMALL_SIZE  PIPE_BUF
#define SMALL_COUNT 256         /* records per writer */
#define BIG_SIZE    (64 * PIPE_BUF)
#define BIG_COUNT   32

struct blast {
    const char *path;
    size_t size;                /* of each record */
    unsigned char fill;         /* this writer's byte: 'A' or 'B' */
    struct lab_gate *ready;     /* writer --> lab: opened */
    struct lab_gate *go;        /* lab --> writers: start together */
};

/* Peer: write the records, each with ONE write() of b->size bytes. */
static int
blaster(void *arg)
{
    struct blast *b = arg;
    unsigned char *buf = malloc(b->size);
    int count = b->size == SMALL_SIZE ? SMALL_COUNT : BIG_COUNT;
    int fd = ipc_fifo_open(IPCLAB_FIFO_LAB, b->path, O_WRONLY);
    struct ipc_record rec;

    if (buf == NULL || fd == -1)
        return 1;
    memset(buf, b->fill, b->size);
    lab_gate_post(b->ready, 1);
    if (!lab_gate_wait(b->go, NULL))    /* start together: writes compete */
        return 1;
    for (int seq = 1; seq <= count; seq++) {
        ipc_rec_request(&rec, IPCLAB_OP_SUM, (int64_t)b->size, b->fill,
                        (uint32_t)seq);
        memcpy(buf, &rec, sizeof(rec));
        IPCLAB_TP(record_write, IPCLAB_FIFO_LAB, &rec);  /* before, as always */
        if (ipc_write_full(fd, buf, b->size) == -1)
            return 1;
    }
    close(fd);
    free(buf);
    return 0;
}

/* Is unit u whole: a valid header, then only its own writer's bytes? */
static enum ipc_rec_fault
check_unit(const unsigned char *u, size_t size, struct ipc_record *rec)
{
    enum ipc_rec_fault f;

    memcpy(rec, u, sizeof(*rec));
    if ((f = ipc_rec_validate(rec, sizeof(*rec), IPCLAB_KIND_REQUEST)) != 0)
        return f;
    for (size_t i = sizeof(*rec); i < size; i++)
        if (u[i] != (unsigned char)rec->b)
            return IPCLAB_REC_BAD_CHECK;   /* the other writer's bytes */
    return IPCLAB_REC_OK;
}

struct tally {
    int units, torn;
    int turns;                  /* times the stream changed writer */
};

/* Two writers of 'size'-byte records, the lab reading: count the tears. */
static bool
run(size_t size, struct tally *t)
{
    char path[PATH_MAX];
    struct lab_gate ready, go;
    struct blast b[2];
    struct ipc_record rec;
    unsigned char *buf = malloc(size);
    int32_t last = 0;
    bool ok = true;
    pid_t pid[2];
    int fd;

    lab_path(path, "atomicity");
    lab_fifo(IPCLAB_FIFO_LAB, path);
    fd = lab_open(IPCLAB_FIFO_LAB, path, O_RDONLY | O_NONBLOCK);
    if (buf == NULL || ipc_fd_set_nonblock(fd, 0) == -1)
        return false;
    if (size == SMALL_SIZE)
        lab_say("PIPE_BUF is %ld bytes; a FIFO holds %d bytes (F_GETPIPE_SZ)",
                fpathconf(fd, _PC_PIPE_BUF), fcntl(fd, F_GETPIPE_SZ));
    lab_gate_init(&ready);
    lab_gate_init(&go);
    for (int i = 0; i < 2; i++) {
        b[i] = (struct blast){ path, size, (unsigned char)('A' + i), &ready,
                               &go };
        pid[i] = lab_fork("writer", blaster, &b[i]);
    }
    /* both must have opened before we read, or read() would see EOF */
    ok &= lab_gate_wait(&ready, NULL) && lab_gate_wait(&ready, NULL);
    lab_gate_post(&go, 1);
    lab_gate_post(&go, 1);

    *t = (struct tally){ 0, 0, 0 };
    while (ipc_read_full(fd, buf, size) == (ssize_t)size) {
        enum ipc_rec_fault f = check_unit(buf, size, &rec);

        t->units++;
        if (f != IPCLAB_REC_OK) {
            IPCLAB_TP(record_drop, IPCLAB_FIFO_LAB, ipc_rec_fault_name(f),
                      (int)size, 0, 0u);
            t->torn++;
            continue;
        }
        IPCLAB_TP(record_read, IPCLAB_FIFO_LAB, &rec);
        t->turns += last != 0 && rec.pid != last;
        last = rec.pid;
    }
    for (int i = 0; i < 2; i++)
        ok &= lab_wait(pid[i], "writer") == 0;
    lab_gate_close(&ready);
    lab_gate_close(&go);
    close(fd);
    unlink(path);
    free(buf);
    return ok;
}

bool
exp_atomicity(void)
{
    struct tally small, big;
    bool ok = run(SMALL_SIZE, &small);

    ok &= lab_expect(small.units == 2 * SMALL_COUNT && small.torn == 0,
                     "%d records of %d bytes (PIPE_BUF) from two writers: "
                     "%d read, %d torn", 2 * SMALL_COUNT, SMALL_SIZE,
                     small.units, small.torn);
    lab_say("the writers took turns %d times, always between whole records",
            small.turns);

    ok &= run(BIG_SIZE, &big);
    lab_say("%d records of %d bytes (64 x PIPE_BUF) from two writers: %d "
            "read, %d torn", 2 * BIG_COUNT, BIG_SIZE, big.units, big.torn);
    if (big.torn > 0)
        lab_say("tearing happened, as pipe(7) allows above PIPE_BUF; after "
                "the first tear the reader is out of step with the records, "
                "so the ones after it count as torn too");
    else
        lab_say("no record tore this time: a big write tears only when the "
                "FIFO fills while the other writer is half-way, which is "
                "likely but not certain; run it again");
    return ok;
}
