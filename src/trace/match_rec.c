/*
 * trace/match_rec.c - records: a write joined with its read.
 *
 * A record is known by (FIFO, pid, seq): the requesting client and its
 * sequence number, the identity that every hop of a request carries. Its
 * addressee is whom it was for: the client (FIFO2), the worker the server
 * routed it to (FIFO3), nobody in particular (FIFO1, FIFO4: the server).
 * A record read by another process than its addressee is MISREAD: what
 * the handshake on shared FIFOs exists to prevent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match_priv.h"

static uint64_t
record_key(int fifo, int pid, uint32_t seq)
{
    return TR_KEY((uint32_t)pid | (uint32_t)fifo << 28, seq);
}

static void
record_item(struct tr_item *it, const struct tr_event *ev)
{
    memset(it, 0, sizeof(*it));
    it->kind = TR_ITEM_RECORD;
    it->fifo = ev->fifo;
    it->rkind = ev->kind;
    it->pid = ev->pid;
    it->seq = ev->seq;
    it->op = ev->op;
    it->a = ev->a;
    it->b = ev->b;
    it->status = ev->status;
    it->value = ev->value;
}

/* The record's reader is known: is it whom the record was for? */
static void
settle_record(struct tr_match *m, struct tr_item *it)
{
    it->fate = it->addressee != 0 && it->to != it->addressee
               ? TR_FATE_MISREAD : TR_FATE_OK;
    mt_emit(m, it);
}

void
mt_record_write(struct tr_match *m, const struct tr_event *ev)
{
    uint64_t key = record_key(ev->fifo, ev->pid, ev->seq);
    struct mproc *w = mt_proc(m, ev->vpid);
    struct half *h;
    struct tr_item it;

    record_item(&it, ev);
    it.from = ev->vpid;
    it.t0 = ev->ts;
    if (ev->fifo == 2)
        it.addressee = ev->pid;
    else if (ev->fifo == 3 && w != NULL && w->route_pid == ev->pid &&
             w->route_seq == ev->seq)
        it.addressee = w->route_worker;
    if ((ev->fifo == 2 || ev->fifo == 3) && w != NULL) {
        /* the next ready from this writer will announce it */
        if (w->nann == MAX_ANNOUNCE)
            memmove(&w->ann[0], &w->ann[1], sizeof(w->ann[0]) *
                    (MAX_ANNOUNCE - 1));
        else
            w->nann++;
        w->ann[w->nann - 1].pid = ev->pid;
        w->ann[w->nann - 1].seq = ev->seq;
        w->ann[w->nann - 1].addressee = it.addressee;
    }
    for (h = tr_hash_get(&m->records, key); h != NULL; h = h->next) {
        if (h->recv) {          /* the reader traced first */
            mt_unwait(m, h);
            it.to = h->it.to;
            it.t1 = h->it.t1;
            free(h);
            settle_record(m, &it);
            return;
        }
    }
    if ((h = mt_half_new(&it, ev->ts, key, false, false)) != NULL)
        mt_wait(m, h);
}

void
mt_record_read(struct tr_match *m, const struct tr_event *ev)
{
    uint64_t key = record_key(ev->fifo, ev->pid, ev->seq);
    struct mproc *r = mt_proc(m, ev->vpid);
    struct half *h;
    struct tr_item it;

    if ((ev->fifo == 2 || ev->fifo == 3) && r != NULL) {
        r->read_pid = ev->pid;
        r->read_seq = ev->seq;
    }
    for (h = tr_hash_get(&m->records, key); h != NULL; h = h->next) {
        if (!h->recv) {
            mt_unwait(m, h);
            h->it.to = ev->vpid;
            h->it.t1 = ev->ts;
            settle_record(m, &h->it);
            free(h);
            return;
        }
    }
    record_item(&it, ev);
    it.to = ev->vpid;
    it.t1 = ev->ts;
    if ((h = mt_half_new(&it, ev->ts, key, true, false)) != NULL)
        mt_wait(m, h);
}

/* The server took back a record nobody read: its write end is settled. */
void
mt_reclaim(struct tr_match *m, const struct tr_event *ev)
{
    uint64_t key = record_key(ev->fifo, ev->pid, ev->seq);
    struct half *h;

    for (h = tr_hash_get(&m->records, key); h != NULL; h = h->next) {
        if (!h->recv) {
            mt_unwait(m, h);
            h->it.fate = TR_FATE_RECLAIMED;
            h->it.t1 = ev->ts;
            if (h->it.addressee == 0)
                h->it.addressee = ev->peer_pid;
            snprintf(h->it.text, sizeof(h->it.text), "%s", ev->reason);
            mt_emit(m, &h->it);
            free(h);
            break;
        }
    }
}
