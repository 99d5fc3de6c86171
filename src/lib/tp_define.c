/*
 * tp_define.c - the definitions of the "ipclab" tracepoints, and the
 * loading of their probes when somebody may be recording.
 *
 * Every program needs, exactly once, the tracepoint definitions: the
 * structures that each IPC_TRACE() call site tests ("is anybody recording
 * this event?"). Defining IPCLAB_TRACE_DEFINE before including trace.h
 * generates them (LTTNG_UST_TRACEPOINT_DEFINE). This file is linked into
 * every program, so no program's own code has to remember it. Built only
 * when IPCLAB_TRACING=1.
 *
 * The probes, which write events into LTTng's buffers, are NOT linked in
 * (LTTNG_UST_TRACEPOINT_PROBE_DYNAMIC_LINKAGE, lttng-ust(3)): they live in
 * libipclab-tp.so (src/lib/tp.c) with liblttng-ust, whose start-up costs
 * about a millisecond per process (threads, shared memory, registration).
 * The constructors below load that shared object before main() only when a
 * session daemon is there to record this process: when its socket exists.
 * A process that nobody can trace then loads nothing of lttng-ust at all,
 * not even liblttng-ust-tracepoint.so.1 (see ipc_trace_decide()), and
 * each IPC_TRACE() stays a branch on a flag that is never set.
 *
 * The rule "load at start-up when a daemon exists" has one consequence:
 * a process started BEFORE the session daemon is not traced (a statically
 * linked tracer would register with the daemon when it appears). Start the
 * daemon first (traces/record.sh and 'make trace' do), or set
 * IPCLAB_TRACE=1 to load the probes whatever happens.
 *
 * Environment:
 *   IPCLAB_TRACE=1       always load the probes; IPCLAB_TRACE=0: never;
 *                        unset (or anything else): when a daemon runs
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
#include <sys/stat.h>
#include <unistd.h>

#include <lttng/ust-abi.h>

#define TP_SO_NAME "libipclab-tp.so"

#ifndef IPCLAB_TP_BUILD_PATH    /* set by the Makefile: BUILD/lib/... */
#define IPCLAB_TP_BUILD_PATH ""
#endif

/* The applications' socket of a session daemon, as lttng-ust names it */
#ifdef LTTNG_UST_ABI_MAJOR_VERSION_OLDEST_COMPATIBLE
#define UST_ABI LTTNG_UST_ABI_MAJOR_VERSION_OLDEST_COMPATIBLE
#else
#define UST_ABI LTTNG_UST_ABI_MAJOR_VERSION
#endif
#define UST_STR(x) #x
#define UST_XSTR(x) UST_STR(x)
#define UST_SOCK "lttng-ust-sock-" UST_XSTR(UST_ABI)
#define UST_GLOBAL_SOCK "/var/run/lttng/" UST_SOCK

static bool
is_socket(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

/*
 * Could a session daemon record this process? The same two places where
 * liblttng-ust would register: the root daemon's socket, and the per-user
 * daemon's under $LTTNG_HOME (else $HOME)/.lttng. A stale socket only
 * costs a useless load; it never loses events.
 */
static bool
sessiond_may_record(void)
{
    const char *home = secure_getenv("LTTNG_HOME");
    char path[PATH_MAX];

    if (is_socket(UST_GLOBAL_SOCK))
        return true;
    if (home == NULL || home[0] == '\0')
        home = secure_getenv("HOME");
    if (home == NULL || home[0] == '\0')
        return false;
    if (snprintf(path, sizeof(path), "%s/.lttng/" UST_SOCK, home) >=
        (int)sizeof(path))
        return false;
    return is_socket(path);
}

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
    const char *candidates[3];
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

/* Does this process want its probes? Decided once, before main(). */
static bool probes_wanted;

/*
 * The tracepoint definitions come with constructors of lttng-ust's own
 * (lttng/tracepoint.h) that dlopen() liblttng-ust-tracepoint.so.1, and
 * with it liblttng-ust-common.so.1, in every process, recorded or not:
 * about half a millisecond of a short-lived worker's start on a virtual
 * machine, where mapping a library costs page faults. Each of them first
 * counts itself in lttng_ust_tracepoint_registered and
 * lttng_ust_tracepoint_ptrs_registered (hidden symbols of this program),
 * and does nothing when it is not the first: lttng-ust's way of
 * registering the tracepoints only once per program. When nobody can
 * record this process we count first, at a higher priority (101 runs
 * before the default), so those constructors find the work done and load
 * nothing; their destructors count down and also do nothing. Every
 * IPC_TRACE() then tests a flag that nothing can set.
 */
static void __attribute__((constructor(101)))
ipc_trace_decide(void)
{
    const char *mode = secure_getenv("IPCLAB_TRACE");

    if (mode != NULL && strcmp(mode, "0") == 0)
        probes_wanted = false;
    else
        probes_wanted = (mode != NULL && strcmp(mode, "1") == 0) ||
                        sessiond_may_record();
    if (!probes_wanted) {
        /* as the first of those constructors would leave it, minus the
           library: its handle stays NULL */
        if (lttng_ust_tracepoint_dlopen_ptr == NULL)
            lttng_ust_tracepoint_dlopen_ptr = &lttng_ust_tracepoint_dlopen;
        lttng_ust_tracepoint_registered++;
        lttng_ust_tracepoint_ptrs_registered++;
    }
}

/*
 * Before main(), so that a recorded process's first event (proc_start)
 * is recorded; at the default priority, after the tracepoint definitions'
 * own constructors (which load liblttng-ust-tracepoint.so.1 when
 * probes_wanted), because the probes register with it.
 */
static void __attribute__((constructor))
ipc_trace_load_probes(void)
{
    if (probes_wanted)
        load_provider();
}
