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
#include <stdlib.h>

#include "harness.h"
#include "ipclab/err.h"
#include "shared.h"

int
main(int argc, char *argv[])
{
    SRunner *sr;
    int failed;

    (void)argc;
    ipc_set_progname(argv[0]);
    h_lock_machine();

    sr = srunner_create(shared_suite());
    srunner_add_suite(sr, users_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
