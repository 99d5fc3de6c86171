/*
 * labs/03-worker-processing/crash.c - a worker dies holding a request.
 *
 * The reference server is started with --worker-crash-after 2: each
 * worker kills itself (SIGKILL) right after taking its second request, the
 * way a buggy worker might crash. One client sends three sums, one at a
 * time. The server learns of the death from SIGCHLD (read, like every
 * signal it takes, from a signalfd), answers the lost request with EIO
 * ("processing client failed") and starts a new sum worker, which handles
 * the third request. So the client sees, in order:
 *
 *   1 + 1 = 2
 *   2 + 2: processing client failed
 *   3 + 3 = 6
 *
 * In the trace: the worker's record_read of request 2 and its ack, then
 * no result; the server's proc_reap with status 137 (128 + SIGKILL), an
 * error "worker died", a proc_spawn of a new "sum", and request 3 routed
 * to the new worker's pid.
 *
 * Run:   build/bin/lab03-worker-processing crash
 * The server's side is route_child_exited() in src/server/route.c.
 * Lab 03, step 5.
 */
#include "lab.h"
#include "lab03.h"

bool
exp_crash(void)
{
    static const char input[] = "1 + 1\n2 + 2\n3 + 3\n";
    static const char expect[] = "1 + 1 = 2\n"
                                 "2 + 2: processing client failed\n"
                                 "3 + 3 = 6\n";
    const char *extra[] = { "--worker-crash-after", "2", NULL };
    struct lab_server srv;
    bool ok;

    if (!lab_server_start(&srv, extra))
        return false;
    ok = lab_client_check(lab_client_start(&srv, "rc", input, NULL), "rc",
                          expect);
    ok = lab_expect(ok, "request 2 was answered with EIO, and the new "
                    "worker answered request 3");
    return lab_expect(lab_server_stop(&srv) == 0, "the server stopped "
                      "cleanly") && ok;
}
