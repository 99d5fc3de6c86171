/*
 * tests/trace/check_record.c - traces/record.sh leaves no session daemon,
 * no session and no temporary file behind, even when killed.
 *
 * 'lttng create' spawns a session daemon when none runs, one that nobody
 * stops. record.sh must never let it: when the daemon it found running is
 * gone by its 'create' (the recording that started it ended), it tries
 * again, with a daemon of its own when none runs, and stops that one.
 * Here an 'lttng' in front of the real one plays that moment: its first
 * 'list' says a daemon runs, its first 'create' fails; it logs every
 * command, and an 'lttng-sessiond' in front of the real one remembers the
 * pid of each daemon record.sh starts.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "harness.h"
#include "suites.h"

/* Make tt_tmp()/NAME, into bin, for tools in front of the real ones, and
   into env_path the PATH= that puts it first */
static void
tools_dir(const char *name, char bin[PATH_MAX], char env_path[PATH_MAX * 2])
{
    snprintf(bin, PATH_MAX, "%s/%s", tt_tmp(), name);
    ck_assert_int_eq(mkdir(bin, 0700), 0);
    snprintf(env_path, PATH_MAX * 2, "PATH=%s:%s", bin,
             getenv("PATH") != NULL ? getenv("PATH") : "/usr/bin:/bin");
}

/* Write the executable script bin/TOOL */
static void
tool(const char *bin, const char *name, const char *text)
{
    char path[PATH_MAX + 64];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", bin, name);
    f = fopen(path, "w");

    ck_assert_msg(f != NULL, "cannot write %s", path);
    ck_assert_int_ge(fputs(text, f), 0);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(chmod(path, 0700), 0);
}

/* Is process pid gone (or a zombie nobody reaped yet)? */
static int
gone(int pid)
{
    char path[64], buf[512], *paren;
    size_t n;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    if ((f = fopen(path, "re")) == NULL)
        return 1;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    paren = strrchr(buf, ')');
    return paren != NULL && paren[1] == ' ' && paren[2] == 'Z';
}

/* Every 'lttng create' in the wrapper's log carried --no-sessiond */
static void
creates_spawn_nothing(const char *log)
{
    FILE *f = fopen(log, "r");
    char *line = NULL;
    size_t cap = 0;

    ck_assert_msg(f != NULL, "no %s", log);
    while (getline(&line, &cap, f) != -1)
        ck_assert_msg(strstr(line, "create") == NULL ||
                      strncmp(line, "--no-sessiond create", 20) == 0,
                      "lttng %s: may spawn a session daemon", line);
    free(line);
    fclose(f);
}

/* Every daemon whose pid the wrapper wrote down is stopped */
static void
daemons_stopped(const char *pids)
{
    FILE *f = fopen(pids, "r");
    int pid;

    if (f == NULL)
        return;                 /* it started none: one ran already */
    while (fscanf(f, "%d", &pid) == 1)
        ck_assert_msg(gone(pid), "record.sh left its session daemon %d "
                      "running", pid);
    fclose(f);
}

START_TEST(test_record_daemon_gone_before_create)
{
    static const char lttng[] =
        "#!/bin/sh\n"
        "here=$(dirname \"$0\")\n"
        "echo \"$*\" >>\"$here/lttng.log\"\n"
        "case \"$1 $2\" in\n"
        "'list '*) [ -e \"$here/listed\" ] || { touch \"$here/listed\"; "
        "exit 0; } ;;\n"
        "'--no-sessiond create') [ -e \"$here/created\" ] || "
        "{ touch \"$here/created\"; exit 1; } ;;\n"
        "esac\n"
        "exec /usr/bin/lttng \"$@\"\n";
    static const char sessiond[] =
        "#!/bin/sh\n"
        "here=$(dirname \"$0\")\n"
        "/usr/bin/lttng-sessiond \"$@\" || exit\n"
        "while [ $# -gt 1 ] && [ \"$1\" != --pidfile ]; do shift; done\n"
        "[ $# -lt 2 ] || cat \"$2\" >>\"$here/sessiond.pids\"\n";
    char bin[PATH_MAX], path[PATH_MAX + 32], env_path[PATH_MAX * 2];
    char recorder[PATH_MAX + 32], rc[PATH_MAX + 32], dir[PATH_MAX];
    struct tt_run r;

    tools_dir("fake-lttng", bin, env_path);
    tool(bin, "lttng", lttng);
    tool(bin, "lttng-sessiond", sessiond);
    snprintf(recorder, sizeof(recorder), "%s/traces/record.sh", tt_root());
    snprintf(rc, sizeof(rc), "%s/ipclab-rc", tt_bindir());
    snprintf(dir, sizeof(dir), "%s/record-gone", tt_tmp());

    tt_exec(&r, (const char *[]){ "env", env_path, recorder, "-o", dir,
                "--", rc, "--help", NULL });
    ck_assert_msg(r.status == 0, "record.sh exit %d:\n%s", r.status, r.err);
    /* the first create failed (the daemon "went"); the second worked */
    ck_assert_int_eq(tt_count_lines(r.err, "+ lttng --no-sessiond create "),
                     2);
    snprintf(path, sizeof(path), "%s/record.info", dir);
    ck_assert_msg(access(path, R_OK) == 0, "no %s", path);
    snprintf(path, sizeof(path), "%s/lttng.log", bin);
    creates_spawn_nothing(path);
    snprintf(path, sizeof(path), "%s/sessiond.pids", bin);
    daemons_stopped(path);
    tt_run_free(&r);
}
END_TEST

/* A directory of something else, or one beside it as DIR.old */
static void
refused(const char *dir, const char *keep)
{
    char recorder[PATH_MAX + 32], path[PATH_MAX + 16];
    struct tt_run r;
    FILE *f;

    snprintf(recorder, sizeof(recorder), "%s/traces/record.sh", tt_root());
    ck_assert_int_eq(mkdir(keep, 0700), 0);
    snprintf(path, sizeof(path), "%s/work.c", keep);
    ck_assert_ptr_nonnull(f = fopen(path, "w"));
    ck_assert_int_eq(fclose(f), 0);
    tt_exec(&r, (const char *[]){ recorder, "-o", dir, "--", "true",
                                  NULL });
    ck_assert_msg(r.status == 1, "record.sh exit %d:\n%s", r.status, r.err);
    ck_assert_msg(strstr(r.err, "' exists and is not a recording") != NULL,
                  "%s", r.err);
    ck_assert_int_eq(tt_count_lines(r.err, ""), 1);
    ck_assert_msg(access(path, F_OK) == 0, "record.sh removed %s", path);
    tt_run_free(&r);
}

START_TEST(test_record_keeps_what_is_not_a_recording)
{
    char dir[PATH_MAX], old[PATH_MAX + 8];

    /* -o src: the sources stay where they are */
    snprintf(dir, sizeof(dir), "%s/src", tt_tmp());
    refused(dir, dir);
    /* a recording there, but a DIR.old that is not one: kept too */
    snprintf(dir, sizeof(dir), "%s/rec", tt_tmp());
    snprintf(old, sizeof(old), "%s.old", dir);
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    refused(dir, old);
}
END_TEST

/* record.info holds COMMAND on one line, as it is: an argument with a
   newline or a backslash writes no line of its own (ipclab-trace reads
   'pids=' lines) */
START_TEST(test_record_info_command_one_line)
{
    char recorder[PATH_MAX + 32], dir[PATH_MAX], path[PATH_MAX + 16];
    struct tt_run r;
    char *text;

    snprintf(recorder, sizeof(recorder), "%s/traces/record.sh", tt_root());
    snprintf(dir, sizeof(dir), "%s/newline", tt_tmp());
    tt_exec(&r, (const char *[]){ recorder, "-o", dir, "--", "true",
            "a\npids=1\\c", NULL });
    ck_assert_msg(r.status == 0, "record.sh exit %d:\n%s", r.status, r.err);
    tt_run_free(&r);
    snprintf(path, sizeof(path), "%s/record.info", dir);
    ck_assert_ptr_nonnull(text = h_read_file(path));
    ck_assert_msg(strstr(text, "\ncommand=true a pids=1\\c\n") != NULL,
                  "%s", text);
    free(text);
}
END_TEST

/* COMMAND that passes for a program but cannot run (a script whose
   interpreter is missing): the shell's error names record.sh, not one of
   its temporary files, and the status is 127 */
START_TEST(test_record_exec_fails)
{
    char recorder[PATH_MAX + 32], dir[PATH_MAX], prog[PATH_MAX];
    struct tt_run r;

    snprintf(recorder, sizeof(recorder), "%s/traces/record.sh", tt_root());
    snprintf(dir, sizeof(dir), "%s/exec-fails", tt_tmp());
    tool(tt_tmp(), "no-interpreter", "#!/nonexistent/interpreter\n");
    snprintf(prog, sizeof(prog), "%s/no-interpreter", tt_tmp());
    tt_exec(&r, (const char *[]){ recorder, "-o", dir, "--", prog, NULL });
    ck_assert_msg(r.status == 127, "record.sh exit %d:\n%s", r.status,
                  r.err);
    ck_assert_msg(strstr(r.err, "\nrecord.sh: ") != NULL &&
                  strstr(r.err, "/pid: ") == NULL, "%s", r.err);
    tt_run_free(&r);
}
END_TEST

/* -n of what lttng takes for an option (its --help said a session of
   that name existed), or cannot name a session with: a usage error */
START_TEST(test_record_bad_names)
{
    static const char *const names[] = { "--help", "-h", "", "a/b" };
    char recorder[PATH_MAX + 32], dir[PATH_MAX];
    struct tt_run r;

    snprintf(recorder, sizeof(recorder), "%s/traces/record.sh", tt_root());
    snprintf(dir, sizeof(dir), "%s/bad-name", tt_tmp());
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        tt_exec(&r, (const char *[]){ recorder, "-n", names[i], "-o", dir,
                "--", "true", NULL });
        ck_assert_msg(r.status == 2 && tt_count_lines(r.err, "") == 1 &&
                      strstr(r.err, "is not a session name") != NULL,
                      "-n '%s': exit %d:\n%s", names[i], r.status, r.err);
        tt_run_free(&r);
    }
}
END_TEST

/* A recording started: record.sh's pid, what feeds its COMMAND ('cat'),
   its stderr (read up to COMMAND's line; close it once it ended) */
struct rec {
    pid_t pid;
    int feed;
    FILE *err;
    int daemon;                 /* the session daemon it started, or 0 */
    char session[256];          /* its session's name */
    char env_home[PATH_MAX + 80]; /* LTTNG_HOME=, where its daemon is */
};

/* Record 'cat' into tt_tmp()/NAME; with 'env' (or NULL) set for record.sh */
static void
record_cat(struct rec *r, const char *name, const char *const env[])
{
    char dir[PATH_MAX], line[PATH_MAX + 64], pidfile[PATH_MAX];
    int in[2], err[2];
    FILE *f;

    snprintf(dir, sizeof(dir), "%s/%s", tt_tmp(), name);
    /* close-on-exec: another recording must not keep this one's ends */
    ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
    ck_assert_int_eq(pipe2(err, O_CLOEXEC), 0);
    ck_assert_int_ne(r->pid = fork(), -1);
    if (r->pid == 0) {
        snprintf(line, sizeof(line), "%s/traces/record.sh", tt_root());
        if (dup2(in[0], 0) == -1 || dup2(err[1], 2) == -1 ||
            !freopen("/dev/null", "w", stdout))
            _exit(126);
        for (int i = 0; env != NULL && env[i] != NULL; i++)
            if (putenv((char *)env[i]) != 0)
                _exit(126);
        execl(line, line, "-o", dir, "--", "cat", (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(err[1]);
    r->feed = in[1];
    ck_assert_ptr_nonnull(r->err = fdopen(err[0], "r"));
    pidfile[0] = '\0';
    r->session[0] = '\0';
    while (fgets(line, sizeof(line), r->err) != NULL &&
           strcmp(line, "+ cat\n") != 0) {
        sscanf(line, "+ lttng-sessiond --daemonize --pidfile %4095s",
               pidfile);
        sscanf(line, "+ lttng --no-sessiond create %255s", r->session);
    }
    ck_assert_msg(!feof(r->err), "%s: record.sh did not run 'cat'", name);
    r->daemon = 0;
    snprintf(r->env_home, sizeof(r->env_home), "LTTNG_HOME=%s",
             getenv("LTTNG_HOME") != NULL ? getenv("LTTNG_HOME") :
             getenv("HOME") != NULL ? getenv("HOME") : "/");
    if (pidfile[0] != '\0') {
        ck_assert_ptr_nonnull(f = fopen(pidfile, "r"));
        ck_assert_int_eq(fscanf(f, "%d", &r->daemon), 1);
        fclose(f);
        /* its own LTTNG_HOME, beside the pidfile, unless --pid */
        *strrchr(pidfile, '/') = '\0';
        snprintf(line, sizeof(line), "%s/home", pidfile);
        if (access(line, F_OK) == 0)
            snprintf(r->env_home, sizeof(r->env_home), "LTTNG_HOME=%s",
                     line);
    }
}

/* End the recording by ending its COMMAND: record.sh's exit status */
static int
record_end(struct rec *r)
{
    int status;

    close(r->feed);
    ck_assert_int_eq(waitpid(r->pid, &status, 0), r->pid);
    fclose(r->err);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Session daemon 'pid' ends within 20 s */
static void
daemon_ends(int pid)
{
    ck_assert_msg(h_wait_gone(pid, 20000), "session daemon %d still runs "
                  "20 s after its recording ended", pid);
}

/* record.sh killed with SIGKILL (no trap runs) while COMMAND records: the
   session daemon it started goes anyway, stopped by its watcher */
START_TEST(test_record_killed_leaves_no_daemon)
{
    struct rec r;

    record_cat(&r, "killed", NULL);
    ck_assert_int_eq(kill(r.pid, SIGKILL), 0);
    ck_assert_int_eq(record_end(&r), 128 + SIGKILL);
    if (r.daemon == 0) {
        h_skip_note("a session daemon already ran: record.sh started none");
        return;
    }
    daemon_ends(r.daemon);
}
END_TEST

/* Ctrl-C (SIGINT to the job) while COMMAND records ends COMMAND, and the
   recording as its end does: with its status and its record.info */
START_TEST(test_record_interrupted_keeps_recording)
{
    char recorder[PATH_MAX + 32], dir[PATH_MAX], ready[PATH_MAX];
    char path[PATH_MAX + 16], *text;
    pid_t pid;

    snprintf(recorder, sizeof(recorder), "%s/traces/record.sh", tt_root());
    snprintf(dir, sizeof(dir), "%s/interrupted", tt_tmp());
    snprintf(ready, sizeof(ready), "%s/interrupted-ready", tt_tmp());
    /* setsid: a process group of its own, as a terminal's job */
    pid = h_spawn((const char *[]){ "/usr/bin/setsid", recorder, "-o", dir,
                  "--", "sh", "-c", ": >\"$0\"; exec sleep 60", ready,
                  NULL }, NULL, "/dev/null", "/dev/null");
    text = h_wait_for_text(ready, "", pid, 20000);
    ck_assert_msg(text != NULL, "record.sh did not run its COMMAND");
    free(text);
    ck_assert_int_eq(kill(-pid, SIGINT), 0);
    ck_assert_int_eq(h_wait(pid, 30000), 128 + SIGINT);
    snprintf(path, sizeof(path), "%s/record.info", dir);
    ck_assert_msg(access(path, R_OK) == 0, "no %s", path);
}
END_TEST

/* Every process that names 'tmpdir' (a watcher, a session daemon and its
   starter) ends within 20 s, and leaves tmpdir empty */
static void
all_gone(const char *tmpdir)
{
    pid_t pids[64];
    int n, rounds = 0;
    DIR *d;
    struct dirent *e;

    while ((n = h_naming(tmpdir, pids, 64)) > 0) {
        ck_assert_msg(++rounds <= 10, "processes naming %s keep coming",
                      tmpdir);
        for (int i = 0; i < n; i++)
            ck_assert_msg(h_wait_gone(pids[i], 20000), "process %d (about "
                          "%s) still runs 20 s after record.sh was killed",
                          (int)pids[i], tmpdir);
    }
    ck_assert_ptr_nonnull(d = opendir(tmpdir));
    while ((e = readdir(d)) != NULL)
        ck_assert_msg(strcmp(e->d_name, ".") == 0 ||
                      strcmp(e->d_name, "..") == 0, "record.sh, killed, "
                      "left %s/%s", tmpdir, e->d_name);
    closedir(d);
}

/*
 * record.sh killed while its session daemon starts: an 'lttng-sessiond'
 * in front of the real one starts it only once record.sh is gone. The
 * watcher waits for it, stops it, and removes every temporary file.
 */
START_TEST(test_record_killed_while_daemon_starts)
{
    static const char sessiond[] =
        "#!/bin/sh\n"
        "here=$(dirname \"$0\")\n"
        ": >\"$here/starting\"\n"
        "while kill -0 $PPID 2>/dev/null; do sleep 0.01; done\n"
        "/usr/bin/lttng-sessiond \"$@\"\n"
        "echo $? >\"$here/status\"\n";
    char bin[PATH_MAX], path[PATH_MAX + 32], env_path[PATH_MAX * 2];
    char recorder[PATH_MAX + 32], dir[PATH_MAX], tmp[PATH_MAX];
    char env_tmp[PATH_MAX + 8], env_home[PATH_MAX + 16], *text;
    pid_t pid;
    int status;

    tools_dir("slow-sessiond", bin, env_path);
    tool(bin, "lttng-sessiond", sessiond);
    snprintf(tmp, sizeof(tmp), "%s/starting-tmp", tt_tmp());
    ck_assert_int_eq(mkdir(tmp, 0700), 0);
    snprintf(env_tmp, sizeof(env_tmp), "TMPDIR=%s", tmp);
    snprintf(recorder, sizeof(recorder), "%s/traces/record.sh", tt_root());
    snprintf(dir, sizeof(dir), "%s/starting", tt_tmp());

    /* its own LTTNG_HOME: record.sh finds no daemon and starts one */
    snprintf(env_home, sizeof(env_home), "LTTNG_HOME=%s", tmp);
    pid = h_spawn((const char *[]){ "/usr/bin/env", env_path, env_tmp, env_home,
                  recorder, "-o", dir, "--", "true", NULL },
                  "/dev/null", "/dev/null", "/dev/null");
    snprintf(path, sizeof(path), "%s/starting", bin);
    text = h_wait_for_text(path, "", pid, 20000);
    if (text == NULL) {
        status = h_wait(pid, 20000);
        ck_assert_msg(status == 0 && geteuid() == 0, "record.sh started no "
                      "session daemon (exit %d)", status);
        h_skip_note("root's session daemon already runs: record.sh "
                    "started none");
        return;
    }
    free(text);
    ck_assert_int_eq(kill(pid, SIGKILL), 0);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    all_gone(tmp);
    snprintf(path, sizeof(path), "%s/status", bin);
    text = h_read_file(path);
    if (text != NULL)
        text[strcspn(text, "\n")] = '\0';
    ck_assert_msg(text != NULL && strcmp(text, "0") == 0, "the session "
                  "daemon did not start (exit %s): its files were removed "
                  "under it", text != NULL ? text : "unknown");
    free(text);
}
END_TEST

/* A session daemon that the test's other recordings find: the one a
   recording of 'cat' runs in, which ends with the test, even a failed one
   (its COMMAND's input closes) */
static void
host_daemon(struct rec *host)
{
    record_cat(host, "host", NULL);
}

/* The host's recording ends, and with it the daemon it started */
static void
host_end(struct rec *host)
{
    ck_assert_int_eq(record_end(host), 0);
    if (host->daemon != 0)
        daemon_ends(host->daemon);
}

/* The daemon of 'env_home' still runs, holds no session 'name' and holds
   session 'other' (each when not NULL) */
static void
session_gone(const char *env_home, const char *name, const char *other)
{
    struct tt_run r;

    tt_exec(&r, (const char *[]){ "env", env_home, "lttng", "list", NULL });
    ck_assert_msg(r.status == 0, "the session daemon went: %s", r.err);
    ck_assert_msg(name == NULL || strstr(r.out, name) == NULL, "record.sh "
                  "left its session %s:\n%s", name, r.out);
    ck_assert_msg(other == NULL || strstr(r.out, other) != NULL, "record.sh "
                  "destroyed session %s:\n%s", other, r.out);
    tt_run_free(&r);
}

/*
 * record.sh killed while it records in a session daemon that ran before
 * it: the daemon stays, but holds no session of record.sh's any more,
 * and record.sh's temporary files are gone.
 */
START_TEST(test_record_killed_leaves_no_session)
{
    char tmp[PATH_MAX], env_tmp[PATH_MAX + 8];
    struct rec host, rec;
    const char *env[] = { host.env_home, env_tmp, NULL };

    snprintf(tmp, sizeof(tmp), "%s/found-tmp", tt_tmp());
    ck_assert_int_eq(mkdir(tmp, 0700), 0);
    snprintf(env_tmp, sizeof(env_tmp), "TMPDIR=%s", tmp);
    host_daemon(&host);

    record_cat(&rec, "found", env);
    ck_assert_msg(rec.daemon == 0, "record.sh started a daemon though one "
                  "ran");
    ck_assert_msg(rec.session[0] != '\0', "record.sh created no session");
    ck_assert_int_eq(kill(rec.pid, SIGKILL), 0);
    ck_assert_int_eq(record_end(&rec), 128 + SIGKILL);
    all_gone(tmp);
    session_gone(host.env_home, rec.session, NULL);
    host_end(&host);
}
END_TEST

/*
 * record.sh killed during its 'lttng create' (an 'lttng' in front of the
 * real one creates the session only once record.sh is gone): the session
 * goes too. A session of the same name that ran before is never touched.
 */
START_TEST(test_record_killed_while_creating)
{
    static const char lttng[] =
        "#!/bin/sh\n"
        "here=$(dirname \"$0\")\n"
        "if [ \"$2\" = create ]; then\n"
        "    : >\"$here/creating\"\n"
        "    while kill -0 $PPID 2>/dev/null; do sleep 0.01; done\n"
        "fi\n"
        "exec /usr/bin/lttng \"$@\"\n";
    char bin[PATH_MAX], path[PATH_MAX + 32], env_path[PATH_MAX * 2];
    char tmp[PATH_MAX], recorder[PATH_MAX + 32];
    char env_tmp[PATH_MAX + 8], dir[PATH_MAX];
    const char *env_home;
    struct rec host;
    char name[64], *text;
    struct tt_run r;
    int status;
    pid_t pid;

    tools_dir("slow-create", bin, env_path);
    tool(bin, "lttng", lttng);
    snprintf(tmp, sizeof(tmp), "%s/creating-tmp", tt_tmp());
    ck_assert_int_eq(mkdir(tmp, 0700), 0);
    snprintf(env_tmp, sizeof(env_tmp), "TMPDIR=%s", tmp);
    snprintf(recorder, sizeof(recorder), "%s/traces/record.sh", tt_root());
    snprintf(dir, sizeof(dir), "%s/creating", tt_tmp());
    snprintf(name, sizeof(name), "ipclab-check-%d", (int)getpid());
    host_daemon(&host);
    env_home = host.env_home;

    /* -n of a session that exists: refused in one line, and it stays */
    tt_exec(&r, (const char *[]){ "env", env_home, "lttng", "create", name,
            NULL });
    ck_assert_msg(r.status == 0, "lttng create: %s", r.err);
    tt_run_free(&r);
    tt_exec(&r, (const char *[]){ "env", env_home, env_tmp, recorder, "-n",
            name, "-o", dir, "--", "true", NULL });
    ck_assert_msg(r.status == 1 && tt_count_lines(r.err, "") == 1 &&
                  strstr(r.err, "exists: give -n another name") != NULL,
                  "record.sh exit %d:\n%s", r.status, r.err);
    tt_run_free(&r);
    all_gone(tmp);
    session_gone(env_home, NULL, name);
    tt_exec(&r, (const char *[]){ "env", env_home, "lttng", "destroy", name,
            NULL });
    ck_assert_msg(r.status == 0, "lttng destroy: %s", r.err);
    tt_run_free(&r);

    pid = h_spawn((const char *[]){ "/usr/bin/env", env_path, env_tmp,
                  env_home, recorder, "-n", name, "-o", dir, "--", "true",
                  NULL }, "/dev/null", "/dev/null", "/dev/null");
    snprintf(path, sizeof(path), "%s/creating", bin);
    text = h_wait_for_text(path, "", pid, 20000);
    ck_assert_msg(text != NULL, "record.sh ran no 'lttng create'");
    free(text);
    ck_assert_int_eq(kill(pid, SIGKILL), 0);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    all_gone(tmp);
    session_gone(env_home, name, NULL);
    host_end(&host);
}
END_TEST

/* A TMPDIR too long for the sockets of a daemon started in it: said so,
   in one line, not "cannot start a session daemon" */
START_TEST(test_record_long_tmpdir)
{
    char tmp[PATH_MAX], env_tmp[PATH_MAX + 8], env_home[PATH_MAX + 16];
    char recorder[PATH_MAX + 32], dir[PATH_MAX];
    struct tt_run r;

    if (geteuid() == 0) {
        h_skip_note("root's session daemon keeps its sockets in /var/run");
        return;
    }
    snprintf(tmp, sizeof(tmp), "%s/%.*s", tt_tmp(), 60,
             "a-temporary-directory-of-a-long-name-deep-in-a-home-of-its-own");
    ck_assert_int_eq(mkdir(tmp, 0700), 0);
    snprintf(env_tmp, sizeof(env_tmp), "TMPDIR=%s", tmp);
    snprintf(env_home, sizeof(env_home), "LTTNG_HOME=%s", tmp);
    snprintf(recorder, sizeof(recorder), "%s/traces/record.sh", tt_root());
    snprintf(dir, sizeof(dir), "%s/long", tt_tmp());
    tt_exec(&r, (const char *[]){ "env", env_tmp, env_home, recorder, "-o",
            dir, "--", "true", NULL });
    ck_assert_msg(r.status == 1 && tt_count_lines(r.err, "") == 1 &&
                  strstr(r.err, "is too long for a session daemon's socket "
                         "paths") != NULL, "record.sh exit %d:\n%s",
                  r.status, r.err);
    tt_run_free(&r);
    all_gone(tmp);
}
END_TEST

/*
 * Two root recordings at once share root's session daemon, whatever
 * their lock directories: the first to end must not stop it under the
 * second, which still records, nor wait for it; the daemon goes once
 * both ended.
 */
START_TEST(test_record_root_runs_share_daemon)
{
    struct rec a, b;

    if (geteuid() != 0) {
        h_skip_note("only root's recordings share a session daemon");
        return;
    }
    record_cat(&a, "first", NULL);
    record_cat(&b, "second", NULL);
    ck_assert_int_eq(record_end(&a), 0);
    ck_assert_int_eq(record_end(&b), 0);
    if (a.daemon != 0)
        daemon_ends(a.daemon);
}
END_TEST

Suite *
record_suite(void)
{
    Suite *s = suite_create("record");
    TCase *core = tcase_create("core");

    tcase_add_test(core, test_record_daemon_gone_before_create);
    tcase_add_test(core, test_record_keeps_what_is_not_a_recording);
    tcase_add_test(core, test_record_info_command_one_line);
    tcase_add_test(core, test_record_exec_fails);
    tcase_add_test(core, test_record_bad_names);
    tcase_add_test(core, test_record_killed_leaves_no_daemon);
    tcase_add_test(core, test_record_interrupted_keeps_recording);
    tcase_add_test(core, test_record_killed_while_daemon_starts);
    tcase_add_test(core, test_record_killed_leaves_no_session);
    tcase_add_test(core, test_record_killed_while_creating);
    tcase_add_test(core, test_record_long_tmpdir);
    tcase_add_test(core, test_record_root_runs_share_daemon);
    tcase_set_timeout(core, 60);
    suite_add_tcase(s, core);
    return s;
}
