/*
 * labs/01-fifo-setup/capacity.c - how many records a FIFO holds.
 *
 * pipe(7), "Pipe capacity": "Since Linux 2.6.11, the pipe capacity is
 * 16 pages (i.e., 65,536 bytes in a system with a page size of 4096
 * bytes)." The capacity is counted in pages, not bytes: the kernel keeps
 * a pipe as a ring of page-sized buffers, and adds a small write to the
 * last page only if the whole write fits there (the kernel's pipe_write
 * in fs/pipe.c); otherwise it starts a new page. A 56-byte record
 * therefore never spans two pages: each page holds 4096 / 56 = 73 records
 * (4088 bytes, 8 bytes unused), and the FIFO holds 16 x 73 = 1168 of
 * them, not 65536 / 56 = 1170.
 *
 * The lab opens both ends itself, non-blocking, and writes records with
 * ipc_rec_write() until write() fails with EAGAIN (full), then reads them
 * all back. The numbers come from this machine: F_GETPIPE_SZ (fcntl(2))
 * and sysconf(_SC_PAGESIZE).
 *
 * Run:   build/bin/lab01-fifo-setup capacity
 * A client that finds FIFO1 full waits in rc_send() (src/rc/session.c).
 * Lab 01, step 8.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "ipclab/fifo.h"
#include "lab.h"
#include "lab01.h"

bool
exp_capacity(void)
{
    char path[PATH_MAX];
    struct ipc_record rec;
    long page = lab_need(sysconf(_SC_PAGESIZE), "read the page size");
    long rsize = (long)sizeof(rec);
    long cap, pages, per_page, written = 0, nread = 0;
    int rd, wr, r, err;
    bool ok = true;

    lab_fifo(IPCLAB_FIFO_LAB, lab_path(path, "capacity"));
    /* read end first: with O_NONBLOCK it opens at once, and then the
       write end finds a reader and opens too (step 4) */
    rd = lab_open(IPCLAB_FIFO_LAB, path, O_RDONLY | O_NONBLOCK);
    wr = lab_open(IPCLAB_FIFO_LAB, path, O_WRONLY | O_NONBLOCK);
    cap = lab_need(fcntl(wr, F_GETPIPE_SZ), "read the FIFO's capacity");
    pages = cap / page;
    per_page = page / rsize;
    lab_say("the FIFO holds %ld bytes (F_GETPIPE_SZ): %ld pages of %ld bytes;"
            " a record is %ld bytes", cap, pages, page, rsize);

    /* fill it: timeout 0, so a full FIFO is EAGAIN at once, not a wait */
    for (;;) {
        ipc_rec_request(&rec, IPCLAB_OP_SUM, written, 1,
                        (uint32_t)(written + 1));
        if (ipc_rec_write(wr, IPCLAB_FIFO_LAB, &rec, 0) == -1)
            break;
        written++;
    }
    err = errno;
    ok &= lab_expect(err == EAGAIN, "write() number %ld failed with EAGAIN:"
                     " the FIFO is full (the trace: an error, err = 11)",
                     written + 1);
    lab_say("%ld bytes divided by %ld would be %ld records", cap, rsize,
            cap / rsize);
    ok &= lab_expect(written == pages * per_page,
                     "%ld records fit: %ld pages x %ld records a page (%ld "
                     "bytes used, %ld unused in each page: a record never "
                     "spans two pages)", written, pages, per_page,
                     per_page * rsize, page - per_page * rsize);

    /* read them back: every record is whole, in order */
    while ((r = ipc_rec_read_one(rd, IPCLAB_FIFO_LAB, &rec,
                                 IPCLAB_KIND_REQUEST)) == 1 &&
           rec.seq == (uint32_t)(nread + 1))
        nread++;
    ok &= lab_expect(r == -1 && errno == EAGAIN && nread == written,
                     "%ld records read back, in order; then the FIFO is empty"
                     " (EAGAIN)", nread);
    close(wr);
    close(rd);
    unlink(path);
    return ok;
}
