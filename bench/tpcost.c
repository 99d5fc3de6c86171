/*
 * bench/tpcost.c - what one tracepoint costs: alone in a loop, and right
 * after a context switch.
 *
 *   ipclab-bench tpcost [--iter N] [--cpu N]
 *   ipclab-bench tpswitch [--iter N] [--cpu N]
 *   traces/record.sh -- ipclab-bench tpcost ...      (recorded)
 *
 * tpcost emits ipclab:record_write (the kit's largest event: nine fields)
 * N times, in bursts of BURST with a pause after each, so that LTTng's
 * consumer daemon empties the ring buffer between bursts instead of the
 * tracer discarding events (which would look cheaper than recording
 * them). With no session recording, this is the cost of a disabled
 * tracepoint: a load and a branch. Compiled out (TRACING=0) it is nothing.
 *
 * Both commands first fill the ring buffer once, untimed (WARMUP events):
 * the first write into each 4 KiB page of LTTng's shared ring buffer is a
 * page fault in the writing process, a few microseconds on a virtual
 * machine, paid once per page and per process. What a long-running
 * program pays per event is the cost after that; tpcost prints the
 * warm-up's own average as first_ns_per_event.
 *
 * tpcost then measures an event that follows a system call (getppid(),
 * about the cheapest), as almost every event of the reference system
 * does: bursts of "system call, event" against bursts of "system call"
 * alone, turn about; the median difference per event is
 * after_syscall_ns. On a virtual machine a system call may go through
 * the hypervisor and leave the caches and the TLB colder than a loop
 * does.
 *
 * tpswitch: two processes on one CPU bounce a byte through two pipes, so
 * that each turn starts with a context switch, as every turn of the
 * reference system does. In blocks of BLOCK round trips, alternately,
 * each process emits one event right after it wakes up, or none. Half
 * the difference between the two kinds of round trip is what an event
 * costs when it is the first thing a process does after being switched
 * in: its code and LTTng's buffers are then out of the caches and the
 * TLB. Give it --cpu, or the two processes may not share a CPU.
 *
 * Prints "result ns_per_event=... events=N tracing=0|1" (tpcost adds
 * first_ns_per_event=... and after_syscall_ns=..., tpswitch rtt_ns=...,
 * the bare round trip).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "ipclab/fifo.h"
#include "ipclab/proc.h"
#include "ipclab/record.h"
#include "ipclab/trace.h"
#include "bench.h"

#define BURST 1000              /* events between pauses */
#define PAUSE_MS 2              /* for the consumer daemon to catch up */
/* more than LTTng's default ring buffer of one CPU holds (4 sub-buffers
   of 512 KiB: about 23000 events of record_write's size) */
#define WARMUP 32768
#define BLOCK 200               /* tpswitch: round trips of one kind */

/*
 * n times: a system call if 'syscalls', then an event if 'events'.
 * Returns the time per iteration, in ns.
 */
static double
burst(struct ipc_record *rec, long n, bool syscalls, bool events)
{
    int64_t t0 = ipc_now_ns();

    for (long i = 0; i < n; i++) {
        /* the raw system call: nothing in libc may answer it from a cache */
        if (syscalls)
            syscall(SYS_getppid);
        if (events) {
            rec->seq++;
            IPCLAB_TP(record_write, IPCLAB_FIFO_LAB, rec);
        }
        /* keep the compiler from dropping a loop with nothing in it */
        __asm__ __volatile__("" : : "r"(rec) : "memory");
    }
    return (double)(ipc_now_ns() - t0) / (double)n;
}

/* One pair of runs turn about, fn(arg, true) and fn(arg, false), the one
   that goes first alternating with b; both times into t[events] */
static void
turn_about(long b, double (*fn)(void *arg, bool events), void *arg,
           double t[2])
{
    for (int k = 0; k < 2; k++) {
        bool events = (k == 0) == (b % 2 == 0);

        t[events] = fn(arg, events);
    }
}

/* A burst of getppid(), each followed by an event or not: ns per call */
static double
syscall_burst(void *rec, bool events)
{
    return burst(rec, BURST, true, events);
}

/* n events in bursts; each burst's cost per event into s (if not NULL) */
static void
bursts(struct ipc_record *rec, long n, struct samples *s)
{
    for (long done = 0; done < n; done += BURST) {
        double ns = burst(rec, n - done < BURST ? n - done : BURST, false,
                          true);

        if (s != NULL)
            samples_add(s, ns);
        ipc_sleep_ms(PAUSE_MS);
    }
}

int
bench_tpcost(int argc, char *argv[])
{
    struct bench_opts o = { .iter = 50000, .cpu = -1 };
    struct samples first = { 0 }, s = { 0 }, after = { 0 };
    struct ipc_record rec;
    double first_ns;
    long pairs;

    bench_options(argc, argv,
                  "Usage: ipclab-bench tpcost [--iter N] [--cpu N]\n"
                  "N tracepoints ipclab:record_write, in bursts of "
                  "1000,\nafter a warm-up that fills LTTng's ring "
                  "buffer once.\n", &o);
    ipc_rec_request(&rec, IPCLAB_OP_MUL, 6, 7, 0);
    bursts(&rec, WARMUP, &first);
    /* the mean, not the median: the page faults are the point */
    first_ns = 0;
    for (size_t i = 0; i < first.n; i++)
        first_ns += first.v[i] / (double)first.n;
    bursts(&rec, o.iter, &s);

    /* after a system call: one burst with events, one without, in turn */
    pairs = o.iter / BURST > 0 ? o.iter / BURST : 1;
    for (long b = 0; b < pairs; b++) {
        double t[2];

        turn_about(b, syscall_burst, &rec, t);
        samples_add(&after, t[1] - t[0]);
        ipc_sleep_ms(PAUSE_MS);
    }
    bench_result("ns_per_event=%.2f first_ns_per_event=%.2f "
                 "after_syscall_ns=%.2f events=%ld tracing=%d",
                 samples_pct(&s, 50), first_ns, samples_pct(&after, 50),
                 WARMUP + o.iter + pairs * BURST, IPCLAB_TRACING);
    samples_free(&first);
    samples_free(&s);
    samples_free(&after);
    return 0;
}

/* ---- tpswitch -------------------------------------------------------- */

/* One byte through a pipe, or die; false at EOF */
static bool
bounce_read(int fd, char *c)
{
    ssize_t n = ipc_read_full(fd, c, 1);

    if (n == -1)
        ipc_die_child("read");
    return n == 1;
}

static void
bounce_write(int fd, char c)
{
    if (ipc_write_full(fd, &c, 1) == -1)
        ipc_die_child("write");
}

/* The measuring side of tpswitch: its pipes and its event */
struct bouncer {
    int to, from;
    struct ipc_record rec;
};

/* BLOCK round trips, each side tracing one event per turn or none: the
   mean round trip in ns */
static double
bounce_block(void *arg, bool events)
{
    struct bouncer *b = arg;
    int64_t t0 = ipc_now_ns();
    char c;

    for (int i = 0; i < BLOCK; i++) {
        bounce_write(b->to, events ? 'e' : 'n');
        if (!bounce_read(b->from, &c))
            ipc_diex("the other process ended early");
        if (events) {
            b->rec.seq++;
            IPCLAB_TP(record_read, IPCLAB_FIFO_LAB, &b->rec);
        }
    }
    return (double)(ipc_now_ns() - t0) / BLOCK;
}

/* The other process: wake, maybe trace, answer; until EOF */
static void
echo_loop(int in, int out)
{
    struct ipc_record rec;
    char c;

    ipc_rec_request(&rec, IPCLAB_OP_SUM, 1, 2, 0);
    bursts(&rec, WARMUP, NULL);
    bounce_write(out, 'w');     /* warmed up */
    while (bounce_read(in, &c)) {
        if (c == 'e') {
            rec.seq++;
            IPCLAB_TP(record_read, IPCLAB_FIFO_LAB, &rec);
        }
        bounce_write(out, c);
    }
    _exit(0);
}

int
bench_tpswitch(int argc, char *argv[])
{
    struct bench_opts o = { .iter = 20000, .cpu = -1 };
    struct samples diff = { 0 }, bare = { 0 };
    struct bouncer bc;
    int to[2], from[2];
    long blocks;
    char c;

    bench_options(argc, argv,
                  "Usage: ipclab-bench tpswitch [--iter N] [--cpu N]\n"
                  "N round trips between two processes, each turn "
                  "starting with a\ncontext switch; half of them with "
                  "one event on each side.\n", &o);
    if (pipe2(to, O_CLOEXEC) == -1 || pipe2(from, O_CLOEXEC) == -1)
        ipc_die("pipe");
    if (bench_fork() == 0) {
        close(to[1]);
        close(from[0]);
        echo_loop(to[0], from[1]);
    }
    close(to[0]);
    close(from[1]);
    bc = (struct bouncer){ .to = to[1], .from = from[0] };

    ipc_rec_request(&bc.rec, IPCLAB_OP_MUL, 6, 7, 0);
    bursts(&bc.rec, WARMUP, NULL);
    if (!bounce_read(from[0], &c))
        ipc_diex("the other process ended early");

    /* blocks with and without events, turn about; each pair of blocks
       gives one difference */
    blocks = o.iter / (2 * BLOCK) > 0 ? o.iter / (2 * BLOCK) : 1;
    for (long b = 0; b < blocks; b++) {
        double mean[2];

        turn_about(b, bounce_block, &bc, mean);
        samples_add(&diff, (mean[1] - mean[0]) / 2);    /* 2 events */
        samples_add(&bare, mean[0]);
    }
    close(to[1]);
    close(from[0]);
    if (bench_reap(1) != 0)
        ipc_diex("the other process failed");
    bench_result("ns_per_event=%.2f rtt_ns=%.0f events=%ld tracing=%d",
                 samples_pct(&diff, 50), samples_pct(&bare, 50),
                 2 * WARMUP + blocks * BLOCK * 2, IPCLAB_TRACING);
    samples_free(&diff);
    samples_free(&bare);
    return 0;
}
