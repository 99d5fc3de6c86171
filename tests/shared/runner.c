/*
 * tests/shared/runner.c - build/tests/shared: the kit on a shared machine.
 *
 * Suites (check_shared.c):
 *   shared    the per-user lock says whom it waits for and refuses a
 *             directory of another user; lost events are reported by
 *             record.sh and every ipclab-trace view; 'make run' fails
 *             loudly and shows no old diagram when recording fails
 *   users     as root: two new unprivileged users record a lab and grade
 *             an exercise while root records the reference system, right
 *             after root used the kit; each trace holds only its own
 *             processes (SKIP when not root, or without useradd/setpriv)
 *
 * Pick:  CK_RUN_SUITE=users build/tests/shared
 */
#include "harness.h"
#include "shared.h"

int
main(int argc, char *argv[])
{
    (void)argc;
    return h_main(argv[0], (h_suite_fn *[]){ shared_suite, users_suite,
                                             NULL });
}
