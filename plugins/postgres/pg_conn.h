/*
 * pg_conn.h — the postgres plugin's one connection to the server, shared
 * by its files (owned by the postgres helper).
 *
 * A conn is opened by the store's open (right after the core has loaded
 * the plugins) and closed by the plugin's fini.  It owns the PGconn and
 * the PGcancel that Ctrl-C uses; the `db` Lua module, the store and the
 * loaders borrow it.
 *
 * Connection strings (host->database):
 *   postgresql://USER@HOST:PORT/DB?OPTIONS, postgres://...   libpq's URI, as is
 *   postgres:KEY=VALUE ... (or postgresql:)                  libpq's keyword/value form
 *   postgres:NAME                                            the database NAME
 * Everything libpq's environment gives (PGHOST, PGUSER ...) applies.
 *
 * Open: connects (client encoding UTF8), keeps notices below WARNING off
 * the screen, then migrates under pg_advisory_lock (pg_schema.h).
 */
#ifndef PG_CONN_H
#define PG_CONN_H

#include <libpq-fe.h>
#include "cwsh.h"

typedef struct pg_conn {
    PGconn *pg;
    PGcancel *volatile cancel;  /* for the SIGINT handler (PQcancel is signal-safe) */
    char *name;                 /* the connection string, password hidden: for messages */
    cwsh_host *host;            /* NULL in unit tests */
    int loading;                /* a loader holds the connection's transaction */
    int rowid_ready;            /* lastval() is defined in this session */
    unsigned schema_gen;        /* bumped by statements that may change tables (pg_db.c's cache) */
    int in_tx;                  /* a transaction was open at the last pg_conn_ready */
} pg_conn;

/* Non-zero when `database` is a postgres connection string (one of the
 * forms above). */
int pg_conn_is_mine(const char *database);

/* Connect to `database` and migrate it.  0, or -1 with *err malloc'd and
 * the conn closed. */
int pg_conn_open(pg_conn *c, const char *database, char **err);
void pg_conn_close(pg_conn *c);

/* Before a command's statements: 0 when the connection is good, or was
 * lost and is made again (a notice says so); -1 with *err when it cannot
 * be, or a transaction was open when it was lost (the command must not
 * run outside it).  Main thread. */
int pg_conn_ready(pg_conn *c, char **err);

/* malloc'd printf result (aborts on out of memory, like xstrdup). */
char *pg_conn_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The server's message of a failed result (or of the connection), one
 * line, without libpq's "ERROR:  " and trailing newline: malloc'd. */
char *pg_conn_error(pg_conn *c, const PGresult *r);

/* Run SQL without results (several statements allowed); 0, or -1 with
 * *err "MESSAGE (in: SQL)". */
int pg_conn_exec(pg_conn *c, const char *sql, char **err);

/* Run one statement with text parameters (NULL entries bind NULL);
 * the result when it succeeded (PQclear it), else NULL with *err
 * "MESSAGE (in: SQL)". */
PGresult *pg_conn_query(pg_conn *c, const char *sql, int n, const char *const *values, char **err);

/* Non-zero when the server cancelled the result's statement (Ctrl-C). */
int pg_conn_cancelled(const PGresult *r);

#endif
