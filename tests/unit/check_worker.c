/*
 * tests/unit/check_worker.c - unit tests for the server's side of worker.h.
 *
 * ipc_worker_spawn() runs a stand-in, a bash script named ipclab-mul in a
 * mkdtemp directory, that writes down its arguments and its blocked
 * signals; the test reaps it and reads them. The module is
 * src/lib/worker.c.
 *
 * Run:   CK_RUN_SUITE=worker build/tests/unit
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipclab/proc.h"
#include "ipclab/worker.h"
#include "unit.h"

/* A stand-in worker: its arguments, one a line, then its SigBlk line */
static void
write_stand_in(void)
{
    char path[PATH_MAX];
    FILE *f;

    unit_path(path, sizeof(path), unit_tmpdir, "ipclab-mul");
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    /* bash, not sh: dash unblocks every signal when it starts */
    fputs("#!/bin/bash\n"
          "printf '%s\\n' \"$@\" > \"$0.out\"\n"
          "grep SigBlk /proc/$$/status >> \"$0.out\"\n", f);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(chmod(path, 0700), 0);
}

/* Spawn with args, reap it (exit 0) and read what it wrote into out */
static void
spawn_and_read(const struct ipc_worker_args *args, char *out, size_t size)
{
    char path[PATH_MAX];
    int status;
    pid_t pid;

    write_stand_in();
    pid = ipc_worker_spawn(unit_tmpdir, args);
    ck_assert_int_gt(pid, 0);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    unit_path(path, sizeof(path), unit_tmpdir, "ipclab-mul.out");
    unit_read_file(path, out, size);
}

static bool
starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The blocked set in a SigBlk line has bit signo - 1 */
static bool
blocked(const char *out, int signo)
{
    const char *hex = strstr(out, "SigBlk:");
    unsigned long long mask;

    ck_assert_ptr_nonnull(hex);
    mask = strtoull(hex + strlen("SigBlk:"), NULL, 16);
    return (mask >> (signo - 1)) & 1;
}

START_TEST(test_worker_path)
{
    char buf[64], big[PATH_MAX + 8];

    ck_assert_int_eq(ipc_worker_path(buf, sizeof(buf), "/opt/bin",
                                     IPCLAB_OP_DIV), 0);
    ck_assert_str_eq(buf, "/opt/bin/ipclab-div");
    ck_assert_int_eq(ipc_worker_path(buf, 12, "/opt/bin", IPCLAB_OP_DIV), -1);
    ck_assert_int_eq(errno, ENAMETOOLONG);
    /* a directory too long for any path: nothing is started */
    memset(big, 'd', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    errno = 0;
    ck_assert_int_eq(ipc_worker_spawn(big, &(struct ipc_worker_args){
                                          .op = IPCLAB_OP_MUL }), -1);
    ck_assert_int_eq(errno, ENAMETOOLONG);
}
END_TEST

/* The pool's command line: --by-server, --dir and --signals only */
START_TEST(test_worker_spawn_pool)
{
    struct ipc_worker_args args = { .op = IPCLAB_OP_MUL,
                                    .mode = IPCLAB_SIG_CLASSIC,
                                    .dir = "/run/x" };
    char out[512];

    spawn_and_read(&args, out, sizeof(out));
    ck_assert_msg(starts_with(out, "--by-server\n--dir\n/run/x\n--signals\n"
                              "classic\n"
                              "SigBlk:"), "got: %s", out);
    /* 'ready' may come before it reaches main(); SIGINT waits too */
    ck_assert(blocked(out, SIGUSR1));
    ck_assert(blocked(out, SIGRTMIN + 1));
    ck_assert(blocked(out, SIGINT));
    ck_assert(blocked(out, SIGTERM));
    ck_assert(!blocked(out, SIGHUP));
}
END_TEST

/* Per request, with the test hooks: every option set */
START_TEST(test_worker_spawn_every_option)
{
    struct ipc_worker_args args = { .op = IPCLAB_OP_MUL, .mode = IPCLAB_SIG_RT,
                                    .once = 1, .delay_ms = 25,
                                    .crash_after = 3 };
    char out[512];

    spawn_and_read(&args, out, sizeof(out));
    ck_assert_msg(starts_with(out, "--by-server\n--signals\nrt\n--once\n"
                              "--delay\n25\n"
                              "--crash-after\n3\nSigBlk:"), "got: %s", out);
}
END_TEST

Suite *
worker_suite(void)
{
    Suite *s = suite_create("worker");
    TCase *tc = tcase_create("spawn");

    tcase_add_unchecked_fixture(tc, unit_tmpdir_setup,

                                    unit_tmpdir_teardown);
    tcase_add_test(tc, test_worker_path);
    tcase_add_test(tc, test_worker_spawn_pool);
    tcase_add_test(tc, test_worker_spawn_every_option);
    suite_add_tcase(s, tc);
    return s;
}
