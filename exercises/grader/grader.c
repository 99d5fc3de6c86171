/*
 * exercises/grader/grader.c - the main() of every exercise's grading
 * program, and the helpers of grade.h.
 *
 * One program per exercise and target (BUILD/grade/NN for the student's
 * code, BUILD/grade/NN-solution for the reference solution) holds that
 * exercise's graded tests, which registered themselves with GRADE_TEST().
 * scripts/grade.sh asks it for the list, then runs one test per
 * invocation: a test that crashes or hangs takes down its own forked
 * child (killed at the test's timeout), never the run.
 *
 * Run by hand:
 *   BUILD/grade/03 --list            what is graded, with points
 *   BUILD/grade/03 compute_div       one test: "PASS" or "FAIL: reason"
 *   BUILD/grade/03                   every test, one verdict each
 *   GRADE_KEEP=1 BUILD/grade/03 X    keep the test's temporary files
 *
 * A test's verdict is the collector's (this process, which forks the
 * test's process and waits for it with the test's timeout), never its
 * output: PASS only when that process exited 0 after Check saw the test
 * pass AND the body reached g_test_end() with this run's secret, through
 * memory shared with the collector and closed while the student's code
 * runs (verdict_write()). The verdict goes to $GRADE_VERDICT_FD or, by
 * hand, to stdout; sandbox.c limits the test and ends what it leaves.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "grade.h"
#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "ipclab/proc.h"
#include "sandbox.h"


static struct g_test *tests;    /* registered, in file order */

void
g_register(struct g_test *t)
{
    struct g_test **at = &tests;
    int c;

    while (*at != NULL && ((c = strcmp((*at)->file, t->file)) < 0 ||
                           (c == 0 && (*at)->line < t->line)))
        at = &(*at)->next;
    t->next = *at;
    *at = t;
}

/* ---- what the test's process tells the collector ------------------------ */

/* Shared with the test's process (MAP_SHARED, made before it forks),
   closed to it but in verdict_write() */
struct g_shared {
    uint64_t secret;            /* this run's, chosen by the collector */
    uint64_t done;              /* the secret, once the body has ended */
    pid_t pid;                  /* the test's process */
};

/* Shared too, always open: nothing in it makes a PASS alone */
struct g_info {
    char at[96];                /* the student's function last called */
    int reported;               /* Check's result is below */
    int rtype;                  /* CK_PASS, CK_FAILURE, CK_ERROR */
    char msg[512];              /* a failure's message */
};

static struct g_shared *shared;
static struct g_info *info;
static const struct g_test *current;    /* the test being run */

/*
 * In the test's process, the shared page is readable and writable only
 * while verdict_write() uses it: the student's code, which runs in the
 * same process, finds it closed (PROT_NONE), so it can neither read the
 * secret nor write a verdict. Opening it again takes mprotect(), which
 * grade.sh does not allow in a student's object (nor one of its own).
 */
static void
shared_access(bool open)
{
    if (shared != NULL &&
        mprotect(shared, sizeof(*shared),
                 open ? PROT_READ | PROT_WRITE : PROT_NONE) == -1)
        ipc_die("mprotect");
}

static pid_t test_pid;           /* the test's process, set as it begins */

/* The threads of this process, by id, when the test began */
static pid_t threads_before[64];
static int threads_count;

/* Into 'ids' the ids of this process's threads (at most 'max'): how
   many, or -1 when /proc/self/task cannot be read */
static int
threads_list(pid_t *ids, int max)
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    int n = 0;

    if (d == NULL)
        return -1;
    while (n < max && (e = readdir(d)) != NULL) {
        pid_t tid = (pid_t)atoi(e->d_name);

        if (tid > 0)
            ids[n++] = tid;
    }
    closedir(d);
    return n;
}

/* The first thread that was not there when the test began (0: none,
   -1: unknown) */
static pid_t
thread_started(void)
{
    pid_t now[128];
    int n = threads_list(now, 128);

    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        bool known = false;

        for (int j = 0; j < threads_count; j++)
            known = known || threads_before[j] == now[i];
        if (!known)
            return now[i];
    }
    return 0;
}

/*
 * Write the secret into the shared page: with every signal blocked (no
 * handler of the student's runs meanwhile) and only when no thread the
 * test's code started is left (none can read the page while it is open).
 * Returns the thread found instead (0 when written).
 */
static pid_t
verdict_write(void)
{
    sigset_t all, old;
    pid_t extra;

    sigfillset(&all);
    if (sigprocmask(SIG_BLOCK, &all, &old) == -1)
        ipc_die("sigprocmask");
    extra = thread_started();
    if (extra == 0) {
        shared_access(true);
        shared->done = shared->secret;
        shared_access(false);
    }
    if (sigprocmask(SIG_SETMASK, &old, NULL) == -1)
        ipc_die("sigprocmask");
    return extra;
}

void
g_test_begin(void)
{
    test_pid = getpid();
    if (shared != NULL)
        shared->pid = test_pid;
    threads_count = threads_list(threads_before, 64);
    (void)h_srcdir();           /* found while /proc/self is still ours */
    sb_enter(current != NULL ? sb_timeout(current->timeout_s) : 60);
    shared_access(false);
}

void
g_test_end(void)
{
    pid_t extra;

    /* only the test's own process, not a child that returned here */
    if (shared == NULL || getpid() != test_pid)
        return;
    extra = verdict_write();
    ck_assert_msg(extra == 0, "a thread your code started (id %d) still "
                  "runs at the test's end: end and join every thread you "
                  "start before your function returns", (int)extra);
}

int64_t
g_deadline_ms(int ms)
{
    /* the limit less what start-up and the verdict may take */
    int limit_ms = 1000 * sb_timeout(current != NULL ? current->timeout_s
                                                     : 60) - 2000;

    return ipc_deadline_ms(limit_ms > 0 && limit_ms < ms ? limit_ms : ms);
}

void
g_at(const char *what)
{
    if (info == NULL)
        return;
    snprintf(info->at, sizeof(info->at), "%s", what);
}

/* ---- helpers for tests -------------------------------------------------- */

/* Our own path, BUILD/grade/NN[-solution] */
static const char *
self_path(void)
{
    static char path[PATH_MAX];
    ssize_t n;

    if (path[0] != '\0')
        return path;
    n = readlink("/proc/self/exe", path, sizeof(path) - 1);
    if (n <= 0)
        ipc_die("cannot read /proc/self/exe");
    path[n] = '\0';
    return path;
}

const char *
g_prog_dir(void)
{
    static char dir[PATH_MAX];
    const char *name;
    char build[PATH_MAX];

    if (dir[0] != '\0')
        return dir;
    /* BUILD/grade/NN[-solution] --> BUILD/{exercises,solutions}/NN */
    snprintf(build, sizeof(build), "%s", self_path());
    *strrchr(build, '/') = '\0';
    name = strrchr(self_path(), '/') + 1;
    snprintf(dir, sizeof(dir), "%.*s/%s/%.2s",
             (int)(strrchr(build, '/') - build), build,
             strstr(name, "-solution") != NULL ? "solutions" : "exercises",
             name);
    return dir;
}

const char *
g_prog(const char *name)
{
    char path[PATH_MAX * 2];

    snprintf(path, sizeof(path), "%s/%s", g_prog_dir(), name);
    return h_keep(path);
}

void
g_require_tracing(void)
{
    ck_assert_msg(h_tracing_available(),
                  "cannot record a trace: LTTng is not installed or the "
                  "kit was built with TRACING=0 (make deps)");
}

int
g_open_fds(void)
{
    int n = 0;

    for (int fd = 0; fd < 1024; fd++)
        if (fcntl(fd, F_GETFD) != -1)
            n++;
    return n;
}

void
g_check_fds(int before, const char *after)
{
    int now = g_open_fds();

    ck_assert_msg(now == before, "after %s, this process has %d "
                  "descriptors open, %d before: your code leaked %s "
                  "(an open(), dup(), pipe()... never closed): close every "
                  "descriptor you open, on every path", after, now, before,
                  now > before ? "one" : "or closed one not its own");
}

const char *
g_snippet(const char *path, size_t max)
{
    char buf[512];
    char *text = h_read_file(path);
    size_t n = 0;

    if (max >= sizeof(buf))
        max = sizeof(buf) - 1;
    if (text == NULL)
        return "(no output)";
    for (const char *p = text; *p != '\0' && n + 4 < max; p++) {
        if (*p == '\n') {
            if (p[1] != '\0') {
                memcpy(buf + n, " | ", 3);
                n += 3;
            }
        } else {
            buf[n++] = (*p >= 32 && *p < 127) ? *p : '?';
        }
    }
    buf[n] = '\0';
    free(text);
    return n > 0 ? h_keep(buf) : "(no output)";
}

/* The number after 'key' in file 'path', or -1 */
static long
number_after(const char *path, const char *key)
{
    char *text = h_read_file(path);
    const char *p = text != NULL ? strstr(text, key) : NULL;
    long n = p != NULL ? strtol(p + strlen(key), NULL, 10) : -1;

    free(text);
    return n;
}

/* ipclab-trace COMMAND [--server PID] DIR into OUT and ERR: its status */
static int
trace_tool(const char *command, const char *dir, const char *out,
           const char *err)
{
    const char *tool = h_bin("ipclab-trace");
    char *pid = h_read_file(h_tmpdir_path("srv.pid"));
    int status;

    if (pid != NULL)
        pid[strcspn(pid, "\n")] = '\0';
    ck_assert_msg(access(tool, X_OK) == 0,
                  "ipclab-trace missing: '%s' is not built, so the protocol "
                  "check cannot run", tool);
    /* only the recorded server's system: not what else ran meanwhile */
    if (pid != NULL && pid[0] != '\0')
        status = h_run((const char *[]){ tool, command, "--server", pid,
                       dir, NULL }, NULL, out, err, 60000);
    else
        status = h_run((const char *[]){ tool, command, dir, NULL }, NULL,
                       out, err, 60000);
    free(pid);
    return status;
}

void
g_trace_check(const char *dir, int requests)
{
    char out[PATH_MAX], err[PATH_MAX];
    char *text, *eol;
    int status, lines;
    long answered, hops;

    snprintf(out, sizeof(out), "%s/trace-check.out", h_tmpdir());
    snprintf(err, sizeof(err), "%s/trace-check.err", h_tmpdir());
    status = trace_tool("check", dir, out, err);
    if (status == 0) {
        /* the protocol held: for the requests the workload sent? */
        answered = number_after(out, "protocol ok: ");
        ck_assert_msg(answered == requests, "the trace shows %ld requests "
                      "answered through the server, but the clients were "
                      "given %d: answers that did not come through the "
                      "server's FIFOs do not count", answered, requests);
        status = trace_tool("stats", dir, out, err);
        hops = number_after(out, "FIFO3 write -> worker read");
        ck_assert_msg(status == 0 && hops == requests, "only %ld of the %d "
                      "requests went to a processing client through FIFO3: "
                      "the others were computed elsewhere", hops < 0 ? 0 :
                      hops, requests);
        return;
    }
    text = h_read_file(out);
    lines = h_count_lines(text, "");
    if (text == NULL || text[0] == '\0') {
        free(text);
        text = h_read_file(err);
        lines = h_count_lines(text, "");
    }
    if (text != NULL && (eol = strchr(text, '\n')) != NULL)
        *eol = '\0';
    fprintf(stderr, "ipclab-trace check %s: exit %d\n%s\n", dir, status,
            g_snippet(out, 500));
    ck_abort_msg("protocol check failed (exit %d, %d line%s): %s", status,
                 lines, lines == 1 ? "" : "s",
                 text != NULL && text[0] != '\0' ? text : "(no output)");
}

void
g_server_stop_answered(struct h_server *srv, long requests)
{
    char tail[4096] = "";
    const char *p;
    long answered;
    int status = h_server_stop(srv, 10000, tail, sizeof(tail));

    p = strstr(tail, "stopped: ");
    answered = p != NULL ? strtol(p + 9, NULL, 10) : -1;
    ck_assert_msg(status == 0 && answered >= 0, "the reference server did "
                  "not stop cleanly (status %d)", status);
    ck_assert_msg(answered == requests, "the server answered %ld requests, "
                  "but %ld answers were expected from it: answers that did "
                  "not come from the server do not count", answered,
                  requests);
}

void
g_rule_symbols(const char *object, const char *const forbidden[],
               const char *rule)
{
    char path[PATH_MAX * 2], out[PATH_MAX];
    char *text, *line;
    int status;

    snprintf(path, sizeof(path), "%s/obj/%s", g_prog_dir(), object);
    snprintf(out, sizeof(out), "%s/nm.out", h_tmpdir());
    status = h_run((const char *[]){ "/usr/bin/nm", "-u", path, NULL }, NULL,
                   out, NULL, 30000);
    ck_assert_msg(status == 0, "grader: nm -u %s failed (exit %d)", path,
                  status);
    text = h_read_file(out);
    for (line = text != NULL ? strtok(text, "\n") : NULL; line != NULL;
         line = strtok(NULL, "\n")) {
        const char *sym = strrchr(line, ' ');

        sym = sym != NULL ? sym + 1 : line;
        for (int i = 0; forbidden[i] != NULL; i++)
            ck_assert_msg(strcmp(sym, forbidden[i]) != 0, "%s calls %s(): "
                          "%s", object, sym, rule);
    }
    free(text);
}

void
g_rule_tokens(const char *source, const char *const forbidden[],
              const char *rule)
{
    char path[PATH_MAX * 2], base[256];
    char *text, *line;
    bool ours = false;

    snprintf(base, sizeof(base), "%s", source);
    *strrchr(base, '.') = '\0';
    snprintf(path, sizeof(path), "%s/pre/%s.i", g_prog_dir(), base);
    text = h_read_file(path);
    ck_assert_msg(text != NULL, "grader: no preprocessed %s (%s)", source,
                  path);
    /* only the lines of the source itself, macros expanded: the
       linemarkers say which file each line comes from */
    for (line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (line[0] == '#') {
            char *q = strchr(line, '"'), *end, *slash;

            end = q != NULL ? strchr(q + 1, '"') : NULL;
            if (end != NULL) {
                *end = '\0';
                slash = strrchr(q + 1, '/');
                ours = strcmp(slash != NULL ? slash + 1 : q + 1, source) == 0;
            }
            continue;
        }
        if (!ours)
            continue;
        for (int i = 0; forbidden[i] != NULL; i++)
            ck_assert_msg(strstr(line, forbidden[i]) == NULL, "%s uses %s: "
                          "%s", source, forbidden[i], rule);
    }
    free(text);
}

/* Append ' WORD' to buf, single-quoted for sh (paths have no quote). */
static void
sh_word(char *buf, size_t size, const char *word)
{
    size_t n = strlen(buf);

    ck_assert_msg(strchr(word, '\'') == NULL, "quote in '%s'", word);
    ck_assert_int_lt(snprintf(buf + n, size - n, " '%s'", word),
                     (int)(size - n));
}

int
g_record_run(const char *trace, const char *const server[],
             const char *const client[], int clients, char *why,
             size_t size)
{
    char script[16384];
    const char *tmp = h_tmpdir();
    char path[PATH_MAX + 16], cmd[4096];
    int status;

    snprintf(script, sizeof(script),
             "#!/bin/sh\n"
             "# a server and %d clients, recorded by the grader\n"
             "cd '%s' || exit 1\n"
             ". '%s/scripts/lib/server.sh'\n"
             "D='%s/run'\n", clients, tmp, h_srcdir(), tmp);
    cmd[0] = '\0';
    for (int i = 0; server[i] != NULL; i++)
        sh_word(cmd, sizeof(cmd), server[i]);
    /* start_server waits for the "ready:" line (scripts/lib/server.sh) */
    snprintf(script + strlen(script), sizeof(script) - strlen(script),
             "start_server . srv.out srv.err %s --dir \"$D\" || "
             "{ echo 'the server did not start:' $(head -n 2 srv.err);"
             " exit 3; }\n"
             "srv=$server_pid\n"
             "echo $srv > srv.pid\n"
             "pids=''\n", cmd);
    cmd[0] = '\0';
    for (int i = 0; client[i] != NULL; i++)
        sh_word(cmd, sizeof(cmd), client[i]);
    for (int c = 0; c < clients; c++)
        snprintf(script + strlen(script), sizeof(script) - strlen(script),
                 "%s --dir \"$D\" --file rc%d.in > rc%d.out 2> rc%d.err &\n"
                 "pids=\"$pids $!\"\n", cmd, c, c, c);
    snprintf(script + strlen(script), sizeof(script) - strlen(script),
             "bad=0 codes=''\n"
             "for p in $pids; do\n"
             "  wait $p; s=$?\n"
             "  [ $s = 0 ] || { bad=$((bad + 1)); codes=\"$codes $s\"; }\n"
             "done\n"
             "kill -INT $srv\n"
             "wait $srv; st=$?\n"
             "[ $bad = 0 ] || { echo \"$bad client(s) failed (exit status"
             "$codes):\" "
             "$(cat rc*.err | head -n 2); exit 4; }\n"
             "[ $st = 0 ] || { echo \"the server exited $st after SIGINT:\""
             " $(head -n 2 srv.err); exit 5; }\n"
             "exit 0\n");
    snprintf(path, sizeof(path), "%s/workload.sh", tmp);
    h_write_file(path, script);
    ck_assert_int_eq(chmod(path, 0755), 0);

    status = h_record(trace, (const char *[]){ path, NULL },
                      h_tmpdir_path("workload.out"), 120000);
    if (status != 0) {
        char *text = h_read_file(h_tmpdir_path("workload.out"));
        const char *last = "";

        /* the workload's own words are its last line; record.sh's
           '+ lttng ...' lines come around them */
        for (char *line = text != NULL ? strtok(text, "\n") : NULL;
             line != NULL; line = strtok(NULL, "\n"))
            if (line[0] != '+' && strncmp(line, "trace:", 6) != 0)
                last = line;
        /* the workload's words name the failing process and its status;
           the script's own status says nothing more */
        if (last[0] != '\0')
            snprintf(why, size, "%s", last);
        else
            snprintf(why, size, "the recorded run failed (status %d)",
                     status);
        free(text);
    }
    return status;
}

/* ---- running the tests ----------------------------------------------- */

const char *
g_signal_name(int sig, char *buf, size_t size)
{
    const char *abbrev = sig > 0 && sig < SIGRTMIN ? sigabbrev_np(sig) : NULL;

    if (abbrev != NULL)
        snprintf(buf, size, "SIG%s", abbrev);
    else if (sig >= SIGRTMIN && sig <= SIGRTMAX)
        snprintf(buf, size, "SIGRTMIN+%d", sig - SIGRTMIN);
    else
        snprintf(buf, size, "signal %d", sig);
    return buf;
}

const char *
g_signal_cause(int sig)
{
    return sig == SIGXCPU ? ": out of CPU time (an endless loop?)" :
           sig == SIGXFSZ ? ": it went over the file size limit, writing "
                            "too much to a file or to its output" :
           sig == SIGPIPE ? ": it wrote to a pipe or FIFO that no process "
                            "reads" :
           sig == SIGSEGV ? ": a bad pointer or a stack overflow" : "";
}

/*
 * Why the test's process (child, ended with wait status 'status', or
 * killed at its timeout when 'timed_out') failed, in the student's terms,
 * with where the test was ('at': the student's function last called).
 */
static void
failure_reason(const struct g_test *t, bool timed_out, int status,
               char *why, size_t size)
{
    char in[160] = "", name[32];

    if (info->at[0] != '\0')
        snprintf(in, sizeof(in), " in %.96s (the last of your functions "
                 "the test called)", info->at);
    if (timed_out) {
        snprintf(why, size, "timed out after %d s%s%s",
                 sb_timeout(t->timeout_s), in,
                 in[0] != '\0' ? "" : " (a hang or a lost wake-up?)");
    } else if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);

        snprintf(why, size, "killed by %s%s%s",
                 g_signal_name(sig, name, sizeof(name)), in,
                 g_signal_cause(sig));
    } else if (info->reported == 1 && info->rtype != CK_PASS) {
        snprintf(why, size, "%.*s", (int)sizeof(info->msg), info->msg);
    } else {
        /* ended, or said it passed, without the body reaching its end */
        snprintf(why, size, "exited with status %d%s before the test's end",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1, in);
    }
}

/* In the test's process: the test under Check (no fork: we are the
   fork), its result into the shared memory. Never returns. */
static void
test_process(const struct g_test *t)
{
    Suite *s = suite_create("grade");
    TCase *tc = tcase_create(t->name);
    SRunner *sr;
    TestResult **r;

    _tcase_add_test(tc, *t->test, 0, 0, 0, 1);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_SILENT);
    r = srunner_results(sr);
    info->rtype = tr_rtype(r[0]);
    snprintf(info->msg, sizeof(info->msg), "%s", tr_msg(r[0]));
    info->reported = 1;
    fflush(NULL);
    _exit(0);
}

/* Wait for 'pid' up to 'timeout_s' seconds: its wait status, or -1 (and
   the process killed) at the timeout. SIGCHLD is blocked. */
static int
wait_test(pid_t pid, int timeout_s)
{
    int64_t deadline = ipc_deadline_ms(timeout_s * 1000);
    sigset_t chld;
    int status;

    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    for (;;) {
        pid_t got = waitpid(pid, &status, WNOHANG);
        int ms = ipc_ms_until(deadline);
        struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

        if (got == pid)
            return status;
        if (got == -1 && errno != EINTR)
            ipc_die("waitpid");
        if (ms == 0) {
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
                ;
            return -1;
        }
        /* a child's end, ours or an orphan's (we are their reaper) */
        if (sigtimedwait(&chld, NULL, &ts) == -1 && errno != EAGAIN &&
            errno != EINTR)
            ipc_die("sigtimedwait");
    }
}

/*
 * Run one test in a process of its own; write "PASS" or "FAIL: reason"
 * to 'verdict_fd' (stdout when -1). Returns 0 when the test passed.
 */
static int
run_one(const struct g_test *t, int verdict_fd)
{
    char why[1024] = "", line[sizeof(why) + 8];
    const char *keep = getenv("GRADE_KEEP");
    sigset_t chld, old;
    bool passed;
    int status, len;
    pid_t pid;

    shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
                  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    info = mmap(NULL, sizeof(*info), PROT_READ | PROT_WRITE,
                MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED || info == MAP_FAILED)
        ipc_die("mmap");
    do {
        if (getrandom(&shared->secret, sizeof(shared->secret), 0) !=
            (ssize_t)sizeof(shared->secret))
            ipc_die("getrandom");
    } while (shared->secret == 0);
    current = t;
    (void)g_prog_dir();         /* resolved once, before any switch */
    sb_collector();
    h_tmpdir_init();

    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    if (sigprocmask(SIG_BLOCK, &chld, &old) == -1)
        ipc_die("sigprocmask");
    fflush(NULL);
    pid = fork();
    if (pid == -1)
        ipc_die("fork");
    if (pid == 0) {
        if (sigprocmask(SIG_SETMASK, &old, NULL) == -1)
            _exit(125);
        test_process(t);
    }
    status = wait_test(pid, sb_timeout(t->timeout_s));
    sb_reap();                  /* nothing of the test outlives it */
    if (keep == NULL || strcmp(keep, "1") != 0)
        h_tmpdir_cleanup();

    passed = status != -1 && WIFEXITED(status) &&
             WEXITSTATUS(status) == 0 && info->reported == 1 &&
             info->rtype == CK_PASS && shared->done == shared->secret;
    if (!passed)
        failure_reason(t, status == -1, status, why, sizeof(why));
    len = snprintf(line, sizeof(line), passed ? "PASS\n" : "FAIL: %s\n", why);
    if (len >= (int)sizeof(line)) {         /* cut: still one line */
        len = (int)sizeof(line) - 1;
        line[len - 1] = '\n';
    }
    if (verdict_fd < 0) {
        fputs(line, stdout);
        fflush(stdout);
    } else if (ipc_write_full(verdict_fd, line, (size_t)len) != len) {
        ipc_die("writing the verdict");
    }
    if (munmap(shared, sizeof(*shared)) == -1 ||
        munmap(info, sizeof(*info)) == -1)
        ipc_die("munmap");
    return passed ? 0 : 1;
}

/* $GRADE_VERDICT_FD: the descriptor the verdict goes to, or -1 */
static int
verdict_channel(void)
{
    const char *text = getenv("GRADE_VERDICT_FD");
    char *end;
    long fd;

    if (text == NULL || text[0] == '\0')
        return -1;
    fd = strtol(text, &end, 10);
    if (*end != '\0' || fd < 3 || fd > 1000 || fcntl((int)fd, F_GETFD) == -1)
        ipc_diex("GRADE_VERDICT_FD: '%s' is not an open descriptor", text);
    if (fcntl((int)fd, F_SETFD, FD_CLOEXEC) == -1)
        ipc_die("fcntl");
    return (int)fd;
}

int
main(int argc, char *argv[])
{
    const struct g_test *t;

    ipc_set_progname(argv[0]);
    setvbuf(stdout, NULL, _IOLBF, 0);

    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (t = tests; t != NULL; t = t->next)
            printf("%s\t%d\t%d\t%s\n", t->name, t->points, t->timeout_s,
                   t->desc);
        return 0;
    }
    /* lttng-ust's fork handlers, and the machine-wide lock unless
       scripts/grade.sh holds it (IPCLAB_TESTS_LOCKED=1) */
    h_lock_machine();
    if (argc == 2 && argv[1][0] != '-') {
        int verdict_fd = verdict_channel();

        sb_init(verdict_fd);
        for (t = tests; t != NULL; t = t->next)
            if (strcmp(t->name, argv[1]) == 0)
                return run_one(t, verdict_fd);
        ipc_diex("no test named '%s' (see --list)", argv[1]);
    }
    if (argc == 1) {
        int failed = 0, n = 0;

        sb_init(-1);
        for (t = tests; t != NULL; t = t->next, n++) {
            printf("%s: ", t->name);
            failed += run_one(t, -1);
        }
        printf("%d of %d tests failed\n", failed, n);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    }
    fprintf(stderr, "usage: %s [--list | TEST]\n", ipc_progname());
    return 2;
}

void
g_expect_rc(const char *dir, const char *a, const char *op, const char *b,
            const char *want, int timeout_ms)
{
    const char *out = h_tmpdir_path("rc.out");
    char timeout[16], *got;

    snprintf(timeout, sizeof(timeout), "%d", timeout_ms);
    h_run((const char *[]){ h_bin("ipclab-rc"), "--dir", dir, "--timeout",
          timeout, a, op, b, NULL }, NULL, out, h_tmpdir_path("rc.err"),
          30000);
    got = h_read_file(out);
    ck_assert_msg(got != NULL && strcmp(got, want) == 0, "ipclab-rc %s %s "
                  "%s printed '%s', expected '%.*s' (stderr: %s)", a, op, b,
                  g_snippet(out, 120), (int)strlen(want) - 1, want,
                  g_snippet(h_tmpdir_path("rc.err"), 200));
    free(got);
}
