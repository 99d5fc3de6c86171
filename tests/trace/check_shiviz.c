/*
 * tests/trace/check_shiviz.c - 'ipclab-trace shiviz': every line parses
 * with the expression the output itself gives ShiViz, every host counts
 * its own events one by one, and every matched message's clocks respect
 * happens-before (the send's clock is below the receive's); a role full of
 * control characters still gives one event per line.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
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

/* The host and time of a log line, "sum-4712 112.083 ms ..." */
static void
host_time(const char *line, char *host, size_t n, double *ms)
{
    int len = (int)strcspn(line, " ");

    snprintf(host, n, "%.*s", len, line);
    ck_assert_msg(sscanf(line + len, " \"%lf ms", ms) == 1, "%.80s", line);
}

/*
 * The kernel sends SIGCHLD when the child ends: its send is the child's
 * last event, at the time of the one before it (the exit, or for a killed
 * child the last thing it traced), as svg draws it; its receive is the
 * parent's consumption, later.
 */
START_TEST(test_shiviz_sigchld_sent_at_exit)
{
    char server[16];
    struct tt_run r;
    int judged = 0;

    snprintf(server, sizeof(server), "%d", tt_server(TT_DEFAULT));
    tt_trace(&r, "shiviz", "--server", server, tt_dir(TT_DEFAULT), NULL);
    ck_assert_msg(r.status == 0, "shiviz: exit %d: %s", r.status, r.err);
    for (const char *p = strstr(r.out, " ms send child SIGCHLD [msg ");
         p != NULL; p = strstr(p + 1, " ms send child SIGCHLD [msg ")) {
        const char *line = p, *q, *before = NULL, *recv = NULL;
        char host[48], h[48], want[64];
        double sent, t;

        while (line > r.out && line[-1] != '\n')
            line--;
        host_time(line, host, sizeof(host), &sent);
        snprintf(want, sizeof(want), " receive child SIGCHLD [msg %ld]",
                 atol(strstr(p, "[msg ") + 5));
        for (q = strstr(r.out, "\n\n") + 2; q < line;
             q = strchr(q, '\n') + 1) {
            host_time(q, h, sizeof(h), &t);
            if (strcmp(h, host) == 0)
                before = q;
        }
        ck_assert_msg(before != NULL, "%.100s: first of its host", line);
        host_time(before, h, sizeof(h), &t);
        ck_assert_msg(t == sent, "%.*s\nafter %.*s", (int)strcspn(line,
                      "\n"), line, (int)strcspn(before, "\n"), before);
        for (q = strchr(line, '\n') + 1; *q != '\0';
             q = strchr(q, '\n') + 1) {
            host_time(q, h, sizeof(h), &t);
            ck_assert_msg(strcmp(h, host) != 0, "%.*s\nafter the child's "
                          "SIGCHLD: %.*s", (int)strcspn(q, "\n"), q,
                          (int)strcspn(line, "\n"), line);
            if (strstr(q, want) != NULL && strstr(q, want) <
                strchr(q, '\n'))
                recv = q;
        }
        ck_assert_msg(recv != NULL, "no%s", want);
        host_time(recv, h, sizeof(h), &t);
        ck_assert_msg(t >= sent, "%.100s", recv);
        judged++;
    }
    ck_assert_int_gt(judged, 0);
    tt_run_free(&r);
}
END_TEST

/* A role with a newline, a tab and other controls: every line is still
   one event, its host without a space or a control, as the role shows */
START_TEST(test_shiviz_odd_role_stays_on_its_line)
{
    char re[256], host[64];
    struct tt_run r;
    regex_t rx;
    regmatch_t m[4];
    const char *p;
    int odd = 0;

    snprintf(host, sizeof(host), "%s-%d", IPCLAB_EMIT_ODD_SHOWN,
             tt_actors(TT_EMIT_NAMES)->rc_b);
    for (char *c = host; *c != '\0'; c++)
        if (*c == ' ' || *c == '"' || *c == '\\')
            *c = '_';           /* a host is one word and a JSON key */
    tt_trace(&r, "shiviz", tt_dir(TT_EMIT_NAMES), NULL);
    ck_assert_msg(r.status == 0, "shiviz: exit %d: %s", r.status, r.err);
    posix_regex(r.out, re, sizeof(re));
    ck_assert_int_eq(regcomp(&rx, re, REG_EXTENDED), 0);
    ck_assert_ptr_nonnull(p = strstr(r.out, "\n\n"));
    for (p += 2; *p != '\0'; p = strchr(p, '\n') + 1) {
        char line[1024];
        size_t len = strcspn(p, "\n");

        ck_assert_int_lt(len, sizeof(line));
        memcpy(line, p, len);
        line[len] = '\0';
        for (size_t i = 0; i < len; i++)
            ck_assert_msg((unsigned char)line[i] >= 0x20 &&
                          (unsigned char)line[i] != 0x7f,
                          "control 0x%02x in: %s",
                          (unsigned)(unsigned char)line[i], line);
        ck_assert_msg(regexec(&rx, line, 4, m, 0) == 0 && m[0].rm_so == 0 &&
                      (size_t)m[0].rm_eo == len, "no match: %s", line);
        /* the clock: each key a plain JSON string */
        ck_assert_msg(memchr(line + m[3].rm_so, '\\',
                             (size_t)(m[3].rm_eo - m[3].rm_so)) == NULL,
                      "an escape in the clock: %s", line);
        if ((size_t)(m[1].rm_eo - m[1].rm_so) == strlen(host) &&
            memcmp(line + m[1].rm_so, host, strlen(host)) == 0)
            odd++;
    }
    regfree(&rx);
    /* its start, its state, its error and its request at least */
    ck_assert_int_ge(odd, 4);
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
    tcase_add_test(core, test_shiviz_sigchld_sent_at_exit);
    tcase_add_unchecked_fixture(core, tt_need_names, NULL);
    tcase_add_test(core, test_shiviz_odd_role_stays_on_its_line);
    tcase_set_timeout(core, 30);
    suite_add_tcase(s, core);
    return s;
}
