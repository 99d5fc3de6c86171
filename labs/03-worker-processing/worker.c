/*
 * labs/03-worker-processing/worker.c - a processing client's loop, and the
 * errors it answers instead of crashing.
 *
 *   lab --"requests" FIFO--> worker --FIFO4--> lab
 *
 * The worker reads one request, computes it with ipc_calc_apply(), writes
 * one result, and loops until end of file. ipc_calc_apply() (ipclab/calc.h)
 * returns a status: 0, EDOM for a division by zero, ERANGE when the result
 * does not fit in 64 bits, EINVAL for an unknown operation; the status
 * travels in the result record to the client, who prints it.
 *
 * Why not just 'a / b'? In C a division by zero, and INT64_MIN / -1 (whose
 * quotient, 2^63, does not fit), are undefined behaviour; on x86-64 the CPU
 * traps and the kernel kills the process with SIGFPE (signal(7)), on arm64
 * it quietly gives a wrong number. 'errors' shows that too (UNSAFE, in a
 * throw-away peer).
 *
 * Run:   build/bin/lab03-worker-processing worker
 *        build/bin/lab03-worker-processing errors
 * The reference worker is handle_ready() in src/worker/main.c.
 * Lab 03, steps 1 and 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "ipclab/calc.h"
#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "ipclab/trace.h"
#include "lab.h"
#include "lab03.h"

struct job {
    uint32_t op;
    int64_t a, b;
    int status;                 /* what ipc_calc_apply() must answer */
    int64_t value;
};

/* Peer: the processing loop. */
static int
worker(void *arg)
{
    char requests[PATH_MAX], results[PATH_MAX];
    int in = ipc_fifo_open(IPCLAB_FIFO_LAB, lab_path(requests, "requests"),
                           O_RDONLY);
    int out = ipc_fifo_open(IPCLAB_FIFO4, lab_path(results, "results"),
                            O_WRONLY);
    struct ipc_record rec;
    int r = -1;

    (void)arg;
    while (in >= 0 && out >= 0 &&
           (r = ipc_rec_read_one(in, IPCLAB_FIFO_LAB, &rec,
                                 IPCLAB_KIND_REQUEST)) == 1) {
        int64_t v = 0;
        int status;

        IPCLAB_TP(proc_state, lab_role(), "processing");
        status = ipc_calc_apply(rec.op, rec.a, rec.b, &v);
        ipc_rec_make_result(&rec, status, v);
        if (ipc_rec_write(out, IPCLAB_FIFO4, &rec, -1) == -1)
            return 1;
        IPCLAB_TP(proc_state, lab_role(), "idle");
    }
    return r == 0 ? 0 : 1;      /* end of file: the lab has finished */
}

/* Send each job to a worker of our own, one at a time; check each answer. */
static bool
run_jobs(const struct job *jobs, int n)
{
    char requests[PATH_MAX], results[PATH_MAX];
    struct ipc_record rec;
    bool ok = true;
    int in, out;
    pid_t pid;

    lab_fifo(IPCLAB_FIFO_LAB, lab_path(requests, "requests"));
    lab_fifo(IPCLAB_FIFO4, lab_path(results, "results"));
    pid = lab_fork("worker", worker, NULL);
    /* both blocking, in the worker's order: a read end opened first, with
       O_NONBLOCK, would see end of file until the worker opens its
       write end (lab 01, 'nonblock') */
    in = lab_open(IPCLAB_FIFO_LAB, requests, O_WRONLY);
    out = lab_open(IPCLAB_FIFO4, results, O_RDONLY);
    for (int i = 0; i < n && ok; i++) {
        const struct job *j = &jobs[i];
        char said[96];

        ipc_rec_request(&rec, (enum ipc_op)j->op, j->a, j->b, (uint32_t)i + 1);
        if (ipc_rec_write(in, IPCLAB_FIFO_LAB, &rec, -1) == -1 ||
            ipc_rec_read_one(out, IPCLAB_FIFO4, &rec,
                             IPCLAB_KIND_RESULT) != 1) {
            ok = lab_expect(false, "no result for %lld %c %lld",
                            (long long)j->a, ipc_op_symbol(j->op),
                            (long long)j->b);
            break;
        }
        if (rec.status == 0)
            snprintf(said, sizeof(said), " = %lld", (long long)rec.value);
        else
            snprintf(said, sizeof(said), ": status %s (%s)",
                     ipc_errno_name(rec.status), ipc_status_text(rec.status));
        ok &= lab_expect(rec.status == j->status &&
                         (j->status != 0 || rec.value == j->value),
                         "%lld %c %lld%s", (long long)j->a,
                         ipc_op_symbol(j->op), (long long)j->b, said);
    }
    if (in >= 0)
        close(in);              /* end of file: the worker's loop ends */
    ok &= lab_expect(lab_wait(pid, "worker") == 0, "the worker is alive to "
                     "the end and exits 0");
    if (out >= 0)
        close(out);
    unlink(requests);
    unlink(results);
    return ok;
}

bool
exp_worker(void)
{
    static const struct job jobs[] = {
        { IPCLAB_OP_SUM, 7, 5, 0, 12 }, { IPCLAB_OP_SUB, 7, 12, 0, -5 },
        { IPCLAB_OP_MUL, 6, 7, 0, 42 }, { IPCLAB_OP_DIV, -7, 2, 0, -3 },
    };

    lab_say("-7 / 2 is -3: C's division truncates toward zero");
    return run_jobs(jobs, (int)(sizeof(jobs) / sizeof(jobs[0])));
}

/*
 * Peer: what plain C division does with INT64_MIN / -1. UNSAFE on purpose.
 * The lab shows what the machine does (SIGFPE on x86), so 'make sanitize'
 * must not stop it first: UndefinedBehaviorSanitizer is off here alone.
 */
__attribute__((no_sanitize("undefined")))
static int
naive_div(void *arg)
{
    volatile int64_t a = INT64_MIN, b = -1;     /* volatile: divide at run
                                                   time, not compile time */
    volatile int64_t q = a / b;                 /* UNSAFE: undefined */

    (void)arg;
    lab_say("INT64_MIN / -1 gave %lld: a wrong number, and no error",
            (long long)q);
    return 0;
}

bool
exp_errors(void)
{
    static const struct job jobs[] = {
        { IPCLAB_OP_DIV, 1, 0, EDOM, 0 },
        { IPCLAB_OP_DIV, INT64_MIN, -1, ERANGE, 0 },
        { IPCLAB_OP_SUM, INT64_MAX, 1, ERANGE, 0 },
        { IPCLAB_OP_SUB, INT64_MIN, 1, ERANGE, 0 },
        { IPCLAB_OP_MUL, INT64_MAX, 2, ERANGE, 0 },
        { 9, 1, 1, EINVAL, 0 },
    };
    bool ok = run_jobs(jobs, (int)(sizeof(jobs) / sizeof(jobs[0])));
    int status = lab_wait(lab_fork("naive", naive_div, NULL), "naive");

    if (status == 128 + SIGFPE)
        lab_say("a worker that divides with plain '/' instead was killed by "
                "SIGFPE computing INT64_MIN / -1 (status %d)", status);
    else
        lab_say("a worker that divides with plain '/' was not killed here "
                "(status %d): this CPU gives a wrong number instead", status);
    return ok;
}
