/*
 * ipclab/worker.h - what a processing client does before its first request:
 * read the command line the server gives it and open FIFO3 and FIFO4; and
 * the server's side, starting one with that command line.
 *
 * Shared by the kit's processing clients (src/worker/main.c) and by
 * exercise 03, whose students write the protocol part only. The options
 * are those of docs/protocol.md, section 6:
 *
 *     --dir DIR  --once  --signals rt|classic  --op NAME  --delay MS
 *     --crash-after N  --by-server  --help
 *
 * A program run as ipclab-sum (or -sub, -mul, -div) computes that
 * operation unless --op says otherwise.
 */
#ifndef IPCLAB_WORKER_H
#define IPCLAB_WORKER_H

#include <stddef.h>
#include <sys/types.h>

#include "ipclab/record.h"
#include "ipclab/sig.h"

struct ipc_worker_args {
    enum ipc_op op;             /* from the program's name, or --op */
    enum ipc_sig_mode mode;     /* --signals; rt by default */
    const char *dir;            /* --dir, or NULL: see ipc_rundir_resolve() */
    int once;                   /* --once: one request, then exit */
    int delay_ms;               /* --delay: pretend to work this long */
    long crash_after;           /* --crash-after: test hook, 0 = never */
    int by_server;              /* --by-server: SIGINT is the server's */
};

/*
 * Fill *args from the command line; ipc_set_progname(argv[0]) must have
 * been called. --help calls usage() and exits 0. An unknown option, a bad
 * value, an operand or no operation at all is a usage error: a message
 * and exit status 2, before anything has started.
 */
void
ipc_worker_args_or_exit(int argc, char *argv[], struct ipc_worker_args *args,
                        void (*usage)(void));

/*
 * Choose the runtime directory (dir: --dir or NULL, as ipc_rundir_resolve()
 * does), check that it is safe, and open FIFO3 for reading into *fd3 and
 * FIFO4 for writing into *fd4. Both opens are non-blocking and neither
 * waits: the server holds both ends of both FIFOs. A server that is not
 * there (ENXIO), or any other failure, ends the program with a one-line
 * message and exit status 1.
 */
void
ipc_worker_open_fifos_or_exit(const char *dir, int *fd3, int *fd4);

/*
 * The path of processing client 'op' in 'worker_dir', "DIR/ipclab-sum",
 * into buf. Returns 0, or -1 with errno ENAMETOOLONG.
 */
int
ipc_worker_path(char *buf, size_t size, const char *worker_dir,
                enum ipc_op op);

/*
 * The server's side: start processing client args->op from worker_dir
 * with the command line that gives it *args and says who started it
 * (--by-server; --dir when args->dir is not NULL, --signals, and --once,
 * --delay, --crash-after when set). Every protocol signal, SIGINT and
 * SIGTERM are blocked in it from its first instant, so the caller may
 * send 'ready' before it reaches main() [lab04:early-ready]. Returns its
 * pid (ipc_spawn()), or -1 with errno ENAMETOOLONG or from fork(). Never
 * prints or exits.
 */
pid_t
ipc_worker_spawn(const char *worker_dir, const struct ipc_worker_args *args);

#endif /* IPCLAB_WORKER_H */
