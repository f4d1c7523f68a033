/*
 * pg_db.h — the `db` Lua module over the postgres plugin's connection
 * (owned by the postgres helper), with the sqlite plugin's API
 * (plugins/sqlite/sqlite_db.h) so the core's Lua and users' scripts run
 * unchanged on either store:
 *
 *   for row in db.query(sql, ...) do ... end   rows with named fields
 *   db.one(sql, ...)        the first row, or nil
 *   db.exec(sql, ...)       run; returns the rows changed and, after an
 *                           INSERT, the id it made (lastval()).  Without
 *                           values the text may hold several statements.
 *   db.tx(fn, ...)          fn in a transaction (BEGIN, or a SAVEPOINT
 *                           inside one): commit on return, roll back on
 *                           error and re-raise; fn's results
 *   db.resultset(sql, ...)  { columns = {...}, rows = {{...}, ...} }
 *   db.cursor(sql, ...)     { columns = {...}, cursor = result }: the
 *                           rows given to the renderer (cwsh.h's
 *                           cwsh_cursor), none made into Lua values
 *   db.null                 SQL NULL (the host's cwsh.null)
 *   db.path                 the connection string, password hidden
 *
 * Placeholders are SQLite's (`?`, `?NNN`, `:name`, `@name`, `$name`),
 * rewritten to $n (pg_sql.h); values are sent as text and typed by the
 * server from where they stand.  nil and db.null send NULL, integers
 * their digits, floats the shortest text that reads back the same,
 * booleans 1/0.  Errors are Lua errors "MESSAGE (in: SQL)".
 */
#ifndef PG_DB_H
#define PG_DB_H

#include <lua.h>
#include "pg_conn.h"

/* The connection the module uses; call before the module is opened. */
void pg_db_use(pg_conn *c);

/* luaopen-style: pushes the module table. */
int pg_db_open(lua_State *L);

#endif
