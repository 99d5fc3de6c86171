/*
 * trace/view.c - the filters of seq, svg and chrome.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

/* Was [s, end) parsed from characters of 'chars' only? strtod() and
   strtoul() also take spaces, signs, hex, "nan" and "inf" */
static bool
plain(const char *s, const char *end, const char *chars)
{
    return end > s && (size_t)(end - s) == strspn(s, chars);
}

void
tr_view_init(struct tr_view *v)
{
    memset(v, 0, sizeof(*v));
    v->until = UINT64_MAX;
}

int
tr_view_parse_time(const char *s, uint64_t *ns)
{
    static const struct { const char *unit; double ns; } units[] = {
        { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "", 1e6 },
    };
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (!plain(s, end, "0123456789.") || errno != 0 || v > 1e6)
        goto bad;
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcmp(end, units[i].unit) == 0) {
            *ns = (uint64_t)(v * units[i].ns + 0.5);
            return 0;
        }
    }
bad:
    errno = EINVAL;
    return -1;
}

int
tr_view_parse_request(const char *s, int *pid, uint32_t *seq)
{
    char *end;
    long p;
    unsigned long q;

    errno = 0;
    p = strtol(s, &end, 10);
    if (!plain(s, end, "0123456789") || *end != ':' || p <= 0 ||
        p > 0x7fffffffL || errno != 0)
        goto bad;
    s = end + 1;
    q = strtoul(s, &end, 10);
    if (!plain(s, end, "0123456789") || *end != '\0' || q == 0 ||
        q > 0xffffffffUL || errno != 0)
        goto bad;
    *pid = (int)p;
    *seq = (uint32_t)q;
    return 0;
bad:
    errno = EINVAL;
    return -1;
}

bool
tr_view_keeps(const struct tr_view *v, uint64_t origin,
              const struct tr_item *it)
{
    uint64_t first = tr_item_time(it);
    uint64_t last = it->t1 > it->t0 ? it->t1 : it->t0;

    /* a message that crosses an edge is kept whole: no read without its write */
    first = first > origin ? first - origin : 0;
    last = last > origin ? last - origin : 0;
    if (last < v->since || first > v->until)
        return false;
    if (v->req_pid != 0 && (it->pid != v->req_pid || it->seq != v->req_seq))
        return false;
    if (v->pid != 0 && it->from != v->pid && it->to != v->pid &&
        it->addressee != v->pid && it->pid != v->pid)
        return false;
    return true;
}
