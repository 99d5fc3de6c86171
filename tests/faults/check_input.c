/*
 * tests/faults/check_input.c - bad input and stray signals, under load.
 *
 * Anyone who can open a FIFO can write anything into it, and anyone allowed
 * to signal a process can send it any signal. While real clients run:
 *
 *   garbage          random bytes, a short record, and records that look
 *                    valid but carry a wrong magic, version, checksum,
 *                    kind, pid, seq or (FIFO4) operation, or answer a
 *                    request nobody made, are written into FIFO1 and
 *                    FIFO4: the server drops and counts each, and every
 *                    real client still gets every right answer;
 *   foreign_signals  a stranger (the test) sigqueue()s 'ready', 'ack' and
 *                    'revoke' at the server, at every client and at every
 *                    processing client, and kill()s an 'ack' and SIGCHLD at
 *                    the server: all ignored, nobody dies, nothing lost;
 *   traced           both again under traces/record.sh: each dropped
 *                    record is an ipclab:record_drop with its reason, each
 *                    stray signal an ipclab:signal_ignore;
 *   last_ack         a client acks its result and exits while the server
 *                    is stopped, which then sees both at once: the ack is
 *                    taken first (ipclab:signal_consume), the result not
 *                    given up as read but unacknowledged.
 *
 * Run:  CK_RUN_SUITE=input build/tests/faults
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "faults.h"
#include "ipclab/proc.h"
#include "ipclab/record.h"
#include "ipclab/sig.h"
#include "rawclient.h"

/* A record of 'kind' from this process, sealed: the base of each forgery */
static struct ipc_record
valid_record(enum ipc_kind kind, uint32_t seq)
{
    struct ipc_record r;

    ipc_rec_request(&r, IPCLAB_OP_SUM, 2, 3, seq);
    if (kind == IPCLAB_KIND_RESULT)
        ipc_rec_make_result(&r, 0, 5);
    return r;
}

static void
write_bytes(int fd, const void *p, size_t n)
{
    ck_assert_int_eq(write(fd, p, n), (ssize_t)n);
}

/*
 * Write every kind of bad input the reader of FIFO 'no' (1 or 4) must
 * drop, each piece with one write(), so it lands whole between the real
 * clients' records. Returns how many drops it causes at least: the reader
 * skips from a bad start to the next place a record could begin (the
 * next magic), so the noise and the record with a wrong magic, which do
 * not begin with one, may go as one stretch; the short record goes with
 * what follows it, up to the next magic. Every other piece is one drop.
 * The last piece passes the reader and is refused by the server itself:
 * in FIFO1 a request naming a process that is no client (init), in FIFO4
 * a result that answers no request. Being a whole valid record, it also
 * ends the reader's stretch: the next call's noise is a drop of its own.
 */
static int
write_garbage(int fd, int no, uint64_t *rng)
{
    enum ipc_kind kind = no == 1 ? IPCLAB_KIND_REQUEST : IPCLAB_KIND_RESULT;
    enum ipc_kind other = no == 1 ? IPCLAB_KIND_RESULT : IPCLAB_KIND_REQUEST;
    unsigned char noise[300];
    struct ipc_record r;
    int drops = 0;

    for (size_t i = 0; i < sizeof(noise); i++) {
        *rng ^= *rng << 13;
        *rng ^= *rng >> 7;
        *rng ^= *rng << 17;
        noise[i] = (unsigned char)*rng;
    }
    write_bytes(fd, noise, sizeof(noise));
    r = valid_record(kind, 1);
    r.magic ^= 1;                                       /* magic */
    write_bytes(fd, &r, sizeof(r));                     drops++;
    r = valid_record(kind, 1);                          /* short */
    write_bytes(fd, &r, 20);                            drops++;
    r = valid_record(kind, 1);
    r.version = 99;                                     /* version */
    ipc_rec_seal(&r);
    write_bytes(fd, &r, sizeof(r));                     drops++;
    r = valid_record(kind, 1);
    r.a ^= 1;                                           /* checksum */
    write_bytes(fd, &r, sizeof(r));                     drops++;
    r = valid_record(other, 1);                         /* kind */
    write_bytes(fd, &r, sizeof(r));                     drops++;
    r = valid_record(kind, 1);
    r.pid = -4;                                         /* pid */
    ipc_rec_seal(&r);
    write_bytes(fd, &r, sizeof(r));                     drops++;
    r = valid_record(kind, 1);
    r.seq = 0;                                          /* seq */
    ipc_rec_seal(&r);
    write_bytes(fd, &r, sizeof(r));                     drops++;
    if (no == 1) {
        r = valid_record(kind, 1);
        r.pid = 1;                                      /* not a client */
        ipc_rec_seal(&r);
        write_bytes(fd, &r, sizeof(r));                 drops++;
    } else {
        r = valid_record(kind, 1);
        r.op = 77;                                      /* operation */
        ipc_rec_seal(&r);
        write_bytes(fd, &r, sizeof(r));                 drops++;
        r = valid_record(kind, 4242);                   /* nobody asked */
        write_bytes(fd, &r, sizeof(r));                 drops++;
    }
    return drops;
}

START_TEST(test_input_garbage_under_load)
{
    const char *work = h_tmpdir();
    struct fx_server srv;
    struct fx_summary sum;
    char tail[512];
    uint64_t rng = 7;
    pid_t pids[8];
    int fd1, fd4, drops = 0;
    int64_t value;

    fx_load_prepare(work, 8, 200, 700);
    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    fd1 = fx_open_fifo_write(srv.h.dir, 1);
    fd4 = fx_open_fifo_write(srv.h.dir, 4);
    fx_load_start(pids, srv.h.dir, work, 8, 4);
    for (int round = 0; round < 3; round++) {
        drops += write_garbage(fd1, 1, &rng);
        drops += write_garbage(fd4, 4, &rng);
    }
    /* a request for an unknown operation is not dropped: it is answered,
       with EINVAL (the server cannot know what a newer client meant) */
    ck_assert_int_eq(raw_request(srv.h.dir, 77, 1, 2, &value), EINVAL);
    close(fd1);
    close(fd4);

    fx_load_wait(pids, 8);
    ck_assert_int_eq(fx_load_check(work, 8, NULL), 0);
    ck_assert_int_eq(fx_server_stop(&srv, 30000, tail, sizeof(tail)), 0);
    fx_summary(tail, &sum);
    ck_assert_msg(sum.dropped >= (unsigned long)drops,
                  "%d bad records written, %lu dropped", drops, sum.dropped);
    ck_assert_int_eq(sum.answered, 8 * 200 + 1);
}
END_TEST

/* One volley of every protocol signal at everybody, from a stranger */
static void
volley(const struct ipc_sigs *s, pid_t server, const pid_t clients[],
       int nclients, const pid_t workers[], int nworkers, int value)
{
    fx_sigqueue(server, s->ack, value);         /* unexpected_sender */
    fx_sigqueue(server, s->ready, value);
    fx_sigqueue(server, s->revoke, value);
    kill(server, s->ack);                       /* not_queued */
    kill(server, SIGCHLD);                      /* nobody to reap */
    for (int i = 0; i < nclients; i++) {
        fx_sigqueue(clients[i], s->ready, value);
        fx_sigqueue(clients[i], s->revoke, value);
        fx_sigqueue(clients[i], s->ack, value);
    }
    for (int i = 0; i < nworkers; i++) {
        fx_sigqueue(workers[i], s->ready, value);
        fx_sigqueue(workers[i], s->ack, value);
        fx_sigqueue(workers[i], s->revoke, value);
    }
}

START_TEST(test_input_foreign_signals_under_load)
{
    const char *work = h_tmpdir();
    struct fx_server srv;
    struct fx_summary sum;
    struct ipc_sigs sigs;
    struct pollfd done[8];
    pid_t pids[8], workers[16];
    char tail[512], fifo2[PATH_MAX + 16];
    int nworkers, running = 8;

    ipc_sigs_init(&sigs, IPCLAB_SIG_RT);
    fx_load_prepare(work, 8, 300, 800);
    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    nworkers = h_children(srv.h.pid, workers, 16);
    ck_assert_int_eq(nworkers, 4);
    fx_load_start(pids, srv.h.dir, work, 8, 4);
    snprintf(fifo2, sizeof(fifo2), "%s/fifo2", srv.h.dir);
    for (int k = 0; k < 8; k++) {
        /* connected, so its signals are blocked: a stray signal before
           that kills any program, by their default action */
        ck_assert(fx_wait_has_open(pids[k], fifo2, O_RDONLY, 10000) ||
                  h_wait_gone(pids[k], 0));
        done[k].fd = (int)syscall(SYS_pidfd_open, pids[k], 0);
        done[k].events = POLLIN;
        ck_assert_int_ne(done[k].fd, -1);
    }

    /* volleys until every client has exited (its pidfd is readable) */
    for (int value = 1; running > 0; value++) {
        volley(&sigs, srv.h.pid, pids, 8, workers, nworkers, value % 300);
        running = 8 - poll(done, 8, 1);
        ck_assert_int_lt(value, 100000);
    }
    for (int k = 0; k < 8; k++)
        close(done[k].fd);

    fx_load_wait(pids, 8);
    ck_assert_int_eq(fx_load_check(work, 8, NULL), 0);
    /* the same processing clients as at the start: none died */
    for (int i = 0; i < nworkers; i++) {
        pid_t now[16];
        int n = h_children(srv.h.pid, now, 16);
        bool found = false;

        for (int j = 0; j < n; j++)
            found |= now[j] == workers[i];
        ck_assert_msg(found, "worker %d is gone", (int)workers[i]);
    }
    ck_assert_int_eq(fx_server_stop(&srv, 30000, tail, sizeof(tail)), 0);
    fx_summary(tail, &sum);
    ck_assert_int_eq(sum.answered, 8 * 300);
    ck_assert_int_eq(sum.undeliverable, 0);
}
END_TEST

/* ---- the same, seen in a trace ------------------------------------------- */

/* Integer field ' name = N' of a babeltrace2 line, or -1 */
static long
field_int(const char *line, const char *name)
{
    char pattern[64];
    const char *p;

    snprintf(pattern, sizeof(pattern), " %s = ", name);
    p = strstr(line, pattern);
    return p != NULL ? strtol(p + strlen(pattern), NULL, 10) : -1;
}

/* True when 'line' is event 'event' of process vpid with ' field = "value"' */
static bool
event_is(const char *line, const char *event, long vpid, const char *field,
         const char *value)
{
    char pattern[128];

    snprintf(pattern, sizeof(pattern), " %s = \"%s\"", field, value);
    return strstr(line, event) != NULL && field_int(line, "vpid") == vpid &&
           strstr(line, pattern) != NULL;
}

/* Lines of 'text' that are 'event' by vpid with field = value (and fifo) */
static int
count_events(const char *text, const char *event, long vpid, long fifo,
             const char *field, const char *value)
{
    int n = 0;

    for (const char *line = text; line != NULL && *line != '\0';) {
        const char *eol = strchr(line, '\n');
        char buf[1024];

        snprintf(buf, sizeof(buf), "%.*s",
                 (int)(eol != NULL ? eol - line : (long)strlen(line)), line);
        if (event_is(buf, event, vpid, field, value) &&
            (fifo < 0 || field_int(buf, "fifo") == fifo))
            n++;
        line = eol != NULL ? eol + 1 : NULL;
    }
    return n;
}

START_TEST(test_input_traced)
{
    static const char *const fifo1_reasons[] = {
        "bad_magic", "bad_version", "bad_check", "bad_kind", "bad_pid",
        "bad_seq",
    };
    static const char *const fifo4_reasons[] = {
        "bad_magic", "bad_version", "bad_check", "bad_kind", "bad_pid",
        "bad_seq", "bad_op", "stale",
    };
    const char *trace_dir = h_tmpdir_path("trace");
    struct fx_server srv;
    struct ipc_sigs sigs;
    uint64_t rng = 11;
    int fd1, fd4, status;
    int64_t value;
    long server;
    char *text;

    ck_assert_msg(h_tracing_available(), "LTTng is not installed or the "
                  "kit was built with TRACING=0: run 'make deps' and "
                  "rebuild (see docs/troubleshooting.md)");
    ipc_sigs_init(&sigs, IPCLAB_SIG_RT);
    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, trace_dir);
    server = srv.h.pid;

    fd1 = fx_open_fifo_write(srv.h.dir, 1);
    fd4 = fx_open_fifo_write(srv.h.dir, 4);
    write_garbage(fd1, 1, &rng);
    write_garbage(fd4, 4, &rng);
    close(fd1);
    close(fd4);
    fx_sigqueue(server, sigs.ack, 1);
    fx_sigqueue(server, sigs.ready, 1);
    kill(server, sigs.ack);
    /* behind all that in FIFO1 and in the signal queue: when its answer
       is back, the server has dealt with everything above */
    ck_assert_int_eq(raw_request(srv.h.dir, IPCLAB_OP_SUM, 2, 3, &value), 0);
    ck_assert_int_eq(value, 5);
    status = fx_server_stop(&srv, 60000, NULL, 0);
    ck_assert_int_eq(status, 0);

    ck_assert_int_eq(h_run((const char *[]){ "/usr/bin/babeltrace2",
                     trace_dir, NULL }, NULL, h_tmpdir_path("trace.txt"),
                     NULL, 60000), 0);
    text = h_read_file(h_tmpdir_path("trace.txt"));
    ck_assert_ptr_nonnull(text);
    for (size_t i = 0; i < sizeof(fifo1_reasons) / sizeof(char *); i++)
        ck_assert_msg(count_events(text, "ipclab:record_drop:", server, 1,
                                   "reason", fifo1_reasons[i]) >= 1,
                      "no record_drop of FIFO1 for %s", fifo1_reasons[i]);
    for (size_t i = 0; i < sizeof(fifo4_reasons) / sizeof(char *); i++)
        ck_assert_msg(count_events(text, "ipclab:record_drop:", server, 4,
                                   "reason", fifo4_reasons[i]) >= 1,
                      "no record_drop of FIFO4 for %s", fifo4_reasons[i]);
    ck_assert_int_ge(count_events(text, "ipclab:signal_ignore:", server, -1,
                                  "reason", "unexpected_sender"), 2);
    ck_assert_int_ge(count_events(text, "ipclab:signal_ignore:", server, -1,
                                  "reason", "not_queued"), 1);
    free(text);
}
END_TEST

/* The fake client of test_input_last_ack: a request, its ready, then (on
   a byte from 'go') read, ack and exit at once. A step that fails says
   why (rawclient.h) and exits 1. */
static void
last_ack_client(const char *dir, int ready_w, int go_r)
{
    struct raw_client c;
    struct ipc_record rec;
    char byte = 'r';

    raw_open(&c, dir);
    raw_send(&c, IPCLAB_OP_SUM, 20, 22);
    raw_wait_ready(&c);
    ck_assert_msg(write(ready_w, &byte, 1) == 1 && read(go_r, &byte, 1) == 1,
                  "the fake client lost its test: %s", strerror(errno));
    raw_read_result(&c, &rec);
    ck_assert_int_eq(rec.value, 42);
    raw_ack(&c, &rec);
    _exit(0);
}

START_TEST(test_input_last_ack)
{
    const char *trace_dir = h_tmpdir_path("trace");
    int ready[2], go[2], status;
    struct fx_server srv;
    pid_t client;
    long server;
    char byte = 'g', *text;

    ck_assert_msg(h_tracing_available(), "LTTng is not installed or the "
                  "kit was built with TRACING=0: run 'make deps' and "
                  "rebuild (see docs/troubleshooting.md)");
    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, trace_dir);
    server = srv.h.pid;
    ck_assert_int_eq(pipe2(ready, O_CLOEXEC), 0);
    ck_assert_int_eq(pipe2(go, O_CLOEXEC), 0);
    fflush(NULL);
    if ((client = fork()) == 0)
        last_ack_client(srv.h.dir, ready[1], go[0]);
    ck_assert_int_gt(client, 0);
    close(ready[1]);
    close(go[0]);
    ck_assert_msg(read(ready[0], &byte, 1) == 1, "the fake client got no "
                  "ready (exit status %d)", h_wait(client, 10000));

    /* the server stopped: the client's ack and its exit wait for it */
    ck_assert_int_eq(kill((pid_t)server, SIGSTOP), 0);
    ck_assert(fx_wait_stopped((pid_t)server, 0, 10000));
    ck_assert_int_eq(write(go[1], &byte, 1), 1);
    status = h_wait(client, 10000);
    ck_assert_msg(status == 0, "the fake client failed (exit status %d)",
                  status);
    ck_assert_int_eq(kill((pid_t)server, SIGCONT), 0);
    close(ready[0]);
    close(go[1]);
    ck_assert_int_eq(fx_server_stop(&srv, 60000, NULL, 0), 0);

    ck_assert_int_eq(h_run((const char *[]){ "/usr/bin/babeltrace2",
                     trace_dir, NULL }, NULL, h_tmpdir_path("trace.txt"),
                     NULL, 60000), 0);
    text = h_read_file(h_tmpdir_path("trace.txt"));
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(count_events(text, "ipclab:signal_consume:", server, -1,
                               "what", "ack") == 2,
                  "the server did not take both acks (the worker's and the "
                  "client's)");
    ck_assert_msg(count_events(text, "ipclab:reclaim:", server, 2, "reason",
                               "read_unacked") == 0,
                  "the server gave up on the client's ack it had been sent");
    free(text);
}
END_TEST

Suite *
input_suite(void)
{
    Suite *s = suite_create("input");
    TCase *core = h_tcase(s, "core", 120);
    TCase *traced = h_tcase(s, "traced", 120);

    tcase_add_test(core, test_input_garbage_under_load);
    tcase_add_test(core, test_input_foreign_signals_under_load);
    tcase_add_test(traced, test_input_traced);
    tcase_add_test(traced, test_input_last_ack);
    return s;
}
