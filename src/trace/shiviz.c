/*
 * trace/shiviz.c - ipclab-trace shiviz: the trace as a ShiViz log.
 *
 * ShiViz (a space-time diagram viewer for distributed executions, in a
 * browser) needs no message list: it orders events by their vector clocks.
 * So every end of every matched message gets one:
 *
 *   local event (a note, an unmatched end)  own component + 1
 *   send (record_write, signal_send)        own component + 1; the message
 *                                           carries a copy of the clock
 *   receive (record_read, signal_consume)   the componentwise maximum of
 *                                           own clock and the message's,
 *                                           then own component + 1
 *
 * Ends are taken in time order, except that a send is put just before its
 * receive when the reader traced first (its writer traced after its
 * write() or sigqueue() returned). The output is ShiViz's file format: the
 * parsing regular expression on the first line, an empty line (no
 * multiple-execution delimiter), then one line per event:
 *
 *   server-20133 "1.002 ms send F3 84/2 20154:1 [msg 7]" {"server-20133":5, ...}
 *
 * "[msg N]" names the message on both its ends, so a reader (or
 * tests/trace/check_shiviz.c) can pair them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipclab/err.h"
#include "cmd.h"
#include "hash.h"
#include "label.h"
#include "match.h"
#include "procs.h"
#include "source.h"

/* ShiViz's parser: named groups host, event, clock */
#define SHIVIZ_REGEX "(?<host>\\S+) \"(?<event>.*)\" (?<clock>\\{.*\\})"

enum end_kind { END_LOCAL, END_SEND, END_RECV };

struct end {
    uint64_t key;               /* when it is taken */
    enum end_kind kind;
    int vpid;
    size_t item;                /* what it shows: index into items */
    size_t msg;                 /* the message it ends: its item */
};

struct shiviz {
    struct tr_procs procs;
    struct tr_item *items;
    size_t nitems, cap;
    bool oom;
};

static void
on_item(const struct tr_item *it, void *arg)
{
    struct shiviz *s = arg;

    if (tr_grow(&s->items, &s->cap, s->nitems + 1, sizeof(*it)) == -1) {
        s->oom = true;
        return;
    }
    s->items[s->nitems++] = *it;
}

static int
by_key(const void *x, const void *y)
{
    const struct end *a = x, *b = y;

    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    if (a->msg != b->msg)
        return a->msg < b->msg ? -1 : 1;
    return (int)a->kind - (int)b->kind;         /* send before receive */
}

/* The ends of every item, in the order their clocks are computed. A
   spawn is a message too: from the parent to the child's start. */
static struct end *
ends_of(const struct shiviz *s, size_t *n)
{
    struct end *e = malloc((2 * s->nitems + 1) * sizeof(*e));
    struct tr_hash spawned = { 0 };     /* child --> its spawn's item + 1 */
    const struct tr_procs *P = &s->procs;

    *n = 0;
    if (e == NULL)
        return NULL;
    for (size_t i = 0; i < s->nitems; i++)
        if (s->items[i].kind == TR_ITEM_SPAWN &&
            tr_proc_traced(P, s->items[i].from) &&
            tr_proc_traced(P, s->items[i].to))
            tr_hash_put(&spawned, (uint64_t)(uint32_t)s->items[i].to,
                        (void *)(uintptr_t)(i + 1));
    for (size_t i = 0; i < s->nitems; i++) {
        const struct tr_item *it = &s->items[i];
        int to = it->to;
        uintptr_t sp = 0;

        if (it->kind == TR_ITEM_SPAWN &&
            tr_hash_get(&spawned, (uint64_t)(uint32_t)to) != NULL) {
            e[(*n)++] = (struct end){ it->t0, END_SEND, it->from, i, i };
        } else if (it->kind == TR_ITEM_NOTE && it->note == TR_NOTE_START &&
                   (sp = (uintptr_t)tr_hash_get(&spawned,
                                     (uint64_t)(uint32_t)it->from)) != 0) {
            const struct tr_item *parent = &s->items[sp - 1];
            uint64_t t = it->t0 > parent->t0 ? it->t0 : parent->t0;

            e[(*n)++] = (struct end){ t, END_RECV, it->from, i, sp - 1 };
        } else if (it->kind != TR_ITEM_NOTE && it->kind != TR_ITEM_SPAWN &&
                   it->t1 != 0 && tr_proc_traced(P, it->from) &&
                   tr_proc_traced(P, to)) {
            /* a reader that traced first: its send just before; a
               signal the kernel sent when a process ended: sent there
               (as svg draws it) */
            uint64_t send = it->t1 <= it->t0 ? it->t1 - 1 : it->t0;
            uint64_t exited = tr_kernel_sent(P, it);

            if (exited != 0)
                send = exited;

            e[(*n)++] = (struct end){ send, END_SEND, it->from, i, i };
            e[(*n)++] = (struct end){ it->t1, END_RECV, to, i, i };
        } else if (tr_proc_traced(P, it->from)) {
            e[(*n)++] = (struct end){ it->t0, END_LOCAL, it->from, i, i };
        } else if (it->kind != TR_ITEM_NOTE && tr_proc_traced(P, to)) {
            e[(*n)++] = (struct end){ it->t1 != 0 ? it->t1 : it->t0,
                                      END_LOCAL, to, i, i };
        }
    }
    tr_hash_free(&spawned);
    qsort(e, *n, sizeof(*e), by_key);
    return e;
}

/* "role-vpid": one word, and a JSON key in the clock as it is (a space,
   quote or backslash of the role becomes '_') */
static void
host(const struct shiviz *s, int vpid, char *buf, size_t n)
{
    const char *role = tr_proc_role(&s->procs, vpid);

    snprintf(buf, n, "%s-%d", role[0] != '\0' ? role : "pid", vpid);
    for (char *c = buf; *c != '\0'; c++)
        if (*c == ' ' || *c == '"' || *c == '\\')
            *c = '_';
}

/* Compute and print the clocks; -1 when out of memory */
static int
print_log(struct shiviz *s, uint64_t origin)
{
    struct tr_hash index = { 0 };   /* vpid --> its index + 1 */
    struct tr_hash carried = { 0 }; /* item --> the clock its send had */
    uint32_t *vc = NULL;            /* nprocs x nprocs */
    int *vpids = NULL, nprocs = 0, rc = -1;
    size_t n;
    struct end *e = ends_of(s, &n);

    if (e == NULL || (vpids = calloc(n + 1, sizeof(*vpids))) == NULL)
        goto out;
    for (size_t i = 0; i < n; i++) {
        if (tr_hash_get(&index, (uint64_t)(uint32_t)e[i].vpid) == NULL) {
            if (tr_hash_put(&index, (uint64_t)(uint32_t)e[i].vpid,
                            (void *)(intptr_t)(nprocs + 1)) == -1)
                goto out;
            vpids[nprocs++] = e[i].vpid;
        }
    }
    if ((vc = calloc((size_t)nprocs * (size_t)nprocs + 1, sizeof(*vc))) ==
        NULL)
        goto out;

    printf("%s\n\n", SHIVIZ_REGEX);
    for (size_t i = 0; i < n; i++) {
        const struct tr_item *it = &s->items[e[i].item];
        int p = (int)(intptr_t)tr_hash_get(&index,
                                          (uint64_t)(uint32_t)e[i].vpid) - 1;
        uint32_t *mine = &vc[(size_t)p * (size_t)nprocs], *msg;
        char label[256], ms[32], who[48];
        const char *sep = "";

        if (e[i].kind == END_RECV &&
            (msg = tr_hash_del(&carried, (uint64_t)e[i].msg)) != NULL) {
            for (int k = 0; k < nprocs; k++)
                if (msg[k] > mine[k])
                    mine[k] = msg[k];
            free(msg);
        }
        mine[p]++;
        if (e[i].kind == END_SEND) {
            if ((msg = malloc((size_t)nprocs * sizeof(*msg))) == NULL ||
                tr_hash_put(&carried, (uint64_t)e[i].msg, msg) == -1) {
                free(msg);
                goto out;
            }
            memcpy(msg, mine, (size_t)nprocs * sizeof(*msg));
        }
        tr_fmt_item(&s->procs, it, label, sizeof(label));
        for (char *c = label; *c != '\0'; c++)
            if (*c == '"')
                *c = '\'';      /* the event's text ends at a quote */
        host(s, e[i].vpid, who, sizeof(who));
        printf("%s \"%s ms %s %s", who,
               tr_fmt_ms(e[i].key - origin, ms, sizeof(ms)),
               e[i].kind == END_SEND ? "send" :
               e[i].kind == END_RECV ? "receive" : "local", label);
        if (e[i].kind != END_LOCAL)
            printf(" [msg %zu]", e[i].msg);
        printf("\" {");
        for (int k = 0; k < nprocs; k++) {
            if (mine[k] == 0)
                continue;
            host(s, vpids[k], who, sizeof(who));
            printf("%s\"%s\":%" PRIu32, sep, who, mine[k]);
            sep = ", ";
        }
        printf("}\n");
    }
    rc = 0;
out:
    if (rc == -1)
        ipc_warnx("shiviz: out of memory");
    free(e);
    free(vpids);
    free(vc);
    for (size_t i = 0; i < s->nitems; i++)
        free(tr_hash_del(&carried, (uint64_t)i));
    tr_hash_free(&carried);
    tr_hash_free(&index);
    return rc;
}

int
cmd_shiviz_run(const struct cmd_args *args)
{
    const char *dir = args->dir;
    struct shiviz s = { 0 };
    struct tr_source_info info;
    int rc = CMD_FAILED;

    if (tr_match_read(dir, &s.procs, NULL, on_item, &s, &info) == 0) {
        if (s.oom)
            ipc_warnx("shiviz: out of memory");
        else if (print_log(&s, info.first_ts) == 0)
            rc = 0;
    }
    tr_procs_free(&s.procs);
    free(s.items);
    return rc;
}
