/*
 * tests/lib/harness.h - running the kit's real programs from Check tests.
 *
 * Integration tests fork+exec the real binaries (build/bin/...) as real
 * processes, the way a student runs them. Everything here waits on a
 * condition with a bound (a line on a pipe, a process exit), never on a
 * sleep, and kills what it started when the bound runs out, so a broken
 * program fails its test instead of hanging the suite.
 *
 * Children are started with every signal at its default action and an
 * empty signal mask (Check's runner may have changed them), in the test's
 * process group, so Check's timeout kill reaches them too.
 *
 *     struct h_server srv;
 *     h_server_start(&srv, h_tmpdir_path("run"), NULL);
 *     int status = h_run((const char *[]){ h_bin("ipclab-rc"), "--dir",
 *                        srv.dir, "6", "*", "7", NULL }, NULL, out, NULL,
 *                        10000);
 *     h_server_stop(&srv, 10000, NULL, 0);
 */
#ifndef IPCLAB_TEST_HARNESS_H
#define IPCLAB_TEST_HARNESS_H

#include <check.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Call first thing in every runner's main(). It registers lttng-ust's fork
 * handlers (Check forks each test without exec; without them a test can
 * hang in exit() on a lock an lttng-ust thread held at fork time), and it
 * takes the user's kit lock for the life of this process, waiting for it
 * (and saying for whom) if a recording, grading or other test program of
 * the same user holds it. The lock is per user, in the directory that
 * scripts/lib/lock.sh chooses ($IPCLAB_LOCK_DIR, $XDG_RUNTIME_DIR/ipclab
 * or /tmp/ipclab-UID, checked like a runtime directory: rundir.h). It
 * matters because integration tests start real servers and record their
 * processes. scripts/run-tests.sh takes the lock for a whole run and sets
 * IPCLAB_TESTS_LOCKED=1, which skips it.
 */
void
h_lock_machine(void);

/*
 * The main() of a test program that starts the kit's programs: names it
 * for messages (ipc_set_progname(argv0)), takes the lock
 * (h_lock_machine()), then runs the suites that the NULL-ended make[]
 * builds, in order. Returns EXIT_SUCCESS when every test passed.
 *
 *     return h_main(argv[0], (h_suite_fn *[]){ shared_suite, NULL });
 */
typedef Suite *h_suite_fn(void);

int
h_main(const char *argv0, h_suite_fn *const make[]);

/*
 * A test that cannot run here: h_skip("no clang in PATH") prints
 * "SKIP: TCASE: reason", appends the same line to the file named by
 * $IPCLAB_SKIP_FILE (scripts/run-tests.sh counts them, and never as
 * passes), and returns from the test. Use it only in a test's body.
 */
#define h_skip(...) \
    do { \
        h_skip_note(__VA_ARGS__); \
        return; \
    } while (0)

void
h_skip_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A directory that belongs to another user, for tests of ownership
 * checks: as root, a fresh one in the test's temporary directory chowned
 * to nobody (65534); otherwise '/', which is root's.
 */
const char *
h_foreign_dir(void);

/*
 * A copy of 'text' that lives as long as the test process: the same text
 * gives the same copy, so no later call overwrites what a test still holds.
 */
const char *
h_keep(const char *text);

/*
 * Absolute path of program 'name' in the build's bin/ directory. Like
 * h_tmpdir_path(), it stays valid for the life of the test process.
 */
const char *
h_bin(const char *name);

/*
 * Absolute path of the build directory (BUILD: this test program is
 * BUILD/tests/NAME), valid for the life of the test process.
 */
const char *
h_build_dir(void);

/* Absolute path of the source tree's root (where the Makefile is). */
const char *
h_srcdir(void);

/*
 * The name of this build's directory in the source tree: "build", or what
 * BUILD= chose. A test that copies the tree runs the copy's BUILD/bin.
 */
const char *
h_build_name(void);

/*
 * Temporary files. h_tmpdir_init() makes a base directory: call it from an
 * unchecked setup, and h_tmpdir_cleanup() from the unchecked teardown, which
 * runs in the runner even when a test fails. h_tmpdir() is a fresh
 * directory inside it for the current test process; h_tmpdir_path() joins
 * a name onto it (the same name, the same string, valid until the process
 * ends: no call overwrites another's).
 */
void
h_tmpdir_init(void);

const char *
h_tmpdir(void);

const char *
h_tmpdir_path(const char *name);

void
h_tmpdir_cleanup(void);

/*
 * A test case named 'name' added to suite s, with the temporary directory
 * fixture above and a timeout of timeout_s seconds (0: Check's default).
 */
TCase *
h_tcase(Suite *s, const char *name, int timeout_s);

/*
 * Wait up to timeout_ms for process pid (any process, not only a child) to
 * end. Returns true when it is gone.
 */
bool
h_wait_gone(pid_t pid, int timeout_ms);

/*
 * Wait up to timeout_ms for file 'path' (absolute) to hold 'needle',
 * woken by every change in its directory (inotify(7)), or until process
 * 'writer' (when > 0) has ended without writing it. Returns the file's
 * text (malloc'd) when it holds needle, else NULL.
 */
char *
h_wait_for_text(const char *path, const char *needle, pid_t writer,
                int timeout_ms);

/* rm -rf 'path' (no shell). */
void
h_rmtree(const char *path);

/*
 * Start argv[0] with stdin, stdout and stderr redirected from/to the named
 * files (NULL: /dev/null for stdin, inherited for the others). Returns the
 * pid; the test fails on error.
 */
pid_t
h_spawn(const char *const argv[], const char *in, const char *out,
        const char *err);

/* h_spawn() with the signals of 'blocked' blocked in the child from its
   start (h_spawn: none) */
pid_t
h_spawn_blocked(const char *const argv[], const char *in, const char *out,
                const char *err, const sigset_t *blocked);

/*
 * Wait up to timeout_ms for child pid. Returns its exit status, 128 + the
 * signal that killed it, or -1 after the timeout (the child is then
 * killed with SIGKILL and reaped).
 */
int
h_wait(pid_t pid, int timeout_ms);

/* h_spawn() then h_wait(). */
int
h_run(const char *const argv[], const char *in, const char *out,
      const char *err, int timeout_ms);

/* A running ipclab-server */
struct h_server {
    pid_t pid;
    char dir[PATH_MAX];         /* its runtime directory */
    int out_fd;                 /* read end of its stdout */
    char ready_line[PATH_MAX + 16];
};

/*
 * Start ipclab-server --dir DIR plus the NULL-terminated 'extra' options
 * (may be NULL) and wait up to 10 s for its "ready: DIR" line. The test
 * fails if it does not come.
 */
void
h_server_start(struct h_server *s, const char *dir, const char *const extra[]);

/*
 * Start the NULL-terminated command argv, a server on directory 'dir'
 * (ipclab-server, a student's, or a program that runs one), with its
 * stderr into file 'err' (NULL: ours), and wait up to timeout_ms for its
 * "ready: DIR" line (ipc_server_start_err()). Returns true when it came.
 * When status is not NULL and the server ends first, returns false with
 * its exit status in *status. The test fails on anything else, with what
 * the server said on stderr.
 */
bool
h_server_try(struct h_server *s, const char *dir, const char *const argv[],
             const char *err, int timeout_ms, int *status);

/*
 * Send SIGINT, then h_server_wait(): returns the exit status (-1 on
 * timeout, after SIGKILL).
 */
int
h_server_stop(struct h_server *s, int timeout_ms, char *out_tail,
              size_t size);

/*
 * Wait up to timeout_ms for the server to end (stopped by a signal the
 * caller sent) and close its stdout. Returns the exit status (-1 on
 * timeout, after SIGKILL). The rest of its stdout is appended to
 * 'out_tail' when not NULL (size bytes).
 */
int
h_server_wait(struct h_server *s, int timeout_ms, char *out_tail,
              size_t size);

/* The whole content of a file (a /proc one too), NUL-terminated,
   malloc'd; NULL if none. */
char *
h_read_file(const char *path);

/* Write 'text' to 'path' (created or truncated). */
void
h_write_file(const char *path, const char *text);

/* Number of lines of 'text' that contain 'needle'. */
int
h_count_lines(const char *text, const char *needle);

/* Child pids of 'ppid' (from /proc), up to max; returns how many. */
int
h_children(pid_t ppid, pid_t *pids, int max);

/* Pids of the processes (not us) whose command line holds 'text' (from
   /proc), up to max; returns how many. */
int
h_naming(const char *text, pid_t *pids, int max);

/*
 * What process pid is doing, for a failure message: "ipclab-sum, state S,
 * parent 1, waiting in do_sigtimedwait" from /proc, or "gone", into text
 * (size bytes). Returns text.
 */
const char *
h_proc_describe(pid_t pid, char *text, size_t size);

/*
 * True when pid (or a thread id of ours) sleeps in the kernel (state S or
 * D); wchan then holds the kernel function's name, or "" when the kernel
 * does not name it.
 */
bool
h_proc_sleeping(pid_t pid, char *wchan, size_t size);

/*
 * Field 'name' ("SigBlk:") of /proc/PID/status as a number: the signal
 * masks there are hexadecimal bit sets, bit n-1 for signal n. The test
 * fails when the field is not there.
 */
unsigned long long
h_proc_status_mask(pid_t pid, const char *name);

/* True when LTTng's tools are installed and the kit was built traced. */
bool
h_tracing_available(void);

/*
 * Record argv under traces/record.sh into trace directory 'trace_dir',
 * with larger buffers than LTTng's default (IPCLAB_RECORD_BUFFERS, when
 * set, chooses). Returns argv's exit status, as h_run() does.
 */
int
h_record(const char *trace_dir, const char *const argv[], const char *out,
         int timeout_ms);

#endif /* IPCLAB_TEST_HARNESS_H */
