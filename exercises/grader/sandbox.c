/*
 * exercises/grader/sandbox.c - limits, identity and leftovers of a graded
 * test's process: see sandbox.h.
 */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grade.h"
#include "ipclab/err.h"
#include "sandbox.h"

static int verdict = -1;        /* the collector's channel */
static bool switch_uid;         /* collector is root and GRADE_UID is set */
static uid_t test_uid;
static gid_t test_gid;
static int timeout_cap;         /* GRADE_TIMEOUT, 0: none */

/* A non-negative number from the environment, or -1. */
static long
env_number(const char *name)
{
    const char *text = getenv(name);
    char *end;
    long v;

    if (text == NULL || text[0] == '\0')
        return -1;
    errno = 0;
    v = strtol(text, &end, 10);
    if (errno != 0 || *end != '\0' || v < 0)
        ipc_diex("%s: '%s' is not a number", name, text);
    return v;
}

void
sb_init(int verdict_fd)
{
    long uid = env_number("GRADE_UID"), gid = env_number("GRADE_GID");
    long cap = env_number("GRADE_TIMEOUT");

    verdict = verdict_fd;
    timeout_cap = cap > 0 ? (int)cap : 0;
    if (uid > 0 && geteuid() == 0) {
        switch_uid = true;
        test_uid = (uid_t)uid;
        test_gid = (gid_t)(gid > 0 ? gid : uid);
    }
}

bool
sb_uid_switched(void)
{
    return switch_uid;
}

int
sb_timeout(int own)
{
    return timeout_cap > 0 && timeout_cap < own ? timeout_cap : own;
}

void
sb_collector(void)
{
    /* not dumpable: processes of our uid cannot ptrace us, take our
       descriptors (pidfd_getfd) or open them through /proc */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
        ipc_die("prctl(PR_SET_DUMPABLE)");
    /* orphans of the test (daemons, setsid()) become our children */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == -1)
        ipc_die("prctl(PR_SET_CHILD_SUBREAPER)");
}

static void
limit(int resource, const char *name, rlim_t value)
{
    struct rlimit r = { value, value };

    ck_assert_msg(setrlimit(resource, &r) == 0, "grader: setrlimit(%s): %s",
                  name, strerror(errno));
}

void
sb_enter(int timeout_s)
{
    if (verdict >= 0)
        close(verdict);         /* the verdict is the collector's alone */
    limit(RLIMIT_CPU, "RLIMIT_CPU", (rlim_t)timeout_s + 5);
    limit(RLIMIT_FSIZE, "RLIMIT_FSIZE", (rlim_t)SB_FSIZE_MIB << 20);
#ifndef __SANITIZE_ADDRESS__
    /* not under AddressSanitizer (make sanitize), whose shadow memory is
       reserved up front: with this limit every program it built fails */
    limit(RLIMIT_AS, "RLIMIT_AS", (rlim_t)SB_AS_MIB << 20);
#endif
    limit(RLIMIT_CORE, "RLIMIT_CORE", 0);
    if (!switch_uid)
        return;
    /* a uid of its own: the process count is the test's alone */
    limit(RLIMIT_NPROC, "RLIMIT_NPROC", SB_NPROC);
    {
        char dir[PATH_MAX];

        /* the test's directory and its parent, made by the collector */
        snprintf(dir, sizeof(dir), "%s", h_tmpdir());
        ck_assert_msg(chown(dir, test_uid, test_gid) == 0 &&
                      chown(dirname(dir), test_uid, test_gid) == 0,
                      "grader: chown %s: %s", h_tmpdir(), strerror(errno));
    }
    ck_assert_msg(setgroups(0, NULL) == 0 &&
                  setresgid(test_gid, test_gid, test_gid) == 0 &&
                  setresuid(test_uid, test_uid, test_uid) == 0,
                  "grader: cannot switch to uid %ld: %s", (long)test_uid,
                  strerror(errno));
    ck_assert_msg(setuid(0) == -1, "grader: still root after the switch");
    errno = 0;                  /* no trace of the check for the student */
}

/* Kill every process of the test's uid: kill(-1) as that uid. */
static void
kill_uid(void)
{
    pid_t pid = fork();
    int status;

    if (pid == -1) {
        ipc_warn("grader: fork");
        return;
    }
    if (pid == 0) {
        if (setgroups(0, NULL) == -1 ||
            setresgid(test_gid, test_gid, test_gid) == -1 ||
            setresuid(test_uid, test_uid, test_uid) == -1)
            _exit(1);
        /* again until none is left: a fork bomb refills the table */
        for (int i = 0; i < 100 && kill(-1, SIGKILL) == 0; i++)
            ;
        _exit(0);
    }
    while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
        ;
}

/* Our children, from /proc; at most 'max' in pids. */
static int
children(pid_t *pids, int max)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    pid_t self = getpid();
    int n = 0;

    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL && n < max) {
        char path[64], buf[512], *close_paren;
        long pid = strtol(e->d_name, NULL, 10);
        int ppid;
        FILE *f;

        if (pid <= 0)
            continue;
        snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
        f = fopen(path, "r");
        if (f == NULL)
            continue;           /* gone meanwhile */
        if (fgets(buf, sizeof(buf), f) != NULL &&
            (close_paren = strrchr(buf, ')')) != NULL &&
            sscanf(close_paren + 1, " %*c %d", &ppid) == 1 && ppid == self)
            pids[n++] = (pid_t)pid;
        fclose(f);
    }
    closedir(d);
    return n;
}

void
sb_reap(void)
{
    pid_t pids[256];
    int n;

    if (switch_uid)
        kill_uid();
    /* the orphans of killed processes come to us: until none is left */
    for (int round = 0; round < 1000 && (n = children(pids, 256)) > 0;
         round++) {
        for (int i = 0; i < n; i++)
            kill(pids[i], SIGKILL);
        for (int i = 0; i < n; i++)
            while (waitpid(pids[i], NULL, 0) == -1 && errno == EINTR)
                ;
    }
}
