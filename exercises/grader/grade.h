/*
 * exercises/grader/grade.h - how a graded test is written.
 *
 * A graded test is a Check test with a name, points, a timeout and a
 * one-line description. Write it like this, in exercises/NN-name/grade/
 * (or, for hidden tests, in GRADE_HIDDEN/NN/: see docs/instructor.md):
 *
 *     GRADE_TEST(make_exact_mode, 3, 10, "mode 0660 under umask 077")
 *     {
 *         ck_assert_msg(ex_fifo_make(path, 0660) == 0,
 *                       "ex_fifo_make failed: %s", strerror(errno));
 *     }
 *     END_TEST
 *
 * Tests register themselves (a constructor), so a file of tests linked
 * into an exercise's grading program is all it takes to add them. The
 * program, BUILD/grade/NN (student code) or BUILD/grade/NN-solution,
 * runs one test per invocation, in a forked child with the test's
 * timeout, so a crash or a hang costs that test only:
 *
 *     BUILD/grade/04 --list          name, points, timeout, description
 *     BUILD/grade/04 wait_pending    one test: "PASS" or "FAIL: reason"
 *                                    on stdout, or on the descriptor
 *                                    $GRADE_VERDICT_FD; exit 0 or 1
 *     BUILD/grade/04                 every test, with Check's report
 *
 * scripts/grade.sh runs them all and writes the table, results.json and
 * the TAP file. The failure message of a test is its one-line reason:
 * make every ck_assert_msg() say what was expected and what came.
 */
#ifndef IPCLAB_GRADE_H
#define IPCLAB_GRADE_H

#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "harness.h"

struct g_test {
    const char *name;           /* unique within an exercise: [a-z0-9_] */
    int points;                 /* > 0 */
    int timeout_s;              /* Check's timeout for this test */
    const char *desc;           /* one line, shown in the table */
    const char *file;           /* where it is defined: tests sort by it */
    int line;
    const TTest *const *test;   /* what START_TEST defined */
    struct g_test *next;
};

/* Called by GRADE_TEST's constructor: add t to the exercise's tests. */
void
g_register(struct g_test *t);

/*
 * Define a graded test; the body and END_TEST follow. The test Check runs
 * is a wrapper: g_test_begin() (limits, the test's uid), the body, then
 * g_test_end(), which is how the harness learns that the body ran to its
 * end. A process that ends any other way (exit, _exit, abort, a signal)
 * inside the student's code fails the test, whatever its exit status.
 */
#ifndef GRADE_LIST
#define GRADE_TEST(n, pts, tmo, desc_)                                    \
    static void n##_body(void);                                           \
    START_TEST(n)                                                         \
    {                                                                     \
        g_test_begin();                                                   \
        n##_body();                                                       \
        g_test_end();                                                     \
    }                                                                     \
    static struct g_test n##_entry = { #n, (pts), (tmo), (desc_),         \
                                       __FILE__, __LINE__, &n, NULL };    \
    __attribute__((constructor)) static void n##_register(void)           \
    {                                                                     \
        g_register(&n##_entry);                                           \
    }                                                                     \
    static void n##_body(void)
#else
/* Preprocessed for the table of tests alone (gradelist.h): one line per
   test, which mk/exercises.mk picks out; the body is left behind */
#define GRADE_TEST(n, pts, tmo, desc_)                                    \
    GRADE_LIST_ENTRY(n, pts, tmo, desc_, __FILE__, __LINE__)              \
    GRADE_LIST_END static void n##_body(void)
#endif

/* First thing in a test's process: see GRADE_TEST. */
void
g_test_begin(void);

/* The body ran to its end: tell the harness (see GRADE_TEST). */
void
g_test_end(void);

/*
 * Note that the test now calls the student's function 'what', so that a
 * test ending there says where: "exited with status 0 in
 * ex_fifo_open_reader()". G_CALL(f)(args) notes "f()" and calls f.
 */
void
g_at(const char *what);

#define G_CALL(fn) (g_at(#fn "()"), fn)

/*
 * A deadline ms milliseconds from now (ipc_deadline_ms()), moved earlier
 * when the test's time limit, cut to its share of the grading's budget,
 * ends sooner: the test then fails saying what it waited for instead of
 * being killed as a hang.
 */
int64_t
g_deadline_ms(int ms);

/* A signal's name, "SIGSEGV" or "SIGRTMIN+2", into buf */
const char *
g_signal_name(int sig, char *buf, size_t size);

/* The likely cause of a death by signal 'sig', in the student's terms:
   ": it went over the file size limit, ..." ("" when none is likely) */
const char *
g_signal_cause(int sig);

/*
 * Gates on the test's own thread (watch.c): a watcher thread of the test's
 * process sends each signal, byte or reader at a known step of the
 * student's code (its thread asleep in a kernel function), never after a
 * delay. The test calls g_watch_start(w, fn, arg), then the student's
 * function, then g_watch_stop(w); fn(w) runs in the watcher, every signal
 * blocked there (they go to the test's thread).
 */
struct g_watch {
    pid_t tid;                  /* the test's thread, watched */
    pthread_t thread;           /* the watcher */
    atomic_bool done;           /* g_watch_stop() was called */
    void (*fn)(struct g_watch *);
    void *arg;                  /* the test's */
};

void
g_watch_start(struct g_watch *w, void (*fn)(struct g_watch *), void *arg);

/* Tell the watcher the student's call returned, and join it */
void
g_watch_stop(struct g_watch *w);

/* True when the test's thread sleeps in a kernel function whose name
   holds 'wchan' ("do_sigtimedwait"; "pipe_write" is "anon_pipe_write"
   for a pipe on newer kernels), or in any when 'wchan' is NULL or the
   kernel does not name it */
bool
g_watch_sleeps(const struct g_watch *w, const char *wchan);

/* In the watcher: wait until cond(w) (when not NULL) holds while the
   test's thread sleeps so; false at once when g_watch_stop() was called */
bool
g_watch_wait(struct g_watch *w, const char *wchan,
             bool (*cond)(struct g_watch *));

/* In the watcher: send 'sig' to the test's thread and wait until its
   handler has set *ran (cleared first); false when it cannot be sent or
   g_watch_stop() was called first */
bool
g_watch_interrupt(struct g_watch *w, int sig, volatile sig_atomic_t *ran);

/* True when 'signo' is in the mask 'field' ("ShdPnd:", "SigBlk:") of
   /proc/PID/status (a thread's id gives that thread's masks) */
bool
g_status_mask(pid_t pid, const char *field, int signo);

/* How many descriptors this process has open: a call that failed must
   leave it as it was (no leaked descriptor). */
int
g_open_fds(void);

/* Fail the test unless this process has 'before' descriptors open, as
   g_open_fds() counted before the student's code ran: 'after' names the
   path the test drove ("a garbage record"), so the leak is named there */
void
g_check_fds(int before, const char *after);

/*
 * The graded program 'name' (for example "ex04-client"): in
 * BUILD/exercises/NN/ for the student's code, BUILD/solutions/NN/ for the
 * reference solution.
 */
const char *
g_prog(const char *name);

/* The directory g_prog() looks in. */
const char *
g_prog_dir(void);

/*
 * Fail the test, saying why, unless traces can be recorded (LTTng's tools
 * installed and the kit built with tracing).
 */
void
g_require_tracing(void);

/*
 * Run 'ipclab-trace check' on trace directory 'dir', scoped to the server
 * g_record_run() started. Fails the test with "ipclab-trace missing" when
 * the tool is not built, with the first violation it reports (and how
 * many there were) when the check fails, and unless exactly 'requests'
 * requests were answered through the server and went to a processing
 * client through FIFO3 (a trace without requests fails).
 */
void
g_trace_check(const char *dir, int requests);

/*
 * A rule of the exercise's README: fail the test, naming the call and
 * 'rule' (why it is not allowed), when the student's object 'object'
 * ("fifoutil.o") calls one of the NULL-terminated 'forbidden' functions.
 */
void
g_rule_symbols(const char *object, const char *const forbidden[],
               const char *rule);

/*
 * The same for words of the C source 'source' ("compute.c"), macros
 * expanded (so a macro cannot hide them): BUILD/.../pre/NAME.i.
 */
void
g_rule_tokens(const char *source, const char *const forbidden[],
              const char *rule);

/*
 * Stop the reference server 'srv' (h_server_start) and fail the test
 * unless its "stopped:" line says it answered exactly 'requests'
 * requests: answers a client computed itself do not count.
 */
void
g_server_stop_answered(struct h_server *srv, long requests);

/*
 * Under traces/record.sh, into trace directory 'trace': start 'server'
 * (argv without --dir; it must print "ready: DIR"), run 'clients'
 * clients at once, client i as 'client' + "--dir DIR --file rcI.in",
 * its stdout into rcI.out (both in h_tmpdir()), then stop the server
 * with SIGINT. The caller writes the rcI.in files first. Returns 0 when
 * every client and the server exited 0; the failure otherwise, in
 * words, in 'why' (size bytes). The server's output is in srv.out.
 */
int
g_record_run(const char *trace, const char *const server[],
             const char *const client[], int clients, char *why,
             size_t size);

/*
 * The text of file 'path' with at most 'max' characters, newlines turned
 * into " | ", for failure messages. The text stays valid until the test
 * process ends (h_keep()).
 */
const char *
g_snippet(const char *path, size_t max);

/*
 * Run the reference 'ipclab-rc --dir DIR --timeout TIMEOUT_MS A OP B'
 * (bounded at 30 s) and fail the test, saying what it printed instead,
 * unless its stdout is exactly 'want' ("6 * 7 = 42\n").
 */
void
g_expect_rc(const char *dir, const char *a, const char *op, const char *b,
            const char *want, int timeout_ms);

#endif /* IPCLAB_GRADE_H */
