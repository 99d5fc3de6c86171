/*
 * tests/trace/check_seq.c - 'ipclab-trace seq', the text sequence diagram.
 *
 * An arrow for every hop of a request, in 80 columns, filters that keep
 * what they say, spawns and classic signals drawn as such.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "suites.h"

/* seq --server S [ARG...] DIR: the arguments up to NULL */
static void
seq(struct tt_run *r, enum tt_id id, ...)
{
    const char *argv[16] = { tt_tool(), "seq", "--server" };
    char server[16];
    int n = 3;
    va_list ap;

    snprintf(server, sizeof(server), "%d", tt_server(id));
    argv[n++] = server;
    va_start(ap, id);
    while (n < 14 && (argv[n] = va_arg(ap, const char *)) != NULL)
        n++;
    va_end(ap);
    argv[n++] = tt_dir(id);
    argv[n] = NULL;
    tt_exec(r, argv);
    ck_assert_msg(r->status == 0, "seq: exit %d: %s", r->status, r->err);
}

/* The identity "P:S" of the first request in the diagram */
static void
first_request(const char *out, char *id, size_t n)
{
    const char *f1 = strstr(out, "  F1 ");
    const char *end;

    ck_assert_ptr_nonnull(f1);
    end = strchr(f1, '\n');
    while (end > f1 && end[-1] != ' ')
        end--;
    if (*end == '+') {          /* "+0.230": when it was read; the id is
                                   the word before */
        end--;
        while (end > f1 && end[-1] != ' ')
            end--;
    }
    snprintf(id, n, "%.*s", (int)strcspn(end, " \n"), end);
    ck_assert_ptr_nonnull(strchr(id, ':'));
}

START_TEST(test_seq_draws_every_hop)
{
    static const char *const hops[] = { "F1 ", "F3 ", "F4 ", "F2 " };
    char id[32], ready[48], ack[48], *line, *save = NULL;
    struct tt_run all, one;
    char *steps;
    int rows = 0;

    seq(&all, TT_DEFAULT, NULL);
    first_request(all.out, id, sizeof(id));
    seq(&one, TT_DEFAULT, "--request", id, NULL);

    /* four records, solid arrows, and two ready/ack pairs, dotted */
    for (size_t i = 0; i < 4; i++) {
        char want[64];

        snprintf(want, sizeof(want), "  %s", hops[i]);
        ck_assert_msg(tt_count_lines(one.out, want) == 1, "%s:\n%s", hops[i],
                      one.out);
    }
    /* after the diagram, its seventeen steps (lab 05, question 1): both
       ends of each record and signal, and the route */
    ck_assert_ptr_nonnull(steps = strstr(one.out, "\nRequest "));
    ck_assert_msg(strstr(steps, ", step by step (17 steps;") != NULL, "%s",
                  steps);
    ck_assert_int_eq(tt_count_lines(steps, "writes it into FIFO"), 4);
    ck_assert_int_eq(tt_count_lines(steps, "reads it from FIFO"), 4);
    ck_assert_int_eq(tt_count_lines(steps, "sends 'ready' (SIGRTMIN+"), 2);
    ck_assert_int_eq(tt_count_lines(steps, "takes 'ack'"), 2);
    ck_assert_int_eq(tt_count_lines(steps, "routes it to worker"), 1);
    ck_assert_ptr_nonnull(strstr(steps, "\n 17 "));
    ck_assert_ptr_nonnull(strstr(steps, "\nlongest wait: before step "));
    *steps = '\0';             /* the rows of the diagram, below */

    snprintf(ready, sizeof(ready), "ready %s", id);
    snprintf(ack, sizeof(ack), "ack %s", id);
    ck_assert_int_eq(tt_count_lines(one.out, ready), 2);
    ck_assert_int_eq(tt_count_lines(one.out, ack), 2);
    for (line = strtok_r(one.out, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        if (strstr(line, id) == NULL)
            continue;
        rows++;
        if (strstr(line, "  F") != NULL)
            ck_assert_msg(strstr(line, "─▶") != NULL ||
                          strstr(line, "◀─") != NULL, "%s", line);
        else
            ck_assert_msg(strstr(line, "┄▷") != NULL ||
                          strstr(line, "◁┄") != NULL, "%s", line);
    }
    ck_assert_int_eq(rows, 8);
    /* the whole diagram has the same eight */
    ck_assert_int_eq(tt_count_lines(all.out, id), 8);
    tt_run_free(&all);
    tt_run_free(&one);
}
END_TEST

/* Columns of a UTF-8 line: its code points */
static int
columns(const char *line, size_t len)
{
    int n = 0;

    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)line[i] & 0xc0) != 0x80;
    return n;
}

START_TEST(test_seq_fits_80_columns)
{
    struct tt_run r;
    const char *p;

    seq(&r, TT_DEFAULT, NULL);
    for (p = r.out; *p != '\0';) {
        size_t len = strcspn(p, "\n");

        ck_assert_msg(columns(p, len) <= 80, "%d columns: %.*s",
                      columns(p, len), (int)len, p);
        p += len + (p[len] == '\n');
    }
    tt_run_free(&r);
}
END_TEST

START_TEST(test_seq_filters)
{
    char id[32], pid[16], *line, *save = NULL;
    struct tt_run all, some;
    int rows = 0;

    seq(&all, TT_DEFAULT, NULL);
    first_request(all.out, id, sizeof(id));
    snprintf(pid, sizeof(pid), "%.*s", (int)strcspn(id, ":"), id);

    /* --pid of a client: its own rows and its requests' hops only */
    seq(&some, TT_DEFAULT, "--pid", pid, NULL);
    for (line = strtok_r(some.out, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        double t;

        if (sscanf(line, " %lf", &t) == 1) {     /* a row, not a header */
            rows++;
            ck_assert_msg(strstr(line, pid) != NULL, "not about %s: %s", pid,
                          line);
        }
    }
    ck_assert_int_gt(rows, 3 * 8);      /* three requests, eight hops */
    tt_run_free(&some);

    /* --since and --until: only rows in between */
    seq(&some, TT_DEFAULT, "--since", "1ms", "--until", "2s", NULL);
    save = NULL;
    for (line = strtok_r(some.out, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        double t;

        if (sscanf(line, " %lf", &t) == 1)
            ck_assert_msg(t >= 1.0 && t <= 2000.0, "out of range: %s", line);
    }
    tt_run_free(&some);
    tt_run_free(&all);
}
END_TEST

START_TEST(test_seq_shows_spawns)
{
    struct tt_run r;

    /* one processing client per request, started by the server */
    seq(&r, TT_PER_REQUEST, NULL);
    ck_assert_int_eq(tt_count_lines(r.out, "  spawns "), TT_REQUESTS);
    ck_assert_int_eq(tt_count_lines(r.out, "  F3 "), TT_REQUESTS);
    tt_run_free(&r);
}
END_TEST

START_TEST(test_seq_names_classic_signals)
{
    struct tt_run r;

    /* classic signals carry no value: the diagram names them instead */
    seq(&r, TT_CLASSIC, NULL);
    ck_assert_int_eq(tt_count_lines(r.out, "ready SIGUSR1 "),
                     2 * TT_REQUESTS);
    ck_assert_int_ge(tt_count_lines(r.out, "ack SIGUSR2 "), 2 * TT_REQUESTS);
    tt_run_free(&r);
}
END_TEST

START_TEST(test_seq_ascii)
{
    struct tt_run r;

    seq(&r, TT_DEFAULT, "--ascii", "--width", "100", NULL);
    for (const char *p = r.out; *p != '\0'; p++)
        ck_assert_msg((unsigned char)*p < 0x80, "not ASCII at: %.40s", p);
    ck_assert_int_eq(tt_count_lines(r.out, "  F1 "), TT_REQUESTS);
    tt_run_free(&r);
}
END_TEST

START_TEST(test_seq_marks_wrong_reader)
{
    struct tt_run r;

    seq(&r, TT_BROKEN, "--width", "200", NULL);
    ck_assert_int_eq(tt_count_lines(r.out, "WRONG READER"), 2);
    tt_run_free(&r);
}
END_TEST

/* Two classic acks traced before the server took the first, which it then
   takes one signal each (emit.c, "more"): the second did not merge, it
   is taken, and no ack is lost */
START_TEST(test_seq_pairs_ack_taken_on_its_own)
{
    char want[64];
    struct tt_run r;

    seq(&r, TT_EMIT_MORE, "--width", "200", NULL);
    snprintf(want, sizeof(want), "ack SIGUSR2 %d:1 +",
             tt_actors(TT_EMIT_MORE)->rc_b);
    /* sum's ack of B:1's request, rc_b's of its result */
    ck_assert_msg(tt_count_lines(r.out, want) == 2, "%d lines '%s', not 2",
                  tt_count_lines(r.out, want), want);
    ck_assert_int_eq(tt_count_lines(r.out, "LOST"), 0);
    tt_run_free(&r);
}
END_TEST

/* A classic ack whose record the server settled from the FIFO state, and
   whose own signal came after all and was ignored (emit.c, "more"): the
   row of the ignored signal is that ack's, and its sender's next ack is
   taken as its own */
START_TEST(test_seq_pairs_ack_ignored_after_settle)
{
    int rc_a = tt_actors(TT_EMIT_MORE)->rc_a;
    char ignored[80], next[40];
    struct tt_run r;

    seq(&r, TT_EMIT_MORE, "--width", "200", NULL);
    snprintf(ignored, sizeof(ignored), "ack SIGUSR2 %d:7 ignored "
             "(unexpected_sender)", rc_a);
    snprintf(next, sizeof(next), "ack SIGUSR2 %d:8 +", rc_a);
    ck_assert_int_eq(tt_count_lines(r.out, ignored), 1);
    ck_assert_int_eq(tt_count_lines(r.out, next), 2);  /* sum's, rc_a's */
    tt_run_free(&r);
}
END_TEST

/* A SIGCHLD is taken after its child ended: the row says when the child
   ended, which is that child's exit row */
START_TEST(test_seq_sigchld_sent_at_exit)
{
    struct tt_run r;
    int n = 0;

    seq(&r, TT_DEFAULT, "--width", "200", NULL);
    for (const char *p = r.out; (p = strstr(p, "  child SIGCHLD")) != NULL;
         p++) {
        const char *line = p, *sent = strstr(p, "(sent by the kernel when ");
        char who[40], pid[16], at[24], exit_row[80];
        double taken, ended;

        while (line > r.out && line[-1] != '\n')
            line--;
        if (strncmp(p, "  child SIGCHLD merged with", 27) == 0)
            continue;           /* never taken: merged into another */
        ck_assert_msg(sent != NULL && sent < strchr(p, '\n'), "%.100s", p);
        ck_assert_int_eq(sscanf(sent, "(sent by the kernel when %39s %15s "
                                "ended; its last event at %23s ms)", who, pid,
                                at), 3);
        ck_assert_int_eq(sscanf(line, "%lf", &taken), 1);
        ck_assert_int_eq(sscanf(at, "%lf", &ended), 1);
        ck_assert_msg(ended < taken, "%.100s", line);
        /* the child's exit row, at that time, before this one */
        snprintf(exit_row, sizeof(exit_row), "  %s %s exits ", who, pid);
        ck_assert_msg(strstr(r.out, exit_row) != NULL &&
                      strstr(r.out, exit_row) < line, "no '%s' above:\n%.100s",
                      exit_row, line);
        line = strstr(r.out, exit_row);
        while (line > r.out && line[-1] != '\n')
            line--;
        ck_assert_int_eq(strncmp(line + strspn(line, " "), at, strlen(at)), 0);
        n++;
    }
    ck_assert_int_ge(n, 1);
    tt_run_free(&r);
}
END_TEST

/* The SIGTERM the kernel sends a worker when its server ends
   (PR_SET_PDEATHSIG) is drawn from the margin, as sent when the server
   ended: never as sent by the server after its own end (emit.c, "orphan") */
START_TEST(test_seq_parent_death_sent_at_exit)
{
    char want[80];
    struct tt_run r;

    seq(&r, TT_EMIT_ORPHAN, "--width", "200", NULL);
    snprintf(want, sizeof(want), "stop SIGTERM (sent by the kernel when "
             "server %d ended; ", tt_server(TT_EMIT_ORPHAN));
    ck_assert_msg(tt_count_lines(r.out, want) == 2,
                  "%d lines '%s', not 2:\n%s", tt_count_lines(r.out, want),
                  want, r.out);
    tt_run_free(&r);
}
END_TEST

/* An ack_coalesced has no signal of its own: every view draws it as a mark
   of the server (a local event in ShiViz), never as a message */
START_TEST(test_views_mark_ack_coalesced)
{
    static const char *const views[] = { "seq", "svg", "shiviz" };
    const char *bt[] = { "babeltrace2", tt_dir(TT_EMIT_CLASSIC), NULL };
    const char *note = "ack settled from FIFO state (coalesced)";
    char server[16], host[32];
    struct tt_run r;
    int n;

    tt_exec(&r, bt);
    ck_assert_msg(r.status == 0, "babeltrace2: %s", r.err);
    n = tt_count_lines(r.out, "what = \"ack_coalesced\"");
    ck_assert_int_gt(n, 0);
    tt_run_free(&r);
    snprintf(server, sizeof(server), "%d", tt_server(TT_EMIT_CLASSIC));
    for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
        tt_trace(&r, views[i], "--server", server, "--width", "200",
                 tt_dir(TT_EMIT_CLASSIC), NULL);
        if (r.status != 0) {    /* --width is seq's alone */
            tt_run_free(&r);
            tt_trace(&r, views[i], "--server", server,
                     tt_dir(TT_EMIT_CLASSIC), NULL);
        }
        ck_assert_msg(r.status == 0, "%s: exit %d: %s", views[i], r.status,
                      r.err);
        ck_assert_msg(tt_count_lines(r.out, note) == n, "%s: %d marks, %d "
                      "in the trace", views[i], tt_count_lines(r.out, note),
                      n);
        ck_assert_msg(strstr(r.out, "ack_coalesced") == NULL,
                      "%s draws it as a signal", views[i]);
        tt_run_free(&r);
    }
    /* in ShiViz: the server's own events, with no message */
    tt_trace(&r, "shiviz", "--server", server, tt_dir(TT_EMIT_CLASSIC), NULL);
    snprintf(host, sizeof(host), "server-%s ", server);
    for (const char *p = r.out; (p = strstr(p, note)) != NULL; p++) {
        const char *line = p;

        while (line > r.out && line[-1] != '\n')
            line--;
        ck_assert_msg(strncmp(line, host, strlen(host)) == 0 &&
                      memchr(line, '[', (size_t)(p - line)) == NULL,
                      "%.120s", line);
    }
    tt_run_free(&r);
}
END_TEST

/* An ack merged into another's (classic signals) whose record the server
   then settled from its FIFO's state is no lost wake-up: seq draws it as
   merged and settled, and seq --request lists that settlement as a step */
START_TEST(test_seq_request_lists_settled_ack)
{
    const char *note = "ack settled from FIFO state (coalesced)";
    char server[16];
    struct tt_run all, r;
    int marks, steps = 0;

    snprintf(server, sizeof(server), "%d", tt_server(TT_EMIT_CLASSIC));
    tt_trace(&all, "seq", "--server", server, "--width", "200",
             tt_dir(TT_EMIT_CLASSIC), NULL);
    ck_assert_msg(all.status == 0, "seq: %s", all.err);
    marks = tt_count_lines(all.out, note);
    ck_assert_int_gt(marks, 0);
    for (const char *p = all.out;
         (p = strstr(p, "  ack SIGUSR2 ")) != NULL; p++) {
        char id[32];

        if (sscanf(p, "  ack SIGUSR2 %31s", id) != 1 ||
            strncmp(p + 14 + strlen(id), " merged with a pending SIGUSR2; "
                    "settled from FIFO state ", 56) != 0)
            continue;           /* taken, or lost */
        tt_trace(&r, "seq", "--server", server, "--request", id,
                 tt_dir(TT_EMIT_CLASSIC), NULL);
        ck_assert_msg(r.status == 0, "seq --request %s: %s", id, r.err);
        steps += tt_count_lines(r.out, "ack settled from FIFO state (its "
                                "ack merged into another's)");
        tt_run_free(&r);
    }
    ck_assert_int_eq(steps, marks);
    tt_run_free(&all);
}
END_TEST

/* seq --request says a record was dropped "from FIFOn" only after a step
   that wrote it there; a result the server held, never written, is "the
   result it held" */
START_TEST(test_seq_request_drops_say_from_where)
{
    char server[16];
    struct tt_run all, r;
    int held = 0;

    snprintf(server, sizeof(server), "%d", tt_server(TT_EMIT_CLASSIC));
    tt_trace(&all, "seq", "--server", server, "--width", "200",
             tt_dir(TT_EMIT_CLASSIC), NULL);
    ck_assert_msg(all.status == 0, "seq: %s", all.err);
    for (const char *p = all.out; (p = strstr(p, "  drops F")) != NULL;
         p++) {
        char id[32], wrote[32];
        int fifo;
        const char *drop;

        if (sscanf(p, "  drops F%d %31s", &fifo, id) != 2)
            continue;
        tt_trace(&r, "seq", "--server", server, "--request", id,
                 tt_dir(TT_EMIT_CLASSIC), NULL);
        ck_assert_msg(r.status == 0, "seq --request %s: %s", id, r.err);
        snprintf(wrote, sizeof(wrote), "writes it into FIFO%d\n", fifo);
        if ((drop = strstr(r.out, "drops it from FIFO")) != NULL) {
            ck_assert_msg(strstr(r.out, wrote) != NULL &&
                          strstr(r.out, wrote) < drop, "%s", r.out);
        } else {
            ck_assert_msg(strstr(r.out, "drops the result it held (") !=
                          NULL, "%s", r.out);
            ck_assert_ptr_null(strstr(r.out, wrote));
            held++;
        }
        tt_run_free(&r);
    }
    ck_assert_int_gt(held, 0);
    tt_run_free(&all);
}
END_TEST

/*
 * drop.sh kills its client with SIGKILL from the shell, which traces
 * nothing, and nobody traced reaps it: its lane ends at its last event
 * with a mark that says the trace holds no end for it, in seq and svg.
 */
START_TEST(test_views_end_processes_that_vanish)
{
    const char *mark = ": trace ends here: no exit traced (killed by an "
                       "untraced process?)";
    struct tt_run r, sv;
    const char *p, *line;
    char who[48];
    int pid;

    tt_trace(&r, "seq", "--width", "200", tt_dir(TT_DROP), NULL);
    ck_assert_msg(r.status == 0, "seq: %s", r.err);
    pid = tt_untraced_end(r.out, &line);
    ck_assert_ptr_nonnull(p = strstr(line, mark));
    ck_assert_msg(strstr(line, "╧") != NULL && strstr(line, "╧") < p,
                  "no mark in its lane: %.120s", line);
    /* one end, and no exit */
    ck_assert_int_eq(tt_count_lines(r.out, mark), 1);
    snprintf(who, sizeof(who), "rc %d exits", pid);
    ck_assert_ptr_null(strstr(r.out, who));
    tt_trace(&sv, "svg", tt_dir(TT_DROP), NULL);
    ck_assert_msg(sv.status == 0, "svg: %s", sv.err);
    ck_assert_int_eq(tt_count_lines(sv.out, mark), 1);
    tt_run_free(&sv);
    tt_run_free(&r);
}
END_TEST

/* The 'col'-th character (code point) of a line, or NULL past its end */
static const char *
char_at(const char *line, int col)
{
    for (const char *p = line; *p != '\0' && *p != '\n'; p++) {
        if (((unsigned char)*p & 0xC0) == 0x80)
            continue;           /* inside a multi-byte character */
        if (col-- == 0)
            return p;
    }
    return NULL;
}

/* The column (in characters) of the first 'glyph' in a line, or -1 */
static int
col_of(const char *line, const char *glyph)
{
    const char *at = strstr(line, glyph), *nl = strchr(line, '\n');
    int col = 0;

    if (at == NULL || (nl != NULL && at > nl))
        return -1;
    for (const char *p = line; p < at; p++)
        col += ((unsigned char)*p & 0xC0) != 0x80;
    return col;
}

/*
 * A lab trace: each experiment's section has the lanes of only the
 * processes it uses. Every lane its staircase names has something drawn
 * in it (an arrow's end, a note) within the section.
 */
START_TEST(test_seq_sections_have_their_own_lanes)
{
    struct tt_run r;
    int cols[64], used[64], nlanes = 0, sections = 0;
    char names[64][48];

    tt_trace(&r, "seq", tt_dir(TT_LAB04), NULL);
    ck_assert_msg(r.status == 0, "seq: %s", r.err);
    for (const char *line = r.out;; line = strchr(line, '\n') + 1) {
        bool last = strchr(line, '\n') == NULL;
        int corner = col_of(line, "┌");

        if (last || (col_of(line, "  experiment '") >= 0 && corner < 0)) {
            for (int i = 0; i < nlanes; i++)
                ck_assert_msg(used[i], "section %d names lane '%s' but "
                              "draws nothing in it", sections, names[i]);
            sections++;
            nlanes = 0;
            if (last)
                break;
            continue;
        }
        if (corner >= 0 && nlanes < 64) {
            cols[nlanes] = corner;
            used[nlanes] = 0;
            snprintf(names[nlanes], sizeof(names[0]), "%.*s",
                     (int)strcspn(strstr(line, "┌") + strlen("┌  "), "\n"),
                     strstr(line, "┌") + strlen("┌  "));
            nlanes++;
            continue;
        }
        for (int i = 0; i < nlanes; i++) {
            const char *c = char_at(line, cols[i]);

            if (c != NULL && *c != ' ' && strncmp(c, "│", strlen("│")) != 0)
                used[i] = 1;
        }
    }
    ck_assert_int_ge(sections, 9);
    tt_run_free(&r);
}
END_TEST

/*
 * A process killed by a signal traces no proc_exit; its parent's reap
 * says "128 + N". seq ends its lane there with a killed mark naming
 * signal N, and shiviz has it as the process's own last event.
 */
START_TEST(test_seq_marks_killed_processes)
{
    struct tt_run r, sv;
    const char *p;
    int killed = 0;

    tt_trace(&r, "seq", tt_dir(TT_LAB04), NULL);
    ck_assert_msg(r.status == 0, "seq: %s", r.err);
    tt_trace(&sv, "shiviz", tt_dir(TT_LAB04), NULL);
    ck_assert_msg(sv.status == 0, "shiviz: %s", sv.err);
    for (p = r.out; (p = strstr(p, "  reaps ")) != NULL; p++) {
        char who[48], exits[64], mark[80], host[64], *dash;
        const char *line, *row;
        int status;

        ck_assert_int_eq(sscanf(p, "  reaps %47[^:]: %d", who, &status), 2);
        snprintf(exits, sizeof(exits), "  %s exits ", who);
        if (status <= 128 || strstr(r.out, exits) != NULL)
            continue;           /* it exited, or was not killed */
        snprintf(mark, sizeof(mark), "  %s killed by SIG", who);
        ck_assert_msg((row = strstr(r.out, mark)) != NULL, "no '%s'", mark);
        snprintf(mark, sizeof(mark), " (%d)", status - 128);
        ck_assert_msg(strstr(row, mark) != NULL &&
                      strstr(row, mark) < strchr(row, '\n'),
                      "'%s' killed, status %d: not by signal %d: %.80s",
                      who, status, status - 128, row);
        for (line = row; line > r.out && line[-1] != '\n'; line--)
            continue;
        ck_assert_msg(strstr(line, "╧") != NULL && strstr(line, "╧") < row,
                      "no killed mark on '%.80s'", line);
        /* the traced signal that killed it was delivered, not "never
           taken" */
        if (strstr(row, ": the '") != NULL &&
            strstr(row, ": the '") < strchr(row, '\n')) {
            snprintf(mark, sizeof(mark), " delivered: it killed %s", who);
            ck_assert_msg(strstr(r.out, mark) != NULL &&
                          strstr(r.out, mark) < row, "no '%s' above "
                          "'%.80s'", mark, row);
        }
        /* shiviz: "client-4711 ... local client 4711 killed by" */
        snprintf(host, sizeof(host), "\n%s", who);
        if ((dash = strchr(host, ' ')) != NULL)
            *dash = '-';
        ck_assert_msg(strstr(sv.out, host) != NULL, "no %s in shiviz", host);
        snprintf(mark, sizeof(mark), " local %s killed by SIG", who);
        ck_assert_msg(strstr(sv.out, mark) != NULL, "shiviz: no '%s'", mark);
        killed++;
    }
    ck_assert_int_ge(killed, 1);
    tt_run_free(&sv);
    tt_run_free(&r);
}
END_TEST

/* Does one line of out hold both a and b? */
static int
line_with(const char *out, const char *a, const char *b)
{
    for (const char *p = strstr(out, a); p != NULL; p = strstr(p + 1, a)) {
        const char *start = p, *end = strchr(p, '\n');
        const char *q;

        while (start > out && start[-1] != '\n')
            start--;
        q = strstr(start, b);
        if (q != NULL && (end == NULL || q < end))
            return 1;
    }
    return 0;
}

/*
 * A record that no read() returned as itself, while its reader dropped
 * bytes after it was written (lab 01's torn records, lab 02's records among
 * text), is labelled "never read as a record: dropped?": its bytes were
 * read, as part of what the drop threw away. A record nobody read at all
 * (lab 04's lost wake-ups, no drop) stays "never read". 'r' and 'sv' are
 * lab 01's seq and svg.
 */
static void
check_torn_records(const struct tt_run *r, const struct tt_run *sv,
                   char **lines, int n)
{
    const char *torn = "never read as a record: dropped?";
    int drops = 0, unread = 0, marked = 0;
    struct tt_run lab04;

    for (int i = 0; i < n; i++)
        drops += strstr(lines[i], "ipclab:record_drop:") != NULL &&
                 strstr(lines[i], "bytes = 262144") != NULL;
    for (const char *p = r->out; (p = strstr(p, "F0 262144+")) != NULL; p++) {
        const char *eol = strchr(p, '\n');
        const char *never = strstr(p, "never read");

        if (never != NULL && never < eol) {
            unread++;
            marked += strncmp(never, torn, strlen(torn)) == 0;
        }
    }
    /* each torn record is one drop, and one write no read returned */
    ck_assert_int_eq(unread, drops);
    ck_assert_int_eq(marked, unread);
    ck_assert_int_eq(tt_count_lines(sv->out, torn), drops);
    tt_trace(&lab04, "seq", "--width", "200", tt_dir(TT_LAB04), NULL);
    ck_assert_msg(lab04.status == 0, "seq: %s", lab04.err);
    ck_assert_int_gt(tt_count_lines(lab04.out, "never read"), 0);
    ck_assert_int_eq(tt_count_lines(lab04.out, torn), 0);
    tt_run_free(&lab04);
}

/*
 * record_write is traced before write(): lab 01's writes that failed (an
 * error event for record_write follows, or SIGPIPE killed the writer
 * right after it) never entered the FIFO. seq and svg say "write failed",
 * never "never read", for each.
 */
START_TEST(test_views_mark_failed_writes)
{
    struct tt_run raw, r, sv, pages;
    int n, failed = 0, killed = 0, np = 0;
    const char *cat[17];
    char name[256], *save = NULL;
    char **lines = tt_lab_events(TT_LAB01, &raw, &n);

    tt_trace(&r, "seq", "--width", "200", tt_dir(TT_LAB01), NULL);
    ck_assert_msg(r.status == 0, "seq: %s", r.err);
    snprintf(name, sizeof(name), "%s/lab01.svg", tt_tmp());
    tt_trace(&pages, "svg", "--output", name, tt_dir(TT_LAB01), NULL);
    ck_assert_msg(pages.status == 0, "svg: %s", pages.err);
    /* every page it wrote (their names, one a line), as one text */
    cat[0] = "cat";
    for (char *p = strtok_r(pages.out, "\n", &save); p != NULL && np < 15;
         p = strtok_r(NULL, "\n", &save))
        cat[++np] = p;
    cat[np + 1] = NULL;
    ck_assert_int_ge(np, 1);
    tt_exec(&sv, cat);
    ck_assert_msg(sv.status == 0, "cat: %s", sv.err);
    for (int i = 0; i < n; i++) {
        char vpid[32], id[40], why[48];
        int last = -1, err = 0, writer;

        if (strstr(lines[i], "ipclab:proc_reap:") != NULL &&
            strstr(lines[i], "status = 141 }") != NULL) {
            writer = atoi(strstr(lines[i], "child_pid = ") + 12);
            snprintf(why, sizeof(why), "write failed: killed by SIGPIPE");
            killed++;
        } else if (strstr(lines[i], "ipclab:error:") != NULL &&
                   strstr(lines[i], "what = \"record_write\"") != NULL) {
            writer = atoi(strstr(lines[i], "{ vpid = ") + 9);
            err = atoi(strstr(lines[i], "err = ") + 6);
            snprintf(why, sizeof(why), "write failed (%d ", err);
            failed++;
        } else {
            continue;
        }
        snprintf(vpid, sizeof(vpid), "{ vpid = %d,", writer);
        for (int j = i - 1; j >= 0 && last < 0; j--)
            if (strstr(lines[j], vpid) != NULL &&
                strstr(lines[j], "ipclab:error:") == NULL)
                last = j;
        ck_assert_msg(last >= 0 && strstr(lines[last],
                                          "ipclab:record_write:") != NULL,
                      "%d's failed write: %s", writer,
                      last >= 0 ? lines[last] : "none");
        snprintf(id, sizeof(id), " %d:%d ",
                 atoi(strstr(lines[last], ", pid = ") + 8),
                 atoi(strstr(lines[last], ", seq = ") + 8));
        ck_assert_msg(line_with(r.out, id, why), "seq: no '%s' for%s",
                      why, id);
        ck_assert_msg(!line_with(r.out, id, "never read"), "seq:%s", id);
        ck_assert_msg(line_with(sv.out, id, why), "svg: no '%s' for%s", why,
                      id);
        ck_assert_msg(!line_with(sv.out, id, "never read"), "svg:%s", id);
    }
    ck_assert_int_ge(failed, 2);        /* EPIPE, and EAGAIN when full */
    ck_assert_int_eq(killed, 1);        /* SIGPIPE */
    check_torn_records(&r, &sv, lines, n);
    free(lines);
    tt_run_free(&pages);
    tt_run_free(&sv);
    tt_run_free(&r);
    tt_run_free(&raw);
}
END_TEST

/*
 * Lab 04's early-result client is killed by a signal: one request of it,
 * alone (seq and svg --request), still shows the killed mark that ends
 * its lane, the reason its messages stop.
 */
START_TEST(test_views_keep_killed_mark_of_request)
{
    struct tt_run all, r, sv;
    const char *k;
    char id[32];
    int victim;

    tt_trace(&all, "seq", "--width", "200", tt_dir(TT_LAB04), NULL);
    ck_assert_msg(all.status == 0, "seq: %s", all.err);
    ck_assert_ptr_nonnull(k = strstr(all.out, " killed by "));
    while (k > all.out && k[-1] != ' ')
        k--;                    /* "client 20605 killed by" */
    victim = atoi(k);
    ck_assert_int_gt(victim, 0);
    snprintf(id, sizeof(id), " %d:1 ", victim);
    ck_assert_msg(strstr(all.out, id) != NULL, "no request%sin lab 04", id);
    snprintf(id, sizeof(id), "%d:1", victim);
    tt_trace(&r, "seq", "--width", "200", "--request", id, tt_dir(TT_LAB04),
             NULL);
    ck_assert_msg(r.status == 0, "seq --request %s: %s", id, r.err);
    ck_assert_msg(tt_count_lines(r.out, " killed by ") == 1, "seq "
                  "--request %s:\n%s", id, r.out);
    tt_trace(&sv, "svg", "--request", id, tt_dir(TT_LAB04), NULL);
    ck_assert_msg(sv.status == 0, "svg --request %s: %s", id, sv.err);
    ck_assert_msg(strstr(sv.out, " killed by ") != NULL, "svg --request %s "
                  "has no killed mark", id);
    tt_run_free(&sv);
    tt_run_free(&r);
    tt_run_free(&all);
}
END_TEST

/*
 * SIGCHLDs do not queue: a traced child a SIGCHLD-taking parent reaped
 * with no SIGCHLD of its own taken (lab 05's raw events) merged into
 * another's; seq marks each as merged, but not as lost: its parent reaped
 * it anyway. (A child that traced nothing, say one whose tracer did not
 * register in time, has no lane to draw it from.)
 */
START_TEST(test_seq_marks_merged_sigchld)
{
    int kids[512][2], nkids = 0, merged = 0, n;
    struct tt_run raw, r;
    char **lines = tt_lab_events(TT_LAB05, &raw, &n);

    for (int i = 0; i < n; i++) {           /* every reap: parent, child */
        const char *c = strstr(lines[i], "child_pid = ");

        if (strstr(lines[i], "ipclab:proc_reap:") != NULL && nkids < 512) {
            kids[nkids][0] = atoi(strstr(lines[i], "{ vpid = ") + 9);
            kids[nkids++][1] = atoi(c + 12);
        }
    }
    for (int k = 0; k < nkids; k++) {
        char parent[32], child[32], self[32];
        int takes = 0, own = 0, traced = 0;

        snprintf(parent, sizeof(parent), "{ vpid = %d,", kids[k][0]);
        snprintf(child, sizeof(child), "peer_pid = %d,", kids[k][1]);
        snprintf(self, sizeof(self), "{ vpid = %d,", kids[k][1]);
        for (int i = 0; i < n; i++) {
            traced |= strstr(lines[i], self) != NULL;
            if (strstr(lines[i], "ipclab:signal_consume:") == NULL ||
                strstr(lines[i], "what = \"child\"") == NULL ||
                strstr(lines[i], parent) == NULL)
                continue;
            takes = 1;
            own |= strstr(lines[i], child) != NULL;
        }
        merged += traced && takes && !own;
    }
    tt_trace(&r, "seq", "--width", "200", tt_dir(TT_LAB05), NULL);
    ck_assert_msg(r.status == 0, "seq: %s", r.err);
    ck_assert_int_eq(tt_count_lines(r.out, "child SIGCHLD merged with a "
                                    "pending SIGCHLD; reaped "), merged);
    ck_assert_int_eq(tt_count_lines(r.out, "child SIGCHLD LOST"), 0);
    tt_run_free(&r);
    /* ShiViz: a message from the child's end to the reap, both ends */
    tt_trace(&r, "shiviz", tt_dir(TT_LAB05), NULL);
    ck_assert_msg(r.status == 0, "shiviz: %s", r.err);
    ck_assert_int_eq(tt_count_lines(r.out, " send child SIGCHLD merged with "
                                    "a pending SIGCHLD; reaped "), merged);
    ck_assert_int_eq(tt_count_lines(r.out, " receive child SIGCHLD merged "
                                    "with a pending SIGCHLD; reaped "),
                     merged);
    free(lines);
    tt_run_free(&r);
    tt_run_free(&raw);
}
END_TEST

/* Every row of 'out' (a seq diagram) that has a time is at or after the
   row before: the diagram never goes back in time */
static void
assert_time_order(const char *what, const char *out)
{
    double prev = -1;
    int rows = 0;

    for (const char *line = out; *line != '\0';) {
        const char *end = strchr(line, '\n');
        double t;
        int used = 0;

        if (sscanf(line, " %lf  %n", &t, &used) == 1 && used > 0 &&
            memchr(line, '.', (size_t)used) != NULL) {
            ck_assert_msg(t >= prev, "%s: %.3f after %.3f: %.*s", what, t,
                          prev, end != NULL ? (int)(end - line) : 200, line);
            /* a negative operand reads as one: "5-(-3)", not "5--3" */
            for (const char *q = line; end != NULL && q + 2 < end; q++)
                ck_assert_msg(!(q[0] >= '0' && q[0] <= '9' &&
                                strchr("+-*/?", q[1]) != NULL &&
                                q[1] != '\0' && q[2] == '-'),
                              "%s: %.*s", what, (int)(end - line), line);
            prev = t;
            rows++;
        }
        if (end == NULL)
            break;
        line = end + 1;
    }
    ck_assert_msg(rows > 10, "%s: %d rows with a time", what, rows);
}

/*
 * Rows are in time order in every view: merged SIGCHLDs (judged only when
 * the parent reaps, long after the child ended) and the experiment title
 * rows (their section also holds what came before) included.
 */
START_TEST(test_seq_rows_in_time_order)
{
    static const enum tt_id ids[] = { TT_LAB05, TT_LAB04, TT_BROKEN,
                                      TT_EMIT_CLASSIC };
    struct tt_run r;
    char server[16], what[64];

    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        tt_trace(&r, "seq", "--width", "200", tt_dir(ids[i]), NULL);
        ck_assert_msg(r.status == 0, "seq: exit %d: %s", r.status, r.err);
        snprintf(what, sizeof(what), "seq %s", tt_dir(ids[i]));
        assert_time_order(what, r.out);
        tt_run_free(&r);
    }
    /* one process's view: the server, with its children's SIGCHLDs */
    snprintf(server, sizeof(server), "%d", tt_server(TT_DEFAULT));
    tt_trace(&r, "seq", "--width", "200", "--pid", server,
             tt_dir(TT_DEFAULT), NULL);
    ck_assert_msg(r.status == 0, "seq --pid: exit %d: %s", r.status, r.err);
    assert_time_order("seq --pid", r.out);
    tt_run_free(&r);
}
END_TEST

/* --since inside a record's flight keeps the record whole: a read is
   never drawn without its write */
START_TEST(test_seq_since_keeps_record_in_flight)
{
    struct tt_run all, some;
    char label[64] = "", since[32];
    double t = 0, late = 0;

    tt_trace(&all, "seq", tt_dir(TT_LAB04), NULL);
    ck_assert_msg(all.status == 0, "seq: %s", all.err);
    for (const char *line = all.out; line != NULL && label[0] == '\0';) {
        const char *next = strchr(line, '\n'), *f = strstr(line, "  F2 ");
        const char *plus, *end;

        /* a row "T ... F2 =V P:S ..." read "+X" ms later (maybe wrapped) */
        if (f != NULL && (next == NULL || f < next) &&
            sscanf(line, " %lf", &t) == 1) {
            end = strstr(line, "\n            ");
            plus = strstr(f, " +");
            if (plus != NULL && (plus < next ||
                                 (end == next && plus < strchr(next + 1, '\n')))
                && sscanf(plus, " +%lf", &late) == 1 && late >= 0.02)
                snprintf(label, sizeof(label), "%.*s",
                         (int)(strcspn(f + 2, ":") + 2), f + 2);
        }
        line = next != NULL ? next + 1 : NULL;
    }
    ck_assert_msg(label[0] != '\0', "no F2 record read 0.02 ms or more after "
                  "its write: %.2000s", all.out);
    snprintf(since, sizeof(since), "%.3fms", t + late / 2);
    tt_trace(&some, "seq", "--since", since, tt_dir(TT_LAB04), NULL);
    ck_assert_msg(some.status == 0, "seq: %s", some.err);
    ck_assert_msg(strstr(some.out, label) != NULL, "--since %s drops '%s', "
                  "written at %.3f and read %.3f ms later:\n%.2000s", since, label,
                  t, late, some.out);
    tt_run_free(&some);
    tt_run_free(&all);
}
END_TEST

Suite *
seq_suite(void)
{
    Suite *s = suite_create("seq");
    TCase *core = tcase_create("core"), *errors = tcase_create("errors");

    tcase_add_unchecked_fixture(core, tt_need_default, NULL);
    tcase_add_unchecked_fixture(core, tt_need_modes, NULL);
    tcase_add_test(core, test_seq_draws_every_hop);
    tcase_add_test(core, test_seq_fits_80_columns);
    tcase_add_test(core, test_seq_filters);
    tcase_add_test(core, test_seq_ascii);
    tcase_add_test(core, test_seq_shows_spawns);
    tcase_add_test(core, test_seq_names_classic_signals);
    tcase_add_test(core, test_seq_sigchld_sent_at_exit);
    tcase_add_unchecked_fixture(core, tt_need_lab04, NULL);
    tcase_add_test(core, test_seq_sections_have_their_own_lanes);
    tcase_add_test(core, test_seq_since_keeps_record_in_flight);
    tcase_add_test(core, test_seq_marks_killed_processes);
    tcase_add_test(core, test_views_keep_killed_mark_of_request);
    tcase_add_unchecked_fixture(core, tt_need_lab05, NULL);
    tcase_add_test(core, test_seq_marks_merged_sigchld);
    tcase_add_unchecked_fixture(core, tt_need_broken, NULL);
    tcase_add_test(core, test_seq_rows_in_time_order);
    tcase_add_unchecked_fixture(core, tt_need_lab01, NULL);
    tcase_add_test(core, test_views_mark_failed_writes);
    tcase_set_timeout(core, 30);
    tcase_add_unchecked_fixture(errors, tt_need_broken, NULL);
    tcase_add_test(errors, test_seq_marks_wrong_reader);
    tcase_add_test(errors, test_seq_pairs_ack_taken_on_its_own);
    tcase_add_test(errors, test_seq_pairs_ack_ignored_after_settle);
    tcase_add_test(errors, test_views_mark_ack_coalesced);
    tcase_add_test(errors, test_seq_request_lists_settled_ack);
    tcase_add_test(errors, test_seq_request_drops_say_from_where);
    tcase_add_unchecked_fixture(errors, tt_need_drop, NULL);
    tcase_add_test(errors, test_views_end_processes_that_vanish);
    tcase_add_unchecked_fixture(errors, tt_need_orphan, NULL);
    tcase_add_test(errors, test_seq_parent_death_sent_at_exit);
    tcase_set_timeout(errors, 30);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    return s;
}
