/*
 * labs/03-worker-processing/lab03.h - the experiments of lab 03.
 *
 * main.c lists them; worker.c has 'worker' and 'errors', spawn.c
 * 'pool' and 'fork-exec', crash.c 'crash'. Each returns true when it behaved as
 * labs/03-worker-processing/README.md says.
 */
#ifndef IPCLAB_LAB03_H
#define IPCLAB_LAB03_H

#include <stdbool.h>

bool exp_worker(void);          /* Lab 03, step 1 */
bool exp_errors(void);          /* Lab 03, step 2 */
bool exp_pool(void);            /* Lab 03, step 3 */
bool exp_fork_exec(void);       /* Lab 03, step 4 */
bool exp_crash(void);           /* Lab 03, step 5 */

#endif /* IPCLAB_LAB03_H */
