/*
 * exercises/grader/sandbox.h - what a graded test's process may do, and
 * what is left of it afterwards (the grading program's own business).
 *
 * The grading program is two processes per test: the collector, which
 * forks the test's process and waits for it, and the test's process,
 * which runs the student's code. The collector:
 *
 *   - reads the settings from the environment (sb_init): GRADE_UID and
 *     GRADE_GID, the identity the test's process takes when the collector
 *     runs as root; GRADE_TIMEOUT, a cap on the test's own timeout;
 *   - makes itself unreachable for other processes of its uid (not
 *     dumpable: no ptrace, no pidfd_getfd, no /proc/PID/fd) and the
 *     reaper of every orphan the test leaves;
 *   - after the test, kills every process the test left: its descendants
 *     (daemons and setsid() ones included, reparented to the collector)
 *     and, when it switched uid, every process of that uid (sb_reap).
 *
 * The test's process, first thing (sb_enter): closes the verdict
 * descriptor, takes the per-test limits (CPU time, file size, address
 * space and, under its own uid, processes) and switches to GRADE_UID.
 */
#ifndef IPCLAB_GRADE_SANDBOX_H
#define IPCLAB_GRADE_SANDBOX_H

#include <stdbool.h>

/* Read the settings; 'verdict_fd' is the collector's channel (or -1). */
void
sb_init(int verdict_fd);

/* In the collector, before running a test. */
void
sb_collector(void);

/* In the test's process, before the test's body (timeout in seconds). */
void
sb_enter(int timeout_s);

/* In the collector, after a test: end everything it left running. */
void
sb_reap(void);

/* True when the test's process runs under a uid of its own. */
bool
sb_uid_switched(void);

/* The test's timeout: 'own', capped by GRADE_TIMEOUT. */
int
sb_timeout(int own);

/* What the limits are, for messages ("64 MiB"). */
#define SB_FSIZE_MIB 64
#define SB_AS_MIB 2048
#define SB_NPROC 256

#endif /* IPCLAB_GRADE_SANDBOX_H */
