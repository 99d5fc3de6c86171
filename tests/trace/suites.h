/*
 * tests/trace/suites.h - the suites of the ipclab-trace test program, one
 * per subcommand (check_<subcommand>.c), added by runner.c.
 */
#ifndef IPCLAB_TESTS_TRACE_SUITES_H
#define IPCLAB_TESTS_TRACE_SUITES_H

#include <check.h>

Suite *cli_suite(void);         /* check_cli.c: options, errors, bad traces */
Suite *check_suite(void);       /* check_check.c: the protocol check */
Suite *seq_suite(void);         /* check_seq.c: the text diagram */
Suite *svg_suite(void);         /* check_svg.c */
Suite *chrome_suite(void);      /* check_chrome.c: the Perfetto export */
Suite *stats_suite(void);       /* check_stats.c */
Suite *overlap_suite(void);     /* check_overlap.c: clients at once */
Suite *shiviz_suite(void);      /* check_shiviz.c: the ShiViz log */
Suite *states_suite(void);      /* check_states.c: time per state */
Suite *samples_suite(void);     /* check_samples.c: traces/samples/ */
Suite *record_suite(void);      /* check_record.c: traces/record.sh */

#endif /* IPCLAB_TESTS_TRACE_SUITES_H */
