/*
 * sqlite_db.c — the `db` Lua module (see sqlite_db.h for the API).
 *
 * Every module function is a C closure with two upvalues: the connection
 * (light userdata) and the NULL value, so NULL tests are one rawequal.
 * Statements come from the connection's cache and are held by a userdata
 * created before the lease (closed, st == NULL), so __gc is always safe
 * and no raw resource is held across a call that can raise.
 */
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include "sqlite_db.h"

#define STMT_META "cwsh.db.stmt"
#define CONN(L) ((sqlite_conn *)lua_touserdata(L, lua_upvalueindex(1)))
#define NULLIDX lua_upvalueindex(2)

static sqlite_conn *the_conn;

void sqlite_db_use(sqlite_conn *c) { the_conn = c; }

typedef struct stmt {
    sqlite3_stmt *st;           /* NULL once given back */
    sqlite_conn *c;
    unsigned gen;               /* c->gen at the lease: a closed conn bumps it */
    const char *sql;            /* in user value 1 */
    char *err;                  /* a cursor's message, malloc'd; freed at __gc */
} stmt;

static void stmt_release(stmt *s)
{
    if (s->st && s->c->gen == s->gen) sqlite_conn_release(s->c, s->st);
    s->st = NULL;
}

static int stmt_gc(lua_State *L)
{
    stmt *s = luaL_checkudata(L, 1, STMT_META);
    stmt_release(s);
    free(s->err);
    s->err = NULL;
    return 0;
}

static int stmt_tostring(lua_State *L)
{
    stmt *s = luaL_checkudata(L, 1, STMT_META);
    lua_pushfstring(L, "db statement (%s): %s", s->st ? "open" : "closed", s->sql ? s->sql : "");
    return 1;
}

/* Raise "MESSAGE (in: SQL)" after giving the statement back.
 * The message is copied into Lua first: releasing resets the statement. */
static int stmt_error(lua_State *L, stmt *s, const char *msg)
{
    luaL_where(L, 1);
    lua_pushfstring(L, "%s (in: %s)", msg, s->sql);
    lua_concat(L, 2);
    stmt_release(s);
    return lua_error(L);
}

static int is_null(lua_State *L, int idx)
{
    return lua_isnil(L, idx) || lua_rawequal(L, idx, NULLIDX);
}

/* Bind the Lua value at `idx` to parameter `i`. */
static void bind_one(lua_State *L, stmt *s, int i, int idx)
{
    sqlite3_stmt *st = s->st;
    int rc;
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        rc = lua_isinteger(L, idx) ? sqlite3_bind_int64(st, i, lua_tointeger(L, idx))
                                   : sqlite3_bind_double(st, i, lua_tonumber(L, idx));
        break;
    case LUA_TSTRING: {
        size_t n;
        const char *p = lua_tolstring(L, idx, &n);
        rc = sqlite3_bind_text64(st, i, p, n, SQLITE_TRANSIENT, SQLITE_UTF8);
        break;
    }
    case LUA_TBOOLEAN:
        rc = sqlite3_bind_int(st, i, lua_toboolean(L, idx));
        break;
    default:
        if (!is_null(L, idx)) {
            lua_pushfstring(L, "cannot bind a %s to parameter %d", luaL_typename(L, idx), i);
            stmt_error(L, s, lua_tostring(L, -1));
        }
        rc = sqlite3_bind_null(st, i);
    }
    if (rc != SQLITE_OK) stmt_error(L, s, sqlite3_errmsg(s->c->db));
}

/* Bind the values at first..last: one table binds by name, else by
 * position. */
static void bind_all(lua_State *L, stmt *s, int first, int last)
{
    int nparam = sqlite3_bind_parameter_count(s->st);
    if (last == first && lua_type(L, first) == LUA_TTABLE) {
        for (int i = 1; i <= nparam; i++) {
            const char *name = sqlite3_bind_parameter_name(s->st, i);
            int named = name && name[0] != '?';
            if (named) lua_getfield(L, first, name + 1);
            else lua_rawgeti(L, first, i);
            if (lua_isnil(L, -1)) {
                if (named) lua_pushfstring(L, "no value for parameter %s", name);
                else lua_pushfstring(L, "no value for parameter %d", i);
                stmt_error(L, s, lua_tostring(L, -1));
            }
            bind_one(L, s, i, lua_gettop(L));
            lua_pop(L, 1);
        }
        return;
    }
    int nval = last >= first ? last - first + 1 : 0;
    if (nval != nparam) {
        lua_pushfstring(L, "the SQL has %d parameter%s, %d value%s given", nparam,
                        nparam == 1 ? "" : "s", nval, nval == 1 ? "" : "s");
        stmt_error(L, s, lua_tostring(L, -1));
    }
    for (int i = 1; i <= nparam; i++) bind_one(L, s, i, first + i - 1);
}

/* Only blanks and ';' may follow the one statement. */
static int only_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ';') p++;
    return *p == 0;
}

/* A new statement userdata, pushed, for `len` bytes of the SQL string at
 * index `sqlidx`, bound to the values at first..last.  `one` demands
 * that nothing but blanks follows the statement; *tail gets the rest.
 * [-0, +1, e] */
static stmt *stmt_new(lua_State *L, int sqlidx, size_t off, int first, int last, int one,
                      const char **tail)
{
    size_t len;
    const char *sql = luaL_checklstring(L, sqlidx, &len) + off;
    len -= off;
    sqlite_conn *c = CONN(L);
    stmt *s = lua_newuserdatauv(L, sizeof *s, 1);
    memset(s, 0, sizeof *s);
    luaL_setmetatable(L, STMT_META);
    lua_pushvalue(L, sqlidx);
    lua_setiuservalue(L, -2, 1);                 /* keeps s->sql alive */
    s->c = c;
    s->sql = sql;
    s->gen = c->gen;
    char *err = NULL;
    const char *t = NULL;
    s->st = sqlite_conn_acquire(c, sql, len, &t, &err);
    if (tail) *tail = t;
    if (!s->st) {
        if (!err) return NULL;                   /* only blanks or comments */
        luaL_where(L, 1);
        lua_pushstring(L, err);
        free(err);
        lua_concat(L, 2);
        lua_error(L);
    }
    if (one && t && !only_blanks(t))
        stmt_error(L, s, "only one statement allowed here (db.exec runs several)");
    bind_all(L, s, first, last);
    return s;
}

static void push_value(lua_State *L, sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER: lua_pushinteger(L, sqlite3_column_int64(st, i)); break;
    case SQLITE_FLOAT: lua_pushnumber(L, sqlite3_column_double(st, i)); break;
    case SQLITE_NULL: lua_pushvalue(L, NULLIDX); break;
    case SQLITE_BLOB: {
        const void *p = sqlite3_column_blob(st, i);
        lua_pushlstring(L, p ? p : "", (size_t)sqlite3_column_bytes(st, i));
        break;
    }
    default:
        lua_pushlstring(L, (const char *)sqlite3_column_text(st, i),
                        (size_t)sqlite3_column_bytes(st, i));
    }
}

/* The current row as a table with named fields.  [-0, +1, m] */
static void push_row(lua_State *L, sqlite3_stmt *st)
{
    int n = sqlite3_column_count(st);
    lua_createtable(L, 0, n);
    for (int i = 0; i < n; i++) {
        push_value(L, st, i);
        lua_setfield(L, -2, sqlite3_column_name(st, i));
    }
}

static void check_open(lua_State *L, stmt *s)
{
    if (s->st && s->c->gen != s->gen) {
        s->st = NULL;
        luaL_error(L, "the database is closed (in: %s)", s->sql);
    }
}

/* Step once: 1 for a row, 0 when done (statement given back), raises on
 * error. */
static int stmt_step(lua_State *L, stmt *s)
{
    check_open(L, s);
    if (!s->st) return 0;
    int rc = sqlite3_step(s->st);
    if (rc == SQLITE_ROW) return 1;
    if (rc == SQLITE_DONE) { stmt_release(s); return 0; }
    return stmt_error(L, s, sqlite3_errmsg(s->c->db));
}

/* ---------------------------------------------------------------- API */

/* The iterator: (stmt, _) -> row | nil */
static int l_next(lua_State *L)
{
    stmt *s = luaL_checkudata(L, 1, STMT_META);
    if (!stmt_step(L, s)) return 0;
    push_row(L, s->st);
    return 1;
}

/* db.query(sql, ...) -> iterator, stmt, nil, stmt (to-be-closed) */
static int l_query(lua_State *L)
{
    int top = lua_gettop(L);
    stmt *s = stmt_new(L, 1, 0, 2, top, 1, NULL);
    if (!s) return luaL_error(L, "no SQL statement in '%s'", lua_tostring(L, 1));
    int ud = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_pushcclosure(L, l_next, 2);
    lua_pushvalue(L, ud);
    lua_pushnil(L);
    lua_pushvalue(L, ud);
    return 4;
}

/* db.one(sql, ...) -> first row | nil */
static int l_one(lua_State *L)
{
    int top = lua_gettop(L);
    stmt *s = stmt_new(L, 1, 0, 2, top, 1, NULL);
    if (!s) return luaL_error(L, "no SQL statement in '%s'", lua_tostring(L, 1));
    if (!stmt_step(L, s)) return 0;
    push_row(L, s->st);
    stmt_release(s);
    return 1;
}

/* db.resultset(sql, ...) -> { columns = {...}, rows = {{...}, ...} } */
static int l_resultset(lua_State *L)
{
    int top = lua_gettop(L);
    stmt *s = stmt_new(L, 1, 0, 2, top, 1, NULL);
    if (!s) return luaL_error(L, "no SQL statement in '%s'", lua_tostring(L, 1));
    int n = sqlite3_column_count(s->st);
    lua_createtable(L, 0, 2);
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        lua_pushstring(L, sqlite3_column_name(s->st, i));
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "columns");
    lua_newtable(L);
    lua_Integer r = 0;
    while (stmt_step(L, s)) {
        lua_createtable(L, n, 0);
        for (int i = 0; i < n; i++) {
            push_value(L, s->st, i);
            lua_rawseti(L, -2, i + 1);
        }
        lua_rawseti(L, -2, ++r);
    }
    lua_setfield(L, -2, "rows");
    return 1;
}

/* db.cursor(sql, ...) -> { columns = {...}, cursor = stmt }: the
 * statement prepared and bound, stepped only by the renderer (cwsh.h's
 * cwsh_cursor), so a listing of tens of thousands of rows makes no Lua
 * string or table per cell. */
static int l_cursor(lua_State *L)
{
    int top = lua_gettop(L);
    stmt *s = stmt_new(L, 1, 0, 2, top, 1, NULL);
    if (!s) return luaL_error(L, "no SQL statement in '%s'", lua_tostring(L, 1));
    int n = sqlite3_column_count(s->st);
    lua_createtable(L, 0, 2);
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        lua_pushstring(L, sqlite3_column_name(s->st, i));
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "columns");
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, "cursor");
    return 1;
}

/* The cursor's message "MSG (in: SQL)", kept in s->err (malloc'd: no
 * Lua allocation, which could raise, while the renderer is open). */
static const char *cursor_error(stmt *s, const char *msg)
{
    free(s->err);
    s->err = sqlite_conn_fmt("%s (in: %s)", msg, s->sql);
    return s->err;
}

static int cursor_next(void *ud, int ncol, cwsh_value *v, const char **err)
{
    stmt *s = ud;
    if (!s->st) return 0;
    if (s->c->gen != s->gen) {
        s->st = NULL;
        *err = cursor_error(s, "the database is closed");
        return -1;
    }
    int rc = sqlite3_step(s->st);
    if (rc == SQLITE_DONE) { stmt_release(s); return 0; }
    if (rc != SQLITE_ROW) {
        *err = cursor_error(s, sqlite3_errmsg(s->c->db));
        stmt_release(s);
        return -1;
    }
    int have = sqlite3_column_count(s->st);
    for (int i = 0; i < ncol; i++) {
        if (i < have) sqlite_conn_value(s->st, i, &v[i]);
        else memset(&v[i], 0, sizeof v[i]);
    }
    return 1;
}

static void cursor_close(void *ud) { stmt_release(ud); }

static const cwsh_cursor stmt_cursor = { cursor_next, cursor_close };

/* db.exec(sql, ...) -> changes, last insert rowid.  Without values the
 * text may hold several statements, run in order. */
static int l_exec(lua_State *L)
{
    int top = lua_gettop(L);
    size_t len, off = 0;
    const char *sql = luaL_checklstring(L, 1, &len);
    int ran = 0;
    do {
        const char *tail = NULL;
        stmt *s = stmt_new(L, 1, off, 2, top, top > 1, &tail);
        if (!s) break;
        while (stmt_step(L, s)) {}
        lua_pop(L, 1);
        ran = 1;
        off = tail ? (size_t)(tail - sql) : len;
    } while (off < len);
    if (!ran) return luaL_error(L, "no SQL statement in '%s'", sql);
    sqlite3 *db = CONN(L)->db;
    lua_pushinteger(L, (lua_Integer)sqlite3_changes64(db));
    lua_pushinteger(L, (lua_Integer)sqlite3_last_insert_rowid(db));
    return 2;
}

static void tx_sql(lua_State *L, sqlite_conn *c, const char *sql)
{
    if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        luaL_error(L, "%s (in: %s)", sqlite3_errmsg(c->db), sql);
}

/* db.tx(fn, ...) -> fn's results.  Outside a transaction BEGIN IMMEDIATE
 * (take the write lock now rather than fail to upgrade later); inside
 * one, a savepoint, so transactions nest. */
static int l_tx(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    sqlite_conn *c = CONN(L);
    if (!c->db) return luaL_error(L, "the database is closed");
    int outer = sqlite3_get_autocommit(c->db);
    tx_sql(L, c, outer ? "BEGIN IMMEDIATE" : "SAVEPOINT cwsh_tx");
    if (lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0) != LUA_OK) {
        /* errors here are ignored: SQLite may have rolled back already */
        if (outer) sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
        else sqlite3_exec(c->db, "ROLLBACK TO cwsh_tx; RELEASE cwsh_tx", NULL, NULL, NULL);
        return lua_error(L);
    }
    const char *end = outer ? "COMMIT" : "RELEASE cwsh_tx";
    if (sqlite3_exec(c->db, end, NULL, NULL, NULL) != SQLITE_OK) {
        lua_pushfstring(L, "%s (in: %s)", sqlite3_errmsg(c->db), end);
        if (outer) sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
        else sqlite3_exec(c->db, "ROLLBACK TO cwsh_tx; RELEASE cwsh_tx", NULL, NULL, NULL);
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
        return lua_error(L);
    }
    return lua_gettop(L);
}

/* db.derived_tx(fn, ...) -> fn's results: db.tx with SQLite's foreign
 * key checks off, for a transaction whose rows all take their keys from
 * rows it reads (the ledger's findings of an import).  Outside a
 * transaction the pragma is turned off and then on again here in C,
 * after fn has returned or failed: a Lua restore after a pcall never ran
 * when Ctrl-C stopped the command, whose hook raises at every instruction,
 * and the session went on without its checks (and `imports undo` without
 * its cascades).  Inside a transaction the pragma cannot change, and the
 * checks run. */
static int l_derived_tx(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    sqlite_conn *c = CONN(L);
    if (!c->db) return luaL_error(L, "the database is closed");
    int off = 0;
    if (sqlite3_get_autocommit(c->db)) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(c->db, "PRAGMA foreign_keys", -1, &st, NULL) != SQLITE_OK)
            return luaL_error(L, "%s (in: PRAGMA foreign_keys)", sqlite3_errmsg(c->db));
        off = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
        sqlite3_finalize(st);
        if (off) tx_sql(L, c, "PRAGMA foreign_keys = OFF");
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_pushcclosure(L, l_tx, 2);
    lua_insert(L, 1);
    int rc = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
    if (off && sqlite3_exec(c->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK && rc == LUA_OK)
        return luaL_error(L, "%s (in: PRAGMA foreign_keys = ON)", sqlite3_errmsg(c->db));
    if (rc != LUA_OK) return lua_error(L);
    return lua_gettop(L);
}

/* db.with_cache(kib, fn, ...) -> fn's results: fn under a page cache of
 * `kib` KiB, the connection's own size put back here in C however fn
 * ends (a restore in Lua does not run when Ctrl-C stopped fn). */
static int l_with_cache(lua_State *L)
{
    lua_Integer kib = luaL_checkinteger(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    sqlite_conn *c = CONN(L);
    if (!c->db) return luaL_error(L, "the database is closed");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db, "PRAGMA cache_size", -1, &st, NULL) != SQLITE_OK)
        return luaL_error(L, "%s (in: PRAGMA cache_size)", sqlite3_errmsg(c->db));
    int have = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_int64 was = have ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA cache_size = %lld", -(long long)kib);
    tx_sql(L, c, sql);
    lua_remove(L, 1);
    int rc = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
    if (have) {
        snprintf(sql, sizeof sql, "PRAGMA cache_size = %lld", (long long)was);
        sqlite3_exec(c->db, sql, NULL, NULL, NULL);
    }
    if (rc != LUA_OK) return lua_error(L);
    return lua_gettop(L);
}

static void push_null(lua_State *L, sqlite_conn *c)
{
    if (c->host && c->host->push_null) { c->host->push_null(L); return; }
    /* no host (unit tests): a sentinel of our own */
    if (lua_getfield(L, LUA_REGISTRYINDEX, "cwsh.db.null") == LUA_TNIL) {
        lua_pop(L, 1);
        lua_newuserdatauv(L, 0, 0);
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, "cwsh.db.null");
    }
}

int sqlite_db_open(lua_State *L)
{
    static const luaL_Reg fns[] = {
        { "query", l_query }, { "one", l_one }, { "exec", l_exec }, { "tx", l_tx },
        { "derived_tx", l_derived_tx }, { "with_cache", l_with_cache },
        { "resultset", l_resultset }, { "cursor", l_cursor }, { NULL, NULL }
    };
    static const luaL_Reg meta[] = {
        { "__gc", stmt_gc }, { "__close", stmt_gc }, { "__tostring", stmt_tostring },
        { NULL, NULL }
    };
    if (luaL_newmetatable(L, STMT_META)) {
        luaL_setfuncs(L, meta, 0);
        lua_pushlightuserdata(L, (void *)&stmt_cursor);
        lua_setfield(L, -2, "__cwsh_cursor");
    }
    lua_pop(L, 1);
    sqlite_conn *c = the_conn;
    luaL_newlibtable(L, fns);
    lua_pushlightuserdata(L, c);
    push_null(L, c);
    luaL_setfuncs(L, fns, 2);
    push_null(L, c);
    lua_setfield(L, -2, "null");
    lua_pushstring(L, c->path ? c->path : "");
    lua_setfield(L, -2, "path");
    return 1;
}
