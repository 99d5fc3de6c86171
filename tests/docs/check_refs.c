/*
 * tests/docs/check_refs.c - what the kit's text cites exists, and every
 * --help shown in the docs is the program's.
 *
 * The text is the comments of the sources (C, shell, make) and the prose
 * of the Markdown files (docs/, README.md, the handouts), fenced blocks
 * left out. In it:
 *
 *   links       a Markdown link to a file of the kit resolves, and its
 *               #anchor is a heading of that file
 *   paths       a path of the tree (src/..., docs/..., tests/... and the
 *               other top directories) and a bare NAME.md name a file;
 *               docs/FILE.md#anchor outside a link names a heading
 *   sections    "FILE.md, section N", "FILE.md §N", "sections N and
 *               M", also across a comment's line break: FILE has a
 *               heading numbered N; in a Markdown file, a "section N"
 *               or "§N" without a file name is its own
 *   targets     "`make NAME`" and "'make NAME'": the build defines NAME
 *   options     each --option after a command (a program of build/bin,
 *               a script) on its line, in the Markdown files (their
 *               examples too) and the comments, is in that command's
 *               --help, or its subcommand's
 *   functions   a name with its parentheses: the code of the tree calls
 *               or defines it, or it has a manual page in section 2 or
 *               3, or it is an API of the libraries the kit uses (the
 *               list below); <module>_suite is a pattern, not a name
 *
 * alone: no file of the tree, text or not, cites the directory beside
 * the kit that its authors had (students and instructors never have it).
 *
 * help: a fenced block that starts with "$ PROG --help" shows exactly
 * what build/bin/PROG --help prints; every program of build/bin, each
 * COMMAND its --help lists, and every script of scripts/ and traces/
 * answers --help with status 0 and a text that names it.
 *
 * Every finding is listed, as FILE:LINE: what, in one failure per check.
 */
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "docs.h"
#include "harness.h"

#define MAX_FILES 1024
#define MAX_HELPS 64      /* --help texts of commands and subcommands */

/* The tree's text files, relative to the source directory */
static char *files[MAX_FILES];
static size_t nfiles;

/* Names of the libraries' APIs the text cites, without a manual page */
static const char *const api_names[] = {
    "tracepoint", "lttng_ust_tracepoint", "lttng_ust_init_thread",
    "ck_assert", "ck_assert_msg", "srunner_run_all", "srunner_set_tap",
    "tcase_name", "bt_current_thread_take_error", "bt_value_array_create",
    "bt_value_map_create", NULL
};

/* The findings of one check, one per line */
struct findings {
    char *text;
    size_t len, n;
};

static void
found(struct findings *f, const char *file, int line, const char *what,
      const char *name)
{
    char buf[512];
    int n = snprintf(buf, sizeof(buf), "\n  %s:%d: %s %s", file, line, what,
                     name);

    ck_assert_int_gt(n, 0);
    f->text = realloc(f->text, f->len + (size_t)n + 1);
    ck_assert_ptr_nonnull(f->text);
    memcpy(f->text + f->len, buf, (size_t)n + 1);
    f->len += (size_t)n;
    f->n++;
}

static void
report(struct findings *f, const char *what)
{
    ck_assert_msg(f->n == 0, "%zu %s:%s", f->n, what, f->text);
    free(f->text);
}

static bool
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);

    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static bool
is_md(const char *path)
{
    return ends_with(path, ".md");
}

static bool
is_c(const char *path)
{
    return ends_with(path, ".c") || ends_with(path, ".h");
}

static bool
is_text(const char *path)
{
    const char *base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1
                                                  : path;

    return is_md(path) || is_c(path) || ends_with(path, ".sh") ||
           ends_with(path, ".mk") || strcmp(base, "Makefile") == 0;
}

static int
collect(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    const char *rel = path + strlen(h_srcdir()) + 1;

    (void)st;
    if (ftw->level == 0)
        return FTW_CONTINUE;    /* the source directory itself */
    if (flag == FTW_D && (strncmp(rel, "build", 5) == 0 ||
                          strcmp(rel, ".git") == 0 ||
                          strstr(rel, "/corpus") != NULL ||
                          strncmp(rel, "traces/samples/", 15) == 0))
        return FTW_SKIP_SUBTREE;
    if (flag == FTW_F && is_text(rel)) {
        ck_assert_uint_lt(nfiles, MAX_FILES);
        files[nfiles] = strdup(rel);
        ck_assert_ptr_nonnull(files[nfiles]);
        nfiles++;
    }
    return FTW_CONTINUE;
}

static void
files_init(void)
{
    if (nfiles == 0)
        ck_assert_int_eq(nftw(h_srcdir(), collect, 16,
                              FTW_PHYS | FTW_ACTIONRETVAL), 0);
    ck_assert_uint_gt(nfiles, 100);
}

static char *
read_src(const char *rel)
{
    char *text = docs_read(rel);

    ck_assert_msg(text != NULL, "cannot read '%s'", rel);
    return text;
}

/*
 * Blank what is not prose, in place, keeping the newlines: in C, all but
 * the comments (strings skipped); in shell and make, all but '#' to the
 * end of the line; in Markdown, the fenced blocks. With code true, the
 * opposite for C: only the code stays, strings and comments blanked.
 */
static void
keep_prose(const char *path, char *s, bool code)
{
    if (is_c(path)) {
        enum { CODE, STR, CHR, BLOCK, LINE } st = CODE;

        for (char *p = s; *p != '\0'; p++) {
            enum { K_CODE, K_STRING, K_COMMENT } kind = K_CODE;
            size_t n = 1;       /* characters of that kind at p */

            switch (st) {
            case CODE:
                if (p[0] == '/' && (p[1] == '*' || p[1] == '/')) {
                    kind = K_COMMENT;
                    st = p[1] == '*' ? BLOCK : LINE;
                    n = 2;
                } else if (p[0] == '"' || p[0] == '\'') {
                    kind = K_STRING;
                    st = p[0] == '"' ? STR : CHR;
                }
                break;
            case STR:
            case CHR:
                kind = K_STRING;
                if (p[0] == '\\' && p[1] != '\0')
                    n = 2;
                else if (p[0] == (st == STR ? '"' : '\''))
                    st = CODE;
                break;
            case BLOCK:
                kind = K_COMMENT;
                if (p[0] == '*' && p[1] == '/') {
                    n = 2;
                    st = CODE;
                }
                break;
            case LINE:
                kind = p[0] == '\n' ? K_CODE : K_COMMENT;
                st = p[0] == '\n' ? CODE : LINE;
                break;
            }
            for (size_t i = 0; i < n; i++)
                if ((code ? kind != K_CODE : kind != K_COMMENT) &&
                    p[i] != '\n')
                    p[i] = ' ';
            p += n - 1;
        }
    } else if (is_md(path)) {
        bool fence = false;

        for (char *line = s; *line != '\0';) {
            char *end = strchr(line, '\n');
            size_t n = end != NULL ? (size_t)(end - line) : strlen(line);
            bool marker = strncmp(line, "```", 3) == 0;

            if (fence || marker)
                memset(line, ' ', n);
            if (marker)
                fence = !fence;
            line += n + (end != NULL);
        }
    } else {
        for (char *line = s; *line != '\0';) {
            char *end = strchr(line, '\n');
            size_t n = end != NULL ? (size_t)(end - line) : strlen(line);
            char *hash = NULL;

            for (size_t i = 0; i < n && hash == NULL; i++)
                if (line[i] == '#' && (i == 0 || isspace((unsigned char)
                                                         line[i - 1])))
                    hash = line + i;
            memset(line, ' ', hash != NULL ? (size_t)(hash - line) : n);
            line += n + (end != NULL);
        }
    }
}

/* The prose of a file, malloc'd */
static char *
prose_of(const char *rel)
{
    char *text = read_src(rel);

    keep_prose(rel, text, false);
    return text;
}

static int
line_of(const char *text, const char *at)
{
    int line = 1;

    for (const char *p = text; p < at; p++)
        line += *p == '\n';
    return line;
}

static bool
exists_rel(const char *dir_of, const char *path, size_t len)
{
    char buf[4096];
    const char *slash = strrchr(dir_of, '/');
    int dlen = slash != NULL ? (int)(slash - dir_of) + 1 : 0;
    struct stat st;

    snprintf(buf, sizeof(buf), "%s/%.*s%.*s", h_srcdir(), dlen, dir_of,
             (int)len, path);
    return stat(buf, &st) == 0;
}

/*
 * In the student handout (scripts/grade-handout.sh), what it leaves out:
 * the solutions, the grading tests and the instructor's guide. The kit
 * cites them; there, they are missing on purpose.
 */
static bool
left_out_of_handout(const char *rel)
{
    return !exists_rel("", "docs/instructor.md", 18) &&
           (strncmp(rel, "docs/instructor.md", 18) == 0 ||
            strncmp(rel, "tests/grading", 13) == 0 ||
            strstr(rel, "/solution") != NULL);
}

/* GitHub's anchor of a heading: lower case, punctuation dropped, spaces
   to '-' */
static void
slug(const char *heading, size_t n, char *out, size_t size)
{
    size_t k = 0;

    for (size_t i = 0; i < n && k + 1 < size; i++) {
        unsigned char c = (unsigned char)heading[i];

        if (isalnum(c) || c == '_' || c == '-')
            out[k++] = (char)tolower(c);
        else if (c == ' ')
            out[k++] = '-';
    }
    out[k] = '\0';
}

/* Does Markdown file rel (from the tree's root) have a heading whose
   anchor is 'anchor', or (anchor NULL) one numbered 'number'? */
static bool
has_heading(const char *rel, const char *anchor, long number)
{
    char *text = docs_read(rel);
    bool fence = false, ok = false;

    if (text == NULL)
        return false;
    for (char *line = text; *line != '\0' && !ok;) {
        char *end = strchr(line, '\n');
        size_t n = end != NULL ? (size_t)(end - line) : strlen(line);

        if (strncmp(line, "```", 3) == 0)
            fence = !fence;
        else if (!fence && line[0] == '#') {
            const char *h = line + strspn(line, "#");
            char s[256];

            h += strspn(h, " ");
            if (anchor != NULL) {
                slug(h, n - (size_t)(h - line), s, sizeof(s));
                ok = strcmp(s, anchor) == 0;
            } else {
                ok = isdigit((unsigned char)h[0]) && strtol(h, NULL, 10) ==
                     number && h[strspn(h, "0123456789")] == '.';
            }
        }
        line += n + (end != NULL);
    }
    free(text);
    return ok;
}

/* Normalise 'dir_of'/'path' (with ../) into a path from the root */
static void
from_root(const char *dir_of, const char *path, size_t len, char *out,
          size_t size)
{
    char buf[4096];
    const char *slash = strrchr(dir_of, '/');
    int dlen = slash != NULL ? (int)(slash - dir_of) + 1 : 0;
    char *parts[64], *save = NULL;
    size_t np = 0, k = 0;

    snprintf(buf, sizeof(buf), "%.*s%.*s", dlen, dir_of, (int)len, path);
    for (char *p = strtok_r(buf, "/", &save); p != NULL && np < 64;
         p = strtok_r(NULL, "/", &save)) {
        if (strcmp(p, "..") == 0)
            np -= np > 0;
        else if (strcmp(p, ".") != 0)
            parts[np++] = p;
    }
    out[0] = '\0';
    for (size_t i = 0; i < np; i++)
        k += (size_t)snprintf(out + k, k < size ? size - k : 0, "%s%s",
                              i > 0 ? "/" : "", parts[i]);
}

START_TEST(test_markdown_links_resolve)
{
    struct findings f = { 0 };

    files_init();
    for (size_t i = 0; i < nfiles; i++) {
        char *text;

        if (!is_md(files[i]))
            continue;
        text = prose_of(files[i]);
        for (char *p = strstr(text, "]("); p != NULL;
             p = strstr(p + 2, "](")) {
            char *t = p + 2, *close = strchr(t, ')'), *hash;
            char target[4096], anchor[256];
            size_t len;

            if (close == NULL || strncmp(t, "http", 4) == 0 ||
                strncmp(t, "mailto:", 7) == 0)
                continue;
            len = (size_t)(close - t);
            hash = memchr(t, '#', len);
            snprintf(anchor, sizeof(anchor), "%.*s",
                     hash != NULL ? (int)(close - hash - 1) : 0,
                     hash != NULL ? hash + 1 : "");
            if (hash != NULL)
                len = (size_t)(hash - t);
            if (len == 0)
                snprintf(target, sizeof(target), "%s", files[i]);
            else
                from_root(files[i], t, len, target, sizeof(target));
            if (len > 0 && !exists_rel(files[i], t, len)) {
                if (!left_out_of_handout(target))
                    found(&f, files[i], line_of(text, p), "link to a "
                          "missing", target);
            } else if (anchor[0] != '\0' && is_md(target) &&
                     !has_heading(target, anchor, 0))
                found(&f, files[i], line_of(text, p), "link to a missing "
                      "heading", anchor);
        }
        free(text);
    }
    report(&f, "broken Markdown links");
}
END_TEST

static const char *const top_dirs[] = {
    "src/", "include/", "labs/", "exercises/", "bench/", "scripts/", "mk/",
    "tests/", "traces/", "docs/", NULL
};

static bool
path_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '/' ||
           c == '-';
}

/* A placeholder rather than a file: labs/NN-name/, tests/NAME/, fuzz_*.c */
static bool
placeholder(const char *p, size_t len)
{
    char c = p[len];

    if (c == '*' || c == '%' || c == '$' || c == '<' || c == '{' ||
        c == '[')
        return true;
    for (size_t i = 0; i + 1 < len; i++)
        if (isupper((unsigned char)p[i]) && isupper((unsigned char)p[i + 1])
            && strncmp(p + i, "README", 6) != 0)
            return true;
    return false;
}

/* NAME.md, FILE.md: a pattern in the text, not a file */
static bool
placeholder_doc(const char *p, size_t len)
{
    return (len == 7 && strncmp(p, "NAME.md", 7) == 0) ||
           (len == 7 && strncmp(p, "FILE.md", 7) == 0);
}

/* A file of that base name anywhere in the tree, or one that
   'make bench' writes? */
static bool
basename_exists(const char *name, size_t len)
{
    if (len == strlen("table.md") && strncmp(name, "table.md", len) == 0)
        return true;
    for (size_t i = 0; i < nfiles; i++) {
        const char *b = strrchr(files[i], '/');

        b = b != NULL ? b + 1 : files[i];
        if (strlen(b) == len && strncmp(b, name, len) == 0)
            return true;
    }
    return false;
}

START_TEST(test_cited_paths_exist)
{
    struct findings f = { 0 };

    files_init();
    for (size_t i = 0; i < nfiles; i++) {
        char *text = prose_of(files[i]);

        for (char *p = text; *p != '\0'; p++) {
            size_t len = 0;
            char name[512];

            if (p > text && (path_char(p[-1]) || p[-1] == '$' ||
                             p[-1] == '@' || p[-1] == ')'))
                continue;
            for (int d = 0; top_dirs[d] != NULL; d++)
                if (strncmp(p, top_dirs[d], strlen(top_dirs[d])) == 0)
                    len = strlen(top_dirs[d]);
            if (len > 0) {
                while (path_char(p[len]))
                    len++;
                while (len > 0 && p[len - 1] == '.')
                    len--;
                if (placeholder(p, len))
                    continue;
                snprintf(name, sizeof(name), "%.*s", (int)len, p);
                if (!exists_rel("", p, len) &&
                    !exists_rel(files[i], p, len) &&
                    !left_out_of_handout(name))
                    found(&f, files[i], line_of(text, p), "no such file",
                          name);
                else if (p[len] == '#' && is_md(name) &&
                         exists_rel("", p, len)) {
                    /* docs/FILE.md#anchor outside a link: a heading */
                    size_t alen = strspn(p + len + 1, "abcdefghijklmnopqrs"
                                         "tuvwxyz0123456789-_");
                    char anchor[256];

                    snprintf(anchor, sizeof(anchor), "%.*s", (int)alen,
                             p + len + 1);
                    if (!has_heading(name, anchor, 0))
                        found(&f, files[i], line_of(text, p), "no heading",
                              anchor);
                }
                p += len - 1;
                continue;
            }
            /* a bare NAME.md */
            while (path_char(p[len]) && p[len] != '/')
                len++;
            while (len > 0 && p[len - 1] == '.' && p[len] != '/')
                len--;
            if (len > 3 && strncmp(p + len - 3, ".md", 3) == 0 &&
                p[len] != '/' && p[len] != '*' && !placeholder_doc(p, len) &&
                !basename_exists(p, len) &&
                !(len == 13 && strncmp(p, "instructor.md", len) == 0 &&
                  left_out_of_handout("docs/instructor.md"))) {
                snprintf(name, sizeof(name), "%.*s", (int)len, p);
                found(&f, files[i], line_of(text, p), "no such file", name);
            }
            if (len > 0)
                p += len - 1;
        }
        free(text);
    }
    report(&f, "cited paths that do not exist");
}
END_TEST

/* The Markdown file that NAME.md (as cited in 'from') means, from the
   root: beside 'from', else in docs/, else the path as given */
static void
doc_named(const char *from, const char *name, size_t len, char *out,
          size_t size)
{
    from_root(from, name, len, out, size);
    if (exists_rel("", out, strlen(out)))
        return;
    snprintf(out, size, "docs/%.*s", (int)len, name);
    if (exists_rel("", out, strlen(out)))
        return;
    snprintf(out, size, "%.*s", (int)len, name);
}

/* What may stand between a file's name and "section N" in prose:
   punctuation, blanks and a comment's line breaks (" * ", "# ") */
#define BETWEEN "),]' \t\n*#"

/* "section N", "sections N and M", "§N" at q: its numbers (at most max)
   into nums; how many (0: not a citation of a section) */
static size_t
section_numbers(const char *q, long nums[], size_t max)
{
    static const char *const seps[] = {
        ", ", " and ", " or ", " to ", "-", "–", NULL
    };
    size_t n = 0;

    if (strncasecmp(q, "sections ", 9) == 0)
        q += 9;
    else if (strncasecmp(q, "section ", 8) == 0)
        q += 8;
    else if (strncmp(q, "§", strlen("§")) == 0)
        q += strlen("§") + (q[strlen("§")] == ' ');
    else
        return 0;
    while (n < max && isdigit((unsigned char)*q)) {
        char *end;
        const char *next = NULL;

        nums[n++] = strtol(q, &end, 10);
        for (int k = 0; seps[k] != NULL && next == NULL; k++)
            if (strncmp(end, seps[k], strlen(seps[k])) == 0 &&
                isdigit((unsigned char)end[strlen(seps[k])]))
                next = end + strlen(seps[k]);
        if (next == NULL)
            break;
        q = next;
    }
    return n;
}

/*
 * The Markdown file a citation at p names just before it, into doc:
 * "FILE.md, section N", "[FILE.md](...), section N", "FILE.md's section
 * N", across a comment's line break. Else, in a Markdown file, that file
 * itself; else false: a source's "section N" of no file says nothing.
 */
static bool
cited_doc(const char *rel, const char *text, const char *p, char *doc,
          size_t size)
{
    const char *r = p, *start;

    while (r > text) {
        if (strchr(BETWEEN, r[-1]) != NULL)
            r--;
        else if (r - text >= 2 && r[-2] == '\'' && r[-1] == 's')
            r -= 2;
        else
            break;
    }
    if (r - text >= 3 && strncmp(r - 3, ".md", 3) == 0) {
        for (start = r; start > text && path_char(start[-1]); start--)
            ;
        doc_named(rel, start, (size_t)(r - start), doc, size);
        return true;
    }
    if (!is_md(rel))
        return false;
    snprintf(doc, size, "%s", rel);
    return true;
}

START_TEST(test_cited_sections_exist)
{
    struct findings f = { 0 };
    size_t ncited = 0;

    files_init();
    for (size_t i = 0; i < nfiles; i++) {
        char *text = prose_of(files[i]);

        for (char *p = text; *p != '\0'; p++) {
            char doc[4096], what[4200];
            long nums[8];
            size_t n;

            if ((p > text && isalnum((unsigned char)p[-1])) ||
                (n = section_numbers(p, nums, 8)) == 0 ||
                !cited_doc(files[i], text, p, doc, sizeof(doc)) ||
                left_out_of_handout(doc))
                continue;
            for (size_t k = 0; k < n; k++) {
                ncited++;
                if (!has_heading(doc, NULL, nums[k])) {
                    snprintf(what, sizeof(what), "%s section %ld", doc,
                             nums[k]);
                    found(&f, files[i], line_of(text, p), "no", what);
                }
            }
        }
        free(text);
    }
    ck_assert_uint_gt(ncited, 10);
    report(&f, "cited sections that do not exist");
}
END_TEST

/* Is 'name' a target that the Makefile or an mk/ file defines ("NAME:" or
   "NAME OTHER:" at a line's start, not a variable's ':=')? */
static bool
make_target(const char *name, size_t len)
{
    static const char *const makefiles[] = {
        "Makefile", "mk/bench.mk", "mk/doctor.mk", "mk/exercises.mk",
        "mk/labs.mk", "mk/mutants.mk", "mk/reliability.mk", "mk/trace.mk",
        NULL
    };
    bool ok = false;

    for (int m = 0; makefiles[m] != NULL && !ok; m++) {
        char *text = docs_read(makefiles[m]);

        ck_assert_msg(text != NULL, "cannot read '%s'", makefiles[m]);
        for (char *line = text; line != NULL && !ok;
             line = strchr(line, '\n') != NULL ? strchr(line, '\n') + 1
                                               : NULL) {
            size_t n = strspn(line, "abcdefghijklmnopqrstuvwxyz0123456789"
                              "_- ");
            char *colon = line + n;

            if (*colon != ':' || colon[1] == '=' || n == 0)
                continue;
            for (char *w = line; w < colon && !ok; w += strspn(w, " ")) {
                size_t wl = strcspn(w, " :");

                ok = wl == len && strncmp(w, name, len) == 0;
                w += wl;
            }
        }
        free(text);
    }
    return ok;
}

/* "`make NAME`" and "'make NAME'" in prose: NAME is a target of the
   build (upper-case words are variables: make V=1) */
START_TEST(test_cited_make_targets_exist)
{
    struct findings f = { 0 };
    size_t ncited = 0;

    files_init();
    for (size_t i = 0; i < nfiles; i++) {
        char *text = prose_of(files[i]);

        for (char *p = strstr(text, "make "); p != NULL;
             p = strstr(p + 5, "make ")) {
            char *t = p + 5, name[64];
            size_t len = strspn(t, "abcdefghijklmnopqrstuvwxyz0123456789_-");

            if (p == text || (p[-1] != '`' && p[-1] != '\'') || len == 0 ||
                !islower((unsigned char)t[0]) ||
                strchr("`' ", t[len]) == NULL)
                continue;
            ncited++;
            if (!make_target(t, len)) {
                snprintf(name, sizeof(name), "%.*s", (int)len, t);
                found(&f, files[i], line_of(text, p), "no make target",
                      name);
            }
        }
        free(text);
    }
    ck_assert_uint_gt(ncited, 50);
    report(&f, "cited make targets that do not exist");
}
END_TEST

/* The identifiers that the tree's code follows with '(' (calls, macros,
   definitions), and the shell functions it defines: one string,
   " name name ... " */
static char *
code_names(void)
{
    size_t cap = 1 << 16, len = 1;
    char *names = malloc(cap);

    ck_assert_ptr_nonnull(names);
    strcpy(names, " ");
    for (size_t i = 0; i < nfiles; i++) {
        char *text;

        if (!is_c(files[i]) && !ends_with(files[i], ".sh"))
            continue;
        text = read_src(files[i]);
        if (is_c(files[i]))
            keep_prose(files[i], text, true);
        for (char *p = text; *p != '\0'; p++) {
            char *e = p, key[140];
            size_t n;

            if (!(isalpha((unsigned char)*p) || *p == '_') ||
                (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_')))
                continue;
            while (isalnum((unsigned char)*e) || *e == '_')
                e++;
            n = (size_t)(e - p);
            if (*e == ' ' && is_c(files[i]))
                e++;
            if (*e == '(' && n < 128) {
                snprintf(key, sizeof(key), " %.*s ", (int)n, p);
                if (strstr(names, key) == NULL) {
                    while (len + n + 2 >= cap)
                        ck_assert_ptr_nonnull(names = realloc(names,
                                                              cap *= 2));
                    memcpy(names + len, key + 1, n + 2);
                    len += n + 1;
                }
            }
            p = e - 1;
        }
        free(text);
    }
    return names;
}

static bool
has_man_page(const char *name)
{
    static const char *const sections[] = { "2", "3", "3p", "3posix" };
    char path[512];
    struct stat st;

    for (size_t s = 0; s < sizeof(sections) / sizeof(sections[0]); s++) {
        snprintf(path, sizeof(path), "/usr/share/man/man%c/%s.%s.gz",
                 sections[s][0], name, sections[s]);
        if (stat(path, &st) == 0)
            return true;
    }
    return false;
}

START_TEST(test_cited_functions_exist)
{
    struct findings f = { 0 };
    char *names;
    size_t ncited = 0;
    struct stat st;

    if (stat("/usr/share/man/man2/write.2.gz", &st) != 0)
        h_skip("no manual pages (man2/write.2.gz): libc's functions "
               "cannot be told from missing ones");
    files_init();
    names = code_names();
    for (size_t i = 0; i < nfiles; i++) {
        char *text = prose_of(files[i]);

        for (char *p = strstr(text, "()"); p != NULL;
             p = strstr(p + 2, "()")) {
            char *start = p, key[140];
            bool api = false;

            while (start > text && (isalnum((unsigned char)start[-1]) ||
                                    start[-1] == '_'))
                start--;
            if (start == p || p - start >= 128 || isdigit((unsigned char)
                                                          *start) ||
                (start > text && (start[-1] == '.' || start[-1] == '>')))
                continue;
            ncited++;
            snprintf(key, sizeof(key), " %.*s ", (int)(p - start), start);
            if (strstr(names, key) != NULL)
                continue;
            key[strlen(key) - 1] = '\0';
            for (int a = 0; api_names[a] != NULL && !api; a++)
                api = strcmp(api_names[a], key + 1) == 0;
            if (!api && !has_man_page(key + 1))
                found(&f, files[i], line_of(text, p), "no function",
                      key + 1);
        }
        free(text);
    }
    free(names);
    ck_assert_uint_gt(ncited, 100);
    report(&f, "cited functions that do not exist");
}
END_TEST

/* ---- help: every --help the docs show is the program's ---------------- */

START_TEST(test_help_in_docs_is_the_programs)
{
    struct findings f = { 0 };
    size_t nshown = 0;

    files_init();
    for (size_t i = 0; i < nfiles; i++) {
        char *text;

        if (!is_md(files[i]))
            continue;
        text = read_src(files[i]);
        for (char *p = strstr(text, "```\n$ "); p != NULL;
             p = strstr(p + 1, "```\n$ ")) {
            char prog[64], out[4096], *help, *shown = p + 4, *end;
            const char *argv[3];
            size_t n;

            if (sscanf(shown + 2, "%63s", prog) != 1 ||
                strncmp(shown + 2 + strlen(prog), " --help\n", 8) != 0)
                continue;
            shown = strchr(shown, '\n') + 1;
            end = strstr(shown, "```\n");
            ck_assert_msg(end != NULL, "%s: unclosed block", files[i]);
            n = (size_t)(end - shown);
            nshown++;
            argv[0] = h_bin(prog);
            argv[1] = "--help";
            argv[2] = NULL;
            snprintf(out, sizeof(out), "%s/help-%s", h_tmpdir(), prog);
            if (docs_run(argv, out, &help) != 0)
                found(&f, files[i], line_of(text, p), "--help fails:",
                      prog);
            else if (strlen(help) != n || strncmp(help, shown, n) != 0) {
                size_t k = 0;

                while (k < n && help[k] == shown[k])
                    k++;
                snprintf(out, sizeof(out), "%s, from its line %d",
                         prog, line_of(shown, shown + k));
                found(&f, files[i], line_of(text, p), "differs from the "
                      "--help of", out);
            }
            free(help);
        }
        free(text);
    }
    ck_assert_uint_ge(nshown, 3);
    report(&f, "--help texts in the docs that are not the programs'");
}
END_TEST

/*
 * --help of one command (argv[0] absolute, 'sub' its subcommand or NULL):
 * exit 0, nothing on stderr, and a text that names it: "Usage: PROG" for
 * a program (naming 'sub' for a subcommand), the script's own path on its
 * first line for a script. Its stdout, malloc'd, into *shown.
 */
static void
help_of(struct findings *f, const char *argv0, const char *name,
        const char *sub, bool script, char **shown)
{
    const char *argv[4] = { argv0, sub != NULL ? sub : "--help",
                            sub != NULL ? "--help" : NULL, NULL };
    char out[PATH_MAX], what[256], usage[128], status_text[16], *all, *help;
    bool named;
    int status;

    snprintf(what, sizeof(what), "%s%s%s --help", name, sub != NULL ? " " : "",
             sub != NULL ? sub : "");
    snprintf(out, sizeof(out), "%s/help.out", h_tmpdir());
    status = docs_run(argv, out, &all);
    ck_assert_ptr_nonnull(help = h_read_file(out));
    snprintf(usage, sizeof(usage), "Usage: %s", name);
    snprintf(status_text, sizeof(status_text), "%d", status);
    if (script)
        named = strncmp(help, name, strlen(name)) == 0 &&
                help[strlen(name)] == ' ';
    else
        named = strncmp(help, usage, strlen(usage)) == 0 &&
                (sub == NULL || strstr(help, sub) != NULL);
    if (status != 0)
        found(f, what, 0, "exits with status", status_text);
    else if (strcmp(all, help) != 0)
        found(f, what, 0, "writes to stderr:", all + strlen(help));
    else if (!named)
        found(f, what, 0, "does not name it:", help);
    free(all);
    *shown = help;
}

/* The COMMANDs a program's --help lists: lines "  NAME  ..." */
static size_t
subcommands(const char *help, char names[][32], size_t max)
{
    size_t n = 0;

    if (strstr(help, " COMMAND ") == NULL)
        return 0;
    for (const char *l = help; l != NULL && n < max;
         l = strchr(l, '\n') != NULL ? strchr(l, '\n') + 1 : NULL)
        if (strncmp(l, "  ", 2) == 0 && islower((unsigned char)l[2]) &&
            sscanf(l + 2, "%31[a-z]", names[n]) == 1 &&
            l[2 + strlen(names[n])] == ' ')
            n++;
    return n;
}

/* Every program of build/bin, each of their subcommands and every script
   of scripts/ and traces/ answers --help, and only that */
START_TEST(test_every_command_has_help)
{
    static const char *const script_dirs[] = {
        "scripts", "traces", "traces/samples", NULL
    };
    struct findings f = { 0 };
    char bindir[PATH_MAX], *slash, *help;
    DIR *d;
    struct dirent *e;
    size_t nprog = 0, nsub = 0, nscript = 0;

    snprintf(bindir, sizeof(bindir), "%s", h_bin("ipclab-rc"));
    slash = strrchr(bindir, '/');
    *slash = '\0';
    ck_assert_ptr_nonnull(d = opendir(bindir));
    while ((e = readdir(d)) != NULL) {
        char names[32][32];
        size_t n;

        if (e->d_name[0] == '.')
            continue;
        help_of(&f, h_bin(e->d_name), e->d_name, NULL, false, &help);
        nprog++;
        n = subcommands(help, names, 32);
        for (size_t k = 0; k < n; k++) {
            char *sub_help;

            help_of(&f, h_bin(e->d_name), e->d_name, names[k], false,
                    &sub_help);
            free(sub_help);
            nsub++;
        }
        free(help);
    }
    closedir(d);
    for (int i = 0; script_dirs[i] != NULL; i++) {
        ck_assert_ptr_nonnull(d = opendir(docs_src(script_dirs[i])));
        while ((e = readdir(d)) != NULL) {
            char rel[PATH_MAX], abs[PATH_MAX];

            if (!ends_with(e->d_name, ".sh"))
                continue;
            snprintf(rel, sizeof(rel), "%s/%s", script_dirs[i], e->d_name);
            snprintf(abs, sizeof(abs), "%s", docs_src(rel));
            help_of(&f, abs, rel, NULL, true, &help);
            free(help);
            nscript++;
        }
        closedir(d);
    }
    ck_assert_uint_ge(nprog, 10);
    ck_assert_uint_ge(nsub, 10);
    ck_assert_uint_ge(nscript, 10);
    report(&f, "commands whose --help fails");
}
END_TEST

/* ---- options: every option the text gives a command is the command's -- */

/* The --help texts asked so far: "PROG" or "PROG SUB" and its text */
struct help_cache {
    char key[MAX_HELPS][96];
    char *text[MAX_HELPS];
    size_t n;
};

/* The --help of 'argv0' ('sub' its subcommand, or NULL), known as 'key';
   "" when it fails (the test above says so) */
static const char *
cached_help(struct help_cache *c, const char *key, const char *argv0,
            const char *sub)
{
    const char *argv[4] = { argv0, sub != NULL ? sub : "--help",
                            sub != NULL ? "--help" : NULL, NULL };
    char out[PATH_MAX], *text;

    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->key[i], key) == 0)
            return c->text[i];
    ck_assert_uint_lt(c->n, MAX_HELPS);
    snprintf(out, sizeof(out), "%s/help.out", h_tmpdir());
    if (docs_run(argv, out, &text) != 0)
        text[0] = '\0';
    snprintf(c->key[c->n], sizeof(c->key[0]), "%s", key);
    c->text[c->n] = text;
    return c->text[c->n++];
}

/* Does 'help' list option 'opt' ("--name", len characters)? */
static bool
lists_option(const char *help, const char *opt, size_t len)
{
    for (const char *h = strstr(help, "--"); h != NULL;
         h = strstr(h + 2, "--"))
        if (strncmp(h, opt, len) == 0 && (isalnum((unsigned char)h[len]) ==
                                          0 && h[len] != '-'))
            return true;
    return false;
}

/*
 * A command at p (a program of build/bin or a script of scripts/ or
 * traces/, by name): its argv[0] into argv0, its name's length, or 0
 */
static size_t
command_at(const char *p, const char *bindir, char *argv0, size_t size)
{
    static const char *const script_dirs[] = { "scripts", "traces", NULL };
    size_t len = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789-.");
    char name[64];
    struct stat st;

    if (len == 0 || len >= sizeof(name))
        return 0;
    snprintf(name, sizeof(name), "%.*s", (int)len, p);
    if (ends_with(name, ".sh")) {
        for (int d = 0; script_dirs[d] != NULL; d++) {
            snprintf(argv0, size, "%s/%s/%s", h_srcdir(), script_dirs[d],
                     name);
            if (stat(argv0, &st) == 0)
                return len;
        }
        return 0;
    }
    if ((strncmp(name, "ipclab-", 7) != 0 && strncmp(name, "lab0", 4) != 0))
        return 0;
    snprintf(argv0, size, "%.3900s/%s", bindir, name);
    return stat(argv0, &st) == 0 && S_ISREG(st.st_mode) ? len : 0;
}

/* "ipclab-rc --count 10 --window 4", "ipclab-trace seq --request N":
   each --option after a command, on its line, is in its --help (its
   subcommand's, for a subcommand) */
START_TEST(test_cited_options_exist)
{
    static struct help_cache cache;
    struct findings f = { 0 };
    char bindir[PATH_MAX];
    size_t ncited = 0;

    files_init();
    snprintf(bindir, sizeof(bindir), "%s", h_bin("ipclab-rc"));
    *strrchr(bindir, '/') = '\0';
    for (size_t i = 0; i < nfiles; i++) {
        /* a Markdown file whole, its examples included; a source's
           comments */
        char *text = is_md(files[i]) ? read_src(files[i])
                                     : prose_of(files[i]);

        for (char *p = text; *p != '\0'; p++) {
            char argv0[PATH_MAX], key[96], sub[32] = "";
            const char *help, *sub_help = "";
            size_t len;
            char *t;

            if ((p > text && (isalnum((unsigned char)p[-1]) ||
                              p[-1] == '-' || p[-1] == '_')) ||
                (len = command_at(p, bindir, argv0, sizeof(argv0))) == 0)
                continue;
            snprintf(key, sizeof(key), "%.*s", (int)len, p);
            help = cached_help(&cache, key, argv0, NULL);
            t = p + len;
            /* "ipclab-trace seq ...": the subcommand's own help too */
            if (sscanf(t, " %31[a-z]", sub) == 1 && strstr(help, " COMMAND ")
                != NULL) {
                char names[32][32];
                size_t n = subcommands(help, names, 32);

                for (size_t k = 0; k < n; k++)
                    if (strcmp(names[k], sub) == 0) {
                        snprintf(key, sizeof(key), "%.*s %s", (int)len, p,
                                 sub);
                        sub_help = cached_help(&cache, key, argv0, sub);
                    }
            }
            /* to the line's end, a shell operator, a quote or "--"
               (what follows is another command's: record.sh -- ...) */
            for (; *t != '\0' && strchr("\n`|;&)<>\"", *t) == NULL &&
                   !(t[-1] == ' ' && strncmp(t, "-- ", 3) == 0); t++) {
                size_t olen;

                if (t[-1] != ' ' || strncmp(t, "--", 2) != 0 ||
                    !islower((unsigned char)t[2]) ||
                    strncmp(t, "--help", 6) == 0)  /* checked above */
                    continue;
                olen = 2 + strspn(t + 2, "abcdefghijklmnopqrstuvwxyz0123456789-");
                ncited++;
                if (help[0] != '\0' && !lists_option(help, t, olen) &&
                    !lists_option(sub_help, t, olen)) {
                    char what[200];

                    snprintf(what, sizeof(what), "%.*s (%s)", (int)olen, t,
                             key);
                    found(&f, files[i], line_of(text, t), "no option",
                          what);
                }
            }
            p = t - 1;
        }
        free(text);
    }
    ck_assert_uint_gt(ncited, 20);
    report(&f, "options that the commands do not have");
}
END_TEST

/* Files of the tree that cite the authors' directory beside it */
static struct findings beside;

static int
cites_beside(const char *path, const struct stat *st, int flag,
             struct FTW *ftw)
{
    static const char *const names[] = { "../" "shared", "STYLE" ".md",
                                         "DESIGN" ".md", NULL };
    const char *rel = path + strlen(h_srcdir()) + 1;
    char *text;

    (void)st;
    if (ftw->level > 0 && flag == FTW_D &&
        (strncmp(rel, "build", 5) == 0 || strcmp(rel, ".git") == 0))
        return FTW_SKIP_SUBTREE;
    if (flag != FTW_F || (text = docs_read(rel)) == NULL)
        return FTW_CONTINUE;
    for (int i = 0; names[i] != NULL; i++)
        if (strstr(text, names[i]) != NULL)
            found(&beside, rel, 0, "cites", names[i]);
    free(text);
    return FTW_CONTINUE;
}

START_TEST(test_stands_alone)
{
    ck_assert_int_eq(nftw(h_srcdir(), cites_beside, 16,
                          FTW_PHYS | FTW_ACTIONRETVAL), 0);
    report(&beside, "files that cite what is not in the kit");
}
END_TEST

Suite *
refs_suite(void)
{
    Suite *s = suite_create("refs");
    TCase *refs = tcase_create("refs");
    TCase *help = tcase_create("help");

    tcase_add_test(refs, test_markdown_links_resolve);
    tcase_add_test(refs, test_cited_paths_exist);
    tcase_add_test(refs, test_cited_sections_exist);
    tcase_add_test(refs, test_cited_make_targets_exist);
    tcase_add_test(refs, test_cited_functions_exist);
    tcase_add_test(refs, test_stands_alone);
    suite_add_tcase(s, refs);
    tcase_add_unchecked_fixture(help, h_tmpdir_init, h_tmpdir_cleanup);
    tcase_add_test(help, test_help_in_docs_is_the_programs);
    tcase_add_test(help, test_every_command_has_help);
    tcase_add_test(help, test_cited_options_exist);
    suite_add_tcase(s, help);
    return s;
}
