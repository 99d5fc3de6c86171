/*
 * proc.c - process and time helpers.
 *
 * Unit tests: tests/unit/check_proc.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "ipclab/proc.h"
#include "ipclab/trace.h"

int64_t
ipc_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);   /* cannot fail for this clock */
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t
ipc_now_ms(void)
{
    return ipc_now_ns() / 1000000;
}

int64_t
ipc_deadline_ms(int timeout_ms)
{
    return timeout_ms < 0 ? -1 : ipc_now_ms() + timeout_ms;
}

int
ipc_ms_until(int64_t deadline)
{
    int64_t left;

    if (deadline < 0)
        return -1;
    left = deadline - ipc_now_ms();
    if (left < 0)
        return 0;
    return left > INT_MAX ? INT_MAX : (int)left;
}

void
ipc_sleep_ms(int ms)
{
    struct timespec until;

    /* an absolute end: however often signals interrupt it, it ends on time */
    if (clock_gettime(CLOCK_MONOTONIC, &until) == -1)
        return;
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000;
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) ==
           EINTR)
        ;                       /* interrupted: the end has not moved */
}

int
ipc_sched_parse(const char *text, enum ipc_sched *sched)
{
    if (strcmp(text, "batch") == 0)
        *sched = IPCLAB_SCHED_BATCH;
    else if (strcmp(text, "normal") == 0)
        *sched = IPCLAB_SCHED_NORMAL;
    else {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

int
ipc_sched_apply(enum ipc_sched sched)
{
    /* both policies take static priority 0; the nice value stays */
    const struct sched_param param = { .sched_priority = 0 };

    return sched_setscheduler(0, sched == IPCLAB_SCHED_BATCH ? SCHED_BATCH
                                                          : SCHED_OTHER,
                              &param);
}

bool
ipc_proc_alive(pid_t pid)
{
    return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

enum ipc_proc_run
ipc_proc_run_state(pid_t pid)
{
    char path[64], buf[512], *paren;
    ssize_t n;
    int fd;

    snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
        return ipc_proc_alive(pid) ? IPCLAB_PROC_RUNNING : IPCLAB_PROC_GONE;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return IPCLAB_PROC_GONE;   /* it exited between open() and read() */
    buf[n] = '\0';
    /* "PID (COMM) S ...": COMM may hold ')' itself, so the last one */
    paren = strrchr(buf, ')');
    if (paren == NULL || paren[1] != ' ')
        return IPCLAB_PROC_RUNNING;
    switch (paren[2]) {
    case 'T': case 't':
        return IPCLAB_PROC_STOPPED;
    case 'Z': case 'X':
        return IPCLAB_PROC_GONE;
    default:
        return IPCLAB_PROC_RUNNING;
    }
}

/* The open flags of descriptor 'fd' (a name in /proc/PID/fd) of pid, or -1 */
static int
fd_flags(pid_t pid, const char *fd)
{
    char path[64 + NAME_MAX], line[128];
    unsigned int flags;
    int result = -1;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%ld/fdinfo/%s", (long)pid, fd);
    if ((f = fopen(path, "re")) == NULL)
        return -1;
    while (result == -1 && fgets(line, sizeof(line), f) != NULL)
        if (sscanf(line, "flags: %o", &flags) == 1)
            result = (int)flags;
    fclose(f);
    return result;
}

bool
ipc_proc_reads_fifo(pid_t pid, int fd)
{
    struct stat want, st;
    struct dirent *e;
    char path[64];
    bool found = false;
    int denied = 0;             /* an entry we were not allowed to follow */
    DIR *d;

    if (fstat(fd, &want) == -1)
        return false;
    snprintf(path, sizeof(path), "/proc/%ld/fd", (long)pid);
    if ((d = opendir(path)) == NULL)
        return false;
    while (!found && (e = readdir(d)) != NULL) {
        int flags;

        if (e->d_name[0] == '.')
            continue;
        /* fstatat() follows each magic link to the open file itself */
        if (fstatat(dirfd(d), e->d_name, &st, 0) == -1) {
            if (errno == EACCES || errno == EPERM)
                denied = errno;
            continue;
        }
        if (st.st_dev != want.st_dev || st.st_ino != want.st_ino)
            continue;
        flags = fd_flags(pid, e->d_name);
        found = flags != -1 && (flags & O_ACCMODE) != O_WRONLY;
    }
    closedir(d);
    errno = found ? 0 : denied;
    return found;
}

void
ipc_close_keep_errno(int fd)
{
    int saved_errno = errno;

    close(fd);
    errno = saved_errno;
}

/* write(2) a string, ignoring errors: for a child that is about to die */
static void
write_str(int fd, const char *s)
{
    ssize_t ignored = write(fd, s, strlen(s));

    (void)ignored;
}

void
ipc_child_default_signals(const sigset_t *mask)
{
    struct sigaction dfl = { .sa_handler = SIG_DFL };

    /* exec resets handled signals but keeps ignored ones and the mask;
       sigaction() fails harmlessly for SIGKILL, SIGSTOP and libc's own */
    sigemptyset(&dfl.sa_mask);
    for (int sig = 1; sig < NSIG; sig++)
        sigaction(sig, &dfl, NULL);
    if (mask != NULL)
        sigprocmask(SIG_SETMASK, mask, NULL);
}

/* How spawn() sets up the child besides its signals */
struct child_io {
    int in, out, err;           /* its stdin, stdout, stderr; -1: ours */
    bool only_std_fds;          /* no descriptor above 2 across exec */
    bool search_path;           /* execvp(): argv[0] may be on PATH */
};

/*
 * fork() and exec argv in the child, set up as ipc_spawn() says, with
 * 'io' on top. Returns the child's pid, or -1 when fork() fails.
 */
static pid_t
spawn(const char *role, const char *path, char *const argv[],
      const sigset_t *mask, const struct child_io *io)
{
    pid_t parent = getpid();
    sigset_t saved;
    pid_t pid;

    /* block 'mask' across fork(): a signal sent to the child in the gap
       between fork() and its sigprocmask() would otherwise find it
       unprotected [lab04:early-ready] */
    if (mask != NULL && sigprocmask(SIG_BLOCK, mask, &saved) == -1)
        return -1;
    pid = fork();
    if (pid != 0 && mask != NULL) {
        int saved_errno = errno;

        sigprocmask(SIG_SETMASK, &saved, NULL);
        errno = saved_errno;
    }
    if (pid == -1)
        return -1;
    if (pid == 0) {
        /* child: only async-signal-safe calls until exec */
        ipc_child_default_signals(mask);
        if ((io->in >= 0 && dup2(io->in, STDIN_FILENO) == -1) ||
            (io->out >= 0 && dup2(io->out, STDOUT_FILENO) == -1) ||
            (io->err >= 0 && dup2(io->err, STDERR_FILENO) == -1) ||
            (io->only_std_fds &&
             close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == -1))
            _exit(126);
        /* SIGTERM when the parent ends, kept across exec. It may have
           ended already: then getppid() names the reaper, not it */
        if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 || getppid() != parent)
            _exit(127);
        if (io->search_path)
            execvp(path, argv);
        else
            execv(path, argv);
        /* stdio is not async-signal-safe, and lttng-ust runs threads */
        write_str(STDERR_FILENO, ipc_progname());
        write_str(STDERR_FILENO, ": cannot run '");
        write_str(STDERR_FILENO, path);
        write_str(STDERR_FILENO, "': ");
        write_str(STDERR_FILENO, ipc_errno_name(errno));
        write_str(STDERR_FILENO, "\n");
        _exit(127);
    }
    IPCLAB_TP(proc_spawn, role, (int)pid);
    return pid;
}

pid_t
ipc_spawn(const char *role, const char *path, char *const argv[],
          const sigset_t *mask)
{
    const struct child_io io = { .in = -1, .out = -1, .err = -1 };

    return spawn(role, path, argv, mask, &io);
}

pid_t
ipc_spawn_output(const char *role, char *const argv[], int out)
{
    const struct child_io io = { .in = -1, .out = out, .err = -1 };

    return spawn(role, argv[0], argv, NULL, &io);
}

pid_t
ipc_server_start(char *const argv[], int64_t deadline, int *out,
                 char *line, size_t size)
{
    return ipc_server_start_err(argv, -1, deadline, out, line, size, NULL);
}

pid_t
ipc_server_start_err(char *const argv[], int err, int64_t deadline,
                     int *out, char *line, size_t size, int *code)
{
    struct child_io io = { .err = err, .only_std_fds = true,
                           .search_path = true };
    int pipefd[2], got, saved_errno, status;
    sigset_t none;
    pid_t pid;

    sigemptyset(&none);         /* the server blocks what it needs itself */
    if ((io.in = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
        return -1;
    if (pipe2(pipefd, O_CLOEXEC) == -1) {
        ipc_close_keep_errno(io.in);
        return -1;
    }
    io.out = pipefd[1];
    pid = spawn("server", argv[0], argv, &none, &io);
    saved_errno = errno;
    close(io.in);
    close(pipefd[1]);
    if (pid == -1) {
        close(pipefd[0]);
        errno = saved_errno;
        return -1;
    }
    /* the server says "ready: DIR" once clients may connect */
    got = ipc_read_line(pipefd[0], line, size, deadline);
    if (got == 1 && strncmp(line, "ready: ", 7) == 0) {
        *out = pipefd[0];
        return pid;
    }
    saved_errno = got == 1 ? EPROTO : got == 0 ? ESRCH : errno;
    /* after EOF, it has ended or is about to: give it until the deadline */
    if (got != 0 || ipc_wait_exit(pid, ipc_ms_until(deadline)) == -1)
        kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
        ;                       /* nothing of it is left behind */
    if (got == 0 && code != NULL)
        *code = WIFEXITED(status) ? WEXITSTATUS(status)
                                  : 128 + WTERMSIG(status);
    close(pipefd[0]);
    errno = saved_errno;
    return -1;
}

int
ipc_wait_exit(pid_t pid, int timeout_ms)
{
    int64_t deadline = ipc_deadline_ms(timeout_ms);
    int pidfd = pidfd_open(pid, 0);
    struct pollfd p = { .fd = pidfd, .events = POLLIN };
    siginfo_t si;
    int n;

    if (pidfd == -1)
        return -1;
    /* readable once pid has ended; a signal restarts it, same deadline */
    do
        n = poll(&p, 1, ipc_ms_until(deadline));
    while (n == -1 && errno == EINTR);
    ipc_close_keep_errno(pidfd);
    if (n == 0)
        errno = ETIMEDOUT;
    if (n != 1)
        return -1;
    /* until its status can be taken, which WNOWAIT leaves for the caller */
    while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) == -1)
        if (errno != EINTR)
            return -1;
    return 0;
}

/* ipc_reap() without its event */
static pid_t
reap_untraced(pid_t pid, int *code)
{
    int status;
    pid_t r;

    do
        r = waitpid(pid, &status, WNOHANG);
    while (r == -1 && errno == EINTR);
    if (r > 0)
        *code = WIFEXITED(status) ? WEXITSTATUS(status)
                                  : 128 + WTERMSIG(status);
    return r;
}

pid_t
ipc_reap(pid_t pid, const char *role, int *code)
{
    pid_t r = reap_untraced(pid, code);

    if (r > 0)
        IPCLAB_TP(proc_reap, role, (int)r, *code);
    return r;
}

int
ipc_wait_or_kill_untraced(pid_t pid, int timeout_ms, int *code)
{
    bool ended = ipc_wait_exit(pid, timeout_ms) == 0;

    if (!ended && errno != ETIMEDOUT)
        return -1;
    /* out of time: kill it, and wait for that without a bound */
    if (!ended && (kill(pid, SIGKILL) == -1 || ipc_wait_exit(pid, -1) == -1))
        return -1;
    if (reap_untraced(pid, code) != pid) {
        errno = ECHILD;
        return -1;
    }
    if (!ended)
        errno = ETIMEDOUT;
    return ended ? 0 : -1;
}

int
ipc_wait_or_kill(pid_t pid, const char *role, int timeout_ms, int *code)
{
    int rc = ipc_wait_or_kill_untraced(pid, timeout_ms, code);
    int saved = errno;

    if (rc == 0 || saved == ETIMEDOUT) {    /* reaped, in time or killed */
        IPCLAB_TP(proc_reap, role, (int)pid, *code);
        errno = saved;
    }
    return rc;
}

int
ipc_exe_dir(char *buf, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", buf, size);
    char *slash;

    if (n == -1)
        return -1;
    if ((size_t)n >= size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    buf[n] = '\0';
    slash = strrchr(buf, '/');
    if (slash != NULL)
        *slash = '\0';
    return 0;
}
