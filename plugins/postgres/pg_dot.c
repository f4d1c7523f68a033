/*
 * pg_dot.c — dot-commands over the server's catalogue.  Each returns a
 * result set (columns, rows) that the core renders in the current mode;
 * a failure is a Lua error naming the subject.  The PGresult is owned by
 * a userdata while Lua builds rows, so an error there leaks nothing.
 */
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include "pg_dot.h"
#include "pg_schema.h"
#include "pg_value.h"

static pg_conn *conn;

#define U_TABLES ".tables [PATTERN]"
#define U_SCHEMA ".schema [TABLE]"
#define U_INDEXES ".indexes [TABLE]"
#define U_BACKUP ".backup FILE"
#define U_RESTORE ".restore FILE"
#define U_DUMP ".dump [TABLE]"
#define U_DBINFO ".dbinfo"
#define GUARD "cwsh.pg.dotguard"

static void check_args(lua_State *L, int min, int max, const char *usage)
{
    int n = lua_gettop(L);
    if (n < min || n > max) luaL_error(L, "usage: %s", usage);
}

static int guard_gc(lua_State *L)
{
    PGresult **g = luaL_checkudata(L, 1, GUARD);
    if (*g) PQclear(*g);
    *g = NULL;
    return 0;
}

/* Run `sql` with text parameters and push { columns, rows }. [-0, +1, e] */
static void push_resultset(lua_State *L, const char *sql, int n, const char *const *args)
{
    char *e = NULL;
    if (pg_conn_ready(conn, &e) != 0) {
        lua_pushstring(L, e);
        free(e);
        lua_error(L);
    }
    PGresult **g = lua_newuserdatauv(L, sizeof *g, 0);
    *g = NULL;
    luaL_setmetatable(L, GUARD);
    char *err = NULL;
    *g = pg_conn_query(conn, sql, n, args, &err);
    if (!*g) {
        lua_pushstring(L, err);
        free(err);
        lua_error(L);
    }
    PGresult *r = *g;
    int ncol = PQnfields(r);
    lua_createtable(L, 0, 2);
    lua_createtable(L, ncol, 0);
    for (int i = 0; i < ncol; i++) {
        lua_pushstring(L, PQfname(r, i));
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "columns");
    lua_createtable(L, PQntuples(r), 0);
    for (int row = 0; row < PQntuples(r); row++) {
        lua_createtable(L, ncol, 0);
        for (int i = 0; i < ncol; i++) {
            cwsh_value v;
            pg_value_get(r, row, i, &v);
            if (v.type == CWSH_NULL) conn->host->push_null(L);
            else if (v.type == CWSH_INT) lua_pushinteger(L, (lua_Integer)v.i);
            else if (v.type == CWSH_REAL) lua_pushnumber(L, v.r);
            else lua_pushlstring(L, v.s, v.n);
            lua_rawseti(L, -2, i + 1);
        }
        lua_rawseti(L, -2, row + 1);
    }
    lua_setfield(L, -2, "rows");
    lua_remove(L, -2);                          /* the guard; collected later */
}

static int rows_in(lua_State *L, int idx)
{
    lua_getfield(L, idx, "rows");
    int n = (int)lua_rawlen(L, -1);
    lua_pop(L, 1);
    return n;
}

/* .tables [PATTERN]: the tables and views of the current schema, as
 * sqlite's .tables lists them (name, type). */
static int d_tables(lua_State *L)
{
    check_args(L, 0, 1, U_TABLES);
    const char *pat = luaL_optstring(L, 1, NULL);
    const char *args[] = { pat };
    push_resultset(L,
        "SELECT c.relname AS name, CASE c.relkind WHEN 'v' THEN 'view' ELSE 'table' END AS type"
        "  FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace"
        " WHERE c.relkind IN ('r', 'v', 'p') AND s.nspname = current_schema()"
        "   AND c.relname <> 'cwsh_schema' AND ($1::text IS NULL OR c.relname LIKE $1)"
        " ORDER BY 1", 1, args);
    if (pat && rows_in(L, -1) == 0) return luaL_error(L, "no table or view matches '%s'", pat);
    return 1;
}

/* .schema [TABLE]: each table's columns with their types, NOT NULL and
 * defaults, and each view's definition; the server keeps no CREATE text. */
static int d_schema(lua_State *L)
{
    check_args(L, 0, 1, U_SCHEMA);
    const char *pat = luaL_optstring(L, 1, NULL);
    const char *args[] = { pat };
    push_resultset(L,
        "SELECT c.relname AS name, CASE WHEN c.relkind = 'v'"
        "   THEN 'CREATE VIEW ' || c.relname || ' AS' || E'\\n' || pg_get_viewdef(c.oid, true)"
        "   ELSE 'CREATE TABLE ' || c.relname || '(' || (SELECT string_agg(a.attname || ' ' ||"
        "     format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END,"
        "     ', ' ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0"
        "     AND NOT a.attisdropped) || ');' END AS sql"
        "  FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace"
        " WHERE c.relkind IN ('r', 'v', 'p') AND s.nspname = current_schema()"
        "   AND c.relname <> 'cwsh_schema' AND ($1::text IS NULL OR c.relname LIKE $1)"
        " ORDER BY c.oid", 1, args);
    if (pat && rows_in(L, -1) == 0) return luaL_error(L, "no table or view matches '%s'", pat);
    return 1;
}

/* .indexes [TABLE]: as the sqlite store lists them (table, index,
 * columns, unique, origin), from pg_index: a primary key, a UNIQUE
 * constraint or a CREATE INDEX. */
static int d_indexes(lua_State *L)
{
    check_args(L, 0, 1, U_INDEXES);
    const char *pat = luaL_optstring(L, 1, NULL);
    const char *args[] = { pat };
    push_resultset(L,
        "SELECT t.relname AS \"table\", i.relname AS \"index\","
        "       (SELECT string_agg(pg_get_indexdef(x.indexrelid, k.n, true), ', ' ORDER BY k.n)"
        "          FROM generate_series(1, x.indnkeyatts) AS k(n)) AS columns,"
        "       CASE WHEN x.indisunique THEN 1 ELSE 0 END AS \"unique\","
        "       CASE WHEN x.indisprimary THEN 'PRIMARY KEY'"
        "            WHEN EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.contype = 'u')"
        "            THEN 'UNIQUE' ELSE 'CREATE INDEX' END AS origin"
        "  FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
        "  JOIN pg_namespace s ON s.oid = t.relnamespace"
        " WHERE s.nspname = current_schema() AND t.relname <> 'cwsh_schema'"
        "   AND ($1::text IS NULL OR t.relname LIKE $1)"
        " ORDER BY 1, 2", 1, args);
    if (pat && rows_in(L, -1) == 0) {
        lua_pop(L, 1);
        push_resultset(L,
            "SELECT 1 FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace"
            " WHERE c.relkind IN ('r', 'p') AND s.nspname = current_schema() AND c.relname LIKE $1", 1, args);
        if (rows_in(L, -1) == 0) return luaL_error(L, "no table matches '%s'", pat);
        lua_pop(L, 1);
        return 0;
    }
    return 1;
}

/* .backup and .restore: the server's data is not a file this process
 * can copy page by page; pg_dump and pg_restore are the tools that
 * take a consistent copy while others write and put it back. */
static int d_backup(lua_State *L)
{
    check_args(L, 1, 1, U_BACKUP);
    return luaL_error(L, "the postgres store keeps no file to copy: back the server's database up with "
                         "pg_dump (pg_dump -Fc -f '%s' '%s')", luaL_checkstring(L, 1), conn->name);
}

static int d_restore(lua_State *L)
{
    check_args(L, 1, 1, U_RESTORE);
    return luaL_error(L, "the postgres store keeps no file to replace: restore a pg_dump copy with "
                         "pg_restore (pg_restore --clean -d '%s' '%s'), then start cwsh to migrate it",
                      conn->name, luaL_checkstring(L, 1));
}

/* .dump: sqlite3's habit; on a server pg_dump writes the SQL, and
 * "unknown command" left the user nothing to go on. */
static int d_dump(lua_State *L)
{
    check_args(L, 0, 1, U_DUMP);
    if (lua_gettop(L) == 1)
        return luaL_error(L, "the postgres store has no .dump: pg_dump writes a table as SQL "
                             "(pg_dump -t '%s' -f 'FILE.sql' '%s')", luaL_checkstring(L, 1), conn->name);
    return luaL_error(L, "the postgres store has no .dump: pg_dump writes the server's database as SQL "
                         "(pg_dump -f 'FILE.sql' '%s')", conn->name);
}

/* .dbinfo: the server, database, schema version and row counts. */
static int d_dbinfo(lua_State *L)
{
    check_args(L, 0, 0, U_DBINFO);
    char v[16];
    snprintf(v, sizeof v, "%d", pg_schema_current());
    const char *args[] = { conn->name, v };
    push_resultset(L,
        "SELECT 'database' AS key, $1::text AS value"
        " UNION ALL SELECT 'server', version()"
        " UNION ALL SELECT 'schema version', (SELECT max(version)::text FROM cwsh_schema) || ' (this cwsh knows ' || $2 || ')'"
        " UNION ALL SELECT 'size', pg_size_pretty(pg_database_size(current_database()))"
        " UNION ALL SELECT 'markets', (SELECT count(*)::text FROM market)"
        " UNION ALL SELECT 'inspections', (SELECT count(*)::text FROM inspection)"
        " UNION ALL SELECT 'results', (SELECT count(*)::text FROM result)"
        " UNION ALL SELECT 'imports', (SELECT count(*)::text FROM import)", 2, args);
    return 1;
}

void pg_dot_register(pg_conn *c)
{
    conn = c;
    cwsh_host *h = c->host;
    lua_State *L = h->L;
    if (luaL_newmetatable(L, GUARD)) {
        lua_pushcfunction(L, guard_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    h->register_command(h, ".tables", U_TABLES, "list tables and views (PATTERN as in LIKE)", d_tables);
    h->register_command(h, ".schema", U_SCHEMA, "show each table's columns and each view's query", d_schema);
    h->register_command(h, ".indexes", U_INDEXES, "list indexes with their columns", d_indexes);
    h->register_command(h, ".backup", U_BACKUP, "refused on a server: says how to use pg_dump", d_backup);
    h->register_command(h, ".restore", U_RESTORE, "refused on a server: says how to use pg_restore", d_restore);
    h->register_command(h, ".dump", U_DUMP, "refused on a server: says how to use pg_dump", d_dump);
    h->register_command(h, ".dbinfo", U_DBINFO, "show the server, database, schema version and row counts",
                        d_dbinfo);
}
