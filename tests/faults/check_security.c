/*
 * tests/faults/check_security.c - what the kit refuses, and what it hides.
 *
 * The threat model is docs/security.md. Here, each defence is tried:
 *
 *   unsafe_dir      a runtime directory that is a symlink, owned by
 *                   someone else, writable by group or others, or not a
 *                   directory: server, client and worker refuse it, with
 *                   the errno that says why, and create nothing in it;
 *   modes           with umask 0, the directory is still 0700 and the
 *                   FIFOs and lock 0600, all ours;
 *   descriptors     every FIFO the server, a worker or a client opens is
 *                   O_CLOEXEC and O_NOFOLLOW (/proc/PID/fdinfo), and a
 *                   worker holds nothing of its server's but stdio and its
 *                   own two FIFO ends (/proc/PID/fd);
 *   client_pidfds   the server holds one close-on-exec pidfd per
 *                   connected client, and none once its clients are gone;
 *   planted         a regular file or a symlink where a FIFO should be:
 *                   a client refuses to open it;
 *   planted_lock    a FIFO where server.lock should be: a client and a
 *                   server refuse it at once (EINVAL), never wait on it;
 *   fake_pid        a request naming another process's pid (a bystander,
 *                   one that hides its files from its own user,
 *                   the server itself, a worker, a live client) sends
 *                   nothing to anybody but that client: the bystander,
 *                   server and worker live on, the forger gets nothing.
 *
 * Run:  CK_RUN_SUITE=security build/tests/faults
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "faults.h"
#include "ipclab/proc.h"
#include "ipclab/record.h"
#include "ipclab/sig.h"
#include "rawclient.h"

/* ---- the runtime directory ----------------------------------------------- */

static const struct {
    const char *what;
    const char *errno_name;     /* what every program must say */
} unsafe[] = {
    { "symlink", "ELOOP" },
    { "owner", "EPERM" },
    { "group-writable", "EACCES" },
    { "other-writable", "EACCES" },
    { "sticky-world-writable", "EACCES" },
    { "regular file", "ENOTDIR" },
};

START_TEST(test_security_unsafe_dir_refused)
{
    static const char *const programs[][6] = {
        { "ipclab-server", NULL },
        { "ipclab-rc", "1", "+", "1", NULL },
        { "ipclab-sum", NULL },
    };
    const char *dir = h_tmpdir_path("run");
    const char *real = h_tmpdir_path("real");   /* what must stay empty */

    switch (_i) {
    case 0:
        ck_assert_int_eq(mkdir(real, 0700), 0);
        ck_assert_int_eq(symlink(real, dir), 0);
        break;
    case 1:
        ck_assert_int_eq(mkdir(dir, 0700), 0);
        if (chown(dir, 65534, 65534) == -1)
            h_skip("cannot chown (not root): foreign owner not tested");
        real = dir;
        break;
    case 2: case 3: case 4:
        ck_assert_int_eq(mkdir(dir, 0700), 0);
        ck_assert_int_eq(chmod(dir, _i == 2 ? 0770 : _i == 3 ? 0707
                                                             : 01777), 0);
        real = dir;
        break;
    case 5:
        h_write_file(dir, "not a directory\n");
        real = NULL;
        break;
    }
    for (size_t p = 0; p < sizeof(programs) / sizeof(programs[0]); p++) {
        const char *argv[10] = { h_bin(programs[p][0]), "--dir", dir };
        char *err;
        int status;

        for (int i = 1; programs[p][i] != NULL; i++)
            argv[2 + i] = programs[p][i];
        status = h_run(argv, NULL, NULL, h_tmpdir_path("err"), 10000);
        err = h_read_file(h_tmpdir_path("err"));
        ck_assert_msg(status == 1 &&
                      h_count_lines(err, unsafe[_i].errno_name) == 1,
                      "%s on a %s directory: exit %d: %s", programs[p][0],
                      unsafe[_i].what, status, err);
        free(err);
    }
    if (real != NULL)
        ck_assert_int_eq(fx_count_entries(real), 0);
}
END_TEST

START_TEST(test_security_modes)
{
    static const char *const files[] = {
        "fifo1", "fifo2", "fifo3", "fifo4", "server.lock",
    };
    struct fx_server srv;
    struct stat st;

    /* umask 0: the modes come from the code, not from a careful umask */
    fx_server_start(&srv, h_tmpdir_path("run"), NULL, FX_UMASK0, NULL);
    ck_assert_int_eq(lstat(srv.h.dir, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_uint_eq(st.st_mode & 07777, 0700);
    ck_assert_uint_eq(st.st_uid, geteuid());
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char path[PATH_MAX + 16];

        snprintf(path, sizeof(path), "%s/%s", srv.h.dir, files[i]);
        ck_assert_int_eq(lstat(path, &st), 0);
        ck_assert_msg(i == 4 ? S_ISREG(st.st_mode) : S_ISFIFO(st.st_mode),
                      "%s: wrong type", files[i]);
        ck_assert_msg((st.st_mode & 07777) == 0600, "%s: mode %o", files[i],
                      (unsigned int)(st.st_mode & 07777));
        ck_assert_uint_eq(st.st_uid, geteuid());
    }
    ck_assert_int_eq(fx_server_stop(&srv, 10000, NULL, 0), 0);
}
END_TEST

/* ---- descriptors ---------------------------------------------------------- */

struct fd_info {
    int fd;
    int flags;
    dev_t dev;
    ino_t ino;
    char link[PATH_MAX];
};

/* The descriptors of process pid above 2 into fds[]; returns how many */
static int
list_fds(pid_t pid, struct fd_info fds[], int max)
{
    char dir[64], path[64 + NAME_MAX + 2];
    struct dirent *e;
    struct stat st;
    int n = 0;
    DIR *d;

    snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
    d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL && n < max) {
        struct fd_info *f = &fds[n];
        ssize_t len;

        if (e->d_name[0] == '.' || (f->fd = atoi(e->d_name)) <= 2)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        len = readlink(path, f->link, sizeof(f->link) - 1);
        if (len == -1 || stat(path, &st) == -1)
            continue;           /* closed meanwhile */
        f->link[len] = '\0';
        f->dev = st.st_dev;
        f->ino = st.st_ino;
        f->flags = fx_fd_flags(pid, f->fd);
        n++;
    }
    closedir(d);
    return n;
}

static void
stat_fifo(const char *dir, int no, struct stat *st)
{
    char path[PATH_MAX + 16];

    snprintf(path, sizeof(path), "%s/fifo%d", dir, no);
    ck_assert_int_eq(stat(path, st), 0);
}

/* Every descriptor of pid on one of the FIFOs is CLOEXEC and NOFOLLOW */
static int
check_fifo_fds(pid_t pid, const char *role, const char *dir)
{
    struct fd_info fds[64];
    int n = list_fds(pid, fds, 64), fifos = 0;

    for (int i = 0; i < n; i++) {
        if (strncmp(fds[i].link, dir, strlen(dir)) != 0)
            continue;
        fifos++;
        ck_assert_msg(fds[i].flags & O_CLOEXEC, "%s fd %d (%s): no "
                      "O_CLOEXEC", role, fds[i].fd, fds[i].link);
        if (strstr(fds[i].link, "/fifo") != NULL)
            ck_assert_msg(fds[i].flags & O_NOFOLLOW, "%s fd %d (%s): no "
                          "O_NOFOLLOW", role, fds[i].fd, fds[i].link);
    }
    return fifos;
}

/* Wait until child pid runs its own program, no longer a server's copy */
static bool
wait_exec(pid_t pid, int timeout_ms)
{
    int64_t deadline = ipc_deadline_ms(timeout_ms);
    char path[64], exe[PATH_MAX];

    snprintf(path, sizeof(path), "/proc/%ld/exe", (long)pid);
    for (;;) {
        ssize_t n = readlink(path, exe, sizeof(exe) - 1);

        if (n > 0) {
            exe[n] = '\0';
            if (strstr(exe, "/ipclab-server") == NULL)
                return true;
        }
        if (ipc_ms_until(deadline) == 0 || h_wait_gone(pid, 1))
            return false;
    }
}

START_TEST(test_security_descriptors)
{
    struct fx_server srv;
    struct fd_info server_fds[64];
    struct stat fifo3, fifo4;
    pid_t workers[8], rc;
    int nserver, nworkers;
    char fifo2[PATH_MAX + 16];

    /* nothing inherited from the test (ipc_server_start()): every fd
       above 2 is the kit's */
    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    nserver = list_fds(srv.h.pid, server_fds, 64);
    for (int i = 0; i < nserver; i++) {
        /* the directory, the FIFOs, the lock, the signalfd, the epoll
           set: none may cross an exec */
        if (strncmp(server_fds[i].link, srv.h.dir, strlen(srv.h.dir)) == 0 ||
            strstr(server_fds[i].link, "signalfd") != NULL ||
            strstr(server_fds[i].link, "eventpoll") != NULL)
            ck_assert_msg(server_fds[i].flags & O_CLOEXEC,
                          "server fd %d (%s): no O_CLOEXEC",
                          server_fds[i].fd, server_fds[i].link);
    }
    /* both ends of four FIFOs, the lock, and the directory itself */
    ck_assert_int_eq(check_fifo_fds(srv.h.pid, "server", srv.h.dir), 10);

    stat_fifo(srv.h.dir, 3, &fifo3);
    stat_fifo(srv.h.dir, 4, &fifo4);
    nworkers = h_children(srv.h.pid, workers, 8);
    ck_assert_int_eq(nworkers, 4);
    for (int w = 0; w < nworkers; w++) {
        char path4[PATH_MAX + 16];
        struct fd_info fds[64];
        int n, reads3 = 0, writes4 = 0;

        /* a child between fork() and exec() still holds the server's
           descriptors: wait for the exec, then for it to open FIFO4 */
        ck_assert(wait_exec(workers[w], 10000));
        snprintf(path4, sizeof(path4), "%s/fifo4", srv.h.dir);
        ck_assert(fx_wait_has_open(workers[w], path4, O_WRONLY, 10000));
        n = list_fds(workers[w], fds, 64);
        ck_assert_int_eq(check_fifo_fds(workers[w], "worker", srv.h.dir), 2);
        for (int i = 0; i < n; i++) {
            int mode = fds[i].flags & O_ACCMODE;

            if (fds[i].dev == fifo3.st_dev && fds[i].ino == fifo3.st_ino &&
                mode == O_RDONLY) {
                reads3++;
                continue;
            }
            if (fds[i].dev == fifo4.st_dev && fds[i].ino == fifo4.st_ino &&
                mode == O_WRONLY) {
                writes4++;
                continue;
            }
            /* anything else is the worker's own (the tracer's, when a
               session daemon runs), never something its server holds */
            for (int j = 0; j < nserver; j++)
                ck_assert_msg(fds[i].dev != server_fds[j].dev ||
                              fds[i].ino != server_fds[j].ino,
                              "worker %d inherited fd %d (%s)",
                              (int)workers[w], fds[i].fd, fds[i].link);
        }
        ck_assert_int_eq(reads3, 1);
        ck_assert_int_eq(writes4, 1);
    }

    /* a client: its FIFO ends, while it is connected */
    snprintf(fifo2, sizeof(fifo2), "%s/fifo2", srv.h.dir);
    rc = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir", srv.h.dir,
                 "--count", "10000000", "--random", "--quiet", NULL }, NULL,
                 "/dev/null", NULL);
    ck_assert(fx_wait_has_open(rc, fifo2, O_RDONLY, 10000));
    /* FIFO1 and FIFO2, and FIFO4 to give back a record not its own */
    ck_assert_int_eq(check_fifo_fds(rc, "client", srv.h.dir), 3);
    kill(rc, SIGKILL);
    ck_assert_int_eq(h_wait(rc, 10000), 128 + SIGKILL);
    ck_assert_int_eq(fx_server_stop(&srv, 10000, NULL, 0), 0);
}
END_TEST

/* How many pidfds process pid holds; each one must be close-on-exec */
static int
count_pidfds(pid_t pid)
{
    struct fd_info fds[300];
    int n = list_fds(pid, fds, 300), pidfds = 0;

    for (int i = 0; i < n; i++) {
        if (strstr(fds[i].link, "pidfd") == NULL)
            continue;
        ck_assert_msg(fds[i].flags & O_CLOEXEC, "pidfd %d: no O_CLOEXEC",
                      fds[i].fd);
        pidfds++;
    }
    return pidfds;
}

/* Wait until pid holds 'want' pidfds; returns how many it holds */
static int
wait_pidfds(pid_t pid, int want, int timeout_ms)
{
    int64_t deadline = ipc_deadline_ms(timeout_ms);
    int n;

    while ((n = count_pidfds(pid)) != want && ipc_ms_until(deadline) > 0)
        ipc_sleep_ms(10);
    return n;
}

/*
 * The server remembers each client it has checked through a pidfd
 * (src/server/clients.c) and closes it when the client exits: clients
 * that come and go leave nothing behind, and a client that is still
 * connected keeps exactly one.
 */
START_TEST(test_security_client_pidfds)
{
    struct fx_server srv;
    char fifo2[PATH_MAX + 16], out[PATH_MAX];
    pid_t rc;

    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    ck_assert_int_eq(count_pidfds(srv.h.pid), 0);
    snprintf(out, sizeof(out), "%s", h_tmpdir_path("rc.out"));
    for (int i = 0; i < 20; i++)
        ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-rc"),
                         "--dir", srv.h.dir, "6", "*", "7", NULL }, NULL,
                         out, NULL, 10000), 0);
    ck_assert_int_eq(wait_pidfds(srv.h.pid, 0, 10000), 0);

    snprintf(fifo2, sizeof(fifo2), "%s/fifo2", srv.h.dir);
    rc = h_spawn((const char *[]){ h_bin("ipclab-rc"), "--dir", srv.h.dir,
                 "--count", "10000000", "--random", "--quiet", NULL }, NULL,
                 "/dev/null", NULL);
    ck_assert(fx_wait_has_open(rc, fifo2, O_RDONLY, 10000));
    ck_assert_int_eq(wait_pidfds(srv.h.pid, 1, 10000), 1);
    kill(rc, SIGKILL);
    ck_assert_int_eq(h_wait(rc, 10000), 128 + SIGKILL);
    ck_assert_int_eq(wait_pidfds(srv.h.pid, 0, 10000), 0);
    ck_assert_int_eq(fx_server_stop(&srv, 10000, NULL, 0), 0);
}
END_TEST

/* A client refuses a file or a symlink planted where a FIFO should be,
   saying "not a FIFO" for the file */
START_TEST(test_security_planted_files)
{
    struct fx_server srv;
    char fifo[PATH_MAX + 16], saved[PATH_MAX + 16], *err, *out;
    const char *rc[] = { h_bin("ipclab-rc"), "--dir", NULL, "6", "*", "7",
                         NULL };

    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    rc[2] = srv.h.dir;
    for (int no = 1; no <= 2; no++) {
        snprintf(fifo, sizeof(fifo), "%s/fifo%d", srv.h.dir, no);
        snprintf(saved, sizeof(saved), "%s/saved%d", srv.h.dir, no);
        ck_assert_int_eq(rename(fifo, saved), 0);

        h_write_file(fifo, "");                 /* a regular file */
        ck_assert_int_eq(h_run(rc, NULL, NULL, h_tmpdir_path("err"), 10000),
                         1);
        err = h_read_file(h_tmpdir_path("err"));
        ck_assert_msg(h_count_lines(err, "': not a FIFO") == 1, "fifo%d: %s",
                      no, err);
        free(err);
        ck_assert_int_eq(unlink(fifo), 0);

        ck_assert_int_eq(symlink(saved, fifo), 0);  /* a symlink to it */
        ck_assert_int_eq(h_run(rc, NULL, NULL, h_tmpdir_path("err"), 10000),
                         1);
        err = h_read_file(h_tmpdir_path("err"));
        ck_assert_msg(h_count_lines(err, "ELOOP") == 1, "fifo%d: %s", no,
                      err);
        free(err);
        ck_assert_int_eq(unlink(fifo), 0);
        ck_assert_int_eq(rename(saved, fifo), 0);
    }
    /* the real FIFOs back in place: served again */
    ck_assert_int_eq(h_run(rc, NULL, h_tmpdir_path("out"), NULL, 10000), 0);
    out = h_read_file(h_tmpdir_path("out"));
    ck_assert_str_eq(out, "6 * 7 = 42\n");
    free(out);
    ck_assert_int_eq(fx_server_stop(&srv, 10000, NULL, 0), 0);
}
END_TEST

/* A FIFO as server.lock: opening it to read would wait for a writer;
   both programs refuse it, saying "not a regular file" (not EINVAL) */
START_TEST(test_security_planted_lock)
{
    const char *dir = h_tmpdir_path("run");
    char lock[PATH_MAX + 16], *err;

    snprintf(lock, sizeof(lock), "%s/server.lock", dir);
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    ck_assert_int_eq(mkfifo(lock, 0600), 0);
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-rc"), "--dir",
                           dir, "6", "*", "7", NULL }, NULL, NULL,
                           h_tmpdir_path("err"), 10000), 1);
    err = h_read_file(h_tmpdir_path("err"));
    ck_assert_msg(h_count_lines(err, "': not a regular file") == 1 &&
                  h_count_lines(err, "") == 1, "rc: %s", err);
    free(err);
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-server"),
                           "--dir", dir, NULL }, NULL, NULL,
                           h_tmpdir_path("err"), 10000), 1);
    err = h_read_file(h_tmpdir_path("err"));
    ck_assert_msg(h_count_lines(err, "': not a regular file") == 1 &&
                  h_count_lines(err, "") == 1, "server: %s", err);
    free(err);
}
END_TEST

/* ---- requests that name someone else ------------------------------------- */

/* True when a signal in 'set' is pending for this process */
static bool
pending(const sigset_t *set)
{
    sigset_t now;

    ck_assert_int_eq(sigpending(&now), 0);
    for (int sig = 1; sig < NSIG; sig++)
        if (sigismember(set, sig) == 1 && sigismember(&now, sig) == 1)
            return true;
    return false;
}

static const char *const victims[] = {
    "a bystander", "the server itself", "a processing client",
    "a bystander that hides its files",
};

START_TEST(test_security_fake_pid)
{
    struct fx_server srv;
    struct fx_summary sum;
    struct ipc_sigs sigs;
    char tail[512];
    sigset_t ours;
    pid_t victim = 0;
    int64_t value;
    int fd1, status;

    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    switch (_i) {
    case 0: victim = fx_bystander(false); break;
    case 3: victim = fx_bystander(true); break;
    case 1: victim = srv.h.pid; break;
    case 2: victim = fx_wait_child_named(srv.h.pid, "ipclab-sum", 0, 10000);
            break;
    }
    ck_assert_int_gt(victim, 0);

    /* five requests that claim to come from the victim ... */
    fd1 = fx_open_fifo_write(srv.h.dir, 1);
    for (uint32_t seq = 1; seq <= 5; seq++)
        fx_forge_request(fd1, IPCLAB_OP_SUM, 1, 2, victim, seq);
    close(fd1);
    /* ... and ours behind them, in the same FIFO: when its answer is back,
       the server has dealt with the five */
    ck_assert_int_eq(raw_request(srv.h.dir, IPCLAB_OP_SUM, 40, 2, &value), 0);
    ck_assert_int_eq(value, 42);

    /* the victim got no 'ready' (it would have killed it) */
    ck_assert_msg(ipc_proc_alive(victim), "%s was killed", victims[_i]);
    if (_i == 0 || _i == 3)
        ck_assert_int_eq(waitpid(victim, &status, WNOHANG), 0);
    if (_i == 2)
        ck_assert(fx_comm_is(victim, "ipclab-sum"));
    /* and nothing came to us but our own answer */
    ipc_sigs_init(&sigs, IPCLAB_SIG_RT);
    sigemptyset(&ours);
    sigaddset(&ours, sigs.ready);
    sigaddset(&ours, sigs.revoke);
    ck_assert(!pending(&ours));

    ck_assert_int_eq(fx_server_stop(&srv, 10000, tail, sizeof(tail)), 0);
    fx_summary(tail, &sum);
    ck_assert_int_eq(sum.answered, 1);
    ck_assert_uint_ge(sum.dropped, 5);
    if (_i == 0 || _i == 3) {
        kill(victim, SIGKILL);
        ck_assert_int_eq(waitpid(victim, &status, 0), victim);
    }
}
END_TEST

/*
 * Requests forged in a live client's name, with seqs it never used: the
 * results go to that client (the pid in a record is all the server can
 * go by), which sees they are not its own and drops them. Its answers
 * stay right, and the forger is never told to read anything.
 */
START_TEST(test_security_fake_pid_of_client)
{
    const char *work = h_tmpdir();
    struct fx_server srv;
    struct ipc_sigs sigs;
    char fifo2[PATH_MAX + 16];
    sigset_t ours;
    pid_t client;
    int64_t value;
    int fd1;

    fx_load_prepare(work, 1, 300, 900);
    fx_server_start(&srv, h_tmpdir_path("run"), NULL, 0, NULL);
    fx_load_start(&client, srv.h.dir, work, 1, 2);
    snprintf(fifo2, sizeof(fifo2), "%s/fifo2", srv.h.dir);
    ck_assert(fx_wait_has_open(client, fifo2, O_RDONLY, 10000));

    fd1 = fx_open_fifo_write(srv.h.dir, 1);
    for (uint32_t i = 1; i <= 20; i++)
        fx_forge_request(fd1, IPCLAB_OP_MUL, 6, 7, client, 900000 + i);
    close(fd1);
    ck_assert_int_eq(raw_request(srv.h.dir, IPCLAB_OP_SUB, 50, 8, &value), 0);
    ck_assert_int_eq(value, 42);

    fx_load_wait(&client, 1);
    ck_assert_int_eq(fx_load_check(work, 1, NULL), 0);
    ipc_sigs_init(&sigs, IPCLAB_SIG_RT);
    sigemptyset(&ours);
    sigaddset(&ours, sigs.ready);
    sigaddset(&ours, sigs.revoke);
    ck_assert(!pending(&ours));
    ck_assert_int_eq(fx_server_stop(&srv, 10000, NULL, 0), 0);
}
END_TEST

/*
 * A runtime directory whose parent another user can write to: that user
 * swaps it, in a loop, with a directory of theirs (renameat2() with
 * RENAME_EXCHANGE), while root starts servers and sends requests. The kit
 * opens the directory once and checks the descriptor, so a FIFO is never
 * created in the other user's directory, nor a request written there.
 */
#define SWAP_UID 65534          /* nobody */
#define SWAP_RUNS 10

/* The other user: swap a and its own b until killed; exit 3 as soon as
   anything appears in b (followed through its descriptor, whatever its
   name is at the time) */
static pid_t
start_swapper(const char *a, const char *b)
{
    pid_t pid = fork();

    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        DIR *mine;
        struct dirent *e;

        if (setgroups(0, NULL) == -1 || setgid(SWAP_UID) == -1 ||
            setuid(SWAP_UID) == -1 || (mine = opendir(b)) == NULL)
            _exit(126);
        for (;;) {
            if (renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == -1)
                _exit(127);
            sched_yield();      /* leave the CPU to root's programs too */
            rewinddir(mine);
            while ((e = readdir(mine)) != NULL)
                if (strcmp(e->d_name, ".") != 0 &&
                    strcmp(e->d_name, "..") != 0)
                    _exit(3);   /* root made something in our directory */
        }
    }
    return pid;
}

/* Entries in directory 'path' (its . and .. not counted) */
static int
entries(const char *path)
{
    struct dirent *e;
    DIR *d = opendir(path);
    int n = 0;

    ck_assert_msg(d != NULL, "opendir %s", path);
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

START_TEST(test_security_dir_swap)
{
    char parent[] = "/tmp/ipclab-swap-XXXXXX", run[64], evil[64];
    int served = 0, refused = 0;
    struct stat st;
    pid_t swapper;

    if (geteuid() != 0)
        h_skip("needs root to act as a second user");
    ck_assert(mkdtemp(parent) != NULL);
    ck_assert_int_eq(chmod(parent, 0777), 0);   /* anyone may rename in it */
    snprintf(run, sizeof(run), "%s/run", parent);
    snprintf(evil, sizeof(evil), "%s/evil", parent);
    ck_assert_int_eq(mkdir(run, 0700), 0);
    ck_assert_int_eq(mkdir(evil, 0700), 0);
    ck_assert_int_eq(chown(evil, SWAP_UID, SWAP_UID), 0);
    swapper = start_swapper(run, evil);

    for (int i = 0; i < SWAP_RUNS; i++) {
        struct h_server srv;
        int status;

        /* started (ready:) or refused (exit 1): whichever comes first */
        if (h_server_try(&srv, run, (const char *[]){ h_bin("ipclab-server"),
                         "--dir", run, NULL }, "/dev/null", 10000, &status)) {
            /* a client may refuse the swapped directory, never use it */
            if (h_run((const char *[]){ h_bin("ipclab-rc"), "--dir", run,
                      "6", "*", "7", NULL }, NULL, "/dev/null", "/dev/null",
                      FX_RUN_MS) == 0)
                served++;
            status = h_server_stop(&srv, 30000, NULL, 0);
        }
        refused += status == 1;
    }
    /* still swapping: it never saw anything of root's in its directory */
    kill(swapper, SIGKILL);
    ck_assert_int_eq(h_wait(swapper, 10000), 128 + SIGKILL);

    /* whichever name it has now, the other user's directory is empty */
    ck_assert_int_eq(stat(evil, &st), 0);
    ck_assert_int_eq(entries(st.st_uid == SWAP_UID ? evil : run), 0);
    printf("check_security: dir_swap: %d served, %d refused of %d\n",
           served, refused, SWAP_RUNS);
    h_rmtree(parent);
}
END_TEST

Suite *
security_suite(void)
{
    Suite *s = suite_create("security");
    TCase *dir = h_tcase(s, "dir", 60);
    TCase *fds = h_tcase(s, "fds", 60);
    TCase *peers = h_tcase(s, "peers", 60);
    TCase *swap = h_tcase(s, "swap", 240);

    tcase_add_loop_test(dir, test_security_unsafe_dir_refused, 0,
                        (int)(sizeof(unsafe) / sizeof(unsafe[0])));
    tcase_add_test(dir, test_security_modes);
    tcase_add_test(swap, test_security_dir_swap);
    tcase_add_test(fds, test_security_descriptors);
    tcase_add_test(fds, test_security_planted_files);
    tcase_add_test(fds, test_security_planted_lock);
    tcase_add_test(fds, test_security_client_pidfds);
    tcase_add_loop_test(peers, test_security_fake_pid, 0,
                        (int)(sizeof(victims) / sizeof(victims[0])));
    tcase_add_test(peers, test_security_fake_pid_of_client);
    return s;
}
