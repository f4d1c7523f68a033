/*
 * luahost.c — the session's lua_State.
 *
 * Limits come from the allocator and a count hook (STYLE 6): the allocator
 * refuses growth past max_memory; the hook counts instructions against the
 * budget of the running command and, once the budget is spent or Ctrl-C
 * was pressed, re-arms itself for every instruction so that a pcall inside
 * a rule cannot swallow the stop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include <lualib.h>
#include "luahost.h"
#include "cwshlib.h"

#define HOOK_STEP 1000

session *session_current;

static void *l_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    session *s = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        s->lua_mem -= old;
        return NULL;
    }
    /* Only growth can be refused: Lua requires shrinking to succeed. */
    if (s->max_memory && nsize > old && s->lua_mem + (nsize - old) > s->max_memory)
        return NULL;
    void *p = realloc(ptr, nsize);
    if (p) s->lua_mem = s->lua_mem - old + nsize;
    return p;
}

size_t luahost_memory(session *s) { return s->lua_mem; }

/* Raise from a hook at the position of the code that was running (level
 * 0 inside a hook), so a runaway rule is named by its own file:line. */
static int hook_error(lua_State *L, const char *fmt, lua_Integer n)
{
    luaL_where(L, 0);
    lua_pushfstring(L, fmt, n);
    lua_concat(L, 2);
    return lua_error(L);
}

static void hook(lua_State *L, lua_Debug *ar)
{
    session *s = session_current;
    (void)ar;
    if (s->interrupted) {
        lua_sethook(L, hook, LUA_MASKCOUNT, 1);
        hook_error(L, "interrupted", 0);
    }
    if (s->budget_size <= 0) return;
    if (!s->budget_over) {
        s->budget_left -= HOOK_STEP;
        if (s->budget_left > 0) return;
        s->budget_over = 1;
        lua_sethook(L, hook, LUA_MASKCOUNT, 1);
    }
    hook_error(L, "instruction budget exceeded (%I instructions)", (lua_Integer)s->budget_size);
}

/* Arm the hook for a budget of n instructions (0 = unlimited, but Ctrl-C
 * still stops Lua through luahost_interrupt). */
static void arm(session *s, long long n)
{
    s->budget_size = n;
    s->budget_left = n;
    s->budget_over = 0;
    if (n > 0) lua_sethook(s->L, hook, LUA_MASKCOUNT, HOOK_STEP);
    else lua_sethook(s->L, NULL, 0, 0);
}

void luahost_interrupt(session *s)
{
    s->interrupted = 1;
    if (s->L) lua_sethook(s->L, hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

/* Message handler: keep the message; tracebacks only on request, since
 * the people reading these errors are analysts, not Lua programmers. */
static int msgh(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    if (getenv("CWSH_TRACEBACK")) luaL_traceback(L, L, msg, 1);
    return 1;
}

int luahost_call(session *s, int nargs, int nresults)
{
    lua_State *L = s->L;
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, msgh);
    lua_insert(L, base);
    arm(s, s->max_instructions);
    int st = lua_pcall(L, nargs, nresults, base);
    arm(s, 0);
    lua_remove(L, base);
    if (st == LUA_ERRMEM) {
        lua_pop(L, 1);
        lua_pushfstring(L, "memory limit exceeded (%d MB)", (int)(s->max_memory >> 20));
    }
    return st;
}

int luahost_dofile(session *s, const char *path)
{
    if (luaL_loadfilex(s->L, path, "t") != LUA_OK || luahost_call(s, 0, 0) != LUA_OK) {
        session_error(s, lua_tostring(s->L, -1));
        lua_pop(s->L, 1);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- budget */

/* cwsh.budget(n, fn, ...): call fn under a budget of n instructions, inside
 * the command's own budget.  Errors propagate after the outer budget is
 * restored, so the caller can catch and annotate them. */
static int l_budget(lua_State *L)
{
    session *s = session_current;
    lua_Integer n = luaL_checkinteger(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    long long outer_size = s->budget_size, outer_left = s->budget_left;
    int outer_over = s->budget_over;
    if (outer_over) return luaL_error(L, "instruction budget exceeded (%I instructions)", (lua_Integer)outer_size);
    long long inner = n;
    if (outer_size > 0 && outer_left < inner) inner = outer_left;
    arm(s, inner > 0 ? inner : 1);
    int st = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 0);
    long long used = inner - s->budget_left;
    int inner_over = s->budget_over;
    arm(s, outer_size);
    if (outer_size > 0) {
        s->budget_left = outer_left - used;
        if (s->interrupted) luahost_interrupt(s);
    } else if (s->interrupted) {
        luahost_interrupt(s);
    }
    if (st != LUA_OK) {
        if (inner_over && inner < n) {   /* it was the outer budget that ran out */
            s->budget_over = 1;
            lua_sethook(L, hook, LUA_MASKCOUNT, 1);
        }
        return lua_error(L);
    }
    return lua_gettop(L) - 1;
}

/* --------------------------------------------------------------- sandbox */

static const char *const safe_globals[] = {
    "assert", "error", "ipairs", "next", "pairs", "pcall", "select",
    "tonumber", "tostring", "type", "xpcall", "rawequal", "rawget", "rawlen",
    "setmetatable", "getmetatable", "print", "_VERSION", NULL
};
static const char *const safe_libs[] = { "string", "table", "math", "utf8", "coroutine", NULL };

/* load(chunk [, name [, mode [, env]]]) for rules: text only, and the
 * environment defaults to the caller's sandbox rather than _G. */
static int l_sandbox_load(lua_State *L)
{
    size_t n;
    const char *chunk = luaL_checklstring(L, 1, &n);
    const char *name = luaL_optstring(L, 2, "=(load)");
    int has_env = !lua_isnone(L, 4);
    if (luaL_loadbufferx(L, chunk, n, name, "t") != LUA_OK) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
    lua_pushvalue(L, has_env ? 4 : lua_upvalueindex(1));
    if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
    return 1;
}

/* Build the table of allow-listed builtins once; copies of the libraries
 * so a rule that writes string.x cannot change the host's. [-0, +1] */
static void push_safe(lua_State *L)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, "cwsh.safe") == LUA_TTABLE) return;
    lua_pop(L, 1);
    lua_newtable(L);
    for (int i = 0; safe_globals[i]; i++) {
        lua_getglobal(L, safe_globals[i]);
        lua_setfield(L, -2, safe_globals[i]);
    }
    for (int i = 0; safe_libs[i]; i++) {
        lua_newtable(L);
        lua_getglobal(L, safe_libs[i]);
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_settable(L, -5);
        }
        lua_pop(L, 1);
        if (i == 0) {                /* string.dump: no bytecode either way */
            lua_pushnil(L);
            lua_setfield(L, -2, "dump");
        }
        lua_setfield(L, -2, safe_libs[i]);
    }
    lua_newtable(L);                              /* os: time only */
    lua_getglobal(L, "os");
    const char *os_ok[] = { "time", "date", "clock", "difftime", NULL };
    for (int i = 0; os_ok[i]; i++) {
        lua_getfield(L, -1, os_ok[i]);
        lua_setfield(L, -3, os_ok[i]);
    }
    lua_pop(L, 1);
    lua_setfield(L, -2, "os");
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "cwsh.safe");
}

/* __index of a sandbox environment: upvalue 1 the api table, 2 the safe
 * builtins.  Unknown names are errors at the reading line (level 2). */
static int env_index(lua_State *L)
{
    if (lua_type(L, lua_upvalueindex(1)) == LUA_TTABLE) {
        lua_pushvalue(L, 2);
        if (lua_gettable(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;
        lua_pop(L, 1);
    }
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(2)) != LUA_TNIL) return 1;
    if (lua_type(L, 2) == LUA_TSTRING)
        return luaL_error(L, "undefined global '%s'", lua_tostring(L, 2));
    return luaL_error(L, "undefined global");
}

/* Shorten a path under the rules directory to "<dirname>/<rest>" so that
 * messages read "rules/checklist.lua:14" wherever the tree lives. */
static void push_chunkname(session *s, const char *path)
{
    const char *d = s->rules_dir;
    size_t dn = d ? strlen(d) : 0;
    if (dn && strncmp(path, d, dn) == 0 && path[dn] == '/') {
        const char *base = strrchr(d, '/');
        base = base ? base + 1 : d;
        lua_pushfstring(s->L, "@%s%s", base, path + dn);
    } else {
        lua_pushfstring(s->L, "@%s", path);
    }
}

int luahost_sandbox_load(session *s, const char *path, int api)
{
    lua_State *L = s->L;
    FILE *f = fopen(path, "rb");
    if (!f) {
        lua_pushfstring(L, "cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    size_t n;
    do {
        char *p = luaL_prepbuffer(&b);
        n = fread(p, 1, LUAL_BUFFERSIZE, f);
        luaL_addsize(&b, n);
    } while (n == LUAL_BUFFERSIZE);
    fclose(f);
    luaL_pushresult(&b);                              /* text */
    push_chunkname(s, path);                          /* text name */
    size_t len;
    const char *text = lua_tolstring(L, -2, &len);
    if (luaL_loadbufferx(L, text, len, lua_tostring(L, -1), "t") != LUA_OK) {
        lua_replace(L, -3);                           /* msg name */
        lua_pop(L, 1);
        return -1;
    }
    lua_replace(L, -3);                               /* chunk name */
    lua_pop(L, 1);                                    /* chunk */
    lua_newtable(L);                                  /* chunk env */
    lua_newtable(L);                                  /* chunk env mt */
    lua_pushvalue(L, api);
    push_safe(L);
    lua_pushcclosure(L, env_index, 2);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);                             /* chunk env env */
    lua_pushcclosure(L, l_sandbox_load, 1);           /* chunk env load */
    lua_setfield(L, -2, "load");                      /* env.load: rawset */
    lua_pushvalue(L, -1);
    lua_setupvalue(L, -3, 1);                         /* chunk's _ENV */
    return 0;
}

/* cwsh.sandbox_load(path, api) -> chunk, env | nil, err */
static int l_sandbox_load_file(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    if (lua_isnoneornil(L, 2)) { lua_newtable(L); lua_replace(L, 2); }
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    if (luahost_sandbox_load(session_current, path, 2) != 0) {
        lua_pushnil(L);
        lua_insert(L, -2);
    }
    return 2;
}

/* ----------------------------------------------------------------- NULL */

static int null_tostring(lua_State *L) { lua_pushliteral(L, "NULL"); return 1; }

void luahost_push_null(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, "cwsh.nullvalue");
}

static void make_null(lua_State *L)
{
    lua_newuserdatauv(L, 0, 0);
    luaL_newmetatable(L, "cwsh.null");     /* __name, and testudata works */
    lua_pushcfunction(L, null_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_setmetatable(L, -2);
    lua_setfield(L, LUA_REGISTRYINDEX, "cwsh.nullvalue");
}

/* ------------------------------------------------------------------ open */

int luahost_open(session *s, char **err)
{
    s->L = lua_newstate(l_alloc, s);
    if (!s->L) { *err = strdup("cannot create the Lua state"); return -1; }
    lua_State *L = s->L;
    luaL_openlibs(L);
    make_null(L);
    /* Strings share one metatable whose __index is the real string
     * library; hide it so a rule cannot reach and rewrite the host's. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);
    cwshlib_open(s);                      /* global cwsh */
    lua_getglobal(L, "cwsh");
    lua_pushcfunction(L, l_budget);
    lua_setfield(L, -2, "budget");
    lua_pushcfunction(L, l_sandbox_load_file);
    lua_setfield(L, -2, "sandbox_load");
    lua_pop(L, 1);
    /* core Lua modules are found in lua_dir */
    lua_getglobal(L, "package");
    lua_pushfstring(L, "%s/?.lua", s->lua_dir);
    lua_setfield(L, -2, "path");
    lua_pushliteral(L, "");
    lua_setfield(L, -2, "cpath");
    lua_pop(L, 1);
    return 0;
}

void luahost_close(session *s)
{
    if (s->L) lua_close(s->L);
    s->L = NULL;
}
