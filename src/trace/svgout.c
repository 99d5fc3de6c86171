/*
 * trace/svgout.c - the kit's one SVG writer (svgout.h).
 */
#include <stdio.h>
#include <string.h>

#include "ipclab/err.h"
#include "svgout.h"

FILE *
svg_create(const char *path)
{
    FILE *f;

    if (path == NULL || strcmp(path, "-") == 0)
        return stdout;
    if ((f = fopen(path, "we")) == NULL)
        ipc_warn("cannot create '%s'", path);
    return f;
}

/* Write s with XML's special characters escaped */
static void
svg_escape(FILE *f, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default:  putc(*s, f); break;
        }
    }
}

void
svg_open(FILE *f, int w, int h, int y0, const char *title, const char *style)
{
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 %d %d %d\">\n<title>", w, h, y0, w, h);
    svg_escape(f, title);
    fprintf(f, "</title>\n<defs>\n<style>\n%s</style>\n", style);
}

void
svg_close_defs(FILE *f, int y0)
{
    fprintf(f, "</defs>\n<rect x=\"0\" y=\"%d\" width=\"100%%\" "
            "height=\"100%%\" fill=\"#fff\"/>\n", y0);
}

void
svg_text(FILE *f, int x, int y, const char *anchor, const char *cls,
         const char *str)
{
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" class=\"%s\">",
            x, y, anchor, cls);
    svg_escape(f, str);
    fputs("</text>\n", f);
}

int
svg_finish(FILE *f, const char *path)
{
    fputs("</svg>\n", f);
    if (f == stdout)
        return fflush(stdout) == EOF || ferror(stdout) ? -1 : 0;
    if (ferror(f) | (fclose(f) == EOF)) {
        ipc_warn("cannot write '%s'", path);
        return -1;
    }
    return 0;
}
