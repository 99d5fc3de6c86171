/* tests/grading/grading.h - the suite of check_grading.c */
#ifndef IPCLAB_TEST_GRADING_H
#define IPCLAB_TEST_GRADING_H

#include <check.h>

Suite *
grading_suite(void);

#endif /* IPCLAB_TEST_GRADING_H */
