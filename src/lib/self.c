/*
 * self.c - the process's own pid.
 *
 * Apart from proc.c because the trace tool's records need it too, and
 * proc.c brings in the tracepoints, which that tool does not define.
 * Unit tests: tests/unit/check_proc.c.
 */
#include <unistd.h>

#include "ipclab/proc.h"

pid_t
ipc_self_pid(void)
{
    return getpid();
}
