/*
 * tests/trace/fixture.h - real traces, recorded once, and ipclab-trace runs.
 *
 * The tests of ipclab-trace run it on traces of the real programs, recorded
 * with traces/record.sh as the first test that needs each one starts (an
 * unchecked fixture: it runs in the runner process, once per program).
 * Nothing is skipped when LTTng is missing: the recording fails and so do
 * the tests that need it, with record.sh's message.
 *
 * Paths come from /proc/self/exe: this program is BUILD/tests/trace, the
 * programs are in BUILD/bin, the scripts in the source tree above BUILD
 * (or in the current directory, where make runs).
 *
 * A root session daemon records every ipclab process of the machine, so a
 * trace may hold someone else's programs too. The tests find their own
 * server in each trace and give ipclab-trace --server PID.
 */
#ifndef IPCLAB_TESTS_TRACE_FIXTURE_H
#define IPCLAB_TESTS_TRACE_FIXTURE_H

#include <check.h>
#include <stddef.h>

/* The traces the tests use */
enum tt_id {
    TT_DEFAULT,                 /* scripts/workload.sh: pool, rt signals */
    TT_PER_REQUEST,             /* ... --spawn per-request */
    TT_CLASSIC,                 /* ... --signals classic */
    TT_NOACK,                   /* ... --unsafe-no-ack: broken on purpose */
    TT_BROKEN,                  /* this program's --emit: every violation */
    TT_EMIT_CLASSIC,            /* --emit classic: classic acks, drops */
    TT_EMIT_LOST,               /* --emit lost, small buffers: events lost */
    TT_EMIT_NAMES,              /* --emit names: names JSON must escape */
    TT_EMIT_MORE,               /* --emit more: the other violation lines */
    TT_EMIT_ORPHAN,             /* --emit orphan: workers of a server gone */
    TT_EMIT_GONE,               /* --emit gone: requests dropped, killed */
    TT_DROP,                    /* a client killed with results pending */
    TT_LAB04,                   /* lab 04, every experiment: no server */
    TT_LAB05,                   /* lab 05, every experiment: pages tall */
    TT_LAB01,                   /* lab 01, every experiment: failed writes */
    TT_COUNT
};

#define TT_REQUESTS 12          /* requests in scripts/workload.sh */

/* The processes of an emitted trace (emit.c prints them) */
struct tt_actors {
    int server, rc_a, rc_b, sum, mul;
};

/* What a program did: exit status (128 + signal when killed), output */
struct tt_run {
    int status;
    char *out;                  /* stdout, NUL-terminated */
    char *err;                  /* stderr */
};

/* Unchecked fixtures: record the traces a TCase needs (once). */
void
tt_need_default(void);

void
tt_need_modes(void);            /* per-request, classic, no-ack */

void
tt_need_broken(void);           /* the emitted traces of violations */

void
tt_need_drop(void);

void
tt_need_lost(void);

void
tt_need_names(void);

void
tt_need_orphan(void);

void
tt_need_gone(void);

void
tt_need_lab04(void);

void
tt_need_lab05(void);

void
tt_need_lab01(void);

/* In a test: the trace's directory, or the test fails (recording failed). */
const char *
tt_dir(enum tt_id id);

/* In a test: copy trace 'id' to tt_tmp()/NAME, to spoil; its path in dir */
void
tt_copy(enum tt_id id, const char *name, char *dir, size_t n);

/* In a test: our server's pid in that trace (a lab trace: the lab's). */
int
tt_server(enum tt_id id);

/* In a test: the actors of an emitted trace (TT_BROKEN, TT_EMIT_...). */
const struct tt_actors *
tt_actors(enum tt_id id);

/*
 * In a test: babeltrace2's lines of a lab trace 'id' (TT_LAB0N),
 * in time order, only those of the lab's process and the processes it
 * started (at any depth): a malloc'd array of *n pointers into raw->out
 * (free the array, then tt_run_free(raw)).
 */
char **
tt_lab_events(enum tt_id id, struct tt_run *raw, int *n);

/* The source tree, BUILD/bin, and BUILD/bin/ipclab-trace */
const char *
tt_root(void);

const char *
tt_bindir(void);

const char *
tt_tool(void);

/* A scratch directory for this test program, removed by tt_cleanup(). */
const char *
tt_tmp(void);

/*
 * Run argv (argv[0] a path), stdin from /dev/null, in the source tree;
 * wait for it and capture its output. Fails the test when it cannot run.
 */
void
tt_exec(struct tt_run *r, const char *const argv[]);

/* Run ipclab-trace with the arguments after 'r', up to NULL. */
void
tt_trace(struct tt_run *r, ...);

void
tt_run_free(struct tt_run *r);

/* The number of lines of s that contain 'needle'. */
int
tt_count_lines(const char *s, const char *needle);

/*
 * In seq's output, the first row that ends a lane whose end is not traced
 * ("rc 4711: trace ends here: no exit traced ..."): its process's pid, and
 * *line the start of its row; fails the test when there is none.
 */
int
tt_untraced_end(const char *seq_out, const char **line);

/* Remove the scratch directory (main, after every test ran). */
void
tt_cleanup(void);

#endif /* IPCLAB_TESTS_TRACE_FIXTURE_H */
