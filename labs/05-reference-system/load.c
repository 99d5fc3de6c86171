/*
 * labs/05-reference-system/load.c - two load generators at once.
 *
 * ipclab-rc --count 100 --random sends 100 random requests (errors
 * included: divisions by zero, overflows), keeps up to --window 8 in
 * flight, checks every answer against its own arithmetic, and prints a
 * summary: "requests: 100, answered: 100, errors: E, wrong: 0, lost: 0",
 * then its throughput and latency. Two of them run at once, with fixed
 * seeds, so every run sends the same requests. Nothing may be wrong or
 * lost, however the 200 requests interleave.
 *
 * Questions for the trace: how many records sat in FIFO1 at once, at most?
 * and in FIFO2 or FIFO3? (ipclab-trace stats, or count the record_write
 * events not yet matched by a record_read.)
 *
 * Run:   build/bin/lab05-reference-system load        Lab 05, step 5.
 */
#include <stdio.h>
#include <string.h>

#include "lab05.h"

#define GENERATORS 2

bool
exp_load(void)
{
    static const char *const seed[GENERATORS] = { "1", "2" };
    static const char *const gen1[] = { "--count", "100", "--random",
        "--seed", "1", "--window", "8", "--quiet", NULL };
    static const char *const gen2[] = { "--count", "100", "--random",
        "--seed", "2", "--window", "8", "--quiet", NULL };
    static const char *const *const args[GENERATORS] = { gen1, gen2 };
    struct lab_server srv;
    pid_t pid[GENERATORS];
    char out[GENERATORS][PATH_MAX], text[1024];
    bool ok;

    if (!lab_server_start(&srv, NULL))
        return false;
    /* started one after the other they would hardly meet: a gate */
    ok = lab_generators_start(&srv, GENERATORS, args, pid, out);
    for (int i = 0; i < GENERATORS; i++) {
        long answered = -1, wrong = -1, lost = -1;
        int status = lab_wait(pid[i], "rc");
        const char *p;

        lab_read_file(out[i], text, sizeof(text));
        if ((p = strstr(text, "answered: ")) != NULL)
            sscanf(p, "answered: %ld, errors: %*d, wrong: %ld, lost: %ld",
                   &answered, &wrong, &lost);
        for (const char *l = text; *l != '\0'; l += *l == '\n') {
            lab_say("generator %d (seed %s): %.*s", i + 1, seed[i],
                    (int)strcspn(l, "\n"), l);
            l += strcspn(l, "\n");
        }
        ok &= lab_expect(status == 0 && answered == 100 && wrong == 0 &&
                         lost == 0, "100 answered, none wrong, none lost");
    }
    return lab_expect(lab_server_stop(&srv) == 0, "the server stopped "
                      "cleanly") && ok;
}
