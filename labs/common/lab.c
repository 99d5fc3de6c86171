/*
 * labs/common/lab.c - the command line and the run of a lab's experiments.
 *
 * Every lab binary has the interface the handouts use:
 *
 *   lab01-fifo-setup --help          its experiments, one line each
 *   lab01-fifo-setup atomicity eof   those experiments, in table order
 *   lab01-fifo-setup all             every experiment
 *
 * Each experiment gets a clean start: the signal mask and the dispositions
 * an experiment may change are put back, and a signal it left pending is
 * taken, so one experiment cannot disturb the next. In the trace, the lab's
 * ipclab:proc_state events (state = the experiment's name) separate them.
 * Shared by every lab; the peers' side is in peer.c, the reference
 * system's programs in run.c.
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipclab/cli.h"
#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "ipclab/rundir.h"
#include "ipclab/trace.h"
#include "lab.h"

#define MAX_EXPERIMENTS 32

static char scratch[PATH_MAX / 2];  /* the lab's private directory */
static pid_t lab_pid;               /* the lab, not a peer forked from it */

/* SIGINT, SIGTERM, SIGHUP: remove the scratch directory, then die of the
   signal as without this handler. Only async-signal-safe calls: the
   removal is rm -rf in a child. A peer forked from the lab just dies. */
static void
on_stop(int sig)
{
    char *const argv[] = { "rm", "-rf", "--", scratch, NULL };
    char *const envp[] = { NULL };
    pid_t pid;

    if (getpid() == lab_pid && (pid = fork()) != -1) {
        if (pid == 0) {
            execve("/bin/rm", argv, envp);
            _exit(127);
        }
        while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
            ;
    }
    signal(sig, SIG_DFL);
    raise(sig);                 /* blocked until we return: then it kills */
}

/* At exit, the lab's own process (not a peer that exit()s) removes the
   scratch directory: after its experiments, or when one cannot go on */
static void
remove_scratch_at_exit(void)
{
    if (getpid() == lab_pid && scratch[0] != '\0' &&
        ipc_remove_tree(scratch) == -1)
        ipc_warn("cannot remove '%s'", scratch);
}

/* Stopped from outside (Ctrl-C, kill, a closed terminal), the lab leaves
   no scratch directory behind; a signal ignored on entry stays so. */
static void
remove_scratch_on_stop(void)
{
    static const int stops[] = { SIGINT, SIGTERM, SIGHUP };
    struct sigaction sa = { .sa_handler = on_stop }, old;

    lab_pid = getpid();
    sigfillset(&sa.sa_mask);    /* nothing else runs during the removal */
    for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++) {
        if (sigaction(stops[i], NULL, &old) == -1)
            ipc_die("sigaction");
        if (old.sa_handler != SIG_IGN && sigaction(stops[i], &sa, NULL) == -1)
            ipc_die("sigaction");
    }
}

static void
usage(const struct lab *lab)
{
    const char *num = lab->role + 3;            /* "01" of "lab01" */

    printf("Usage: %s EXPERIMENT...\n"
           "       %s all\n\n", ipc_progname(), ipc_progname());
    printf("Lab %s: %s. Each experiment starts the processes it needs,\n"
           "prints what happened and checks it against the handout,\n"
           "%s.\n\nExperiments:\n", num, lab->title, lab->handout);
    for (const struct lab_experiment *e = lab->experiments; e->name; e++)
        printf("  %-14s %s\n", e->name, e->summary);
    printf("  %-14s %s\n", "all", "every experiment above, in this order");
    printf("\nRecord a trace of it and print its sequence diagram with\n"
           "'make lab N=%s'.\n\n"
           "Exit status: 0 when every experiment behaved as the handout\n"
           "says, 1 when one did not, 2 on usage errors.\n", num);
}

/* Mark in 'chosen' the experiments named on the command line. */
static void
parse_args(const struct lab *lab, int argc, char *argv[], bool *chosen)
{
    static const struct ipc_cli_opt options[] = {
        { "help", 0, 1 }, { NULL, 0, 0 },
    };
    struct ipc_cli cli = IPCLAB_CLI_INIT(argc, argv);
    const char *arg;
    int id, n = 0;

    while ((id = ipc_cli_next_or_exit(&cli, options, &arg)) !=
           IPCLAB_CLI_END) {
        bool all = strcmp(arg != NULL ? arg : "", "all") == 0, found = all;

        if (id != IPCLAB_CLI_OPERAND) {
            usage(lab);
            ipc_cli_help_exit();
        }
        n++;
        for (int i = 0; lab->experiments[i].name != NULL; i++) {
            if (all || strcmp(arg, lab->experiments[i].name) == 0) {
                chosen[i] = true;
                found = true;
            }
        }
        if (!found)
            ipc_usage_error("no experiment '%s' in this lab", arg);
    }
    if (n == 0)
        ipc_usage_error("which experiment? give one of those --help lists, "
                        "or 'all'");
}

/* The signals an experiment may block, catch or ignore */
static void
experiment_signals(sigset_t *set)
{
    static const int classic[] = { SIGPIPE, SIGUSR1, SIGUSR2, SIGCHLD };

    sigemptyset(set);
    for (size_t i = 0; i < sizeof(classic) / sizeof(classic[0]); i++)
        sigaddset(set, classic[i]);
    for (int s = SIGRTMIN; s <= SIGRTMAX; s++)
        sigaddset(set, s);
}

/* Undo what an experiment did to signals: see the header comment. */
static void
clean_signals(const sigset_t *orig_mask)
{
    struct timespec zero = { 0, 0 };
    sigset_t set;

    experiment_signals(&set);
    sigprocmask(SIG_BLOCK, &set, NULL);
    while (sigtimedwait(&set, NULL, &zero) > 0)
        ;                       /* left pending: take it, or it would strike
                                   when the mask is restored */
    for (int s = 1; s < NSIG; s++)
        if (sigismember(&set, s) == 1)
            signal(s, SIG_DFL);
    sigprocmask(SIG_SETMASK, orig_mask, NULL);
}

int
lab_main(const struct lab *lab, int argc, char *argv[])
{
    bool chosen[MAX_EXPERIMENTS] = { false };
    const char *tmp = getenv("TMPDIR");
    int ran = 0, failed = 0;
    sigset_t orig_mask, unblock;

    ipc_set_progname(argv[0]);
    setvbuf(stdout, NULL, _IOLBF, 0);   /* lines in time order, peers too */
    parse_args(lab, argc, argv, chosen);
    lab_set_role(lab->role);

    snprintf(scratch, sizeof(scratch), "%s/%s.XXXXXX",
             tmp != NULL && tmp[0] == '/' ? tmp : "/tmp", lab->role);
    if (mkdtemp(scratch) == NULL)
        ipc_die("cannot create a directory like '%s'", scratch);
    remove_scratch_on_stop();
    if (atexit(remove_scratch_at_exit) != 0)
        ipc_diex("cannot register the removal of '%s'", scratch);
    IPCLAB_TP(proc_start, lab->role, (int)getppid());

    /* start clean too: whoever started us may have blocked or ignored
       SIGPIPE, SIGUSR1... and experiments fork peers that inherit both */
    sigprocmask(SIG_SETMASK, NULL, &orig_mask);
    experiment_signals(&unblock);
    for (int s = 1; s < NSIG; s++)
        if (sigismember(&unblock, s) == 1)
            sigdelset(&orig_mask, s);
    clean_signals(&orig_mask);

    for (int i = 0; lab->experiments[i].name != NULL; i++) {
        const struct lab_experiment *e = &lab->experiments[i];
        bool ok;

        if (!chosen[i])
            continue;
        printf("%s== %s: %s ==\n", ran++ ? "\n" : "", e->name, e->summary);
        IPCLAB_TP(proc_state, lab->role, e->name);
        ok = e->run();
        clean_signals(&orig_mask);
        printf("-> %s\n", ok ? "as the handout says"
                             : "NOT as the handout says");
        failed += !ok;
    }
    if (ran > 1)
        printf("\n%d of %d experiments behaved as the handout says.\n",
               ran - failed, ran);
    IPCLAB_TP(proc_state, lab->role, "idle");
    IPCLAB_TP(proc_exit, lab->role, failed ? 1 : 0);
    return failed ? IPCLAB_EXIT_FAILURE : 0;
}

/* "  TEXT" from the lab, "  ROLE PID: TEXT" from a peer */
static void
say(const char *prefix, const char *fmt, va_list ap)
{
    if (strncmp(lab_role(), "lab", 3) != 0)
        printf("  %s %ld: ", lab_role(), (long)getpid());
    else
        printf("  ");
    fputs(prefix, stdout);
    vprintf(fmt, ap);
    putchar('\n');
}

void
lab_say(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    say("", fmt, ap);
    va_end(ap);
}

bool
lab_expect(bool cond, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    say(cond ? "ok: " : "UNEXPECTED: ", fmt, ap);
    va_end(ap);
    return cond;
}

const char *
lab_path(char buf[static PATH_MAX], const char *name)
{
    snprintf(buf, PATH_MAX, "%s/%s", scratch, name);
    return buf;
}

long
lab_need(long result, const char *what)
{
    if (result == -1)
        ipc_die("cannot %s", what);
    return result;
}

const char *
lab_fifo(enum ipc_fifo_no no, const char *path)
{
    if (ipc_fifo_create(no, path, 0600) == -1)
        ipc_die("cannot create the FIFO '%s'", path);
    return path;
}

int
lab_open(enum ipc_fifo_no no, const char *path, int flags)
{
    int fd = ipc_fifo_open(no, path, flags);

    if (fd == -1)
        ipc_die_kind("FIFO", "cannot open the FIFO '%s'", path);
    return fd;
}
