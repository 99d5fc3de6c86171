/*
 * cli.c - the command-line parser of every ipclab program: ipc_cli_parse()
 * returns usage errors; only the functions named *_exit end the program.
 *
 * Unit tests: tests/unit/check_cli.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipclab/cli.h"
#include "ipclab/err.h"

/* The option called name[0..len), or NULL. */
static const struct ipc_cli_opt *
find(const struct ipc_cli_opt *opts, const char *name, size_t len)
{
    for (; opts->name != NULL; opts++)
        if (strlen(opts->name) == len && strncmp(opts->name, name, len) == 0)
            return opts;
    return NULL;
}

/* A usage error: its message into cli->error, and IPCLAB_CLI_ERROR */
static int
usage_error(struct ipc_cli *cli, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
usage_error(struct ipc_cli *cli, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(cli->error, sizeof(cli->error), fmt, ap);
    va_end(ap);
    errno = EINVAL;
    return IPCLAB_CLI_ERROR;
}

int
ipc_cli_parse(struct ipc_cli *cli, const struct ipc_cli_opt *opts,
              const char **arg)
{
    const struct ipc_cli_opt *opt;
    const char *word, *name, *eq;
    size_t len;

    *arg = NULL;
    if (cli->i >= cli->argc)
        return IPCLAB_CLI_END;
    word = cli->argv[cli->i++];

    if (!cli->only_operands && strcmp(word, "--") == 0) {
        cli->only_operands = 1;
        return ipc_cli_parse(cli, opts, arg);
    }
    if (cli->only_operands || strncmp(word, "--", 2) != 0) {
        if (!cli->only_operands && strcmp(word, "-h") == 0)
            word = "--help";
        else {
            *arg = word;        /* "-5", "-" and "6*7" are operands */
            return IPCLAB_CLI_OPERAND;
        }
    }

    name = word + 2;
    eq = strchr(name, '=');
    len = eq != NULL ? (size_t)(eq - name) : strlen(name);
    opt = find(opts, name, len);
    if (opt == NULL)
        return usage_error(cli, "unknown option '--%.*s'", (int)len, name);
    if (!opt->has_arg) {
        if (eq != NULL)
            return usage_error(cli, "option '--%s' takes no value",
                               opt->name);
        return opt->id;
    }
    if (eq != NULL)
        *arg = eq + 1;
    else if (cli->i < cli->argc)
        *arg = cli->argv[cli->i++];
    else
        return usage_error(cli, "option '--%s' needs a value", opt->name);
    return opt->id;
}

int
ipc_cli_next_or_exit(struct ipc_cli *cli, const struct ipc_cli_opt *opts,
                     const char **arg)
{
    int id = ipc_cli_parse(cli, opts, arg);

    if (id == IPCLAB_CLI_ERROR)
        ipc_usage_error("%s", cli->error);
    return id;
}

int64_t
ipc_cli_int_or_exit(const char *name, const char *value, int64_t min,
                    int64_t max)
{
    int64_t v;

    if (ipc_parse_i64(value, min, max, &v) == -1)
        ipc_usage_error("option '--%s': '%s' is not a number from %lld to "
                        "%lld", name, value, (long long)min, (long long)max);
    return v;
}

void
ipc_cli_help_exit(void)
{
    if (fflush(stdout) == EOF || ferror(stdout))
        ipc_die("cannot write the help");
    exit(0);
}
