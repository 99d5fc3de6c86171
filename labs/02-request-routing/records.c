/*
 * labs/02-request-routing/records.c - fixed-size records: the reader
 * always knows where a message ends.
 *
 * The kit's messages are 56-byte records (include/ipclab/record.h) that
 * start with a magic number and end with a checksum. A reader needs no
 * delimiter: it collects bytes until it holds sizeof(struct ipc_record),
 * checks them, and if they are not a record skips to the next place where
 * one could start. The library's buffered reader does exactly that
 * (ipc_rec_reader_fill() and ipc_rec_reader_next(), src/lib/fifo.c). A
 * writer drives it through the three cases text.c showed, and one more:
 *
 *   1. a record in two pieces (UNSAFE on purpose: a writer must never do
 *      this on a FIFO with other writers): the reader keeps the first
 *      piece and returns the record when the rest has come;
 *   2. two records before the lab reads: one read(), two records;
 *   3. 10 bytes of garbage, then a record: the garbage is dropped (traced
 *      as record_drop, reason "bad_magic") and the record survives.
 *
 * Run:   build/bin/lab02-request-routing fixed-records      Lab 02, step 3.
 */
#include <fcntl.h>
#include <unistd.h>

#include "ipclab/fifo.h"
#include "ipclab/trace.h"
#include "lab.h"
#include "lab02.h"

#define FIRST_PIECE 20          /* bytes of record 1 in its first write() */

/* Peer: one write() per step, as the header comment lists them. */
static int
rec_writer(void *arg)
{
    char records[PATH_MAX];
    struct lab_steps *s = arg;
    static const char junk[10] = "garbage!!!";
    struct ipc_record r[4];
    int fd = ipc_fifo_open(IPCLAB_FIFO_LAB, lab_path(records, "records"),
                           O_WRONLY);

    if (fd == -1)
        return 1;
    for (int i = 0; i < 4; i++)
        ipc_rec_request(&r[i], (enum ipc_op)(1 + i), 6, 7, (uint32_t)i + 1);
    lab_gate_post(&s->done, 0);                 /* opened */

    /* UNSAFE: one record in two write()s [lab02:split-record] */
    lab_gate_wait(&s->go, NULL);
    IPCLAB_TP(record_write, IPCLAB_FIFO_LAB, &r[0]);
    lab_need(ipc_write_full(fd, &r[0], FIRST_PIECE), "write");
    lab_gate_post(&s->done, 1);
    lab_gate_wait(&s->go, NULL);
    lab_need(ipc_write_full(fd, (char *)&r[0] + FIRST_PIECE,
                            sizeof(r[0]) - FIRST_PIECE), "write");
    lab_gate_post(&s->done, 2);

    lab_gate_wait(&s->go, NULL);
    lab_need(ipc_rec_write(fd, IPCLAB_FIFO_LAB, &r[1], -1),
             "write the record");
    lab_need(ipc_rec_write(fd, IPCLAB_FIFO_LAB, &r[2], -1),
             "write the record");
    lab_gate_post(&s->done, 3);

    lab_gate_wait(&s->go, NULL);
    lab_need(ipc_write_full(fd, junk, sizeof(junk)), "write");
    lab_need(ipc_rec_write(fd, IPCLAB_FIFO_LAB, &r[3], -1),
             "write the record");
    lab_gate_post(&s->done, 4);
    close(fd);
    return 0;
}

/* One fill (one read()), then every whole record. Returns how many. */
static int
take(struct ipc_rec_reader *rd)
{
    unsigned long dropped = rd->dropped_bytes;
    struct ipc_record rec;
    int count = 0;

    lab_say("read() returned %zd bytes", ipc_rec_reader_fill(rd));
    while (ipc_rec_reader_next(rd, &rec) == 1) {
        lab_say("  a whole record, seq %u: %lld %c %lld", rec.seq,
                (long long)rec.a, ipc_op_symbol(rec.op), (long long)rec.b);
        count++;
    }
    if (rd->dropped_bytes > dropped)
        lab_say("  dropped %lu bytes that are not a record",
                rd->dropped_bytes - dropped);
    if (rd->len > 0)
        lab_say("  kept %zu bytes: not a whole record yet", rd->len);
    return count;
}

bool
exp_fixed_records(void)
{
    char records[PATH_MAX];
    struct lab_steps s;
    struct ipc_rec_reader rd;
    bool ok = true;
    int fd, a, b;
    pid_t pid;

    lab_fifo(IPCLAB_FIFO_LAB, lab_path(records, "records"));
    lab_steps_init(&s);
    pid = lab_fork("writer", rec_writer, &s);
    fd = lab_open(IPCLAB_FIFO_LAB, records, O_RDONLY | O_NONBLOCK);
    ipc_rec_reader_init(&rd, fd, IPCLAB_FIFO_LAB, IPCLAB_KIND_REQUEST);
    ok &= lab_gate_wait(&s.done, NULL);

    lab_say("1. the writer sends %d bytes of record 1, later the other %zu",
            FIRST_PIECE, sizeof(struct ipc_record) - FIRST_PIECE);
    a = lab_step(&s) ? take(&rd) : -1;
    b = lab_step(&s) ? take(&rd) : -1;
    ok &= lab_expect(a == 0 && b == 1, "the reader held the piece back and "
                     "returned the record once all %zu bytes were there",
                     sizeof(struct ipc_record));
    lab_say("2. the writer sends records 2 and 3 before the lab reads");
    a = lab_step(&s) ? take(&rd) : -1;
    ok &= lab_expect(a == 2, "one read(), two records: the size alone "
                     "separates them");
    lab_say("3. the writer sends 10 bytes of garbage, then record 4");
    a = lab_step(&s) ? take(&rd) : -1;
    ok &= lab_expect(a == 1 && rd.dropped == 1 && rd.dropped_bytes == 10,
                     "the garbage was dropped (%lu bytes), the record after "
                     "it kept: the magic number says where a record starts",
                     rd.dropped_bytes);
    ok &= lab_wait(pid, "writer") == 0;
    lab_steps_close(&s);
    close(fd);
    unlink(records);
    return ok;
}
