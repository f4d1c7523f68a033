/* A well-formed plugin: registers a Lua module, a C command, a source
 * (".hello" files, which it counts the lines of) and a document format
 * (".hi" files), so tests exercise the host API the way real plugins do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include "cwsh.h"
const cwsh_plugin *cwsh_plugin_entry(void);

static int l_greet(lua_State *L)
{
    lua_pushfstring(L, "你好, %s", luaL_optstring(L, 1, "world"));
    return 1;
}

static int open_hello(lua_State *L)
{
    lua_newtable(L);
    lua_pushcfunction(L, l_greet);
    lua_setfield(L, -2, "greet");
    return 1;
}

/* The source: reads FILE's lines; `--shout` is its one option. */
static int hello_import(cwsh_host *h, const char *file, int argc, const char *const *argv,
                        char **summary, char **err)
{
    int shout = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--shout") == 0) { shout = 1; continue; }
        if (asprintf(err, "hello: unknown option '%s'", argv[i]) < 0) *err = NULL;
        return -1;
    }
    FILE *f = fopen(file, "r");
    if (!f) { if (asprintf(err, "hello: cannot open '%s'", file) < 0) *err = NULL; return -1; }
    int n = 0, c;
    while ((c = getc(f)) != EOF) if (c == '\n') n++;
    fclose(f);
    h->noticef(h, "hello source: %s", file);
    if (asprintf(summary, shout ? "READ %d LINES" : "read %d lines", n) < 0) *summary = NULL;
    return 0;
}

static const char *const hello_ext[] = { "hello", NULL };
static const cwsh_source hello_source = { sizeof(cwsh_source), "hello", hello_ext, "[--shout]", "count a .hello file's lines",
                                          hello_import };

/* The format: a document as "title: N rows x M columns" lines, then each
 * row's values joined by " / ". */
static int hello_write(void *self, FILE *out, int n, const cwsh_table *t, char **err)
{
    for (int i = 0; i < n; i++) {
        fprintf(out, "%s: %ld rows x %d columns\n", t[i].title ? t[i].title : "(untitled)",
                t[i].nrow, t[i].ncol);
        for (long r = 0; r < t[i].nrow; r++)
            for (int c = 0; c < t[i].ncol; c++) {
                const cwsh_value *v = &t[i].cells[r * t[i].ncol + c];
                fputs(c ? " / " : "  ", out);
                if (v->s) fprintf(out, "%.*s", (int)v->n, v->s);     /* text, or a formatted number */
                else if (v->type == CWSH_INT) fprintf(out, "%lld", v->i);
                else if (v->type == CWSH_REAL) fprintf(out, "%g", v->r);
                else fputs("NULL", out);
                if (c == t[i].ncol - 1) fputc('\n', out);
            }
    }
    return 0;
}
static const cwsh_format hello_format = { sizeof(cwsh_format), "hello", "hi", "hello's own document format",
                                          NULL, hello_write };

static int init(cwsh_host *h, char **err)
{
    (void)err;
    h->register_format(h, &hello_format);
    h->register_source(h, &hello_source);
    h->register_module(h, "hello", open_hello);
    h->register_command(h, "hello", "hello [NAME]", "greet NAME from a C plugin", l_greet);
    return 0;
}
static const cwsh_plugin plugin = { CWSH_PLUGIN_HEAD, "hello", "0.1", init, NULL };
const cwsh_plugin *cwsh_plugin_entry(void) { return &plugin; }
