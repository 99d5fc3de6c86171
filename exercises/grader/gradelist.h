/*
 * exercises/grader/gradelist.h - the table of an exercise's graded tests,
 * built without the student's code.
 *
 * mk/exercises.mk preprocesses each file of graded tests with
 * GRADE_LIST defined, so that GRADE_TEST() (grade.h) leaves one
 * GRADE_LIST_ENTRY(...) per test; those lines, gathered into
 * BUILD/grade/list/NN/tests.c, are this table. BUILD/grade/NN-list
 * (list.c) prints it: scripts/grade.sh lists the tests of an exercise
 * whose code does not compile from it, and scores each as failed.
 */
#ifndef IPCLAB_GRADELIST_H
#define IPCLAB_GRADELIST_H

struct g_list_entry {
    const char *name;
    int points;
    int timeout_s;
    const char *desc;
    const char *file;           /* where it is defined: tests sort by it */
    int line;
};

/* One row of the table, from what GRADE_TEST() was given */
#define GRADE_LIST_ENTRY(n, pts, tmo, desc_, file_, line_)                \
    { #n, (pts), (tmo), (desc_), (file_), (line_) },

/* The table, ended by a row whose name is NULL (the generated tests.c) */
extern const struct g_list_entry g_list[];

#endif /* IPCLAB_GRADELIST_H */
