/*
 * labs/01-fifo-setup/create.c - mkfifo(), the umask, and a FIFO that exists.
 *
 * mkfifo(path, mode) gives the new FIFO the permissions mode & ~umask
 * (mkfifo(3), umask(2)). Two classic mistakes are shown here:
 *
 *   - writing the mode in decimal: 666 is 01232 in octal, so the FIFO gets
 *     the sticky bit and "-w--wx-w-", minus the umask: its owner cannot
 *     even open it for reading;
 *   - forgetting that a FIFO outlives its processes: the next mkfifo() on
 *     the same name fails with EEXIST, and reusing whatever is there
 *     without checking writes records into a planted file.
 *
 * Run:   build/bin/lab01-fifo-setup mkfifo
 *        build/bin/lab01-fifo-setup exists
 * The reference server creates its FIFOs 0600 in a private directory
 * (ipc_fifo_open_both_at() in src/lib/fifo.c). Lab 01, steps 1 and 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "lab.h"
#include "lab01.h"

/* "prw-r--r--", as ls -l prints a FIFO's mode, into s; returns s */
static const char *
mode_text(mode_t m, char s[static 11])
{
    const char *rwx = "rwxrwxrwx";

    s[0] = 'p';
    for (int i = 0; i < 9; i++)
        s[i + 1] = m & (0400 >> i) ? rwx[i] : '-';
    if (m & S_ISVTX)
        s[9] = m & 0001 ? 't' : 'T';
    s[10] = '\0';
    return s;
}

/* mkfifo() 'name' with 'mode' under umask 'mask': the mode it got, or -1 */
static int
create_under(const char *name, mode_t mode, mode_t mask)
{
    mode_t saved = umask(mask);
    char path[PATH_MAX];
    struct stat st;
    int r = ipc_fifo_create(IPCLAB_FIFO_LAB, lab_path(path, name), mode);

    umask(saved);
    if (r == -1 || stat(path, &st) == -1) {
        lab_say("cannot create '%s': %s", path,
                ipc_errno_name(errno));
        return -1;
    }
    return (int)(st.st_mode & 07777);
}

bool
exp_mkfifo(void)
{
    char decimal[PATH_MAX];
    static const struct {
        const char *name, *call;
        mode_t mode, mask;
    } cases[] = {
        { "right", "mkfifo(path, 0666) with umask 022", 0666, 022 },
        /* UNSAFE: 666 without its leading 0 is decimal [lab01:decimal-mode] */
        { "decimal", "mkfifo(path, 666)  with umask 022", 666, 022 },
        { "open", "mkfifo(path, 0666) with umask 0  ", 0666, 0 },
    };
    bool ok = true;
    int fd;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int got = create_under(cases[i].name, cases[i].mode, cases[i].mask);
        int want = (int)(cases[i].mode & ~cases[i].mask & 07777);
        char text[11];

        if (got == -1)
            return false;
        lab_say("%s gives %04o %s", cases[i].call, (unsigned)got,
                mode_text((mode_t)got, text));
        ok &= lab_expect(got == want, "that is mode & ~umask = %04o",
                         (unsigned)want);
    }
    lab_say("666 written in decimal is %#o in octal: the trace's fifo_create "
            "shows mode = %#x instead of 0x1b6", 666, 666);

    /* what the decimal bug does to the FIFO's own owner */
    fd = ipc_fifo_open(IPCLAB_FIFO_LAB, lab_path(decimal, "decimal"),
                       O_RDONLY | O_NONBLOCK);
    if (geteuid() == 0) {
        lab_say("you are root: permissions do not stop you (CAP_DAC_OVERRIDE),"
                " so this bug hides until a normal user runs the program");
    } else {
        ok &= lab_expect(fd == -1 && errno == EACCES,
                         "its owner cannot open it for reading: %s",
                         fd == -1 ? ipc_errno_name(errno) : "it could");
    }
    if (fd >= 0)
        close(fd);
    return ok;
}

bool
exp_exists(void)
{
    char path[PATH_MAX], planted[PATH_MAX];
    struct stat st;
    bool ok = true;
    int r, fd;

    lab_path(path, "exists");
    lab_path(planted, "planted");
    lab_fifo(IPCLAB_FIFO_LAB, path);
    r = ipc_fifo_create(IPCLAB_FIFO_LAB, path, 0600);
    ok &= lab_expect(r == -1 && errno == EEXIST, "a second mkfifo() of '%s' "
                     "fails with %s: the FIFO outlives whoever made it",
                     path, r == -1 ? ipc_errno_name(errno) : "success");

    /* EEXIST alone says nothing about what is there: look, without
       following a symlink */
    ok &= lab_expect(lstat(path, &st) == 0 && S_ISFIFO(st.st_mode) &&
                     st.st_uid == geteuid(), "lstat(): it is a FIFO and it "
                     "is ours, so reusing it is safe");

    /* someone planted a regular file where our FIFO should be */
    fd = open(planted, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0)
        close(fd);
    r = ipc_fifo_create(IPCLAB_FIFO_LAB, planted, 0600);
    ok &= lab_expect(r == -1 && errno == EEXIST && lstat(planted, &st) == 0 &&
                     S_ISREG(st.st_mode), "at '%s' mkfifo() fails with EEXIST "
                     "too, but lstat() finds a regular file: refuse it",
                     planted);
    fd = ipc_fifo_open(IPCLAB_FIFO_LAB, planted, O_WRONLY | O_NONBLOCK);
    ok &= lab_expect(fd == -1 && errno == EINVAL, "ipc_fifo_open() refuses it "
                     "as well (%s): no record is written into a plain file",
                     fd == -1 ? ipc_errno_name(errno) : "it opened");
    if (fd >= 0)
        close(fd);
    unlink(path);
    unlink(planted);
    return ok;
}
