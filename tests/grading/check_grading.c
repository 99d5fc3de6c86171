/*
 * tests/grading/check_grading.c - 'make grade' grades fairly and safely.
 *
 *   solutions   'make grade SOLUTION=1': full marks, every test passed
 *   skeletons   'make grade' on the untouched exercises/: 0 points,
 *               quickly, no test hung
 *   results     both results directories are mode 0700, both
 *               results.json JSON of Gradescope's shape (jq), both
 *               results.tap TAP (prove)
 *   compilers   the solutions graded by the other compiler (clang in a
 *               tree gcc built, or the reverse): still full marks
 *   recording   a recording (h_record) stopped at its time limit leaves
 *               nothing behind: no server, session daemon or session
 *   fixtures    each broken submission of tests/grading/fixtures/ loses
 *               the points it must, with the message it must
 *               (tests/grading/fixture.sh); those whose expect says
 *               'repeat N' are graded N times, the same score each run
 *   handout     'make handout': no solution, no instructor's guide inside;
 *               unpacked alone, plain 'make' builds it and 'make grade'
 *               gives the skeletons' score
 *   usage       a mistyped exercise (grade.sh, grade-autograder.sh) or
 *               test: exit status 2, named
 *   autograder  'make autograder': its run_autograder, against a
 *               simulated /autograder tree, grades only the files each
 *               MANIFEST names, found at any depth, says which were not
 *               found, writes a valid results.json; the next submission
 *               in the same tree gets the skeletons, not those files
 *
 * Each runs make in the source tree with this build directory, as a
 * student or CI would; results go to BUILD/grading-tests/.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grading.h"
#include "harness.h"
#include "ipclab/proc.h"

#define EXERCISES 5
#define SKELETON_MAX_S 300      /* the skeletons' whole grading */

/* SRC/BUILD/grading-tests/WHAT, then /FILE unless file is NULL, into buf */
static char *
results_path(char *buf, size_t size, const char *what, const char *file)
{
    snprintf(buf, size, "%s/%s/grading-tests/%s%s%s", h_srcdir(),
             h_build_name(), what, file != NULL ? "/" : "",
             file != NULL ? file : "");
    return buf;
}

/* Check's factor for a slower build ('make sanitize'); grade.sh reads it too */
static int
time_scale(void)
{
    const char *text = getenv("CK_TIMEOUT_MULTIPLIER");
    int scale = text != NULL ? atoi(text) : 1;

    return scale > 0 ? scale : 1;
}

/* make -C DIR ARGS... with the outer make's flags out of the way */
static int
run_make(const char *dir, const char *const args[], const char *log,
         int timeout_ms)
{
    const char *argv[32] = { "/usr/bin/env", "-u", "MAKEFLAGS", "-u",
                             "MFLAGS", "-u", "MAKELEVEL", "make",
                             "--no-print-directory", "-C", dir };
    int n = 11;

    for (int i = 0; args[i] != NULL && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return h_run(argv, NULL, log, log, timeout_ms * time_scale());
}

/* The integer after "KEY": in a JSON text, or -1 */
static long
json_int(const char *text, const char *key)
{
    char pattern[64];
    const char *p;

    snprintf(pattern, sizeof(pattern), "\"%s\": ", key);
    p = text != NULL ? strstr(text, pattern) : NULL;
    return p != NULL ? strtol(p + strlen(pattern), NULL, 10) : -1;
}

/* The last lines of a log into buf, for failure messages; returns buf */
static const char *
tail(const char *path, char *buf, size_t size)
{
    char *text = h_read_file(path);
    size_t len;

    if (text == NULL) {
        snprintf(buf, size, "(no log)");
        return buf;
    }
    len = strlen(text);
    snprintf(buf, size, "%s", len > 500 ? text + len - 500 : text);
    for (char *p = buf; *p != '\0'; p++)
        if (*p == '\n')
            *p = '|';
    free(text);
    return buf;
}

START_TEST(test_grading_solutions_full_marks)
{
    char end[600];
    char out[PATH_MAX], arg_out[PATH_MAX + 16], arg_build[PATH_MAX + 8];
    char log[PATH_MAX];
    char *json;
    int status;

    snprintf(arg_out, sizeof(arg_out), "GRADE_OUT=%s",
             results_path(out, sizeof(out), "solution", NULL));
    snprintf(arg_build, sizeof(arg_build), "BUILD=%s", h_build_name());
    snprintf(log, sizeof(log), "%s/grade-solution.log", h_tmpdir());
    status = run_make(h_srcdir(), (const char *[]){ arg_build, arg_out,
                      "grade", "SOLUTION=1", NULL }, log, 900000);
    ck_assert_msg(status == 0, "make grade SOLUTION=1 exited %d: %s", status,
                  tail(log, end, sizeof(end)));
    results_path(log, sizeof(log), "solution", "results.json");
    json = h_read_file(log);
    ck_assert_msg(json != NULL, "no %s", log);
    ck_assert_msg(json_int(json, "max_score") == EXERCISES * 20,
                  "max_score %ld, expected %d", json_int(json, "max_score"),
                  EXERCISES * 20);
    ck_assert_msg(json_int(json, "score") == json_int(json, "max_score"),
                  "the reference solutions scored %ld of %ld",
                  json_int(json, "score"), json_int(json, "max_score"));
    ck_assert_msg(strstr(json, "\"status\": \"failed\"") == NULL,
                  "a test of the reference solutions failed");
    free(json);
}
END_TEST

START_TEST(test_grading_skeletons_score_low)
{
    char end[600];
    char out[PATH_MAX], arg_out[PATH_MAX + 16], arg_build[PATH_MAX + 8];
    char log[PATH_MAX];
    int64_t t0 = ipc_now_ms();
    long score, max;
    char *json;
    int status;

    snprintf(arg_out, sizeof(arg_out), "GRADE_OUT=%s",
             results_path(out, sizeof(out), "skeleton", NULL));
    snprintf(arg_build, sizeof(arg_build), "BUILD=%s", h_build_name());
    snprintf(log, sizeof(log), "%s/grade-skeleton.log", h_tmpdir());
    status = run_make(h_srcdir(), (const char *[]){ arg_build, arg_out,
                      "grade", NULL }, log, SKELETON_MAX_S * 1000);
    ck_assert_msg(status == 0, "make grade exited %d: %s", status,
                  tail(log, end, sizeof(end)));
    ck_assert_msg(ipc_now_ms() - t0 < SKELETON_MAX_S * 1000 * time_scale(),
                  "grading the skeletons took %lld s",
                  (long long)(ipc_now_ms() - t0) / 1000);
    results_path(log, sizeof(log), "skeleton", "results.json");
    json = h_read_file(log);
    ck_assert_msg(json != NULL, "no %s", log);
    score = json_int(json, "score");
    max = json_int(json, "max_score");
    ck_assert_msg(max == EXERCISES * 20, "max_score %ld", max);
    ck_assert_msg(score == 0, "the untouched skeletons scored %ld of %ld: "
                  "a test gives points for code nobody wrote", score, max);
    ck_assert_msg(strstr(json, "FAILED: timed out") == NULL, "a test of "
                  "the skeletons hung until its timeout");
    ck_assert_msg(strstr(json, "does not compile") == NULL &&
                  strstr(json, "tests do not compile") == NULL,
                  "a skeleton does not compile");
    free(json);
}
END_TEST

/* The compiler that compiled OBJ, by its .comment: "clang" or "gcc" */
static const char *
compiler_of(const char *obj)
{
    char end[600];
    char log[PATH_MAX];
    char *comment;
    int clang;

    snprintf(log, sizeof(log), "%s/comment.log", h_tmpdir());
    ck_assert_msg(h_run((const char *[]){ "/usr/bin/readelf", "-p",
                        ".comment", obj, NULL }, NULL, log, log, 30000) == 0,
                  "readelf cannot read %s: %s", obj,
                  tail(log, end, sizeof(end)));
    comment = h_read_file(log);
    ck_assert_msg(comment != NULL, "no %s", log);
    clang = strstr(comment, "clang version") != NULL;
    free(comment);
    return clang ? "clang" : "gcc";
}

START_TEST(test_grading_other_compiler)
{
    char end[600];
    char out[PATH_MAX], arg_out[PATH_MAX + 16], arg_build[PATH_MAX + 8];
    char arg_cc[32], log[PATH_MAX], which[PATH_MAX];
    char obj[PATH_MAX];
    const char *cc;
    char *json;
    int status;

    if (getenv("IPCLAB_SANITIZED") != NULL)
        h_skip("a sanitized library links only with the sanitizers' "
               "runtime: the other compiler's grading runs in 'make check'");
    snprintf(obj, sizeof(obj), "%s/%s/obj/src/lib/fifo.o", h_srcdir(),
             h_build_name());
    cc = strcmp(compiler_of(obj), "gcc") == 0 ? "clang" : "gcc";

    snprintf(which, sizeof(which), "%s/which.log", h_tmpdir());
    if (h_run((const char *[]){ "/bin/sh", "-c", "command -v \"$0\"", cc,
              NULL }, NULL, which, which, 10000) != 0)
        h_skip("no %s in PATH: the grading by another compiler than the "
               "library's is not tested", cc);
    snprintf(arg_cc, sizeof(arg_cc), "CC=%s", cc);
    snprintf(arg_out, sizeof(arg_out), "GRADE_OUT=%s",
             results_path(out, sizeof(out), "other-compiler", NULL));
    snprintf(arg_build, sizeof(arg_build), "BUILD=%s", h_build_name());
    snprintf(log, sizeof(log), "%s/grade-other-compiler.log", h_tmpdir());
    status = run_make(h_srcdir(), (const char *[]){ arg_build, arg_out,
                      arg_cc, "grade", "SOLUTION=1", NULL }, log, 900000);
    results_path(out, sizeof(out), "other-compiler", "results.json");
    json = h_read_file(out);
    ck_assert_msg(status == 0 && json != NULL, "make grade SOLUTION=1 %s in "
                  "a tree whose library another compiler built exited %d: "
                  "%s", arg_cc, status, tail(log, end, sizeof(end)));
    ck_assert_msg(json_int(json, "score") == EXERCISES * 20, "the reference "
                  "solutions compiled by %s scored %ld: %s", cc,
                  json_int(json, "score"), tail(log, end, sizeof(end)));
    free(json);
    /* graded as compiled by that compiler, the library by the other */
    snprintf(obj, sizeof(obj), "%s/%s/solutions/04/obj/hs.o", h_srcdir(),
             h_build_name());
    ck_assert_msg(strcmp(compiler_of(obj), cc) == 0, "%s: compiled by %s, "
                  "not %s: CC did not reach the grading", obj,
                  compiler_of(obj), cc);
}
END_TEST

/* The lines of 'argv's output that hold 'needle' into found, "" when
   none: the first few, on one line */
static void
output_with(const char *const argv[], const char *needle, char *found,
            size_t size)
{
    char log[PATH_MAX];
    char *text;

    snprintf(log, sizeof(log), "%s/output.log", h_tmpdir());
    h_run(argv, NULL, log, log, 30000);
    text = h_read_file(log);
    found[0] = '\0';
    for (char *line = text != NULL ? strtok(text, "\n") : NULL;
         line != NULL; line = strtok(NULL, "\n"))
        if (strstr(line, needle) != NULL)
            snprintf(found + strlen(found), size - strlen(found),
                     "%s | ", line);
    free(text);
}

START_TEST(test_grading_record_timeout)
{
    char end[600];
    char dir[] = "/tmp/ipclab-rec.XXXXXX";     /* short: sockets below */
    char run[64], trace[64], out[PATH_MAX];
    char left[600], session[600];
    int status;

    if (!h_tracing_available())
        h_skip("no LTTng here or TRACING=0: nothing is recorded");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    /* record.sh's files, its session daemon's among them, go below it */
    ck_assert_int_eq(setenv("TMPDIR", dir, 1), 0);
    snprintf(run, sizeof(run), "%s/run", dir);
    snprintf(trace, sizeof(trace), "%s/trace", dir);
    snprintf(out, sizeof(out), "%s/record.out", h_tmpdir());
    /* a server never asked to stop: the recording runs out of time */
    status = h_record(trace, (const char *[]){ h_bin("ipclab-server"),
                      "--dir", run, NULL }, out, 8000 * time_scale());
    output_with((const char *[]){ "/bin/ps", "-eo", "pid,args", NULL }, dir,
                left, sizeof(left));
    output_with((const char *[]){ "/usr/bin/lttng", "list", NULL }, trace,
                session, sizeof(session));
    h_rmtree(dir);
    ck_assert_msg(status == -1, "the recording ended by itself (%d): %s",
                  status, tail(out, end, sizeof(end)));
    ck_assert_msg(left[0] == '\0', "left behind by a recording stopped at "
                  "its time limit: %s", left);
    ck_assert_msg(session[0] == '\0', "a recording session is left: %s",
                  session);
}
END_TEST

/* results.json: JSON (jq parses it), and Gradescope's shape */
static void
check_json(const char *path)
{
    char end[600];
    static const char filter[] =
        "(.score | type) == \"number\" and .score >= 0"
        " and .max_score == ([.tests[].max_score] | add)"
        " and .score == ([.tests[].score] | add)"
        " and (.output | type) == \"string\""
        " and ([.tests[].name] | length) == ([.tests[].name] | unique"
        "                                    | length)"
        " and all(.tests[]; (.name | type) == \"string\""
        "         and (.output | type) == \"string\""
        "         and 0 <= .score and .score <= .max_score"
        "         and (.visibility | IN(\"visible\", \"hidden\","
        "              \"after_due_date\", \"after_published\")))"
        " and (.tests | length) >= 25";
    char log[PATH_MAX];
    int status;

    ck_assert_msg(access(path, R_OK) == 0, "no %s (did the grading tests "
                  "before this one run?)", path);
    snprintf(log, sizeof(log), "%s/jq.log", h_tmpdir());
    status = h_run((const char *[]){ "/usr/bin/jq", "-e", filter, path,
                   NULL }, NULL, log, log, 30000);
    ck_assert_msg(status == 0, "%s: not results.json of Gradescope's shape "
                  "(jq -e: exit %d): %s", path, status,
                  tail(log, end, sizeof(end)));
}

/* results.tap: TAP, as prove reads it */
static void
check_tap(const char *path)
{
    char end[600];
    char log[PATH_MAX];
    char *text;

    snprintf(log, sizeof(log), "%s/prove.log", h_tmpdir());
    h_run((const char *[]){ "/usr/bin/prove", "--exec", "cat", path, NULL },
          NULL, log, log, 30000);
    text = h_read_file(log);
    ck_assert_msg(text != NULL && strstr(text, "Parse errors") == NULL &&
                  strstr(text, "Result: ") != NULL, "%s: prove cannot read "
                  "it as TAP: %s", path, tail(log, end, sizeof(end)));
    free(text);
}

START_TEST(test_grading_results_well_formed)
{
    char path[PATH_MAX];
    char *tap;

    for (int i = 0; i < 2; i++) {
        const char *what = i == 0 ? "solution" : "skeleton";
        struct stat st;

        /* no later test, under any uid, reads these verdicts */
        results_path(path, sizeof(path), what, NULL);
        ck_assert_msg(stat(path, &st) == 0 && (st.st_mode & 0777) == 0700,
                      "%s: mode %03o, expected 0700", path,
                      (unsigned)(st.st_mode & 0777));
        results_path(path, sizeof(path), what, "results.json");
        check_json(path);
        results_path(path, sizeof(path), what, "results.tap");
        check_tap(path);
        tap = h_read_file(path);
        ck_assert_msg(tap != NULL && strncmp(tap, "TAP version 13\n1..", 18)
                      == 0, "%s is not TAP", path);
        ck_assert_msg(h_count_lines(tap, "ok ") >= 25, "%s: too few test "
                      "lines", path);
        free(tap);
    }
}
END_TEST

START_TEST(test_grading_handout_stands_alone)
{
    char end[600];
    const char *dir = h_tmpdir();
    char tarball[PATH_MAX], log[PATH_MAX], unpacked[PATH_MAX];
    char arg_build[PATH_MAX + 8], path[PATH_MAX + 64];
    char *list, *json, *skel;
    int status;

    snprintf(arg_build, sizeof(arg_build), "BUILD=%s", h_build_name());
    snprintf(log, sizeof(log), "%s/handout.log", dir);
    status = run_make(h_srcdir(), (const char *[]){ arg_build, "handout",
                      NULL }, log, 120000);
    ck_assert_msg(status == 0, "make handout exited %d: %s", status,
                  tail(log, end, sizeof(end)));
    snprintf(tarball, sizeof(tarball), "%s/%s/ipclab-handout.tar.gz",
             h_srcdir(), h_build_name());

    snprintf(path, sizeof(path), "%s/list", dir);
    ck_assert_int_eq(h_run((const char *[]){ "/bin/tar", "-tzf", tarball,
                     NULL }, NULL, path, NULL, 60000), 0);
    list = h_read_file(path);
    ck_assert_msg(list != NULL && strstr(list, "/solution/") == NULL,
                  "the handout holds a solution file");
    ck_assert_msg(strstr(list, "ipclab/tests/grading/") == NULL,
                  "the handout holds tests/grading/");
    ck_assert_msg(strstr(list, "ipclab/docs/instructor.md") == NULL,
                  "the handout holds docs/instructor.md");
    ck_assert_msg(strstr(list, "ipclab/exercises/04-signal-sync/hs.c") !=
                  NULL && strstr(list, "ipclab/Makefile") != NULL,
                  "the handout lacks the exercises or the Makefile");
    free(list);

    ck_assert_int_eq(h_run((const char *[]){ "/bin/tar", "-xzf", tarball,
                     "-C", dir, NULL }, NULL, NULL, NULL, 60000), 0);
    snprintf(unpacked, sizeof(unpacked), "%s/ipclab", dir);
    snprintf(log, sizeof(log), "%s/handout-make.log", dir);
    status = run_make(unpacked, (const char *[]){ "-j2", NULL }, log,
                      900000);
    ck_assert_msg(status == 0, "plain make in the unpacked handout exited "
                  "%d: %s", status, tail(log, end, sizeof(end)));
    snprintf(log, sizeof(log), "%s/handout-grade.log", dir);
    status = run_make(unpacked, (const char *[]){ "-j2", "grade", NULL },
                      log, 900000);
    ck_assert_msg(status == 0, "make grade in the unpacked handout exited "
                  "%d: %s", status, tail(log, end, sizeof(end)));
    snprintf(path, sizeof(path), "%s/build/grade-results/results.json",
             unpacked);
    json = h_read_file(path);
    ck_assert_msg(json != NULL, "the handout wrote no results.json");
    results_path(path, sizeof(path), "skeleton", "results.json");
    skel = h_read_file(path);
    ck_assert_msg(json_int(json, "max_score") == EXERCISES * 20,
                  "the handout's max_score is %ld",
                  json_int(json, "max_score"));
    if (skel != NULL)
        ck_assert_msg(json_int(json, "score") == json_int(skel, "score"),
                      "the handout scored %ld, the skeletons in the tree %ld",
                      json_int(json, "score"), json_int(skel, "score"));
    free(json);
    free(skel);
}
END_TEST

/* Copy file 'from' to 'to' (whole, small files) */
static void
copy_file(const char *from, const char *to)
{
    char *text = h_read_file(from);

    ck_assert_msg(text != NULL, "cannot read %s", from);
    h_write_file(to, text);
    free(text);
}

/* Run the unpacked autograder's run_autograder on the tree 'root' as
   Gradescope does, its output into results/stdout, then copied to log;
   its results.json (of check_json()'s shape if 'every' exercise was
   graded), or the test fails */
static char *
run_autograder(const char *root, const char *log, int every)
{
    char end[600], env_root[PATH_MAX + 32], path[PATH_MAX + 64];
    char out[PATH_MAX + 64];
    int status;

    snprintf(env_root, sizeof(env_root), "AUTOGRADER_ROOT=%s", root);
    snprintf(path, sizeof(path), "%s/results", root);
    ck_assert_msg(mkdir(path, 0755) == 0 || errno == EEXIST, "mkdir %s: %s",
                  path, strerror(errno));
    snprintf(out, sizeof(out), "%s/results/stdout", root);
    snprintf(path, sizeof(path), "%s/source/run_autograder", root);
    status = h_run((const char *[]){ "/usr/bin/env", "-u", "MAKEFLAGS",
                   "-u", "MFLAGS", "-u", "MAKELEVEL", env_root, path, NULL },
                   NULL, out, out, 900000);
    ck_assert_msg(access(out, F_OK) == 0, "run_autograder removed "
                  "Gradescope's results/stdout");
    copy_file(out, log);
    ck_assert_msg(status == 0, "run_autograder exited %d: %s", status,
                  tail(log, end, sizeof(end)));
    snprintf(path, sizeof(path), "%s/results/results.json", root);
    if (every)
        check_json(path);
    return h_read_file(path);
}

/* Write 'text' as the file 'rel' of the submission in the autograder
   tree 'root', its folders made */
static void
submit(const char *root, const char *rel, const char *text)
{
    char path[PATH_MAX];
    char *slash;

    snprintf(path, sizeof(path), "%s/submission/%s", root, rel);
    slash = strrchr(path, '/');
    *slash = '\0';
    ck_assert_int_eq(h_run((const char *[]){ "/bin/mkdir", "-p", path,
                     NULL }, NULL, NULL, NULL, 10000), 0);
    *slash = '/';
    h_write_file(path, text);
}

START_TEST(test_grading_autograder)
{
    char end[600];
    const char *dir = h_tmpdir();
    char arg_build[PATH_MAX + 8], log[PATH_MAX], zip[PATH_MAX];
    char root[PATH_MAX], path[PATH_MAX + 64], from[PATH_MAX + 64];
    char env_root[PATH_MAX + 32], tmpdir[PATH_MAX + 80];
    char *json, *sol;
    int status;
    pid_t pid;

    snprintf(arg_build, sizeof(arg_build), "BUILD=%s", h_build_name());
    snprintf(log, sizeof(log), "%s/autograder.log", dir);
    status = run_make(h_srcdir(), (const char *[]){ arg_build, "autograder",
                      NULL }, log, 120000);
    ck_assert_msg(status == 0, "make autograder exited %d: %s", status,
                  tail(log, end, sizeof(end)));
    snprintf(zip, sizeof(zip), "%s/%s/ipclab-autograder.zip", h_srcdir(),
             h_build_name());

    /* /autograder as Gradescope lays it out, in our directory */
    snprintf(root, sizeof(root), "%s/autograder", dir);
    snprintf(path, sizeof(path), "%s/source", root);
    ck_assert_int_eq(h_run((const char *[]){ "/bin/mkdir", "-p", path,
                     NULL }, NULL, NULL, NULL, 10000), 0);
    ck_assert_int_eq(h_run((const char *[]){ "/usr/bin/unzip", "-q", zip,
                     "-d", path, NULL }, NULL, log, log, 120000), 0);
    snprintf(path, sizeof(path), "%s/source/exercises/04-signal-sync/"
             "solution", root);
    ck_assert_msg(access(path, F_OK) == -1, "the autograder packs the "
                  "reference solutions");
    snprintf(path, sizeof(path), "%s/submission/exercises/04-signal-sync",
             root);
    ck_assert_int_eq(h_run((const char *[]){ "/bin/mkdir", "-p", path,
                     NULL }, NULL, NULL, NULL, 10000), 0);
    /* a submission: 04's solution where a clone of the kit has it, 01's
       in a folder whose name holds a newline, and a main.c and a Makefile
       that must be ignored */
    snprintf(from, sizeof(from), "%s/exercises/04-signal-sync/solution/hs.c",
             h_srcdir());
    snprintf(path, sizeof(path), "%s/submission/exercises/04-signal-sync/"
             "hs.c", root);
    copy_file(from, path);
    snprintf(from, sizeof(from), "%s/exercises/01-fifo-setup/solution/"
             "fifoutil.c", h_srcdir());
    snprintf(path, sizeof(path), "%s/submission/my\nwork", root);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof(path), "%s/submission/my\nwork/fifoutil.c", root);
    copy_file(from, path);
    snprintf(path, sizeof(path), "%s/submission/exercises/04-signal-sync/"
             "main.c", root);
    h_write_file(path, "this is not C\n");
    snprintf(path, sizeof(path), "%s/submission/Makefile", root);
    h_write_file(path, "all:\n\tfalse\n");
    /* several copies: 04's in its folder beside one at the top (the
       folder's is taken), two different 02's in folders 02-name (none
       is) */
    submit(root, "hs.c", "this is not C\n");
    submit(root, "a/02-request-routing/router.c", "this is not C\n");
    submit(root, "b/02-request-routing/router.c", "nor this\n");

    snprintf(log, sizeof(log), "%s/run_autograder.log", dir);
    json = run_autograder(root, log, 1);
    ck_assert_msg(strstr(json, "04-signal-sync: 20/20") != NULL &&
                  strstr(json, "01-fifo-setup: 20/20") != NULL,
                  "run_autograder did not grade the submitted 01 and 04 at "
                  "full marks: %s", tail(log, end, sizeof(end)));
    ck_assert_msg(strstr(json, "taken: my?work/fifoutil.c") != NULL,
                  "fifoutil.c in a folder 'my\\nwork' was not taken, or not "
                  "named on one line: %.400s", json);
    ck_assert_msg(strstr(json, "does not compile") == NULL, "the "
                  "submission's main.c was taken, not only MANIFEST's files");
    ck_assert_msg(json_int(json, "score") < 100, "the skeletons of 02, 03 "
                  "and 05 scored full marks");
    ck_assert_msg(strstr(json, "NOT FOUND: worker.c") != NULL, "the "
                  "student is not told that worker.c was not submitted");
    ck_assert_msg(strstr(json, "not graded: hs.c") != NULL, "the student "
                  "is not told which copy of hs.c was not graded: %.400s",
                  json);
    ck_assert_msg(strstr(json, "NOT TAKEN: router.c: 2 copies") != NULL &&
                  strstr(json, "a/02-request-routing/router.c "
                         "b/02-request-routing/router.c") != NULL, "the "
                  "student is not told that neither router.c was taken, "
                  "and which: %.400s", json);
    free(json);

    /* the next submission of a batch, in the same tree, without 01's and
       04's files: graded as the skeletons, not as the previous one's */
    snprintf(path, sizeof(path), "%s/submission", root);
    ck_assert_int_eq(h_run((const char *[]){ "/bin/rm", "-r", path, NULL },
                     NULL, NULL, NULL, 10000), 0);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    json = run_autograder(root, log, 1);
    ck_assert_msg(strstr(json, "04-signal-sync: 0/20") != NULL &&
                  strstr(json, "01-fifo-setup: 0/20") != NULL,
                  "an empty submission after a full one was not graded as "
                  "the skeletons: %s", tail(log, end, sizeof(end)));
    free(json);

    /* 'make autograder EX=04': exercise 04 alone, out of 20 */
    snprintf(log, sizeof(log), "%s/autograder-04.log", dir);
    status = run_make(h_srcdir(), (const char *[]){ arg_build, "autograder",
                      "EX=04", NULL }, log, 120000);
    ck_assert_msg(status == 0, "make autograder EX=04 exited %d: %s", status,
                  tail(log, end, sizeof(end)));
    snprintf(root, sizeof(root), "%s/autograder-04", dir);
    snprintf(path, sizeof(path), "%s/submission", root);
    ck_assert_int_eq(h_run((const char *[]){ "/bin/mkdir", "-p", path,
                     NULL }, NULL, NULL, NULL, 10000), 0);
    snprintf(path, sizeof(path), "%s/source", root);
    ck_assert_int_eq(h_run((const char *[]){ "/usr/bin/unzip", "-q", zip,
                     "-d", path, NULL }, NULL, log, log, 120000), 0);
    snprintf(from, sizeof(from), "%s/exercises/04-signal-sync/solution/hs.c",
             h_srcdir());
    /* and in two folders 04-name, under names like options: all alike,
       one is taken */
    sol = h_read_file(from);
    ck_assert_msg(sol != NULL, "cannot read %s", from);
    submit(root, "hs.c", sol);
    submit(root, "-a/04-signal-sync/hs.c", sol);
    submit(root, "-b/04-signal-sync/hs.c", sol);
    free(sol);
    json = run_autograder(root, log, 0);
    ck_assert_msg(json_int(json, "max_score") == 20 &&
                  json_int(json, "score") == 20 &&
                  strstr(json, "01-fifo-setup") == NULL, "an autograder "
                  "for exercise 04 alone did not grade 04 alone, at full "
                  "marks: %s", tail(log, end, sizeof(end)));
    free(json);

    /* killed while it grades: run_autograder leaves nothing in TMPDIR
       (one that the tests' uid may enter) */
    snprintf(path, sizeof(path), "/tmp/ipclab-killed.XXXXXX");
    ck_assert_msg(mkdtemp(path) != NULL && chmod(path, 0755) == 0,
                  "mkdtemp %s: %s", path, strerror(errno));
    snprintf(tmpdir, sizeof(tmpdir), "TMPDIR=%s", path);
    snprintf(env_root, sizeof(env_root), "AUTOGRADER_ROOT=%s", root);
    snprintf(from, sizeof(from), "%s/source/run_autograder", root);
    snprintf(log, sizeof(log), "%s/killed.log", dir);
    pid = h_spawn((const char *[]){ "/usr/bin/env", "-u", "MAKEFLAGS", "-u",
                  "MFLAGS", "-u", "MAKELEVEL", env_root, tmpdir, from, NULL },
                  NULL, NULL, log);
    free(h_wait_for_text(log, "grade: building", pid, 600000));
    ck_assert_int_eq(kill(pid, SIGTERM), 0);
    h_wait(pid, 900000);
    status = rmdir(path) == 0 ? 0 : errno;
    if (status != 0)
        h_rmtree(path);
    ck_assert_msg(status == 0, "run_autograder, killed, left files in "
                  "TMPDIR: %s", strerror(status));
}
END_TEST

/* Every broken submission of tests/grading/fixtures/ loses its points */
START_TEST(test_grading_fixtures)
{
    char end[600];
    char dir[PATH_MAX], tree[PATH_MAX], script[PATH_MAX], failures[4096];
    struct dirent *e;
    int count = 0, failed = 0;
    DIR *d;

    if (getenv("IPCLAB_SANITIZED") != NULL)
        h_skip("the fixtures judge grade.sh's verdicts, not the kit's "
               "memory: they run in 'make check', too long to repeat "
               "sanitized");
    snprintf(dir, sizeof(dir), "%s/tests/grading/fixtures", h_srcdir());
    snprintf(script, sizeof(script), "%s/tests/grading/fixture.sh",
             h_srcdir());
    results_path(tree, sizeof(tree), "fixtures", "tree");
    failures[0] = '\0';
    d = opendir(dir);
    ck_assert_msg(d != NULL, "no %s", dir);
    while ((e = readdir(d)) != NULL) {
        char fx[PATH_MAX + 256], out[PATH_MAX + 256], log[PATH_MAX];
        size_t len = strlen(failures);

        if (e->d_name[0] == '.')
            continue;
        snprintf(fx, sizeof(fx), "%s/%s", dir, e->d_name);
        results_path(out, sizeof(out), "fixtures", e->d_name);
        snprintf(log, sizeof(log), "%s/%s.log", h_tmpdir(), e->d_name);
        count++;
        if (h_run((const char *[]){ "/bin/sh", script, h_srcdir(), tree, fx,
                  out, NULL }, NULL, log, log, 600000) != 0) {
            failed++;
            snprintf(failures + len, sizeof(failures) - len, " [%s] %s",
                     e->d_name, tail(log, end, sizeof(end)));
        }
    }
    closedir(d);
    ck_assert_msg(count >= 4, "only %d fixtures in %s", count, dir);
    ck_assert_msg(failed == 0, "%d of %d broken submissions were not graded "
                  "as they must be:%s", failed, count, failures);
}
END_TEST

/* The exercises' code (the reference solutions, the skeletons and the
   given main.c), which students read as the model, uses the result of
   every system call checked.h names */
START_TEST(test_grading_solutions_checked)
{
    char end[600];
    const char *log = h_tmpdir_path("checked.log");
    int status;

    status = h_run((const char *[]){ "/bin/sh", "-c",
                   "cd \"$1\" || exit 1; command -v clang >/dev/null || "
                   "exit 77; s=0; for f in exercises/*/solution/*.c "
                   "exercises/[0-9]*/*.c; do d=${f%/*}; clang -fsyntax-only "
                   "-std=c11 -D_GNU_SOURCE -DIPCLAB_TRACING=0 -Iinclude "
                   "-I\"${d%/solution}\" "
                   "-include tests/grading/checked.h -Werror=unused-result "
                   "\"$f\" || s=1; done; exit $s", "sh", h_srcdir(), NULL },
                   NULL, log, log, 120000 * time_scale());
    if (status == 77)
        h_skip("no clang in PATH: it alone takes warn_unused_result from "
               "a redeclaration");
    ck_assert_msg(status == 0, "an exercise's code ignores a system "
                  "call's result: %s", tail(log, end, sizeof(end)));
}
END_TEST

/* sh -c 'cd SRC && exec CMD' ($2 a temporary path, $3 the build's
   name, $4 an earlier grading's results) must end with exit status 2 and
   WORDS on stderr, neither writing $2 nor touching $4 */
static void
usage_error(const char *cmd, const char *words, int timeout_ms)
{
    const char *err = h_tmpdir_path("err");
    const char *earlier = h_tmpdir_path("earlier");
    char script[512], kept[PATH_MAX];
    char *text, *json;
    int status;

    snprintf(kept, sizeof(kept), "%s/results.json", earlier);
    if (access(kept, F_OK) != 0) {
        ck_assert_msg(mkdir(earlier, 0700) == 0 || errno == EEXIST,
                      "mkdir %s: %s", earlier, strerror(errno));
        h_write_file(kept, "{\"score\": 7}\n");
    }
    snprintf(script, sizeof(script), "cd \"$1\" && exec %s", cmd);
    status = h_run((const char *[]){ "/bin/sh", "-c", script, "sh",
                       h_srcdir(), h_tmpdir_path("out"), h_build_name(),
                       earlier, NULL }, NULL, NULL, err,
                   timeout_ms * time_scale());
    text = h_read_file(err);
    json = h_read_file(kept);
    ck_assert_msg(status == 2 && access(h_tmpdir_path("out"), F_OK) != 0,
                  "%s: exit %d, or wrote its output: %s", cmd, status,
                  text != NULL ? text : "");
    ck_assert_msg(json != NULL && strstr(json, "7") != NULL,
                  "%s removed the earlier results before refusing: %s", cmd,
                  text != NULL ? text : "");
    ck_assert_msg(text != NULL && strstr(text, words) != NULL,
                  "%s does not say \"%s\": %s", cmd, words,
                  text != NULL ? text : "");
    free(json);
    free(text);
}

/* A mistyped exercise, test or limit is a usage error, not one fewer
   graded, and the earlier results stay */
START_TEST(test_grading_usage)
{
    char path[PATH_MAX + 16];
    char *json;
    int status;

    usage_error("scripts/grade.sh --ex 01,9 --out \"$4\"",
                "no exercise '9'", 60000);
    usage_error("scripts/grade.sh --ex 01 --tets x --out \"$4\"",
                "unknown option '--tets'", 60000);
    /* a second --ex adds to the first, never replaces it */
    usage_error("scripts/grade.sh --ex 9 --ex 01 --out \"$4\"",
                "no exercise '9'", 60000);
    /* the autograder selects as grade.sh does: no package that every
       submission's 'make grade EX=01,0' would refuse */
    usage_error("scripts/grade-autograder.sh --ex 01,0 \"$2\"",
                "no exercise '0'", 60000);
    /* a value that names nothing, or a pattern, selects nothing: refused */
    usage_error("scripts/grade.sh --ex 01 --tests '' --out \"$4\"",
                "--tests '' names nothing", 60000);
    usage_error("scripts/grade.sh --ex '0*' --out \"$4\"",
                "names, not patterns", 60000);
    /* an empty value (an unset variable) grades elsewhere, or less:
       --build '' built into /grade and exited 0 with 0/0 */
    usage_error("scripts/grade.sh --ex 01 --tests make_existing --build '' "
                "--out \"$4\"", "--build '' names nothing", 60000);
    usage_error("scripts/grade.sh --ex 01 --tests make_existing --hidden '' "
                "--out \"$4\"", "--hidden '' names nothing", 60000);
    usage_error("scripts/grade.sh --ex 01 --tests make_existing --out \"$4\" "
                "--out ''", "--out '' names nothing", 60000);
    /* as root, a TMPDIR the tests' uid cannot enter failed every test */
    if (geteuid() == 0) {
        ck_assert_int_eq(mkdir(h_tmpdir_path("closed"), 0700), 0);
        ck_assert_int_eq(mkdir(h_tmpdir_path("closed/t"), 0755), 0);
        usage_error("env TMPDIR=\"${2%/*}/closed/t\" scripts/grade.sh --ex 01 "
                    "--tests make_existing --out \"$4\"",
                    "set TMPDIR to a directory others may enter", 60000);
    }
    /* a second hidden directory silently replaced the first */
    usage_error("scripts/grade.sh --ex 01 --tests make_existing --hidden "
                "\"$3\" --hidden \"$3\" --out \"$4\"",
                "--hidden given twice", 60000);
    /* a missing --ex value, or an OUT like an option, was taken as OUT */
    usage_error("scripts/grade-autograder.sh --ex", "--ex '': exercise "
                "numbers", 60000);
    usage_error("scripts/grade-autograder.sh --ex , \"$2\"", "--ex ','",
                60000);
    usage_error("scripts/grade-autograder.sh -x.zip", "usage:", 60000);
    usage_error("scripts/grade-handout.sh ''", "usage:", 60000);
    /* results.json beside files of the instructor's: none is removed */
    ck_assert_int_eq(mkdir(h_tmpdir_path("mixed"), 0700), 0);
    h_write_file(h_tmpdir_path("mixed/results.json"), "{}\n");
    h_write_file(h_tmpdir_path("mixed/notes.txt"), "mine\n");
    usage_error("scripts/grade.sh --ex 01 --out \"${2%/*}/mixed\"",
                "is not an earlier grading's results", 60000);
    ck_assert_msg(access(h_tmpdir_path("mixed/notes.txt"), F_OK) == 0,
                  "grade.sh removed a file of the instructor's in --out");
    usage_error("env CK_TIMEOUT_MULTIPLIER=x scripts/grade.sh --ex 01 "
                "--out \"$4\"", "CK_TIMEOUT_MULTIPLIER", 60000);
    usage_error("env GRADE_BUDGET=9m scripts/grade.sh --ex 01 --out \"$4\"",
                "GRADE_BUDGET must be a whole number", 60000);
    /* hidden tests that would silently not be graded */
    usage_error("env -u GRADE_HIDDEN_DIR scripts/grade.sh --ex 01 "
                "--hidden-from-env --out \"$4\"", "GRADE_HIDDEN_DIR", 60000);
    ck_assert_int_eq(mkdir(h_tmpdir_path("hidden"), 0700), 0);
    ck_assert_int_eq(mkdir(h_tmpdir_path("hidden/1"), 0700), 0);
    h_write_file(h_tmpdir_path("hidden/1/check_more.c"), "\n");
    usage_error("scripts/grade.sh --ex 01 --hidden \"${2%/*}/hidden\" "
                "--out \"$4\"", "hidden/1/check_more.c' is not in DIR/NN/",
                60000);
    /* refused when packed, not when every submission is graded */
    usage_error("scripts/grade-autograder.sh \"$2\" \"${2%/*}/hidden\"",
                "hidden/1/check_more.c' is not in DIR/NN/", 60000);
    /* known only once the exercise's tests are built and listed */
    usage_error("scripts/grade.sh --build \"$3\" --ex 01 --tests "
                "'make_existing no_such_test' --out \"$4\"",
                "no test named 'no_such_test'", 600000);
    /* a name is never taken for an option of echo's */
    usage_error("scripts/grade.sh --build \"$3\" --ex 01 --tests -n "
                "--out \"$4\"", "no test named '-n'", 600000);
    /* even when the exercise's tests do not compile: named from sources */
    ck_assert_int_eq(mkdir(h_tmpdir_path("broken"), 0700), 0);
    ck_assert_int_eq(mkdir(h_tmpdir_path("broken/01"), 0700), 0);
    h_write_file(h_tmpdir_path("broken/01/check_broken.c"), "#error no\n");
    usage_error("scripts/grade.sh --build \"$3\" --ex 01 --hidden "
                "\"${2%/*}/broken\" --tests 'make_existing no_such_test' "
                "--out \"$4\"", "no test named 'no_such_test'", 600000);
    /* not a usage error: a hidden script in a relative --hidden DIR */
    ck_assert_int_eq(mkdir(h_tmpdir_path("rel"), 0700), 0);
    ck_assert_int_eq(mkdir(h_tmpdir_path("rel/01"), 0700), 0);
    h_write_file(h_tmpdir_path("rel/01/ok.sh"), "# points: 1\nexit 0\n");
    status = h_run((const char *[]){ "/bin/sh", "-c", "cd \"$1\" && exec "
                   "scripts/grade.sh --build \"$3\" --ex 01 --tests hidden_ok "
                   "--hidden \"$(realpath --relative-to=. \"${2%/*}/rel\")\" "
                   "--out \"$2\"", "sh", h_srcdir(), h_tmpdir_path("out"),
                   h_build_name(), NULL }, NULL, NULL, NULL, 600000 *
                   time_scale());
    snprintf(path, sizeof(path), "%s/results.json", h_tmpdir_path("out"));
    json = h_read_file(path);
    ck_assert_msg(status == 0 && json != NULL &&
                  strstr(json, "01-fifo-setup/hidden_ok") != NULL &&
                  json_int(json, "score") == 1, "a relative --hidden DIR: "
                  "exit %d, its script not graded: %s", status,
                  json != NULL ? json : "");
    free(json);
}
END_TEST

Suite *
grading_suite(void)
{
    Suite *s = suite_create("grading");
    struct { const char *name; const TTest *test; int timeout; } cases[] = {
        { "solutions", test_grading_solutions_full_marks, 900 },
        { "skeletons", test_grading_skeletons_score_low, SKELETON_MAX_S + 60 },
        { "results", test_grading_results_well_formed, 60 },
        { "usage", test_grading_usage, 780 },
        { "checked", test_grading_solutions_checked, 180 },
        { "handout", test_grading_handout_stands_alone, 1200 },
        { "autograder", test_grading_autograder, 1200 },
        { "compilers", test_grading_other_compiler, 900 },
        { "recording", test_grading_record_timeout, 120 },
        { "fixtures", test_grading_fixtures, 3600 },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        TCase *tc = tcase_create(cases[i].name);

        tcase_set_timeout(tc, cases[i].timeout);
        tcase_add_unchecked_fixture(tc, h_tmpdir_init, h_tmpdir_cleanup);
        _tcase_add_test(tc, cases[i].test, 0, 0, 0, 1);
        suite_add_tcase(s, tc);
    }
    return s;
}
