/*
 * ipclab/proc.h - processes and time: spawning, liveness, deadlines.
 *
 * Every wait in the kit has a way out, expressed as a deadline on the
 * monotonic clock (immune to the wall clock being set):
 *
 *     int64_t deadline = ipc_deadline_ms(timeout_ms);   // -1: none
 *     while (!done) {
 *         int n = poll(fds, nfds, ipc_ms_until(deadline));
 *         ...
 *     }
 */
#ifndef IPCLAB_PROC_H
#define IPCLAB_PROC_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Milliseconds and nanoseconds on CLOCK_MONOTONIC. Never fail. */
int64_t
ipc_now_ms(void);

int64_t
ipc_now_ns(void);

/* The deadline timeout_ms from now, or -1 (none) when timeout_ms < 0. */
int64_t
ipc_deadline_ms(int timeout_ms);

/*
 * Milliseconds left until 'deadline' for poll() and friends: -1 (wait
 * forever) when deadline is -1, otherwise 0 or more.
 */
int
ipc_ms_until(int64_t deadline);

/* Sleep for ms milliseconds: signals interrupt it, but it ends on time. */
void
ipc_sleep_ms(int ms);

/*
 * The scheduling policy of the server and the clients (--sched). The
 * kernel's default, SCHED_OTHER ("normal"), is the default; SCHED_BATCH
 * ("batch") is an option that bench and lab 05 compare with it, see
 * sched(7) and docs/performance.md.
 */
enum ipc_sched {
    IPCLAB_SCHED_NORMAL,           /* SCHED_OTHER: the default */
    IPCLAB_SCHED_BATCH,            /* SCHED_BATCH */
};

/* "batch" or "normal" into *sched: 0, or -1 with errno EINVAL */
int
ipc_sched_parse(const char *text, enum ipc_sched *sched);

/*
 * Give the calling thread policy 'sched' (static priority 0, nice value
 * kept). Processes it starts afterwards inherit it, through fork() and
 * exec alike. Returns 0, or -1 with errno from sched_setscheduler().
 */
int
ipc_sched_apply(enum ipc_sched sched);

/* True while process pid exists (even when we may not signal it). */
bool
ipc_proc_alive(pid_t pid);

/* What /proc/PID/stat says a process is doing. */
enum ipc_proc_run {
    IPCLAB_PROC_GONE,              /* no such process, or a zombie */
    IPCLAB_PROC_RUNNING,           /* running or sleeping: it can act */
    IPCLAB_PROC_STOPPED,           /* state T (SIGSTOP...) or t (traced) */
};

/* The state of process pid: it can act, it is stopped, or it is gone. */
enum ipc_proc_run
ipc_proc_run_state(pid_t pid);

/*
 * True when process pid holds the FIFO that our descriptor 'fd' refers to
 * open for reading, as its /proc/PID/fd and /proc/PID/fdinfo entries show
 * (Linux). The server asks before it signals the pid a request names:
 * only a reader of FIFO2 can be waiting for a result, and a 'ready' sent
 * to any other process would kill it (a real-time signal it does not
 * expect terminates it). False with errno 0 when pid does not hold it;
 * false with errno set when the answer is unknown: pid is gone (ENOENT),
 * or its entries may not be followed (EACCES or EPERM: another user's
 * process, or one outside our user namespace).
 */
bool
ipc_proc_reads_fifo(pid_t pid, int fd);

/* close(fd), keeping errno as it was: for cleanup on an error path. */
void
ipc_close_keep_errno(int fd);

/*
 * In a child between fork() and exec: every signal back to its default
 * action (exec keeps the ones the parent ignores) and the signal mask set
 * to 'mask' (NULL: kept, as exec keeps it). Async-signal-safe.
 */
void
ipc_child_default_signals(const sigset_t *mask);

/*
 * fork() and execv(path, argv) with signal mask 'mask' in the child (NULL:
 * the caller's mask, inherited as exec always does) and every signal back
 * to its default action (ipc_child_default_signals()). The signals in
 * 'mask' are blocked from the child's first instant, so the caller may
 * signal it at once.
 * The child gets SIGTERM when the calling thread ends (PR_SET_PDEATHSIG),
 * however it ends, even by SIGKILL: no child outlives its parent
 * unnoticed. Call it from the thread that lives as long as the process.
 * Traces ipclab:proc_spawn with 'role'. Returns the child's pid, or -1
 * when fork() fails. When exec fails the child prints why and exits 127,
 * as a shell does.
 */
pid_t
ipc_spawn(const char *role, const char *path, char *const argv[],
          const sigset_t *mask);

/* ipc_spawn(role, argv[0], argv, NULL) with 'out' as the child's stdout. */
pid_t
ipc_spawn_output(const char *role, char *const argv[], int out);

/*
 * Start an ipclab-server and wait until clients may use it. argv runs it:
 * argv[0] is the server, or a program that runs one (traces/record.sh,
 * valgrind; looked up in PATH when it has no slash). The child is set up
 * as ipc_spawn() does, with an empty signal mask, stdin on /dev/null,
 * stdout on a pipe and no other descriptor above 2. Its first line on
 * stdout must be the server's "ready: DIR", which comes into line (without
 * the newline) before 'deadline' (ipc_deadline_ms()). Returns the child's
 * pid, with in *out the read end of the pipe (close-on-exec) for the rest
 * of what it prints: the caller reads or closes it. Returns -1 with errno
 * ETIMEDOUT (no line in time), ESRCH (it ended first), EPROTO (another
 * first line), EMSGSIZE (a line longer than size), or from fork(), pipe2()
 * or open(); the child is then killed and reaped. Never prints or exits.
 */
pid_t
ipc_server_start(char *const argv[], int64_t deadline, int *out,
                 char *line, size_t size);

/*
 * ipc_server_start() with the child's stderr on descriptor 'err' (-1: the
 * caller's) and, when the child ends before its first line (ESRCH), its
 * exit status (128 + signal when killed) in *code (NULL: not wanted). A
 * child that closes its stdout but lives on is killed at the deadline.
 */
pid_t
ipc_server_start_err(char *const argv[], int err, int64_t deadline,
                     int *out, char *line, size_t size, int *code);

/*
 * Wait up to timeout_ms (-1: no bound) for child pid to end, by polling a
 * pidfd (pidfd_open(2)), and leave it unreaped (waitid() with WNOWAIT):
 * ipc_reap() or waitpid() then takes its status at once. Returns 0 when
 * it has ended; -1 with errno ETIMEDOUT when it has not, or pidfd_open()'s
 * or waitid()'s errno. Never prints or exits.
 */
int
ipc_wait_exit(pid_t pid, int timeout_ms);

/*
 * waitpid(pid, WNOHANG) and trace the reap. Returns the pid reaped and
 * stores in *code the exit status, or 128 + signal for a killed child (a
 * shell's convention); 0 when no such child has ended; -1 on error (ECHILD).
 * Pass pid -1 for any child.
 */
pid_t
ipc_reap(pid_t pid, const char *role, int *code);

/*
 * Wait up to timeout_ms for child pid to end (ipc_wait_exit()), SIGKILL it
 * when it has not, and reap it either way (ipc_reap(), traced with 'role').
 * Returns 0 with its exit status (or 128 + signal) in *code when it ended
 * in time; -1 with errno ETIMEDOUT when it had to be killed (*code set
 * too), or with the errno of a wait that failed. Never prints or exits.
 */
int
ipc_wait_or_kill(pid_t pid, const char *role, int timeout_ms, int *code);

/* The same without the proc_reap event: for tests, which must trace
   nothing of their own */
int
ipc_wait_or_kill_untraced(pid_t pid, int timeout_ms, int *code);

/*
 * Directory of the running executable (from /proc/self/exe) into buf, so
 * a program can find its siblings in build/bin/ or $PREFIX/bin/. Returns 0
 * or -1 (ENAMETOOLONG, or readlink's errors).
 */
int
ipc_exe_dir(char *buf, size_t size);

#endif /* IPCLAB_PROC_H */
