/*
 * tests/trace/emit.c - a broken ipclab system, as its trace would show it.
 *
 *   traces/record.sh -o DIR -- build/tests/trace --emit [SCRIPT]
 *
 * SCRIPT: classic, lost, names, more, orphan or gone (below); none: the
 * broken one.
 *
 * To show that 'ipclab-trace check' catches each violation it names, this
 * emits the events of five processes (a server, two requesting clients,
 * two processing clients) going through the protocol: good requests, and
 * one of every kind of violation (script()); or, with "classic", classic
 * signals, acks coalesced, lost and late, and results dropped with and
 * without their record_drop (script_classic()); or, with "lost", a record
 * never announced and then more events than small buffers hold
 * (script_lost()); or, with "names", a process whose role, state and
 * error text JSON must escape (script_names()); or, with "more", the
 * check's other violation lines (script_more()); or, with "orphan",
 * workers signalled by the kernel when their server ended
 * (script_orphan()); or, with "gone", requests that end without their
 * answer (script_gone()). Each "process" is a real one (an actor: this program
 * again, with --emit-actor), because the trace tells processes apart by
 * their vpid; a director tells each actor, one line at a time,
 * which event to emit and waits for its "ok", so the events are in the
 * trace in exactly the order of the script below. No FIFO and no signal is
 * used: only the tracepoints.
 *
 * It prints "actors: server=PID rc_a=PID ..." for the tests to build the
 * exact violation lines they expect (check_check.c). The tracepoint
 * definitions come, as in every program, from src/lib/tp_define.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipclab/record.h"
#include "ipclab/trace.h"
#include "emit.h"

struct actor {
    pid_t pid;
    FILE *to, *from;            /* its stdin, its stdout */
};

enum { SERVER, RC_A, RC_B, SUM, MUL, NACTORS };

static struct actor actors[NACTORS];

/* ---- the actor: emit what we are told --------------------------------- */

static void
emit_record(int write, int fifo, const char *args)
{
    struct ipc_record rec = { 0 };
    long long a, b, value;
    int pid, op, status;
    unsigned seq;

    if (sscanf(args, "%d %u %d %lld %lld %d %lld", &pid, &seq, &op, &a, &b,
               &status, &value) != 7)
        return;
    rec.kind = fifo == 1 || fifo == 3 ? IPCLAB_KIND_REQUEST : IPCLAB_KIND_RESULT;
    rec.pid = pid;
    rec.seq = seq;
    rec.op = (uint32_t)op;
    rec.a = a;
    rec.b = b;
    rec.status = status;
    rec.value = value;
    if (write)
        IPCLAB_TP(record_write, fifo, &rec);
    else
        IPCLAB_TP(record_read, fifo, &rec);
}

/* Classic signals: SIGUSR1 is "ready", SIGUSR2 an ack */
static int
classic_signo(const char *what)
{
    return strncmp(what, "ack", 3) == 0 ? SIGUSR2 : SIGUSR1;
}

/* One command: "w 1 PID SEQ OP A B STATUS VALUE", "send ready PEER V"... */
static void
obey(char *line)
{
    char word[16], what[32], reason[32];
    int x, y, z, w;

    if (sscanf(line, "%15s", word) != 1)
        return;
    if (strcmp(word, "start") == 0 && sscanf(line, "%*s %31s %d", what,
                                             &x) == 2)
        IPCLAB_TP(proc_start, what, x);
    else if (strcmp(word, "exit") == 0)
        IPCLAB_TP(proc_exit, sscanf(line, "%*s %31s", what) == 1 ? what
                                                                : "actor", 0);
    else if (strcmp(word, "burst") == 0 && sscanf(line, "%*s %d", &x) == 1)
        for (int i = 0; i < x; i++)     /* more than small buffers hold */
            IPCLAB_TP(proc_state, "actor", "burst");
    else if (strcmp(word, "drop") == 0 &&
             sscanf(line, "%*s %d %31s %d %d", &x, what, &y, &z) == 4)
        IPCLAB_TP(record_drop, x, what, (int)sizeof(struct ipc_record), y,
                  (uint32_t)z);
    else if (strcmp(word, "reclaim") == 0 &&
             sscanf(line, "%*s %d %d %d %d %31s", &x, &y, &z, &w, what) == 5)
        IPCLAB_TP(reclaim, x, y, (uint32_t)z, w, what);
    else if ((strcmp(word, "csend") == 0 || strcmp(word, "ctake") == 0) &&
             sscanf(line, "%*s %31s %d %d", what, &x, &y) == 3) {
        if (word[1] == 's')
            IPCLAB_TP(signal_send, classic_signo(what), what, x, y);
        else
            IPCLAB_TP(signal_consume, classic_signo(what), what, x, y);
    }
    else if (strcmp(word, "reap") == 0 && sscanf(line, "%*s %d", &x) == 1)
        IPCLAB_TP(proc_reap, "server", x, 128 + SIGKILL);
    else if (strcmp(word, "orphaned") == 0 && sscanf(line, "%*s %d", &x) == 1)
        IPCLAB_TP(signal_consume, SIGTERM, "stop", x, 0);
    else if (strcmp(word, "cignore") == 0 &&
             sscanf(line, "%*s %31s %d %d %31s", what, &x, &y, reason) == 4)
        IPCLAB_TP(signal_ignore, classic_signo(what), x, y, reason);
    else if ((strcmp(word, "w") == 0 || strcmp(word, "r") == 0) &&
             sscanf(line, "%*s %d %n", &x, &y) >= 1)
        emit_record(word[0] == 'w', x, line + y);
    else if (strcmp(word, "route") == 0 &&
             sscanf(line, "%*s %d %d %d %d", &x, &y, &z, &w) == 4)
        IPCLAB_TP(route, x, (uint32_t)y, z, w);
    else if ((strcmp(word, "send") == 0 || strcmp(word, "take") == 0) &&
             sscanf(line, "%*s %31s %d %d", what, &x, &y) == 3) {
        int signo = SIGRTMIN + (strcmp(what, "ack") == 0 ? 3 : 2);

        if (word[0] == 's')
            IPCLAB_TP(signal_send, signo, what, x, y);
        else
            IPCLAB_TP(signal_consume, signo, what, x, y);
    } else if (strcmp(word, "odd") == 0) {
        IPCLAB_TP(proc_start, IPCLAB_EMIT_ODD, (int)getppid());
        IPCLAB_TP(proc_state, IPCLAB_EMIT_ODD, IPCLAB_EMIT_ODD);
        IPCLAB_TP(error, IPCLAB_EMIT_ODD, 1);
        IPCLAB_TP(error, IPCLAB_EMIT_INVISIBLE, 2);
    } else if (strcmp(word, "error") == 0 &&
               sscanf(line, "%*s %31s %d", what, &x) == 2) {
        for (char *p = what; *p != '\0'; p++)
            if (*p == '_')
                *p = ' ';
        IPCLAB_TP(error, what, x);
    }
}

static int
actor_main(void)
{
    char line[256];

    while (fgets(line, sizeof(line), stdin) != NULL) {
        obey(line);
        printf("ok\n");
        fflush(stdout);
    }
    return 0;
}

/* ---- the director ------------------------------------------------------ */

static void
spawn(struct actor *a, const char *self)
{
    int in[2], out[2];

    if (pipe(in) == -1 || pipe(out) == -1 || (a->pid = fork()) == -1) {
        perror("emit");
        exit(1);
    }
    if (a->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        execl(self, self, "--emit-actor", (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    a->to = fdopen(in[1], "w");
    a->from = fdopen(out[0], "r");
}

/* Have actor n emit one event, and wait until it has. */
static void __attribute__((format(printf, 2, 3)))
say(int n, const char *fmt, ...)
{
    char reply[16];
    va_list ap;

    va_start(ap, fmt);
    vfprintf(actors[n].to, fmt, ap);
    va_end(ap);
    fputc('\n', actors[n].to);
    fflush(actors[n].to);
    if (fgets(reply, sizeof(reply), actors[n].from) == NULL) {
        fprintf(stderr, "emit: actor %d died\n", n);
        exit(1);
    }
}

#define PID(n) ((int)actors[n].pid)

static bool gone[NACTORS];      /* actor n traced its exit already */

/* Actor n traces its exit (once): a process ends */
static void
end(int n)
{
    if (!gone[n])       /* the server exits as one: R5 is judged then */
        say(n, n == SERVER ? "exit server" : "exit");
    gone[n] = true;
}

/* rc sends request seq (op, a, b); the server reads it */
static void
request(int rc, int seq, int op, int a, int b)
{
    say(rc, "w 1 %d %d %d %d %d 0 0", PID(rc), seq, op, a, b);
    say(SERVER, "r 1 %d %d %d %d %d 0 0", PID(rc), seq, op, a, b);
}

/* the server routes it, writes it into FIFO3 and announces it */
static void
dispatch(int w, int rc, int seq, int op, int a, int b)
{
    say(SERVER, "route %d %d %d %d", PID(rc), seq, op, PID(w));
    say(SERVER, "w 3 %d %d %d %d %d 0 0", PID(rc), seq, op, a, b);
    say(SERVER, "send ready %d %d", PID(w), seq);
    say(w, "take ready %d %d", PID(SERVER), seq);
}

/* reader (a worker) reads it from FIFO3 and acknowledges */
static void
take3(int reader, int rc, int seq, int op, int a, int b)
{
    say(reader, "r 3 %d %d %d %d %d 0 0", PID(rc), seq, op, a, b);
    say(reader, "send ack %d %d", PID(SERVER), seq);
    say(SERVER, "take ack %d %d", PID(reader), seq);
}

/* worker w writes the result into FIFO4; the server reads it */
static void
result(int w, int rc, int seq, int op, int a, int b, int v)
{
    say(w, "w 4 %d %d %d %d %d 0 %d", PID(rc), seq, op, a, b, v);
    say(SERVER, "r 4 %d %d %d %d %d 0 %d", PID(rc), seq, op, a, b, v);
}

/* the server writes the result into FIFO2 for rc and announces it */
static void
answer(int rc, int seq, int op, int a, int b, int v)
{
    say(SERVER, "w 2 %d %d %d %d %d 0 %d", PID(rc), seq, op, a, b, v);
    say(SERVER, "send ready %d %d", PID(rc), seq);
    say(rc, "take ready %d %d", PID(SERVER), seq);
}

/* reader reads rc's result from FIFO2 and acknowledges */
static void
take2(int reader, int rc, int seq, int op, int a, int b, int v)
{
    say(reader, "r 2 %d %d %d %d %d 0 %d", PID(rc), seq, op, a, b, v);
    say(reader, "send ack %d %d", PID(SERVER), seq);
    say(SERVER, "take ack %d %d", PID(reader), seq);
}

/* the server answers rc, which reads its result and acknowledges */
static void
answered(int rc, int seq, int op, int a, int b, int v)
{
    answer(rc, seq, op, a, b, v);
    take2(rc, rc, seq, op, a, b, v);
}

/* worker w reads and computes rc's request; rc gets its result */
static void
worked(int w, int rc, int seq, int op, int a, int b, int v)
{
    take3(w, rc, seq, op, a, b);
    result(w, rc, seq, op, a, b, v);
    answered(rc, seq, op, a, b, v);
}

/* rc's request, through sum, up to its result read from FIFO4 (rt) */
static void
to_result(int rc, int seq, int a, int b)
{
    request(rc, seq, IPCLAB_OP_SUM, a, b);
    dispatch(SUM, rc, seq, IPCLAB_OP_SUM, a, b);
    take3(SUM, rc, seq, IPCLAB_OP_SUM, a, b);
    result(SUM, rc, seq, IPCLAB_OP_SUM, a, b, a + b);
}

/* The script: the violation of each step is in check_check.c */
static void
script(void)
{
    /* A:1, a good request */
    to_result(RC_A, 1, 2, 3);
    answered(RC_A, 1, IPCLAB_OP_SUM, 2, 3, 5);

    /* a request of a client that traces nothing (this director, as a
       client started outside the recording): the server reads it and no
       more is traced of it: not judged */
    say(SERVER, "r 1 %d 1 %d 4 5 0 0", (int)getpid(), IPCLAB_OP_SUM);

    /* A:2 is never answered: its worker read it, and that is all */
    request(RC_A, 2, IPCLAB_OP_SUM, 4, 4);
    dispatch(SUM, RC_A, 2, IPCLAB_OP_SUM, 4, 4);
    take3(SUM, RC_A, 2, IPCLAB_OP_SUM, 4, 4);

    /* A:3 is answered twice */
    request(RC_A, 3, IPCLAB_OP_SUM, 1, 1);
    dispatch(SUM, RC_A, 3, IPCLAB_OP_SUM, 1, 1);
    worked(SUM, RC_A, 3, IPCLAB_OP_SUM, 1, 1, 2);
    answered(RC_A, 3, IPCLAB_OP_SUM, 1, 1, 2);

    /* B:1's result is read by A; the server sends it again, B reads it */
    request(RC_B, 1, IPCLAB_OP_SUM, 7, 1);
    dispatch(SUM, RC_B, 1, IPCLAB_OP_SUM, 7, 1);
    take3(SUM, RC_B, 1, IPCLAB_OP_SUM, 7, 1);
    result(SUM, RC_B, 1, IPCLAB_OP_SUM, 7, 1, 8);
    say(SERVER, "w 2 %d 1 %d 7 1 0 8", PID(RC_B), IPCLAB_OP_SUM);
    say(SERVER, "send ready %d 1", PID(RC_B));
    take2(RC_A, RC_B, 1, IPCLAB_OP_SUM, 7, 1, 8);
    answered(RC_B, 1, IPCLAB_OP_SUM, 7, 1, 8);

    /* A:4, announced to sum, is read by mul */
    request(RC_A, 4, IPCLAB_OP_SUM, 5, 6);
    dispatch(SUM, RC_A, 4, IPCLAB_OP_SUM, 5, 6);
    worked(MUL, RC_A, 4, IPCLAB_OP_SUM, 5, 6, 11);

    /* A:6 is written into FIFO3 while A:5 is still in it */
    request(RC_A, 5, IPCLAB_OP_SUM, 1, 2);
    request(RC_A, 6, IPCLAB_OP_MUL, 3, 4);
    dispatch(SUM, RC_A, 5, IPCLAB_OP_SUM, 1, 2);
    dispatch(MUL, RC_A, 6, IPCLAB_OP_MUL, 3, 4);
    take3(SUM, RC_A, 5, IPCLAB_OP_SUM, 1, 2);
    take3(MUL, RC_A, 6, IPCLAB_OP_MUL, 3, 4);
    result(SUM, RC_A, 5, IPCLAB_OP_SUM, 1, 2, 3);
    answered(RC_A, 5, IPCLAB_OP_SUM, 1, 2, 3);
    result(MUL, RC_A, 6, IPCLAB_OP_MUL, 3, 4, 12);
    answered(RC_A, 6, IPCLAB_OP_MUL, 3, 4, 12);

    /* B:2: rc_b traces its ack after sending it: the server's take of
       that ack comes first in the trace */
    to_result(RC_B, 2, 2, 2);
    answer(RC_B, 2, IPCLAB_OP_SUM, 2, 2, 4);
    say(RC_B, "r 2 %d 2 %d 2 2 0 4", PID(RC_B), IPCLAB_OP_SUM);
    say(SERVER, "take ack %d 2", PID(RC_B));
    say(RC_B, "send ack %d 2", PID(SERVER));

    /* a ready with no record, an ack with no read, an error */
    say(SERVER, "send ready %d 99", PID(SUM));
    say(SUM, "take ready %d 99", PID(SERVER));
    say(MUL, "send ack %d 98", PID(SERVER));
    say(SERVER, "error worker_died 137");
}

/* classic mode: the server writes rc's result into FIFO2 and announces it */
static void
canswer(int rc, int seq, int op, int a, int b, int v)
{
    say(SERVER, "w 2 %d %d %d %d %d 0 %d", PID(rc), seq, op, a, b, v);
    say(SERVER, "csend ready %d 0", PID(rc));
    say(rc, "ctake ready %d 0", PID(SERVER));
}

/* classic mode: the server hands the request to worker w */
static void
cdispatch(int w, int rc, int seq, int op, int a, int b)
{
    say(SERVER, "route %d %d %d %d", PID(rc), seq, op, PID(w));
    say(SERVER, "w 3 %d %d %d %d %d 0 0", PID(rc), seq, op, a, b);
    say(SERVER, "csend ready %d 0", PID(w));
    say(w, "ctake ready %d 0", PID(SERVER));
}

/* classic mode: reader reads record rc:seq from FIFO 'fifo', sends its
   ack (no value), and the server takes it */
static void
cread(int reader, int fifo, int rc, int seq, int op, int a, int b, int v)
{
    say(reader, "r %d %d %d %d %d %d 0 %d", fifo, PID(rc), seq, op, a, b, v);
    say(reader, "csend ack %d 0", PID(SERVER));
    say(SERVER, "ctake ack %d 0", PID(reader));
}

/* classic: sum's result of rc's request, answered and read by rc */
static void
canswered(int rc, int seq, int a, int b)
{
    result(SUM, rc, seq, IPCLAB_OP_SUM, a, b, a + b);
    canswer(rc, seq, IPCLAB_OP_SUM, a, b, a + b);
    cread(rc, 2, rc, seq, IPCLAB_OP_SUM, a, b, a + b);
}

/* One whole classic request of rc, handled by sum, answered */
static void
cgood(int rc, int seq, int a, int b)
{
    request(rc, seq, IPCLAB_OP_SUM, a, b);
    cdispatch(SUM, rc, seq, IPCLAB_OP_SUM, a, b);
    cread(SUM, 3, rc, seq, IPCLAB_OP_SUM, a, b, 0);
    canswered(rc, seq, a, b);
}

/* classic: A:a (1 + 1) at sum and B:b (4 + 4) at rc_b at once; both read,
   both acks sent, none taken yet */
static void
two_acks(int a, int b)
{
    request(RC_A, a, IPCLAB_OP_SUM, 1, 1);
    request(RC_B, b, IPCLAB_OP_SUM, 4, 4);
    cdispatch(SUM, RC_B, b, IPCLAB_OP_SUM, 4, 4);
    cread(SUM, 3, RC_B, b, IPCLAB_OP_SUM, 4, 4, 0);
    result(SUM, RC_B, b, IPCLAB_OP_SUM, 4, 4, 8);
    canswer(RC_B, b, IPCLAB_OP_SUM, 4, 4, 8);
    cdispatch(SUM, RC_A, a, IPCLAB_OP_SUM, 1, 1);
    say(SUM, "r 3 %d %d %d 1 1 0 0", PID(RC_A), a, IPCLAB_OP_SUM);
    say(RC_B, "r 2 %d %d %d 4 4 0 8", PID(RC_B), b, IPCLAB_OP_SUM);
    say(SUM, "csend ack %d 0", PID(SERVER));
    say(RC_B, "csend ack %d 0", PID(SERVER));
}

/* The classic script: the violations of its steps are in check_check.c */
static void
script_classic(void)
{
    /* A:1, a good request */
    cgood(RC_A, 1, 2, 3);

    /* A:2 at sum and B:1 at rc_b at once: their two acks coalesce into
       one signal, whose si_pid is sum's ("ack_coalesced" settles B:1) */
    two_acks(2, 1);
    say(SERVER, "ctake ack %d 0", PID(SUM));
    say(SERVER, "ctake ack_coalesced %d 1", PID(SUM));
    canswered(RC_A, 2, 1, 1);

    /* A:3: the server ignores sum's ack and traces nothing; it stops
       waiting (read_unacked); sum's next ack (A:4) shows the first lost */
    request(RC_A, 3, IPCLAB_OP_SUM, 5, 5);
    cdispatch(SUM, RC_A, 3, IPCLAB_OP_SUM, 5, 5);
    say(SUM, "r 3 %d 3 %d 5 5 0 0", PID(RC_A), IPCLAB_OP_SUM);
    say(SUM, "csend ack %d 0", PID(SERVER));
    result(SUM, RC_A, 3, IPCLAB_OP_SUM, 5, 5, 10);
    say(SERVER, "reclaim 3 %d 3 %d read_unacked", PID(RC_A), PID(SUM));
    canswer(RC_A, 3, IPCLAB_OP_SUM, 5, 5, 10);
    cread(RC_A, 2, RC_A, 3, IPCLAB_OP_SUM, 5, 5, 10);
    cgood(RC_A, 4, 6, 6);

    /* B:2: rc_b reads its result and stops before its ack; the server
       stops waiting; rc_b's late ack and its next one coalesce */
    request(RC_B, 2, IPCLAB_OP_SUM, 7, 7);
    cdispatch(SUM, RC_B, 2, IPCLAB_OP_SUM, 7, 7);
    cread(SUM, 3, RC_B, 2, IPCLAB_OP_SUM, 7, 7, 0);
    result(SUM, RC_B, 2, IPCLAB_OP_SUM, 7, 7, 14);
    canswer(RC_B, 2, IPCLAB_OP_SUM, 7, 7, 14);
    say(RC_B, "r 2 %d 2 %d 7 7 0 14", PID(RC_B), IPCLAB_OP_SUM);
    say(SERVER, "reclaim 2 %d 2 %d read_unacked", PID(RC_B), PID(RC_B));
    say(RC_B, "csend ack %d 0", PID(SERVER));
    request(RC_B, 3, IPCLAB_OP_SUM, 8, 8);
    cdispatch(SUM, RC_B, 3, IPCLAB_OP_SUM, 8, 8);
    cread(SUM, 3, RC_B, 3, IPCLAB_OP_SUM, 8, 8, 0);
    result(SUM, RC_B, 3, IPCLAB_OP_SUM, 8, 8, 16);
    canswer(RC_B, 3, IPCLAB_OP_SUM, 8, 8, 16);
    cread(RC_B, 2, RC_B, 3, IPCLAB_OP_SUM, 8, 8, 16);

    /* A:5's result is dropped, traced; A:6's is lost, untraced */
    request(RC_A, 5, IPCLAB_OP_SUM, 1, 2);
    cdispatch(SUM, RC_A, 5, IPCLAB_OP_SUM, 1, 2);
    cread(SUM, 3, RC_A, 5, IPCLAB_OP_SUM, 1, 2, 0);
    result(SUM, RC_A, 5, IPCLAB_OP_SUM, 1, 2, 3);
    say(SERVER, "drop 2 stale %d 5", PID(RC_A));
    request(RC_A, 6, IPCLAB_OP_SUM, 2, 2);
    cdispatch(SUM, RC_A, 6, IPCLAB_OP_SUM, 2, 2);
    cread(SUM, 3, RC_A, 6, IPCLAB_OP_SUM, 2, 2, 0);
    result(SUM, RC_A, 6, IPCLAB_OP_SUM, 2, 2, 4);

    /* A:7's result is written and never announced: the trace ends */
    request(RC_A, 7, IPCLAB_OP_SUM, 3, 3);
    cdispatch(SUM, RC_A, 7, IPCLAB_OP_SUM, 3, 3);
    cread(SUM, 3, RC_A, 7, IPCLAB_OP_SUM, 3, 3, 0);
    result(SUM, RC_A, 7, IPCLAB_OP_SUM, 3, 3, 6);
    say(SERVER, "w 2 %d 7 %d 3 3 0 6", PID(RC_A), IPCLAB_OP_SUM);
}

/* "more": the rules' other lines, one step each (check_check.c) */
static void
script_more(void)
{
    /* A:1 is routed as another operation than its client asked for */
    request(RC_A, 1, IPCLAB_OP_SUM, 2, 3);
    say(SERVER, "route %d 1 %d %d", PID(RC_A), IPCLAB_OP_MUL, PID(SUM));
    say(SERVER, "w 3 %d 1 %d 2 3 0 0", PID(RC_A), IPCLAB_OP_SUM);
    say(SERVER, "send ready %d 1", PID(SUM));
    say(SUM, "take ready %d 1", PID(SERVER));
    worked(SUM, RC_A, 1, IPCLAB_OP_SUM, 2, 3, 5);

    /* A:2's operand is changed by the server on its way to sum */
    request(RC_A, 2, IPCLAB_OP_SUM, 4, 4);
    dispatch(SUM, RC_A, 2, IPCLAB_OP_SUM, 9, 4);
    worked(SUM, RC_A, 2, IPCLAB_OP_SUM, 9, 4, 13);

    /* A:3's result is read without a ready; the next write shows it */
    to_result(RC_A, 3, 1, 1);
    say(SERVER, "w 2 %d 3 %d 1 1 0 2", PID(RC_A), IPCLAB_OP_SUM);
    take2(RC_A, RC_A, 3, IPCLAB_OP_SUM, 1, 1, 2);
    to_result(RC_A, 4, 2, 2);
    answered(RC_A, 4, IPCLAB_OP_SUM, 2, 2, 4);

    /* classic, A:6 at sum and B:1 at rc_b at once: the server takes sum's
       ack, then rc_b's by a signal of its own: traced before the first was
       taken, rc_b's ack still did not merge into it */
    two_acks(6, 1);
    say(SERVER, "ctake ack %d 0", PID(SUM));
    say(SERVER, "ctake ack %d 0", PID(RC_B));
    canswered(RC_A, 6, 1, 1);

    /* classic, A:7 at sum and B:2 at rc_b: the server takes rc_b's signal
       and settles sum's record from the FIFO state (ack_coalesced), but
       sum's signal comes after all, on its own, and is ignored; sum's
       next ack, of A:8, is taken */
    two_acks(7, 2);
    say(SERVER, "ctake ack_coalesced %d 7", PID(RC_B));
    say(SERVER, "ctake ack %d 0", PID(RC_B));
    say(SERVER, "cignore ack %d 0 unexpected_sender", PID(SUM));
    canswered(RC_A, 7, 1, 1);
    cgood(RC_A, 8, 2, 2);

    /* A:5: mul reads it and never acknowledges; nothing more comes */
    request(RC_A, 5, IPCLAB_OP_MUL, 3, 4);
    dispatch(MUL, RC_A, 5, IPCLAB_OP_MUL, 3, 4);
    say(MUL, "r 3 %d 5 %d 3 4 0 0", PID(RC_A), IPCLAB_OP_MUL);

    /* sum takes a ready from mul, which sends none */
    say(SUM, "take ready %d 7", PID(MUL));

    /* B:10 comes after the server began to stop: its drop is its traced
       end, no violation; B:9 is written into FIFO1 and never read */
    say(RC_B, "w 1 %d 10 %d 1 1 0 0", PID(RC_B), IPCLAB_OP_SUM);
    say(SERVER, "drop 1 stopping %d 10", PID(RC_B));
    say(RC_B, "w 1 %d 9 %d 1 1 0 0", PID(RC_B), IPCLAB_OP_SUM);
}

/* "lost": a record written and never announced, then so many events that
   the tracer, with small buffers, loses some after it: not judged */
static void
script_lost(void)
{
    to_result(RC_A, 1, 2, 3);
    say(SERVER, "w 2 %d 1 %d 2 3 0 5", PID(RC_A), IPCLAB_OP_SUM);
    say(MUL, "burst 200000");
}

/* "orphan": the server ends holding a result, and each worker then
   takes the SIGTERM the kernel sends when its parent ends
   (PR_SET_PDEATHSIG): no traced send */
static void
script_orphan(void)
{
    to_result(RC_A, 1, 2, 3);
    end(SERVER);
    say(SUM, "orphaned %d", PID(SERVER));
    say(MUL, "orphaned %d", PID(SERVER));
}

/* "gone": A:1's result dropped as stale; A:2 inside the server when it is
   killed, reaped, and its pid taken by a new server; B:2 then enters
   beside neither (check_overlap.c) */
static void
script_gone(void)
{
    to_result(RC_A, 1, 2, 3);
    say(SERVER, "drop 4 stale %d 1", PID(RC_A));
    request(RC_B, 1, IPCLAB_OP_SUM, 4, 5);
    request(RC_A, 2, IPCLAB_OP_SUM, 6, 7);
    say(MUL, "reap %d", PID(SERVER));
    say(SERVER, "start server %d", (int)getpid());
    request(RC_B, 2, IPCLAB_OP_SUM, 8, 9);
}

/* "names": rc_b takes IPCLAB_EMIT_ODD as its role and state, and traces an
   error with that text and one with IPCLAB_EMIT_INVISIBLE, among good
   requests: not judged */
static void
script_names(void)
{
    to_result(RC_A, 1, 2, 3);
    say(RC_B, "odd");
    to_result(RC_B, 1, 4, 5);
}

int
emit_main(int argc, char *argv[])
{
    static const char *const roles[NACTORS] = { "server", "rc", "rc", "sum",
                                                "mul" };
    int status = 0;

    if (argc >= 2 && strcmp(argv[1], "--emit-actor") == 0)
        return actor_main();
    signal(SIGPIPE, SIG_IGN);
    for (int n = 0; n < NACTORS; n++)
        spawn(&actors[n], argv[0]);
    for (int n = 0; n < NACTORS; n++)
        say(n, "start %s %d", roles[n], n == SUM || n == MUL ? PID(SERVER)
                                                             : (int)getpid());
    printf("actors: server=%d rc_a=%d rc_b=%d sum=%d mul=%d\n", PID(SERVER),
           PID(RC_A), PID(RC_B), PID(SUM), PID(MUL));
    fflush(stdout);
    if (argc >= 3 && strcmp(argv[2], "classic") == 0)
        script_classic();
    else if (argc >= 3 && strcmp(argv[2], "lost") == 0)
        script_lost();
    else if (argc >= 3 && strcmp(argv[2], "names") == 0)
        script_names();
    else if (argc >= 3 && strcmp(argv[2], "more") == 0)
        script_more();
    else if (argc >= 3 && strcmp(argv[2], "orphan") == 0)
        script_orphan();
    else if (argc >= 3 && strcmp(argv[2], "gone") == 0)
        script_gone();
    else
        script();
    for (int n = NACTORS - 1; n >= 0; n--) {
        int st;

        end(n);
        fclose(actors[n].to);   /* EOF: the actor returns */
        fclose(actors[n].from);
        while (waitpid(actors[n].pid, &st, 0) == -1 && errno == EINTR)
            ;
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            status = 1;
    }
    return status;
}
