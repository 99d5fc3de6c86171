/*
 * tests/faults/check_faults.c - faults injected into a system under load.
 *
 * Each test runs real clients against a real server, injects one fault
 * while they run, and asserts that every other client is still served
 * correctly (the oracle's answers, line for line) and nothing hangs:
 *
 *   kill_each_worker    SIGKILL of each processing client while it holds
 *                       a request: that request is answered with an error,
 *                       a replacement starts, the rest are answered;
 *   kill_worker_random  the same under ipclab-rc --random: that answer
 *                       counts once, as an error, not as a wrong sum;
 *   kill_client         SIGKILL of a requesting client with its result
 *                       announced in FIFO2: reclaimed after the ack
 *                       timeout, exactly the acknowledged ones delivered;
 *   stop_client         SIGSTOP of a requesting client: the same, while it
 *                       is still there, stopped;
 *   stop_mid_run        SIGINT while clients send: every request
 *                       answered (late ones "server stopping") or
 *                       dropped and counted, none lost silently;
 *   unsafe_no_ack       --unsafe-no-ack: records back to back, mixed up
 *                       and given back, every one answered;
 *   kill_server         SIGKILL of the server: every client exits with a
 *                       clear error within seconds, the orphaned workers
 *                       too, and the next server recovers the directory;
 *   flood               FIFO1 filled to the brim while the server is
 *                       stopped: back-pressure, then every request answered;
 *                       and if the server is killed then, the clients that
 *                       wait to write are told (EPIPE) and say so;
 *   stdout_gone         the reader of the server's stdout gone after
 *                       "ready": the summary cannot be written, exit 1;
 *   fd_exhaustion       a client and a server with almost no file
 *                       descriptors: a clear EMFILE error, never a crash;
 *   fd_limit_clients    a server with few descriptors to spare and many
 *                       clients at once: every one is still served;
 *   rc_memory           ipclab-rc --random with a big count: its memory
 *                       bounded by its window;
 *   failed_start        a pool that cannot start (RLIMIT_NPROC): one
 *                       error line, no FIFO and no worker left behind;
 *   full_rundir         a runtime directory on a full file system (a tiny
 *                       tmpfs in a private mount namespace): a clear
 *                       ENOSPC error.
 *
 * Run:  CK_RUN_SUITE=faults build/tests/faults
 */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "faults.h"
#include "ipclab/proc.h"
#include "ipclab/record.h"
#include "oracle.h"

static const char *const worker_names[] = {
    "ipclab-sum", "ipclab-sub", "ipclab-mul", "ipclab-div",
};

/* ---- processing clients -------------------------------------------------- */

START_TEST(test_fault_kill_each_worker)
{
    const char *work = h_tmpdir();
    struct fx_server srv;
    struct fx_summary sum;
    pid_t pids[8];
    int failed;

    /* --work-delay: a worker holds each request for 20 ms, in nanosleep */
    fx_load_prepare(work, 8, 60, 300);
    fx_server_start(&srv, h_tmpdir_path("run"),
                    (const char *[]){ "--work-delay", "20", NULL }, 0, NULL);
    fx_load_start(pids, srv.h.dir, work, 8, 4);

    for (int i = 0; i < 4; i++) {
        const char *name = worker_names[i];
        pid_t worker = fx_wait_child_named(srv.h.pid, name, 0, 10000);
        pid_t replacement;

        ck_assert_msg(worker > 0, "no %s", name);
        /* in --work-delay's sleep: it acknowledged a request and has not
           answered it yet */
        ck_assert_msg(fx_wait_in_syscall(worker, SYS_clock_nanosleep,
                                         20000),
                      "%s never seen processing a request", name);
        kill(worker, SIGKILL);
        ck_assert(h_wait_gone(worker, 10000));
        replacement = fx_wait_child_named(srv.h.pid, name, worker, 10000);
        ck_assert_msg(replacement > 0, "%s was not replaced", name);
    }

    fx_load_wait(pids, 8);
    /* the request each held, and perhaps the next one announced to it in
       FIFO3 but never read, are answered "processing client failed" */
    failed = fx_load_check(work, 8, "processing client failed");
    ck_assert_msg(failed >= 4 && failed <= 8, "%d requests failed", failed);
    fx_server_stop_ok(&srv, &sum);
    ck_assert_int_eq(sum.answered, 8 * 60);
    ck_assert_int_eq(sum.undeliverable, 0);
}
END_TEST

/* The processing client that holds a request (in --work-delay's sleep) */
static pid_t
busy_worker(pid_t server, int timeout_ms)
{
    for (int waited = 0; waited < timeout_ms; waited += 4 * 50) {
        for (int i = 0; i < 4; i++) {
            pid_t w = fx_child_named(server, worker_names[i], 0);

            if (w > 0 && fx_wait_in_syscall(w, SYS_clock_nanosleep, 50))
                return w;
        }
    }
    return 0;
}

START_TEST(test_fault_kill_worker_random)
{
    struct fx_server srv;
    struct fx_summary sum;
    const char *out = h_tmpdir_path("rc.out");
    char *text;
    pid_t rc, worker;

    fx_server_start(&srv, h_tmpdir_path("run"),
                    (const char *[]){ "--work-delay", "300", NULL }, 0, NULL);
    rc = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir", srv.h.dir,
                                   "--count", "3", "--random", "--seed", "7",
                                   NULL }, NULL, out, NULL);
    worker = busy_worker(srv.h.pid, 20000);
    ck_assert_msg(worker > 0, "no processing client seen with a request");
    kill(worker, SIGKILL);
    /* the EIO answer is an error, not a wrong sum: --help's exit 0 */
    ck_assert_int_eq(h_wait(rc, FX_RUN_MS), 0);
    text = h_read_file(out);
    ck_assert_msg(strstr(text, "wrong: 0, lost: 0") != NULL,
                  "rc said: %s", text);
    free(text);
    fx_server_stop_ok(&srv, &sum);
}
END_TEST

/* ---- requesting clients -------------------------------------------------- */

START_TEST(test_fault_kill_client_before_ack)
{
    const char *work = h_tmpdir();
    struct fx_server srv;
    struct fx_summary sum;
    pid_t pids[8], victim;

    fx_load_prepare(work, 8, 200, 400);
    oracle_workload(h_tmpdir_path("victim.in"), h_tmpdir_path("victim.exp"),
                    50, 9);
    fx_server_start(&srv, h_tmpdir_path("run"),
                    (const char *[]){ "--ack-timeout", "500", NULL }, 0,
                    NULL);
    fx_load_start(pids, srv.h.dir, work, 8, 4);
    /* dies by SIGKILL on its 5th 'ready', before reading that result */
    victim = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir",
                     srv.h.dir, "--window", "4", "--die-before-ack", "5",
                     "--file", h_tmpdir_path("victim.in"), NULL }, NULL,
                     h_tmpdir_path("victim.out"), NULL);
    ck_assert_int_eq(h_wait(victim, FX_RUN_MS), 128 + SIGKILL);

    fx_load_wait(pids, 8);
    ck_assert_int_eq(fx_load_check(work, 8, NULL), 0);
    fx_server_stop_ok(&srv, &sum);
    /* the victim's first four results were delivered, no more */
    ck_assert_int_eq(sum.answered, 8 * 200 + 4);
    ck_assert_uint_ge(sum.undeliverable, 1);
}
END_TEST

START_TEST(test_fault_stop_client)
{
    const char *work = h_tmpdir();
    struct fx_server srv;
    struct fx_summary sum;
    pid_t pids[8], victim;

    fx_load_prepare(work, 8, 200, 500);
    oracle_workload(h_tmpdir_path("victim.in"), h_tmpdir_path("victim.exp"),
                    200, 10);
    fx_server_start(&srv, h_tmpdir_path("run"),
                    (const char *[]){ "--ack-timeout", "500", NULL }, 0,
                    NULL);
    /* the server held stopped: the victim's first requests stay in flight
       while it waits in poll(), however slowly the machine runs */
    ck_assert_int_eq(kill(srv.h.pid, SIGSTOP), 0);
    victim = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir",
                     srv.h.dir, "--window", "4", "--file",
                     h_tmpdir_path("victim.in"), NULL }, NULL,
                     h_tmpdir_path("victim.out"), NULL);
    /* waiting for results, so some of its requests are in flight: stop
       it there, and their results will wait in FIFO2 for nobody */
    ck_assert(fx_wait_in_syscall(victim, SYS_poll, 10000));
    kill(victim, SIGSTOP);
    ck_assert_int_eq(kill(srv.h.pid, SIGCONT), 0);

    fx_load_start(pids, srv.h.dir, work, 8, 4);
    fx_load_wait(pids, 8);
    ck_assert_int_eq(fx_load_check(work, 8, NULL), 0);
    /* stopped while the victim still is: the server took its results
       back from FIFO2 rather than wait for it */
    fx_server_stop_ok(&srv, &sum);
    ck_assert_uint_ge(sum.undeliverable, 1);
    ck_assert_uint_ge(sum.answered, 8 * 200);
    kill(victim, SIGKILL);
    ck_assert_int_eq(h_wait(victim, 10000), 128 + SIGKILL);
}
END_TEST

/* ---- the server ---------------------------------------------------------- */

/* Peak memory (ru_maxrss, KiB) of one ipclab-rc --random run of count */
static long
rc_peak_kib(const char *dir, const char *count)
{
    struct rusage ru;
    int status;
    pid_t pid = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir", dir,
                                          "--count", count, "--random",
                                          "--window", "8", "--quiet", NULL },
                        NULL, "/dev/null", NULL);

    while (wait4(pid, &status, 0, &ru) == -1)
        ck_assert_int_eq(errno, EINTR);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "rc --count %s: status %d", count, status);
    return ru.ru_maxrss;
}

/* rc's memory is bounded by its window, not by --count */
START_TEST(test_fault_rc_memory)
{
    struct fx_server srv;
    struct fx_summary sum;
    long small, big;

    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    small = rc_peak_kib(srv.h.dir, "100");
    big = rc_peak_kib(srv.h.dir, "100000");
    /* a job kept per request would be about 10 MB more */
    ck_assert_msg(big - small < 3000, "rc peak: %ld KiB for 100 requests, "
                  "%ld KiB for 100000", small, big);
    fx_server_stop_ok(&srv, &sum);
}
END_TEST

/* Processes whose real uid is uid, as RLIMIT_NPROC counts them */
static int
processes_of(uid_t uid)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int n = 0;

    ck_assert(d != NULL);
    while ((e = readdir(d)) != NULL) {
        char path[300];
        struct stat st;

        snprintf(path, sizeof(path), "/proc/%s", e->d_name);
        if (e->d_name[0] >= '1' && e->d_name[0] <= '9' &&
            stat(path, &st) == 0 && st.st_uid == uid)
            n++;
    }
    closedir(d);
    return n;
}

#define START_UID 65534         /* nobody: root is above RLIMIT_NPROC */

/* A server whose pool cannot start (room for one fork only, by
   RLIMIT_NPROC): one error line, no FIFO left, no worker left to speak */
START_TEST(test_fault_failed_start)
{
    char parent[] = "/tmp/ipclab-start-XXXXXX", run[64], said[1024];
    const char *server = h_bin("ipclab-server");
    size_t len = 0;
    int err[2], status;
    ssize_t n;
    pid_t pid;

    ck_assert(mkdtemp(parent) != NULL);
    ck_assert(geteuid() != 0 || chown(parent, START_UID, START_UID) == 0);
    snprintf(run, sizeof(run), "%s/run", parent);
    ck_assert_int_eq(pipe(err), 0);
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        struct rlimit one;

        if (geteuid() == 0 && (setgroups(0, NULL) == -1 ||
                               setgid(START_UID) == -1 ||
                               setuid(START_UID) == -1))
            _exit(126);
        /* this process, and one fork more; so no leak check at exit
           (make sanitize), which needs a process of its own */
        one.rlim_cur = one.rlim_max = (rlim_t)processes_of(getuid()) + 1;
        if (getenv("ASAN_OPTIONS") != NULL) {
            char opts[512];

            snprintf(opts, sizeof(opts), "%s:detect_leaks=0",
                     getenv("ASAN_OPTIONS"));
            setenv("ASAN_OPTIONS", opts, 1);
        }
        if (setrlimit(RLIMIT_NPROC, &one) == -1 ||
            dup2(err[1], STDERR_FILENO) == -1)
            _exit(126);
        close(err[0]);
        close(err[1]);
        execl(server, server, "--dir", run, (char *)NULL);
        _exit(127);
    }
    close(err[1]);
    /* until every writer is gone: the server, and any worker it left */
    while (len + 1 < sizeof(said) &&
           (n = read(err[0], said + len, sizeof(said) - 1 - len)) > 0)
        len += (size_t)n;
    said[len] = '\0';
    close(err[0]);
    status = h_wait(pid, 10000);
    ck_assert_msg(status == 1, "exit %d: %s", status, said);
    ck_assert_msg(h_count_lines(said, ": ") == 1 &&
                  strstr(said, "cannot start the processing clients") != NULL,
                  "stderr: %s", said);
    for (int no = 1; no <= 4; no++) {
        char fifo[96];

        snprintf(fifo, sizeof(fifo), "%s/fifo%d", run, no);
        ck_assert_msg(access(fifo, F_OK) == -1, "%s left behind", fifo);
    }
    h_rmtree(parent);
}
END_TEST

/* A server with 'options', and six clients of 'count' requests each
   sending with 'window'; returns their work directory */
static const char *
six_clients(struct fx_server *srv, pid_t pids[6], const char *const options[],
            int count, int window)
{
    const char *work = h_tmpdir();

    fx_load_prepare(work, 6, count, 400 + (unsigned int)count);
    fx_server_start(srv, h_tmpdir_path("run"), options, 0, NULL);
    fx_load_start(pids, srv->h.dir, work, 6, window);
    return work;
}

/* SIGINT while clients keep sending: what was in flight is answered, a
   request sent later is answered "server stopping", or at the very end
   dropped and counted; one the server never read (written after it
   stopped, or never written) is "no answer" at its client, which exits
   1. None is lost silently: every request has its line at its client,
   and the server accounts for every one its clients did not lose */
START_TEST(test_fault_stop_mid_run)
{
    struct fx_server srv;
    struct fx_summary sum;
    char tail[4096], path[PATH_MAX];
    unsigned long lost = 0, seen;
    pid_t pids[6], worker;
    const char *work;

    work = six_clients(&srv, pids, (const char *[]){ "--work-delay", "20",
                                                     NULL }, 10, 2);
    worker = busy_worker(srv.h.pid, 20000);
    ck_assert_msg(worker > 0, "no processing client seen with a request");
    ck_assert_int_eq(fx_server_stop(&srv, 30000, tail, sizeof(tail)), 0);
    for (int k = 0; k < 6; k++) {
        int status = h_wait(pids[k], FX_RUN_MS);
        char *got, *want;
        int n;

        ck_assert_msg(status == 0 || status == 1, "client %d: %d", k, status);
        got = h_read_file(fx_client_file(path, sizeof(path), work, k, "out"));
        want = h_read_file(fx_client_file(path, sizeof(path), work, k,
                                          "expect"));
        ck_assert_ptr_nonnull(got);
        ck_assert_ptr_nonnull(want);
        oracle_compare(got, want, "server stopping|no answer");
        n = h_count_lines(got, ": no answer");
        ck_assert_msg(n == 0 || status == 1, "client %d: %d lost, exit 0",
                      k, n);
        lost += (unsigned long)n;
        free(got);
        free(want);
    }
    fx_summary(tail, &sum);
    seen = sum.answered + sum.undeliverable + sum.dropped;
    ck_assert_msg(seen <= 6 * 10 && seen + lost >= 6 * 10,
                  "%lu answered + %lu undeliverable + %lu dropped, and %lu "
                  "lost at the clients, of 60 requests", sum.answered,
                  sum.undeliverable, sum.dropped, lost);
}
END_TEST

/* --unsafe-no-ack writes records back to back: readers mix them up and
   give back another's (lab 04); the server never reads its own out */
START_TEST(test_fault_unsafe_no_ack)
{
    struct fx_server srv;
    struct fx_summary sum;
    pid_t pids[6];
    const char *work = six_clients(&srv, pids,
                                   (const char *[]){ "--unsafe-no-ack", NULL },
                                   5, 3);

    fx_load_wait(pids, 6);
    ck_assert_int_eq(fx_load_check(work, 6, NULL), 0);
    fx_server_stop_ok(&srv, &sum);
    ck_assert_msg(sum.answered == 6 * 5 && sum.undeliverable == 0,
                  "%lu answered, %lu undeliverable", sum.answered,
                  sum.undeliverable);
}
END_TEST

START_TEST(test_fault_kill_server)
{
    struct fx_server srv;
    pid_t pids[8], workers[16];
    char fifo2[PATH_MAX + 16];
    int n;
    char *out;

    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    snprintf(fifo2, sizeof(fifo2), "%s/fifo2", srv.h.dir);
    for (int k = 0; k < 8; k++) {
        char out_name[32], err_name[32];

        snprintf(out_name, sizeof(out_name), "rc%d.out", k);
        snprintf(err_name, sizeof(err_name), "rc%d.err", k);
        pids[k] = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir",
                          srv.h.dir, "--count", "200000", "--random",
                          "--window", "4", "--quiet", NULL }, NULL,
                          h_tmpdir_path(out_name), h_tmpdir_path(err_name));
    }
    /* every client connected (FIFO2 open), so it is sending or waiting */
    for (int k = 0; k < 8; k++)
        ck_assert(fx_wait_has_open(pids[k], fifo2, O_RDONLY, 10000));
    n = h_children(srv.h.pid, workers, 16);
    ck_assert_int_eq(n, 4);

    kill(srv.h.pid, SIGKILL);
    ck_assert_int_eq(h_wait(srv.child, 10000), 128 + SIGKILL);
    close(srv.h.out_fd);

    /* each client: exit 1 within seconds, with a clear one-line reason */
    for (int k = 0; k < 8; k++) {
        char name[32], *err;

        ck_assert_int_eq(h_wait(pids[k], 5000), 1);
        snprintf(name, sizeof(name), "rc%d.err", k);
        err = h_read_file(h_tmpdir_path(name));
        ck_assert_msg(err != NULL && h_count_lines(err, "server") == 1 &&
                      h_count_lines(err, "ipclab-rc: ") == 1,
                      "client %d said: '%s'", k, err);
        free(err);
    }
    for (int i = 0; i < n; i++) {
        char text[256];

        ck_assert_msg(h_wait_gone(workers[i], 5000), "orphan worker %d: %s",
                      (int)workers[i],
                      h_proc_describe(workers[i], text, sizeof(text)));
    }

    /* the next server recovers the directory and serves */
    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-rc"), "--dir",
                     srv.h.dir, "2", "+", "3", NULL }, NULL,
                     h_tmpdir_path("out"), NULL, FX_RUN_MS), 0);
    out = h_read_file(h_tmpdir_path("out"));
    ck_assert_str_eq(out, "2 + 3 = 5\n");
    free(out);
    ck_assert_int_eq(fx_server_stop(&srv, 10000, NULL, 0), 0);
}
END_TEST

/*
 * Stop the server, and start 32 clients with windows of 64 on it: 2,048
 * requests for FIFO1, which holds 1,168. Returns when it is full, the
 * clients that could not write waiting in write() for room.
 */
static void
fill_fifo1(struct fx_server *srv, pid_t pids[], const char *work)
{
    const int rec = (int)sizeof(struct ipc_record);
    char fifo1[PATH_MAX + 16];
    int fd, capacity, page, full, waiting = 0;
    int64_t deadline;

    kill(srv->h.pid, SIGSTOP);
    fx_load_start(pids, srv->h.dir, work, 32, 64);

    /* our own read end, never read: it only lets us see how full it is */
    snprintf(fifo1, sizeof(fifo1), "%s/fifo1", srv->h.dir);
    fd = open(fifo1, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    ck_assert_int_ne(fd, -1);
    /* full: a pipe is a ring of pages, and a record never straddles two
       (each write() is atomic), so each page holds 73 records of 56
       bytes, and the 64 KiB FIFO 16 * 73 of them */
    capacity = fcntl(fd, F_GETPIPE_SZ);
    page = (int)sysconf(_SC_PAGESIZE);
    ck_assert_int_gt(capacity, 0);
    full = capacity / page * (page / rec * rec);
    deadline = ipc_deadline_ms(20000);
    while (waiting < full && ipc_ms_until(deadline) > 0) {
        struct pollfd none = { .fd = -1 };

        ck_assert_int_eq(ioctl(fd, FIONREAD, &waiting), 0);
        poll(&none, 1, 1);      /* look again in a millisecond */
    }
    ck_assert_msg(waiting == full, "FIFO1 holds %d bytes, not %d", waiting,
                  full);
    close(fd);
}

/* FIFO1 full: back-pressure, then the server, which holds at most 1,024
   requests at once, drains it all */
START_TEST(test_fault_flood_fifo1)
{
    const char *work = h_tmpdir();
    struct fx_server srv;
    struct fx_summary sum;
    pid_t pids[32];

    fx_load_prepare(work, 32, 200, 600);
    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    fill_fifo1(&srv, pids, work);
    kill(srv.h.pid, SIGCONT);

    fx_load_wait(pids, 32);
    ck_assert_int_eq(fx_load_check(work, 32, NULL), 0);
    fx_server_stop_ok(&srv, &sum);
    ck_assert_int_eq(sum.answered, 32 * 200);
    ck_assert_int_eq(sum.undeliverable, 0);
    ck_assert_int_eq(sum.dropped, 0);
}
END_TEST

/* FIFO1 full and the server killed: clients waiting to write learn it
   too (EPIPE), and say so */
START_TEST(test_fault_kill_server_while_full)
{
    const char *work = h_tmpdir();
    struct fx_server srv;
    pid_t pids[32];

    fx_load_prepare(work, 32, 200, 650);
    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    fill_fifo1(&srv, pids, work);
    kill(srv.h.pid, SIGKILL);
    ck_assert_int_eq(h_wait(srv.child, 10000), 128 + SIGKILL);
    close(srv.h.out_fd);

    for (int k = 0; k < 32; k++) {
        char name[32], *err;

        ck_assert_int_eq(h_wait(pids[k], 5000), 1);
        snprintf(name, sizeof(name), "rc%d.err", k);
        err = h_read_file(h_tmpdir_path(name));
        ck_assert_msg(err != NULL && h_count_lines(err, "server") == 1 &&
                      h_count_lines(err, "ipclab-rc: ") == 1,
                      "client %d said: '%s'", k, err);
        free(err);
    }
}
END_TEST

START_TEST(test_fault_stdout_gone)
{
    struct fx_server srv;

    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    /* nobody reads the server's stdout any more: its summary gets EPIPE */
    close(srv.h.out_fd);
    srv.h.out_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    ck_assert_int_ne(srv.h.out_fd, -1);
    ck_assert_int_eq(fx_server_stop(&srv, 20000, NULL, 0), 1);
}
END_TEST

/* ---- resources ----------------------------------------------------------- */

/*
 * Start a server with RLIMIT_NOFILE 'nofile' on 'dir', with the
 * NULL-terminated 'extra' options (may be NULL). Returns true when it got
 * ready (into *srv); false when it exited, with its exit status in
 * *status and its stderr in err_path.
 */
static bool
server_with_nofile(struct h_server *srv, const char *dir, int nofile,
                   const char *const extra[], const char *err_path,
                   int *status)
{
    const char *argv[16] = { "prlimit", NULL, "--", h_bin("ipclab-server"),
                             "--dir", dir };
    char limit[32];
    int n = 6;

    snprintf(limit, sizeof(limit), "--nofile=%d", nofile);
    argv[1] = limit;
    for (; extra != NULL && *extra != NULL && n < 15; extra++)
        argv[n++] = *extra;
    return h_server_try(srv, dir, argv, err_path, 20000, status);
}

START_TEST(test_fault_fd_exhaustion)
{
    struct fx_server srv;
    bool client_emfile = false, server_emfile = false;
    int client_ok = 0, server_ok = 0;

    /* in a sanitized build (make sanitize), the leak checker needs
       descriptors of its own at exit: without any, it adds its own error */
    fx_no_leak_check();

    /* a client: from 3 descriptors (only stdin, stdout, stderr) up */
    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    for (int n = 3; n <= 32 && client_ok == 0; n++) {
        pid_t pid = fx_spawn_limited((const char *[]){ h_bin("ipclab-rc"),
                                     "--dir", srv.h.dir, "6", "*", "7",
                                     NULL }, n, h_tmpdir_path("out"),
                                     h_tmpdir_path("err"));
        int status = h_wait(pid, 20000);
        char *out = h_read_file(h_tmpdir_path("out"));
        char *err = h_read_file(h_tmpdir_path("err"));

        if (status == 0) {
            ck_assert_str_eq(out, "6 * 7 = 42\n");
            client_ok = n;
        } else if (status == 1) {
            /* ours: one line that names the cause */
            ck_assert_msg(h_count_lines(err, "EMFILE") == 1 &&
                          h_count_lines(err, "") == 1,
                          "nofile %d: '%s'", n, err);
            client_emfile = true;
        } else {
            /* 127: the dynamic loader could not open our libraries,
               before main(); anything else is a crash */
            ck_assert_msg(status == 127, "nofile %d: exit %d: %s", n,
                          status, err);
        }
        free(out);
        free(err);
    }
    ck_assert_msg(client_emfile, "no client failed with EMFILE");
    ck_assert_int_gt(client_ok, 0);
    ck_assert_int_eq(fx_server_stop(&srv, 10000, NULL, 0), 0);

    /* a server, same again: each failed start leaves a directory the
       next one recovers */
    for (int n = 3; n <= 64 && server_ok == 0; n++) {
        int status;

        struct h_server srv2;

        if (server_with_nofile(&srv2, h_tmpdir_path("run2"), n, NULL,
                               h_tmpdir_path("err"), &status)) {
            ck_assert_int_eq(h_server_stop(&srv2, 20000, NULL, 0), 0);
            server_ok = n;
        } else {
            char *err = h_read_file(h_tmpdir_path("err"));

            if (status == 1) {
                ck_assert_msg(h_count_lines(err, "EMFILE") == 1,
                              "nofile %d: '%s'", n, err);
                server_emfile = true;
            } else {
                ck_assert_msg(status == 127, "nofile %d: exit %d: %s", n,
                              status, err);
            }
            free(err);
        }
    }
    ck_assert_msg(server_emfile, "no server failed with EMFILE");
    ck_assert_int_gt(server_ok, 0);
}
END_TEST

START_TEST(test_fault_fd_limit_clients)
{
    const char *work = h_tmpdir();
    struct h_server srv;
    struct fx_summary sum;
    char tail[512];
    pid_t pids[24];
    int status = 0, n = 3;

    /* the fewest descriptors a server starts with, and more clients at
       once than it has descriptors to spare: every one is served */
    fx_no_leak_check();
    fx_load_prepare(work, 24, 20, 400);
    while (!server_with_nofile(&srv, h_tmpdir_path("run"), n,
                               (const char *[]){ "--work-delay", "2", NULL },
                               h_tmpdir_path("err"), &status)) {
        ck_assert_msg(status == 1 || status == 127, "nofile %d: exit %d",
                      n, status);
        ck_assert_int_lt(++n, 64);
    }
    fx_load_start(pids, srv.dir, work, 24, 2);
    fx_load_wait(pids, 24);
    ck_assert_int_eq(fx_load_check(work, 24, NULL), 0);
    ck_assert_int_eq(h_server_stop(&srv, 30000, tail, sizeof(tail)), 0);
    fx_summary(tail, &sum);
    ck_assert_int_eq(sum.dropped, 0);
}
END_TEST

/* A server whose queue of real-time signals is full (RLIMIT_SIGPENDING 0
   here; a flood of signals queued to stopped processes of the user does
   the same): every ack to it fails (EAGAIN). The worker and the client
   have read their records, so the answer still arrives, and is kept */
START_TEST(test_fault_no_signal_queue)
{
    const struct rlimit none = { 0, 0 };
    struct h_server srv;
    char *out;

    h_server_start(&srv, h_tmpdir_path("run"),
                   (const char *[]){ "--ack-timeout", "100", NULL });
    ck_assert_int_eq(prlimit(srv.pid, RLIMIT_SIGPENDING, &none, NULL), 0);
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-rc"), "--dir",
                           srv.dir, "6", "*", "7", NULL }, NULL,
                           h_tmpdir_path("out"), NULL, 30000), 0);
    out = h_read_file(h_tmpdir_path("out"));
    ck_assert_str_eq(out, "6 * 7 = 42\n");
    free(out);
    ck_assert_int_eq(h_server_stop(&srv, 30000, NULL, 0), 0);
}
END_TEST

/* Write to file 'path' until the file system is full (ENOSPC). */
static void
fill_up(const char *path)
{
    char junk[4096] = { 0 };
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

    ck_assert_msg(fd != -1, "cannot create '%s': %s", path, strerror(errno));
    while (write(fd, junk, sizeof(junk)) > 0)
        ;
    ck_assert_msg(errno == ENOSPC, "filling '%s': %s", path,
                  strerror(errno));
    close(fd);
}

START_TEST(test_fault_full_rundir)
{
    /*
     * nr_inodes 1..6 runs out at each thing the server creates in turn
     * (the root of the tmpfs takes one): the directory, server.lock,
     * fifo1, fifo4, fifo2, fifo3; 8 is enough. Last, inodes to spare
     * but no block left for the text of server.lock.
     */
    static const struct { int inodes, kib; bool fill, ready; } cases[] = {
        { 1, 64, false, false }, { 2, 64, false, false },
        { 3, 64, false, false }, { 4, 64, false, false },
        { 5, 64, false, false }, { 6, 64, false, false },
        { 8, 64, false, true }, { 16, 4, true, false },
    };
    const char *mnt = h_tmpdir_path("mnt"), *err_path = h_tmpdir_path("err");
    char run[PATH_MAX], filler[PATH_MAX];

    snprintf(run, sizeof(run), "%s/run", mnt);
    snprintf(filler, sizeof(filler), "%s/filler", mnt);
    ck_assert_int_eq(mkdir(mnt, 0700), 0);
    /* a mount namespace of this test's process (Check forks one per
       test): its tmpfs is seen by it and the servers it starts only */
    if (unshare(CLONE_NEWNS) == -1 ||
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
        h_skip("cannot make a mount namespace here (needs root and "
               "CAP_SYS_ADMIN): full directory not simulated");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct h_server srv;
        char opts[64], *err;
        int status;
        bool ready;

        snprintf(opts, sizeof(opts), "size=%dk,nr_inodes=%d,mode=0700",
                 cases[i].kib, cases[i].inodes);
        ck_assert_msg(mount("tmpfs", mnt, "tmpfs", 0, opts) == 0,
                      "mount tmpfs %s: %s", opts, strerror(errno));
        if (cases[i].fill)
            fill_up(filler);
        ready = h_server_try(&srv, run, (const char *[]){
                             h_bin("ipclab-server"), "--dir", run, NULL },
                             err_path, 20000, &status);
        if (ready)
            status = h_server_stop(&srv, 20000, NULL, 0);
        /* a failed start leaves no FIFO, and no lock it could remove */
        ck_assert_msg(access(run, F_OK) == -1 || fx_count_entries(run) == 0,
                      "inodes %d: %d left in %s", cases[i].inodes,
                      fx_count_entries(run), run);
        ck_assert_msg(umount(mnt) == 0, "umount %s: %s", mnt,
                      strerror(errno));
        err = h_read_file(err_path);
        if (cases[i].ready) {
            ck_assert_msg(ready && status == 0, "inodes %d: exit %d: %s",
                          cases[i].inodes, status, err);
        } else {
            ck_assert_msg(!ready && status == 1 &&
                          h_count_lines(err, "ENOSPC") == 1,
                          "inodes %d, %d KiB%s: exit %d: '%s'",
                          cases[i].inodes, cases[i].kib,
                          cases[i].fill ? " full" : "", status, err);
        }
        free(err);
    }
}
END_TEST

Suite *
faults_suite(void)
{
    Suite *s = suite_create("faults");
    TCase *workers = h_tcase(s, "workers", 120);
    TCase *clients = h_tcase(s, "clients", 120);
    TCase *server = h_tcase(s, "server", 120);
    TCase *resources = h_tcase(s, "resources", 120);

    tcase_add_test(workers, test_fault_kill_each_worker);
    tcase_add_test(workers, test_fault_kill_worker_random);
    tcase_add_test(clients, test_fault_kill_client_before_ack);
    tcase_add_test(clients, test_fault_stop_client);
    tcase_add_test(server, test_fault_kill_server);
    tcase_add_test(server, test_fault_unsafe_no_ack);
    tcase_add_test(server, test_fault_stop_mid_run);
    tcase_add_test(server, test_fault_flood_fifo1);
    tcase_add_test(server, test_fault_kill_server_while_full);
    tcase_add_test(server, test_fault_stdout_gone);
    tcase_add_test(resources, test_fault_fd_exhaustion);
    tcase_add_test(resources, test_fault_fd_limit_clients);
    tcase_add_test(resources, test_fault_full_rundir);
    tcase_add_test(resources, test_fault_failed_start);
    tcase_add_test(resources, test_fault_rc_memory);
    tcase_add_test(resources, test_fault_no_signal_queue);
    return s;
}
