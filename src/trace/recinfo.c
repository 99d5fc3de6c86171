/*
 * trace/recinfo.c - read the record.info that traces/record.sh writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "ipclab/err.h"
#include "decode.h"
#include "recinfo.h"

/* "4711 4720" into ri->pids; -1 on anything else */
static int
parse_pids(const char *s, struct tr_recinfo *ri)
{
    char *end;
    long v;

    for (;;) {
        while (*s == ' ')
            s++;
        if (*s == '\0')
            return 0;
        errno = 0;
        v = strtol(s, &end, 10);
        if (end == s || errno != 0 || v <= 0 || v > INT_MAX ||
            (*end != ' ' && *end != '\0') || ri->npids == TR_RECINFO_PIDS)
            return -1;
        ri->pids[ri->npids++] = (int)v;
        s = end;
    }
}

/* " PATH:SIZE ..." against the files below dir: ri->streams_changed
   when one is missing or of another size; -1 on anything else */
static int
parse_streams(const char *dir, char *s, struct tr_recinfo *ri)
{
    char path[PATH_MAX], *tok, *colon, *end, *save = NULL;
    unsigned long long size;
    struct stat st;

    for (tok = strtok_r(s, " ", &save); tok != NULL;
         tok = strtok_r(NULL, " ", &save)) {
        if ((colon = strrchr(tok, ':')) == NULL || colon[1] == '-')
            return -1;
        *colon = '\0';
        errno = 0;
        size = strtoull(colon + 1, &end, 10);
        if (end == colon + 1 || *end != '\0' || errno != 0 ||
            snprintf(path, sizeof(path), "%s/%s", dir, tok) >=
            (int)sizeof(path))
            return -1;
        if (stat(path, &st) == -1 || (unsigned long long)st.st_size != size)
            ri->streams_changed = true;
    }
    return 0;
}

static int
parse_count(const char *s, uint64_t *out)
{
    char *end;

    errno = 0;
    *out = strtoull(s, &end, 10);
    return end == s || *end != '\0' || errno != 0 || *s == '-' ? -1 : 0;
}

int
tr_recinfo_read(const char *dir, struct tr_recinfo *ri)
{
    char path[PATH_MAX], shown[TR_SHOWN_MAX], *line = NULL;
    unsigned lineno = 0;
    size_t cap = 0;
    ssize_t len;
    int fd, rc = 0;
    FILE *f;

    memset(ri, 0, sizeof(*ri));
    if (snprintf(path, sizeof(path), "%s/record.info", dir) >=
        (int)sizeof(path)) {
        ipc_warnx("'%s': path too long", ipc_shown(shown, sizeof(shown), dir));
        return -1;
    }
    /* O_NONBLOCK: a FIFO planted there reads as empty, never waits */
    if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1 ||
        (f = fdopen(fd, "r")) == NULL) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;
        ipc_warn("cannot read '%s'", ipc_shown(shown, sizeof(shown), path));
        if (fd != -1)
            close(fd);
        return -1;
    }
    ri->present = true;
    /* lines of any length: command= holds the whole command line */
    while (rc == 0 && (len = getline(&line, &cap, f)) != -1) {
        char *eq;

        lineno++;
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        if (strlen(line) != (size_t)len) {
            rc = -1;            /* a NUL byte: not text */
            break;
        }
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if ((eq = strchr(line, '=')) == NULL) {
            rc = -1;
            break;
        }
        *eq++ = '\0';
        if (strcmp(line, "pids") == 0)
            rc = parse_pids(eq, ri);
        else if (strcmp(line, "uts_ns") == 0)
            rc = parse_count(eq, &ri->uts_ns);
        else if (strcmp(line, "discarded") == 0)
            rc = parse_count(eq, &ri->discarded);
        else if (strcmp(line, "lost_packets") == 0)
            rc = parse_count(eq, &ri->lost_packets);
        else if (strcmp(line, "streams") == 0)
            rc = parse_streams(dir, eq, ri);
    }
    free(line);
    if (rc == 0 && ferror(f)) {
        ipc_warn("cannot read '%s'", ipc_shown(shown, sizeof(shown), path));
        fclose(f);
        return -1;
    }
    fclose(f);
    ipc_shown(shown, sizeof(shown), path);
    if (rc == -1)
        ipc_warnx("'%s', line %u: not what traces/record.sh writes", shown,
                  lineno);
    else if (ri->npids == 0) {
        ipc_warnx("'%s' names no recorded process (no 'pids=' line)", shown);
        rc = -1;
    }
    return rc;
}
