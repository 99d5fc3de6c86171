/*
 * rundir.c - choosing, checking and locking the runtime directory.
 *
 * The lock is an open file description lock (F_OFD_SETLK): it belongs to
 * the open file, not the process, is released by the kernel when the last
 * descriptor closes (so a crashed server frees it), and survives neither
 * exec (O_CLOEXEC) nor confusion with other locks the process may take.
 * The directory is opened once and checked through its descriptor; the
 * *_at functions then work relative to it, never through its path again.
 * Unit tests: tests/unit/check_rundir.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "ipclab/proc.h"
#include "ipclab/rundir.h"

#define LOCK_NAME "server.lock"

/* snprintf into buf, failing with ENAMETOOLONG instead of truncating */
static int
format_path(char *buf, size_t size, const char *a, const char *b)
{
    int n = snprintf(buf, size, "%s/%s", a, b);

    if (n < 0 || (size_t)n >= size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

int
ipc_rundir_resolve(const char *opt, char *buf, size_t size)
{
    const char *env = getenv(IPCLAB_DIR_ENV);
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    int n;

    if (opt != NULL || (env != NULL && env[0] != '\0'))
        n = snprintf(buf, size, "%s", opt != NULL ? opt : env);
    else if (xdg != NULL && xdg[0] == '/')
        n = snprintf(buf, size, "%s/ipclab", xdg);
    else
        n = snprintf(buf, size, "/tmp/ipclab-%ld", (long)geteuid());
    if (n < 0 || (size_t)n >= size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

/* The checks of the directory open as fd */
static int
check_fd(int fd)
{
    struct stat st;

    if (fstat(fd, &st) == -1)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    if (st.st_uid != geteuid()) {
        errno = EPERM;          /* its owner could swap our FIFOs */
        return -1;
    }
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        errno = EACCES;         /* others could plant files in it */
        return -1;
    }
    return 0;
}

int
ipc_rundir_open(const char *dir, int create)
{
    struct stat st;
    int fd;

    if (create && mkdir(dir, 0700) == -1 && errno != EEXIST)
        return -1;
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd == -1) {
        /* O_DIRECTORY reports a symlink as ENOTDIR: say what it is */
        if (errno == ENOTDIR && lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
            errno = ELOOP;      /* someone could point it anywhere */
        return -1;
    }
    if (check_fd(fd) == -1) {
        ipc_close_keep_errno(fd);
        return -1;
    }
    return fd;
}

/* ipc_rundir_open(), for the answer only */
static int
open_and_close(const char *dir, int create)
{
    int fd = ipc_rundir_open(dir, create);

    if (fd == -1)
        return -1;
    close(fd);
    return 0;
}

int
ipc_rundir_check(const char *dir)
{
    return open_and_close(dir, 0);
}

int
ipc_rundir_prepare(const char *dir)
{
    return open_and_close(dir, 1);
}

const char *
ipc_rundir_fifo_name(enum ipc_fifo_no no)
{
    static const char *const names[] = { "fifo0", "fifo1", "fifo2",
                                         "fifo3", "fifo4" };

    return no >= IPCLAB_FIFO1 && no <= IPCLAB_FIFO4 ? names[no] : "fifo?";
}

int
ipc_rundir_fifo_open_or_exit(int dirfd, const char *dir, enum ipc_fifo_no no,
                             int flags)
{
    const char *name = ipc_rundir_fifo_name(no);
    int fd = ipc_fifo_open_at(dirfd, no, name, flags);

    /* the server creates every FIFO and holds both ends of each */
    if (fd == -1 && (errno == ENXIO || errno == ENOENT))
        ipc_diex("no server running on '%s' (start ipclab-server first)",
                 dir);
    if (fd == -1)
        ipc_die_kind("FIFO", "cannot open '%s/%s'", dir, name);
    return fd;
}

int
ipc_rundir_path(char *buf, size_t size, const char *dir, const char *name)
{
    return format_path(buf, size, dir, name);
}

int
ipc_rundir_fifo(char *buf, size_t size, const char *dir, enum ipc_fifo_no no)
{
    return format_path(buf, size, dir, ipc_rundir_fifo_name(no));
}

/* Read the "PID MODE" text of the lock file open at fd. */
static int
read_lock_text(int fd, pid_t *pid, enum ipc_sig_mode *mode)
{
    char text[64], mode_name[16];
    long p;
    ssize_t n;

    do
        n = pread(fd, text, sizeof(text) - 1, 0);
    while (n == -1 && errno == EINTR);
    if (n == -1)
        return -1;
    text[n] = '\0';
    if (sscanf(text, "%ld %15s", &p, mode_name) != 2 || p <= 0 ||
        ipc_sig_mode_parse(mode_name, mode) == -1) {
        errno = ESRCH;          /* being written, or garbage: no server */
        return -1;
    }
    *pid = (pid_t)p;
    return 0;
}

/* Open the lock file; anything but a regular file is refused (EINVAL):
   O_NONBLOCK, so that a FIFO planted in its place is never waited on */
static int
open_lock(int dirfd, int flags)
{
    int fd = openat(dirfd, LOCK_NAME,
                    flags | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);

    return fd == -1 ? -1 : ipc_fd_check_type(fd, S_IFREG);
}

int
ipc_rundir_lock_at(int dirfd, enum ipc_sig_mode mode, pid_t *holder)
{
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    enum ipc_sig_mode other_mode;
    char text[64];
    int fd, n;

    fd = open_lock(dirfd, O_RDWR | O_CREAT);
    if (fd == -1)
        return -1;
    if (fcntl(fd, F_OFD_SETLK, &fl) == -1) {
        if (errno == EAGAIN || errno == EACCES) {
            /* held: say by whom, if it has published itself yet */
            if (read_lock_text(fd, holder, &other_mode) == -1)
                *holder = 0;
            errno = EBUSY;
        }
        ipc_close_keep_errno(fd);
        return -1;
    }
    n = snprintf(text, sizeof(text), "%ld %s\n", (long)getpid(),
                 ipc_sig_mode_name(mode));
    if (ftruncate(fd, 0) == -1 || pwrite(fd, text, (size_t)n, 0) != n) {
        int err = errno;

        unlinkat(dirfd, LOCK_NAME, 0);  /* ours: held, and says nothing */
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

/* Run f on the directory 'dir' opened (and checked) for the call */
static int
with_dir(const char *dir, int (*f)(int dirfd, void *arg), void *arg)
{
    int dirfd = ipc_rundir_open(dir, 0), r;

    if (dirfd == -1)
        return -1;
    r = f(dirfd, arg);
    ipc_close_keep_errno(dirfd);
    return r;
}

struct lock_args {
    enum ipc_sig_mode mode;
    pid_t *holder;
};

static int
lock_cb(int dirfd, void *arg)
{
    struct lock_args *a = arg;

    return ipc_rundir_lock_at(dirfd, a->mode, a->holder);
}

int
ipc_rundir_lock(const char *dir, enum ipc_sig_mode mode, pid_t *holder)
{
    struct lock_args a = { mode, holder };

    return with_dir(dir, lock_cb, &a);
}

int
ipc_rundir_server_at(int dirfd, pid_t *pid, enum ipc_sig_mode *mode)
{
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    int fd;

    fd = open_lock(dirfd, O_RDONLY);
    if (fd == -1) {
        if (errno == ENOENT)
            errno = ESRCH;
        return -1;
    }
    /* a lock file nobody holds was left by a crashed server */
    if (fcntl(fd, F_OFD_GETLK, &fl) == -1 || fl.l_type == F_UNLCK ||
        read_lock_text(fd, pid, mode) == -1) {
        close(fd);
        errno = ESRCH;
        return -1;
    }
    close(fd);
    return 0;
}

struct server_args {
    pid_t *pid;
    enum ipc_sig_mode *mode;
};

static int
server_cb(int dirfd, void *arg)
{
    struct server_args *a = arg;

    return ipc_rundir_server_at(dirfd, a->pid, a->mode);
}

int
ipc_rundir_server(const char *dir, pid_t *pid, enum ipc_sig_mode *mode)
{
    struct server_args a = { pid, mode };

    if (with_dir(dir, server_cb, &a) == -1) {
        if (errno == ENOENT)
            errno = ESRCH;
        return -1;
    }
    return 0;
}

int
ipc_rundir_clean_at(int dirfd)
{
    int result = 0, saved = 0;

    for (int no = IPCLAB_FIFO1; no <= IPCLAB_FIFO4 + 1; no++) {
        const char *name = no <= IPCLAB_FIFO4 ? ipc_rundir_fifo_name(no)
                                           : LOCK_NAME;

        if (unlinkat(dirfd, name, 0) == -1 && errno != ENOENT &&
            result == 0) {
            result = -1;
            saved = errno;
        }
    }
    errno = saved;
    return result;
}

static int
clean_cb(int dirfd, void *arg)
{
    (void)arg;
    return ipc_rundir_clean_at(dirfd);
}

int
ipc_rundir_clean(const char *dir)
{
    return with_dir(dir, clean_cb, NULL);
}

/* nftw() callback: stop the walk at the first entry that cannot go */
static int
remove_entry(const char *path, const struct stat *st, int flag,
             struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) == -1 && errno != ENOENT ? -1 : 0;
}

int
ipc_remove_tree(const char *path)
{
    /* FTW_DEPTH: a directory after its entries; FTW_PHYS: links not followed */
    if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0 || errno == ENOENT)
        return 0;               /* removed, or nothing was there */
    return -1;
}
