/*
 * trace/match.c - join the two ends of every record and signal: the core.
 *
 * Ends wait here until their partner comes (match_rec.c, match_sig.c) or
 * until they are older than TR_MATCH_HORIZON_NS of trace time, when they
 * expire as items of their own: a record nobody read, a signal nobody
 * consumed. MAX_PENDING bounds the waiting ends whatever the trace holds.
 *
 * Which record does a signal belong to? The server writes a record into
 * FIFO2 or FIFO3, then sends "ready" to its reader, so a ready belongs to
 * the last record that sender wrote for that receiver (the announcements
 * of struct mproc); an ack belongs to the last record its sender read
 * from FIFO2 or FIFO3.
 */
#include <stdlib.h>
#include <string.h>

#include "ipclab/err.h"

#include "match_priv.h"

struct mproc *
mt_proc(struct tr_match *m, int vpid)
{
    return tr_hash_obtain(&m->mprocs, (uint64_t)vpid, sizeof(struct mproc));
}

void
mt_emit(struct tr_match *m, struct tr_item *it)
{
    it->id = ++m->next_id;
    m->fn(it, m->arg);
}

static struct tr_hash *
table(struct tr_match *m, const struct half *h)
{
    return h->sig ? &m->signals : &m->records;
}

struct half *
mt_half_new(const struct tr_item *it, uint64_t ts, uint64_t key, bool recv,
            bool sig)
{
    struct half *h = calloc(1, sizeof(*h));

    if (h != NULL) {
        h->it = *it;
        h->ts = ts;
        h->key = key;
        h->recv = recv;
        h->sig = sig;
    }
    return h;
}

void
mt_wait(struct tr_match *m, struct half *h)
{
    struct half *head = tr_hash_get(table(m, h), h->key), *p;

    h->next = NULL;
    if (head == NULL) {
        if (tr_hash_put(table(m, h), h->key, h) == -1) {
            free(h);            /* out of memory: forget this end */
            return;
        }
    } else {
        for (p = head; p->next != NULL; p = p->next)
            ;
        p->next = h;
    }
    h->older = m->newest;
    h->newer = NULL;
    if (m->newest != NULL)
        m->newest->newer = h;
    else
        m->oldest = h;
    m->newest = h;
    m->npending++;
}

void
mt_unwait(struct tr_match *m, struct half *h)
{
    struct half *head = tr_hash_get(table(m, h), h->key);

    if (head == h) {
        if (h->next != NULL)
            tr_hash_put(table(m, h), h->key, h->next);  /* replaces */
        else
            tr_hash_del(table(m, h), h->key);
    } else {
        while (head != NULL && head->next != h)
            head = head->next;
        if (head != NULL)
            head->next = h->next;
    }
    if (h->older != NULL)
        h->older->newer = h->newer;
    else
        m->oldest = h->newer;
    if (h->newer != NULL)
        h->newer->older = h->older;
    else
        m->newest = h->older;
    m->npending--;
}

void
mt_expire(struct tr_match *m, struct half *h)
{
    mt_unwait(m, h);
    if (!h->recv)
        h->it.fate = h->sig ? TR_FATE_LOST : TR_FATE_UNREAD;
    else if (h->sig)
        h->it.fate = h->ignored ? TR_FATE_IGNORED : TR_FATE_NOSEND;
    else
        h->it.fate = TR_FATE_NOWRITE;
    if (h->recv)
        h->it.t0 = h->it.t1;    /* drawn where it was seen */
    mt_emit(m, &h->it);
    free(h);
}

struct tr_match *
tr_match_new(const struct tr_procs *procs, tr_item_fn fn, void *arg)
{
    struct tr_match *m = calloc(1, sizeof(*m));

    if (m != NULL) {
        m->procs = procs;
        m->fn = fn;
        m->arg = arg;
    }
    return m;
}

void
tr_match_event(struct tr_match *m, const struct tr_event *ev)
{
    struct mproc *p;

    switch (ev->type) {
    case TR_RECORD_WRITE:
        mt_record_write(m, ev);
        break;
    case TR_RECORD_READ:
        mt_record_read(m, ev);
        break;
    case TR_RECLAIM:
        mt_reclaim(m, ev);
        mt_note(m, ev);
        break;
    case TR_SIGNAL_SEND:
        mt_signal_send(m, ev);
        break;
    case TR_SIGNAL_CONSUME:
    case TR_SIGNAL_IGNORE:
        mt_signal_take(m, ev);
        break;
    case TR_ROUTE:
        if ((p = mt_proc(m, ev->vpid)) != NULL) {
            p->route_pid = ev->pid;
            p->route_seq = ev->seq;
            p->route_worker = ev->worker_pid;
        }
        break;
    case TR_PROC_EXIT:
        mt_note(m, ev);
        mt_receiver_gone(m, ev->vpid);
        break;
    case TR_PROC_REAP:
        mt_killed(m, ev);       /* it died before it was reaped */
        mt_note(m, ev);
        mt_receiver_gone(m, ev->child_pid);
        break;
    default:
        mt_note(m, ev);
        break;
    }

    /* ends too old to be paired now: the trace has moved on */
    while (m->oldest != NULL &&
           (m->oldest->ts + TR_MATCH_HORIZON_NS < ev->ts ||
            m->npending > MAX_PENDING))
        mt_expire(m, m->oldest);
}

uint64_t
tr_match_oldest(const struct tr_match *m)
{
    return m->oldest != NULL ? m->oldest->ts : UINT64_MAX;
}

void
tr_match_finish(struct tr_match *m)
{
    while (m->oldest != NULL)
        mt_expire(m, m->oldest);
}

void
tr_match_free(struct tr_match *m)
{
    if (m == NULL)
        return;
    while (m->oldest != NULL) {
        struct half *h = m->oldest;

        mt_unwait(m, h);
        free(h);
    }
    tr_hash_free_values(&m->mprocs);
    tr_hash_free(&m->records);
    tr_hash_free(&m->signals);
    free(m);
}

uint64_t
tr_sigchld_sent(const struct tr_procs *procs, const struct tr_item *it)
{
    const struct tr_proc *child = tr_procs_get(procs, it->from);

    if (it->kind != TR_ITEM_SIGNAL || it->fate != TR_FATE_NOSEND ||
        strcmp(it->what, "child") != 0 || it->t0 != it->t1 ||
        child == NULL || !child->traced || child->last_ts >= it->t1)
        return 0;
    return child->last_ts;
}

/* What tr_match_read() hands each event to */
struct reading {
    struct tr_procs *procs;
    tr_event_fn on_event;
    struct tr_match *m;
    void *arg;
};

static void
read_one(const struct tr_event *ev, void *arg)
{
    struct reading *r = arg;

    tr_procs_see(r->procs, ev);
    if (r->on_event != NULL)
        r->on_event(ev, r->arg);
    tr_match_event(r->m, ev);
}

int
tr_match_read(const char *dir, struct tr_procs *procs, tr_event_fn on_event,
              tr_item_fn on_item, void *arg, struct tr_source_info *info)
{
    struct reading r = { procs, on_event, tr_match_new(procs, on_item, arg),
                         arg };
    int rc;

    if (r.m == NULL) {
        ipc_warn("cannot read '%s'", dir);
        return -1;
    }
    if ((rc = tr_source_read(dir, read_one, &r, NULL, info)) == 0)
        tr_match_finish(r.m);
    tr_match_free(r.m);
    return rc;
}
