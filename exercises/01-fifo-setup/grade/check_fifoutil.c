/*
 * grade/check_fifoutil.c - graded tests of exercise 01 (fifoutil.c).
 *
 * Every test calls the student's functions in a forked Check child and
 * plays the other end of the FIFO from helper processes it forks, so the
 * rendezvous, EOF, EINTR and SIGPIPE are the kernel's own.
 * Run: make grade EX=01, or BUILD/grade/01 TEST after a build.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fifoutil.h"
#include "grade.h"
#include "ipclab/fifo.h"
#include "ipclab/proc.h"

/* Permission bits of 'path' (lstat), or -1. */
static int
mode_of(const char *path)
{
    struct stat st;

    if (lstat(path, &st) == -1)
        return -1;
    return S_ISFIFO(st.st_mode) ? (int)(st.st_mode & 07777) : -2;
}

/* A helper process: run fn(arg) in a child and _exit(0). */
static pid_t
helper(void (*fn)(const char *), const char *arg)
{
    pid_t pid;

    fflush(NULL);
    pid = fork();
    ck_assert_msg(pid != -1, "test error: fork() failed: %s", strerror(errno));
    if (pid == 0) {
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGALRM, SIG_DFL);
        fn(arg);
        _exit(0);
    }
    return pid;
}

/* Wait for child 'pid' to end: its wait status */
static int
reap(pid_t pid)
{
    int status;

    while (waitpid(pid, &status, 0) == -1)
        ck_assert_msg(errno == EINTR,
                      "test error: waitpid() failed: %s", strerror(errno));
    return status;
}

GRADE_TEST(make_exact_mode, 2, 10,
           "ex_fifo_make: exact mode under any umask, umask unchanged")
{
    const char *p1 = h_tmpdir_path("f1"), *p2 = h_tmpdir_path("f2");
    mode_t before;

    umask(077);
    ck_assert_msg(G_CALL(ex_fifo_make)(p1, 0660) == 0, "ex_fifo_make(0660) "
                  "failed: %s", strerror(errno));
    ck_assert_msg(mode_of(p1) != -2, "'%s' is not a FIFO", p1);
    ck_assert_msg(mode_of(p1) == 0660, "mode 0660 under umask 077 gave "
                  "%04o", (unsigned)mode_of(p1));
    before = umask(022);
    ck_assert_msg(before == 077, "the umask changed from 077 to %03o",
                  (unsigned)before);
    ck_assert_msg(G_CALL(ex_fifo_make)(p2, 0606) == 0, "ex_fifo_make(0606) "
                  "failed: %s", strerror(errno));
    ck_assert_msg(mode_of(p2) == 0606, "mode 0606 under umask 022 gave "
                  "%04o", (unsigned)mode_of(p2));
    before = umask(022);
    ck_assert_msg(before == 022, "the umask changed from 022 to %03o",
                  (unsigned)before);
}
END_TEST

GRADE_TEST(make_existing, 1, 10,
           "ex_fifo_make: existing FIFO accepted; file, symlink refused")
{
    const char *fifo = h_tmpdir_path("fifo"), *file = h_tmpdir_path("file");
    const char *link = h_tmpdir_path("link");
    char *text;

    ck_assert_msg(mkfifo(fifo, 0600) == 0,
                  "test error: mkfifo() failed: %s", strerror(errno));
    ck_assert_msg(G_CALL(ex_fifo_make)(fifo, 0640) == 0, "an existing FIFO "
                  "was refused: %s", strerror(errno));
    ck_assert_msg(mode_of(fifo) == 0640, "existing FIFO: mode %04o, "
                  "expected 0640", (unsigned)mode_of(fifo));

    h_write_file(file, "keep me\n");
    errno = 0;
    ck_assert_msg(G_CALL(ex_fifo_make)(file, 0600) == -1 && errno == EEXIST,
                  "a regular file in the way: expected -1/EEXIST, got "
                  "errno %d", errno);
    text = h_read_file(file);
    ck_assert_msg(text != NULL && strcmp(text, "keep me\n") == 0,
                  "the regular file in the way was changed");
    free(text);

    ck_assert_msg(symlink(fifo, link) == 0,
                  "test error: symlink() failed: %s", strerror(errno));
    errno = 0;
    ck_assert_msg(G_CALL(ex_fifo_make)(link, 0666) == -1 && errno == EEXIST,
                  "a symlink to a FIFO: expected -1/EEXIST");
    ck_assert_msg(mode_of(fifo) == 0640, "the symlink's target was chmod'ed");

    errno = 0;
    ck_assert_msg(G_CALL(ex_fifo_make)(h_tmpdir_path("no/such"), 0600) == -1 &&
                  errno == ENOENT, "missing directory: expected ENOENT");
}
END_TEST

/* The watcher of open_writer_rendezvous: once ex_fifo_open_writer()
   sleeps (between two tries, after an ENXIO), a reader comes and stays */
struct late_reader {
    const char *path;
    int fd;                     /* the reader's, or -1 */
};

static void
open_reader_later(struct g_watch *w)
{
    struct late_reader *r = w->arg;

    if (g_watch_wait(w, NULL, NULL))
        r->fd = open(r->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
}

GRADE_TEST(open_writer_rendezvous, 2, 15,
           "ex_fifo_open_writer: ENXIO retried until a reader or timeout")
{
    const char *p = h_tmpdir_path("f"), *file = h_tmpdir_path("file");
    struct late_reader late = { .fd = -1 };
    struct g_watch watch;
    int64_t t0;
    int fd, flags;

    ck_assert_msg(mkfifo(p, 0600) == 0,
                  "test error: mkfifo() failed: %s", strerror(errno));
    t0 = ipc_now_ms();
    errno = 0;
    fd = G_CALL(ex_fifo_open_writer)(p, 300);
    ck_assert_msg(fd == -1 && errno == ETIMEDOUT, "no reader, 300 ms: "
                  "expected -1/ETIMEDOUT, got %d/%s", fd, strerror(errno));
    ck_assert_msg(ipc_now_ms() - t0 >= 250 && ipc_now_ms() - t0 < 2000,
                  "no reader, timeout 300 ms: returned after %lld ms",
                  (long long)(ipc_now_ms() - t0));

    late.path = p;
    g_watch_start(&watch, open_reader_later, &late);
    fd = G_CALL(ex_fifo_open_writer)(p, 5000);
    g_watch_stop(&watch);
    ck_assert_msg(fd >= 0, "a reader came while ex_fifo_open_writer() "
                  "waited between two tries, but it failed: %s%s",
                  strerror(errno), late.fd == -1 ? " (it never paused "
                  "between tries: the reader comes once it does)" : "");
    flags = fcntl(fd, F_GETFL);
    ck_assert_msg((flags & O_ACCMODE) == O_WRONLY, "not opened O_WRONLY");
    ck_assert_msg(!(flags & O_NONBLOCK), "the descriptor is still "
                  "O_NONBLOCK");
    ck_assert_msg(fcntl(fd, F_GETFD) & FD_CLOEXEC, "not close-on-exec");
    close(fd);
    close(late.fd);

    t0 = ipc_now_ms();
    errno = 0;
    fd = G_CALL(ex_fifo_open_writer)(h_tmpdir_path("missing"), 2000);
    ck_assert_msg(fd == -1 && errno == ENOENT && ipc_now_ms() - t0 < 1000,
                  "a missing FIFO must fail at once with ENOENT");
    h_write_file(file, "");
    errno = 0;
    flags = g_open_fds();
    fd = G_CALL(ex_fifo_open_writer)(file, 200);
    ck_assert_msg(fd == -1 && errno == EINVAL, "a regular file: expected "
                  "-1/EINVAL, got %d/%s", fd, strerror(errno));
    ck_assert_msg(g_open_fds() == flags, "ex_fifo_open_writer leaked a "
                  "descriptor: it refused a regular file but left what it "
                  "opened open (%d descriptors before, %d after)", flags,
                  g_open_fds());
}
END_TEST

static void
write_hello(const char *path)
{
    int fd = open(path, O_WRONLY);

    if (fd == -1 || write(fd, "hello", 5) != 5)
        _exit(1);
    close(fd);
}

GRADE_TEST(open_reader_no_eof, 2, 15,
           "ex_fifo_open_reader: no wait for writers, never EOF")
{
    const char *p = h_tmpdir_path("f");
    struct pollfd pf;
    char buf[16] = "";
    int64_t t0 = ipc_now_ms();
    int before;
    int rfd, keep = -1, flags;
    pid_t pid;

    ck_assert_msg(mkfifo(p, 0600) == 0,
                  "test error: mkfifo() failed: %s", strerror(errno));
    rfd = G_CALL(ex_fifo_open_reader)(p, &keep);
    ck_assert_msg(rfd >= 0, "ex_fifo_open_reader failed: %s",
                  strerror(errno));
    ck_assert_msg(ipc_now_ms() - t0 < 1000, "it waited for a writer");
    flags = fcntl(rfd, F_GETFL);
    ck_assert_msg((flags & O_ACCMODE) == O_RDONLY, "read end not O_RDONLY");
    ck_assert_msg(!(flags & O_NONBLOCK), "read end still O_NONBLOCK");
    ck_assert_msg(fcntl(rfd, F_GETFD) & FD_CLOEXEC, "read end not "
                  "close-on-exec");
    ck_assert_msg(keep >= 0 && (fcntl(keep, F_GETFL) & O_ACCMODE) ==
                  O_WRONLY, "*keep_fd is not a write end");
    ck_assert_msg(fcntl(keep, F_GETFD) & FD_CLOEXEC, "*keep_fd not "
                  "close-on-exec");

    pid = helper(write_hello, p);
    reap(pid);                  /* the only client has come and gone */
    ck_assert_msg(read(rfd, buf, sizeof(buf) - 1) == 5 &&
                  strcmp(buf, "hello") == 0, "the descriptor from "
                  "ex_fifo_open_reader() did not give the 5 bytes a client "
                  "wrote before leaving (%s)", strerror(errno));
    pf = (struct pollfd){ .fd = rfd, .events = POLLIN };
    ck_assert_msg(poll(&pf, 1, 200) == 0, "after the last client left, "
                  "the read end reports EOF/POLLHUP: keep a write end");

    h_write_file(h_tmpdir_path("file"), "");
    before = g_open_fds();
    errno = 0;
    ck_assert_msg(G_CALL(ex_fifo_open_reader)(h_tmpdir_path("file"),
                                              &keep) == -1 &&
                  errno == EINVAL, "a regular file: expected -1/EINVAL");
    ck_assert_msg(g_open_fds() == before, "ex_fifo_open_reader leaked a "
                  "descriptor: it refused a regular file but left what it "
                  "opened open (%d descriptors before, %d after)", before,
                  g_open_fds());
}
END_TEST

/* ---- when a check fails ------------------------------------------------- */

#if defined(__x86_64__)
#define FAIL_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define FAIL_ARCH AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define FAIL_ARCH AUDIT_ARCH_I386
#endif

/* The system calls behind each library call a test makes fail; -1 ends */
static const int stat_calls[] = {   /* fstat(), stat(), lstat()... */
#ifdef __NR_stat
    __NR_stat,
#endif
#ifdef __NR_fstat
    __NR_fstat,
#endif
#ifdef __NR_lstat
    __NR_lstat,
#endif
#ifdef __NR_newfstatat
    __NR_newfstatat,
#endif
#ifdef __NR_fstat64
    __NR_fstat64,
#endif
#ifdef __NR_fstatat64
    __NR_fstatat64,
#endif
#ifdef __NR_statx
    __NR_statx,
#endif
    -1,
};
static const int mknod_calls[] = {  /* mkfifo() */
#ifdef __NR_mknod
    __NR_mknod,
#endif
    __NR_mknodat, -1,
};
static const int chmod_calls[] = {  /* chmod(), fchmod(), fchmodat() */
#ifdef __NR_chmod
    __NR_chmod,
#endif
#ifdef __NR_fchmodat2
    __NR_fchmodat2,
#endif
    __NR_fchmod, __NR_fchmodat, -1,
};
static const int open_calls[] = {   /* open(), openat() */
#ifdef __NR_open
    __NR_open,
#endif
    __NR_openat, -1,
};
static const int openat_call[] = { __NR_openat, -1 };  /* glibc's open() */
static const int fcntl_calls[] = {
#ifdef __NR_fcntl64
    __NR_fcntl64,
#endif
    __NR_fcntl, -1,
};
static const int read_calls[] = { __NR_read, __NR_readv, -1 };
static const int write_calls[] = { __NR_write, __NR_writev, -1 };
static const int sigmask_calls[] = { __NR_rt_sigprocmask, -1 };

/* A library call made to fail, in the student's terms */
struct failing {
    const char *call;           /* "chmod()" */
    const int *nrs;             /* its system calls, -1 ended */
    int arg;                    /* -1: every such call fails; else only */
    unsigned mask, value;       /* those whose argument 'arg' & mask == value */
    int err;                    /* the errno they fail with */
};

/*
 * From now on, in this process, every system call of 'f' fails with its
 * errno (a seccomp filter: the kernel answers, nothing is timed). False
 * when the filter cannot be installed.
 */
static bool
fail_calls(const struct failing *f)
{
#ifdef FAIL_ARCH
    struct sock_filter prog_f[32];
    struct sock_fprog prog = { .filter = prog_f };
    unsigned n = 0, calls = 0;
    size_t arg_off = offsetof(struct seccomp_data, args) +
                     8 * (size_t)(f->arg < 0 ? 0 : f->arg);

#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    arg_off += 4;               /* the argument's low word */
#endif
    while (f->nrs[calls] != -1)
        calls++;
    /* another architecture's calls: allowed */
    prog_f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                  offsetof(struct seccomp_data, arch));
    prog_f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
                  FAIL_ARCH, 1, 0);
    prog_f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
                  SECCOMP_RET_ALLOW);
    prog_f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                  offsetof(struct seccomp_data, nr));
    /* one of the calls jumps past the ALLOW below, the others reach it */
    for (unsigned i = 0; i < calls; i++)
        prog_f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
                      (unsigned)f->nrs[i], (unsigned char)(calls - i), 0);
    prog_f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
                  SECCOMP_RET_ALLOW);
    if (f->arg >= 0) {
        /* only when (argument & mask) == value */
        prog_f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                      (unsigned)arg_off);
        prog_f[n++] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K,
                      f->mask);
        prog_f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
                      f->value, 1, 0);
        prog_f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
                      SECCOMP_RET_ALLOW);
    }
    prog_f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
                  SECCOMP_RET_ERRNO | ((unsigned)f->err & SECCOMP_RET_DATA));
    prog.len = (unsigned short)n;
    return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
           prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0;
#else
    (void)f;
    errno = ENOSYS;
    return false;
#endif
}

/* The student's function a failing call is made under, and its set-up */
enum under {
    UNDER_MAKE_NEW,             /* ex_fifo_make() of a new FIFO */
    UNDER_MAKE_EXISTING,        /* ex_fifo_make() of a FIFO already there */
    UNDER_OPEN_WRITER,          /* ex_fifo_open_writer(), a reader there */
    UNDER_OPEN_READER,          /* ex_fifo_open_reader() */
    UNDER_READ,                 /* ex_read_record() of a record waiting */
    UNDER_WRITE,                /* ex_write_record(), a reader there */
};

static const char *const under_call[] = {
    "ex_fifo_make()", "ex_fifo_make()", "ex_fifo_open_writer()",
    "ex_fifo_open_reader()", "ex_read_record()", "ex_write_record()",
};

/* What the function did in a child where the call fails; shared memory,
   so that reporting it needs no system call the filter may fail */
struct fail_outcome {
    enum { SETTING_UP, CALLING, RETURNED } stage;
    long ret;                   /* what it returned */
    int err;                    /* errno then */
    int fds_before, fds_after;  /* descriptors open around the call */
};

/* In the child: set up, make f's calls fail, call the function */
static void
call_failing(enum under u, const struct failing *f, const char *fifo,
             struct fail_outcome *o)
{
    char rec[56] = "record";
    int pfd[2] = { -1, -1 }, keep = -1;

    if ((u == UNDER_READ || u == UNDER_WRITE) &&
        (pipe(pfd) == -1 ||
         (u == UNDER_READ && write(pfd[1], rec, sizeof(rec)) !=
          (ssize_t)sizeof(rec))))
        _exit(1);               /* still SETTING_UP: a test error */
    umask(077);                 /* 0660 needs chmod() */
    o->fds_before = g_open_fds();
    g_at(under_call[u]);
    if (!fail_calls(f))
        _exit(1);               /* the filter does not work here */
    o->stage = CALLING;
    errno = 0;
    switch (u) {
    case UNDER_MAKE_NEW:
    case UNDER_MAKE_EXISTING:
        o->ret = ex_fifo_make(fifo, 0660);
        break;
    case UNDER_OPEN_WRITER:
        o->ret = ex_fifo_open_writer(fifo, 1000);
        break;
    case UNDER_OPEN_READER:
        o->ret = ex_fifo_open_reader(fifo, &keep);
        break;
    case UNDER_READ:
        o->ret = ex_read_record(pfd[0], rec, sizeof(rec));
        break;
    case UNDER_WRITE:
        o->ret = ex_write_record(pfd[1], rec, sizeof(rec));
        break;
    }
    o->err = errno;
    o->fds_after = g_open_fds();
    o->stage = RETURNED;
    _exit(0);
}

/*
 * In a child, call the function 'u' while f's calls fail: it must return
 * -1 with their errno and leave nothing open, and live; when 'may_succeed'
 * (a right answer may not need the call), succeeding is right too.
 */
static void
check_failing(enum under u, const struct failing *f, bool may_succeed)
{
    struct fail_outcome *o;
    const char *fifo = h_tmpdir_path(u == UNDER_MAKE_NEW ? "new" : "fifo");
    const char *name = under_call[u];
    char sig[32];
    int status, reader = -1;
    pid_t pid;

    unlink(h_tmpdir_path("new"));
    if (access(fifo, F_OK) == -1 && u != UNDER_MAKE_NEW)
        ck_assert_msg(mkfifo(fifo, 0600) == 0,
                      "test error: mkfifo() failed: %s", strerror(errno));
    if (u == UNDER_OPEN_WRITER) {
        /* a reader: the writer's open() can succeed at once */
        reader = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        ck_assert_msg(reader != -1,
                      "test error: open() failed: %s", strerror(errno));
    }
    o = mmap(NULL, sizeof(*o), PROT_READ | PROT_WRITE,
             MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ck_assert_msg(o != MAP_FAILED,
                  "test error: mmap() failed: %s", strerror(errno));
    *o = (struct fail_outcome){ .stage = SETTING_UP, .ret = -2 };
    fflush(NULL);
    pid = fork();
    ck_assert_msg(pid != -1, "test error: fork() failed: %s", strerror(errno));
    if (pid == 0)
        call_failing(u, f, fifo, o);
    status = reap(pid);
    if (reader != -1)
        close(reader);
    ck_assert_msg(!WIFSIGNALED(status), "%s was killed by %s when %s "
                  "failed (%s)%s: a library function returns -1 with errno, "
                  "it never aborts (README rules)", name,
                  g_signal_name(WTERMSIG(status), sig, sizeof(sig)), f->call,
                  strerror(f->err), WTERMSIG(status) == SIGABRT ? " (abort() "
                  "or a failed assert())" : g_signal_cause(WTERMSIG(status)));
    ck_assert_msg(o->stage != SETTING_UP, "test error: cannot make %s fail "
                  "here (a seccomp filter), or set up %s", f->call, name);
    ck_assert_msg(o->stage == RETURNED, "%s exited with "
                  "status %d when %s failed (%s): a library function returns "
                  "-1 with errno, it never exits (README rules)", name,
                  WEXITSTATUS(status), f->call, strerror(f->err));
    if (may_succeed && o->ret >= 0) {
        munmap(o, sizeof(*o));
        return;                 /* it did without that call */
    }
    ck_assert_msg(o->ret == -1, "%s returned %ld when %s failed (%s): "
                  "report the failure, -1 with its errno", name, o->ret,
                  f->call, strerror(f->err));
    ck_assert_msg(o->err == f->err, "%s returned -1 with errno %s when %s "
                  "failed with %s: expected that errno (pass a failed "
                  "call's errno on)", name, strerror(o->err), f->call,
                  strerror(f->err));
    ck_assert_msg(o->fds_after == o->fds_before, "%s left a descriptor "
                  "open when %s failed (%d open before, %d after): close "
                  "what it opened", name, f->call, o->fds_before,
                  o->fds_after);
    munmap(o, sizeof(*o));
}

GRADE_TEST(open_stat_fails, 1, 15,
           "ex_fifo_open_writer/reader: fstat() failing gives -1 and its "
           "errno, nothing open, no abort")
{
    static const struct failing fstat_fails = { "fstat()", stat_calls, -1,
                                                0, 0, EOVERFLOW };

    /* an implementation that tells a FIFO without stat() may succeed */
    check_failing(UNDER_OPEN_WRITER, &fstat_fails, true);
    check_failing(UNDER_OPEN_READER, &fstat_fails, true);
}
END_TEST

GRADE_TEST(calls_fail, 1, 20,
           "every other call failing (mkfifo, chmod, lstat, open, fcntl, "
           "read, write, sigprocmask): -1 and its errno, nothing open, "
           "never abort or exit")
{
    static const struct failing mkfifo_fails = { "mkfifo()", mknod_calls, -1,
                                                 0, 0, ENOSPC };
    static const struct failing chmod_fails = { "chmod()", chmod_calls, -1,
                                                0, 0, EPERM };
    static const struct failing lstat_fails = { "lstat()", stat_calls, -1,
                                                0, 0, EOVERFLOW };
    static const struct failing open_fails = { "open()", open_calls, -1,
                                               0, 0, EMFILE };
    static const struct failing open_rd_fails = { "open(O_RDONLY)",
        openat_call, 2, O_ACCMODE, O_RDONLY, EMFILE };
    static const struct failing open_wr_fails = { "open(O_WRONLY) of the "
        "write end kept", openat_call, 2, O_ACCMODE, O_WRONLY, ENFILE };
    static const struct failing setfl_fails = { "fcntl(F_SETFL)",
        fcntl_calls, 1, ~0u, F_SETFL, EPERM };
    static const struct failing read_fails = { "read()", read_calls, -1,
                                               0, 0, EIO };
    static const struct failing write_fails = { "write()", write_calls, -1,
                                                0, 0, EIO };
    static const struct failing mask_fails = { "sigprocmask()",
        sigmask_calls, -1, 0, 0, EINVAL };

    /* may_succeed: a right answer may do without the call */
    static const struct {
        enum under u;
        const struct failing *f;
        bool may_succeed;
    } cases[] = {
        { UNDER_MAKE_NEW, &mkfifo_fails, false },
        { UNDER_MAKE_NEW, &chmod_fails, false },
        { UNDER_MAKE_EXISTING, &lstat_fails, false },
        { UNDER_MAKE_EXISTING, &chmod_fails, false },
        { UNDER_OPEN_WRITER, &open_fails, false },
        { UNDER_OPEN_WRITER, &setfl_fails, true },
        { UNDER_OPEN_READER, &open_rd_fails, false },
        { UNDER_OPEN_READER, &open_wr_fails, true },    /* O_RDWR kept */
        { UNDER_OPEN_READER, &setfl_fails, true },
        { UNDER_READ, &read_fails, false },
        { UNDER_WRITE, &write_fails, false },
        /* a reader is there: blocking SIGPIPE is not needed to live */
        { UNDER_WRITE, &mask_fails, true },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_failing(cases[i].u, cases[i].f, cases[i].may_succeed);
}
END_TEST

/* ---- reading ------------------------------------------------------------ */

static volatile sig_atomic_t got_usr1;  /* written by on_usr1 */

static void
on_usr1(int sig)
{
    (void)sig;
    got_usr1 = 1;
}

/* The watcher of read_record_pieces and read_record_eof_nonblock: each
   step once the reader has taken all there was and sleeps for more */
struct pieces {
    int rfd;                    /* the test's read end */
    int wfd;                    /* the watcher's write end */
    const unsigned char *rec;   /* the record, sent in pieces */
    int cuts[4];                /* the pieces' ends, then 0 */
    bool signals;               /* a SIGUSR1 in the wait before each */
    int steps;                  /* signals and pieces sent */
};

/* Everything written so far has been read */
static bool
drained(struct g_watch *w)
{
    const struct pieces *pc = w->arg;
    int left = -1;

    return ioctl(pc->rfd, FIONREAD, &left) == 0 && left == 0;
}

static void
send_pieces(struct g_watch *w)
{
    struct pieces *pc = w->arg;
    int from = 0;

    for (int i = 0; i < 4 && pc->cuts[i] > 0; i++) {
        if (pc->signals) {
            /* interrupts the read that waits for this piece */
            if (!g_watch_wait(w, NULL, drained) ||
                !g_watch_interrupt(w, SIGUSR1, &got_usr1))
                return;
            pc->steps++;
        }
        if (!g_watch_wait(w, NULL, drained) ||
            write(pc->wfd, pc->rec + from, (size_t)(pc->cuts[i] - from)) !=
            pc->cuts[i] - from)
            return;
        pc->steps++;
        from = pc->cuts[i];
    }
}

/* A FIFO's two ends, the read end blocking, both close-on-exec */
static void
fifo_ends(const char *path, int *rfd, int *wfd)
{
    ck_assert_msg(mkfifo(path, 0600) == 0, "test error: mkfifo() failed: "
                  "%s", strerror(errno));
    *rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    *wfd = open(path, O_WRONLY | O_CLOEXEC);
    ck_assert_msg(*rfd >= 0 && *wfd >= 0 && ipc_fd_set_nonblock(*rfd, 0) == 0,
                  "test error: cannot open the FIFO: %s", strerror(errno));
}

GRADE_TEST(read_record_pieces, 2, 15,
           "ex_read_record: whole record from short reads, across EINTR")
{
    struct sigaction sa = { .sa_handler = on_usr1 };
    unsigned char rec[56], want[56];
    struct pieces pc = { .rec = want, .cuts = { 10, 40, 56, 0 },
                         .signals = true };
    struct g_watch watch;
    ssize_t n;

    sa.sa_flags = 0;            /* no SA_RESTART: read() fails with EINTR */
    sigemptyset(&sa.sa_mask);
    ck_assert_msg(sigaction(SIGUSR1, &sa, NULL) == 0,
                  "test error: sigaction() failed: %s", strerror(errno));
    for (int i = 0; i < 56; i++)
        want[i] = (unsigned char)i;
    fifo_ends(h_tmpdir_path("f"), &pc.rfd, &pc.wfd);
    /* each piece, and a SIGUSR1 before it, while the read waits */
    g_watch_start(&watch, send_pieces, &pc);
    n = G_CALL(ex_read_record)(pc.rfd, rec, sizeof(rec));
    g_watch_stop(&watch);
    ck_assert_msg(n == 56, "expected 56 bytes from three writes, each "
                  "after a signal interrupted the wait, got %zd (%s)", n,
                  n < 0 ? strerror(errno) : "returned early");
    for (int i = 0; i < 56; i++)
        ck_assert_msg(rec[i] == i, "byte %d is %d", i, rec[i]);
    close(pc.wfd);
    n = G_CALL(ex_read_record)(pc.rfd, rec, sizeof(rec));
    ck_assert_msg(n == 0, "EOF between records: expected 0, got %zd", n);
}
END_TEST

GRADE_TEST(read_record_eof_nonblock, 2, 15,
           "ex_read_record: torn record, EAGAIN, half a record waits")
{
    struct sigaction sa = { .sa_handler = on_usr1 };
    struct g_watch watch;
    struct pieces pc;
    unsigned char rec[56] = { 0 }, got[56];
    int pfd[2];
    ssize_t n;

    /* EOF after half a record: EPROTO */
    ck_assert_msg(pipe(pfd) == 0,
                  "test error: pipe() failed: %s", strerror(errno));
    ck_assert_msg(write(pfd[1], rec, 20) == 20,
                  "test error: write() failed: %s", strerror(errno));
    close(pfd[1]);
    errno = 0;
    n = G_CALL(ex_read_record)(pfd[0], got, sizeof(got));
    ck_assert_msg(n == -1 && errno == EPROTO, "EOF inside a record: "
                  "expected -1/EPROTO, got %zd/%s", n, strerror(errno));
    close(pfd[0]);

    /* non-blocking and empty: EAGAIN at once */
    ck_assert_msg(pipe2(pfd, O_NONBLOCK) == 0,
                  "test error: pipe2() failed: %s", strerror(errno));
    errno = 0;
    n = G_CALL(ex_read_record)(pfd[0], got, sizeof(got));
    ck_assert_msg(n == -1 && errno == EAGAIN, "empty non-blocking fd: "
                  "expected -1/EAGAIN, got %zd/%s", n, strerror(errno));

    /* non-blocking, half a record now, the rest once it waits for it,
       and a signal (no SA_RESTART) in that wait first */
    sa.sa_flags = 0;
    sigemptyset(&sa.sa_mask);
    ck_assert_msg(sigaction(SIGUSR1, &sa, NULL) == 0,
                  "test error: sigaction() failed: %s", strerror(errno));
    for (int i = 0; i < 56; i++)
        rec[i] = (unsigned char)(100 + i);
    ck_assert_msg(write(pfd[1], rec, 28) == 28,
                  "test error: write() failed: %s", strerror(errno));
    pc = (struct pieces){ .rfd = pfd[0], .wfd = pfd[1], .rec = rec + 28,
                          .cuts = { 28, 0 }, .signals = true };
    g_watch_start(&watch, send_pieces, &pc);
    n = G_CALL(ex_read_record)(pfd[0], got, sizeof(got));
    g_watch_stop(&watch);
    ck_assert_msg(n == 56, "half a record on a non-blocking fd: expected "
                  "to wait for the rest across a signal (restart on EINTR), "
                  "got %zd/%s", n, n < 0 ? strerror(errno) : "");
    ck_assert_msg(memcmp(got, rec, 56) == 0, "the record's bytes differ");
}
END_TEST

/* ---- writing ------------------------------------------------------------ */

/* The watcher of write_record_eintr: once the write waits on the full
   pipe, a SIGUSR1 (no SA_RESTART); once it waits again, room */
static void
interrupt_write(struct g_watch *w)
{
    const int *rfd = w->arg;
    char buf[4096];

    if (!g_watch_wait(w, "pipe_write", NULL))
        return;
    got_usr1 = 0;
    if (tgkill(getpid(), w->tid, SIGUSR1) == -1)
        return;
    /* its handler ran, or the student's code keeps SIGUSR1 blocked */
    while (!got_usr1 && !g_status_mask(w->tid, "SigBlk:", SIGUSR1)) {
        if (atomic_load(&w->done))
            return;
        ipc_sleep_ms(1);        /* polls a state, orders nothing */
    }
    if (!g_watch_wait(w, "pipe_write", NULL))
        return;
    while (read(*rfd, buf, sizeof(buf)) > 0)
        ;                       /* non-blocking: until the pipe is empty */
}

/* A write into a full pipe, interrupted by a signal, is restarted */
static void
write_record_eintr(void)
{
    struct sigaction sa = { .sa_handler = on_usr1 };
    char rec[56] = "record";
    struct g_watch watch;
    int pfd[2];
    ssize_t n;

    sa.sa_flags = 0;            /* no SA_RESTART: write() fails with EINTR */
    sigemptyset(&sa.sa_mask);
    ck_assert_msg(sigaction(SIGUSR1, &sa, NULL) == 0 &&
                  pipe2(pfd, O_NONBLOCK | O_CLOEXEC) == 0,
                  "test error: sigaction() or pipe2() failed: %s",
                  strerror(errno));
    while (write(pfd[1], rec, sizeof(rec)) > 0)
        ;                       /* full */
    ck_assert_msg(errno == EAGAIN && ipc_fd_set_nonblock(pfd[1], 0) == 0,
                  "test error: cannot fill the pipe: %s", strerror(errno));
    g_watch_start(&watch, interrupt_write, &pfd[0]);
    errno = 0;
    n = G_CALL(ex_write_record)(pfd[1], rec, sizeof(rec));
    g_watch_stop(&watch);
    ck_assert_msg(n == (ssize_t)sizeof(rec), "a write waiting on a full "
                  "pipe, interrupted by a signal (handler without "
                  "SA_RESTART): expected 56 once there was room (restart on "
                  "EINTR), got %zd/%s", n, n < 0 ? strerror(errno) : "");
    close(pfd[0]);
    close(pfd[1]);
}

GRADE_TEST(write_record_epipe, 2, 10,
           "ex_write_record: EPIPE without dying, EINTR restarted; mask, "
           "handler untouched")
{
    char big[PIPE_BUF + 1] = { 0 }, rec[56] = "record";
    sigset_t before, after, pending;
    struct sigaction sa;
    int pfd[2];
    ssize_t n;

    signal(SIGPIPE, SIG_DFL);
    sigemptyset(&before);
    sigaddset(&before, SIGUSR2);
    sigprocmask(SIG_SETMASK, &before, NULL);

    ck_assert_msg(pipe(pfd) == 0,
                  "test error: pipe() failed: %s", strerror(errno));
    errno = 0;
    n = G_CALL(ex_write_record)(pfd[1], big, sizeof(big));
    ck_assert_msg(n == -1 && errno == EMSGSIZE, "PIPE_BUF + 1 bytes: "
                  "expected -1/EMSGSIZE, got %zd/%s", n, strerror(errno));
    ck_assert_msg(G_CALL(ex_write_record)(pfd[1], rec, sizeof(rec)) == 56,
                  "ex_write_record of 56 bytes did not return 56: %s",
                  strerror(errno));

    close(pfd[0]);              /* no reader left */
    errno = 0;
    n = G_CALL(ex_write_record)(pfd[1], rec, sizeof(rec));
    ck_assert_msg(n == -1 && errno == EPIPE, "no reader: expected "
                  "-1/EPIPE, got %zd/%s", n, strerror(errno));
    sigprocmask(SIG_SETMASK, NULL, &after);
    ck_assert_msg(!sigismember(&after, SIGPIPE) &&
                  sigismember(&after, SIGUSR2), "the signal mask changed");
    sigpending(&pending);
    ck_assert_msg(!sigismember(&pending, SIGPIPE), "a SIGPIPE is left "
                  "pending: it would kill as soon as it is unblocked");
    sigaction(SIGPIPE, NULL, &sa);
    ck_assert_msg(sa.sa_handler == SIG_DFL, "SIGPIPE's disposition "
                  "changed");

    /* the caller blocks SIGPIPE and has one pending: still there after */
    sigaddset(&before, SIGPIPE);
    sigprocmask(SIG_SETMASK, &before, NULL);
    raise(SIGPIPE);
    errno = 0;
    n = G_CALL(ex_write_record)(pfd[1], rec, sizeof(rec));
    ck_assert_msg(n == -1 && errno == EPIPE, "no reader, SIGPIPE blocked by "
                  "the caller: expected -1/EPIPE, got %zd/%s", n,
                  strerror(errno));
    sigpending(&pending);
    ck_assert_msg(sigismember(&pending, SIGPIPE), "the caller's SIGPIPE, "
                  "pending before ex_write_record(), was gone after it: take "
                  "back only a SIGPIPE your write() raised (look with "
                  "sigpending() first)");
    sigprocmask(SIG_SETMASK, NULL, &after);
    ck_assert_msg(sigismember(&after, SIGPIPE) &&
                  sigismember(&after, SIGUSR2), "the signal mask changed "
                  "(SIGPIPE and SIGUSR2 blocked before)");
    close(pfd[1]);

    write_record_eintr();
}
END_TEST

#define WRITERS 4
#define RECORDS 400
#define RECSIZE 2048

/* Records of writer w, number i: every byte says who wrote it. */
static void
fill(unsigned char *rec, int w, int i)
{
    memset(rec, 'a' + w, RECSIZE);
    memcpy(rec, &i, sizeof(i));
}

static void
write_many(const char *arg)
{
    unsigned char rec[RECSIZE];
    int w = arg[0] - '0';
    int fd = G_CALL(ex_fifo_open_writer)(arg + 2, 5000);

    if (fd == -1)
        _exit(1);
    for (int i = 0; i < RECORDS; i++) {
        fill(rec, w, i);
        if (G_CALL(ex_write_record)(fd, rec, RECSIZE) != RECSIZE)
            _exit(1);
    }
    close(fd);
}

/*
 * Writer w's process has ended: fail, naming how, unless it exited 0
 * after all its records. 'got' of them came through.
 */
static void
writer_ended(int w, pid_t pid, int got)
{
    char name[32];
    int status = reap(pid);

    ck_assert_msg(!WIFSIGNALED(status), "writer %d (ex_fifo_open_writer() "
                  "then ex_write_record() in a child) was killed by %s%s, "
                  "after %d of its %d records came through", w,
                  g_signal_name(WTERMSIG(status), name, sizeof(name)),
                  g_signal_cause(WTERMSIG(status)), got, RECORDS);
    ck_assert_msg(WEXITSTATUS(status) == 0, "writer %d: ex_fifo_open_writer() "
                  "or ex_write_record() failed after %d of its %d records "
                  "came through", w, got, RECORDS);
}

GRADE_TEST(records_never_tear, 2, 30,
           "4 writers x 400 records of 2 KiB: every record intact")
{
    const char *p = h_tmpdir_path("f");
    unsigned char rec[RECSIZE], want[RECSIZE];
    char args[WRITERS][PATH_MAX];
    int next[WRITERS] = { 0 };
    struct pollfd fds[WRITERS + 1];
    pid_t pids[WRITERS];
    int rfd, keep, total = 0;

    ck_assert_msg(mkfifo(p, 0600) == 0,
                  "test error: mkfifo() failed: %s", strerror(errno));
    rfd = G_CALL(ex_fifo_open_reader)(p, &keep);
    ck_assert_msg(rfd >= 0, "ex_fifo_open_reader: %s", strerror(errno));
    fds[WRITERS] = (struct pollfd){ .fd = rfd, .events = POLLIN };
    for (int w = 0; w < WRITERS; w++) {
        snprintf(args[w], sizeof(args[w]), "%d %s", w, p);
        pids[w] = helper(write_many, args[w]);
        /* readable when the writer ends: a dead writer fails the test
           at once, instead of leaving the reader waiting (keep is open) */
        fds[w] = (struct pollfd){ .fd = pidfd_open(pids[w], 0),
                                  .events = POLLIN };
        ck_assert_msg(fds[w].fd != -1,
                      "test error: pidfd_open() failed: %s", strerror(errno));
    }
    while (total < WRITERS * RECORDS) {
        ssize_t n;
        int w, i;

        if (poll(fds, WRITERS + 1, -1) == -1) {
            ck_assert_msg(errno == EINTR,
                          "test error: poll() failed: %s", strerror(errno));
            continue;
        }
        for (w = 0; w < WRITERS; w++)
            if (fds[w].fd >= 0 && fds[w].revents != 0) {
                writer_ended(w, pids[w], next[w]);
                close(fds[w].fd);
                fds[w].fd = -1;         /* poll() skips it from now on */
            }
        if (fds[WRITERS].revents == 0)
            continue;
        n = G_CALL(ex_read_record)(rfd, rec, RECSIZE);
        if (n == -1 && errno == EAGAIN)
            continue;                   /* a non-blocking rfd, emptied */
        ck_assert_msg(n == RECSIZE, "record %d: read %zd (%s)", total, n,
                      n < 0 ? strerror(errno) : "");
        w = rec[RECSIZE - 1] - 'a';
        ck_assert_msg(w >= 0 && w < WRITERS, "record %d: garbage", total);
        memcpy(&i, rec, sizeof(i));
        fill(want, w, i);
        ck_assert_msg(memcmp(rec, want, RECSIZE) == 0, "record %d is torn: "
                      "bytes of two writers", total);
        ck_assert_msg(i == next[w], "writer %d: record %d came after %d",
                      w, i, next[w] - 1);
        next[w]++;
        total++;
    }
    for (int w = 0; w < WRITERS; w++)
        if (fds[w].fd >= 0) {
            writer_ended(w, pids[w], next[w]);
            close(fds[w].fd);
        }
}
END_TEST

/* Where the student's functions print while the test errors_silent
   watches */
struct quiet {
    const char *path;           /* their stdout and stderr, a file */
    int saved[2];               /* the test's own stdout and stderr */
};

/* Send stdout and stderr into q->path until heard() */
static void
hush(struct quiet *q)
{
    int fd = open(q->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

    fflush(NULL);
    ck_assert_msg(fd != -1 && (q->saved[0] = dup(1)) != -1 &&
                  (q->saved[1] = dup(2)) != -1 && dup2(fd, 1) == 1 &&
                  dup2(fd, 2) == 2,
                  "test error: cannot redirect the output: %s",
                  strerror(errno));
    close(fd);
}

/* Put stdout and stderr back; fail, naming the call, if it printed */
static void
heard(struct quiet *q, const char *call, const char *when)
{
    struct stat st;
    int err = errno;

    fflush(NULL);
    dup2(q->saved[0], 1);
    dup2(q->saved[1], 2);
    close(q->saved[0]);
    close(q->saved[1]);
    ck_assert_msg(stat(q->path, &st) == 0,
                  "test error: stat() failed: %s", strerror(errno));
    ck_assert_msg(st.st_size == 0, "%s() printed \"%s\" (%s): a library "
                  "function never prints; it reports an error only by -1 "
                  "and errno, the caller decides what to print (README "
                  "rules)", call, g_snippet(q->path, 60), when);
    errno = err;
}

/* One failing call 'expr', its output watched; 'want' is the errno */
#define QUIET_FAIL(q, fn, args, want, when)                              \
    do {                                                                 \
        long r_;                                                         \
                                                                         \
        hush(q);                                                         \
        errno = 0;                                                       \
        r_ = (long)G_CALL(fn) args;                                      \
        heard(q, #fn, "when it failed: " when);                          \
        ck_assert_msg(r_ == -1 && errno == (want), "%s() (%s): expected "  \
                      "-1/%s, got %ld/%s", #fn, when, strerror(want), r_, \
                      strerror(errno));                                  \
    } while (0)

/* One call 'expr' that must succeed (return 'ok'), its output watched */
#define QUIET_OK(q, fn, args, ok, when)                                  \
    do {                                                                 \
        long r_;                                                         \
                                                                         \
        hush(q);                                                         \
        r_ = (long)G_CALL(fn) args;                                      \
        heard(q, #fn, "when it succeeded: " when);                       \
        ck_assert_msg(r_ == (ok), "%s() (%s): expected %ld, got %ld (%s)", \
                      #fn, when, (long)(ok), r_, strerror(errno));       \
    } while (0)

GRADE_TEST(errors_silent, 1, 15,
           "every call: nothing printed; every failure: -1 and errno")
{
    const char *file = h_tmpdir_path("file"), *fifo = h_tmpdir_path("fifo");
    const char *missing = h_tmpdir_path("missing");
    char big[PIPE_BUF + 1] = { 0 }, rec[56] = { 0 };
    struct quiet q = { .path = h_tmpdir_path("printed") };
    int pfd[2], keep;

    signal(SIGPIPE, SIG_IGN);   /* EPIPE here is about printing, not dying */
    h_write_file(file, "");
    ck_assert_msg(mkfifo(fifo, 0600) == 0,
                  "test error: mkfifo() failed: %s", strerror(errno));
    QUIET_FAIL(&q, ex_fifo_make, (file, 0600), EEXIST, "a regular file in "
               "the way");
    QUIET_FAIL(&q, ex_fifo_make, (h_tmpdir_path("no/such"), 0600), ENOENT,
               "missing directory");
    QUIET_FAIL(&q, ex_fifo_open_writer, (missing, 100), ENOENT,
               "no such file");
    QUIET_FAIL(&q, ex_fifo_open_writer, (file, 100), EINVAL,
               "a regular file");
    QUIET_FAIL(&q, ex_fifo_open_writer, (fifo, 50), ETIMEDOUT,
               "no reader in 50 ms");
    QUIET_FAIL(&q, ex_fifo_open_reader, (missing, &keep), ENOENT,
               "no such file");
    QUIET_FAIL(&q, ex_fifo_open_reader, (file, &keep), EINVAL,
               "a regular file");

    ck_assert_msg(pipe2(pfd, O_NONBLOCK) == 0,
                  "test error: pipe2() failed: %s", strerror(errno));
    QUIET_FAIL(&q, ex_read_record, (pfd[0], rec, sizeof(rec)), EAGAIN,
               "nothing to read, non-blocking");
    QUIET_FAIL(&q, ex_write_record, (pfd[1], big, sizeof(big)), EMSGSIZE,
               "PIPE_BUF + 1 bytes");
    ck_assert_msg(write(pfd[1], rec, 20) == 20,
                  "test error: write() failed: %s", strerror(errno));
    close(pfd[1]);
    QUIET_FAIL(&q, ex_read_record, (pfd[0], rec, sizeof(rec)), EPROTO,
               "end-of-file inside a record");
    close(pfd[0]);
    ck_assert_msg(pipe(pfd) == 0,
                  "test error: pipe() failed: %s", strerror(errno));
    close(pfd[0]);
    QUIET_FAIL(&q, ex_write_record, (pfd[1], rec, sizeof(rec)), EPIPE,
               "no reader");
    close(pfd[1]);

    QUIET_OK(&q, ex_fifo_make, (h_tmpdir_path("made"), 0600), 0,
             "a new FIFO");
    QUIET_OK(&q, ex_fifo_make, (fifo, 0600), 0, "the FIFO already there");
    ck_assert_msg(pipe(pfd) == 0,
                  "test error: pipe() failed: %s", strerror(errno));
    QUIET_OK(&q, ex_write_record, (pfd[1], rec, sizeof(rec)),
             (long)sizeof(rec), "one record");
    QUIET_OK(&q, ex_read_record, (pfd[0], rec, sizeof(rec)),
             (long)sizeof(rec), "one record");
    close(pfd[0]);
    close(pfd[1]);
}
END_TEST

GRADE_TEST(rules, 2, 10,
           "README rules: never print or exit; umask, SIGPIPE's disposition "
           "untouched")
{
    const char *fifo = h_tmpdir_path("rules.fifo");
    mode_t old = umask(077);
    int made = G_CALL(ex_fifo_make)(fifo, 0660);

    /* rules count for code that works: not for an empty skeleton */
    umask(old);
    ck_assert_msg(made == 0 && mode_of(fifo) == 0660, "the rules are "
                  "checked once ex_fifo_make() works: under umask 077 it "
                  "did not make a FIFO of mode 0660");
    g_rule_symbols("fifoutil.o", (const char *[]){ "umask", NULL },
                   "the umask is process-wide: changing it, even for a "
                   "moment, changes it for every thread (use chmod())");
    g_rule_symbols("fifoutil.o", (const char *[]){ "signal", "sigaction",
                   "bsd_signal", "sysv_signal", "sigset", "ssignal",
                   "sigignore", "sigvec", NULL },
                   "SIGPIPE's disposition is the caller's, even set back "
                   "afterwards (block it, take the pending one back)");
    g_rule_symbols("fifoutil.o", (const char *[]){ "exit", "_exit",
                   "_Exit", "quick_exit", "printf", "puts", "perror",
                   "putchar", "dprintf", "vprintf", "vdprintf",
                   "__printf_chk", "__fprintf_chk", "__dprintf_chk",
                   "__vfprintf_chk", "error", "error_at_line", "warn",
                   "warnx", "vwarn", "vwarnx", "err", "errx", "verr",
                   "verrx", "psignal", "psiginfo", "__assert_fail",
                   "__assert_perror_fail", "syslog", "vsyslog", NULL },
                   "a library function returns -1 with errno: it never "
                   "prints, never exits");
    /* the tracepoints' headers call fprintf(): the source's own words */
    g_rule_tokens("fifoutil.c", (const char *[]){ "fprintf", "fputs",
                  "fputc", "fwrite", "stderr", "stdout", "syslog", NULL },
                  "a library function returns -1 with errno: it never "
                  "prints, never exits");
}
END_TEST
