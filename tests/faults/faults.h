/*
 * tests/faults/faults.h - what the reliability and security tests share.
 *
 * build/tests/faults puts the reference system under load and under
 * attack, as real processes: 32 clients at once, processes killed and
 * stopped mid-request, garbage and forged records in the FIFOs, signals
 * from strangers, starved file descriptors, a full runtime directory, bad
 * command lines, unsafe directories; and it runs the fuzzers for a short
 * while. Every wait is on a condition (a pipe, a pidfd, a process's state
 * in /proc), never a sleep that hopes something has happened.
 *
 *   build/tests/faults                       everything (about 2 minutes)
 *   CK_RUN_SUITE=security build/tests/faults  one suite: load, faults,
 *                                            input, cli, security, fuzz,
 *                                            stall, peers
 *   CK_RUN_CASE=core build/tests/faults       one test case
 *
 * Peers: runner.c (main), helpers.c (below), check_*.c (one suite each).
 */
#ifndef IPCLAB_FAULTS_TESTS_H
#define IPCLAB_FAULTS_TESTS_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "harness.h"

#define FX_RUN_MS     60000     /* bound on any one client run */

/* FX_SANITIZED: built by make sanitize (AddressSanitizer; gcc says so
   with __SANITIZE_ADDRESS__, clang with __has_feature) */
#if defined(__SANITIZE_ADDRESS__)
#define FX_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FX_SANITIZED 1
#endif
#endif
#ifndef FX_SANITIZED
#define FX_SANITIZED 0
#endif
#define FX_MAX_CLIENTS 64

Suite *load_suite(void);
Suite *faults_suite(void);
Suite *input_suite(void);
Suite *cli_suite(void);
Suite *security_suite(void);
Suite *fuzz_suite(void);
Suite *stall_suite(void);
Suite *peers_suite(void);

/* ---- the load: clients reading oracle files ---------------------------- */

/*
 * Write WORK/rcK.in and WORK/rcK.expect for K = 0 .. clients-1: 'count'
 * random expressions each and their answers (tests/lib/oracle.h).
 */
void
fx_load_prepare(const char *work, int clients, int count, unsigned int seed);

/*
 * Start 'clients' ipclab-rc --file WORK/rcK.in --window W on runtime
 * directory 'dir', output to WORK/rcK.out and WORK/rcK.err, into pids[].
 */
void
fx_load_start(pid_t pids[], const char *dir, const char *work, int clients,
              int window);

/* Wait for them all; every one must exit 0 within FX_RUN_MS. */
void
fx_load_wait(const pid_t pids[], int clients);

/* "WORK/rcK.EXT", client K's file (in, expect, out, err), into buf */
const char *
fx_client_file(char *buf, size_t size, const char *work, int k,
               const char *ext);

/*
 * Check WORK/rcK.out against WORK/rcK.expect for every client, and that
 * no client wrote to stderr. Lines may differ only by ending in ":
 * ALLOWED" (NULL: none may). Returns the number of such lines.
 */
int
fx_load_check(const char *work, int clients, const char *allowed);

/*
 * The first thing the server (WORK/server.err) or a client (WORK/rcK.err)
 * said on stderr, for a failure message, into said (size bytes); "nothing
 * on stderr" if none did. Returns said.
 */
const char *
fx_load_complaint(const char *work, int clients, char *said, size_t size);

/* ---- servers ------------------------------------------------------------- */

/* A server started by fx_server_start(): h.pid is the server itself. */
struct fx_server {
    struct h_server h;
    pid_t child;                /* our child: the server, or record.sh */
};

enum {
    FX_UMASK0 = 1,              /* start with umask 0 */
};

/*
 * Start ipclab-server --dir DIR plus 'extra' (NULL-terminated, may be
 * NULL), with the FX_* 'flags'; under traces/record.sh -o TRACE_DIR when
 * trace_dir is not NULL. It inherits no descriptor above 2
 * (ipc_server_start()). Waits for "ready: DIR" (the test fails without
 * it) and finds the server's pid in the lock file.
 */
void
fx_server_start(struct fx_server *s, const char *dir,
                const char *const extra[], int flags, const char *trace_dir);

/* SIGINT, then wait (see h_server_stop); the rest of its stdout in tail. */
int
fx_server_stop(struct fx_server *s, int timeout_ms, char *tail, size_t size);

/* The figures of the server's "stopped: ..." line; the test fails without. */
struct fx_summary {
    unsigned long answered, undeliverable, dropped;
};

void
fx_summary(const char *text, struct fx_summary *sum);

/* Stop the server (it must exit 0 within 30 s); its summary into *sum */
void
fx_server_stop_ok(struct fx_server *s, struct fx_summary *sum);

/* ---- processes, through /proc -------------------------------------------- */

/* True when /proc/PID/comm is 'comm' ("ipclab-sum"). */
bool
fx_comm_is(pid_t pid, const char *comm);

/* A child of 'parent' named 'comm' other than 'not', or 0 when none. */
pid_t
fx_child_named(pid_t parent, const char *comm, pid_t not);

/* Wait up to timeout_ms for such a child to exist; returns it, or 0. */
pid_t
fx_wait_child_named(pid_t parent, const char *comm, pid_t not,
                    int timeout_ms);

/*
 * Wait up to timeout_ms until process pid is blocked in system call
 * 'nr' (SYS_... from <sys/syscall.h>), as /proc/PID/syscall says. This is
 * how a test knows a process is, say, processing a request (in the
 * nanosleep of --work-delay) or waiting for a result (in sigtimedwait).
 */
bool
fx_wait_in_syscall(pid_t pid, long nr, int timeout_ms);

/* The first number after "key" in /proc/PID/FILE ("status", "io"), read
   in 'base' (16 or 10); -1 when pid is gone or has no such line. */
long long
fx_proc_number(pid_t pid, const char *file, const char *key, int base);

/* True when signal signo is pending for the whole process pid. */
bool
fx_signal_pending(pid_t pid, int signo);

/*
 * Wait up to timeout_ms until pid (our child or not) is stopped and, when
 * signo is not 0, signal signo is pending for it. False after the timeout.
 */
bool
fx_wait_stopped(pid_t pid, int signo, int timeout_ms);

/*
 * True when process pid has 'path' open with access mode 'accmode'
 * (O_RDONLY, O_WRONLY; -1 for any), as /proc/PID/fd and fdinfo say.
 */
bool
fx_has_open(pid_t pid, const char *path, int accmode);

/* Wait up to timeout_ms for fx_has_open() to hold; false if pid exits. */
bool
fx_wait_has_open(pid_t pid, const char *path, int accmode, int timeout_ms);

/* The open flags of fd 'fd' of process pid (/proc/PID/fdinfo), or -1. */
int
fx_fd_flags(pid_t pid, int fd);

/* Number of entries in directory 'path' (not . and ..) */
int
fx_count_entries(const char *path);

/* ---- attacks ------------------------------------------------------------- */

/* Open FIFO 'no' of 'dir' for writing, non-blocking; the test fails if not. */
int
fx_open_fifo_write(const char *dir, int no);

/*
 * Write one request record that claims to come from 'pid' with 'seq':
 * valid, sealed, indistinguishable from a real client's.
 */
void
fx_forge_request(int fd, uint32_t op, int64_t a, int64_t b, pid_t pid,
                 uint32_t seq);

/* sigqueue() 'sig' with 'value' to pid; ESRCH is not an error. */
void
fx_sigqueue(pid_t pid, int sig, int value);

/*
 * A bystander: a forked process with every signal at its default action
 * and none blocked, waiting in pause(). Any protocol signal sent to it
 * kills it, so "still alive" proves nobody signalled it. 'hidden': not
 * dumpable, so that another process of its user cannot read its /proc
 * fd entries.
 */
pid_t
fx_bystander(bool hidden);

/*
 * Start argv with RLIMIT_NOFILE set to 'nofile' and stdout/stderr to the
 * named files (NULL: inherited); returns the pid.
 */
pid_t
fx_spawn_limited(const char *const argv[], int nofile, const char *out,
                 const char *err);

/*
 * Turn off AddressSanitizer's leak check in the programs this test starts
 * from now on (ASAN_OPTIONS; nothing changes in a build without it).
 */
void
fx_no_leak_check(void);

#endif /* IPCLAB_FAULTS_TESTS_H */
