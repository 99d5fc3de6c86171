/*
 * tests/bench/check_bench.c - the benchmarks still run, and still say
 * something well-formed.
 *
 * Not a speed test: nothing here compares a figure with a limit (this
 * shared machine's timings say nothing in a test). It runs every
 * measuring command of ipclab-bench once with tiny counts, and the whole
 * 'report' with --quick, and checks the shape of what comes out: one
 * "result" line per command, and a table, CSV files and an SVG that
 * scripts and docs/performance.md can rely on.
 *
 * Run one test:  CK_RUN_CASE=report build/tests/bench
 */
#include <check.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "suites.h"

#define CMD_MS 120000           /* one command with tiny counts */
#define REPORT_MS 900000        /* the quick report: every job once */

/* ---- commands: each prints one well-formed result line ---------------- */

/* The number after " key=" in a result line, or NAN */
static double
field(const char *line, const char *key)
{
    char pattern[64];
    const char *p;

    snprintf(pattern, sizeof(pattern), " %s=", key);
    if ((p = strstr(line, pattern)) == NULL)
        return NAN;
    return strtod(p + strlen(pattern), NULL);
}

/* One measuring command and the keys its result must carry */
struct command {
    const char *name;
    const char *args[12];       /* after the command name */
    const char *keys[7];        /* NULL-ended: numbers >= 0 */
    const char *signed_keys[3]; /* NULL-ended: numbers of either sign (a
                                   difference between two runs) */
};

static const struct command commands[] = {
    { .name = "pingpong", .args = { "--iter", "50" },
      .keys = { "p50_ns", "p99_ns", "mean_ns" } },
    { .name = "pipeline", .args = { "--iter", "50" },
      .keys = { "p50_ns", "p99_ns", "mean_ns" } },
    { .name = "signal", .args = { "--iter", "50", "--cpu", "0" },
      .keys = { "p50_ns", "p99_ns" } },
    { .name = "spawn", .args = { "--iter", "3", "--", "@ipclab-bench-true" },
      .keys = { "p50_ns", "mean_ns" } },
    { .name = "spawn", .args = { "--iter", "3", "--versus",
                                 "@ipclab-bench-true", "--",
                                 "@ipclab-bench-true" },
      .keys = { "p50_ns", "versus_p50_ns", "ratio" } },
    { .name = "tpcost", .args = { "--iter", "100" },
      .keys = { "ns_per_event", "first_ns_per_event", "events" },
      .signed_keys = { "after_syscall_ns" } },
    /* a difference of two kinds of round trip: either sign without a
       session */
    { .name = "tpswitch", .args = { "--iter", "400", "--cpu", "0" },
      .keys = { "rtt_ns", "events" }, .signed_keys = { "ns_per_event" } },
    { .name = "system", .args = { "--bin", "@", "--clients", "2", "--count",
                                  "20", "--window", "2" },
      .keys = { "throughput", "p50_us", "answered", "lost", "cs_per_req" } },
    { .name = "system", .args = { "--bin", "@", "--count", "20", "--sched",
                                  "normal" },
      .keys = { "p50_us", "answered", "cs_per_req" } },
    { .name = "system", .args = { "--bin", "@", "--count", "20", "--pairs",
                                  "2" },
      .keys = { "p50_us", "off_p50_us", "pairs", "answered", "cs_per_req",
                "off_cs_per_req" },
      .signed_keys = { "added_pct", "added_us" } },
};

/* Run ipclab-bench with command c; its stdout as a string */
static char *
run_command(const struct command *c)
{
    const char *argv[16];
    int n = 0;

    argv[n++] = h_bin("ipclab-bench");
    argv[n++] = c->name;
    for (int i = 0; c->args[i] != NULL; i++) {
        const char *a = c->args[i];

        /* "@": the build's bin directory; "@name": a program in it */
        if (strcmp(a, "@") == 0) {
            static char dir[PATH_MAX];
            char *slash;

            snprintf(dir, sizeof(dir), "%s", h_bin("x"));
            slash = strrchr(dir, '/');
            *slash = '\0';
            a = dir;
        } else if (a[0] == '@') {
            a = h_bin(a + 1);
        }
        argv[n++] = a;
    }
    argv[n] = NULL;
    ck_assert_int_eq(h_run(argv, NULL, h_tmpdir_path("out"),
                           h_tmpdir_path("err"), CMD_MS), 0);
    return h_read_file(h_tmpdir_path("out"));
}

START_TEST(test_bench_command_prints_result)
{
    const struct command *c = &commands[_i];
    char *out = run_command(c);
    const char *line;

    ck_assert_ptr_nonnull(out);
    line = strstr(out, "result ");
    ck_assert_msg(line == out, "%s: no result line first: '%s'", c->name,
                  out);
    for (int k = 0; c->keys[k] != NULL; k++) {
        double v = field(line, c->keys[k]);

        ck_assert_msg(!isnan(v) && v >= 0, "%s: key %s missing or invalid in "
                      "'%s'", c->name, c->keys[k], line);
    }
    for (int k = 0; c->signed_keys[k] != NULL; k++) {
        double v = field(line, c->signed_keys[k]);

        ck_assert_msg(!isnan(v), "%s: key %s missing or invalid in '%s'",
                      c->name, c->signed_keys[k], line);
    }
    free(out);
}
END_TEST

START_TEST(test_bench_system_answers_everything)
{
    const struct command *c = commands;
    char *out;

    while (strcmp(c->name, "system") != 0)      /* the first: one run */
        c++;
    out = run_command(c);

    ck_assert_ptr_nonnull(out);
    ck_assert_msg(field(out, "answered") == 40, "%s", out);
    ck_assert_msg(field(out, "lost") == 0, "%s", out);
    ck_assert_msg(field(out, "wrong") == 0, "%s", out);
    ck_assert_msg(field(out, "failed") == 0, "%s", out);
    free(out);
}
END_TEST

/* The exit status of 'ipclab-bench NAME OPTION 1' */
static int
run_option(const char *name, const char *option)
{
    return h_run((const char *[]){ h_bin("ipclab-bench"), name, option, "1",
                 NULL }, NULL, NULL, h_tmpdir_path("err"), CMD_MS);
}

/* Every command has --help, and refuses an option of another command */
START_TEST(test_bench_command_help_and_foreign_option)
{
    const char *name = commands[_i].name;
    char usage[64], *out;

    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-bench"), name,
                           "--help", NULL }, NULL, h_tmpdir_path("help"),
                           h_tmpdir_path("err"), CMD_MS), 0);
    out = h_read_file(h_tmpdir_path("help"));
    snprintf(usage, sizeof(usage), "Usage: ipclab-bench %s ", name);
    ck_assert_msg(out != NULL && strncmp(out, usage, strlen(usage)) == 0,
                  "%s --help: '%s'", name, out);
    free(out);
    ck_assert_int_eq(run_option(name, "--no-callgrind"), 2);   /* report's */
    ck_assert_int_eq(run_option("report", "--iter"), 2);       /* not its */
}
END_TEST

START_TEST(test_bench_rejects_unknown_command)
{
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-bench"),
                           "nonsense", NULL }, NULL, NULL,
                           h_tmpdir_path("err"), CMD_MS), 2);
}
END_TEST

/* ---- report: the table and the files ----------------------------------- */

static char out_dir[PATH_MAX];
static char *table_stdout;
static int report_status = -1;

/*
 * Unchecked fixture: run the quick report once for every test of the
 * case (it takes a while), in the runner process.
 */
static void
run_report(void)
{
    char out[PATH_MAX];

    h_tmpdir_init();
    snprintf(out_dir, sizeof(out_dir), "%s/results", h_tmpdir());
    snprintf(out, sizeof(out), "%s/stdout", h_tmpdir());
    report_status = h_run((const char *[]){ h_bin("ipclab-bench"), "report",
                          "--quick", "--srcdir", h_srcdir(), "--out",
                          out_dir, NULL }, NULL, out, NULL, REPORT_MS);
    table_stdout = h_read_file(out);
}

static void
cleanup_report(void)
{
    free(table_stdout);
    h_tmpdir_cleanup();
}

static char *
result_file(const char *name)
{
    char path[PATH_MAX];

    ck_assert_int_lt(snprintf(path, sizeof(path), "%s/%s", out_dir, name),
                     (int)sizeof(path));
    return h_read_file(path);
}

/* Fields of one CSV line, quotes honoured (labels contain commas) */
static int
csv_fields(const char *line, char fields[][128], int max)
{
    int n = 0;
    size_t len = 0;
    bool quoted = false;

    for (const char *p = line; n < max; p++) {
        if (*p == '"') {
            quoted = !quoted;
        } else if ((*p == ',' && !quoted) || *p == '\n' || *p == '\0') {
            fields[n++][len < 128 ? len : 127] = '\0';
            len = 0;
            if (*p != ',')
                break;
        } else if (len < 127) {
            fields[n][len++] = *p;
        }
    }
    return n;
}

static bool
is_number_or_empty(const char *s)
{
    char *end;

    if (s[0] == '\0' || strcmp(s, "nan") == 0)
        return true;
    strtod(s, &end);
    return *end == '\0';
}

START_TEST(test_bench_report_prints_the_table)
{
    static const char *const sections[] = {
        "Baselines", "Reference system", "Throughput", "Tracing",
        "Reading a trace", "Targets",
    };
    char *table = result_file("table.txt");

    ck_assert_int_eq(report_status, 0);
    ck_assert_ptr_nonnull(table);
    ck_assert_msg(strncmp(table, "ipclab benchmarks", 17) == 0, "%s",
                  table);
    for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
        ck_assert_msg(strstr(table, sections[i]) != NULL,
                      "no section '%s' in:\n%s", sections[i], table);
    /* what make bench prints is what table.txt keeps */
    ck_assert_ptr_nonnull(table_stdout);
    ck_assert_msg(strstr(table_stdout, table) != NULL,
                  "stdout and table.txt differ");
    /* the baselines were measured, whatever this machine's speed */
    ck_assert_int_eq(h_count_lines(table, "FIFO ping-pong round trip"), 1);
    ck_assert_int_eq(h_count_lines(table, "round trip p50 "), 1);
    ck_assert_msg(strstr(table, "met") != NULL || strstr(table, "n/a"),
                  "the targets have no verdicts");
    free(table);
}
END_TEST

START_TEST(test_bench_report_writes_results_csv)
{
    char *csv = result_file("results.csv");
    char fields[10][128];
    int rows = 0, measured = 0;

    ck_assert_ptr_nonnull(csv);
    ck_assert_msg(strncmp(csv, "section,figure,variant,unit,median,min,max,"
                          "n\n", 44) == 0, "header: %.60s", csv);
    for (char *line = strchr(csv, '\n') + 1; *line != '\0';
         line = strchr(line, '\n') + 1) {
        int n = csv_fields(line, fields, 10);

        ck_assert_msg(n == 8, "%d fields in: %.200s", n, line);
        ck_assert_msg(strcmp(fields[2], "pinned") == 0 ||
                      strcmp(fields[2], "unpinned") == 0, "%.200s", line);
        for (int f = 4; f <= 6; f++)
            ck_assert_msg(is_number_or_empty(fields[f]), "field %d: %.200s",
                          f + 1, line);
        if (strcmp(fields[1], "FIFO ping-pong round trip, 1 record") == 0)
            measured += atof(fields[4]) > 0;
        rows++;
    }
    ck_assert_int_gt(rows, 40);
    ck_assert_int_eq(measured, 2);          /* pinned and unpinned */
    free(csv);
}
END_TEST

START_TEST(test_bench_report_writes_raw_and_clients_csv)
{
    char *runs = result_file("runs.csv");
    char *clients = result_file("clients.csv");
    char fields[16][128];
    int rows = 0;

    ck_assert_ptr_nonnull(runs);
    ck_assert_msg(strncmp(runs, "job,variant,round,key,value\n", 28) == 0,
                  "%.60s", runs);
    ck_assert_int_gt(h_count_lines(runs, "pipeline"), 0);
    ck_assert_ptr_nonnull(clients);
    ck_assert_msg(strncmp(clients, "spawn,signals,variant,clients,", 30) ==
                  0, "%.80s", clients);
    for (char *line = strchr(clients, '\n') + 1; *line != '\0';
         line = strchr(line, '\n') + 1) {
        ck_assert_int_eq(csv_fields(line, fields, 16), 11);
        rows++;
    }
    /* pool and per-request, rt and classic, pinned or not, 1 and 4 */
    ck_assert_int_eq(rows, 2 * 2 * 2 * 2);
    free(runs);
    free(clients);
}
END_TEST

START_TEST(test_bench_report_draws_the_plot)
{
    char *svg = result_file("clients.svg");
    size_t len;

    ck_assert_ptr_nonnull(svg);
    len = strlen(svg);
    ck_assert_msg(strncmp(svg, "<?xml ", 6) == 0 &&
                  strstr(svg, "\n<svg ") != NULL, "%.60s", svg);
    ck_assert_msg(len > 7 && strcmp(svg + len - 7, "</svg>\n") == 0,
                  "unterminated SVG");
    ck_assert_int_gt(h_count_lines(svg, "<polyline"), 0);
    free(svg);
}
END_TEST

Suite *
bench_suite(void)
{
    Suite *s = suite_create("bench");
    TCase *cmds = tcase_create("commands");
    TCase *report = tcase_create("report");

    tcase_add_unchecked_fixture(cmds, h_tmpdir_init, h_tmpdir_cleanup);
    tcase_set_timeout(cmds, CMD_MS / 1000 + 10);
    tcase_add_loop_test(cmds, test_bench_command_prints_result, 0,
                        (int)(sizeof(commands) / sizeof(commands[0])));
    tcase_add_test(cmds, test_bench_system_answers_everything);
    tcase_add_loop_test(cmds, test_bench_command_help_and_foreign_option, 0,
                        (int)(sizeof(commands) / sizeof(commands[0])));
    tcase_add_test(cmds, test_bench_rejects_unknown_command);
    suite_add_tcase(s, cmds);

    tcase_add_unchecked_fixture(report, run_report, cleanup_report);
    tcase_set_timeout(report, 30);
    tcase_add_test(report, test_bench_report_prints_the_table);
    tcase_add_test(report, test_bench_report_writes_results_csv);
    tcase_add_test(report, test_bench_report_writes_raw_and_clients_csv);
    tcase_add_test(report, test_bench_report_draws_the_plot);
    suite_add_tcase(s, report);
    return s;
}
