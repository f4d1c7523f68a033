/*
 * pg_db.c — the `db` Lua module (see pg_db.h for the API).
 *
 * Module functions are C closures with two upvalues, the connection
 * (light userdata) and the NULL value.  Nothing malloc'd is held across a
 * call that can raise: the translated SQL and the parameter names become
 * Lua values at once, the bound values are Lua strings on the stack, and
 * a result is owned by a userdata whose __gc clears it.  Results come
 * whole (PQexecParams), so a query loop may run other statements inside
 * it.
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include "pg_db.h"
#include "pg_sql.h"
#include "pg_value.h"

#define RES_META "cwsh.pg.result"
#define CONN(L) ((pg_conn *)lua_touserdata(L, lua_upvalueindex(1)))
#define NULLIDX lua_upvalueindex(2)

static pg_conn *the_conn;

void pg_db_use(pg_conn *c) { the_conn = c; }

typedef struct res {
    PGresult *r;
    int row;                    /* the next row a query loop gives */
} res;

static int res_gc(lua_State *L)
{
    res *x = luaL_checkudata(L, 1, RES_META);
    if (x->r) PQclear(x->r);
    x->r = NULL;
    return 0;
}

/* Raise "WHERE MESSAGE (in: SQL)". */
static int raise_in(lua_State *L, const char *msg, const char *sql)
{
    luaL_where(L, 1);
    lua_pushfstring(L, "%s (in: %s)", msg, sql);
    lua_concat(L, 2);
    return lua_error(L);
}

static int is_null(lua_State *L, int idx)
{
    return lua_isnil(L, idx) || lua_rawequal(L, idx, NULLIDX);
}

/* The text sent for the Lua value at idx, pushed (nil for NULL).
 * [-0, +1, e] */
static void push_param(lua_State *L, int idx, int i, const char *sql)
{
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) { lua_pushfstring(L, "%I", lua_tointeger(L, idx)); break; }
        {
            double d = lua_tonumber(L, idx);
            char buf[64];
            if (isnan(d)) strcpy(buf, "NaN");
            else if (isinf(d)) strcpy(buf, d > 0 ? "Infinity" : "-Infinity");
            else snprintf(buf, sizeof buf, "%.17g", d);
            lua_pushstring(L, buf);
        }
        break;
    case LUA_TSTRING: lua_pushvalue(L, idx); break;
    case LUA_TBOOLEAN: lua_pushstring(L, lua_toboolean(L, idx) ? "1" : "0"); break;
    default:
        if (!is_null(L, idx)) {
            lua_pushfstring(L, "cannot bind a %s to parameter %d", luaL_typename(L, idx), i);
            raise_in(L, lua_tostring(L, -1), sql);
        }
        lua_pushnil(L);
    }
}

/*
 * Run one statement s[0..len) (a Lua string's bytes, kept alive by the
 * caller) with the values at first..last.  Pushes the result userdata.
 * [-0, +1, e]
 */
static res *run(lua_State *L, const char *s, size_t len, int first, int last)
{
    pg_conn *c = CONN(L);
    int base = lua_gettop(L);
    lua_pushlstring(L, s, len);                      /* base+1: the SQL as given, for messages */
    const char *sql = lua_tostring(L, base + 1);
    char *e = NULL;
    if (pg_conn_ready(c, &e) != 0) {
        lua_pushstring(L, e);
        free(e);
        raise_in(L, lua_tostring(L, -1), sql);
    }
    pg_params p;
    char *t = pg_sql_translate(s, len, &p);
    if (!t) luaL_error(L, "out of memory");
    lua_pushstring(L, t);                            /* base+2: the SQL sent */
    free(t);
    int n = p.n;
    /* every value's text stays on the stack until PQexecParams: room for
     * them all (an INSERT of a few hundred rows' values overran the
     * stack's 20 free slots and corrupted the heap), or "too many" */
    if (!lua_checkstack(L, n + 8)) {
        pg_params_free(&p);
        raise_in(L, "too many parameters", sql);
    }
    lua_createtable(L, n, 0);                        /* base+3: names, false for positional */
    for (int i = 0; i < n; i++) {
        if (p.names[i]) lua_pushstring(L, p.names[i]); else lua_pushboolean(L, 0);
        lua_rawseti(L, -2, i + 1);
    }
    pg_params_free(&p);
    const char **vals = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *vals, 0);   /* base+4 */
    int vbase = lua_gettop(L);
    if (last == first && lua_type(L, first) == LUA_TTABLE) {
        for (int i = 1; i <= n; i++) {
            lua_rawgeti(L, base + 3, i);
            int isname = lua_type(L, -1) == LUA_TSTRING;
            if (isname) lua_gettable(L, first);
            else { lua_pop(L, 1); lua_rawgeti(L, first, i); }
            if (lua_isnil(L, -1)) {
                if (isname) { lua_rawgeti(L, base + 3, i); lua_pushfstring(L, "no value for parameter :%s", lua_tostring(L, -1)); }
                else lua_pushfstring(L, "no value for parameter %d", i);
                raise_in(L, lua_tostring(L, -1), sql);
            }
            push_param(L, lua_gettop(L), i, sql);
            lua_replace(L, -2);
        }
    } else {
        int nval = last >= first ? last - first + 1 : 0;
        if (nval != n) {
            lua_pushfstring(L, "the SQL has %d parameter%s, %d value%s given", n, n == 1 ? "" : "s",
                            nval, nval == 1 ? "" : "s");
            raise_in(L, lua_tostring(L, -1), sql);
        }
        for (int i = 1; i <= n; i++) push_param(L, first + i - 1, i, sql);
    }
    for (int i = 0; i < n; i++) vals[i] = lua_tostring(L, vbase + 1 + i);   /* NULL for nil */
    res *x = lua_newuserdatauv(L, sizeof *x, 0);
    x->r = NULL;
    x->row = 0;
    luaL_setmetatable(L, RES_META);
    x->r = PQexecParams(c->pg, lua_tostring(L, base + 2), n, NULL, vals, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(x->r);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        char *m = pg_conn_error(c, x->r);
        lua_pushstring(L, m);
        free(m);
        raise_in(L, lua_tostring(L, -1), sql);
    }
    lua_replace(L, base + 1);                        /* the result where the SQL was */
    lua_settop(L, base + 1);
    return x;
}

static void push_value(lua_State *L, const PGresult *r, int row, int col)
{
    cwsh_value v;
    pg_value_get(r, row, col, &v);
    switch (v.type) {
    case CWSH_NULL: lua_pushvalue(L, NULLIDX); break;
    case CWSH_INT: lua_pushinteger(L, (lua_Integer)v.i); break;
    case CWSH_REAL: lua_pushnumber(L, v.r); break;
    default: lua_pushlstring(L, v.s, v.n);
    }
}

/* Row `row` as a table with named fields.  [-0, +1, m] */
static void push_row(lua_State *L, const PGresult *r, int row)
{
    int n = PQnfields(r);
    lua_createtable(L, 0, n);
    for (int i = 0; i < n; i++) {
        push_value(L, r, row, i);
        lua_setfield(L, -2, PQfname(r, i));
    }
}

/* Only blanks, comments and ';' may follow a statement given values. */
static size_t one_statement(lua_State *L, const char *sql, size_t len)
{
    int term;
    size_t n = pg_sql_statement(sql, len, &term);
    if (n < len && !pg_sql_blank(sql + n, len - n))
        raise_in(L, "only one statement allowed here (db.exec runs several)", sql);
    return n;
}

/* ---------------------------------------------------------------- API */

static int l_next(lua_State *L)
{
    res *x = luaL_checkudata(L, 1, RES_META);
    if (!x->r || x->row >= PQntuples(x->r)) return 0;
    push_row(L, x->r, x->row++);
    return 1;
}

static res *query_args(lua_State *L)
{
    size_t len;
    const char *sql = luaL_checklstring(L, 1, &len);
    if (pg_sql_blank(sql, len)) luaL_error(L, "no SQL statement in '%s'", sql);
    return run(L, sql, one_statement(L, sql, len), 2, lua_gettop(L));
}

/* db.query(sql, ...) -> iterator, result, nil, result (to-be-closed) */
static int l_query(lua_State *L)
{
    query_args(L);
    int ud = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_pushcclosure(L, l_next, 2);
    lua_pushvalue(L, ud);
    lua_pushnil(L);
    lua_pushvalue(L, ud);
    return 4;
}

static int l_one(lua_State *L)
{
    res *x = query_args(L);
    if (PQntuples(x->r) == 0) return 0;
    push_row(L, x->r, 0);
    return 1;
}

static int l_resultset(lua_State *L)
{
    res *x = query_args(L);
    int n = PQnfields(x->r);
    lua_createtable(L, 0, 2);
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        lua_pushstring(L, PQfname(x->r, i));
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "columns");
    int rows = PQntuples(x->r);
    lua_createtable(L, rows, 0);
    for (int r = 0; r < rows; r++) {
        lua_createtable(L, n, 0);
        for (int i = 0; i < n; i++) {
            push_value(L, x->r, r, i);
            lua_rawseti(L, -2, i + 1);
        }
        lua_rawseti(L, -2, r + 1);
    }
    lua_setfield(L, -2, "rows");
    return 1;
}

/* db.cursor(sql, ...) -> { columns = {...}, cursor = result }: the rows
 * of the result (libpq holds them whole) given to the renderer one by one
 * (cwsh.h's cwsh_cursor), none made into Lua values. */
static int l_cursor(lua_State *L)
{
    res *x = query_args(L);
    int n = PQnfields(x->r);
    lua_createtable(L, 0, 2);
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        lua_pushstring(L, PQfname(x->r, i));
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "columns");
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, "cursor");
    return 1;
}

static int cursor_next(void *ud, int ncol, cwsh_value *v, const char **err)
{
    (void)err;                  /* the result is whole: nothing can fail */
    res *x = ud;
    if (!x->r || x->row >= PQntuples(x->r)) return 0;
    int have = PQnfields(x->r);
    for (int i = 0; i < ncol; i++) {
        if (i < have) pg_value_get(x->r, x->row, i, &v[i]);
        else memset(&v[i], 0, sizeof v[i]);
    }
    x->row++;
    return 1;
}

static void cursor_close(void *ud)
{
    res *x = ud;
    if (x->r) PQclear(x->r);
    x->r = NULL;
}

static const cwsh_cursor res_cursor = { cursor_next, cursor_close };

/* The statement's first word, lower-cased, into w (at most n - 1
 * bytes); *rest after it. */
static void first_word(const char *s, size_t len, char *w, size_t n, const char **rest)
{
    size_t i = 0, k = 0;
    while (i < len) {
        if (isspace((unsigned char)s[i])) { i++; continue; }
        if (s[i] == '-' && i + 1 < len && s[i + 1] == '-') { while (i < len && s[i] != '\n') i++; continue; }
        break;
    }
    while (i < len && k + 1 < n && isalpha((unsigned char)s[i])) w[k++] = (char)tolower((unsigned char)s[i++]);
    w[k] = 0;
    if (rest) *rest = s + i;
}

/* Statements that cannot create, drop or alter a table: the others
 * empty the cache of tables with an id sequence. */
static int keeps_schema(const char *w)
{
    return !strcmp(w, "insert") || !strcmp(w, "select") || !strcmp(w, "update") || !strcmp(w, "delete")
        || !strcmp(w, "with") || !strcmp(w, "values");
}

/*
 * db.exec returns the id an INSERT made, lastval(): a second round trip
 * after each INSERT.  An INSERT into a table without a sequence-made
 * column (the ledger's per-row inserts into its temporary work tables:
 * 800 of them in a city import) has no id to give, and lastval() would
 * name some other table's row anyway, so those skip the round trip.
 * Whether a table has such a column is asked once and kept in the
 * registry table cwsh.pg.serial, keyed by the name as the INSERT spells
 * it; a statement that may change tables (any but INSERT, SELECT,
 * UPDATE, DELETE, WITH, VALUES; anything typed at the prompt; a
 * rollback) empties it (pg_conn's schema_gen).
 * [-0, +0, m]
 */
static int has_serial(lua_State *L, pg_conn *c, const char *s, size_t len)
{
    char w[16];
    const char *p;
    first_word(s, len, w, sizeof w, &p);
    const char *end = s + len;
    while (p < end && isspace((unsigned char)*p)) p++;
    if (end - p < 4 || strncasecmp(p, "into", 4) || !isspace((unsigned char)p[4])) return 1;
    p += 4;
    while (p < end && isspace((unsigned char)*p)) p++;
    const char *t = p;              /* a name, schema-qualified or quoted as written */
    while (p < end && (isalnum((unsigned char)*p) || *p == '_' || *p == '.' || *p == '"' || (unsigned char)*p >= 0x80)) p++;
    if (p == t) return 1;
    lua_getfield(L, LUA_REGISTRYINDEX, "cwsh.pg.serial");      /* +1 */
    if (!lua_istable(L, -1) || (lua_getfield(L, -1, "\1gen"), (unsigned)lua_tointeger(L, -1) != c->schema_gen)) {
        if (lua_istable(L, -1)) lua_pop(L, 1);
        lua_pop(L, 1);
        lua_newtable(L);                                        /* +1: a fresh cache */
        lua_pushinteger(L, (lua_Integer)c->schema_gen);
        lua_setfield(L, -2, "\1gen");
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, "cwsh.pg.serial");
    } else {
        lua_pop(L, 1);                                          /* the gen */
    }
    lua_pushlstring(L, t, (size_t)(p - t));                     /* +2 */
    lua_pushvalue(L, -1);
    int known = lua_gettable(L, -3);                            /* +3 */
    if (known != LUA_TNIL) {
        int v = lua_toboolean(L, -1);
        lua_pop(L, 3);
        return v;
    }
    lua_pop(L, 1);
    const char *v[1] = { lua_tostring(L, -1) };
    PGresult *r = PQexecParams(c->pg,
        "SELECT EXISTS (SELECT 1 FROM pg_attribute a LEFT JOIN pg_attrdef d"
        " ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
        " WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped"
        " AND (a.attidentity <> '' OR pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%'))",
        1, NULL, v, NULL, NULL, 0);
    /* a failure (the name unknown to to_regclass) asks lastval() as before */
    int yes = PQresultStatus(r) != PGRES_TUPLES_OK || strcmp(PQgetvalue(r, 0, 0), "f") != 0;
    PQclear(r);
    lua_pushboolean(L, yes);
    lua_settable(L, -3);
    lua_pop(L, 1);
    return yes;
}

/* db.exec(sql, ...) -> changes, the id an INSERT made */
static int l_exec(lua_State *L)
{
    int top = lua_gettop(L);
    size_t len, off = 0;
    const char *sql = luaL_checklstring(L, 1, &len);
    lua_Integer changes = 0, id = 0;
    int ran = 0, insert = 0;
    size_t last_off = 0, last_n = 0;
    while (off < len) {
        int term;
        size_t n = top > 1 ? one_statement(L, sql + off, len - off)
                           : pg_sql_statement(sql + off, len - off, &term);
        if (!pg_sql_blank(sql + off, n)) {
            res *x = run(L, sql + off, n, 2, top);
            changes = (lua_Integer)strtoll(PQcmdTuples(x->r), NULL, 10);
            lua_pop(L, 1);
            char w[16];
            first_word(sql + off, n, w, sizeof w, NULL);
            if (!keeps_schema(w)) CONN(L)->schema_gen++;
            insert = !strcmp(w, "insert");
            last_off = off, last_n = n;
            ran = 1;
        }
        off += n;
        if (top > 1) break;
    }
    if (!ran) return luaL_error(L, "no SQL statement in '%s'", sql);
    pg_conn *c = CONN(L);
    if (insert && c->rowid_ready && has_serial(L, c, sql + last_off, last_n)) {
        PGresult *r = PQexec(c->pg, "SELECT lastval()");
        if (PQresultStatus(r) == PGRES_TUPLES_OK) id = (lua_Integer)strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        PQclear(r);
    }
    lua_pushinteger(L, changes);
    lua_pushinteger(L, id);
    return 2;
}

/* Run a transaction statement; NULL, or the server's message (malloc'd). */
static char *tx_sql(pg_conn *c, const char *sql)
{
    PGresult *r = PQexec(c->pg, sql);
    char *e = NULL;
    if (PQresultStatus(r) != PGRES_COMMAND_OK) e = pg_conn_error(c, r);
    /* COMMIT of a transaction a failed statement aborted rolls back and
     * says so only in its tag */
    else if (!strcmp(sql, "COMMIT") && !strcmp(PQcmdStatus(r), "ROLLBACK"))
        e = pg_conn_fmt("the transaction was aborted by an earlier error and rolled back");
    PQclear(r);
    return e;
}

static void rollback(pg_conn *c, int outer)
{
    c->schema_gen++;            /* a table the transaction made may be gone */
    free(tx_sql(c, outer ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT cwsh_tx"));
    if (!outer) free(tx_sql(c, "RELEASE SAVEPOINT cwsh_tx"));
}

/* db.tx(fn, ...) -> fn's results */
static int l_tx(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    pg_conn *c = CONN(L);
    char *re = NULL;
    if (pg_conn_ready(c, &re) != 0) {
        lua_pushstring(L, re);
        free(re);
        return lua_error(L);
    }
    int outer = PQtransactionStatus(c->pg) == PQTRANS_IDLE;
    const char *start = outer ? "BEGIN" : "SAVEPOINT cwsh_tx";
    char *e = tx_sql(c, start);
    if (e) {
        lua_pushstring(L, e);
        free(e);
        return raise_in(L, lua_tostring(L, -1), start);
    }
    if (lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0) != LUA_OK) {
        rollback(c, outer);
        return lua_error(L);
    }
    const char *end = outer ? "COMMIT" : "RELEASE SAVEPOINT cwsh_tx";
    e = PQtransactionStatus(c->pg) == PQTRANS_INERROR
        ? pg_conn_fmt("the transaction was aborted by an earlier error") : tx_sql(c, end);
    if (e) {
        rollback(c, outer);
        lua_pushstring(L, e);
        free(e);
        return raise_in(L, lua_tostring(L, -1), end);
    }
    return lua_gettop(L);
}

/* db.unlocking(k1, k2, fn, ...) -> fn's results: fn, then the session's
 * advisory lock (k1, k2) let go if the session holds it, here in C
 * however fn ends.  (The import's lock on its owed findings, pg_load.c:
 * let go in Lua after a pcall, it stayed when Ctrl-C stopped the ledger,
 * whose interrupt raises at every instruction, and kept every other
 * session from those findings until this one ended.  Only when held: a
 * lock not held is a WARNING on the user's screen.) */
static int l_unlocking(lua_State *L)
{
    lua_Integer k1 = luaL_checkinteger(L, 1), k2 = luaL_checkinteger(L, 2);
    luaL_checktype(L, 3, LUA_TFUNCTION);
    pg_conn *c = CONN(L);
    if (!c->pg) return luaL_error(L, "the database is closed");
    lua_remove(L, 1);
    lua_remove(L, 1);
    int rc = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
    char sql[320], *e = NULL;
    snprintf(sql, sizeof sql,
             "SELECT pg_advisory_unlock(%lld, %lld) FROM pg_locks WHERE locktype = 'advisory' "
             "AND pid = pg_backend_pid() AND classid = %lld AND objid = %lld AND objsubid = 2",
             (long long)k1, (long long)k2, (long long)(uint32_t)k1, (long long)(uint32_t)k2);
    /* (in a transaction an error aborted, nothing can run: that lock is
     * not held, as an import inside a transaction takes none) */
    if (PQtransactionStatus(c->pg) != PQTRANS_INERROR && pg_conn_exec(c, sql, &e) != 0) free(e);
    if (rc != LUA_OK) return lua_error(L);
    return lua_gettop(L);
}

static void push_null(lua_State *L, pg_conn *c)
{
    if (c->host && c->host->push_null) { c->host->push_null(L); return; }
    if (lua_getfield(L, LUA_REGISTRYINDEX, "cwsh.db.null") == LUA_TNIL) {
        lua_pop(L, 1);
        lua_newuserdatauv(L, 0, 0);
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, "cwsh.db.null");
    }
}

int pg_db_open(lua_State *L)
{
    static const luaL_Reg fns[] = {
        { "query", l_query }, { "one", l_one }, { "exec", l_exec }, { "tx", l_tx }, { "unlocking", l_unlocking },
        { "resultset", l_resultset }, { "cursor", l_cursor }, { NULL, NULL }
    };
    static const luaL_Reg meta[] = { { "__gc", res_gc }, { "__close", res_gc }, { NULL, NULL } };
    if (luaL_newmetatable(L, RES_META)) {
        luaL_setfuncs(L, meta, 0);
        lua_pushlightuserdata(L, (void *)&res_cursor);
        lua_setfield(L, -2, "__cwsh_cursor");
    }
    lua_pop(L, 1);
    pg_conn *c = the_conn;
    luaL_newlibtable(L, fns);
    lua_pushlightuserdata(L, c);
    push_null(L, c);
    luaL_setfuncs(L, fns, 2);
    push_null(L, c);
    lua_setfield(L, -2, "null");
    lua_pushstring(L, c->name ? c->name : "");
    lua_setfield(L, -2, "path");
    return 1;
}
