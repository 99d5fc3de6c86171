/*
 * calc.c - checked 64-bit arithmetic and expression parsing.
 *
 * Overflow is detected with the GCC/Clang checked-arithmetic builtins, which
 * compute in infinite precision and report whether the result fits: no
 * undefined behaviour, no hand-written range tests to get wrong. Division
 * needs two explicit checks: b == 0 and INT64_MIN / -1 (the one quotient
 * that does not fit).
 * Unit tests: tests/unit/check_calc.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ipclab/calc.h"

int
ipc_calc_apply(uint32_t op, int64_t a, int64_t b, int64_t *out)
{
    int64_t v;

    switch (op) {
    case IPCLAB_OP_SUM:
        if (__builtin_add_overflow(a, b, &v))
            return ERANGE;
        break;
    case IPCLAB_OP_SUB:
        if (__builtin_sub_overflow(a, b, &v))
            return ERANGE;
        break;
    case IPCLAB_OP_MUL:
        if (__builtin_mul_overflow(a, b, &v))
            return ERANGE;
        break;
    case IPCLAB_OP_DIV:
        if (b == 0)
            return EDOM;
        if (a == INT64_MIN && b == -1)
            return ERANGE;      /* -INT64_MIN is INT64_MAX + 1 */
        v = a / b;              /* C truncates toward zero */
        break;
    default:
        return EINVAL;
    }
    *out = v;
    return 0;
}

int
ipc_calc_exact(uint32_t op, int64_t a, int64_t b, int64_t *out)
{
    __int128 v;

    switch (op) {
    case IPCLAB_OP_SUM: v = (__int128)a + b; break;
    case IPCLAB_OP_SUB: v = (__int128)a - b; break;
    case IPCLAB_OP_MUL: v = (__int128)a * b; break;
    case IPCLAB_OP_DIV:
        if (b == 0)
            return EDOM;
        v = (__int128)a / b;    /* truncates toward zero, as in C */
        break;
    default:
        return EINVAL;
    }
    if (v < INT64_MIN || v > INT64_MAX)
        return ERANGE;
    *out = (int64_t)v;
    return 0;
}

/* Parse one signed decimal operand at *p, advancing *p past it. */
static int
parse_operand(const char **p, int64_t *out)
{
    const char *s = *p;
    int saved_errno = errno;    /* calc.h: these functions never set errno */
    bool overflow;
    char *end;
    long long v;

    while (*s == ' ' || *s == '\t')
        s++;
    /* strtoll would also skip newlines and accept "0x"; be strict */
    if (!(isdigit((unsigned char)s[0]) ||
          ((s[0] == '-' || s[0] == '+') && isdigit((unsigned char)s[1]))))
        return EINVAL;
    errno = 0;
    v = strtoll(s, &end, 10);
    overflow = errno == ERANGE;
    errno = saved_errno;
    if (overflow)
        return ERANGE;
    *out = v;
    *p = end;
    return 0;
}

int
ipc_calc_parse(const char *text, enum ipc_op *op, int64_t *a, int64_t *b)
{
    const char *p = text;
    int64_t x, y;
    enum ipc_op o;
    int err;

    if ((err = parse_operand(&p, &x)) != 0)
        return err;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '\0' || (o = ipc_op_from_symbol(*p)) == 0)
        return EINVAL;
    p++;
    if ((err = parse_operand(&p, &y)) != 0)
        return err;
    p += strspn(p, " \t\r\n");
    if (*p != '\0')
        return EINVAL;          /* trailing junk: "1 + 2 + 3" */
    *op = o;
    *a = x;
    *b = y;
    return 0;
}

const char *
ipc_status_text(int status)
{
    switch (status) {
    case 0:         return "ok";
    case EDOM:      return "division by zero";
    case ERANGE:    return "overflow";
    case EINVAL:    return "unknown operation";
    case EIO:       return "processing client failed";
    case ETIMEDOUT: return "processing client timed out";
    case ECANCELED: return "server stopping";
    }
    return strerror(status);
}
