/*
 * pg_conn.c — connection strings, connecting, and the small helpers every
 * file of the plugin uses to run SQL and word the server's errors.
 */
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "connstr.h"
#include "pg_conn.h"
#include "pg_libpq.h"
#include "pg_schema.h"

char *pg_conn_fmt(const char *fmt, ...)
{
    va_list ap;
    char *p;
    va_start(ap, fmt);
    int n = vasprintf(&p, fmt, ap);
    va_end(ap);
    if (n < 0) abort();
    return p;
}

/* "postgres:" or "postgresql:", then the rest: its length, else 0. */
static size_t scheme_len(const char *s)
{
    if (!strncmp(s, "postgresql:", 11)) return 11;
    if (!strncmp(s, "postgres:", 9)) return 9;
    return 0;
}

int pg_conn_is_mine(const char *database)
{
    return database && scheme_len(database) > 0;
}

/* What libpq is given: the URI itself, the keyword/value text, or
 * dbname=NAME for a bare name. */
static char *conninfo(const char *database)
{
    const char *rest = database + scheme_len(database);
    if (!strncmp(rest, "//", 2)) return pg_conn_fmt("%s", database);
    if (strchr(rest, '=')) return pg_conn_fmt("%s", rest);
    return pg_conn_fmt("dbname='%s'", rest);
}

/* One line: libpq's messages end in "\n" and may carry DETAIL lines. */
static char *one_line(const char *msg)
{
    if (!msg) msg = "";
    if (!strncmp(msg, "ERROR:  ", 8)) msg += 8;
    else if (!strncmp(msg, "FATAL:  ", 8)) msg += 8;
    size_t n = strcspn(msg, "\n");
    return pg_conn_fmt("%.*s", (int)n, msg);
}

char *pg_conn_error(pg_conn *c, const PGresult *r)
{
    const char *m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (m) return pg_conn_fmt("%s", m);
    if (r && *PQresultErrorMessage(r)) return one_line(PQresultErrorMessage(r));
    if (c->pg) return one_line(PQerrorMessage(c->pg));
    return pg_conn_fmt("not connected");
}

int pg_conn_cancelled(const PGresult *r)
{
    const char *code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    return code && !strcmp(code, "57014");          /* query_canceled */
}

static char *error_in(pg_conn *c, const PGresult *r, const char *sql)
{
    char *m = pg_conn_error(c, r);
    while (*sql == ' ' || *sql == '\n' || *sql == '\t') sql++;
    size_t n = strlen(sql);
    while (n && (sql[n - 1] == ' ' || sql[n - 1] == '\n' || sql[n - 1] == '\t')) n--;
    char *e = pg_conn_fmt("%s (in: %.*s)", m, (int)n, sql);
    free(m);
    return e;
}

int pg_conn_exec(pg_conn *c, const char *sql, char **err)
{
    PGresult *r = PQexec(c->pg, sql);
    ExecStatusType st = PQresultStatus(r);
    /* several statements: PQexec's result is the last one's */
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok) *err = error_in(c, r, sql);
    PQclear(r);
    return ok ? 0 : -1;
}

PGresult *pg_conn_query(pg_conn *c, const char *sql, int n, const char *const *values, char **err)
{
    PGresult *r = PQexecParams(c->pg, sql, n, NULL, values, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
    *err = error_in(c, r, sql);
    PQclear(r);
    return NULL;
}

/* Notices the server still sends (WARNING and up) go to the user through
 * the host, one line each. */
static void on_notice(void *arg, const PGresult *r)
{
    pg_conn *c = arg;
    const char *m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    if (c->host && m) c->host->noticef(c->host, "%s", m);
}

/* What every session sets up.  The temporary sequence's first value
 * defines lastval(), so db.exec's "id an INSERT made" after an INSERT
 * into a table without a sequence is stale rather than an error that
 * would abort the user's transaction.  cwsh_min/cwsh_max are SQLite's
 * scalar min/max (NULL when either side is NULL; least/greatest skip
 * NULLs), for the scoring formulas (store_postgres.lua); SQL functions
 * of one expression, so the planner inlines them.  JIT is off: the
 * ledger's statements are many, short and planned afresh, and compiling
 * them took 3.7 s of a city import's 5.5 s of ledger SQL (the city
 * import with its ledger went from 9.5 s to 4.8 s without it). */
static const char session_sql[] =
    "SET client_min_messages = warning;"
    "SET jit = off;"
    "CREATE TEMP SEQUENCE IF NOT EXISTS cwsh_lastval;"
    "SELECT nextval('cwsh_lastval');"
    "CREATE OR REPLACE FUNCTION pg_temp.cwsh_min(a double precision, b double precision)"
    " RETURNS double precision LANGUAGE sql IMMUTABLE AS"
    " 'SELECT CASE WHEN a IS NULL OR b IS NULL THEN NULL WHEN a < b THEN a ELSE b END';"
    "CREATE OR REPLACE FUNCTION pg_temp.cwsh_max(a double precision, b double precision)"
    " RETURNS double precision LANGUAGE sql IMMUTABLE AS"
    " 'SELECT CASE WHEN a IS NULL OR b IS NULL THEN NULL WHEN a > b THEN a ELSE b END'";

/* A backend ended between two commands left its FATAL message and the
 * socket's end unread: read what is waiting (the message, then, on the
 * next read, the end) so that the connection is found broken before a
 * statement fails on it.  An idle good connection has nothing to read.
 * Never while a load has a COPY going. */
static void drain(pg_conn *c)
{
    struct pollfd p = { PQsocket(c->pg), POLLIN, 0 };
    while (PQstatus(c->pg) == CONNECTION_OK && p.fd >= 0 && poll(&p, 1, 0) > 0 && PQconsumeInput(c->pg))
        p.revents = 0;
}

/* A connection libpq has found broken (the backend was terminated, the
 * server restarted) is reset once, as psql does, and set up again: the
 * session's settings, temporary sequence and functions went with the
 * backend.  A transaction that was open went with it too: then the
 * command is not run, since its statements would each commit on their
 * own where the user expects one transaction. */
int pg_conn_ready(pg_conn *c, char **err)
{
    if (!c->pg) { *err = pg_conn_fmt("the database is closed"); return -1; }
    if (!c->loading) drain(c);
    if (PQstatus(c->pg) == CONNECTION_OK) {
        /* known only while connected: kept for the moment it is not */
        c->in_tx = PQtransactionStatus(c->pg) != PQTRANS_IDLE;
        return 0;
    }
    int had_tx = c->in_tx;
    c->in_tx = 0;
    PGcancel *k = c->cancel;
    c->cancel = NULL;                               /* the SIGINT handler's, first */
    if (k) PQfreeCancel(k);
    PQreset(c->pg);
    if (PQstatus(c->pg) != CONNECTION_OK) {
        char *m = one_line(PQerrorMessage(c->pg));
        *err = pg_conn_fmt("the connection to the server was lost and cannot be made again: %s", m);
        free(m);
        return -1;
    }
    c->cancel = PQgetCancel(c->pg);
    c->schema_gen++;                                /* the temporary tables are gone */
    char *e = NULL;
    if (pg_conn_exec(c, session_sql, &e) != 0) {
        *err = pg_conn_fmt("the connection to the server was lost; reconnected, but %s", e);
        free(e);
        return -1;
    }
    if (had_tx) {
        *err = pg_conn_fmt("the connection to the server was lost, and the open transaction with it "
                           "(its changes are gone); reconnected, this command was not run");
        return -1;
    }
    if (c->host) c->host->noticef(c->host, "the connection to the server was lost; reconnected");
    return 0;
}

int pg_conn_open(pg_conn *c, const char *database, char **err)
{
    cwsh_host *host = c->host;
    memset(c, 0, sizeof *c);
    c->host = host;
    if (pg_libpq_load(err) != 0) return -1;
    c->name = connstr_mask(database);      /* for messages: passwords as *** */
    char *info = conninfo(database);
    const char *keys[] = { "dbname", "client_encoding", "application_name", NULL };
    const char *vals[] = { info, "UTF8", "cwsh", NULL };
    c->pg = PQconnectdbParams(keys, vals, 1);
    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
        char *m = c->pg ? one_line(PQerrorMessage(c->pg)) : pg_conn_fmt("out of memory");
        /* libpq's reason may quote the string, password and all (a URI
         * it cannot parse, a token it cannot decode) */
        char *shown = connstr_mask_text(m, info), *hidden = connstr_mask_text(shown, database);
        *err = pg_conn_fmt("cannot open database '%s': %s", c->name, hidden);
        free(m);
        free(shown);
        free(hidden);
        free(info);
        pg_conn_close(c);
        return -1;
    }
    free(info);
    PQsetNoticeReceiver(c->pg, on_notice, c);
    c->cancel = PQgetCancel(c->pg);
    char *e = NULL;
    /* a temporary sequence's first value defines lastval() for the
     * session, so db.exec's "last insert id" after an INSERT into a
     * table without a sequence is stale, never an error that would
     * abort the user's transaction */
    if (pg_conn_exec(c, session_sql, &e) != 0) {
        *err = pg_conn_fmt("cannot open database '%s': %s", c->name, e);
        free(e);
        pg_conn_close(c);
        return -1;
    }
    c->rowid_ready = 1;
    if (pg_schema_migrate(c, -1, err) != 0) {
        pg_conn_close(c);
        return -1;
    }
    return 0;
}

void pg_conn_close(pg_conn *c)
{
    PGcancel *k = c->cancel;
    c->cancel = NULL;
    if (k) PQfreeCancel(k);
    if (c->pg) PQfinish(c->pg);
    c->pg = NULL;
    free(c->name);
    c->name = NULL;
}
