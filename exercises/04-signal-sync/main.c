/*
 * main.c - exercise 04: ex04-client, a requesting client (given).
 *
 *   ex04-client [--dir DIR] [--timeout MS] A OP B
 *   ex04-client [--dir DIR] [--timeout MS] --file F
 *
 * prints one line per expression, exactly as ipclab-rc does ("6 * 7 =
 * 42", "1 / 0: division by zero", "... : no answer"), one request at a
 * time. This file finds the server, blocks the signals with your
 * hs_block() before anything is sent, and opens the FIFOs; the protocol
 * is hs.c, which you write.
 * Exercise 04 (given code: no TODO here).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hs.h"
#include "ipclab/calc.h"
#include "ipclab/cli.h"
#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "ipclab/rundir.h"
#include "ipclab/trace.h"

enum { OPT_HELP = 1, OPT_DIR, OPT_FILE, OPT_TIMEOUT };

static const struct ipc_cli_opt options[] = {
    { "help", 0, OPT_HELP },
    { "dir", 1, OPT_DIR },
    { "file", 1, OPT_FILE },
    { "timeout", 1, OPT_TIMEOUT },
    { NULL, 0, 0 },
};

static void
connect_server(struct hs *h, const char *dir)
{
    enum ipc_sig_mode mode;
    char path[PATH_MAX];

    if (ipc_rundir_check(dir) == -1 ||
        ipc_rundir_server(dir, &h->server, &mode) == -1)
        ipc_diex("no server running on '%s'", dir);
    ipc_sigs_init(&h->sigs, mode);
    h->next_seq = 1;
    /* block before sending, to avoid a race: see hs.h */
    if (hs_block(h, NULL) == -1)
        ipc_die("cannot block the protocol's signals");
    /* SIGPIPE ignored: a vanished server shows up as EPIPE */
    signal(SIGPIPE, SIG_IGN);
    if (ipc_rundir_fifo(path, sizeof(path), dir, IPCLAB_FIFO1) == -1 ||
        (h->fd1 = ipc_fifo_open(IPCLAB_FIFO1, path, O_WRONLY | O_NONBLOCK)) == -1)
        ipc_die("cannot open '%s'", path);
    if (ipc_rundir_fifo(path, sizeof(path), dir, IPCLAB_FIFO2) == -1 ||
        (h->fd2 = ipc_fifo_open(IPCLAB_FIFO2, path, O_RDONLY | O_NONBLOCK)) == -1)
        ipc_die("cannot open '%s'", path);
}

/* One expression: send it, print its line. Returns 0 when answered. */
static int
one(struct hs *h, const char *line, int timeout_ms)
{
    struct ipc_record res;
    enum ipc_op op;
    int64_t a, b;
    int err = ipc_calc_parse(line, &op, &a, &b);

    if (err != 0) {
        printf("%.*s: %s\n", (int)strcspn(line, "\n"), line,
               err == ERANGE ? "operand out of range" : "invalid expression");
        return 0;
    }
    printf("%" PRId64 " %c %" PRId64, a, ipc_op_symbol(op), b);
    if (hs_request(h, op, a, b, &res, timeout_ms) == -1) {
        printf(": no answer\n");
        fflush(stdout);
        ipc_warn("request %u", h->next_seq - 1);
        return -1;
    }
    if (res.status == 0)
        printf(" = %" PRId64 "\n", res.value);
    else
        printf(": %s\n", ipc_status_text(res.status));
    fflush(stdout);
    return 0;
}

int
main(int argc, char *argv[])
{
    struct ipc_cli cli = IPCLAB_CLI_INIT(argc, argv);
    const char *dir_opt = NULL, *file = NULL, *arg;
    char dir[PATH_MAX], expr[256] = "";
    struct hs h;
    int id, timeout_ms = 10000, failed = 0;

    ipc_set_progname(argv[0]);
    while ((id = ipc_cli_next_or_exit(&cli, options, &arg)) !=
           IPCLAB_CLI_END) {
        switch (id) {
        case OPT_HELP:
            printf("Usage: %s [--dir DIR] [--timeout MS] (A OP B | --file "
                   "F)\n\n"
                   "Exercise 04's requesting client. Sends each expression\n"
                   "to the server in DIR (default as ipclab-rc) and prints one\n"
                   "line per expression, as ipclab-rc does, one request at a\n"
                   "time; gives up on an answer after MS (default 10000).\n"
                   "The protocol is hs.c, which you write.\n",
                   ipc_progname());
            ipc_cli_help_exit();
        case OPT_DIR:     dir_opt = arg; break;
        case OPT_FILE:    file = arg; break;
        case OPT_TIMEOUT:
            timeout_ms = (int)ipc_cli_int_or_exit("timeout", arg, 1,
                                                  3600000);
            break;
        case IPCLAB_CLI_OPERAND:
            if (strlen(expr) + strlen(arg) + 2 > sizeof(expr))
                ipc_usage_error("expression too long");
            strcat(strcat(expr, expr[0] ? " " : ""), arg);
            break;
        }
    }
    if ((file != NULL) == (expr[0] != '\0'))
        ipc_usage_error("give an expression A OP B, or --file F");
    if (ipc_rundir_resolve(dir_opt, dir, sizeof(dir)) == -1)
        ipc_usage_error("runtime directory name too long");

    IPCLAB_TP(proc_start, "rc", (int)getppid());
    connect_server(&h, dir);
    if (file == NULL) {
        failed = one(&h, expr, timeout_ms) != 0;
    } else {
        FILE *in = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
        char line[256];

        if (in == NULL)
            ipc_die("cannot open '%s'", file);
        while (fgets(line, sizeof(line), in) != NULL) {
            if (line[strspn(line, " \t\n")] == '\0' ||
                line[strspn(line, " \t")] == '#')
                continue;
            if (one(&h, line, timeout_ms) != 0)
                failed = 1;
        }
    }
    IPCLAB_TP(proc_exit, "rc", failed);
    return failed;
}
