/*
 * tests/mutants/check_mutants.c - every mutant is caught, with its rule.
 *
 * For each fault switch of include/ipclab/mutant.h, and for none (the
 * unmutated programs of the same mutant build), in rt mode, and again in
 * classic mode where the rule is judged from classic signals too (R5):
 * scripts/load.sh runs a
 * server of the mutant build and 4 ipclab-rc of 100 requests each
 * (tests/lib/oracle.h's mix: division by zero, overflow), window 8,
 * recorded with traces/record.sh; then this build's 'ipclab-trace check'
 * judges the trace. A mutant passes when check exits 1 and one of its
 * lines names the mutant's rule ("R4: ..."); the unmutated run must exit
 * 0. A mutant breaks the protocol, so its load may fail: only the check's
 * verdict counts.
 *
 * Timeouts keep mutants short: a reader's ack that never comes is given
 * up after 100 ms (--ack-timeout), a client gives up after 2 s without an
 * answer (LOAD_TIMEOUT_MS).
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "mutants.h"
#include "oracle.h"

#define CLIENTS 4
#define REQUESTS 100

/* Each mutant and the rule it breaks (docs/protocol.md, section 8) */
static const struct {
    int mutant, rule;
    const char *what;
    bool classic;               /* the server in --signals classic */
} cases[] = {
    { 0, 0, "none: the reference system passes", false },
    { 1, 1, "server: a read record taken for acknowledged", false },
    { 2, 10, "server: a request failed with EIO", false },
    { 3, 2, "server: a ready with another seq", false },
    { 4, 2, "server: a record with no ready", false },
    { 5, 3, "worker: reads FIFO3 without a ready", false },
    { 6, 4, "rc: no ack for a result", false },
    { 7, 5, "server: an ack ignored, untraced", false },
    { 8, 6, "server: an operand changed on the way to FIFO3", false },
    { 9, 6, "worker: an operand changed in its result", false },
    { 10, 7, "worker: a wrong value", false },
    { 11, 7, "worker: overflow not detected", false },
    { 12, 7, "worker: division by zero not detected", false },
    { 13, 8, "server: a result written twice", false },
    { 14, 8, "server: a result lost, untraced", false },
    { 15, 9, "rc: its ack sent to the wrong process", false },
    { 0, 0, "none, classic signals: the reference system passes", true },
    { 7, 5, "server, classic signals: an ack ignored, untraced", true },
};

#define NCASES ((int)(sizeof(cases) / sizeof(cases[0])))

/* BUILD-mutants/bin, beside this build's bin/ */
static const char *
mutant_bindir(void)
{
    static char dir[PATH_MAX];
    const char *server = h_bin("ipclab-server");
    size_t n = strlen(server) - strlen("/bin/ipclab-server");

    snprintf(dir, sizeof(dir), "%.*s-mutants/bin", (int)n, server);
    return dir;
}

START_TEST(test_mutant_is_caught)
{
    const char *work = h_tmpdir(), *trace = h_tmpdir_path("trace");
    char bindir[PATH_MAX], in[PATH_MAX], exp[PATH_MAX];
    char server[PATH_MAX + 16];
    char script[PATH_MAX], mutant[16], want[16], *out, *err;
    const char *load[] = { script, bindir, work, "4", "8", "--ack-timeout",
                           "100", NULL, NULL, NULL };
    int status;

    if (!h_tracing_available())
        h_skip("LTTng is not installed, or the kit was built untraced");
    snprintf(bindir, sizeof(bindir), "%s", mutant_bindir());
    snprintf(server, sizeof(server), "%s/ipclab-server", bindir);
    ck_assert_msg(access(server, X_OK) == 0, "no mutant build: '%s' (make "
                  "mutants)", server);
    for (int k = 0; k < CLIENTS; k++) {
        snprintf(in, sizeof(in), "%s/rc%d.in", work, k);
        snprintf(exp, sizeof(exp), "%s/rc%d.exp", work, k);
        oracle_workload(in, exp, REQUESTS, 100 + (unsigned)k);
    }
    snprintf(mutant, sizeof(mutant), "%d", cases[_i].mutant);
    ck_assert_int_eq(setenv("IPCLAB_MUTANT", mutant, 1), 0);
    ck_assert_int_eq(setenv("LOAD_TIMEOUT_MS", "2000", 1), 0);
    snprintf(script, sizeof(script), "%s/scripts/load.sh", h_srcdir());
    if (cases[_i].classic) {
        load[7] = "--signals";
        load[8] = "classic";
    }
    status = h_record(trace, load, h_tmpdir_path("load.log"), 120000);
    ck_assert_msg(cases[_i].mutant != 0 || status == 0,
                  "the unmutated load failed (exit %d)", status);

    status = h_run((const char *[]){ h_bin("ipclab-trace"), "check", trace,
                   NULL }, NULL, h_tmpdir_path("check.out"),
                   h_tmpdir_path("check.err"), 120000);
    out = h_read_file(h_tmpdir_path("check.out"));
    err = h_read_file(h_tmpdir_path("check.err"));
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_nonnull(err);
    if (cases[_i].mutant == 0) {
        ck_assert_msg(status == 0, "check exit %d on the unmutated "
                      "system:\n%.2000s%.500s", status, out, err);
    } else {
        snprintf(want, sizeof(want), "] R%d: ", cases[_i].rule);
        ck_assert_msg(status == 1 && strstr(out, want) != NULL,
                      "mutant %d (%s) not caught as R%d: check exit "
                      "%d:\n%.2000s%.500s", cases[_i].mutant,
                      cases[_i].what, cases[_i].rule, status, out, err);
    }
    free(out);
    free(err);
}
END_TEST

Suite *
mutants_suite(void)
{
    Suite *s = suite_create("mutants");
    TCase *tc = tcase_create("mutants");

    tcase_add_unchecked_fixture(tc, h_tmpdir_init, h_tmpdir_cleanup);
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_mutant_is_caught, 0, NCASES);
    suite_add_tcase(s, tc);
    return s;
}
