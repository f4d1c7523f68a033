/*
 * floor.c — the speed floor for importing inspections (issues 4 and 6).
 * Owner: bench helper.
 *
 *   floor [--create] DB FILE
 *
 * The least work an importer of the canonical long format can do: parse
 * FILE with libcsv, resolve market and item codes to integer keys from
 * in-memory hash maps, and bind one reused prepared INSERT per row into
 * the normalized tables (unit, market, import, inspection, result) of DB, inside one
 * transaction with journal_mode=OFF and synchronous=OFF.  No validation
 * beyond what the keys need, no encodings, no rejects.  cwsh's import must
 * come within 1.25x of it.  Prints "ROWS rows SECONDS s".
 *
 * DB must have been created by cwsh (`cwsh DB -c .quit`) so that the
 * schema and the checklist items are cwsh's own; --create makes a minimal
 * look-alike schema for running the floor on its own.
 */
#include <csv.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <time.h>

#define NCOLS 12    /* inspection_id,date,market_code,market_name,unit,inspector,
                       kind,item_code,result,deduction,count,note */
enum { C_ID, C_DATE, C_MCODE, C_MNAME, C_UNIT, C_INSPECTOR, C_KIND, C_ITEM,
       C_RESULT, C_DED, C_COUNT, C_NOTE };

/* ------------------------------------------------------------ hash map */

/* String -> int64, open addressing; keys are copied. */
typedef struct map { char **keys; int64_t *vals; size_t cap, n; } map;

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
    return h;
}

static int64_t *map_slot(map *m, const char *k, size_t n, int insert)
{
    if (insert && (m->n + 1) * 2 > m->cap) {
        map old = *m;
        m->cap = old.cap ? old.cap * 2 : 256;
        m->keys = calloc(m->cap, sizeof *m->keys);
        m->vals = calloc(m->cap, sizeof *m->vals);
        if (!m->keys || !m->vals) abort();
        m->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.keys[i]) {
                size_t j = fnv1a(old.keys[i], strlen(old.keys[i])) & (m->cap - 1);
                while (m->keys[j]) j = (j + 1) & (m->cap - 1);
                m->keys[j] = old.keys[i];
                m->vals[j] = old.vals[i];
                m->n++;
            }
        free(old.keys);
        free(old.vals);
    }
    if (!m->cap) return NULL;
    size_t j = fnv1a(k, n) & (m->cap - 1);
    for (; m->keys[j]; j = (j + 1) & (m->cap - 1))
        if (strlen(m->keys[j]) == n && !memcmp(m->keys[j], k, n)) return &m->vals[j];
    if (!insert) return NULL;
    m->keys[j] = strndup(k, n);
    m->n++;
    return &m->vals[j];
}

static void map_free(map *m)
{
    for (size_t i = 0; i < m->cap; i++) free(m->keys[i]);
    free(m->keys);
    free(m->vals);
}

/* -------------------------------------------------------------- loader */

typedef struct field { char *s; size_t n, cap; } field;

typedef struct floor_state {
    sqlite3 *db;
    sqlite3_stmt *ins_unit, *ins_market, *ins_insp, *ins_result;
    map units, markets, items;
    int64_t import_id;
    field f[NCOLS];
    int nf;
    long line, rows;
    char last_id[64];
    int64_t insp_id;
    int failed;
} floor_state;

static void fail(floor_state *st, const char *what)
{
    fprintf(stderr, "floor: line %ld: %s: %s\n", st->line, what, sqlite3_errmsg(st->db));
    st->failed = 1;
}

static void on_field(void *s, size_t n, void *data)
{
    floor_state *st = data;
    if (st->nf >= NCOLS) { st->nf++; return; }
    field *f = &st->f[st->nf++];
    if (n + 1 > f->cap) {
        f->cap = n + 64;
        f->s = realloc(f->s, f->cap);
        if (!f->s) abort();
    }
    memcpy(f->s, s, n);
    f->s[n] = '\0';
    f->n = n;
}

static void bind_text_or_null(sqlite3_stmt *s, int i, const field *f)
{
    if (f->n) sqlite3_bind_text(s, i, f->s, (int)f->n, SQLITE_STATIC);
    else sqlite3_bind_null(s, i);
}

static int step(floor_state *st, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) { fail(st, what); return -1; }
    return 0;
}

/* A station by name, created when new (as 分局 when so named). */
static int64_t unit_id(floor_state *st)
{
    const field *u = &st->f[C_UNIT];
    if (!u->n) return 0;
    int64_t *v = map_slot(&st->units, u->s, u->n, 0);
    if (v) return *v;
    static const char fj[] = "分局";
    int branch = u->n >= sizeof fj - 1 && !strcmp(u->s + u->n - (sizeof fj - 1), fj);
    sqlite3_bind_text(st->ins_unit, 1, u->s, (int)u->n, SQLITE_STATIC);
    sqlite3_bind_text(st->ins_unit, 2, branch ? "分局" : "所", -1, SQLITE_STATIC);
    if (step(st, st->ins_unit, "insert unit")) return -1;
    int64_t id = sqlite3_last_insert_rowid(st->db);
    *map_slot(&st->units, u->s, u->n, 1) = id;
    return id;
}

static int64_t market_id(floor_state *st)
{
    const field *code = &st->f[C_MCODE];
    int64_t *v = map_slot(&st->markets, code->s, code->n, 0);
    if (v) return *v;
    int64_t u = unit_id(st);
    if (u < 0) return 0;
    sqlite3_stmt *s = st->ins_market;
    sqlite3_bind_text(s, 1, code->s, (int)code->n, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, st->f[C_MNAME].s, (int)st->f[C_MNAME].n, SQLITE_STATIC);
    if (u) sqlite3_bind_int64(s, 3, u); else sqlite3_bind_null(s, 3);
    if (step(st, s, "insert market")) return 0;
    int64_t id = sqlite3_last_insert_rowid(st->db);
    *map_slot(&st->markets, code->s, code->n, 1) = id;
    return id;
}

static int result_ok(const field *f)
{
    return !strcmp(f->s, "合格") || !strcmp(f->s, "不合格") || !strcmp(f->s, "不适用");
}

static void on_row(int c, void *data)
{
    floor_state *st = data;
    int nf = st->nf;
    st->nf = 0;
    st->line++;
    if (st->failed || st->line == 1) return;        /* header */
    if (nf != NCOLS) {
        fprintf(stderr, "floor: line %ld: %d fields, expected %d\n", st->line, nf, NCOLS);
        st->failed = 1;
        return;
    }
    field *f = st->f;
    if (f[C_ID].n >= sizeof st->last_id || strcmp(f[C_ID].s, st->last_id)) {
        int64_t mid = market_id(st);
        if (!mid) return;
        sqlite3_stmt *s = st->ins_insp;
        bind_text_or_null(s, 1, &f[C_ID]);
        sqlite3_bind_text(s, 2, f[C_DATE].s, (int)f[C_DATE].n, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, mid);
        sqlite3_bind_text(s, 4, f[C_KIND].s, (int)f[C_KIND].n, SQLITE_STATIC);
        bind_text_or_null(s, 5, &f[C_INSPECTOR]);
        sqlite3_bind_int64(s, 6, st->import_id);
        if (step(st, s, "insert inspection")) return;
        st->insp_id = sqlite3_last_insert_rowid(st->db);
        snprintf(st->last_id, sizeof st->last_id, "%s", f[C_ID].s);
    }
    int64_t *item = map_slot(&st->items, f[C_ITEM].s, f[C_ITEM].n, 0);
    if (!item || !result_ok(&f[C_RESULT])) {
        fprintf(stderr, "floor: line %ld: unknown item '%s' or result '%s'\n",
                st->line, f[C_ITEM].s, f[C_RESULT].s);
        st->failed = 1;
        return;
    }
    sqlite3_stmt *s = st->ins_result;
    sqlite3_bind_int64(s, 1, st->insp_id);
    sqlite3_bind_int64(s, 2, *item);
    sqlite3_bind_text(s, 3, f[C_RESULT].s, (int)f[C_RESULT].n, SQLITE_STATIC);
    if (f[C_DED].n) sqlite3_bind_double(s, 4, strtod(f[C_DED].s, NULL));
    else sqlite3_bind_double(s, 4, 0);
    if (f[C_COUNT].n) sqlite3_bind_double(s, 5, strtod(f[C_COUNT].s, NULL));
    else sqlite3_bind_null(s, 5);
    bind_text_or_null(s, 6, &f[C_NOTE]);
    if (step(st, s, "insert result")) return;
    st->rows++;
    (void)c;
}

/* ------------------------------------------------------------- schema */

/* Only for --create: a look-alike of cwsh's tables and the 37 items. */
static const char create_sql[] =
    "CREATE TABLE unit(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL);"
    "CREATE TABLE market(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
    " unit_id INTEGER REFERENCES unit(id));"
    "CREATE TABLE item(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE);"
    "CREATE TABLE import(id INTEGER PRIMARY KEY, file TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,"
    " mapping TEXT);"
    "CREATE TABLE inspection(id INTEGER PRIMARY KEY, ext_id TEXT, date TEXT NOT NULL,"
    " market_id INTEGER NOT NULL REFERENCES market(id), kind TEXT NOT NULL, inspector TEXT,"
    " note TEXT, import_id INTEGER REFERENCES import(id));"
    "CREATE TABLE result(inspection_id INTEGER NOT NULL REFERENCES inspection(id),"
    " item_id INTEGER NOT NULL REFERENCES item(id), result TEXT NOT NULL,"
    " deduction REAL NOT NULL DEFAULT 0, count REAL, note TEXT,"
    " PRIMARY KEY(inspection_id, item_id)) WITHOUT ROWID;"
    "CREATE INDEX inspection_market_date ON inspection(market_id, date);"
    "CREATE INDEX inspection_date ON inspection(date);"
    "CREATE INDEX inspection_import ON inspection(import_id);"
    "CREATE INDEX result_item ON result(item_id);"
    "WITH RECURSIVE c(cat, n, k) AS (VALUES('A',6,1),('B',6,1),('C',6,1),('D',4,1),('E',4,1),"
    "('F',6,1),('G',5,1) UNION ALL SELECT cat, n, k + 1 FROM c WHERE k < n)"
    " INSERT INTO item(code) SELECT cat || printf('%02d', k) FROM c ORDER BY 1;";

/* The import row that keys the inspections, as cwsh writes one per file. */
static int add_import(floor_state *st, const char *path)
{
    sqlite3_stmt *s;
    char hash[64];
    snprintf(hash, sizeof hash, "floor-%ld", (long)time(NULL));
    if (sqlite3_prepare_v2(st->db, "INSERT INTO import(file, hash, mapping) VALUES (?, ?, 'floor')",
                           -1, &s, NULL)) {
        fprintf(stderr, "floor: prepare: %s\n", sqlite3_errmsg(st->db));
        return -1;
    }
    sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, hash, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) { fprintf(stderr, "floor: insert import: %s\n", sqlite3_errmsg(st->db)); return -1; }
    st->import_id = sqlite3_last_insert_rowid(st->db);
    return 0;
}

static int prepare(floor_state *st)
{
    if (sqlite3_prepare_v2(st->db, "INSERT INTO unit(name, kind) VALUES (?, ?)", -1,
                           &st->ins_unit, NULL)
        || sqlite3_prepare_v2(st->db, "INSERT INTO market(code, name, unit_id) VALUES (?, ?, ?)",
                              -1, &st->ins_market, NULL)
        || sqlite3_prepare_v2(st->db, "INSERT INTO inspection(ext_id, date, market_id, kind,"
                              " inspector, import_id) VALUES (?, ?, ?, ?, ?, ?)", -1,
                              &st->ins_insp, NULL)
        || sqlite3_prepare_v2(st->db, "INSERT INTO result(inspection_id, item_id, result,"
                              " deduction, count, note) VALUES (?, ?, ?, ?, ?, ?)", -1,
                              &st->ins_result, NULL)) {
        fprintf(stderr, "floor: prepare: %s\n", sqlite3_errmsg(st->db));
        return -1;
    }
    return 0;
}

/* Load existing market and item keys into the maps. */
static int load_keys(floor_state *st)
{
    static const char *const q[] = { "SELECT code, id FROM market", "SELECT code, id FROM item",
                                     "SELECT name, id FROM unit" };
    map *m[] = { &st->markets, &st->items, &st->units };
    for (int k = 0; k < 3; k++) {
        sqlite3_stmt *s;
        if (sqlite3_prepare_v2(st->db, q[k], -1, &s, NULL)) {
            fprintf(stderr, "floor: %s: %s\n", q[k], sqlite3_errmsg(st->db));
            return -1;
        }
        while (sqlite3_step(s) == SQLITE_ROW) {
            const char *code = (const char *)sqlite3_column_text(s, 0);
            *map_slot(m[k], code, strlen(code), 1) = sqlite3_column_int64(s, 1);
        }
        sqlite3_finalize(s);
    }
    if (!st->items.n) { fprintf(stderr, "floor: no checklist items in the database\n"); return -1; }
    return 0;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    int create = argc > 1 && !strcmp(argv[1], "--create");
    if (argc != 3 + create) {
        fprintf(stderr, "usage: floor [--create] DB FILE\n");
        return 2;
    }
    const char *dbpath = argv[1 + create], *path = argv[2 + create];
    double t0 = now();
    floor_state st = { 0 };
    FILE *in = fopen(path, "rb");
    if (!in) { fprintf(stderr, "floor: cannot open '%s': %s\n", path, strerror(errno)); return 1; }
    if (sqlite3_open(dbpath, &st.db)) {
        fprintf(stderr, "floor: cannot open '%s': %s\n", dbpath, sqlite3_errmsg(st.db));
        return 1;
    }
    char *err = NULL;
    if (sqlite3_exec(st.db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;", NULL, NULL, &err)
        || (create && sqlite3_exec(st.db, create_sql, NULL, NULL, &err))) {
        fprintf(stderr, "floor: %s\n", err);
        return 1;
    }
    sqlite3_exec(st.db, "BEGIN", NULL, NULL, NULL);
    if (load_keys(&st) || prepare(&st) || add_import(&st, path)) return 1;

    struct csv_parser p;
    csv_init(&p, CSV_APPEND_NULL);
    char buf[1 << 16];
    size_t n;
    while (!st.failed && (n = fread(buf, 1, sizeof buf, in)) > 0)
        if (csv_parse(&p, buf, n, on_field, on_row, &st) != n) {
            fprintf(stderr, "floor: %s: %s\n", path, csv_strerror(csv_error(&p)));
            st.failed = 1;
        }
    if (!st.failed) csv_fini(&p, on_field, on_row, &st);
    csv_free(&p);
    fclose(in);

    if (st.failed || sqlite3_exec(st.db, "COMMIT", NULL, NULL, &err)) {
        if (err) fprintf(stderr, "floor: commit: %s\n", err);
        sqlite3_exec(st.db, "ROLLBACK", NULL, NULL, NULL);
        return 1;
    }
    sqlite3_finalize(st.ins_unit);
    sqlite3_finalize(st.ins_market);
    sqlite3_finalize(st.ins_insp);
    sqlite3_finalize(st.ins_result);
    sqlite3_close(st.db);
    for (int i = 0; i < NCOLS; i++) free(st.f[i].s);
    map_free(&st.units);
    map_free(&st.markets);
    map_free(&st.items);
    printf("%ld rows %.3f s\n", st.rows, now() - t0);
    return 0;
}
