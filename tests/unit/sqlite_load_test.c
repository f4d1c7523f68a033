/*
 * sqlite_load_test.c — the store's loaders: key lookups, inspections and
 * results, the hash refusal and --replace, rollback leaving nothing, and
 * generic table loads.  Owner: sqlite helper.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tap.h"
#include "../../plugins/sqlite/sqlite_conn.h"
#include "../../plugins/sqlite/sqlite_store.h"
#include "domain_fixture.h"

static char dir[] = "/tmp/cwsh-sqlite-load.XXXXXX";
static sqlite_conn conn;
static cwsh_store st;

/* One query's rows as "a|b;c|d" text (malloc'd). */
static char *q(const char *sql)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(conn.db, sql, -1, &s, NULL) != SQLITE_OK) return strdup(sqlite3_errmsg(conn.db));
    size_t cap = 256, len = 0;
    char *out = calloc(1, cap);
    int nrow = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(s); i++) {
            const char *v = (const char *)sqlite3_column_text(s, i);
            if (!v) v = "NULL";
            size_t need = len + strlen(v) + 3;
            if (need > cap) out = realloc(out, cap = need * 2);
            len += (size_t)sprintf(out + len, "%s%s", i ? "|" : (nrow ? ";" : ""), v);
        }
        nrow++;
    }
    sqlite3_finalize(s);
    return out;
}

static void is_q(const char *sql, const char *want, const char *name)
{
    char *got = q(sql);
    tap_is(got, want, name);
    free(got);
}

static void is_err(int rc, char *err, const char *want, const char *name)
{
    tap_ok(rc != 0, name);
    tap_is(err, want, name);
    free(err);
}

static cwsh_import_info info(const char *file, const char *hash, int replace)
{
    return (cwsh_import_info){ file, hash, "long", "UTF-8", replace };
}

static cwsh_loader *begin(const char *file, const char *hash, int replace)
{
    cwsh_loader *ld = NULL;
    char *err = NULL;
    cwsh_import_info in = info(file, hash, replace);
    if (st.load_begin(st.self, &in, &ld, &err) != 0) {
        printf("# load_begin: %s\n", err);
        free(err);
    }
    return ld;
}

static int add_insp(cwsh_loader *ld, const char *ext, const char *date, int64_t m,
                    const char *kind)
{
    char *err = NULL;
    cwsh_inspection in = { ext, date, m, kind, "陈静", NULL, "3天" };
    int rc = st.inspection(ld, &in, &err);
    if (rc) { printf("# inspection: %s\n", err); free(err); }
    return rc;
}

static int add_res(cwsh_loader *ld, const char *item, int res, double ded, double count,
                   const char *note)
{
    char *err = NULL;
    cwsh_result r = { item, res, ded, count, note };
    int rc = st.result(ld, &r, &err);
    if (rc) { printf("# result: %s\n", err); free(err); }
    return rc;
}

static void test_no_vocabulary(void)
{
    cwsh_loader *ld = NULL;
    char *err = NULL;
    cwsh_import_info in = info("a.csv", "h0", 0);
    conn.host = NULL;
    int rc = st.load_begin(st.self, &in, &ld, &err);
    is_err(rc, err, "cannot import: the host gives no vocabulary", "no vocabulary: refused");
    is_q("SELECT count(*) FROM import", "0", "no vocabulary: no import row left");
    static cwsh_host host;
    host.size = sizeof host;
    host.domain = df_get;
    conn.host = &host;
}

static void test_empty_checklist(void)
{
    cwsh_loader *ld = NULL;
    char *err = NULL;
    cwsh_import_info in = info("a.csv", "h0", 0);
    int rc = st.load_begin(st.self, &in, &ld, &err);
    is_err(rc, err, "the checklist is empty (table item has no rows): load the rules before "
           "importing inspections", "no checklist: refused");
    is_q("SELECT count(*) FROM import", "0", "no checklist: no import row left");
}

static void test_first_load(void)
{
    sqlite3_exec(conn.db,
        "INSERT INTO item(code, title, category, points) VALUES"
        " ('A01', '地面平整无积水', '环境卫生', 4), ('A02', '地面摊位整洁无垃圾杂物', '环境卫生', 4),"
        " ('F04', '无过期变质商品', '食品安全与活禽', 4);"
        "INSERT INTO unit(name, kind) VALUES ('城南所', '所');"
        "INSERT INTO market(code, name, unit_id) VALUES ('M0001', '城北市场', 1), "
        " ('M0008', '新华市场', 1), ('M0009', '新华市场', 1);"
        "INSERT INTO market_alias VALUES ('城北农贸市场', 1);", NULL, NULL, NULL);
    cwsh_loader *ld = begin("2027-01.csv", "h1", 0);
    tap_ok(ld != NULL, "load_begin");
    if (!ld) return;
    tap_is_int(st.market_find(ld, "M0001", NULL), 1, "market by code");
    tap_is_int(st.market_find(ld, NULL, "城北市场"), 1, "market by name");
    tap_is_int(st.market_find(ld, "", "城北农贸市场"), 1, "market by alias");
    tap_is_int(st.market_find(ld, "M9999", "城北市场"), 1, "unknown code, known name");
    tap_is_int(st.market_find(ld, NULL, "新华市场"), -1, "a name two markets share is not guessed: -1");
    tap_is_int(st.market_find(ld, "M0003", "解放市场"), 0, "unknown market: 0");
    char *err = NULL;
    int64_t m3 = st.market_add(ld, "M0003", "解放市场", "城东所", &err);
    tap_ok(m3 > 0 && !err, "market_add");
    tap_ok(st.market_add(ld, "M0004", "新城市场", "高新分局", &err) > 0 && !err,
           "market_add with a station named as a 分局");
    tap_is_int(st.market_find(ld, "M0003", NULL), m3, "added market found by code");
    tap_is_int(st.market_find(ld, NULL, "解放市场"), m3, "added market found by name");
    int64_t again = st.market_add(ld, "M0003", "解放市场", NULL, &err);
    tap_is_int(again, 0, "market_add twice fails");
    tap_is(err, "cannot add market 'M0003': the code is taken", "market_add twice: message");
    free(err); err = NULL;
    tap_is_int(st.market_add(ld, NULL, "无码市场", NULL, &err), 0, "market without code");
    tap_is(err, "cannot add market '无码市场': the sheet gives no market code "
           "(add a 市场编号 column, or register the market first)", "market without code: message");
    free(err); err = NULL;

    tap_is_int(add_insp(ld, "JC-1", "2027-01-07", 1, "督查"), 0, "inspection 1");
    tap_is_int(add_res(ld, "A01", CWSH_PASS, 0, -1, NULL), 0, "result A01");
    tap_is_int(add_res(ld, "A02", CWSH_FAIL, 2, 3, "垃圾未清"), 0, "result A02");
    cwsh_result dup = { "A02", CWSH_FAIL, 1, -1, NULL };
    int rc = st.result(ld, &dup, &err);
    is_err(rc, err, "item 'A02' appears twice in one inspection", "duplicate item: message");
    err = NULL;
    cwsh_result unk = { "Z99", CWSH_PASS, 0, -1, NULL };
    rc = st.result(ld, &unk, &err);
    is_err(rc, err, "unknown checklist item 'Z99'", "unknown item: message");
    err = NULL;
    cwsh_inspection bad = { "JC-2", "2027-01-08", 1, "抽查", NULL, NULL, NULL };
    rc = st.inspection(ld, &bad, &err);
    is_err(rc, err, "unknown inspection kind '抽查' (自查, 督查, 全面督查, 暗访, 考核)",
           "unknown kind: message");
    err = NULL;
    rc = add_res(ld, "A01", CWSH_PASS, 0, -1, NULL);
    tap_ok(rc != 0, "result after a failed inspection is refused");
    tap_is_int(add_insp(ld, "JC-3", "2027-01-09", m3, "暗访"), 0, "inspection 2");
    tap_is_int(add_res(ld, "F04", CWSH_NA, 0, -1, NULL), 0, "result F04");
    rc = st.load_end(ld, 1, 3, 4, &err);
    tap_ok(rc == 0 && !err, "load_end commits");
    is_q("SELECT id, file, hash, mapping, encoding, rows_ok, rows_bad FROM import",
         "1|2027-01.csv|h1|long|UTF-8|3|4", "import row records the counts");
    is_q("SELECT ext_id, date, market_code, unit_name, kind, inspector, item_code, result, "
         "deduction, count, note, import_id FROM v_result ORDER BY 1, 7",
         "JC-1|2027-01-07|M0001|城南所|督查|陈静|A01|合格|0.0|NULL|NULL|1;"
         "JC-1|2027-01-07|M0001|城南所|督查|陈静|A02|不合格|2.0|3.0|垃圾未清|1;"
         "JC-3|2027-01-09|M0003|城东所|暗访|陈静|F04|不适用|0.0|NULL|NULL|1"
         , "the rows, through v_result");
    is_q("SELECT name, kind FROM unit ORDER BY id", "城南所|所;城东所|所;高新分局|分局",
         "a new station is created as a unit of the vocabulary's kind for its name");
    is_q("SELECT ext_id, deadline FROM inspection ORDER BY 1", "JC-1|3天;JC-3|3天",
         "the inspection's deadline (整改期限) is stored");
}

static void test_refusal_and_replace(void)
{
    char *at = q("SELECT imported_at FROM import WHERE id = 1");
    cwsh_loader *ld = NULL;
    char *err = NULL;
    cwsh_import_info in = info("copy.csv", "h1", 0);
    int rc = st.load_begin(st.self, &in, &ld, &err);
    char want[256];
    snprintf(want, sizeof want, "file already imported: import #1 (2027-01.csv, %s); use --replace to "
             "swap its rows", at);
    is_err(rc, err, want, "same hash: refused naming the earlier import, its file and date");
    free(at);
    tap_ok(ld == NULL, "same hash: no loader");
    is_q("SELECT count(*) FROM import", "1", "same hash: nothing added");

    ld = begin("2027-01-fixed.csv", "h1", 1);
    tap_ok(ld != NULL, "replace: begins");
    if (!ld) return;
    add_insp(ld, "JC-9", "2027-01-20", 2, "自查");
    add_res(ld, "A01", CWSH_FAIL, 4, -1, NULL);
    rc = st.load_end(ld, 1, 1, 0, &err);
    tap_ok(rc == 0, "replace: commits");
    is_q("SELECT id, file, rows_ok, rows_bad FROM import", "2|2027-01-fixed.csv|1|0",
         "replace: the old import row is gone, the new one recorded");
    is_q("SELECT ext_id || ':' || item_code FROM v_result", "JC-9:A01",
         "replace: only the new rows remain");
    is_q("SELECT count(*) FROM inspection", "1", "replace: old inspections deleted");
    is_q("SELECT count(*) FROM market", "5", "replace: markets are kept");
}

static void test_rollback(void)
{
    char *before = q("SELECT (SELECT count(*) FROM import) || ',' || (SELECT count(*) FROM market)"
                     " || ',' || (SELECT count(*) FROM unit) || ',' || (SELECT count(*) FROM inspection)"
                     " || ',' || (SELECT count(*) FROM result)");
    cwsh_loader *ld = begin("bad.csv", "h2", 0);
    if (!ld) { tap_ok(0, "rollback: begins"); return; }
    char *err = NULL;
    int64_t m = st.market_add(ld, "M0100", "临时市场", "新所", &err);
    add_insp(ld, "X1", "2027-02-01", m, "考核");
    add_res(ld, "A01", CWSH_PASS, 0, -1, NULL);
    int rc = st.load_end(ld, 0, 1, 0, &err);
    tap_ok(rc == 0 && !err, "rollback: load_end(commit=0)");
    char *after = q("SELECT (SELECT count(*) FROM import) || ',' || (SELECT count(*) FROM market)"
                    " || ',' || (SELECT count(*) FROM unit) || ',' || (SELECT count(*) FROM inspection)"
                    " || ',' || (SELECT count(*) FROM result)");
    tap_is(after, before, "rollback leaves nothing: imports, markets, units, inspections, results");
    free(before);
    free(after);
    ld = begin("bad.csv", "h2", 0);
    tap_ok(ld != NULL, "rollback: the same file can be imported afterwards");
    if (ld) st.load_end(ld, 0, 0, 0, &err);
}

/* SQLite may roll a transaction back by itself (SQLITE_NOMEM, FULL,
 * IOERR): the load's later writes must not then commit one by one. */
static void test_rolled_back_under_the_load(void)
{
    char *before = q("SELECT (SELECT count(*) FROM import) || ',' || (SELECT count(*) FROM market)"
                     " || ',' || (SELECT count(*) FROM unit)");
    cwsh_loader *ld = begin("gone.csv", "h9", 0);
    if (!ld) { tap_ok(0, "rolled back: begins"); return; }
    sqlite3_exec(conn.db, "ROLLBACK", NULL, NULL, NULL);       /* as SQLite does on NOMEM */
    char *err = NULL;
    int64_t m = st.market_add(ld, "M0200", "消失市场", "消失所", &err);
    tap_ok(m == 0 && err, "rolled back: a market cannot be added");
    free(err);
    err = NULL;
    int rc = st.load_end(ld, 1, 1, 0, &err);
    tap_ok(rc != 0, "rolled back: the load cannot commit");
    free(err);
    char *after = q("SELECT (SELECT count(*) FROM import) || ',' || (SELECT count(*) FROM market)"
                    " || ',' || (SELECT count(*) FROM unit)");
    tap_is(after, before, "rolled back: no import, market or station left behind");
    free(before);
    free(after);
}

static void test_keys_checked(void)
{
    cwsh_loader *ld = begin("k.csv", "hk", 0);
    if (!ld) { tap_ok(0, "keys: begins"); return; }
    is_q("PRAGMA foreign_keys", "0", "foreign key checks are off during a load");
    is_q("PRAGMA ignore_check_constraints", "1", "CHECKs are off during a load (the loader checks)");
    char *err = NULL;
    cwsh_inspection in = { "K1", "2027-03-01", 999, "自查", NULL, NULL, NULL };
    int rc = st.inspection(ld, &in, &err);
    is_err(rc, err, "inspection refers to market id 999, which does not exist",
           "the loader checks market ids itself");
    err = NULL;
    st.load_end(ld, 0, 0, 0, &err);
    is_q("PRAGMA foreign_keys", "1", "foreign key checks are back on after the load");
    is_q("PRAGMA ignore_check_constraints", "0", "CHECKs are back on after the load");
    char *e = NULL;
    sqlite3_exec(conn.db, "CREATE TEMP TABLE positive(x CHECK(x > 0))", NULL, NULL, NULL);
    tap_ok(sqlite3_exec(conn.db, "INSERT INTO positive VALUES (0)", NULL, NULL, &e) != SQLITE_OK,
           "a statement after the load is checked again");
    tap_is(e, "CHECK constraint failed: x > 0", "... with SQLite's message");
    sqlite3_free(e);
}

/* More results than one batch holds, each with its own note. */
static void test_big_inspection(void)
{
    sqlite3_exec(conn.db,
        "WITH RECURSIVE c(k) AS (VALUES(1) UNION ALL SELECT k + 1 FROM c WHERE k < 300)"
        " INSERT INTO item(code, title, category, points) SELECT printf('X%03d', k), '项' || k, 'X', 1 FROM c",
        NULL, NULL, NULL);
    cwsh_loader *ld = begin("big.csv", "hbig", 0);
    if (!ld) { tap_ok(0, "big: begins"); return; }
    add_insp(ld, "BIG", "2027-04-01", 1, "全面督查");
    int rc = 0;
    for (int k = 1; k <= 300; k++) {
        char code[16], note[80];
        snprintf(code, sizeof code, "X%03d", k);
        snprintf(note, sizeof note, "第%d项的备注，足够长以让缓冲区增长 %d", k, k * k);
        rc |= add_res(ld, code, k % 3 ? CWSH_PASS : CWSH_FAIL, k % 3 ? 0 : 0.5, k % 2 ? -1 : k, note);
    }
    tap_is_int(rc, 0, "big: 300 results accepted");
    char *err = NULL;
    cwsh_result dup = { "X001", CWSH_PASS, 0, -1, NULL };
    rc = st.result(ld, &dup, &err);
    is_err(rc, err, "item 'X001' appears twice in one inspection",
           "big: a duplicate is caught across batches");
    err = NULL;
    add_insp(ld, "BIG2", "2027-04-02", 1, "自查");
    tap_is_int(add_res(ld, "X001", CWSH_PASS, 0, -1, NULL), 0, "big: the next inspection may use the item");
    rc = st.load_end(ld, 1, 301, 0, &err);
    tap_ok(rc == 0 && !err, "big: commits");
    is_q("SELECT count(*), sum(result = '不合格'), sum(deduction), count(count), sum(count) FROM v_result"
         " WHERE ext_id = 'BIG'", "300|100|50.0|150|22650.0", "big: every result stored with its values");
    is_q("SELECT note FROM v_result WHERE ext_id = 'BIG' AND item_code IN ('X001', 'X256', 'X257', 'X300')"
         " ORDER BY item_code",
         "第1项的备注，足够长以让缓冲区增长 1;第256项的备注，足够长以让缓冲区增长 65536;"
         "第257项的备注，足够长以让缓冲区增长 66049;第300项的备注，足够长以让缓冲区增长 90000",
         "big: notes kept across batches");
    is_q("SELECT count(*) FROM v_result WHERE ext_id = 'BIG2'", "1", "big: second inspection stored");
    is_q("SELECT group_concat(DISTINCT tbl) FROM (SELECT tbl FROM sqlite_stat1 ORDER BY tbl)",
         "import,inspection,item,market,unit",
         "statistics refreshed after the import, all but result's");
}

/* Another process holding the write lock: refused after the busy wait. */
static void test_busy(const char *path)
{
    sqlite3 *other;
    sqlite3_open(path, &other);
    sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    sqlite3_busy_timeout(conn.db, 50);
    cwsh_loader *ld = NULL;
    char *err = NULL;
    cwsh_import_info in = info("busy.csv", "hbusy", 0);
    int rc = st.load_begin(st.self, &in, &ld, &err);
    char want[512];
    snprintf(want, sizeof want, "the database is busy: another process is writing to '%s'; "
             "try again when it has finished", path);
    is_err(rc, err, want, "another writer: refused with a message that says so");
    sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(other);
    sqlite3_busy_timeout(conn.db, 5000);
    is_q("PRAGMA foreign_keys", "1", "another writer: foreign keys still on");
    ld = begin("busy.csv", "hbusy", 0);
    tap_ok(ld != NULL, "another writer gone: the load begins");
    if (ld) st.load_end(ld, 0, 0, 0, &err);
}

static void test_one_load_at_a_time(void)
{
    cwsh_loader *a = begin("a.csv", "h3", 0), *b = NULL;
    char *err = NULL;
    cwsh_import_info in = info("b.csv", "h4", 0);
    int rc = st.load_begin(st.self, &in, &b, &err);
    is_err(rc, err, "another load is already running", "second concurrent load refused");
    err = NULL;
    if (a) st.load_end(a, 0, 0, 0, &err);
}

static void test_inside_user_transaction(void)
{
    sqlite3_exec(conn.db, "BEGIN", NULL, NULL, NULL);
    cwsh_loader *ld = begin("tx.csv", "h5", 0);
    tap_ok(ld != NULL, "load inside the user's transaction uses a savepoint");
    is_q("PRAGMA foreign_keys", "1", "inside the user's transaction foreign keys stay on");
    char *err = NULL;
    if (ld) st.load_end(ld, 1, 0, 0, &err);
    is_q("SELECT count(*) FROM import WHERE hash = 'h5'", "1", "savepoint released into the transaction");
    sqlite3_exec(conn.db, "ROLLBACK", NULL, NULL, NULL);
    is_q("SELECT count(*) FROM import WHERE hash = 'h5'", "0", "the user's ROLLBACK undoes it");
}

static void test_tables(void)
{
    cwsh_loader *ld = NULL;
    char *err = NULL;
    const char *names[] = { "编号", "名称", "分数", "备注" };
    int rc = st.table_begin(st.self, "新\"表", 4, names, &ld, &err);
    tap_ok(rc == 0, "table_begin creates a table");
    cwsh_value v[4] = {
        { CWSH_INT, 7, 0, NULL, 0 }, { CWSH_TEXT, 0, 0, "解放市场xx", 12 },
        { CWSH_REAL, 0, 88.5, NULL, 0 }, { CWSH_NULL, 0, 0, NULL, 0 } };
    rc = st.table_row(ld, 4, v, &err);
    cwsh_value w[3] = { { CWSH_TEXT, 0, 0, "007", 3 }, { CWSH_TEXT, 0, 0, "", 0 },
                        { CWSH_INT, -1, 0, NULL, 0 } };
    rc |= st.table_row(ld, 3, w, &err);
    tap_ok(rc == 0, "table_row: two rows (the second short)");
    rc = st.table_end(ld, 1, &err);
    tap_ok(rc == 0, "table_end commits");
    is_q("SELECT sql FROM sqlite_schema WHERE name = '新\"表'",
         "CREATE TABLE \"新\"\"表\"(\"编号\", \"名称\", \"分数\", \"备注\")",
         "identifiers quoted, Chinese names as written");
    is_q("SELECT typeof(编号), 编号, typeof(名称), 名称, typeof(分数), 分数, typeof(备注) FROM \"新\"\"表\"",
         "integer|7|text|解放市场|real|88.5|null;text|007|text||integer|-1|null",
         "values keep their types; TEXT by length");
    rc = st.table_begin(st.self, "新\"表", 4, names, &ld, &err);
    cwsh_value x[4] = { { CWSH_INT, 8, 0, NULL, 0 } };
    rc |= st.table_row(ld, 1, x, &err);
    rc |= st.table_end(ld, 1, &err);
    is_q("SELECT count(*) FROM \"新\"\"表\"", "3", "existing table: rows appended");
    rc = st.table_begin(st.self, "新\"表", 2, names, &ld, &err);
    is_err(rc, err, "table '新\"表' has 4 columns but the file has 2", "column count mismatch");
    err = NULL;
    const char *one[] = { "x" };
    rc = st.table_begin(st.self, "gone", 1, one, &ld, &err);
    cwsh_value y = { CWSH_INT, 1, 0, NULL, 0 };
    st.table_row(ld, 1, &y, &err);
    st.table_end(ld, 0, &err);
    is_q("SELECT count(*) FROM sqlite_schema WHERE name = 'gone'", "0",
         "table load rolled back: table not created");
}

int main(void)
{
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    char path[256];
    snprintf(path, sizeof path, "%s/load.db", dir);
    char *err = NULL;
    if (sqlite_conn_open(&conn, path, &err) != 0) { printf("Bail out! %s\n", err); return 1; }
    sqlite_store_init(&st, &conn);
    static cwsh_host host;          /* only the vocabulary: kinds, results, unit kinds */
    host.size = sizeof host;
    host.domain = df_get;
    conn.host = &host;
    test_no_vocabulary();
    test_empty_checklist();
    test_first_load();
    test_refusal_and_replace();
    test_rollback();
    test_rolled_back_under_the_load();
    test_keys_checked();
    test_big_inspection();
    test_busy(path);
    test_one_load_at_a_time();
    test_inside_user_transaction();
    test_tables();
    sqlite_conn_close(&conn);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) printf("# could not remove %s\n", dir);
    return tap_done();
}
