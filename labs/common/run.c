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
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "ipclab/proc.h"
#include "ipclab/rundir.h"
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

/* ipclab-rc --dir DIR [--file NAME.in] ARGS..., its stdout into NAME.out;
   NAME.in holds 'input' unless it is NULL */
pid_t
lab_client_start(const struct lab_server *srv, const char *name,
                 const char *input, const char *const args[])
{
    char in[PATH_MAX], out[PATH_MAX];
    const char *argv[24] = { srv->rc, "--dir", srv->dir };
    int n = 3;
    bool written;
    FILE *f;

    if (input != NULL) {
        if ((f = fopen(client_file(in, name, "in"), "we")) == NULL)
            ipc_die("cannot create '%s'", in);
        written = fputs(input, f) != EOF;
        if (fclose(f) == EOF || !written)
            ipc_die("cannot write '%s'", in);
        argv[n++] = "--file";
        argv[n++] = in;
    }
    for (int i = 0; args != NULL && args[i] != NULL && n < 23; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return lab_spawn("rc", argv, client_file(out, name, "out"));
}

bool
lab_server_hold(const struct lab_server *s)
{
    siginfo_t si;

    /* WNOWAIT: seen stopped, and left for lab_wait() */
    return lab_expect(kill(s->pid, SIGSTOP) == 0 &&
                      waitid(P_PID, (id_t)s->pid, &si, WSTOPPED | WNOWAIT)
                      == 0 && si.si_code == CLD_STOPPED,
                      "the server is held (SIGSTOP)");
}

bool
lab_server_release(const struct lab_server *s, int records)
{
    int64_t deadline = ipc_deadline_ms(LAB_WAIT_MS);
    char fifo1[PATH_MAX];
    int fd, held = 0;

    /* a second reader, which never reads: it only counts what is there */
    ipc_rundir_fifo(fifo1, sizeof(fifo1), s->dir, IPCLAB_FIFO1);
    fd = lab_open(IPCLAB_FIFO1, fifo1, O_RDONLY | O_NONBLOCK);
    while (lab_need(ioctl(fd, FIONREAD, &held), "count FIFO1's bytes") == 0
           && held < records * (int)sizeof(struct ipc_record) &&
           ipc_ms_until(deadline) > 0)
        ipc_sleep_ms(1);        /* look again: a condition, not a guess */
    close(fd);
    lab_need(kill(s->pid, SIGCONT), "let the server go on (SIGCONT)");
    return lab_expect(held >= records * (int)sizeof(struct ipc_record),
                      "%d requests waited in FIFO1, then the server went on",
                      records);
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
lab_clients_run(const struct lab_server *srv, int n, int window,
                const char *const input[], const char *const expect[])
{
    char name[MAX_CLIENTS][16], w[16];
    const char *args[] = { "--window", w, NULL };
    pid_t pid[MAX_CLIENTS] = { 0 };
    int records = 0;
    int64_t t0;
    bool ok;

    if (n > MAX_CLIENTS)
        ipc_diex("lab_clients_run: at most %d clients", MAX_CLIENTS);
    snprintf(w, sizeof(w), "%d", window);
    ok = lab_server_hold(srv);
    for (int i = 0; i < n; i++) {
        int lines = 0;

        for (const char *c = input[i]; *c != '\0'; c++)
            lines += *c == '\n';
        records += lines < window ? lines : window;
        snprintf(name[i], sizeof(name[i]), "rc%d", i + 1);
        pid[i] = lab_client_start(srv, name[i], input[i], args);
    }
    t0 = ipc_now_ms();
    ok &= lab_server_release(srv, records);
    for (int i = 0; i < n; i++)
        ok &= lab_client_check(pid[i], name[i], expect[i]);
    lab_say("all %d clients done in %lld ms after the server went on", n,
            (long long)(ipc_now_ms() - t0));
    return ok;
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
