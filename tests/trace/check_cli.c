/*
 * tests/trace/check_cli.c - the command line, and traces that are not.
 *
 * Usage errors exit 2 with "Try 'ipclab-trace --help'."; a missing, empty,
 * corrupt or foreign trace directory, or one that holds a recording,
 * exits 1 with one clear line, the same for every subcommand. Text from a trace or the command line (the trace
 * directory's name) reaches the terminal without a control character, an
 * invisible formatting character or a byte that is not UTF-8.
 */
#include <dirent.h>
#include <errno.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#include "emit.h"
#include "fixture.h"
#include "harness.h"
#include "suites.h"

static const char *const commands[] = { "seq", "svg", "chrome", "stats",
                                        "check", "overlap", "shiviz",
                                        "states" };
#define NCOMMANDS 8

START_TEST(test_cli_help)
{
    struct tt_run r;

    tt_trace(&r, "--help", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "Usage: ipclab-trace COMMAND"));
    tt_run_free(&r);
    tt_trace(&r, "check", "-h", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "--server PID"));
    tt_run_free(&r);
}
END_TEST

/* Each command's own options: its --help lists them and no other's */
static const struct {
    const char *name;
    const char *has[7];         /* options its help lists */
} command_helps[] = {
    { "seq", { "--since", "--until", "--pid", "--request", "--width",
               "--ascii", NULL } },
    { "svg", { "--since", "--until", "--pid", "--request", "--layout",
               "--output", NULL } },
    { "chrome", { NULL } },
    { "stats", { NULL } },
    { "check", { NULL } },
    { "overlap", { NULL } },
    { "shiviz", { NULL } },
    { "states", { NULL } },
};

/* Every option some command has, beyond those of every command */
static const char *const own_options[] = {
    "--since", "--until", "--pid", "--request", "--width", "--ascii",
    "--layout", "--output", NULL
};

/* Does 'help' list the option 'opt' at a line's start? */
static bool
lists(const char *help, const char *opt)
{
    char line[40];

    snprintf(line, sizeof(line), "\n  %s ", opt);
    return strstr(help, line) != NULL;
}

/* "ipclab-trace CMD --help": that command's usage, its options only, and
   those of every command */
START_TEST(test_cli_command_help)
{
    char usage[64];
    struct tt_run r;

    tt_trace(&r, command_helps[_i].name, "--help", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.err, "");
    snprintf(usage, sizeof(usage), "Usage: ipclab-trace %s [OPTIONS] DIR\n",
             command_helps[_i].name);
    ck_assert_msg(strncmp(r.out, usage, strlen(usage)) == 0, "%s", r.out);
    ck_assert_msg(strstr(r.out, "COMMAND") == NULL, "%s", r.out);
    ck_assert(lists(r.out, "--server"));
    ck_assert(lists(r.out, "--all"));
    for (int o = 0; own_options[o] != NULL; o++) {
        bool want = false;

        for (int k = 0; command_helps[_i].has[k] != NULL; k++)
            want = want || strcmp(command_helps[_i].has[k],
                                  own_options[o]) == 0;
        ck_assert_msg(lists(r.out, own_options[o]) == want,
                      "%s --help: %s %s", command_helps[_i].name,
                      own_options[o], want ? "missing" : "listed");
    }
    tt_run_free(&r);
}
END_TEST

/* Each entry: a command line that must be refused before anything runs */
static const struct {
    const char *name;
    const char *argv[8];
} usage_errors[] = {
    { "no command", { NULL } },
    { "unknown command", { "frobnicate", "/tmp", NULL } },
    { "no directory", { "seq", NULL } },
    { "two directories", { "seq", "/a", "/b", NULL } },
    { "unknown option", { "seq", "--nope", "/a", NULL } },
    { "option of another command", { "stats", "--width", "100", "/a",
                                     NULL } },
    { "filter of check", { "check", "--pid", "1", "/a", NULL } },
    { "bad request", { "seq", "--request", "4711", "/a", NULL } },
    { "bad time", { "seq", "--since", "soon", "/a", NULL } },
    /* what strtod() and strtoul() would take, but is no time nor number */
    { "time nan", { "seq", "--since", "nan", "/a", NULL } },
    { "time in hex", { "seq", "--until", "0x10", "/a", NULL } },
    { "time after a space", { "seq", "--since", " 2ms", "/a", NULL } },
    { "signed pid", { "seq", "--request", "+4711:1", "/a", NULL } },
    { "seq after a space", { "seq", "--request", "4711: 1", "/a", NULL } },
    { "since after until", { "seq", "--since", "2ms", "--until", "1ms",
                             "/a", NULL } },
    { "narrow width", { "seq", "--width", "5", "/a", NULL } },
    { "missing value", { "svg", "--pid", NULL } },
    { "unprintable output name", { "svg", "--output", "a\x1b[31m.svg", "/a",
                                   NULL } },
};

START_TEST(test_cli_usage_errors)
{
    const char *argv[10] = { tt_tool() };
    struct tt_run r;
    int n = 1;

    for (int i = 0; usage_errors[_i].argv[i] != NULL; i++)
        argv[n++] = usage_errors[_i].argv[i];
    argv[n] = NULL;
    tt_exec(&r, argv);
    ck_assert_msg(r.status == 2, "%s: exit %d, want 2", usage_errors[_i].name,
                  r.status);
    ck_assert_msg(strstr(r.err, "Try 'ipclab-trace --help'.") != NULL,
                  "%s: %s", usage_errors[_i].name, r.err);
    ck_assert_str_eq(r.out, "");
    tt_run_free(&r);
}
END_TEST

/* Run every subcommand on dir: exit 1 and exactly 'want' on stderr. */
static void
assert_refused(const char *dir, const char *want)
{
    for (int i = 0; i < NCOMMANDS; i++) {
        struct tt_run r;

        tt_trace(&r, commands[i], dir, NULL);
        ck_assert_msg(r.status == 1, "%s: exit %d", commands[i], r.status);
        ck_assert_str_eq(r.err, want);
        ck_assert_str_eq(r.out, "");
        tt_run_free(&r);
    }
}

START_TEST(test_cli_missing_dir)
{
    assert_refused("/nonexistent/trace", "ipclab-trace: cannot open trace "
                   "directory '/nonexistent/trace': ENOENT (No such file or "
                   "directory)\n");
}
END_TEST

START_TEST(test_cli_empty_dir)
{
    char dir[128], want[256];

    snprintf(dir, sizeof(dir), "%s/empty", tt_tmp());
    mkdir(dir, 0700);
    snprintf(want, sizeof(want), "ipclab-trace: '%s' holds no CTF trace (no "
             "'metadata' file inside): was anything recorded?\n", dir);
    assert_refused(dir, want);
}
END_TEST

START_TEST(test_cli_corrupt_trace)
{
    char dir[128], path[160], want[512];
    FILE *f;

    snprintf(dir, sizeof(dir), "%s/corrupt", tt_tmp());
    mkdir(dir, 0700);
    snprintf(path, sizeof(path), "%s/metadata", dir);
    ck_assert_ptr_nonnull(f = fopen(path, "w"));
    fputs("this is not CTF metadata\n", f);
    fclose(f);
    snprintf(want, sizeof(want), "ipclab-trace: cannot read the trace in "
             "'%s': it is not valid CTF, or damaged or cut short (babeltrace2 "
             "says where)\n", dir);
    assert_refused(dir, want);
}
END_TEST

/* A packet damaged after others were read: one line of ours, and nothing
   on stdout that looks like a result (no JSON or table cut short) */
START_TEST(test_cli_packet_damaged)
{
    enum { PACKET = 4096 };     /* tt_need_lost()'s buffers */
    char dir[128], stream[192], want[512];
    struct stat st;
    FILE *f;
    int cpu;

    tt_copy(TT_EMIT_LOST, "damaged", dir, sizeof(dir));
    for (cpu = 0; cpu < 1024; cpu++) {
        snprintf(stream, sizeof(stream), "%s/ust/uid/%d/64-bit/ipclab_%d",
                 dir, (int)getuid(), cpu);
        if (stat(stream, &st) == 0 && st.st_size >= 2 * PACKET)
            break;
    }
    ck_assert_msg(cpu < 1024, "no stream of two packets in %s", dir);
    ck_assert_ptr_nonnull(f = fopen(stream, "r+"));
    ck_assert_int_eq(fseek(f, PACKET, SEEK_SET), 0);
    ck_assert_int_ne(fputs("XXXX", f), EOF);   /* its second magic */
    ck_assert_int_eq(fclose(f), 0);
    snprintf(want, sizeof(want), "ipclab-trace: cannot read the trace in "
             "'%s': it is not valid CTF, or damaged or cut short (babeltrace2 "
             "says where)\n", dir);
    assert_refused(dir, want);
}
END_TEST

START_TEST(test_cli_not_ipclab)
{
    char text[128], dir[128], src[200], sink[200], want[256];
    const char *argv[] = { "babeltrace2", "--component=src.text.dmesg",
                           "--params", src, "--component=sink.ctf.fs",
                           "--params", sink, NULL };
    struct tt_run r;
    FILE *f;

    /* a real CTF trace, of dmesg lines: no ipclab event in it */
    snprintf(text, sizeof(text), "%s/dmesg.txt", tt_tmp());
    snprintf(dir, sizeof(dir), "%s/dmesg", tt_tmp());
    ck_assert_ptr_nonnull(f = fopen(text, "w"));
    fputs("[    1.000000] hello\n[    2.000000] world\n", f);
    fclose(f);
    snprintf(src, sizeof(src), "path=\"%s\"", text);
    snprintf(sink, sizeof(sink), "path=\"%s\"", dir);
    tt_exec(&r, argv);
    ck_assert_msg(r.status == 0, "babeltrace2: %s", r.err);
    tt_run_free(&r);
    snprintf(want, sizeof(want), "ipclab-trace: '%s' is not an ipclab trace: "
             "none of its 2 events is an ipclab:* event\n", dir);
    assert_refused(dir, want);
}
END_TEST

/* A directory that holds a recording (the parent of build/traces/NAME) is
   refused, never read as one run: its runs would share one time axis */
START_TEST(test_cli_holds_a_recording)
{
    char dir[128], run[160], info[192], want[512];
    FILE *f;

    snprintf(dir, sizeof(dir), "%s/traces", tt_tmp());
    snprintf(run, sizeof(run), "%s/run", dir);
    snprintf(info, sizeof(info), "%s/record.info", run);
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    ck_assert_int_eq(mkdir(run, 0700), 0);
    ck_assert_ptr_nonnull(f = fopen(info, "w"));
    ck_assert_int_eq(fclose(f), 0);
    snprintf(want, sizeof(want), "ipclab-trace: '%s' holds the recording "
             "'%s' (and maybe more): give one recording's directory\n",
             dir, run);
    assert_refused(dir, want);
}
END_TEST

/* A part of the trace it cannot read: an error, never a smaller picture */
START_TEST(test_cli_unreadable_part)
{
    char dir[128], ust[160], want[256];
    DIR *d;

    tt_copy(TT_DEFAULT, "unreadable", dir, sizeof(dir));
    snprintf(ust, sizeof(ust), "%s/ust", dir);
    ck_assert_int_eq(chmod(ust, 0), 0);
    if ((d = opendir(ust)) != NULL) {
        closedir(d);
        chmod(ust, 0700);
        h_skip("root reads any directory "
               "(run build/tests/trace as an ordinary user)");
    }
    snprintf(want, sizeof(want), "ipclab-trace: cannot read '%s': EACCES "
             "(Permission denied)\n", ust);
    assert_refused(dir, want);
    ck_assert_int_eq(chmod(ust, 0700), 0);
}
END_TEST

/* Metadata cut short inside a packet: an error, never an endless read */
START_TEST(test_cli_metadata_cut)
{
    char dir[128], meta[192], want[512];

    tt_copy(TT_DEFAULT, "metadata-cut", dir, sizeof(dir));
    snprintf(meta, sizeof(meta), "%s/ust/uid/%d/64-bit/metadata", dir,
             (int)getuid());
    ck_assert_int_eq(truncate(meta, 100), 0);
    snprintf(want, sizeof(want), "ipclab-trace: the metadata of '%s' is cut "
             "short or damaged at byte 0: the trace cannot be read\n", dir);
    assert_refused(dir, want);
}
END_TEST

/* record.info with a long command= line (read whole), then with a NUL */
START_TEST(test_cli_record_info_lines)
{
    char dir[128], info[160], want[256];
    struct tt_run r;
    FILE *f;

    tt_copy(TT_DEFAULT, "info-lines", dir, sizeof(dir));
    snprintf(info, sizeof(info), "%s/record.info", dir);
    ck_assert_ptr_nonnull(f = fopen(info, "a"));
    fputs("command=env A=", f);
    for (int i = 0; i < 5000; i++)
        fputc('x', f);
    fputs(" true\n", f);
    ck_assert_int_eq(fclose(f), 0);
    tt_trace(&r, "stats", dir, NULL);
    ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
    tt_run_free(&r);

    ck_assert_ptr_nonnull(f = fopen(info, "a"));
    fputs("pids=1\n\n", f);
    fputc('\0', f);
    fputs("uid=0\n", f);
    ck_assert_int_eq(fclose(f), 0);
    tt_trace(&r, "stats", dir, NULL);
    ck_assert_int_eq(r.status, 1);
    snprintf(want, sizeof(want), "ipclab-trace: '%s', line ", info);
    ck_assert_msg(strncmp(r.err, want, strlen(want)) == 0 &&
                  strstr(r.err, ": not what traces/record.sh writes\n") !=
                  NULL && tt_count_lines(r.err, "") == 1, "%s", r.err);
    tt_run_free(&r);
}
END_TEST

/* record.info that is a FIFO: read as empty (no 'pids='), never waited on */
START_TEST(test_cli_record_info_fifo)
{
    char dir[128], info[160], want[256];
    struct tt_run r;

    tt_copy(TT_DEFAULT, "info-fifo", dir, sizeof(dir));
    snprintf(info, sizeof(info), "%s/record.info", dir);
    ck_assert_msg(unlink(info) == 0 || errno == ENOENT, "unlink %s", info);
    ck_assert_int_eq(mkfifo(info, 0600), 0);
    tt_trace(&r, "stats", dir, NULL);
    snprintf(want, sizeof(want), "ipclab-trace: '%s' names no recorded "
             "process (no 'pids=' line)\n", info);
    ck_assert_msg(r.status == 1 && strcmp(r.err, want) == 0, "exit %d: %s",
                  r.status, r.err);
    tt_run_free(&r);
}
END_TEST

/* Links to '.' in a trace: the walk does not follow them round */
START_TEST(test_cli_link_loops_end)
{
    char dir[128], link[160];
    struct tt_run r;

    tt_copy(TT_DEFAULT, "loops", dir, sizeof(dir));
    for (int i = 0; i < 12; i++) {
        snprintf(link, sizeof(link), "%s/loop%d", dir, i);
        ck_assert_int_eq(symlink(".", link), 0);
    }
    tt_trace(&r, "stats", dir, NULL);
    ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
    tt_run_free(&r);
}
END_TEST

START_TEST(test_cli_unknown_server)
{
    struct tt_run r;
    char want[256];

    tt_trace(&r, "check", "--server", "1", tt_dir(TT_DEFAULT), NULL);
    ck_assert_int_eq(r.status, 1);
    snprintf(want, sizeof(want), "ipclab-trace: process 1 is not in the "
             "trace in '%s'\n", tt_dir(TT_DEFAULT));
    ck_assert_str_eq(r.err, want);
    tt_run_free(&r);
}
END_TEST

/* A run that selected nothing: exit 1, one line on stderr that says so,
   nothing on stdout (never "0 processes, 0 rows" and exit 0) */
static void
assert_nothing(struct tt_run *r, const char *what, const char *want)
{
    ck_assert_msg(r->status == 1, "%s: exit %d: %s", what, r->status,
                  r->out);
    ck_assert_msg(r->out[0] == '\0', "%s: printed %.200s", what, r->out);
    ck_assert_msg(strncmp(r->err, "ipclab-trace: ", 14) == 0 &&
                  strchr(r->err, '\n') == r->err + strlen(r->err) - 1 &&
                  strstr(r->err, want) != NULL, "%s: %s", what, r->err);
    tt_run_free(r);
}

START_TEST(test_cli_selects_nothing)
{
    static const char *const views[] = { "seq", "svg" };
    const char *dir = tt_dir(TT_DEFAULT);
    char server[16], request[32], beyond[32], rc[16];
    const char *p;
    double ms;
    struct tt_run r;

    /* the trace's length and a requesting client, from its own diagram */
    snprintf(server, sizeof(server), "%d", tt_server(TT_DEFAULT));
    tt_trace(&r, "seq", "--server", server, dir, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(p = strstr(r.out, " rows, "));
    ck_assert_int_eq(sscanf(p, " rows, %lf ms", &ms), 1);
    for (p = strstr(r.out, "┌"); p != NULL && sscanf(p + strlen("┌"),
                                                     " rc %15s", rc) != 1;
         p = strstr(p + 1, "┌"))
        ;
    ck_assert_msg(p != NULL, "no lane of an rc:\n%s", r.out);
    tt_run_free(&r);
    snprintf(beyond, sizeof(beyond), "%.3fms", ms + 1.0);
    /* the server sends no request of its own */
    snprintf(request, sizeof(request), "%s:1", server);

    for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
        tt_trace(&r, views[i], "--server", server, "--request", request, dir,
                 NULL);
        assert_nothing(&r, views[i], "is not in the trace");
        tt_trace(&r, views[i], "--server", server, "--pid", "1", dir, NULL);
        assert_nothing(&r, views[i], "process 1 is not in the trace");
        tt_trace(&r, views[i], "--server", server, "--since", beyond, dir,
                 NULL);
        assert_nothing(&r, views[i], "the trace lasts");
    }
    /* --server of a process that is not a server, for any command */
    tt_trace(&r, "stats", "--server", rc, dir, NULL);
    assert_nothing(&r, "stats", "is not a server in the trace");
    tt_trace(&r, "states", "--server", rc, dir, NULL);
    assert_nothing(&r, "states", "is not a server in the trace");
}
END_TEST

/* A trace whose tracer lost events: every command says so, once, on
   stderr, whatever it reads the trace for */
START_TEST(test_cli_lost_said_once)
{
    struct tt_run r;

    tt_trace(&r, command_helps[_i].name, tt_dir(TT_EMIT_LOST), NULL);
    ck_assert_msg(tt_count_lines(r.err, "the tracer lost") == 1,
                  "%s:\n%s", command_helps[_i].name, r.err);
    tt_run_free(&r);
}
END_TEST

/* Output that cannot be written (a full disk, or closed) is an error,
   said once: exit 1, never 0 */
START_TEST(test_cli_output_fails)
{
    char script[4096];
    const char *argv[] = { "/bin/sh", "-c", script, NULL };
    struct tt_run r;

    /* a full disk, then no standard output at all (closed) */
    for (int closed = 0; closed < 2; closed++) {
        snprintf(script, sizeof(script), "exec '%s' %s '%s' %s", tt_tool(),
                 command_helps[_i].name, tt_dir(TT_DEFAULT),
                 closed ? ">&-" : "> /dev/full");
        tt_exec(&r, argv);
        ck_assert_msg(r.status == 1, "%s: exit %d", script, r.status);
        ck_assert_msg(tt_count_lines(r.err, "cannot write to standard "
                                     "output") == 1, "%s:\n%s", script,
                      r.err);
        tt_run_free(&r);
    }
}
END_TEST

/* Every command, and whether it prints the odd role as it is (JSON and
   XML escape its quote) and the invisible error text (as '?') */
static const struct {
    const char *name;
    bool shows_role, shows_invisible;
} text_views[] = {
    { "seq", false, true }, { "svg", false, true }, { "chrome", false, true },
    { "stats", false, false }, { "check", true, true },
    { "overlap", false, false }, { "shiviz", false, true },
    { "states", true, false },
};

/* Fail unless text is valid UTF-8 without DEL, a control but LF and tab,
   or a character of IPCLAB_EMIT_INVISIBLE */
static void
assert_terminal_safe(const char *what, const char *text)
{
    locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    locale_t old;
    mbstate_t st;
    wchar_t invisible[32], wc;
    size_t len = strlen(text), n;

    ck_assert_msg(utf8 != (locale_t)0, "no C.UTF-8 locale");
    old = uselocale(utf8);
    n = mbstowcs(invisible, IPCLAB_EMIT_INVISIBLE, 32);
    ck_assert(n > 0 && n < 32);
    memset(&st, 0, sizeof(st));
    for (size_t i = 0; i < len; i += n) {
        unsigned char c = (unsigned char)text[i];

        ck_assert_msg(c >= 0x20 ? c != 0x7f : c == '\n' || c == '\t',
                      "%s: control 0x%02x at byte %zu", what, (unsigned)c, i);
        n = mbrtowc(&wc, text + i, len - i, &st);
        ck_assert_msg(n != (size_t)-1 && n != (size_t)-2,
                      "%s: not UTF-8 at byte %zu", what, i);
        ck_assert_msg(c < 0x80 || wcschr(invisible, wc) == NULL,
                      "%s: invisible U+%04X at byte %zu", what,
                      (unsigned)wc, i);
    }
    uselocale(old);
    freelocale(utf8);
}

/* A role, state and error text full of controls, an ESC and a bad byte,
   and an error text of invisible characters: on the terminal (and in
   every output) as '?', so no escape sequence reaches it and nothing
   reorders or hides what it shows */
START_TEST(test_cli_names_are_safe_text)
{
    const char *name = text_views[_i].name;
    struct tt_run r;

    tt_trace(&r, name, tt_dir(TT_EMIT_NAMES), NULL);
    ck_assert_msg(r.status == 0 || r.status == 1, "%s: exit %d: %s", name,
                  r.status, r.err);
    assert_terminal_safe(name, r.out);
    assert_terminal_safe(name, r.err);
    if (text_views[_i].shows_role)
        ck_assert_msg(strstr(r.out, IPCLAB_EMIT_ODD_SHOWN) != NULL,
                      "%s does not show the role as '%s':\n%.2000s", name,
                      IPCLAB_EMIT_ODD_SHOWN, r.out);
    if (text_views[_i].shows_invisible)
        ck_assert_msg(strstr(r.out, IPCLAB_EMIT_INVISIBLE_SHOWN) != NULL,
                      "%s does not show the error as '%s':\n%.2000s", name,
                      IPCLAB_EMIT_INVISIBLE_SHOWN, r.out);
    tt_run_free(&r);
}
END_TEST

/* A directory name with an ESC, a bad byte, a newline and a right-to-left
   override (from IPCLAB_EMIT_INVISIBLE), and as the tool prints it */
#define ODD_DIR "dir-\x1b[31m\xff\n\xe2\x80\xae"
#define ODD_DIR_SHOWN "dir-?[31m???"

/* Every command on the trace directory 'dir' whose name ends in ODD_DIR:
   the name printed safe, on stdout and stderr. 'trace': there is one in
   it, whose name seq, svg, chrome and stats print (and check, naming its
   violations); else every command refuses it in one line. */
static void
assert_dir_shown(const char *dir, bool trace)
{
    for (size_t i = 0; i < sizeof(text_views) / sizeof(text_views[0]); i++) {
        const char *name = text_views[i].name;
        bool printer = strcmp(name, "seq") == 0 || strcmp(name, "svg") == 0 ||
                       strcmp(name, "chrome") == 0 ||
                       strcmp(name, "stats") == 0;
        const char *in;
        struct tt_run r;

        tt_trace(&r, name, dir, NULL);
        assert_terminal_safe(name, r.out);
        assert_terminal_safe(name, r.err);
        if (trace) {
            ck_assert_msg(r.status == 0 || r.status == 1, "%s: exit %d: %s",
                          name, r.status, r.err);
            in = printer ? r.out : strcmp(name, "check") == 0 ? r.err : NULL;
        } else {
            ck_assert_msg(r.status == 1, "%s: exit %d", name, r.status);
            ck_assert_msg(strchr(r.err, '\n') == r.err + strlen(r.err) - 1,
                          "%s: not one line: %s", name, r.err);
            in = r.err;
        }
        ck_assert_msg(in == NULL || strstr(in, ODD_DIR_SHOWN) != NULL,
                      "%s does not print the name as '%s':\n%.2000s", name,
                      ODD_DIR_SHOWN, in);
        tt_run_free(&r);
    }
}

/* A trace directory with an odd name, and odd names that hold no trace:
   missing, empty (or unreadable), a file, a corrupt trace */
START_TEST(test_cli_dir_name_is_safe_text)
{
    char dir[160], path[192];
    FILE *f;

    snprintf(dir, sizeof(dir), "%s/" ODD_DIR "-%d", tt_tmp(), (int)getpid());
    ck_assert_msg(symlink(tt_dir(TT_EMIT_NAMES), dir) == 0, "symlink: %s",
                  strerror(errno));
    assert_dir_shown(dir, true);
    ck_assert_int_eq(unlink(dir), 0);
    assert_dir_shown(dir, false);                       /* missing */
    ck_assert_int_eq(mkdir(dir, 0), 0);
    assert_dir_shown(dir, false);                       /* unreadable */
    ck_assert_int_eq(chmod(dir, 0700), 0);
    assert_dir_shown(dir, false);                       /* empty */
    snprintf(path, sizeof(path), "%s/metadata", dir);
    ck_assert_ptr_nonnull(f = fopen(path, "w"));
    fputs("this is not CTF metadata\n", f);
    ck_assert_int_eq(fclose(f), 0);
    assert_dir_shown(dir, false);                       /* corrupt */
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(rmdir(dir), 0);
    ck_assert_ptr_nonnull(f = fopen(dir, "w"));
    ck_assert_int_eq(fclose(f), 0);
    assert_dir_shown(dir, false);                       /* a file */
    ck_assert_int_eq(unlink(dir), 0);
}
END_TEST

Suite *
cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *core = tcase_create("core"), *errors = tcase_create("errors");
    TCase *lost = tcase_create("lost"), *names = tcase_create("names");

    tcase_add_test(core, test_cli_help);
    tcase_add_loop_test(core, test_cli_command_help, 0,
                        (int)(sizeof(command_helps) /
                              sizeof(command_helps[0])));
    tcase_add_loop_test(core, test_cli_usage_errors, 0,
                        sizeof(usage_errors) / sizeof(usage_errors[0]));
    tcase_add_test(errors, test_cli_missing_dir);
    tcase_add_test(errors, test_cli_empty_dir);
    tcase_add_test(errors, test_cli_corrupt_trace);
    tcase_add_test(errors, test_cli_not_ipclab);
    tcase_add_unchecked_fixture(errors, tt_need_default, NULL);
    tcase_add_test(errors, test_cli_unknown_server);
    tcase_add_test(errors, test_cli_holds_a_recording);
    tcase_add_test(errors, test_cli_link_loops_end);
    tcase_add_test(errors, test_cli_unreadable_part);
    tcase_add_test(errors, test_cli_metadata_cut);
    tcase_add_test(errors, test_cli_record_info_lines);
    tcase_add_test(errors, test_cli_record_info_fifo);
    tcase_add_test(errors, test_cli_selects_nothing);
    tcase_add_loop_test(errors, test_cli_output_fails, 0,
                        (int)(sizeof(command_helps) /
                              sizeof(command_helps[0])));
    tcase_set_timeout(errors, 30);
    tcase_add_unchecked_fixture(lost, tt_need_lost, NULL);
    tcase_add_test(lost, test_cli_packet_damaged);
    tcase_add_loop_test(lost, test_cli_lost_said_once, 0,
                        (int)(sizeof(command_helps) /
                              sizeof(command_helps[0])));
    tcase_set_timeout(lost, 30);
    tcase_add_unchecked_fixture(names, tt_need_names, NULL);
    tcase_add_loop_test(names, test_cli_names_are_safe_text, 0,
                        (int)(sizeof(text_views) / sizeof(text_views[0])));
    tcase_add_test(names, test_cli_dir_name_is_safe_text);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    suite_add_tcase(s, lost);
    suite_add_tcase(s, names);
    return s;
}
