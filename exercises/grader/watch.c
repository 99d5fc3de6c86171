/*
 * exercises/grader/watch.c - gates on the test's own thread (grade.h,
 * g_watch_*): a watcher thread in the test's process acts when the
 * test's thread, inside the student's code, sleeps in the kernel.
 *
 * The thread's state and kernel function are /proc/TID/stat and wchan
 * (h_proc_sleeping()), which a thread may read of its own process even
 * though the test's process is not dumpable (another process could not).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grade.h"
#include "ipclab/proc.h"

bool
g_watch_sleeps(const struct g_watch *w, const char *wchan)
{
    char text[64];

    /* a kernel that does not name the function still shows that the
       thread sleeps: the state is enough then */
    return h_proc_sleeping(w->tid, text, sizeof(text)) &&
           (wchan == NULL || text[0] == '\0' ||
            strstr(text, wchan) != NULL);
}

bool
g_watch_wait(struct g_watch *w, const char *wchan,
             bool (*cond)(struct g_watch *))
{
    for (;;) {
        if (atomic_load(&w->done))
            return false;
        if ((cond == NULL || cond(w)) && g_watch_sleeps(w, wchan))
            return true;
        ipc_sleep_ms(1);        /* polls a state, orders nothing */
    }
}

bool
g_watch_interrupt(struct g_watch *w, int sig, volatile sig_atomic_t *ran)
{
    *ran = 0;
    if (tgkill(getpid(), w->tid, sig) == -1)
        return false;
    while (!*ran) {
        if (atomic_load(&w->done))
            return false;
        ipc_sleep_ms(1);        /* polls a state: the handler ran */
    }
    return true;
}

bool
g_status_mask(pid_t pid, const char *field, int signo)
{
    char path[64], *text, *p;
    unsigned long long mask = 0;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    text = h_read_file(path);
    p = text != NULL ? strstr(text, field) : NULL;
    if (p != NULL)
        mask = strtoull(p + strlen(field), NULL, 16);
    free(text);
    return (mask >> (signo - 1)) & 1;
}

static void *
watch_main(void *arg)
{
    struct g_watch *w = arg;

    w->fn(w);
    return NULL;
}

void
g_watch_start(struct g_watch *w, void (*fn)(struct g_watch *), void *arg)
{
    sigset_t all, old;
    int err;

    w->tid = gettid();
    w->fn = fn;
    w->arg = arg;
    atomic_init(&w->done, false);
    /* every signal blocked in the watcher: they go to the test's thread */
    sigfillset(&all);
    ck_assert_msg(pthread_sigmask(SIG_SETMASK, &all, &old) == 0,
                  "test error: pthread_sigmask() failed");
    err = pthread_create(&w->thread, NULL, watch_main, w);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    ck_assert_msg(err == 0, "test error: pthread_create() failed: %s",
                  strerror(err));
}

void
g_watch_stop(struct g_watch *w)
{
    atomic_store(&w->done, true);
    pthread_join(w->thread, NULL);
}
