/*
 * trace/match_sig.c - signals: a send joined with its consumption.
 *
 * Real-time signals queue and carry the request's seq: a consume pairs
 * with the first waiting send of the same number and value. Classic
 * signals (value 0) carry nothing and coalesce: while one is pending, more
 * of the same number merge into it, from any sender. So a classic consume
 * pairs with the oldest waiting send from its sender, and any other send
 * of that number to the same receiver already waiting was swallowed by
 * it: COALESCED, the lost wake-up of lab 04.
 *
 * A signal_ignore is a consumption too: the receiver took the signal and
 * decided it was not for it (an ack that came after the server stopped
 * waiting for it, say). Signals from the kernel (SIGCHLD) or from
 * processes that trace nothing (a shell's SIGINT) have no send to wait for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match_priv.h"

static void
signal_item(struct tr_item *it, const struct tr_event *ev)
{
    memset(it, 0, sizeof(*it));
    it->kind = TR_ITEM_SIGNAL;
    it->signo = ev->signo;
    it->value = ev->value;
    snprintf(it->what, sizeof(it->what), "%s", ev->what);
}

/* Which request a signal from 'sender' to 'receiver' is about. */
static void
identify(struct tr_match *m, struct tr_item *it, int sender, int receiver)
{
    struct mproc *s = mt_proc(m, sender);

    if (s == NULL)
        return;
    for (int i = s->nann - 1; i >= 0; i--) {
        if (s->ann[i].addressee == receiver &&
            (it->value == 0 || s->ann[i].seq == (uint32_t)it->value)) {
            it->pid = s->ann[i].pid;
            it->seq = s->ann[i].seq;
            s->nann--;
            memmove(&s->ann[i], &s->ann[i + 1],
                    sizeof(s->ann[0]) * (size_t)(s->nann - i));
            return;
        }
    }
    if (strcmp(it->what, "ack") == 0 && s->read_pid != 0 &&
        (it->value == 0 || (uint32_t)it->value == s->read_seq)) {
        it->pid = s->read_pid;
        it->seq = s->read_seq;
    } else if (strcmp(it->what, "revoke") == 0 && it->value != 0) {
        it->pid = receiver;
        it->seq = (uint32_t)it->value;
    }
}

static bool
same_signal(const struct half *h, int signo, int64_t value)
{
    return h->it.signo == signo && h->it.value == value;
}

void
mt_signal_send(struct tr_match *m, const struct tr_event *ev)
{
    uint64_t key = TR_KEY(ev->vpid, ev->peer_pid);
    struct tr_item it;
    struct half *h;

    signal_item(&it, ev);
    it.from = ev->vpid;
    it.to = it.addressee = ev->peer_pid;
    it.t0 = ev->ts;
    identify(m, &it, ev->vpid, ev->peer_pid);
    for (h = tr_hash_get(&m->signals, key); h != NULL; h = h->next) {
        if (h->recv && same_signal(h, ev->signo, ev->value)) {
            /* the receiver traced its end first */
            mt_unwait(m, h);
            it.t1 = h->it.t1;
            it.fate = h->ignored ? TR_FATE_IGNORED : TR_FATE_OK;
            memcpy(it.text, h->it.text, sizeof(it.text));
            free(h);
            mt_emit(m, &it);
            return;
        }
    }
    if ((h = mt_half_new(&it, ev->ts, key, false, true)) != NULL)
        mt_wait(m, h);
}

/*
 * A classic signal was just taken by 'receiver': every other one of that
 * number sent to it before 'ts' and still waiting merged into it, whoever
 * sent it (the kernel keeps one pending bit per signal number).
 */
static void
coalesce(struct tr_match *m, int receiver, int signo, uint64_t ts)
{
    struct half *h, *newer;

    for (h = m->oldest; h != NULL && h->ts <= ts; h = newer) {
        newer = h->newer;
        if (h->sig && !h->recv && h->it.to == receiver &&
            same_signal(h, signo, 0)) {
            mt_unwait(m, h);
            h->it.fate = TR_FATE_COALESCED;
            mt_emit(m, &h->it);
            free(h);
        }
    }
}

void
mt_signal_take(struct tr_match *m, const struct tr_event *ev)
{
    uint64_t key = TR_KEY(ev->peer_pid, ev->vpid);
    bool ignored = ev->type == TR_SIGNAL_IGNORE;
    const struct tr_proc *sender = tr_procs_get(m->procs, ev->peer_pid);
    struct tr_item it;
    struct half *h;

    if (strcmp(ev->what, "ack_coalesced") == 0) {
        /* no signal of its own: a mark in the server's lane, not a
           message (its peer_pid is the sender of the ack that stood
           for it, already matched) */
        memset(&it, 0, sizeof(it));
        it.kind = TR_ITEM_NOTE;
        it.note = TR_NOTE_SETTLED;
        it.from = ev->vpid;
        it.t0 = ev->ts;
        it.signo = ev->signo;
        it.value = ev->value;
        mt_emit(m, &it);
        return;
    }
    for (h = tr_hash_get(&m->signals, key); h != NULL; h = h->next) {
        if (!h->recv && same_signal(h, ev->signo, ev->value)) {
            mt_unwait(m, h);
            h->it.t1 = ev->ts;
            h->it.fate = ignored ? TR_FATE_IGNORED : TR_FATE_OK;
            if (ignored)
                snprintf(h->it.text, sizeof(h->it.text), "%s", ev->reason);
            mt_emit(m, &h->it);
            free(h);
            if (ev->value == 0)
                coalesce(m, ev->vpid, ev->signo, ev->ts);
            return;
        }
    }

    signal_item(&it, ev);
    it.from = ev->peer_pid;
    it.to = it.addressee = ev->vpid;
    it.t0 = it.t1 = ev->ts;
    if (ignored)
        snprintf(it.text, sizeof(it.text), "%s", ev->reason);
    if (ignored && it.what[0] == '\0')
        snprintf(it.what, sizeof(it.what), "signal");
    if (strcmp(ev->what, "child") == 0 || sender == NULL || !sender->traced) {
        /* from the kernel or from outside: no send will come */
        it.fate = ignored ? TR_FATE_IGNORED : TR_FATE_NOSEND;
        mt_emit(m, &it);
        return;
    }
    if ((h = mt_half_new(&it, ev->ts, key, true, true)) != NULL) {
        h->ignored = ignored;
        mt_wait(m, h);
    }
}

/* vpid exited: signals still on their way to it will never be taken. */
void
mt_receiver_gone(struct tr_match *m, int vpid)
{
    struct half *h, *newer;

    for (h = m->oldest; h != NULL; h = newer) {
        newer = h->newer;
        if (h->sig && !h->recv && h->it.to == vpid)
            mt_expire(m, h);
    }
}

/*
 * A child reaped with status 128 + N that traced no proc_exit was killed
 * by signal N: its end is a note of its own, at the reap (it was dead by
 * then; 1 ns before it, so that each is drawn on a row of its own). A traced signal N still on its way to it is what killed it.
 */
void
mt_killed(struct tr_match *m, const struct tr_event *ev)
{
    const struct tr_proc *child = tr_procs_get(m->procs, ev->child_pid);
    struct tr_item it;

    if (ev->status <= 128 || ev->status > 128 + 64 || child == NULL ||
        !child->traced || child->exit_seen)
        return;
    memset(&it, 0, sizeof(it));
    it.kind = TR_ITEM_NOTE;
    it.note = TR_NOTE_KILLED;
    it.from = ev->child_pid;
    it.to = ev->vpid;
    it.t0 = ev->ts - 1;         /* just before: a row of its own */
    it.signo = ev->status - 128;
    it.num = ev->status;
    for (const struct half *h = m->oldest; h != NULL; h = h->newer) {
        if (h->sig && !h->recv && h->it.to == ev->child_pid &&
            h->it.signo == it.signo) {
            snprintf(it.text, sizeof(it.text), "%s", h->it.what);
            it.value = h->it.from;
            break;
        }
    }
    mt_emit(m, &it);
}

/* Things that happen inside one process: notes, and a spawn arrow. */
void
mt_note(struct tr_match *m, const struct tr_event *ev)
{
    struct tr_item it;

    memset(&it, 0, sizeof(it));
    it.kind = TR_ITEM_NOTE;
    it.from = ev->vpid;
    it.t0 = ev->ts;
    switch (ev->type) {
    case TR_PROC_START:
        it.note = TR_NOTE_START;
        snprintf(it.text, sizeof(it.text), "%s", ev->role);
        it.num = ev->ppid;
        break;
    case TR_PROC_EXIT:
        it.note = TR_NOTE_EXIT;
        it.num = ev->status;
        break;
    case TR_PROC_SPAWN:
        it.kind = TR_ITEM_SPAWN;
        it.to = ev->child_pid;
        snprintf(it.text, sizeof(it.text), "%s", ev->role);
        break;
    case TR_PROC_REAP:
        it.note = TR_NOTE_REAP;
        it.to = ev->child_pid;
        snprintf(it.text, sizeof(it.text), "%s", ev->role);
        it.num = ev->status;
        break;
    case TR_ERROR:
        it.note = TR_NOTE_ERROR;
        snprintf(it.text, sizeof(it.text), "%s", ev->what);
        it.num = ev->err;
        break;
    case TR_RECORD_DROP:
        it.note = TR_NOTE_DROP;
        it.fifo = ev->fifo;
        it.pid = ev->pid;       /* 0 unless a valid record was dropped */
        it.seq = ev->seq;
        snprintf(it.text, sizeof(it.text), "%s", ev->reason);
        it.num = ev->bytes;
        break;
    case TR_RECLAIM:
        it.note = TR_NOTE_RECLAIM;
        it.fifo = ev->fifo;
        it.pid = ev->pid;
        it.seq = ev->seq;
        it.to = ev->peer_pid;
        snprintf(it.text, sizeof(it.text), "%s", ev->reason);
        break;
    default:
        return;                 /* states, FIFO set-up, routes: not drawn */
    }
    mt_emit(m, &it);
}
