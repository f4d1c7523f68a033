/*
 * fuzz_store.h — the sqlite store in memory that the import targets
 * (fuzz_import.c, fuzz_table.c) load into, with the fake host of the unit
 * tests: one connection per process, opened by store_open, queried by
 * one().  Include once, after defining FUZZ_NAME ("fuzz_import"), which
 * die() names in its message.
 */
#ifndef FUZZ_STORE_H
#define FUZZ_STORE_H
#include <stdio.h>
#include <stdlib.h>
#include "../unit/csv_fake.h"
#include "../../plugins/sqlite/sqlite_conn.h"
#include "../../plugins/sqlite/sqlite_store.h"

static sqlite_conn conn;
static cwsh_store store;
static cwsh_host *host;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, FUZZ_NAME ": %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

static cwsh_store *get_store(cwsh_host *h) { (void)h; return &store; }

static void store_open(void)
{
    host = fk_host();
    host->store = get_store;
    char *err = NULL;
    if (sqlite_conn_open(&conn, ":memory:", &err) != 0) die("cannot open the database", err);
    conn.host = host;
    sqlite_store_init(&store, &conn);
}

/* the first column of the first row of sql; -1 when it has no row */
static long long one(const char *sql)
{
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_prepare_v2(conn.db, sql, -1, &st, NULL) != SQLITE_OK) die("bad check query", sql);
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}
#endif
