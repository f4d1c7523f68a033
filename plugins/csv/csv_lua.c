/*
 * csv_lua.c — the `csv` Lua module: the import's own reader for core Lua
 * commands that read a CSV file of their own (`markets import`), so that
 * such a file gets the same encodings (UTF-8 with or without BOM, GB18030
 * detected, --encoding forced), the same dialect sniffing and the same
 * source line numbers as an inspection sheet, without a second parser.
 *
 *   r = csv.open(path [, { encoding = "GB18030", delimiter = "," }])
 *   line, fields = r:next()          -- fields: an array of UTF-8 strings
 *   line, nil, why, col = r:next()   -- a record that could not be decoded
 *   nil = r:next()                   -- the end of the file
 *   r:encoding(), r:close()
 *   d = csv.date(s)                  -- "YYYY-MM-DD" from any date form of
 *   nil, why = csv.date(s)           -- rules/domain.lua's `dates`, as an
 *                                    -- inspection sheet's date is read
 *
 * csv.open raises the reader's message ("cannot open 'x.csv': ..."); an
 * I/O failure or a record of 8 MB or more in next() raises "PATH:LINE: why".  The reader is closed
 * by close(), by the garbage collector or by a to-be-closed variable.
 */
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include "csv_lua.h"
#include "csv_conv.h"
#include "csv_read.h"

#define READER_META "cwsh.csv.reader"

static cwsh_host *host;         /* for the vocabulary of csv.date */

void csv_lua_host(cwsh_host *h) { host = h; }

typedef struct lreader {
    csvr *r;
    char *path;             /* for messages */
} lreader;

static lreader *check(lua_State *L)
{
    lreader *lr = luaL_checkudata(L, 1, READER_META);
    if (!lr->r) luaL_error(L, "the CSV reader is closed");
    return lr;
}

static int l_close(lua_State *L)
{
    lreader *lr = luaL_checkudata(L, 1, READER_META);
    csvr_close(&lr->r);
    free(lr->path);
    lr->path = NULL;
    return 0;
}

static int l_next(lua_State *L)
{
    lreader *lr = check(L);
    csvr_record rec;
    char *err = NULL;
    int st = csvr_next(lr->r, &rec, &err);
    if (st == CSVR_EOF) { lua_pushnil(L); return 1; }
    if (st == CSVR_FAIL) {
        lua_pushfstring(L, "%s:%d: %s", lr->path, (int)csvr_line(lr->r), err ? err : "cannot read");
        free(err);
        return lua_error(L);
    }
    lua_pushinteger(L, rec.line);
    if (st == CSVR_BAD) {
        int col = 0;
        const char *why = csvr_error(lr->r, &col);
        lua_pushnil(L);
        lua_pushstring(L, why ? why : "bad record");
        lua_pushinteger(L, col);
        return 4;
    }
    lua_createtable(L, rec.nf, 0);
    for (int j = 0; j < rec.nf; j++) {
        lua_pushlstring(L, rec.f[j], rec.len[j]);
        lua_rawseti(L, -2, j + 1);
    }
    return 2;
}

static int l_encoding(lua_State *L)
{
    lua_pushstring(L, csvr_encoding(check(L)->r));
    return 1;
}

static int l_open(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    csvr_opts o = { NULL, 0 };
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        if (lua_getfield(L, 2, "encoding") == LUA_TSTRING) o.encoding = lua_tostring(L, -1);
        if (lua_getfield(L, 2, "delimiter") == LUA_TSTRING) {
            const char *d = lua_tostring(L, -1);
            if (strlen(d) != 1 || !strchr(",;|\t", d[0]))
                return luaL_error(L, "delimiter must be one of , ; | tab, not \"%s\"", d);
            o.delim = d[0];
        }
        /* both values stay on the stack while the reader opens */
    }
    lreader *lr = lua_newuserdatauv(L, sizeof *lr, 0);
    lr->r = NULL;
    lr->path = NULL;
    luaL_setmetatable(L, READER_META);
    char *err = NULL;
    if (!(lr->r = csvr_open(path, &o, &err))) {
        lua_pushstring(L, err ? err : "cannot open the file");
        free(err);
        return lua_error(L);
    }
    if (!(lr->path = strdup(path))) { csvr_close(&lr->r); return luaL_error(L, "out of memory"); }
    return 1;
}

/* csv.date(s): the date s names in one of the vocabulary's forms
 * (conv_date, the converter an inspection sheet's dates go through), as
 * "YYYY-MM-DD"; nil and why when none fits.  The vocabulary is compiled
 * for each call (a few forms and words): the domain is only valid during
 * the command, and a reports file is a few hundred rows.  [-1, +1|2] */
static int l_date(lua_State *L)
{
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    char *e = NULL;
    const cwsh_domain *d = host && CWSH_HOST_HAS(host, domain) && host->domain ? host->domain(host, &e) : NULL;
    if (!d) {
        lua_pushfstring(L, "no date forms: %s", e ? e : "the host gives no vocabulary");
        free(e);
        return lua_error(L);
    }
    cvoc v;
    if (cvoc_build(&v, d) != 0) { cvoc_free(&v); return luaL_error(L, "out of memory"); }
    char out[11];
    int r = conv_date(&v, s, n, out);
    cvoc_free(&v);
    if (r == 0) { lua_pushstring(L, out); return 1; }
    lua_pushnil(L);
    lua_pushstring(L, r == CONV_DATE_YEAR ? "not a date (years " CONV_DATE_YEARS ")" : "not a date");
    return 2;
}

int csv_lua_open(lua_State *L)
{
    static const luaL_Reg methods[] = {
        { "next", l_next }, { "encoding", l_encoding }, { "close", l_close }, { NULL, NULL }
    };
    if (luaL_newmetatable(L, READER_META)) {
        lua_pushcfunction(L, l_close);
        lua_setfield(L, -2, "__gc");
        lua_pushcfunction(L, l_close);
        lua_setfield(L, -2, "__close");
        luaL_newlib(L, methods);
        lua_setfield(L, -2, "__index");
    }
    lua_pop(L, 1);
    static const luaL_Reg fns[] = { { "open", l_open }, { "date", l_date }, { NULL, NULL } };
    luaL_newlib(L, fns);
    return 1;
}
