/*
 * tests/trace/check_chrome.c - 'ipclab-trace chrome': the Perfetto export.
 *
 * The JSON must parse (Python's json module is the judge), name every
 * process, and pair every flow start ("ph":"s") with exactly one end
 * ("ph":"f") of the same id, category and name, bound to a slice; its
 * state slices must give the times 'states' gives; names with quotes,
 * backslashes and non-ASCII letters must come back unchanged through jq,
 * their control characters and bytes that are not UTF-8 as '?'.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emit.h"
#include "fixture.h"
#include "harness.h"
#include "suites.h"

static const enum tt_id traces[] = { TT_DEFAULT, TT_PER_REQUEST, TT_CLASSIC,
                                     TT_NOACK, TT_BROKEN, TT_EMIT_NAMES };

/* Prints "flows N processes M", or fails with the reason */
static const char *const judge =
    "import json, sys, collections\n"
    "d = json.load(open(sys.argv[1]))\n"
    "ev = d['traceEvents']\n"
    "starts = collections.Counter((e['id'], e['cat'], e['name'])\n"
    "                             for e in ev if e['ph'] == 's')\n"
    "ends = collections.Counter((e['id'], e['cat'], e['name'])\n"
    "                           for e in ev if e['ph'] == 'f')\n"
    "assert all(n == 1 for n in starts.values()), 'duplicate flow start'\n"
    "assert starts == ends, 'unmatched flows: %r' % (starts ^ ends)\n"
    "assert all(e.get('bp') == 'e' for e in ev if e['ph'] == 'f')\n"
    "named = {e['pid'] for e in ev if e['ph'] == 'M'\n"
    "         and e['name'] == 'process_name'}\n"
    "used = {e['pid'] for e in ev if e['ph'] == 'X'}\n"
    "assert used <= named, 'unnamed processes: %r' % (used - named)\n"
    "print('flows', len(starts), 'processes', len(named))\n";

START_TEST(test_chrome_is_json_with_paired_flows)
{
    char server[16], path[128];
    struct tt_run r, py;
    const char *argv[] = { "python3", "-c", judge, path, NULL };
    int flows = 0, procs = 0;
    FILE *f;

    snprintf(server, sizeof(server), "%d", tt_server(traces[_i]));
    tt_trace(&r, "chrome", "--server", server, tt_dir(traces[_i]), NULL);
    ck_assert_msg(r.status == 0, "chrome: exit %d: %s", r.status, r.err);
    snprintf(path, sizeof(path), "%s/%d-%d.json", tt_tmp(), (int)traces[_i],
             (int)getpid());
    ck_assert_ptr_nonnull(f = fopen(path, "w"));
    fputs(r.out, f);
    fclose(f);

    tt_exec(&py, argv);
    ck_assert_msg(py.status == 0, "python3: %s", py.err);
    ck_assert_int_eq(sscanf(py.out, "flows %d processes %d", &flows, &procs),
                     2);
    if (traces[_i] == TT_DEFAULT) {
        /* 4 records and 4 signals per request, all delivered */
        ck_assert_int_ge(flows, 8 * TT_REQUESTS);
        ck_assert_int_eq(procs, 9);
    }
    tt_run_free(&py);
    tt_run_free(&r);
}
END_TEST

/* Chrome's state slices against 'states': the same time per state and
   process, within the microseconds 'states' prints */
static const char *const same_states =
    "import json, sys, collections\n"
    "d = json.load(open(sys.argv[1]))\n"
    "chrome = collections.Counter()\n"
    "for e in d['traceEvents']:\n"
    "    if e['ph'] == 'X' and e['cat'] == 'state':\n"
    "        chrome[(e['pid'], e['name'])] += e['dur'] / 1000.0\n"
    "states = collections.Counter()\n"
    "for line in open(sys.argv[2]).read().splitlines()[1:]:\n"
    "    if not line.startswith(' '):\n"
    "        pid = int(line.split()[1])\n"
    "        continue\n"
    "    name, ms = line[3:].split()[:2]\n"
    "    states[(pid, name)] += float(ms)\n"
    "bad = [(k, chrome[k], states[k]) for k in set(chrome) | set(states)\n"
    "       if abs(chrome[k] - states[k]) > 0.002]\n"
    "assert not bad, 'chrome, states differ: %r' % bad[:5]\n"
    "print('states', len(states))\n";

/* Lab 05 kills a client mid-request: its state ends at its reaping */
START_TEST(test_chrome_states_end_as_states_say)
{
    char json[128], text[128];
    const char *argv[] = { "python3", "-c", same_states, json, text, NULL };
    struct tt_run chrome, states, py;
    int n = 0;
    FILE *f;

    tt_trace(&chrome, "chrome", tt_dir(TT_LAB05), NULL);
    tt_trace(&states, "states", tt_dir(TT_LAB05), NULL);
    ck_assert_int_eq(chrome.status, 0);
    ck_assert_int_eq(states.status, 0);
    snprintf(json, sizeof(json), "%s/lab05-%d.json", tt_tmp(), (int)getpid());
    snprintf(text, sizeof(text), "%s/lab05-%d.txt", tt_tmp(), (int)getpid());
    ck_assert_ptr_nonnull(f = fopen(json, "w"));
    fputs(chrome.out, f);
    fclose(f);
    ck_assert_ptr_nonnull(f = fopen(text, "w"));
    fputs(states.out, f);
    fclose(f);
    tt_exec(&py, argv);
    ck_assert_msg(py.status == 0, "python3: %s", py.err);
    ck_assert_int_eq(sscanf(py.out, "states %d", &n), 1);
    ck_assert_int_gt(n, 10);
    tt_run_free(&py);
    tt_run_free(&states);
    tt_run_free(&chrome);
}
END_TEST

/* Prints how many times the odd text ($odd) comes back: as the process's
   name, as the role of its proc_start and proc_state slices, as a state
   (the slice and its args), and as an error's text (name and args) */
static const char *const odd_back =
    ".traceEvents | [\n"
    "  map(select(.ph == \"M\" and .name == \"process_name\"\n"
    "             and .args.name == $odd + \" \" + $pid)),\n"
    "  map(select(.ph == \"X\" and .pid == ($pid | tonumber)\n"
    "             and .args.role == $odd)),\n"
    "  map(select(.cat == \"state\" and .name == $odd\n"
    "             and .args.state == $odd)),\n"
    "  map(select(.name == \"ERROR \" + $odd and .args.what == $odd))\n"
    "] | map(length | tostring) | join(\" \")\n";

/* A role, a state and an error text JSON must escape: no raw control
   character in the output, and jq reads each back as every view shows it */
START_TEST(test_chrome_escapes_names)
{
    char pid[16], path[128];
    const char *argv[] = { "jq", "-r", "--arg", "odd", IPCLAB_EMIT_ODD_SHOWN,
                           "--arg", "pid", pid, odd_back, path, NULL };
    const char *find[] = { "/bin/sh", "-c", "command -v jq", NULL };
    struct tt_run r, which, jq;
    FILE *f;

    snprintf(pid, sizeof(pid), "%d", tt_actors(TT_EMIT_NAMES)->rc_b);
    tt_trace(&r, "chrome", tt_dir(TT_EMIT_NAMES), NULL);
    ck_assert_msg(r.status == 0, "chrome: exit %d: %s", r.status, r.err);
    for (const char *p = r.out; *p != '\0'; p++)
        ck_assert_msg((unsigned char)*p >= 0x20 || *p == '\n',
                      "raw control character 0x%02x at byte %td",
                      (unsigned)(unsigned char)*p, p - r.out);
    snprintf(path, sizeof(path), "%s/names-%d.json", tt_tmp(), (int)getpid());
    ck_assert_ptr_nonnull(f = fopen(path, "w"));
    fputs(r.out, f);
    fclose(f);
    tt_run_free(&r);

    tt_exec(&which, find);
    tt_run_free(&which);
    if (which.status != 0)
        h_skip("jq is not installed (scripts/deps.sh installs it): the "
               "names read back are not checked");
    tt_exec(&jq, argv);
    ck_assert_msg(jq.status == 0, "jq: %s", jq.err);
    ck_assert_str_eq(jq.out, "1 2 1 1\n");
    tt_run_free(&jq);
}
END_TEST

Suite *
chrome_suite(void)
{
    Suite *s = suite_create("chrome");
    TCase *core = tcase_create("core");

    tcase_add_unchecked_fixture(core, tt_need_default, NULL);
    tcase_add_unchecked_fixture(core, tt_need_modes, NULL);
    tcase_add_unchecked_fixture(core, tt_need_broken, NULL);
    tcase_add_unchecked_fixture(core, tt_need_names, NULL);
    tcase_add_loop_test(core, test_chrome_is_json_with_paired_flows, 0,
                        sizeof(traces) / sizeof(traces[0]));
    tcase_add_test(core, test_chrome_escapes_names);
    tcase_add_unchecked_fixture(core, tt_need_lab05, NULL);
    tcase_add_test(core, test_chrome_states_end_as_states_say);
    tcase_set_timeout(core, 30);
    suite_add_tcase(s, core);
    return s;
}
