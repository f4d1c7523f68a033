/*
 * sqlite_db.h — the `db` Lua module over the plugin's connection (owned
 * by the sqlite helper).
 *
 *   for row in db.query(sql, ...) do ... end   rows with named fields
 *   db.one(sql, ...)        the first row, or nil
 *   db.exec(sql, ...)       run; returns changes, last insert rowid.
 *                           Without parameters the text may hold several
 *                           statements.
 *   db.tx(fn, ...)          call fn in a transaction (a savepoint when one
 *                           is open): commit on return, roll back on error
 *                           and re-raise; returns fn's results
 *   db.derived_tx(fn, ...)  db.tx without the foreign key checks (outside
 *                           a transaction), turned on again in C however
 *                           fn ends, Ctrl-C included
 *   db.with_cache(kib, fn, ...)  fn under a page cache of kib KiB, the
 *                           connection's own put back in C however fn ends
 *   db.resultset(sql, ...)  { columns = {...}, rows = {{...}, ...} }, ready
 *                           for the renderers
 *   db.cursor(sql, ...)     { columns = {...}, cursor = stmt }: the rows
 *                           stepped by the renderer (cwsh.h's
 *                           cwsh_cursor), none made into Lua values
 *   db.null                 SQL NULL (the host's cwsh.null)
 *   db.path                 the database file
 *
 * Parameters are always bound, never spliced: positional values for `?`,
 * or one table for named parameters (:name, @name, $name; `?NNN` and `?`
 * by index).  The number of values must match the parameters.  nil and
 * db.null bind NULL, integers stay integers, floats floats, booleans 1/0.
 * Errors are Lua errors "MESSAGE (in: SQL)".
 *
 * Each statement is a userdata ("cwsh.db.stmt") with __gc and __close, so
 * a loop left by break or error gives its statement back at once.
 */
#ifndef SQLITE_DB_H
#define SQLITE_DB_H

#include <lua.h>
#include "sqlite_conn.h"

/* The connection the module uses; call before the module is opened. */
void sqlite_db_use(sqlite_conn *c);

/* luaopen-style: pushes the module table. */
int sqlite_db_open(lua_State *L);

#endif
