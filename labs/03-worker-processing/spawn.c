/*
 * labs/03-worker-processing/spawn.c - a pool of workers against fork+exec
 * of a worker for every request.
 *
 * The reference server starts its workers in one of two ways (its option
 * --spawn): 'pool', four persistent workers, one per operation, started
 * once; or 'per-request', the original design, where the server
 * fork()s and exec()s a fresh ipclab-sum (or -sub...) for every request,
 * which handles that one request and exits. 'pool' and 'fork-exec' run the
 * same 50 random requests (ipclab-rc --count 50 --random --seed 42, one at
 * a time) against each, and print the median time a request takes from the
 * client's write to its read of the result, as ipclab-rc reports it (the
 * wall time per request, printed too, also holds rc's start-up).
 * 'fork-exec' compares with 'pool' when both run in one invocation.
 * fork+exec costs a new process, a new program image, the dynamic loader,
 * and LTTng's registration of the new process when tracing: every request
 * pays it.
 *
 * In the trace, the cost is the gap, for one request, between the
 * server's ipclab:route (or proc_spawn) and the worker's signal_consume
 * of "ready": a few microseconds in a pool, milliseconds per request.
 *
 * Run:   build/bin/lab03-worker-processing pool fork-exec
 * The server's side is worker_for() and start_worker() in
 * src/server/route.c, and ipc_worker_spawn() in src/lib/worker.c.
 * Lab 03, steps 3 and 4.
 */
#include <stdio.h>
#include <string.h>

#include "ipclab/proc.h"
#include "lab.h"
#include "lab03.h"

#define REQUESTS 50

struct mode_run {
    long answered, wrong, lost;
    double us_each;             /* wall time per request, measured here */
    double p50;                 /* ipclab-rc's own median latency */
};

/* ipclab-server --spawn MODE, ipclab-rc on it, and what rc summed up. */
static bool
run_mode(const char *mode, struct mode_run *m)
{
    char out[PATH_MAX];
    const char *extra[] = { "--spawn", mode, NULL };
    struct lab_server srv;
    char text[1024], count[16];
    const char *p;
    int64_t t0;
    int status;

    lab_path(out, "rc.out");
    if (!lab_server_start(&srv, extra))
        return false;
    snprintf(count, sizeof(count), "%d", REQUESTS);
    {
        const char *rc[] = { srv.rc, "--dir", srv.dir,
                             "--count", count, "--random", "--seed", "42",
                             "--quiet", NULL };

        t0 = ipc_now_ns();
        status = lab_wait(lab_spawn("rc", rc, out), "rc");
        m->us_each = (double)(ipc_now_ns() - t0) / 1e3 / REQUESTS;
    }

    /* "requests: 50, answered: 50, errors: 3, wrong: 0, lost: 0" and
       "throughput: ... latency p50 12.3 us, ..." (src/rc/main.c) */
    lab_read_file(out, text, sizeof(text));
    m->answered = m->wrong = m->lost = -1;
    m->p50 = -1;
    if ((p = strstr(text, "answered: ")) != NULL)
        sscanf(p, "answered: %ld, errors: %*d, wrong: %ld, lost: %ld",
               &m->answered, &m->wrong, &m->lost);
    if ((p = strstr(text, "p50 ")) != NULL)
        sscanf(p, "p50 %lf", &m->p50);
    lab_say("--spawn %-11s %d requests: %ld answered, %ld wrong, %ld lost; "
            "%.0f us each (rc's median latency %.0f us)", mode, REQUESTS,
            m->answered, m->wrong, m->lost, m->us_each, m->p50);
    status = lab_expect(status == 0 && m->answered == REQUESTS &&
                        m->wrong == 0 && m->lost == 0,
                        "every answer came, and was right");
    return lab_server_stop(&srv) == 0 && status;
}

static double pool_p50 = -1;    /* from 'pool', when it ran before */

bool
exp_pool(void)
{
    struct mode_run m;
    bool ok = run_mode("pool", &m);

    pool_p50 = ok ? m.p50 : -1;
    return ok;
}

bool
exp_fork_exec(void)
{
    struct mode_run m;

    if (!run_mode("per-request", &m))
        return false;
    if (pool_p50 <= 0) {
        lab_say("run 'pool fork-exec' (or 'all') to compare the two");
        return true;
    }
    /* medians against medians: the "us each" figures include the start
       and stop of the run, so their ratio is another number */
    return lab_expect(m.p50 > pool_p50, "fork+exec per request: rc's median "
                      "latency %.0f times a pool's (%.0f us against %.0f "
                      "us), about %.0f us more, every request",
                      m.p50 / pool_p50, m.p50, pool_p50, m.p50 - pool_p50);
}
