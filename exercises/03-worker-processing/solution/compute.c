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
 * Reference solution for exercise 03, step 1.
 */
#include <errno.h>
#include <stdint.h>

#include "worker.h"

/* Would a * b overflow? Neither is 0. */
static int
mul_overflows(int64_t a, int64_t b)
{
    if (a > 0) {
        if (b > 0)
            return a > INT64_MAX / b;           /* + * + */
        return b < INT64_MIN / a;               /* + * - */
    }
    if (b > 0)
        return a < INT64_MIN / b;               /* - * + */
    return a < INT64_MAX / b;                   /* - * -: result > 0 */
}

int
wk_compute(uint32_t op, int64_t a, int64_t b, int64_t *out)
{
    switch (op) {
    case IPCLAB_OP_SUM:
        if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b))
            return ERANGE;
        *out = a + b;
        return 0;
    case IPCLAB_OP_SUB:
        if ((b < 0 && a > INT64_MAX + b) || (b > 0 && a < INT64_MIN + b))
            return ERANGE;
        *out = a - b;
        return 0;
    case IPCLAB_OP_MUL:
        if (a != 0 && b != 0 && mul_overflows(a, b))
            return ERANGE;
        *out = a * b;
        return 0;
    case IPCLAB_OP_DIV:
        if (b == 0)
            return EDOM;
        if (a == INT64_MIN && b == -1)
            return ERANGE;      /* -INT64_MIN is INT64_MAX + 1 */
        *out = a / b;
        return 0;
    default:
        return EINVAL;
    }
}
