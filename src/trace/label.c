/*
 * trace/label.c - how items are worded on diagrams and in Perfetto.
 *
 * Labels are short on purpose: the lanes of a handful of processes and a
 * label must share 80 columns. The request identity "pid:seq" is on every
 * record and on every signal whose record is known, so that a student can
 * follow one request across all its hops (and so can grep).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "ipclab/err.h"
#include "ipclab/record.h"
#include "label.h"

const char *
tr_signal_name(int signo, char *buf, size_t n)
{
    const char *abbrev;

    if (signo >= SIGRTMIN && signo <= SIGRTMAX)
        snprintf(buf, n, "SIGRTMIN+%d", signo - SIGRTMIN);
    else if ((abbrev = sigabbrev_np(signo)) != NULL)
        snprintf(buf, n, "SIG%s", abbrev);
    else
        snprintf(buf, n, "SIG%d", signo);
    return buf;
}

/* A number as written on a label: "42", "-13", "9.2e18" */
static const char *
fmt_num(int64_t v, char *buf, size_t n)
{
    double d = (double)v;
    int e = 0;

    if (v <= 9999999 && v >= -9999999) {
        snprintf(buf, n, "%" PRId64, v);
        return buf;
    }
    /* one decimal of mantissa: 9223372036854775807 is 9.2e18 */
    while (d >= 9.95 || d <= -9.95) {
        d /= 10;
        e++;
    }
    snprintf(buf, n, "%.1fe%d", d, e);
    return buf;
}

const char *
tr_fmt_ms(uint64_t ns, char *buf, size_t n)
{
    snprintf(buf, n, "%" PRIu64 ".%03" PRIu64, ns / 1000000,
             ns / 1000 % 1000);
    return buf;
}

const char *
tr_append(char *buf, size_t n, const char *fmt, ...)
{
    size_t len = strlen(buf);
    va_list ap;

    if (len + 1 < n) {
        va_start(ap, fmt);
        vsnprintf(buf + len, n - len, fmt, ap);
        va_end(ap);
    }
    return buf;
}

const char *
tr_fmt_since(uint64_t t, uint64_t origin, char *buf, size_t n)
{
    return tr_fmt_ms(t > origin ? t - origin : 0, buf, n);
}

/* "84/2" for a request, "=42" or "ERANGE" for a result */
static void
record_body(const struct tr_item *it, char *buf, size_t n)
{
    char a[24], b[24];

    if (it->rkind == IPCLAB_KIND_RESULT && it->status != 0)
        snprintf(buf, n, "%s", ipc_errno_name(it->status));
    else if (it->rkind == IPCLAB_KIND_RESULT)
        snprintf(buf, n, "=%s", fmt_num(it->value, a, sizeof(a)));
    else if (it->b < 0)         /* "5-(-3)", never "5--3" */
        snprintf(buf, n, "%s%c(%s)", fmt_num(it->a, a, sizeof(a)),
                 ipc_op_symbol((uint32_t)it->op),
                 fmt_num(it->b, b, sizeof(b)));
    else
        snprintf(buf, n, "%s%c%s", fmt_num(it->a, a, sizeof(a)),
                 ipc_op_symbol((uint32_t)it->op),
                 fmt_num(it->b, b, sizeof(b)));
}

/* What went wrong with a message, for the end of its label */
static void
fate_text(const struct tr_procs *procs, const struct tr_item *it,
          char *buf, size_t n)
{
    char who[24], when[24];

    buf[0] = '\0';
    switch (it->fate) {
    case TR_FATE_OK:
        break;
    case TR_FATE_MISREAD:
        snprintf(buf, n, " WRONG READER, for %s",
                 tr_proc_label(procs, it->addressee, who, sizeof(who)));
        break;
    case TR_FATE_UNREAD:        /* text: its reader dropped bytes later */
        snprintf(buf, n, " never read%s", it->text[0] != '\0'
                 ? " as a record: dropped?" : "");
        break;
    case TR_FATE_FAILED:
        snprintf(buf, n, " write failed%s", it->text);
        break;
    case TR_FATE_RECLAIMED:
        snprintf(buf, n, " reclaimed (%s)", it->text);
        break;
    case TR_FATE_NOWRITE:
        snprintf(buf, n, " (its write is not traced)");
        break;
    case TR_FATE_LOST:
        snprintf(buf, n, " never taken");
        break;
    case TR_FATE_COALESCED:
        snprintf(buf, n, " LOST: merged with a pending one");
        break;
    case TR_FATE_MERGED:        /* what was done anyway, how much later */
        snprintf(buf, n, " merged with a pending %s; %s %s ms later",
                 tr_signal_name(it->signo, who, sizeof(who)),
                 strcmp(it->what, "child") == 0 ? "reaped"
                                                : "settled from FIFO state",
                 tr_fmt_ms(it->t1 > it->t0 ? it->t1 - it->t0 : 0, when,
                           sizeof(when)));
        break;
    case TR_FATE_FATAL:
        snprintf(buf, n, " delivered: it killed %s",
                 tr_proc_label(procs, it->to, who, sizeof(who)));
        break;
    case TR_FATE_IGNORED:
        snprintf(buf, n, " ignored (%s)", it->text);
        break;
    case TR_FATE_NOSEND:
        if (tr_procs_get(procs, it->from) == NULL ||
            !tr_procs_get(procs, it->from)->traced)
            snprintf(buf, n, " from pid %d", it->from);
        break;
    }
}

static void
note_text(const struct tr_procs *procs, const struct tr_item *it, char *buf,
          size_t n)
{
    char who[40], rel[40];
    int n2;

    switch (it->note) {
    case TR_NOTE_START:
        snprintf(buf, n, "%s starts", tr_proc_label(procs, it->from, who,
                                                     sizeof(who)));
        break;
    case TR_NOTE_EXIT:
        snprintf(buf, n, "%s exits %d", tr_proc_label(procs, it->from, who,
                                                       sizeof(who)), it->num);
        break;
    case TR_NOTE_REAP:
        snprintf(buf, n, "reaps %s: %d", tr_proc_label(procs, it->to, who,
                                                        sizeof(who)), it->num);
        break;
    case TR_NOTE_ERROR:
        if (it->num > 0 && it->num < 134)
            snprintf(rel, sizeof(rel), " (%d %s)", it->num,
                     ipc_errno_name(it->num));
        else
            snprintf(rel, sizeof(rel), " (%d)", it->num);
        snprintf(buf, n, "ERROR %s%s", it->text, rel);
        break;
    case TR_NOTE_DROP:
        if (it->pid != 0)
            snprintf(buf, n, "drops F%d %d:%u (%s)", it->fifo, it->pid,
                     it->seq, it->text);
        else
            snprintf(buf, n, "drops %d bytes from F%d: %s", it->num,
                     it->fifo, it->text);
        break;
    case TR_NOTE_RECLAIM:
        snprintf(buf, n, "takes back F%d %d:%u (%s)", it->fifo, it->pid,
                 it->seq, it->text);
        break;
    case TR_NOTE_KILLED:
        tr_signal_name(it->signo, rel, sizeof(rel));
        n2 = snprintf(buf, n, "%s killed by %s (%d)",
                      tr_proc_label(procs, it->from, who, sizeof(who)), rel,
                      it->signo);
        if (it->text[0] != '\0' && n2 > 0 && (size_t)n2 < n)
            snprintf(buf + n2, n - (size_t)n2, ": the '%s' of %s", it->text,
                     tr_proc_label(procs, (int)it->value, who,
                                   sizeof(who)));
        break;
    case TR_NOTE_VANISHED:
        snprintf(buf, n, "%s: trace ends here: no exit traced (killed by an "
                 "untraced process?)", tr_proc_label(procs, it->from, who,
                                                     sizeof(who)));
        break;
    case TR_NOTE_SETTLED:
        snprintf(buf, n, "ack settled from FIFO state (coalesced), seq %"
                 PRId64, it->value);
        break;
    }
}

const char *
tr_fmt_item(const struct tr_procs *procs, const struct tr_item *it,
            char *buf, size_t n)
{
    char body[64], fate[128], sig[20], id[32] = "";

    if (it->pid != 0)
        snprintf(id, sizeof(id), " %d:%u", it->pid, it->seq);
    switch (it->kind) {
    case TR_ITEM_RECORD:
        record_body(it, body, sizeof(body));
        fate_text(procs, it, fate, sizeof(fate));
        snprintf(buf, n, "F%d %s%s%s", it->fifo, body, id, fate);
        break;
    case TR_ITEM_SIGNAL:
        fate_text(procs, it, fate, sizeof(fate));
        if (it->value == 0 || it->pid == 0)
            snprintf(body, sizeof(body), " %s",
                     tr_signal_name(it->signo, sig, sizeof(sig)));
        else
            body[0] = '\0';
        if (it->pid == 0 && it->value != 0)
            snprintf(id, sizeof(id), " value %" PRId64, it->value);
        snprintf(buf, n, "%s%s%s%s", it->what, body, id, fate);
        break;
    case TR_ITEM_SPAWN:
        snprintf(buf, n, "spawns %s %d", it->text, it->to);
        break;
    case TR_ITEM_NOTE:
        note_text(procs, it, buf, n);
        break;
    }
    return buf;
}
