/*
 * tests/labs/trace.c - a lab's recorded trace, as the lab tests see it.
 *
 * lt_record() runs a lab binary under traces/record.sh (tests/lib's
 * h_record()), prints the trace with babeltrace2, and keeps the events of
 * the lab's own process tree: the lab (its ipclab:proc_start with the
 * lab's role), and every process whose proc_start names a member as its
 * parent (forked peers, ipclab-server, ipclab-rc, the server's workers).
 * Each event is tagged with the experiment it belongs to: the lab traces
 * proc_state with the experiment's name as it starts one.
 * See labs.h for the API.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "labs.h"

/* Value of field 'key' in line into buf ("" and false when absent). */
static bool
field(const char *line, const char *key, char *buf, size_t size)
{
    size_t len = strlen(key);

    buf[0] = '\0';
    for (const char *p = strstr(line, key); p != NULL;
         p = strstr(p + 1, key)) {
        const char *v, *end;

        /* " pid = " must not match "vpid = " or "peer_pid = " */
        if (p - line < 2 || p[-1] != ' ' || (p[-2] != ',' && p[-2] != '{') ||
            strncmp(p + len, " = ", 3) != 0)
            continue;
        v = p + len + 3;
        if (*v == '(')          /* an enum: ( "label" : container = N ) */
            v = strchr(v, '"');
        if (v != NULL && *v == '"') {
            v++;
            end = strchr(v, '"');
        } else {
            end = v + strcspn(v, ", }");
        }
        if (v == NULL || end == NULL)
            return false;
        snprintf(buf, size, "%.*s", (int)(end - v), v);
        return true;
    }
    return false;
}

/* Numbers compare as numbers (0x1B6 == 438), anything else as text. */
static bool
same(const char *a, const char *b)
{
    char *ea, *eb;
    long x = strtol(a, &ea, 0), y = strtol(b, &eb, 0);

    if (*a != '\0' && *b != '\0' && *ea == '\0' && *eb == '\0')
        return x == y;
    return strcmp(a, b) == 0;
}

/* Does event e match "name key=value key!=value..."? */
static bool
matches(const struct lt_event *e, const char *filter)
{
    char words[512], *save = NULL;
    bool first = true;

    snprintf(words, sizeof(words), "%s", filter);
    for (char *w = strtok_r(words, " ", &save); w != NULL;
         w = strtok_r(NULL, " ", &save), first = false) {
        char *eq = strchr(w, '='), have[256], want[256];
        bool negate, prefix;

        if (first) {
            if (strcmp(e->name, w) != 0)
                return false;
            continue;
        }
        ck_assert_msg(eq != NULL && eq > w, "bad filter '%s'", filter);
        negate = eq[-1] == '!';
        prefix = eq[-1] == '~';
        eq[negate || prefix ? -1 : 0] = '\0';
        if (!field(e->line, w, have, sizeof(have)))
            return false;
        if (eq[1] == '@')
            field(e->line, eq + 2, want, sizeof(want));
        else
            snprintf(want, sizeof(want), "%s", eq + 1);
        if (prefix ? strncmp(have, want, strlen(want)) != 0
                   : same(have, want) == negate)
            return false;
    }
    return true;
}

static int
exp_index(const struct lt *t, const char *exp)
{
    for (int i = 0; exp != NULL && i < t->nexp; i++)
        if (strcmp(t->exps[i], exp) == 0)
            return i;
    return -1;
}

int
lt_find(const struct lt *t, const char *exp, int from, const char *filter)
{
    int x = exp_index(t, exp);

    ck_assert_msg(exp == NULL || x >= 0, "experiment '%s' is not in the "
                  "trace", exp);
    for (int i = from < 0 ? 0 : from; i < t->n; i++)
        if ((exp == NULL || t->ev[i].exp == x) && matches(&t->ev[i], filter))
            return i;
    return -1;
}

int
lt_count(const struct lt *t, const char *exp, const char *filter)
{
    int n = 0;

    for (int i = lt_find(t, exp, 0, filter); i >= 0;
         i = lt_find(t, exp, i + 1, filter))
        n++;
    return n;
}

int
lt_count_pid(const struct lt *t, const char *exp, const char *fmt, long pid)
{
    char filter[128];

    snprintf(filter, sizeof(filter), fmt, pid);
    return lt_count(t, exp, filter);
}

void
lt_assert_all_ran(const struct lt *t, const char *lab,
                  const char *const *experiments)
{
    lt_require(t);
    ck_assert_msg(t->status == 0, "%s all: exit %d\n%s", lab, t->status,
                  t->out);
    ck_assert_int_eq(t->nexp, lt_nitems(experiments));
    for (int i = 0; experiments[i] != NULL; i++)
        ck_assert_str_eq(t->exps[i], experiments[i]);
}

const char *
lt_str(const struct lt *t, int i, const char *key, char *buf, size_t size)
{
    if (i < 0 || i >= t->n || !field(t->ev[i].line, key, buf, size))
        buf[0] = '\0';
    return buf;
}

long
lt_int(const struct lt *t, int i, const char *key)
{
    char buf[64];

    if (i < 0 || i >= t->n || !field(t->ev[i].line, key, buf, sizeof(buf)))
        return LONG_MIN;
    return strtol(buf, NULL, 0);
}

/* babeltrace2's "[HH:MM:SS.NNNNNNNNN]" of line, ns since midnight, or -1 */
static long long
clock_ns(const char *line)
{
    int h, m, sec;
    long long ns;

    if (sscanf(line, "[%2d:%2d:%2d.%9lld]", &h, &m, &sec, &ns) != 4)
        return -1;
    return ((h * 60LL + m) * 60 + sec) * 1000000000LL + ns;
}

long long
lt_ns(const struct lt *t, int i)
{
    long long first, ns;

    if (i < 0 || i >= t->n || t->n == 0)
        return -1;
    first = clock_ns(t->ev[0].line);
    ns = clock_ns(t->ev[i].line);
    if (first == -1 || ns == -1)
        return -1;
    return ns >= first ? ns - first : ns + 86400000000000LL - first;
}

long
lt_pid_of(const struct lt *t, const char *exp, const char *role)
{
    char filter[64];

    snprintf(filter, sizeof(filter), "proc_start role=%s", role);
    return lt_int(t, lt_find(t, exp, 0, filter), "vpid");
}

static bool
member(const long *set, int n, long pid)
{
    for (int i = 0; i < n; i++)
        if (set[i] == pid)
            return true;
    return false;
}

/* Keep the lab's process tree; tag each event with its experiment. */
static void
parse(struct lt *t, const char *role)
{
    long tree[4096];
    int ntree = 0, exp = -1, cap = 1024;

    t->ev = calloc((size_t)cap, sizeof(*t->ev));
    t->n = 0;
    t->root = -1;
    for (char *line = t->text; line != NULL && *line != '\0';) {
        char *eol = strchr(line, '\n'), *name = strstr(line, " ipclab:");
        struct lt_event e = { .exp = -1, .line = line };
        char buf[64];

        if (eol != NULL)
            *eol = '\0';
        if (name != NULL && sscanf(name + 8, "%31[a-z_]", e.name) == 1 &&
            field(line, "vpid", buf, sizeof(buf))) {
            e.vpid = strtol(buf, NULL, 10);
            if (t->root < 0 && strcmp(e.name, "proc_start") == 0 &&
                field(line, "role", buf, sizeof(buf)) &&
                strcmp(buf, role) == 0)
                t->root = e.vpid;
            if (t->root >= 0 && ntree == 0)
                tree[ntree++] = t->root;
            if (strcmp(e.name, "proc_start") == 0 && ntree > 0 &&
                ntree < 4096 && field(line, "ppid", buf, sizeof(buf)) &&
                member(tree, ntree, strtol(buf, NULL, 10)))
                tree[ntree++] = e.vpid;
            if (e.vpid == t->root && strcmp(e.name, "proc_state") == 0 &&
                field(line, "state", buf, sizeof(buf)) &&
                strcmp(buf, "idle") != 0 && t->nexp < 32) {
                snprintf(t->exps[t->nexp], sizeof(t->exps[0]), "%s", buf);
                exp = t->nexp++;
            }
            if (member(tree, ntree, e.vpid)) {
                if (t->n == cap)
                    t->ev = realloc(t->ev, (size_t)(cap *= 2) *
                                    sizeof(*t->ev));
                ck_assert_ptr_nonnull(t->ev);
                e.exp = exp;
                t->ev[t->n++] = e;
            }
        }
        line = eol != NULL ? eol + 1 : NULL;
    }
}

void
lt_record(struct lt *t, const char *role, const char *const argv[])
{
    static int serial;          /* several recordings in one directory */
    char txt[PATH_MAX + 8], out[PATH_MAX + 8];

    memset(t, 0, sizeof(*t));
    if (!h_tracing_available())
        return;                 /* lt_require() says why */
    snprintf(t->dir, sizeof(t->dir), "%s/%s.%d", h_tmpdir(), role, ++serial);
    snprintf(out, sizeof(out), "%s.out", t->dir);
    snprintf(txt, sizeof(txt), "%s.txt", t->dir);
    t->status = h_record(t->dir, argv, out, 300000);
    t->out = h_read_file(out);
    if (h_run((const char *[]){ "/usr/bin/babeltrace2", t->dir, NULL },
              NULL, txt, "/dev/null", 120000) != 0)
        return;
    t->text = h_read_file(txt);
    parse(t, role);
}

void
lt_require(const struct lt *t)
{
    ck_assert_msg(h_tracing_available(), "LTTng is not installed or the kit "
                  "was built with TRACING=0: run 'make deps' and rebuild "
                  "(see docs/troubleshooting.md)");
    ck_assert_msg(t->n > 0, "no event of the lab in the trace '%s'", t->dir);
}

void
lt_free(struct lt *t)
{
    free(t->ev);
    free(t->text);
    free(t->out);
    memset(t, 0, sizeof(*t));
}

bool
lt_have_check_tool(void)
{
    return access(h_bin("ipclab-trace"), X_OK) == 0;
}

int
lt_trace_tool(const struct lt *t, const char *cmd, long server, char **out)
{
    const char *path = h_tmpdir_path("trace-tool.out");
    char pid[24];
    int status;

    snprintf(pid, sizeof(pid), "%ld", server);
    if (server > 0)
        status = h_run((const char *[]){ h_bin("ipclab-trace"), cmd,
                                         "--server", pid, t->dir, NULL },
                       NULL, path, path, 60000);
    else
        status = h_run((const char *[]){ h_bin("ipclab-trace"), cmd,
                                         t->dir, NULL },
                       NULL, path, path, 60000);
    *out = h_read_file(path);
    return status;
}

char *
lt_request_steps(const struct lt *t, long pid, unsigned seq)
{
    const char *path = h_tmpdir_path("request.out");
    char req[32];

    snprintf(req, sizeof(req), "%ld:%u", pid, seq);
    ck_assert_int_eq(h_run((const char *[]){ h_bin("ipclab-trace"), "seq",
                                             "--request", req, t->dir, NULL },
                           NULL, path, NULL, 60000), 0);
    return h_read_file(path);
}

int
lt_svg_height(const char *path)
{
    char *text = h_read_file(path);
    const char *p = text != NULL ? strstr(text, "<svg ") : NULL;
    int h = 0;

    if (p != NULL && (p = strstr(p, " height=\"")) != NULL)
        sscanf(p, " height=\"%d\"", &h);
    free(text);
    return h;
}

/*
 * Run the command of the advice line of 'text' that ends in '> NAME' (its
 * words; the program by its built path) into 'out'; its exit status.
 */
static int
run_advice(const char *text, const char *name, const char *out,
           const char *err)
{
    char line[1024], *words[32], *save = NULL;
    const char *end = strstr(text, name), *p;
    int n = 0;

    ck_assert_msg(end != NULL, "no '%s' in the advice: %s", name, text);
    for (p = end; p > text && p[-1] != '\n'; p--)
        ;
    ck_assert_int_lt((size_t)(end - p), sizeof(line));
    snprintf(line, sizeof(line), "%.*s", (int)(end - p), p);
    for (char *w = strtok_r(line, " ", &save); w != NULL && n < 31;
         w = strtok_r(NULL, " ", &save)) {
        words[n] = n == 0 ? (char *)h_bin("ipclab-trace") : w;
        n++;
    }
    words[n] = NULL;
    ck_assert_msg(n >= 3 && strcmp(words[1], "svg") == 0, "%s", text);
    return h_run((const char *const *)words, NULL, out, err, 60000);
}

void
lt_assert_svg_part_drawable(const struct lt *t, const char *layout)
{
    const char *out = h_tmpdir_path("svg.out"), *err = h_tmpdir_path("svg.err");
    const char *err2 = h_tmpdir_path("svg.err2");
    char *text, *why;
    int status;

    lt_require(t);
    if (layout != NULL)
        status = h_run((const char *[]){ h_bin("ipclab-trace"), "svg",
                                         "--layout", layout, t->dir, NULL },
                       NULL, out, err, 60000);
    else
        status = h_run((const char *[]){ h_bin("ipclab-trace"), "svg",
                                         t->dir, NULL }, NULL, out, err,
                       60000);
    text = h_read_file(err);
    ck_assert_msg(status == 1 && strstr(text, "SVG renderers draw at most "
                                        "32767") != NULL, "exit %d: %s",
                  status, text);
    /* the advice is followed as printed: it keeps every option that
       shapes the picture */
    ck_assert_msg(layout == NULL || strstr(text, " --layout ") != NULL,
                  "the advice drops --layout %s: %s", layout, text);
    status = run_advice(text, " > part.svg", out, err2);
    why = h_read_file(err2);
    ck_assert_msg(status == 0, "the advised part: exit %d: %s", status, why);
    free(why);
    ck_assert_int_le(lt_svg_height(out), 32767);
    ck_assert_int_gt(lt_svg_height(out), 1000);
    /* the rest: a command that draws it, or pages */
    if (strstr(text, " > rest.svg") != NULL) {
        status = run_advice(text, " > rest.svg", out, err2);
        why = h_read_file(err2);
        ck_assert_msg(status == 0, "the advised rest: exit %d: %s", status,
                      why);
        free(why);
        ck_assert_int_le(lt_svg_height(out), 32767);
    } else {
        ck_assert_msg(strstr(text, "The rest, from --since ") != NULL &&
                      strstr(text, "draw it as pages (--output NAME.svg)")
                      != NULL, "no word on the rest: %s", text);
    }
    free(text);
}

double
lt_hop_median(const struct lt *t, long server, const char *hop)
{
    double p50 = -1;
    char *text, *line;

    ck_assert_int_eq(lt_trace_tool(t, "stats", server, &text), 0);
    line = strstr(text, hop);
    ck_assert_msg(line != NULL, "no '%s' in:\n%s", hop, text);
    ck_assert_int_eq(sscanf(line + strlen(hop), "%*d %lf", &p50), 1);
    free(text);
    return p50;
}

int
lt_check(const struct lt *t, long server, char **out)
{
    return lt_trace_tool(t, "check", server, out);
}

void
lt_assert_clients_meet(const struct lt *t, const char *exp)
{
    long server = lt_pid_of(t, exp, "server");
    unsigned long together, waited;
    const char *sum;
    char *out;
    int most;

    ck_assert_msg(server > 0, "%s: no server in the trace", exp);
    ck_assert_int_eq(lt_trace_tool(t, "overlap", server, &out), 0);
    ck_assert_msg((sum = strstr(out, "\nsummary: ")) != NULL &&
                  sscanf(sum, "\nsummary: %lu request", &together) == 1 &&
                  (sum = strstr(sum, "; at most ")) != NULL &&
                  sscanf(sum, "; at most %d client%*[^;]; %lu record", &most,
                         &waited) == 2, "%s: overlap said:\n%s", exp, out);
    ck_assert_msg(most >= 2 && waited >= 1, "%s: clients did not meet in the "
                  "server, or none waited for another's ack:\n%s", exp, out);
    free(out);
}
