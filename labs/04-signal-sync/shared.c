/*
 * labs/04-signal-sync/shared.c - one FIFO, two readers: who gets what?
 *
 * The lab plays the server and writes results into FIFO2, each addressed
 * to one of two readers (its pid is in the record). A FIFO has no notion
 * of addressee: read() gives the next bytes to whoever calls it first.
 *
 *   shared-fifo  the readers read when they like: reader A, already
 *                reading, takes B's record; later B takes A's.
 *   no-ack       each reader reads only after its "ready" signal, but the
 *                server writes both records and signals both at once.
 *                A is slow to read; B is told second yet reads first, and
 *                takes the record at the head of the FIFO: A's.
 *                UNSAFE on purpose [lab04:no-ack]: 'ipclab-trace check'
 *                reports both reads as going to the wrong process.
 *   ack          the same slow A, but the server writes the next record
 *                only after the reader of the previous one acknowledged:
 *                one record in the FIFO at a time, each to its addressee.
 *
 * Signals: real-time, sent with sigqueue() carrying the record's seq, the
 * kit's "ready" (SIGRTMIN+2) and "ack" (SIGRTMIN+3). They are blocked in
 * the lab before it forks, so a reader has them blocked from its first
 * instant [lab04:early-ready], and taken with sigwaitinfo().
 *
 * Run:   build/bin/lab04-signal-sync shared-fifo | no-ack | ack
 * The reference server's side is src/server/handshake.c; the client's,
 * take_result() in src/rc/session.c. Lab 04, steps 1-3.
 */
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "ipclab/fifo.h"
#include "ipclab/sig.h"
#include "ipclab/trace.h"
#include "lab.h"
#include "lab04.h"

#define OWN     0               /* a reader's exit status: it read its own */
#define ASTRAY  2               /* ... it read another reader's record */

struct reader {
    bool told;                  /* read only after a "ready" signal */
    bool slow;                  /* then also wait for the lab's 'go' */
    bool acks;                  /* acknowledge what it read */
    struct lab_gate opened;     /* reader --> lab */
    struct lab_gate go;         /* lab --> reader */
};

void
result_for(struct ipc_record *rec, pid_t reader, uint32_t seq)
{
    ipc_rec_request(rec, IPCLAB_OP_MUL, 6, 7, seq);
    rec->pid = (int32_t)reader;
    ipc_rec_make_result(rec, 0, 42);    /* seals it again */
}

/* Peer: read ONE record from FIFO2 when the rules allow; whose was it? */
static int
reader(void *arg)
{
    char fifo2[PATH_MAX];
    struct reader *r = arg;
    struct ipc_sigs sigs;
    struct ipc_sig_event ev;
    struct ipc_record rec;
    sigset_t ready;
    int fd = ipc_fifo_open(IPCLAB_FIFO2, lab_path(fifo2, "fifo2"), O_RDONLY);

    ipc_sigs_init(&sigs, IPCLAB_SIG_RT);
    sigemptyset(&ready);
    sigaddset(&ready, sigs.ready);      /* blocked since fork: see above */
    lab_gate_post(&r->opened, 1);
    if (fd == -1)
        return 1;
    if (r->told) {
        IPCLAB_TP(proc_state, lab_role(), "waiting_signal");
        if (ipc_sig_wait(&ready, LAB_WAIT_MS, &ev) <= 0 ||
            !ipc_sig_from(&sigs, &ev, getppid()))
            return 1;
        ipc_sig_consumed(&ev, "ready");
    }
    if (r->slow && !lab_gate_wait(&r->go, NULL))
        return 1;
    IPCLAB_TP(proc_state, lab_role(), "reading");
    if (ipc_rec_read_one(fd, IPCLAB_FIFO2, &rec, IPCLAB_KIND_RESULT) != 1)
        return 1;
    if (r->acks)
        lab_need(ipc_sig_send(&sigs, sigs.ack, "ack", getppid(), rec.seq),
                 "send the signal");
    if (rec.pid == (int32_t)getpid()) {
        lab_say("read my own record, seq %u", rec.seq);
        return OWN;
    }
    lab_say("read the record of pid %d, seq %u: not mine!", rec.pid, rec.seq);
    return ASTRAY;
}

struct scene {
    struct reader r[2];         /* A and B */
    pid_t pid[2];
    bool reaped[2];             /* already waited for */
    int fd;                     /* our write end of FIFO2 */
    struct ipc_sigs sigs;
};

/* FIFO2, both readers forked with ready and ack blocked, our write end. */
static bool
scene_start(struct scene *s)
{
    char fifo2[PATH_MAX];
    static const char *const role[2] = { "reader-a", "reader-b" };
    sigset_t set;
    bool ok = true;

    ipc_sigs_init(&s->sigs, IPCLAB_SIG_RT);
    lab_fifo(IPCLAB_FIFO2, lab_path(fifo2, "fifo2"));
    /* block before fork, so no ready can find a reader unprotected;
       ack too: we take it with sigwaitinfo() */
    sigemptyset(&set);
    sigaddset(&set, s->sigs.ready);
    sigaddset(&set, s->sigs.ack);
    sigprocmask(SIG_BLOCK, &set, NULL);
    for (int i = 0; i < 2; i++) {
        lab_gate_init(&s->r[i].opened);
        lab_gate_init(&s->r[i].go);
        s->pid[i] = lab_fork(role[i], reader, &s->r[i]);
    }
    s->fd = lab_open(IPCLAB_FIFO2, fifo2, O_WRONLY);
    for (int i = 0; i < 2; i++)         /* both there: no EPIPE below */
        ok &= lab_gate_wait(&s->r[i].opened, NULL);
    return ok;
}

/* Write a result for reader i (seq i + 1); signal it if 'tell'. */
static void
send_to(struct scene *s, int i, bool tell)
{
    struct ipc_record rec;

    result_for(&rec, s->pid[i], (uint32_t)i + 1);
    lab_need(ipc_rec_write(s->fd, IPCLAB_FIFO2, &rec, -1), "write the record");
    if (tell)
        lab_need(ipc_sig_send(&s->sigs, s->sigs.ready, "ready", s->pid[i],
                              rec.seq), "send the signal");
}

/* Take reader i's ack: from it, for its record's seq. */
static bool
take_ack(struct scene *s, int i)
{
    struct ipc_sig_event ev;
    sigset_t ack;

    sigemptyset(&ack);
    sigaddset(&ack, s->sigs.ack);
    if (ipc_sig_wait(&ack, LAB_WAIT_MS, &ev) <= 0 ||
        !ipc_sig_from(&s->sigs, &ev, s->pid[i]) || ev.value != (uint32_t)i + 1)
        return lab_expect(false, "no ack from reader %ld", (long)s->pid[i]);
    ipc_sig_consumed(&ev, "ack");
    return true;
}

static bool
scene_end(struct scene *s, int want_a, int want_b, const char *what)
{
    char fifo2[PATH_MAX];
    int a = s->reaped[0] ? want_a : lab_wait(s->pid[0], "reader-a");
    int b = s->reaped[1] ? want_b : lab_wait(s->pid[1], "reader-b");

    for (int i = 0; i < 2; i++) {
        lab_gate_close(&s->r[i].opened);
        lab_gate_close(&s->r[i].go);
    }
    close(s->fd);
    unlink(lab_path(fifo2, "fifo2"));
    return lab_expect(a == want_a && b == want_b, "%s", what);
}

bool
exp_shared_fifo(void)
{
    struct scene s = { .r = { { .told = false }, { .slow = true } } };
    int a;

    if (!scene_start(&s))
        return false;
    lab_say("reader A reads at once; B reads when the lab lets it");
    send_to(&s, 1, false);              /* for B, but A is reading */
    a = lab_wait(s.pid[0], "reader-a");
    s.reaped[0] = true;
    send_to(&s, 0, false);              /* for A, who has gone */
    lab_gate_post(&s.r[1].go, 1);
    return scene_end(&s, ASTRAY, ASTRAY, "each reader got the other's "
                     "record: the FIFO gives bytes to whoever reads first") &&
           a == ASTRAY;
}

bool
exp_no_ack(void)
{
    struct scene s = { .r = { { .told = true, .slow = true },
                              { .told = true } } };
    int b;

    if (!scene_start(&s))
        return false;
    /* UNSAFE: the second record goes in before the first was read, and
       nobody waits for an acknowledgement [lab04:no-ack] */
    send_to(&s, 0, true);
    send_to(&s, 1, true);
    lab_say("two records in FIFO2 now; A was told first but is slow");
    b = lab_wait(s.pid[1], "reader-b");  /* B reads the head: A's record */
    s.reaped[1] = true;
    lab_gate_post(&s.r[0].go, 1);
    return scene_end(&s, ASTRAY, ASTRAY, "B read A's record, A read B's: a "
                     "signal says WHEN to read, not WHICH record is next") &&
           b == ASTRAY;
}

bool
exp_ack(void)
{
    struct scene s = { .r = { { .told = true, .slow = true, .acks = true },
                              { .told = true, .acks = true } } };
    bool ok;

    if (!scene_start(&s))
        return false;
    send_to(&s, 0, true);
    lab_gate_post(&s.r[0].go, 1);       /* A is slow: the lab just waits */
    ok = take_ack(&s, 0);
    send_to(&s, 1, true);               /* only now: FIFO2 is empty again */
    ok &= take_ack(&s, 1);
    return scene_end(&s, OWN, OWN, "each reader read its own record: one "
                     "record in the FIFO, the next after the ack") && ok;
}
