/*
 * trace/checkdb.c - the check's tables: requests, FIFOs, readers, clients.
 *
 * Nothing here decides what is a violation (check.c does); this file only
 * keeps state in flight and frees it as soon as it is complete.
 */
#include <stdlib.h>
#include <string.h>

#include "checkdb.h"

struct ck_req *
ck_req(struct ck_db *db, int pid, uint32_t seq, uint64_t ts, bool create)
{
    struct ck_req *r = tr_hash_get(&db->reqs, TR_KEY(pid, seq));

    if (r != NULL || !create)
        return r;
    if ((r = tr_hash_obtain(&db->reqs, TR_KEY(pid, seq), sizeof(*r))) == NULL)
        return NULL;
    r->pid = pid;
    r->seq = seq;
    r->first_ts = ts;
    r->prev = db->newest;
    if (db->newest != NULL)
        db->newest->next = r;
    else
        db->oldest = r;
    db->newest = r;
    return r;
}

void
ck_req_done(struct ck_db *db, struct ck_req *r)
{
    tr_hash_del(&db->reqs, TR_KEY(r->pid, r->seq));
    if (r->prev != NULL)
        r->prev->next = r->next;
    else
        db->oldest = r->next;
    if (r->next != NULL)
        r->next->prev = r->prev;
    else
        db->newest = r->prev;
    free(r);
}

struct ck_server *
ck_server(struct ck_db *db, int vpid)
{
    return tr_hash_obtain(&db->servers, (uint64_t)vpid,
                          sizeof(struct ck_server));
}

struct ck_reader *
ck_reader(struct ck_db *db, int vpid)
{
    return tr_hash_obtain(&db->readers, (uint64_t)vpid,
                          sizeof(struct ck_reader));
}

bool
ck_answered(struct ck_db *db, int pid, uint32_t seq)
{
    struct ck_client *c = tr_hash_get(&db->clients, (uint64_t)pid);

    if (c == NULL)
        return false;
    if (seq <= c->floor)
        return true;
    for (int i = 0; i < c->n; i++)
        if (c->above[i] == seq)
            return true;
    return false;
}

void
ck_mark_answered(struct ck_db *db, int pid, uint32_t seq)
{
    struct ck_client *c = tr_hash_obtain(&db->clients, (uint64_t)pid,
                                         sizeof(*c));
    bool moved = true;

    if (c == NULL || ck_answered(db, pid, seq))
        return;
    if (seq == c->floor + 1) {
        c->floor = seq;
    } else {
        if (tr_grow(&c->above, &c->cap, (size_t)c->n + 1,
                    sizeof(*c->above)) == -1)
            return;
        c->above[c->n++] = seq;
    }
    /* absorb what now continues the floor: answers come out of order */
    while (moved) {
        moved = false;
        for (int i = 0; i < c->n; i++) {
            if (c->above[i] == c->floor + 1) {
                c->floor++;
                c->above[i] = c->above[--c->n];
                moved = true;
            }
        }
    }
}

void
ck_unmark_answered(struct ck_db *db, int pid, uint32_t seq)
{
    struct ck_client *c = tr_hash_get(&db->clients, (uint64_t)pid);

    if (c == NULL)
        return;
    for (int i = 0; i < c->n; i++) {
        if (c->above[i] == seq) {
            c->above[i] = c->above[--c->n];
            return;
        }
    }
    if (seq <= c->floor) {
        /* rare: a client sent an answered seq again. Lower the floor
           below it and keep the seqs between as single answers */
        uint32_t old = c->floor;

        c->floor = seq - 1;
        for (uint32_t s = seq + 1; s <= old; s++)
            ck_mark_answered(db, pid, s);
    }
}

void
ck_forget_client(struct ck_db *db, int pid)
{
    struct ck_client *c = tr_hash_del(&db->clients, (uint64_t)pid);

    if (c != NULL) {
        free(c->above);
        free(c);
    }
}

void
ck_slot_push(struct ck_slot *q, int *n, int cap, struct ck_slot s)
{
    if (*n == cap)
        memmove(&q[0], &q[1], sizeof(*q) * (size_t)(cap - 1));
    else
        (*n)++;
    q[*n - 1] = s;
}

void
ck_slot_remove(struct ck_slot *q, int *n, int i)
{
    memmove(&q[i], &q[i + 1], sizeof(*q) * (size_t)(*n - i - 1));
    (*n)--;
}

struct take_ctx {
    int fifo, pid;
    uint32_t seq;
    bool found;
};

static void
take_one(uint64_t key, void *val, void *arg)
{
    struct ck_server *s = val;
    struct take_ctx *t = arg;
    int q = t->fifo - 2;

    (void)key;
    for (int i = 0; !t->found && i < s->nin[q]; i++) {
        if (s->in[q][i].pid == t->pid && s->in[q][i].seq == t->seq) {
            ck_slot_remove(s->in[q], &s->nin[q], i);
            t->found = true;
        }
    }
}

bool
ck_fifo_out(struct ck_db *db, int fifo, int pid, uint32_t seq)
{
    struct take_ctx t = { fifo, pid, seq, false };

    tr_hash_each(&db->servers, take_one, &t);
    return t.found;
}

void
ck_fifo_take(struct ck_db *db, int fifo, int pid, uint32_t seq)
{
    if (ck_fifo_out(db, fifo, pid, seq))
        return;
    ck_slot_push(db->early, &db->nearly, CK_QUEUE,
                 (struct ck_slot){ pid, seq, fifo, 0, 0 });
}

bool
ck_fifo_early(struct ck_db *db, int fifo, int pid, uint32_t seq)
{
    for (int i = 0; i < db->nearly; i++) {
        if (db->early[i].fifo == fifo && db->early[i].pid == pid &&
            db->early[i].seq == seq) {
            ck_slot_remove(db->early, &db->nearly, i);
            return true;
        }
    }
    return false;
}

static void
free_client(uint64_t key, void *val, void *arg)
{
    struct ck_client *c = val;

    (void)key;
    (void)arg;
    free(c->above);
    free(c);
}

void
ck_ack_add(struct ck_server *s, int from, int64_t value, uint64_t ts,
           bool classic)
{
    if (tr_grow(&s->acks, &s->capacks, (size_t)s->nacks + 1,
                sizeof(*s->acks)) == -1)
        return;                 /* not remembered: never reported */
    s->acks[s->nacks++] = (struct ck_ack){ from, value, ts, classic, false };
}

/* Take an ack of 'from' with 'value' out of a[0..*n), the newest or the
   oldest, and say when it was sent (or taken); false when none is there */
static bool
take(struct ck_ack *a, int *n, int from, int64_t value, bool newest,
     uint64_t *ts)
{
    for (int k = 0; k < *n; k++) {
        int i = newest ? *n - 1 - k : k;

        if (a[i].from == from && a[i].value == value) {
            *ts = a[i].ts;
            memmove(&a[i], &a[i + 1], sizeof(*a) * (size_t)(*n - i - 1));
            (*n)--;
            return true;
        }
    }
    return false;
}

bool
ck_ack_take(struct ck_server *s, int from, int64_t value)
{
    uint64_t sent;

    return take(s->acks, &s->nacks, from, value, true, &sent);
}

void
ck_ack_taken_early(struct ck_server *s, int from, int64_t value, uint64_t ts)
{
    if (s->ntaken == CK_QUEUE)
        return;                 /* not remembered: its send looks untaken */
    s->taken[s->ntaken++] = (struct ck_ack){ from, value, ts, false, false };
}

bool
ck_ack_sent_late(struct ck_server *s, int from, int64_t value, uint64_t *ts)
{
    return take(s->taken, &s->ntaken, from, value, false, ts);
}

int
ck_ack_take_before(struct ck_server *s, int from, uint64_t ts)
{
    int kept = 0, taken = 0;

    for (int i = 0; i < s->nacks; i++) {
        const struct ck_ack *a = &s->acks[i];

        if (a->classic && a->from == from && a->ts < ts)
            taken++;
        else
            s->acks[kept++] = *a;
    }
    s->nacks = kept;
    return taken;
}

static void
free_server(uint64_t key, void *val, void *arg)
{
    struct ck_server *s = val;

    (void)key;
    (void)arg;
    free(s->acks);
    free(s);
}

void
ck_db_free(struct ck_db *db)
{
    while (db->oldest != NULL)
        ck_req_done(db, db->oldest);
    tr_hash_free(&db->reqs);
    tr_hash_each(&db->servers, free_server, NULL);
    tr_hash_free(&db->servers);
    tr_hash_free_values(&db->readers);
    tr_hash_each(&db->clients, free_client, NULL);
    tr_hash_free(&db->clients);
}
