/*
 * tests/bench/suites.h - the suites of build/tests/bench.
 */
#ifndef IPCLAB_TEST_BENCH_SUITES_H
#define IPCLAB_TEST_BENCH_SUITES_H

#include <check.h>

/* check_bench.c: ipclab-bench's commands and its quick report */
Suite *
bench_suite(void);

#endif /* IPCLAB_TEST_BENCH_SUITES_H */
