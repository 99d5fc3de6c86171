/*
 * labs/common/peer.c - a lab's peers: forking, waiting, and gates.
 *
 * Invariant: no lab process ever sleeps to let another one "get there
 * first". When an experiment needs an order between processes, the one
 * that must go second waits on a gate (a pipe) that the first one posts
 * to, or for the first one to sleep in the kernel (lab_wait_blocked());
 * and every such wait has a bound, LAB_WAIT_MS, after which the experiment
 * fails instead of hanging. That keeps every run of a lab the same run.
 * See lab.h for the API; the experiments are in labs/NN-name/.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "ipclab/proc.h"
#include "ipclab/trace.h"
#include "lab.h"

static const char *role = "lab";        /* of this process */

const char *
lab_role(void)
{
    return role;
}

void
lab_set_role(const char *r)
{
    role = r;
}

pid_t
lab_fork(const char *peer_role, lab_peer_fn fn, void *arg)
{
    pid_t pid;

    fflush(NULL);               /* or the peer would print our output again */
    pid = fork();
    if (pid == -1)
        ipc_die("cannot fork the %s", peer_role);
    if (pid == 0) {
        int status;

        lab_set_role(peer_role);
        IPCLAB_TP(proc_start, peer_role, (int)getppid());
        status = fn(arg);
        IPCLAB_TP(proc_exit, peer_role, status);
        fflush(NULL);
        _exit(status);          /* not exit(): the lab's clean-up is its own */
    }
    IPCLAB_TP(proc_spawn, peer_role, (int)pid);
    return pid;
}

int
lab_wait(pid_t pid, const char *peer_role)
{
    int code;

    if (ipc_wait_or_kill(pid, peer_role, LAB_WAIT_MS, &code) == 0)
        return code;
    if (errno != ETIMEDOUT)
        ipc_die("cannot wait for %s %ld", peer_role, (long)pid);
    lab_say("%s %ld did not finish within %d ms: killed", peer_role,
            (long)pid, LAB_WAIT_MS);
    return -1;
}

/* The state letter of process pid ('R', 'S', 'Z'...), or 0 if it is gone */
static char
proc_state_of(pid_t pid)
{
    char path[64], buf[512], *paren;
    FILE *f;
    char state = 0;

    snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
    if ((f = fopen(path, "re")) == NULL)
        return 0;
    /* "PID (COMM) S ...": COMM may hold spaces, so look after the last ')' */
    if (fgets(buf, sizeof(buf), f) != NULL &&
        (paren = strrchr(buf, ')')) != NULL)
        state = paren[2];
    fclose(f);
    return state;
}

/* /proc/PID/wchan into buf: where pid sleeps; false when it says "0" */
static bool
read_wchan(pid_t pid, char *buf, size_t size)
{
    char path[64];
    FILE *f;
    bool ok = false;

    snprintf(path, sizeof(path), "/proc/%ld/wchan", (long)pid);
    if ((f = fopen(path, "re")) != NULL) {
        ok = fgets(buf, (int)size, f) != NULL && buf[0] != '0';
        fclose(f);
    }
    return ok;
}

bool
lab_wait_blocked(pid_t pid, char *wchan, size_t size)
{
    int64_t deadline = ipc_deadline_ms(LAB_WAIT_MS);
    char state;

    while ((state = proc_state_of(pid)) != 'S') {
        if (state == 0 || state == 'Z' || ipc_ms_until(deadline) == 0)
            return false;
        ipc_sleep_ms(1);        /* look again: we test a condition, we do
                                   not guess a duration */
    }
    /* wchan reads "0" for an instant around going to sleep, and always
       where the kernel hides it: a few more looks, then "?" */
    for (int i = 0; !read_wchan(pid, wchan, size); i++) {
        if (i == 100) {
            snprintf(wchan, size, "?");
            break;
        }
        ipc_sleep_ms(1);
    }
    return true;
}

void
lab_gate_init(struct lab_gate *g)
{
    int fd[2];

    /* O_CLOEXEC: programs the lab execs must not hold our gates */
    if (pipe2(fd, O_CLOEXEC) == -1)
        ipc_die("pipe2");
    g->rfd = fd[0];
    g->wfd = fd[1];
}

void
lab_gate_post(struct lab_gate *g, int v)
{
    if (ipc_write_full(g->wfd, &v, sizeof(v)) == -1)
        ipc_die("cannot post to a gate");
}

bool
lab_gate_wait(struct lab_gate *g, int *v)
{
    struct pollfd p = { .fd = g->rfd, .events = POLLIN };
    int64_t deadline = ipc_deadline_ms(LAB_WAIT_MS);
    int value, n;

    do
        n = poll(&p, 1, ipc_ms_until(deadline));
    while (n == -1 && errno == EINTR);  /* restart, keeping the deadline */
    if (n != 1 || ipc_read_full(g->rfd, &value, sizeof(value)) !=
                  (ssize_t)sizeof(value)) {
        lab_say("waited %d ms at a gate for another process: giving up",
                LAB_WAIT_MS);
        return false;
    }
    if (v != NULL)
        *v = value;
    return true;
}

void
lab_gate_close(struct lab_gate *g)
{
    close(g->rfd);
    close(g->wfd);
}

void
lab_steps_init(struct lab_steps *s)
{
    lab_gate_init(&s->go);
    lab_gate_init(&s->done);
}

bool
lab_step(struct lab_steps *s)
{
    lab_gate_post(&s->go, 1);
    return lab_gate_wait(&s->done, NULL);
}

void
lab_steps_close(struct lab_steps *s)
{
    lab_gate_close(&s->go);
    lab_gate_close(&s->done);
}
