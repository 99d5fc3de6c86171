/*
 * tests/faults/helpers.c - load, servers, /proc and attacks (faults.h).
 *
 * They report trouble with ck_assert_msg(): a helper that cannot do its
 * job makes the calling test fail with the reason.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "faults.h"
#include "ipclab/proc.h"
#include "ipclab/record.h"
#include "ipclab/rundir.h"
#include "oracle.h"

const char *
fx_client_file(char *buf, size_t size, const char *work, int k,
               const char *ext)
{
    snprintf(buf, size, "%s/rc%d.%s", work, k, ext);
    return buf;
}

void
fx_load_prepare(const char *work, int clients, int count, unsigned int seed)
{
    char in[PATH_MAX], expect[PATH_MAX];

    for (int k = 0; k < clients; k++)
        oracle_workload(fx_client_file(in, sizeof(in), work, k, "in"),
                        fx_client_file(expect, sizeof(expect), work, k,
                                    "expect"), count, seed + (unsigned int)k);
}

void
fx_load_start(pid_t pids[], const char *dir, const char *work, int clients,
              int window)
{
    char win[16], in[PATH_MAX], out[PATH_MAX], err[PATH_MAX];

    ck_assert_int_le(clients, FX_MAX_CLIENTS);
    snprintf(win, sizeof(win), "%d", window);
    for (int k = 0; k < clients; k++) {
        fx_client_file(in, sizeof(in), work, k, "in");
        pids[k] = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir", dir,
                          "--window", win, "--file", in, NULL }, NULL,
                          fx_client_file(out, sizeof(out), work, k, "out"),
                          fx_client_file(err, sizeof(err), work, k, "err"));
    }
}

void
fx_load_wait(const pid_t pids[], int clients)
{
    for (int k = 0; k < clients; k++) {
        int status = h_wait(pids[k], FX_RUN_MS);

        ck_assert_msg(status == 0, "client %d (pid %d) exited %d", k,
                      (int)pids[k], status);
    }
}

int
fx_load_check(const char *work, int clients, const char *allowed)
{
    int differing = 0, failed = 0, timed_out = 0, lost = 0;

    for (int k = 0; k < clients; k++) {
        char path[PATH_MAX];
        char *want = h_read_file(fx_client_file(path, sizeof(path), work, k,
                                             "expect"));
        char *got = h_read_file(fx_client_file(path, sizeof(path), work, k,
                                            "out"));
        char *err = h_read_file(fx_client_file(path, sizeof(path), work, k,
                                            "err"));

        ck_assert_msg(got != NULL, "client %d wrote no output", k);
        ck_assert_msg(err == NULL || err[0] == '\0', "client %d: %s", k,
                      err);
        /* a census of the error answers, so that a failure says which */
        failed += h_count_lines(got, ": processing client failed");
        timed_out += h_count_lines(got, ": processing client timed out");
        lost += h_count_lines(got, ": no answer");
        differing += oracle_compare(got, want, allowed);
        free(want);
        free(got);
        free(err);
    }
    ck_assert_msg(allowed != NULL || failed + timed_out + lost == 0,
                  "%d answers 'processing client failed', %d 'timed out', "
                  "%d lost", failed, timed_out, lost);
    return differing;
}

const char *
fx_load_complaint(const char *work, int clients, char *said, size_t size)
{
    char path[PATH_MAX];

    snprintf(said, size, "nothing on stderr");
    for (int k = -1; k < clients; k++) {
        const char *file = path;
        char *text;

        if (k < 0)
            snprintf(path, sizeof(path), "%s/server.err", work);
        else
            fx_client_file(path, sizeof(path), work, k, "err");
        text = h_read_file(file);
        if (text != NULL && text[0] != '\0') {
            snprintf(said, size, "%.300s: %.700s", file, text);
            free(text);
            break;
        }
        free(text);
    }
    return said;
}

/* ---- servers ------------------------------------------------------------- */

void
fx_server_start(struct fx_server *s, const char *dir,
                const char *const extra[], int flags, const char *trace_dir)
{
    const char *argv[48];
    char script[PATH_MAX];
    enum ipc_sig_mode mode;
    mode_t umask_was = 0;
    int n = 0;

    if (trace_dir != NULL) {
        snprintf(script, sizeof(script), "%s/traces/record.sh", h_srcdir());
        argv[n++] = script;
        argv[n++] = "-o";
        argv[n++] = trace_dir;
        argv[n++] = "--";
    }
    argv[n++] = h_bin("ipclab-server");
    argv[n++] = "--dir";
    argv[n++] = dir;
    for (int i = 0; extra != NULL && extra[i] != NULL && n < 47; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;

    if (flags & FX_UMASK0)
        umask_was = umask(0);   /* the child inherits it */
    /* record.sh talks on stderr; the first stdout line is the server's */
    h_server_try(&s->h, dir, argv, NULL, 30000, NULL);
    if (flags & FX_UMASK0)
        umask(umask_was);
    s->child = s->h.pid;
    ck_assert_int_eq(ipc_rundir_server(dir, &s->h.pid, &mode), 0);
    if (trace_dir == NULL)
        ck_assert_int_eq(s->h.pid, s->child);
}

int
fx_server_stop(struct fx_server *s, int timeout_ms, char *tail, size_t size)
{
    kill(s->h.pid, SIGINT);
    s->h.pid = s->child;        /* what we wait for: our child */
    return h_server_wait(&s->h, timeout_ms, tail, size);
}

void
fx_summary(const char *text, struct fx_summary *sum)
{
    const char *line = text != NULL ? strstr(text, "stopped: ") : NULL;

    ck_assert_msg(line != NULL, "no 'stopped:' line in '%s'", text);
    ck_assert_msg(sscanf(line, "stopped: %lu answered, %lu results "
                         "undeliverable, %lu invalid records dropped",
                         &sum->answered, &sum->undeliverable,
                         &sum->dropped) == 3, "summary: %s", line);
}

/* ---- processes, through /proc -------------------------------------------- */

/* The first line of a small file into buf, without its newline. */
static bool
read_small(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "re");
    bool ok;

    if (f == NULL)
        return false;
    ok = fgets(buf, (int)size, f) != NULL;
    fclose(f);
    if (ok)
        buf[strcspn(buf, "\n")] = '\0';
    return ok;
}

/* Pause between two looks at /proc: a poll of a condition, not a wait */
static void
pause_1ms(void)
{
    struct timespec ts = { 0, 1000000 };

    nanosleep(&ts, NULL);
}

bool
fx_comm_is(pid_t pid, const char *comm)
{
    char path[64], buf[64];

    snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
    return read_small(path, buf, sizeof(buf)) && strcmp(buf, comm) == 0;
}

pid_t
fx_child_named(pid_t parent, const char *comm, pid_t not)
{
    pid_t pids[256];
    int n = h_children(parent, pids, 256);

    for (int i = 0; i < n; i++)
        if (pids[i] != not && fx_comm_is(pids[i], comm))
            return pids[i];
    return 0;
}

pid_t
fx_wait_child_named(pid_t parent, const char *comm, pid_t not,
                    int timeout_ms)
{
    int64_t deadline = ipc_deadline_ms(timeout_ms);
    pid_t pid;

    while ((pid = fx_child_named(parent, comm, not)) == 0 &&
           ipc_ms_until(deadline) > 0)
        pause_1ms();
    return pid;
}

bool
fx_wait_in_syscall(pid_t pid, long nr, int timeout_ms)
{
    int64_t deadline = ipc_deadline_ms(timeout_ms);
    char path[64], buf[256];

    snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
    do {
        /* "NR ARGS...", or "running", or "-1 ..." (not in a call) */
        if (!read_small(path, buf, sizeof(buf)))
            return false;       /* gone */
        if (strtol(buf, NULL, 10) == nr && buf[0] != 'r')
            return true;
        pause_1ms();
    } while (ipc_ms_until(deadline) > 0);
    return false;
}

long long
fx_proc_number(pid_t pid, const char *file, const char *key, int base)
{
    char path[64], line[256];
    long long v = -1;
    size_t len = strlen(key);
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
    if ((f = fopen(path, "re")) == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, key, len) == 0) {
            v = strtoll(line + len, NULL, base);
            break;
        }
    }
    fclose(f);
    return v;
}

bool
fx_signal_pending(pid_t pid, int signo)
{
    long long mask = fx_proc_number(pid, "status", "ShdPnd:", 16);

    return mask > 0 && (mask >> (signo - 1)) & 1;
}

bool
fx_wait_stopped(pid_t pid, int signo, int timeout_ms)
{
    int64_t deadline = ipc_deadline_ms(timeout_ms);

    do {
        if (ipc_proc_run_state(pid) == IPCLAB_PROC_STOPPED &&
            (signo == 0 || fx_signal_pending(pid, signo)))
            return true;
        pause_1ms();            /* polls a state, orders nothing */
    } while (ipc_ms_until(deadline) > 0);
    return false;
}

int
fx_fd_flags(pid_t pid, int fd)
{
    char path[64], line[128];
    FILE *f;
    int flags = -1;

    snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, fd);
    if ((f = fopen(path, "re")) == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL)
        if (sscanf(line, "flags: %o", (unsigned int *)&flags) == 1)
            break;
    fclose(f);
    return flags;
}

bool
fx_has_open(pid_t pid, const char *path, int accmode)
{
    char fds[64], entry[64 + NAME_MAX + 2];
    struct stat want, st;
    struct dirent *e;
    bool found = false;
    DIR *d;

    if (stat(path, &want) == -1)
        return false;
    snprintf(fds, sizeof(fds), "/proc/%d/fd", (int)pid);
    if ((d = opendir(fds)) == NULL)
        return false;
    while (!found && (e = readdir(d)) != NULL) {
        snprintf(entry, sizeof(entry), "%s/%s", fds, e->d_name);
        /* stat() follows the magic link to the open file itself */
        if (e->d_name[0] == '.' || stat(entry, &st) == -1 ||
            st.st_dev != want.st_dev || st.st_ino != want.st_ino)
            continue;
        found = accmode == -1 ||
                (fx_fd_flags(pid, atoi(e->d_name)) & O_ACCMODE) == accmode;
    }
    closedir(d);
    return found;
}

bool
fx_wait_has_open(pid_t pid, const char *path, int accmode, int timeout_ms)
{
    int64_t deadline = ipc_deadline_ms(timeout_ms);

    while (!fx_has_open(pid, path, accmode)) {
        if (ipc_ms_until(deadline) == 0 || h_wait_gone(pid, 0))
            return false;       /* too late, or it has exited */
        pause_1ms();
    }
    return true;
}

/* ---- attacks ------------------------------------------------------------- */

int
fx_open_fifo_write(const char *dir, int no)
{
    char path[PATH_MAX];
    int fd;

    ck_assert_int_eq(ipc_rundir_fifo(path, sizeof(path), dir, no), 0);
    fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    ck_assert_msg(fd != -1, "open '%s': %s", path, strerror(errno));
    return fd;
}

void
fx_forge_request(int fd, uint32_t op, int64_t a, int64_t b, pid_t pid,
                 uint32_t seq)
{
    struct ipc_record rec;

    ipc_rec_request(&rec, (enum ipc_op)op, a, b, seq);
    rec.pid = (int32_t)pid;
    ipc_rec_seal(&rec);
    ck_assert_int_eq(write(fd, &rec, sizeof(rec)), sizeof(rec));
}

void
fx_sigqueue(pid_t pid, int sig, int value)
{
    union sigval v = { .sival_int = value };

    /* ESRCH: it has just exited; EAGAIN: its queue is full for now */
    if (sigqueue(pid, sig, v) == -1)
        ck_assert_msg(errno == ESRCH || errno == EAGAIN, "sigqueue: %s",
                      strerror(errno));
}

pid_t
fx_bystander(bool hidden)
{
    int ready[2];
    char c;
    pid_t pid;

    ck_assert_int_eq(pipe2(ready, O_CLOEXEC), 0);
    fflush(NULL);
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        sigset_t none;

        sigemptyset(&none);
        ipc_child_default_signals(&none);
        if (hidden && prctl(PR_SET_DUMPABLE, 0) == -1)
            _exit(126);
        if (write(ready[1], "", 1) != 1)
            _exit(126);
        for (;;)
            pause();
    }
    close(ready[1]);
    ck_assert_int_eq(read(ready[0], &c, 1), 1);     /* hidden by now */
    close(ready[0]);
    return pid;
}

pid_t
fx_spawn_limited(const char *const argv[], int nofile, const char *out,
                 const char *err)
{
    pid_t pid;

    fflush(NULL);
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        struct rlimit rl = { .rlim_cur = (rlim_t)nofile,
                             .rlim_max = (rlim_t)nofile };
        sigset_t none;
        int null = open("/dev/null", O_RDONLY);

        if (null == -1 || dup2(null, STDIN_FILENO) == -1)
            _exit(126);
        if (out != NULL) {
            int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);

            if (fd == -1 || dup2(fd, STDOUT_FILENO) == -1)
                _exit(126);
        }
        if (err != NULL) {
            int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);

            if (fd == -1 || dup2(fd, STDERR_FILENO) == -1)
                _exit(126);
        }
        close_range(3, ~0U, 0);         /* the limit counts from 3 */
        if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
            _exit(126);
        sigemptyset(&none);
        ipc_child_default_signals(&none);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

void
fx_no_leak_check(void)
{
    const char *now = getenv("ASAN_OPTIONS");
    char options[1024];

    snprintf(options, sizeof(options), "%s%sdetect_leaks=0",
             now != NULL ? now : "", now != NULL && now[0] != '\0' ? ":" : "");
    setenv("ASAN_OPTIONS", options, 1);
}

void
fx_server_stop_ok(struct fx_server *s, struct fx_summary *sum)
{
    char tail[512];

    ck_assert_int_eq(fx_server_stop(s, 30000, tail, sizeof(tail)), 0);
    fx_summary(tail, sum);
}

int
fx_count_entries(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    int n = 0;

    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}
