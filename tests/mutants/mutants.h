/*
 * tests/mutants/mutants.h - the suite of build/tests/mutants.
 */
#ifndef IPCLAB_TESTS_MUTANTS_H
#define IPCLAB_TESTS_MUTANTS_H

#include <check.h>

Suite *
mutants_suite(void);

#endif /* IPCLAB_TESTS_MUTANTS_H */
