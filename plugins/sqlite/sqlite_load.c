/*
 * sqlite_load.c — inspection loads and generic table loads.
 *
 * Messages are for people reading an import report: they name the market,
 * item or table concerned.  The import row is written at begin (so its id
 * can key the inspections) and completed with the row counts at end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sqlite_load.h"
#include "loadkit.h"

/* Item results wait here, then go in with one multi-row INSERT: one
 * statement run per BATCH rows instead of one per row nearly halves the
 * cost of a result row.  A batch spans inspections (each pending row
 * keeps its inspection's id): 256 rows instead of one inspection's ~37
 * take 2 % off the store thread's instructions (callgrind, 300 markets x
 * 52 weeks); larger pages (16 KiB) took 1 %, not worth a format change. */
#define BATCH 256

typedef struct pending {
    int64_t insp, item;
    int result;
    double deduction, count;    /* count < 0: NULL */
    size_t note;                /* offset + 1 into the arena; 0: NULL */
} pending;

struct cwsh_loader {
    sqlite_conn *c;
    const cwsh_domain *dom;     /* the vocabulary: kind names, result words,
                                 * unit kinds (the host's, valid for the load) */
    int savepoint;              /* inside the user's transaction */
    int checked;                /* inspection load: CHECKs are off during it */
    int cache_size;             /* the connection's, restored at the end (0: unknown) */
    int64_t import_id;
    int64_t replaces;           /* the import --replace deleted, 0: none */
    int64_t insp_id;            /* the inspection last added */
    loadkit_map code, name, alias, unit, item;
    loadkit_map known;           /* market ids (8-byte keys) */
    pending pend[BATCH];        /* results not yet written, of one or more inspections */
    int npend;
    char *arena;                /* copies of their notes */
    size_t alen, acap;
    uint32_t *seen;             /* item id -> inspection number that has it */
    size_t nseen;
    uint32_t seq;               /* number of the current inspection */
    sqlite3_stmt *ins_batch[BATCH + 1];     /* INSERT of n results, on first use */
    sqlite3_stmt *ins_unit, *ins_market, *ins_insp;
    sqlite3_stmt *ins_row;      /* table loads */
    int ncols;
};

#define SELF(p) ((sqlite_conn *)(p))

/* ------------------------------------------------------------- helpers */

/* A load streams rows in key order and revisits few pages, so a small
 * page cache writes it as fast as a large one (province import: 2.8 s
 * with 16 MiB, 2.8 s with 64 MiB) and keeps the process within the
 * import's memory bound (26 MB peak instead of 79 MB).  Queries keep the
 * connection's larger cache. */
#define LOAD_CACHE_KIB 16384

static int cache_size(sqlite3 *db)
{
    sqlite3_stmt *st;
    int v = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA cache_size", -1, &st, NULL) != SQLITE_OK) return 0;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void set_cache_size(sqlite3 *db, int v)
{
    char q[48];
    snprintf(q, sizeof q, "PRAGMA cache_size=%d", v);
    sqlite3_exec(db, q, NULL, NULL, NULL);
}

static int begin(sqlite_conn *c, cwsh_loader *ld, char **err)
{
    if (c->loading) { *err = sqlite_conn_fmt("another load is already running"); return -1; }
    ld->c = c;
    ld->savepoint = !sqlite3_get_autocommit(c->db);
    /* The loader resolves every key itself from maps read inside its own
     * write transaction (and checks market ids), so SQLite's foreign key
     * checks would only repeat that work: two b-tree lookups per row.  The
     * pragma cannot change inside a transaction, so a load within the
     * user's transaction keeps them. */
    if (!ld->savepoint) sqlite3_exec(c->db, "PRAGMA foreign_keys=OFF", NULL, NULL, NULL);
    int rc = sqlite3_exec(c->db, ld->savepoint ? "SAVEPOINT cwsh_load" : "BEGIN IMMEDIATE",
                          NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        if ((rc & 0xff) == SQLITE_BUSY)
            *err = sqlite_conn_fmt("the database is busy: another process is writing to '%s'; "
                                   "try again when it has finished", c->path);
        else
            *err = sqlite_conn_fmt("cannot start the load: %s", sqlite3_errmsg(c->db));
        if (!ld->savepoint) sqlite3_exec(c->db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
        return -1;
    }
    c->loading = 1;
    if (ld->checked) sqlite3_exec(c->db, "PRAGMA ignore_check_constraints=ON", NULL, NULL, NULL);
    ld->cache_size = cache_size(c->db);
    if (ld->cache_size) set_cache_size(c->db, -LOAD_CACHE_KIB);
    return 0;
}

static int finish(cwsh_loader *ld, int commit, char **err)
{
    sqlite_conn *c = ld->c;
    int rc = 0;
    if (commit) {
        rc = sqlite_conn_exec(c, ld->savepoint ? "RELEASE cwsh_load" : "COMMIT", err);
        if (rc != 0) commit = 0;
    }
    if (!commit) {
        if (ld->savepoint) {
            sqlite3_exec(c->db, "ROLLBACK TO cwsh_load", NULL, NULL, NULL);
            sqlite3_exec(c->db, "RELEASE cwsh_load", NULL, NULL, NULL);
        } else {
            sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
        }
    }
    if (!ld->savepoint) sqlite3_exec(c->db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
    /* also expires every statement compiled without the CHECKs */
    if (ld->checked) sqlite3_exec(c->db, "PRAGMA ignore_check_constraints=OFF", NULL, NULL, NULL);
    if (ld->cache_size) set_cache_size(c->db, ld->cache_size);
    c->loading = 0;
    return rc;
}

static void loader_free(cwsh_loader *ld)
{
    if (!ld) return;
    sqlite3_finalize(ld->ins_unit);
    sqlite3_finalize(ld->ins_market);
    sqlite3_finalize(ld->ins_insp);
    for (int i = 0; i <= BATCH; i++) sqlite3_finalize(ld->ins_batch[i]);
    sqlite3_finalize(ld->ins_row);
    free(ld->arena);
    free(ld->seen);
    loadkit_map_free(&ld->code);
    loadkit_map_free(&ld->name);
    loadkit_map_free(&ld->alias);
    loadkit_map_free(&ld->unit);
    loadkit_map_free(&ld->item);
    loadkit_map_free(&ld->known);
    free(ld);
}

static int prepare(sqlite_conn *c, const char *sql, sqlite3_stmt **st, char **err)
{
    if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK) {
        *err = sqlite_conn_error(c, sql);
        return -1;
    }
    return 0;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s) sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, i);
}

/* Step an INSERT once; the statement is reset either way. */
/* One write of the load, inside its transaction.  On SQLITE_NOMEM,
 * SQLITE_FULL or SQLITE_IOERR SQLite may roll the whole transaction back
 * by itself; every later write would then commit on its own (a refused
 * import left markets it had added).  So a write with no transaction
 * open fails, and so do the rest of the load and its commit. */
static int step(sqlite3_stmt *st)
{
    if (sqlite3_get_autocommit(sqlite3_db_handle(st))) return SQLITE_ABORT;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : rc;
}

/* Read `sql` (key text, id) rows into `m`.  For names, a key that two rows
 * share maps to -1: ambiguous, so never guessed. */
static int read_keys(sqlite_conn *c, const char *sql, loadkit_map *m, int mark_dups, char **err)
{
    sqlite3_stmt *st;
    if (prepare(c, sql, &st, err) != 0) return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(st, 0);
        if (!k) continue;
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        int64_t id = sqlite3_column_int64(st, 1);
        int64_t *old = mark_dups ? loadkit_map_get(m, k, n) : NULL;
        if (loadkit_map_put(m, k, n, old && *old != id ? -1 : id) != 0) {
            sqlite3_finalize(st);
            *err = sqlite_conn_fmt("out of memory reading keys");
            return -1;
        }
    }
    if (rc != SQLITE_DONE) *err = sqlite_conn_error(c, sql);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* -------------------------------------------------------- inspections */

static int know_market(cwsh_loader *ld, int64_t id)
{
    return loadkit_map_put(&ld->known, (const char *)&id, sizeof id, 1);
}

/* Every market id into `known`, so inspection() can check its market
 * without a SELECT (foreign keys are off during the load). */
static int read_market_ids(cwsh_loader *ld, char **err)
{
    for (size_t i = 0; i < ld->code.cap; i++)
        if (ld->code.keys[i] && know_market(ld, ld->code.vals[i]) != 0) {
            *err = sqlite_conn_fmt("out of memory reading keys");
            return -1;
        }
    return 0;
}

/* The import whose column `col` is `v` (the latest): 1 with its id in
 * *old and "FILE, IMPORTED_AT" in what[], 0 when there is none, -1 on
 * error. */
static int find_import(sqlite_conn *c, const char *col, const char *v, int64_t *old, char *what, size_t n,
                       char **err)
{
    char q[112];
    snprintf(q, sizeof q, "SELECT id, imported_at, file FROM import WHERE %s = ? ORDER BY id DESC LIMIT 1", col);
    sqlite3_stmt *st;
    if (prepare(c, q, &st, err) != 0) return -1;
    sqlite3_bind_text(st, 1, v, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        if (rc == SQLITE_DONE) return 0;
        *err = sqlite_conn_error(c, q);
        return -1;
    }
    *old = sqlite3_column_int64(st, 0);
    const unsigned char *f = sqlite3_column_text(st, 2);
    snprintf(what, n, "%s, %s", f ? (const char *)f : "", (const char *)sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    return 1;
}

/* The earlier import of this file's hash: refuse, or delete its rows.
 * With --replace and no import of the hash, the latest import of the
 * same file (as typed) is the one replaced: a sheet corrected after its
 * import is the usual reason to import it again. */
static int check_hash(cwsh_loader *ld, const cwsh_import_info *info, char **err)
{
    sqlite_conn *c = ld->c;
    int64_t old;
    char what[1200];
    int found = find_import(c, "hash", info->hash, &old, what, sizeof what, err);
    if (found < 0) return -1;
    if (found && !info->replace) {
        *err = sqlite_conn_fmt("file already imported: import #%lld (%s); use --replace "
                               "to swap its rows", (long long)old, what);
        return -1;
    }
    if (!found && info->replace && info->file && *info->file) {
        found = find_import(c, "file", info->file, &old, what, sizeof what, err);
        if (found < 0) return -1;
    }
    if (!found) return 0;
    if (c->host && c->host->noticef) {
        const char *cut = strrchr(what, ',');
        c->host->noticef(c->host, "replacing import #%lld (%.*s)", (long long)old,
                         (int)(cut ? (size_t)(cut - what) : strlen(what)), what);
    }
    ld->replaces = old;
    sqlite3_stmt *st;
    int rc;
    /* explicit deletes, children first: no reliance on cascades */
    static const char *const del[] = {
        "DELETE FROM result WHERE inspection_id IN (SELECT id FROM inspection WHERE import_id = ?1)",
        "DELETE FROM inspection WHERE import_id = ?1",
        "DELETE FROM import WHERE id = ?1",
    };
    for (int i = 0; i < 3; i++) {
        if (prepare(c, del[i], &st, err) != 0) return -1;
        sqlite3_bind_int64(st, 1, old);
        rc = step(st);
        sqlite3_finalize(st);
        if (rc) { *err = sqlite_conn_error(c, del[i]); return -1; }
    }
    return 0;
}

static int add_import(cwsh_loader *ld, const cwsh_import_info *info, char **err)
{
    static const char q[] = "INSERT INTO import(file, hash, mapping, encoding) VALUES (?, ?, ?, ?)";
    sqlite3_stmt *st;
    if (prepare(ld->c, q, &st, err) != 0) return -1;
    bind_text(st, 1, info->file ? info->file : "");
    bind_text(st, 2, info->hash);
    bind_text(st, 3, info->mapping);
    bind_text(st, 4, info->encoding);
    int rc = step(st);
    sqlite3_finalize(st);
    if (rc) { *err = sqlite_conn_error(ld->c, q); return -1; }
    ld->import_id = sqlite3_last_insert_rowid(ld->c->db);
    /* the import event is owed from this transaction on: the ledger
     * deletes the row when it has opened the import's findings, and a
     * process killed before that leaves it for the next start (schema
     * version 12, ledger_pending), with the import it replaces (13) */
    static const char pq[] = "INSERT INTO ledger_pending(import_id, replaces) VALUES (?, ?)";
    if (prepare(ld->c, pq, &st, err) != 0) return -1;
    sqlite3_bind_int64(st, 1, ld->import_id);
    if (ld->replaces) sqlite3_bind_int64(st, 2, ld->replaces);
    rc = step(st);
    sqlite3_finalize(st);
    if (rc) { *err = sqlite_conn_error(ld->c, pq); return -1; }
    return 0;
}

/* The duplicate check's table: one slot per item id (ids are small). */
static int make_seen(cwsh_loader *ld, char **err)
{
    int64_t max = 0;
    for (size_t i = 0; i < ld->item.cap; i++)
        if (ld->item.keys[i] && ld->item.vals[i] > max) max = ld->item.vals[i];
    ld->nseen = (size_t)max + 1;
    ld->seen = calloc(ld->nseen, sizeof *ld->seen);
    if (!ld->seen) { *err = sqlite_conn_fmt("out of memory"); return -1; }
    return 0;
}

/* The INSERT for n results, prepared on first use. */
static sqlite3_stmt *batch_stmt(cwsh_loader *ld, int n, char **err)
{
    if (ld->ins_batch[n]) return ld->ins_batch[n];
    sqlite3_str *q = sqlite3_str_new(ld->c->db);
    sqlite3_str_appendall(q, "INSERT INTO result(inspection_id, item_id, result, deduction, count,"
                             " note) VALUES ");
    for (int i = 0; i < n; i++) sqlite3_str_appendall(q, i ? ", (?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?)");
    char *sql = sqlite3_str_finish(q);
    if (!sql) { *err = sqlite_conn_fmt("out of memory"); return NULL; }
    int rc = prepare(ld->c, sql, &ld->ins_batch[n], err);
    sqlite3_free(sql);
    return rc ? NULL : ld->ins_batch[n];
}

/* Write the waiting results of the current inspection. */
static int flush(cwsh_loader *ld, char **err)
{
    int n = ld->npend;
    if (!n) return 0;
    ld->npend = 0;
    ld->alen = 0;
    sqlite3_stmt *st = batch_stmt(ld, n, err);
    if (!st) return -1;
    for (int i = 0; i < n; i++) {
        const pending *p = &ld->pend[i];
        int b = 6 * i;
        sqlite3_bind_int64(st, b + 1, p->insp);
        sqlite3_bind_int64(st, b + 2, p->item);
        sqlite3_bind_text(st, b + 3, ld->dom->results[p->result].name, -1, SQLITE_STATIC);
        sqlite3_bind_double(st, b + 4, p->deduction);
        if (p->count >= 0) sqlite3_bind_double(st, b + 5, p->count);
        else sqlite3_bind_null(st, b + 5);
        if (p->note) sqlite3_bind_text(st, b + 6, ld->arena + p->note - 1, -1, SQLITE_STATIC);
        else sqlite3_bind_null(st, b + 6);
    }
    if (step(st)) {
        *err = sqlite_conn_fmt("cannot store the item results of an inspection: %s",
                               sqlite3_errmsg(ld->c->db));
        return -1;
    }
    return 0;
}

static int l_load_begin(void *self, const cwsh_import_info *info, cwsh_loader **out, char **err)
{
    *out = NULL;
    if (!info->hash || !*info->hash) { *err = sqlite_conn_fmt("import has no content hash"); return -1; }
    cwsh_loader *ld = calloc(1, sizeof *ld);
    if (!ld) { *err = sqlite_conn_fmt("out of memory"); return -1; }
    /* The loader checks every value the schema's CHECKs test before it
     * binds it (a kind from the list, a result code in range, deduction
     * >= 0; units and markets get their kinds and defaults from here), so
     * SQLite evaluating them again per row is pure cost: 8.6 % of the
     * store thread's instructions.  Table loads keep them: their tables
     * are the user's. */
    ld->checked = 1;
    cwsh_host *h = SELF(self)->host;
    char *de = NULL;
    if (!h || !CWSH_HOST_HAS(h, domain) || !h->domain || !(ld->dom = h->domain(h, &de))) {
        *err = sqlite_conn_fmt("cannot import: %s", de ? de : "the host gives no vocabulary");
        free(de);
        free(ld);
        return -1;
    }
    if (begin(SELF(self), ld, err) != 0) { free(ld); return -1; }
    sqlite_conn *c = ld->c;
    char *e2 = NULL;
    if (check_hash(ld, info, err) != 0 || add_import(ld, info, err) != 0
        || read_keys(c, "SELECT code, id FROM market", &ld->code, 0, err) != 0
        || read_market_ids(ld, err) != 0
        || read_keys(c, "SELECT name, id FROM market", &ld->name, 1, err) != 0
        || read_keys(c, "SELECT alias, market_id FROM market_alias", &ld->alias, 0, err) != 0
        || read_keys(c, "SELECT name, id FROM unit", &ld->unit, 0, err) != 0
        || read_keys(c, "SELECT code, id FROM item", &ld->item, 0, err) != 0
        || prepare(c, "INSERT INTO unit(name, kind) VALUES (?, ?)", &ld->ins_unit, err) != 0
        || prepare(c, "INSERT INTO market(code, name, unit_id) VALUES (?, ?, ?)",
                   &ld->ins_market, err) != 0
        || prepare(c, "INSERT INTO inspection(ext_id, date, market_id, kind, inspector, note,"
                   " import_id, deadline) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &ld->ins_insp, err) != 0
        || make_seen(ld, err) != 0)
        goto fail;
    if (ld->item.n == 0) {
        *err = sqlite_conn_fmt("the checklist is empty (table item has no rows): load the rules "
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

/* A station by name, created (of its unit kind) when new. */
static int64_t unit_id(cwsh_loader *ld, const char *name, char **err)
{
    if (!name || !*name) return 0;
    size_t n = strlen(name);
    int64_t *v = loadkit_map_get(&ld->unit, name, n);
    if (v) return *v;
    const char *kind = loadkit_unit_kind(ld->dom, name, n);
    sqlite3_bind_text(ld->ins_unit, 1, name, (int)n, SQLITE_STATIC);
    if (kind) sqlite3_bind_text(ld->ins_unit, 2, kind, -1, SQLITE_STATIC);
    else sqlite3_bind_null(ld->ins_unit, 2);
    if (step(ld->ins_unit)) {
        *err = sqlite_conn_fmt("cannot add unit '%s': %s", name, sqlite3_errmsg(ld->c->db));
        return -1;
    }
    int64_t id = sqlite3_last_insert_rowid(ld->c->db);
    if (loadkit_map_put(&ld->unit, name, n, id) != 0) {
        *err = sqlite_conn_fmt("out of memory");
        return -1;
    }
    return id;
}

static int64_t l_market_add(cwsh_loader *ld, const char *code, const char *name,
                            const char *unit, char **err)
{
    if (!code || !*code) {
        *err = sqlite_conn_fmt("cannot add market '%s': the sheet gives no market code "
                               "(add a 市场编号 column, or register the market first)", name ? name : "");
        return 0;
    }
    if (!name || !*name) {
        *err = sqlite_conn_fmt("cannot add market '%s': it has no name", code);
        return 0;
    }
    if (loadkit_map_get(&ld->code, code, strlen(code))) {
        *err = sqlite_conn_fmt("cannot add market '%s': the code is taken", code);
        return 0;
    }
    int64_t u = unit_id(ld, unit, err);
    if (u < 0) return 0;
    sqlite3_stmt *st = ld->ins_market;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    if (u) sqlite3_bind_int64(st, 3, u); else sqlite3_bind_null(st, 3);
    if (step(st)) {
        *err = sqlite_conn_fmt("cannot add market '%s' (%s): %s", code, name,
                               sqlite3_errmsg(ld->c->db));
        return 0;
    }
    int64_t id = sqlite3_last_insert_rowid(ld->c->db);
    size_t nn = strlen(name);
    int64_t *same = loadkit_map_get(&ld->name, name, nn);
    if (loadkit_map_put(&ld->code, code, strlen(code), id) != 0
        || loadkit_map_put(&ld->name, name, nn, same ? -1 : id) != 0 || know_market(ld, id) != 0) {
        *err = sqlite_conn_fmt("out of memory");
        return 0;
    }
    return id;
}

static int l_inspection(cwsh_loader *ld, const cwsh_inspection *in, char **err)
{
    ld->insp_id = 0;
    ld->seq++;
    const cwsh_domain *d = ld->dom;
    int k = loadkit_inspection(d, &ld->known, in, err);
    if (k < 0) return -1;
    sqlite3_stmt *st = ld->ins_insp;
    bind_text(st, 1, in->ext_id);
    sqlite3_bind_text(st, 2, in->date, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, in->market_id);
    sqlite3_bind_text(st, 4, d->kinds[k].name, -1, SQLITE_STATIC);
    bind_text(st, 5, in->inspector);
    bind_text(st, 6, in->note);
    sqlite3_bind_int64(st, 7, ld->import_id);
    bind_text(st, 8, in->deadline);
    if (step(st)) {
        *err = sqlite_conn_fmt("cannot add inspection '%s': %s", in->ext_id ? in->ext_id : "",
                               sqlite3_errmsg(ld->c->db));
        return -1;
    }
    ld->insp_id = sqlite3_last_insert_rowid(ld->c->db);
    return 0;
}

static int l_result(cwsh_loader *ld, const cwsh_result *r, char **err)
{
    if (!ld->insp_id) { *err = sqlite_conn_fmt("item result without an inspection"); return -1; }
    int64_t item = loadkit_result(&ld->item, ld->seen, ld->nseen, ld->seq, r, err);
    if (!item) return -1;
    if (ld->npend == BATCH && flush(ld, err) != 0) return -1;
    pending *p = &ld->pend[ld->npend];
    p->insp = ld->insp_id;
    p->item = item;
    p->result = r->result;
    p->deduction = r->deduction;
    p->count = r->count;
    p->note = 0;
    if (r->note) {
        size_t n = strlen(r->note) + 1;
        if (ld->alen + n > ld->acap) {
            size_t cap = (ld->alen + n) * 2;
            char *a = realloc(ld->arena, cap);
            if (!a) { *err = sqlite_conn_fmt("out of memory"); return -1; }
            ld->arena = a;
            ld->acap = cap;
        }
        memcpy(ld->arena + ld->alen, r->note, n);
        p->note = ld->alen + 1;
        ld->alen += n;
    }
    ld->npend++;
    return 0;
}

static int l_inspections_each(cwsh_loader *ld,
                              int (*fn)(void *arg, int64_t market, const char *date,
                                        const char *kind, const char *inspector,
                                        const char *ext_id, const char *label),
                              void *arg, char **err)
{
    /* ordered by import, so the labels come in runs the caller keeps once */
    static const char q[] =
        "SELECT i.market_id, i.date, i.kind, i.inspector, i.ext_id,"
        " CASE WHEN im.id IS NULL THEN 'rows not from an import'"
        " ELSE printf('import #%d (%s, %s)', im.id, im.file, substr(im.imported_at, 1, 10)) END"
        " FROM inspection i LEFT JOIN import im ON im.id = i.import_id"
        " WHERE i.import_id IS NOT ? ORDER BY i.import_id";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ld->c->db, q, -1, &st, NULL) != SQLITE_OK) {
        *err = sqlite_conn_error(ld->c, q);
        return -1;
    }
    sqlite3_bind_int64(st, 1, ld->import_id);   /* not the rows of this load */
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
        stop = fn(arg, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
                  (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
                  (const char *)sqlite3_column_text(st, 4), (const char *)sqlite3_column_text(st, 5));
    if (!stop && rc != SQLITE_DONE) {
        *err = sqlite_conn_error(ld->c, q);
        stop = -1;
    }
    sqlite3_finalize(st);
    return stop;
}

static int l_load_end(cwsh_loader *ld, int commit, long rows_ok, long rows_bad, char **err)
{
    int rc = 0;
    if (commit && flush(ld, err) != 0) { rc = -1; commit = 0; }
    if (commit) {
        static const char q[] = "UPDATE import SET rows_ok = ?, rows_bad = ? WHERE id = ?";
        sqlite3_stmt *st;
        if (prepare(ld->c, q, &st, err) != 0) { rc = -1; commit = 0; }
        else {
            sqlite3_bind_int64(st, 1, rows_ok);
            sqlite3_bind_int64(st, 2, rows_bad);
            sqlite3_bind_int64(st, 3, ld->import_id);
            if (step(st)) { *err = sqlite_conn_error(ld->c, q); rc = -1; commit = 0; }
            sqlite3_finalize(st);
        }
    }
    /* statements go before the transaction ends, so COMMIT finds none
     * pending */
    sqlite3_finalize(ld->ins_unit); ld->ins_unit = NULL;
    sqlite3_finalize(ld->ins_market); ld->ins_market = NULL;
    sqlite3_finalize(ld->ins_insp); ld->ins_insp = NULL;
    for (int i = 0; i <= BATCH; i++) { sqlite3_finalize(ld->ins_batch[i]); ld->ins_batch[i] = NULL; }
    char *e2 = NULL;
    int committed = 0;
    if (finish(ld, commit, &e2) != 0) {
        if (!rc) *err = e2; else free(e2);
        rc = -1;
    } else if (commit) {
        committed = 1;
    }
    if (committed && !ld->savepoint) {
        /* under the load's small cache: with the connection's own, reading
         * the inspections and their indexes grew the process by 6 MB at
         * 10,000 markets x 52 weeks */
        if (ld->cache_size) set_cache_size(ld->c->db, -LOAD_CACHE_KIB);
        /* Fresh statistics after every import, so the planner seeks a
         * month by inspection(date) (a month's scores for 5,000 markets:
         * 0.1 s instead of 1 s without statistics).  Not for `result`:
         * reading it all costs 0.6 s at province scale, and its numbers
         * lead the planner to run a month's date range once per item
         * (0.7 s instead of 9 ms for "which items failed most").  A
         * failure here only costs speed, so it is ignored. */
        sqlite3_exec(ld->c->db, "ANALYZE inspection; ANALYZE market; ANALYZE unit; "
                     "ANALYZE item; ANALYZE import", NULL, NULL, NULL);
        if (ld->cache_size) set_cache_size(ld->c->db, ld->cache_size);
    }
    /* the host raises the `import` event for it */
    cwsh_host *h = ld->c->host;
    if (committed && h && CWSH_HOST_HAS(h, loaded) && h->loaded) h->loaded(h, (long long)ld->import_id);
    loader_free(ld);
    return rc;
}

/* -------------------------------------------------------------- tables */

static int l_table_begin(void *self, const char *table, int n, const char *const *names,
                         cwsh_loader **out, char **err)
{
    *out = NULL;
    if (!table || !*table) { *err = sqlite_conn_fmt("no table name given"); return -1; }
    if (n <= 0) { *err = sqlite_conn_fmt("no columns for table '%s'", table); return -1; }
    cwsh_loader *ld = calloc(1, sizeof *ld);
    if (!ld) { *err = sqlite_conn_fmt("out of memory"); return -1; }
    if (begin(SELF(self), ld, err) != 0) { free(ld); return -1; }
    sqlite_conn *c = ld->c;
    sqlite3_str *q = sqlite3_str_new(c->db);
    sqlite3_stmt *st = NULL;
    char *e2 = NULL, *sql = NULL;
    int have = 0;
    if (prepare(c, "SELECT count(*) FROM pragma_table_info(?)", &st, err) != 0) goto fail;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) have = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (!have) {
        sqlite3_str_appendf(q, "CREATE TABLE \"%w\"(", table);
        for (int i = 0; i < n; i++)
            sqlite3_str_appendf(q, "%s\"%w\"", i ? ", " : "", names[i] ? names[i] : "");
        sqlite3_str_appendall(q, ")");
        sql = sqlite3_str_finish(q);
        q = NULL;
        if (!sql || sqlite_conn_exec(c, sql, err) != 0) goto fail;
        sqlite3_free(sql);
        sql = NULL;
        q = sqlite3_str_new(c->db);
    } else if (have != n) {
        *err = sqlite_conn_fmt("table '%s' has %d columns but the file has %d", table, have, n);
        goto fail;
    }
    sqlite3_str_appendf(q, "INSERT INTO \"%w\" VALUES (", table);
    for (int i = 0; i < n; i++) sqlite3_str_appendall(q, i ? ", ?" : "?");
    sqlite3_str_appendall(q, ")");
    sql = sqlite3_str_finish(q);
    q = NULL;
    if (!sql || prepare(c, sql, &ld->ins_row, err) != 0) goto fail;
    sqlite3_free(sql);
    ld->ncols = n;
    *out = ld;
    return 0;
fail:
    if (q) sqlite3_free(sqlite3_str_finish(q));
    sqlite3_free(sql);
    finish(ld, 0, &e2);
    free(e2);
    loader_free(ld);
    return -1;
}

static int l_table_row(cwsh_loader *ld, int n, const cwsh_value *v, char **err)
{
    sqlite3_stmt *st = ld->ins_row;
    for (int i = 0; i < ld->ncols; i++) {
        const cwsh_value *x = i < n ? &v[i] : NULL;
        if (!x || x->type == CWSH_NULL) sqlite3_bind_null(st, i + 1);
        else if (x->type == CWSH_INT) sqlite3_bind_int64(st, i + 1, x->i);
        else if (x->type == CWSH_REAL) sqlite3_bind_double(st, i + 1, x->r);
        else sqlite3_bind_text(st, i + 1, x->s ? x->s : "", (int)(x->s ? x->n : 0), SQLITE_STATIC);
    }
    if (step(st)) { *err = sqlite_conn_fmt("%s", sqlite3_errmsg(ld->c->db)); return -1; }
    return 0;
}

static int l_table_end(cwsh_loader *ld, int commit, char **err)
{
    sqlite3_finalize(ld->ins_row);
    ld->ins_row = NULL;
    int rc = finish(ld, commit, err);
    loader_free(ld);
    return rc;
}

void sqlite_load_fill(cwsh_store *st)
{
    st->load_begin = l_load_begin;
    st->market_find = l_market_find;
    st->inspections_each = l_inspections_each;
    st->market_add = l_market_add;
    st->inspection = l_inspection;
    st->result = l_result;
    st->load_end = l_load_end;
    st->table_begin = l_table_begin;
    st->table_row = l_table_row;
    st->table_end = l_table_end;
}
