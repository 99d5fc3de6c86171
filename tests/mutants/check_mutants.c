/*
 * tests/mutants/check_mutants.c - every mutant is caught, with its rule.
 *
 * Each mutant is the reference system with one fault patched in
 * (tests/mutants/patches/NAME.patch, built by mk/mutants.mk into
 * BUILD-mutants/NAME/bin). For each, and for none (this build's own
 * programs), in rt mode, and again in classic mode where the rule is
 * judged from classic signals too (R5): scripts/load.sh runs a server and
 * 4 ipclab-rc of 100 requests each (tests/lib/oracle.h's mix: division by
 * zero, overflow), window 8,
 * recorded with traces/record.sh; then this build's 'ipclab-trace check'
 * judges the trace. A mutant passes when check exits 1 and one of its
 * lines names the mutant's rule ("R4: ..."); the unmutated run must exit
 * 0. A mutant breaks the protocol, so its load may fail: only the check's
 * verdict counts.
 *
 * A new mutant: change a copy of src/server, src/rc or src/worker, save
 * 'diff -u' of it (paths a/src/... and b/src/...) as patches/NN-name.patch
 * and add it to cases[] with its rule. 'make mutants' fails when a patch
 * no longer applies to the code it changes.
 *
 * Timeouts keep mutants short: a reader's ack that never comes is given
 * up after 100 ms (--ack-timeout; 1 s for the unmutated system, which a
 * loaded machine may slow down), a client gives up after 2 s without an
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

/* Each mutant (its patch's name; NULL: none) and the rule it breaks
   (docs/protocol.md, section 8) */
static const struct {
    const char *name;
    int rule;
    bool classic;               /* the server in --signals classic */
} cases[] = {
    { NULL, 0, false },
    { "01-read-taken-for-acked", 1, false },
    { "02-request-failed", 10, false },
    { "03-ready-other-seq", 2, false },
    { "04-no-ready", 2, false },
    { "05-worker-reads-without-ready", 3, false },
    { "06-rc-no-ack", 4, false },
    { "07-ack-ignored", 5, false },
    { "08-server-changes-operand", 6, false },
    { "09-worker-changes-operand", 6, false },
    { "10-wrong-value", 7, false },
    { "11-overflow-undetected", 7, false },
    { "12-division-by-zero-undetected", 7, false },
    { "13-result-twice", 8, false },
    { "14-result-lost", 8, false },
    { "15-ack-to-wrong-process", 9, false },
    { NULL, 0, true },
    { "07-ack-ignored", 5, true },
};

#define NCASES ((int)(sizeof(cases) / sizeof(cases[0])))

/* The programs of mutant 'name' (BUILD-mutants/NAME/bin, beside this
   build's bin/), or this build's own for none */
static void
mutant_bindir(const char *name, char *dir, size_t size)
{
    const char *server = h_bin("ipclab-server");
    size_t n = strlen(server) - strlen("/ipclab-server");

    if (name == NULL)
        snprintf(dir, size, "%.*s", (int)n, server);
    else
        snprintf(dir, size, "%.*s-mutants/%s/bin",
                 (int)(n - strlen("/bin")), server, name);
}

START_TEST(test_mutant_is_caught)
{
    const char *work = h_tmpdir(), *trace = h_tmpdir_path("trace");
    char bindir[PATH_MAX], in[PATH_MAX], exp[PATH_MAX];
    char server[PATH_MAX + 16];
    char script[PATH_MAX], want[16], *out, *err;
    const char *name = cases[_i].name;
    const char *load[] = { script, bindir, work, "4", "8", "--ack-timeout",
                           "100", NULL, NULL, NULL };
    int status;

    if (!h_tracing_available())
        h_skip("LTTng is not installed, or the kit was built untraced");
    mutant_bindir(name, bindir, sizeof(bindir));
    snprintf(server, sizeof(server), "%s/ipclab-server", bindir);
    ck_assert_msg(access(server, X_OK) == 0, "no mutant build: '%s' (make "
                  "mutants)", server);
    for (int k = 0; k < CLIENTS; k++) {
        snprintf(in, sizeof(in), "%s/rc%d.in", work, k);
        snprintf(exp, sizeof(exp), "%s/rc%d.exp", work, k);
        oracle_workload(in, exp, REQUESTS, 100 + (unsigned)k);
    }
    ck_assert_int_eq(setenv("LOAD_TIMEOUT_MS", "2000", 1), 0);
    snprintf(script, sizeof(script), "%s/scripts/load.sh", h_srcdir());
    /* unmutated: a loaded machine may hold an ack past 100 ms, no fault */
    if (name == NULL)
        load[6] = "1000";
    if (cases[_i].classic) {
        load[7] = "--signals";
        load[8] = "classic";
    }
    status = h_record(trace, load, h_tmpdir_path("load.log"), 120000);
    ck_assert_msg(name != NULL || status == 0,
                  "the unmutated load failed (exit %d)", status);

    status = h_run((const char *[]){ h_bin("ipclab-trace"), "check", trace,
                   NULL }, NULL, h_tmpdir_path("check.out"),
                   h_tmpdir_path("check.err"), 120000);
    out = h_read_file(h_tmpdir_path("check.out"));
    err = h_read_file(h_tmpdir_path("check.err"));
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_nonnull(err);
    if (name == NULL) {
        ck_assert_msg(status == 0, "check exit %d on the unmutated "
                      "system (%s signals):\n%.2000s%.500s", status,
                      cases[_i].classic ? "classic" : "rt", out, err);
    } else {
        snprintf(want, sizeof(want), "] R%d: ", cases[_i].rule);
        ck_assert_msg(status == 1 && strstr(out, want) != NULL,
                      "mutant %s (%s signals) not caught as R%d: check "
                      "exit %d:\n%.2000s%.500s", name,
                      cases[_i].classic ? "classic" : "rt", cases[_i].rule,
                      status, out, err);
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
