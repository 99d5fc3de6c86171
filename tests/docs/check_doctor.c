/*
 * tests/docs/check_doctor.c - 'make doctor' finds each reason for an empty
 * or missing trace, and says OK when there is none.
 *
 * scripts/doctor.sh inspects the machine: pkg-config, the build
 * directory, lttng, the session daemon, LTTNG_HOME. To make that
 * deterministic, each test builds a small world in a fresh directory (in
 * its temporary directory) and runs the script there:
 *   bin/     the only PATH: links to the real cat, grep, sed, id, nm,
 *            strings and flock, plus fake pkg-config, lttng and
 *            lttng-sessiond scripts that answer as the test wants
 *   build/   a fake build directory: .tracing and bin/ipclab-server
 *   home/    LTTNG_HOME and HOME
 * Nothing real is started: no session daemon, no recording.
 *
 * Run: build/tests/docs      (CK_RUN_SUITE=doctor for these only)
 */
#include <check.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "docs.h"
#include "harness.h"

/* ---- fake tools --------------------------------------------------------- */

/* pkg-config that finds lttng-ust 2.13.5 */
static const char pkg_config_ok[] =
    "#!/bin/sh\n"
    "case \"$1\" in\n"
    "--exists) [ \"$2\" = lttng-ust ] ;;\n"
    "--modversion) echo 2.13.5 ;;\n"
    "*) exit 1 ;;\n"
    "esac\n";

/* pkg-config without lttng-ust's .pc file */
static const char pkg_config_no_ust[] =
    "#!/bin/sh\n"
    "exit 1\n";

/* lttng with a session daemon running and no session */
static const char lttng_idle[] =
    "#!/bin/sh\n"
    "case \"$1\" in\n"
    "--version) echo 'lttng (LTTng Trace Control) 2.13.9 - Nordicite' ;;\n"
    "list) echo 'Currently no available recording session' ;;\n"
    "*) exit 1 ;;\n"
    "esac\n";

/* lttng with no session daemon: what the real one says and does */
static const char lttng_no_daemon[] =
    "#!/bin/sh\n"
    "case \"$1\" in\n"
    "--version) echo 'lttng (LTTng Trace Control) 2.13.9 - Nordicite' ;;\n"
    "*) echo 'Error: No session daemon is available' >&2; exit 1 ;;\n"
    "esac\n";

/* lttng 2.13's text for two sessions: 'student' records myapp:* only,
   'good' records ipclab:* */
static const char lttng_sessions[] =
    "#!/bin/sh\n"
    "case \"$*\" in\n"
    "--version) echo 'lttng (LTTng Trace Control) 2.13.9 - Nordicite' ;;\n"
    "list) printf 'Available recording sessions:\\n"
    "  1) student [active]\\n    Trace output: /tmp/s\\n\\n"
    "  2) good [active]\\n    Trace output: /tmp/g\\n\\n"
    "Use lttng list <session_name> for more details\\n' ;;\n"
    "'list student') printf 'Recording session student: [active]\\n\\n"
    "=== Domain: User space ===\\n\\n    Recording event rules:\\n"
    "      myapp:* (type: tracepoint) [enabled]\\n' ;;\n"
    "'list good') printf 'Recording session good: [active]\\n\\n"
    "=== Domain: User space ===\\n\\n    Recording event rules:\\n"
    "      ipclab:* (type: tracepoint) [enabled]\\n' ;;\n"
    "*) exit 1 ;;\n"
    "esac\n";

static const char sessiond[] = "#!/bin/sh\nexit 0\n";

/* A traced server carries lttng-ust's probe registration (its strings
   are what doctor.sh looks for when nm sees no symbols); an untraced one
   does not. Plain text is enough for strings(1). */
static const char server_traced[] =
    "\177ELF fake lttng_ust_probe_register lttng_ust_tp_provider_strtab_"
    "ipclab___proc_start\n";
static const char server_untraced[] = "\177ELF fake ipclab-server\n";

/* The world one test runs doctor.sh in; NULL means "absent" */
struct world {
    const char *pkg_config;     /* fake pkg-config script */
    const char *lttng;          /* fake lttng script */
    bool sessiond;              /* a fake lttng-sessiond too */
    const char *tracing;        /* text of build/.tracing */
    const char *server;         /* content of build/bin/ipclab-server */
    const char *lttng_home;     /* LTTNG_HOME; NULL: the world's home/ */
};

/* The healthy world: tracing will work */
static const struct world healthy = {
    .pkg_config = pkg_config_ok,
    .lttng = lttng_idle,
    .sessiond = true,
    .tracing = "1\n",
    .server = server_traced,
};

static void
make_dir(const char *path)
{
    ck_assert_msg(mkdir(path, 0700) == 0, "mkdir '%s'", path);
}

static void
write_script(const char *path, const char *text)
{
    h_write_file(path, text);
    ck_assert_int_eq(chmod(path, 0755), 0);
}

/* bin/NAME -> the real NAME from $PATH, when installed */
static void
link_real_tool(const char *bin, const char *name)
{
    char real[PATH_MAX], link[PATH_MAX];

    if (docs_which(name, real, sizeof(real)) == NULL)
        return;                 /* doctor.sh copes without it */
    ck_assert_int_lt(snprintf(link, sizeof(link), "%s/%s", bin, name),
                     (int)sizeof(link));
    ck_assert_int_eq(symlink(real, link), 0);
}

/* "world/name" into buf */
static const char *
in_world(char *buf, size_t size, const char *world, const char *name)
{
    ck_assert_int_lt(snprintf(buf, size, "%s/%s", world, name), (int)size);
    return buf;
}

/* The environment variables a world sets, and their saved values */
static const char *const world_vars[] = {
    "PATH", "LTTNG_HOME", "HOME", "TMPDIR", NULL,
};

/*
 * Build world w in a fresh directory of this test's temporary directory,
 * point the environment at it (PATH, LTTNG_HOME, HOME, TMPDIR), run
 * doctor.sh on its build directory plus 'extra_arg' (may be NULL), restore
 * the environment (so that CK_FORK=no runs work too) and return the exit
 * status; *out gets the output.
 */
static int
run_doctor(const struct world *w, const char *extra_arg, char **out)
{
    static const char *const tools[] = {
        "cat", "grep", "sed", "id", "nm", "strings", "flock", NULL,
    };
    char world[PATH_MAX], bin[PATH_MAX], build[PATH_MAX], home[PATH_MAX];
    char p[PATH_MAX], script[PATH_MAX];
    char *saved[sizeof(world_vars) / sizeof(world_vars[0])];
    const char *argv[5];
    int status;

    snprintf(world, sizeof(world), "%s", h_tmpdir_path("world.XXXXXX"));
    ck_assert_ptr_nonnull(mkdtemp(world));
    in_world(bin, sizeof(bin), world, "bin");
    in_world(build, sizeof(build), world, "build");
    in_world(home, sizeof(home), world, "home");
    snprintf(script, sizeof(script), "%s", docs_src("scripts/doctor.sh"));
    make_dir(bin);
    make_dir(build);
    make_dir(home);

    for (int i = 0; tools[i] != NULL; i++)
        link_real_tool(bin, tools[i]);
    if (w->pkg_config != NULL)
        write_script(in_world(p, sizeof(p), bin, "pkg-config"),
                     w->pkg_config);
    if (w->lttng != NULL)
        write_script(in_world(p, sizeof(p), bin, "lttng"), w->lttng);
    if (w->sessiond)
        write_script(in_world(p, sizeof(p), bin, "lttng-sessiond"),
                     sessiond);

    if (w->tracing != NULL)
        h_write_file(in_world(p, sizeof(p), build, ".tracing"), w->tracing);
    if (w->server != NULL) {
        make_dir(in_world(p, sizeof(p), build, "bin"));
        write_script(in_world(p, sizeof(p), build, "bin/ipclab-server"),
                     w->server);
    }

    for (int i = 0; world_vars[i] != NULL; i++) {
        const char *v = getenv(world_vars[i]);

        saved[i] = v != NULL ? strdup(v) : NULL;
    }
    ck_assert_int_eq(setenv("PATH", bin, 1), 0);
    ck_assert_int_eq(setenv("LTTNG_HOME", w->lttng_home != NULL ?
                            w->lttng_home : home, 1), 0);
    ck_assert_int_eq(setenv("HOME", home, 1), 0);
    ck_assert_int_eq(setenv("TMPDIR", world, 1), 0);

    argv[0] = "/bin/sh";
    argv[1] = script;
    argv[2] = build;
    argv[3] = extra_arg;
    argv[4] = NULL;
    status = docs_run(argv, in_world(p, sizeof(p), world, "doctor.out"),
                      out);

    for (int i = 0; world_vars[i] != NULL; i++) {
        if (saved[i] != NULL)
            setenv(world_vars[i], saved[i], 1);
        else
            unsetenv(world_vars[i]);
        free(saved[i]);
    }
    return status;
}

/* Fail unless the output has 'needle', showing the output when not */
static void
assert_says(const char *out, const char *needle)
{
    ck_assert_msg(strstr(out, needle) != NULL,
                  "doctor.sh did not say \"%s\":\n%s", needle, out);
}

/* ---- core: tracing will work -------------------------------------------- */

START_TEST(test_doctor_healthy_exits_0)
{
    char *out;
    int status = run_doctor(&healthy, NULL, &out);

    ck_assert_msg(status == 0, "exit %d:\n%s", status, out);
    assert_says(out, "OK: tracing will work");
    assert_says(out, "ok       lttng-ust 2.13.5");
    assert_says(out, "ok       tracepoints compiled in");
    assert_says(out, "ok       a session daemon is running");
    ck_assert_msg(strstr(out, "PROBLEM") == NULL, "%s", out);
    free(out);
}
END_TEST

START_TEST(test_doctor_no_daemon_is_only_a_note)
{
    struct world w = healthy;
    char *out;
    int status;

    /* record.sh starts its own daemon: tracing still works */
    w.lttng = lttng_no_daemon;
    status = run_doctor(&w, NULL, &out);
    ck_assert_msg(status == 0, "exit %d:\n%s", status, out);
    assert_says(out, "note     no session daemon running");
    assert_says(out, "$ lttng-sessiond --daemonize");
    free(out);
}
END_TEST

START_TEST(test_doctor_nothing_built_is_only_a_note)
{
    struct world w = healthy;
    char *out;
    int status;

    w.tracing = NULL;
    w.server = NULL;
    status = run_doctor(&w, NULL, &out);
    ck_assert_msg(status == 0, "exit %d:\n%s", status, out);
    assert_says(out, "note     nothing built yet");
    free(out);
}
END_TEST

START_TEST(test_doctor_good_session_is_ok)
{
    struct world w = healthy;
    char *out;

    /* 'good' enables ipclab:*: it must not be reported */
    w.lttng = lttng_sessions;
    run_doctor(&w, NULL, &out);
    ck_assert_msg(strstr(out, "session 'good'") == NULL, "%s", out);
    free(out);
}
END_TEST

/* ---- errors: each reason for an empty or missing trace ------------------ */

START_TEST(test_doctor_finds_missing_lttng)
{
    struct world w = healthy;
    char *out;
    int status;

    w.lttng = NULL;             /* PATH without lttng */
    status = run_doctor(&w, NULL, &out);
    ck_assert_msg(status == 1, "exit %d:\n%s", status, out);
    assert_says(out, "PROBLEM  'lttng' not found");
    assert_says(out, "apt-get install -y lttng-tools");
    ck_assert_msg(strstr(out, "'lttng-sessiond' not found") == NULL, "%s",
                  out);
    ck_assert_msg(strstr(out, "OK: tracing will work") == NULL, "%s", out);
    free(out);
}
END_TEST

START_TEST(test_doctor_finds_missing_sessiond)
{
    struct world w = healthy;
    char *out;
    int status;

    w.sessiond = false;
    status = run_doctor(&w, NULL, &out);
    ck_assert_msg(status == 1, "exit %d:\n%s", status, out);
    assert_says(out, "PROBLEM  'lttng-sessiond' not found");
    free(out);
}
END_TEST

START_TEST(test_doctor_finds_tracing_compiled_out)
{
    struct world w = healthy;
    char *out;
    int status;

    w.tracing = "0\n";
    w.server = server_untraced;
    status = run_doctor(&w, NULL, &out);
    ck_assert_msg(status == 1, "exit %d:\n%s", status, out);
    assert_says(out, "PROBLEM  tracepoints compiled out");
    assert_says(out, "/.tracing' contains 0");
    /* lttng-ust is there now: rebuilding is the fix */
    assert_says(out, "fix: make BUILD=");
    assert_says(out, "1 problem: fix it");
    free(out);
}
END_TEST

START_TEST(test_doctor_finds_server_without_provider)
{
    struct world w = healthy;
    char *out;
    int status;

    w.server = server_untraced;     /* .tracing says 1, the binary not */
    status = run_doctor(&w, NULL, &out);
    ck_assert_msg(status == 1, "exit %d:\n%s", status, out);
    assert_says(out, "lacks the ipclab tracepoint provider");
    assert_says(out, "clean && make");
    free(out);
}
END_TEST

START_TEST(test_doctor_finds_missing_lttng_ust_dev)
{
    struct world w = healthy;
    char *out;
    int status;

    /* the classic: built before liblttng-ust-dev was installed */
    w.pkg_config = pkg_config_no_ust;
    w.tracing = "0\n";
    w.server = server_untraced;
    status = run_doctor(&w, NULL, &out);
    ck_assert_msg(status == 1, "exit %d:\n%s", status, out);
    assert_says(out, "PROBLEM  lttng-ust development files not found");
    assert_says(out, "apt-get install -y liblttng-ust-dev");
    assert_says(out, "PROBLEM  tracepoints compiled out");
    assert_says(out, "2 problems: fix them from the top");
    free(out);
}
END_TEST

START_TEST(test_doctor_finds_missing_pkg_config)
{
    struct world w = healthy;
    char *out;
    int status;

    w.pkg_config = NULL;
    status = run_doctor(&w, NULL, &out);
    ck_assert_msg(status == 1, "exit %d:\n%s", status, out);
    assert_says(out, "PROBLEM  pkg-config not found");
    free(out);
}
END_TEST

START_TEST(test_doctor_finds_missing_lttng_home)
{
    struct world w = healthy;
    char *out;
    int status;

    w.lttng_home = "/nonexistent/ipclab-lttng-home";
    status = run_doctor(&w, NULL, &out);
    ck_assert_msg(status == 1, "exit %d:\n%s", status, out);
    assert_says(out, "PROBLEM  LTTNG_HOME='/nonexistent/ipclab-lttng-home' "
                "does not exist");
    assert_says(out, "fix: unset LTTNG_HOME");
    free(out);
}
END_TEST

START_TEST(test_doctor_finds_session_without_events)
{
    struct world w = healthy;
    char *out;
    int status;

    w.lttng = lttng_sessions;
    status = run_doctor(&w, NULL, &out);
    ck_assert_msg(status == 1, "exit %d:\n%s", status, out);
    assert_says(out, "PROBLEM  session 'student' is recording but enables "
                "no ipclab event");
    assert_says(out, "fix: lttng enable-event --userspace 'ipclab:*' "
                "--session=student");
    free(out);
}
END_TEST

START_TEST(test_doctor_rejects_bad_usage)
{
    char *out;
    int status = run_doctor(&healthy, "extra-argument", &out);

    ck_assert_msg(status == 2, "exit %d:\n%s", status, out);
    assert_says(out, "usage:");
    free(out);
}
END_TEST

Suite *
doctor_suite(void)
{
    Suite *s = suite_create("doctor");
    TCase *core = tcase_create("core");
    TCase *errors = tcase_create("errors");

    tcase_add_unchecked_fixture(core, h_tmpdir_init, h_tmpdir_cleanup);
    tcase_add_test(core, test_doctor_healthy_exits_0);
    tcase_add_test(core, test_doctor_no_daemon_is_only_a_note);
    tcase_add_test(core, test_doctor_nothing_built_is_only_a_note);
    tcase_add_test(core, test_doctor_good_session_is_ok);
    suite_add_tcase(s, core);

    tcase_add_unchecked_fixture(errors, h_tmpdir_init, h_tmpdir_cleanup);
    tcase_add_test(errors, test_doctor_finds_missing_lttng);
    tcase_add_test(errors, test_doctor_finds_missing_sessiond);
    tcase_add_test(errors, test_doctor_finds_tracing_compiled_out);
    tcase_add_test(errors, test_doctor_finds_server_without_provider);
    tcase_add_test(errors, test_doctor_finds_missing_lttng_ust_dev);
    tcase_add_test(errors, test_doctor_finds_missing_pkg_config);
    tcase_add_test(errors, test_doctor_finds_missing_lttng_home);
    tcase_add_test(errors, test_doctor_finds_session_without_events);
    tcase_add_test(errors, test_doctor_rejects_bad_usage);
    suite_add_tcase(s, errors);
    return s;
}
