/*
 * tests/trace/check_shiviz.c - 'ipclab-trace shiviz': every line parses
 * with the expression the output itself gives ShiViz, every host counts
 * its own events one by one, and every matched message's clocks respect
 * happens-before (the send's clock is below the receive's).
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "suites.h"

#define MAX_LINES 4096
#define MAX_HOSTS 16

struct vline {
    char host[32];
    long msg;                   /* [msg N], or -1 */
    int send;                   /* 1 send, 0 receive or local */
    int n;
    char who[MAX_HOSTS][32];
    unsigned long clock[MAX_HOSTS];
};

/* ShiViz's expression as POSIX ERE: without the group names, \S spelt out */
static void
posix_regex(const char *shiviz, char *buf, size_t size)
{
    size_t n = 0;

    for (const char *p = shiviz; *p != '\0' && *p != '\n' && n + 16 < size;) {
        if (strncmp(p, "?<", 2) == 0) {
            p = strchr(p, '>') + 1;
        } else if (strncmp(p, "\\S", 2) == 0) {
            n += (size_t)snprintf(buf + n, size - n, "[^[:space:]]");
            p += 2;
        } else {
            buf[n++] = *p++;
        }
    }
    buf[n] = '\0';
}

static unsigned long
component(const struct vline *l, const char *who)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->who[i], who) == 0)
            return l->clock[i];
    return 0;
}

/* Parse {"a":1, "b":2} into l */
static void
parse_clock(struct vline *l, const char *json)
{
    const char *p = json + 1;

    l->n = 0;
    while (*p == '"' && l->n < MAX_HOSTS) {
        ck_assert_int_eq(sscanf(p, "\"%31[^\"]\":%lu", l->who[l->n],
                                &l->clock[l->n]), 2);
        l->n++;
        p = strchr(p, ',') != NULL ? strchr(p, ',') + 2 : strchr(p, '}');
    }
    ck_assert_int_eq(*p, '}');
}

START_TEST(test_shiviz_clocks_respect_happens_before)
{
    static struct vline lines[MAX_LINES];
    char server[16], re[256];
    struct tt_run r;
    regex_t rx;
    regmatch_t m[4];
    const char *p;
    int n = 0, messages = 0;

    snprintf(server, sizeof(server), "%d", tt_server(TT_DEFAULT));
    tt_trace(&r, "shiviz", "--server", server, tt_dir(TT_DEFAULT), NULL);
    ck_assert_msg(r.status == 0, "shiviz: exit %d: %s", r.status, r.err);
    posix_regex(r.out, re, sizeof(re));
    ck_assert_int_eq(regcomp(&rx, re, REG_EXTENDED), 0);
    ck_assert_ptr_nonnull(p = strstr(r.out, "\n\n"));
    for (p += 2; *p != '\0'; p = strchr(p, '\n') + 1) {
        char line[1024], *ev;
        struct vline *l = &lines[n];
        size_t len = strcspn(p, "\n");

        ck_assert_int_lt(len, sizeof(line));
        ck_assert_int_lt(n, MAX_LINES);
        memcpy(line, p, len);
        line[len] = '\0';
        ck_assert_msg(regexec(&rx, line, 4, m, 0) == 0 && m[0].rm_so == 0 &&
                      (size_t)m[0].rm_eo == len, "no match: %s", line);
        snprintf(l->host, sizeof(l->host), "%.*s",
                 (int)(m[1].rm_eo - m[1].rm_so), line + m[1].rm_so);
        line[m[2].rm_eo] = '\0';
        ev = line + m[2].rm_so;
        l->send = strstr(ev, " ms send ") != NULL;
        l->msg = strstr(ev, "[msg ") != NULL ? atol(strstr(ev, "[msg ") + 5)
                                             : -1;
        parse_clock(l, line + m[3].rm_so);
        /* a host's own component counts its events: 1, 2, 3... */
        {
            unsigned long prev = 0;

            for (int i = n - 1; i >= 0 && prev == 0; i--)
                if (strcmp(lines[i].host, l->host) == 0)
                    prev = component(&lines[i], l->host);
            ck_assert_msg(component(l, l->host) == prev + 1, "%s: %lu after "
                          "%lu", l->host, component(l, l->host), prev);
        }
        n++;
    }
    regfree(&rx);

    /* each message: its receive knows everything its send knew, and more */
    for (int i = 0; i < n; i++) {
        if (!lines[i].send)
            continue;
        for (int j = i + 1; j < n; j++) {
            if (lines[j].msg != lines[i].msg || lines[j].send)
                continue;
            for (int k = 0; k < lines[i].n; k++)
                ck_assert_msg(component(&lines[j], lines[i].who[k]) >=
                              lines[i].clock[k], "msg %ld: %s went back",
                              lines[i].msg, lines[i].who[k]);
            ck_assert_uint_gt(component(&lines[j], lines[j].host),
                              component(&lines[i], lines[j].host));
            messages++;
            break;
        }
    }
    /* 4 records, 2 readies and 2 acks per request at least */
    ck_assert_int_ge(messages, 8 * TT_REQUESTS);
    tt_run_free(&r);
}
END_TEST

Suite *
shiviz_suite(void)
{
    Suite *s = suite_create("shiviz");
    TCase *core = tcase_create("core");

    tcase_add_unchecked_fixture(core, tt_need_default, NULL);
    tcase_add_test(core, test_shiviz_clocks_respect_happens_before);
    tcase_set_timeout(core, 30);
    suite_add_tcase(s, core);
    return s;
}
