/*
 * labs/05-reference-system/lab05.h - the experiments of lab 05, and the
 * default workload they share.
 *
 * main.c lists them; workload.c has 'run', 'per-request' and 'classic',
 * faults.c 'dead-client', load.c 'load'. Each returns true when it behaved
 * as labs/05-reference-system/README.md says.
 */
#ifndef IPCLAB_LAB05_H
#define IPCLAB_LAB05_H

#include <stdbool.h>
#include <sys/types.h>

#include "lab.h"

#define RC_COUNT 4              /* rc1..rc4 of the default workload */

bool exp_run(void);             /* Lab 05, step 1 */
bool exp_per_request(void);     /* Lab 05, step 2 */
bool exp_classic(void);         /* Lab 05, step 3 */
bool exp_dead_client(void);     /* Lab 05, step 4 */
bool exp_load(void);            /* Lab 05, step 5 */

/*
 * Start client rc(i+1) of the default workload (scripts/workload.sh) on
 * srv: ipclab-rc --window 3 --file with its three expressions, plus the
 * NULL-terminated options 'extra' (may be NULL).
 */
pid_t
rc_start(const struct lab_server *srv, int i, const char *const extra[]);

/* Wait for it, show what it printed, and check that against the answers. */
bool
rc_check(pid_t pid, int i);

#endif /* IPCLAB_LAB05_H */
