/*
 * domain.c — host->domain(): the plain-C vocabulary plugins get (see
 * cwsh_domain in cwsh.h), built from the rules' Lua.
 *
 * core/lua/rules.lua's import_view() gives { items, domain, hash }; this
 * file copies its strings into one allocation, so plugins hold no Lua
 * value and need no lua_State.  The copy is kept with a registry
 * reference to the view it came from: while the same rule set is active
 * the view is the same table and nothing is built again; a reload makes a
 * new view, and the old copy is freed on the next call (a reload never
 * happens during a command, so no plugin still holds it).  Static state:
 * there is one session per process.
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include "domain.h"

/* The copy and the view it was made from. */
static struct {
    cwsh_domain *d;
    int ref;                      /* LUA_NOREF when none */
} cache = { NULL, LUA_NOREF };

/* Bump allocator over one block: pass 1 counts (buf NULL), pass 2 fills. */
typedef struct arena { char *buf; size_t used; } arena;

static void *take(arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    void *p = a->buf ? a->buf + a->used : NULL;
    a->used += n;
    return p;
}

static const char *str(arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = take(a, n);
    if (p) memcpy(p, s, n);
    return p;
}

/* The string field `k` of the table at `t`, or NULL. [-0, +0] */
static const char *field(lua_State *L, int t, const char *k, const char *dflt)
{
    lua_getfield(L, t, k);
    const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : dflt;
    lua_pop(L, 1);          /* the string stays alive: the table holds it */
    return s;
}

/* A NULL-terminated copy of the string list at `t` (absolute index). */
static const char *const *list(lua_State *L, arena *a, int t)
{
    int n = lua_type(L, t) == LUA_TTABLE ? (int)lua_rawlen(L, t) : 0;
    const char **out = take(a, ((size_t)n + 1) * sizeof *out);
    int k = 0;
    for (int i = 1; i <= n; i++) {
        if (lua_rawgeti(L, t, i) == LUA_TSTRING) {
            const char *s = str(a, lua_tostring(L, -1));
            if (out) out[k] = s;
            k++;
        }
        lua_pop(L, 1);
    }
    if (out) out[k] = NULL;
    return out;
}

/* A term from the table at `t`: name, aliases, weight. */
static void term(lua_State *L, arena *a, int t, cwsh_term *out)
{
    const char *name = str(a, field(L, t, "name", ""));
    lua_getfield(L, t, "aliases");
    const char *const *al = list(L, a, lua_gettop(L));
    lua_pop(L, 1);
    lua_getfield(L, t, "weight");
    double w = lua_tonumber(L, -1);
    lua_pop(L, 1);
    if (out) { out->name = name; out->aliases = al; out->weight = w; }
}

/* One pass over the view at `v` (its domain at `dm`): the size, or the
 * copy when a->buf is set. */
static cwsh_domain *build(lua_State *L, arena *a, int v, int dm)
{
    static const char *const meanings[4] = { NULL, "pass", "fail", "na" };
    cwsh_domain *d = take(a, sizeof *d);
    const char *hash = str(a, field(L, v, "hash", ""));
    if (d) { memset(d, 0, sizeof *d); d->rules_hash = hash; }

    lua_getfield(L, dm, "kinds");
    int t = lua_gettop(L), n = (int)lua_rawlen(L, t);
    cwsh_term *kinds = take(a, (size_t)n * sizeof *kinds);
    for (int i = 1; i <= n; i++) {
        lua_rawgeti(L, t, i);
        term(L, a, lua_gettop(L), kinds ? &kinds[i - 1] : NULL);
        lua_pop(L, 1);
    }
    if (d) { d->nkinds = n; d->kinds = kinds; }
    lua_pop(L, 1);

    lua_getfield(L, dm, "results");
    t = lua_gettop(L);
    for (int r = 1; r <= 3; r++) {
        lua_getfield(L, t, meanings[r]);
        term(L, a, lua_gettop(L), d ? &d->results[r] : NULL);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);

    lua_getfield(L, dm, "units");
    t = lua_gettop(L);
    n = (int)lua_rawlen(L, t);
    cwsh_unit_kind *units = take(a, (size_t)n * sizeof *units);
    for (int i = 1; i <= n; i++) {
        lua_rawgeti(L, t, i);
        const char *name = str(a, field(L, -1, "name", ""));
        const char *suffix = str(a, field(L, -1, "suffix", ""));
        if (units) { units[i - 1].name = name; units[i - 1].suffix = suffix; }
        lua_pop(L, 1);
    }
    if (d) { d->nunits = n; d->units = units; }
    lua_pop(L, 1);

    const char *ic = str(a, field(L, dm, "item_code", ""));
    lua_getfield(L, dm, "summary");
    const char *const *summary = list(L, a, lua_gettop(L));
    lua_getfield(L, dm, "dates");
    const char *const *dates = list(L, a, lua_gettop(L));
    lua_pop(L, 2);
    if (d) { d->item_code = ic; d->summary = summary; d->dates = dates; }

    lua_getfield(L, v, "items");
    t = lua_gettop(L);
    n = (int)lua_rawlen(L, t);
    cwsh_item *items = take(a, (size_t)n * sizeof *items);
    for (int i = 1; i <= n; i++) {
        lua_rawgeti(L, t, i);
        const char *code = str(a, field(L, -1, "code", ""));
        const char *title = str(a, field(L, -1, "title", ""));
        lua_getfield(L, -1, "points");
        double pts = lua_tonumber(L, -1);
        lua_pop(L, 2);
        if (items) { items[i - 1].code = code; items[i - 1].points = pts; items[i - 1].title = title; }
    }
    if (d) { d->nitems = n; d->items = items; }
    lua_pop(L, 1);
    return d;
}

/* The item-code pattern must compile, or no wide sheet could import. */
static char *check_pattern(lua_State *L, int dm)
{
    const char *p = field(L, dm, "item_code", "");
    regex_t re;
    int rc = regcomp(&re, p, REG_EXTENDED);
    if (rc == 0) { regfree(&re); return NULL; }
    char why[200];
    regerror(rc, &re, why, sizeof why);
    lua_getfield(L, dm, "item_code_line");
    int line = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    lua_pushfstring(L, "%s:%d: item_code '%s' is not a regular expression: %s",
                    field(L, dm, "file", "domain.lua"), line, p, why);
    char *msg = strdup(lua_tostring(L, -1));
    lua_pop(L, 1);
    return msg;
}

static char *fail(lua_State *L, int top, const char *prefix)
{
    const char *m = lua_tostring(L, -1);
    lua_pushfstring(L, "%s%s", prefix, m ? m : "no rules module");
    char *msg = strdup(lua_tostring(L, -1));
    lua_settop(L, top);
    return msg;
}

const cwsh_domain *domain_get(cwsh_host *h, char **err)
{
    lua_State *L = h->L;
    int top = lua_gettop(L);
    *err = NULL;
    lua_getglobal(L, "require");
    lua_pushliteral(L, "rules");
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) { *err = fail(L, top, "cannot load the rules: "); return NULL; }
    if (lua_getfield(L, -1, "import_view") != LUA_TFUNCTION) {
        lua_settop(L, top);
        *err = strdup("the rules module has no import_view()");
        return NULL;
    }
    if (lua_pcall(L, 0, 2, 0) != LUA_OK) { *err = fail(L, top, ""); return NULL; }
    if (lua_type(L, -2) != LUA_TTABLE) {
        const char *m = lua_tostring(L, -1);
        *err = strdup(m ? m : "no rule set is loaded");
        lua_settop(L, top);
        return NULL;
    }
    lua_pop(L, 1);
    int v = lua_gettop(L);
    if (cache.d && cache.ref != LUA_NOREF) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, cache.ref);
        int same = lua_rawequal(L, -1, v);
        lua_pop(L, 1);
        if (same) { lua_settop(L, top); return cache.d; }
    }
    if (lua_getfield(L, v, "domain") != LUA_TTABLE) {
        lua_settop(L, top);
        *err = strdup("the rules have no vocabulary (rules/domain.lua)");
        return NULL;
    }
    int dm = lua_gettop(L);
    if ((*err = check_pattern(L, dm))) { lua_settop(L, top); return NULL; }
    arena a = { NULL, 0 };
    build(L, &a, v, dm);
    char *buf = malloc(a.used ? a.used : 1);
    if (!buf) { lua_settop(L, top); *err = strdup("out of memory"); return NULL; }
    a = (arena){ buf, 0 };
    cwsh_domain *d = build(L, &a, v, dm);
    domain_free(L);
    lua_pushvalue(L, v);
    cache.ref = luaL_ref(L, LUA_REGISTRYINDEX);
    cache.d = d;
    lua_settop(L, top);
    return d;
}

void domain_free(lua_State *L)
{
    free(cache.d);
    cache.d = NULL;
    if (cache.ref != LUA_NOREF && L) luaL_unref(L, LUA_REGISTRYINDEX, cache.ref);
    cache.ref = LUA_NOREF;
}
