/*
 * sqlite_schema_test.c — migrations: an empty file to the current version,
 * every earlier version to the current one (data kept, schema identical to
 * a fresh database), refusal of a newer database, and a failed migration
 * leaving the file as it was.  Owner: sqlite helper.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tap.h"
#include "../../plugins/sqlite/sqlite_conn.h"
#include "../../plugins/sqlite/sqlite_schema.h"

static char dir[] = "/tmp/cwsh-sqlite-schema.XXXXXX";

static char *path_of(const char *name)
{
    char *p;
    if (asprintf(&p, "%s/%s", dir, name) < 0) abort();
    return p;
}

/* One text value of a query on a raw handle (malloc'd; NULL if none). */
static char *one(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    char *r = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return strdup(sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        r = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return r;
}

static int version_of(const char *path)
{
    sqlite3 *db;
    sqlite3_open(path, &db);
    char *v = one(db, "PRAGMA user_version");
    int n = v ? atoi(v) : -1;
    free(v);
    sqlite3_close(db);
    return n;
}

/* The whole schema as text, in a stable order. */
static char *schema_of(sqlite3 *db)
{
    return one(db, "SELECT group_concat(type || ' ' || name || ': ' || sql, char(10)) FROM "
                   "(SELECT * FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY type, name)");
}

static void test_empty_to_current(char **fresh_schema)
{
    char *p = path_of("empty.db");
    sqlite_conn c = { 0 };
    char *err = NULL;
    int rc = sqlite_conn_open(&c, p, &err);
    tap_is_int(rc, 0, "empty file: opens");
    tap_is(err, NULL, "empty file: no error");
    char *v = one(c.db, "PRAGMA user_version");
    char want[16];
    snprintf(want, sizeof want, "%d", sqlite_schema_current());
    tap_is(v, want, "empty file: migrated to the current version");
    free(v);
    v = one(c.db, "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema "
                  "WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%' ORDER BY name)");
    tap_is(v, "assessment assignment finding finding_event finding_milestone import inspection item ledger_pending market "
              "market_alias "
              "market_facility meeting meeting_deleted person plan report report_event result result_word score "
              "target_progress target_status "
              "unit unit_mark v_inspection v_result", "empty file: every table and view");
    free(v);
    v = one(c.db, "PRAGMA journal_mode");
    tap_is(v, "wal", "WAL mode");
    free(v);
    v = one(c.db, "PRAGMA foreign_keys");
    tap_is(v, "1", "foreign keys on");
    free(v);
    *fresh_schema = schema_of(c.db);
    sqlite_conn_close(&c);
    /* opening again is a no-op */
    rc = sqlite_conn_open(&c, p, &err);
    char *again = schema_of(c.db);
    tap_ok(rc == 0 && again && !strcmp(again, *fresh_schema), "reopening changes nothing");
    free(again);
    sqlite_conn_close(&c);
    free(p);
}

/* Data a database at version `v` can hold, to see it survive upgrades. */
static void seed(sqlite3 *db, int v)
{
    if (v >= 1)
        sqlite3_exec(db,
            "INSERT INTO unit(name) VALUES ('城南所');"
            "INSERT INTO market(code, name, unit_id, is_key) VALUES ('M0003', '解放市场', 1, 1);"
            "INSERT INTO item(code, title, category, points) VALUES ('A01', '地面平整无积水', '环境卫生', 4);"
            "INSERT INTO import(file, hash) VALUES ('a.csv', 'h1');"
            "INSERT INTO inspection(date, market_id, kind, import_id) VALUES ('2027-01-07', 1, '督查', 1);"
            "INSERT INTO result(inspection_id, item_id, result, deduction) VALUES (1, 1, '不合格', 2);",
            NULL, NULL, NULL);
}

static void test_every_earlier_version(const char *fresh)
{
    int cur = sqlite_schema_current();
    for (int v = 0; v < cur; v++) {
        char name[32], msg[128];
        snprintf(name, sizeof name, "v%d.db", v);
        char *p = path_of(name);
        sqlite3 *db;
        sqlite3_open(p, &db);
        char *err = NULL;
        int rc = sqlite_schema_migrate(db, p, v, &err);
        snprintf(msg, sizeof msg, "version %d: built as an older cwsh left it", v);
        tap_ok(rc == 0 && err == NULL, msg);
        free(err);
        seed(db, v);
        sqlite3_close(db);
        snprintf(msg, sizeof msg, "version %d: file is at version %d", v, v);
        tap_is_int(version_of(p), v, msg);

        sqlite_conn c = { 0 };
        rc = sqlite_conn_open(&c, p, &err);
        snprintf(msg, sizeof msg, "version %d: upgraded on open", v);
        tap_ok(rc == 0, msg);
        if (rc) { printf("# %s\n", err); free(err); free(p); continue; }
        char *s = schema_of(c.db);
        snprintf(msg, sizeof msg, "version %d: schema now equals a fresh database's", v);
        tap_is(s, fresh, msg);
        free(s);
        if (v >= 1) {
            s = one(c.db, "SELECT market_code || ' ' || market_name || ' ' || unit_name || ' ' "
                          "|| item_code || ' ' || result || ' ' || deduction FROM v_result");
            snprintf(msg, sizeof msg, "version %d: data kept and visible in v_result", v);
            tap_is(s, "M0003 解放市场 城南所 A01 不合格 2.0", msg);
            free(s);
        }
        sqlite_conn_close(&c);
        snprintf(msg, sizeof msg, "version %d: file now at version %d", v, cur);
        tap_is_int(version_of(p), cur, msg);
        free(p);
    }
}

static void test_newer_refused(void)
{
    char *p = path_of("newer.db");
    sqlite3 *db;
    sqlite3_open(p, &db);
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", sqlite_schema_current() + 1);
    sqlite3_exec(db, pragma, NULL, NULL, NULL);
    sqlite3_close(db);
    sqlite_conn c = { 0 };
    char *err = NULL;
    int rc = sqlite_conn_open(&c, p, &err);
    tap_is_int(rc, -1, "newer database: refused");
    char want[512];
    snprintf(want, sizeof want, "database '%s' was made by a newer cwsh (schema version %d, "
             "this cwsh knows %d)", p, sqlite_schema_current() + 1, sqlite_schema_current());
    tap_is(err, want, "newer database: exact message");
    free(err);
    tap_ok(c.db == NULL, "newer database: connection closed");
    tap_is_int(version_of(p), sqlite_schema_current() + 1, "newer database: version untouched");
    sqlite3_open(p, &db);
    char *n = one(db, "SELECT count(*) FROM sqlite_schema");
    tap_is(n, "0", "newer database: nothing created in it");
    free(n);
    n = one(db, "PRAGMA journal_mode");
    tap_is(n, "delete", "newer database: not even switched to WAL");
    free(n);
    sqlite3_close(db);
    free(p);
}

static void test_failed_migration(void)
{
    char *p = path_of("foreign.db");
    sqlite3 *db;
    sqlite3_open(p, &db);
    /* someone else's `market` table: migration 1 cannot index it */
    sqlite3_exec(db, "CREATE TABLE market(id INTEGER PRIMARY KEY, label TEXT)", NULL, NULL, NULL);
    char *err = NULL;
    int rc = sqlite_schema_migrate(db, p, -1, &err);
    tap_is_int(rc, -1, "failed migration: reported");
    char want[512];
    snprintf(want, sizeof want, "cannot upgrade database '%s' to schema version 1: "
             "no such column: unit_id", p);
    tap_is(err, want, "failed migration: message names the database and version");
    free(err);
    char *n = one(db, "SELECT group_concat(name) FROM sqlite_schema");
    tap_is(n, "market", "failed migration: rolled back, nothing else created");
    free(n);
    n = one(db, "PRAGMA user_version");
    tap_is(n, "0", "failed migration: version unchanged");
    free(n);
    sqlite3_close(db);
    free(p);
}

/* Denies CREATE VIEW: migration 2 fails after migration 1 has run. */
static int no_views(void *u, int op, const char *a, const char *b, const char *c, const char *d)
{
    (void)u; (void)a; (void)b; (void)c; (void)d;
    return op == SQLITE_CREATE_VIEW ? SQLITE_DENY : SQLITE_OK;
}

static void test_upgrade_is_one_transaction(void)
{
    char *p = path_of("halfway.db");
    sqlite3 *db;
    sqlite3_open(p, &db);
    sqlite3_set_authorizer(db, no_views, NULL);
    char *err = NULL;
    int rc = sqlite_schema_migrate(db, p, -1, &err);
    tap_is_int(rc, -1, "upgrade failing at version 2: reported");
    char want[512];
    snprintf(want, sizeof want, "cannot upgrade database '%s' to schema version 2: not authorized", p);
    tap_is(err, want, "upgrade failing at version 2: names the version that failed");
    free(err);
    char *n = one(db, "SELECT count(*) FROM sqlite_schema");
    tap_is(n, "0", "upgrade failing at version 2: version 1's tables rolled back too");
    free(n);
    n = one(db, "PRAGMA user_version");
    tap_is(n, "0", "upgrade failing at version 2: version unchanged");
    free(n);
    sqlite3_set_authorizer(db, NULL, NULL);
    sqlite3_close(db);
    free(p);
}

int main(void)
{
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    char *fresh = NULL;
    test_empty_to_current(&fresh);
    test_every_earlier_version(fresh);
    test_newer_refused();
    test_failed_migration();
    test_upgrade_is_one_transaction();
    free(fresh);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) printf("# could not remove %s\n", dir);
    return tap_done();
}
