/*
 * tests/shared/check_users.c - root and two unprivileged users use the kit
 * at the same time, right after root has used it.
 *
 * As root, the fixture creates two users (useradd; userdel at the end,
 * even when the test fails) and gives each a copy of the tree with this
 * test's build directory (h_build_name(); chowned to them: they need to
 * read and write it). Root first records
 * once, and creates the fixed-path lock the kit used to share
 * (/tmp/ipclab-tests.lock, 0644), as a machine where root used the kit
 * does. Then, all at once:
 *
 *   root    records the reference system (traces/record.sh with
 *           scripts/workload.sh), its session kept open until both users
 *           are done, so that their programs run while it records
 *   user A  make lab N=04 (records the lab with its own session daemon)
 *   user B  make grade EX=01
 *
 * Every command must succeed; each trace must hold its own processes
 * only: no vpid of A's trace is in root's (root's session daemon hears
 * every user's programs; record.sh tracks root's uid only), and
 * ipclab-trace's default scope of root's trace is exactly the workload's
 * 9 processes, whatever else root ran meanwhile. Then 'make doctor' as A,
 * with an LTTNG_HOME A cannot write, must call it a problem (root may
 * write anywhere: the doctor tests cannot show that as root).
 *
 * Then, as B with no session daemon running, a server started by hand
 * (IPCLAB_TRACE=1) and 'record.sh --pid SERVER -- ipclab-rc ...': the
 * trace must hold the server's events (the session daemon record.sh
 * starts must be one the server can join).
 *
 * Not root, or no useradd/setpriv: SKIP with the reason.
 *
 * Run: CK_RUN_SUITE=users build/tests/shared    (about 35 s)
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "shared.h"

#define PATH_ENV "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
/* the lock all users once shared, which root's first run created */
#define OLD_LOCK "/tmp/ipclab-tests.lock"

struct user {
    char name[32];
    uid_t uid;
    gid_t gid;
    bool made;
};

static struct user users[2];
static bool made_old_lock;      /* we made /tmp/ipclab-tests.lock */
static char world[PATH_MAX];    /* the users' copies: /tmp/ipclab-users.* */
static const char *no_users;    /* why the fixture made no users, or NULL */

/* Run argv quietly in the runner (no Check asserts here); its status */
static int
run_quiet(const char *const argv[])
{
    pid_t pid = fork();
    int status;

    if (pid == -1)
        return -1;
    if (pid == 0) {
        int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

        if (fd != -1) {
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
        }
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) == -1)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Unchecked setup, in the runner: the users and their world */
static void
users_setup(void)
{
    int fd;

    h_tmpdir_init();
    if (geteuid() != 0) {
        no_users = "needs root: it creates two users";
        return;
    }
    if (access("/usr/sbin/useradd", X_OK) != 0 ||
        access("/usr/sbin/userdel", X_OK) != 0 ||
        access("/usr/bin/setpriv", X_OK) != 0) {
        no_users = "needs useradd, userdel and setpriv";
        return;
    }
    snprintf(world, sizeof(world), "/tmp/ipclab-users.XXXXXX");
    if (mkdtemp(world) == NULL || chmod(world, 0711) == -1) {
        no_users = "cannot make a directory in /tmp";
        world[0] = '\0';
        return;
    }
    for (int i = 0; i < 2; i++) {
        struct user *u = &users[i];
        const struct passwd *pw;

        snprintf(u->name, sizeof(u->name), "ipclabt%ld%c", (long)getpid(),
                 'a' + i);
        if (run_quiet((const char *[]){ "/usr/sbin/useradd", "--no-create-home",
                      "--user-group", "--shell", "/bin/sh", u->name,
                      NULL }) != 0 || (pw = getpwnam(u->name)) == NULL) {
            no_users = "useradd failed";
            return;
        }
        u->made = true;
        u->uid = pw->pw_uid;
        u->gid = pw->pw_gid;
    }
    /* root has used the kit: the old fixed-path lock is root's, 0644
       (removed at the end unless it was there before) */
    fd = open(OLD_LOCK, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd != -1) {
        made_old_lock = true;
        close(fd);
    } else if (errno != EEXIST) {
        no_users = "cannot create " OLD_LOCK;
    }
}

/* Unchecked teardown: runs even when the test failed */
static void
users_teardown(void)
{
    char dir[64];
    struct stat st;

    for (int i = 0; i < 2; i++) {
        if (!users[i].made)
            continue;
        run_quiet((const char *[]){ "/usr/sbin/userdel", users[i].name,
                  NULL });
        /* the lock directory their runs made, when it is theirs */
        snprintf(dir, sizeof(dir), "/tmp/ipclab-%ld", (long)users[i].uid);
        if (lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
            st.st_uid == users[i].uid)
            run_quiet((const char *[]){ "/bin/rm", "-rf", dir, NULL });
    }
    if (made_old_lock)
        unlink(OLD_LOCK);
    if (world[0] != '\0')
        h_rmtree(world);
    h_tmpdir_cleanup();
}

/* world/NAME into buf */
static const char *
in_world(char *buf, size_t size, const char *name)
{
    ck_assert_int_lt(snprintf(buf, size, "%s/%s", world, name), (int)size);
    return buf;
}

/* The user's copy of the tree and a home, theirs: world/NAME{,-home}
   (once: a later test reuses them) */
static void
give_tree(const struct user *u)
{
    char tree[PATH_MAX], home[PATH_MAX + 8], archive[PATH_MAX + 8];
    char owner[64], build[NAME_MAX + 3];

    in_world(tree, sizeof(tree), u->name);
    if (access(tree, F_OK) == 0)
        return;
    snprintf(home, sizeof(home), "%s-home", tree);
    snprintf(owner, sizeof(owner), "%ld:%ld", (long)u->uid, (long)u->gid);
    /* the tree and this test's build, without other builds nor git's
       files: through an archive, whose steps all report */
    snprintf(archive, sizeof(archive), "%s.tar", tree);
    snprintf(build, sizeof(build), "./%s", h_build_name());
    ck_assert_int_eq(h_run((const char *[]){ "/bin/tar", "-C", h_srcdir(),
                     "--exclude=./.git", "--exclude=./build*", "--exclude",
                     build, "-cf", archive, ".", NULL }, NULL, NULL, NULL,
                     120000), 0);
    ck_assert_int_eq(h_run((const char *[]){ "/bin/tar", "-C", h_srcdir(),
                     "-rf", archive, build, NULL }, NULL, NULL, NULL,
                     120000), 0);
    ck_assert_int_eq(mkdir(tree, 0700), 0);
    ck_assert_int_eq(h_run((const char *[]){ "/bin/tar", "-C", tree, "-xpf",
                     archive, NULL }, NULL, NULL, NULL, 120000), 0);
    ck_assert_int_eq(unlink(archive), 0);
    ck_assert_int_eq(mkdir(home, 0700), 0);
    ck_assert_int_eq(h_run((const char *[]){ "/usr/bin/chown", "-R", owner,
                     tree, home, NULL }, NULL, NULL, NULL, 60000), 0);
}

/*
 * Start 'script' with /bin/sh as user u (NULL: root, which holds the kit
 * lock already) in a clean environment: HOME and TMPDIR its home in the
 * world, no XDG_RUNTIME_DIR. Extra "VAR=value" settings in env (NULL-ended,
 * may be NULL).
 */
static pid_t
start_as(const struct user *u, const char *script, const char *const env[],
         const char *in, const char *out, const char *err)
{
    char reuid[32], regid[32], home[PATH_MAX + 16], tmp[PATH_MAX + 16];
    char dir[PATH_MAX];
    const char *argv[32];
    int n = 0;

    in_world(dir, sizeof(dir), u != NULL ? u->name : "root");
    snprintf(home, sizeof(home), "HOME=%s-home", dir);
    snprintf(tmp, sizeof(tmp), "TMPDIR=%s-home", dir);
    if (u != NULL) {
        snprintf(reuid, sizeof(reuid), "--reuid=%ld", (long)u->uid);
        snprintf(regid, sizeof(regid), "--regid=%ld", (long)u->gid);
        argv[n++] = "/usr/bin/setpriv";
        argv[n++] = reuid;
        argv[n++] = regid;
        argv[n++] = "--clear-groups";
        argv[n++] = "--";
    }
    argv[n++] = "/usr/bin/env";
    argv[n++] = "-i";
    argv[n++] = PATH_ENV;
    argv[n++] = home;
    argv[n++] = tmp;
    argv[n++] = "LANG=C";
    argv[n++] = "IPCLAB_NO_DEPS=1";
    if (u == NULL)
        argv[n++] = "IPCLAB_TESTS_LOCKED=1";    /* the runner holds it */
    for (int i = 0; env != NULL && env[i] != NULL && n < 26; i++)
        argv[n++] = env[i];
    argv[n++] = "/bin/sh";
    argv[n++] = "-c";
    argv[n++] = script;
    argv[n] = NULL;
    return h_spawn(argv, in, out, err);
}

/* Both output files of a command, for a failure message (malloc'd) */
static char *
outputs(const char *out, const char *err)
{
    char *o = h_read_file(out), *e = h_read_file(err), *both;

    both = malloc(strlen(o ? o : "") + strlen(e ? e : "") + 2);
    ck_assert_ptr_nonnull(both);
    sprintf(both, "%s\n%s", o ? o : "", e ? e : "");
    free(o);
    free(e);
    return both;
}

/*
 * The vpids in trace 'dir', every process it holds: babeltrace2's text,
 * reduced to one line per vpid, and the last line "status N" (its exit
 * status: the pipeline must not hide a failure). Malloc'd text.
 */
static char *
trace_vpids(const char *dir)
{
    static const char script[] =
        "(babeltrace2 \"$0\"; echo \"status $?\") |"
        " sed -n 's/.*[ {]vpid = \\([0-9][0-9]*\\).*/ \\1 /p;"
        " s/^status /status /p' | sort -u\n";
    char *text;

    ck_assert_int_eq(h_run((const char *[]){ "/bin/sh", "-c", script, dir,
                     NULL }, NULL, h_tmpdir_path("vpids"), NULL, 240000), 0);
    text = h_read_file(h_tmpdir_path("vpids"));
    ck_assert_msg(text != NULL && strstr(text, "status 0") != NULL,
                  "babeltrace2 cannot read '%s': %s", dir, text);
    return text;
}

START_TEST(test_root_and_two_users_at_once)
{
    char a_tree[PATH_MAX], b_tree[PATH_MAX], root_home[PATH_MAX];
    char root_trace[PATH_MAX], gate[PATH_MAX], p[PATH_MAX + 64];
    char root_script[PATH_MAX * 2 + 256], a_script[PATH_MAX + 64];
    char b_script[PATH_MAX + 64], doc_script[PATH_MAX * 2 + 64];
    char out[3][PATH_MAX + 16], err[3][PATH_MAX + 16];
    char *text, *a_vpids, *root_vpids, *line;
    pid_t root_pid, a_pid, b_pid;
    int gate_fd, status[3];

    if (no_users != NULL)
        h_skip("%s", no_users);
    if (!h_tracing_available())
        h_skip("LTTng is not installed or tracing is compiled out");

    give_tree(&users[0]);
    give_tree(&users[1]);
    in_world(a_tree, sizeof(a_tree), users[0].name);
    in_world(b_tree, sizeof(b_tree), users[1].name);
    in_world(root_home, sizeof(root_home), "root-home");
    ck_assert_int_eq(mkdir(root_home, 0700), 0);
    in_world(root_trace, sizeof(root_trace), "root-trace");
    for (int i = 0; i < 3; i++) {
        snprintf(out[i], sizeof(out[i]), "%s/cmd%d.out", world, i);
        snprintf(err[i], sizeof(err[i]), "%s/cmd%d.err", world, i);
    }

    /* root has used the kit (and left the old lock: users_setup()) */
    ck_assert_int_eq(access(OLD_LOCK, F_OK), 0);
    snprintf(root_script, sizeof(root_script),
             "cd '%s' && traces/record.sh -o '%s/first' -- /bin/true",
             h_srcdir(), root_home);
    ck_assert_int_eq(h_wait(start_as(NULL, root_script, NULL, NULL, out[0],
                                     err[0]), 120000), 0);

    /* root records until the gate closes: after both users are done */
    in_world(gate, sizeof(gate), "gate");
    ck_assert_int_eq(mkfifo(gate, 0600), 0);
    gate_fd = open(gate, O_RDWR | O_CLOEXEC);
    ck_assert_int_ne(gate_fd, -1);
    snprintf(root_script, sizeof(root_script),
             "cd '%s' && exec traces/record.sh -o '%s' -- sh -c "
             "'scripts/workload.sh %s/bin && { read -r line || true; }'",
             h_srcdir(), root_trace, h_build_name());
    root_pid = start_as(NULL, root_script, NULL, gate, out[0], err[0]);
    /* its session records once the workload runs: then the users start */
    text = h_wait_for_text(out[0], "server pid: ", root_pid, 120000);
    ck_assert_msg(text != NULL, "root's recording did not start: %s",
                  outputs(out[0], err[0]));
    free(text);

    snprintf(a_script, sizeof(a_script),
             "cd '%s' && make --no-print-directory BUILD='%s' lab N=04",
             a_tree, h_build_name());
    a_pid = start_as(&users[0], a_script, NULL, NULL, out[1], err[1]);
    snprintf(b_script, sizeof(b_script),
             "cd '%s' && make --no-print-directory BUILD='%s' grade EX=01",
             b_tree, h_build_name());
    b_pid = start_as(&users[1], b_script, NULL, NULL, out[2], err[2]);
    status[1] = h_wait(a_pid, 300000);
    status[2] = h_wait(b_pid, 300000);
    close(gate_fd);             /* root's command ends */
    status[0] = h_wait(root_pid, 120000);

    ck_assert_msg(status[0] == 0, "root's recording exited %d:\n%s",
                  status[0], outputs(out[0], err[0]));
    ck_assert_msg(status[1] == 0, "%s's make lab N=04 exited %d:\n%s",
                  users[0].name, status[1], outputs(out[1], err[1]));
    ck_assert_msg(status[2] == 0, "%s's make grade EX=01 exited %d:\n%s",
                  users[1].name, status[2], outputs(out[2], err[2]));
    snprintf(p, sizeof(p), "%s/%s/grade-results/results.json", b_tree,
             h_build_name());
    ck_assert_msg(access(p, R_OK) == 0, "no %s", p);

    /* whose traces they are */
    snprintf(p, sizeof(p), "%s/%s/traces/lab04/record.info", a_tree,
             h_build_name());
    text = h_read_file(p);
    ck_assert_msg(text != NULL, "no %s: the lab was not recorded", p);
    snprintf(p, sizeof(p), "\nuid=%ld\n", (long)users[0].uid);
    ck_assert_msg(strstr(text, p) != NULL, "%s", text);
    free(text);

    /* root's session heard A's programs, and recorded none of them */
    snprintf(p, sizeof(p), "%s/%s/traces/lab04", a_tree, h_build_name());
    a_vpids = trace_vpids(p);
    root_vpids = trace_vpids(root_trace);
    ck_assert_msg(h_count_lines(a_vpids, " ") > 1, "A's trace is empty");
    for (line = strtok(a_vpids, "\n"); line != NULL;
         line = strtok(NULL, "\n"))
        if (line[0] == ' ')
            ck_assert_msg(strstr(root_vpids, line) == NULL,
                          "root's trace holds user A's process%s",
                          line);
    free(a_vpids);
    free(root_vpids);

    /* by default, root's trace shows the workload's 9 processes only */
    status[0] = h_run((const char *[]){ h_bin("ipclab-trace"), "check",
                      root_trace, NULL }, NULL, h_tmpdir_path("check.out"),
                      h_tmpdir_path("check.err"), 240000);
    text = outputs(h_tmpdir_path("check.out"), h_tmpdir_path("check.err"));
    ck_assert_msg(status[0] == 0, "ipclab-trace check exited %d:\n%s",
                  status[0], text);
    ck_assert_msg(strstr(text, "protocol ok: 12 requests answered exactly "
                         "once") != NULL && strstr(text, " 9 processes\n")
                  != NULL, "%s", text);
    free(text);

    /* doctor, as A, with an LTTNG_HOME A cannot write */
    snprintf(doc_script, sizeof(doc_script),
             "mkdir -m 0500 \"$HOME/ro\" && cd '%s' && "
             "LTTNG_HOME=\"$HOME/ro\" scripts/doctor.sh", a_tree);
    status[1] = h_wait(start_as(&users[0], doc_script, NULL, NULL, out[1],
                                err[1]), 60000);
    text = outputs(out[1], err[1]);
    ck_assert_msg(status[1] == 1, "doctor exited %d:\n%s", status[1], text);
    ck_assert_msg(strstr(text, "PROBLEM  LTTNG_HOME=") != NULL &&
                  strstr(text, "is not writable") != NULL, "%s", text);
    free(text);
}
END_TEST

/* h_skip() returns from the test itself: a macro, not a function */
#define SKIP_UNLESS_B_TRACES()                                              \
    do {                                                                    \
        if (no_users != NULL)                                               \
            h_skip("%s", no_users);                                         \
        if (!h_tracing_available())                                         \
            h_skip("LTTng is not installed or tracing is compiled out");    \
    } while (0)

/*
 * Run 'script' as user B in B's tree ($TREE, $BUILD: its build) with a
 * recording; the output goes to WORLD/NAME.out and .err. Returns the exit
 * status; *text gets stdout and stderr together, for messages. The caller
 * skips first when there are no users or no tracing (SKIP_UNLESS_B_TRACES).
 */
static int
traced_script_as_b(const char *script, const char *name, char *out,
                   size_t size, char **text)
{
    char tree[PATH_MAX], tree_env[PATH_MAX + 8], build_env[NAME_MAX + 8];
    char err[PATH_MAX + 16];
    int status;

    give_tree(&users[1]);
    in_world(tree, sizeof(tree), users[1].name);
    snprintf(tree_env, sizeof(tree_env), "TREE=%s", tree);
    snprintf(build_env, sizeof(build_env), "BUILD=%s", h_build_name());
    snprintf(out, size, "%s/%s.out", world, name);
    snprintf(err, sizeof(err), "%s/%s.err", world, name);
    status = h_wait(start_as(&users[1], script,
                             (const char *[]){ tree_env, build_env, NULL },
                             NULL, out, err), 120000);
    *text = outputs(out, err);
    return status;
}

START_TEST(test_user_records_a_server_by_pid)
{
    /* its output: how many of the trace's events are the server's */
    static const char script[] =
        "set -e; cd \"$TREE\"; d=$HOME/by-pid; mkdir \"$d\"\n"
        ". scripts/lib/server.sh\n"
        "IPCLAB_TRACE=1; export IPCLAB_TRACE\n"
        "start_server \"$d\" /dev/null - \"$BUILD/bin/ipclab-server\" "
        "--dir \"$d/run\"\n"
        "unset IPCLAB_TRACE\n"
        "st=0; traces/record.sh -o \"$d/trace\" --pid $server_pid -- "
        "\"$BUILD/bin/ipclab-rc\" --dir \"$d/run\" --count 3 --random "
        ">/dev/null || st=$?\n"
        "stop_server\n"
        "babeltrace2 \"$d/trace\" | grep -c 'procname = \"ipclab-server\"' "
        "|| true\n"
        "exit $st\n";
    char out[PATH_MAX + 16];
    char *text;
    int status;

    SKIP_UNLESS_B_TRACES();
    status = traced_script_as_b(script, "by-pid", out, sizeof(out), &text);

    ck_assert_msg(status == 0, "exit %d:\n%s", status, text);
    free(text);
    text = h_read_file(out);
    ck_assert_ptr_nonnull(text);
    text[strcspn(text, "\n")] = '\0';
    ck_assert_msg(atoi(text) > 0, "the trace holds no event of the server "
                  "given with --pid ('%s')", text);
    free(text);
}
END_TEST

/* A server recorded by an ordinary user (traces/record.sh: a user
   namespace of its own) answers that user's clients started outside it */
START_TEST(test_user_recorded_server_serves_outside_clients)
{
    static const char script[] =
        "set -e; cd \"$TREE\"; d=$HOME/outside; mkdir \"$d\"\n"
        ". scripts/lib/server.sh\n"
        "start_server \"$d\" /dev/null \"$d/record.err\" traces/record.sh "
        "-o \"$d/trace\" -- \"$BUILD/bin/ipclab-server\" --dir \"$d/run\"\n"
        "st=0; \"$BUILD/bin/ipclab-rc\" --dir \"$d/run\" --count 3 --random "
        ">/dev/null || st=$?\n"
        "read spid mode <\"$d/run/server.lock\"; kill -INT \"$spid\"\n"
        "rs=0; wait \"$server_pid\" || rs=$?; [ \"$st\" -ne 0 ] || st=$rs\n"
        "exit $st\n";
    char out[PATH_MAX + 16];
    char *text;
    int status;

    SKIP_UNLESS_B_TRACES();
    status = traced_script_as_b(script, "outside", out, sizeof(out), &text);

    ck_assert_msg(status == 0, "a client outside the recording was not "
                  "answered (exit %d):\n%s", status, text);
    free(text);
}
END_TEST

Suite *
users_suite(void)
{
    Suite *s = suite_create("users");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 900);
    tcase_add_unchecked_fixture(tc, users_setup, users_teardown);
    tcase_add_test(tc, test_root_and_two_users_at_once);
    tcase_add_test(tc, test_user_records_a_server_by_pid);
    tcase_add_test(tc, test_user_recorded_server_serves_outside_clients);
    suite_add_tcase(s, tc);
    return s;
}
