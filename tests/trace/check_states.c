/*
 * tests/trace/check_states.c - 'ipclab-trace states': time per state per
 * process on the default workload. Every process that traces proc_state
 * is listed with the states the programs emit (docs/tracepoints.md), and
 * no process spends more time in its states than the trace lasts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "suites.h"

START_TEST(test_states_per_process)
{
    char server[16], role[16], state[32];
    struct tt_run r, stats;
    const char *p;
    double ms, pct, total = 0, trace_ms;
    int procs = 0, rcs = 0, waiting = 0;

    snprintf(server, sizeof(server), "%d", tt_server(TT_DEFAULT));
    tt_trace(&r, "states", "--server", server, tt_dir(TT_DEFAULT), NULL);
    ck_assert_msg(r.status == 0, "states: exit %d: %s", r.status, r.err);
    /* the length of the trace, as seq's header says it */
    tt_trace(&stats, "seq", "--server", server, tt_dir(TT_DEFAULT), NULL);
    ck_assert_ptr_nonnull(p = strstr(stats.out, " rows, "));
    ck_assert_int_eq(sscanf(p, " rows, %lf ms", &trace_ms), 1);

    for (p = strchr(r.out, '\n') + 1; *p != '\0'; p = strchr(p, '\n') + 1) {
        if (p[0] != ' ') {      /* a process: "rc 4711" */
            ck_assert_int_eq(sscanf(p, "%15s", role), 1);
            if (procs > 0)
                ck_assert_msg(total <= trace_ms + 0.001, "%.3f ms > %.3f ms",
                              total, trace_ms);
            total = 0;
            procs++;
            rcs += strcmp(role, "rc") == 0;
            continue;
        }
        ck_assert_msg(sscanf(p + 4, "%31s %lf %lf %%", state, &ms, &pct) == 3,
                      "%.60s", p);
        ck_assert(ms >= 0 && pct >= 0 && pct <= 100);
        total += ms;
        waiting += strcmp(role, "rc") == 0 &&
                   strcmp(state, "waiting_signal") == 0;
    }
    /* the server, four workers, four clients; each client waited */
    ck_assert_int_eq(procs, 9);
    ck_assert_int_eq(rcs, 4);
    ck_assert_int_eq(waiting, 4);
    ck_assert_ptr_nonnull(strstr(r.out, "  * serving "));
    ck_assert_int_eq(tt_count_lines(r.out, " processing "), 4);
    tt_run_free(&stats);
    tt_run_free(&r);
}
END_TEST

/* A client killed by the shell (SIGKILL, nobody traced reaps it): states
   says what seq's lane says, that its end is not traced, and from when */
START_TEST(test_states_untraced_end)
{
    struct tt_run seq, r;
    char want[128];
    const char *line;
    int pid;

    tt_trace(&seq, "seq", "--width", "200", tt_dir(TT_DROP), NULL);
    ck_assert_msg(seq.status == 0, "seq: %s", seq.err);
    pid = tt_untraced_end(seq.out, &line);
    snprintf(want, sizeof(want), "rc %d (no exit traced, last event at %.*s "
             "ms: killed by an untraced process, or still running at the "
             "end)\n", pid, (int)strcspn(line + strspn(line, " "), " "),
             line + strspn(line, " "));
    tt_trace(&r, "states", tt_dir(TT_DROP), NULL);
    ck_assert_msg(r.status == 0, "states: exit %d: %s", r.status, r.err);
    ck_assert_msg(strstr(r.out, want) != NULL, "no '%s' in:\n%s", want,
                  r.out);
    ck_assert_ptr_null(strstr(r.out, "still running at the end of the "
                                     "trace"));
    tt_run_free(&r);
    tt_run_free(&seq);
}
END_TEST

Suite *
states_suite(void)
{
    Suite *s = suite_create("states");
    TCase *core = tcase_create("core");

    tcase_add_unchecked_fixture(core, tt_need_default, NULL);
    tcase_add_test(core, test_states_per_process);
    tcase_set_timeout(core, 30);
    suite_add_tcase(s, core);
    core = tcase_create("untraced_end");
    tcase_add_unchecked_fixture(core, tt_need_drop, NULL);
    tcase_add_test(core, test_states_untraced_end);
    tcase_set_timeout(core, 60);
    suite_add_tcase(s, core);
    return s;
}
