/*
 * labs/04-signal-sync/lab04.h - the experiments of lab 04.
 *
 * main.c lists them; shared.c has 'shared-fifo', 'no-ack' and 'ack';
 * wakeup.c 'lost-wakeup'; early.c 'early-result'; handler.c 'async-safe';
 * rt.c 'rt-queue' and 'sigwaitinfo'; sigfd.c 'signalfd'; protocol.c
 * 'protocol'. Each returns true when it behaved as
 * labs/04-signal-sync/README.md says.
 */
#ifndef IPCLAB_LAB04_H
#define IPCLAB_LAB04_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipclab/record.h"

bool exp_shared_fifo(void);     /* Lab 04, step 1 */
bool exp_no_ack(void);          /* Lab 04, step 2 */
bool exp_ack(void);             /* Lab 04, step 3 */
bool exp_lost_wakeup(void);     /* Lab 04, step 4 */
bool exp_early_result(void);    /* Lab 04, step 5 */
bool exp_async_safe(void);      /* Lab 04, step 6 */
bool exp_rt_queue(void);        /* Lab 04, step 7 */
bool exp_sigwaitinfo(void);     /* Lab 04, step 8 */
bool exp_signalfd(void);        /* Lab 04, step 9 */
bool exp_protocol(void);        /* Lab 04, step 10 */

/* A result of 6 * 7 addressed to 'reader' with 'seq': what the server
   puts into FIFO2 (shared.c) */
void
result_for(struct ipc_record *rec, pid_t reader, uint32_t seq);

#endif /* IPCLAB_LAB04_H */
