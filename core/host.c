/*
 * host.c — the services plugins get (cwsh_host), implemented over the
 * session: Lua modules and commands go into the one lua_State, messages go
 * to stderr in order with stdout, the store is remembered for sources.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include "host.h"
#include "cwshlib.h"
#include "luahost.h"
#include "progress.h"
#include "render.h"
#include "source.h"

#define S(h) ((session *)(h))

static void h_register_module(cwsh_host *h, const char *name, lua_CFunction open)
{
    lua_State *L = S(h)->L;
    luaL_requiref(L, name, open, 1);
    lua_pop(L, 1);
}

static void h_register_command(cwsh_host *h, const char *name, const char *usage,
                               const char *help, lua_CFunction fn)
{
    cwshlib_register_c(S(h), name, usage, help, fn);
}

static void h_register_store(cwsh_host *h, cwsh_store *store) { S(h)->store = store; }
static void h_register_source(cwsh_host *h, const cwsh_source *src) { source_register(S(h), src); }
static cwsh_store *h_store(cwsh_host *h) { return S(h)->store; }

static void h_progress(cwsh_host *h, const char *what, long long done,
                       long long bytes, long long total)
{
    (void)h;
    progress_update(what, done, bytes, total);
}

static void vmsg(session *s, const char *prefix, const char *fmt, va_list ap)
{
    progress_clear();
    fflush(s->out);
    fputs(prefix, stderr);
    vfprintf(stderr, fmt, ap);
    size_t n = strlen(fmt);
    if (n == 0 || fmt[n - 1] != '\n') fputc('\n', stderr);
}

static void h_errorf(cwsh_host *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(S(h), "", fmt, ap);
    va_end(ap);
}

static void h_noticef(cwsh_host *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(S(h), "", fmt, ap);
    va_end(ap);
}

static int h_interrupted(cwsh_host *h) { return S(h)->interrupted; }

/* The host's output sink renders one result set at a time; a new sink is
 * opened per columns() call and closed at end(). */
typedef struct out_sink {
    cwsh_sink k;
    session *s;
    cwsh_sink *r;
} out_sink;

static void os_columns(cwsh_sink *k, int n, const char *const *names)
{
    out_sink *o = (out_sink *)k;
    if (o->r) render_close(&o->r);
    o->r = render_open(o->s->out, &o->s->render);
    o->r->columns(o->r, n, names);
}

static int os_row(cwsh_sink *k, int n, const cwsh_value *v)
{
    out_sink *o = (out_sink *)k;
    return o->r ? o->r->row(o->r, n, v) : 1;
}

static void os_end(cwsh_sink *k)
{
    out_sink *o = (out_sink *)k;
    if (!o->r) return;
    o->r->end(o->r);
    render_close(&o->r);
}

static cwsh_sink *h_output(cwsh_host *h)
{
    static out_sink o = { { os_columns, os_row, os_end }, NULL, NULL };
    o.s = S(h);
    return &o.k;
}

void host_init(session *s)
{
    cwsh_host *h = &s->host;
    h->abi = CWSH_ABI;
    h->L = s->L;
    h->db_path = s->db_path;
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
    if (s->src_name && !s->interactive)
        fprintf(stderr, "%s:%d: %s\n", s->src_name, s->src_line, msg);
    else
        fprintf(stderr, "error: %s\n", msg);
    fflush(stderr);
}

int session_set_output(session *s, const char *path, int once)
{
    if (s->out != stdout) fclose(s->out);
    s->out = stdout;
    s->out_once = 0;
    if (!path) return 0;
    FILE *f = fopen(path, "w");
    if (!f) {
        char msg[600];
        snprintf(msg, sizeof msg, "cannot open '%s' for writing", path);
        session_error(s, msg);
        return -1;
    }
    s->out = f;
    s->out_once = once;
    return 0;
}

void session_after_command(session *s)
{
    fflush(s->out);
    /* .once sets 2: the .once command itself ends, then the next one */
    if (s->out_once == 2) s->out_once = 1;
    else if (s->out_once) session_set_output(s, NULL, 0);
}
