/*
 * labs/common/lab.h - what every lab binary shares: experiments and peers.
 *
 * A lab binary is a table of experiments and one call:
 *
 *     static const struct lab_experiment experiments[] = {
 *         { "eof", "read() returns 0 when the last writer closes", exp_eof },
 *         { NULL, NULL, NULL },
 *     };
 *     int main(int argc, char *argv[])
 *     {
 *         return lab_main(&(struct lab){ "lab01", "FIFO set-up",
 *                         "labs/01-fifo-setup/README.md", experiments },
 *                         argc, argv);
 *     }
 *
 * lab_main() gives it --help, "all" and the exit status; each experiment
 * forks the peers it needs with lab_fork(), orders them with gates (pipes:
 * nothing here ever sleeps to let another process "get there first"), and
 * says what happened with lab_say() and lab_expect().
 *
 * Every process traces its life with the kit's tracepoints: the lab itself
 * as role "lab01", its peers with their own roles ("reader", "writer"...).
 * The lab's own ipclab:proc_state is reserved: its 'state' is the name of
 * the experiment that starts (then "idle" at the end), which is how the
 * traces, and the tests, cut a run into experiments. Peers may trace
 * their states as the reference programs do ("waiting_signal"...).
 * Peers are fork()ed without exec: the lab binaries are linked with
 * liblttng-ust-fork (mk/labs.mk), which re-registers a child with LTTng so
 * that its events carry its own pid (docs/tracing.md, section 6).
 *
 * The FIFOs live in a private scratch directory (lab_path()), removed when
 * the lab ends. Everything the library offers (ipclab/fifo.h, sig.h,
 * record.h, proc.h) is used as is: this file only adds what a lab needs
 * beyond the reference system.
 */
#ifndef IPCLAB_LAB_H
#define IPCLAB_LAB_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ipclab/fifo.h"

#define LAB_WAIT_MS 10000       /* every wait has a way out: then it fails */

struct lab_experiment {
    const char *name;           /* the command-line word: "atomicity" */
    const char *summary;        /* one line for --help */
    bool (*run)(void);          /* true: it behaved as the handout says */
};

struct lab {
    const char *role;           /* "lab01": proc_start's role, and the
                                   prefix of the scratch directory */
    const char *title;          /* "FIFO set-up" */
    const char *handout;        /* "labs/01-fifo-setup/README.md" */
    const struct lab_experiment *experiments;   /* ends with a NULL name */
};

/*
 * Parse the command line (EXPERIMENT..., "all", --help), run the chosen
 * experiments in table order, and return the exit status: 0 when each
 * behaved as the handout says, 1 otherwise, 2 on usage errors. Each
 * experiment starts with a clean signal state and is marked in the trace by
 * ipclab:proc_state with the experiment's name as 'state'.
 */
int
lab_main(const struct lab *lab, int argc, char *argv[]);

/* Print one indented line of what happened ("  reader 4711: ..." in a peer). */
void
lab_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "  ok: ..." or "  UNEXPECTED: ..."; returns cond. */
bool
lab_expect(bool cond, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Path of 'name' in the lab's scratch directory, written into buf; returns
   buf. */
const char *
lab_path(char buf[static PATH_MAX], const char *name);

/* A step the experiment cannot do without (a write, a signal): when
   'result' is -1, say what could not be done and why, and exit 1 (a peer
   too). Returns result. */
long
lab_need(long result, const char *what);

/* mkfifo 'path' (mode 0600) as FIFO 'no' of the traces; returns path. An
   experiment cannot go on without it: on failure the lab says why and
   exits 1, its scratch directory removed. */
const char *
lab_fifo(enum ipc_fifo_no no, const char *path);

/* ipc_fifo_open() for the lab's own end of a FIFO it cannot do without:
   on failure the lab says why and exits 1. Returns the descriptor. */
int
lab_open(enum ipc_fifo_no no, const char *path, int flags);

/* The role of the calling process: the lab's, or its peer's. */
const char *
lab_role(void);

/* Set it (lab_main() and lab_fork() do). */
void
lab_set_role(const char *role);

/* ---- peers (peer.c) ---------------------------------------------------- */

typedef int (*lab_peer_fn)(void *arg);

/*
 * fork() a peer that runs fn(arg) and exits with its return value. The peer
 * traces proc_start and proc_exit with 'role' (at most 15 characters); the
 * lab traces proc_spawn. Dies when fork() fails.
 */
pid_t
lab_fork(const char *role, lab_peer_fn fn, void *arg);

/*
 * Wait up to LAB_WAIT_MS for child pid to end, and reap it (traced as
 * proc_reap). Returns its exit status, 128 + signal when a signal killed
 * it, or -1 when it did not end in time (it is then killed).
 */
int
lab_wait(pid_t pid, const char *role);

/*
 * Wait up to LAB_WAIT_MS for process pid to sleep in the kernel (state S
 * in /proc/PID/stat) and copy where it sleeps ("wait_for_partner",
 * "pipe_read"... from /proc/PID/wchan, or "?") into wchan. Call it once the
 * peer has said it is about to make the blocking call. False on timeout.
 */
bool
lab_wait_blocked(pid_t pid, char *wchan, size_t size);

/*
 * A gate: a pipe that carries small integers between a lab and its peers,
 * so that one process waits for another's "done" instead of guessing how
 * long that takes. Make it before fork(); both sides keep both ends.
 */
struct lab_gate {
    int rfd, wfd;
};

void
lab_gate_init(struct lab_gate *g);

/* Send v (one atomic write). */
void
lab_gate_post(struct lab_gate *g, int v);

/* Take one value (into *v unless NULL), waiting up to LAB_WAIT_MS;
   false on timeout. */
bool
lab_gate_wait(struct lab_gate *g, int *v);

void
lab_gate_close(struct lab_gate *g);

/*
 * Two gates for a lab that drives a peer one step at a time: the lab calls
 * lab_step() ("take your next step, and tell me when you have"); the peer
 * waits on 'go', takes the step, and posts to 'done'.
 */
struct lab_steps {
    struct lab_gate go;         /* lab --> peer */
    struct lab_gate done;       /* peer --> lab */
};

void
lab_steps_init(struct lab_steps *s);

bool
lab_step(struct lab_steps *s);

void
lab_steps_close(struct lab_steps *s);

/* ---- the reference system's programs (run.c) ---------------------------- */

/*
 * Start argv (argv[0] a path, such as a lab_server's rc) with
 * ipc_spawn_output(), its stdout into file 'out' (NULL: ours). Returns the
 * pid; dies on failure.
 */
pid_t
lab_spawn(const char *role, const char *const argv[], const char *out);

/* A running ipclab-server, started by the lab on its own directory */
struct lab_server {
    pid_t pid;
    int out;                    /* its stdout */
    char dir[PATH_MAX];         /* its runtime directory */
    char rc[PATH_MAX];          /* the ipclab-rc beside the lab, for clients */
};

/*
 * Start ipclab-server --dir lab_path("run") plus the NULL-terminated
 * options 'extra' (may be NULL), and wait for its "ready:" line. False
 * (and said why) when it does not come within LAB_WAIT_MS.
 */
bool
lab_server_start(struct lab_server *s, const char *const extra[]);

/* Stop it with SIGINT, print its last line; returns its exit status. */
int
lab_server_stop(struct lab_server *s);

/*
 * Start a client of srv called 'name' ("rc1"): ipclab-rc --file NAME.in
 * plus the NULL-terminated 'args' (may be NULL), its stdout into NAME.out,
 * both in the scratch directory. NAME.in holds 'input'; when input is
 * NULL it is a FIFO, and the client waits in open() until the lab writes
 * it (lab_clients_run()). Dies on failure.
 */
pid_t
lab_client_start(const struct lab_server *srv, const char *name,
                 const char *input, const char *const args[]);

/*
 * Wait for client 'name' (pid), show what it printed ("rc1: 6 * 7 = 42"),
 * and check that against 'expect'. True when it exited 0 and printed
 * exactly 'expect'.
 */
bool
lab_client_check(pid_t pid, const char *name, const char *expect);

/*
 * n clients rc1, rc2... of server srv, each 'ipclab-rc --window WINDOW'
 * sending input[i], released together: a traced process takes longer to
 * start than a client takes to send a few requests, so clients started
 * one after the other never meet in the server. Each reads its input
 * from a FIFO of its own, whose open() blocks until the lab writes it,
 * which it does once every client is up. Then each is checked with
 * lab_client_check() against expect[i]. True when all were released and
 * each printed what it should.
 */
bool
lab_clients_run(const struct lab_server *srv, int n, const char *window,
                const char *const input[], const char *const expect[]);

/*
 * n clients gen1, gen2... of server srv: 'ipclab-rc --gate GEN.gate' plus
 * the NULL-terminated args[i] (load generators: --count N --random), each
 * waiting at a gate of its own (a FIFO) until all are up, then released
 * together as lab_clients_run()'s are. pid[i] and out[i] (the path of its
 * stdout, GEN.out) are for the lab to wait and check. False (said why)
 * when one was not released.
 */
bool
lab_generators_start(const struct lab_server *srv, int n,
                      const char *const *const args[], pid_t pid[],
                      char out[][PATH_MAX]);

/* The content of file 'path' into buf (NUL-terminated); "" when absent. */
char *
lab_read_file(const char *path, char *buf, size_t size);

#endif /* IPCLAB_LAB_H */
