/*
 * tests/unit/check_rundir.c - unit tests for the runtime directory
 * (rundir.h).
 *
 * Whoever can open the FIFOs can talk to the server, so the directory that
 * holds them must be ours alone. Each refusal of ipc_rundir_check() has a
 * test that builds exactly that kind of unsafe directory. The server lock
 * is an open file description (OFD) lock: it belongs to one open() of the
 * file, so a second open() in this same process conflicts with it just as
 * a second server would, and closing the descriptor plays a server crash.
 * The module is src/lib/rundir.c.
 *
 * Every test works in its own sub-directory of a mkdtemp() directory that
 * an unchecked fixture creates and removes (it runs even if a test fails).
 *
 * Run:   CK_RUN_SUITE=rundir build/tests/unit
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipclab/rundir.h"
#include "unit.h"

#define NOBODY 65534            /* a uid that is not ours */

/* Create unit_tmpdir/name with exactly 'mode' (chmod: no umask) */
static void
make_dir(char *path, size_t size, const char *name, mode_t mode)
{
    unit_path(path, size, unit_tmpdir, name);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    ck_assert_int_eq(chmod(path, mode), 0);
}

/* Create an empty file (or, with mkfifo, a FIFO) at dir/name */
static void
make_file(const char *dir, const char *name, int fifo)
{
    char path[PATH_MAX];
    int fd;

    unit_path(path, sizeof(path), dir, name);
    if (fifo) {
        ck_assert_int_eq(mkfifo(path, 0600), 0);
        return;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    ck_assert_int_ne(fd, -1);
    close(fd);
}

static int
exists(const char *dir, const char *name)
{
    char path[PATH_MAX];
    struct stat st;

    unit_path(path, sizeof(path), dir, name);
    return lstat(path, &st) == 0;
}

/* ipc_rundir_check() must fail with errno 'err' */
static void
check_fails(const char *dir, int err)
{
    errno = 0;
    ck_assert_int_eq(ipc_rundir_check(dir), -1);
    ck_assert_int_eq(errno, err);
}

/* ---- core --------------------------------------------------------------- */

START_TEST(test_rundir_resolve_precedence)
{
    char buf[PATH_MAX], want[64];

    setenv(IPCLAB_DIR_ENV, "/env/dir", 1);
    setenv("XDG_RUNTIME_DIR", "/run/user/4711", 1);

    /* --dir beats everything */
    ck_assert_int_eq(ipc_rundir_resolve("/opt/dir", buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "/opt/dir");
    /* then $IPCLAB_DIR */
    ck_assert_int_eq(ipc_rundir_resolve(NULL, buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "/env/dir");
    /* then $XDG_RUNTIME_DIR/ipclab */
    unsetenv(IPCLAB_DIR_ENV);
    ck_assert_int_eq(ipc_rundir_resolve(NULL, buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "/run/user/4711/ipclab");
    /* then /tmp/ipclab-UID */
    unsetenv("XDG_RUNTIME_DIR");
    ck_assert_int_eq(ipc_rundir_resolve(NULL, buf, sizeof(buf)), 0);
    snprintf(want, sizeof(want), "/tmp/ipclab-%ld", (long)geteuid());
    ck_assert_str_eq(buf, want);
}
END_TEST

START_TEST(test_rundir_check_accepts_private_dir)
{
    char dir[PATH_MAX];

    make_dir(dir, sizeof(dir), "private", 0700);
    ck_assert_int_eq(ipc_rundir_check(dir), 0);
}
END_TEST

START_TEST(test_rundir_prepare_creates_0700)
{
    char dir[PATH_MAX];
    struct stat st;

    unit_path(dir, sizeof(dir), unit_tmpdir, "fresh");
    umask(0);                   /* even a careless umask gives 0700 */
    ck_assert_int_eq(ipc_rundir_prepare(dir), 0);
    ck_assert_int_eq(lstat(dir, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_uint_eq(st.st_mode & 07777, 0700);
    ck_assert_int_eq(ipc_rundir_prepare(dir), 0);   /* and again: no-op */
}
END_TEST

START_TEST(test_rundir_fifo_and_lock_paths)
{
    char buf[PATH_MAX];

    ck_assert_int_eq(ipc_rundir_fifo(buf, sizeof(buf), "/d", IPCLAB_FIFO1), 0);
    ck_assert_str_eq(buf, "/d/fifo1");
    ck_assert_int_eq(ipc_rundir_fifo(buf, sizeof(buf), "/d", IPCLAB_FIFO4), 0);
    ck_assert_str_eq(buf, "/d/fifo4");
    ck_assert_int_eq(ipc_rundir_path(buf, sizeof(buf), "/d", "server.lock"),
                     0);
    ck_assert_str_eq(buf, "/d/server.lock");
}
END_TEST

START_TEST(test_rundir_lock_publishes_pid_and_mode)
{
    char dir[PATH_MAX], path[PATH_MAX], text[64], want[64];
    pid_t holder = -1;
    int fd;

    make_dir(dir, sizeof(dir), "lock", 0700);
    fd = ipc_rundir_lock(dir, IPCLAB_SIG_RT, &holder);
    ck_assert_int_ge(fd, 0);
    ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);   /* workers must not hold it */

    unit_path(path, sizeof(path), dir, "server.lock");
    unit_read_file(path, text, sizeof(text));
    snprintf(want, sizeof(want), "%ld rt\n", (long)getpid());
    ck_assert_str_eq(text, want);
    close(fd);
}
END_TEST

START_TEST(test_rundir_server_found_while_locked)
{
    char dir[PATH_MAX];
    enum ipc_sig_mode mode = IPCLAB_SIG_RT;
    pid_t holder, pid = 0;
    int fd;

    make_dir(dir, sizeof(dir), "server", 0700);
    fd = ipc_rundir_lock(dir, IPCLAB_SIG_CLASSIC, &holder);
    ck_assert_int_ge(fd, 0);

    ck_assert_int_eq(ipc_rundir_server(dir, &pid, &mode), 0);
    ck_assert_int_eq(pid, getpid());
    ck_assert_int_eq(mode, IPCLAB_SIG_CLASSIC);
    close(fd);
}
END_TEST

START_TEST(test_rundir_clean_removes_fifos_and_lock)
{
    char dir[PATH_MAX], name[16];

    make_dir(dir, sizeof(dir), "clean", 0700);
    for (int no = 1; no <= 4; no++) {
        snprintf(name, sizeof(name), "fifo%d", no);
        make_file(dir, name, 1);
    }
    make_file(dir, "server.lock", 0);
    make_file(dir, "notes.txt", 0);

    ck_assert_int_eq(ipc_rundir_clean(dir), 0);
    for (int no = 1; no <= 4; no++) {
        snprintf(name, sizeof(name), "fifo%d", no);
        ck_assert_msg(!exists(dir, name), "%s left behind", name);
    }
    ck_assert(!exists(dir, "server.lock"));
    ck_assert(exists(dir, "notes.txt"));  /* not ours: the user's choice */
    ck_assert_int_eq(ipc_rundir_check(dir), 0);    /* the dir stays */
}
END_TEST

/* One descriptor, checked; everything inside made and opened through it */
START_TEST(test_rundir_open_then_at)
{
    char dir[PATH_MAX], link[PATH_MAX];
    enum ipc_sig_mode mode;
    struct stat st;
    pid_t pid, holder;
    int dfd, lock, fd;

    unit_path(dir, sizeof(dir), unit_tmpdir, "opened");
    dfd = ipc_rundir_open(dir, 1);              /* created 0700 */
    ck_assert_int_ge(dfd, 0);
    ck_assert_int_eq(fstat(dfd, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0700);
    ck_assert_int_eq(ipc_fifo_create_at(dfd, IPCLAB_FIFO1,
                     ipc_rundir_fifo_name(IPCLAB_FIFO1), 0600), 0);
    fd = ipc_fifo_open_at(dfd, IPCLAB_FIFO1, ipc_rundir_fifo_name(IPCLAB_FIFO1),
                          O_RDONLY | O_NONBLOCK);
    ck_assert_int_ge(fd, 0);
    close(fd);
    lock = ipc_rundir_lock_at(dfd, IPCLAB_SIG_RT, &holder);
    ck_assert_int_ge(lock, 0);
    ck_assert_int_eq(ipc_rundir_server_at(dfd, &pid, &mode), 0);
    ck_assert_int_eq(pid, getpid());
    close(lock);
    ck_assert_int_eq(ipc_rundir_clean_at(dfd), 0);
    ck_assert(!exists(dir, "fifo1"));
    ck_assert(!exists(dir, "server.lock"));
    close(dfd);

    /* a symlink to it is refused by name, before anything is opened */
    unit_path(link, sizeof(link), unit_tmpdir, "opened-link");
    ck_assert_int_eq(symlink(dir, link), 0);
    errno = 0;
    ck_assert_int_eq(ipc_rundir_open(link, 0), -1);
    ck_assert_int_eq(errno, ELOOP);
}
END_TEST

/* ---- limits ------------------------------------------------------------- */

START_TEST(test_rundir_resolve_ignores_unusable_env)
{
    char buf[PATH_MAX];

    /* an empty $IPCLAB_DIR is unset; a relative $XDG_RUNTIME_DIR is
       invalid (XDG Base Directory spec) */
    setenv(IPCLAB_DIR_ENV, "", 1);
    setenv("XDG_RUNTIME_DIR", "/run/user/4711", 1);
    ck_assert_int_eq(ipc_rundir_resolve(NULL, buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "/run/user/4711/ipclab");
    setenv("XDG_RUNTIME_DIR", "run/user", 1);
    ck_assert_int_eq(ipc_rundir_resolve(NULL, buf, sizeof(buf)), 0);
    ck_assert_int_eq(strncmp(buf, "/tmp/ipclab-", 12), 0);
}
END_TEST

START_TEST(test_rundir_names_too_long)
{
    char buf[12];

    errno = 0;
    ck_assert_int_eq(ipc_rundir_resolve("/a/very/long/dir", buf, sizeof(buf)),
                     -1);
    ck_assert_int_eq(errno, ENAMETOOLONG);
    errno = 0;
    ck_assert_int_eq(ipc_rundir_fifo(buf, sizeof(buf), "/long/dir",
                                     IPCLAB_FIFO1), -1);
    ck_assert_int_eq(errno, ENAMETOOLONG);
    errno = 0;
    ck_assert_int_eq(ipc_rundir_path(buf, sizeof(buf), "/d", "server.lock"),
                     -1);
    ck_assert_int_eq(errno, ENAMETOOLONG);
}
END_TEST

START_TEST(test_rundir_check_accepts_readable_by_others)
{
    char dir[PATH_MAX];

    /* reading the names is harmless; only writing lets others plant files */
    make_dir(dir, sizeof(dir), "readable", 0755);
    ck_assert_int_eq(ipc_rundir_check(dir), 0);
}
END_TEST

START_TEST(test_rundir_lock_freed_when_closed)
{
    char dir[PATH_MAX];
    pid_t holder;
    int fd;

    make_dir(dir, sizeof(dir), "relock", 0700);
    fd = ipc_rundir_lock(dir, IPCLAB_SIG_RT, &holder);
    ck_assert_int_ge(fd, 0);
    close(fd);                  /* a server that crashed: the kernel unlocks */
    fd = ipc_rundir_lock(dir, IPCLAB_SIG_RT, &holder);
    ck_assert_int_ge(fd, 0);
    close(fd);
}
END_TEST

START_TEST(test_rundir_lock_held_but_unpublished)
{
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    char dir[PATH_MAX], path[PATH_MAX];
    enum ipc_sig_mode mode;
    pid_t holder = -1, pid;
    int fd;

    /* a server between taking the lock and writing "PID MODE" */
    make_dir(dir, sizeof(dir), "unpublished", 0700);
    unit_path(path, sizeof(path), dir, "server.lock");
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    ck_assert_int_ne(fd, -1);
    ck_assert_int_eq(fcntl(fd, F_OFD_SETLK, &fl), 0);

    errno = 0;
    ck_assert_int_eq(ipc_rundir_lock(dir, IPCLAB_SIG_RT, &holder), -1);
    ck_assert_int_eq(errno, EBUSY);
    ck_assert_int_eq(holder, 0);            /* held, by nobody we can name */
    errno = 0;
    ck_assert_int_eq(ipc_rundir_server(dir, &pid, &mode), -1);
    ck_assert_int_eq(errno, ESRCH);
    close(fd);
}
END_TEST

START_TEST(test_rundir_clean_empty_dir)
{
    char dir[PATH_MAX];

    make_dir(dir, sizeof(dir), "empty", 0700);
    ck_assert_int_eq(ipc_rundir_clean(dir), 0);   /* missing is no error */
}
END_TEST

START_TEST(test_remove_tree_keeps_link_targets)
{
    char dir[PATH_MAX], sub[PATH_MAX], link[PATH_MAX], target[PATH_MAX];

    /* dir/{fifo1, sub/{fifo2}, out -> ../kept}: kept must survive */
    make_dir(dir, sizeof(dir), "tree", 0700);
    make_file(dir, "fifo1", 1);
    unit_path(sub, sizeof(sub), dir, "sub");
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    make_file(sub, "fifo2", 1);
    make_file(unit_tmpdir, "kept", 0);
    unit_path(target, sizeof(target), unit_tmpdir, "kept");
    unit_path(link, sizeof(link), dir, "out");
    ck_assert_int_eq(symlink(target, link), 0);

    ck_assert_int_eq(ipc_remove_tree(dir), 0);
    ck_assert(!exists(unit_tmpdir, "tree"));
    ck_assert(exists(unit_tmpdir, "kept"));
}
END_TEST

START_TEST(test_remove_tree_missing)
{
    char dir[PATH_MAX];

    unit_path(dir, sizeof(dir), unit_tmpdir, "never-made");
    ck_assert_int_eq(ipc_remove_tree(dir), 0);      /* nothing to remove */
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

START_TEST(test_rundir_check_refuses_symlink)
{
    char dir[PATH_MAX], link[PATH_MAX];

    make_dir(dir, sizeof(dir), "target", 0700);
    unit_path(link, sizeof(link), unit_tmpdir, "link");
    ck_assert_int_eq(symlink(dir, link), 0);
    check_fails(link, ELOOP);
}
END_TEST

START_TEST(test_rundir_check_refuses_file)
{
    char path[PATH_MAX];

    make_file(unit_tmpdir, "plain", 0);
    unit_path(path, sizeof(path), unit_tmpdir, "plain");
    check_fails(path, ENOTDIR);
}
END_TEST

START_TEST(test_rundir_check_refuses_other_owner)
{
    char dir[PATH_MAX];

    if (geteuid() == 0) {
        make_dir(dir, sizeof(dir), "nobodys", 0700);
        ck_assert_int_eq(chown(dir, NOBODY, NOBODY), 0);
        check_fails(dir, EPERM);
    } else {
        check_fails("/", EPERM);    /* root's, and not writable by us */
    }
}
END_TEST

START_TEST(test_rundir_check_refuses_group_writable)
{
    char dir[PATH_MAX];

    make_dir(dir, sizeof(dir), "group", 0770);
    check_fails(dir, EACCES);
}
END_TEST

START_TEST(test_rundir_check_refuses_other_writable)
{
    char dir[PATH_MAX];

    make_dir(dir, sizeof(dir), "other", 0707);
    check_fails(dir, EACCES);
    ck_assert_int_eq(chmod(dir, 01777), 0);     /* like /tmp itself */
    check_fails(dir, EACCES);
}
END_TEST

START_TEST(test_rundir_check_refuses_missing)
{
    char dir[PATH_MAX];

    unit_path(dir, sizeof(dir), unit_tmpdir, "missing");
    check_fails(dir, ENOENT);
}
END_TEST

START_TEST(test_rundir_prepare_refuses_unsafe)
{
    char dir[PATH_MAX];
    struct stat st;

    /* prepare checks an existing directory; it does not "fix" it */
    make_dir(dir, sizeof(dir), "unsafe", 0770);
    errno = 0;
    ck_assert_int_eq(ipc_rundir_prepare(dir), -1);
    ck_assert_int_eq(errno, EACCES);
    ck_assert_int_eq(stat(dir, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0770);

    /* and it creates one level only */
    unit_path(dir, sizeof(dir), unit_tmpdir, "no/such/parent");
    errno = 0;
    ck_assert_int_eq(ipc_rundir_prepare(dir), -1);
    ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_rundir_second_lock_is_ebusy)
{
    char dir[PATH_MAX];
    pid_t holder = -1;
    int fd;

    make_dir(dir, sizeof(dir), "busy", 0700);
    fd = ipc_rundir_lock(dir, IPCLAB_SIG_RT, &holder);
    ck_assert_int_ge(fd, 0);

    /* a second open() is a second open file description: OFD locks
       conflict even within one process */
    errno = 0;
    ck_assert_int_eq(ipc_rundir_lock(dir, IPCLAB_SIG_RT, &holder), -1);
    ck_assert_int_eq(errno, EBUSY);
    ck_assert_int_eq(holder, getpid());
    close(fd);
}
END_TEST

START_TEST(test_rundir_server_gone_after_crash)
{
    char dir[PATH_MAX];
    enum ipc_sig_mode mode;
    pid_t holder, pid;
    int fd;

    make_dir(dir, sizeof(dir), "crashed", 0700);
    fd = ipc_rundir_lock(dir, IPCLAB_SIG_RT, &holder);
    ck_assert_int_ge(fd, 0);
    close(fd);                  /* the lock file stays, the lock does not */
    ck_assert(exists(dir, "server.lock"));

    errno = 0;
    ck_assert_int_eq(ipc_rundir_server(dir, &pid, &mode), -1);
    ck_assert_int_eq(errno, ESRCH);
}
END_TEST

START_TEST(test_rundir_server_none_without_lock_file)
{
    char dir[PATH_MAX];
    enum ipc_sig_mode mode;
    pid_t pid;

    make_dir(dir, sizeof(dir), "never", 0700);
    errno = 0;
    ck_assert_int_eq(ipc_rundir_server(dir, &pid, &mode), -1);
    ck_assert_int_eq(errno, ESRCH);
}
END_TEST

START_TEST(test_rundir_clean_reports_unlink_error)
{
    char dir[PATH_MAX], sub[PATH_MAX];

    /* fifo2 is a directory: unlink() fails, and clean says so... */
    make_dir(dir, sizeof(dir), "stuck", 0700);
    make_file(dir, "fifo1", 1);
    make_file(dir, "fifo3", 1);
    unit_path(sub, sizeof(sub), dir, "fifo2");
    ck_assert_int_eq(mkdir(sub, 0700), 0);

    errno = 0;
    ck_assert_int_eq(ipc_rundir_clean(dir), -1);
    ck_assert_int_eq(errno, EISDIR);
    /* ...after removing everything else it could */
    ck_assert(!exists(dir, "fifo1"));
    ck_assert(!exists(dir, "fifo3"));
}
END_TEST

Suite *
rundir_suite(void)
{
    Suite *s = suite_create("rundir");
    TCase *tc_core = tcase_create("core");
    TCase *tc_limits = tcase_create("limits");
    TCase *tc_errors = tcase_create("errors");

    tcase_add_unchecked_fixture(tc_core, unit_tmpdir_setup,
                                unit_tmpdir_teardown);
    tcase_add_test(tc_core, test_rundir_resolve_precedence);
    tcase_add_test(tc_core, test_rundir_check_accepts_private_dir);
    tcase_add_test(tc_core, test_rundir_prepare_creates_0700);
    tcase_add_test(tc_core, test_rundir_fifo_and_lock_paths);
    tcase_add_test(tc_core, test_rundir_lock_publishes_pid_and_mode);
    tcase_add_test(tc_core, test_rundir_server_found_while_locked);
    tcase_add_test(tc_core, test_rundir_clean_removes_fifos_and_lock);
    tcase_add_test(tc_core, test_rundir_open_then_at);
    tcase_add_test(tc_core, test_remove_tree_keeps_link_targets);
    suite_add_tcase(s, tc_core);

    tcase_add_unchecked_fixture(tc_limits, unit_tmpdir_setup,
                                unit_tmpdir_teardown);
    tcase_add_test(tc_limits, test_rundir_resolve_ignores_unusable_env);
    tcase_add_test(tc_limits, test_rundir_names_too_long);
    tcase_add_test(tc_limits, test_rundir_check_accepts_readable_by_others);
    tcase_add_test(tc_limits, test_rundir_lock_freed_when_closed);
    tcase_add_test(tc_limits, test_rundir_lock_held_but_unpublished);
    tcase_add_test(tc_limits, test_rundir_clean_empty_dir);
    tcase_add_test(tc_limits, test_remove_tree_missing);
    suite_add_tcase(s, tc_limits);

    tcase_add_unchecked_fixture(tc_errors, unit_tmpdir_setup,
                                unit_tmpdir_teardown);
    tcase_add_test(tc_errors, test_rundir_check_refuses_symlink);
    tcase_add_test(tc_errors, test_rundir_check_refuses_file);
    tcase_add_test(tc_errors, test_rundir_check_refuses_other_owner);
    tcase_add_test(tc_errors, test_rundir_check_refuses_group_writable);
    tcase_add_test(tc_errors, test_rundir_check_refuses_other_writable);
    tcase_add_test(tc_errors, test_rundir_check_refuses_missing);
    tcase_add_test(tc_errors, test_rundir_prepare_refuses_unsafe);
    tcase_add_test(tc_errors, test_rundir_second_lock_is_ebusy);
    tcase_add_test(tc_errors, test_rundir_server_gone_after_crash);
    tcase_add_test(tc_errors, test_rundir_server_none_without_lock_file);
    tcase_add_test(tc_errors, test_rundir_clean_reports_unlink_error);
    suite_add_tcase(s, tc_errors);

    return s;
}
