/*
 * host.c — the services plugins get (cwsh_host), implemented over the
 * session: Lua modules and commands go into the one lua_State, messages go
 * to stderr in order with stdout, the store is remembered for sources.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include "host.h"
#include "cwshlib.h"
#include "document.h"
#include "domain.h"
#include "luahost.h"
#include "outenc.h"
#include "progress.h"
#include "render.h"
#include "source.h"
#include "shell.h"

#define S(h) ((session *)(h))

/* The messages and the bar go to stderr from any thread (the csv parser
 * thread reports bad rows while the main thread feeds the store): one
 * lock keeps a message, its line end and the bar it clears together. */
static pthread_mutex_t msg_lock = PTHREAD_MUTEX_INITIALIZER;

/* -------------------------------------------------------- registration */

/* "plugin 'sqlite'", or "the core" for owner NULL. */
static const char *who(const char *owner, char *buf, size_t size)
{
    if (!owner) return "the core";
    snprintf(buf, size, "plugin '%s'", owner);
    return buf;
}

/* A registration of the running init refused: the message (after
 * "plugin 'NAME' ") joins the others of this init for plugin.c to report.
 * Returns -1 for the host function to return. */
__attribute__((format(printf, 2, 3)))
static int refused(session *s, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char me[160];
    who(s->loading, me, sizeof me);
    char *prev = s->reg_error, *all = NULL;
    if (asprintf(&all, "%s%s%s %s", prev ? prev : "", prev ? "; " : "", me, msg) < 0) all = NULL;
    if (all) { free(prev); s->reg_error = all; }
    return -1;
}

/* A registration's Lua work runs under lua_pcall, so that running out
 * of memory during a plugin's init (outside any protected call) is a
 * refused registration, not a panic.  `taken` gets the owner of a name
 * already registered: a plugin's name, or NULL for the core. */
typedef struct reg {
    session *s;
    const char *name, *usage, *help;
    lua_CFunction fn;
    int taken;
    char owner[128];
} reg;

static void note_owner(reg *r, lua_State *L)
{
    r->taken = 1;
    if (lua_type(L, -1) == LUA_TSTRING) snprintf(r->owner, sizeof r->owner, "%s", lua_tostring(L, -1));
}

/* lua_pcall'd with the reg: package.loaded[name] and the global `name`
 * must be free; then luaL_requiref(name, open) and the owner recorded in
 * the registry's "cwsh.modules" (name -> plugin name). */
static int reg_module(lua_State *L)
{
    reg *r = lua_touserdata(L, 1);
    lua_getglobal(L, "package");
    lua_getfield(L, -1, "loaded");
    if (lua_getfield(L, -1, r->name) != LUA_TNIL || lua_getglobal(L, r->name) != LUA_TNIL) {
        lua_getfield(L, LUA_REGISTRYINDEX, "cwsh.modules");
        lua_getfield(L, -1, r->name);
        note_owner(r, L);
        return 0;
    }
    luaL_requiref(L, r->name, r->fn, 1);
    if (r->s->loading) {
        lua_getfield(L, LUA_REGISTRYINDEX, "cwsh.modules");
        lua_pushstring(L, r->s->loading);
        lua_setfield(L, -2, r->name);
    }
    return 0;
}

/* lua_pcall'd with the reg: the command table, its owner recorded. */
static int reg_command(lua_State *L)
{
    reg *r = lua_touserdata(L, 1);
    if (cwshlib_push_command(L, r->name)) {
        lua_getfield(L, -1, "owner");
        note_owner(r, L);
        return 0;
    }
    cwshlib_register_c(r->s, r->name, r->usage, r->help, r->fn);
    if (r->s->loading) {
        cwshlib_push_command(L, r->name);
        lua_pushstring(L, r->s->loading);
        lua_setfield(L, -2, "owner");
    }
    return 0;
}

/* Run `fn` on r protected: 0, or -1 with the refusal recorded. */
static int reg_run(reg *r, lua_CFunction fn, const char *what)
{
    session *s = r->s;
    lua_State *L = s->L;
    int top = lua_gettop(L), rc = 0;
    lua_pushcfunction(L, fn);
    lua_pushlightuserdata(L, r);
    char o[160];
    if (lua_pcall(L, 1, 0, 0) != LUA_OK)
        rc = refused(s, "registers %s '%s', but that raised: %s", what, r->name,
                     lua_isstring(L, -1) ? lua_tostring(L, -1) : "(no message)");
    else if (r->taken)
        rc = refused(s, "registers %s '%s', which %s registered already", what, r->name,
                     who(r->owner[0] ? r->owner : NULL, o, sizeof o));
    lua_settop(L, top);
    return rc;
}

static int h_register_module(cwsh_host *h, const char *name, lua_CFunction open)
{
    if (!name || !open) return refused(S(h), "registers a module without a name or an open function");
    reg r = { S(h), name, NULL, NULL, open, 0, "" };
    return reg_run(&r, reg_module, "module");
}

static int h_register_command(cwsh_host *h, const char *name, const char *usage,
                              const char *help, lua_CFunction fn)
{
    if (!name || !*name || !fn) return refused(S(h), "registers a command without a name or a function");
    reg r = { S(h), name, usage, help, fn, 0, "" };
    return reg_run(&r, reg_command, "command");
}

static int h_register_store(cwsh_host *h, cwsh_store *store)
{
    session *s = S(h);
    char o[160];
    if (!store) return refused(s, "registers a NULL store");
    if (store->size != sizeof(cwsh_store))
        return refused(s, "registers a cwsh_store of another layout than this cwsh's "
                          "(rebuild it against this cwsh.h)");
    if (s->store)
        return refused(s, "registers store '%s', but %s registered store '%s' already",
                       store->name ? store->name : "?", who(s->store_owner, o, sizeof o),
                       s->store->name ? s->store->name : "?");
    s->store = store;
    s->store_owner = s->loading;
    return 0;
}

static int h_register_source(cwsh_host *h, const cwsh_source *src)
{
    session *s = S(h);
    char o[160];
    if (!src) return refused(s, "registers a NULL source");
    if (src->size != sizeof(cwsh_source))
        return refused(s, "registers a cwsh_source of another layout than this cwsh's "
                          "(rebuild it against this cwsh.h)");
    if (!src->name || !src->import) return refused(s, "registers a source without a name or an import function");
    const char *owner;
    if (source_find(s, src->name, &owner))
        return refused(s, "registers source '%s', which %s registered already", src->name,
                       who(owner, o, sizeof o));
    if (source_register(s, src, s->loading) != 0)
        return refused(s, "registers source '%s', one more than the %d sources cwsh holds",
                       src->name, SESSION_MAX_SOURCES);
    return 0;
}

static int h_register_format(cwsh_host *h, const cwsh_format *fmt)
{
    session *s = S(h);
    char o[160];
    if (!fmt) return refused(s, "registers a NULL format");
    if (fmt->size != sizeof(cwsh_format))
        return refused(s, "registers a cwsh_format of another layout than this cwsh's "
                          "(rebuild it against this cwsh.h)");
    if (!fmt->name || !fmt->write) return refused(s, "registers a format without a name or a writer");
    for (int i = 0; i < s->nformats; i++)
        if (!strcmp(s->formats[i]->name, fmt->name))
            return refused(s, "registers format '%s', which %s registered already", fmt->name,
                           who(s->format_owner[i], o, sizeof o));
    if (s->nformats == SESSION_MAX_FORMATS)
        return refused(s, "registers format '%s', one more than the %d formats cwsh holds",
                       fmt->name, SESSION_MAX_FORMATS);
    s->format_owner[s->nformats] = s->loading;
    s->formats[s->nformats++] = fmt;
    document_help(s);
    return 0;
}

/* Same owner: both the core (NULL) or the same plugin name. */
static int same(const char *a, const char *b) { return a == b || (a && b && !strcmp(a, b)); }

void host_withdraw(session *s, const char *owner)
{
    lua_State *L = s->L;
    int top = lua_gettop(L);
    /* commands: setting an existing field to nil is allowed in lua_next */
    lua_getfield(L, LUA_REGISTRYINDEX, "cwsh.commands");
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        if (lua_type(L, -1) == LUA_TTABLE && lua_getfield(L, -1, "owner") == LUA_TSTRING
            && same(lua_tostring(L, -1), owner)) {
            lua_pushvalue(L, -3);
            lua_pushnil(L);
            lua_settable(L, -6);
        }
        lua_settop(L, top + 2);        /* the table and the key */
    }
    lua_settop(L, top);
    /* modules: out of package.loaded, the globals and the owners */
    lua_getglobal(L, "package");
    lua_getfield(L, -1, "loaded");
    lua_getfield(L, LUA_REGISTRYINDEX, "cwsh.modules");
    int mods = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, mods)) {
        if (same(lua_tostring(L, -1), owner)) {
            const char *name = lua_tostring(L, -2);
            lua_pushnil(L); lua_setfield(L, mods - 1, name);
            lua_pushnil(L); lua_setglobal(L, name);
            lua_pushvalue(L, -2); lua_pushnil(L); lua_settable(L, mods);
        }
        lua_pop(L, 1);
    }
    lua_settop(L, top);
    if (s->store && same(s->store_owner, owner)) { s->store = NULL; s->store_owner = NULL; }
    source_withdraw(s, owner);
    int n = 0;
    for (int i = 0; i < s->nformats; i++) {
        if (same(s->format_owner[i], owner)) continue;
        s->format_owner[n] = s->format_owner[i];
        s->formats[n++] = s->formats[i];
    }
    if (n != s->nformats) { s->nformats = n; document_help(s); }
}

static cwsh_store *h_store(cwsh_host *h) { return S(h)->store; }

static void h_progress(cwsh_host *h, const char *what, long long done,
                       long long bytes, long long total)
{
    (void)h;
    pthread_mutex_lock(&msg_lock);
    progress_update(what, done, bytes, total);
    pthread_mutex_unlock(&msg_lock);
}

static void vmsg(session *s, const char *prefix, const char *fmt, va_list ap)
{
    pthread_mutex_lock(&msg_lock);
    progress_clear();
    fflush(s->out);
    fputs(prefix, stderr);
    vfprintf(stderr, fmt, ap);
    size_t n = strlen(fmt);
    if (n == 0 || fmt[n - 1] != '\n') fputc('\n', stderr);
    pthread_mutex_unlock(&msg_lock);
}

__attribute__((format(printf, 2, 3)))
static void h_errorf(cwsh_host *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(S(h), "", fmt, ap);
    va_end(ap);
}

__attribute__((format(printf, 2, 3)))
static void h_noticef(cwsh_host *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(S(h), "", fmt, ap);
    va_end(ap);
}

static int h_interrupted(cwsh_host *h) { return S(h)->interrupted; }

static void h_loaded(cwsh_host *h, long long import_id) { S(h)->loaded_import = import_id; }

/* lua_pcall'd: the list mappings.all() returns. */
static int mappings_all(lua_State *L)
{
    lua_getglobal(L, "require");
    lua_pushliteral(L, "mappings");
    lua_call(L, 1, 1);
    if (lua_getfield(L, -1, "all") != LUA_TFUNCTION) return luaL_error(L, "mappings.all is missing");
    lua_call(L, 0, 1);
    if (!lua_istable(L, -1)) return luaL_error(L, "mappings.all() gave no list");
    return 1;
}

static int h_push_mappings(cwsh_host *h, char **err)
{
    lua_State *L = h->L;
    *err = NULL;
    lua_pushcfunction(L, mappings_all);
    if (lua_pcall(L, 0, 1, 0) == LUA_OK) return 0;
    const char *m = lua_tostring(L, -1);
    *err = strdup(m ? m : "the import mappings did not load");
    lua_pop(L, 1);
    return -1;
}

static int h_pcall(cwsh_host *h, int nargs, int nresults, int *stop)
{
    return luahost_pcall(S(h), nargs, nresults, stop);
}

/* The host's output sink renders one result set at a time; a new sink is
 * opened per columns() call and closed at end(). */
typedef struct out_sink {
    cwsh_sink k;
    session *s;
    cwsh_sink *render;
    cwsh_sink *r;              /* render, or a document's tee of it */
    FILE *f;                   /* the output, or its converter (outenc.h) */
} out_sink;

/* A write of the output failed (a full disk): keep why while errno still
 * says it (a later flush of a stream in error does not), for
 * session_after_command.  1 when one failed. */
static int os_failed(out_sink *o)
{
    if (!ferror(o->s->out) && (o->f == o->s->out || !o->f || !ferror(o->f))) return 0;
    if (!o->s->out_errno) o->s->out_errno = errno ? errno : EIO;
    return 1;
}

static void os_close(out_sink *o)
{
    o->r = document_untee(o->r, o->render);
    render_close(&o->render);
    outenc_end(o->s, o->f);
    o->r = NULL;
}

static void os_columns(cwsh_sink *k, int n, const char *const *names)
{
    out_sink *o = (out_sink *)k;
    if (o->r) os_close(o);
    o->f = outenc_begin(o->s);
    o->render = render_open(o->f, &o->s->render);
    o->r = document_tee(o->s, o->render, o->s->title);
    o->r->columns(o->r, n, names);
}

static int os_row(cwsh_sink *k, int n, const cwsh_value *v)
{
    out_sink *o = (out_sink *)k;
    if (!o->r) return 1;
    int rc = o->r->row(o->r, n, v);
    return os_failed(o) ? 1 : rc;      /* a write failed: stop the rows */
}

static void os_end(cwsh_sink *k)
{
    out_sink *o = (out_sink *)k;
    if (!o->r) return;
    o->r->end(o->r);
    os_failed(o);
    os_close(o);
    os_failed(o);
}

static cwsh_sink *h_output(cwsh_host *h)
{
    static out_sink o = { { os_columns, os_row, os_end }, NULL, NULL, NULL, NULL };
    o.s = S(h);
    return &o.k;
}

void host_init(session *s)
{
    cwsh_host *h = &s->host;
    h->abi = CWSH_ABI;
    h->size = sizeof *h;
    h->L = s->L;
    h->database = s->db_path;
    h->rules_dir = s->rules_dir;
    h->register_module = h_register_module;
    h->register_command = h_register_command;
    h->register_store = h_register_store;
    h->register_source = h_register_source;
    h->store = h_store;
    h->push_null = luahost_push_null;
    h->progress = h_progress;
    h->errorf = h_errorf;
    h->noticef = h_noticef;
    h->interrupted = h_interrupted;
    h->output = h_output;
    h->register_format = h_register_format;
    lua_newtable(s->L);
    lua_setfield(s->L, LUA_REGISTRYINDEX, "cwsh.modules");
    h->pcall = h_pcall;
    h->domain = domain_get;
    h->loaded = h_loaded;
    h->push_mappings = h_push_mappings;
}

int host_open_store(session *s, char **err)
{
    *err = NULL;
    if (!s->store || !s->store->open) return 0;
    if (s->store->open(s->store->self, err) == 0) return 0;
    if (!*err) *err = strdup("cannot open the database");
    return -1;
}

void session_error(session *s, const char *msg)
{
    progress_clear();
    fflush(s->out);
    if (!msg) msg = "unknown error";
    if (s->src_name == shell_args)      /* commands as arguments: no -c to point at */
        fprintf(stderr, "cwsh: %s\n", msg);
    else if (s->src_name && !s->interactive)
        fprintf(stderr, "%s:%d: %s\n", s->src_name, s->src_line, msg);
    else
        fprintf(stderr, "error: %s\n", msg);
    fflush(stderr);
}

/* Whether the output stream `f` lost a write: its error flag, or a flush
 * that fails now.  The reason goes to *why (0 for none); the errno of the
 * write that failed is the one os_row kept, since a later flush of a
 * stream already in error succeeds without saying why. */
static int out_failed(session *s, FILE *f, int *why)
{
    int bad = ferror(f);
    errno = 0;
    if (fflush(f) != 0) { bad = 1; *why = errno; }
    else *why = s->out_errno;
    if (bad && !*why) *why = EIO;
    return bad;
}

/* The message for a write of the output that failed with `e` into msg, or
 * 0 when it is not worth one (a reader that closed the pipe: cwsh
 * ... | head -1). */
static int out_message(session *s, int e, char *msg, size_t n)
{
    if (e == EPIPE) return 0;
    if (s->out == stdout) snprintf(msg, n, "cannot write the output: %s", strerror(e));
    else snprintf(msg, n, "cannot write '%s': %s", s->out_path ? s->out_path : "?", strerror(e));
    return 1;
}

int session_set_output(session *s, const char *path, int once, char **err)
{
    char msg[700];
    int rc = 0, e;
    *err = NULL;
    if (s->out != stdout) {
        int bad = out_failed(s, s->out, &e);
        errno = 0;
        if (fclose(s->out) != 0 && !bad) { bad = 1; e = errno ? errno : EIO; }
        if (bad && out_message(s, e, msg, sizeof msg)) { *err = strdup(msg); rc = -1; }
    }
    free(s->out_path);
    s->out_path = NULL;
    s->out = stdout;
    s->out_once = 0;
    s->out_errno = 0;
    if (!path) return rc;
    FILE *f = fopen(path, "w");
    char *p = f ? strdup(path) : NULL;
    if (!p) {
        e = errno;
        if (f) fclose(f);
        snprintf(msg, sizeof msg, "%s%scannot open '%s' for writing: %s", *err ? *err : "",
                 *err ? "; " : "", path, strerror(e));
        free(*err);
        *err = strdup(msg);
        return -1;
    }
    s->out = f;
    s->out_path = p;
    s->out_once = once;
    s->out_started = 0;         /* a new file: its first CSV gets the BOM */
    return rc;
}

int session_after_command(session *s)
{
    int rc = 0, e;
    char msg[700];
    if (out_failed(s, s->out, &e) && out_message(s, e, msg, sizeof msg)) {
        session_error(s, msg);
        rc = -1;
    }
    clearerr(s->out);
    s->out_errno = 0;
    /* .once sets 2: the .once command itself ends, then the next one */
    if (s->out_once == 2) s->out_once = 1;
    else if (s->out_once) {
        char *err;
        s->out_errno = 0;
        if (session_set_output(s, NULL, 0, &err) != 0 && rc == 0) { session_error(s, err); rc = -1; }
        free(err);
    }
    return rc;
}

int session_end_output(session *s)
{
    char *err;
    int rc = session_set_output(s, NULL, 0, &err);
    if (rc != 0) session_error(s, err);
    free(err);
    int e;
    char msg[700];
    if (out_failed(s, stdout, &e) && out_message(s, e, msg, sizeof msg)) {
        session_error(s, msg);
        rc = -1;
    }
    return rc;
}
