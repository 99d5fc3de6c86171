/*
 * tests/trace/emit.h - the test program's second job: emitting a trace.
 *
 * 'build/tests/trace --emit' (under traces/record.sh) plays a broken ipclab
 * system for the check tests; emit.c says how. runner.c hands argv over
 * when argv[1] is --emit or --emit-actor.
 */
#ifndef IPCLAB_TESTS_TRACE_EMIT_H
#define IPCLAB_TESTS_TRACE_EMIT_H

/* Play the director (--emit) or an actor (--emit-actor); exit status. */
int
emit_main(int argc, char *argv[]);

#endif /* IPCLAB_TESTS_TRACE_EMIT_H */
