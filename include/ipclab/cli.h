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
 *     while ((id = ipc_cli_next(&cli, opts, &arg)) != IPCLAB_CLI_END) {
 *         switch (id) {
 *         case IPCLAB_CLI_OPERAND: ...arg is the operand...
 *         case OPT_DIR:         ...arg is the value...
 *         }
 *     }
 *
 * Unknown options and missing values are usage errors: a message, "Try
 * 'PROG --help'." and exit status 2, before anything is started.
 */
#ifndef IPCLAB_CLI_H
#define IPCLAB_CLI_H

#include <stdint.h>

#define IPCLAB_CLI_END     (-1)
#define IPCLAB_CLI_OPERAND 0

struct ipc_cli_opt {
    const char *name;               /* without the leading "--" */
    int has_arg;                    /* 1: takes a value (--name V, --name=V) */
    int id;                         /* > 0, returned by ipc_cli_next() */
};

struct ipc_cli {
    int argc;
    char **argv;
    int i;                          /* next word to look at */
    int only_operands;              /* after "--" */
};

#define IPCLAB_CLI_INIT(argc, argv) { (argc), (argv), 1, 0 }

/*
 * The next option's id with its value in *arg (NULL when it takes none),
 * IPCLAB_CLI_OPERAND with the word in *arg, or IPCLAB_CLI_END. "-h" is
 * "--help", which every program has: the table must contain "help".
 */
int
ipc_cli_next(struct ipc_cli *cli, const struct ipc_cli_opt *opts,
             const char **arg);

/*
 * The value of option 'name' as an integer in [min, max], or a usage
 * error (exit 2) that names the option.
 */
int64_t
ipc_cli_int(const char *name, const char *value, int64_t min, int64_t max);

#endif /* IPCLAB_CLI_H */
