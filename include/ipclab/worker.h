/*
 * ipclab/worker.h - what a processing client does before its first request:
 * read the command line the server gives it and open FIFO3 and FIFO4.
 *
 * Shared by the kit's processing clients (src/worker/main.c) and by
 * exercise 03, whose students write the protocol part only. The options
 * are those of docs/protocol.md, section 6:
 *
 *     --dir DIR  --once  --signals rt|classic  --op NAME  --delay MS
 *     --crash-after N  --help
 *
 * A program run as ipclab-sum (or -sub, -mul, -div) computes that
 * operation unless --op says otherwise.
 */
#ifndef IPCLAB_WORKER_H
#define IPCLAB_WORKER_H

#include "ipclab/record.h"
#include "ipclab/sig.h"

struct ipc_worker_args {
    enum ipc_op op;             /* from the program's name, or --op */
    enum ipc_sig_mode mode;     /* --signals; rt by default */
    const char *dir;            /* --dir, or NULL: see ipc_rundir_resolve() */
    int once;                   /* --once: one request, then exit */
    int delay_ms;               /* --delay: pretend to work this long */
    long crash_after;           /* --crash-after: test hook, 0 = never */
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

#endif /* IPCLAB_WORKER_H */
