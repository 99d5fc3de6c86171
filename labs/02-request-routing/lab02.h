/*
 * labs/02-request-routing/lab02.h - the experiments of lab 02.
 *
 * main.c lists them; clients.c has 'many-writers', text.c 'text-lines',
 * records.c 'fixed-records', routing.c 'routing'. Each returns true when it
 * behaved as labs/02-request-routing/README.md says.
 */
#ifndef IPCLAB_LAB02_H
#define IPCLAB_LAB02_H

#include <stdbool.h>

bool exp_many_writers(void);    /* Lab 02, step 1 */
bool exp_text_lines(void);      /* Lab 02, step 2 */
bool exp_fixed_records(void);   /* Lab 02, step 3 */
bool exp_routing(void);         /* Lab 02, step 4 */

#endif /* IPCLAB_LAB02_H */
