/*
 * pg_load.c — COPY-based loads (see pg_load.h).
 *
 * Rows wait in memory as COPY text lines (tab-separated, \N for NULL) and
 * go to the server a few MB at a time: a COPY cannot stay open while
 * market_add runs its INSERT, so each flush is one complete COPY.
 *
 * Inspections and item results go straight into `inspection` and
 * `result`: no staging table, no INSERT ... SELECT at the end.  A line
 * waiting in memory starts with the inspection's local number (1, 2, ...
 * in file order); a flush first takes real ids from inspection's
 * sequence for the inspections not sent yet (exactly as many, so no id
 * is wasted), then sends the inspections' lines and the results' lines
 * with the local number replaced by the id.  The inspections of a flush
 * always go before its results, so the results' foreign key finds them
 * when the per-row checks run.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pg_conn.h"
#include "pg_load.h"
#include "loadkit.h"

#define FLUSH_BYTES (1 << 20)
/* The first flush goes at 64 KB and each next one at twice the last, up
 * to FLUSH_BYTES: the server starts writing rows after a few ms of
 * parsing instead of after the first megabyte (80 ms of a city import
 * during which the server sat idle), and big files still go in large
 * COPYs. */
#define FIRST_FLUSH (64 << 10)
/* market_add's ids until the market is on the server (see add_markets) */
#define PROVISIONAL ((int64_t)1 << 60)

typedef struct buf {
    char *p;
    size_t n, cap;
    int oom;
} buf;

struct cwsh_loader {
    pg_conn *c;
    const cwsh_domain *dom;
    int savepoint;              /* inside the user's transaction */
    int64_t import_id;
    int64_t replaces;           /* the import --replace deleted, 0: none */
    int fast;                   /* may insert without the per-row FK triggers */
    int copying;                /* the results' COPY is still going to the server */
    unsigned pushes;            /* results since the last copy_push */
    size_t flush_at;            /* buffered bytes that start the next flush */
    int64_t seq;                /* local number of the inspection last given */
    int64_t *ids;               /* local number -> id, for [1, nids] */
    int64_t nids;
    size_t ids_cap;
    int64_t insp_id;            /* seq of the inspection last added, 0 when it failed */
    uint32_t *seen;             /* item id -> inspection number that has it */
    size_t nseen;
    loadkit_map code, name, alias, unit, item, known;
    loadkit_map used;                /* the market ids the inspections name */
    loadkit_map own;            /* codes of the markets this load inserted (market_added) */
    buf insp, res;              /* COPY lines not yet sent, local numbers first */
    buf out;                    /* a flush's lines with the ids in place */
    buf pcode, pname, punit;    /* markets to add: array texts "{a,b" of code, name, unit id */
    long npend;                 /* how many markets those hold */
    int64_t *mreal;             /* provisional number -> the market's id, [1, nprov] */
    int64_t nprov;
    size_t mreal_cap;
    char *table_copy;           /* table loads: the COPY statement */
    int ncols;
};

/* ------------------------------------------------------------- buffers */

static void put(buf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->n + n + 1) * 2;
        char *p = realloc(b->p, cap);
        if (!p) { b->oom = 1; return; }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;             /* a statement built here is a C string */
}

/* A text field in COPY's text format: \N for NULL, backslash escapes for
 * the bytes that would end the field or the line. */
static void field(buf *b, const char *s, size_t n, int last)
{
    if (!s) put(b, "\\N", 2);
    else
        for (size_t i = 0; i < n; i++) {
            char c = s[i];
            if (c == '\\') put(b, "\\\\", 2);
            else if (c == '\t') put(b, "\\t", 2);
            else if (c == '\n') put(b, "\\n", 2);
            else if (c == '\r') put(b, "\\r", 2);
            else put(b, &c, 1);
        }
    put(b, last ? "\n" : "\t", 1);
}

static void text(buf *b, const char *s, int last) { field(b, s, s ? strlen(s) : 0, last); }

/* An integer, or a double as the shortest text that reads back the same. */
static void num(buf *b, double d, long long i, int isint, int last)
{
    char t[64];
    int n = isint ? snprintf(t, sizeof t, "%lld", i) : snprintf(t, sizeof t, "%.17g", d);
    field(b, t, (size_t)n, last);
}

/* Send b's lines with `copy` (COPY ... FROM STDIN) and empty it. */
static int send_copy(pg_conn *c, const char *copy, buf *b, char **err)
{
    if (b->oom) { *err = pg_conn_fmt("out of memory"); return -1; }
    if (!b->n) return 0;
    PGresult *r = PQexec(c->pg, copy);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        *err = pg_conn_error(c, r);
        PQclear(r);
        return -1;
    }
    PQclear(r);
    int ok = PQputCopyData(c->pg, b->p, (int)b->n) == 1 && PQputCopyEnd(c->pg, NULL) == 1;
    b->n = 0;
    int rc = ok ? 0 : -1;
    if (!ok) *err = pg_conn_error(c, NULL);
    while ((r = PQgetResult(c->pg)) != NULL) {
        if (rc == 0 && PQresultStatus(r) != PGRES_COMMAND_OK) {
            *err = pg_conn_error(c, r);
            rc = -1;
        }
        PQclear(r);
    }
    return rc;
}

/*
 * The results' COPY runs while the loader builds the next flush, so the
 * server writes rows while this process parses: copy_start queues the
 * data and the end of the COPY in libpq (non-blocking mode), copy_push
 * hands the socket what it takes now, and copy_end, before anything else
 * uses the connection, sends the rest and takes the server's answer.
 */
static int copy_end(cwsh_loader *ld, char **err)
{
    if (!ld->copying) return 0;
    ld->copying = 0;
    pg_conn *c = ld->c;
    int f;
    while ((f = PQflush(c->pg)) == 1) {
        struct pollfd p = { PQsocket(c->pg), POLLOUT | POLLIN, 0 };
        if (poll(&p, 1, -1) < 0 && errno != EINTR) { f = -1; break; }
        if ((p.revents & POLLIN) && !PQconsumeInput(c->pg)) { f = -1; break; }
    }
    int rc = 0;
    if (f < 0 || PQsetnonblocking(c->pg, 0) != 0) {
        *err = pg_conn_error(c, NULL);
        rc = -1;
    }
    PGresult *r;
    while ((r = PQgetResult(c->pg)) != NULL) {
        if (rc == 0 && PQresultStatus(r) != PGRES_COMMAND_OK) {
            *err = pg_conn_error(c, r);
            rc = -1;
        }
        PQclear(r);
    }
    return rc;
}

static int copy_start(cwsh_loader *ld, const char *copy, buf *b, char **err)
{
    pg_conn *c = ld->c;
    if (b->oom) { *err = pg_conn_fmt("out of memory"); return -1; }
    PGresult *r = PQexec(c->pg, copy);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        *err = pg_conn_error(c, r);
        PQclear(r);
        return -1;
    }
    PQclear(r);
    ld->copying = 1;
    PQsetnonblocking(c->pg, 1);     /* else blocking: slower, as correct */
    int ok = PQputCopyData(c->pg, b->p, (int)b->n) == 1 && PQputCopyEnd(c->pg, NULL) == 1;
    b->n = 0;
    if (ok) return 0;
    *err = pg_conn_error(c, NULL);
    char *e = NULL;
    if (copy_end(ld, &e) != 0) free(e);
    return -1;
}

static void copy_push(cwsh_loader *ld)
{
    if (ld->copying) PQflush(ld->c->pg);    /* a failure shows at copy_end */
}

/* ------------------------------------------------------------- helpers */

static PGresult *q(pg_conn *c, const char *sql, int n, const char *const *v, char **err)
{
    return pg_conn_query(c, sql, n, v, err);
}

static int begin(pg_conn *c, cwsh_loader *ld, char **err)
{
    if (c->loading) { *err = pg_conn_fmt("another load is already running"); return -1; }
    if (pg_conn_ready(c, err) != 0) return -1;
    ld->c = c;
    PGTransactionStatusType ts = PQtransactionStatus(c->pg);
    if (ts == PQTRANS_INERROR) {
        *err = pg_conn_fmt("cannot start the load: the open transaction was aborted by an error (ROLLBACK it)");
        return -1;
    }
    ld->savepoint = ts != PQTRANS_IDLE;
    char *e = NULL;
    if (pg_conn_exec(c, ld->savepoint ? "SAVEPOINT cwsh_load" : "BEGIN", &e) != 0) {
        *err = pg_conn_fmt("cannot start the load: %s", e);
        free(e);
        return -1;
    }
    c->loading = 1;
    return 0;
}

/* An import's findings are its own session's to open: a session-level
 * advisory lock on (PENDING_KEY, import id), taken before the commit
 * makes the import's ledger_pending row visible, released by the ledger
 * once it has opened them (store_postgres.lua, releasing_pending).  A
 * session starting meanwhile skips the row (pending_free) rather than
 * open them itself, as every scorer that started between an import's
 * commit and its ledger did; a session that dies frees it. */
#define PENDING_KEY "1668772712"

/* pg_advisory_lock or pg_advisory_unlock (fn) of the import's key: 0 when done */
static int pending_lock(cwsh_loader *ld, const char *fn)
{
    char sql[96], *e = NULL;
    snprintf(sql, sizeof sql, "SELECT %s(" PENDING_KEY ", %lld)", fn, (long long)ld->import_id);
    if (pg_conn_exec(ld->c, sql, &e) == 0) return 0;
    free(e);
    return -1;
}

/* Fresh statistics after a commit, as on SQLite, so the planner seeks a
 * month by inspection(date).  Only the tables this role may ANALYZE (it
 * owns them or the database): for the others the server takes the lock,
 * skips the table and prints "skipping ... only table or database owner
 * can analyze it", five lines on every station's import; autovacuum
 * keeps those.  A failure only costs speed. */
static void analyse_small_tables(pg_conn *c)
{
    static const char mine[] =
        "SELECT string_agg(quote_ident(t.relname), ', ') FROM pg_class t, pg_database d"
        " WHERE t.oid IN ('inspection'::regclass, 'market'::regclass, 'unit'::regclass,"
        "                 'item'::regclass, 'import'::regclass)"
        "   AND d.datname = current_database()"
        "   AND (pg_has_role(t.relowner, 'USAGE') OR pg_has_role(d.datdba, 'USAGE'))";
    char *e = NULL;
    PGresult *r = pg_conn_query(c, mine, 0, NULL, &e);
    if (!r) { free(e); return; }
    if (!PQgetisnull(r, 0, 0)) {
        char *sql = pg_conn_fmt("ANALYZE %s", PQgetvalue(r, 0, 0));
        if (pg_conn_exec(c, sql, &e) != 0) free(e);
        free(sql);
    }
    PQclear(r);
}

static int finish(cwsh_loader *ld, int commit, char **err)
{
    pg_conn *c = ld->c;
    int rc = 0;
    char *e = NULL;
    if (commit) {
        if (PQtransactionStatus(c->pg) == PQTRANS_INERROR) {
            *err = pg_conn_fmt("the load's transaction was aborted by an error");
            rc = -1;
            commit = 0;
        } else if (pg_conn_exec(c, ld->savepoint ? "RELEASE SAVEPOINT cwsh_load" : "COMMIT", err) != 0) {
            rc = -1;
            commit = 0;
        }
    }
    if (!commit) {
        if (ld->savepoint) {
            if (pg_conn_exec(c, "ROLLBACK TO SAVEPOINT cwsh_load; RELEASE SAVEPOINT cwsh_load", &e) != 0) free(e);
        } else if (PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
            if (pg_conn_exec(c, "ROLLBACK", &e) != 0) free(e);
        }
    }
    c->loading = 0;
    return rc;
}

static void loader_free(cwsh_loader *ld)
{
    if (!ld) return;
    free(ld->insp.p);
    free(ld->res.p);
    free(ld->out.p);
    free(ld->pcode.p);
    free(ld->pname.p);
    free(ld->punit.p);
    free(ld->mreal);
    free(ld->ids);
    free(ld->seen);
    free(ld->table_copy);
    loadkit_map_free(&ld->code);
    loadkit_map_free(&ld->name);
    loadkit_map_free(&ld->alias);
    loadkit_map_free(&ld->unit);
    loadkit_map_free(&ld->item);
    loadkit_map_free(&ld->known);
    loadkit_map_free(&ld->own);
    loadkit_map_free(&ld->used);
    free(ld);
}

/* (key, id) rows of `sql` into m; a name two rows share maps to -1. */
static int read_keys(pg_conn *c, const char *sql, loadkit_map *m, int mark_dups, char **err)
{
    PGresult *r = q(c, sql, 0, NULL, err);
    if (!r) return -1;
    int rc = 0;
    for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
        if (PQgetisnull(r, i, 0)) continue;
        const char *k = PQgetvalue(r, i, 0);
        size_t n = (size_t)PQgetlength(r, i, 0);
        int64_t id = strtoll(PQgetvalue(r, i, 1), NULL, 10);
        int64_t *old = mark_dups ? loadkit_map_get(m, k, n) : NULL;
        if (loadkit_map_put(m, k, n, old && *old != id ? -1 : id) != 0) rc = -1;
    }
    PQclear(r);
    if (rc) *err = pg_conn_fmt("out of memory reading keys");
    return rc;
}

static int know_market(cwsh_loader *ld, int64_t id)
{
    return loadkit_map_put(&ld->known, (const char *)&id, sizeof id, 1);
}

/* ------------------------------------------------------- inspections */

/* The latest import whose column `col` is `v`, under the advisory lock
 * of (col, v): a session importing the same file holds it until it
 * commits or rolls back, and then this one sees its import row.  The
 * row, or NULL with *err on error (no row: PQntuples 0). */
static PGresult *find_import(pg_conn *c, const char *col, const char *v, char **err)
{
    char sql[160];
    const char *a[2] = { col, v };
    PGresult *r = q(c, "SELECT pg_advisory_xact_lock(hashtext('cwsh import ' || $1 || ' ' || $2))", 2, a, err);
    if (!r) return NULL;
    PQclear(r);
    snprintf(sql, sizeof sql, "SELECT id, imported_at, file FROM import WHERE %s = $1 ORDER BY id DESC LIMIT 1", col);
    return q(c, sql, 1, a + 1, err);
}

/* The earlier import of this file's hash: refuse, or delete its rows.
 * With --replace and no import of the hash, the latest import of the
 * same file (as typed) is the one replaced: a sheet corrected after its
 * import is the usual reason to import it again. */
static int check_hash(cwsh_loader *ld, const cwsh_import_info *info, char **err)
{
    pg_conn *c = ld->c;
    PGresult *r = find_import(c, "hash", info->hash, err);
    if (!r) return -1;
    if (PQntuples(r) > 0 && !info->replace) {
        *err = pg_conn_fmt("file already imported: import #%s (%s, %s); use --replace to swap its rows",
                           PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 1));
        PQclear(r);
        return -1;
    }
    if (PQntuples(r) == 0 && info->replace && info->file && *info->file) {
        PQclear(r);
        if (!(r = find_import(c, "file", info->file, err))) return -1;
    }
    if (PQntuples(r) == 0) { PQclear(r); return 0; }
    long long old = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    if (c->host && c->host->noticef)
        c->host->noticef(c->host, "replacing import #%lld (%s)", old, PQgetvalue(r, 0, 2));
    PQclear(r);
    ld->replaces = old;
    char id[32];
    snprintf(id, sizeof id, "%lld", old);
    const char *iv[1] = { id };
    static const char *const del[] = {
        "DELETE FROM result WHERE inspection_id IN (SELECT id FROM inspection WHERE import_id = $1)",
        "DELETE FROM inspection WHERE import_id = $1",
        "DELETE FROM import WHERE id = $1",
    };
    for (int i = 0; i < 3; i++) {
        if (!(r = q(c, del[i], 1, iv, err))) return -1;
        PQclear(r);
    }
    return 0;
}

static int add_import(cwsh_loader *ld, const cwsh_import_info *info, char **err)
{
    const char *v[4] = { info->file ? info->file : "", info->hash, info->mapping, info->encoding };
    PGresult *r = q(ld->c, "INSERT INTO import(file, hash, mapping, encoding) VALUES ($1, $2, $3, $4) RETURNING id",
                    4, v, err);
    if (!r) return -1;
    ld->import_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    /* owed its findings from this transaction on, with the import it
     * replaces (sqlite_load.c) */
    char old[32];
    snprintf(old, sizeof old, "%lld", (long long)ld->replaces);
    const char *id[2] = { PQgetvalue(r, 0, 0), ld->replaces ? old : NULL };
    PGresult *p = q(ld->c, "INSERT INTO ledger_pending(import_id, replaces) VALUES ($1, $2)", 2, id, err);
    PQclear(r);
    if (!p) return -1;
    PQclear(p);
    return 0;
}

static int may_skip_triggers(pg_conn *c);

static int make_seen(cwsh_loader *ld, char **err)
{
    int64_t max = 0;
    for (size_t i = 0; i < ld->item.cap; i++)
        if (ld->item.keys[i] && ld->item.vals[i] > max) max = ld->item.vals[i];
    ld->nseen = (size_t)max + 1;
    ld->seen = calloc(ld->nseen, sizeof *ld->seen);
    if (!ld->seen) { *err = pg_conn_fmt("out of memory"); return -1; }
    return 0;
}

static int l_load_begin(void *self, const cwsh_import_info *info, cwsh_loader **out, char **err)
{
    *out = NULL;
    if (!info->hash || !*info->hash) { *err = pg_conn_fmt("import has no content hash"); return -1; }
    cwsh_loader *ld = calloc(1, sizeof *ld);
    if (!ld) { *err = pg_conn_fmt("out of memory"); return -1; }
    pg_conn *c = self;
    cwsh_host *h = c->host;
    char *de = NULL;
    if (!h || !CWSH_HOST_HAS(h, domain) || !h->domain || !(ld->dom = h->domain(h, &de))) {
        *err = pg_conn_fmt("cannot import: %s", de ? de : "the host gives no vocabulary");
        free(de);
        free(ld);
        return -1;
    }
    if (begin(c, ld, err) != 0) { free(ld); return -1; }
    ld->flush_at = FIRST_FLUSH;
    char *e2 = NULL;
    ld->fast = may_skip_triggers(c);
    if (check_hash(ld, info, err) != 0 || add_import(ld, info, err) != 0
        || read_keys(c, "SELECT code, id FROM market", &ld->code, 0, err) != 0
        || read_keys(c, "SELECT name, id FROM market", &ld->name, 1, err) != 0
        || read_keys(c, "SELECT alias, market_id FROM market_alias", &ld->alias, 0, err) != 0
        || read_keys(c, "SELECT name, id FROM unit", &ld->unit, 0, err) != 0
        || read_keys(c, "SELECT code, id FROM item", &ld->item, 0, err) != 0
        || make_seen(ld, err) != 0
        || (ld->fast && pg_conn_exec(c, "SET LOCAL session_replication_role = replica", err) != 0))
        goto fail;
    for (size_t i = 0; i < ld->code.cap; i++)
        if (ld->code.keys[i] && know_market(ld, ld->code.vals[i]) != 0) {
            *err = pg_conn_fmt("out of memory reading keys");
            goto fail;
        }
    if (ld->item.n == 0) {
        *err = pg_conn_fmt("the checklist is empty (table item has no rows): load the rules "
                           "before importing inspections");
        goto fail;
    }
    *out = ld;
    return 0;
fail:
    finish(ld, 0, &e2);
    free(e2);
    loader_free(ld);
    return -1;
}

static int64_t l_market_find(cwsh_loader *ld, const char *code, const char *name)
{
    return loadkit_market(&ld->code, &ld->alias, &ld->name, code, name);
}

/* A station by name, created when new; one another session added in the
 * meantime is taken as it is (ON CONFLICT waits for that session). */
static int64_t unit_id(cwsh_loader *ld, const char *name, char **err)
{
    if (!name || !*name) return 0;
    size_t n = strlen(name);
    int64_t *v = loadkit_map_get(&ld->unit, name, n);
    if (v) return *v;
    const char *vals[2] = { name, loadkit_unit_kind(ld->dom, name, n) };
    char *e = NULL;
    if (copy_end(ld, err) != 0) return -1;
    PGresult *r = q(ld->c, "INSERT INTO unit(name, kind) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE"
                           " SET name = EXCLUDED.name RETURNING id", 2, vals, &e);
    if (!r) {
        *err = pg_conn_fmt("cannot add unit '%s': %s", name, e);
        free(e);
        return -1;
    }
    int64_t id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    if (loadkit_map_put(&ld->unit, name, n, id) != 0) { *err = pg_conn_fmt("out of memory"); return -1; }
    return id;
}

/* s as an element of an array text: "..." with " and \ escaped. */
static void array_text(buf *b, long n, const char *s)
{
    put(b, n ? ",\"" : "{\"", 2);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') put(b, "\\", 1);
        put(b, s, 1);
    }
    put(b, "\"", 1);
}

/*
 * A market the sheet adds waits in memory under a provisional id
 * (PROVISIONAL + its number) and goes to the server with the others of
 * the flush in one INSERT (add_markets), not one round trip each; the
 * inspections' lines carry the provisional id until the flush puts the
 * real one in place.
 */
static int64_t l_market_add(cwsh_loader *ld, const char *code, const char *name, const char *unit, char **err)
{
    if (!code || !*code) {
        *err = pg_conn_fmt("cannot add market '%s': the sheet gives no market code "
                           "(add a 市场编号 column, or register the market first)", name ? name : "");
        return 0;
    }
    if (!name || !*name) { *err = pg_conn_fmt("cannot add market '%s': it has no name", code); return 0; }
    if (loadkit_map_get(&ld->code, code, strlen(code))) {
        *err = pg_conn_fmt("cannot add market '%s': the code is taken", code);
        return 0;
    }
    int64_t u = unit_id(ld, unit, err);
    if (u < 0) return 0;
    if ((size_t)ld->nprov + 2 > ld->mreal_cap) {
        size_t cap = ((size_t)ld->nprov + 2) * 2;
        int64_t *p = realloc(ld->mreal, cap * sizeof *p);
        if (!p) { *err = pg_conn_fmt("out of memory"); return 0; }
        ld->mreal = p;
        ld->mreal_cap = cap;
    }
    int64_t id = PROVISIONAL + ++ld->nprov;
    ld->mreal[ld->nprov] = 0;
    array_text(&ld->pcode, ld->npend, code);
    array_text(&ld->pname, ld->npend, name);
    char us[32];
    if (u) snprintf(us, sizeof us, "%s%lld", ld->npend ? "," : "{", (long long)u);
    else snprintf(us, sizeof us, "%sNULL", ld->npend ? "," : "{");
    put(&ld->punit, us, strlen(us));
    ld->npend++;
    size_t nn = strlen(name);
    int64_t *same = loadkit_map_get(&ld->name, name, nn);
    if (loadkit_map_put(&ld->code, code, strlen(code), id) != 0
        || loadkit_map_put(&ld->name, name, nn, same ? -1 : id) != 0 || know_market(ld, id) != 0) {
        *err = pg_conn_fmt("out of memory");
        return 0;
    }
    return id;
}

/* The market's id on the server for an id market_add gave. */
static int64_t real_market(const cwsh_loader *ld, int64_t id)
{
    return id > PROVISIONAL && id - PROVISIONAL <= ld->nprov ? ld->mreal[id - PROVISIONAL] : id;
}

/* Each row (code, id) of r for a market still provisional: its id in
 * place, and its code in ld->own when this load inserted it.  How many
 * it resolved, or -1 out of memory. */
static long take_markets(cwsh_loader *ld, const PGresult *r, int own)
{
    long taken = 0;
    for (int i = 0; i < PQntuples(r); i++) {
        const char *code = PQgetvalue(r, i, 0);
        size_t n = (size_t)PQgetlength(r, i, 0);
        int64_t id = strtoll(PQgetvalue(r, i, 1), NULL, 10);
        int64_t *prov = loadkit_map_get(&ld->code, code, n);
        if (!prov || *prov <= PROVISIONAL) continue;
        ld->mreal[*prov - PROVISIONAL] = id;
        if (know_market(ld, id) != 0 || loadkit_map_put(&ld->code, code, n, id) != 0
            || (own && loadkit_map_put(&ld->own, code, n, 1) != 0))
            return -1;
        taken++;
    }
    return taken;
}

/* The markets waiting in memory into the register, in the order they
 * were added (so their ids follow the sheet, as on SQLite).  A market
 * another session has just added under the same code is that session's:
 * this import's inspections go to it.  ON CONFLICT DO NOTHING waits for
 * that session's commit and leaves its row out of RETURNING, so what
 * comes back is exactly what this load inserted (market_added); the
 * others are read in a statement of their own, whose snapshot sees the
 * other session's row. */
static int add_markets(cwsh_loader *ld, char **err)
{
    if (!ld->npend) return 0;
    put(&ld->pcode, "}", 1);
    put(&ld->pname, "}", 1);
    put(&ld->punit, "}", 1);
    if (ld->pcode.oom || ld->pname.oom || ld->punit.oom) { *err = pg_conn_fmt("out of memory"); return -1; }
    const char *v[3] = { ld->pcode.p, ld->pname.p, ld->punit.p };
    char *e = NULL;
    PGresult *r = q(ld->c, "INSERT INTO market(code, name, unit_id)"
                           " SELECT code, name, unit FROM unnest($1::text[], $2::text[], $3::bigint[])"
                           " WITH ORDINALITY AS t(code, name, unit, n) ORDER BY n"
                           " ON CONFLICT (code) DO NOTHING RETURNING code, id", 3, v, &e);
    if (!r) {
        *err = pg_conn_fmt("cannot add the sheet's markets: %s", e);
        free(e);
        return -1;
    }
    long got = take_markets(ld, r, 1);
    PQclear(r);
    if (got >= 0 && got < ld->npend) {
        r = q(ld->c, "SELECT code, id FROM market WHERE code = ANY($1::text[])", 1, v, &e);
        if (!r) {
            *err = pg_conn_fmt("cannot add the sheet's markets: %s", e);
            free(e);
            return -1;
        }
        long more = take_markets(ld, r, 0);
        PQclear(r);
        got = more < 0 ? -1 : got + more;
        /* another session added a code and deleted it again before this
         * statement: its rows would name no market */
        if (got >= 0 && got < ld->npend) {
            *err = pg_conn_fmt("cannot add the sheet's markets: another session removed a market "
                               "of the same code meanwhile");
            return -1;
        }
    }
    if (got < 0) { *err = pg_conn_fmt("out of memory"); return -1; }
    ld->pcode.n = ld->pname.n = ld->punit.n = 0;
    ld->npend = 0;
    return 0;
}

/* store->market_added: the markets still in memory go to the server
 * first (the results' COPY finished, as a flush does), then the answer
 * is whether this load's INSERT put `code` there. */
static int l_market_added(cwsh_loader *ld, const char *code, char **err)
{
    if (copy_end(ld, err) != 0 || add_markets(ld, err) != 0) return -1;
    return loadkit_map_get(&ld->own, code, strlen(code)) != NULL;
}

/* Ids from inspection's sequence for the inspections numbered
 * nids+1 .. seq: one statement, as many ids as inspections.  Under other
 * sessions' imports the ids need not be consecutive, only ascending. */
static int reserve_ids(cwsh_loader *ld, char **err)
{
    int64_t k = ld->seq - ld->nids;
    if (k <= 0) return 0;
    if ((size_t)ld->seq + 1 > ld->ids_cap) {
        size_t cap = ((size_t)ld->seq + 1) * 2;
        int64_t *p = realloc(ld->ids, cap * sizeof *p);
        if (!p) { *err = pg_conn_fmt("out of memory"); return -1; }
        ld->ids = p;
        ld->ids_cap = cap;
    }
    char n[32];
    snprintf(n, sizeof n, "%lld", (long long)k);
    const char *v[1] = { n };
    PGresult *r = q(ld->c, "SELECT nextval(pg_get_serial_sequence('inspection', 'id'))"
                           " FROM generate_series(1, $1::bigint)", 1, v, err);
    if (!r) return -1;
    int rc = PQntuples(r) == k ? 0 : -1;
    for (int64_t i = 0; rc == 0 && i < k; i++)
        ld->ids[ld->nids + 1 + i] = strtoll(PQgetvalue(r, (int)i, 0), NULL, 10);
    PQclear(r);
    if (rc) { *err = pg_conn_fmt("the sequence gave fewer ids than asked"); return -1; }
    ld->nids = ld->seq;
    return 0;
}

/* b's lines into ld->out with each line's leading local number replaced
 * by its id, and with `market`, the fourth field's provisional market id
 * by the market's; b is emptied. */
static int with_ids(cwsh_loader *ld, buf *b, int market, char **err)
{
    buf *o = &ld->out;
    o->n = 0;
    for (size_t i = 0; i < b->n;) {
        char *tab;
        long long n = strtoll(b->p + i, &tab, 10);
        char *nl = memchr(tab, '\n', b->n - (size_t)(tab - b->p));
        if (n < 1 || n > ld->nids || *tab != '\t' || !nl) {
            *err = pg_conn_fmt("internal error: a staged line has no inspection number");
            return -1;
        }
        char t[32];
        int k = snprintf(t, sizeof t, "%lld", (long long)ld->ids[n]);
        put(o, t, (size_t)k);
        if (market) {                   /* \tEXT\tDATE\tMARKET: fields hold no raw tab */
            char *m = tab;
            for (int f = 0; f < 2 && m; f++) m = memchr(m + 1, '\t', (size_t)(nl - m - 1));
            char *end = m;
            long long id = m ? strtoll(m + 1, &end, 10) : 0;
            if (id <= 0 || *end != '\t') {
                *err = pg_conn_fmt("internal error: a staged inspection has no market");
                return -1;
            }
            put(o, tab, (size_t)(m + 1 - tab));
            k = snprintf(t, sizeof t, "%lld", (long long)real_market(ld, id));
            put(o, t, (size_t)k);
            tab = end;
        }
        put(o, tab, (size_t)(nl + 1 - tab));
        i = (size_t)(nl + 1 - b->p);
    }
    b->n = 0;
    return 0;
}

/* Both buffers to the server: the previous flush's results finished,
 * ids, then the inspections, then their results (left running). */
static int flush(cwsh_loader *ld, char **err)
{
    pg_conn *c = ld->c;
    if (ld->insp.oom || ld->res.oom) { *err = pg_conn_fmt("out of memory"); return -1; }
    if (copy_end(ld, err) != 0 || add_markets(ld, err) != 0) return -1;
    if (!ld->insp.n && !ld->res.n) return 0;
    if (reserve_ids(ld, err) != 0 || with_ids(ld, &ld->insp, 1, err) != 0
        || send_copy(c, "COPY inspection(id, ext_id, date, market_id, kind, inspector, note, import_id,"
                        " deadline) FROM STDIN", &ld->out, err) != 0
        || with_ids(ld, &ld->res, 0, err) != 0
        || copy_start(ld, "COPY result(inspection_id, item_id, result, deduction, count, note) FROM STDIN",
                      &ld->out, err) != 0)
        return -1;
    return 0;
}

static int flush_full(cwsh_loader *ld, char **err)
{
    if (ld->insp.n < ld->flush_at && ld->res.n < ld->flush_at) return 0;
    if (ld->flush_at < FLUSH_BYTES) ld->flush_at *= 2;
    return flush(ld, err);
}

static int l_inspection(cwsh_loader *ld, const cwsh_inspection *in, char **err)
{
    ld->insp_id = 0;
    int64_t n = ++ld->seq;
    const cwsh_domain *d = ld->dom;
    int k = loadkit_inspection(d, &ld->known, in, err);
    if (k < 0) return -1;
    if (!loadkit_map_get(&ld->used, (const char *)&in->market_id, sizeof in->market_id)
        && loadkit_map_put(&ld->used, (const char *)&in->market_id, sizeof in->market_id, in->market_id) != 0) {
        *err = pg_conn_fmt("out of memory");
        return -1;
    }
    buf *b = &ld->insp;
    num(b, 0, (long long)n, 1, 0);
    text(b, in->ext_id, 0);
    text(b, in->date, 0);
    num(b, 0, (long long)in->market_id, 1, 0);
    text(b, d->kinds[k].name, 0);
    text(b, in->inspector, 0);
    text(b, in->note, 0);
    num(b, 0, (long long)ld->import_id, 1, 0);
    text(b, in->deadline, 1);
    ld->insp_id = n;
    return flush_full(ld, err);
}

static int l_result(cwsh_loader *ld, const cwsh_result *r, char **err)
{
    if (ld->insp_id <= 0) { *err = pg_conn_fmt("item result without an inspection"); return -1; }
    int64_t item = loadkit_result(&ld->item, ld->seen, ld->nseen, (uint32_t)ld->insp_id, r, err);
    if (!item) return -1;
    buf *b = &ld->res;
    num(b, 0, (long long)ld->insp_id, 1, 0);
    num(b, 0, (long long)item, 1, 0);
    text(b, ld->dom->results[r->result].name, 0);
    num(b, r->deduction, 0, 0, 0);
    if (r->count >= 0) num(b, r->count, 0, 0, 0); else text(b, NULL, 0);
    text(b, r->note, 1);
    if (++ld->pushes >= 512) {
        ld->pushes = 0;
        copy_push(ld);
    }
    return flush_full(ld, err);
}

static int l_inspections_each(cwsh_loader *ld,
                              int (*fn)(void *arg, int64_t market, const char *date, const char *kind,
                                        const char *inspector, const char *ext_id, const char *label),
                              void *arg, char **err)
{
    static const char sql[] =
        "SELECT i.market_id, i.date, i.kind, i.inspector, i.ext_id,"
        " CASE WHEN im.id IS NULL THEN 'rows not from an import'"
        " ELSE format('import #%s (%s, %s)', im.id, im.file, substr(im.imported_at, 1, 10)) END"
        " FROM inspection i LEFT JOIN import im ON im.id = i.import_id"
        " WHERE i.import_id IS DISTINCT FROM $1 ORDER BY i.import_id";
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)ld->import_id);
    const char *v[1] = { id };
    if (copy_end(ld, err) != 0) return -1;
    PGresult *r = q(ld->c, sql, 1, v, err);
    if (!r) return -1;
    int stop = 0;
#define COL(c) (PQgetisnull(r, i, c) ? NULL : PQgetvalue(r, i, c))
    for (int i = 0; !stop && i < PQntuples(r); i++)
        stop = fn(arg, strtoll(PQgetvalue(r, i, 0), NULL, 10), COL(1), COL(2), COL(3), COL(4), COL(5));
#undef COL
    PQclear(r);
    return stop;
}

/*
 * Foreign keys.  The loader resolved every key itself (market ids from
 * its map, item ids from the checklist, the inspections' ids are the
 * ones just taken), so the server's per-row foreign key checks would
 * only repeat that work: one trigger call and index probe per key per
 * row, most of a city import's time.  The checks exist to lock the
 * referenced rows until commit (FOR KEY SHARE) and to find a missing
 * one; lock_used does both for all rows at once, by the distinct ids.
 * A role that may set session_replication_role (a superuser, or one
 * granted the setting: GRANT SET ON PARAMETER) then copies the rows
 * without the triggers, as sqlite_load.c turns foreign_keys off; any
 * other role keeps the per-row checks.  Ordinary triggers on inspection
 * and result (cwsh makes none) are skipped the same way.
 */

/* Whether this session may turn the foreign key triggers off; leaves
 * them on. */
static int may_skip_triggers(pg_conn *c)
{
    char *e = NULL;
    if (pg_conn_exec(c, "SAVEPOINT cwsh_role; SET LOCAL session_replication_role = replica;"
                        " SET LOCAL session_replication_role = origin", &e) != 0) {
        free(e);
        if (pg_conn_exec(c, "ROLLBACK TO SAVEPOINT cwsh_role; RELEASE SAVEPOINT cwsh_role", &e) != 0) free(e);
        return 0;
    }
    if (pg_conn_exec(c, "RELEASE SAVEPOINT cwsh_role", &e) != 0) { free(e); return 0; }
    return 1;
}

/* Append id to the array text "{1,2,...": the first opens it. */
static void array_add(buf *b, long *count, long long id)
{
    char t[32];
    int k = snprintf(t, sizeof t, "%s%lld", *count ? "," : "{", id);
    put(b, t, (size_t)k);
    ++*count;
}

/* Lock the markets and checklist items the rows refer to until commit,
 * and check that each still exists. */
static int lock_used(cwsh_loader *ld, char **err)
{
    buf m = { 0 }, it = { 0 };
    long nm = 0, ni = 0;
    for (size_t i = 0; i < ld->used.cap; i++)
        if (ld->used.keys[i]) array_add(&m, &nm, (long long)real_market(ld, ld->used.vals[i]));
    for (size_t i = 0; i < ld->nseen; i++)
        if (ld->seen[i]) array_add(&it, &ni, (long long)i);
    put(&m, nm ? "}" : "{}", nm ? 1 : 2);
    put(&it, ni ? "}" : "{}", ni ? 1 : 2);
    int rc = -1;
    if (m.oom || it.oom) { *err = pg_conn_fmt("out of memory"); goto done; }
    /* an id twice (a market by its provisional and its real id) counts once */
    const char *v[2] = { m.p, it.p };
    PGresult *r = q(ld->c,
        "SELECT (SELECT count(*) FROM (SELECT id FROM market WHERE id = ANY($1::bigint[]) FOR KEY SHARE) x)"
        "   = (SELECT count(DISTINCT u) FROM unnest($1::bigint[]) u)"
        " AND (SELECT count(*) FROM (SELECT id FROM item WHERE id = ANY($2::bigint[]) FOR KEY SHARE) y)"
        "   = (SELECT count(DISTINCT u) FROM unnest($2::bigint[]) u)", 2, v, err);
    if (!r) goto done;
    int ok = !strcmp(PQgetvalue(r, 0, 0), "t");
    PQclear(r);
    if (!ok) {
        *err = pg_conn_fmt("a market or checklist item they refer to was deleted by another session during the import");
        goto done;
    }
    rc = 0;
done:
    free(m.p);
    free(it.p);
    return rc;
}

/* The last rows, the references locked, the import's counts. */
static int store_rest(cwsh_loader *ld, long rows_ok, long rows_bad, char **err)
{
    char *e = NULL;
    if (flush(ld, &e) != 0 || copy_end(ld, &e) != 0 || lock_used(ld, &e) != 0
        || (ld->fast && pg_conn_exec(ld->c, "SET LOCAL session_replication_role = origin", &e) != 0))
        goto fail;
    char *sql = pg_conn_fmt("UPDATE import SET rows_ok = %ld, rows_bad = %ld WHERE id = %lld",
                            rows_ok, rows_bad, (long long)ld->import_id);
    int rc = pg_conn_exec(ld->c, sql, &e);
    free(sql);
    if (rc == 0) return 0;
fail:
    *err = pg_conn_fmt("cannot store the inspections: %s", e);
    free(e);
    return -1;
}

static int l_load_end(cwsh_loader *ld, int commit, long rows_ok, long rows_bad, char **err)
{
    int rc = 0;
    pg_conn *c = ld->c;
    if (commit && store_rest(ld, rows_ok, rows_bad, err) != 0) rc = -1, commit = 0;
    char *e0 = NULL;
    if (copy_end(ld, &e0) != 0) free(e0);       /* a rollback waits for the COPY under way */
    /* Ctrl-C that reached the server only after the move ended must not
     * let the import commit */
    cwsh_host *hh = c->host;
    if (commit && hh && hh->interrupted && hh->interrupted(hh)) {
        *err = pg_conn_fmt("interrupted");
        rc = -1, commit = 0;
    }
    char *e2 = NULL;
    int committed = 0;
    int held = commit && !ld->savepoint && pending_lock(ld, "pg_advisory_lock") == 0;
    if (finish(ld, commit, &e2) != 0) {
        if (!rc) *err = e2; else free(e2);
        rc = -1;
    } else if (commit) {
        committed = 1;
    }
    if (held && !committed) pending_lock(ld, "pg_advisory_unlock");
    if (committed && !ld->savepoint) analyse_small_tables(c);
    cwsh_host *h = c->host;
    if (committed && h && CWSH_HOST_HAS(h, loaded) && h->loaded) h->loaded(h, (long long)ld->import_id);
    loader_free(ld);
    return rc;
}

/* -------------------------------------------------------------- tables */

/* "name" with its double quotes doubled. */
static void ident(buf *b, const char *s)
{
    put(b, "\"", 1);
    for (; s && *s; s++) put(b, *s == '"' ? "\"\"" : s, *s == '"' ? 2 : 1);
    put(b, "\"", 1);
}

static int l_table_begin(void *self, const char *table, int n, const char *const *names,
                         cwsh_loader **out, char **err)
{
    *out = NULL;
    if (!table || !*table) { *err = pg_conn_fmt("no table name given"); return -1; }
    if (n <= 0) { *err = pg_conn_fmt("no columns for table '%s'", table); return -1; }
    cwsh_loader *ld = calloc(1, sizeof *ld);
    if (!ld) { *err = pg_conn_fmt("out of memory"); return -1; }
    if (begin(self, ld, err) != 0) { free(ld); return -1; }
    pg_conn *c = ld->c;
    buf sql = { 0 };
    char *e2 = NULL;
    const char *v[1] = { table };
    PGresult *r = q(c, "SELECT count(*) FROM information_schema.columns WHERE table_name = $1"
                       " AND table_schema = current_schema()", 1, v, err);
    if (!r) goto fail;
    int have = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (!have) {
        put(&sql, "CREATE TABLE ", 13);
        ident(&sql, table);
        put(&sql, "(", 1);
        for (int i = 0; i < n; i++) {
            if (i) put(&sql, ", ", 2);
            ident(&sql, names[i] ? names[i] : "");
            put(&sql, " TEXT", 5);
        }
        put(&sql, ")", 1);
        if (sql.oom) { *err = pg_conn_fmt("out of memory"); goto fail; }
        if (pg_conn_exec(c, sql.p, err) != 0) goto fail;
        sql.n = 0;
    } else if (have != n) {
        *err = pg_conn_fmt("table '%s' has %d columns but the file has %d", table, have, n);
        goto fail;
    }
    put(&sql, "COPY ", 5);
    ident(&sql, table);
    put(&sql, " FROM STDIN", 11);
    if (sql.oom) { *err = pg_conn_fmt("out of memory"); goto fail; }
    ld->table_copy = sql.p;
    ld->ncols = n;
    *out = ld;
    return 0;
fail:
    free(sql.p);
    finish(ld, 0, &e2);
    free(e2);
    loader_free(ld);
    return -1;
}

static int l_table_row(cwsh_loader *ld, int n, const cwsh_value *v, char **err)
{
    buf *b = &ld->res;
    for (int i = 0; i < ld->ncols; i++) {
        const cwsh_value *x = i < n ? &v[i] : NULL;
        int last = i == ld->ncols - 1;
        if (!x || x->type == CWSH_NULL) text(b, NULL, last);
        else if (x->type == CWSH_INT) num(b, 0, x->i, 1, last);
        else if (x->type == CWSH_REAL) num(b, x->r, 0, 0, last);
        else field(b, x->s ? x->s : "", x->s ? x->n : 0, last);
    }
    if (b->n >= FLUSH_BYTES) return send_copy(ld->c, ld->table_copy, b, err);
    return b->oom ? (*err = pg_conn_fmt("out of memory"), -1) : 0;
}

static int l_table_end(cwsh_loader *ld, int commit, char **err)
{
    int rc = 0;
    if (commit && send_copy(ld->c, ld->table_copy, &ld->res, err) != 0) rc = -1, commit = 0;
    char *e2 = NULL;
    if (finish(ld, commit, rc ? &e2 : err) != 0) rc = -1;
    free(e2);
    loader_free(ld);
    return rc;
}

void pg_load_fill(cwsh_store *st)
{
    st->load_begin = l_load_begin;
    st->market_find = l_market_find;
    st->inspections_each = l_inspections_each;
    st->market_add = l_market_add;
    st->market_added = l_market_added;
    st->inspection = l_inspection;
    st->result = l_result;
    st->load_end = l_load_end;
    st->table_begin = l_table_begin;
    st->table_row = l_table_row;
    st->table_end = l_table_end;
}
