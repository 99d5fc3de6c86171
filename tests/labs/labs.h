/*
 * tests/labs/labs.h - the tests of the lab binaries and their handouts.
 *
 * One suite per lab (check_lab01.c ... check_lab05.c) and one for the
 * handouts (check_handouts.c); runner.c runs them all:
 *
 *   build/tests/labs                          everything
 *   CK_RUN_SUITE=lab04 build/tests/labs       one lab
 *   CK_RUN_CASE=handouts build/tests/labs     the handouts' commands
 *   CK_FORK=no gdb build/tests/labs           debug in one process
 *
 * Each lab suite has three test cases: "experiments" runs every
 * experiment alone (untraced) under a timeout and checks its verdict;
 * "help" checks that --help lists exactly the experiments the tests know;
 * "trace" records 'labNN-name all' once with traces/record.sh and asserts,
 * experiment by experiment, the events its handout says the trace shows.
 *
 * trace.c reads the trace the way tests/system/check_tracing.c does, from
 * babeltrace2's text, with one addition: the events are filtered down to
 * the lab's own process tree (a shared session daemon records every ipclab
 * process on the machine) and cut into experiments at the lab's
 * ipclab:proc_state markers.
 */
#ifndef IPCLAB_TEST_LABS_H
#define IPCLAB_TEST_LABS_H

#include <check.h>
#include <limits.h>
#include <stdbool.h>

Suite *lab01_suite(void);
Suite *lab02_suite(void);
Suite *lab03_suite(void);
Suite *lab04_suite(void);
Suite *lab05_suite(void);
Suite *handouts_suite(void);

/* One ipclab event of the trace */
struct lt_event {
    char name[32];              /* "record_write", without "ipclab:" */
    long vpid;                  /* who emitted it */
    int exp;                    /* index in lt.exps, or -1 before the first */
    const char *line;           /* babeltrace2's whole line */
};

/* A recorded run of a lab binary, reduced to that lab's processes */
struct lt {
    char dir[PATH_MAX];         /* the CTF trace */
    int status;                 /* the lab's exit status */
    char *out;                  /* its stdout */
    char *text;                 /* babeltrace2's output (events point in) */
    struct lt_event *ev;
    int n;
    long root;                  /* the lab process */
    char exps[32][64];          /* experiment names, in the order run */
    int nexp;
};

/*
 * Record argv (a lab binary and its arguments) with traces/record.sh into
 * a fresh directory and read it back. Call it from an unchecked fixture;
 * on failure t->n stays 0 and lt_require() says why.
 */
void
lt_record(struct lt *t, const char *role, const char *const argv[]);

/* Fail the test unless t holds a trace with events. */
void
lt_require(const struct lt *t);

void
lt_free(struct lt *t);

/*
 * Events of experiment 'exp' (NULL: of the whole run) matching 'filter':
 * an event name, then conditions "key=value" or "key!=value" on its fields
 * ("fifo=2", "what=ack", "role=reader-a", "mode=0x29a"; numbers compare as
 * numbers, enums by label). A value "@key" stands for this event's own
 * field 'key': "record_read pid!=@vpid" is a record read by someone it was
 * not addressed to. "key~=text" holds when the field starts with 'text'
 * (values cannot hold blanks: "error what~=unknown"). lt_find() returns
 * the index of the first match at or after 'from', or -1; lt_count()
 * counts them.
 */
int
lt_find(const struct lt *t, const char *exp, int from, const char *filter);

int
lt_count(const struct lt *t, const char *exp, const char *filter);

/* lt_count() with a filter made from 'fmt' and one pid: "... vpid=%ld" */
int
lt_count_pid(const struct lt *t, const char *exp, const char *fmt, long pid)
    __attribute__((format(printf, 3, 0)));

/*
 * The test every lab has: '<lab> all' exited 0 and the trace holds each of
 * 'experiments' (NULL-terminated), in that order, and no other.
 */
void
lt_assert_all_ran(const struct lt *t, const char *lab,
                  const char *const *experiments);

/* Field 'key' of event i as a number (LONG_MIN when absent). */
long
lt_int(const struct lt *t, int i, const char *key);

/* Field 'key' of event i as text, an enum's label ("mul"); "" if absent. */
const char *
lt_str(const struct lt *t, int i, const char *key, char *buf, size_t size);

/*
 * When event i happened: ns after the lab's first event (babeltrace2's
 * clock, past midnight too), or -1 when i is no event.
 */
long long
lt_ns(const struct lt *t, int i);

/* The pid of the first process of experiment 'exp' with this role, or -1. */
long
lt_pid_of(const struct lt *t, const char *exp, const char *role);

/* True when ipclab-trace (src/trace/) is built beside the labs. */
bool
lt_have_check_tool(void);

/*
 * Run 'ipclab-trace check' on t's trace, limited to the system of server
 * 'server' (--server) when it is > 0. Returns its exit status; *out gets
 * what it printed (malloc'd).
 */
int
lt_check(const struct lt *t, long server, char **out);

/* The same with any ipclab-trace command 'cmd' (lt_check(): "check"). */
int
lt_trace_tool(const struct lt *t, const char *cmd, long server, char **out);

/* The median (us) of one hop ("FIFO3 write -> worker read") in
   'ipclab-trace stats --server SERVER' of t's trace. */
double
lt_hop_median(const struct lt *t, long server, const char *hop);

/*
 * 'ipclab-trace seq --request PID:SEQ' on t's trace, which must exit 0;
 * returns what it printed (malloc'd).
 */
char *
lt_request_steps(const struct lt *t, long pid, unsigned seq);

/*
 * 'ipclab-trace overlap' on experiment 'exp' (its server): at least two
 * clients had requests in the server at once, and at least one record
 * waited for the ack of another client's record.
 */
void
lt_assert_clients_meet(const struct lt *t, const char *exp);

/* The height of the SVG picture in file 'path' (0: none). */
int
lt_svg_height(const char *path);

/*
 * 'ipclab-trace svg [--layout LAYOUT]' on t's whole trace is refused as
 * too tall, with the command that draws a part; that command, as printed,
 * exits 0 and draws one picture of at most 32767 px; so does the one it
 * gives for the rest, or it says the rest needs pages. LAYOUT: NULL for
 * the default.
 */
void
lt_assert_svg_part_drawable(const struct lt *t, const char *layout);

/* Every experiment of a lab, as the tests know them */
struct lab_case {
    const char *bin;            /* "lab01-fifo-setup" */
    const char *const *experiments;     /* NULL-terminated */
};

/*
 * Add to 's' the test cases every lab shares: "experiments" (each run
 * alone, untraced, exit 0 and "-> as the handout says") and "help".
 */
void
lt_add_common_cases(Suite *s, const struct lab_case *lab);

/* Number of entries of a NULL-terminated list. */
int
lt_nitems(const char *const *list);

#endif /* IPCLAB_TEST_LABS_H */
