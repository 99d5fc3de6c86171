/*
 * tests/unit/check_calc.c - unit tests for checked arithmetic (calc.h).
 *
 * ipc_calc_apply() must give the mathematically right answer or say why it
 * cannot: every overflow of 64-bit arithmetic is a test here, including
 * the one division that overflows (INT64_MIN / -1). ipc_calc_parse() reads
 * what a user types to ipclab-rc, so it is tested on the forms a user may
 * type and the mistakes a user may make. The module is src/lib/calc.c.
 *
 * Run:   CK_RUN_SUITE=calc build/tests/unit
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "ipclab/calc.h"
#include "unit.h"

#define UNTOUCHED INT64_C(0x5EED5EED)   /* *out must keep it on errors */

/* ipc_calc_apply() that must succeed; returns the value */
static int64_t
apply_ok(uint32_t op, int64_t a, int64_t b)
{
    int64_t v = UNTOUCHED;

    ck_assert_int_eq(ipc_calc_apply(op, a, b, &v), 0);
    return v;
}

/* ipc_calc_apply() that must fail with 'status' and leave *out alone */
static void
apply_fails(uint32_t op, int64_t a, int64_t b, int status)
{
    int64_t v = UNTOUCHED;

    ck_assert_int_eq(ipc_calc_apply(op, a, b, &v), status);
    ck_assert_int_eq(v, UNTOUCHED);
}

/* ipc_calc_parse() that must succeed with these op and operands */
static void
parse_ok(const char *text, enum ipc_op op, int64_t a, int64_t b)
{
    enum ipc_op got_op = 0;
    int64_t got_a = 0, got_b = 0;

    ck_assert_msg(ipc_calc_parse(text, &got_op, &got_a, &got_b) == 0,
                  "'%s' was rejected", text);
    ck_assert_int_eq(got_op, op);
    ck_assert_int_eq(got_a, a);
    ck_assert_int_eq(got_b, b);
}

/* ipc_calc_parse() that must fail with 'status' */
static void
parse_fails(const char *text, int status)
{
    enum ipc_op op;
    int64_t a, b;

    ck_assert_msg(ipc_calc_parse(text, &op, &a, &b) == status,
                  "'%s' did not give %s", text, strerror(status));
}

/* ---- core --------------------------------------------------------------- */

START_TEST(test_calc_apply_each_op)
{
    ck_assert_int_eq(apply_ok(IPCLAB_OP_SUM, 40, 2), 42);
    ck_assert_int_eq(apply_ok(IPCLAB_OP_SUB, 40, 42), -2);
    ck_assert_int_eq(apply_ok(IPCLAB_OP_MUL, 6, -7), -42);
    ck_assert_int_eq(apply_ok(IPCLAB_OP_DIV, 84, 2), 42);
}
END_TEST

START_TEST(test_calc_div_truncates_toward_zero)
{
    ck_assert_int_eq(apply_ok(IPCLAB_OP_DIV, -7, 2), -3);
    ck_assert_int_eq(apply_ok(IPCLAB_OP_DIV, 7, -2), -3);
    ck_assert_int_eq(apply_ok(IPCLAB_OP_DIV, -7, -2), 3);
    ck_assert_int_eq(apply_ok(IPCLAB_OP_DIV, 7, 2), 3);
}
END_TEST

START_TEST(test_calc_parse_forms)
{
    parse_ok("6*7", IPCLAB_OP_MUL, 6, 7);
    parse_ok(" -5 + -3 ", IPCLAB_OP_SUM, -5, -3);
    parse_ok("5--3", IPCLAB_OP_SUB, 5, -3);
    parse_ok("1 + 2\n", IPCLAB_OP_SUM, 1, 2);
    parse_ok("+5 - 2", IPCLAB_OP_SUB, 5, 2);
    parse_ok("\t84\t/\t2", IPCLAB_OP_DIV, 84, 2);
}
END_TEST

START_TEST(test_calc_status_texts)
{
    ck_assert_str_eq(ipc_status_text(EDOM), "division by zero");
    ck_assert_str_eq(ipc_status_text(ERANGE), "overflow");
    ck_assert_str_eq(ipc_status_text(EINVAL), "unknown operation");
    ck_assert_str_eq(ipc_status_text(EIO), "processing client failed");
    ck_assert_str_eq(ipc_status_text(ENOENT), strerror(ENOENT));
}
END_TEST

/* ---- limits ------------------------------------------------------------- */

START_TEST(test_calc_apply_edges_that_fit)
{
    ck_assert_int_eq(apply_ok(IPCLAB_OP_SUM, INT64_MAX, 0), INT64_MAX);
    ck_assert_int_eq(apply_ok(IPCLAB_OP_SUM, INT64_MAX, INT64_MIN), -1);
    ck_assert_int_eq(apply_ok(IPCLAB_OP_SUB, INT64_MIN, 0), INT64_MIN);
    ck_assert_int_eq(apply_ok(IPCLAB_OP_SUB, -1, INT64_MAX), INT64_MIN);
    ck_assert_int_eq(apply_ok(IPCLAB_OP_MUL, INT64_MIN, 1), INT64_MIN);
    ck_assert_int_eq(apply_ok(IPCLAB_OP_MUL, INT64_MAX, -1), -INT64_MAX);
    ck_assert_int_eq(apply_ok(IPCLAB_OP_DIV, INT64_MIN, 1), INT64_MIN);
    ck_assert_int_eq(apply_ok(IPCLAB_OP_DIV, INT64_MAX, -1), -INT64_MAX);
}
END_TEST

START_TEST(test_calc_apply_overflows)
{
    apply_fails(IPCLAB_OP_SUM, INT64_MAX, 1, ERANGE);
    apply_fails(IPCLAB_OP_SUB, INT64_MIN, 1, ERANGE);
    apply_fails(IPCLAB_OP_SUB, 0, INT64_MIN, ERANGE);
    apply_fails(IPCLAB_OP_MUL, INT64_MIN, -1, ERANGE);
    apply_fails(IPCLAB_OP_MUL, INT64_MAX, 2, ERANGE);
    apply_fails(IPCLAB_OP_DIV, INT64_MIN, -1, ERANGE);  /* -INT64_MIN */
}
END_TEST

/* The 128-bit reference agrees with ipc_calc_apply() at the edges */
START_TEST(test_calc_exact_agrees_at_edges)
{
    static const int64_t v[] = { INT64_MIN, INT64_MIN + 1, -2, -1, 0, 1, 2,
                                 INT64_MAX - 1, INT64_MAX };
    int64_t x, y;

    for (uint32_t op = 1; op <= IPCLAB_OP_COUNT; op++)
        for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
            for (size_t j = 0; j < sizeof(v) / sizeof(v[0]); j++) {
                int s1 = ipc_calc_apply(op, v[i], v[j], &x);
                int s2 = ipc_calc_exact(op, v[i], v[j], &y);

                ck_assert_int_eq(s1, s2);
                if (s1 == 0)
                    ck_assert_int_eq(x, y);
            }
    ck_assert_int_eq(ipc_calc_exact(0, 1, 1, &x), EINVAL);
}
END_TEST

START_TEST(test_calc_parse_extreme_operands)
{
    parse_ok("9223372036854775807 + 0", IPCLAB_OP_SUM, INT64_MAX, 0);
    parse_ok("-9223372036854775808 / 1", IPCLAB_OP_DIV, INT64_MIN, 1);
}
END_TEST

START_TEST(test_calc_parse_overflowing_operand)
{
    parse_fails("9223372036854775808 + 1", ERANGE);
    parse_fails("1 + -9223372036854775809", ERANGE);
}
END_TEST

START_TEST(test_calc_leaves_errno_alone)
{
    enum ipc_op op;
    int64_t a, b, v;

    /* pure functions: the header promises they never set errno */
    errno = EBADF;
    ck_assert_int_eq(ipc_calc_parse("6*7", &op, &a, &b), 0);
    ck_assert_int_eq(errno, EBADF);
    ck_assert_int_eq(ipc_calc_parse("99999999999999999999+1", &op, &a, &b),
                     ERANGE);
    ck_assert_int_eq(errno, EBADF);
    ck_assert_int_eq(ipc_calc_apply(IPCLAB_OP_DIV, 1, 0, &v), EDOM);
    ck_assert_int_eq(errno, EBADF);
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

START_TEST(test_calc_div_by_zero_is_edom)
{
    apply_fails(IPCLAB_OP_DIV, 1, 0, EDOM);
    apply_fails(IPCLAB_OP_DIV, 0, 0, EDOM);
    apply_fails(IPCLAB_OP_DIV, INT64_MIN, 0, EDOM);
}
END_TEST

START_TEST(test_calc_unknown_op_is_einval)
{
    apply_fails(0, 1, 2, EINVAL);
    apply_fails(IPCLAB_OP_COUNT + 1, 1, 2, EINVAL);
}
END_TEST

START_TEST(test_calc_parse_rejects_junk)
{
    parse_fails("1 + 2x", EINVAL);          /* trailing junk */
    parse_fails("1 + 2 + 3", EINVAL);       /* one operator only */
    parse_fails("1 +", EINVAL);             /* missing operand */
    parse_fails("+ 2", EINVAL);
    parse_fails("1 2", EINVAL);             /* missing operator */
    parse_fails("0x10+1", EINVAL);          /* decimal only */
    parse_fails("1 % 2", EINVAL);           /* no such operator */
    parse_fails("", EINVAL);
    parse_fails("   \n", EINVAL);
    parse_fails("1 +\n2", EINVAL);          /* one line only */
}
END_TEST

Suite *
calc_suite(void)
{
    Suite *s = suite_create("calc");
    TCase *tc_core = tcase_create("core");
    TCase *tc_limits = tcase_create("limits");
    TCase *tc_errors = tcase_create("errors");

    tcase_add_test(tc_core, test_calc_apply_each_op);
    tcase_add_test(tc_core, test_calc_div_truncates_toward_zero);
    tcase_add_test(tc_core, test_calc_parse_forms);
    tcase_add_test(tc_core, test_calc_status_texts);
    suite_add_tcase(s, tc_core);

    tcase_add_test(tc_limits, test_calc_apply_edges_that_fit);
    tcase_add_test(tc_limits, test_calc_apply_overflows);
    tcase_add_test(tc_limits, test_calc_exact_agrees_at_edges);
    tcase_add_test(tc_limits, test_calc_parse_extreme_operands);
    tcase_add_test(tc_limits, test_calc_parse_overflowing_operand);
    tcase_add_test(tc_limits, test_calc_leaves_errno_alone);
    suite_add_tcase(s, tc_limits);

    tcase_add_test(tc_errors, test_calc_div_by_zero_is_edom);
    tcase_add_test(tc_errors, test_calc_unknown_op_is_einval);
    tcase_add_test(tc_errors, test_calc_parse_rejects_junk);
    suite_add_tcase(s, tc_errors);

    return s;
}
