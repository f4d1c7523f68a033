/* csv_fake.h — a fake host and store for the csv plugin's unit tests
 * (header only, included by tests/unit/csv_*.c).  The store records every
 * loader call as a line of text; messages to people are collected too. */
#ifndef CSV_FAKE_H
#define CSV_FAKE_H
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include <lualib.h>
#include "cwsh.h"
#include "domain_fixture.h"

static char fk_log[1 << 20];      /* loader calls */
static char fk_msg[1 << 16];      /* errorf / noticef */
static int fk_next_market;
static int fk_fail_begin;         /* make load_begin refuse */
static struct { char code[32], name[64]; } fk_markets[64];
static int fk_nmarkets;

static void fk_add(char *buf, size_t cap, const char *fmt, ...)
{
    size_t n = strlen(buf);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, cap - n, fmt, ap);
    va_end(ap);
}

static void fk_reset(void)
{
    fk_log[0] = fk_msg[0] = 0;
    fk_nmarkets = 0;
    fk_next_market = 1;
    fk_fail_begin = 0;
}

static void fk_market(const char *code, const char *name)
{
    snprintf(fk_markets[fk_nmarkets].code, 32, "%s", code);
    snprintf(fk_markets[fk_nmarkets].name, 64, "%s", name);
    fk_nmarkets++;
}

static int fk_begin(void *self, const cwsh_import_info *in, cwsh_loader **out, char **err)
{
    if (fk_fail_begin) {
        *err = strdup("this file was imported before (2027-01-10); use --replace to import it again");
        return -1;
    }
    fk_add(fk_log, sizeof fk_log, "begin %s %s %s replace=%d\n", in->mapping, in->encoding,
           strlen(in->hash) == 32 ? "hash" : "nohash", in->replace);
    *out = (cwsh_loader *)self;
    return 0;
}

static int64_t fk_find(cwsh_loader *ld, const char *code, const char *name)
{
    for (int i = 0; i < fk_nmarkets; i++)
        if (code ? strcmp(fk_markets[i].code, code) == 0 : strcmp(fk_markets[i].name, name) == 0)
            return i + 1;
    return 0;
}

static int fk_interrupt;          /* make interrupted() say yes */
static int fk_madd_stops;         /* market_add fails as Ctrl-C makes a statement fail */

static int64_t fk_madd(cwsh_loader *ld, const char *code, const char *name, const char *unit, char **err)
{
    if (fk_madd_stops) {
        fk_interrupt = 1;
        *err = strdup("interrupted");
        return 0;
    }
    fk_add(fk_log, sizeof fk_log, "market %s %s %s\n", code ? code : "-", name ? name : "-",
           unit ? unit : "-");
    fk_market(code ? code : "", name ? name : "");
    return fk_nmarkets;
}

static int fk_insp(cwsh_loader *ld, const cwsh_inspection *in, char **err)
{
    fk_add(fk_log, sizeof fk_log, "I %s %s m%lld %s %s %s\n", in->ext_id ? in->ext_id : "-",
           in->date, (long long)in->market_id, in->kind, in->inspector ? in->inspector : "-",
           in->note ? in->note : "-");
    return 0;
}

static int fk_result(cwsh_loader *ld, const cwsh_result *r, char **err)
{
    fk_add(fk_log, sizeof fk_log, " R %s %d %g %g %s\n", r->item_code, r->result, r->deduction,
           r->count, r->note ? r->note : "-");
    return 0;
}

static int fk_end(cwsh_loader *ld, int commit, long ok, long bad, char **err)
{
    fk_add(fk_log, sizeof fk_log, "end commit=%d ok=%ld bad=%ld\n", commit, ok, bad);
    return 0;
}

static int fk_tbegin(void *self, const char *table, int n, const char *const *names,
                     cwsh_loader **out, char **err)
{
    fk_add(fk_log, sizeof fk_log, "table %s", table);
    for (int i = 0; i < n; i++) fk_add(fk_log, sizeof fk_log, " [%s]", names[i]);
    fk_add(fk_log, sizeof fk_log, "\n");
    *out = (cwsh_loader *)self;
    return 0;
}

static int fk_trow(cwsh_loader *ld, int n, const cwsh_value *v, char **err)
{
    fk_add(fk_log, sizeof fk_log, " row");
    for (int i = 0; i < n; i++) fk_add(fk_log, sizeof fk_log, " [%.*s]", (int)v[i].n, v[i].s);
    fk_add(fk_log, sizeof fk_log, "\n");
    return 0;
}

static int fk_tend(cwsh_loader *ld, int commit, char **err)
{
    fk_add(fk_log, sizeof fk_log, "tend commit=%d\n", commit);
    return 0;
}

/* no inspections_each (no duplicate check against a database), no open */
static cwsh_store fk_store = {
    .size = sizeof(cwsh_store), .name = "fake", .self = &fk_store,
    .load_begin = fk_begin, .market_find = fk_find, .market_add = fk_madd,
    .inspection = fk_insp, .result = fk_result, .load_end = fk_end,
    .table_begin = fk_tbegin, .table_row = fk_trow, .table_end = fk_tend,
};

static cwsh_store *fk_get_store(cwsh_host *h) { return &fk_store; }

static void fk_errorf(cwsh_host *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = strlen(fk_msg);
    vsnprintf(fk_msg + n, sizeof fk_msg - n, fmt, ap);
    va_end(ap);
    fk_add(fk_msg, sizeof fk_msg, "\n");
}

static void fk_progress(cwsh_host *h, const char *w, long long d, long long b, long long t) {}
static int fk_interrupted(cwsh_host *h) { return fk_interrupt; }

/* host->pcall: a limit stop cannot happen here; out of memory is one. */
static int fk_pcall(cwsh_host *h, int nargs, int nresults, int *stop)
{
    int st = lua_pcall(h->L, nargs, nresults, 0);
    *stop = st == LUA_ERRMEM;
    return st;
}

/* host->push_mappings over the preloaded mappings module below. */
static int fk_mappings_all(lua_State *L)
{
    lua_getglobal(L, "require");
    lua_pushliteral(L, "mappings");
    lua_call(L, 1, 1);
    lua_getfield(L, -1, "all");
    lua_call(L, 0, 1);
    return 1;
}

static int fk_push_mappings(cwsh_host *h, char **err)
{
    lua_pushcfunction(h->L, fk_mappings_all);
    if (lua_pcall(h->L, 0, 1, 0) == LUA_OK) return 0;
    *err = strdup(lua_tostring(h->L, -1));
    lua_pop(h->L, 1);
    return -1;
}

/* The checklist of domain.md and the default mappings, as Lua modules. */
static const char *fk_lua =
    "local items = {}\n"
    "for code, pts in ('A01 4 A02 4 A03 3 A04 3 A05 4 A06 4 B01 3 B02 3 B03 2 B04 2 B05 2 B06 2 '..\n"
    "  'C01 3 C02 3 C03 2 C04 2 C05 2 C06 2 D01 3 D02 2 D03 2 D04 3 E01 4 E02 3 E03 2 E04 3 '..\n"
    "  'F01 4 F02 3 F03 3 F04 4 F05 2 F06 2 G01 2 G02 2 G03 2 G04 2 G05 2'):gmatch('(%w+) (%d+)') do\n"
    "  items[#items + 1] = { code = code, points = tonumber(pts) }\n"
    "end\n"
    "local rs = { items = items, by_code = {} }\n"
    "for _, it in ipairs(items) do rs.by_code[it.code] = it end\n"
    "package.preload.rules = function() return { current = function() return rs end } end\n"
    "local list = {}\n"
    "local function mapping(t) list[#list + 1] = t end\n"
    "for _, f in ipairs({ 'rules/mappings/long.lua', 'rules/mappings/wide.lua',\n"
    "                     'tests/fixtures/csv/upper.lua' }) do\n"
    "  local chunk = assert(loadfile(f, 't', setmetatable({ mapping = mapping }, { __index = _G })))\n"
    "  chunk()\n"
    "end\n"
    "package.preload.mappings = function() return { all = function() return list end } end\n";

static cwsh_host *fk_host(void)
{
    static cwsh_host h;
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    if (luaL_dostring(L, fk_lua) != LUA_OK) {
        fprintf(stderr, "fake lua: %s\n", lua_tostring(L, -1));
        exit(1);
    }
    h.abi = CWSH_ABI;
    h.size = sizeof h;
    h.L = L;
    h.store = fk_get_store;
    h.errorf = fk_errorf;
    h.noticef = fk_errorf;
    h.progress = fk_progress;
    h.interrupted = fk_interrupted;
    h.pcall = fk_pcall;
    h.domain = df_get;
    h.push_mappings = fk_push_mappings;
    return &h;
}
#endif
