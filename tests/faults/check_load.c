/*
 * tests/faults/check_load.c - 32 requesting clients at once.
 *
 * scripts/load.sh starts a server and 32 ipclab-rc, each reading its own
 * file of random requests with a window of 8 in flight; the test wrote
 * those files with the answers it computed itself (tests/lib/oracle.h).
 * Then, for each spawn mode with real-time signals, and for the pool with
 * classic signals (which coalesce: the server must notice a lost ack from
 * its FIFOs, not wait out the ack timeout):
 *
 *   zero lost          every client exits 0 and prints every answer;
 *   zero wrong         every line equals the oracle's;
 *   zero misdelivered  no client saw a result addressed to another pid
 *                      (ipclab-rc says so on stderr, which must be empty);
 *   zero duplicated    the server delivered exactly one result per
 *                      request: its "stopped:" line counts them.
 *
 * The same run is recorded with traces/record.sh: the trace must hold
 * every request and every result exactly once, and pass ipclab-trace's
 * protocol check when the trace tool is built.
 *
 * Run:  CK_RUN_SUITE=load build/tests/faults
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "faults.h"

#define CLIENTS 32
#define WINDOW  "8"

/*
 * Requests per client. Pool mode: the 1,000 the issue asks for (32,000
 * in all, about 5 s). Per-request mode forks and execs a processing client
 * for every request, one at a time through FIFO3 (the handshake admits
 * one record in a shared FIFO): about 5 ms a request on a 2-CPU machine,
 * so 32,000 would take close to 3 minutes, more than this whole program
 * may. 200 each (6,400 requests, about 35 s) still keeps all 32 clients
 * with full windows at once for the whole run. Under make sanitize a
 * processing client takes about 40 ms to start and to check itself for
 * leaks at exit: 50 each (1,600 requests, about a minute), still more
 * than the 8 * 32 that fill every window at once.
 */
#define POOL_REQUESTS        1000
#define PER_REQUEST_REQUESTS (FX_SANITIZED ? 50 : 200)
#define CLASSIC_REQUESTS     500        /* 32 x 500, as the issue asks */

/*
 * scripts/load.sh with CLIENTS clients of 'count' requests on a server
 * with 'opts' (NULL-terminated), recorded into trace_dir unless NULL;
 * then every check of the header comment but the trace's.
 */
static void
run_load(const char *const opts[], int count, unsigned int seed,
         const char *trace_dir)
{
    const char *work = h_tmpdir();
    char script[PATH_MAX], bindir[PATH_MAX], clients[16], *text;
    const char *argv[32];
    struct fx_summary sum;
    int n = 0, status;

    snprintf(script, sizeof(script), "%s/scripts/load.sh", h_srcdir());
    snprintf(bindir, sizeof(bindir), "%s/bin", h_build_dir());
    argv[n++] = script;
    argv[n++] = bindir;
    argv[n++] = work;
    snprintf(clients, sizeof(clients), "%d", CLIENTS);
    argv[n++] = clients;
    argv[n++] = WINDOW;
    for (int i = 0; opts[i] != NULL; i++)
        argv[n++] = opts[i];
    argv[n] = NULL;

    fx_load_prepare(work, CLIENTS, count, seed);
    if (trace_dir != NULL)
        status = h_record(trace_dir, argv, h_tmpdir_path("load.log"),
                          240000);
    else
        status = h_run(argv, NULL, h_tmpdir_path("load.log"), NULL, 240000);
    if (status != 0) {
        char said[1024];

        ck_abort_msg("load.sh exited %d: %s", status,
                     fx_load_complaint(work, CLIENTS, said, sizeof(said)));
    }

    ck_assert_int_eq(fx_load_check(work, CLIENTS, NULL), 0);
    text = h_read_file(h_tmpdir_path("server.out"));
    fx_summary(text, &sum);
    ck_assert_msg(sum.answered == (unsigned long)CLIENTS * count &&
                  sum.undeliverable == 0 && sum.dropped == 0,
                  "want %d answered, none undeliverable or dropped: %s",
                  CLIENTS * count, text);
    free(text);
    text = h_read_file(h_tmpdir_path("server.err"));
    ck_assert_msg(text != NULL && text[0] == '\0', "server: %s", text);
    free(text);
}

START_TEST(test_load_pool_rt)
{
    run_load((const char *[]){ "--spawn", "pool", "--signals", "rt", NULL },
             POOL_REQUESTS, 1000, NULL);
}
END_TEST

START_TEST(test_load_per_request_rt)
{
    run_load((const char *[]){ "--spawn", "per-request", "--signals", "rt",
             NULL }, PER_REQUEST_REQUESTS, 2000, NULL);
}
END_TEST

/* Classic signals coalesce: the server must notice from its FIFOs */
START_TEST(test_load_pool_classic)
{
    run_load((const char *[]){ "--spawn", "pool", "--signals", "classic",
             NULL }, CLASSIC_REQUESTS, 3000, NULL);
}
END_TEST

/* Event counts of a trace, read from babeltrace2's text as it streams. */
struct trace_counts {
    long requests_sent;         /* record_write on FIFO1 */
    long results_read;          /* record_read on FIFO2 */
    long drops;                 /* record_drop, anywhere */
    long discarded;             /* babeltrace2 warnings of lost events */
};

static void
count_trace(const char *trace_dir, struct trace_counts *c)
{
    char *line = NULL, *text, *ns, info[PATH_MAX + 16], mine[64] = "";
    size_t cap = 0;
    int pipefd[2], status;
    FILE *in;
    pid_t pid;

    memset(c, 0, sizeof(*c));
    /* only this recording's processes: those of its UTS namespace, which
       traces/record.sh names in record.info (docs/tracing.md, section 3) */
    snprintf(info, sizeof(info), "%s/record.info", trace_dir);
    text = h_read_file(info);
    ns = text != NULL ? strstr(text, "\nuts_ns=") : NULL;
    if (ns != NULL)
        snprintf(mine, sizeof(mine), "uts_ns = %.*s }", (int)strcspn(ns + 8,
                 "\n"), ns + 8);
    free(text);
    ck_assert_int_eq(pipe(pipefd), 0);
    fflush(NULL);
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        dup2(pipefd[1], STDOUT_FILENO);
        dup2(pipefd[1], STDERR_FILENO);  /* its warnings, counted too */
        close(pipefd[0]);
        close(pipefd[1]);
        execl("/usr/bin/babeltrace2", "babeltrace2", trace_dir,
              (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    in = fdopen(pipefd[0], "r");
    ck_assert_ptr_nonnull(in);
    /* 700,000 lines of 250 bytes: count them as they come, keep none */
    while (getline(&line, &cap, in) != -1) {
        if (strstr(line, "discarded") != NULL)
            c->discarded++;
        else if (mine[0] != '\0' && strstr(line, mine) == NULL)
            continue;           /* another recording's process */
        else if (strstr(line, "ipclab:record_write:") != NULL &&
            strstr(line, " fifo = 1,") != NULL)
            c->requests_sent++;
        else if (strstr(line, "ipclab:record_read:") != NULL &&
                 strstr(line, " fifo = 2,") != NULL)
            c->results_read++;
        else if (strstr(line, "ipclab:record_drop:") != NULL)
            c->drops++;
    }
    free(line);
    fclose(in);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "babeltrace2 failed on %s", trace_dir);
}

/* The pool run again, recorded: the trace shows each hop exactly once */
START_TEST(test_load_pool_recorded)
{
    const char *trace_dir = h_tmpdir_path("trace");
    const char *tool = h_bin("ipclab-trace");
    struct trace_counts c;

    ck_assert_msg(h_tracing_available(), "LTTng is not installed or the "
                  "kit was built with TRACING=0: run 'make deps' and "
                  "rebuild (see docs/troubleshooting.md)");
    run_load((const char *[]){ "--spawn", "pool", "--signals", "rt", NULL },
             POOL_REQUESTS, 1000, trace_dir);

    count_trace(trace_dir, &c);
    ck_assert_msg(c.discarded == 0, "LTTng discarded events: the trace is "
                  "incomplete");
    ck_assert_int_eq(c.requests_sent, (long)CLIENTS * POOL_REQUESTS);
    ck_assert_int_eq(c.results_read, (long)CLIENTS * POOL_REQUESTS);
    ck_assert_int_eq(c.drops, 0);

    /* the trace tool's protocol check, once it is part of the build */
    if (access(tool, X_OK) == 0) {
        int status = h_run((const char *[]){ tool, "check", trace_dir,
                           NULL }, NULL, h_tmpdir_path("check.out"),
                           h_tmpdir_path("check.err"), 240000);
        char *out = h_read_file(h_tmpdir_path("check.out"));
        char *err = h_read_file(h_tmpdir_path("check.err"));

        ck_assert_msg(status == 0, "ipclab-trace check exited %d:\n%s%s",
                      status, out, err);
        free(out);
        free(err);
    } else {
        h_skip("%s not built: trace protocol check not run", tool);
    }
}
END_TEST

Suite *
load_suite(void)
{
    Suite *s = suite_create("load");
    TCase *core = h_tcase(s, "core", 300);
    TCase *traced = h_tcase(s, "traced", 300);

    tcase_add_test(core, test_load_pool_rt);
    tcase_add_test(core, test_load_per_request_rt);
    tcase_add_test(core, test_load_pool_classic);
    tcase_add_test(traced, test_load_pool_recorded);
    return s;
}
