/*
 * tests/lib/oracle.h - what ipclab-rc must print, computed independently.
 *
 * The kit checks its arithmetic with the compiler's overflow builtins; the
 * tests check the kit against plain 128-bit arithmetic, where no int64_t
 * operation can overflow, so a bug in one cannot hide in the other.
 *
 *     oracle_workload(h_tmpdir_path("rc.in"), h_tmpdir_path("rc.expect"),
 *                     1000, 42);
 *     ...run ipclab-rc --file rc.in > rc.out...
 *     oracle_compare(out_text, expect_text, NULL);   // every line equal
 *
 * Used by tests/system/ (a few clients) and tests/faults/ (32 at once).
 */
#ifndef IPCLAB_TEST_ORACLE_H
#define IPCLAB_TEST_ORACLE_H

#include <stddef.h>
#include <stdint.h>

/*
 * The line ipclab-rc prints for "a OP b", newline included: "6 * 7 = 42"
 * or "1 / 0: division by zero" or "... : overflow".
 */
void
oracle_line(char *buf, size_t size, char op, int64_t a, int64_t b);

/*
 * Write 'count' random expressions to file 'in', one a line, and the lines
 * ipclab-rc must print for them to file 'expect'. The same seed gives the
 * same workload. About one in 17 divides by zero and one in 23 uses an
 * operand at a limit of int64_t, so errors are always part of the load.
 */
void
oracle_workload(const char *in, const char *expect, int count,
                unsigned int seed);

/*
 * Compare ipclab-rc's output 'got' with the oracle's 'want' line by line.
 * A line may differ only by ending in ": ALLOWED" where the oracle has an
 * answer, when 'allowed' is not NULL (e.g. "processing client failed" when
 * a test kills processing clients; several endings separated by '|').
 * Returns how many lines did; fails the test, naming the line, on any
 * other difference or a missing or extra line.
 */
int
oracle_compare(const char *got, const char *want, const char *allowed);

#endif /* IPCLAB_TEST_ORACLE_H */
