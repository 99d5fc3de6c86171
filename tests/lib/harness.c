/*
 * tests/lib/harness.c - starting, waiting for and stopping real programs.
 *
 * Used by every Check program that runs the kit's binaries. See harness.h.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "ipclab/err.h"
#include "ipclab/proc.h"
#include "ipclab/rundir.h"
#if IPCLAB_TRACING
#include <dlfcn.h>
#endif

static char tmpdir[PATH_MAX + 16];

#if IPCLAB_TRACING
/*
 * Check forks every test without exec, and the test's exit() then runs
 * lttng-ust's destructors. If one of lttng-ust's threads held its lock at
 * the instant of fork(), the child inherits the lock held by a thread that
 * does not exist in it, and hangs in exit() until Check's timeout. So when
 * the tracer is loaded in this program (IPCLAB_TRACE=1, docs/tracing.md
 * section 7), its documented fork hooks (lttng-ust(3), "fork") run around
 * every fork of the test program: Check's, the tests' and ipc_spawn()'s.
 * The program does not link liblttng-ust: a test nobody records loads no
 * tracer. fork() runs these in the forking thread only (the program's main
 * thread), so one saved mask is enough.
 */
typedef void ust_fork_hook(sigset_t *);
static ust_fork_hook *ust_before, *ust_after_parent, *ust_after_child;
static sigset_t ust_fork_mask;  /* the mask before fork, to restore after */

static void
ust_before_fork(void)
{
    ust_before(&ust_fork_mask);
}

static void
ust_after_fork_parent(void)
{
    ust_after_parent(&ust_fork_mask);
}

static void
ust_after_fork_child(void)
{
    ust_after_child(&ust_fork_mask);
}

/* Register lttng-ust's fork hooks when the tracer is loaded; else none. */
static void
ust_fork_hooks(void)
{
    void *ust = dlopen("liblttng-ust.so.1", RTLD_NOW | RTLD_NOLOAD);

    if (ust == NULL)
        return;                 /* not loaded: nothing to protect */
    *(void **)&ust_before = dlsym(ust, "lttng_ust_before_fork");
    *(void **)&ust_after_parent = dlsym(ust, "lttng_ust_after_fork_parent");
    *(void **)&ust_after_child = dlsym(ust, "lttng_ust_after_fork_child");
    if (ust_before == NULL || ust_after_parent == NULL ||
        ust_after_child == NULL ||
        pthread_atfork(ust_before_fork, ust_after_fork_parent,
                       ust_after_fork_child) != 0) {
        fputs("cannot register lttng-ust's fork handlers\n", stderr);
        exit(EXIT_FAILURE);
    }
}
#endif /* IPCLAB_TRACING */

/* The per-user lock directory, as scripts/lib/lock.sh chooses it */
static void
lock_dir(char *buf, size_t size)
{
    const char *env = getenv("IPCLAB_LOCK_DIR");
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    struct stat st;

    if (env != NULL && env[0] != '\0')
        snprintf(buf, size, "%s", env);
    else if (xdg != NULL && xdg[0] != '\0' && lstat(xdg, &st) == 0 &&
             S_ISDIR(st.st_mode) && st.st_uid == getuid())
        snprintf(buf, size, "%s/ipclab", xdg);
    else
        snprintf(buf, size, "/tmp/ipclab-%ld", (long)getuid());
}

void
h_lock_machine(void)
{
    const char *locked = getenv("IPCLAB_TESTS_LOCKED");
    char dir[PATH_MAX], path[PATH_MAX + 16], holder[128];
    ssize_t n;
    int fd, rc;

#if IPCLAB_TRACING
    ust_fork_hooks();
#endif
    if (locked != NULL && strcmp(locked, "1") == 0)
        return;
    lock_dir(dir, sizeof(dir));
    if (ipc_rundir_prepare(dir) == -1) {
        fprintf(stderr, "cannot keep the test lock in '%s': %s (set "
                "IPCLAB_LOCK_DIR to a directory of yours)\n", dir,
                strerror(errno));
        exit(EXIT_FAILURE);
    }
    snprintf(path, sizeof(path), "%s/kit.lock", dir);
    /* kept open until exit: the lock lives as long as this process */
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd == -1) {
        perror(path);
        exit(EXIT_FAILURE);
    }
    if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
        if (errno != EWOULDBLOCK) {
            perror(path);
            exit(EXIT_FAILURE);
        }
        n = pread(fd, holder, sizeof(holder) - 1, 0);
        holder[n > 0 ? n : 0] = '\0';
        holder[strcspn(holder, "\n")] = '\0';
        /* no holder written yet: only lslocks can name it */
        if (holder[0] != '\0')
            fprintf(stderr, "waiting for %s (it holds %s; see it with: ps "
                    "-o pid,args -p %ld)...\n", holder, path,
                    strtol(holder, NULL, 10));
        else
            fprintf(stderr, "waiting for another run (it holds %s; see it "
                    "with: lslocks -o PID,COMMAND,PATH)...\n", path);
        while ((rc = flock(fd, LOCK_EX)) == -1 && errno == EINTR)
            continue;
        if (rc == -1) {
            perror(path);
            exit(EXIT_FAILURE);
        }
    }
    n = snprintf(holder, sizeof(holder), "%ld %s\n", (long)getpid(),
                 program_invocation_short_name);
    if (ftruncate(fd, 0) == -1 || pwrite(fd, holder, (size_t)n, 0) != n) {
        perror(path);
        exit(EXIT_FAILURE);
    }
    setenv("IPCLAB_TESTS_LOCKED", "1", 1);
}

int
h_main(const char *argv0, h_suite_fn *const make[])
{
    SRunner *sr;
    int failed;

    ipc_set_progname(argv0);
    h_lock_machine();
    sr = srunner_create(make[0]());
    for (int i = 1; make[i] != NULL; i++)
        srunner_add_suite(sr, make[i]());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

void
h_skip_note(const char *fmt, ...)
{
    const char *file = getenv("IPCLAB_SKIP_FILE");
    char reason[512], line[640];
    va_list ap;
    int fd, n;

    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    n = snprintf(line, sizeof(line), "%s: %s\n", tcase_name(), reason);
    if (n >= (int)sizeof(line))
        n = (int)sizeof(line) - 1;
    printf("SKIP: %s", line);
    fflush(stdout);
    if (file == NULL || file[0] == '\0')
        return;
    /* one write with O_APPEND: lines of tests running at once never mix */
    fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    ck_assert_msg(fd != -1, "cannot open IPCLAB_SKIP_FILE '%s': %s", file,
                  strerror(errno));
    ck_assert_int_eq(write(fd, line, (size_t)n), n);
    close(fd);
}

const char *
h_foreign_dir(void)
{
    const char *dir = h_tmpdir_path("foreign");

    if (geteuid() != 0)
        return "/";
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    ck_assert_int_eq(chown(dir, 65534, 65534), 0);      /* nobody */
    return dir;
}

const char *
h_keep(const char *text)
{
    static char *kept[1024];
    static size_t n;

    for (size_t i = 0; i < n; i++)
        if (strcmp(kept[i], text) == 0)
            return kept[i];
    ck_assert_msg(n < sizeof(kept) / sizeof(kept[0]), "more than %zu "
                  "paths in one test process", n);
    kept[n] = strdup(text);
    ck_assert_ptr_nonnull(kept[n]);
    return kept[n++];
}

const char *
h_build_dir(void)
{
    char dir[PATH_MAX];
    char *slash;

    /* this test program lives in BUILD/tests/ */
    ck_assert_int_eq(ipc_exe_dir(dir, sizeof(dir)), 0);
    slash = strrchr(dir, '/');
    ck_assert_ptr_nonnull(slash);
    *slash = '\0';
    return h_keep(dir);
}

const char *
h_bin(const char *name)
{
    char path[PATH_MAX];

    snprintf(path, sizeof(path), "%s/bin/%s", h_build_dir(), name);
    return h_keep(path);
}

const char *
h_srcdir(void)
{
    char dir[PATH_MAX];
    char *slash;

    /* BUILD is a directory of the source tree: its parent is the root */
    ck_assert_ptr_nonnull(realpath(h_build_dir(), dir));
    slash = strrchr(dir, '/');
    ck_assert_ptr_nonnull(slash);
    *slash = '\0';
    return h_keep(dir);
}

const char *
h_build_name(void)
{
    const char *dir = h_build_dir();
    const char *slash = strrchr(dir, '/');

    return slash != NULL ? slash + 1 : dir;
}

/*
 * Two levels, because Check runs each test in a forked child: the base
 * directory is made in the runner process (unchecked fixture) so that its
 * teardown can remove it even after a failed test; each test process then
 * makes its own directory inside it on first use.
 */
static char basedir[PATH_MAX];

/* The environment entry that marks what a recording started (h_record) */
#define IPCLAB_RECORD_MARK "IPCLAB_RECORD_OWNER"
/* How long record.sh may take to end its session once its command is gone */
#define IPCLAB_RECORD_END_MS 30000
static void
end_marked(const char *mark, pid_t recorder);
static pid_t tmpdir_owner;

void
h_tmpdir_init(void)
{
    const char *base = getenv("TMPDIR");

    snprintf(basedir, sizeof(basedir), "%s/ipclab-test.XXXXXX",
             base != NULL && base[0] != '\0' ? base : "/tmp");
    if (mkdtemp(basedir) == NULL) {
        perror("mkdtemp");
        exit(EXIT_FAILURE);
    }
}

const char *
h_tmpdir(void)
{
    if (tmpdir_owner != getpid()) {
        if (basedir[0] == '\0')
            h_tmpdir_init();    /* no unchecked fixture: still works */
        snprintf(tmpdir, sizeof(tmpdir), "%s/test.XXXXXX", basedir);
        ck_assert_ptr_nonnull(mkdtemp(tmpdir));
        tmpdir_owner = getpid();
    }
    return tmpdir;
}

const char *
h_tmpdir_path(const char *name)
{
    char path[sizeof(tmpdir) + NAME_MAX + 1];

    snprintf(path, sizeof(path), "%s/%s", h_tmpdir(), name);
    return h_keep(path);
}

TCase *
h_tcase(Suite *s, const char *name, int timeout_s)
{
    TCase *tc = tcase_create(name);

    tcase_add_unchecked_fixture(tc, h_tmpdir_init, h_tmpdir_cleanup);
    if (timeout_s > 0)
        tcase_set_timeout(tc, timeout_s);
    suite_add_tcase(s, tc);
    return tc;
}

void
h_rmtree(const char *path)
{
    if (ipc_remove_tree(path) == -1)
        ipc_warn("cannot remove '%s'", path);
}

void
h_tmpdir_cleanup(void)
{
    char mark[PATH_MAX + 32];

    if (basedir[0] != '\0') {
        /* a recording of a test killed at its timeout (h_record) */
        snprintf(mark, sizeof(mark), "%s=%s/", IPCLAB_RECORD_MARK, basedir);
        end_marked(mark, 0);
        h_rmtree(basedir);
    }
    basedir[0] = '\0';
    tmpdir_owner = 0;
}

bool
h_wait_gone(pid_t pid, int timeout_ms)
{
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    struct pollfd p = { .fd = pidfd, .events = POLLIN };
    int n;

    if (pidfd == -1)
        return errno == ESRCH;  /* already gone */
    do
        n = poll(&p, 1, timeout_ms);
    while (n == -1 && errno == EINTR);
    close(pidfd);
    return n == 1;
}

char *
h_wait_for_text(const char *path, const char *needle, pid_t writer,
                int timeout_ms)
{
    int64_t deadline = ipc_deadline_ms(timeout_ms);
    int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
                           { .fd = -1, .events = POLLIN } };
    char dir[PATH_MAX], *slash, *text;
    bool ended = false;

    ck_assert_msg(fd != -1, "inotify_init1: %s", strerror(errno));
    snprintf(dir, sizeof(dir), "%s", path);
    slash = strrchr(dir, '/');
    ck_assert_msg(slash != NULL && slash != dir, "'%s': not an absolute "
                  "path below /", path);
    *slash = '\0';
    /* watch first, then look: a change in between is not missed */
    ck_assert_msg(inotify_add_watch(fd, dir, IN_CREATE | IN_MODIFY |
                                    IN_MOVED_TO) != -1,
                  "inotify_add_watch %s: %s", dir, strerror(errno));
    if (writer > 0) {
        p[1].fd = (int)syscall(SYS_pidfd_open, writer, 0);
        ck_assert_msg(p[1].fd != -1 || errno == ESRCH, "pidfd_open %d: %s",
                      (int)writer, strerror(errno));
        ended = p[1].fd == -1;
    }
    /* a last look after the writer ended: what it wrote before is there */
    while ((text = h_read_file(path)) == NULL ||
           strstr(text, needle) == NULL) {
        char events[4096];
        int n;

        free(text);
        text = NULL;
        if (ended)
            break;
        n = poll(p, 2, ipc_ms_until(deadline));
        ck_assert_msg(n != -1 || errno == EINTR, "poll: %s",
                      strerror(errno));
        if (n == 0)
            break;              /* out of time */
        while (read(fd, events, sizeof(events)) > 0)
            ;                   /* what changed does not matter: look */
        ended = p[1].revents != 0;
    }
    close(fd);
    if (p[1].fd != -1)
        close(p[1].fd);
    return text;
}

/* In the child: point fd at 'path' opened with 'flags', or die. */
static void
redirect(int fd, const char *path, int flags)
{
    int f = open(path, flags, 0644);

    if (f == -1 || dup2(f, fd) == -1)
        _exit(126);
    close(f);
}

/* Undo what Check's runner may have changed, block 'blocked', exec. */
static void
exec_child(const char *const argv[], const sigset_t *blocked)
{
    ipc_child_default_signals(blocked);
    execv(argv[0], (char *const *)argv);
    _exit(127);
}

pid_t
h_spawn(const char *const argv[], const char *in, const char *out,
        const char *err)
{
    sigset_t none;

    sigemptyset(&none);
    return h_spawn_blocked(argv, in, out, err, &none);
}

pid_t
h_spawn_blocked(const char *const argv[], const char *in, const char *out,
                const char *err, const sigset_t *blocked)
{
    pid_t pid;

    fflush(NULL);
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        redirect(STDIN_FILENO, in != NULL ? in : "/dev/null", O_RDONLY);
        if (out != NULL)
            redirect(STDOUT_FILENO, out, O_WRONLY | O_CREAT | O_TRUNC);
        if (err != NULL)
            redirect(STDERR_FILENO, err, O_WRONLY | O_CREAT | O_TRUNC);
        exec_child(argv, blocked);
    }
    return pid;
}

int
h_wait(pid_t pid, int timeout_ms)
{
    int code;

    if (ipc_wait_or_kill_untraced(pid, timeout_ms, &code) == 0)
        return code;
    /* out of time: killed and reaped, so the test fails, never hangs */
    ck_assert_msg(errno == ETIMEDOUT, "cannot wait for %ld: %s", (long)pid,
                  strerror(errno));
    return -1;
}

int
h_run(const char *const argv[], const char *in, const char *out,
      const char *err, int timeout_ms)
{
    return h_wait(h_spawn(argv, in, out, err), timeout_ms);
}

bool
h_server_try(struct h_server *s, const char *dir, const char *const argv[],
             const char *err, int timeout_ms, int *status)
{
    char expect[PATH_MAX + 16], said[256] = "";
    int fd = -1, saved_errno;

    memset(s, 0, sizeof(*s));
    snprintf(s->dir, sizeof(s->dir), "%s", dir);
    if (err != NULL) {
        fd = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        ck_assert_msg(fd != -1, "cannot create '%s': %s", err,
                      strerror(errno));
    }
    fflush(NULL);
    s->pid = ipc_server_start_err((char *const *)argv, fd,
                                  ipc_deadline_ms(timeout_ms), &s->out_fd,
                                  s->ready_line, sizeof(s->ready_line),
                                  status);
    saved_errno = errno;
    if (fd != -1)
        close(fd);
    if (s->pid == -1 && saved_errno == ESRCH && status != NULL)
        return false;
    if (s->pid == -1 && err != NULL) {
        char *text = h_read_file(err);

        snprintf(said, sizeof(said), " (stderr: %.200s)",
                 text != NULL ? text : "");
        free(text);
    }
    ck_assert_msg(s->pid != -1, "%s did not print 'ready: %s': %s%s",
                  argv[0], dir, ipc_errno_name(saved_errno), said);
    snprintf(expect, sizeof(expect), "ready: %s", dir);
    ck_assert_str_eq(s->ready_line, expect);
    return true;
}

void
h_server_start(struct h_server *s, const char *dir, const char *const extra[])
{
    const char *argv[32] = { h_bin("ipclab-server"), "--dir", dir };
    int n = 3;

    for (int i = 0; extra != NULL && extra[i] != NULL && n < 31; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    h_server_try(s, dir, argv, NULL, 10000, NULL);
}

int
h_server_stop(struct h_server *s, int timeout_ms, char *out_tail,
              size_t size)
{
    if (s->pid <= 0)
        return -1;
    kill(s->pid, SIGINT);
    return h_server_wait(s, timeout_ms, out_tail, size);
}

int
h_server_wait(struct h_server *s, int timeout_ms, char *out_tail,
              size_t size)
{
    int status;
    size_t n = 0;

    if (s->pid <= 0)
        return -1;
    status = h_wait(s->pid, timeout_ms);
    s->pid = 0;
    if (out_tail != NULL && size > 0) {
        ssize_t r;

        /* the server has exited: its stdout is complete, read won't block */
        while (n + 1 < size &&
               (r = read(s->out_fd, out_tail + n, size - 1 - n)) > 0)
            n += (size_t)r;
        out_tail[n] = '\0';
    }
    close(s->out_fd);
    return status;
}

char *
h_read_file(const char *path)
{
    FILE *f = fopen(path, "re");
    char *text = NULL;
    size_t len = 0, size = 0, n;

    if (f == NULL)
        return NULL;
    /* until EOF: a /proc file's size says 0 whatever it holds */
    do {
        if (size - len < 4096) {
            size = 2 * size + 4096;
            text = realloc(text, size);
            ck_assert_ptr_nonnull(text);
        }
        n = fread(text + len, 1, size - len - 1, f);
        len += n;
    } while (n > 0);
    text[len] = '\0';
    fclose(f);
    return text;
}

void
h_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "we");

    ck_assert_msg(f != NULL, "cannot create '%s': %s", path,
                  strerror(errno));
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

int
h_count_lines(const char *text, const char *needle)
{
    int count = 0;

    while (text != NULL && *text != '\0') {
        const char *eol = strchr(text, '\n');
        size_t len = eol != NULL ? (size_t)(eol - text) : strlen(text);
        const char *hit = strstr(text, needle);

        if (hit != NULL && hit < text + len)
            count++;
        text += len + (eol != NULL);
    }
    return count;
}

/*
 * From /proc/PID/stat: the command name into comm, the state letter and
 * the parent's pid. The name is in parentheses and may hold blanks or
 * ')' itself, so the fields after it start after the last ')'. Returns 0,
 * or -1 when pid is gone or the line cannot be read.
 */
static int
proc_stat(long pid, char *comm, size_t size, char *state, int *parent)
{
    char path[64], buf[512], *open_paren, *close_paren;
    int ok;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    if ((f = fopen(path, "re")) == NULL)
        return -1;
    ok = fgets(buf, sizeof(buf), f) != NULL &&
         (open_paren = strchr(buf, '(')) != NULL &&
         (close_paren = strrchr(buf, ')')) != NULL &&
         sscanf(close_paren + 2, "%c %d", state, parent) == 2;
    if (ok)
        snprintf(comm, size, "%.*s", (int)(close_paren - open_paren - 1),
                 open_paren + 1);
    fclose(f);
    return ok ? 0 : -1;
}

/* The processes for which keep(pid, arg) is true, from /proc: at most
   'max' into pids; their number, or -1 (no Check assertion: the teardown
   calls it outside any test) */
static int
proc_select(bool (*keep)(long pid, const void *arg), const void *arg,
            pid_t *pids, int max)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int n = 0;

    if (d == NULL) {
        ipc_warn("cannot list the processes: opendir /proc");
        return -1;
    }
    while ((e = readdir(d)) != NULL && n < max) {
        long pid = strtol(e->d_name, NULL, 10);

        if (pid > 0 && keep(pid, arg))
            pids[n++] = (pid_t)pid;
    }
    closedir(d);
    return n;
}

static bool
is_child(long pid, const void *arg)
{
    char comm[64], state;
    int parent;

    /* a process gone meanwhile is no child */
    return proc_stat(pid, comm, sizeof(comm), &state, &parent) == 0 &&
           parent == *(const pid_t *)arg;
}

int
h_children(pid_t ppid, pid_t *pids, int max)
{
    int n = proc_select(is_child, &ppid, pids, max);

    ck_assert_int_ge(n, 0);
    return n;
}

/* Does /proc/PID/FILE, a list of NUL-terminated strings (cmdline,
   environ), hold one for which match(string, arg) is true? Not for us,
   nor for a process gone, not ours to read, or a zombie (empty lists) */
static bool
proc_list_has(long pid, const char *file, bool (*match)(const char *,
              const char *), const char *arg)
{
    char path[64], list[65536];
    ssize_t got;
    int fd;

    snprintf(path, sizeof(path), "/proc/%ld/%s", pid, file);
    if (pid == (long)getpid() ||
        (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
        return false;
    got = ipc_read_full(fd, list, sizeof(list) - 1);
    ipc_close_keep_errno(fd);
    if (got <= 0)
        return false;
    list[got] = '\0';
    for (char *e = list; e < list + got; e += strlen(e) + 1)
        if (match(e, arg))
            return true;
    return false;
}

static bool
holds(const char *string, const char *text)
{
    return strstr(string, text) != NULL;
}

/* A process, not us, one of whose arguments holds 'text' */
static bool
is_naming(long pid, const void *text)
{
    return proc_list_has(pid, "cmdline", holds, text);
}

int
h_naming(const char *text, pid_t *pids, int max)
{
    int n = proc_select(is_naming, text, pids, max);

    ck_assert_int_ge(n, 0);
    return n;
}

static bool
starts_with(const char *string, const char *prefix)
{
    return strncmp(string, prefix, strlen(prefix)) == 0;
}

/* A process of our uid, not us, whose environment has an entry that
   starts with 'mark' (NAME=VALUE...) */
static bool
is_marked(long pid, const void *mark)
{
    char path[64];
    struct stat st;

    snprintf(path, sizeof(path), "/proc/%ld", pid);
    return stat(path, &st) == 0 && st.st_uid == geteuid() &&
           proc_list_has(pid, "environ", starts_with, mark);
}

/* The recorded command's own processes among pids: not the recorder,
   not LTTng's (record.sh still needs them to end its session) */
static int
command_only(pid_t recorder, pid_t *pids, int n)
{
    int kept = 0;

    for (int i = 0; i < n; i++) {
        char comm[64], state;
        int parent;

        if (pids[i] != recorder &&
            proc_stat(pids[i], comm, sizeof(comm), &state, &parent) == 0 &&
            strncmp(comm, "lttng", 5) != 0)
            pids[kept++] = pids[i];
    }
    return kept;
}

/* End every process of ours whose environment carries 'mark': asked
   first (SIGTERM: a session daemon stops its consumer daemons), then
   killed. With a recorder (> 0), only the recorded command's processes,
   so that the recorder can end its session and daemon itself. */
static void
end_marked(const char *mark, pid_t recorder)
{
    pid_t pids[256];
    int n = proc_select(is_marked, mark, pids, 256);

    if (recorder > 0)
        n = command_only(recorder, pids, n);
    for (int i = 0; i < n; i++)
        kill(pids[i], SIGTERM);
    for (int i = 0; i < n; i++)
        h_wait_gone(pids[i], 3000);
    for (int round = 0; round < 100 &&
         (n = proc_select(is_marked, mark, pids, 256)) > 0 &&
         (recorder <= 0 || (n = command_only(recorder, pids, n)) > 0);
         round++) {
        for (int i = 0; i < n; i++)
            kill(pids[i], SIGKILL);
        for (int i = 0; i < n; i++)
            h_wait_gone(pids[i], 1000);
    }
}

/* The kernel function pid (or a thread id) sleeps in, into wchan: ""
   when it runs or the kernel does not name it ("0") */
static void
proc_wchan(long pid, char *wchan, size_t size)
{
    char path[64];
    FILE *f;

    wchan[0] = '\0';
    snprintf(path, sizeof(path), "/proc/%ld/wchan", pid);
    if ((f = fopen(path, "re")) != NULL) {
        if (fgets(wchan, (int)size, f) == NULL || strcmp(wchan, "0") == 0)
            wchan[0] = '\0';
        fclose(f);
    }
}

bool
h_proc_sleeping(pid_t pid, char *wchan, size_t size)
{
    char comm[64], state;
    int parent;

    if (proc_stat(pid, comm, sizeof(comm), &state, &parent) == -1 ||
        (state != 'S' && state != 'D'))
        return false;
    proc_wchan(pid, wchan, size);
    return true;
}

unsigned long long
h_proc_status_mask(pid_t pid, const char *name)
{
    char path[64], *text, *line;
    unsigned long long mask;

    snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
    text = h_read_file(path);
    ck_assert_msg(text != NULL && (line = strstr(text, name)) != NULL,
                  "no %s in %s", name, path);
    mask = strtoull(line + strlen(name), NULL, 16);
    free(text);
    return mask;
}

const char *
h_proc_describe(pid_t pid, char *text, size_t size)
{
    char comm[64], wchan[64], state;
    int parent;
    bool waiting;

    if (proc_stat(pid, comm, sizeof(comm), &state, &parent) == -1) {
        snprintf(text, size, "gone");
        return text;
    }
    proc_wchan(pid, wchan, sizeof(wchan));
    waiting = wchan[0] != '\0';
    snprintf(text, size, "%s, state %c, parent %d%s%s", comm, state,
             parent, waiting ? ", waiting in " : "", waiting ? wchan : "");
    return text;
}

bool
h_tracing_available(void)
{
    char path[PATH_MAX];
    char *flag;
    bool on;

    snprintf(path, sizeof(path), "%s/.tracing", h_build_dir());
    flag = h_read_file(path);
    on = flag != NULL && flag[0] == '1' &&
         access("/usr/bin/lttng", X_OK) == 0 &&
         access("/usr/bin/lttng-sessiond", X_OK) == 0;
    free(flag);
    return on;
}

int
h_record(const char *trace_dir, const char *const argv[], const char *out,
         int timeout_ms)
{
    const char *rec[64];
    char script[PATH_MAX], mark[sizeof(tmpdir) + 32];
    int n = 0, status;
    bool timed_out;
    pid_t pid;

    /* everything the recording starts inherits the mark (the session
       daemon it may start, its consumers, the command's processes) */
    snprintf(mark, sizeof(mark), "%s=%s", IPCLAB_RECORD_MARK, h_tmpdir());
    snprintf(script, sizeof(script), "%s/traces/record.sh", h_srcdir());
    rec[n++] = "/usr/bin/env";
    rec[n++] = mark;
    rec[n++] = script;
    rec[n++] = "-o";
    rec[n++] = trace_dir;
    /* a test needs every event, also on a loaded machine: more room than
       LTTng's default buffers, unless the caller chose its own */
    if (getenv("IPCLAB_RECORD_BUFFERS") == NULL) {
        rec[n++] = "--buffers";
        rec[n++] = "4194304,4";
    }
    rec[n++] = "--";
    for (int i = 0; argv[i] != NULL && n < 63; i++)
        rec[n++] = argv[i];
    rec[n] = NULL;
    pid = h_spawn(rec, NULL, out, NULL);
    timed_out = !h_wait_gone(pid, timeout_ms);
    if (timed_out)              /* the command's end lets record.sh end */
        end_marked(mark, pid);
    status = h_wait(pid, timed_out ? IPCLAB_RECORD_END_MS : 0);
    /* record.sh killed before its own clean-up: what it started goes too
       (after a normal end nothing carries the mark) */
    end_marked(mark, 0);
    return timed_out ? -1 : status;
}
