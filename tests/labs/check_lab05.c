/*
 * tests/labs/check_lab05.c - lab05-reference-system, and what
 * labs/05-reference-system/README.md says its trace shows.
 *
 * 'ipclab-trace check --server PID' must pass on the runs that follow the
 * protocol to the letter: run, per-request, load.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"
#include "ipclab/proc.h"
#include "labs.h"

static const char *const experiments[] = {
    "run", "per-request", "classic", "dead-client", "load", NULL,
};
static const struct lab_case lab = { "lab05-reference-system", experiments };
static struct lt t;

static void
record(void)
{
    h_tmpdir_init();
    lt_record(&t, "lab05", (const char *[]){ h_bin(lab.bin), "all", NULL });
}

static void
forget(void)
{
    lt_free(&t);
    h_tmpdir_cleanup();
}

/* ipclab-trace check --server: the protocol held, when the tool exists */
static void
assert_check_passes(const char *exp)
{
    char *out;
    int status;

    if (!lt_have_check_tool())
        return;
    status = lt_check(&t, lt_pid_of(&t, exp, "server"), &out);
    ck_assert_msg(status == 0, "%s: ipclab-trace check exit %d:\n%s", exp,
                  status, out);
    free(out);
}

START_TEST(test_lab05_trace_every_experiment)
{
    lt_assert_all_ran(&t, "lab05", experiments);
}
END_TEST

/* four workers, four clients, twelve results each read by its client */
START_TEST(test_lab05_trace_run)
{
    lt_require(&t);
    ck_assert_int_eq(lt_count_pid(&t, "run", "proc_spawn vpid=%ld",
                                  lt_pid_of(&t, "run", "server")), 4);
    ck_assert_int_eq(lt_count(&t, "run", "proc_start role=rc"), 4);
    ck_assert_int_eq(lt_count(&t, "run", "record_write fifo=1"), 12);
    ck_assert_int_eq(lt_count(&t, "run", "record_read fifo=2 pid=@vpid"), 12);
    ck_assert_int_eq(lt_count(&t, "run", "record_read fifo=2 pid!=@vpid"), 0);
    assert_check_passes("run");
    /* released together: Q2 has an answer */
    if (lt_have_check_tool())
        lt_assert_clients_meet(&t, "run");
}
END_TEST

/* one worker process per request */
START_TEST(test_lab05_trace_per_request)
{
    long srv;

    lt_require(&t);
    srv = lt_pid_of(&t, "per-request", "server");
    ck_assert_int_eq(lt_count_pid(&t, "per-request", "proc_spawn vpid=%ld",
                                  srv), 12);
    ck_assert_int_eq(lt_count_pid(&t, "per-request", "proc_start ppid=%ld",
                                  srv), 12);
    ck_assert_int_eq(lt_count(&t, "per-request",
                              "record_read fifo=2 pid=@vpid"), 12);
    assert_check_passes("per-request");
}
END_TEST

/* SIGUSR1/SIGUSR2, every answer right; lost acks are allowed, not
   counted as delivered */
START_TEST(test_lab05_trace_classic)
{
    char f[96];
    long srv;

    lt_require(&t);
    srv = lt_pid_of(&t, "classic", "server");
    snprintf(f, sizeof(f), "signal_send what=ack signo=%d", SIGUSR2);
    ck_assert_int_eq(lt_count(&t, "classic", f), 24);
    snprintf(f, sizeof(f), "signal_consume what=ack signo=%d vpid=%ld",
             SIGUSR2, srv);
    ck_assert_int_le(lt_count(&t, "classic", f), 24);
    /* the handout: every record's ack is taken as 'ack' or, merged away,
       settled as 'ack_coalesced': 24 in all, unless the server stopped
       waiting for one (a reclaim: ack_timeout, or read_unacked under load) */
    if (lt_count(&t, "classic", "reclaim") == 0) {
        char g[96];

        snprintf(g, sizeof(g), "signal_consume what=ack_coalesced vpid=%ld",
                 srv);
        ck_assert_int_eq(lt_count(&t, "classic", f) +
                         lt_count(&t, "classic", g), 24);
    }
    ck_assert_int_eq(lt_count(&t, "classic", "record_read fifo=2 pid=@vpid"),
                     12);
    ck_assert_int_eq(lt_count(&t, "classic", "record_read pid!=@vpid fifo=2"),
                     0);
}
END_TEST

/* rc4 died by SIGKILL; its result was reclaimed as soon as the server
   saw it gone; rc1 and rc2 read their six */
START_TEST(test_lab05_trace_dead_client)
{
    lt_require(&t);
    ck_assert_int_eq(lt_count_pid(&t, "dead-client",
                                  "proc_reap vpid=%ld role=rc status=137",
                                  t.root), 1);
    ck_assert_int_ge(lt_count(&t, "dead-client",
                              "reclaim fifo=2 reason=peer_gone"), 1);
    ck_assert_int_eq(lt_count(&t, "dead-client",
                              "record_read fifo=2 pid=@vpid"), 6);
}
END_TEST

START_TEST(test_lab05_trace_load)
{
    lt_require(&t);
    ck_assert_int_eq(lt_count(&t, "load", "record_write fifo=1"), 200);
    ck_assert_int_eq(lt_count(&t, "load", "record_read fifo=2 pid=@vpid"),
                     200);
    assert_check_passes("load");
}
END_TEST

/* The indices of experiment exp's events matching filter, ascending;
   returns how many (at most max) */
static int
find_all(const char *exp, const char *filter, int *idx, int max)
{
    int n = 0;

    for (int i = lt_find(&t, exp, 0, filter); i >= 0 && n < max;
         i = lt_find(&t, exp, i + 1, filter))
        idx[n++] = i;
    return n;
}

/* How many of idx[0..n) are below 'before' */
static int
count_below(const int *idx, int n, int before)
{
    int k = 0;

    while (k < n && idx[k] < before)
        k++;
    return k;
}

/* Q1: the server routes a request (traces 'route') only once FIFO3 is
   free: every record it wrote there was acknowledged (or taken back) */
static void
assert_routes_when_fifo3_free(const char *exp)
{
    enum { MAX = 512 };
    static int routes[MAX], writes[MAX], acks[MAX], reclaims[MAX];
    long srv = lt_pid_of(&t, exp, "server");
    int nroutes, nwrites, nacks = 0, nreclaims;
    char f[96];
    int all[MAX], nall;

    snprintf(f, sizeof(f), "route vpid=%ld", srv);
    nroutes = find_all(exp, f, routes, MAX);
    snprintf(f, sizeof(f), "record_write fifo=3 vpid=%ld", srv);
    nwrites = find_all(exp, f, writes, MAX);
    snprintf(f, sizeof(f), "reclaim fifo=3 vpid=%ld", srv);
    nreclaims = find_all(exp, f, reclaims, MAX);
    /* the acks the server took from its workers (not from clients) */
    snprintf(f, sizeof(f), "signal_consume what=ack vpid=%ld", srv);
    nall = find_all(exp, f, all, MAX);
    for (int k = 0; k < nall; k++) {
        char role[16] = "";
        long peer = lt_int(&t, all[k], "peer_pid");

        snprintf(f, sizeof(f), "proc_start vpid=%ld", peer);
        lt_str(&t, lt_find(&t, exp, 0, f), "role", role, sizeof(role));
        if (strcmp(role, "rc") != 0)
            acks[nacks++] = all[k];
    }
    ck_assert_int_gt(nroutes, 1);
    for (int r = 0; r < nroutes; r++) {
        int w = count_below(writes, nwrites, routes[r]);
        int freed = count_below(acks, nacks, routes[r]) +
                    count_below(reclaims, nreclaims, routes[r]);

        ck_assert_msg(w == freed, "%s: route %d of %d with %d FIFO3 records "
                      "written and %d acknowledged", exp, r + 1, nroutes, w,
                      freed);
    }
}

/* Q7: the states of each process of 'run': the server mostly serving, the
   workers mostly idle, and only rcs waiting_signal, only while one of
   their requests was outstanding (first FIFO1 write to last FIFO2 read) */
static void
assert_rc_waits_only_for_its_own(const char *states)
{
    char role[16] = "", state[32], f[96];
    long pid = 0;
    int waiting_rc = 0;

    for (const char *l = strchr(states, '\n') + 1; *l != '\0';
         l = strchr(l, '\n') + 1) {
        double ms = 0;
        int first, last = -1;

        if (l[0] != ' ') {
            sscanf(l, "%15s %ld", role, &pid);
            continue;
        }
        state[0] = '\0';
        sscanf(l + 4, "%31s %lf", state, &ms);
        /* the starred state, the one it spends most time in: the
           server's is serving, a worker's idle */
        if (l[2] == '*' && strcmp(role, "server") == 0)
            ck_assert_str_eq(state, "serving");
        else if (l[2] == '*' && strcmp(role, "rc") != 0)
            ck_assert_msg(strcmp(state, "idle") == 0, "%s %ld: mostly %s",
                          role, pid, state);
        if (strcmp(state, "waiting_signal") != 0)
            continue;
        ck_assert_msg(strcmp(role, "rc") == 0, "%s is waiting_signal", role);
        waiting_rc++;
        snprintf(f, sizeof(f), "record_write fifo=1 vpid=%ld", pid);
        first = lt_find(&t, "run", 0, f);
        snprintf(f, sizeof(f), "record_read fifo=2 vpid=%ld", pid);
        for (int i = lt_find(&t, "run", 0, f); i >= 0;
             i = lt_find(&t, "run", i + 1, f))
            last = i;
        ck_assert_msg(first >= 0 && last > first, "rc %ld: no requests", pid);
        /* the printed ms are rounded to the microsecond */
        ck_assert_msg(ms * 1e6 <= (double)(lt_ns(&t, last) -
                                           lt_ns(&t, first)) + 1000,
                      "rc %ld: waiting_signal %.3f ms, but its requests "
                      "were outstanding for %.3f ms", pid, ms,
                      (double)(lt_ns(&t, last) - lt_ns(&t, first)) / 1e6);
    }
    ck_assert_int_gt(waiting_rc, 0);
}

/* svg --request of a result the server took back: its FIFO2 edge ends in
   the server's lane (x of the FIFO1 edge's end), not in the dead rc's
   (x of its start) */
static void
assert_taken_back_drawn(long pid, long seq)
{
    const char *out = h_tmpdir_path("back.svg");
    char req[48], *svg;
    const char *f1, *f2;
    int rc_x, srv_x, x2;

    snprintf(req, sizeof(req), "%ld:%ld", pid, seq);
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-trace"), "svg",
                                             "--request", req, t.dir, NULL },
                           NULL, out, NULL, 60000), 0);
    svg = h_read_file(out);
    ck_assert_msg((f1 = strstr(svg, "class=\"r f1\"")) != NULL &&
                  (f2 = strstr(svg, "class=\"r f2\"")) != NULL, "%s", req);
    while (strncmp(f1, "<line ", 6) != 0)
        f1--;
    while (strncmp(f2, "<line ", 6) != 0)
        f2--;
    ck_assert_int_eq(sscanf(f1, "<line x1=\"%d\" y1=\"%*d\" x2=\"%d\"",
                            &rc_x, &srv_x), 2);
    ck_assert_int_eq(sscanf(f2, "<line x1=\"%*d\" y1=\"%*d\" x2=\"%d\"",
                            &x2), 1);
    ck_assert_msg(abs(x2 - rc_x) > 10 && abs(x2 - srv_x) < 40,
                  "%s: FIFO2 edge ends at x %d (rc at %d, server at %d)", req,
                  x2, rc_x, srv_x);
    free(svg);
}

/* The steps of each request the server dropped for the dead rc: what the
   trace says happened (taken back, dropped), never a read by that rc,
   and the drop is the last step */
START_TEST(test_lab05_dead_client_steps)
{
    int n = 0;

    if (!lt_have_check_tool())
        h_skip("ipclab-trace is not built (src/trace)");
    lt_require(&t);
    for (int i = lt_find(&t, "dead-client", 0,
                         "record_drop fifo=2 reason=stale");
         i >= 0; i = lt_find(&t, "dead-client", i + 1,
                             "record_drop fifo=2 reason=stale")) {
        long pid = lt_int(&t, i, "pid"), seq = lt_int(&t, i, "seq");
        char f[96], *text, *last;
        bool reclaimed;

        ck_assert_msg(pid > 0 && seq > 0, "record_drop without pid and seq");
        snprintf(f, sizeof(f), "reclaim fifo=2 pid=%ld seq=%ld", pid, seq);
        reclaimed = lt_find(&t, "dead-client", 0, f) >= 0;
        text = lt_request_steps(&t, pid, (unsigned)seq);
        ck_assert_msg(strstr(text, "reads it from FIFO2") == NULL,
                      "%ld:%ld: a read of its result:\n%s", pid, seq, text);
        ck_assert_msg(!reclaimed ||
                      strstr(text, "takes it back from FIFO2 (peer_gone)")
                      != NULL, "%ld:%ld: no take-back step:\n%s", pid, seq,
                      text);
        if (reclaimed)
            assert_taken_back_drawn(pid, seq);
        /* the drop is the last step: the line before "longest wait";
           "from FIFO2" only for a result written there, else the result
           the server held */
        last = strstr(text, strstr(text, "writes it into FIFO2\n") != NULL
                            ? "drops it from FIFO2 (stale)\n"
                            : "drops the result it held (stale)\n");
        ck_assert_msg(last != NULL && strchr(last, '\n')[1] != ' ',
                      "%ld:%ld: not ended by its drop:\n%s", pid, seq, text);
        free(text);
        n++;
    }
    ck_assert_int_gt(n, 0);
}
END_TEST

/* The claims of docs/instructor.md's answer key for lab 05, derived the
   way a student would, with the kit's own commands, from a fresh trace */
START_TEST(test_lab05_answer_key_holds)
{
    char *text, f[96];
    long rc4, rc1;
    int ready, reclaim;

    if (!lt_have_check_tool())
        h_skip("ipclab-trace is not built (src/trace)");
    lt_require(&t);
    /* Q1: seq --request lists seventeen steps and names the longest */
    rc1 = lt_pid_of(&t, "run", "rc");
    text = lt_request_steps(&t, rc1, 1);
    ck_assert_msg(strstr(text, ", step by step (17 steps;") != NULL &&
                  strstr(text, "\nlongest wait: before step ") != NULL, "%s",
                  text);
    free(text);
    /* ... and a wait for another request's ack in FIFO3 shows before step
       3, 'routes it' */
    assert_routes_when_fifo3_free("run");
    /* Q2: clients met in the server; check passes (FIFO3 held one record
       at a time) -- both asserted for 'run' above: lt_assert_clients_meet
       and assert_check_passes */
    /* Q4: the pool spawns 4 workers, per-request one per request; the
       worker's delay after the route is stats' 'FIFO3 write -> worker
       read', longer when each worker starts after its route */
    ck_assert_int_eq(lt_count_pid(&t, "per-request", "proc_spawn vpid=%ld",
                                  lt_pid_of(&t, "per-request", "server")),
                     12);
    ck_assert_int_eq(lt_count_pid(&t, "run", "proc_spawn vpid=%ld",
                                  lt_pid_of(&t, "run", "server")), 4);
    ck_assert_double_gt(lt_hop_median(&t, lt_pid_of(&t, "per-request",
                                                    "server"),
                                      "FIFO3 write -> worker read"),
                        lt_hop_median(&t, lt_pid_of(&t, "run", "server"),
                                      "FIFO3 write -> worker read"));
    /* Q5: 'ack' and 'ack_coalesced' make 24 -- asserted for 'classic'
       above, in test_lab05_trace_classic */
    /* Q6: rc4's record taken back once it was gone, its other two
       results dropped (3 in all), and no revoke to the dead rc4 */
    rc4 = lt_pid_of(&t, "dead-client", "rc");
    ck_assert_int_ge(lt_count(&t, "dead-client",
                              "reclaim fifo=2 reason=peer_gone"), 1);
    ck_assert_int_eq(lt_count(&t, "dead-client",
                              "record_drop fifo=2 reason=stale"), 3);
    ck_assert_int_eq(lt_count_pid(&t, "dead-client",
                                  "signal_send what=revoke peer_pid=%ld",
                                  rc4), 0);
    /* ... taken back after its ready, as soon as rc4 was gone: well
       before the --ack-timeout of 300 ms */
    snprintf(f, sizeof(f), "signal_send what=ready peer_pid=%ld", rc4);
    ready = lt_find(&t, "dead-client", 0, f);
    reclaim = lt_find(&t, "dead-client", ready, "reclaim fifo=2 "
                      "reason=peer_gone");
    ck_assert_msg(ready >= 0 && reclaim > ready, "ready %d, reclaim %d",
                  ready, reclaim);
    ck_assert_int_lt(lt_ns(&t, reclaim) - lt_ns(&t, ready), 300000000LL);
    /* Q7: only requesting clients have a waiting_signal state, and only
       while a request of their own is outstanding */
    ck_assert_int_eq(lt_trace_tool(&t, "states",
                                   lt_pid_of(&t, "run", "server"), &text), 0);
    assert_rc_waits_only_for_its_own(text);
    free(text);
}
END_TEST

/* The whole lab is too tall for one picture: refused with the command that
   draws a part, or written as pages; each page a drawable picture with
   the titles of the experiments on it */
START_TEST(test_lab05_svg_pages)
{
    const char *out = h_tmpdir_path("svg.out"), *err = h_tmpdir_path("svg.err");
    const char *pages = h_tmpdir_path("lab05.svg");
    char path[PATH_MAX], *text, *all;
    int status, n = 0;

    if (!lt_have_check_tool())
        h_skip("ipclab-trace is not built (src/trace)");
    lt_assert_svg_part_drawable(&t, NULL);
    lt_assert_svg_part_drawable(&t, "order");
    status = h_run((const char *[]){ h_bin("ipclab-trace"), "svg",
                                     "--output", pages, t.dir, NULL },
                   NULL, out, err, 60000);
    ck_assert_int_eq(status, 0);
    all = h_read_file(out);
    for (const char *p = all; sscanf(p, "%4095s", path) == 1;
         p = strchr(p, '\n') + 1) {
        int h = lt_svg_height(path);

        ck_assert_msg(h > 0 && h <= 32767, "%s: %d px", path, h);
        ck_assert_int_eq(h_run((const char *[]){ "/usr/bin/env", "xmllint",
                                                 "--noout", path, NULL },
                               NULL, NULL, err, 60000), 0);
        n++;
    }
    ck_assert_msg(n >= 2, "pages: %s", all);
    free(all);
    /* every experiment is a titled section, on some page */
    snprintf(path, sizeof(path), "%.*s-1.svg", (int)strlen(pages) - 4, pages);
    text = h_read_file(path);
    ck_assert_ptr_nonnull(strstr(text, ">experiment 'run'<"));
    free(text);
}
END_TEST

/* Ctrl-C in the middle of an experiment: SIGINT to the lab's whole process
   group, as a terminal sends it. Nothing may be left: no process of the
   group, nothing in the TMPDIR the lab made its scratch directory in. */
START_TEST(test_lab05_interrupted_leaves_nothing)
{
    const char *tmp = h_tmpdir_path("interrupted");
    const char *out = h_tmpdir_path("interrupted.out");
    const char *argv[] = { h_bin("lab05-reference-system"), "all", NULL };
    int64_t deadline = ipc_deadline_ms(30000);
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    struct dirent *e;
    char *text = NULL;
    pid_t pid;
    DIR *d;
    int status;

    ck_assert_int_eq(mkdir(tmp, 0700), 0);
    ck_assert_int_eq(setenv("TMPDIR", tmp, 1), 0);
    ck_assert_int_eq(posix_spawn_file_actions_init(&fa), 0);
    ck_assert_int_eq(posix_spawn_file_actions_addopen(&fa, 1, out,
                     O_WRONLY | O_CREAT | O_TRUNC, 0600), 0);
    ck_assert_int_eq(posix_spawn_file_actions_adddup2(&fa, 1, 2), 0);
    ck_assert_int_eq(posix_spawnattr_init(&attr), 0);
    ck_assert_int_eq(posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP),
                     0);
    ck_assert_int_eq(posix_spawnattr_setpgroup(&attr, 0), 0);
    ck_assert_int_eq(posix_spawn(&pid, argv[0], &fa, &attr,
                                 (char *const *)argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);

    /* an experiment has checked something: its processes are running */
    while ((text = h_read_file(out)) == NULL || strstr(text, "ok: ") == NULL) {
        free(text);
        ck_assert_msg(ipc_ms_until(deadline) > 0, "the lab printed no "
                      "'ok:' line in 30 s");
        ipc_sleep_ms(10);       /* polls a file, orders nothing */
    }
    free(text);
    ck_assert_int_eq(kill(-pid, SIGINT), 0);
    status = h_wait(pid, 30000);
    ck_assert_msg(status == 128 + SIGINT, "after Ctrl-C the lab ended with "
                  "%d, not killed by SIGINT (%d)", status, 128 + SIGINT);
    while (kill(-pid, 0) == 0) {
        ck_assert_msg(ipc_ms_until(deadline) > 0, "a process of the lab's "
                      "group is still running after its Ctrl-C");
        ipc_sleep_ms(10);       /* polls a state, orders nothing */
    }
    d = opendir(tmp);
    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL)
        ck_assert_msg(strcmp(e->d_name, ".") == 0 ||
                      strcmp(e->d_name, "..") == 0, "after Ctrl-C the lab "
                      "left '%s' in its TMPDIR", e->d_name);
    closedir(d);
}
END_TEST

Suite *
lab05_suite(void)
{
    Suite *s = suite_create("lab05");
    TCase *tc = tcase_create("trace");

    lt_add_common_cases(s, &lab);
    tcase_add_unchecked_fixture(tc, record, forget);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_lab05_trace_every_experiment);
    tcase_add_test(tc, test_lab05_trace_run);
    tcase_add_test(tc, test_lab05_trace_per_request);
    tcase_add_test(tc, test_lab05_trace_classic);
    tcase_add_test(tc, test_lab05_trace_dead_client);
    tcase_add_test(tc, test_lab05_trace_load);
    tcase_add_test(tc, test_lab05_svg_pages);
    tcase_add_test(tc, test_lab05_dead_client_steps);
    tcase_add_test(tc, test_lab05_answer_key_holds);
    suite_add_tcase(s, tc);
    tc = tcase_create("interrupted");
    tcase_add_unchecked_fixture(tc, h_tmpdir_init, h_tmpdir_cleanup);
    tcase_set_timeout(tc, 90);
    tcase_add_test(tc, test_lab05_interrupted_leaves_nothing);
    suite_add_tcase(s, tc);
    return s;
}
