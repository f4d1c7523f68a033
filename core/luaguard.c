/*
 * luaguard.c — bounds on the C library functions whose work a count hook
 * cannot stop, and the sandbox's own setmetatable and xpcall.
 *
 * The instruction budget, the time limit and Ctrl-C are all checked by a
 * count hook, which fires between Lua instructions: a C function runs as
 * one instruction, so one whose loop is unbounded hangs cwsh past every
 * limit.  In the standard library those are string.rep of an empty
 * string (it loops `n` times copying nothing), pattern matching with
 * backtracking (find, match, gmatch, gsub: `("a-"):rep(8) .. "b"` against
 * 5000 bytes runs for ages) and table.move over a huge range.  These
 * refuse inputs whose work would be out of proportion (table.move's
 * range while limits are armed, rule code and every command; patterns
 * always), unless the caller is the core's own Lua, which gets the
 * library unchanged.
 *
 * The table functions whose loops run through metamethods (a table whose
 * __index is table.concat reads "" at every index without running a Lua
 * instruction; __len can claim 2^52 elements) are the library's own
 * loops here, polling luahost_poll every POLL_STEP steps, so that
 * Ctrl-C, the time limit and the memory stop end them as they end Lua
 * code: concat, insert and remove over a table with a metatable, move
 * always (its range of nils needs none), and sort through a comparator
 * that polls.  Without a metatable concat, insert and remove are
 * bounded by the table itself and run as they are.
 *
 * In the sandbox, setmetatable refuses a __gc field (a finalizer runs
 * whenever the collector gets to it, inside trusted code or at exit,
 * where no limit holds), and xpcall runs its message handler after the
 * error has unwound: Lua calls the handler of an error raised inside a
 * hook with hooks disabled, so a looping handler of a budget stop could
 * never be stopped.  The global xpcall (the trusted prompt's) keeps the
 * handler at the error, for tracebacks, but does not run it while a stop
 * is in force: the stop passes as it is.
 */
#include <math.h>
#include <string.h>
#include <lauxlib.h>
#include "luaguard.h"
#include "luahost.h"

/* The most backtracking steps (estimated) a match may take under limits,
 * and the most elements table.move may move: seconds of work at most. */
#define MATCH_STEPS 1e9
#define MOVE_MAX ((lua_Integer)1 << 24)
#define POLL_STEP 4096
/* sort polls only for more elements than this (its work is n log n) */
#define SORT_SMALL 4096
/* nor, without a metatable or comparator, for up to this many: 2^17
 * strings sort in 0.09-0.23 s, the longest a time limit or Ctrl-C waits
 * (2^20 strings took 1.2-2.4 s, unpolled) */
#define SORT_PLAIN ((lua_Integer)1 << 17)

static int limited(void)
{
    session *s = session_current;
    return s && (s->budget_size > 0 || s->deadline > 0);
}

/* Whether the Lua function calling the running C function is the core's
 * own (a chunk under lua_dir): its patterns are written for their
 * subjects, and commands run it under the limits too. */
static int trusted_caller(lua_State *L)
{
    session *s = session_current;
    lua_Debug ar;
    if (!s->lua_dir || !lua_getstack(L, 1, &ar) || !lua_getinfo(L, "S", &ar)) return 0;
    size_t n = strlen(s->lua_dir);
    return ar.source[0] == '@' && strncmp(ar.source + 1, s->lua_dir, n) == 0
           && ar.source[n + 1] == '/';
}

/* The number of repetition items (*, +, -, ?) in a Lua pattern; sets and
 * escapes are skipped so that "[*]" and "%-" do not count. */
static int pattern_reps(const char *p, size_t n)
{
    int k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c == '%') {
            if (i + 1 < n && p[i + 1] == 'b') i += 3;     /* %bxy */
            else i++;
        } else if (c == '[') {
            i++;
            if (i < n && p[i] == '^') i++;
            if (i < n) i++;                              /* a leading ] is literal */
            while (i < n && p[i] != ']') {
                if (p[i] == '%') i++;
                i++;
            }
        } else if (c == '*' || c == '+' || c == '-' || c == '?') {
            k++;
        }
    }
    return k;
}

/* Raise when matching `pattern` (argument 2) against the subject
 * (argument 1) could backtrack for too long: with k repetition items over
 * n bytes there are about n^k/k! ways to split the subject, tried from
 * each of n starting points. */
static void check_pattern(lua_State *L, const char *fn)
{
    size_t n, m;
    const char *subject = lua_tolstring(L, 1, &n);
    const char *pattern = lua_tolstring(L, 2, &m);
    (void)subject;
    if (!pattern || n < 2) return;
    int k = pattern_reps(pattern, m);
    if (k == 0) return;
    double steps = (double)n, fact = 1;
    for (int i = 1; i <= k && steps <= MATCH_STEPS * 1e3; i++) {
        steps *= (double)n;
        fact *= i;
    }
    if (steps / fact > MATCH_STEPS && !trusted_caller(L))
        luaL_error(L, "%s: pattern too complex for a subject of %d bytes (%d repetitions): "
                   "it could backtrack for hours", fn, (int)n, k);
}

/* The original function is upvalue 1. */
static int call_original(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* find(s, p, init, plain) with plain true compares bytes, no pattern: a
 * rule's s:find(word, 1, true) must not be refused for the - or + in it. */
static int g_find(lua_State *L)
{
    if (!lua_toboolean(L, 4)) check_pattern(L, "string.find");
    return call_original(L);
}
static int g_match(lua_State *L) { check_pattern(L, "string.match"); return call_original(L); }
static int g_gmatch(lua_State *L) { check_pattern(L, "string.gmatch"); return call_original(L); }
static int g_gsub(lua_State *L) { check_pattern(L, "string.gsub"); return call_original(L); }

/* rep of nothing is nothing, however many times: the library would loop
 * n times to build it. */
static int g_rep(lua_State *L)
{
    size_t l, lsep = 0;
    luaL_checklstring(L, 1, &l);
    luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (l + lsep == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    return call_original(L);
}

/* ------------------------------------------------- table loops that poll */

/* Whether argument 1 is a table the library would loop over through
 * metamethods; anything else (a plain table, or a non-table the library
 * checks and refuses or handles) goes to the original. */
static int meta_table(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TTABLE || !lua_getmetatable(L, 1)) return 0;
    lua_pop(L, 1);
    return 1;
}

/* table.concat(t [, sep [, i [, j]]]) */
static int g_concat(lua_State *L)
{
    if (!meta_table(L)) return call_original(L);
    size_t lsep;
    lua_Integer last = luaL_len(L, 1);
    const char *sep = luaL_optlstring(L, 2, "", &lsep);
    lua_Integer i = luaL_optinteger(L, 3, 1);
    last = luaL_opt(L, luaL_checkinteger, 4, last);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (unsigned k = 1; i <= last; i++, k++) {
        if (lua_geti(L, 1, i), !lua_isstring(L, -1))
            return luaL_error(L, "invalid value (%s) at index %I in table for 'concat'",
                              luaL_typename(L, -1), (LUAI_UACINT)i);
        luaL_addvalue(&b);
        if (i == last) break;                      /* also at LUA_MAXINTEGER */
        luaL_addlstring(&b, sep, lsep);
        if (k % POLL_STEP == 0) luahost_poll(L);
    }
    luaL_pushresult(&b);
    return 1;
}

/* table.insert(t, [pos,] v) */
static int g_insert(lua_State *L)
{
    if (!meta_table(L)) return call_original(L);
    lua_Integer e = (lua_Integer)((lua_Unsigned)luaL_len(L, 1) + 1u);   /* first empty */
    lua_Integer pos = e;
    switch (lua_gettop(L)) {
    case 2:
        break;
    case 3:
        pos = luaL_checkinteger(L, 2);
        luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)e, 2, "position out of bounds");
        for (lua_Integer i = e; i > pos; i--) {
            lua_geti(L, 1, i - 1);
            lua_seti(L, 1, i);                     /* t[i] = t[i - 1] */
            if ((e - i) % POLL_STEP == POLL_STEP - 1) luahost_poll(L);
        }
        break;
    default:
        return luaL_error(L, "wrong number of arguments to 'insert'");
    }
    lua_seti(L, 1, pos);
    return 0;
}

/* table.remove(t [, pos]) */
static int g_remove(lua_State *L)
{
    if (!meta_table(L)) return call_original(L);
    lua_Integer size = luaL_len(L, 1);
    lua_Integer pos = luaL_optinteger(L, 2, size);
    if (pos != size)
        luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size, 2, "position out of bounds");
    lua_geti(L, 1, pos);                           /* the result */
    for (unsigned k = 1; pos < size; pos++, k++) {
        lua_geti(L, 1, pos + 1);
        lua_seti(L, 1, pos);                       /* t[pos] = t[pos + 1] */
        if (k % POLL_STEP == 0) luahost_poll(L);
    }
    lua_pushnil(L);
    lua_seti(L, 1, pos);
    return 1;
}

/* table.move(a1, f, e, t [, a2]) */
static int g_move(lua_State *L)
{
    lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
    lua_Integer t = luaL_checkinteger(L, 4);
    int tt = lua_isnoneornil(L, 5) ? 1 : 5;
    if (limited() && e >= f && (lua_Unsigned)e - (lua_Unsigned)f >= (lua_Unsigned)MOVE_MAX
        && !trusted_caller(L))
        return luaL_error(L, "table.move: too many elements (at most %I under the command limits)",
                          (LUAI_UACINT)MOVE_MAX);
    if (lua_type(L, 1) != LUA_TTABLE || lua_type(L, tt) != LUA_TTABLE) return call_original(L);
    if (e >= f) {
        luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3, "too many elements to move");
        lua_Integer n = e - f + 1;                 /* elements to move */
        luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
        /* upwards unless the ranges overlap with the destination above */
        int up = t > e || t <= f || (tt != 1 && !lua_compare(L, 1, tt, LUA_OPEQ));
        for (lua_Integer k = 0; k < n; k++) {
            lua_Integer i = up ? k : n - 1 - k;
            lua_geti(L, 1, f + i);
            lua_seti(L, tt, t + i);
            if (k % POLL_STEP == POLL_STEP - 1) luahost_poll(L);
        }
    }
    lua_pushvalue(L, tt);
    return 1;
}

/* sort's comparator: upvalue 1 the caller's (nil: <).  The comparisons
 * are counted in a plain variable, not an upvalue (two API calls less per
 * comparison); sorts do not nest here but through the comparator, where
 * sharing the count only makes one of them poll a little sooner. */
static unsigned sort_compares;

static int sort_less(lua_State *L)
{
    if (++sort_compares % POLL_STEP == 0) luahost_poll(L);
    if (lua_isnil(L, lua_upvalueindex(1))) {
        lua_pushboolean(L, lua_compare(L, 1, 2, LUA_OPLT));
        return 1;
    }
    lua_settop(L, 2);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, 2, 1);
    return 1;
}

/* table.sort(t [, comp]): a sort whose comparisons run no Lua instruction
 * goes through sort_less, which polls.  A Lua comparator needs none: the
 * count hook fires inside it.  Nor does a plain table of up to SORT_PLAIN
 * elements without one: its n log n comparisons take a fraction of a
 * second (the wrapper makes a sort about twice as slow: 2^20 strings
 * 2.4 s plain, 4.6 s through it, on a loaded machine).  A table with a
 * metatable always goes through it, since its __len may claim 2^31
 * elements that a C __index makes up. */
static int g_sort(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TTABLE) return call_original(L);
    int meta = meta_table(L);
    int cmp = lua_type(L, 2);
    if (cmp == LUA_TFUNCTION && !lua_iscfunction(L, 2) && !meta) return call_original(L);
    lua_Integer n = luaL_len(L, 1);
    if (n > SORT_SMALL && (meta || cmp == LUA_TFUNCTION || n > SORT_PLAIN)) {
        if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TFUNCTION);
        lua_settop(L, 2);
        lua_pushcclosure(L, sort_less, 1);
    }
    return call_original(L);
}

/* ------------------------------------------------------------- xpcall */

/* A stop (Ctrl-C, a limit) is in force: its error is raised from the
 * hook, where Lua runs a message handler with hooks off. */
static int stopping(void)
{
    session *s = session_current;
    return s && (s->interrupted || s->time_over || s->mem_over
                 || (s->budget_over && s->budget_size > 0));
}

/* The global xpcall's message handler: upvalue 1 the caller's. */
static int xpcall_handler(lua_State *L)
{
    if (stopping()) return 1;                      /* the stop, as it is */
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int xpcall_done(lua_State *L, int status, lua_KContext results)
{
    if (status == LUA_OK || status == LUA_YIELD) return lua_gettop(L) - (int)results;
    lua_pushboolean(L, 0);
    lua_insert(L, -2);                             /* false msg */
    return 2;
}

/* xpcall(f, handler, ...) of the trusted core and prompt */
static int g_xpcall(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, xpcall_handler, 1);
    lua_replace(L, 2);                             /* f handler args */
    lua_pushboolean(L, 1);
    lua_pushvalue(L, 1);
    lua_rotate(L, 3, 2);                           /* f handler true f args */
    int st = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, xpcall_done);
    return xpcall_done(L, st, 2);
}

static void wrap(lua_State *L, const char *lib, const char *name, lua_CFunction fn)
{
    lua_getglobal(L, lib);
    lua_getfield(L, -1, name);
    lua_pushcclosure(L, fn, 1);
    lua_setfield(L, -2, name);
    lua_pop(L, 1);
}

void luaguard_open(lua_State *L)
{
    wrap(L, "string", "find", g_find);
    wrap(L, "string", "match", g_match);
    wrap(L, "string", "gmatch", g_gmatch);
    wrap(L, "string", "gsub", g_gsub);
    wrap(L, "string", "rep", g_rep);
    wrap(L, "table", "move", g_move);
    wrap(L, "table", "concat", g_concat);
    wrap(L, "table", "insert", g_insert);
    wrap(L, "table", "remove", g_remove);
    wrap(L, "table", "sort", g_sort);
    lua_pushcfunction(L, g_xpcall);
    lua_setglobal(L, "xpcall");
    /* Methods of strings ("x"):rep come from the string metatable, whose
     * __index is the string library: give it a copy without dump, so no
     * bytecode can be made from a string method either. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_newtable(L);
    lua_getglobal(L, "string");
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_settable(L, -5);
    }
    lua_pop(L, 1);
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_setfield(L, -2, "__index");
    lua_pop(L, 2);
}

/* setmetatable(t, mt) for rule files: as the base library's, without
 * finalizers. */
static int sandbox_setmetatable(lua_State *L)
{
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
        return luaL_error(L, "cannot change a protected metatable");
    if (t == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "setmetatable: __gc finalizers are not allowed in rule files");
        lua_pop(L, 1);
    }
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

/* xpcall(f, handler, ...) for rule files: the handler gets the error
 * after the call has unwound, with hooks (and so the limits) in force. */
static int sandbox_xpcall(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 1);
    lua_copy(L, 2, 1);
    lua_replace(L, 2);                     /* handler f args... */
    if (lua_pcall(L, n - 2, LUA_MULTRET, 0) == LUA_OK) {
        lua_pushboolean(L, 1);
        lua_replace(L, 1);                 /* true results... */
        return lua_gettop(L);
    }
    lua_pushvalue(L, 1);
    lua_insert(L, -2);                     /* handler handler err */
    lua_pcall(L, 1, 1, 0);                 /* its result, or its own error */
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
}

void luaguard_sandbox(lua_State *L, int safe)
{
    lua_pushcfunction(L, sandbox_setmetatable);
    lua_setfield(L, safe, "setmetatable");
    lua_pushcfunction(L, sandbox_xpcall);
    lua_setfield(L, safe, "xpcall");
}
