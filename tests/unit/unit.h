/*
 * tests/unit/unit.h - what the unit-test files share.
 *
 * The unit-test program, build/tests/unit, has one file per library module
 * (check_record.c tests src/lib/record.c, and so on), each exporting one
 * Suite; runner.c puts them all in one SRunner. This header declares those
 * suites and the few helpers in helpers.c that several files need:
 * temporary directories, small files, stderr capture and forked children.
 *
 * Peers: runner.c (main), helpers.c (the helpers), check_*.c (the suites).
 */
#ifndef IPCLAB_UNIT_H
#define IPCLAB_UNIT_H

#include <check.h>
#include <stddef.h>
#include <sys/types.h>

/* One suite per library module, in the order the runner adds them. */
Suite *record_suite(void);
Suite *calc_suite(void);
Suite *cli_suite(void);
Suite *err_suite(void);
Suite *rundir_suite(void);
Suite *fifo_suite(void);
Suite *sig_suite(void);
Suite *proc_suite(void);
Suite *worker_suite(void);

/*
 * A fresh private directory /tmp/ipclab-unit-XXXXXX (mkdtemp: mode 0700),
 * its name in unit_tmpdir. unit_tmpdir_setup() and unit_tmpdir_teardown()
 * are an unchecked fixture: they run once per TCase in the runner, so
 * every forked test of the TCase sees the same directory, and the next
 * TCase a new one.
 */
extern char unit_tmpdir[];

void
unit_tmpdir_setup(void);

/* Remove unit_tmpdir and everything below it. */
void
unit_tmpdir_teardown(void);

/* "dir/name" into buf[size]; fails the test when it does not fit. */
void
unit_path(char *buf, size_t size, const char *dir, const char *name);

/*
 * Read all of a small file into buf[size], NUL-terminated. Returns its
 * length; fails the test when it cannot be read or does not fit. Lines
 * that a sanitizer's runtime writes ("==PID==...", make sanitize) are
 * left out: they are not the program's output.
 */
size_t
unit_read_file(const char *path, char *buf, size_t size);

/*
 * Point stderr (fd 2) at file 'path', created or truncated, or at
 * /dev/null when path is NULL. Returns a copy of the old stderr for
 * unit_stderr_restore(), so that CK_FORK=no runs keep their stderr.
 */
int
unit_stderr_to(const char *path);

void
unit_stderr_restore(int saved);


/*
 * Wait, at most 2 s, until process pid is asleep in the kernel (state S in
 * /proc/PID/stat): a helper child uses it to act only once the test has
 * blocked in read(), write(), poll() or sigtimedwait(). Returns 0, or -1
 * on timeout or when pid is gone. Polls without sleeping.
 */
int
unit_wait_sleeping(pid_t pid);

#endif /* IPCLAB_UNIT_H */
