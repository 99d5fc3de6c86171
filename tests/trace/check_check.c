/*
 * tests/trace/check_check.c - 'ipclab-trace check', the protocol check.
 *
 * It must pass on every good trace the suite records (pool, per-request
 * and classic runs of the reference system, and a run whose client is
 * killed with results pending, drop.sh), and name each violation it
 * knows, exactly, on the traces emit.c plays: grading relies on it.
 */
#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "harness.h"
#include "suites.h"

static const enum tt_id good[] = { TT_DEFAULT, TT_PER_REQUEST, TT_CLASSIC };

/* ipclab-trace check --server S DIR */
static void
check(struct tt_run *r, enum tt_id id)
{
    char server[16];

    snprintf(server, sizeof(server), "%d", tt_server(id));
    tt_trace(r, "check", "--server", server, tt_dir(id), NULL);
}

/* The next "PID:SEQ" of s, from *p on: its start, or NULL */
static const char *
next_request(const char *s, const char **p, char *id, size_t n)
{
    for (const char *q = *p; *q != '\0' && *q != '\n'; q++) {
        size_t a = strspn(q, "0123456789"), b;

        if (a == 0 || (q > s && q[-1] != ' ') || q[a] != ':')
            continue;
        if ((b = strspn(q + a + 1, "0123456789")) == 0) {
            q += a;
            continue;
        }
        snprintf(id, n, "%.*s", (int)(a + 1 + b), q);
        *p = q + a + 1 + b;
        return q;
    }
    return NULL;
}

/* The experiment of time 'ms' in a lab trace that starts its experiments
   at starts[0..n): the last begun (the first, before any) */
static int
experiment_at(const double *starts, int n, double ms)
{
    int e = 0;

    while (e + 1 < n && starts[e + 1] <= ms)
        e++;
    return e;
}

/*
 * A whole lab trace: each experiment is judged on its own. Every request
 * a violation names belongs to the experiment the violation is reported
 * in (where seq first draws it), and no writer is 'pid 0'.
 */
START_TEST(test_check_judges_each_experiment)
{
    struct tt_run seq, r;
    double starts[32];
    char ids[512][24];
    int where[512], nids = 0, nexp = 0, judged = 0;

    tt_trace(&seq, "seq", tt_dir(TT_LAB04), NULL);
    ck_assert_msg(seq.status == 0, "seq: %s", seq.err);
    for (const char *line = seq.out; line != NULL && *line != '\0';
         line = strchr(line, '\n') != NULL ? strchr(line, '\n') + 1 : NULL) {
        const char *p = line;
        char id[24];
        double ms;

        if (strstr(line, "  experiment '") != NULL &&
            strstr(line, "  experiment '") < strchr(line, '\n') &&
            sscanf(line, "%lf", &ms) == 1 && nexp < 32)
            starts[nexp++] = ms;
        while (next_request(line, &p, id, sizeof(id)) != NULL) {
            int known = 0;

            for (int i = 0; i < nids; i++)
                known |= strcmp(ids[i], id) == 0;
            if (!known && nids < 512 && nexp > 0) {
                snprintf(ids[nids], sizeof(ids[0]), "%s", id);
                where[nids++] = nexp - 1;
            }
        }
    }
    ck_assert_int_ge(nexp, 8);
    tt_trace(&r, "check", tt_dir(TT_LAB04), NULL);
    ck_assert_msg(r.status == 1, "check: exit %d: %s", r.status, r.err);
    ck_assert_msg(strstr(r.out, "pid 0)") == NULL &&
                  strstr(r.out, "pid 0 ") == NULL, "a writer named 'pid 0': "
                  "%.300s", strstr(r.out, "pid 0"));
    for (const char *line = r.out; line != NULL && *line != '\0';
         line = strchr(line, '\n') != NULL ? strchr(line, '\n') + 1 : NULL) {
        const char *p = line;
        char id[24];
        double ms;
        int e;

        ck_assert_int_eq(sscanf(line, "[+%lf ms]", &ms), 1);
        e = experiment_at(starts, nexp, ms);
        while (next_request(line, &p, id, sizeof(id)) != NULL) {
            for (int i = 0; i < nids; i++) {
                if (strcmp(ids[i], id) != 0)
                    continue;
                ck_assert_msg(where[i] == e, "request %s of experiment %d "
                              "reported in experiment %d: %.*s", id,
                              where[i] + 1, e + 1, (int)strcspn(line, "\n"),
                              line);
                judged++;
            }
        }
    }
    ck_assert_int_ge(judged, 10);
    tt_run_free(&r);
    tt_run_free(&seq);
}
END_TEST

/* The last of lines[0..before) that holds a, b and c; -1: none */
static int
last_with(char *const *lines, int before, const char *a, const char *b,
          const char *c)
{
    for (int i = before - 1; i >= 0; i--)
        if (strstr(lines[i], a) != NULL && strstr(lines[i], b) != NULL &&
            strstr(lines[i], c) != NULL)
            return i;
    return -1;
}

/*
 * Lab 04 makes a new FIFO2 at the same path for its lost-wakeup runs: a
 * FIFO created again starts empty, so R1's "while record U was still
 * unread in it" may only name a record U written into the same FIFO,
 * after the last fifo_create of it (babeltrace2's events, in time order).
 */
START_TEST(test_check_new_fifo_starts_empty)
{
    struct tt_run raw, r;
    int n, judged = 0;
    char **lines = tt_lab_events(TT_LAB04, &raw, &n);

    ck_assert_int_ge(last_with(lines, n, "ipclab:fifo_create:",
                               "{ fifo = 2,", ""), 0);
    tt_trace(&r, "check", tt_dir(TT_LAB04), NULL);
    ck_assert_msg(r.status == 1, "check: exit %d: %s", r.status, r.err);
    for (const char *p = strstr(r.out, "] R1: FIFO"); p != NULL;
         p = strstr(p + 1, "] R1: FIFO")) {
        char fifo[16], wrote[48], unread[48], vpid[24];
        int f, wp, ws, up, us, w, u, made;

        if (sscanf(p, "] R1: FIFO%d record %d:%d was written by %*s %*d "
                   "while record %d:%d", &f, &wp, &ws, &up, &us) != 5)
            continue;
        snprintf(fifo, sizeof(fifo), "{ fifo = %d,", f);
        snprintf(wrote, sizeof(wrote), "pid = %d, seq = %d,", wp, ws);
        snprintf(unread, sizeof(unread), "pid = %d, seq = %d,", up, us);
        w = last_with(lines, n, "ipclab:record_write:", fifo, wrote);
        ck_assert_msg(w >= 0, "no write of %d:%d in FIFO%d", wp, ws, f);
        snprintf(vpid, sizeof(vpid), "vpid = %d,",
                 atoi(strstr(lines[w], "vpid = ") + 7));
        u = last_with(lines, w, "ipclab:record_write:", fifo, unread);
        made = last_with(lines, w, "ipclab:fifo_create:", fifo, vpid);
        ck_assert_msg(u > made, "%.*s: record %d:%d was in the FIFO%d made "
                      "before, not in this one", (int)strcspn(p, "\n"), p,
                      up, us, f);
        judged++;
    }
    ck_assert_int_gt(judged, 0);        /* the lab's crowded FIFO2 */
    free(lines);
    tt_run_free(&r);
    tt_run_free(&raw);
}
END_TEST

/* A packet 'lttng stop' said was lost (record.info): no verdict, even when
   the trace itself shows no gap (a stream's last packet leaves none) */
START_TEST(test_check_lost_packets_said)
{
    char dir[128], info[160], server[16];
    const char *edit[] = { "sed", "-i", "s/^lost_packets=.*/lost_packets=2/",
                           info, NULL };
    struct tt_run r;

    tt_copy(TT_DEFAULT, "lost-packets", dir, sizeof(dir));
    snprintf(info, sizeof(info), "%s/record.info", dir);
    snprintf(server, sizeof(server), "%d", tt_server(TT_DEFAULT));
    tt_exec(&r, edit);
    ck_assert_int_eq(r.status, 0);
    tt_run_free(&r);
    tt_trace(&r, "check", "--server", server, dir, NULL);
    ck_assert_msg(r.status == 3, "exit %d, not 3:\n%s%s", r.status, r.out,
                  r.err);
    ck_assert_int_eq(tt_count_lines(r.out, "not judged: the whole trace"), 1);
    /* a lost packet held one event or more: the count is a lower bound */
    ck_assert_msg(tt_count_lines(r.out, "the tracer lost at least 2 events") == 1
                  && tt_count_lines(r.err, "the tracer lost at least 2 events")
                  == 1, "%s%s", r.out, r.err);
    tt_run_free(&r);
}
END_TEST

/* A stream file removed since recording (record.info's streams= sizes):
   its events are lost anywhere, so no verdict and no violation */
START_TEST(test_check_stream_removed)
{
    char dir[128], ust[192], stream[512] = "";
    struct dirent *de;
    struct tt_run r;
    int streams = 0;
    DIR *d;

    tt_copy(TT_DEFAULT, "stream-removed", dir, sizeof(dir));
    snprintf(ust, sizeof(ust), "%s/ust/uid/%d/64-bit", dir, (int)getuid());
    ck_assert_ptr_nonnull(d = opendir(ust));
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] != '.' && strcmp(de->d_name, "metadata") != 0 &&
            strcmp(de->d_name, "index") != 0 && streams++ == 0)
            snprintf(stream, sizeof(stream), "%s/%s", ust, de->d_name);
    closedir(d);
    if (streams < 2) {
        h_skip("one stream only (one CPU)");
    }
    ck_assert_int_eq(unlink(stream), 0);
    tt_trace(&r, "check", dir, NULL);
    ck_assert_msg(r.status == 3, "exit %d, not 3 (a stream removed unseen):"
                  "\n%s%s", r.status, r.out, r.err);
    ck_assert_int_eq(tt_count_lines(r.out, "not judged: the whole trace"), 1);
    ck_assert_int_eq(tt_count_lines(r.out, " ms] R"), 0);
    tt_run_free(&r);
}
END_TEST

START_TEST(test_check_passes_good_runs)
{
    static const char merged[] = "not judged in classic mode: R5 for ";
    char want[128];
    const char *summary;
    struct tt_run r;
    int lines = 1;

    check(&r, good[_i]);
    ck_assert_msg(r.status == 0, "exit %d:\n%s%s", r.status, r.out, r.err);
    snprintf(want, sizeof(want), "protocol ok: %d requests answered exactly "
             "once, ", TT_REQUESTS);
    /* classic acks of one reader coalesced: said, no verdict */
    summary = r.out;
    if (good[_i] == TT_CLASSIC &&
        strncmp(r.out, merged, strlen(merged)) == 0) {
        summary = strchr(r.out, '\n') + 1;
        lines = 2;
    }
    ck_assert_msg(strncmp(summary, want, strlen(want)) == 0, "%s", r.out);
    ck_assert_int_eq(tt_count_lines(r.out, ""), lines);
    ck_assert_str_eq(r.err, "");
    tt_run_free(&r);
}
END_TEST

/* The line after its "[+12.345 ms] " prefix, which must be there */
static char *
strip_time(char *line)
{
    char *end = strstr(line, " ms] ");

    ck_assert_msg(line[0] == '[' && line[1] == '+' && end != NULL,
                  "no time prefix: %s", line);
    return end + 5;
}

/* The first n lines of out, without their times and hints, are want[],
   in order; returns the line after them (NULL: none) */
static char *
expect_lines(char *out, char want[][240], int n, char **save)
{
    char *line = strtok_r(out, "\n", save);

    for (int i = 0; i < n; i++, line = strtok_r(NULL, "\n", save)) {
        char *hint;

        ck_assert_msg(line != NULL, "%d lines, not %d", i, n);
        hint = strstr(line, " (usual cause: ");
        ck_assert_msg(hint != NULL, "no hint: %s", line);
        *hint = '\0';
        ck_assert_str_eq(strip_time(line), want[i]);
    }
    return line;
}

/* check's last word on stderr: so many violations in that trace */
static void
expect_count(const struct tt_run *r, int violations, enum tt_id id)
{
    char err[256];

    snprintf(err, sizeof(err), "ipclab-trace: %d protocol violations in "
             "'%s'\n", violations, tt_dir(id));
    ck_assert_str_eq(r->err, err);
}

START_TEST(test_check_names_every_violation)
{
    const struct tt_actors *a = tt_actors(TT_BROKEN);
    char want[14][240], *line, *save = NULL;
    struct tt_run r;
    int pid, traced, server;

    /* in time order, as emit.c's script plays them; the unanswered
       request is dated from its first event */
    snprintf(want[0], 240, "R8: request %d:2 was never answered (last "
             "seen: read from FIFO3 by sum %d)", a->rc_a, a->sum);
    snprintf(want[1], 240, "R8: request %d:3 was answered twice: server %d "
             "wrote a second result into FIFO2", a->rc_a, a->server);
    snprintf(want[2], 240, "R3: FIFO2 record %d:1 was read by rc %d, but it "
             "was addressed to rc %d", a->rc_b, a->rc_a, a->rc_b);
    snprintf(want[3], 240, "R4: ack from rc %d to server %d (value 1) "
             "acknowledges no record it read", a->rc_a, a->server);
    snprintf(want[4], 240, "R1: FIFO2 record %d:1 was written by server %d "
             "before the ack of record %d:1 from rc %d was taken", a->rc_b,
             a->server, a->rc_b, a->rc_b);
    snprintf(want[5], 240, "R3: FIFO3 record %d:4 was read by mul %d, but "
             "the ready went to sum %d", a->rc_a, a->mul, a->sum);
    snprintf(want[6], 240, "R4: ack from mul %d to server %d (value 4) "
             "acknowledges no record it read", a->mul, a->server);
    snprintf(want[7], 240, "R1: FIFO3 record %d:5 was written by server %d "
             "before the ack of record %d:4 from sum %d was taken", a->rc_a,
             a->server, a->rc_a, a->sum);
    snprintf(want[8], 240, "R1: FIFO3 record %d:6 was written by server %d "
             "while record %d:5 was still unread in it", a->rc_a, a->server,
             a->rc_a);
    snprintf(want[9], 240, "R5: ack from rc %d to server %d (value 2) was "
             "taken by the server before its sender traced sending it: the "
             "reader's signal_send comes after the server's signal_consume",
             a->rc_b, a->server);
    snprintf(want[10], 240, "R2: ready from server %d to sum %d (value 99) "
             "announces no record written for it", a->server, a->sum);
    snprintf(want[11], 240, "R4: ack from mul %d to server %d (value 98) "
             "acknowledges no record it read", a->mul, a->server);
    snprintf(want[12], 240, "R5: ack from mul %d to server %d (value 98) was "
             "never taken, and the server traced no reason", a->mul,
             a->server);
    snprintf(want[13], 240, "R10: error event in server %d: worker died "
             "(err 137)", a->server);

    check(&r, TT_BROKEN);
    ck_assert_msg(r.status == 1, "exit %d", r.status);
    line = expect_lines(r.out, want, 14, &save);
    /* the request of a client that traced nothing is not judged, not an
       R8 violation: the trace cannot say whether it was answered */
    ck_assert_msg(line != NULL, "no 'not judged' line for the request of "
                  "an untraced client");
    ck_assert_msg(sscanf(line, "not judged: request %d:1 from an untraced "
                         "process (pid %d traced nothing; last seen: read "
                         "from FIFO1 by server %d)", &pid, &traced,
                         &server) == 3, "unexpected line: %s", line);
    ck_assert_int_eq(pid, traced);
    ck_assert_int_eq(server, a->server);
    ck_assert(pid != a->rc_a && pid != a->rc_b && pid != a->sum &&
              pid != a->mul && pid != a->server);
    line = strtok_r(NULL, "\n", &save);
    ck_assert_msg(line == NULL, "unexpected line: %s", line);
    expect_count(&r, 14, TT_BROKEN);
    tt_run_free(&r);
}
END_TEST

/* An ack its reader traces after sending it: the line says which event
   came after which, and blames the reader, not the server */
START_TEST(test_check_ack_traced_after_send)
{
    static const char cause[] = "(usual cause: a reader that traces its "
        "ack after sending it, not before)";
    const struct tt_actors *a = tt_actors(TT_BROKEN);
    const char *line, *end;
    char want[200];
    struct tt_run r;

    check(&r, TT_BROKEN);
    snprintf(want, sizeof(want), "R5: ack from rc %d to server %d (value 2) "
             "was taken by the server before its sender traced sending it",
             a->rc_b, a->server);
    line = strstr(r.out, want);
    ck_assert_msg(line != NULL, "no line '%s' in:\n%s", want, r.out);
    end = strchr(line, '\n');
    ck_assert_msg(end != NULL && (size_t)(end - line) > strlen(cause) &&
                  strncmp(end - strlen(cause), cause, strlen(cause)) == 0,
                  "not blaming the reader: %.*s", (int)(end - line), line);
    /* at the server's exit, that ack is not one it never took */
    snprintf(want, sizeof(want), "R5: ack from rc %d to server %d (value 2) "
             "was never taken", a->rc_b, a->server);
    ck_assert_msg(strstr(r.out, want) == NULL, "%s", r.out);
    tt_run_free(&r);
}
END_TEST

START_TEST(test_check_classic_acks_and_drops)
{
    const struct tt_actors *a = tt_actors(TT_EMIT_CLASSIC);
    char want[4][240], *line, *save = NULL;
    struct tt_run r;

    static const char merged[] = "not judged in classic mode: R5 for 1 ack "
        "taken by a signal that took another of the same reader too";
    /* acks of two readers coalesced (A:2 and B:1) and a traced drop (A:5)
       are no violation; an ack the server ignored without a trace (A:3)
       is, and so are a result lost untraced (A:6) and one never announced
       (A:7); a late ack taken with its sender's next (B:2, B:3) is not
       judged, and said */
    snprintf(want[0], 240, "R5: ack from sum %d to server %d (value 0) was "
             "never taken, and the server traced no reason", a->sum,
             a->server);
    snprintf(want[1], 240, "R8: request %d:6 was never answered (last "
             "seen: result read from FIFO4 by server %d)", a->rc_a,
             a->server);
    snprintf(want[2], 240, "R8: request %d:7 was never answered (last "
             "seen: result written into FIFO2 by server %d)", a->rc_a,
             a->server);
    snprintf(want[3], 240, "R2: FIFO2 record %d:7 was written by server %d "
             "and never announced to rc %d (the trace ends)", a->rc_a,
             a->server, a->rc_a);

    check(&r, TT_EMIT_CLASSIC);
    ck_assert_msg(r.status == 1, "exit %d:\n%s%s", r.status, r.out, r.err);
    line = expect_lines(r.out, want, 4, &save);
    ck_assert_msg(line != NULL && strncmp(line, merged, strlen(merged)) == 0,
                  "%s", line != NULL ? line : "(no line after the four)");
    ck_assert_ptr_null(strtok_r(NULL, "\n", &save));
    expect_count(&r, 4, TT_EMIT_CLASSIC);
    tt_run_free(&r);
}
END_TEST

/* The lines of R2, R4, R6, R8 and R9 that the broken script does not
   show, in time order, without their times; with their hints for R8,
   whose usual cause depends on where the request was last seen */
START_TEST(test_check_names_other_violations)
{
    const struct tt_actors *a = tt_actors(TT_EMIT_MORE);
    char want[1024], got[1024] = "", *line, *save = NULL;
    size_t n = 0;
    struct tt_run r;

    /* %1$d: rc_a, %2$d: the server, %3$d: mul, %4$d: sum */
    snprintf(want, sizeof(want),
             "R6: request %1$d:1 (op 1) was routed as op 3\n"
             "R6: request %1$d:2 changed on its way: server %2$d wrote into "
             "FIFO3 with op 1, a 9, b 4, its client sent op 1, a 4, b 4\n"
             "R2: FIFO2 record %1$d:3 was written by server %2$d and never "
             "announced to rc %1$d\n"
             "R8: request %1$d:5 was never answered (last seen: read from "
             "FIFO3 by mul %3$d) (usual cause: the server or its worker "
             "lost it, stopped, or was killed holding it)\n"
             "R4: mul %3$d read record %1$d:5 and never acknowledged it\n"
             "R9: sum %4$d took a ready from mul %3$d, which sent none\n"
             "R8: request %5$d:9 was never answered (last seen: written "
             "into FIFO1 by rc %5$d) (usual cause: the server stopped, or "
             "was stopped, before reading it)\n",
             a->rc_a, a->server, a->mul, a->sum, a->rc_b);
    check(&r, TT_EMIT_MORE);
    ck_assert_msg(r.status == 1, "exit %d:\n%s%s", r.status, r.out, r.err);
    for (line = strtok_r(r.out, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        char *hint = strstr(line, " (usual cause: ");

        ck_assert_msg(hint != NULL, "no hint: %s", line);
        if (strstr(line, "R8: ") == NULL)
            *hint = '\0';
        n += (size_t)snprintf(got + n, sizeof(got) - n, "%s\n",
                              strip_time(line));
        ck_assert_uint_lt(n, sizeof(got));
    }
    ck_assert_str_eq(got, want);
    expect_count(&r, 7, TT_EMIT_MORE);
    tt_run_free(&r);
}
END_TEST

START_TEST(test_check_says_traced_drops)
{
    static const char want[] = "protocol ok: 0 requests answered exactly "
        "once, 8 dropped by the server and traced (record_drop: their "
        "client gone or silent";
    struct tt_run r;

    /* drop.sh: eight requests of a client killed with them pending; the
       server drops each, traced with its pid:seq: the end of each */
    check(&r, TT_DROP);
    ck_assert_msg(r.status == 0, "exit %d:\n%s%s", r.status, r.out, r.err);
    ck_assert_msg(strncmp(r.out, want, strlen(want)) == 0, "%s", r.out);
    ck_assert_int_eq(tt_count_lines(r.out, ""), 1);
    ck_assert_str_eq(r.err, "");
    tt_run_free(&r);
}
END_TEST

START_TEST(test_check_lost_after_unannounced)
{
    struct tt_run r;

    /* a record written, never announced, then events lost (emit.c,
       "lost"): what the trace ends with is not judged, never a verdict */
    check(&r, TT_EMIT_LOST);
    ck_assert_msg(r.status == 3, "exit %d (the tracer lost no event?):\n%s%s",
                  r.status, r.out, r.err);
    ck_assert_int_eq(tt_count_lines(r.out, " ms] R"), 0);
    ck_assert_int_gt(tt_count_lines(r.out, "not judged: +"), 0);
    ck_assert_int_eq(tt_count_lines(r.out, "protocol not verified: "), 1);
    tt_run_free(&r);
}
END_TEST

enum { PACKET = 4096 };         /* record_packets()'s packet size */

/* Copy stream file 'path' without its second packet of 'size' bytes, and
   drop its index (which would still name it) */
static void
cut_second_packet(const char *path, long size)
{
    char idx[PATH_MAX + 16], *slash;
    FILE *f = fopen(path, "r+");
    char *buf;
    long n;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    ck_assert_ptr_nonnull(buf = malloc((size_t)n));
    rewind(f);
    ck_assert_int_eq(fread(buf, 1, (size_t)n, f), n);
    rewind(f);
    ck_assert_int_eq(fwrite(buf, 1, (size_t)size, f), size);
    ck_assert_int_eq(fwrite(buf + 2 * size, 1, (size_t)(n - 2 * size), f),
                     n - 2 * size);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(truncate(path, n - size), 0);
    free(buf);
    slash = strrchr(path, '/');
    snprintf(idx, sizeof(idx), "%.*s/index%s.idx", (int)(slash - path), path,
             slash);
    ck_assert_int_eq(unlink(idx), 0);
}

/* Record lab 04's protocol experiment with small packets into tt_tmp()/
   NAME (dir), without record.info's file sizes, as by hand; the path of
   a stream of three packets or more. false (after saying SKIP): no such
   stream, or the recording is not clean to begin with. */
static bool
record_packets(const char *name, char *dir, size_t n, char *stream,
               size_t ns)
{
    char rec[PATH_MAX], lab[PATH_MAX], env[PATH_MAX], info[PATH_MAX + 16];
    const char *argv[] = { rec, "-o", dir, "--buffers", "4096,64", "--",
                           "env", env, lab, "protocol", NULL };
    const char *unsized[] = { "sed", "-i", "/^streams=/d", info, NULL };
    struct stat st;
    struct tt_run r;
    int cpu;

    snprintf(dir, n, "%s/%s", tt_tmp(), name);
    snprintf(rec, sizeof(rec), "%s/traces/record.sh", tt_root());
    snprintf(lab, sizeof(lab), "%s/lab04-signal-sync", tt_bindir());
    snprintf(env, sizeof(env), "TMPDIR=%s", tt_tmp());
    snprintf(info, sizeof(info), "%s/record.info", dir);
    tt_exec(&r, argv);
    ck_assert_msg(r.status == 0, "record.sh exit %d:\n%s", r.status, r.err);
    tt_run_free(&r);
    tt_trace(&r, "check", dir, NULL);
    if (r.status != 0) {
        h_skip_note("%s: the recording is not clean (exit %d)", name,
                    r.status);
        tt_run_free(&r);
        return false;
    }
    tt_run_free(&r);
    for (cpu = 0; cpu < 1024; cpu++) {
        snprintf(stream, ns, "%s/ust/uid/%d/64-bit/ipclab_%d", dir,
                 (int)getuid(), cpu);
        if (stat(stream, &st) == 0 && st.st_size >= 3 * PACKET)
            break;
    }
    if (cpu == 1024) {
        h_skip_note("%s: no stream of three packets in %s", name, dir);
        return false;
    }
    /* without record.sh's file sizes only the packets show a cut */
    tt_exec(&r, unsized);
    ck_assert_int_eq(r.status, 0);
    tt_run_free(&r);
    return true;
}

START_TEST(test_check_lost_packet)
{
    char dir[PATH_MAX], stream[PATH_MAX + 64];
    struct tt_run r;

    /* small packets, many of them, none lost: one cut out of a stream
       leaves a gap that only its sequence numbers show */
    if (!record_packets("packets", dir, sizeof(dir), stream, sizeof(stream)))
        return;
    cut_second_packet(stream, PACKET);
    tt_trace(&r, "check", dir, NULL);
    ck_assert_msg(r.status == 3, "exit %d, not 3 (a lost packet unseen):"
                  "\n%s%s", r.status, r.out, r.err);
    ck_assert_int_gt(tt_count_lines(r.out, "not judged: +"), 0);
    ck_assert_int_eq(tt_count_lines(r.out, " ms] R"), 0);
    ck_assert_ptr_nonnull(strstr(r.err, "lost: events (how many unknown)"));
    tt_run_free(&r);
}
END_TEST

/* The trace's buffering scheme (its environment) is read once per trace
   and pass, not at every packet's end: gdb counts the reads */
START_TEST(test_check_reads_scheme_once)
{
    char dir[PATH_MAX], stream[PATH_MAX + 64];
    const char *argv[] = { "/usr/bin/gdb", "-q", "-batch", "-ex",
        "set breakpoint pending on", "-ex",
        "break bt_trace_borrow_environment_entry_value_by_name_const", "-ex",
        "ignore 1 1000000", "-ex", "run", "-ex", "info breakpoints",
        "--args", tt_tool(), "check", dir, NULL };
    struct tt_run r;
    const char *hit;

    if (access(argv[0], X_OK) != 0) {
        h_skip_note("no %s to count the reads with", argv[0]);
        return;
    }
    if (!record_packets("scheme", dir, sizeof(dir), stream, sizeof(stream)))
        return;
    tt_exec(&r, argv);
    hit = strstr(r.out, "already hit ");
    ck_assert_msg(hit != NULL, "%s%s", r.out, r.err);
    /* one trace (64-bit), read in two passes at most */
    ck_assert_msg(atoi(hit + strlen("already hit ")) <= 2, "%s", hit);
    tt_run_free(&r);
}
END_TEST

/* When the first packet of 'stream' (its LTTng index: CTF 1.8, 64-bit
   big-endian fields) ends, in the clock's cycles */
static uint64_t
first_packet_end(const char *stream)
{
    const char *name = strrchr(stream, '/') + 1;
    unsigned char entry[40];
    char path[PATH_MAX + 80];
    uint64_t end = 0;
    FILE *f;

    snprintf(path, sizeof(path), "%.*s/index/%s.idx",
             (int)(name - 1 - stream), stream, name);
    ck_assert_msg((f = fopen(path, "re")) != NULL, "no index %s", path);
    /* a 16-byte header, then the first entry: timestamp_end is field 4 */
    ck_assert_int_eq(fseek(f, 16, SEEK_SET), 0);
    ck_assert_int_eq(fread(entry, 1, sizeof(entry), f), sizeof(entry));
    fclose(f);
    for (int i = 32; i < 40; i++)
        end = end << 8 | entry[i];
    return end;
}

/* Does a CPU other than stream's (ipclab_CPU) trace an event after the end
   of stream's first packet? babeltrace2 prints each event's cycles */
static bool
events_after_first_packet(const char *dir, const char *stream)
{
    int cpu = atoi(strrchr(stream, '_') + 1), other;
    uint64_t first_end = first_packet_end(stream);
    unsigned long long cycles;
    char *line, *save = NULL, *at;
    bool later = false;
    struct tt_run r;

    tt_exec(&r, (const char *[]){ "babeltrace2", "--clock-cycles", dir,
                                  NULL });
    ck_assert_msg(r.status == 0, "babeltrace2: %s", r.err);
    for (line = strtok_r(r.out, "\n", &save); line != NULL && !later;
         line = strtok_r(NULL, "\n", &save))
        later = sscanf(line, "[%llu]", &cycles) == 1 &&
                (at = strstr(line, "{ cpu_id = ")) != NULL &&
                sscanf(at, "{ cpu_id = %d }", &other) == 1 &&
                other != cpu && cycles > first_end;
    tt_run_free(&r);
    return later;
}

START_TEST(test_check_last_packets_cut)
{
    char dir[PATH_MAX], stream[PATH_MAX + 64], idx[PATH_MAX + 80];
    char *slash;
    struct stat st;
    struct tt_run r;

    /* a stream cut after its first packet (its index gone too): it ends
       before the trace does, so what it held from there on is lost; the
       requests it would have answered are not judged, never R8. Only
       another stream's later events show it. */
    if (!record_packets("last-cut", dir, sizeof(dir), stream,
                        sizeof(stream)))
        return;
    slash = strrchr(stream, '/');
    snprintf(idx, sizeof(idx), "%.*s/ipclab_%d", (int)(slash - stream),
             stream, strcmp(slash, "/ipclab_0") == 0);
    if (stat(idx, &st) == -1) {
        h_skip("one stream only (one CPU)");
    }
    if (!events_after_first_packet(dir, stream)) {
        h_skip_note("no other stream traced after the first packet of %s: "
                    "nothing can show its cut (docs/tracing.md)", stream);
        return;
    }
    ck_assert_int_eq(truncate(stream, PACKET), 0);
    snprintf(idx, sizeof(idx), "%.*s/index%s.idx", (int)(slash - stream),
             stream, slash);
    ck_assert_int_eq(unlink(idx), 0);
    tt_trace(&r, "check", dir, NULL);
    ck_assert_msg(r.status == 3, "exit %d, not 3 (a cut "
                  "stream judged):\n%s%s", r.status, r.out, r.err);
    ck_assert_int_eq(tt_count_lines(r.out, " ms] R"), 0);
    tt_run_free(&r);
}
END_TEST

START_TEST(test_check_catches_unsafe_no_ack)
{
    char *line, *save = NULL;
    struct tt_run r;
    int crowded = 0;

    /* the server does not wait for acks: records pile up in FIFO2/3 */
    check(&r, TT_NOACK);
    ck_assert_int_eq(r.status, 1);
    for (line = strtok_r(r.out, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        const char *text;

        if (strncmp(line, "not judged", 10) == 0)
            continue;           /* the tracer lost events under load */
        /* records pile up (R1); readers then read others' records
           and the rest follows from that */
        text = strip_time(line);
        if (strncmp(text, "R1: ", 4) == 0)
            crowded++;
        else
            ck_assert_msg(text[0] == 'R' && strstr(text, ": ") != NULL &&
                          strstr(text, " (usual cause: ") != NULL,
                          "unexpected line: %s", text);
    }
    ck_assert_int_gt(crowded, 0);
    tt_run_free(&r);
}
END_TEST

Suite *
check_suite(void)
{
    Suite *s = suite_create("check");
    TCase *core = tcase_create("core"), *errors = tcase_create("errors");

    tcase_add_unchecked_fixture(core, tt_need_default, NULL);
    tcase_add_unchecked_fixture(core, tt_need_modes, NULL);
    tcase_add_loop_test(core, test_check_passes_good_runs, 0,
                        sizeof(good) / sizeof(good[0]));
    tcase_add_unchecked_fixture(core, tt_need_drop, NULL);
    tcase_add_test(core, test_check_says_traced_drops);
    tcase_add_test(core, test_check_lost_packets_said);
    tcase_add_test(core, test_check_stream_removed);
    tcase_set_timeout(core, 30);
    tcase_add_unchecked_fixture(errors, tt_need_broken, NULL);
    tcase_add_unchecked_fixture(errors, tt_need_modes, NULL);
    tcase_add_test(errors, test_check_names_every_violation);
    tcase_add_test(errors, test_check_catches_unsafe_no_ack);
    tcase_add_test(errors, test_check_ack_traced_after_send);
    tcase_add_test(errors, test_check_classic_acks_and_drops);
    tcase_add_test(errors, test_check_names_other_violations);
    tcase_add_unchecked_fixture(errors, tt_need_lost, NULL);
    tcase_add_test(errors, test_check_lost_after_unannounced);
    tcase_add_test(errors, test_check_lost_packet);
    tcase_add_test(errors, test_check_reads_scheme_once);
    tcase_add_test(errors, test_check_last_packets_cut);
    tcase_add_unchecked_fixture(errors, tt_need_lab04, NULL);
    tcase_add_test(errors, test_check_judges_each_experiment);
    tcase_add_test(errors, test_check_new_fifo_starts_empty);
    tcase_set_timeout(errors, 30);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    return s;
}
