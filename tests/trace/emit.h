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

/* The text of a second error of that process: invisible characters that
   glibc calls printable, which could reorder or hide what a terminal or a
   browser shows (U+202E, U+2066 bidirectional controls, U+200B, U+FEFF
   zero-width ones, U+061C, U+2028 line separator) */
#define IPCLAB_EMIT_INVISIBLE "a\xe2\x80\xae" "b\xe2\x81\xa6" "c\xe2\x80\x8b" \
                              "d\xef\xbb\xbf" "e\xd8\x9c" "f\xe2\x80\xa8" "g"

/* IPCLAB_EMIT_INVISIBLE as every view shows it: each of them '?' */
#define IPCLAB_EMIT_INVISIBLE_SHOWN "a?b?c?d?e?f?g"

/* Play the director (--emit) or an actor (--emit-actor); exit status. */
int
emit_main(int argc, char *argv[]);

#endif /* IPCLAB_TESTS_TRACE_EMIT_H */
