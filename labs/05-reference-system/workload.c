/*
 * labs/05-reference-system/workload.c - the default workload, three ways.
 *
 * The same four clients as 'make run' (scripts/workload.sh): rc1 to rc4,
 * started first and then released together (each reads its expressions
 * from a FIFO the lab fills once all four are up), three expressions
 * each, up to three in flight, errors included. Each prints its answers in its input order; the lab checks
 * every line. Three servers:
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
#include <string.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/proc.h"
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

/* The files of client i: "rc1.in", "rc1.out"... into buf */
static const char *
rc_file(char buf[static PATH_MAX], int i, const char *ext)
{
    char name[32];

    snprintf(name, sizeof(name), "rc%d.%s", i + 1, ext);
    return lab_path(buf, name);
}

/* Start client i reading the file 'in' (a FIFO when 'gated') */
static pid_t
spawn_rc(const struct lab_server *srv, int i, const char *const extra[],
         const char *in, bool gated)
{
    const char *argv[16] = { srv->rc, "--dir", srv->dir,
                             "--window", "3", "--file", in };
    char out[PATH_MAX];
    int n = 7;
    FILE *f;

    for (int k = 0; extra != NULL && extra[k] != NULL && n < 15; k++)
        argv[n++] = extra[k];
    argv[n] = NULL;
    if (gated) {
        lab_clients_input(in);
    } else {
        /* a FIFO of that name, from a gated run, would block fopen() */
        if ((unlink(in) == -1 && errno != ENOENT) ||
            (f = fopen(in, "we")) == NULL)
            ipc_die("cannot create '%s'", in);
        fputs(input[i], f);
        if (fclose(f) == EOF)
            ipc_die("cannot write '%s'", in);
    }
    return lab_spawn("rc", argv, rc_file(out, i, "out"));
}

pid_t
rc_start(const struct lab_server *srv, int i, const char *const extra[])
{
    char in[PATH_MAX];

    return spawn_rc(srv, i, extra, rc_file(in, i, "in"), false);
}

bool
rc_check(pid_t pid, int i)
{
    int status = lab_wait(pid, "rc");
    char out[PATH_MAX], text[512];

    lab_read_file(rc_file(out, i, "out"), text, sizeof(text));
    for (const char *l = text; *l != '\0'; l += *l == '\n') {
        lab_say("rc%d: %.*s", i + 1, (int)strcspn(l, "\n"), l);
        l += strcspn(l, "\n");
    }
    return lab_expect(status == 0 && strcmp(text, answers[i]) == 0,
                      "rc%d (pid %ld) got its three answers, each right",
                      i + 1, (long)pid);
}

/* The default workload against ipclab-server 'extra'. */
static bool
workload(const char *const extra[])
{
    struct lab_server srv;
    char fifo[PATH_MAX], in[RC_COUNT][PATH_MAX];
    const char *in_of[RC_COUNT];
    pid_t pid[RC_COUNT];
    int64_t t0;
    bool ok = true;

    if (!lab_server_start(&srv, extra))
        return false;
    /* start all four, then release them together: their requests meet in
       the server (lab_clients_release() says why that needs a gate) */
    for (int i = 0; i < RC_COUNT; i++) {
        in_of[i] = rc_file(in[i], i, "in");
        pid[i] = spawn_rc(&srv, i, NULL, in[i], true);
    }
    t0 = ipc_now_ms();
    ok &= lab_expect(lab_clients_release(RC_COUNT, pid, in_of, input),
                     "all four clients started, then released together");
    for (int i = 0; i < RC_COUNT; i++)
        ok &= rc_check(pid[i], i);
    lab_say("all four clients done in %lld ms", (long long)(ipc_now_ms() - t0));
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
