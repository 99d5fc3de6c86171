/*
 * trace/seq.c - ipclab-trace seq: the sequence diagram as text.
 *
 *     time  ┌ rc 20154
 *           │    ┌ server 20133
 *       ms  │    │    ┌ div 20139
 *    0.981  ├───▶│    │   F1 84/2 20154:1
 *    1.002  │    ├───▶│   F3 84/2 20154:1
 *    1.011  │    ├┄┄┄▷│   ready 20154:1
 *
 * One lane per process (a staircase of labels on top, so any number of
 * lanes can be named in any width), one row per arrow or note, in time
 * order; each experiment of a lab trace starts with a titled rule and the
 * staircase of its own lanes (diagram.h), with the time since the first
 * event of the trace. Records are solid arrows, signals dotted; an arrow
 * whose message never arrived ends in a cross. Text has one row per
 * message, so each is drawn at its write or send, and its label ends with
 * how much later it was read or taken ("+0.230", ms: a record's wait in
 * the FIFO); 'svg' draws both ends. Rows are printed as they come: the
 * diagram streams.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipclab/err.h"
#include "cmd.h"
#include "diagram.h"
#include "label.h"
#include "source.h"

#define LABEL_MIN 26            /* columns kept for the label */
#define MAX_ROW 1024            /* cells in a row */

/* The drawing characters, Unicode box drawing or plain ASCII */
struct glyphs {
    const char *lane, *origin_r, *origin_l;
    const char *rec, *rec_r, *rec_l;
    const char *sig, *sig_r, *sig_l;
    const char *spawn, *spawn_r, *spawn_l;
    const char *bad, *start, *exit, *killed, *error, *reclaim, *reap;
    const char *corner;
    const char *section, *settled, *self, *merged;
};

static const struct glyphs unicode = {
    "│", "├", "┤", "─", "▶", "◀", "┄", "▷", "◁", "┈", "▸", "◂",
    "✗", "┬", "┴", "╧", "✖", "↺", "◆", "┌", "═", "✓", "●", "◇",
};

static const struct glyphs ascii = {
    "|", "+", "+", "-", ">", "<", ".", ">", "<", ":", ">", "<",
    "X", "o", "#", "%", "!", "@", "*", "+", "=", "v", "&", "m",
};

/* One end of a message of the request of --request, or its route */
struct step {
    uint64_t t;
    int vpid;
    char what[96];
};

#define MAX_STEPS 64            /* a request has 17; retries add some */

struct seq {
    const struct seq_opts *opts;
    const struct tr_view *v;
    const char *shown;          /* the trace directory, as printed */
    struct step steps[MAX_STEPS];
    int nsteps;
    const struct glyphs *g;
    int tw;                     /* width of the time column */
    int step;                   /* columns between lanes */
    int ncells;
    const char *cells[MAX_ROW];
    size_t next_gap;            /* the first lost stretch not yet drawn */
    int sec;                    /* the section drawn, or -1 */
};

static int
center(const struct seq *s, int lane)
{
    return lane * s->step + s->step / 2;
}

/* Blank the row but for the lanes that cross it */
static void
clear_row(struct seq *s)
{
    for (int i = 0; i < s->ncells; i++)
        s->cells[i] = " ";
    for (int l = 0; center(s, l) < s->ncells; l++)
        s->cells[center(s, l)] = s->g->lane;
}

/* Print one line: time (or blank), cells, text; no trailing blanks. */
static void
put_line(struct seq *s, const char *time, const char *text, int len)
{
    char line[MAX_ROW * 4 + 256];
    size_t n = 0;

    n += (size_t)snprintf(line + n, sizeof(line) - n, "%*s  ", s->tw, time);
    for (int i = 0; i < s->ncells && n < sizeof(line); i++)
        n += (size_t)snprintf(line + n, sizeof(line) - n, "%s", s->cells[i]);
    if (n < sizeof(line))
        snprintf(line + n, sizeof(line) - n, "  %.*s", len, text);
    n = strlen(line);
    while (n > 0 && line[n - 1] == ' ')
        line[--n] = '\0';
    puts(line);
}

/*
 * Print the row. A label too long for the width goes on, word-wrapped, in
 * continuation rows below (lanes only), so that nothing is cut off.
 */
static void
put_row(struct seq *s, const char *time, const char *label)
{
    int room = s->opts->width - s->tw - 2 - s->ncells - 2;
    int len = (int)strlen(label);

    if (room < 12)
        room = 12;              /* too many lanes: lines will be long */
    while (len > room) {
        int cut = room;

        while (cut > room / 2 && label[cut] != ' ')
            cut--;
        if (label[cut] != ' ')
            cut = room;         /* no space to break at */
        put_line(s, time, label, cut);
        clear_row(s);           /* the arrow on the first line only */
        time = "";
        label += cut;
        while (*label == ' ')
            label++;
        len = (int)strlen(label);
    }
    put_line(s, time, label, len);
}

static void
seq_begin(struct tr_layout *L, void *arg)
{
    struct seq *s = arg;
    char ms[32];

    tr_fmt_ms(L->end - L->origin, ms, sizeof(ms));
    s->tw = (int)strlen(ms) > 6 ? (int)strlen(ms) : 6;
    s->sec = -1;
    printf("%s: %d processes, %llu rows, %s ms\n\n", s->shown, L->nprocs,
           (unsigned long long)L->nitems, ms);
}

/*
 * The first row of a section, before its first item (at 'first'): a titled
 * rule for an experiment of a lab trace, then the staircase of its own
 * lanes: lane i is named on row i, where no lane right of it has started
 * yet.
 */
static void
put_section(struct seq *s, const struct tr_layout *L, uint64_t first)
{
    const struct tr_section *S = &L->secs[L->cur];
    int room = s->opts->width - s->tw - 4 - LABEL_MIN;
    char time[32], title[96];

    s->sec = L->cur;
    s->step = L->nlanes > 0 ? room / L->nlanes : 8;
    if (s->step > 8)
        s->step = 8;
    if (s->step < 3)
        s->step = 3;
    s->ncells = L->nlanes * s->step;
    if (s->ncells > MAX_ROW)
        s->ncells = MAX_ROW;
    if (S->title[0] != '\0') {
        for (int i = 0; i < s->ncells; i++)
            s->cells[i] = s->g->section;
        /* the first section holds what came before its experiment */
        tr_fmt_since(first < S->t0 ? first : S->t0, L->origin, time,
                     sizeof(time));
        snprintf(title, sizeof(title), "experiment '%s'", S->title);
        put_row(s, time, title);
    }
    for (int i = 0; i < L->nlanes; i++) {
        clear_row(s);
        for (int l = i + 1; l < L->nlanes; l++)
            s->cells[center(s, l)] = " ";
        s->cells[center(s, i)] = s->g->corner;
        s->ncells = center(s, i) + 1;
        put_row(s, i == 0 ? "time" : i == L->nlanes - 1 ? "ms" : "",
                L->lanes[i].label);
        s->ncells = L->nlanes * s->step;
    }
}

/*
 * Draw an arrow from lane la to lane lb (either may be -1: outside). A
 * message that reached no lane ends right beside its sender, pointing at
 * no other process.
 */
static void
arrow(struct seq *s, const struct tr_item *it, int la, int lb)
{
    const struct glyphs *g = s->g;
    const char *shaft = g->rec, *head_r = g->rec_r, *head_l = g->rec_l;
    bool bad = tr_item_undelivered(it);
    bool merged = it->fate == TR_FATE_MERGED;
    int a, b;

    if (it->kind == TR_ITEM_SIGNAL) {
        shaft = g->sig;
        head_r = g->sig_r;
        head_l = g->sig_l;
    } else if (it->kind == TR_ITEM_SPAWN) {
        shaft = g->spawn;
        head_r = g->spawn_r;
        head_l = g->spawn_l;
    }
    if (la >= 0 && lb >= 0 && la == lb) {
        s->cells[center(s, la)] = g->self;
        return;
    }
    if (it->fate == TR_FATE_FAILED && la >= 0) {  /* it went nowhere */
        s->cells[center(s, la)] = g->error;
        return;
    }
    /* from outside: a short arrow, clear of the lane on the left */
    a = la >= 0 ? center(s, la)
                : center(s, lb) - (s->step >= 5 ? 3 : s->step - 1);
    b = lb >= 0 ? center(s, lb) : center(s, la) + 1;
    if (a < 0)
        a = 0;
    if (b >= s->ncells)
        b = s->ncells - 1;
    if (a < b) {
        if (la >= 0)
            s->cells[a] = g->origin_r;
        for (int c = a + 1; c < b - 1; c++)
            s->cells[c] = shaft;
        s->cells[lb >= 0 ? b - 1 : b] = bad ? g->bad : merged ? g->merged
                                                              : head_r;
    } else {
        if (la >= 0)
            s->cells[a] = g->origin_l;
        for (int c = b + 2; c < a; c++)
            s->cells[c] = shaft;
        s->cells[lb >= 0 ? b + 1 : b] = bad ? g->bad : merged ? g->merged
                                                              : head_l;
    }
}

static const char *
note_glyph(const struct glyphs *g, enum tr_note note)
{
    switch (note) {
    case TR_NOTE_START:   return g->start;
    case TR_NOTE_EXIT:    return g->exit;
    case TR_NOTE_KILLED:  return g->killed;
    case TR_NOTE_VANISHED: return g->killed;
    case TR_NOTE_REAP:    return g->reap;
    case TR_NOTE_RECLAIM: return g->reclaim;
    case TR_NOTE_SETTLED: return g->settled;
    default:              return g->error;
    }
}

/* A process takes over a shared lane: say who, before its first row. */
static void
take_lane(struct seq *s, struct tr_layout *L, const struct tr_item *it,
          int vpid, const char *time)
{
    char label[64], who[40];
    int lane = tr_lane_of(L, vpid);

    if (lane < 0 || L->lanes[lane].owner == vpid)
        return;
    L->lanes[lane].owner = vpid;
    if (it->kind == TR_ITEM_NOTE && it->note == TR_NOTE_START &&
        it->from == vpid)
        return;                 /* its own start row says it */
    clear_row(s);
    s->cells[center(s, lane)] = s->g->start;
    snprintf(label, sizeof(label), "%s takes this lane",
             tr_proc_label(L->procs, vpid, who, sizeof(who)));
    put_row(s, time, label);
}

static void
add_step(struct seq *s, uint64_t t, int vpid, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
add_step(struct seq *s, uint64_t t, int vpid, const char *fmt, ...)
{
    va_list ap;

    if (s->nsteps == MAX_STEPS || t == 0)
        return;
    s->steps[s->nsteps].t = t;
    s->steps[s->nsteps].vpid = vpid;
    va_start(ap, fmt);
    vsnprintf(s->steps[s->nsteps].what, sizeof(s->steps[0].what), fmt, ap);
    va_end(ap);
    s->nsteps++;
}

/* --request: is a write of it into FIFO 'fifo' a step already? */
static bool
wrote_into(const struct seq *s, int fifo)
{
    char what[32];

    snprintf(what, sizeof(what), "writes it into FIFO%d", fifo);
    for (int i = 0; i < s->nsteps; i++)
        if (strcmp(s->steps[i].what, what) == 0)
            return true;
    return false;
}

/*
 * --request: both ends of each of its records and signals are steps, as
 * far as the trace has them: a record taken back or a signal never taken
 * has no read; what the server did with it is a note of its own.
 */
static void
keep_steps(struct seq *s, const struct tr_item *it)
{
    char sig[24];
    int to = it->to != 0 ? it->to : it->addressee;
    bool got = tr_item_received(it);

    if (it->kind == TR_ITEM_RECORD) {
        add_step(s, it->t0, it->from, "writes it into FIFO%d", it->fifo);
        if (got)
            add_step(s, it->t1, to, "reads it from FIFO%d", it->fifo);
    } else if (it->kind == TR_ITEM_SIGNAL) {
        tr_signal_name(it->signo, sig, sizeof(sig));
        add_step(s, it->t0, it->from, "sends '%s' (%s, %d)", it->what, sig,
                 it->signo);
        if (got)
            add_step(s, it->t1, to, "takes '%s'", it->what);
        else if (it->fate == TR_FATE_FATAL)
            add_step(s, it->t1, to, "dies of '%s' (its default action)",
                     it->what);
    } else if (it->kind == TR_ITEM_NOTE && it->note == TR_NOTE_RECLAIM) {
        add_step(s, it->t0, it->from, "takes it back from FIFO%d (%s)",
                 it->fifo, it->text);
    } else if (it->kind == TR_ITEM_NOTE && it->note == TR_NOTE_SETTLED) {
        add_step(s, it->t0, it->from, "ack settled from FIFO state (its "
                 "ack merged into another's)");
    } else if (it->kind == TR_ITEM_NOTE && it->note == TR_NOTE_DROP) {
        if (wrote_into(s, it->fifo))
            add_step(s, it->t0, it->from, "drops it from FIFO%d (%s)",
                     it->fifo, it->text);
        else                    /* never written: what the server held */
            add_step(s, it->t0, it->from, "drops the result it held (%s)",
                     it->text);
    }
}

/* --request: its route event, the server's choice of worker, is a step */
static void
find_route(const struct tr_event *ev, void *arg)
{
    struct seq *s = arg;

    if (ev->type == TR_ROUTE && s->v->req_pid != 0 &&
        ev->pid == s->v->req_pid && ev->seq == s->v->req_seq)
        add_step(s, ev->ts, ev->vpid, "routes it to worker %d",
                 ev->worker_pid);
}

static int
by_time(const void *x, const void *y)
{
    const struct step *a = x, *b = y;

    return a->t < b->t ? -1 : a->t > b->t;
}

/* --request: the steps in time order, and the longest wait between two */
static void
print_steps(struct seq *s, const struct tr_layout *L)
{
    char t[32], dt[32], who[40];
    uint64_t best = 0;
    int longest = 0;

    qsort(s->steps, (size_t)s->nsteps, sizeof(s->steps[0]), by_time);
    printf("\nRequest %d:%u, step by step (%d steps; ms since the first "
           "event, and since the step before):\n", s->v->req_pid,
           s->v->req_seq, s->nsteps);
    for (int i = 0; i < s->nsteps; i++) {
        uint64_t gap = i > 0 && s->steps[i].t > s->steps[i - 1].t
                       ? s->steps[i].t - s->steps[i - 1].t : 0;

        if (gap > best) {
            best = gap;
            longest = i;
        }
        printf("%3d  %10s  +%-8s %-14s %s\n", i + 1,
               tr_fmt_ms(s->steps[i].t - L->origin, t, sizeof(t)),
               tr_fmt_ms(gap, dt, sizeof(dt)),
               tr_proc_label(L->procs, s->steps[i].vpid, who, sizeof(who)),
               s->steps[i].what);
    }
    if (best > 0)
        printf("longest wait: before step %d (%s ms)\n", longest + 1,
               tr_fmt_ms(best, dt, sizeof(dt)));
}

/* A row across every lane where the tracer lost events */
static void
put_gap(struct seq *s, const struct tr_layout *L, const struct tr_gap *g)
{
    char time[32], count[48], len[32], label[160];

    clear_row(s);
    for (int i = 0; i < s->ncells; i++)
        s->cells[i] = s->g->bad;
    tr_fmt_since(g->begin, L->origin, time, sizeof(time));
    if (g->end == UINT64_MAX)
        snprintf(len, sizeof(len), "an unknown time");
    else
        tr_fmt_ms(g->end - g->begin, len, sizeof(len));
    snprintf(label, sizeof(label), "the tracer lost %s here, for %s%s: "
             "messages around it may lack an end",
             tr_gap_count(g, count, sizeof(count)), len,
             g->end == UINT64_MAX ? "" : " ms");
    put_row(s, time, label);
}

/* Draw the lost stretches that begin before time t */
static void
put_gaps_before(struct seq *s, const struct tr_layout *L, uint64_t t)
{
    while (s->next_gap < L->ngaps && L->gaps[s->next_gap].begin <= t)
        put_gap(s, L, &L->gaps[s->next_gap++]);
}

/* Could the missing end of a message be in a lost stretch after t0? */
static bool
end_maybe_lost(const struct tr_layout *L, const struct tr_item *it)
{
    if (it->fate != TR_FATE_UNREAD && it->fate != TR_FATE_LOST &&
        it->fate != TR_FATE_NOWRITE && it->fate != TR_FATE_NOSEND)
        return false;
    for (size_t i = 0; i < L->ngaps; i++)
        if (L->gaps[i].end >= it->t0)
            return true;
    return false;
}

static void
seq_item(struct tr_layout *L, const struct tr_item *it, void *arg)
{
    struct seq *s = arg;
    char time[32], label[256], wait[32], who[40], at[32];
    int to = it->to != 0 ? it->to : it->addressee;
    /* a signal the kernel sent when its sender ended (SIGCHLD, the
       parent-death SIGTERM): from the margin, the sender was gone */
    uint64_t exited = tr_kernel_sent(L->procs, it);
    int la = exited != 0 ? -1 : tr_lane_of(L, it->from);

    put_gaps_before(s, L, tr_item_time(it));
    if (L->cur != s->sec)
        put_section(s, L, tr_item_time(it));
    tr_fmt_ms(tr_item_time(it) - L->origin, time, sizeof(time));
    if (exited == 0)
        take_lane(s, L, it, it->from, time);
    if (it->kind != TR_ITEM_NOTE)
        take_lane(s, L, it, to, time);

    clear_row(s);
    if (it->kind == TR_ITEM_NOTE) {
        if (la < 0)
            return;
        s->cells[center(s, la)] = note_glyph(s->g, it->note);
    } else {
        int lb = tr_lane_of(L, to);

        if (la < 0 && lb < 0)
            return;
        arrow(s, it, la, lb);
    }
    tr_fmt_item(L->procs, it, label, sizeof(label));
    /* the row is drawn at the write or send: say when the other end was */
    if ((it->kind == TR_ITEM_RECORD || it->kind == TR_ITEM_SIGNAL) &&
        it->t1 > it->t0 && it->t0 != 0 && it->fate != TR_FATE_MERGED)
        tr_append(label, sizeof(label), " +%s",
                  tr_fmt_ms(it->t1 - it->t0, wait, sizeof(wait)));
    if (exited != 0)
        tr_append(label, sizeof(label), " (sent by the kernel when %s "
                  "ended; its last event at %s ms)",
                  tr_proc_label(L->procs, it->from, who, sizeof(who)),
                  tr_fmt_ms(exited - L->origin, at, sizeof(at)));
    if (end_maybe_lost(L, it))
        tr_append(label, sizeof(label), " (or lost by the tracer)");
    put_row(s, time, label);
    if (s->v->req_pid != 0)
        keep_steps(s, it);
}

static int
seq_end(struct tr_layout *L, void *arg)
{
    struct seq *s = arg;
    const struct glyphs *g = s->g;

    put_gaps_before(s, L, UINT64_MAX);
    clear_row(s);
    put_row(s, "", "");
    printf("\n%s%s%s record  %s%s%s signal  %s%s%s spawn  %s lost  "
           "%s start  %s exit  %s error  %s reclaim\n",
           g->rec, g->rec, g->rec_r, g->sig, g->sig, g->sig_r, g->spawn,
           g->spawn, g->spawn_r, g->bad, g->start, g->exit, g->error,
           g->reclaim);
    printf("%s killed  %s reap  %s ack settled  %s merged, done anyway\n",
           g->killed, g->reap, g->settled, g->merged);
    printf("%s to itself (or to its lane's other owner)\n", g->self);
    printf("+T at the end of a label: read (or taken) T ms after it was "
           "written (or sent)\n");
    if (s->v->req_pid != 0)
        print_steps(s, L);
    return 0;
}

int
cmd_seq_run(const struct cmd_args *args)
{
    static const struct tr_diagram_ops ops = { seq_begin, seq_item, seq_end,
                                               find_route };
    static struct seq s;        /* large: keep it off the stack */
    int room = args->seq.width - 10 - LABEL_MIN;

    s.opts = &args->seq;
    s.v = &args->view;
    s.shown = args->shown;
    s.nsteps = 0;
    s.g = args->seq.ascii ? &ascii : &unicode;
    return tr_diagram_run(args->dir, &args->view, room / 4 > 4 ? room / 4 : 4,
                          &ops, &s) == 0 ? 0 : CMD_FAILED;
}
