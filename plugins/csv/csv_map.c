/*
 * csv_map.c — reading mappings from Lua and matching them to a header
 * (see csv_map.h).
 *
 * Lua stack discipline: every function leaves the stack as it found it;
 * calls into Lua go through lua_pcall so no error unwinds past malloc'd
 * memory held here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <lauxlib.h>
#include "csv_conv.h"
#include "csv_map.h"

const char *const cmap_field_names[MF_N] = {
    "inspection_id", "date", "market_code", "market_name", "unit", "inspector",
    "kind", "item_code", "result", "deduction", "count", "note", "total", "deadline"
};

static const int natural_conv[MF_N] = {
    CV_TEXT, CV_DATE, CV_TEXT, CV_TEXT, CV_TEXT, CV_TEXT,
    CV_KIND, CV_TEXT, CV_RESULT, CV_NUMBER, CV_NUMBER, CV_TEXT, CV_TEXT, CV_TEXT
};

static int same(const char *a, size_t an, const char *b, size_t bn)
{
    return an == bn && strncasecmp(a, b, an) == 0;
}

/* Is header cell h among the strings of the table (or the string) at idx? */
static int listed(lua_State *L, int idx, const char *h, size_t hn)
{
    size_t n;
    if (lua_type(L, idx) == LUA_TSTRING) {
        const char *s = lua_tolstring(L, idx, &n);
        conv_trim(&s, &n);
        return same(s, n, h, hn);
    }
    if (lua_type(L, idx) != LUA_TTABLE) return 0;
    int len = (int)lua_rawlen(L, idx), hit = 0;
    for (int i = 1; i <= len && !hit; i++) {
        if (lua_rawgeti(L, idx, i) == LUA_TSTRING) {
            const char *s = lua_tolstring(L, -1, &n);
            conv_trim(&s, &n);
            hit = same(s, n, h, hn);
        }
        lua_pop(L, 1);
    }
    return hit;
}

static int conv_by_name(const char *s)
{
    static const char *const names[] = { "text", "date", "result", "number", "kind", NULL };
    for (int i = 0; names[i]; i++) if (strcmp(s, names[i]) == 0) return i;
    return -1;
}

/* Try the mapping table at `t` against the header.  Fills m; returns 0
 * when it fits, -2 when memory ran out, else -1 with the first reason it
 * does not fit in why. */
static int try_map(cmap *m, lua_State *L, int t, char *const *header, int n,
                   const ccheck *ck, char *why, size_t whysz)
{
    int top = lua_gettop(L);
    int rc = -1;
    for (int f = 0; f < MF_N; f++) m->col[f] = -1;
    lua_getfield(L, t, "name");
    snprintf(m->name, sizeof m->name, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "?");
    lua_getfield(L, t, "layout");
    m->wide = lua_tostring(L, -1) && strcmp(lua_tostring(L, -1), "wide") == 0;
    lua_getfield(L, t, "fields");
    int fields = lua_gettop(L);
    lua_getfield(L, t, "ignore");
    int ignore = lua_gettop(L);
    lua_getfield(L, t, "defaults");
    int defaults = lua_gettop(L);
    m->ncol = n;
    m->item = calloc((size_t)n + 1, sizeof *m->item);
    if (!m->item) goto oom;
    int nitems = 0;
    for (int j = 0; j < n; j++) {
        const char *h = header[j];
        size_t hn = strlen(h);
        conv_trim(&h, &hn);
        m->item[j] = -1;
        if (hn == 0) {                  /* no header: kept only when its cells are empty */
            if (!m->blank && !(m->blank = calloc((size_t)n, sizeof *m->blank))) goto oom;
            m->blank[m->nblank++] = j;
            continue;
        }
        if (same(h, hn, "reason", 6)) continue;       /* a rejects file's column */
        int hit = 0;
        for (int f = 0; f < MF_N && !hit; f++) {
            lua_getfield(L, fields, cmap_field_names[f]);
            if (listed(L, -1, h, hn)) {
                hit = 1;
                if (m->col[f] < 0) m->col[f] = j;
                else {
                    snprintf(why, whysz, "columns %d and %d both map to %s", m->col[f] + 1,
                             j + 1, cmap_field_names[f]);
                    lua_pop(L, 1);
                    goto done;
                }
            }
            lua_pop(L, 1);
        }
        if (hit || listed(L, ignore, h, hn)) continue;
        size_t cp = m->wide ? ccheck_code_prefix(ck, h, hn) : 0;
        if (cp) {
            int k = ccheck_find(ck, h, cp);
            m->item[j] = k < 0 ? -2 : k;              /* -2: reported once chosen */
            for (int i = 0; i < j && k >= 0; i++)
                if (m->item[i] == k) {
                    snprintf(why, whysz, "columns %d and %d are both item %.*s", i + 1, j + 1,
                             (int)cp, h);
                    goto done;
                }
            nitems++;
            continue;
        }
        snprintf(why, whysz, "column %d \"%.*s\" is not in the mapping", j + 1, (int)hn, h);
        goto done;
    }
    /* defaults for fields without a column */
    for (int f = 0; f < MF_N; f++) {
        if (m->col[f] >= 0 || lua_type(L, defaults) != LUA_TTABLE) continue;
        lua_getfield(L, defaults, cmap_field_names[f]);
        if ((lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER)
            && !(m->def[f] = strdup(lua_tostring(L, -1)))) goto oom;
        lua_pop(L, 1);
    }
#define HAS(f) (m->col[f] >= 0 || m->def[f])
    const char *miss = NULL;
    if (!HAS(MF_DATE)) miss = "date";
    else if (!HAS(MF_MCODE) && !HAS(MF_MNAME)) miss = "market_code or market_name";
    else if (!HAS(MF_KIND)) miss = "kind";
    else if (!m->wide && !HAS(MF_ITEM)) miss = "item_code";
    else if (!m->wide && !HAS(MF_RESULT) && !HAS(MF_DED)) miss = "result or deduction";
    if (miss) { snprintf(why, whysz, "no column for %s", miss); goto done; }
    if (m->wide && nitems == 0) { snprintf(why, whysz, "no item columns"); goto done; }
#undef HAS
    /* converters */
    lua_getfield(L, t, "convert");
    for (int f = 0; f < MF_N; f++) {
        m->conv[f] = natural_conv[f];
        m->lua_conv[f] = LUA_NOREF;
        if (lua_type(L, -1) != LUA_TTABLE) continue;
        int ty = lua_getfield(L, -1, cmap_field_names[f]);
        if (ty == LUA_TFUNCTION) {
            m->lua_conv[f] = luaL_ref(L, LUA_REGISTRYINDEX);
            continue;
        }
        if (ty == LUA_TSTRING) {
            int c = conv_by_name(lua_tostring(L, -1));
            if (c >= 0) m->conv[f] = c;
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    /* summary-row markers: the mapping's, else the vocabulary's */
    const char *const *dflt = ck->d && ck->d->summary ? ck->d->summary : (const char *const[]){ NULL };
    int nd = 0;
    while (dflt[nd]) nd++;
    lua_getfield(L, t, "summary");
    int ns = lua_type(L, -1) == LUA_TTABLE ? (int)lua_rawlen(L, -1) : nd;
    m->summary = calloc((size_t)ns + 1, sizeof *m->summary);
    if (!m->summary) goto oom;
    for (int i = 0; i < ns; i++) {
        const char *v = NULL;
        if (lua_type(L, -1) == LUA_TTABLE) {
            lua_rawgeti(L, -1, i + 1);
            v = lua_tostring(L, -1);
            lua_pop(L, 1);             /* the string stays in `summary` */
        } else {
            v = dflt[i];
        }
        if (!v) continue;
        char *copy = strdup(v);
        if (!copy) goto oom;
        m->summary[m->nsummary++] = copy;
    }
    lua_pop(L, 1);
    rc = 0;
done:
    lua_settop(L, top);
    return rc;
oom:
    lua_settop(L, top);
    return -2;
}

static void clear(cmap *m, lua_State *L)
{
    for (int f = 0; f < MF_N; f++) {
        free(m->def[f]);
        if (m->lua_conv[f] != LUA_NOREF && m->lua_conv[f] != 0 && L)
            luaL_unref(L, LUA_REGISTRYINDEX, m->lua_conv[f]);
    }
    free(m->item);
    free(m->blank);
    for (int i = 0; i < m->nsummary; i++) free(m->summary[i]);
    free(m->summary);
    memset(m, 0, sizeof *m);
    for (int f = 0; f < MF_N; f++) m->lua_conv[f] = LUA_NOREF;
}

void cmap_free(cmap *m, lua_State *L) { clear(m, L); }

int cmap_choose(cmap *m, cwsh_host *host, char *const *header, int n,
                const char *force, const ccheck *ck, char **err, int *errcol)
{
    lua_State *L = host->L;
    int top = lua_gettop(L);
    *errcol = 0;
    memset(m, 0, sizeof *m);
    for (int f = 0; f < MF_N; f++) m->lua_conv[f] = LUA_NOREF;
    char *lerr = NULL;
    if (!CWSH_HOST_HAS(host, push_mappings) || host->push_mappings(host, &lerr) != 0) {
        char tmp[1200];
        snprintf(tmp, sizeof tmp, "cannot load the import mappings: %s",
                 lerr ? lerr : "this cwsh does not hand mappings to plugins");
        free(lerr);
        *err = strdup(tmp);
        *errcol = -1;                   /* about the mappings, not the file */
        lua_settop(L, top);
        return -1;
    }
    int list = lua_gettop(L);
    int len = (int)lua_rawlen(L, list);
    char whyall[2048] = "";
    size_t used = 0;
    int found = 0;
    for (int i = 1; i <= len && !found; i++) {
        lua_rawgeti(L, list, i);
        lua_getfield(L, -1, "name");
        const char *name = lua_tostring(L, -1);
        int wanted = !force || (name && strcmp(name, force) == 0);
        lua_pop(L, 1);
        if (!wanted) { lua_pop(L, 1); continue; }
        char why[400];
        int fit = try_map(m, L, lua_gettop(L), header, n, ck, why, sizeof why);
        if (fit == 0) found = 1;
        else if (fit == -2) {
            *err = strdup("out of memory");
            clear(m, L);
            lua_settop(L, top);
            return -1;
        } else {
            if (force) {
                char tmp[600];
                snprintf(tmp, sizeof tmp, "mapping '%s' does not fit the header: %s", force, why);
                *err = strdup(tmp);
                clear(m, L);
                lua_settop(L, top);
                return -1;
            }
            if (used < sizeof whyall - 1)
                used += (size_t)snprintf(whyall + used, sizeof whyall - used, "%s%s: %s",
                                         used ? "; " : "", name ? name : "?", why);
            clear(m, L);
        }
        lua_pop(L, 1);
    }
    lua_settop(L, top);
    if (!found) {
        char tmp[2300];
        if (force) snprintf(tmp, sizeof tmp, "no mapping is named '%s'", force);
        else if (len == 0) snprintf(tmp, sizeof tmp, "no import mappings (rules/mappings/*.lua)");
        else snprintf(tmp, sizeof tmp, "no mapping fits the header (name one with --mapping NAME): %s",
                      whyall);
        *err = strdup(tmp);
        return -1;
    }
    for (int j = 0; j < n; j++)
        if (m->item[j] == -2) {
            const char *h = header[j];
            size_t hn = strlen(h);
            conv_trim(&h, &hn);
            char tmp[200];
            snprintf(tmp, sizeof tmp, "item \"%.*s\" is not in the checklist",
                     (int)ccheck_code_prefix(ck, h, hn), h);
            *err = strdup(tmp);
            *errcol = j + 1;
            clear(m, L);
            return -1;
        }
    return 0;
}
