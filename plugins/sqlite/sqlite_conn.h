/*
 * sqlite_conn.h — the sqlite plugin's one database connection, shared by
 * its files (owned by the sqlite helper).
 *
 * A conn is opened once, on the store's first use (right after the core
 * has loaded the plugins), and closed by the plugin's fini().  It
 * owns the sqlite3 handle and the statement cache; everything else (the
 * `db` Lua module, the store, the loaders, the dot-commands) borrows it.
 *
 * Lifecycle: sqlite_conn_open() opens or creates the file, sets WAL mode,
 * a busy timeout of 5 s and foreign keys on, then runs the migrations
 * (sqlite_schema.h).  sqlite_conn_close() finalizes every statement, also
 * those still leased to Lua userdata, and bumps `gen` so that such
 * userdata, collected later, knows its statement is gone.
 */
#ifndef SQLITE_CONN_H
#define SQLITE_CONN_H

#include <sqlite3.h>
#include "cwsh.h"

#define SQLITE_CACHE_SIZE 64

typedef struct sqlite_cached {
    char *sql;                  /* owned; NULL for a free slot */
    size_t len;
    uint64_t hash;
    size_t tail;                /* bytes of `sql` the statement used */
    sqlite3_stmt *st;
    int busy;                   /* leased out right now */
    unsigned long used;         /* last lease, for eviction */
} sqlite_cached;

typedef struct sqlite_conn {
    sqlite3 *db;
    char *path;                 /* owned copy, for messages */
    cwsh_host *host;            /* NULL in unit tests */
    unsigned gen;               /* bumped by every close */
    int loading;                /* a loader holds the write transaction */
    sqlite_cached cache[SQLITE_CACHE_SIZE];
    unsigned long clock;
} sqlite_conn;

/* Open `path` (created when missing), configure it and migrate it to the
 * current schema.  0, or -1 with *err malloc'd and the conn closed. */
int sqlite_conn_open(sqlite_conn *c, const char *path, char **err);
/* The file a connection string names: PATH itself, or the PATH of
 * "sqlite:PATH" (or "sqlite://PATH"); NULL with *err for another store's
 * "SCHEME://..." or an empty path.  Points into `database`. */
const char *sqlite_conn_path(const char *database, char **err);

/* Where the SCHEME of a "SCHEME:REST" connection string of another store
 * kind ends (its ':'), else NULL: for a path and for sqlite:PATH. */
const char *sqlite_conn_scheme_end(const char *database);

/* Finalize every statement and close; safe on a closed conn. */
void sqlite_conn_close(sqlite_conn *c);

/* A prepared statement for `sql` (first statement of it; *tail, when not
 * NULL, gets the rest), from the cache when it holds an idle one.  The
 * lease ends with sqlite_conn_release().  NULL with *err malloc'd as
 * "MESSAGE (in: SQL)" on failure; NULL with *err NULL for empty SQL. */
sqlite3_stmt *sqlite_conn_acquire(sqlite_conn *c, const char *sql, size_t len,
                                  const char **tail, char **err);

/* Reset the statement, clear its bindings and give it back to the cache
 * (or finalize it when it was not cached). */
void sqlite_conn_release(sqlite_conn *c, sqlite3_stmt *st);

/* malloc'd "MESSAGE (in: SQL)" from the connection's last error. */
char *sqlite_conn_error(sqlite_conn *c, const char *sql);

/* malloc'd printf result; "out of memory" (malloc'd too) when it cannot be made. */
char *sqlite_conn_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Run SQL text without results; 0 or -1 with *err ("MESSAGE (in: SQL)"). */
int sqlite_conn_exec(sqlite_conn *c, const char *sql, char **err);

/* Column i of the current row as a cwsh_value (text borrowed from the
 * statement until it steps again; a BLOB as its bytes). */
void sqlite_conn_value(sqlite3_stmt *st, int i, cwsh_value *v);

#endif
