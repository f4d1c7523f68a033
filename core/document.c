/*
 * document.c — documents of several titled result sets, written by a
 * format (cwsh_format): the core's md and csv, and any a plugin
 * registers.
 *
 * `.document FILE [--format NAME]` opens FILE and starts collecting: each
 * result set shown afterwards (SQL at the prompt, a command's result set)
 * still prints as usual and is also copied, titled by the result set's
 * `title` or else by the statement or command line that printed it.
 * `.document` alone hands them to the format's writer and closes FILE;
 * cwsh ends an open document the same way at exit.  From Lua,
 * cwsh.write_document(FILE, {set, ...} [, FORMAT]) writes result sets
 * (tables as commands return them, with `title`) in one call.
 *
 * The copies are the values as shown: a number formatted by `formats`
 * keeps its text, so the document reads as the screen did.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <lauxlib.h>
#include "document.h"
#include "afile.h"
#include "cwshlib.h"
#include "render.h"

/* ------------------------------------------------------------ copies */

typedef struct doc_table {
    char *title;
    int ncol;
    char **columns;
    long nrow;
    cwsh_value *cells;         /* strings malloc'd, one per cell */
    size_t cap;                /* cells allocated */
} doc_table;

struct document {
    afile out;                 /* out.f NULL: collected for cwsh.write_document;
                                * written under a temporary name, renamed
                                * into place when whole (afile.h) */
    char *path;
    const cwsh_format *fmt;
    doc_table *t;
    int n, cap;
    int failed;                /* out of memory while copying */
};

static char *dupn(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) return NULL;
    if (n) memcpy(p, s, n);
    p[n] = 0;
    return p;
}

static void table_free(doc_table *t)
{
    free(t->title);
    for (int i = 0; i < t->ncol; i++) free(t->columns[i]);
    free(t->columns);
    for (size_t i = 0; i < (size_t)t->nrow * (size_t)t->ncol; i++) free((char *)t->cells[i].s);
    free(t->cells);
}

static void doc_free(document *d)
{
    if (!d) return;
    for (int i = 0; i < d->n; i++) table_free(&d->t[i]);
    free(d->t);
    free(d->path);
    free(d);
}

/* A new table titled `title` (may be NULL) with the given columns. */
static doc_table *doc_add(document *d, const char *title, int n, const char *const *names)
{
    if (d->n == d->cap) {
        int cap = d->cap ? 2 * d->cap : 8;
        doc_table *t = realloc(d->t, (size_t)cap * sizeof *t);
        if (!t) { d->failed = 1; return NULL; }
        d->t = t;
        d->cap = cap;
    }
    doc_table *t = &d->t[d->n];
    memset(t, 0, sizeof *t);
    t->columns = calloc((size_t)n + 1, sizeof *t->columns);
    if (!t->columns) { d->failed = 1; return NULL; }
    t->title = title ? strdup(title) : NULL;
    for (int i = 0; i < n; i++) t->columns[i] = strdup(names[i] ? names[i] : "");
    t->ncol = n;
    d->n++;
    return t;
}

/* Append a row; missing values are NULL, extra ones dropped. */
static int table_row(document *d, doc_table *t, int n, const cwsh_value *v)
{
    size_t need = (size_t)(t->nrow + 1) * (size_t)t->ncol;
    if (need > t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        while (cap < need) cap *= 2;
        cwsh_value *c = realloc(t->cells, cap * sizeof *c);
        if (!c) { d->failed = 1; return -1; }
        t->cells = c;
        t->cap = cap;
    }
    cwsh_value *row = t->cells + (size_t)t->nrow * (size_t)t->ncol;
    for (int i = 0; i < t->ncol; i++) {
        cwsh_value x = { 0 };
        if (i < n) x = v[i];
        if (x.s) {
            x.s = dupn(x.s, x.n);
            if (!x.s) { d->failed = 1; x.type = CWSH_NULL; x.n = 0; }
        }
        row[i] = x;
    }
    t->nrow++;
    return 0;
}

/* -------------------------------------------------------------- tee */

/* Forwards to the renderer and copies into the document. */
typedef struct tee {
    cwsh_sink k;
    cwsh_sink *r;
    document *d;
    doc_table *t;
    char *title;
    int nnames;                 /* document_tee_names: the copy's names */
    const char *const *names;
} tee;

static void tee_columns(cwsh_sink *k, int n, const char *const *names)
{
    tee *e = (tee *)k;
    if (e->r) e->r->columns(e->r, n, names);
    /* statements without columns (INSERT, CREATE) are not result sets */
    if (e->names && e->nnames == n) names = e->names;
    e->t = n > 0 ? doc_add(e->d, e->title, n, names) : NULL;
}

static int tee_row(cwsh_sink *k, int n, const cwsh_value *v)
{
    tee *e = (tee *)k;
    if (e->t) table_row(e->d, e->t, n, v);
    return e->r ? e->r->row(e->r, n, v) : 0;
}

static void tee_end(cwsh_sink *k)
{
    tee *e = (tee *)k;
    if (e->r) e->r->end(e->r);
    /* the pointer would not survive the next doc_add's realloc */
    e->t = NULL;
}

cwsh_sink *document_tee(session *s, cwsh_sink *render, const char *title)
{
    if (!s->document) return render;
    tee *e = calloc(1, sizeof *e);
    if (!e) return render;
    e->k = (cwsh_sink){ tee_columns, tee_row, tee_end };
    e->r = render;
    e->d = s->document;
    e->title = title ? strdup(title) : NULL;
    return &e->k;
}

void document_tee_names(cwsh_sink *k, cwsh_sink *render, int n, const char *const *names)
{
    if (!k || k == render) return;
    tee *e = (tee *)k;
    e->nnames = n;
    e->names = names;
}

cwsh_sink *document_untee(cwsh_sink *k, cwsh_sink *render)
{
    if (!k || k == render) return render;
    tee *e = (tee *)k;
    free(e->title);
    free(e);
    return render;
}

/* ----------------------------------------------------------- writing */

/* The format by name, else the one for FILE's extension; NULL when none. */
static const cwsh_format *find_format(session *s, const char *name, const char *file)
{
    for (int i = 0; name && i < s->nformats; i++)
        if (!strcmp(s->formats[i]->name, name)) return s->formats[i];
    if (name) return NULL;
    const char *dot = strrchr(file, '.');
    if (!dot || strchr(dot, '/')) return NULL;
    for (int i = 0; i < s->nformats; i++)
        if (s->formats[i]->extension && !strcasecmp(dot + 1, s->formats[i]->extension))
            return s->formats[i];
    return NULL;
}

/* Raise "<msg> (formats: md, csv)". */
static int no_format(lua_State *L, session *s, const char *msg)
{
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, msg);
    luaL_addstring(&b, " (formats: ");
    for (int i = 0; i < s->nformats; i++) {
        if (i) luaL_addstring(&b, ", ");
        luaL_addstring(&b, s->formats[i]->name);
    }
    luaL_addstring(&b, ")");
    luaL_pushresult(&b);
    return lua_error(L);
}

/* Hand d's tables to its format, into f.  0, or -1 with *err. */
static int doc_write(document *d, FILE *f, char **err)
{
    *err = NULL;
    if (d->failed) { *err = strdup("out of memory while collecting the result sets"); return -1; }
    cwsh_table *t = calloc((size_t)d->n + 1, sizeof *t);
    if (!t) { *err = strdup("out of memory"); return -1; }
    for (int i = 0; i < d->n; i++)
        t[i] = (cwsh_table){ d->t[i].title, d->t[i].ncol, (const char *const *)d->t[i].columns,
                             d->t[i].nrow, d->t[i].cells };
    int rc = d->fmt->write(d->fmt->self, f, d->n, t, err);
    free(t);
    if (rc != 0 && !*err) *err = strdup("the format's writer failed");
    return rc != 0 ? -1 : 0;
}

/* Write and close the open document: 0 with "wrote ..." in buf, or -1
 * with the message in buf. */
static int doc_finish(session *s, char *buf, size_t size)
{
    document *d = s->document;
    s->document = NULL;
    char *err = NULL;
    int rc = doc_write(d, d->out.f, &err);
    if (rc == 0) rc = afile_commit(&d->out, &err);
    else {
        afile_abort(&d->out);       /* the file that was there stays */
        char *m = NULL;
        if (asprintf(&m, "cannot write '%s': %s", d->path, err ? err : "?") < 0) m = NULL;
        free(err);
        err = m;
    }
    if (rc == 0)
        snprintf(buf, size, "wrote %d result set%s to '%s' (%s)", d->n, d->n == 1 ? "" : "s",
                 d->path, d->fmt->name);
    else
        snprintf(buf, size, "%s", err ? err : "out of memory");
    free(err);
    doc_free(d);
    return rc;
}

#define USAGE ".document [FILE [--format NAME]]"

/* .document FILE [--format NAME] | .document */
static int d_document(lua_State *L)
{
    session *s = session_current;
    int n = lua_gettop(L);
    char msg[1200];
    if (n == 0) {
        if (!s->document) return luaL_error(L, ".document: no document is open (usage: " USAGE ")");
        if (doc_finish(s, msg, sizeof msg) != 0) return luaL_error(L, "%s", msg);
        lua_pushstring(L, msg);
        return 1;
    }
    const char *file = luaL_checkstring(L, 1), *name = NULL;
    if (n == 3 && !strcmp(luaL_checkstring(L, 2), "--format")) name = luaL_checkstring(L, 3);
    else if (n != 1) return luaL_error(L, "usage: " USAGE);
    if (s->document)
        return luaL_error(L, ".document: '%s' is open; end it with .document first", s->document->path);
    const cwsh_format *fmt = find_format(s, name, file);
    if (!fmt) {
        if (name) snprintf(msg, sizeof msg, ".document: no format is named '%s'", name);
        else snprintf(msg, sizeof msg, ".document: no format writes '%s'; name one with --format NAME", file);
        return no_format(L, s, msg);
    }
    document *d = calloc(1, sizeof *d);
    if (!d || !(d->path = strdup(file))) { free(d); return luaL_error(L, "out of memory"); }
    d->fmt = fmt;
    char *err;
    if (afile_open(&d->out, file, &err) != 0) {
        doc_free(d);
        lua_pushfstring(L, ".document: %s", err ? err : "out of memory");
        free(err);
        return lua_error(L);
    }
    s->document = d;
    return 0;
}

void document_end(session *s)
{
    char msg[1200];
    if (!s->document) return;
    int rc = doc_finish(s, msg, sizeof msg);
    fflush(s->out);
    fprintf(stderr, "cwsh: %s\n", msg);
    if (rc != 0) s->failed = 1;
}

/* cwsh.write_document(file, {set, ...} [, format]) -> "wrote ..." */
static int l_write_document(lua_State *L)
{
    session *s = session_current;
    const char *file = luaL_checkstring(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    const char *name = luaL_optstring(L, 3, NULL);
    const cwsh_format *fmt = find_format(s, name, file);
    char msg[1200];
    if (!fmt) {
        if (name) snprintf(msg, sizeof msg, "write_document: no format is named '%s'", name);
        else snprintf(msg, sizeof msg, "write_document: no format writes '%s'; name one", file);
        return no_format(L, s, msg);
    }
    document *d = calloc(1, sizeof *d);
    if (!d) return luaL_error(L, "out of memory");
    d->fmt = fmt;
    lua_Integer n = (lua_Integer)lua_rawlen(L, 2);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, 2, i);
        const char *title = lua_getfield(L, -1, "title") == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        tee e = { { tee_columns, tee_row, tee_end }, NULL, d, NULL, (char *)title, 0, NULL };
        int rc = cwshlib_feed(s, -2, &e.k, 0);     /* a file for people: the columns' own names */
        if (rc != 0) {
            lua_pushfstring(L, "write_document: set %I: %s", i, lua_tostring(L, -1));
            doc_free(d);
            return lua_error(L);
        }
        lua_pop(L, 2);
    }
    afile out;
    char *err = NULL;
    if (afile_open(&out, file, &err) != 0) {
        doc_free(d);
        lua_pushfstring(L, "write_document: %s", err ? err : "out of memory");
        free(err);
        return lua_error(L);
    }
    int rc = doc_write(d, out.f, &err);
    if (rc == 0) rc = afile_commit(&out, &err);
    else {                          /* the file that was there stays */
        afile_abort(&out);
        char *m = NULL;
        if (asprintf(&m, "cannot write '%s': %s", file, err ? err : "?") < 0) m = NULL;
        free(err);
        err = m;
    }
    if (rc == 0)
        snprintf(msg, sizeof msg, "wrote %d result set%s to '%s' (%s)", d->n, d->n == 1 ? "" : "s",
                 file, fmt->name);
    else
        snprintf(msg, sizeof msg, "write_document: %s", err ? err : "out of memory");
    free(err);
    doc_free(d);
    if (rc != 0) return luaL_error(L, "%s", msg);
    lua_pushstring(L, msg);
    return 1;
}

/* ----------------------------------------------------- core formats */

/* Each table through the renderer in `mode`, headers on. */
static void render_table(FILE *f, enum render_mode mode, const cwsh_table *t)
{
    /* a document's csv is opened in a spreadsheet: formulas guarded */
    render_config cfg = { .mode = mode, .headers = 1, .excel = mode == RENDER_CSV };
    cwsh_sink *k = render_open(f, &cfg);
    if (!k) return;
    k->columns(k, t->ncol, t->columns);
    for (long r = 0; r < t->nrow; r++)
        if (k->row(k, t->ncol, t->cells + (size_t)r * (size_t)t->ncol)) break;
    k->end(k);
    render_close(&k);
}

/* Markdown: "## title", a blank line, the table (render.h's markdown
 * mode: aligned, '|' escaped, newlines as <br>), a blank line between
 * tables.  A title's newlines become spaces: a heading is one line. */
static int md_write(void *self, FILE *f, int n, const cwsh_table *t, char **err)
{
    for (int i = 0; i < n; i++) {
        if (i) fputc('\n', f);
        if (t[i].title) {
            fputs("## ", f);
            for (const char *p = t[i].title; *p; p++) fputc(*p == '\n' || *p == '\r' ? ' ' : *p, f);
            fputs("\n\n", f);
        }
        render_table(f, RENDER_MARKDOWN, &t[i]);
    }
    if (ferror(f)) { *err = strdup(strerror(errno)); return -1; }
    return 0;
}

/* CSV: per table its title as a record of one field, then the header and
 * the rows as the csv mode writes them (RFC 4180 quoting and CRLF); an
 * empty line between tables. */
static int csv_write(void *self, FILE *f, int n, const cwsh_table *t, char **err)
{
    for (int i = 0; i < n; i++) {
        if (i) fputs("\r\n", f);       /* CRLF, as the csv mode ends its records */
        if (t[i].title) {
            render_config cfg = { .mode = RENDER_CSV, .headers = 0, .excel = 1 };
            cwsh_sink *k = render_open(f, &cfg);
            const char *col[] = { "title" };
            cwsh_value v = { CWSH_TEXT, 0, 0, t[i].title, strlen(t[i].title) };
            if (k) { k->columns(k, 1, col); k->row(k, 1, &v); k->end(k); render_close(&k); }
        }
        render_table(f, RENDER_CSV, &t[i]);
    }
    if (ferror(f)) { *err = strdup(strerror(errno)); return -1; }
    return 0;
}

static const cwsh_format core_formats[] = {
    { sizeof(cwsh_format), "md", "md",
      "Markdown: each result set under a '## title' heading, as a table", NULL, md_write },
    { sizeof(cwsh_format), "csv", "csv",
      "CSV: each result set as its title, its header and its rows, a blank line between them",
      NULL, csv_write },
};

/* .document's help: the formats registered when it is asked for. */
static int d_help_text(session *s, luaL_Buffer *b)
{
    luaL_addstring(b, "collect the result sets shown from now on into FILE, written by the format "
                      "for FILE's extension or NAME when .document ends them:");
    for (int i = 0; i < s->nformats; i++) {
        const cwsh_format *f = s->formats[i];
        luaL_addstring(b, "\n  ");
        luaL_addstring(b, f->name);
        if (f->extension) { luaL_addstring(b, " (."); luaL_addstring(b, f->extension); luaL_addstring(b, ")"); }
        luaL_addstring(b, ": ");
        luaL_addstring(b, f->help ? f->help : "");
    }
    return 0;
}

void document_help(session *s)
{
    lua_State *L = s->L;
    if (!cwshlib_push_command(L, ".document")) { lua_pop(L, 1); return; }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    d_help_text(s, &b);
    luaL_pushresult(&b);
    lua_setfield(L, -2, "help");
    lua_pop(L, 1);
}

void document_open(session *s)
{
    for (size_t i = 0; i < sizeof core_formats / sizeof core_formats[0]; i++)
        s->host.register_format(&s->host, &core_formats[i]);
    cwshlib_register_c(s, ".document", USAGE, "", d_document);
    document_help(s);
    lua_getglobal(s->L, "cwsh");
    lua_pushcfunction(s->L, l_write_document);
    lua_setfield(s->L, -2, "write_document");
    lua_pushcfunction(s->L, afile_lua_write);
    lua_setfield(s->L, -2, "write_file");
    lua_pop(s->L, 1);
}
