/*
 * labs/02-request-routing/text.c - text lines through a FIFO: where does a
 * message end?
 *
 * A FIFO carries bytes, not messages: read() returns what is there, up to
 * the size asked for (read(2), pipe(7)). Here two writers ("typists") send
 * text messages "PID:SEQ A OP B\n", and the lab reads them the way a text
 * protocol must: it keeps what it has read and takes a message only when
 * its newline has come. Three situations, each driven step by step:
 *
 *   1. one message written in two pieces: the first read() holds half of
 *      it, which a reader taking one read() for one message would choke on;
 *   2. two messages written before the lab reads: one read() holds both;
 *   3. a message in two pieces, and the other typist's message between
 *      them: both lines are garbage. One write() per message, of at most
 *      PIPE_BUF bytes, is the only cure; fixed-size records (records.c)
 *      also make the reader's job simple.
 *
 * Trace: each typist's record_write is the message it is about to send,
 * and each write() is a proc_state "writing" interval (then "idle"), so
 * the trace keeps the order of the pieces: a message sent in two pieces
 * has two; the lab's record_read is a line it could read, record_drop one
 * it threw away (reason "bad_magic": it does not even start like a
 * message).
 *
 * Run:   build/bin/lab02-request-routing text-lines        Lab 02, step 2.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ipclab/calc.h"
#include "ipclab/fifo.h"
#include "ipclab/trace.h"
#include "lab.h"
#include "lab02.h"

struct msg {
    uint32_t seq;
    const char *expr;           /* "6 * 7" */
    size_t split;               /* > 0: written in two write()s, the first
                                   ending 'split' bytes into expr */
};

struct typist {
    const char *path;
    const struct msg *script;   /* ends with a NULL expr */
    struct lab_steps steps;     /* one step per write() */
};

/* One write() of (a piece of) a message, traced as a "writing" state */
static bool
write_piece(int fd, const char *buf, size_t n)
{
    ssize_t w;

    IPCLAB_TP(proc_state, "typist", "writing");
    w = ipc_write_full(fd, buf, n);
    IPCLAB_TP(proc_state, "typist", "idle");
    return w != -1;
}

/* Peer: send the script, one write() per lab_step() of the lab. */
static int
typist(void *arg)
{
    struct typist *t = arg;
    int fd = ipc_fifo_open(IPCLAB_FIFO_LAB, t->path, O_WRONLY);

    if (fd == -1)
        return 1;
    lab_gate_post(&t->steps.done, 0);           /* opened */
    for (const struct msg *m = t->script; m->expr != NULL; m++) {
        char line[128];
        int head = snprintf(line, sizeof(line), "%ld:%u ", (long)getpid(),
                            m->seq);
        size_t len = (size_t)head + (size_t)snprintf(line + head,
                     sizeof(line) - (size_t)head, "%s\n", m->expr);
        size_t cut = m->split > 0 ? (size_t)head + m->split : len;
        struct ipc_record rec;
        enum ipc_op op;
        int64_t a, b;

        ipc_calc_parse(m->expr, &op, &a, &b);
        ipc_rec_request(&rec, op, a, b, m->seq);
        if (!lab_gate_wait(&t->steps.go, NULL))
            return 1;
        IPCLAB_TP(record_write, IPCLAB_FIFO_LAB, &rec);
        if (!write_piece(fd, line, cut))
            return 1;
        lab_gate_post(&t->steps.done, 1);
        if (cut < len) {        /* UNSAFE: one message, two write()s */
            if (!lab_gate_wait(&t->steps.go, NULL) ||
                !write_piece(fd, line + cut, len - cut))
                return 1;
            lab_gate_post(&t->steps.done, 1);
        }
    }
    close(fd);
    return 0;
}

struct line_reader {
    int fd;
    char buf[512];
    size_t len;                 /* bytes kept: a line whose newline is due */
    int garbled;                /* lines thrown away */
};

/* "PID:SEQ A OP B" into a request record from PID; false if it is not. */
static bool
parse(const char *line, struct ipc_record *rec)
{
    long pid;
    unsigned seq;
    int off = 0;
    enum ipc_op op;
    int64_t a, b;

    if (sscanf(line, "%ld:%u %n", &pid, &seq, &off) != 2 || off == 0 ||
        ipc_calc_parse(line + off, &op, &a, &b) != 0)
        return false;
    ipc_rec_request(rec, op, a, b, seq);
    rec->pid = (int32_t)pid;
    return true;
}

/* One read(): show it, then take every whole line. Returns messages read. */
static int
take(struct line_reader *r)
{
    ssize_t n = read(r->fd, r->buf + r->len, sizeof(r->buf) - 1 - r->len);
    char *line = r->buf, *nl;
    int msgs = 0;

    if (n <= 0)
        return 0;
    r->buf[r->len + (size_t)n] = '\0';
    lab_say("read() returned %zd bytes: \"%.*s%s\"", n,
            (int)strcspn(r->buf + r->len, "\n"), r->buf + r->len,
            strchr(r->buf + r->len, '\n') ? "\\n..." : "");
    r->len += (size_t)n;
    while ((nl = strchr(line, '\n')) != NULL) {
        struct ipc_record rec;

        *nl = '\0';
        if (parse(line, &rec)) {
            IPCLAB_TP(record_read, IPCLAB_FIFO_LAB, &rec);
            lab_say("  a whole line: \"%s\"", line);
            msgs++;
        } else {
            IPCLAB_TP(record_drop, IPCLAB_FIFO_LAB, "bad_magic",
                      (int)(nl - line + 1), 0, 0u);
            lab_say("  not a message, thrown away: \"%s\"", line);
            r->garbled++;
        }
        line = nl + 1;
    }
    r->len -= (size_t)(line - r->buf);
    memmove(r->buf, line, r->len);      /* keep the start of the next line */
    if (r->len > 0)
        lab_say("  kept %zu bytes until their newline comes", r->len);
    return msgs;
}

bool
exp_text_lines(void)
{
    char path[PATH_MAX];
    static const struct msg one[] = {
        { 1, "6 * 7", 3 }, { 2, "1 + 2", 0 }, { 3, "3 + 4", 0 },
        { 4, "10 - 3", 4 }, { 0, NULL, 0 },
    };
    static const struct msg two[] = { { 1, "8 / 2", 0 }, { 0, NULL, 0 } };
    struct typist t1 = { lab_path(path, "text"), one,
                         { { -1, -1 }, { -1, -1 } } };
    struct typist t2 = { t1.path, two, { { -1, -1 }, { -1, -1 } } };
    struct line_reader r = { .fd = -1 };
    bool ok = true;
    pid_t p1, p2;
    int a, b;

    lab_fifo(IPCLAB_FIFO_LAB, t1.path);
    lab_steps_init(&t1.steps);
    lab_steps_init(&t2.steps);
    p1 = lab_fork("typist", typist, &t1);
    p2 = lab_fork("typist", typist, &t2);
    r.fd = lab_open(IPCLAB_FIFO_LAB, t1.path, O_RDONLY | O_NONBLOCK);
    ok &= lab_gate_wait(&t1.steps.done, NULL) &&
          lab_gate_wait(&t2.steps.done, NULL);

    lab_say("1. typist %ld writes \"6 *\", later \" 7\\n\"", (long)p1);
    a = lab_step(&t1.steps) ? take(&r) : -1;
    b = lab_step(&t1.steps) ? take(&r) : -1;
    ok &= lab_expect(a == 0 && b == 1, "the first read() held half a message: "
                     "only the newline says where a message ends");
    lab_say("2. typist %ld writes two lines before the lab reads", (long)p1);
    a = lab_step(&t1.steps) && lab_step(&t1.steps) ? take(&r) : -1;
    ok &= lab_expect(a == 2, "one read() held two messages: split them at "
                     "each newline");
    lab_say("3. typist %ld writes \"10 -\", typist %ld a whole line, then "
            "typist %ld \" 3\\n\"", (long)p1, (long)p2, (long)p1);
    ok &= lab_step(&t1.steps) && lab_step(&t2.steps) && lab_step(&t1.steps);
    a = take(&r);
    ok &= lab_expect(a == 0 && r.garbled == 2, "the other line landed inside "
                     "ours: both messages are lost. Send each message with "
                     "ONE write() of at most PIPE_BUF bytes");
    ok &= lab_wait(p1, "typist") == 0 && lab_wait(p2, "typist") == 0;
    lab_steps_close(&t1.steps);
    lab_steps_close(&t2.steps);
    close(r.fd);
    unlink(t1.path);
    return ok;
}
