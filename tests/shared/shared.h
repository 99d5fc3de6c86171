/*
 * tests/shared/shared.h - the suites of build/tests/shared (runner.c).
 */
#ifndef IPCLAB_SHARED_TESTS_H
#define IPCLAB_SHARED_TESTS_H

#include <check.h>

/* One user: the lock, lost events, loud failures (check_shared.c) */
Suite *shared_suite(void);

/* Root and two unprivileged users at once (check_users.c) */
Suite *users_suite(void);

#endif /* IPCLAB_SHARED_TESTS_H */
