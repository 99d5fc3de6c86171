/*
 * labs/01-fifo-setup/main.c - lab01-fifo-setup: making and opening FIFOs.
 *
 * A FIFO is a pipe with a name in the file system: mkfifo() makes the
 * name, open() connects a process to one of its two ends, and from then
 * on it is a pipe (fifo(7), pipe(7)). This lab runs, one experiment at a
 * time, the behaviours the whole kit relies on: permissions and the umask,
 * the open() rendezvous, O_NONBLOCK, end of file, SIGPIPE, PIPE_BUF
 * atomicity, and the capacity of a FIFO. Each experiment forks its own
 * peers; nothing else has to run.
 *
 * Run:   build/bin/lab01-fifo-setup --help
 *        build/bin/lab01-fifo-setup all
 *        make lab N=01            (the same, traced, with its diagram)
 * The handout is labs/01-fifo-setup/README.md. Lab 01.
 */
#include "lab.h"
#include "lab01.h"

static const struct lab_experiment experiments[] = {
    { "mkfifo", "mkfifo(), the umask, and the 0666-versus-666 bug",
      exp_mkfifo },
    { "exists", "a FIFO that already exists: EEXIST, and what to check",
      exp_exists },
    { "rendezvous", "open() waits until the other end is opened",
      exp_rendezvous },
    { "nonblock", "O_NONBLOCK: open() returns at once, or fails with ENXIO",
      exp_nonblock },
    { "eof", "read() returns 0 only when the last writer has closed",
      exp_eof },
    { "sigpipe", "writing with no reader: SIGPIPE, or EPIPE if ignored",
      exp_sigpipe },
    { "atomicity", "PIPE_BUF: small writes never mix, big ones can tear",
      exp_atomicity },
    { "capacity", "how many 56-byte records a FIFO holds: pages, not bytes",
      exp_capacity },
    { NULL, NULL, NULL },
};

int
main(int argc, char *argv[])
{
    static const struct lab lab = {
        "lab01", "FIFO set-up", "labs/01-fifo-setup/README.md", experiments,
    };

    return lab_main(&lab, argc, argv);
}
