/*
 * bench/tpcost.c - what one tracepoint costs, alone in a loop.
 *
 *   ipclab-bench tpcost [--iter N] [--cpu N]
 *   traces/record.sh -- ipclab-bench tpcost ...      (recorded)
 *
 * Emits ipclab:record_write (the kit's largest event: nine fields) N times,
 * in bursts of BURST with a pause after each, so that LTTng's consumer
 * daemon empties the ring buffer between bursts instead of the tracer
 * discarding events (which would look cheaper than recording them). With
 * no session recording, this is the cost of a disabled tracepoint: a load
 * and a branch. Compiled out (TRACING=0) it is nothing at all.
 *
 * Prints "result ns_per_event=... events=N tracing=0|1".
 */
#include <stdio.h>

#include "ipclab/fifo.h"
#include "ipclab/proc.h"
#include "ipclab/record.h"
#include "ipclab/trace.h"
#include "bench.h"

#define BURST 1000              /* events between pauses */
#define PAUSE_MS 2              /* for the consumer daemon to catch up */

int
bench_tpcost(int argc, char *argv[])
{
    struct bench_opts o;
    struct samples s = { 0 };
    struct ipc_record rec;
    long done = 0;

    bench_parse_common(argc, argv, &o, 50000,
                       "Usage: ipclab-bench tpcost [--iter N] [--cpu N]\n"
                       "N tracepoints ipclab:record_write, in bursts of "
                       "1000.\n");
    ipc_rec_request(&rec, IPC_OP_MUL, 6, 7, 1);
    while (done < o.iter) {
        long n = o.iter - done < BURST ? o.iter - done : BURST;
        int64_t t0 = ipc_now_ns();

        for (long i = 0; i < n; i++) {
            rec.seq = (uint32_t)(done + i + 1);
            IPC_TRACE(record_write, IPC_FIFO_LAB, &rec);
            /* keep the compiler from dropping a loop with nothing in it */
            __asm__ __volatile__("" : : "r"(&rec) : "memory");
        }
        samples_add(&s, (double)(ipc_now_ns() - t0) / (double)n);
        done += n;
        ipc_sleep_ms(PAUSE_MS);
    }
    bench_result("ns_per_event=%.2f events=%ld tracing=%d",
                 samples_pct(&s, 50), done, IPCLAB_TRACING);
    samples_free(&s);
    return 0;
}
