/*
 * ipclab/calc.h - checked arithmetic and the expressions clients read.
 *
 * Pure functions: they return 0 or a positive errno value (EDOM, ERANGE,
 * EINVAL) that goes straight into a result record's 'status' field, the way
 * pthread functions return error numbers. They never set errno.
 *
 *     int64_t v;
 *     int status = ipc_calc_apply(IPCLAB_OP_DIV, INT64_MIN, -1, &v);
 *     // status == ERANGE: the quotient does not fit in 64 bits
 */
#ifndef IPCLAB_CALC_H
#define IPCLAB_CALC_H

#include <stdint.h>

#include "ipclab/record.h"

/*
 * Compute 'a op b' into *out. Returns 0, EDOM (division by zero), ERANGE
 * (the result does not fit in int64_t, including INT64_MIN / -1) or EINVAL
 * (unknown operation). *out is written only on success.
 */
int
ipc_calc_apply(uint32_t op, int64_t a, int64_t b, int64_t *out);

/*
 * The same, computed another way, for those who judge ipc_calc_apply()
 * and the workers (the fuzzer, ipclab-trace check): in 128 bits, where no
 * 64-bit operation overflows, then range-checked.
 */
int
ipc_calc_exact(uint32_t op, int64_t a, int64_t b, int64_t *out);

/*
 * Parse one expression "A OP B": two 64-bit integers in decimal, each with
 * an optional sign, and one of + - * / between them; blanks around any
 * token, and a trailing newline, are allowed. Returns 0, EINVAL (not an
 * expression) or ERANGE (an operand does not fit in 64 bits).
 */
int
ipc_calc_parse(const char *text, enum ipc_op *op, int64_t *a, int64_t *b);

/*
 * Short text for a result status, as clients print it: "division by zero"
 * for EDOM, "overflow" for ERANGE, "unknown operation" for EINVAL,
 * "processing client failed" for EIO, "processing client timed out" for
 * ETIMEDOUT, "server stopping" for ECANCELED (a request sent after the
 * server was asked to stop), and strerror's text for the rest.
 */
const char *
ipc_status_text(int status);

#endif /* IPCLAB_CALC_H */
