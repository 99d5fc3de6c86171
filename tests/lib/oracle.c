/*
 * tests/lib/oracle.c - the tests' own arithmetic, in 128 bits (oracle.h).
 *
 * Independent of src/lib/calc.c on purpose: no overflow builtins, no
 * shared code, only __int128, in which the sum, difference, product and
 * quotient of two int64_t values always fit.
 */
#include <check.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "oracle.h"

void
oracle_line(char *buf, size_t size, char op, int64_t a, int64_t b)
{
    __int128 v = 0;
    int n = snprintf(buf, size, "%" PRId64 " %c %" PRId64, a, op, b);
    const char *err = NULL;

    switch (op) {
    case '+': v = (__int128)a + b; break;
    case '-': v = (__int128)a - b; break;
    case '*': v = (__int128)a * b; break;
    case '/':
        if (b == 0)
            err = "division by zero";
        else
            v = (__int128)a / b;    /* truncates toward zero, as C does */
        break;
    }
    if (err == NULL && (v > INT64_MAX || v < INT64_MIN))
        err = "overflow";
    if (err != NULL)
        snprintf(buf + n, size - (size_t)n, ": %s\n", err);
    else
        snprintf(buf + n, size - (size_t)n, " = %" PRId64 "\n", (int64_t)v);
}

/* xorshift64*: our own generator, so nothing else's random() shifts it */
static uint64_t
next_random(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

void
oracle_workload(const char *in, const char *expect, int count,
                unsigned int seed)
{
    static const char ops[] = "+-*/";
    FILE *fin = fopen(in, "we"), *fexp = fopen(expect, "we");
    uint64_t rng = 0x9E3779B97F4A7C15ULL ^ seed;

    ck_assert_ptr_nonnull(fin);
    ck_assert_ptr_nonnull(fexp);
    for (int i = 0; i < count; i++) {
        char op = ops[next_random(&rng) % 4], line[128];
        int64_t a = (int64_t)(next_random(&rng) % 2000001) - 1000000;
        int64_t b = (int64_t)(next_random(&rng) % 2001) - 1000;

        if (i % 17 == 0)
            b = 0;                              /* division by zero */
        if (i % 23 == 0)
            a = i % 2 ? INT64_MAX : INT64_MIN;  /* overflow, or just not */
        if (i % 29 == 0)
            b = (int64_t)next_random(&rng);     /* any 64-bit value */
        fprintf(fin, "%" PRId64 " %c %" PRId64 "\n", a, op, b);
        oracle_line(line, sizeof(line), op, a, b);
        fputs(line, fexp);
    }
    ck_assert_int_eq(fclose(fin), 0);
    ck_assert_int_eq(fclose(fexp), 0);
}

/* Length of the expression at the start of an oracle line: "A OP B" */
static size_t
expression_len(const char *line, size_t len)
{
    const char *eq = memchr(line, '=', len), *colon = memchr(line, ':', len);
    const char *end = eq != NULL ? eq - 1 : colon;

    return end != NULL ? (size_t)(end - line) : len;
}

/* Is got[0..len) one of the '|'-separated endings in 'allowed'? */
static bool
is_allowed(const char *got, size_t len, const char *allowed)
{
    while (allowed != NULL) {
        const char *bar = strchr(allowed, '|');
        size_t n = bar != NULL ? (size_t)(bar - allowed) : strlen(allowed);

        if (n == len && memcmp(got, allowed, n) == 0)
            return true;
        allowed = bar != NULL ? bar + 1 : NULL;
    }
    return false;
}

int
oracle_compare(const char *got, const char *want, const char *allowed)
{
    int line_no = 0, differing = 0;

    ck_assert_ptr_nonnull(got);
    ck_assert_ptr_nonnull(want);
    while (*want != '\0') {
        const char *g_end = strchr(got, '\n'), *w_end = strchr(want, '\n');
        size_t g_len, w_len, e_len;

        line_no++;
        ck_assert_msg(*got != '\0', "line %d missing: %.*s", line_no,
                      (int)(w_end ? w_end - want : (long)strlen(want)), want);
        g_len = g_end != NULL ? (size_t)(g_end - got) : strlen(got);
        w_len = w_end != NULL ? (size_t)(w_end - want) : strlen(want);
        e_len = expression_len(want, w_len);
        if (g_len != w_len || memcmp(got, want, w_len) != 0) {
            /* allowed only as "A OP B: ALLOWED" */
            ck_assert_msg(g_len > e_len + 2 && memcmp(got, want, e_len) == 0 &&
                          memcmp(got + e_len, ": ", 2) == 0 &&
                          is_allowed(got + e_len + 2, g_len - e_len - 2,
                                     allowed),
                          "line %d: got '%.*s', want '%.*s'", line_no,
                          (int)g_len, got, (int)w_len, want);
            differing++;
        }
        got += g_len + (g_end != NULL);
        want += w_len + (w_end != NULL);
    }
    ck_assert_msg(*got == '\0', "extra output after line %d: %.60s", line_no,
                  got);
    return differing;
}
