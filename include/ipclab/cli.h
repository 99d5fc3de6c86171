/*
 * ipclab/cli.h - a small command-line parser shared by every program.
 *
 * Why not getopt_long(): "ipclab-rc -5 + 3" must read "-5" as a number,
 * and getopt takes anything starting with '-' for an option. Here only
 * words starting with "--" (and "-h") are options; "--" ends them; every
 * other word, "-5" and "-" included, is an operand.
 *
 *     static const struct ipc_cli_opt opts[] = {
 *         { "dir", 1, OPT_DIR }, { "help", 0, OPT_HELP }, { NULL, 0, 0 },
 *     };
 *     struct ipc_cli cli = IPCLAB_CLI_INIT(argc, argv);
 *     const char *arg;
 *     int id;
 *     while ((id = ipc_cli_next_or_exit(&cli, opts, &arg)) !=
 *            IPCLAB_CLI_END) {
 *         switch (id) {
 *         case IPCLAB_CLI_OPERAND: ...arg is the operand...
 *         case OPT_DIR:         ...arg is the value...
 *         case OPT_HELP:        usage(); ipc_cli_help_exit();
 *         }
 *     }
 *
 * Unknown options and missing values are usage errors. ipc_cli_parse()
 * returns them (IPCLAB_CLI_ERROR, the message in cli.error); a program
 * calls the *_or_exit functions, which print the message and "Try 'PROG
 * --help'." and exit with status 2, before anything is started.
 */
#ifndef IPCLAB_CLI_H
#define IPCLAB_CLI_H

#include <stdint.h>

#define IPCLAB_CLI_END     (-1)
#define IPCLAB_CLI_OPERAND 0
#define IPCLAB_CLI_ERROR   (-2)

struct ipc_cli_opt {
    const char *name;               /* without the leading "--" */
    int has_arg;                    /* 1: takes a value (--name V, --name=V) */
    int id;                         /* > 0, returned by ipc_cli_parse() */
};

struct ipc_cli {
    int argc;
    char **argv;
    int i;                          /* next word to look at */
    int only_operands;              /* after "--" */
    char error[96];                 /* the last usage error, in words */
};

#define IPCLAB_CLI_INIT(argc, argv) { (argc), (argv), 1, 0, "" }

/*
 * The next option's id with its value in *arg (NULL when it takes none),
 * IPCLAB_CLI_OPERAND with the word in *arg, or IPCLAB_CLI_END. "-h" is
 * "--help", which every program has: the table must contain "help".
 * An unknown option, a missing value or a value given to a flag:
 * IPCLAB_CLI_ERROR with errno EINVAL and the message in cli->error.
 */
int
ipc_cli_parse(struct ipc_cli *cli, const struct ipc_cli_opt *opts,
              const char **arg);

/* ipc_cli_parse(), but a usage error ends the program (status 2). */
int
ipc_cli_next_or_exit(struct ipc_cli *cli, const struct ipc_cli_opt *opts,
                     const char **arg);

/*
 * The value of option 'name' as an integer in [min, max], or a usage
 * error that names the option and ends the program (status 2). The same
 * without exiting is ipc_parse_i64() (err.h).
 */
int64_t
ipc_cli_int_or_exit(const char *name, const char *value, int64_t min,
                    int64_t max);

/*
 * End the program after its help was printed on stdout: status 0, or 1
 * with a message when stdout could not take it (closed, or a full disk).
 */
void
ipc_cli_help_exit(void) __attribute__((noreturn));

#endif /* IPCLAB_CLI_H */
