/*
 * labs/05-reference-system/faults.c - a client dies with a result waiting.
 *
 * rc4 of the default workload is started with --die-before-ack 1: when
 * the server's "ready" for its first result arrives, it kills itself
 * (SIGKILL) before reading. That result sits in FIFO2, which holds one
 * record at a time. The server watches each client through a pidfd, so it
 * learns of the death at once, takes the record back through its own read
 * end of FIFO2 (ipclab:reclaim, reason "peer_gone") and drops what else it
 * had for rc4. Only then do rc1 and rc2 start: nothing holds them up, and
 * the server stops cleanly. Nothing sleeps in the lab.
 *
 * Questions for the trace: which record did the server reclaim, and how
 * long after its ready? What did it do with rc4's other results?
 *
 * Run:   build/bin/lab05-reference-system dead-client
 * The server's side is hs_check() in src/server/handshake.c and
 * route_client_exited() in src/server/route.c. Lab 05, step 4.
 */
#include <signal.h>

#include "ipclab/proc.h"
#include "lab05.h"

bool
exp_dead_client(void)
{
    const char *extra[] = { "--ack-timeout", "300", NULL };
    const char *die[] = { "--die-before-ack", "1", NULL };
    struct lab_server srv;
    pid_t rc1, rc2, rc4;
    int64_t t0;
    int status;
    bool ok;

    if (!lab_server_start(&srv, extra))
        return false;
    rc4 = rc_start(&srv, 3, die);
    status = lab_wait(rc4, "rc");       /* reaped: gone for good */
    ok = lab_expect(status == 128 + SIGKILL, "rc4 (pid %ld) died on its "
                    "first ready, before reading: status %d", (long)rc4,
                    status);
    t0 = ipc_now_ms();
    rc1 = rc_start(&srv, 0, NULL);
    rc2 = rc_start(&srv, 1, NULL);
    ok &= rc_check(rc1, 0);
    ok &= rc_check(rc2, 1);
    lab_say("rc1 and rc2 done in %lld ms: nothing held them behind rc4's "
            "record", (long long)(ipc_now_ms() - t0));
    return lab_expect(lab_server_stop(&srv) == 0, "the server lived on, and "
                      "stopped cleanly") && ok;
}
