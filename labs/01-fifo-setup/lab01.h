/*
 * labs/01-fifo-setup/lab01.h - the experiments of lab 01, one per concept.
 *
 * main.c lists them for the command line; each is in the file of its
 * concept: create.c (mkfifo, exists), open.c (rendezvous, nonblock),
 * eof.c, sigpipe.c, atomic.c (atomicity), capacity.c. Each returns true
 * when it behaved as the handout, labs/01-fifo-setup/README.md, says.
 */
#ifndef IPCLAB_LAB01_H
#define IPCLAB_LAB01_H

#include <stdbool.h>

bool exp_mkfifo(void);          /* Lab 01, step 1 */
bool exp_exists(void);          /* Lab 01, step 2 */
bool exp_rendezvous(void);      /* Lab 01, step 3 */
bool exp_nonblock(void);        /* Lab 01, step 4 */
bool exp_eof(void);             /* Lab 01, step 5 */
bool exp_sigpipe(void);         /* Lab 01, step 6 */
bool exp_atomicity(void);       /* Lab 01, step 7 */
bool exp_capacity(void);        /* Lab 01, step 8 */

#endif /* IPCLAB_LAB01_H */
