/*
 * compute.c - exercise 03, step 1: checked 64-bit arithmetic by hand.
 *
 * The kit's ipc_calc_apply() (src/lib/calc.c) lets the compiler detect
 * overflow (__builtin_add_overflow...). Here the test comes first: each
 * operation checks against INT64_MAX and INT64_MIN whether its result can
 * fit, using only operations that cannot overflow themselves, and only
 * then computes. Signed overflow is undefined behaviour in C: checking
 * the result afterwards is too late.
 *
 * Graded by: make grade EX=03 (tests compute_*).
 * Exercise 03, step 1.
 */
#include <errno.h>
#include <stdint.h>

#include "worker.h"

int
wk_compute(uint32_t op, int64_t a, int64_t b, int64_t *out)
{
    switch (op) {
    case IPCLAB_OP_SUM:
        /* TODO(03-1): when does a + b overflow? Decide with INT64_MAX - b
           or INT64_MIN - b (which one, for which sign of b, and why can
           that subtraction itself not overflow?), then compute. */
    case IPCLAB_OP_SUB:
        /* TODO(03-1): a - b: the mirror image of the sum. */
    case IPCLAB_OP_MUL:
        /* TODO(03-1): a * b: compare with INT64_MAX / b or INT64_MIN / b,
           one case per pair of signs. Why is INT64_MIN * -1 the case that
           a careless check misses? */
    case IPCLAB_OP_DIV:
        /* TODO(03-1): b == 0 is EDOM; which single division overflows? */
        (void)a;
        (void)b;
        (void)out;
        return ENOSYS;
    default:
        return EINVAL;
    }
}
