/*
 * labs/common/run.c - running the reference system's programs from a lab.
 *
 * Labs 03 to 05 use the real ipclab-server and ipclab-rc, found beside the
 * lab binary (build/bin/), on the lab's own runtime directory, so that no
 * server has to be started by hand and a student's own server, if one is
 * running, is never disturbed. They are started with the library's
 * ipc_spawn_output() and ipc_server_start() (fork+exec, traced as
 * proc_spawn).
 * See lab.h for the API.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "ipclab/proc.h"
#include "ipclab/sig.h"
#include "lab.h"

#define MAX_CLIENTS 8           /* of lab_clients_run() */

/* Path of program 'name' beside the lab binary (build/bin/) into buf */
static void
lab_bin(char *buf, size_t size, const char *name)
{
    char dir[PATH_MAX - 64];

    if (ipc_exe_dir(dir, sizeof(dir)) == -1)
        ipc_die("cannot find the directory of this program");
    snprintf(buf, size, "%s/%s", dir, name);
}

pid_t
lab_spawn(const char *role, const char *const argv[], const char *out)
{
    int fd = -1;
    pid_t pid;

    fflush(NULL);               /* the child must not print ours again */
    if (out != NULL &&
        (fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1)
        ipc_die("cannot create '%s'", out);
    pid = ipc_spawn_output(role, (char *const *)argv, fd);
    if (fd >= 0)
        close(fd);
    if (pid == -1)
        ipc_die("cannot start '%s'", argv[0]);
    return pid;
}

bool
lab_server_start(struct lab_server *s, const char *const extra[])
{
    char server[PATH_MAX], line[PATH_MAX + 16], expect[PATH_MAX + 16];
    const char *argv[24] = { server, "--dir", s->dir };
    int n = 3;

    lab_bin(server, sizeof(server), "ipclab-server");
    lab_bin(s->rc, sizeof(s->rc), "ipclab-rc");
    lab_path(s->dir, "run");
    for (int i = 0; extra != NULL && extra[i] != NULL && n < 23; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;

    fflush(NULL);
    snprintf(expect, sizeof(expect), "ready: %s", s->dir);
    s->pid = ipc_server_start((char *const *)argv,
                              ipc_deadline_ms(LAB_WAIT_MS), &s->out, line,
                              sizeof(line));
    if (s->pid == -1) {
        lab_say("ipclab-server did not say '%s': %s", expect,
                strerror(errno));
        return false;
    }
    if (strcmp(line, expect) != 0) {
        lab_say("ipclab-server said '%s', not '%s'", line, expect);
        kill(s->pid, SIGKILL);
        lab_wait(s->pid, "server");
        close(s->out);
        return false;
    }
    return true;
}

int
lab_server_stop(struct lab_server *s)
{
    struct ipc_sigs sigs;
    char line[512];
    int status;

    ipc_sigs_init(&sigs, IPCLAB_SIG_RT);
    ipc_sig_send(&sigs, SIGINT, "stop", s->pid, 0);
    status = lab_wait(s->pid, "server");
    /* it has ended: what it printed is all in the pipe */
    while (ipc_read_line(s->out, line, sizeof(line), ipc_deadline_ms(0)) == 1)
        lab_say("server says: %s", line);
    close(s->out);
    return status;
}

/* Path of client 'name''s file 'ext' ("rc1.in") into buf */
static const char *
client_file(char buf[static PATH_MAX], const char *name, const char *ext)
{
    char file[NAME_MAX + 1];

    snprintf(file, sizeof(file), "%s.%s", name, ext);
    return lab_path(buf, file);
}

/* Make NAME.in: a file holding 'input', or a fresh FIFO when it is NULL */
static void
client_input(const char *path, const char *input)
{
    bool written;
    FILE *f;

    if (unlink(path) == -1 && errno != ENOENT)
        ipc_die("cannot remove '%s'", path);
    if (input == NULL) {
        if (mkfifo(path, 0600) == -1)
            ipc_die("cannot create the FIFO '%s'", path);
        return;
    }
    if ((f = fopen(path, "we")) == NULL)
        ipc_die("cannot create '%s'", path);
    written = fputs(input, f) != EOF;
    if (fclose(f) == EOF || !written)
        ipc_die("cannot write '%s'", path);
}

/* ipclab-rc --dir DIR OPTION FILE ARGS..., its stdout into NAME.out */
static pid_t
spawn_rc(const struct lab_server *srv, const char *name, const char *option,
         const char *file, const char *const args[])
{
    char out[PATH_MAX];
    const char *argv[24] = { srv->rc, "--dir", srv->dir, option, file };
    int n = 5;

    for (int i = 0; args != NULL && args[i] != NULL && n < 23; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return lab_spawn("rc", argv, client_file(out, name, "out"));
}

pid_t
lab_client_start(const struct lab_server *srv, const char *name,
                 const char *input, const char *const args[])
{
    char in[PATH_MAX];

    client_input(client_file(in, name, "in"), input);
    return spawn_rc(srv, name, "--file", in, args);
}

/* Open the write end of 'fifo' once client pid has opened its read end;
   -1 when pid ended first or the deadline passed. */
static int
open_when_read(const char *fifo, pid_t pid, int64_t deadline)
{
    siginfo_t si;
    int fd;

    while ((fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
        if (errno != ENXIO && errno != EINTR)
            ipc_die("cannot open '%s'", fifo);
        /* WNOWAIT: see whether it ended, and leave it for lab_wait() */
        si.si_pid = 0;
        if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == -1
            || si.si_pid != 0 || ipc_ms_until(deadline) == 0)
            return -1;
        ipc_sleep_ms(1);        /* look again: a condition, not a guess */
    }
    if (ipc_fd_set_nonblock(fd, 0) == -1)
        ipc_die("cannot make '%s' blocking", fifo);
    return fd;
}

/* Once every client has opened its FIFO, write each its text; false (and
   said why) when a client died or never opened its input */
static bool
release(int n, const pid_t pid[], const char *const fifo[],
        const char *const text[])
{
    int64_t deadline = ipc_deadline_ms(LAB_WAIT_MS);
    struct sigaction ign = { .sa_handler = SIG_IGN }, old;
    int fd[n];
    bool ok = true;

    for (int i = 0; i < n; i++) {
        if ((fd[i] = open_when_read(fifo[i], pid[i], deadline)) == -1) {
            lab_say("client %ld did not open its input '%s'", (long)pid[i],
                    fifo[i]);
            ok = false;
        }
    }
    /* all are waiting for their input: now give it, one write each; a
       client gone meanwhile is an EPIPE to report, not a SIGPIPE */
    sigemptyset(&ign.sa_mask);
    if (sigaction(SIGPIPE, &ign, &old) == -1)
        ipc_die("sigaction");
    for (int i = 0; i < n; i++) {
        if (fd[i] == -1)
            continue;
        if (ok && ipc_write_full(fd[i], text[i], strlen(text[i])) == -1) {
            lab_say("cannot give client %ld its input: %s", (long)pid[i],
                    strerror(errno));
            ok = false;
        }
        close(fd[i]);
    }
    if (sigaction(SIGPIPE, &old, NULL) == -1)
        ipc_die("sigaction");
    return ok;
}

bool
lab_client_check(pid_t pid, const char *name, const char *expect)
{
    int status = lab_wait(pid, "rc");
    char out[PATH_MAX], text[1024];
    int answers = 0;

    lab_read_file(client_file(out, name, "out"), text, sizeof(text));
    for (const char *l = text; *l != '\0'; l += *l == '\n') {
        lab_say("%s: %.*s", name, (int)strcspn(l, "\n"), l);
        l += strcspn(l, "\n");
    }
    for (const char *c = expect; *c != '\0'; c++)
        answers += *c == '\n';
    return lab_expect(status == 0 && strcmp(text, expect) == 0,
                      "%s (pid %ld) got its %d answers, each right", name,
                      (long)pid, answers);
}

bool
lab_clients_run(const struct lab_server *srv, int n, const char *window,
                const char *const input[], const char *const expect[])
{
    const char *args[] = { "--window", window, NULL };
    char name[MAX_CLIENTS][16], in[MAX_CLIENTS][PATH_MAX];
    const char *in_of[MAX_CLIENTS] = { NULL };
    pid_t pid[MAX_CLIENTS] = { 0 };
    int64_t t0;
    bool ok;

    if (n > MAX_CLIENTS)
        ipc_diex("lab_clients_run: at most %d clients", MAX_CLIENTS);
    for (int i = 0; i < n; i++) {
        snprintf(name[i], sizeof(name[i]), "rc%d", i + 1);
        in_of[i] = client_file(in[i], name[i], "in");
        pid[i] = lab_client_start(srv, name[i], NULL, args);
    }
    t0 = ipc_now_ms();
    ok = lab_expect(release(n, pid, in_of, input), "%d clients started, "
                    "then released together", n);
    for (int i = 0; i < n; i++)
        ok &= lab_client_check(pid[i], name[i], expect[i]);
    lab_say("all %d clients done in %lld ms after their release", n,
            (long long)(ipc_now_ms() - t0));
    return ok;
}

bool
lab_generators_start(const struct lab_server *srv, int n,
                      const char *const *const args[], pid_t pid[],
                      char out[][PATH_MAX])
{
    char name[MAX_CLIENTS][16], gate[MAX_CLIENTS][PATH_MAX];
    const char *gate_of[MAX_CLIENTS], *nothing[MAX_CLIENTS];

    if (n > MAX_CLIENTS)
        ipc_diex("lab_generators_start: at most %d", MAX_CLIENTS);
    for (int i = 0; i < n; i++) {
        snprintf(name[i], sizeof(name[i]), "gen%d", i + 1);
        gate_of[i] = client_file(gate[i], name[i], "gate");
        client_input(gate[i], NULL);
        nothing[i] = "";
        pid[i] = spawn_rc(srv, name[i], "--gate", gate[i], args[i]);
        client_file(out[i], name[i], "out");
    }
    return lab_expect(release(n, pid, gate_of, nothing), "%d load "
                      "generators started, then released together", n);
}

char *
lab_read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = 0;

    if (fd >= 0) {
        n = ipc_read_full(fd, buf, size - 1);
        close(fd);
    }
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}
