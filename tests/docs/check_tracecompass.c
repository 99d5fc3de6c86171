/*
 * tests/docs/check_tracecompass.c - the Trace Compass analysis is valid
 * and reads only events and fields that exist.
 *
 * traces/tracecompass/ipclab.xml is read by Trace Compass, which cannot
 * run here, so these tests check what can be checked without it:
 *   - it is well-formed XML, and valid against Trace Compass's own schema
 *     ($IPCLAB_TC_XSD_DIR/xmlDefinition.xsd, or the file $IPCLAB_TC_XSD;
 *     the schema is not part of the kit, so without them these tests
 *     SKIP): the same check Trace Compass makes on import;
 *   - every event it names ("eventName", transition and precondition
 *     "event") is an ipclab event of include/ipclab/tp.h;
 *   - every field an event handler, test or action reads exists in the
 *     events that reach it (LTTng contexts context._vpid, _vtid and
 *     _procname, which traces/record.sh adds, are allowed too);
 *   - every proc_state value the programs emit has a colour in the view.
 * A schema-valid analysis that names a missing field shows nothing, which
 * is why the name checks exist.
 *
 * Run: build/tests/docs      (CK_RUN_SUITE=tracecompass for these only)
 */
#include <ctype.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docs.h"
#include "harness.h"

#define XML_PATH "traces/tracecompass/ipclab.xml"
#define TP_PATH  "include/ipclab/tp.h"
#define MAX_EVENTS 64
#define NAME_MAX_LEN 64
#define LIST_LEN 1024

/* An event or event class of tp.h and its field names, " a b c " */
struct tp_event {
    char name[NAME_MAX_LEN];
    char cls[NAME_MAX_LEN];     /* an instance's class, else "" */
    bool is_class;
    char fields[LIST_LEN];
};

static struct tp_event tp_events[MAX_EVENTS];
static int n_tp_events;

/* The LTTng contexts traces/record.sh adds, as Trace Compass names them */
static const char *const contexts[] = {
    "context._vpid", "context._vtid", "context._procname", NULL,
};

/* ---- small string helpers ----------------------------------------------- */

/* Append " word" to list (" a b " form) unless it is already there. */
static void
list_add(char *list, size_t size, const char *word, size_t len)
{
    char item[NAME_MAX_LEN + 2];

    if (len == 0 || len >= NAME_MAX_LEN)
        return;
    snprintf(item, sizeof(item), " %.*s ", (int)len, word);
    if (strstr(list, item) != NULL)
        return;
    if (list[0] == '\0')
        snprintf(list, size, " ");
    ck_assert_msg(strlen(list) + len + 2 < size, "list too long");
    strncat(list, word, len);
    strcat(list, " ");
}

static bool
list_has(const char *list, const char *word)
{
    char item[NAME_MAX_LEN + 2];

    snprintf(item, sizeof(item), " %s ", word);
    return strstr(list, item) != NULL;
}

/* Skip spaces, newlines and comments of C source. */
static const char *
skip_space(const char *p)
{
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            p = end != NULL ? end + 2 : p + strlen(p);
        } else {
            return p;
        }
    }
}

/*
 * The arguments of the macro call whose '(' is at p: fills start[i] and
 * len[i] (trimmed), up to max; returns how many. Nested parentheses count.
 */
static int
macro_args(const char *p, const char **start, size_t *len, int max)
{
    int depth = 0, n = 0;
    const char *arg = NULL;

    for (; *p != '\0'; p++) {
        if (*p == '(' && depth++ == 0) {
            arg = p + 1;
            continue;
        }
        if ((*p == ',' && depth == 1) || (*p == ')' && --depth == 0)) {
            const char *a = skip_space(arg), *e = p;

            while (e > a && isspace((unsigned char)e[-1]))
                e--;
            if (n < max) {
                start[n] = a;
                len[n] = (size_t)(e - a);
            }
            n++;
            arg = p + 1;
            if (depth == 0)
                return n < max ? n : max;
        }
    }
    return n < max ? n : max;
}

/* ---- include/ipclab/tp.h ------------------------------------------------ */

/*
 * Read every LTTNG_UST_TRACEPOINT_EVENT, _EVENT_CLASS and _EVENT_INSTANCE
 * of tp.h, with the field names of each (an lttng_ust_field_*() macro's
 * next-to-last argument is the field's name). Instances get their class's
 * fields.
 */
static void
load_tp(void)
{
    char *text = docs_read(TP_PATH);
    const char *p;

    ck_assert_msg(text != NULL, "cannot read %s", TP_PATH);
    n_tp_events = 0;
    for (p = text; (p = strstr(p, "\nLTTNG_UST_TRACEPOINT_EVENT")) != NULL;) {
        const char *kind = p + strlen("\nLTTNG_UST_TRACEPOINT_EVENT");
        const char *next = strstr(kind, "\nLTTNG_UST_TRACEPOINT_");
        const char *args[6], *f;
        size_t lens[6];
        struct tp_event *ev;
        int n;

        if (next == NULL)
            next = kind + strlen(kind);
        p = kind;
        ck_assert_int_lt(n_tp_events, MAX_EVENTS);
        ev = &tp_events[n_tp_events];
        memset(ev, 0, sizeof(*ev));
        n = macro_args(strchr(kind, '('), args, lens, 6);
        if (strncmp(kind, "_INSTANCE(", 10) == 0) {
            ck_assert_int_ge(n, 4);
            snprintf(ev->cls, sizeof(ev->cls), "%.*s", (int)lens[1], args[1]);
            snprintf(ev->name, sizeof(ev->name), "%.*s", (int)lens[3],
                     args[3]);
        } else if (strncmp(kind, "_CLASS(", 7) == 0) {
            ck_assert_int_ge(n, 2);
            ev->is_class = true;
            snprintf(ev->name, sizeof(ev->name), "%.*s", (int)lens[1],
                     args[1]);
        } else if (kind[0] == '(') {
            ck_assert_int_ge(n, 2);
            snprintf(ev->name, sizeof(ev->name), "%.*s", (int)lens[1],
                     args[1]);
        } else {
            continue;           /* another macro of the family */
        }
        /* its fields, up to the next top-level tracepoint macro */
        for (f = kind; (f = strstr(f, "lttng_ust_field_")) != NULL &&
                       f < next; f++) {
            const char *fa[6];
            size_t fl[6];
            int fn = macro_args(strchr(f, '('), fa, fl, 6);

            if (fn >= 2 && fa[fn - 2][0] != '"')
                list_add(ev->fields, sizeof(ev->fields), fa[fn - 2],
                         fl[fn - 2]);
        }
        n_tp_events++;
    }
    /* instances take their class's fields */
    for (int i = 0; i < n_tp_events; i++) {
        if (tp_events[i].cls[0] == '\0')
            continue;
        for (int j = 0; j < n_tp_events; j++)
            if (tp_events[j].is_class &&
                strcmp(tp_events[j].name, tp_events[i].cls) == 0)
                memcpy(tp_events[i].fields, tp_events[j].fields,
                       sizeof(tp_events[i].fields));
    }
    free(text);
    ck_assert_msg(n_tp_events > 10, "found only %d events in %s",
                  n_tp_events, TP_PATH);
}

/* The event "ipclab:NAME" of tp.h, or NULL (classes are not events). */
static const struct tp_event *
tp_find(const char *full)
{
    if (strncmp(full, "ipclab:", 7) != 0)
        return NULL;
    for (int i = 0; i < n_tp_events; i++)
        if (!tp_events[i].is_class && strcmp(tp_events[i].name, full + 7) == 0)
            return &tp_events[i];
    return NULL;
}

/* How many tp.h events "ipclab:PATTERN" names (PATTERN may end in '*'). */
static int
tp_count_matching(const char *pattern)
{
    const char *star = strchr(pattern, '*');
    int count = 0;

    if (star == NULL)
        return tp_find(pattern) != NULL;
    if (star[1] != '\0' || strncmp(pattern, "ipclab:", 7) != 0)
        return 0;
    for (int i = 0; i < n_tp_events; i++)
        if (!tp_events[i].is_class &&
            strncmp(tp_events[i].name, pattern + 7,
                    (size_t)(star - pattern - 7)) == 0)
            count++;
    return count;
}

/* ---- the analysis file -------------------------------------------------- */

/* The value of attribute 'attr' (e.g. "event=\"") at p, into buf. */
static const char *
attr_value(const char *p, char *buf, size_t size)
{
    const char *end = strchr(p, '"');

    ck_assert_ptr_nonnull(end);
    snprintf(buf, size, "%.*s", (int)(end - p), p);
    return buf;
}

/*
 * Names of the event fields read in xml[begin, end) into list: <field
 * name="F"> and type="eventField" value="F", plus the fields of every
 * location used there (type="location" value="L").
 */
static void
fields_read(const char *xml, const char *begin, const char *end, char *list,
            size_t size)
{
    static const char *const marks[] = {
        "<field name=\"", "type=\"eventField\" value=\"", NULL,
    };
    const char *p;
    char name[NAME_MAX_LEN];

    for (int m = 0; marks[m] != NULL; m++)
        for (p = begin; (p = strstr(p, marks[m])) != NULL && p < end; p++) {
            attr_value(p + strlen(marks[m]), name, sizeof(name));
            list_add(list, size, name, strlen(name));
        }
    for (p = begin; (p = strstr(p, "type=\"location\" value=\"")) != NULL &&
                    p < end; p++) {
        char open[NAME_MAX_LEN * 2];
        const char *loc, *loc_end;

        attr_value(p + strlen("type=\"location\" value=\""), name,
                   sizeof(name));
        snprintf(open, sizeof(open), "<location id=\"%s\"", name);
        loc = strstr(xml, open);
        ck_assert_msg(loc != NULL, "location '%s' is not defined", name);
        loc_end = strstr(loc, "</location>");
        ck_assert_ptr_nonnull(loc_end);
        fields_read(xml, loc, loc_end, list, size);
    }
}

/*
 * The first field of list that is neither a field of 'ev' nor a context,
 * or NULL when they all exist.
 */
static const char *
missing_field(const char *list, const struct tp_event *ev)
{
    char copy[LIST_LEN];
    char *save = NULL;

    snprintf(copy, sizeof(copy), "%s", list);
    for (char *f = strtok_r(copy, " ", &save); f != NULL;
         f = strtok_r(NULL, " ", &save)) {
        bool ok = list_has(ev->fields, f);

        for (int c = 0; contexts[c] != NULL; c++)
            ok = ok || strcmp(f, contexts[c]) == 0;
        if (!ok)
            return h_keep(f);
    }
    return NULL;
}

static void
assert_fields_exist(const char *list, const struct tp_event *ev,
                    const char *where)
{
    const char *f = missing_field(list, ev);

    ck_assert_msg(f == NULL, "%s reads field '%s', which ipclab:%s lacks "
                  "(it has:%s)", where, f, ev->name, ev->fields);
}

/* The element <TAG id="ID" ...> ... </TAG> of xml: its start and end. */
static const char *
element(const char *xml, const char *tag, const char *id, const char **end)
{
    char open[NAME_MAX_LEN * 2], close[NAME_MAX_LEN];
    const char *p;

    snprintf(open, sizeof(open), "<%s id=\"%s\"", tag, id);
    snprintf(close, sizeof(close), "</%s>", tag);
    p = strstr(xml, open);
    ck_assert_msg(p != NULL, "no <%s id=\"%s\"> in the analysis", tag, id);
    *end = strstr(p, close);
    ck_assert_ptr_nonnull(*end);
    return p;
}

/*
 * Check every event name the analysis uses ("eventName", and "event" of
 * transitions and preconditions) against tp.h. Returns NULL when all are
 * known, else the first unknown name (static buffer); *checked counts them.
 */
static const char *
unknown_event(const char *xml, int *checked)
{
    static const char *const marks[] = {
        "eventName=\"", " event=\"", NULL,
    };
    char name[NAME_MAX_LEN];

    *checked = 0;
    for (int m = 0; marks[m] != NULL; m++)
        for (const char *p = xml; (p = strstr(p, marks[m])) != NULL; p++) {
            attr_value(p + strlen(marks[m]), name, sizeof(name));
            if (tp_count_matching(name) == 0)
                return h_keep(name);
            (*checked)++;
        }
    return NULL;
}

static char *
load_xml(void)
{
    char *xml = docs_read(XML_PATH);

    ck_assert_msg(xml != NULL, "cannot read %s", XML_PATH);
    return xml;
}

/* Path of Trace Compass's xmlDefinition.xsd, or NULL when absent. */
static const char *
schema_path(void)
{
    char buf[PATH_MAX];
    const char *file = getenv("IPCLAB_TC_XSD");
    const char *dir = getenv("IPCLAB_TC_XSD_DIR");

    if (file != NULL && file[0] != '\0')
        snprintf(buf, sizeof(buf), "%s", file);
    else if (dir != NULL && dir[0] != '\0')
        snprintf(buf, sizeof(buf), "%s/xmlDefinition.xsd", dir);
    else
        return NULL;
    return access(buf, R_OK) == 0 ? h_keep(buf) : NULL;
}

static const char *
xmllint(void)
{
    char buf[PATH_MAX];
    const char *p = docs_which("xmllint", buf, sizeof(buf));

    ck_assert_msg(p != NULL, "xmllint not found: apt-get install "
                  "libxml2-utils (make deps does it)");
    return h_keep(p);
}

/* ---- core --------------------------------------------------------------- */

START_TEST(test_tracecompass_is_well_formed)
{
    const char *argv[] = { xmllint(), "--noout", docs_src(XML_PATH), NULL };
    char *out;
    int status = docs_run(argv, h_tmpdir_path("xmllint.out"), &out);

    ck_assert_msg(status == 0, "xmllint: %s", out);
    free(out);
}
END_TEST

START_TEST(test_tracecompass_validates_against_schema)
{
    const char *xsd = schema_path();
    char xml[PATH_MAX];
    char *out;
    int status;

    if (xsd == NULL)
        h_skip("no Trace Compass schema: set IPCLAB_TC_XSD_DIR to the "
               "directory of its xmlDefinition.xsd");
    snprintf(xml, sizeof(xml), "%s", docs_src(XML_PATH));
    const char *argv[] = { xmllint(), "--noout", "--schema", xsd, xml, NULL };
    status = docs_run(argv, h_tmpdir_path("xmllint.out"), &out);
    ck_assert_msg(status == 0, "not valid against %s:\n%s", xsd, out);
    ck_assert_msg(strstr(out, "validates") != NULL, "xmllint: %s", out);
    free(out);
}
END_TEST

START_TEST(test_tracecompass_names_only_known_events)
{
    char *xml = load_xml();
    const char *bad;
    int checked;

    load_tp();
    bad = unknown_event(xml, &checked);
    ck_assert_msg(bad == NULL, "the analysis names event '%s', which is "
                  "not in %s", bad, TP_PATH);
    /* 8 handlers, 2 preconditions, 3 transitions at the time of writing */
    ck_assert_int_ge(checked, 10);
    free(xml);
}
END_TEST

START_TEST(test_tracecompass_handlers_read_existing_fields)
{
    char *xml = load_xml();
    const char *mark = "<eventHandler eventName=\"";
    int handlers = 0;

    load_tp();
    for (const char *p = xml; (p = strstr(p, mark)) != NULL; p++) {
        char name[NAME_MAX_LEN], list[LIST_LEN] = "", where[128];
        const char *end = strstr(p, "</eventHandler>");
        const struct tp_event *ev;

        attr_value(p + strlen(mark), name, sizeof(name));
        ev = tp_find(name);
        ck_assert_msg(ev != NULL, "handler for unknown event '%s'", name);
        ck_assert_ptr_nonnull(end);
        fields_read(xml, p, end, list, sizeof(list));
        snprintf(where, sizeof(where), "the handler of %s", name);
        assert_fields_exist(list, ev, where);
        handlers++;
    }
    ck_assert_int_ge(handlers, 5);
    free(xml);
}
END_TEST

START_TEST(test_tracecompass_transitions_read_existing_fields)
{
    char *xml = load_xml();
    const char *mark = "<transition ";
    int transitions = 0;

    load_tp();
    for (const char *p = xml; (p = strstr(p, mark)) != NULL; p++) {
        const char *tag_end = strstr(p, "/>"), *a, *e;
        char event[NAME_MAX_LEN] = "", ids[256] = "", list[LIST_LEN] = "";
        char where[128], *save = NULL;
        const struct tp_event *ev;

        ck_assert_ptr_nonnull(tag_end);
        if ((a = strstr(p, " event=\"")) == NULL || a > tag_end)
            continue;
        attr_value(a + strlen(" event=\""), event, sizeof(event));
        ev = tp_find(event);
        ck_assert_msg(ev != NULL, "transition on unknown event '%s'", event);
        /* its test (cond) and its actions, "a:b" */
        if ((a = strstr(p, " cond=\"")) != NULL && a < tag_end) {
            const char *t = element(xml, "test",
                                    attr_value(a + 7, ids, sizeof(ids)), &e);
            fields_read(xml, t, e, list, sizeof(list));
        }
        if ((a = strstr(p, " action=\"")) != NULL && a < tag_end) {
            attr_value(a + 9, ids, sizeof(ids));
            for (char *id = strtok_r(ids, ":", &save); id != NULL;
                 id = strtok_r(NULL, ":", &save)) {
                const char *act = element(xml, "action", id, &e);
                fields_read(xml, act, e, list, sizeof(list));
            }
        }
        snprintf(where, sizeof(where), "a transition on %s", event);
        assert_fields_exist(list, ev, where);
        transitions++;
    }
    ck_assert_int_ge(transitions, 2);
    free(xml);
}
END_TEST

/* proc_state values in IPCLAB_TP(proc_state, ROLE, "STATE") calls */
static char emitted_states[LIST_LEN];

static int
collect_states(const char *path, const struct stat *st, int flag,
               struct FTW *ftw)
{
    const char *mark = "IPCLAB_TP(proc_state,";
    size_t len = strlen(path);
    char *text;

    (void)st;
    (void)ftw;
    if (flag != FTW_F || len < 2 || (strcmp(path + len - 2, ".c") != 0 &&
                                     strcmp(path + len - 2, ".h") != 0))
        return 0;
    if ((text = h_read_file(path)) == NULL)
        return 0;
    for (char *p = text; (p = strstr(p, mark)) != NULL; p++) {
        char *close = strchr(p, ')'), *q, *open;

        if (close == NULL)
            break;
        /* the state is the call's last string literal: "..." before ')' */
        for (q = close; q > p && *q != '"'; q--)
            ;
        for (open = q - 1; open > p && *open != '"'; open--)
            ;
        if (q > p && open > p)
            list_add(emitted_states, sizeof(emitted_states), open + 1,
                     (size_t)(q - open - 1));
    }
    free(text);
    return 0;
}

START_TEST(test_tracecompass_maps_every_proc_state)
{
    static const char *const dirs[] = { "src", "labs", "exercises", NULL };
    char *xml = load_xml(), *tp = docs_read(TP_PATH);
    const char *group_end, *group, *doc;
    char copy[LIST_LEN], *save = NULL;

    ck_assert_ptr_nonnull(tp);
    emitted_states[0] = '\0';
    for (int d = 0; dirs[d] != NULL; d++)
        if (access(docs_src(dirs[d]), F_OK) == 0)
            nftw(docs_src(dirs[d]), collect_states, 16, FTW_PHYS);
    /* and the values tp.h documents: state: server "serving", ... ( */
    doc = strstr(tp, " *   state: ");
    ck_assert_msg(doc != NULL, "tp.h no longer lists the states");
    for (const char *q = doc + 7; *q != '\0' && *q != '('; q++)
        if (*q == '"') {
            const char *e = strchr(q + 1, '"');

            list_add(emitted_states, sizeof(emitted_states), q + 1,
                     (size_t)(e - q - 1));
            q = e;
        }
    ck_assert_msg(list_has(emitted_states, "idle") &&
                  list_has(emitted_states, "serving"),
                  "states found: %s", emitted_states);

    group = element(xml, "mappingGroup", "proc_state_code", &group_end);
    snprintf(copy, sizeof(copy), "%s", emitted_states);
    for (char *s = strtok_r(copy, " ", &save); s != NULL;
         s = strtok_r(NULL, " ", &save)) {
        char key[NAME_MAX_LEN * 2], legend[NAME_MAX_LEN * 2];
        const char *k;

        snprintf(key, sizeof(key), "<stateValue type=\"string\" "
                 "value=\"%s\" />", s);
        snprintf(legend, sizeof(legend), "<definedValue name=\"%s\"", s);
        k = strstr(group, key);
        ck_assert_msg(k != NULL && k < group_end, "proc_state '%s' is "
                      "emitted but not in mappingGroup proc_state_code", s);
        ck_assert_msg(strstr(xml, legend) != NULL, "proc_state '%s' has no "
                      "definedValue (colour) in the process view", s);
    }
    free(tp);
    free(xml);
}
END_TEST

START_TEST(test_tracecompass_views_name_its_state_provider)
{
    char *xml = load_xml();
    const char *mark = "<analysis id=\"";
    int views = 0;

    for (const char *p = xml; (p = strstr(p, mark)) != NULL; p++) {
        char id[NAME_MAX_LEN], sp[NAME_MAX_LEN * 2];

        attr_value(p + strlen(mark), id, sizeof(id));
        snprintf(sp, sizeof(sp), "<stateProvider id=\"%s\"", id);
        ck_assert_msg(strstr(xml, sp) != NULL, "a view names analysis "
                      "'%s', which this file does not define", id);
        views++;
    }
    ck_assert_int_eq(views, 3);
    free(xml);
}
END_TEST

/* ---- errors: the checks above can fail ---------------------------------- */

START_TEST(test_tracecompass_schema_rejects_invalid_copy)
{
    static const char final[] = "<final id=\"done\" />";
    const char *xsd = schema_path();
    char *xml, *bad, *out, *p;
    int status;

    if (xsd == NULL)
        h_skip("no Trace Compass schema: set IPCLAB_TC_XSD_DIR to the "
               "directory of its xmlDefinition.xsd");
    /* a second <final> in the FSM: well-formed, but the schema allows
       one final state per FSM */
    xml = load_xml();
    p = strstr(xml, final);
    ck_assert_ptr_nonnull(p);
    bad = malloc(strlen(xml) + sizeof(final) + 16);
    ck_assert_ptr_nonnull(bad);
    sprintf(bad, "%.*s<final id=\"extra\" />%s", (int)(p - xml), xml, p);
    h_write_file(h_tmpdir_path("bad.xml"), bad);
    const char *argv[] = { xmllint(), "--noout", "--schema", xsd,
                           h_tmpdir_path("bad.xml"), NULL };
    status = docs_run(argv, h_tmpdir_path("xmllint.out"), &out);
    ck_assert_msg(status != 0, "an invalid analysis validated: %s", out);
    ck_assert_msg(strstr(out, "fails to validate") != NULL, "%s", out);
    free(out);
    free(bad);
    free(xml);
}
END_TEST

START_TEST(test_tracecompass_unknown_event_is_caught)
{
    int checked;
    const char *bad;

    load_tp();
    bad = unknown_event("<eventHandler eventName=\"ipclab:proc_start\">"
                        "<transition event=\"ipclab:record_*\" />"
                        "<eventHandler eventName=\"ipclab:no_such\">",
                        &checked);
    ck_assert_ptr_nonnull(bad);
    ck_assert_str_eq(bad, "ipclab:no_such");
    ck_assert_int_eq(checked, 1);
    /* a class is not an event */
    ck_assert_ptr_nonnull(unknown_event(" event=\"ipclab:record_class\"",
                                        &checked));
}
END_TEST

START_TEST(test_tracecompass_missing_field_is_caught)
{
    char list[LIST_LEN] = "";
    const char *xml = "<field name=\"fifo\" />"
                      "<stateValue type=\"eventField\" value=\"state\" />"
                      "<stateValue type=\"eventField\" "
                      "value=\"context._vpid\" />";
    const char *f;

    load_tp();
    /* record_write has fifo, and the vpid context, but no 'state' */
    fields_read(xml, xml, xml + strlen(xml), list, sizeof(list));
    f = missing_field(list, tp_find("ipclab:record_write"));
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f, "state");
    /* and the same reads without 'state' pass */
    ck_assert_ptr_null(missing_field(" fifo context._vpid ",
                                     tp_find("ipclab:record_write")));
}
END_TEST

START_TEST(test_tracecompass_tp_parse_knows_instances)
{
    const struct tp_event *ev;

    load_tp();
    ev = tp_find("ipclab:signal_consume");
    ck_assert_ptr_nonnull(ev);
    ck_assert_msg(list_has(ev->fields, "value") &&
                  list_has(ev->fields, "what"), "%s", ev->fields);
    ev = tp_find("ipclab:route");
    ck_assert_ptr_nonnull(ev);
    ck_assert_msg(list_has(ev->fields, "worker_pid") &&
                  list_has(ev->fields, "op"), "%s", ev->fields);
    ck_assert_ptr_null(tp_find("ipclab:record_class"));
    ck_assert_int_eq(tp_count_matching("ipclab:record_*"), 3);
}
END_TEST

Suite *
tracecompass_suite(void)
{
    Suite *s = suite_create("tracecompass");
    TCase *core = h_tcase(s, "core", 0);
    TCase *errors = h_tcase(s, "errors", 0);

    tcase_add_test(core, test_tracecompass_is_well_formed);
    tcase_add_test(core, test_tracecompass_validates_against_schema);
    tcase_add_test(core, test_tracecompass_names_only_known_events);
    tcase_add_test(core, test_tracecompass_handlers_read_existing_fields);
    tcase_add_test(core, test_tracecompass_transitions_read_existing_fields);
    tcase_add_test(core, test_tracecompass_maps_every_proc_state);
    tcase_add_test(core, test_tracecompass_views_name_its_state_provider);
    tcase_add_test(core, test_tracecompass_tp_parse_knows_instances);

    /* the checks above must be able to fail */
    tcase_add_test(errors, test_tracecompass_schema_rejects_invalid_copy);
    tcase_add_test(errors, test_tracecompass_unknown_event_is_caught);
    tcase_add_test(errors, test_tracecompass_missing_field_is_caught);
    return s;
}
