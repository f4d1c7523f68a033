#!/bin/sh
# sqlite-backup.t — .backup then .restore gives identical data (compared
# with sqlite3 .dump); the backup is one plain file; .restore refuses a
# file made by a newer cwsh and upgrades one made by an older cwsh; a
# newer database is refused at start-up without being touched; .dbinfo.
# Owner: sqlite helper.
. tests/lib.sh
scratch

"$CWSH" t.db >out 2>&1 <<'EOF2'
INSERT INTO unit(name) VALUES ('城南所'), ('城东所');
INSERT INTO market(code, name, unit_id, is_key, stalls) VALUES ('M0003', '解放市场', 1, 1, 289), ('M0004', '城北市场', 2, 0, NULL);
INSERT INTO item(code, title, category, points) VALUES ('T01', '地面平整无积水', '环境卫生', 4), ('T02', '防蝇设施完好（熟食"三防"）', '病媒生物防制', 3);
INSERT INTO import(file, hash, rows_ok, rows_bad) VALUES ('a.csv', 'h1', 3, 0);
INSERT INTO inspection(ext_id, date, market_id, kind, inspector, import_id) VALUES ('JC-1', '2027-01-07', 1, '督查', '陈静', 1), ('JC-2', '2027-01-08', 2, '暗访', NULL, 1);
INSERT INTO result VALUES (1, (SELECT id FROM item WHERE code = 'T01'), '不合格', 2.5, 3, '积水3处，
已整改'), (1, (SELECT id FROM item WHERE code = 'T02'), '合格', 0, NULL, NULL), (2, (SELECT id FROM item WHERE code = 'T01'), '不适用', 0, NULL, 'it''s fine');
INSERT INTO score(market_id, period, score, grade, rules_hash) VALUES (1, '2027-01', 97.5, '优秀', 'r1');
.backup b.db
EOF2
is 0 "$?" "backup: exit code 0"
is "" "$(cat out)" "backup: silent"
sqlite3 t.db .dump >before.dump
sqlite3 b.db .dump >backup.dump
is "2 2 3 1" "$(grep -c '^INSERT INTO market VALUES' before.dump) $(grep -c '^INSERT INTO inspection VALUES' before.dump) $(grep -c '^INSERT INTO result VALUES' before.dump) $(grep -c '^INSERT INTO score VALUES' before.dump)" \
   "the dump holds the rows (so comparing dumps means something)"
is_file before.dump backup.dump "the backup holds identical data (sqlite3 .dump)"
is "delete" "$(sqlite3 b.db 'PRAGMA journal_mode')" "the backup is one plain file (not WAL)"
is "$(sqlite3 t.db 'PRAGMA user_version')" "$(sqlite3 b.db 'PRAGMA user_version')" "the backup keeps the schema version"

"$CWSH" t.db >out 2>&1 <<'EOF2'
DELETE FROM result;
DELETE FROM score;
INSERT INTO unit(name) VALUES ('多余所');
SELECT count(*) FROM result;
.restore b.db
.mode list
SELECT count(*) FROM result;
EOF2
is 0 "$?" "restore: exit code 0"
printf 'count(*)\n0\ncount(*)\n3\n' >want
sed 's/[│┌┐└┘├┤─ ]//g' out | grep -v '^$' >got
is_file want got "restore: the same session sees the restored rows"
sqlite3 t.db .dump >after.dump
is_file before.dump after.dump ".backup then .restore: identical data (sqlite3 .dump)"
is "wal" "$(sqlite3 t.db 'PRAGMA journal_mode')" "restore: the database stays in WAL mode"

# a file from a newer cwsh: refused, nothing changed
cur=$(sqlite3 t.db 'PRAGMA user_version')
cp b.db newer.db
sqlite3 newer.db "PRAGMA user_version = $((cur + 1))"
printf '.restore newer.db\n' | "$CWSH" t.db >out 2>&1
is 1 "$?" "restore newer: exit code 1"
is "<stdin>:1: database 'newer.db' was made by a newer cwsh (schema version $((cur + 1)), this cwsh knows $cur)" \
   "$(cat out)" "restore newer: exact message"
sqlite3 t.db .dump >after.dump
is_file before.dump after.dump "restore newer: database unchanged"

# a file that claims the current version but lacks a table: refused
cp b.db partial.db
sqlite3 partial.db "DROP TABLE assignment"
printf '.restore partial.db\n' | "$CWSH" t.db >out 2>&1
is 1 "$?" "restore of a database without a table: exit code 1"
is "<stdin>:1: database 'partial.db' is not a whole cwsh database: it has no table assignment" \
   "$(cat out)" "restore of a database without a table: exact message"
sqlite3 t.db .dump >after.dump
is_file before.dump after.dump "restore of a database without a table: database unchanged"

# a file from an older cwsh (schema version 1: no views): upgraded
cp b.db older.db
sqlite3 older.db "DROP VIEW v_result; DROP VIEW v_inspection; ALTER TABLE inspection DROP COLUMN deadline; PRAGMA user_version = 1"
sqlite3 t.db "SELECT * FROM v_result ORDER BY inspection_id, item_code" >want
is 3 "$(sqlite3 t.db 'SELECT count(*) FROM v_result')" "restore older: three results to compare"
printf '.restore older.db\n' | "$CWSH" t.db >out 2>&1
is 0 "$?" "restore older: exit code 0"
is "$cur" "$(sqlite3 t.db 'PRAGMA user_version')" "restore older: upgraded to the current version"
sqlite3 t.db "SELECT * FROM v_result ORDER BY inspection_id, item_code" >got
is_file want got "restore older: data kept, views back"

# errors name the file; a file that is not a cwsh database is refused
sqlite3 t.db .dump >before.dump     # as the upgrade left it (version 3 rebuilt tables)
sqlite3 other.db "CREATE TABLE market(id INTEGER PRIMARY KEY, label TEXT)"
printf 'not a database at all, just text\n' >text.db
printf '.restore nosuch.db\n.backup nodir/x.db\n.restore other.db\n.restore text.db\n' | "$CWSH" t.db >out 2>&1
cat >want <<'EOF2'
<stdin>:1: cannot open 'nosuch.db': No such file or directory
<stdin>:2: cannot open 'nodir/x.db' for the backup: No such file or directory
<stdin>:3: cannot restore from 'other.db': it is not a cwsh database (schema version 0)
<stdin>:4: cannot restore from 'text.db': file is not a database
EOF2
is_file want out "restore/backup errors name the file"
sqlite3 t.db .dump >after.dump
is_file before.dump after.dump "refused restores leave the database as it was"

# a newer database is refused at start-up, untouched
cp newer.db start.db
"$CWSH" start.db -c 'SELECT 1;' >out 2>&1
is 1 "$?" "newer database at start-up: exit code 1"
is "cwsh: database 'start.db' was made by a newer cwsh (schema version $((cur + 1)), this cwsh knows $cur)" \
   "$(head -1 out)" "newer database at start-up: refused with the versions"
cmp -s newer.db start.db && ok "newer database at start-up: file untouched" \
    || not_ok "newer database at start-up: file untouched"

# a backup with another page size (made by sqlite3 after VACUUM with
# page_size 8192) restores into the 4096-byte database: identical data,
# and the database takes the backup's page size
cp b.db big.db
sqlite3 big.db 'PRAGMA page_size = 8192; VACUUM;'
is 8192 "$(sqlite3 big.db 'PRAGMA page_size')" "page size: the backup has 8192-byte pages"
is 4096 "$(sqlite3 t.db 'PRAGMA page_size')" "page size: the database has 4096-byte pages"
printf 'DELETE FROM score;\n.restore big.db\n' | "$CWSH" t.db >out 2>&1
is 0 "$?" "page size: restore exit code 0"
is "" "$(cat out)" "page size: restore is silent"
# (VACUUM wrote the schema's entries in another order: the lines compare sorted)
sqlite3 t.db .dump | sort >after.sorted
sort before.dump >before.sorted
is_file before.sorted after.sorted "page size: the restored data is the backup's (sqlite3 .dump, sorted)"
is "8192 wal ok" "$(sqlite3 t.db 'PRAGMA page_size' 'PRAGMA journal_mode' 'PRAGMA integrity_check' | paste -sd' ')" \
   "page size: the database takes the backup's pages, stays in WAL, and is whole"

# .dbinfo
printf '.mode csv\n.dbinfo\n' | "$CWSH" t.db >out 2>&1
tr -d '\r' <out | grep -E '^(file|schema version|journal mode|markets|inspections|item results|imports),' >got
cat >want <<EOF2
file,t.db
schema version,$cur (this cwsh knows $cur)
journal mode,wal
markets,2
imports,1
inspections,2
item results,3
EOF2
is_file want got ".dbinfo: file, version, mode and counts"
cleanup_scratch
done_testing
