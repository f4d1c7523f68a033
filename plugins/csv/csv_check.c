/*
 * csv_check.c — checklist lookup for the importer (see csv_check.h).
 */
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include "csv_check.h"

static unsigned hash(const char *s, size_t n)
{
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

int ccheck_find(const ccheck *c, const char *s, size_t n)
{
    if (!c->slot || n == 0 || n >= sizeof c->items[0].code) return -1;
    for (unsigned i = hash(s, n) & c->mask;; i = (i + 1) & c->mask) {
        int k = c->slot[i];
        if (!k) return -1;
        const char *code = c->items[k - 1].code;
        if (strncmp(code, s, n) == 0 && code[n] == 0) return k - 1;
    }
}

size_t ccheck_code_prefix(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z'))) i++;
    if (i == 0 || i > 4) return 0;
    size_t d = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    if (i == d) return 0;
    if (i == n || s[i] == ' ' || s[i] == '.' || s[i] == '_' || s[i] == '-' ||
        (unsigned char)s[i] >= 0x80)
        return i;
    return 0;
}

static int err_set(char **err, const char *msg)
{
    *err = strdup(msg);
    return -1;
}

/* require("rules").current() -> items; [-0, +0] */
int ccheck_load(ccheck *c, lua_State *L, char **err)
{
    memset(c, 0, sizeof *c);
    int top = lua_gettop(L);
    lua_getglobal(L, "require");
    lua_pushliteral(L, "rules");
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        const char *m = lua_tostring(L, -1);
        int missing = m && strstr(m, "module 'rules' not found");
        char tmp[1024];
        if (missing)
            snprintf(tmp, sizeof tmp, "cannot import: the rules module (core/lua/rules.lua) is "
                     "missing, so there is no checklist to check item codes against");
        else
            snprintf(tmp, sizeof tmp, "cannot import: loading the rules failed: %s", m ? m : "?");
        lua_settop(L, top);
        return err_set(err, tmp);
    }
    if (lua_getfield(L, -1, "current") != LUA_TFUNCTION) {
        lua_settop(L, top);
        return err_set(err, "cannot import: the rules module has no current()");
    }
    if (lua_pcall(L, 0, 1, 0) != LUA_OK || lua_type(L, -1) != LUA_TTABLE) {
        char tmp[1024];
        snprintf(tmp, sizeof tmp, "cannot import: no rule set is loaded%s%s",
                 lua_type(L, -1) == LUA_TSTRING ? ": " : "",
                 lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "");
        lua_settop(L, top);
        return err_set(err, tmp);
    }
    if (lua_getfield(L, -1, "items") != LUA_TTABLE) {
        lua_settop(L, top);
        return err_set(err, "cannot import: the rule set has no checklist items");
    }
    int n = (int)lua_rawlen(L, -1);
    c->items = calloc((size_t)n + 1, sizeof *c->items);
    unsigned size = 16;
    while (size < 2u * (unsigned)n + 2) size *= 2;
    c->slot = calloc(size, sizeof *c->slot);
    c->mask = size - 1;
    for (int i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, i);
        lua_getfield(L, -1, "code");
        lua_getfield(L, -2, "points");
        lua_getfield(L, -3, "title");
        size_t len;
        const char *code = lua_tolstring(L, -3, &len);
        if (code && len < sizeof c->items[0].code && ccheck_find(c, code, len) < 0) {
            ccheck_item *it = &c->items[c->n];
            memcpy(it->code, code, len + 1);
            it->points = lua_tonumber(L, -2);
            const char *t = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
            if (!(it->title = strdup(t))) abort();
            unsigned h = hash(code, len) & c->mask;
            while (c->slot[h]) h = (h + 1) & c->mask;
            c->slot[h] = ++c->n;
        }
        lua_pop(L, 4);
    }
    lua_settop(L, top);
    if (c->n == 0) { ccheck_free(c); return err_set(err, "cannot import: the checklist is empty"); }
    return 0;
}

void ccheck_free(ccheck *c)
{
    for (int i = 0; c->items && i < c->n; i++) free(c->items[i].title);
    free(c->items);
    free(c->slot);
    memset(c, 0, sizeof *c);
}
