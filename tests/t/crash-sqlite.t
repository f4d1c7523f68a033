#!/bin/sh
# What a failure, Ctrl-C or a full disk leaves of the sqlite store's work:
# a transaction SQLite rolled back by itself is said; .backup inside a
# transaction is refused (it hung for ever) and a failed backup leaves no
# file; SQL at the prompt cannot make the file unopenable (PRAGMA
# writable_schema refused).
. tests/lib.sh
scratch
export CWSH_INIT= CWSH_HISTORY=

skip() { echo "ok - $1 # SKIP $2"; _tap_n=$((_tap_n + 1)); }

# --- a statement whose failure rolls the user's transaction back
"$CWSH" t.db -c "CREATE TABLE x(a); CREATE TRIGGER tr BEFORE INSERT ON x WHEN new.a = 99 BEGIN SELECT raise(ROLLBACK, 'boom'); END;" \
    -c "BEGIN;" -c "INSERT INTO x VALUES (1);" -c "INSERT INTO x VALUES (99);" -c "INSERT INTO x VALUES (3);" -c "COMMIT;" >out 2>err
is 1 "$?" "a transaction rolled back by a failing statement: exit 1"
printf '%s\n' "-c:4: boom; the open transaction was rolled back: its changes are gone" \
    "-c:6: cannot commit - no transaction is active" >expect
is_file expect err "... the failure says the transaction is gone"
is "3" "$(sqlite3 t.db 'SELECT group_concat(a) FROM x')" "... (SQLite's doing: only the row after it is there)"
"$CWSH" t.db -c "BEGIN;" -c "INSERT INTO x VALUES ('a', 'b');" -c "ROLLBACK;" >out 2>err
printf '%s\n' "-c:2: table x has 1 columns but 2 values were supplied" >expect
is_file expect err "a failure that keeps the transaction says nothing more"

# --- Ctrl-C on an INSERT inside BEGIN: SQLite rolls the whole transaction back
cat >tx.cwsh <<'EOF2'
BEGIN;
INSERT INTO x VALUES (7);
.print started
INSERT INTO x SELECT i FROM (WITH RECURSIVE c(i) AS (VALUES(1) UNION ALL SELECT i + 1 FROM c) SELECT i FROM c);
COMMIT;
EOF2
"$CWSH" -batch t.db <tx.cwsh >out 2>err &
sigint_when $! out started 0.3
is 1 "$?" "Ctrl-C on an INSERT inside BEGIN: exit 1"
printf '%s\n' "<stdin>:4: interrupted; the open transaction was rolled back: its changes are gone" >expect
is_file expect err "... said: the transaction's changes are gone"
is "3" "$(sqlite3 t.db 'SELECT group_concat(a) FROM x')" "... and they are (the row of line 2 too)"

# --- .backup inside a transaction: refused at once (it hung in sqlite3_sleep)
timeout 20 "$CWSH" t.db -c "BEGIN;" -c ".backup b.db" -c "ROLLBACK;" >out 2>err
is 1 "$?" ".backup inside a transaction: exit 1, no hang"
printf '%s\n' "-c:2: cannot back up inside a transaction (COMMIT or ROLLBACK first)" >expect
is_file expect err "... refused with what to do"
is "" "$(ls -A | grep '^b\.db\|^\.b\.db')" "... and no file left"

"$CWSH" t.db -c ".backup b.db" 2>err
is "0 ok" "$? $(sqlite3 b.db 'PRAGMA integrity_check')" "a .backup outside one works"
is "" "$(ls -A | grep '^\.b\.db')" "... no temporary left"

# --- a backup that fails on a full disk leaves no file and keeps an older one
mkdir small
if mount -t tmpfs -o size=64k tmpfs small 2>/dev/null; then
    "$CWSH" t.db -c "INSERT INTO x SELECT randomblob(1000) FROM (WITH RECURSIVE c(i) AS (VALUES(1) UNION ALL SELECT i + 1 FROM c LIMIT 300) SELECT i FROM c);" \
        -c ".backup small/b.db" 2>err
    is 1 "$?" ".backup on a full disk: exit 1"
    printf '%s\n' "-c:2: backup to 'small/b.db' failed: database or disk is full" >expect
    is_file expect err "... said"
    is "" "$(ls -A small)" "... no file (nor -journal) under the final name or another"
    sqlite3 small/b.db "CREATE TABLE old(a); INSERT INTO old VALUES ('old backup')"
    "$CWSH" t.db -c ".backup small/b.db" 2>/dev/null
    is "old backup" "$(sqlite3 small/b.db 'SELECT a FROM old')" "... an older backup of that name is kept"
    umount small
else
    for n in ".backup on a full disk: exit 1" "... said" "... no file (nor -journal) under the final name or another" \
             "... an older backup of that name is kept"; do skip "$n" "cannot mount a tmpfs"; done
fi

# --- writable_schema cannot break the file
"$CWSH" t.db -c "PRAGMA writable_schema=ON;" -c "UPDATE sqlite_schema SET sql = 'CREATE TABLE x(' WHERE name = 'x';" 2>err
is 1 "$?" "an edit of sqlite_schema: exit 1"
printf '%s\n' "-c:1: not authorized" "-c:2: table sqlite_master may not be modified" >expect
is_file expect err "... PRAGMA writable_schema refused, so SQLite refuses the edit"
# (SQLite's defensive mode would refuse it too, and take journal_mode=OFF
# away without a word: a bulk load with its journal off keeps it off)
"$CWSH" t.db -c "PRAGMA journal_mode=OFF;" >out 2>&1
grep -qx '│ off          │' out; is 0 "$?" "PRAGMA journal_mode=OFF is taken"
"$CWSH" t.db -c "SELECT count(*) AS n FROM x;" >out 2>err
is 0 "$?" "... the database still opens"

cleanup_scratch
done_testing
