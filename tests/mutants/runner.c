/*
 * tests/mutants/runner.c - the mutation tests of the protocol check,
 * build/tests/mutants.
 *
 * Each mutant is the reference system with one fault patched in
 * (tests/mutants/patches/), built by mk/mutants.mk beside this build. check_mutants.c records each one under load
 * and requires 'ipclab-trace check' to name the rule it breaks; the same
 * load on the unmutated programs must pass. Exits non-zero when any test
 * failed.
 *
 * Run:   make build/tests/mutants && build/tests/mutants
 * One:   CK_RUN_CASE=mutants CK_FORK=yes build/tests/mutants
 */
#include "harness.h"
#include "mutants.h"

int
main(int argc, char *argv[])
{
    (void)argc;
    return h_main(argv[0], (h_suite_fn *[]){ mutants_suite, NULL });
}
