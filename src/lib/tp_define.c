/*
 * tp_define.c - the "ipclab" tracepoint definitions, and the loading of
 * their probes when a recording asks for them.
 *
 * This is lttng-ust(3)'s "Dynamically loading the tracepoint provider":
 * defining IPCLAB_TRACE_DEFINE before including trace.h gives
 * LTTNG_UST_TRACEPOINT_DEFINE and LTTNG_UST_TRACEPOINT_PROBE_DYNAMIC_LINKAGE,
 * the definitions every IPCLAB_TP() call site tests. This file is linked
 * into every program exactly once, so no program's own code has to
 * remember it. Built only when IPCLAB_TRACING=1.
 *
 * The probes, which write the events, are the shared object
 * libipclab-tp.so (src/lib/tp.c), linked with liblttng-ust. The program
 * does not depend on either: it loads the probes before main() with
 * dlopen() when IPCLAB_TRACE=1 says a recording wants them (traces/record.sh
 * sets it), or ld.so loads them when LD_PRELOAD names libipclab-tp.so.
 * Otherwise the tracer is not loaded (only lttng-ust's small tracepoint
 * library, which the definitions need), and each IPCLAB_TP() stays a
 * branch on a flag that nothing sets. docs/tracing.md, "How a program
 * loads its probes", tells why and what it costs.
 *
 * Environment:
 *   IPCLAB_TRACE=1       load the probes; unset or anything else: do not
 *   IPCLAB_TP_LIB=PATH   the provider to load, instead of searching
 *                        EXE_DIR/../lib/, the build tree, then ld.so's path
 */
#define IPCLAB_TRACE_DEFINE
#include "ipclab/trace.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TP_SO_NAME "libipclab-tp.so"

#ifndef IPCLAB_TP_BUILD_PATH    /* set by the Makefile: BUILD/lib/... */
#define IPCLAB_TP_BUILD_PATH ""
#endif

/* EXE_DIR/../lib/libipclab-tp.so into buf: where 'make install' puts it,
   and where the build tree has it for build/bin/ and build/tests/. */
static bool
beside_exe(char *buf, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char *slash;

    if (n <= 0)
        return false;
    exe[n] = '\0';
    if ((slash = strrchr(exe, '/')) == NULL)
        return false;
    *slash = '\0';
    return snprintf(buf, size, "%s/../lib/" TP_SO_NAME, exe) < (int)size;
}

/* Say once why tracing will not work, rather than leave an empty trace. */
static void
warn_not_loaded(const char *what, const char *why)
{
    int saved_errno = errno;

    fprintf(stderr, "%s: tracing disabled: cannot load '%s': %s\n",
            program_invocation_short_name, what, why);
    errno = saved_errno;
}

/* Load the probes; liblttng-ust comes with them and registers us. */
static void
load_provider(void)
{
    const char *env = secure_getenv("IPCLAB_TP_LIB");
    char exe_rel[PATH_MAX];
    const char *candidates[2];
    size_t n = 0;

    if (env != NULL && env[0] != '\0') {
        if (dlopen(env, RTLD_NOW | RTLD_GLOBAL) == NULL)
            warn_not_loaded(env, dlerror());
        return;
    }
    if (beside_exe(exe_rel, sizeof(exe_rel)))
        candidates[n++] = exe_rel;
    if (IPCLAB_TP_BUILD_PATH[0] != '\0')
        candidates[n++] = IPCLAB_TP_BUILD_PATH;
    for (size_t i = 0; i < n; i++) {
        if (access(candidates[i], R_OK) != 0)
            continue;
        if (dlopen(candidates[i], RTLD_NOW | RTLD_GLOBAL) == NULL)
            warn_not_loaded(candidates[i], dlerror());
        return;
    }
    /* not where we put it: perhaps in ld.so's path (LD_LIBRARY_PATH) */
    if (dlopen(TP_SO_NAME, RTLD_NOW | RTLD_GLOBAL) == NULL)
        warn_not_loaded(TP_SO_NAME, "not found beside the program, in the "
                        "build tree or in the library path (set "
                        "IPCLAB_TP_LIB)");
}

/*
 * Before main(), so that a recorded process's first event (proc_start) is
 * recorded; after the tracepoint definitions' own constructors (declared
 * before this one by trace.h), with which the probes register.
 */
static void __attribute__((constructor))
ipc_trace_load_probes(void)
{
    const char *mode = secure_getenv("IPCLAB_TRACE");

    if (mode != NULL && strcmp(mode, "1") == 0)
        load_provider();
}
