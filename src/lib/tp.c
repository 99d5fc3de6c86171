/*
 * tp.c - the probes of the "ipclab" tracepoint provider.
 *
 * Nothing but this: defining LTTNG_UST_TRACEPOINT_CREATE_PROBES before
 * including the provider header generates the code that serialises each
 * event into LTTng's ring buffers, and a constructor that registers it with
 * liblttng-ust. Built only when IPCLAB_TRACING=1, with -fPIC, into the
 * shared object build/lib/libipclab-tp.so (linked with liblttng-ust), never
 * into a program: tp_define.c loads it with dlopen() when a session daemon
 * could record the process, so processes nobody traces never pay for
 * liblttng-ust's start-up. Loading it by hand also works:
 *
 *     LD_PRELOAD=build/lib/libipclab-tp.so build/bin/ipclab-server
 */
#define LTTNG_UST_TRACEPOINT_CREATE_PROBES
#include "ipclab/tp.h"
