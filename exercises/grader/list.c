/*
 * exercises/grader/list.c - main() of BUILD/grade/NN-list: the graded
 * tests of exercise NN, with no student code linked in, so that the list
 * exists when that code does not compile (gradelist.h).
 *
 *   BUILD/grade/NN-list --list   name, points, timeout, description:
 *                                the same lines as BUILD/grade/NN --list
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gradelist.h"

/* The order of BUILD/grade/NN --list: by file, then line */
static int
by_place(const void *pa, const void *pb)
{
    const struct g_list_entry *a = pa, *b = pb;
    int c = strcmp(a->file, b->file);

    return c != 0 ? c : a->line - b->line;
}

int
main(int argc, char *argv[])
{
    struct g_list_entry *v;
    size_t n = 0;

    if (argc != 2 || strcmp(argv[1], "--list") != 0) {
        fprintf(stderr, "usage: %s --list\n", argv[0]);
        return 2;
    }
    while (g_list[n].name != NULL)
        n++;
    v = malloc((n + 1) * sizeof(*v));
    if (v == NULL) {
        perror("malloc");
        return 1;
    }
    memcpy(v, g_list, n * sizeof(*v));
    qsort(v, n, sizeof(*v), by_place);
    for (size_t i = 0; i < n; i++)
        printf("%s\t%d\t%d\t%s\n", v[i].name, v[i].points, v[i].timeout_s,
               v[i].desc);
    free(v);
    if (fflush(stdout) == EOF || ferror(stdout)) {
        perror("stdout");
        return 1;
    }
    return 0;
}
