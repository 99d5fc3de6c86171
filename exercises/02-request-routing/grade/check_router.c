/*
 * grade/check_router.c - graded tests of exercise 02 (ex02-router).
 *
 * framer_* and dispatch: the functions, fed bytes cut at every place a
 * read() could cut them, with garbage around. router_*: ex02-router as a
 * real process, with forked writers sharing its input FIFO.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grade.h"
#include "ipclab/proc.h"
#include "ipclab/record.h"
#include "router.h"

/* Request number i: op 1..4 in turn, from a made-up pid */
static void
request(struct ipc_record *r, int i)
{
    ipc_rec_request(r, (enum ipc_op)(1 + i % IPCLAB_OP_COUNT), i, 2 * i,
                    (uint32_t)i + 1);
    r->pid = 1000 + i % 7;
    ipc_rec_seal(r);
}

/* Feed 'len' bytes in pieces of 'piece'; take every record out */
static int
feed_all(const unsigned char *bytes, size_t len, size_t piece,
         struct ipc_record *got, int max, struct rt_stats *st)
{
    static struct rt_framer f;
    int n = 0;

    G_CALL(rt_framer_init)(&f);
    for (size_t off = 0; off < len; off += piece) {
        size_t k = len - off < piece ? len - off : piece;

        ck_assert_msg(G_CALL(rt_framer_feed)(&f, bytes + off, k) == 0,
                      "rt_framer_feed(%zu bytes) failed: %s", k,
                      strerror(errno));
        while (n < max && G_CALL(rt_framer_next)(&f, &got[n], st) == 1)
            n++;
    }
    return n;
}

GRADE_TEST(framer_whole, 2, 10, "rt_framer: 10 records fed at once")
{
    struct ipc_record in[10], got[12];
    struct rt_stats st = { { 0 }, 0, 0 };
    int n;

    for (int i = 0; i < 10; i++)
        request(&in[i], i);
    n = feed_all((unsigned char *)in, sizeof(in), sizeof(in), got, 12, &st);
    ck_assert_msg(n == 10, "10 records fed, %d taken out", n);
    for (int i = 0; i < 10; i++)
        ck_assert_msg(memcmp(&got[i], &in[i], sizeof(in[i])) == 0,
                      "record %d differs", i);
    ck_assert_msg(st.dropped == 0, "%lu stretches dropped from valid "
                  "records", st.dropped);
}
END_TEST

GRADE_TEST(framer_split, 3, 10,
           "rt_framer: records cut at every byte (pieces of 1 to 57)")
{
    struct ipc_record in[6], got[8];

    for (int i = 0; i < 6; i++)
        request(&in[i], i);
    for (size_t piece = 1; piece <= 57; piece++) {
        struct rt_stats st = { { 0 }, 0, 0 };
        int n = feed_all((unsigned char *)in, sizeof(in), piece, got, 8, &st);

        ck_assert_msg(n == 6, "pieces of %zu bytes: %d records of 6", piece,
                      n);
        ck_assert_msg(memcmp(got, in, sizeof(in)) == 0, "pieces of %zu "
                      "bytes: records differ", piece);
        ck_assert_msg(st.dropped == 0, "pieces of %zu bytes: valid bytes "
                      "dropped", piece);
    }
}
END_TEST

GRADE_TEST(framer_garbage, 2, 10,
           "rt_framer: garbage and a corrupt record skipped, no record lost")
{
    unsigned char bytes[1024];
    struct ipc_record r, got[16];
    size_t len = 0;
    int n, want[] = { 0, 1, 2, 3, 4 };

    /* garbage, r0, "hello\n", r1, corrupt record, r2, 3 bytes of a
       magic then garbage, r3, r4 */
#define PUT(p, n) (memcpy(bytes + len, (p), (n)), len += (n))
    PUT("xyzzy", 5);
    request(&r, 0); PUT(&r, sizeof(r));
    PUT("hello\n", 6);
    request(&r, 1); PUT(&r, sizeof(r));
    request(&r, 99); r.a ^= 1; PUT(&r, sizeof(r));     /* bad check */
    request(&r, 2); PUT(&r, sizeof(r));
    PUT("\x31\x43\x50", 3); PUT("!!", 2);
    request(&r, 3); PUT(&r, sizeof(r));
    request(&r, 4); PUT(&r, sizeof(r));
#undef PUT
    /* one stretch read in pieces may count once per piece; read whole,
       each counts exactly once */
    const size_t pieces[] = { 1, 60, len };

    for (size_t k = 0; k < sizeof(pieces) / sizeof(pieces[0]); k++) {
        size_t piece = pieces[k];
        struct rt_stats st = { { 0 }, 0, 0 };

        n = feed_all(bytes, len, piece, got, 16, &st);
        ck_assert_msg(n == 5, "pieces of %zu: %d valid records of 5 came "
                      "out", piece, n);
        for (int i = 0; i < 5; i++)
            ck_assert_msg(got[i].seq == (uint32_t)want[i] + 1, "pieces of "
                          "%zu: record %d has seq %u", piece, i, got[i].seq);
        ck_assert_msg(piece < len ? st.dropped >= 4 : st.dropped == 4,
                      "pieces of %zu: %lu dropped stretches counted, "
                      "expected %s4 (xyzzy, hello, the corrupt record, a "
                      "cut magic and !!): each skipped stretch counts once",
                      piece, st.dropped, piece < len ? "at least " : "");
    }
}
END_TEST

/* One stream of framer_resync: bytes, the seqs that must come out, and
   what a framer that loses them does wrong, in the student's terms */
struct resync_case {
    const char *what;
    const char *hint;
    unsigned char bytes[512];
    size_t len;
    uint32_t want[4];
    int n_want;
};

/* Append record i (seq i + 1) to c, cut to its first 'keep' bytes, with
   its checksum broken when 'bad'; a record kept whole is one to find */
static void
put_record(struct resync_case *c, int i, size_t keep, bool bad)
{
    struct ipc_record r;

    request(&r, i);
    if (bad)
        r.a ^= 1;               /* the check no longer matches */
    memcpy(c->bytes + c->len, &r, keep);
    c->len += keep;
    if (!bad && keep == sizeof(r))
        c->want[c->n_want++] = r.seq;
}

static void
put_bytes(struct resync_case *c, const char *s, size_t n)
{
    memcpy(c->bytes + c->len, s, n);
    c->len += n;
}

/* Feed c's bytes in two pieces cut at byte 'cut' (0: in pieces of one
   byte); take every record out: how many, their seqs in got */
static int
feed_cut(const struct resync_case *c, size_t cut, uint32_t got[], int max)
{
    static struct rt_framer f;
    struct rt_stats st = { { 0 }, 0, 0 };
    struct ipc_record r;
    int n = 0;

    G_CALL(rt_framer_init)(&f);
    for (size_t off = 0; off < c->len;) {
        size_t k = cut == 0 ? 1 : off < cut ? cut : c->len - off;

        ck_assert_msg(G_CALL(rt_framer_feed)(&f, c->bytes + off, k) == 0,
                      "rt_framer_feed(%zu bytes) failed: %s", k,
                      strerror(errno));
        off += k;
        while (G_CALL(rt_framer_next)(&f, &r, &st) == 1)
            if (n < max)
                got[n++] = r.seq;
    }
    return n;
}

GRADE_TEST(framer_resync, 2, 10,
           "rt_framer: resync at the very next magic (inside a bad record, "
           "after a broken magic, a magic cut between two reads)")
{
    static const char after_bad[] = "after a bad record, look for the next "
        "magic from its second byte on, never a whole record's length "
        "further";
    static struct resync_case cases[4];
    struct resync_case *c;

    c = &cases[0];
    c->what = "a record with a bad checksum cut short at 20 bytes, then "
              "a valid record at its byte 20";
    c->hint = after_bad;
    put_record(c, 0, 20, true);
    put_record(c, 1, sizeof(struct ipc_record), false);
    put_record(c, 2, sizeof(struct ipc_record), false);

    c = &cases[1];
    c->what = "a record with a bad checksum cut short at 12 bytes, 7 bytes "
              "of junk, then a valid record at its byte 19";
    c->hint = after_bad;
    put_record(c, 0, 12, true);
    put_bytes(c, "junk!!!", 7);
    put_record(c, 1, sizeof(struct ipc_record), false);
    put_record(c, 2, 30, true);
    put_record(c, 3, sizeof(struct ipc_record), false);

    c = &cases[2];
    c->what = "junk, then two valid records with junk between them";
    c->hint = "a buffer that ends with the first bytes of a magic keeps "
              "them: the rest of the record comes with the next read()";
    put_bytes(c, "xyzzy", 5);
    put_record(c, 1, sizeof(struct ipc_record), false);
    put_bytes(c, "hello\n", 6);
    put_record(c, 2, sizeof(struct ipc_record), false);

    c = &cases[3];
    c->what = "a magic broken at its third byte ('1C' then '1CPI'), then "
              "a valid record at byte 2";
    c->hint = "when a magic breaks off, its last byte may start the real "
              "one: look again from the byte after where the broken one "
              "started";
    put_bytes(c, "\x31\x43", 2);
    put_record(c, 1, sizeof(struct ipc_record), false);
    put_bytes(c, "\x31\x43\x50\x31", 4);
    put_record(c, 2, sizeof(struct ipc_record), false);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        c = &cases[i];
        /* cut == 0: byte by byte; then two reads cut at every byte */
        for (size_t cut = 0; cut < c->len; cut++) {
            uint32_t got[8];
            int n = feed_cut(c, cut, got, 8);
            char how[64];
            bool same = n == c->n_want;

            for (int k = 0; same && k < n; k++)
                same = got[k] == c->want[k];
            if (cut == 0)
                snprintf(how, sizeof(how), "fed one byte at a time");
            else
                snprintf(how, sizeof(how), "fed in two reads cut at byte "
                         "%zu", cut);
            ck_assert_msg(same, "%s, %s: %d valid record%s came out (first "
                          "seq %u), expected %d (first seq %u): %s", c->what,
                          how, n, n == 1 ? "" : "s", n > 0 ? got[0] : 0,
                          c->n_want, c->want[0], c->hint);
        }
    }
}
END_TEST

GRADE_TEST(framer_full, 1, 10, "rt_framer_feed: ENOBUFS, nothing appended")
{
    static struct rt_framer f;
    static unsigned char big[RT_BUF];
    struct rt_stats st = { { 0 }, 0, 0 };
    struct ipc_record r, got;

    G_CALL(rt_framer_init)(&f);
    request(&r, 7);
    ck_assert_msg(G_CALL(rt_framer_feed)(&f, &r, 10) == 0, "rt_framer_feed(10 "
                  "bytes) failed: %s", strerror(errno));
    errno = 0;
    ck_assert_msg(G_CALL(rt_framer_feed)(&f, big, RT_BUF - 9) == -1 &&
                  errno == ENOBUFS, "overfull: expected -1/ENOBUFS");
    ck_assert_msg(f.len == 10, "rt_framer_feed refused the bytes (ENOBUFS) "
                  "but appended some anyway: %zu bytes buffered, expected 10",
                  f.len);
    memset(&got, 0, sizeof(got));
    ck_assert_msg(G_CALL(rt_framer_feed)(&f, (char *)&r + 10,
                                         sizeof(r) - 10) == 0,
                  "rt_framer_feed of the record's last %zu bytes failed",
                  sizeof(r) - 10);
    ck_assert_msg(G_CALL(rt_framer_next)(&f, &got, &st) == 1 &&
                  got.seq == r.seq, "rt_framer_next did not find the record "
                  "completed after a refused feed (returned no record or "
                  "seq %u, expected %u)", got.seq, r.seq);
}
END_TEST

/* A pipe per FIFO of rt_dispatch(), made with pipe2() 'flags': out[op]
   the write end of fds[op] (out[0] too: a record routed there is seen),
   fds[IPCLAB_OP_COUNT + 1] the rejects' */
static void
dispatch_pipes(int fds[IPCLAB_OP_COUNT + 2][2], int out[IPCLAB_OP_COUNT + 1],
               int flags)
{
    for (int i = 0; i <= IPCLAB_OP_COUNT + 1; i++)
        ck_assert_msg(pipe2(fds[i], flags) == 0,
                      "test error: pipe2() failed: %s", strerror(errno));
    for (int op = 0; op <= IPCLAB_OP_COUNT; op++)
        out[op] = fds[op][1];
}

GRADE_TEST(dispatch, 3, 10,
           "rt_dispatch: each op to its FIFO; unknown op answered EINVAL; "
           "a failed write: -1")
{
    int fds[IPCLAB_OP_COUNT + 2][2], out[IPCLAB_OP_COUNT + 1];
    struct rt_stats st = { { 0 }, 0, 0 };
    struct ipc_record r, got;

    dispatch_pipes(fds, out, O_NONBLOCK);
    for (int i = 0; i < 8; i++) {
        request(&r, i);
        ck_assert_msg(G_CALL(rt_dispatch)(out, fds[IPCLAB_OP_COUNT + 1][1], &r,
                                          &st) == 0,
                      "rt_dispatch failed: %s", strerror(errno));
    }
    for (int op = 1; op <= IPCLAB_OP_COUNT; op++) {
        for (int k = 0; k < 2; k++) {
            ck_assert_msg(read(fds[op][0], &got, sizeof(got)) ==
                          sizeof(got), "%s: record %d missing",
                          ipc_op_name((uint32_t)op), k);
            ck_assert_msg(got.op == (uint32_t)op &&
                          ipc_rec_validate(&got, sizeof(got),
                                           IPCLAB_KIND_REQUEST) == IPCLAB_REC_OK,
                          "%s got a request for op %u", ipc_op_name(
                          (uint32_t)op), got.op);
        }
        ck_assert_msg(st.routed[op] == 2, "routed[%d] = %lu, expected 2", op,
                      st.routed[op]);
    }
    request(&r, 3);
    r.op = 9;
    ipc_rec_seal(&r);
    ck_assert_msg(G_CALL(rt_dispatch)(out, fds[IPCLAB_OP_COUNT + 1][1], &r,
                                      &st) == 0, "rt_dispatch of a record "
                  "with op 9 failed instead of sending it to rejects");
    ck_assert_msg(read(fds[IPCLAB_OP_COUNT + 1][0], &got, sizeof(got)) ==
                  sizeof(got), "op 9: nothing written into rejects");
    ck_assert_msg(ipc_rec_validate(&got, sizeof(got), IPCLAB_KIND_RESULT) ==
                  IPCLAB_REC_OK && got.status == EINVAL && got.pid == r.pid &&
                  got.seq == r.seq && got.op == 9, "op 9: rejects got no "
                  "valid EINVAL result for the same request");
    ck_assert_msg(st.rejected == 1, "rejected = %lu", st.rejected);

    /* no reader left (SIGPIPE ignored, as main.c does): the write fails,
       so rt_dispatch does and counts nothing */
    signal(SIGPIPE, SIG_IGN);
    close(fds[1][0]);
    close(fds[IPCLAB_OP_COUNT + 1][0]);
    request(&r, 0);
    for (int k = 0; k < 2; k++) {
        const char *where = k == 0 ? ipc_op_name(r.op) : "rejects";

        errno = 0;
        ck_assert_msg(G_CALL(rt_dispatch)(out, fds[IPCLAB_OP_COUNT + 1][1],
                                          &r, &st) == -1,
                      "rt_dispatch returned 0 when its write into %s failed "
                      "(no reader: EPIPE): return -1 when the write fails "
                      "(router.h)", where);
        ck_assert_msg(st.routed[1] == 2 && st.rejected == 1, "a record "
                      "whose write into %s failed was counted: routed[1] = "
                      "%lu (expected 2), rejected = %lu (expected 1)", where,
                      st.routed[1], st.rejected);
        r.op = 9;               /* then into rejects */
        ipc_rec_seal(&r);
    }
}
END_TEST

/* What one write() put into packet pipe 'fd' (each write a packet of its
   own, each read one packet): the bytes of that packet, or -1 */
static ssize_t
one_packet(int fd, struct ipc_record *r)
{
    unsigned char buf[2 * sizeof(*r)];
    ssize_t n;

    while ((n = read(fd, buf, sizeof(buf))) == -1 && errno == EINTR)
        ;
    if (n > 0)
        memcpy(r, buf, (size_t)n < sizeof(*r) ? (size_t)n : sizeof(*r));
    return n;
}

GRADE_TEST(dispatch_one_write, 1, 10,
           "rt_dispatch: each record in a single write(), never in pieces")
{
    int fds[IPCLAB_OP_COUNT + 2][2], out[IPCLAB_OP_COUNT + 1];
    struct rt_stats st = { { 0 }, 0, 0 };
    struct ipc_record r, got;

    /* packet pipes (O_DIRECT, pipe(7)): a read() returns what one write()
       wrote, so a record written in two calls comes out in two reads */
    for (int i = 0; i <= IPCLAB_OP_COUNT + 1; i++)
        ck_assert_msg(pipe2(fds[i], O_NONBLOCK | O_DIRECT) == 0,
                      "test error: pipe2(O_DIRECT) failed: %s",
                      strerror(errno));
    for (int op = 0; op <= IPCLAB_OP_COUNT; op++)
        out[op] = fds[op][1];
    for (int i = 0; i <= IPCLAB_OP_COUNT; i++) {
        int to = i < IPCLAB_OP_COUNT ? i + 1 : IPCLAB_OP_COUNT + 1;
        ssize_t n;

        request(&r, i);
        if (i == IPCLAB_OP_COUNT) {
            r.op = 9;           /* answered into rejects */
            ipc_rec_seal(&r);
        }
        ck_assert_msg(G_CALL(rt_dispatch)(out, fds[IPCLAB_OP_COUNT + 1][1],
                                          &r, &st) == 0,
                      "rt_dispatch failed: %s", strerror(errno));
        n = one_packet(fds[to][0], &got);
        ck_assert_msg(n != -1, "op %u: rt_dispatch wrote nothing into %s",
                      r.op, i < IPCLAB_OP_COUNT ? "its FIFO" : "rejects");
        ck_assert_msg(n == (ssize_t)sizeof(got), "op %u: the record reached "
                      "%s in pieces, %zd of its %zu bytes in one write(): "
                      "between two write() calls another writer's bytes "
                      "can come in; write each record with one write() "
                      "(ipc_rec_write())", r.op, i < IPCLAB_OP_COUNT ?
                      "its FIFO" : "rejects", n, sizeof(got));
        ck_assert_msg(one_packet(fds[to][0], &got) == -1 && errno == EAGAIN,
                      "op %u: rt_dispatch wrote more than one record",
                      r.op);
    }
}
END_TEST

/* ---- the program -------------------------------------------------------- */

#define WRITERS 3
#define PER_WRITER 200

static void
writer(const char *path, int w)
{
    /* non-blocking open: a dead router means ENXIO, not a hang */
    int fd = open(path, O_WRONLY | O_NONBLOCK);

    if (fd == -1 || fcntl(fd, F_SETFL, 0) == -1)
        _exit(1);
    for (int i = 0; i < PER_WRITER; i++) {
        struct ipc_record r;

        request(&r, w * PER_WRITER + i);
        if (i % 50 == 25 && write(fd, "junk!", 5) != 5)
            _exit(1);
        if (write(fd, &r, sizeof(r)) != sizeof(r))
            _exit(1);
    }
    _exit(0);
}

GRADE_TEST(router_process, 5, 40,
           "ex02-router: 3 writers x 200 + junk, all routed, exits on SIGTERM")
{
    const char *dir = h_tmpdir_path("run");
    int counts[IPCLAB_OP_COUNT + 1] = { 0 };
    struct pollfd rfd[IPCLAB_OP_COUNT];
    char path[PATH_MAX], want[128], tail[512];
    int64_t deadline = g_deadline_ms(10000);
    struct h_server router;
    pid_t pids[WRITERS];
    int status;

    h_server_try(&router, dir, (const char *[]){ g_prog("ex02-router"),
                 "--dir", dir, NULL }, h_tmpdir_path("err"),
                 (int)ipc_ms_until(deadline), NULL);
    for (int op = 1; op <= IPCLAB_OP_COUNT; op++) {
        snprintf(path, sizeof(path), "%s/%s", dir, ipc_op_name((uint32_t)op));
        rfd[op - 1].fd = open(path, O_RDONLY | O_NONBLOCK);
        rfd[op - 1].events = POLLIN;
        ck_assert_msg(rfd[op - 1].fd >= 0, "cannot open '%s'", path);
    }
    snprintf(path, sizeof(path), "%s/in", dir);
    for (int w = 0; w < WRITERS; w++) {
        fflush(NULL);
        if ((pids[w] = fork()) == 0)
            writer(path, w);
    }
    for (int w = 0; w < WRITERS; w++)
        ck_assert_msg(h_wait(pids[w], (int)ipc_ms_until(deadline)) == 0,
                      "writer %d could not "
                      "write all its requests (is ex02-router alive? "
                      "stderr: %s)", w, g_snippet(h_tmpdir_path("err"), 200));

    /* take what was routed until every request is accounted for */
    for (int total = 0; total < WRITERS * PER_WRITER;) {
        ck_assert_msg(poll(rfd, IPCLAB_OP_COUNT, ipc_ms_until(deadline)) > 0,
                      "only %d of %d requests routed in time", total,
                      WRITERS * PER_WRITER);
        for (int op = 1; op <= IPCLAB_OP_COUNT; op++) {
            struct ipc_record r;
            int got = 0;

            while (read(rfd[op - 1].fd, &r, sizeof(r)) == sizeof(r)) {
                ck_assert_msg(r.op == (uint32_t)op, "'%s' got op %u",
                              ipc_op_name((uint32_t)op), r.op);
                counts[op]++;
                got++;
            }
            ck_assert_msg(got > 0 || !(rfd[op - 1].revents & POLLHUP),
                          "only %d of %d requests routed: ex02-router "
                          "closed '%s'", total, WRITERS * PER_WRITER,
                          ipc_op_name((uint32_t)op));
            total += got;
        }
    }
    kill(router.pid, SIGTERM);
    status = h_server_wait(&router, 3000, tail, sizeof(tail));
    ck_assert_msg(status == 0, "after SIGTERM: exit %d (-1: still running "
                  "after 3 s)", status);
    snprintf(want, sizeof(want), "routed: sum=%d sub=%d mul=%d div=%d "
             "rejected=0 dropped=", counts[1], counts[2], counts[3],
             counts[4]);
    ck_assert_msg(strstr(tail, want) != NULL,
                  "the summary is '%.200s', expected '%s...'", tail, want);
    for (int op = 0; op < IPCLAB_OP_COUNT; op++)
        close(rfd[op].fd);
}
END_TEST

GRADE_TEST(dispatch_invalid_ops, 1, 10,
           "rt_dispatch: ops 0, one past the last and 0xffffffff answered "
           "EINVAL, routed nowhere")
{
    const uint32_t bad[] = { 0, IPCLAB_OP_COUNT + 1, UINT32_MAX };
    int fds[IPCLAB_OP_COUNT + 2][2], out[IPCLAB_OP_COUNT + 1];
    struct rt_stats st = { { 0 }, 0, 0 };
    struct ipc_record r, got;

    dispatch_pipes(fds, out, O_NONBLOCK);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        request(&r, (int)i);
        r.op = bad[i];
        ipc_rec_seal(&r);
        ck_assert_msg(G_CALL(rt_dispatch)(out, fds[IPCLAB_OP_COUNT + 1][1],
                                          &r, &st) == 0, "rt_dispatch of a "
                      "record with op %u failed instead of answering it "
                      "into rejects: %s", bad[i], strerror(errno));
        for (int op = 0; op <= IPCLAB_OP_COUNT; op++)
            ck_assert_msg(read(fds[op][0], &got, sizeof(got)) == -1,
                          "op %u (valid ones are 1 to %d) was routed to "
                          "out[%d] as if it were an operation: check both "
                          "ends of the range", bad[i], IPCLAB_OP_COUNT, op);
        ck_assert_msg(read(fds[IPCLAB_OP_COUNT + 1][0], &got, sizeof(got)) ==
                      sizeof(got) &&
                      ipc_rec_validate(&got, sizeof(got),
                                       IPCLAB_KIND_RESULT) == IPCLAB_REC_OK &&
                      got.status == EINVAL && got.op == bad[i],
                      "op %u (valid ones are 1 to %d): rejects got no valid "
                      "EINVAL result for it", bad[i], IPCLAB_OP_COUNT);
    }
    ck_assert_msg(st.rejected == 3, "3 invalid ops: rejected = %lu",
                  st.rejected);
}
END_TEST
