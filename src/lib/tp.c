/*
 * tp.c - the probes of the "ipclab" tracepoint provider.
 *
 * Nothing but this: defining LTTNG_UST_TRACEPOINT_CREATE_PROBES before
 * including the provider header generates the code that serialises each
 * event into LTTng's ring buffers, and a constructor that registers it with
 * liblttng-ust. Built only when IPCLAB_TRACING=1, with -fPIC, into the
 * shared object libipclab-tp.so (linked with liblttng-ust), never into a
 * program: src/lib/tp_define.c loads it when IPCLAB_TRACE=1, and so does
 * ld.so when it is preloaded:
 *
 *     LD_PRELOAD=build/lib/libipclab-tp.so build/bin/ipclab-server
 */
#define LTTNG_UST_TRACEPOINT_CREATE_PROBES
#include "ipclab/tp.h"
