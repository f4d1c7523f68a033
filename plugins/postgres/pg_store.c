/*
 * pg_store.c — SQL at the prompt: the text is cut into statements (the
 * server would run a multi-statement string as one implicit transaction,
 * undoing the earlier statements when a later one fails; SQLite runs
 * them one by one and so does this), each goes to the server as it was
 * typed, and each result set streams to the sink row by row (libpq's
 * single-row mode: a large SELECT is not held whole in memory).  A
 * statement without columns prints nothing.  Errors are the server's
 * primary message alone, as SQLite's are.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "pg_store.h"
#include "pg_load.h"
#include "pg_sql.h"
#include "pg_value.h"

#define MAXCOLS_STACK 64

/* Drain what is left of the running statement's results. */
static void drain(pg_conn *c)
{
    PGresult *r;
    while ((r = PQgetResult(c->pg)) != NULL) {
        ExecStatusType st = PQresultStatus(r);
        PQclear(r);
        if (st == PGRES_COPY_IN) PQputCopyEnd(c->pg, "COPY FROM STDIN is not supported at the prompt");
        else if (st == PGRES_COPY_OUT) { char *b; while (PQgetCopyData(c->pg, &b, 0) > 0) PQfreemem(b); }
    }
}

/* The column names of r into names (ncol of them). */
static void column_names(const PGresult *r, int ncol, const char **names)
{
    for (int i = 0; i < ncol; i++) {
        names[i] = PQfname(r, i);
        if (!names[i]) names[i] = "?";
    }
}

/* Run one statement into `out`.  0, or -1 with *err. */
static int run_one(pg_conn *c, const char *sql, cwsh_sink *out, char **err)
{
    c->schema_gen++;            /* SQL at the prompt may create or drop any table */
    if (!PQsendQuery(c->pg, sql)) { *err = pg_conn_error(c, NULL); return -1; }
    PQsetSingleRowMode(c->pg);
    cwsh_value stackv[MAXCOLS_STACK];
    const char *stackn[MAXCOLS_STACK];
    cwsh_value *v = stackv;
    const char **names = stackn;
    int open = 0, stop = 0, rc = 0, ncol = 0;
    PGresult *r;
    while (!stop && rc == 0 && (r = PQgetResult(c->pg)) != NULL) {
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_SINGLE_TUPLE || (st == PGRES_TUPLES_OK && !open)) {
            if (!open) {
                ncol = PQnfields(r);
                if (ncol > MAXCOLS_STACK) {
                    v = malloc((size_t)ncol * sizeof *v);
                    names = malloc((size_t)ncol * sizeof *names);
                    if (!v || !names) {
                        free(v == stackv ? NULL : v);
                        free(names == stackn ? NULL : names);
                        v = stackv, names = stackn;
                        *err = pg_conn_fmt("out of memory");
                        rc = -1;
                        PQclear(r);
                        break;
                    }
                }
                column_names(r, ncol, names);
                /* a statement without columns (INSERT, CREATE) prints nothing */
                if (ncol > 0) { out->columns(out, ncol, names); open = 1; }
            }
            for (int row = 0; row < PQntuples(r) && !stop; row++) {
                for (int i = 0; i < ncol; i++) pg_value_get(r, row, i, &v[i]);
                stop = out->row(out, ncol, v);
            }
        } else if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT) {
            *err = pg_conn_fmt("COPY to or from the client is not supported at the prompt (use .import or import)");
            rc = -1;
        } else if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK && st != PGRES_EMPTY_QUERY) {
            *err = pg_conn_error(c, r);
            rc = -1;
        }
        PQclear(r);
    }
    /* the reader stopped early: the server need not send the rest */
    if (stop && c->cancel) { char buf[256]; PQcancel(c->cancel, buf, sizeof buf); }
    drain(c);
    if (open) out->end(out);
    if (v != stackv) { free(v); free(names); }
    return rc;
}

/* Whether `sql` is COMMIT or END (of a transaction block). */
static int is_commit(const char *sql)
{
    while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r') sql++;
    size_t k = !strncasecmp(sql, "commit", 6) ? 6 : !strncasecmp(sql, "end", 3) ? 3 : 0;
    return k && !((sql[k] >= 'a' && sql[k] <= 'z') || (sql[k] >= 'A' && sql[k] <= 'Z') || sql[k] == '_');
}

/* The user's transaction after statement `sql` (rc its result), as SQLite
 * says it (sqlite_store.c): a failure inside BEGIN aborts the
 * transaction on the server, and the COMMIT that follows rolls it back
 * with no error; a lost connection loses it.  Say so: the failure's
 * message grows, and such a COMMIT fails.  Returns the statement's rc. */
static int tx_lost(pg_conn *c, const char *sql, PGTransactionStatusType before, int rc, char **err)
{
    PGTransactionStatusType now = PQtransactionStatus(c->pg);
    const char *more = NULL;
    if (rc != 0 && before == PQTRANS_INTRANS && now == PQTRANS_INERROR)
        more = "the open transaction is aborted: its changes are gone (ROLLBACK to go on)";
    else if (rc != 0 && before == PQTRANS_INTRANS && now != PQTRANS_INTRANS)
        more = "the open transaction was rolled back: its changes are gone";
    if (more) {
        char *m = pg_conn_fmt("%s; %s", *err ? *err : "the statement failed", more);
        if (m) { free(*err); *err = m; }
        return rc;
    }
    if (rc == 0 && before == PQTRANS_INERROR && now == PQTRANS_IDLE && is_commit(sql)) {
        *err = pg_conn_fmt("COMMIT rolled the transaction back (a statement in it had failed): its changes are gone");
        return -1;
    }
    return rc;
}

static int s_exec(void *self, const char *sql, cwsh_sink *out, char **err)
{
    pg_conn *c = self;
    *err = NULL;
    if (pg_conn_ready(c, err) != 0) return -1;
    size_t n = strlen(sql), i = 0;
    while (i < n) {
        int term;
        size_t len = pg_sql_statement(sql + i, n - i, &term);
        if (!pg_sql_blank(sql + i, len)) {
            char *one = strndup(sql + i, len);
            if (!one) { *err = pg_conn_fmt("out of memory"); return -1; }
            PGTransactionStatusType before = PQtransactionStatus(c->pg);
            int rc = run_one(c, one, out, err);
            rc = tx_lost(c, one, before, rc, err);
            free(one);
            if (rc != 0) return -1;
        }
        i += len;
    }
    return 0;
}

static int s_complete(void *self, const char *sql)
{
    (void)self;
    return pg_sql_complete(sql);
}

/* From the SIGINT handler: PQcancel is async-signal-safe, and asks the
 * server to stop the running statement (an import's COPY, a scoring
 * query); the statement then fails with "canceling statement due to
 * user request" and its transaction rolls back. */
static void s_interrupt(void *self)
{
    pg_conn *c = self;
    PGcancel *k = c->cancel;
    char buf[256];
    if (k) PQcancel(k, buf, sizeof buf);
}

void pg_store_init(cwsh_store *st, pg_conn *c)
{
    memset(st, 0, sizeof *st);
    st->size = sizeof *st;
    st->name = "postgres";
    st->server = 1;             /* a server the connection string names */
    st->self = c;
    st->exec = s_exec;
    st->complete = s_complete;
    st->interrupt = s_interrupt;
    pg_load_fill(st);
}
