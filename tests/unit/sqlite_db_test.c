/*
 * sqlite_db_test.c — the `db` Lua module: NULL and integer round-trips,
 * parameters (positional, named, count checks), error messages with the
 * SQL, db.tx commit/rollback/nesting, the statement cache and statement
 * userdata after the connection closes.  Owner: sqlite helper.
 */
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include <lualib.h>
#include "tap.h"
#include "../../plugins/sqlite/sqlite_conn.h"
#include "../../plugins/sqlite/sqlite_db.h"

static lua_State *L;
static sqlite_conn conn;

/* Run `code`; its one result (or error message) as a string. */
static char *run(const char *code)
{
    char *out;
    if (luaL_loadbufferx(L, code, strlen(code), "=t", "t") != LUA_OK
        || lua_pcall(L, 0, 1, 0) != LUA_OK) {
        out = strdup(lua_tostring(L, -1) ? lua_tostring(L, -1) : "(error object)");
    } else {
        out = strdup(luaL_tolstring(L, -1, NULL));
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return out;
}

static void is(const char *code, const char *want, const char *name)
{
    char *got = run(code);
    tap_is(got, want, name);
    free(got);
}

static int live_statements(void)
{
    int n = 0;
    for (sqlite3_stmt *s = sqlite3_next_stmt(conn.db, NULL); s; s = sqlite3_next_stmt(conn.db, s)) n++;
    return n;
}

int main(void)
{
    char *err = NULL;
    if (sqlite_conn_open(&conn, ":memory:", &err) != 0) { printf("Bail out! %s\n", err); return 1; }
    L = luaL_newstate();
    luaL_openlibs(L);
    sqlite_db_use(&conn);
    luaL_requiref(L, "db", sqlite_db_open, 1);
    lua_pop(L, 1);

    is("db.exec('CREATE TABLE t(a, b INTEGER, c REAL, d TEXT)') return 'ok'", "ok", "exec DDL");
    is("return select(1, db.exec('INSERT INTO t VALUES (?, ?, ?, ?)', db.null, nil, 1.5, '中文'))",
       "1", "exec returns changes");
    is("local r = db.one('SELECT a, b, c, d FROM t') "
       "return tostring(r.a == db.null) .. ' ' .. tostring(r.b == db.null) .. ' ' .. r.c .. ' ' .. r.d",
       "true true 1.5 中文", "NULL round-trip: nil and db.null bind NULL, come back as db.null");
    is("local r = db.one('SELECT a FROM t') local n = 0 for k in pairs(r) do n = n + 1 end return n",
       "1", "NULL is a present field, not a missing key");
    is("local big = 9007199254740993 "
       "local r = db.one('SELECT ? AS x, ? AS y, ? AS z, typeof(?) AS ty', big, 3.0, 42, 42) "
       "return math.type(r.x) .. ' ' .. tostring(r.x == big) .. ' ' .. math.type(r.y) .. ' ' "
       ".. math.type(r.z) .. ' ' .. r.ty",
       "integer true float integer integer", "integers stay integers (2^53+1 exact), floats floats");
    is("return db.one('SELECT ? AS t, ? AS f', true, false).t .. db.one('SELECT ? AS f', false).f",
       "10", "booleans bind 1/0");
    is("return db.one('SELECT :x || @y || $z || ?4 AS s', { x = 'a', y = 'b', z = 'c', [4] = 'd' }).s",
       "abcd", "named parameters from one table");
    is("return db.one('SELECT :x AS s', {})", "t:1: no value for parameter :x (in: SELECT :x AS s)",
       "missing named parameter");
    is("return db.one('SELECT ? AS a, ? AS b', 1)",
       "t:1: the SQL has 2 parameters, 1 value given (in: SELECT ? AS a, ? AS b)",
       "too few values");
    is("return db.one('SELECT 1 AS a', 1)",
       "t:1: the SQL has 0 parameters, 1 value given (in: SELECT 1 AS a)", "too many values");
    is("return db.one('SELECT ? AS a', {1}).a", "1", "a table binds by position for '?'");
    is("return db.one('SELECT ? AS a', function() end)",
       "t:1: cannot bind a function to parameter 1 (in: SELECT ? AS a)", "unbindable value");
    is("return db.one('SELECT * FROM nosuch')",
       "t:1: no such table: nosuch (in: SELECT * FROM nosuch)", "error carries message and SQL");
    is("return db.one('SELECT 1; SELECT 2')",
       "t:1: only one statement allowed here (db.exec runs several) (in: SELECT 1; SELECT 2)",
       "query/one take one statement");
    is("return db.one('SELECT 1 AS x WHERE 0') == nil", "true", "db.one: no row is nil");
    is("local s = '' for r in db.query('SELECT value AS v FROM json_each(?)', '[1,2,3]') do "
       "s = s .. r.v end return s", "123", "db.query iterates");
    is("return select(2, db.exec('INSERT INTO t(d) VALUES (1); INSERT INTO t(d) VALUES (2);'))",
       "3", "exec several statements; last insert rowid");
    is("local rs = db.resultset('SELECT 1 AS a, NULL AS b UNION ALL SELECT 2, 3') "
       "return #rs.columns .. rs.columns[1] .. rs.columns[2] .. #rs.rows .. tostring(rs.rows[1][2] == db.null) .. rs.rows[2][2]",
       "2ab2true3", "resultset: columns and positional rows");

    /* transactions */
    is("db.exec('CREATE TABLE u(x)') "
       "local ok, e = pcall(db.tx, function() db.exec('INSERT INTO u VALUES (1)') error({code = 7}) end) "
       "return tostring(ok) .. ' ' .. type(e) .. e.code .. ' ' .. db.one('SELECT count(*) AS n FROM u').n",
       "false table7 0", "db.tx: error rolls back and re-raises the same error object");
    is("local a, b = db.tx(function(x) db.exec('INSERT INTO u VALUES (?)', x) return x, 'done' end, 5) "
       "return a .. b .. db.one('SELECT sum(x) AS s FROM u').s",
       "5done5", "db.tx: commit on return, results and arguments pass through");
    is("db.tx(function() db.exec('INSERT INTO u VALUES (10)') "
       "  pcall(db.tx, function() db.exec('INSERT INTO u VALUES (100)') error('inner') end) end) "
       "return db.one('SELECT sum(x) AS s FROM u').s",
       "15", "db.tx nests: the inner rollback keeps the outer work");
    is("local ok, e = pcall(db.tx, function() db.exec('INSERT INTO nosuch VALUES (1)') end) return e",
       "t:1: no such table: nosuch (in: INSERT INTO nosuch VALUES (1))", "db.tx: SQL error re-raised");
    is("return tostring(db.one('SELECT 1 AS x') ~= nil) .. db.one('SELECT count(*) AS n FROM u').n",
       "true2", "reads still work after the transactions");
    tap_ok(sqlite3_get_autocommit(conn.db), "no transaction left open");

    /* statement cache */
    int before = live_statements();
    is("for i = 1, 50 do for r in db.query('SELECT value FROM json_each(\\'[1,2,3]\\')') do break end end "
       "return 'ok'", "ok", "break out of a loop 50 times");
    tap_is_int(live_statements() - before, 1, "one cached statement serves all 50 loops");
    is("local n = 0 for a in db.query('SELECT 1 AS v UNION ALL SELECT 2') do "
       "for b in db.query('SELECT 1 AS v UNION ALL SELECT 2') do n = n + a.v * b.v end end return n",
       "9", "the same SQL nested gets its own statement");
    is("local ok, e = pcall(function() for r in db.query('SELECT 1 AS v UNION ALL SELECT 2') do "
       "error('in the loop', 0) end end) return e", "in the loop", "an error inside a loop propagates");
    int busy = 0;                /* before any collection: __close did it */
    for (sqlite3_stmt *x = sqlite3_next_stmt(conn.db, NULL); x; x = sqlite3_next_stmt(conn.db, x))
        busy += sqlite3_stmt_busy(x);
    tap_is_int(busy, 0, "no statement left running after break, error or end");
    is("collectgarbage() collectgarbage() return 'ok'", "ok", "collect");
    tap_ok(live_statements() - before <= 3, "the nested statement was finalized");
    is("local it, s = db.query('SELECT 1') return tostring(s):match('^db statement %(open%)') ~= nil",
       "true", "statement userdata __tostring");

    /* userdata outliving the connection */
    is("held = select(2, db.query('SELECT 1 AS x UNION ALL SELECT 2')) return 'ok'", "ok", "hold a statement");
    sqlite_conn_close(&conn);
    is("return db.one('SELECT 1 AS x')", "t:1: the database is closed", "closed connection: clean error");
    is("held = nil collectgarbage() return 'ok'", "ok", "statement userdata collected after close");
    lua_close(L);
    return tap_done();
}
