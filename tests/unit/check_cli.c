/*
 * tests/unit/check_cli.c - unit tests for the command-line parser (cli.h).
 *
 * The parser exists because "ipclab-rc -5 + 3" must read "-5" as a number:
 * only "--name" words and "-h" are options. These tests walk argument
 * vectors word by word, check that ipc_cli_parse() returns every usage
 * error with its message, and that the *_or_exit functions end the
 * program with status 2 (Check's exit tests: the test itself must exit).
 * The module is src/lib/cli.c; ipc_parse_i64() from src/lib/err.c is here
 * too, since ipc_cli_int_or_exit() is built on it.
 *
 * Run:   CK_RUN_SUITE=cli build/tests/unit
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "ipclab/cli.h"
#include "ipclab/err.h"
#include "unit.h"

enum { OPT_HELP = 1, OPT_DIR, OPT_COUNT, OPT_VERBOSE };

static const struct ipc_cli_opt opts[] = {
    { "help", 0, OPT_HELP },
    { "dir", 1, OPT_DIR },
    { "count", 1, OPT_COUNT },
    { "verbose", 0, OPT_VERBOSE },
    { NULL, 0, 0 },
};

/* A parser over the NULL-terminated argv (argv[0] is the program name). */
static struct ipc_cli
cli_over(char **argv)
{
    int argc = 0;

    while (argv[argc] != NULL)
        argc++;
    return (struct ipc_cli)IPCLAB_CLI_INIT(argc, argv);
}

/* The next item must be 'id' with argument 'want' (NULL: none). */
static void
expect_next(struct ipc_cli *cli, int id, const char *want)
{
    const char *arg = "not set";

    ck_assert_int_eq(ipc_cli_parse(cli, opts, &arg), id);
    if (want == NULL)
        ck_assert_ptr_null(arg);
    else
        ck_assert_pstr_eq(arg, want);
}

/* Parse every word of argv; usage errors exit, which is what we test. */
static void
parse_all(char **argv)
{
    struct ipc_cli cli = cli_over(argv);
    const char *arg;

    unit_stderr_to(NULL);       /* the usage message is expected */
    while (ipc_cli_next_or_exit(&cli, opts, &arg) != IPCLAB_CLI_END)
        ;
}

/* ---- core --------------------------------------------------------------- */

START_TEST(test_cli_options_with_and_without_values)
{
    char *argv[] = { "prog", "--verbose", "--dir", "/run/x", "6", NULL };
    struct ipc_cli cli = cli_over(argv);

    expect_next(&cli, OPT_VERBOSE, NULL);
    expect_next(&cli, OPT_DIR, "/run/x");
    expect_next(&cli, IPCLAB_CLI_OPERAND, "6");
    expect_next(&cli, IPCLAB_CLI_END, NULL);
    expect_next(&cli, IPCLAB_CLI_END, NULL);     /* and stays at the end */
}
END_TEST

START_TEST(test_cli_value_after_equals)
{
    char *argv[] = { "prog", "--dir=/run/x", "--count=", "--dir=a=b", NULL };
    struct ipc_cli cli = cli_over(argv);

    expect_next(&cli, OPT_DIR, "/run/x");
    expect_next(&cli, OPT_COUNT, "");         /* an empty value is a value */
    expect_next(&cli, OPT_DIR, "a=b");        /* only the first '=' splits */
    expect_next(&cli, IPCLAB_CLI_END, NULL);
}
END_TEST

START_TEST(test_cli_double_dash_ends_options)
{
    char *argv[] = { "prog", "--verbose", "--", "--dir", "-h", "--", NULL };
    struct ipc_cli cli = cli_over(argv);

    expect_next(&cli, OPT_VERBOSE, NULL);
    expect_next(&cli, IPCLAB_CLI_OPERAND, "--dir");
    expect_next(&cli, IPCLAB_CLI_OPERAND, "-h");
    expect_next(&cli, IPCLAB_CLI_OPERAND, "--");
    expect_next(&cli, IPCLAB_CLI_END, NULL);
}
END_TEST

START_TEST(test_cli_negative_number_and_dash_are_operands)
{
    char *argv[] = { "prog", "-5", "+", "-3", "-", "-x", "6*7", NULL };
    struct ipc_cli cli = cli_over(argv);

    expect_next(&cli, IPCLAB_CLI_OPERAND, "-5");
    expect_next(&cli, IPCLAB_CLI_OPERAND, "+");
    expect_next(&cli, IPCLAB_CLI_OPERAND, "-3");
    expect_next(&cli, IPCLAB_CLI_OPERAND, "-");
    expect_next(&cli, IPCLAB_CLI_OPERAND, "-x");
    expect_next(&cli, IPCLAB_CLI_OPERAND, "6*7");
    expect_next(&cli, IPCLAB_CLI_END, NULL);
}
END_TEST

START_TEST(test_cli_short_h_is_help)
{
    char *argv[] = { "prog", "-h", "--help", NULL };
    struct ipc_cli cli = cli_over(argv);

    expect_next(&cli, OPT_HELP, NULL);
    expect_next(&cli, OPT_HELP, NULL);
    expect_next(&cli, IPCLAB_CLI_END, NULL);
}
END_TEST

START_TEST(test_cli_int_in_range)
{
    ck_assert_int_eq(ipc_cli_int_or_exit("count", "7", 1, 10), 7);
    ck_assert_int_eq(ipc_cli_int_or_exit("count", "1", 1, 10), 1);
    ck_assert_int_eq(ipc_cli_int_or_exit("count", "10", 1, 10), 10);
    ck_assert_int_eq(ipc_cli_int_or_exit("delay", "-3", -5, 5), -3);
}
END_TEST

START_TEST(test_cli_parse_i64_values)
{
    int64_t v = 0;

    ck_assert_int_eq(ipc_parse_i64("42", 0, 100, &v), 0);
    ck_assert_int_eq(v, 42);
    ck_assert_int_eq(ipc_parse_i64("-42", -100, 100, &v), 0);
    ck_assert_int_eq(v, -42);
    ck_assert_int_eq(ipc_parse_i64("+7", 0, 100, &v), 0);
    ck_assert_int_eq(v, 7);
}
END_TEST

/* ---- limits ------------------------------------------------------------- */

START_TEST(test_cli_value_may_start_with_dashes)
{
    char *argv[] = { "prog", "--dir", "--verbose", "--count", "-5", NULL };
    struct ipc_cli cli = cli_over(argv);

    /* an option that takes a value takes the next word, whatever it is */
    expect_next(&cli, OPT_DIR, "--verbose");
    expect_next(&cli, OPT_COUNT, "-5");
    expect_next(&cli, IPCLAB_CLI_END, NULL);
}
END_TEST

START_TEST(test_cli_parse_i64_extremes)
{
    int64_t v = 0;

    ck_assert_int_eq(ipc_parse_i64("9223372036854775807", INT64_MIN,
                                   INT64_MAX, &v), 0);
    ck_assert_int_eq(v, INT64_MAX);
    ck_assert_int_eq(ipc_parse_i64("-9223372036854775808", INT64_MIN,
                                   INT64_MAX, &v), 0);
    ck_assert_int_eq(v, INT64_MIN);
    errno = 0;
    ck_assert_int_eq(ipc_parse_i64("9223372036854775808", INT64_MIN,
                                   INT64_MAX, &v), -1);
    ck_assert_int_eq(errno, ERANGE);
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

/* The library returns each usage error, in words; it does not exit */
START_TEST(test_cli_parse_returns_usage_errors)
{
    static const struct {
        const char *word, *message;
    } cases[] = {
        { "--nope", "unknown option '--nope'" },
        { "--verb", "unknown option '--verb'" },
        { "--verbose=yes", "option '--verbose' takes no value" },
        { "--dir", "option '--dir' needs a value" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *argv[] = { "prog", (char *)cases[i].word, NULL };
        struct ipc_cli cli = cli_over(argv);

        errno = 0;
        expect_next(&cli, IPCLAB_CLI_ERROR, NULL);
        ck_assert_int_eq(errno, EINVAL);
        ck_assert_str_eq(cli.error, cases[i].message);
    }
}
END_TEST

START_TEST(test_cli_unknown_option_exits_2)
{
    char *argv[] = { "prog", "--nope", NULL };

    parse_all(argv);
}
END_TEST

START_TEST(test_cli_abbreviation_is_unknown_option_exits_2)
{
    char *argv[] = { "prog", "--verb", NULL };

    parse_all(argv);            /* no getopt_long-style prefix matching */
}
END_TEST

START_TEST(test_cli_missing_value_exits_2)
{
    char *argv[] = { "prog", "--dir", NULL };

    parse_all(argv);
}
END_TEST

START_TEST(test_cli_value_given_to_flag_exits_2)
{
    char *argv[] = { "prog", "--verbose=yes", NULL };

    parse_all(argv);
}
END_TEST

START_TEST(test_cli_int_above_range_exits_2)
{
    unit_stderr_to(NULL);
    ipc_cli_int_or_exit("count", "11", 1, 10);
}
END_TEST

START_TEST(test_cli_int_below_range_exits_2)
{
    unit_stderr_to(NULL);
    ipc_cli_int_or_exit("count", "0", 1, 10);
}
END_TEST

START_TEST(test_cli_int_not_a_number_exits_2)
{
    unit_stderr_to(NULL);
    ipc_cli_int_or_exit("count", "3x", 1, 10);
}
END_TEST

START_TEST(test_cli_parse_i64_rejects)
{
    int64_t v = 0;

    errno = 0;
    ck_assert_int_eq(ipc_parse_i64("", 0, 10, &v), -1);
    ck_assert_int_eq(errno, EINVAL);
    errno = 0;
    ck_assert_int_eq(ipc_parse_i64("12x", 0, 100, &v), -1);
    ck_assert_int_eq(errno, EINVAL);
    errno = 0;
    ck_assert_int_eq(ipc_parse_i64("x", 0, 100, &v), -1);
    ck_assert_int_eq(errno, EINVAL);
    errno = 0;
    ck_assert_int_eq(ipc_parse_i64("5 ", 0, 100, &v), -1);
    ck_assert_int_eq(errno, EINVAL);
    errno = 0;
    ck_assert_int_eq(ipc_parse_i64("11", 0, 10, &v), -1);
    ck_assert_int_eq(errno, ERANGE);
    errno = 0;
    ck_assert_int_eq(ipc_parse_i64("-1", 0, 10, &v), -1);
    ck_assert_int_eq(errno, ERANGE);
}
END_TEST

Suite *
cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc_core = tcase_create("core");
    TCase *tc_limits = tcase_create("limits");
    TCase *tc_errors = tcase_create("errors");

    tcase_add_test(tc_core, test_cli_options_with_and_without_values);
    tcase_add_test(tc_core, test_cli_value_after_equals);
    tcase_add_test(tc_core, test_cli_double_dash_ends_options);
    tcase_add_test(tc_core, test_cli_negative_number_and_dash_are_operands);
    tcase_add_test(tc_core, test_cli_short_h_is_help);
    tcase_add_test(tc_core, test_cli_int_in_range);
    tcase_add_test(tc_core, test_cli_parse_i64_values);
    suite_add_tcase(s, tc_core);

    tcase_add_test(tc_limits, test_cli_value_may_start_with_dashes);
    tcase_add_test(tc_limits, test_cli_parse_i64_extremes);
    suite_add_tcase(s, tc_limits);

    /* usage errors end the program with IPCLAB_EXIT_USAGE */
    tcase_add_test(tc_errors, test_cli_parse_returns_usage_errors);
    tcase_add_exit_test(tc_errors, test_cli_unknown_option_exits_2,
                        IPCLAB_EXIT_USAGE);
    tcase_add_exit_test(tc_errors,
                        test_cli_abbreviation_is_unknown_option_exits_2,
                        IPCLAB_EXIT_USAGE);
    tcase_add_exit_test(tc_errors, test_cli_missing_value_exits_2,
                        IPCLAB_EXIT_USAGE);
    tcase_add_exit_test(tc_errors, test_cli_value_given_to_flag_exits_2,
                        IPCLAB_EXIT_USAGE);
    tcase_add_exit_test(tc_errors, test_cli_int_above_range_exits_2,
                        IPCLAB_EXIT_USAGE);
    tcase_add_exit_test(tc_errors, test_cli_int_below_range_exits_2,
                        IPCLAB_EXIT_USAGE);
    tcase_add_exit_test(tc_errors, test_cli_int_not_a_number_exits_2,
                        IPCLAB_EXIT_USAGE);
    tcase_add_test(tc_errors, test_cli_parse_i64_rejects);
    suite_add_tcase(s, tc_errors);

    return s;
}
