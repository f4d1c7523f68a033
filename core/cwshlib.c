/*
 * cwshlib.c — the `cwsh` Lua module.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <lauxlib.h>
#include "cwshlib.h"
#include "document.h"
#include "luahost.h"
#include "outenc.h"
#include "render.h"
#include "sha256.h"

/* ---------------------------------------------------------- commands */

static void push_commands(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, "cwsh.commands");
}

int cwshlib_push_command(lua_State *L, const char *name)
{
    push_commands(L);
    int t = lua_getfield(L, -1, name);
    lua_remove(L, -2);
    return t == LUA_TTABLE;
}

/* cwsh.command{ name=, usage=, help=, run=, complete= } */
static int l_command(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    if (lua_getfield(L, 1, "name") != LUA_TSTRING)
        return luaL_error(L, "cwsh.command: 'name' must be a string");
    if (lua_getfield(L, 1, "run") != LUA_TFUNCTION)
        return luaL_error(L, "cwsh.command '%s': 'run' must be a function", lua_tostring(L, -2));
    lua_pop(L, 1);
    push_commands(L);
    lua_pushvalue(L, -2);
    lua_pushvalue(L, 1);
    lua_settable(L, -3);
    lua_pop(L, 2);
    return 0;
}

void cwshlib_register_c(session *s, const char *name, const char *usage,
                        const char *help, lua_CFunction fn)
{
    lua_State *L = s->L;
    push_commands(L);
    lua_createtable(L, 0, 6);
    lua_pushstring(L, name);
    lua_setfield(L, -2, "name");
    lua_pushstring(L, usage ? usage : name);
    lua_setfield(L, -2, "usage");
    lua_pushstring(L, help ? help : "");
    lua_setfield(L, -2, "help");
    lua_pushcfunction(L, fn);
    lua_setfield(L, -2, "run");
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "c");
    lua_setfield(L, -2, name);
    lua_pop(L, 1);
}

/* ------------------------------------------------------------ output */

static int l_print(lua_State *L)
{
    session *s = session_current;
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *p = luaL_tolstring(L, i, &len);
        if (i > 1) fputc('\t', s->out);
        fwrite(p, 1, len, s->out);
        lua_pop(L, 1);
    }
    fputc('\n', s->out);
    return 0;
}

int cwshlib_data_mode(const session *s)
{
    enum render_mode m = s->render.mode;
    return m == RENDER_CSV || m == RENDER_TSV || m == RENDER_JSON;
}

FILE *cwshlib_text_out(session *s)
{
    if (!cwshlib_data_mode(s)) return s->out;
    fflush(s->out);
    return stderr;
}

/* cwsh.mode() -> the output mode's name and whether it is a data mode
 * (csv, tsv, json: stdout carries only what the mode parses as). */
static int l_mode(lua_State *L)
{
    session *s = session_current;
    lua_pushstring(L, render_mode_name(s->render.mode));
    lua_pushboolean(L, cwshlib_data_mode(s));
    return 2;
}

static int l_notice(lua_State *L)
{
    session *s = session_current;
    size_t len;
    const char *p = luaL_checklstring(L, 1, &len);
    fflush(s->out);
    fwrite(p, 1, len, stderr);
    if (len == 0 || p[len - 1] != '\n') fputc('\n', stderr);
    return 0;
}

/* A number format (a result set's formats[i]) holds exactly one
 * conversion: '%', flags from "-+ #0", a width and a precision of at
 * most two digits each, then one of d i f F e E g G; "%%" is a '%'
 * anywhere, other text is copied.  These are the formats that are safe to
 * hand to snprintf with one number: "%s" or "%n" would read or write
 * memory that is not there (formats={"%f %s%s%s%n"} crashed the shell).
 * NULL when `fmt` is one, with *conv at its conversion character; else
 * why not, in `why`. */
#define FORMAT_MAX 40
static const char *format_check(const char *fmt, const char **conv, char *why, size_t size)
{
    int n = 0;
    if (strlen(fmt) > FORMAT_MAX) {
        snprintf(why, size, "is longer than %d bytes", FORMAT_MAX);
        return why;
    }
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') continue;
        if (p[1] == '%') { p++; continue; }
        const char *start = p++;
        p += strspn(p, "-+ #0");
        size_t w = strspn(p, "0123456789");
        p += w;
        size_t pr = 0;
        if (*p == '.') { p++; pr = strspn(p, "0123456789"); p += pr; }
        if (w > 2 || pr > 2) {
            snprintf(why, size, "has a width or precision of more than two digits in '%.*s'",
                     (int)(p - start), start);
            return why;
        }
        if (!*p || !strchr("diFfeEgG", *p)) {
            snprintf(why, size, "has '%.*s', which is not a number conversion "
                     "(%%d %%i %%f %%e %%g, with flags, width and precision)",
                     (int)(p - start) + (*p ? 1 : 0), start);
            return why;
        }
        if (++n > 1) {
            snprintf(why, size, "has more than one conversion");
            return why;
        }
        *conv = p;
    }
    if (n == 0) {
        snprintf(why, size, "has no conversion (%%d %%i %%f %%e %%g)");
        return why;
    }
    return NULL;
}

/* Format number cell `idx` with `fmt`, checked by format_check (conv is
 * its conversion), into buf.  Integer conversions get the "ll" length
 * and the number rounded to the nearest integer. */
static const char *format_number(lua_State *L, int idx, const char *fmt, const char *conv,
                                 char *buf, size_t size)
{
/* fmt is not a literal, but format_check let through only one conversion
 * of the type passed here */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    if (*conv == 'd' || *conv == 'i') {
        char spec[FORMAT_MAX + 3];
        size_t pre = (size_t)(conv - fmt);
        memcpy(spec, fmt, pre);
        snprintf(spec + pre, sizeof spec - pre, "ll%s", conv);
        lua_Number d = lua_tonumber(L, idx);
        snprintf(buf, size, spec, (long long)(d < 0 ? d - 0.5 : d + 0.5));
    } else {
        snprintf(buf, size, fmt, (double)lua_tonumber(L, idx));
    }
#pragma GCC diagnostic pop
    return buf;
}

static int tostring_fn(lua_State *L)
{
    luaL_tolstring(L, 1, NULL);
    return 1;
}

static int push_message_fn(lua_State *L)
{
    lua_pushstring(L, lua_touserdata(L, 1));
    return 1;
}

/* Push C text with no raise: when Lua cannot allocate it, its memory
 * error message instead (the renderer is open: a raise would skip its
 * close). */
static void push_message(lua_State *L, const char *text)
{
    lua_pushcfunction(L, push_message_fn);
    lua_pushlightuserdata(L, (void *)text);
    lua_pcall(L, 1, 1, 0);
}

int cwshlib_feed(session *s, int idx, cwsh_sink *k, int keys)
{
    lua_State *L = s->L;
    idx = lua_absindex(L, idx);
    if (lua_getfield(L, idx, "columns") != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_pushliteral(L, "result set has no 'columns' table");
        return -1;
    }
    int ncol = (int)lua_rawlen(L, -1);
    /* the columns' arrays in one block, checked: out of memory is the
     * result set's failure, with its message, and the sink is not begun */
    size_t n = (size_t)ncol + 1;
    cwsh_value *v = calloc(n, sizeof *v + 3 * sizeof(char *) + 64);
    if (!v) {
        lua_pop(L, 1);
        lua_pushliteral(L, "out of memory");
        return -1;
    }
    const char **names = (const char **)(void *)(v + n);
    const char **fmts = names + n;
    const char **convs = fmts + n;
    char (*nbuf)[64] = (char (*)[64])(void *)(convs + n);
    for (int i = 0; i < ncol; i++) {
        lua_rawgeti(L, -1, i + 1);
        names[i] = lua_tostring(L, -1);
        if (!names[i]) names[i] = "?";
        lua_pop(L, 1);                 /* the string stays in `columns` */
    }
    int cols = lua_gettop(L);
    /* `keys`: the columns' names as identifiers (delta for Δ), which the
     * data modes print instead, so that a program reads them as keys */
    if (keys && lua_getfield(L, idx, "keys") == LUA_TTABLE) {
        for (int i = 0; i < ncol; i++) {
            lua_rawgeti(L, -1, i + 1);
            if (lua_tostring(L, -1)) names[i] = lua_tostring(L, -1);
            lua_pop(L, 1);             /* the string stays in `keys` */
        }
    }
    if (lua_getfield(L, idx, "formats") == LUA_TTABLE) {
        for (int i = 0; i < ncol; i++) {
            int t = lua_rawgeti(L, -1, i + 1);
            fmts[i] = t == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
            lua_pop(L, 1);             /* the string stays in `formats` */
            char why[160];
            if (t != LUA_TNIL && !fmts[i]) snprintf(why, sizeof why, "is a %s, not a string",
                                                    lua_typename(L, t));
            if ((t != LUA_TNIL && !fmts[i]) || (fmts[i] && format_check(fmts[i], &convs[i], why, sizeof why))) {
                if (fmts[i])
                    lua_pushfstring(L, "result set: formats[%d] \"%s\" (column '%s') %s", i + 1,
                                    fmts[i], names[i], why);
                else
                    lua_pushfstring(L, "result set: formats[%d] (column '%s') %s", i + 1, names[i], why);
                lua_replace(L, cols);      /* the message for `columns` */
                lua_settop(L, cols);
                free(v);
                return -1;
            }
        }
    }
    int fmtt = lua_gettop(L);
    const cwsh_cursor *cur = NULL;
    void *cud = NULL;
    if (lua_getfield(L, idx, "rows") != LUA_TTABLE && lua_getfield(L, idx, "cursor") == LUA_TUSERDATA &&
        luaL_getmetafield(L, -1, "__cwsh_cursor") == LUA_TLIGHTUSERDATA) {
        cur = lua_touserdata(L, -1);
        cud = lua_touserdata(L, -2);
    }
    lua_settop(L, fmtt);
    k->columns(k, ncol, names);
    lua_Integer fed = 0;
    int rc = 0;
    if (cur) {
        /* the cursor's cells are the store's: formats apply to numbers
         * the store gives as they do to a Lua table's */
        lua_getfield(L, idx, "cursor");            /* keeps cud alive */
        int got;
        const char *err = NULL;
        while ((got = cur->next(cud, ncol, v, &err)) == 1) {
            for (int i = 0; i < ncol; i++) {
                cwsh_value *c = &v[i];
                if (fmts[i] && (c->type == CWSH_INT || c->type == CWSH_REAL)) {
                    lua_pushnumber(L, c->type == CWSH_INT ? (lua_Number)c->i : c->r);
                    format_number(L, -1, fmts[i], convs[i], nbuf[i], sizeof nbuf[i]);
                    lua_pop(L, 1);
                    c->s = nbuf[i];
                    c->n = strlen(nbuf[i]);
                }
            }
            if (k->row(k, ncol, v)) break;
            fed++;
        }
        if (got < 0) {                          /* the message for `columns` */
            push_message(L, err ? err : "out of memory");
            lua_replace(L, cols);
            rc = -1;
        }
        cur->close(cud);
    } else if (lua_getfield(L, idx, "rows") == LUA_TTABLE) {
        lua_Integer nrow = (lua_Integer)lua_rawlen(L, -1);
        for (lua_Integer r = 1; r <= nrow; r++) {
            lua_rawgeti(L, -1, r);
            int row = lua_gettop(L);
            for (int i = 0; i < ncol; i++) {
                cwsh_value *c = &v[i];
                memset(c, 0, sizeof *c);
                int t = lua_rawgeti(L, row, i + 1);
                if (t == LUA_TNUMBER) {
                    if (lua_isinteger(L, -1)) { c->type = CWSH_INT; c->i = lua_tointeger(L, -1); }
                    else { c->type = CWSH_REAL; c->r = lua_tonumber(L, -1); }
                    if (fmts[i] && format_number(L, -1, fmts[i], convs[i], nbuf[i], sizeof nbuf[i])) {
                        c->s = nbuf[i];
                        c->n = strlen(nbuf[i]);
                    }
                } else if (t == LUA_TSTRING) {
                    c->type = CWSH_TEXT;
                    c->s = lua_tolstring(L, -1, &c->n);
                } else if (t == LUA_TBOOLEAN) {
                    c->type = CWSH_TEXT;
                    c->s = lua_toboolean(L, -1) ? "true" : "false";
                    c->n = strlen(c->s);
                } else if (t != LUA_TNIL && !(t == LUA_TUSERDATA && luaL_testudata(L, -1, "cwsh.null"))) {
                    /* a __tostring runs Lua: protected, so that its error
                     * (or Ctrl-C, or no memory) ends the set with the sink
                     * ended and nothing leaked, like a store's error */
                    lua_pushcfunction(L, tostring_fn);
                    lua_insert(L, -2);
                    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
                        lua_replace(L, cols);          /* the message for `columns` */
                        rc = -1;
                        break;
                    }
                    c->type = CWSH_TEXT;
                    c->s = lua_tolstring(L, -1, &c->n);
                }
            }
            if (rc != 0) break;
            int stop = k->row(k, ncol, v);
            lua_settop(L, row - 1);
            if (stop) break;
            fed++;
        }
    }
    lua_settop(L, fmtt);
    k->end(k);
    free(v);
    /* `done(n)`: told the rows shown once they are (a listing's count,
     * which a cursor knows only at its end) */
    if (rc == 0 && lua_getfield(L, idx, "done") == LUA_TFUNCTION) {
        lua_pushinteger(L, fed);
        if (lua_pcall(L, 1, 0, 0) != LUA_OK) { lua_replace(L, cols); rc = -1; }
    }
    lua_settop(L, cols - 1 + (rc != 0));
    return rc;
}

int cwshlib_render(session *s, int idx)
{
    lua_State *L = s->L;
    idx = lua_absindex(L, idx);
    FILE *out = outenc_begin(s);             /* the BOM, or a converter */
    cwsh_sink *r = render_open(out, &s->render);
    if (!r) { outenc_end(s, out); lua_pushliteral(L, "out of memory"); return -1; }
    /* a document's copy is titled by the result set, else by the command */
    const char *title = lua_getfield(L, idx, "title") == LUA_TSTRING ? lua_tostring(L, -1) : s->title;
    cwsh_sink *k = document_tee(s, r, title);
    lua_pop(L, 1);
    int keys = cwshlib_data_mode(s);
    const char *heads[64];
    if (keys && k != r) {
        /* the screen gets the keys, the document the headings; the
         * strings live in the result set, on the stack until the feed */
        int top = lua_gettop(L);
        if (lua_getfield(L, idx, "keys") == LUA_TTABLE && lua_getfield(L, idx, "columns") == LUA_TTABLE) {
            int n = (int)lua_rawlen(L, -1), ok = n <= 64;
            for (int i = 0; ok && i < n; i++) {
                lua_rawgeti(L, -1, i + 1);
                heads[i] = lua_tostring(L, -1);
                ok = heads[i] != NULL;
                lua_pop(L, 1);
            }
            if (ok) document_tee_names(k, r, n, heads);
        }
        lua_settop(L, top);
    }
    int rc = cwshlib_feed(s, idx, k, keys);
    document_untee(k, r);
    render_close(&r);
    outenc_end(s, out);
    return rc;
}


void cwshlib_show(session *s, int idx)
{
    lua_State *L = s->L;
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TTABLE) {
        lua_getfield(L, idx, "columns");
        int is_rs = lua_type(L, -1) == LUA_TTABLE;
        lua_pop(L, 1);
        if (is_rs) { cwshlib_render(s, idx); return; }
        /* { document = TEXT }: what the user asked for by its format (a
         * notice as md, csv, html): the output, whatever the mode */
        if (lua_getfield(L, idx, "document") == LUA_TSTRING) {
            size_t n;
            const char *p = lua_tolstring(L, -1, &n);
            fwrite(p, 1, n, s->out);
            if (n == 0 || p[n - 1] != '\n') fputc('\n', s->out);
            lua_pop(L, 1);
            return;
        }
        lua_pop(L, 1);
    }
    if (lua_isnoneornil(L, idx) && lua_type(L, idx) == LUA_TNONE) return;
    size_t n;
    const char *p = luaL_tolstring(L, idx, &n);
    /* text a command returns is for people: in a data mode it goes to
     * stderr, so that stdout stays parseable */
    FILE *f = cwshlib_text_out(s);
    fwrite(p, 1, n, f);
    if (n == 0 || p[n - 1] != '\n') fputc('\n', f);
    lua_pop(L, 1);
}

static int l_render(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    if (cwshlib_render(session_current, 1) != 0) return lua_error(L);
    return 0;
}

/* ------------------------------------------------------------- files */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* cwsh.filekind(path) -> "file", "directory" or "other" (a device, a
 * pipe, a socket), or nil when nothing is there: a writer that replaces
 * a file by renaming a temporary one over it must not do so over
 * /dev/stdout or a FIFO (stat follows symbolic links). */
static int l_filekind(lua_State *L)
{
    struct stat st;
    if (stat(luaL_checkstring(L, 1), &st) != 0) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushstring(L, S_ISREG(st.st_mode) ? "file" : S_ISDIR(st.st_mode) ? "directory" : "other");
    return 1;
}

/* cwsh.listdir(dir) -> sorted array of names (no "." entries), or nil, err
 * when there is no such directory.  Any other failure raises: callers
 * take nil for "none" (no calendar files, no mappings), and a directory
 * that could not be read for want of memory is not an empty one. */
static int l_listdir(lua_State *L)
{
    const char *dir = luaL_checkstring(L, 1);
    DIR *d = opendir(dir);
    if (!d) {
        int e = errno;
        if (e != ENOENT && e != ENOTDIR)
            return luaL_error(L, "cannot open directory '%s': %s", dir, strerror(e));
        lua_pushnil(L);
        lua_pushfstring(L, "cannot open directory '%s': %s", dir, strerror(e));
        return 2;
    }
    size_t n = 0, cap = 16;
    char **names = malloc(cap * sizeof *names);
    int oom = !names;
    struct dirent *e;
    while (!oom && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (n == cap) {
            char **v = realloc(names, cap * 2 * sizeof *names);
            if (!v) { oom = 1; break; }
            names = v;
            cap *= 2;
        }
        if (!(names[n] = strdup(e->d_name))) { oom = 1; break; }
        n++;
    }
    closedir(d);
    if (oom) {
        for (size_t i = 0; i < n; i++) free(names[i]);
        free(names);
        return luaL_error(L, "cannot list directory '%s': out of memory", dir);
    }
    qsort(names, n, sizeof *names, cmp_str);
    /* the table first, so that a failing push leaves fewer names behind */
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushstring(L, names[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
        free(names[i]);
    }
    free(names);
    return 1;
}

static int l_hash(lua_State *L)
{
    size_t n;
    const char *p = luaL_checklstring(L, 1, &n);
    char hex[65];
    sha256_hex(p, n, hex);
    lua_pushstring(L, hex);
    return 1;
}

static int l_interrupted(lua_State *L)
{
    lua_pushboolean(L, session_current->interrupted);
    return 1;
}

/* cwsh.store(): { name = "sqlite", server = false } of the store plugin
 * in use, or nil; store.lua picks the repository (store_NAME.lua) by the
 * name. */
static int l_store(lua_State *L)
{
    cwsh_store *st = session_current->store;
    if (!st) return 0;
    lua_createtable(L, 0, 2);
    lua_pushstring(L, st->name ? st->name : "");
    lua_setfield(L, -2, "name");
    lua_pushboolean(L, st->server);
    lua_setfield(L, -2, "server");
    return 1;
}

static int l_isatty(lua_State *L)
{
    lua_pushboolean(L, session_current->interactive);
    return 1;
}

void cwshlib_open(session *s)
{
    static const luaL_Reg fns[] = {
        { "command", l_command }, { "print", l_print }, { "notice", l_notice },
        { "render", l_render }, { "listdir", l_listdir }, { "filekind", l_filekind }, { "hash", l_hash },
        { "interrupted", l_interrupted }, { "interactive", l_isatty }, { "store", l_store },
        { "mode", l_mode },
        { NULL, NULL }
    };
    lua_State *L = s->L;
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, "cwsh.commands");
    luaL_newlib(L, fns);
    push_commands(L);
    lua_setfield(L, -2, "commands");
    luahost_push_null(L);
    lua_setfield(L, -2, "null");
    lua_pushstring(L, CWSH_VERSION);
    lua_setfield(L, -2, "version");
    lua_pushstring(L, s->rules_dir);
    lua_setfield(L, -2, "rules_dir");
    lua_pushstring(L, s->db_path);
    lua_setfield(L, -2, "db_path");
    lua_pushstring(L, s->lua_dir);
    lua_setfield(L, -2, "lua_dir");
    lua_setglobal(L, "cwsh");
    /* print goes where the shell's output goes (.output, .once) */
    lua_pushcfunction(L, l_print);
    lua_setglobal(L, "print");
}
