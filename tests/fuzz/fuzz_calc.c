/*
 * tests/fuzz/fuzz_calc.c - libFuzzer harness: the expression parser.
 *
 * ipc_calc_parse() reads what users type ("6 * 7") and every line of an
 * ipclab-rc --file. For each input, as a C string, this harness checks:
 *
 *   - it returns 0, EINVAL or ERANGE, and never touches errno (calc.h);
 *   - what it accepts prints back (as ipclab-rc prints it) to a text that
 *     parses to the same operation and operands;
 *   - ipc_calc_apply() on what it accepted agrees with arithmetic done in
 *     128 bits (ipc_calc_exact()), where nothing overflows: the same value, or EDOM for a
 *     division by zero, or ERANGE exactly when the true result does not
 *     fit in 64 bits.
 *
 * A broken property calls abort(). Build and run: make fuzz; seeds in
 * tests/fuzz/corpus/calc/.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipclab/calc.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
require(int ok)
{
    if (!ok)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[512], again[128];
    enum ipc_op op, op2;
    int64_t a, b, a2, b2, v = 0, w = 0;
    int status, want;

    if (size >= sizeof(text))
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    errno = 4242;
    status = ipc_calc_parse(text, &op, &a, &b);
    require(errno == 4242);
    require(status == 0 || status == EINVAL || status == ERANGE);
    if (status != 0)
        return 0;

    require(op >= 1 && op <= IPCLAB_OP_COUNT);
    snprintf(again, sizeof(again), "%" PRId64 " %c %" PRId64, a,
             ipc_op_symbol(op), b);
    require(ipc_calc_parse(again, &op2, &a2, &b2) == 0);
    require(op2 == op && a2 == a && b2 == b);

    status = ipc_calc_apply(op, a, b, &v);
    want = ipc_calc_exact(op, a, b, &w);
    require(status == want);
    require(status != 0 || v == w);
    require(ipc_status_text(status)[0] != '\0');

    /* an operation nobody knows, from the input: EINVAL, nothing else */
    if (size > 0)
        require(ipc_calc_apply(data[0] > IPCLAB_OP_COUNT ? data[0] : 0, a, b,
                               &v) == EINVAL);
    return 0;
}
