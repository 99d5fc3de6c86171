/*
 * trace/main.c - ipclab-trace: see what happened in a recorded trace.
 *
 *   traces/record.sh -o /tmp/t1 -- scripts/workload.sh build/bin
 *   build/bin/ipclab-trace seq /tmp/t1          the sequence diagram
 *   build/bin/ipclab-trace svg /tmp/t1 > t1.svg  ...as a picture
 *   build/bin/ipclab-trace chrome /tmp/t1 > t1.json   for ui.perfetto.dev
 *   build/bin/ipclab-trace stats /tmp/t1        counts and latencies
 *   build/bin/ipclab-trace check /tmp/t1        is the protocol kept?
 *
 * This file parses the command line and prints the help of the tool or of
 * one command from its tables; each subcommand has its own file
 * (seq.c, svg.c, chrome.c, stats.c, check.c) over the shared reader
 * (source.c), matcher (match.c) and diagram layout (diagram.c).
 * The trace's events are the catalogue in include/ipclab/tp.h.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ipclab/cli.h"
#include "ipclab/err.h"
#include "cmd.h"
#include "decode.h"
#include "label.h"
#include "source.h"

enum { OPT_HELP = 1, OPT_SINCE, OPT_UNTIL, OPT_PID, OPT_REQUEST, OPT_WIDTH,
       OPT_ASCII, OPT_SERVER, OPT_ALL, OPT_LAYOUT, OPT_OUTPUT, OPT_COUNT };

static const struct ipc_cli_opt options[] = {
    { "help", 0, OPT_HELP },
    { "since", 1, OPT_SINCE },
    { "until", 1, OPT_UNTIL },
    { "pid", 1, OPT_PID },
    { "request", 1, OPT_REQUEST },
    { "width", 1, OPT_WIDTH },
    { "ascii", 0, OPT_ASCII },
    { "server", 1, OPT_SERVER },
    { "all", 0, OPT_ALL },
    { "layout", 1, OPT_LAYOUT },
    { "output", 1, OPT_OUTPUT },
    { NULL, 0, 0 },
};

/* Options of seq and svg that choose what is drawn, as bits 1 << OPT_... */
#define VIEW_OPTS (1u << OPT_SINCE | 1u << OPT_UNTIL | 1u << OPT_PID | \
                   1u << OPT_REQUEST)

/* Options every command has */
#define COMMON_OPTS (1u << OPT_HELP | 1u << OPT_SERVER | 1u << OPT_ALL)

/* What each option does, in the help texts */
static const char *const option_help[OPT_COUNT] = {
    [OPT_SERVER] =
        "  --server PID    only the ipclab system of server PID: the\n"
        "                  server, its processing clients and its\n"
        "                  requesting clients\n",
    [OPT_ALL] =
        "  --all           every process the trace holds (a session\n"
        "                  daemon may record other programs too)\n",
    [OPT_SINCE] =
        "  --since T       from T after the first event (1.5ms, 200us, 2s;\n"
        "                  a bare number is in ms)\n",
    [OPT_UNTIL] =
        "  --until T       up to T after the first event\n",
    [OPT_PID] =
        "  --pid P         only what involves process P, and the requests\n"
        "                  of client P through every hop\n",
    [OPT_REQUEST] =
        "  --request P:S   only request S of client P\n",
    [OPT_WIDTH] =
        "  --width N       seq: fit N columns (default 80)\n",
    [OPT_ASCII] =
        "  --ascii         seq: plain ASCII instead of box drawing\n",
    [OPT_LAYOUT] =
        "  --layout L      svg: 'time' (default: to scale, idle stretches\n"
        "                  shortened and marked) or 'order' (one row per\n"
        "                  event time)\n",
    [OPT_OUTPUT] =
        "  --output NAME.svg  svg: write NAME.svg, or NAME-1.svg,\n"
        "                  NAME-2.svg... when it is too tall for one\n"
        "                  picture (without it, such a picture is refused\n"
        "                  with the --since/--until that draws a part)\n",
    [OPT_HELP] =
        "  -h, --help      show this help\n",
};

/* Each command, what it does, its own options beyond --help, --server
   and --all, and what runs it */
static const struct command {
    const char *name;
    const char *help;           /* its lines in the list of commands */
    unsigned opts;              /* bits 1 << OPT_... */
    int (*run)(const struct cmd_args *args);
} commands[] = {
    { "seq",
      "  seq DIR       text sequence diagram: one lane per process, one\n"
      "                arrow per record (FIFO) and per signal, in time\n"
      "                order, times in ms since the first event\n",
      VIEW_OPTS | 1u << OPT_WIDTH | 1u << OPT_ASCII, cmd_seq_run },
    { "svg",
      "  svg DIR       the same diagram as SVG, for a browser:\n"
      "                ipclab-trace svg DIR > run.svg\n",
      VIEW_OPTS | 1u << OPT_LAYOUT | 1u << OPT_OUTPUT, cmd_svg_run },
    { "chrome",
      "  chrome DIR    Chrome trace-event JSON with flow arrows, to open\n"
      "                in ui.perfetto.dev or chrome://tracing\n",
      0, cmd_chrome_run },
    { "stats",
      "  stats DIR     event counts, per-hop latencies (count, p50, p99,\n"
      "                max) and end-to-end request latency\n",
      0, cmd_stats_run },
    { "check",
      "  check DIR     verify the protocol's rules R1..R10\n"
      "                (docs/protocol.md, section 8): one record at a\n"
      "                time in FIFO2 and FIFO3 until its ack is taken,\n"
      "                announced and read by its addressee, every read\n"
      "                acknowledged, every ack taken, requests unchanged,\n"
      "                exact results, one answer each (or its drop,\n"
      "                traced), no error; one line per violation,\n"
      "                naming its rule\n",
      0, cmd_check_run },
    { "overlap",
      "  overlap DIR   requests of different clients in the server at\n"
      "                once, and records that waited for the ack of\n"
      "                the record before them (another client's, or\n"
      "                their own client's)\n",
      0, cmd_overlap_run },
    { "shiviz",
      "  shiviz DIR    the trace as a ShiViz log (vector clocks from\n"
      "                every matched message; its first line is the\n"
      "                parsing expression ShiViz asks for):\n"
      "                ipclab-trace shiviz DIR > run.log\n",
      0, cmd_shiviz_run },
    { "states",
      "  states DIR    time per state (proc_state) per process: the\n"
      "                numbers of Trace Compass's process time graph\n",
      0, cmd_states_run },
    { NULL, NULL, 0, NULL },
};

/* Print the help text of every option in 'opts' (bits 1 << OPT_...) */
static void
print_options(unsigned opts)
{
    for (int o = 1; o < OPT_COUNT; o++)
        if (opts & 1u << o && o != OPT_HELP)
            fputs(option_help[o], stdout);
}

/* The help of the whole tool (cmd NULL) or of one command */
static void
usage(const struct command *cmd)
{
    unsigned own = 0;

    printf("Usage: %s %s [OPTIONS] DIR\n\n", ipc_progname(),
           cmd != NULL ? cmd->name : "COMMAND");
    fputs("Shows what happened in a trace of ipclab programs: DIR is the CTF\n"
          "trace directory that traces/record.sh (or 'make trace') wrote.\n"
          "\n", stdout);
    puts(cmd != NULL ? "Command:" : "Commands:");
    for (const struct command *c = commands; c->name != NULL; c++)
        if (cmd == NULL || c == cmd) {
            fputs(c->help, stdout);
            own |= c->opts;
        }
    fputs("\n"
          "Which processes (every command): by default those of the\n"
          "recording, when DIR/record.info says which (traces/record.sh\n"
          "writes it): the recorded command, the processes given to\n"
          "record.sh --pid, and all they started; every process otherwise.\n",
          stdout);
    print_options(COMMON_OPTS);
    fputs("Every command warns on stderr when the tracer lost events, with\n"
          "the stretches of time concerned.\n"
          "\n", stdout);
    puts(cmd != NULL ? "Options:" : "Options of seq and svg:");
    print_options(own);
    fputs(option_help[OPT_HELP], stdout);
    fputs("\n"
          "Exit status: 0 when done (check: the protocol holds); 1 when the\n"
          "trace is missing or unreadable, check found violations, svg\n"
          "refused a picture too tall for one page (without --output),\n"
          "overlap found no server in the trace, or the output could not be\n"
          "written; 2 on usage errors; 3 from check when it found no\n"
          "violation but the tracer lost events, so it could not judge\n"
          "everything.\n", stdout);
}

static const struct command *
parse_command(const char *word)
{
    char shown[TR_SHOWN_MAX];

    for (const struct command *c = commands; c->name != NULL; c++)
        if (strcmp(word, c->name) == 0)
            return c;
    ipc_usage_error("unknown command '%s' (seq, svg, chrome, stats, "
                    "check, overlap, shiviz or states)",
                    ipc_shown(shown, sizeof(shown), word));
}

/* Run cmd with its standard output held in an anonymous in-memory file
   (no directory needed), written out only when it did not fail: a
   failure leaves nothing on stdout that looks like a result (half a JSON
   document, a table cut short). */
static int
run_held(const struct command *cmd, const struct cmd_args *a)
{
    int out = dup(STDOUT_FILENO), status;     /* first: fd 1 is not free */
    int fd = -1;
    FILE *held = NULL;
    char buf[BUFSIZ];
    size_t n;

    if (out == -1) {
        ipc_warn("cannot write to standard output");
        return 1;
    }
    if ((fd = memfd_create("ipclab-trace-output", MFD_CLOEXEC)) == -1 ||
        (held = fdopen(fd, "w+")) == NULL || fflush(stdout) == EOF ||
        dup2(fd, STDOUT_FILENO) == -1) {
        ipc_warn("cannot hold the output in memory");
        close(out);
        if (held != NULL)
            fclose(held);
        else if (fd != -1)
            close(fd);
        return 1;
    }
    status = cmd->run(a);
    if ((fflush(stdout) == EOF || ferror(stdout)) && status != CMD_FAILED) {
        ipc_warn("cannot hold the output in memory");
        status = CMD_FAILED;
    }
    if (dup2(out, STDOUT_FILENO) == -1) {
        ipc_warn("cannot write to standard output");
        return 1;
    }
    close(out);
    clearerr(stdout);
    if (status == CMD_FAILED) {
        fclose(held);
        return 1;
    }
    rewind(held);
    while ((n = fread(buf, 1, sizeof(buf), held)) > 0)
        fwrite(buf, 1, n, stdout);
    if (ferror(held)) {
        ipc_warn("cannot read back the output held in memory");
        status = 1;
    }
    fclose(held);
    if (fflush(stdout) == EOF || ferror(stdout)) {
        ipc_warnx("cannot write to standard output");
        return 1;
    }
    return status;
}

/* Add an option, as the user gave it, to the advice svg may print */
static void
note_arg(char *buf, size_t n, const char *name, const char *value)
{
    tr_append(buf, n, " --%s%s%s", name, value != NULL ? " " : "",
              value != NULL ? value : "");
}

int
main(int argc, char *argv[])
{
    struct ipc_cli cli = IPCLAB_CLI_INIT(argc, argv);
    struct cmd_args a = { .seq = { .width = 80, .ascii = false },
                          .svg = { ST_TIME, NULL, "" } };
    char scope_args[128] = "";
    const struct command *cmd = NULL;
    const char *arg;
    char *shown, text[TR_SHOWN_MAX];    /* an argument, as errors print it */
    bool given[OPT_COUNT] = { false };
    int id, status;

    ipc_set_progname(argv[0]);
    tr_view_init(&a.view);
    while ((id = ipc_cli_next_or_exit(&cli, options, &arg)) != IPCLAB_CLI_END) {
        if (id > 0 && id < OPT_COUNT)
            given[id] = true;
        switch (id) {
        case OPT_HELP:
            usage(cmd);
            ipc_cli_help_exit();
        case OPT_SINCE:
        case OPT_UNTIL:
            if (tr_view_parse_time(arg, id == OPT_SINCE ? &a.view.since
                                                        : &a.view.until) == -1)
                ipc_usage_error("--%s: '%s' is not a time like 1.5ms, 200us "
                                "or 2s", id == OPT_SINCE ? "since" : "until",
                                ipc_shown(text, sizeof(text), arg));
            break;
        case OPT_PID:
            a.view.pid = (int)ipc_cli_int_or_exit("pid", arg, 1, 0x7fffffff);
            note_arg(scope_args, sizeof(scope_args), "pid", arg);
            break;
        case OPT_REQUEST:
            if (tr_view_parse_request(arg, &a.view.req_pid,
                                  &a.view.req_seq) == -1)
                ipc_usage_error("--request: '%s' is not PID:SEQ (like "
                                "4711:3)", ipc_shown(text, sizeof(text), arg));
            note_arg(scope_args, sizeof(scope_args), "request", arg);
            break;
        case OPT_WIDTH:
            a.seq.width = (int)ipc_cli_int_or_exit("width", arg, 40, 1000);
            break;
        case OPT_ASCII:
            a.seq.ascii = true;
            break;
        case OPT_SERVER:
            tr_source_scope(TR_SCOPE_SERVER, (int)ipc_cli_int_or_exit(
                "server", arg, 1, 0x7fffffff));
            note_arg(scope_args, sizeof(scope_args), "server", arg);
            break;
        case OPT_ALL:
            tr_source_scope(TR_SCOPE_ALL, 0);
            note_arg(scope_args, sizeof(scope_args), "all", NULL);
            break;
        case OPT_LAYOUT:
            if (strcmp(arg, "time") != 0 && strcmp(arg, "order") != 0)
                ipc_usage_error("--layout: '%s' is neither 'time' nor "
                                "'order'", ipc_shown(text, sizeof(text), arg));
            a.svg.layout = strcmp(arg, "time") == 0 ? ST_TIME : ST_ORDER;
            note_arg(scope_args, sizeof(scope_args), "layout", arg);
            break;
        case OPT_OUTPUT:
            /* the names of its pages are printed: shown as they are */
            if (strcmp(ipc_shown(text, sizeof(text), arg), arg) != 0)
                ipc_usage_error("--output: '%s' has characters that cannot "
                                "be shown (controls, invisible ones, bytes "
                                "that are not UTF-8)", text);
            a.svg.output = arg;
            break;
        case IPCLAB_CLI_OPERAND:
            if (cmd == NULL)
                cmd = parse_command(arg);
            else if (a.dir == NULL)
                a.dir = arg;
            else
                ipc_usage_error("unexpected argument '%s': give one "
                                "trace directory",
                                ipc_shown(text, sizeof(text), arg));
            break;
        }
    }
    if (cmd == NULL)
        ipc_usage_error("which command? seq, svg, chrome, stats, check, "
                        "overlap, shiviz or states");
    if (a.dir == NULL)
        ipc_usage_error("'%s' needs a trace directory", cmd->name);
    for (int o = 1; o < OPT_COUNT; o++)
        if (given[o] && !((COMMON_OPTS | cmd->opts) & 1u << o))
            ipc_usage_error("option '--%s' is not an option of '%s'",
                            options[o - 1].name, cmd->name);
    if (given[OPT_ALL] && given[OPT_SERVER])
        ipc_usage_error("--all and --server choose different processes: "
                        "give one");
    a.svg.scope_args = scope_args;
    if (a.view.since > a.view.until)
        ipc_usage_error("--since is after --until");
    if ((shown = tr_safe_dup(a.dir)) == NULL) {
        ipc_warn("cannot read '%s'", ipc_shown(text, sizeof(text), a.dir));
        return 1;
    }
    a.shown = shown;
    status = run_held(cmd, &a);
    free(shown);
    return status;
}
