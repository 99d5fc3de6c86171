/*
 * self.c - the process's own pid, asked of the kernel once.
 *
 * Apart from proc.c because the trace tool's records need it too, and
 * proc.c brings in the tracepoints, which that tool does not define.
 * Unit tests: tests/unit/check_proc.c.
 */
#include <pthread.h>
#include <unistd.h>

#include "ipclab/proc.h"

/*
 * Our own pid, asked of the kernel once per process. getpid() is a system
 * call (glibc stopped caching it), and a request's pid, a signal's si_pid
 * and the check that a result is ours need it on every request. fork()
 * makes a new process: the child handler asks again.
 */
static pid_t self_pid;
static pthread_once_t self_once = PTHREAD_ONCE_INIT;

static void
refresh_self_pid(void)
{
    self_pid = getpid();
}

static void
init_self_pid(void)
{
    refresh_self_pid();
    /* cannot fail but for ENOMEM; then getpid() is asked every time */
    if (pthread_atfork(NULL, NULL, refresh_self_pid) != 0)
        self_pid = 0;
}

pid_t
ipc_self_pid(void)
{
    pthread_once(&self_once, init_self_pid);
    return self_pid != 0 ? self_pid : getpid();
}
