/*
 * main.c - exercise 02: ex02-router's set-up and loop (given).
 *
 *   ex02-router --dir DIR
 *
 * Creates DIR (0700) and in it the FIFOs in, sum, sub, mul, div and
 * rejects (0600), prints "ready: DIR", then routes every request written
 * into DIR/in until SIGINT or SIGTERM, and prints on stopping
 *
 *   routed: sum=N sub=N mul=N div=N rejected=N dropped=N
 *
 * The framing and routing are router.c, which you write.
 * Exercise 02 (given code: no TODO here).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ipclab/cli.h"
#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "ipclab/rundir.h"
#include "ipclab/trace.h"
#include "router.h"

static int
make_fifo(const char *dir, const char *name, int flags)
{
    char path[PATH_MAX];
    int fd;

    if (ipc_rundir_path(path, sizeof(path), dir, name) == -1)
        ipc_diex("directory name too long");
    if (unlink(path) == -1 && errno != ENOENT)
        ipc_die("cannot remove the old FIFO '%s'", path);
    if (ipc_fifo_create(IPCLAB_FIFO_LAB, path, 0600) == -1)
        ipc_die("cannot create FIFO '%s'", path);
    /* O_RDWR on a FIFO (Linux): never waits for the other end, and keeps
       the FIFO open, so records wait there for their reader */
    if ((fd = ipc_fifo_open(IPCLAB_FIFO_LAB, path, flags)) == -1)
        ipc_die("cannot open '%s'", path);
    return fd;
}

int
main(int argc, char *argv[])
{
    static const struct ipc_cli_opt options[] = {
        { "help", 0, 1 }, { "dir", 1, 2 }, { NULL, 0, 0 },
    };
    struct ipc_cli cli = IPCLAB_CLI_INIT(argc, argv);
    const char *dir = NULL, *arg;
    struct timespec zero = { 0, 0 };
    int out[IPCLAB_OP_COUNT + 1] = { -1 };
    struct rt_stats st = { { 0 }, 0, 0 };
    static struct rt_framer f;
    sigset_t stopset;
    int id, in, rejects;

    ipc_set_progname(argv[0]);
    while ((id = ipc_cli_next_or_exit(&cli, options, &arg)) !=
           IPCLAB_CLI_END) {
        if (id == 1) {
            printf("Usage: %s --dir DIR\n\n"
                   "Exercise 02's router. Creates DIR and in it the FIFOs in,\n"
                   "sum, sub, mul, div and rejects, prints 'ready: DIR', then\n"
                   "routes every request written into DIR/in to its\n"
                   "operation's FIFO until SIGINT or SIGTERM, and prints\n"
                   "'routed: sum=N sub=N mul=N div=N rejected=N dropped=N'.\n"
                   "The routing is router.c, which you write.\n",
                   ipc_progname());
            ipc_cli_help_exit();
        }
        if (id == 2)
            dir = arg;
        else
            ipc_usage_error("unexpected argument '%s'", arg);
    }
    if (dir == NULL)
        ipc_usage_error("--dir DIR is required");

    /* SIGINT and SIGTERM blocked, taken between reads: no handler */
    sigemptyset(&stopset);
    sigaddset(&stopset, SIGINT);
    sigaddset(&stopset, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &stopset, NULL) == -1)
        ipc_die("sigprocmask");
    signal(SIGPIPE, SIG_IGN);

    IPCLAB_TP(proc_start, "router", (int)getppid());
    if (ipc_rundir_prepare(dir) == -1)
        ipc_die("unusable directory '%s'", dir);
    in = make_fifo(dir, "in", O_RDWR | O_NONBLOCK);
    for (uint32_t op = 1; op <= IPCLAB_OP_COUNT; op++)
        out[op] = make_fifo(dir, ipc_op_name(op), O_RDWR | O_NONBLOCK);
    rejects = make_fifo(dir, "rejects", O_RDWR | O_NONBLOCK);
    rt_framer_init(&f);
    printf("ready: %s\n", dir);
    fflush(stdout);

    while (sigtimedwait(&stopset, NULL, &zero) == -1) {
        struct pollfd p = { .fd = in, .events = POLLIN };
        unsigned char buf[RT_BUF];
        struct ipc_record rec;
        ssize_t n;

        if (poll(&p, 1, 100) <= 0)
            continue;
        /* read only what the framer has room for */
        n = read(in, buf, sizeof(buf) - f.len);
        if (n <= 0)
            continue;           /* EAGAIN, EINTR: poll again */
        if (rt_framer_feed(&f, buf, (size_t)n) == -1)
            ipc_die("rt_framer_feed");
        while (rt_framer_next(&f, &rec, &st) == 1)
            if (rt_dispatch(out, rejects, &rec, &st) == -1)
                ipc_warn("cannot route request %d:%u", rec.pid, rec.seq);
    }
    printf("routed: sum=%lu sub=%lu mul=%lu div=%lu rejected=%lu "
           "dropped=%lu\n", st.routed[1], st.routed[2], st.routed[3],
           st.routed[4], st.rejected, st.dropped);
    IPCLAB_TP(proc_exit, "router", 0);
    return 0;
}
