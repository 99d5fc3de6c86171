/*
 * rc/main.c - ipclab-rc: a requesting client.
 *
 *   ipclab-rc 6 '*' 7                   one expression: prints "6 * 7 = 42"
 *   ipclab-rc --file exprs.txt          one expression per line, in order
 *   ipclab-rc --count 1000 --random     a load generator with a summary
 *
 * rc1, rc2, ... of the design are simply several of these at once. With
 * --window W, up to W requests are in flight; results may come back in
 * any order and are printed in input order. The protocol itself is in
 * session.c. Lab 05, step 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ipclab/calc.h"
#include "ipclab/cli.h"
#include "ipclab/err.h"
#include "ipclab/proc.h"
#include "ipclab/rundir.h"
#include "ipclab/trace.h"
#include "rc.h"

/* One expression and what became of it */
struct job {
    char *text;                 /* the input line, for parse errors */
    enum ipc_op op;
    int64_t a, b;
    int parse_err;              /* EINVAL, ERANGE or EILSEQ (a NUL byte in
                                   the line): never sent */
    enum { JOB_NEW, JOB_SENT, JOB_DONE } state;
    bool lost;                  /* sent, but no answer came */
    uint32_t seq;               /* sent as this seq */
    int status;                 /* the result's status */
    int64_t value;
    int64_t sent_ns;
};

/* Where jobs come from: a file, a random generator, or the command line */
struct source {
    int in;                     /* --file: its descriptor, or -1 */
    char *buf;                  /* input read but not yet taken as lines */
    size_t len, cap;
    bool in_eof;                /* read() said end of file */
    bool skip_tail;             /* dropping the rest of a line too long */
    long random_left;           /* --random: jobs still to generate */
    uint64_t rng;               /* xorshift64* state */
    const char *single;         /* the expression from the command line */
};

#define MAX_LINE 1024           /* longer than any expression: refused */

struct rc_opts {
    const char *dir, *file, *single, *gate;
    long count, window;
    int timeout_ms;
    bool random, quiet, have_seed;
    uint64_t seed;
    long die_before_ack;
    enum ipc_sched sched;       /* --sched: normal (0) or batch */
    char expr[256];             /* the operands, joined: 'single' points here */
};

/*
 * The jobs not yet printed, in a ring: job number i (counted from 0, in
 * input order) in jobs[i % cap]. Memory is bounded by the window: a job
 * is read only when the ring has room, and leaves it once printed (or,
 * with --random, counted).
 */
struct run {
    struct job *jobs;
    size_t cap;                 /* RING_PER_WINDOW * window */
    size_t n;                   /* jobs read so far */
    size_t *by_seq;             /* job number of seq s at [s % cap] */
    size_t next_send, next_print;
    long inflight;
    bool eof, gone;
    long answered, errors, wrong, lost;
    int64_t start_ns, last_progress_ns;
    int64_t *lat;               /* a sample of the latencies (reservoir) */
    size_t nlat;
    uint64_t lat_rng;
};

#define RING_PER_WINDOW 8       /* answered jobs kept behind an unanswered one */
#define LAT_SAMPLE 65536        /* latencies kept; beyond, a random sample */

enum { OPT_HELP = 1, OPT_DIR, OPT_FILE, OPT_WINDOW, OPT_COUNT, OPT_RANDOM,
       OPT_SEED, OPT_TIMEOUT, OPT_QUIET, OPT_DIE_BEFORE_ACK, OPT_SCHED,
       OPT_GATE };

static const struct ipc_cli_opt options[] = {
    { "help", 0, OPT_HELP },
    { "dir", 1, OPT_DIR },
    { "file", 1, OPT_FILE },
    { "window", 1, OPT_WINDOW },
    { "count", 1, OPT_COUNT },
    { "random", 0, OPT_RANDOM },
    { "seed", 1, OPT_SEED },
    { "timeout", 1, OPT_TIMEOUT },
    { "quiet", 0, OPT_QUIET },
    { "sched", 1, OPT_SCHED },
    { "die-before-ack", 1, OPT_DIE_BEFORE_ACK },
    { "gate", 1, OPT_GATE },
    { NULL, 0, 0 },
};

static void
usage(void)
{
    printf("Usage: %s [OPTIONS] A OP B\n"
           "       %s [OPTIONS] --file F\n"
           "       %s [OPTIONS] --count N --random [--seed S]\n"
           "\n"
           "A requesting client of ipclab: sends requests through FIFO1 to\n"
           "ipclab-server and prints the results that come back through FIFO2.\n"
           "OP is one of + - * / ; A and B are 64-bit integers (quote '*').\n"
           "\n"
           "  --file F        read one expression per line from F ('-' for\n"
           "                  stdin); print one line per expression, in input\n"
           "                  order: 'A OP B = V' or 'A OP B: ERROR'. Blank\n"
           "                  lines and lines starting with '#' are skipped\n"
           "  --count N --random  send N random requests, check every answer,\n"
           "                  print a summary (a load generator)\n"
           "  --seed S        seed of --random (default: time and pid)\n"
           "  --window W      keep up to W requests in flight (default 1)\n"
           "  --timeout MS    give up when no answer comes for MS\n"
           "                  (default 10000)\n"
           "  --quiet         --random: no progress line\n"
           "  --gate G        first wait until a writer opens the FIFO G and\n"
           "                  closes it: clients started one after the\n"
           "                  other then begin together\n"
           "  --sched POLICY  normal (default; SCHED_OTHER) or batch\n"
           "                  (SCHED_BATCH): see ipclab-server --help\n"
           "  --dir DIR       runtime directory (default: $IPCLAB_DIR, else\n"
           "                  $XDG_RUNTIME_DIR/ipclab, else /tmp/ipclab-UID)\n"
           "  --die-before-ack N  die by SIGKILL on the Nth result, before\n"
           "                  reading it (tests of the server's recovery)\n"
           "  -h, --help      show this help\n"
           "\n"
           "Exit status: 0 when every request got an answer (an arithmetic\n"
           "error is an answer), 1 when any did not, --random found a wrong\n"
           "answer, or the server is not running; 2 on usage errors.\n",
           ipc_progname(), ipc_progname(), ipc_progname());
}

static void
parse_options(struct rc_opts *o, int argc, char *argv[])
{
    struct ipc_cli cli = IPCLAB_CLI_INIT(argc, argv);
    size_t used = 0;
    const char *arg;
    int id;

    o->window = 1;
    o->timeout_ms = 10000;
    while ((id = ipc_cli_next_or_exit(&cli, options, &arg)) !=
           IPCLAB_CLI_END) {
        switch (id) {
        case OPT_HELP:    usage(); ipc_cli_help_exit();
        case OPT_DIR:     o->dir = arg; break;
        case OPT_FILE:    o->file = arg; break;
        case OPT_GATE:    o->gate = arg; break;
        case OPT_RANDOM:  o->random = true; break;
        case OPT_QUIET:   o->quiet = true; break;
        case OPT_WINDOW:
            o->window = (long)ipc_cli_int_or_exit("window", arg, 1, 1000);
            break;
        case OPT_COUNT:
            o->count = (long)ipc_cli_int_or_exit("count", arg, 1,
                                                 100000000);
            break;
        case OPT_SEED:
            o->seed = (uint64_t)ipc_cli_int_or_exit("seed", arg, 0,
                                                    INT64_MAX);
            o->have_seed = true;
            break;
        case OPT_TIMEOUT:
            o->timeout_ms = (int)ipc_cli_int_or_exit("timeout", arg, 1,
                                                     3600000);
            break;
        case OPT_SCHED:
            if (ipc_sched_parse(arg, &o->sched) == -1)
                ipc_usage_error("--sched must be batch or normal");
            break;
        case OPT_DIE_BEFORE_ACK:
            o->die_before_ack = (long)ipc_cli_int_or_exit("die-before-ack",
                                                          arg, 1, 1000000);
            break;
        case IPCLAB_CLI_OPERAND:
            /* "6 * 7" as three words or "6*7" as one: join with blanks */
            if (used + strlen(arg) + 2 > sizeof(o->expr))
                ipc_usage_error("expression too long");
            used += (size_t)sprintf(o->expr + used, "%s%s", used ? " " : "",
                                    arg);
            o->single = o->expr;
            break;
        }
    }
    if ((o->single != NULL) + (o->file != NULL) + o->random != 1)
        ipc_usage_error("give one of: an expression A OP B, --file F, or "
                        "--count N --random");
    if (o->random != (o->count > 0))
        ipc_usage_error("--random and --count N go together");
    if (o->single != NULL) {
        enum ipc_op op;
        int64_t a, b;
        int err = ipc_calc_parse(o->single, &op, &a, &b);

        if (err != 0)
            ipc_usage_error("'%s': %s", o->single, err == ERANGE
                            ? "operand out of range" : "invalid expression");
    }
}

/* Block until a writer has opened the FIFO 'path' and closed it again */
static int
wait_gate(const char *path)
{
    char buf[64];
    ssize_t n;
    int fd;

    while ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
        if (errno != EINTR)
            return -1;
    if (ipc_fd_check_type(fd, S_IFIFO) == -1)
        return -1;              /* a file would let us through at once */
    while ((n = read(fd, buf, sizeof(buf))) != 0) {
        if (n == -1 && errno != EINTR) {
            ipc_close_keep_errno(fd);
            return -1;
        }
    }
    return close(fd);
}

/* xorshift64*: small, fast, and the same sequence for the same --seed */
static uint64_t
rng_next(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* A random request that exercises errors now and then */
static void
random_job(struct source *src, struct job *j)
{
    uint64_t r = rng_next(&src->rng);

    j->op = (enum ipc_op)(1 + r % IPCLAB_OP_COUNT);
    switch ((r >> 8) % 16) {
    case 0:                     /* near the limits: overflow is likely */
        j->a = (int64_t)rng_next(&src->rng);
        j->b = (int64_t)rng_next(&src->rng);
        break;
    case 1:                     /* division by zero */
        j->a = (int64_t)(rng_next(&src->rng) % 2001) - 1000;
        j->b = 0;
        break;
    default:
        j->a = (int64_t)(rng_next(&src->rng) % 2000001) - 1000000;
        j->b = (int64_t)(rng_next(&src->rng) % 2001) - 1000;
    }
}

/* The line for the message about it: each NUL byte written as \0, the
   rest display-safe (ipc_shown()); room left for "..." */
static char *
shown_line(const char *line, size_t n)
{
    char *text = malloc(2 * n + 4), *p = text;

    if (text == NULL)
        ipc_die("out of memory");
    for (size_t i = 0; i < n; i++) {
        if (line[i] == '\0') {
            *p++ = '\\';
            *p++ = '0';
        } else {
            *p++ = line[i];
        }
    }
    *p = '\0';
    return (char *)ipc_shown(text, 2 * n + 4, text);
}

static const char *
parse_error_text(int err)
{
    switch (err) {
    case ERANGE: return "operand out of range";
    case EILSEQ: return "invalid expression (NUL byte)";
    case EMSGSIZE: return "line too long";
    default:     return "invalid expression";
    }
}

/* Drop the first n bytes of input */
static void
consume(struct source *src, size_t n)
{
    src->len -= n;
    memmove(src->buf, src->buf + n, src->len);
}

/* The next whole line of input, without its end, into *line and *n;
   false when no whole line is buffered yet. A line longer than MAX_LINE
   comes as soon as that much is buffered, with *n > MAX_LINE, and its
   rest is dropped as it arrives: input never fills memory */
static bool
take_line(struct source *src, char **line, size_t *n, size_t *used)
{
    char *nl = src->len > 0 ? memchr(src->buf, '\n', src->len) : NULL;

    if (src->skip_tail) {
        src->skip_tail = nl == NULL;
        consume(src, nl != NULL ? (size_t)(nl - src->buf) + 1 : src->len);
        nl = src->len > 0 ? memchr(src->buf, '\n', src->len) : NULL;
    }
    if (src->skip_tail || (nl == NULL && src->len <= MAX_LINE &&
                           !(src->in_eof && src->len > 0)))
        return false;
    *line = src->buf;
    *n = nl != NULL ? (size_t)(nl - src->buf) : src->len;
    *used = nl != NULL ? *n + 1 : *n;
    src->skip_tail = nl == NULL && !src->in_eof;
    if (!src->skip_tail && *n > 0 && src->buf[*n - 1] == '\r')
        (*n)--;
    return true;
}

/* Make *j the job of one input line; false for a blank or comment line */
static bool
parse_line(struct job *j, char *line, size_t n)
{
    size_t skip;

    if (n <= MAX_LINE && memchr(line, '\0', n) != NULL) {
        /* C strings end at a NUL: say so rather than cut the line */
        j->parse_err = EILSEQ;
        j->text = shown_line(line, n);
        return true;
    }
    /* a line too long: its beginning says enough */
    line[n <= MAX_LINE ? n : MAX_LINE] = '\0';
    skip = strspn(line, " \t");
    if (line[skip] == '#' || (n <= MAX_LINE && line[skip] == '\0'))
        return false;
    if (n > MAX_LINE) {
        j->parse_err = EMSGSIZE;
        j->text = strcat(shown_line(line, 20), "...");
        return true;
    }
    j->parse_err = ipc_calc_parse(line, &j->op, &j->a, &j->b);
    if (j->parse_err != 0)
        j->text = shown_line(line, n);
    return true;
}

enum next { NEXT_JOB, NEXT_WAIT, NEXT_END };

/* Fill *j with the next job; NEXT_WAIT: more input must be read first */
static enum next
source_next(struct source *src, struct job *j)
{
    char *line;
    size_t n, used;

    memset(j, 0, sizeof(*j));
    if (src->single != NULL) {
        j->parse_err = ipc_calc_parse(src->single, &j->op, &j->a, &j->b);
        src->single = NULL;
        return NEXT_JOB;
    }
    if (src->random_left > 0) {
        src->random_left--;
        random_job(src, j);
        return NEXT_JOB;
    }
    while (src->in != -1 && take_line(src, &line, &n, &used)) {
        bool job = parse_line(j, line, n);

        consume(src, used);
        if (job)
            return NEXT_JOB;
    }
    return src->in != -1 && !src->in_eof ? NEXT_WAIT : NEXT_END;
}

/* One read() of input: poll() said it would not block */
static void
source_read(struct source *src)
{
    ssize_t n;

    if (src->cap - src->len < 4096) {
        src->cap = src->cap ? 2 * src->cap : 8192;
        if ((src->buf = realloc(src->buf, src->cap + 1)) == NULL)
            ipc_die("out of memory");
    }
    do
        n = read(src->in, src->buf + src->len, src->cap - src->len);
    while (n == -1 && errno == EINTR);
    if (n == -1 && errno != EAGAIN)
        ipc_die("cannot read the expressions");
    if (n == 0)
        src->in_eof = true;
    if (n > 0)
        src->len += (size_t)n;
}

/* What we print, kept in memory until stdout takes it */
struct output {
    char *data;
    size_t len, cap;
};

static void
out_printf(struct output *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
out_printf(struct output *o, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        ipc_die("cannot format the output");
    if (o->len + (size_t)n + 1 > o->cap) {
        o->cap = 2 * (o->len + (size_t)n + 1);
        if ((o->data = realloc(o->data, o->cap)) == NULL)
            ipc_die("out of memory");
    }
    va_start(ap, fmt);
    vsnprintf(o->data + o->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    o->len += (size_t)n;
}

/* One write() to stdout of at most PIPE_BUF bytes: after poll() said
   POLLOUT, a pipe takes that many without blocking */
static void
out_write(struct output *o)
{
    ssize_t n = write(STDOUT_FILENO, o->data,
                      o->len < PIPE_BUF ? o->len : PIPE_BUF);

    if (n == -1 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n == -1)
        ipc_die("cannot write the results");
    o->len -= (size_t)n;
    memmove(o->data, o->data + n, o->len);
}

static struct job *
job_at(const struct run *r, size_t i)
{
    return &r->jobs[i % r->cap];
}

/* Keep a latency: all of the first LAT_SAMPLE, then each k-th one with
   probability LAT_SAMPLE / k in a random place (a uniform sample) */
static void
keep_latency(struct run *r, int64_t ns)
{
    size_t seen = (size_t)r->answered, k;

    if (r->nlat < LAT_SAMPLE) {
        r->lat[r->nlat++] = ns;
        return;
    }
    if ((k = (size_t)(rng_next(&r->lat_rng) % seen)) < LAT_SAMPLE)
        r->lat[k] = ns;
}

static void
print_job(struct output *o, const struct job *j)
{
    if (j->parse_err != 0) {
        out_printf(o, "%s: %s\n", j->text, parse_error_text(j->parse_err));
        return;
    }
    out_printf(o, "%lld %c %lld", (long long)j->a, ipc_op_symbol(j->op),
               (long long)j->b);
    if (j->lost)
        out_printf(o, ": no answer\n");
    else if (j->status != 0)
        out_printf(o, ": %s\n", ipc_status_text(j->status));
    else
        out_printf(o, " = %lld\n", (long long)j->value);
}

/* A job got its answer (or lost it): account and check it */
static void
finish(struct run *r, struct job *j, bool check)
{
    j->state = JOB_DONE;
    r->inflight--;
    if (j->lost) {
        r->lost++;
        return;
    }
    r->answered++;
    keep_latency(r, ipc_now_ns() - j->sent_ns);
    if (j->status != 0)
        r->errors++;
    if (check) {                /* --random: compare with our own sums */
        int64_t v = 0;
        int status = ipc_calc_apply(j->op, j->a, j->b, &v);

        /* the server's own failure (EIO, ETIMEDOUT, ECANCELED) is an
           error, counted above, not a wrong sum */
        if (j->status == EIO || j->status == ETIMEDOUT ||
            j->status == ECANCELED)
            return;
        if (status != j->status || (status == 0 && v != j->value))
            r->wrong++;
    }
}

/* Send jobs until the window is full or the input ends */
static void
fill_window(struct run *r, struct rc_session *s, struct source *src,
            long window, int timeout_ms)
{
    while (r->inflight < window) {
        struct job *j;
        uint32_t seq;

        if (r->next_send == r->n) {
            enum next next;

            if (r->eof || r->n - r->next_print == r->cap)
                return;         /* the end, or the ring full: wait */
            next = source_next(src, job_at(r, r->n));
            if (next == NEXT_END)
                r->eof = true;
            if (next != NEXT_JOB)
                return;
            r->n++;
        }
        j = job_at(r, r->next_send++);
        if (j->parse_err != 0) {
            j->state = JOB_DONE;
            continue;
        }
        r->inflight++;
        j->state = JOB_SENT;
        j->sent_ns = ipc_now_ns();
        if (r->gone || rc_send(s, j->op, j->a, j->b, &seq, timeout_ms) == -1) {
            if (!r->gone)       /* say why once: EPIPE, or ETIMEDOUT */
                ipc_warn("cannot send a request to the server");
            r->gone = true;     /* no server: the rest are lost at once */
            j->lost = true;
            finish(r, j, false);
            continue;
        }
        j->seq = seq;
        r->by_seq[seq % r->cap] = r->next_send - 1;
    }
}

static void
show_progress(struct run *r, long total)
{
    int64_t now = ipc_now_ns();

    if (now - r->last_progress_ns < 200000000)
        return;
    r->last_progress_ns = now;
    fprintf(stderr, "\r%ld/%ld answered, %ld lost", r->answered, total,
            r->lost);
}

static int
cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

static void
print_summary(const struct run *r)
{
    double secs = (double)(ipc_now_ns() - r->start_ns) / 1e9;
    int64_t *lat = r->lat;
    size_t k = r->nlat;

    qsort(lat, k, sizeof(*lat), cmp_i64);
    printf("requests: %zu, answered: %ld, errors: %ld, wrong: %ld, "
           "lost: %ld\n", r->n, r->answered, r->errors, r->wrong, r->lost);
    printf("throughput: %.0f requests/s, latency p50 %.1f us, p99 %.1f us\n",
           secs > 0 ? (double)r->answered / secs : 0.0,
           k ? (double)lat[k / 2] / 1e3 : 0.0,
           k ? (double)lat[k * 99 / 100] / 1e3 : 0.0);
}

/* A result or a revoke for one of our seqs: account for its job */
static void
take_answer(struct run *r, struct rc_session *s, bool check,
            enum rc_event e, const struct ipc_record *res)
{
    struct job *j;

    if (res->seq == 0 || res->seq >= s->next_seq)
        return;                 /* not a seq we sent: ignore */
    j = job_at(r, r->by_seq[res->seq % r->cap]);
    if (j->seq != res->seq || j->state != JOB_SENT)
        return;                 /* a duplicate: already answered */
    if (e == RC_RESULT && (res->op != (uint32_t)j->op || res->a != j->a ||
                           res->b != j->b)) {
        /* not the answer to what we asked: forged, never shown */
        IPCLAB_TP(error, "result does not match its request", (int)res->seq);
        ipc_warnx("ignored a result that does not match request %lu",
                  (unsigned long)res->seq);
        return;
    }
    j->lost = e == RC_REVOKED;
    j->status = res->status;
    j->value = res->value;
    finish(r, j, check);
}

/* No server, or no answer in time: everything in flight is lost */
static void
lose_all(struct run *r)
{
    r->gone = true;
    for (size_t i = r->next_print; i < r->next_send; i++) {
        struct job *j = job_at(r, i);

        if (j->state == JOB_SENT) {
            j->lost = true;
            finish(r, j, false);
        }
    }
}

/* Print (unless --random) and free the done jobs at the head of the ring,
   in input order; returns how many */
static int
retire(struct run *r, struct output *out, bool random)
{
    int n = 0;

    for (; r->next_print < r->next_send &&
           job_at(r, r->next_print)->state == JOB_DONE; n++) {
        struct job *j = job_at(r, r->next_print++);

        if (!random)
            print_job(out, j);
        free(j->text);          /* its slot is free for the next job */
        j->text = NULL;
    }
    return n;
}

#define LIVENESS_MS 250         /* how often a waiting rc checks the server */

/*
 * One poll() over the server's signals, our input and our output: a slow
 * input or a slow reader of our output never delays an acknowledgement,
 * and every answer waits in memory until stdout takes it.
 */
static void
run(struct run *r, struct rc_session *s, struct source *src,
    const struct rc_opts *o, struct output *out)
{
    bool progress = o->random && !o->quiet && isatty(STDERR_FILENO);
    int64_t deadline = -1;      /* for the next answer */

    r->start_ns = ipc_now_ns();
    for (;;) {
        struct pollfd fds[3] = {
            { .fd = s->sigfd, .events = POLLIN },
            { .fd = -1, .events = POLLIN },
            { .fd = -1, .events = POLLOUT },
        };
        long before = r->inflight;
        int timeout = -1, n;

        /* jobs lost at once (no server) fill the ring without a wait */
        do
            fill_window(r, s, src, o->window, o->timeout_ms);
        while (retire(r, out, o->random) > 0);
        if (r->inflight > before || r->inflight == 0)
            deadline = ipc_deadline_ms(o->timeout_ms);
        if (progress)
            show_progress(r, o->count);
        if (r->inflight == 0 && r->eof && out->len == 0)
            break;

        if (!r->eof && r->inflight < o->window && src->in != -1 &&
            r->n - r->next_print < r->cap)
            fds[1].fd = src->in;        /* room for more: read more */
        if (out->len > 0)
            fds[2].fd = STDOUT_FILENO;
        if (r->inflight > 0)
            timeout = ipc_ms_until(deadline) < LIVENESS_MS
                      ? ipc_ms_until(deadline) : LIVENESS_MS;
        /* waiting for an answer only while a request is outstanding */
        IPCLAB_TP(proc_state, "rc", r->inflight > 0 ? "waiting_signal"
                                                    : "waiting_input");
        n = poll(fds, 3, timeout);
        if (n == -1 && errno != EINTR)
            ipc_die("poll");
        if (n > 0 && fds[0].revents != 0) {
            struct ipc_record res;
            enum rc_event e;

            while ((e = rc_take(s, &res)) == RC_RESULT || e == RC_REVOKED) {
                take_answer(r, s, o->random, e, &res);
                deadline = ipc_deadline_ms(o->timeout_ms);
            }
            if (e == RC_SERVER_GONE) {
                if (!r->gone)
                    ipc_warnx("the server stopped before answering");
                lose_all(r);
            }
        }
        if (n > 0 && fds[1].revents != 0)
            source_read(src);
        if (n > 0 && fds[2].revents != 0)
            out_write(out);
        if (n == 0 && r->inflight > 0) {
            /* every wait has a way out: a dead server, or the timeout */
            if (!rc_server_alive(s)) {
                if (!r->gone)
                    ipc_warnx("the server stopped before answering");
                lose_all(r);
            } else if (ipc_ms_until(deadline) == 0) {
                ipc_warnx("no answer for %d ms; giving up", o->timeout_ms);
                lose_all(r);
            }
        }
    }
    if (progress)
        fprintf(stderr, "\r\033[K");
}

int
main(int argc, char *argv[])
{
    struct rc_opts o = { 0 };
    struct source src = { 0 };
    struct rc_session s = { 0 };
    struct run r = { 0 };
    struct output out = { 0 };
    char dir[PATH_MAX];
    int status;

    ipc_set_progname(argv[0]);
    /* past a file-size limit (ulimit -f) a write fails with EFBIG, which
       we report, instead of killing us silently */
    if (signal(SIGXFSZ, SIG_IGN) == SIG_ERR)
        ipc_die("signal");
    parse_options(&o, argc, argv);
    if (ipc_rundir_resolve(o.dir, dir, sizeof(dir)) == -1)
        ipc_usage_error("runtime directory name too long");

    src.single = o.single;
    if (o.random) {
        src.random_left = o.count;
        src.rng = o.have_seed ? o.seed : (uint64_t)time(NULL) ^
                  ((uint64_t)getpid() << 32);
        if (src.rng == 0)
            src.rng = 0x9E3779B97F4A7C15ULL;   /* xorshift needs non-zero */
    }
    src.in = -1;
    if (o.file != NULL) {
        src.in = strcmp(o.file, "-") == 0 ? STDIN_FILENO
                                          : open(o.file, O_RDONLY | O_CLOEXEC);
        if (src.in == -1)
            ipc_die("cannot open '%s'", o.file);
    }

    IPCLAB_TP(proc_start, "rc", (int)getppid());
    if (o.gate != NULL && wait_gate(o.gate) == -1)
        ipc_die_kind("FIFO", "cannot wait at the gate '%s'", o.gate);
    if (ipc_sched_apply(o.sched) == -1)
        ipc_warn("cannot set the scheduling policy (--sched)");
    r.cap = RING_PER_WINDOW * (size_t)o.window;
    r.jobs = calloc(r.cap, sizeof(*r.jobs));
    r.by_seq = calloc(r.cap, sizeof(*r.by_seq));
    r.lat = malloc(LAT_SAMPLE * sizeof(*r.lat));
    r.lat_rng = src.rng ^ 0x9E3779B97F4A7C15ULL;
    r.lat_rng += r.lat_rng == 0;        /* xorshift needs non-zero */
    if (r.jobs == NULL || r.by_seq == NULL || r.lat == NULL)
        ipc_die("out of memory");
    s.die_before_ack = o.die_before_ack;
    rc_connect(&s, dir);
    run(&r, &s, &src, &o, &out);
    free(out.data);
    free(src.buf);
    if (o.random)
        print_summary(&r);
    if (fflush(stdout) == EOF)
        ipc_die("cannot write the results");
    /* a wrong answer (--random checks them) fails like a lost one */
    status = r.lost > 0 || r.wrong > 0 ? IPCLAB_EXIT_FAILURE : 0;

    /* give back what the run kept, so that a leak checker (make memcheck)
       finds nothing lost: after main() returns, nothing points to it */
    for (size_t i = 0; i < r.cap; i++)
        free(r.jobs[i].text);
    free(r.jobs);
    free(r.by_seq);
    free(r.lat);
    IPCLAB_TP(proc_exit, "rc", status);
    return status;
}
