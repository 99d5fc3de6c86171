/*
 * tests/docs/docs.h - what the tests of the tracing docs and tools share.
 *
 * build/tests/docs checks the parts of the kit that help a student see a
 * trace or find out why there is none: the Trace Compass analysis
 * (check_tracecompass.c tests traces/tracecompass/ipclab.xml) and 'make
 * doctor' (check_doctor.c tests scripts/doctor.sh); check_refs.c checks
 * the paths, links, sections and functions that comments and docs cite,
 * and the --help texts the docs show. Each file exports one Suite;
 * runner.c runs them all. They use tests/lib/harness.h for the source
 * directory, temporary directories and running programs.
 *
 * Peers: runner.c (main), helpers.c (below), check_*.c (the suites).
 */
#ifndef IPCLAB_DOCS_TESTS_H
#define IPCLAB_DOCS_TESTS_H

#include <check.h>
#include <stddef.h>

/* One suite per thing tested, in the order the runner adds them. */
Suite *tracecompass_suite(void);
Suite *doctor_suite(void);
Suite *refs_suite(void);

/*
 * Absolute path of program 'name' found in $PATH, like 'command -v', into
 * buf[size]. Returns buf, or NULL when it is not installed.
 */
const char *
docs_which(const char *name, char *buf, size_t size);

/* "SRCDIR/relpath": a file of the source tree (h_keep(): it stays
   valid). */
const char *
docs_src(const char *relpath);

/* The text of file 'relpath' of the source tree, malloc'd; NULL when it
   cannot be read */
char *
docs_read(const char *relpath);

/*
 * Run argv (argv[0] an absolute path) with stdout into file 'out' and
 * stderr into 'out.err', for at most 10 s. Returns the exit status (see
 * h_run()) and stdout then stderr, malloc'd, in *text.
 */
int
docs_run(const char *const argv[], const char *out, char **text);

#endif /* IPCLAB_DOCS_TESTS_H */
