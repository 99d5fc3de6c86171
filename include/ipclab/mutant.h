/*
 * ipclab/mutant.h - fault switches for the mutation tests, compiled only
 * into the mutant build.
 *
 * IPCLAB_MUTANT(N, K) is the constant false in every normal build: the
 * compiler drops the faulty branch, so no normal program can reach it.
 * Only the mutant build (mk/mutants.mk: build-mutants/, compiled with
 * -DIPCLAB_MUTANTS) makes it true, on every K-th call, in a process whose
 * environment has IPCLAB_MUTANT=N. Each N breaks one rule of the protocol
 * (docs/protocol.md, section 8); tests/mutants/ records each mutant under
 * load and requires 'ipclab-trace check' to name that rule.
 */
#ifndef IPCLAB_MUTANT_H
#define IPCLAB_MUTANT_H

#include <stdbool.h>

#ifdef IPCLAB_MUTANTS
#include <stdlib.h>

#define IPCLAB_MUTANT_MAX 32

/* True on every every-th call when this process runs mutant n */
static inline bool
ipc_mutant(int n, unsigned int every)
{
    static int active = -1;
    static unsigned int calls[IPCLAB_MUTANT_MAX];
    const char *env;

    if (active == -1) {
        env = getenv("IPCLAB_MUTANT");
        active = env != NULL ? atoi(env) : 0;
    }
    return n == active && n > 0 && n < IPCLAB_MUTANT_MAX &&
           ++calls[n] % every == 0;
}

#define IPCLAB_MUTANT(n, every) ipc_mutant((n), (every))
#else
#define IPCLAB_MUTANT(n, every) false
#endif

#endif /* IPCLAB_MUTANT_H */
