/*
 * split.c — classifying shell input lines and cutting SQL into statements
 * (see split.h).  No allocation, no I/O: the fuzz target links this file
 * alone.
 */
#include <string.h>
#include "split.h"

int split_line(const char *line, const char **body, split_is_command *is_command, void *ctx)
{
    const char *p = line + strspn(line, " \t\r");
    *body = NULL;
    if (!*p || strncmp(p, "--", 2) == 0 || *p == '#') return SPLIT_BLANK;
    *body = p;
    /* a registered command wins over '=' and "lua", as it always has */
    if (*p == '.' || (is_command && is_command(ctx, p, strcspn(p, " \t")))) return SPLIT_COMMAND;
    if (*p == '=') { *body = p + 1; return SPLIT_EXPR; }
    if (strncmp(p, "lua", 3) == 0 && (p[3] == 0 || p[3] == ' ' || p[3] == '\t')) {
        *body = p + 3 + strspn(p + 3, " \t");
        return SPLIT_LUA;
    }
    return SPLIT_SQL;
}

const char *split_rest(const char *line)
{
    const char *rest = line + strspn(line, " \t");
    rest += strcspn(rest, " \t");
    return rest + strspn(rest, " \t");
}

/* Skip blanks and SQL comments; an open block comment runs to the end. */
static char *skip_blank(char *p)
{
    for (;;) {
        p += strspn(p, " \t\r\n\f\v");
        if (p[0] == '-' && p[1] == '-') { p += strcspn(p, "\n"); continue; }
        if (p[0] == '/' && p[1] == '*') {
            char *e = strstr(p + 2, "*/");
            if (!e) return p + strlen(p);
            p = e + 2;
            continue;
        }
        return p;
    }
}

char *split_sql_next(char *p, char **end, split_complete *complete, void *ctx)
{
    char *q = skip_blank(p);
    *end = q;
    if (!*q) return NULL;
    char *e = q;
    for (;;) {
        e = strchr(e, ';');
        if (!e) { e = q + strlen(q); break; }
        e++;
        char keep = *e;
        *e = 0;
        int done = complete(ctx, q);
        *e = keep;
        if (done) break;
    }
    *end = e;
    return q;
}

int split_newlines(const char *p, const char *end)
{
    int n = 0;
    for (; p < end; p++) n += *p == '\n';
    return n;
}
