/*
 * labs/05-reference-system/workload.c - the default workload, three ways.
 *
 * The same four clients as 'make run' (scripts/workload.sh): rc1 to rc4,
 * started first and then released together (lab_clients_run()), three
 * expressions each, up to three in flight, errors included. Each prints
 * its answers in its input order; the lab checks every line. Three
 * servers:
 *
 *   run          ipclab-server: a pool of four workers, real-time signals
 *   per-request  --spawn per-request: one fork+exec'd worker per request
 *   classic      --signals classic --ack-timeout 200: SIGUSR1/SIGUSR2,
 *                which coalesce. Two acks sent to the server at the same
 *                moment (one from a client, one from a worker) make ONE
 *                pending SIGUSR2: the server never sees the second, and
 *                only its ack timeout lets that FIFO move on. The answers
 *                stay right; the run gets slower when it happens, which
 *                depends on timing: the trace shows it as a signal_send
 *                "ack" with no signal_consume.
 *
 * After each run the server is stopped with SIGINT and must remove its
 * FIFOs.
 *
 * Run:   build/bin/lab05-reference-system run | per-request | classic
 * Lab 05, steps 1 to 3.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "ipclab/rundir.h"
#include "lab05.h"

static const char *const input[RC_COUNT] = {
    "6 * 7\n100 + 23\n-5 - 8\n",
    "84 / 2\n9223372036854775807 + 1\n12 * -3\n",
    "1 / 0\n7 - 10\n-9223372036854775808 / -1\n",
    "2 * 21\n1000 / 7\n5 + 5\n",
};
static const char *const answers[RC_COUNT] = {
    "6 * 7 = 42\n100 + 23 = 123\n-5 - 8 = -13\n",
    "84 / 2 = 42\n9223372036854775807 + 1: overflow\n12 * -3 = -36\n",
    ("1 / 0: division by zero\n7 - 10 = -3\n"
     "-9223372036854775808 / -1: overflow\n"),
    "2 * 21 = 42\n1000 / 7 = 142\n5 + 5 = 10\n",
};

/* The name of client i: "rc1"... into buf */
static const char *
rc_name(char buf[static 16], int i)
{
    snprintf(buf, 16, "rc%d", i + 1);
    return buf;
}

pid_t
rc_start(const struct lab_server *srv, int i, const char *const extra[])
{
    const char *args[8] = { "--window", "3" };
    char name[16];
    int n = 2;

    for (int k = 0; extra != NULL && extra[k] != NULL && n < 7; k++)
        args[n++] = extra[k];
    args[n] = NULL;
    return lab_client_start(srv, rc_name(name, i), input[i], args);
}

bool
rc_check(pid_t pid, int i)
{
    char name[16];

    return lab_client_check(pid, rc_name(name, i), answers[i]);
}

/* The default workload against ipclab-server 'extra'. */
static bool
workload(const char *const extra[])
{
    struct lab_server srv;
    char fifo[PATH_MAX];
    bool ok;

    if (!lab_server_start(&srv, extra))
        return false;
    /* released together: their requests meet in the server */
    ok = lab_clients_run(&srv, RC_COUNT, "3", input, answers);
    ok &= lab_expect(lab_server_stop(&srv) == 0, "the server stopped cleanly "
                     "on SIGINT");
    ipc_rundir_fifo(fifo, sizeof(fifo), srv.dir, IPCLAB_FIFO1);
    ok &= lab_expect(access(fifo, F_OK) == -1 && errno == ENOENT,
                     "and removed its FIFOs");
    return ok;
}

bool
exp_run(void)
{
    return workload(NULL);
}

bool
exp_per_request(void)
{
    const char *extra[] = { "--spawn", "per-request", NULL };

    return workload(extra);
}

bool
exp_classic(void)
{
    const char *extra[] = { "--signals", "classic", "--ack-timeout", "200",
                            NULL };

    return workload(extra);
}
