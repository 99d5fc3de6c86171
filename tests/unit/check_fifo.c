/*
 * tests/unit/check_fifo.c - unit tests for FIFOs and record I/O (fifo.h).
 *
 * What is tested, and how:
 *   - opening: the errors a client meets in real life (no reader yet,
 *     a planted regular file, a symlink) on FIFOs in a mkdtemp directory;
 *   - one record at a time: ipc_rec_write() and ipc_rec_read_one(),
 *     including a full FIFO (a pipe filled to the brim first);
 *   - the buffered reader: a byte stream with garbage before, between and
 *     after valid records, and records split across reads; every valid
 *     record must come out, in order;
 *   - EINTR: a helper child waits until we sleep in read() or write(),
 *     interrupts us with a signal whose handler has no SA_RESTART, and
 *     only then lets the call complete, so the restart loop is really run.
 * Pipes stand in for FIFOs where the name does not matter: a FIFO is a
 * pipe with a name, and they share one implementation in the kernel.
 * The module is src/lib/fifo.c.
 *
 * Run:   CK_RUN_SUITE=fifo build/tests/unit
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipclab/fifo.h"
#include "ipclab/proc.h"
#include "unit.h"

#define REC_SIZE sizeof(struct ipc_record)

/* mkfifo unit_tmpdir/name through the library; its path into buf */
static void
make_fifo(char *path, size_t size, const char *name)
{
    unit_path(path, size, unit_tmpdir, name);
    ck_assert_int_eq(ipc_fifo_create(IPCLAB_FIFO_LAB, path, 0600), 0);
}

static void
make_pipe(int p[2], int flags)
{
    ck_assert_int_eq(pipe2(p, O_CLOEXEC | flags), 0);
}

/* The descriptor number open() would return next: to spot fd leaks. */
static int
lowest_free_fd(void)
{
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

    ck_assert_int_ne(fd, -1);
    close(fd);
    return fd;
}

/* Fill the pipe behind non-blocking wfd until not one more byte fits. */
static size_t
fill_pipe(int wfd)
{
    static const char page[4096];
    size_t total = 0;
    ssize_t n;

    while ((n = write(wfd, page, sizeof(page))) > 0)
        total += (size_t)n;
    ck_assert_int_eq(errno, EAGAIN);
    while ((n = write(wfd, page, 1)) > 0)
        total += (size_t)n;
    ck_assert_int_eq(errno, EAGAIN);
    return total;
}

/* ---- core --------------------------------------------------------------- */

START_TEST(test_fifo_create_and_open)
{
    char path[PATH_MAX];
    struct stat st;
    int rfd, wfd;

    make_fifo(path, sizeof(path), "created");
    ck_assert_int_eq(lstat(path, &st), 0);
    ck_assert(S_ISFIFO(st.st_mode));
    ck_assert_uint_eq(st.st_mode & 07777, 0600);

    /* the reader first (O_NONBLOCK: do not wait for a writer)... */
    rfd = ipc_fifo_open(IPCLAB_FIFO_LAB, path, O_RDONLY | O_NONBLOCK);
    ck_assert_int_ge(rfd, 0);
    /* ...so that a non-blocking writer finds one */
    wfd = ipc_fifo_open(IPCLAB_FIFO_LAB, path, O_WRONLY | O_NONBLOCK);
    ck_assert_int_ge(wfd, 0);
    /* a program we exec must not inherit FIFO ends */
    ck_assert(fcntl(rfd, F_GETFD) & FD_CLOEXEC);
    ck_assert(fcntl(wfd, F_GETFD) & FD_CLOEXEC);
    close(wfd);
    close(rfd);
}
END_TEST

START_TEST(test_fifo_set_nonblock)
{
    int p[2];

    make_pipe(p, 0);
    ck_assert_int_eq(ipc_fd_set_nonblock(p[0], 1), 0);
    ck_assert(fcntl(p[0], F_GETFL) & O_NONBLOCK);
    ck_assert_int_eq(ipc_fd_set_nonblock(p[0], 0), 0);
    ck_assert(!(fcntl(p[0], F_GETFL) & O_NONBLOCK));
    close(p[0]);
    close(p[1]);
}
END_TEST

START_TEST(test_fifo_record_round_trip)
{
    struct ipc_record sent, got;
    char path[PATH_MAX];
    int rfd, wfd;

    make_fifo(path, sizeof(path), "round-trip");
    rfd = ipc_fifo_open(IPCLAB_FIFO1, path, O_RDONLY | O_NONBLOCK);
    wfd = ipc_fifo_open(IPCLAB_FIFO1, path, O_WRONLY);
    ck_assert_int_ge(rfd, 0);
    ck_assert_int_ge(wfd, 0);

    ipc_rec_request(&sent, IPCLAB_OP_SUB, 10, -32, 7);
    ck_assert_int_eq(ipc_rec_write(wfd, IPCLAB_FIFO1, &sent, -1), 0);
    ck_assert_int_eq(ipc_rec_read_one(rfd, IPCLAB_FIFO1, &got,
                                      IPCLAB_KIND_REQUEST), 1);
    ck_assert_mem_eq(&got, &sent, REC_SIZE);
    close(wfd);
    close(rfd);
}
END_TEST

START_TEST(test_fifo_read_one_at_eof)
{
    struct ipc_record r;
    char path[PATH_MAX];
    int rfd, wfd;

    make_fifo(path, sizeof(path), "eof");
    rfd = ipc_fifo_open(IPCLAB_FIFO2, path, O_RDONLY | O_NONBLOCK);
    wfd = ipc_fifo_open(IPCLAB_FIFO2, path, O_WRONLY);
    ck_assert_int_ge(rfd, 0);
    ck_assert_int_ge(wfd, 0);
    close(wfd);                 /* the last writer is gone: EOF */
    ck_assert_int_eq(ipc_rec_read_one(rfd, IPCLAB_FIFO2, &r,
                                     IPCLAB_KIND_RESULT), 0);
    close(rfd);
}
END_TEST

START_TEST(test_fifo_read_write_full_over_pipe)
{
    char buf[32];
    int p[2];

    make_pipe(p, 0);
    /* two writes, one read_full: short reads are joined */
    ck_assert_int_eq(ipc_write_full(p[1], "0123456789", 10), 10);
    ck_assert_int_eq(ipc_write_full(p[1], "abcdefghij", 10), 10);
    ck_assert_int_eq(ipc_read_full(p[0], buf, 15), 15);
    ck_assert_mem_eq(buf, "0123456789abcde", 15);
    /* fewer bytes than asked for: only at EOF */
    close(p[1]);
    ck_assert_int_eq(ipc_read_full(p[0], buf, sizeof(buf)), 5);
    ck_assert_mem_eq(buf, "fghij", 5);
    ck_assert_int_eq(ipc_read_full(p[0], buf, sizeof(buf)), 0);
    close(p[0]);
}
END_TEST

START_TEST(test_fifo_reader_several_records_in_one_fill)
{
    struct ipc_rec_reader rd;
    struct ipc_record r;
    int p[2];

    make_pipe(p, O_NONBLOCK);
    for (uint32_t seq = 1; seq <= 3; seq++) {
        ipc_rec_request(&r, IPCLAB_OP_SUM, seq, seq, seq);
        ck_assert_int_eq(ipc_rec_write(p[1], IPCLAB_FIFO1, &r, 0), 0);
    }
    ipc_rec_reader_init(&rd, p[0], IPCLAB_FIFO1, IPCLAB_KIND_REQUEST);
    ck_assert_int_eq(ipc_rec_reader_fill(&rd), 3 * REC_SIZE);  /* one read */
    for (uint32_t seq = 1; seq <= 3; seq++) {
        ck_assert_int_eq(ipc_rec_reader_next(&rd, &r), 1);
        ck_assert_uint_eq(r.seq, seq);
    }
    ck_assert_int_eq(ipc_rec_reader_next(&rd, &r), 0);
    ck_assert_uint_eq(rd.dropped, 0);
    close(p[0]);
    close(p[1]);
}
END_TEST

/*
 * Child for test_fifo_rec_write_waits_for_room: once the writer sleeps
 * (waiting for room), free one page of the pipe and leave.
 */
static void
drain_one_page(pid_t writer, int rfd)
{
    char page[4096];

    ipc_child_default_signals(NULL);
    if (unit_wait_sleeping(writer) == -1)
        _exit(2);
    _exit(ipc_read_full(rfd, page, sizeof(page)) == (ssize_t)sizeof(page)
          ? 0 : 1);
}

START_TEST(test_fifo_rec_write_waits_for_room)
{
    struct ipc_record r;
    int p[2], status;
    pid_t pid, self = getpid();

    make_pipe(p, O_NONBLOCK);
    fill_pipe(p[1]);
    ck_assert_int_eq(ipc_fd_set_nonblock(p[0], 0), 0);

    /* a slow reader is back-pressure: the write waits, then succeeds */
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0)
        drain_one_page(self, p[0]);
    ipc_rec_request(&r, IPCLAB_OP_SUM, 1, 2, 1);
    ck_assert_int_eq(ipc_rec_write(p[1], IPCLAB_FIFO3, &r, 3000), 0);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(p[0]);
    close(p[1]);
}
END_TEST

/* ---- limits: the buffered reader on hostile input ----------------------- */

/* Bytes that can never contain the magic: a fixed xorshift stream with
   every first byte of the magic ('1', 0x31 on the wire) removed. */
static void
garbage(unsigned char *buf, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        buf[i] = (unsigned char)seed;
        if (buf[i] == 0x31)
            buf[i] = 0x30;
    }
}

START_TEST(test_fifo_reader_skips_garbage)
{
    unsigned char stream[1024];
    struct ipc_rec_reader rd;
    struct ipc_record rec, r;
    size_t len = 0;
    int p[2];

#define APPEND(src, n) (memcpy(stream + len, (src), (n)), len += (n))
    garbage(stream, 37, 1);                 /* random bytes first */
    len = 37;
    ipc_rec_request(&rec, IPCLAB_OP_SUM, 1, 1, 1);
    APPEND(&rec, REC_SIZE);
    ipc_rec_request(&rec, IPCLAB_OP_SUM, 9, 9, 9);
    APPEND(&rec, 20);                       /* torn: magic, then nothing */
    ipc_rec_request(&rec, IPCLAB_OP_SUM, 2, 2, 2);
    APPEND(&rec, REC_SIZE);
    ipc_rec_request(&rec, IPCLAB_OP_SUM, 8, 8, 8);
    rec.a = 1000000;                        /* forged: checksum is stale */
    APPEND(&rec, REC_SIZE);
    ipc_rec_request(&rec, IPCLAB_OP_SUM, 7, 7, 7);
    ipc_rec_make_result(&rec, 0, 14);       /* valid, but the wrong kind */
    APPEND(&rec, REC_SIZE);
    ipc_rec_request(&rec, IPCLAB_OP_SUM, 3, 3, 3);
    APPEND(&rec, REC_SIZE);
    garbage(stream + len, 30, 2);           /* and random bytes last */
    len += 30;
#undef APPEND

    make_pipe(p, O_NONBLOCK);
    ck_assert_int_eq(ipc_write_full(p[1], stream, len), len);
    ipc_rec_reader_init(&rd, p[0], IPCLAB_FIFO1, IPCLAB_KIND_REQUEST);
    ck_assert_int_eq(ipc_rec_reader_fill(&rd), len);

    for (uint32_t seq = 1; seq <= 3; seq++) {
        ck_assert_int_eq(ipc_rec_reader_next(&rd, &r), 1);
        ck_assert_uint_eq(r.seq, seq);
        ck_assert_int_eq(r.a, seq);
    }
    /* four bad stretches, each skipped up to the next magic */
    ck_assert_uint_eq(rd.dropped, 4);
    ck_assert_uint_eq(rd.dropped_bytes, 37 + 20 + 2 * REC_SIZE);
    ck_assert_int_eq(ipc_rec_reader_next(&rd, &r), 0);
    ck_assert_uint_gt(rd.dropped, 4);       /* the trailing garbage too */
    close(p[0]);
    close(p[1]);
}
END_TEST

START_TEST(test_fifo_reader_assembles_split_record)
{
    struct ipc_rec_reader rd;
    struct ipc_record sent, r;
    int p[2];

    make_pipe(p, O_NONBLOCK);
    ipc_rec_reader_init(&rd, p[0], IPCLAB_FIFO4, IPCLAB_KIND_RESULT);
    ipc_rec_request(&sent, IPCLAB_OP_MUL, 6, 7, 5);
    ipc_rec_make_result(&sent, 0, 42);

    ck_assert_int_eq(ipc_write_full(p[1], &sent, 30), 30);
    ck_assert_int_eq(ipc_rec_reader_fill(&rd), 30);
    ck_assert_int_eq(ipc_rec_reader_next(&rd, &r), 0);     /* not yet */

    ck_assert_int_eq(ipc_write_full(p[1], (char *)&sent + 30, REC_SIZE - 30),
                     REC_SIZE - 30);
    ck_assert_int_eq(ipc_rec_reader_fill(&rd), REC_SIZE - 30);
    ck_assert_int_eq(ipc_rec_reader_next(&rd, &r), 1);
    ck_assert_mem_eq(&r, &sent, REC_SIZE);
    ck_assert_uint_eq(rd.dropped, 0);
    close(p[0]);
    close(p[1]);
}
END_TEST

START_TEST(test_fifo_reader_split_inside_magic)
{
    unsigned char junk[10];
    struct ipc_rec_reader rd;
    struct ipc_record sent, r;
    int p[2];

    /* garbage, then a read that ends two bytes into the next magic: those
       two bytes must be kept, not skipped with the garbage */
    make_pipe(p, O_NONBLOCK);
    ipc_rec_reader_init(&rd, p[0], IPCLAB_FIFO1, IPCLAB_KIND_REQUEST);
    ipc_rec_request(&sent, IPCLAB_OP_DIV, 84, 2, 11);
    garbage(junk, sizeof(junk), 3);

    ck_assert_int_eq(ipc_write_full(p[1], junk, sizeof(junk)), sizeof(junk));
    ck_assert_int_eq(ipc_write_full(p[1], &sent, 2), 2);
    ck_assert_int_gt(ipc_rec_reader_fill(&rd), 0);
    ck_assert_int_eq(ipc_rec_reader_next(&rd, &r), 0);

    ck_assert_int_eq(ipc_write_full(p[1], (char *)&sent + 2, REC_SIZE - 2),
                     REC_SIZE - 2);
    ck_assert_int_gt(ipc_rec_reader_fill(&rd), 0);
    ck_assert_int_eq(ipc_rec_reader_next(&rd, &r), 1);
    ck_assert_mem_eq(&r, &sent, REC_SIZE);
    ck_assert_uint_ge(rd.dropped, 1);
    ck_assert_uint_eq(rd.dropped_bytes, sizeof(junk));
    close(p[0]);
    close(p[1]);
}
END_TEST

START_TEST(test_fifo_reader_more_than_its_buffer)
{
    enum { N = 100 };           /* 5600 bytes: more than IPCLAB_READER_BUF */
    struct ipc_rec_reader rd;
    struct ipc_record r;
    uint32_t count = 0;
    int p[2];

    make_pipe(p, O_NONBLOCK);
    for (uint32_t seq = 1; seq <= N; seq++) {
        ipc_rec_request(&r, IPCLAB_OP_SUM, seq, 0, seq);
        ck_assert_int_eq(ipc_rec_write(p[1], IPCLAB_FIFO1, &r, 0), 0);
    }
    /* the loop from fifo.h: fill, then drain before the next fill */
    ipc_rec_reader_init(&rd, p[0], IPCLAB_FIFO1, IPCLAB_KIND_REQUEST);
    while (ipc_rec_reader_fill(&rd) > 0)
        while (ipc_rec_reader_next(&rd, &r) == 1)
            ck_assert_uint_eq(r.seq, ++count);
    ck_assert_int_eq(errno, EAGAIN);        /* drained, writer still open */
    ck_assert_uint_eq(count, N);
    ck_assert_uint_eq(rd.len, 0);
    ck_assert_uint_eq(rd.dropped, 0);
    close(p[0]);
    close(p[1]);
}
END_TEST

/* ---- limits: EINTR ------------------------------------------------------ */

/* written by signal handlers */
static volatile sig_atomic_t eintr_hits;   /* SIGUSR1 handler runs */
static int eintr_notify_fd = -1;            /* handler --> helper child */

/*
 * SIGUSR1 in the EINTR tests: count, and tell the helper child that the
 * interrupted call has returned to us. Async-signal-safe: write() only;
 * saves errno.
 */
static void
on_usr1(int sig)
{
    int saved_errno = errno;
    ssize_t ignored;

    (void)sig;
    eintr_hits++;
    ignored = write(eintr_notify_fd, "!", 1);
    (void)ignored;
    errno = saved_errno;
}

static void
install_usr1(int notify_fd)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;    /* no SA_RESTART: the blocked read() or write() must
                           fail with EINTR, so the library's loop restarts */
    eintr_notify_fd = notify_fd;
    eintr_hits = 0;
    ck_assert_int_eq(sigaction(SIGUSR1, &sa, NULL), 0);
}

/*
 * The helper child of the EINTR tests. Waits until the test process sleeps
 * in its read() or write(), interrupts that thread with SIGUSR1, waits for
 * the handler's note (so the call has already failed with EINTR), then
 * lets the call complete: writes 'data' into data_fd, or, when data is
 * NULL, reads data_fd to EOF and checks it got 'expect' bytes.
 */
static void
interrupter(pid_t target, int notify_rd, int data_fd, const char *data,
            size_t expect)
{
    char note, buf[4096];
    size_t total = 0;
    ssize_t n;

    ipc_child_default_signals(NULL);
    if (unit_wait_sleeping(target) == -1 ||
        tgkill(target, target, SIGUSR1) == -1 ||   /* its main thread */
        ipc_read_full(notify_rd, &note, 1) != 1)
        _exit(2);
    if (data != NULL)
        _exit(ipc_write_full(data_fd, data, strlen(data)) == -1 ? 3 : 0);
    while ((n = ipc_read_full(data_fd, buf, sizeof(buf))) > 0)
        total += (size_t)n;
    _exit(n == 0 && total == expect ? 0 : 4);
}

START_TEST(test_fifo_read_full_restarts_after_eintr)
{
    int data[2], notify[2], status;
    char buf[8];
    pid_t pid, self = getpid();

    make_pipe(data, 0);
    make_pipe(notify, 0);
    install_usr1(notify[1]);

    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        close(data[0]);
        interrupter(self, notify[0], data[1], "ping", 0);
    }
    close(data[1]);
    /* blocks on the empty pipe; SIGUSR1 makes read() fail with EINTR */
    ck_assert_int_eq(ipc_read_full(data[0], buf, 4), 4);
    ck_assert_mem_eq(buf, "ping", 4);
    ck_assert_int_eq(eintr_hits, 1);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

START_TEST(test_fifo_write_full_restarts_after_eintr)
{
    static const char chunk[4096];
    int data[2], notify[2], status;
    size_t filled;
    pid_t pid, self = getpid();

    make_pipe(data, O_NONBLOCK);
    make_pipe(notify, 0);
    filled = fill_pipe(data[1]);
    ck_assert_int_eq(ipc_fd_set_nonblock(data[1], 0), 0);
    ck_assert_int_eq(ipc_fd_set_nonblock(data[0], 0), 0);
    install_usr1(notify[1]);

    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        close(data[1]);         /* or it would never see EOF */
        interrupter(self, notify[0], data[0], NULL, filled + sizeof(chunk));
    }
    close(data[0]);
    /* blocks on the full pipe; SIGUSR1 makes write() fail with EINTR */
    ck_assert_int_eq(ipc_write_full(data[1], chunk, sizeof(chunk)),
                     sizeof(chunk));
    ck_assert_int_eq(eintr_hits, 1);
    close(data[1]);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

START_TEST(test_fifo_create_existing_is_eexist)
{
    char path[PATH_MAX];

    make_fifo(path, sizeof(path), "existing");
    errno = 0;
    ck_assert_int_eq(ipc_fifo_create(IPCLAB_FIFO_LAB, path, 0600), -1);
    ck_assert_int_eq(errno, EEXIST);
}
END_TEST

START_TEST(test_fifo_open_missing_is_enoent)
{
    char path[PATH_MAX];

    unit_path(path, sizeof(path), unit_tmpdir, "not-created-yet");
    errno = 0;
    ck_assert_int_eq(ipc_fifo_open(IPCLAB_FIFO1, path, O_RDONLY | O_NONBLOCK),
                     -1);
    ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_fifo_open_without_reader_is_enxio)
{
    char path[PATH_MAX];

    make_fifo(path, sizeof(path), "no-reader");
    errno = 0;
    ck_assert_int_eq(ipc_fifo_open(IPCLAB_FIFO1, path, O_WRONLY | O_NONBLOCK),
                     -1);
    ck_assert_int_eq(errno, ENXIO);
}
END_TEST

START_TEST(test_fifo_open_regular_file_is_einval)
{
    char path[PATH_MAX];
    int fd, lowest;

    /* a file planted where a FIFO should be */
    unit_path(path, sizeof(path), unit_tmpdir, "planted");
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    ck_assert_int_ne(fd, -1);
    close(fd);

    lowest = lowest_free_fd();
    errno = 0;
    ck_assert_int_eq(ipc_fifo_open(IPCLAB_FIFO1, path, O_WRONLY | O_NONBLOCK),
                     -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(lowest_free_fd(), lowest);     /* nothing left open */
}
END_TEST

START_TEST(test_fifo_open_symlink_is_eloop)
{
    char path[PATH_MAX], link[PATH_MAX];
    int rfd;

    make_fifo(path, sizeof(path), "link-target");
    rfd = ipc_fifo_open(IPCLAB_FIFO1, path, O_RDONLY | O_NONBLOCK);
    ck_assert_int_ge(rfd, 0);           /* a reader: only the link is wrong */
    unit_path(link, sizeof(link), unit_tmpdir, "link");
    ck_assert_int_eq(symlink(path, link), 0);

    errno = 0;
    ck_assert_int_eq(ipc_fifo_open(IPCLAB_FIFO1, link, O_WRONLY | O_NONBLOCK),
                     -1);
    ck_assert_int_eq(errno, ELOOP);
    close(rfd);
}
END_TEST

START_TEST(test_fifo_read_one_empty_is_eagain)
{
    struct ipc_record r;
    int p[2];

    make_pipe(p, O_NONBLOCK);   /* a writer is open, but has sent nothing */
    errno = 0;
    ck_assert_int_eq(ipc_rec_read_one(p[0], IPCLAB_FIFO2, &r,
                                     IPCLAB_KIND_RESULT), -1);
    ck_assert_int_eq(errno, EAGAIN);
    close(p[0]);
    close(p[1]);
}
END_TEST

START_TEST(test_fifo_read_one_garbage_is_ebadmsg)
{
    unsigned char junk[REC_SIZE];
    struct ipc_record sent, r;
    int p[2];

    make_pipe(p, O_NONBLOCK);
    garbage(junk, sizeof(junk), 4);
    ck_assert_int_eq(ipc_write_full(p[1], junk, sizeof(junk)), REC_SIZE);
    ipc_rec_request(&sent, IPCLAB_OP_SUM, 1, 2, 3);
    ipc_rec_make_result(&sent, 0, 3);
    ck_assert_int_eq(ipc_rec_write(p[1], IPCLAB_FIFO2, &sent, 0), 0);

    errno = 0;
    ck_assert_int_eq(ipc_rec_read_one(p[0], IPCLAB_FIFO2, &r,
                                     IPCLAB_KIND_RESULT), -1);
    ck_assert_int_eq(errno, EBADMSG);
    /* exactly one record's worth was dropped: the next one is intact */
    ck_assert_int_eq(ipc_rec_read_one(p[0], IPCLAB_FIFO2, &r,
                                     IPCLAB_KIND_RESULT), 1);
    ck_assert_mem_eq(&r, &sent, REC_SIZE);
    close(p[0]);
    close(p[1]);
}
END_TEST

START_TEST(test_fifo_read_one_wrong_kind_is_ebadmsg)
{
    struct ipc_record sent, r;
    int p[2];

    make_pipe(p, O_NONBLOCK);
    ipc_rec_request(&sent, IPCLAB_OP_SUM, 1, 2, 3);  /* a request on FIFO2 */
    ck_assert_int_eq(ipc_rec_write(p[1], IPCLAB_FIFO2, &sent, 0), 0);
    errno = 0;
    ck_assert_int_eq(ipc_rec_read_one(p[0], IPCLAB_FIFO2, &r,
                                     IPCLAB_KIND_RESULT), -1);
    ck_assert_int_eq(errno, EBADMSG);
    close(p[0]);
    close(p[1]);
}
END_TEST

START_TEST(test_fifo_rec_write_full_is_eagain)
{
    struct ipc_record r;
    int p[2];

    make_pipe(p, O_NONBLOCK);
    fill_pipe(p[1]);
    ipc_rec_request(&r, IPCLAB_OP_SUM, 1, 2, 1);
    errno = 0;
    ck_assert_int_eq(ipc_rec_write(p[1], IPCLAB_FIFO3, &r, 0), -1);
    ck_assert_int_eq(errno, EAGAIN);
    close(p[0]);
    close(p[1]);
}
END_TEST

START_TEST(test_fifo_rec_write_full_times_out)
{
    struct ipc_record r;
    int64_t start;
    int p[2];

    make_pipe(p, O_NONBLOCK);
    fill_pipe(p[1]);
    ipc_rec_request(&r, IPCLAB_OP_SUM, 1, 2, 1);
    start = ipc_now_ms();
    errno = 0;
    ck_assert_int_eq(ipc_rec_write(p[1], IPCLAB_FIFO3, &r, 50), -1);
    ck_assert_int_eq(errno, ETIMEDOUT);
    ck_assert_int_ge(ipc_now_ms() - start, 45);     /* it did wait */
    close(p[0]);
    close(p[1]);
}
END_TEST

START_TEST(test_fifo_rec_write_without_reader_is_epipe)
{
    struct sigaction ign = { .sa_handler = SIG_IGN }, old;
    struct ipc_record r;
    int p[2];

    /* SIGPIPE ignored: a vanished reader shows up as EPIPE */
    ck_assert_int_eq(sigaction(SIGPIPE, &ign, &old), 0);
    make_pipe(p, O_NONBLOCK);
    close(p[0]);
    ipc_rec_request(&r, IPCLAB_OP_SUM, 1, 2, 1);
    errno = 0;
    ck_assert_int_eq(ipc_rec_write(p[1], IPCLAB_FIFO3, &r, 100), -1);
    ck_assert_int_eq(errno, EPIPE);
    close(p[1]);
    sigaction(SIGPIPE, &old, NULL);
}
END_TEST

START_TEST(test_fifo_reader_fill_eagain_then_eof)
{
    struct ipc_rec_reader rd;
    int p[2];

    make_pipe(p, O_NONBLOCK);
    ipc_rec_reader_init(&rd, p[0], IPCLAB_FIFO4, IPCLAB_KIND_RESULT);
    errno = 0;
    ck_assert_int_eq(ipc_rec_reader_fill(&rd), -1);
    ck_assert_int_eq(errno, EAGAIN);            /* empty, writer open */
    close(p[1]);
    ck_assert_int_eq(ipc_rec_reader_fill(&rd), 0);     /* no writer left */
    close(p[0]);
}
END_TEST

/* ipc_read_line(): a line, then EOF in the middle of the next one */
START_TEST(test_fifo_read_line_then_eof)
{
    char line[16];
    int fd[2];

    ck_assert_int_eq(pipe2(fd, O_CLOEXEC), 0);
    ck_assert_int_eq(write(fd[1], "ready: x\nrest", 14), 14);
    ck_assert_int_eq(ipc_read_line(fd[0], line, sizeof(line),
                                   ipc_deadline_ms(1000)), 1);
    ck_assert_str_eq(line, "ready: x");
    close(fd[1]);
    ck_assert_int_eq(ipc_read_line(fd[0], line, sizeof(line),
                                   ipc_deadline_ms(1000)), 0);
    close(fd[0]);
}
END_TEST

/* ipc_read_line(): a line too long, and no line by the deadline */
START_TEST(test_fifo_read_line_errors)
{
    char line[4];
    int fd[2];

    ck_assert_int_eq(pipe2(fd, O_CLOEXEC), 0);
    ck_assert_int_eq(ipc_read_line(fd[0], line, sizeof(line),
                                   ipc_deadline_ms(50)), -1);
    ck_assert_int_eq(errno, ETIMEDOUT);
    ck_assert_int_eq(write(fd[1], "abcdef\n", 7), 7);
    ck_assert_int_eq(ipc_read_line(fd[0], line, sizeof(line),
                                   ipc_deadline_ms(1000)), -1);
    ck_assert_int_eq(errno, EMSGSIZE);
    close(fd[0]);
    close(fd[1]);
}
END_TEST

Suite *
fifo_suite(void)
{
    Suite *s = suite_create("fifo");
    TCase *tc_core = tcase_create("core");
    TCase *tc_limits = tcase_create("limits");
    TCase *tc_errors = tcase_create("errors");

    tcase_add_unchecked_fixture(tc_core, unit_tmpdir_setup,
                                unit_tmpdir_teardown);
    tcase_add_test(tc_core, test_fifo_create_and_open);
    tcase_add_test(tc_core, test_fifo_set_nonblock);
    tcase_add_test(tc_core, test_fifo_record_round_trip);
    tcase_add_test(tc_core, test_fifo_read_one_at_eof);
    tcase_add_test(tc_core, test_fifo_read_write_full_over_pipe);
    tcase_add_test(tc_core, test_fifo_read_line_then_eof);
    tcase_add_test(tc_core, test_fifo_read_line_errors);
    tcase_add_test(tc_core, test_fifo_reader_several_records_in_one_fill);
    tcase_add_test(tc_core, test_fifo_rec_write_waits_for_room);
    suite_add_tcase(s, tc_core);

    tcase_add_test(tc_limits, test_fifo_reader_skips_garbage);
    tcase_add_test(tc_limits, test_fifo_reader_assembles_split_record);
    tcase_add_test(tc_limits, test_fifo_reader_split_inside_magic);
    tcase_add_test(tc_limits, test_fifo_reader_more_than_its_buffer);
    tcase_add_test(tc_limits, test_fifo_read_full_restarts_after_eintr);
    tcase_add_test(tc_limits, test_fifo_write_full_restarts_after_eintr);
    suite_add_tcase(s, tc_limits);

    tcase_add_unchecked_fixture(tc_errors, unit_tmpdir_setup,
                                unit_tmpdir_teardown);
    tcase_add_test(tc_errors, test_fifo_create_existing_is_eexist);
    tcase_add_test(tc_errors, test_fifo_open_missing_is_enoent);
    tcase_add_test(tc_errors, test_fifo_open_without_reader_is_enxio);
    tcase_add_test(tc_errors, test_fifo_open_regular_file_is_einval);
    tcase_add_test(tc_errors, test_fifo_open_symlink_is_eloop);
    tcase_add_test(tc_errors, test_fifo_read_one_empty_is_eagain);
    tcase_add_test(tc_errors, test_fifo_read_one_garbage_is_ebadmsg);
    tcase_add_test(tc_errors, test_fifo_read_one_wrong_kind_is_ebadmsg);
    tcase_add_test(tc_errors, test_fifo_rec_write_full_is_eagain);
    tcase_add_test(tc_errors, test_fifo_rec_write_full_times_out);
    tcase_add_test(tc_errors, test_fifo_rec_write_without_reader_is_epipe);
    tcase_add_test(tc_errors, test_fifo_reader_fill_eagain_then_eof);
    suite_add_tcase(s, tc_errors);

    return s;
}
