/*
 * tests/unit/helpers.c - helpers shared by the unit tests (see unit.h).
 *
 * They report trouble with ck_assert_msg(): a helper that cannot do its
 * job makes the calling test fail with the reason, rather than letting it
 * go on and fail later for a reason nobody can see.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipclab/proc.h"
#include "ipclab/rundir.h"
#include "unit.h"

char unit_tmpdir[PATH_MAX];

void
unit_tmpdir_setup(void)
{
    int n = snprintf(unit_tmpdir, PATH_MAX, "/tmp/ipclab-unit-XXXXXX");

    ck_assert_msg(n > 0 && n < PATH_MAX, "tmpdir buffer too small");
    ck_assert_msg(mkdtemp(unit_tmpdir) != NULL, "mkdtemp: %s",
                  strerror(errno));
}

void
unit_tmpdir_teardown(void)
{
    if (unit_tmpdir[0] != '\0' && ipc_remove_tree(unit_tmpdir) == -1)
        fprintf(stderr, "unit: cannot remove '%s': %s\n", unit_tmpdir,
                strerror(errno));
    unit_tmpdir[0] = '\0';
}

void
unit_path(char *buf, size_t size, const char *dir, const char *name)
{
    int n = snprintf(buf, size, "%s/%s", dir, name);

    ck_assert_msg(n > 0 && (size_t)n < size, "path too long: %s/%s", dir,
                  name);
}

/* "==1234==...": a line of a sanitizer's runtime (make sanitize) */
static bool
sanitizer_line(const char *line)
{
    size_t digits;

    if (strncmp(line, "==", 2) != 0)
        return false;
    digits = strspn(line + 2, "0123456789");
    return digits > 0 && strncmp(line + 2 + digits, "==", 2) == 0;
}

size_t
unit_read_file(const char *path, char *buf, size_t size)
{
    char all[16384];
    size_t len = 0, kept = 0;
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    ck_assert_msg(fd != -1, "open '%s': %s", path, strerror(errno));
    while (len < sizeof(all) - 1 &&
           (n = read(fd, all + len, sizeof(all) - 1 - len)) != 0) {
        if (n == -1 && errno == EINTR)
            continue;           /* interrupted --> restart */
        ck_assert_msg(n != -1, "read '%s': %s", path, strerror(errno));
        len += (size_t)n;
    }
    close(fd);
    ck_assert_msg(len < sizeof(all) - 1, "'%s' is larger than expected",
                  path);
    all[len] = '\0';
    for (const char *line = all; *line != '\0';) {
        const char *nl = strchr(line, '\n');
        size_t line_len = nl != NULL ? (size_t)(nl - line) + 1 : strlen(line);

        if (!sanitizer_line(line)) {
            ck_assert_msg(kept + line_len < size,
                          "'%s' is larger than expected", path);
            memcpy(buf + kept, line, line_len);
            kept += line_len;
        }
        line += line_len;
    }
    buf[kept] = '\0';
    return kept;
}

int
unit_stderr_to(const char *path)
{
    int saved = dup(STDERR_FILENO);
    int fd = path != NULL
             ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)
             : open("/dev/null", O_WRONLY | O_CLOEXEC);

    ck_assert_msg(saved != -1 && fd != -1, "redirect stderr: %s",
                  strerror(errno));
    ck_assert_int_eq(dup2(fd, STDERR_FILENO), STDERR_FILENO);
    close(fd);
    return saved;
}

void
unit_stderr_restore(int saved)
{
    dup2(saved, STDERR_FILENO);
    close(saved);
}

int
unit_wait_sleeping(pid_t pid)
{
    int64_t deadline = ipc_deadline_ms(2000);
    char path[64], stat[512];

    snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
    while (ipc_ms_until(deadline) > 0) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd == -1 ? -1 : read(fd, stat, sizeof(stat) - 1);
        char *paren;

        if (fd != -1)
            close(fd);
        if (n <= 0)
            return -1;
        stat[n] = '\0';
        /* "PID (COMM) S ...": COMM may hold spaces, so find the last ')' */
        paren = strrchr(stat, ')');
        if (paren != NULL && paren[1] == ' ' && paren[2] == 'S')
            return 0;
        sched_yield();
    }
    return -1;
}
