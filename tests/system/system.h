/*
 * tests/system/system.h - helpers shared by the system test files.
 */
#ifndef IPCLAB_TEST_SYSTEM_H
#define IPCLAB_TEST_SYSTEM_H

#include <check.h>

#include "rawclient.h"              /* raw_request(), from tests/lib/ */

Suite *
system_suite(void);

Suite *
tracing_suite(void);

#endif /* IPCLAB_TEST_SYSTEM_H */
