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
 *   lock/, run/, lttng-run/   the kit's lock directory (IPCLAB_LOCK_DIR),
 *            runtime directory (IPCLAB_DIR) and root's session daemon
 *            directory (IPCLAB_LTTNG_RUNDIR), absent unless a test makes
 *            them
 * A fake 'id' plays another user (uid 1000, in the 'tracing' group or
 * not); a directory of another user is a real one (h_foreign_dir()), so
 * these tests run as root and as an ordinary user alike. Nothing real is started: no session daemon, no
 * recording.
 *
 * Run: build/tests/docs      (CK_RUN_SUITE=doctor for these only)
 */
#include <check.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
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

/* lttng with one session, 'good', recording ipclab:* */
static const char lttng_good_session[] =
    "#!/bin/sh\n"
    "case \"$*\" in\n"
    "--version) echo 'lttng (LTTng Trace Control) 2.13.9 - Nordicite' ;;\n"
    "list) printf 'Available recording sessions:\\n"
    "  1) good [active]\\n    Trace output: /tmp/g\\n\\n' ;;\n"
    "'list good') printf 'Recording session good: [active]\\n\\n"
    "=== Domain: User space ===\\n\\n    Recording event rules:\\n"
    "      ipclab:* (type: tracepoint) [enabled]\\n' ;;\n"
    "*) exit 1 ;;\n"
    "esac\n";

static const char sessiond[] = "#!/bin/sh\nexit 0\n";

/* id(1) for uid 1000, 'student', outside and inside the 'tracing' group */
static const char id_student[] =
    "#!/bin/sh\n"
    "case \"$1\" in\n"
    "-u) echo 1000 ;; -un) echo student ;; -nG) echo student ;;\n"
    "*) echo 'uid=1000(student) gid=1000(student)' ;;\n"
    "esac\n";
static const char id_student_tracing[] =
    "#!/bin/sh\n"
    "case \"$1\" in\n"
    "-u) echo 1000 ;; -un) echo student ;; -nG) echo student tracing ;;\n"
    "*) echo 'uid=1000(student) gid=1000(student)' ;;\n"
    "esac\n";
/* id(1) for root */
static const char id_root[] =
    "#!/bin/sh\n"
    "case \"$1\" in\n"
    "-u) echo 0 ;; -un) echo root ;; -nG) echo root ;;\n"
    "*) echo 'uid=0(root) gid=0(root)' ;;\n"
    "esac\n";

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
    const char *id;             /* fake id script; NULL: the real id */
    bool root_daemon;           /* root's session daemon socket exists */
    const char *lock_dir;       /* IPCLAB_LOCK_DIR; NULL: world's lock/ */
    const char *run_dir;        /* IPCLAB_DIR; NULL: the world's run/ */
    const char *xdg;            /* XDG_RUNTIME_DIR, and IPCLAB_DIR unset */
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
    "PATH", "LTTNG_HOME", "HOME", "TMPDIR", "IPCLAB_LOCK_DIR", "IPCLAB_DIR",
    "IPCLAB_LTTNG_RUNDIR", "XDG_RUNTIME_DIR", NULL,
};

/* A unix socket at 'path', as a running session daemon leaves one */
static void
make_socket(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    ck_assert_int_ne(fd, -1);
    ck_assert_int_lt(strlen(path), sizeof(sa.sun_path));
    strcpy(sa.sun_path, path);
    ck_assert_msg(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0,
                  "bind '%s'", path);
    close(fd);
}

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
        "cat", "grep", "sed", "id", "nm", "strings", "flock", "stat",
        "dirname", "mkdir", NULL,
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
        if (strcmp(tools[i], "id") != 0 || w->id == NULL)
            link_real_tool(bin, tools[i]);
    if (w->id != NULL)
        write_script(in_world(p, sizeof(p), bin, "id"), w->id);
    make_dir(in_world(p, sizeof(p), world, "lttng-run"));
    if (w->root_daemon)
        make_socket(in_world(p, sizeof(p), world,
                             "lttng-run/client-lttng-sessiond"));
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
    ck_assert_int_eq(setenv("IPCLAB_LOCK_DIR", w->lock_dir != NULL ?
                            w->lock_dir : in_world(p, sizeof(p), world,
                                                   "lock"), 1), 0);
    ck_assert_int_eq(setenv("IPCLAB_DIR", w->run_dir != NULL ? w->run_dir :
                            in_world(p, sizeof(p), world, "run"), 1), 0);
    if (w->xdg != NULL)
        ck_assert_int_eq(unsetenv("IPCLAB_DIR"), 0);
    ck_assert_int_eq(setenv("IPCLAB_LTTNG_RUNDIR",
                            in_world(p, sizeof(p), world, "lttng-run"), 1),
                     0);
    if (w->xdg != NULL)
        ck_assert_int_eq(setenv("XDG_RUNTIME_DIR", w->xdg, 1), 0);
    else
        ck_assert_int_eq(unsetenv("XDG_RUNTIME_DIR"), 0);

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
    int status;

    /* 'good' records ipclab:* already: worth a note, not a problem */
    w.lttng = lttng_good_session;
    status = run_doctor(&w, NULL, &out);
    ck_assert_msg(status == 0, "exit %d:\n%s", status, out);
    assert_says(out, "note     session 'good' is already recording ipclab "
                "events");
    assert_says(out, "its trace gets your programs' events too");
    free(out);
}
END_TEST

START_TEST(test_doctor_root_uses_root_daemon)
{
    struct world w = healthy;
    char *out;
    int status;

    w.id = id_root;
    w.root_daemon = true;
    status = run_doctor(&w, NULL, &out);
    ck_assert_msg(status == 0, "exit %d:\n%s", status, out);
    assert_says(out, "ok       root: recordings use root's session daemon");
    assert_says(out, "it hears every user's ipclab programs");
    free(out);
}
END_TEST

START_TEST(test_doctor_user_uses_own_daemon)
{
    struct world w = healthy;
    char *out;
    int status;

    /* root's daemon runs, but a student outside 'tracing' cannot use it */
    w.id = id_student;
    w.root_daemon = true;
    status = run_doctor(&w, NULL, &out);
    ck_assert_msg(status == 0, "exit %d:\n%s", status, out);
    assert_says(out, "ok       recordings use your own session daemon");
    assert_says(out, "it sees only your programs");
    ck_assert_msg(strstr(out, "every user's") == NULL, "%s", out);
    free(out);
}
END_TEST

START_TEST(test_doctor_tracing_group_uses_root_daemon)
{
    struct world w = healthy;
    char *out;

    w.id = id_student_tracing;
    w.root_daemon = true;
    ck_assert_int_eq(run_doctor(&w, NULL, &out), 0);
    assert_says(out, "ok       in the 'tracing' group: recordings use root's "
                "session daemon");
    assert_says(out, "it hears every user's ipclab programs");
    free(out);

    /* ...only while root's runs */
    w.root_daemon = false;
    ck_assert_int_eq(run_doctor(&w, NULL, &out), 0);
    assert_says(out, "ok       recordings use your own session daemon");
    free(out);
}
END_TEST

START_TEST(test_doctor_lttng_home_unused_by_root)
{
    struct world w = healthy;
    char *out;
    int status;

    /* root's session daemon ignores LTTNG_HOME: only a note */
    w.id = id_root;
    w.lttng_home = "/nonexistent/ipclab-lttng-home";
    status = run_doctor(&w, NULL, &out);
    ck_assert_msg(status == 0, "exit %d:\n%s", status, out);
    assert_says(out, "note     LTTNG_HOME='/nonexistent/ipclab-lttng-home' "
                "does not exist");
    assert_says(out, "root's session daemon does not use it");
    free(out);
}
END_TEST

START_TEST(test_doctor_finds_unwritable_lttng_home)
{
    struct world w = healthy;
    const char *ro = h_tmpdir_path("read-only-home");
    char *out;
    int status;

    if (geteuid() == 0)
        h_skip("root may write into any directory: the multi-user test "
               "(build/tests/shared) runs this case as an ordinary user");
    ck_assert_int_eq(mkdir(ro, 0500), 0);
    w.id = id_student;
    w.lttng_home = ro;
    status = run_doctor(&w, NULL, &out);
    ck_assert_msg(status == 1, "exit %d:\n%s", status, out);
    assert_says(out, "PROBLEM  LTTNG_HOME=");
    assert_says(out, "is not writable");
    free(out);
}
END_TEST

START_TEST(test_doctor_finds_dirs_of_another_user)
{
    static const char *const says[2][2] = {
        { "PROBLEM  the kit's lock directory '", "fix: export IPCLAB_LOCK_DIR=" },
        { "PROBLEM  the kit's runtime directory '", "fix: export IPCLAB_DIR=" },
    };
    const char *foreign = h_foreign_dir();

    /* the lock directory, then the runtime directory */
    for (int i = 0; i < 2; i++) {
        struct world w = healthy;
        char *out;
        int status;

        if (i == 0)
            w.lock_dir = foreign;
        else
            w.run_dir = foreign;
        status = run_doctor(&w, NULL, &out);
        ck_assert_msg(status == 1, "exit %d:\n%s", status, out);
        assert_says(out, says[i][0]);
        assert_says(out, says[i][1]);
        assert_says(out, "not to you");
        free(out);
    }
}
END_TEST

/* 'su' keeps the caller's XDG_RUNTIME_DIR: the lock falls back to
   /tmp/ipclab-UID, but the server takes XDG_RUNTIME_DIR/ipclab and fails */
START_TEST(test_doctor_finds_runtime_dir_under_foreign_xdg)
{
    struct world w = healthy;
    const char *xdg = h_tmpdir_path("not-my-xdg");
    char *out, want[PATH_MAX + 64];
    int status;

    /* one we cannot write to, as root's /run/user/0 to a student; root
       can write anywhere: a missing one, then */
    if (geteuid() != 0) {
        ck_assert_int_eq(mkdir(xdg, 0700), 0);
        ck_assert_int_eq(chmod(xdg, 0500), 0);
    }
    w.xdg = xdg;
    status = run_doctor(&w, NULL, &out);
    ck_assert_msg(status == 1, "exit %d:\n%s", status, out);
    snprintf(want, sizeof(want), "PROBLEM  the kit's runtime directory "
             "'%s/ipclab': it cannot be created", xdg);
    assert_says(out, want);
    assert_says(out, "fix: export IPCLAB_DIR=");
    free(out);
}
END_TEST

START_TEST(test_doctor_finds_lock_dir_open_to_others)
{
    struct world w = healthy;
    const char *dir = h_tmpdir_path("open-lock");
    char *out;
    int status;

    ck_assert_int_eq(mkdir(dir, 0700), 0);
    ck_assert_int_eq(chmod(dir, 0777), 0);
    w.lock_dir = dir;
    status = run_doctor(&w, NULL, &out);
    ck_assert_msg(status == 1, "exit %d:\n%s", status, out);
    assert_says(out, "is writable by group or others");
    free(out);
}
END_TEST

START_TEST(test_doctor_says_who_holds_the_lock)
{
    struct world w = healthy;
    const char *dir = h_tmpdir_path("held-lock");
    char path[PATH_MAX];
    char *out;
    int fd, status;

    ck_assert_int_eq(mkdir(dir, 0700), 0);
    snprintf(path, sizeof(path), "%s/kit.lock", dir);
    h_write_file(path, "4711 record.sh -- make lab\n");
    fd = open(path, O_RDONLY | O_CLOEXEC);
    ck_assert_int_ne(fd, -1);
    ck_assert_int_eq(flock(fd, LOCK_EX), 0);
    w.lock_dir = dir;
    status = run_doctor(&w, NULL, &out);
    close(fd);
    ck_assert_msg(status == 0, "exit %d:\n%s", status, out);
    assert_says(out, "ok       the kit's lock directory '");
    assert_says(out, "note     your kit lock is held by: 4711 record.sh -- "
                "make lab");
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

    w.id = id_student;          /* a per-user daemon would use it */
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
    TCase *core = h_tcase(s, "core", 0);
    TCase *errors = h_tcase(s, "errors", 0);

    tcase_add_test(core, test_doctor_healthy_exits_0);
    tcase_add_test(core, test_doctor_no_daemon_is_only_a_note);
    tcase_add_test(core, test_doctor_nothing_built_is_only_a_note);
    tcase_add_test(core, test_doctor_good_session_is_ok);
    tcase_add_test(core, test_doctor_root_uses_root_daemon);
    tcase_add_test(core, test_doctor_user_uses_own_daemon);
    tcase_add_test(core, test_doctor_tracing_group_uses_root_daemon);
    tcase_add_test(core, test_doctor_lttng_home_unused_by_root);
    tcase_add_test(core, test_doctor_says_who_holds_the_lock);

    tcase_add_test(errors, test_doctor_finds_missing_lttng);
    tcase_add_test(errors, test_doctor_finds_missing_sessiond);
    tcase_add_test(errors, test_doctor_finds_tracing_compiled_out);
    tcase_add_test(errors, test_doctor_finds_server_without_provider);
    tcase_add_test(errors, test_doctor_finds_missing_lttng_ust_dev);
    tcase_add_test(errors, test_doctor_finds_missing_pkg_config);
    tcase_add_test(errors, test_doctor_finds_missing_lttng_home);
    tcase_add_test(errors, test_doctor_finds_session_without_events);
    tcase_add_test(errors, test_doctor_finds_unwritable_lttng_home);
    tcase_add_test(errors, test_doctor_finds_dirs_of_another_user);
    tcase_add_test(errors, test_doctor_finds_lock_dir_open_to_others);
    tcase_add_test(errors, test_doctor_finds_runtime_dir_under_foreign_xdg);
    tcase_add_test(errors, test_doctor_rejects_bad_usage);
    return s;
}
