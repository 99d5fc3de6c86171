/*
 * tests/trace/fixture.c - record the test traces once; run programs.
 *
 * Recording a trace takes a few seconds (record.sh starts a session daemon
 * when none runs), so each trace is recorded at most once per test program,
 * by the unchecked fixture of the first TCase that needs it, in the runner
 * process: the tests, forked later, inherit its paths and pids.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

static const char *const names[TT_COUNT] = {
    [TT_DEFAULT] = "default", [TT_PER_REQUEST] = "per-request",
    [TT_CLASSIC] = "classic", [TT_NOACK] = "no-ack", [TT_BROKEN] = "broken",
    [TT_EMIT_CLASSIC] = "emit-classic", [TT_DROP] = "drop",
    [TT_EMIT_LOST] = "emit-lost", [TT_EMIT_NAMES] = "emit-names",
    [TT_EMIT_MORE] = "emit-more", [TT_EMIT_ORPHAN] = "emit-orphan",
    [TT_EMIT_GONE] = "emit-gone",
    [TT_LAB04] = "lab04",
    [TT_LAB05] = "lab05", [TT_LAB01] = "lab01",
};

/* Server options of each workload trace */
static const char *const options[TT_COUNT][3] = {
    [TT_PER_REQUEST] = { "--spawn", "per-request", NULL },
    [TT_CLASSIC] = { "--signals", "classic", NULL },
    [TT_NOACK] = { "--unsafe-no-ack", NULL },
};

static char self[PATH_MAX], build[PATH_MAX], root[PATH_MAX];
static char bindir[PATH_MAX + 8], tool[PATH_MAX + 32], tmp[64];
static int recorded[TT_COUNT];      /* 1: ok, -1: failed */
static char why[TT_COUNT][200];     /* ...and why */
static char dirs[TT_COUNT][128];    /* each trace's directory */
static int servers[TT_COUNT];
static struct tt_actors actors[TT_COUNT];

/*
 * The test program cannot work at all: say why and stop. (Check's
 * assertions only work inside a test, and this may run before any.)
 */
static void
fatal(const char *what)
{
    fprintf(stderr, "tests/trace: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void
init_paths(void)
{
    char probe[PATH_MAX + 32];
    ssize_t n;

    if (self[0] != '\0')
        return;
    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0)
        fatal("readlink /proc/self/exe");
    self[n] = '\0';
    /* self is BUILD/tests/trace */
    snprintf(build, sizeof(build), "%s", self);
    for (int i = 0; i < 2; i++)
        *strrchr(build, '/') = '\0';
    snprintf(bindir, sizeof(bindir), "%s/bin", build);
    snprintf(tool, sizeof(tool), "%s/ipclab-trace", bindir);
    snprintf(root, sizeof(root), "%s", build);
    *strrchr(root, '/') = '\0';
    snprintf(probe, sizeof(probe), "%s/traces/record.sh", root);
    if (access(probe, X_OK) == -1 && getcwd(root, sizeof(root)) == NULL)
        root[0] = '\0';         /* make runs in the source tree */
}

const char *
tt_root(void)
{
    init_paths();
    return root;
}

const char *
tt_bindir(void)
{
    init_paths();
    return bindir;
}

const char *
tt_tool(void)
{
    init_paths();
    return tool;
}

const char *
tt_tmp(void)
{
    if (tmp[0] == '\0') {
        snprintf(tmp, sizeof(tmp), "/tmp/ipclab-trace-tests.XXXXXX");
        if (mkdtemp(tmp) == NULL)
            fatal("mkdtemp");
    }
    return tmp;
}

/* The whole of file 'path' as a string (empty when unreadable). */
static char *
slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t len = 0;

    if (f != NULL) {
        FILE *m = open_memstream(&buf, &len);
        char chunk[8192];
        size_t n;

        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
            fwrite(chunk, 1, n, m);
        fclose(m);
        fclose(f);
    }
    return buf != NULL ? buf : strdup("");
}

/* Run argv with stdout and stderr into files; returns the exit status. */
static int
run_to(const char *const argv[], const char *out, const char *err)
{
    pid_t pid = fork();
    int status;

    if (pid == -1)
        return -1;
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);

        if (in == -1 || o == -1 || e == -1 || chdir(root) == -1)
            _exit(126);
        dup2(in, 0);
        dup2(o, 1);
        dup2(e, 2);
        /* a bare name ("xmllint") is looked up in PATH */
        execvp(argv[0], (char *const *)argv);
        dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    while (waitpid(pid, &status, 0) == -1)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Run argv, capture its output into *r; r->status -1 if it cannot run. */
static void
capture(struct tt_run *r, const char *const argv[])
{
    static int n;
    char out[128], err[128];

    init_paths();
    snprintf(out, sizeof(out), "%s/run-%d-%d.out", tt_tmp(), (int)getpid(),
             ++n);
    snprintf(err, sizeof(err), "%s/run-%d-%d.err", tt_tmp(), (int)getpid(),
             n);
    r->status = run_to(argv, out, err);
    r->out = slurp(out);
    r->err = slurp(err);
    unlink(out);
    unlink(err);
}

void
tt_exec(struct tt_run *r, const char *const argv[])
{
    capture(r, argv);
    ck_assert_msg(r->status >= 0, "cannot run %s", argv[0]);
}

void
tt_trace(struct tt_run *r, ...)
{
    const char *argv[16];
    int n = 0;
    va_list ap;

    argv[n++] = tt_tool();
    va_start(ap, r);
    while (n < 15 && (argv[n] = va_arg(ap, const char *)) != NULL)
        n++;
    va_end(ap);
    argv[n] = NULL;
    tt_exec(r, argv);
}

void
tt_run_free(struct tt_run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* The number after "name = " in line, or -1 */
static int
field(const char *line, const char *name)
{
    const char *v = strstr(line, name);

    return v != NULL ? atoi(v + strlen(name)) : -1;
}

char **
tt_lab_events(enum tt_id id, struct tt_run *raw, int *n)
{
    const char *argv[] = { "babeltrace2", tt_dir(id), NULL };
    int tree[1024], ntree = 0, nlines = 0;
    char **lines = NULL, *save = NULL;

    tt_exec(raw, argv);
    ck_assert_msg(raw->status == 0, "babeltrace2: %s", raw->err);
    tree[ntree++] = tt_server(id);
    for (char *l = strtok_r(raw->out, "\n", &save); l != NULL;
         l = strtok_r(NULL, "\n", &save)) {
        int vpid = field(l, "{ vpid = "), born = -1, mine = 0;

        for (int i = 0; i < ntree; i++)
            mine |= tree[i] == vpid;
        if (strstr(l, "ipclab:proc_start:") != NULL) {
            for (int i = 0; i < ntree; i++)     /* a child of the tree */
                mine |= tree[i] == field(l, "ppid = ");
            born = mine ? vpid : -1;
        } else if (mine && strstr(l, "ipclab:proc_spawn:") != NULL) {
            born = field(l, "child_pid = ");
        }
        if (born > 0 && ntree < 1024)
            tree[ntree++] = born;
        if (!mine)
            continue;
        lines = realloc(lines, sizeof(*lines) * (size_t)(nlines + 1));
        ck_assert_ptr_nonnull(lines);
        lines[nlines++] = l;
    }
    *n = nlines;
    return lines;
}

int
tt_untraced_end(const char *seq_out, const char **line)
{
    const char *p = strstr(seq_out, ": trace ends here: no exit traced");
    int pid;

    ck_assert_msg(p != NULL, "no end mark:\n%s", seq_out);
    for (*line = p; *line > seq_out && (*line)[-1] != '\n'; (*line)--)
        continue;
    while (p > *line && p[-1] != ' ')
        p--;                    /* "12.345  ...  rc 4711: trace ends here" */
    pid = atoi(p);
    ck_assert_int_gt(pid, 0);
    return pid;
}

int
tt_count_lines(const char *s, const char *needle)
{
    int count = 0;

    while (s != NULL && *s != '\0') {
        const char *end = strchr(s, '\n');
        size_t len = end != NULL ? (size_t)(end - s) : strlen(s);
        char *line = strndup(s, len);

        if (strstr(line, needle) != NULL)
            count++;
        free(line);
        s = end != NULL ? end + 1 : s + len;
    }
    return count;
}

/* Our server's pid: scripts/workload.sh prints "server pid: N" */
static int
find_server(const char *log)
{
    const char *v = log != NULL ? strstr(log, "server pid: ") : NULL;

    return v != NULL ? atoi(v + 12) : 0;
}

/* The lab binary's pid in trace 'dir': record.sh notes COMMAND's */
static int
find_lab(const char *dir)
{
    char path[160], *info, *v;
    int pid = 0;

    snprintf(path, sizeof(path), "%s/record.info", dir);
    info = slurp(path);
    if ((v = strstr(info, "\npids=")) != NULL)
        pid = atoi(v + 6);
    free(info);
    return pid;
}

/* The last non-empty line of text (modified in place) */
static const char *
last_line(char *text)
{
    char *end;

    while ((end = strrchr(text, '\n')) != NULL && end[1] == '\0')
        *end = '\0';
    end = strrchr(text, '\n');
    return end != NULL ? end + 1 : text;
}

/* Is trace id emitted by this program (emit.c)? */
static bool
emitted(enum tt_id id)
{
    return id == TT_BROKEN || id == TT_EMIT_CLASSIC || id == TT_EMIT_LOST ||
           id == TT_EMIT_NAMES || id == TT_EMIT_MORE ||
           id == TT_EMIT_ORPHAN || id == TT_EMIT_GONE;
}

static void
parse_actors(const char *log, struct tt_actors *a)
{
    const char *p = strstr(log, "actors:");

    if (p != NULL)
        sscanf(p, "actors: server=%d rc_a=%d rc_b=%d sum=%d mul=%d",
               &a->server, &a->rc_a, &a->rc_b, &a->sum, &a->mul);
}

static void
record(enum tt_id id)
{
    char *dir = dirs[id], work[128], envarg[160], log[128];
    char script[PATH_MAX + 32];
    char recorder[PATH_MAX + 32];
    const char *argv[16];
    char *text;
    int n = 0, status;

    if (recorded[id] != 0)
        return;
    init_paths();
    snprintf(dir, sizeof(dirs[id]), "%s/%s", tt_tmp(), names[id]);
    snprintf(work, sizeof(work), "%s/work-%s", tt_tmp(), names[id]);
    snprintf(envarg, sizeof(envarg), "TMPDIR=%s", work);
    snprintf(log, sizeof(log), "%s/%s.log", tt_tmp(), names[id]);
    snprintf(recorder, sizeof(recorder), "%s/traces/record.sh", root);
    snprintf(script, sizeof(script), "%s/scripts/workload.sh", root);
    mkdir(work, 0700);

    argv[n++] = recorder;
    argv[n++] = "-o";
    argv[n++] = dir;
    if (id == TT_EMIT_LOST) {
        argv[n++] = "--buffers";        /* small: events will be lost */
        argv[n++] = "4096,2";
    }
    argv[n++] = "--";
    if (emitted(id)) {
        argv[n++] = self;
        argv[n++] = "--emit";
        if (id != TT_BROKEN)
            argv[n++] = names[id] + strlen("emit-");   /* its script */
    } else if (id == TT_LAB04 || id == TT_LAB05 || id == TT_LAB01) {
        snprintf(script, sizeof(script), "%s/%s", bindir,
                 id == TT_LAB04 ? "lab04-signal-sync"
                 : id == TT_LAB05 ? "lab05-reference-system"
                                  : "lab01-fifo-setup");
        argv[n++] = "env";
        argv[n++] = envarg;
        argv[n++] = script;
        argv[n++] = "all";
    } else if (id == TT_DROP) {
        snprintf(script, sizeof(script), "%s/tests/trace/drop.sh", root);
        argv[n++] = "env";
        argv[n++] = envarg;
        argv[n++] = script;
        argv[n++] = bindir;
    } else {
        /* TMPDIR for the workload only: its files in this test's
           directory, record.sh's where it keeps them */
        argv[n++] = "env";
        argv[n++] = envarg;
        argv[n++] = script;
        argv[n++] = bindir;
        for (int i = 0; options[id][i] != NULL; i++)
            argv[n++] = options[id][i];
    }
    argv[n] = NULL;
    status = run_to(argv, log, log);

    text = slurp(log);
    if (emitted(id)) {
        parse_actors(text, &actors[id]);
        servers[id] = actors[id].server;
    } else if (id == TT_LAB04 || id == TT_LAB05 || id == TT_LAB01) {
        servers[id] = find_lab(dir);
    } else {
        servers[id] = find_server(text);
    }
    /* a broken protocol may lose answers: its workload fails, fine */
    recorded[id] = (status == 0 || id == TT_NOACK) && servers[id] > 0
                   ? 1 : -1;
    if (status != 0 && id != TT_NOACK)
        snprintf(why[id], sizeof(why[id]), "record.sh exit %d (is LTTng "
                 "installed? make deps): %s", status, last_line(text));
    else if (servers[id] <= 0)
        snprintf(why[id], sizeof(why[id]), "no ipclab server in the trace "
                 "(programs built with TRACING=0?)");
    free(text);
}

void
tt_need_default(void)
{
    record(TT_DEFAULT);
}

void
tt_need_modes(void)
{
    record(TT_PER_REQUEST);
    record(TT_CLASSIC);
    record(TT_NOACK);
}

void
tt_need_broken(void)
{
    record(TT_BROKEN);
    record(TT_EMIT_CLASSIC);
    record(TT_EMIT_MORE);
}

void
tt_need_drop(void)
{
    record(TT_DROP);
}

void
tt_need_lost(void)
{
    record(TT_EMIT_LOST);
}

void
tt_need_names(void)
{
    record(TT_EMIT_NAMES);
}

void
tt_need_orphan(void)
{
    record(TT_EMIT_ORPHAN);
}

void
tt_need_gone(void)
{
    record(TT_EMIT_GONE);
}

void
tt_need_lab04(void)
{
    record(TT_LAB04);
}

void
tt_need_lab05(void)
{
    record(TT_LAB05);
}

void
tt_need_lab01(void)
{
    record(TT_LAB01);
}

const char *
tt_dir(enum tt_id id)
{
    if (recorded[id] != 1)
        ck_abort_msg("recording the %s trace failed: %s (log: %s/%s.log; "
                     "IPCLAB_KEEP_TRACES=1 keeps it)", names[id], why[id],
                     tt_tmp(), names[id]);
    return dirs[id];
}

void
tt_copy(enum tt_id id, const char *name, char *dir, size_t n)
{
    struct tt_run r;

    snprintf(dir, n, "%s/%s", tt_tmp(), name);
    tt_exec(&r, (const char *[]){ "cp", "-r", tt_dir(id), dir, NULL });
    ck_assert_msg(r.status == 0, "cp: %s", r.err);
    tt_run_free(&r);
}

int
tt_server(enum tt_id id)
{
    tt_dir(id);
    return servers[id];
}

const struct tt_actors *
tt_actors(enum tt_id id)
{
    tt_dir(id);
    return &actors[id];
}

void
tt_cleanup(void)
{
    const char *argv[] = { "rm", "-rf", tmp, NULL };
    pid_t pid;

    if (tmp[0] == '\0' || getenv("IPCLAB_KEEP_TRACES") != NULL)
        return;
    if ((pid = fork()) == 0) {
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
}
