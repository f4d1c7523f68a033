/*
 * fuzz_split.c — fuzz target for the shell's input splitter
 * (core/split.c): line kinds (dot-command / command / `= expr` / `lua` /
 * SQL / comment) and SQL cut into statements with sqlite3_complete, the
 * store's own judge.
 *
 * Checks: every line's body lies inside the line, and a body of the
 * command kind is what the line holds without its leading blanks; a
 * command's arguments start inside it.  Statements come in order without
 * overlapping, each non-empty; every statement but the last ends with ';'
 * and is complete; the text is unchanged after each step; the newlines
 * counted between and inside statements add up to the text's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "split.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) { fprintf(stderr, "fuzz_split: invariant broken: %s\n", what); abort(); }
}

/* a few registered command names, as cwshlib would know them */
static int is_command(void *ctx, const char *name, size_t n)
{
    static const char *const names[] = { "import", "score", "explain", "lua_x", NULL };
    (void)ctx;
    for (int i = 0; names[i]; i++)
        if (strlen(names[i]) == n && memcmp(names[i], name, n) == 0) return 1;
    return 0;
}

static int complete(void *ctx, const char *sql)
{
    (void)ctx;
    return sqlite3_complete(sql);
}

static void lines(const char *text)
{
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, "\n");
        char *line = strndup(p, n);
        if (!line) return;
        const char *body;
        int kind = split_line(line, &body, is_command, NULL);
        size_t ll = strlen(line);
        check(kind >= SPLIT_BLANK && kind <= SPLIT_SQL, "a known kind");
        if (kind == SPLIT_BLANK) {
            check(body == NULL, "a blank line has no body");
        } else {
            check(body >= line && body <= line + ll, "the body lies in the line");
            check(line[strspn(line, " \t\r")] != 0, "only blank lines are empty");
        }
        if (kind == SPLIT_COMMAND || kind == SPLIT_SQL)
            check(body == line + strspn(line, " \t\r"), "the body drops the leading blanks");
        if (kind == SPLIT_EXPR) check(body[-1] == '=', "an expression follows '='");
        if (kind == SPLIT_COMMAND) {
            const char *rest = split_rest(body);
            check(rest >= body && rest <= line + ll, "the arguments lie in the command");
        }
        free(line);
        p += n;
        if (*p) p++;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1), *orig = malloc(size + 1);
    if (!text || !orig) { free(text); free(orig); return 0; }
    memcpy(text, data, size);
    text[size] = 0;
    size_t len = strlen(text);
    memcpy(orig, text, len + 1);
    lines(text);
    int nl = 0, all = split_newlines(text, text + len);
    char *p = text, *e, *q, *last_end = text;
    while ((q = split_sql_next(p, &e, complete, NULL)) != NULL) {
        check(strcmp(text, orig) == 0, "the text is as before");
        check(q >= p && e > q && e <= text + len, "statements go forward inside the text");
        nl += split_newlines(p, q) + split_newlines(q, e);
        if (*e) {
            check(e[-1] == ';', "a statement ends with ';'");
            char keep = *e;
            *e = 0;
            check(sqlite3_complete(q), "a statement that ends early is complete");
            *e = keep;
        }
        last_end = p = e;
    }
    check(strcmp(text, orig) == 0, "the text is as before at the end");
    check(e >= last_end && e == text + len, "only blanks and comments follow the last statement");
    nl += split_newlines(last_end, e);
    check(nl == all, "newlines add up");
    free(orig);
    free(text);
    return 0;
}
