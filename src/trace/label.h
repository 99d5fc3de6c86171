/*
 * trace/label.h - the words on the arrows: one wording for every output.
 *
 * The text diagram, the SVG and the Perfetto export label the same item
 * the same way:
 *
 *   F1 84/2 20154:1          a request, through FIFO1, of rc 20154's seq 1
 *   F4 =42 20154:1           its result
 *   F2 ERANGE 20154:2        an error result (status ERANGE)
 *   ready 20154:1            a real-time signal with the request it is about
 *   ready SIGUSR1 20154:1    a classic signal (it carries no value)
 *
 * Operands above seven digits are shortened (9223372036854775807 is
 * 9.2e18) so that a label fits an 80-column diagram.
 */
#ifndef IPCLAB_TRACE_LABEL_H
#define IPCLAB_TRACE_LABEL_H

#include <stddef.h>
#include <stdint.h>

#include "match.h"
#include "procs.h"

/* "SIGRTMIN+2", "SIGUSR1", "SIG42": never NULL; buf holds >= 16 bytes. */
const char *
tr_signal_name(int signo, char *buf, size_t n);

/*
 * The label of an item (record, signal, spawn or note), with what went
 * wrong with it when something did ("never read", "reclaimed"...).
 * 'procs' names the processes it mentions. Returns buf.
 */
const char *
tr_fmt_item(const struct tr_procs *procs, const struct tr_item *it,
            char *buf, size_t n);

/* Nanoseconds as milliseconds with three decimals: "12.345". */
const char *
tr_fmt_ms(uint64_t ns, char *buf, size_t n);

/* Append printf-style text to the string in buf[0..n), cut to fit; buf */
const char *
tr_append(char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* tr_fmt_ms() of how long after 'origin' time t is (0: before it) */
const char *
tr_fmt_since(uint64_t t, uint64_t origin, char *buf, size_t n);

#endif /* IPCLAB_TRACE_LABEL_H */
