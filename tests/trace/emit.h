/*
 * tests/trace/emit.h - the test program's second job: emitting a trace.
 *
 * 'build/tests/trace --emit' (under traces/record.sh) plays a broken ipclab
 * system for the check tests; emit.c says how. runner.c hands argv over
 * when argv[1] is --emit or --emit-actor.
 */
#ifndef IPCLAB_TESTS_TRACE_EMIT_H
#define IPCLAB_TESTS_TRACE_EMIT_H

/* What 'build/tests/trace --emit names' gives a process as its role, its
   state and an error's text: what JSON must escape (a quote, a backslash,
   a slash), what no output may carry (control characters, an ESC, DEL, a
   byte that is not UTF-8) and non-ASCII UTF-8 ("\u00e9", "\u20ac"), short
   enough for the trace tool's role (15 bytes) */
#define IPCLAB_EMIT_ODD "\"\\/\t\n\x01\x1b\x1f\x7f\xff\xc3\xa9\xe2\x82\xac"

/* IPCLAB_EMIT_ODD as every view shows it: each control and bad byte '?' */
#define IPCLAB_EMIT_ODD_SHOWN "\"\\/???????\xc3\xa9\xe2\x82\xac"

/* Play the director (--emit) or an actor (--emit-actor); exit status. */
int
emit_main(int argc, char *argv[]);

#endif /* IPCLAB_TESTS_TRACE_EMIT_H */
