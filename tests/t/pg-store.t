#!/bin/sh
# pg-store.t — the postgres store on a scratch server: connection strings,
# the numbered migrations under an advisory lock, a newer schema refused,
# SQL at the prompt (statements cut by quotes, dollar quotes and
# comments, results typed), the db Lua module, the store's name,
# passwords hidden in every message, .dump's hint, a lost connection.
. tests/lib.sh
. tests/pg.sh
pg_need
pg_start
scratch
DB=$(pg_newdb s1)

"$CWSH" "$DB" -c '= cwsh.store().name .. " " .. tostring(cwsh.store().server)' >out 2>&1
echo "postgres true" >want
is_file want out "postgresql://... opens the postgres store, a server"
# every sqlite migration has its postgres one, with the same number: a
# migration appended to plugins/sqlite/sqlite_schema.c needs its
# PostgreSQL dialect in plugins/postgres/pg_schema.c
"$CWSH" fresh.db -c "SELECT 1" >/dev/null 2>&1
is "$(sqlite3 fresh.db 'PRAGMA user_version')" "$(pg_sql 'SELECT version FROM cwsh_schema' s1)" \
    "the server's schema version is the sqlite store's (pg_schema.c mirrors every migration of sqlite_schema.c)"
"$CWSH" -csv "$DB" .tables >pg.tables 2>&1
"$CWSH" -csv fresh.db .tables >sqlite.tables 2>&1
is_file sqlite.tables pg.tables "the same tables and views as a fresh SQLite database"

# the other spellings of a connection string
CWSH_DB="postgres:dbname=s1 host=$PGDIR user=cwsh" "$CWSH" -c "SELECT count(*) AS n FROM item" -csv >out 2>&1
printf 'n\r\n37\r\n' >want
is_file want out "\$CWSH_DB in libpq's keyword form (postgres:KEY=VALUE ...)"
PGHOST=$PGDIR "$CWSH" --db postgres:s1 -csv "SELECT count(*) AS n FROM item" >out 2>&1
is_file want out "--db postgres:NAME, the server from libpq's environment"
# the keyword form as the first word: a database, though it has blanks
# (and no '/' that would make it look like a path)
PGHOST=$PGDIR "$CWSH" "postgres:dbname=s1 user=cwsh" -csv "SELECT count(*) AS n FROM item" >out 2>&1
is_file want out "the keyword form as the first argument is the database, not a command line"
is "" "$(ls "$HOME/.local/share/cwsh" 2>/dev/null)" "... and no default SQLite database is made"

# SQL at the prompt: typed values, NULL, several statements, multi-line
# statements ended only by a ';' outside quotes, dollar quotes, comments
cat >in.cwsh <<'SQL'
SELECT 1 AS i, 2.5 AS r, 'x;y' AS t, NULL AS n, true AS b, 10::numeric / 4 AS q, sum(x) AS s FROM (VALUES (1), (2)) v(x);
CREATE TABLE t(a TEXT); INSERT INTO t VALUES ('one'); SELECT a FROM t;
SELECT $$a ; b$$ AS d, -- not the end;
  /* nor /* this */ ; */ 'it''s' AS e
  ;
SELECT E'\';' AS esc;
SELECT nosuch FROM t;
SELECT count(*) AS still FROM t;
SQL
"$CWSH" "$DB" <in.cwsh >out 2>&1
cat >want <<'OUT'
┌───┬─────┬─────┬───┬───┬─────┬───┐
│ i │  r  │  t  │ n │ b │  q  │ s │
├───┼─────┼─────┼───┼───┼─────┼───┤
│ 1 │ 2.5 │ x;y │   │ 1 │ 2.5 │ 3 │
└───┴─────┴─────┴───┴───┴─────┴───┘
┌─────┐
│  a  │
├─────┤
│ one │
└─────┘
┌───────┬──────┐
│   d   │  e   │
├───────┼──────┤
│ a ; b │ it's │
└───────┴──────┘
┌─────┐
│ esc │
├─────┤
│ ';  │
└─────┘
<stdin>:7: column "nosuch" does not exist
┌───────┐
│ still │
├───────┤
│     1 │
└───────┘
OUT
is_file want out "prompt SQL: typed cells, statements cut outside quotes, dollar quotes and comments, the server's message"

# whole numerics beyond 64 bits come back as floats, as SQLite gives
# them, not clipped to INT64_MAX/MIN; the edges themselves stay integers
"$CWSH" "$DB" -csv "SELECT 1e300 AS e, 12345678901234567890123::numeric AS n, sum(x) AS s, -1e20 AS neg,
    9223372036854775807::numeric AS mx, -9223372036854775808::numeric AS mn
    FROM (VALUES (9223372036854775807::bigint), (1::bigint)) t(x)" >out 2>&1
"$CWSH" -csv "lua print(db.one('SELECT sum(x) AS s FROM (VALUES (9223372036854775807::bigint), (1::bigint)) t(x)').s)" --db "$DB" >>out 2>&1
printf 'e,n,s,neg,mx,mn\r\n1.0e+300,1.2345678901234568e+22,9.223372036854776e+18,-1.0e+20,9223372036854775807,-9223372036854775808\r\n9.2233720368548e+18\n' >want
is_file want out "numeric beyond int64: a float as on SQLite, never clipped (prompt SQL and db.one)"

# the db module: placeholders (? and :name) become $n, NULL is db.null,
# db.exec gives the INSERT's id, db.tx rolls back on error and nests
cat >in.cwsh <<'LUA'
lua local _, id = db.exec("INSERT INTO unit(name, kind) VALUES (?, ?)", "测试所", db.null); print(id, db.one("SELECT kind FROM unit WHERE id = ?", id).kind == db.null)
lua print(db.one("SELECT :a::int + :a::int AS x, ? || '' AS y", { a = 2, [2] = "z" }).x)
lua print(pcall(db.tx, function() db.exec("INSERT INTO unit(name) VALUES ('甲所')"); error("stop", 0) end))
lua db.tx(function() db.exec("INSERT INTO unit(name) VALUES ('乙所')"); pcall(db.tx, function() db.exec("INSERT INTO unit(name) VALUES ('丙所')"); error("inner") end) end)
SELECT name FROM unit ORDER BY id;
lua print(pcall(db.one, "SELECT ?", 1, 2))
LUA
"$CWSH" "$DB" <in.cwsh >out 2>&1
cat >want <<'OUT'
1	true
4
false	stop
┌────────┐
│  name  │
├────────┤
│ 测试所 │
│ 乙所   │
└────────┘
false	the SQL has 1 parameter, 2 values given (in: SELECT ?)
OUT
is_file want out "db module: placeholders, db.null, insert ids, transactions and savepoints"

# an INSERT into a table without an id sequence gives id 0 without a
# lastval() round trip (not the last id another table's sequence gave);
# the answer per table is cached until a statement may change tables:
# the same name made again with a sequence gives its ids, by db.exec or
# at the prompt
cat >in.cwsh <<'LUA'
lua db.exec("CREATE TEMP TABLE w(a INTEGER)"); print(select(2, db.exec("INSERT INTO unit(name) VALUES ('丁所')")), select(2, db.exec("INSERT INTO w VALUES (1)")), select(2, db.exec("INSERT INTO w VALUES (2)")))
lua db.exec("DROP TABLE w"); db.exec("CREATE TEMP TABLE w(id BIGSERIAL, a INTEGER)"); print(select(2, db.exec("INSERT INTO w(a) VALUES (1)")), select(2, db.exec("INSERT INTO w(a) VALUES (2)")))
DROP TABLE w; CREATE TEMP TABLE w(a INTEGER);
lua print(select(2, db.exec("INSERT INTO w VALUES (1)")))
CREATE TEMP TABLE w2(id INTEGER GENERATED ALWAYS AS IDENTITY, a INTEGER);
lua print(select(2, db.exec("INSERT INTO w2(a) VALUES (1)")), select(2, db.exec("INSERT INTO w2(a) VALUES (1)")))
LUA
L0=$(wc -l <"$PGDIR/server.log")
PGOPTIONS="-c log_statement=all" "$CWSH" "$DB" <in.cwsh >out 2>&1
cat >want <<'OUT'
5	0	0
1	2
0
1	2
OUT
is_file want out "db.exec's id: 0 for a table without a sequence, the sequence's id for one, the cache renewed when tables change"
is 5 "$(tail -n +"$L0" "$PGDIR/server.log" | grep -c 'lastval()')" "lastval() asked only after the INSERTs into tables with a sequence"

# hundreds of values in one statement (the ledger's snapshot rows go 200
# at a time): each value's text waits on the Lua stack, which must have
# room for them all; the session then ends cleanly (it corrupted the
# heap and aborted at exit)
cat >many.lua <<'EOT'
db.exec("CREATE TEMP TABLE many(a INTEGER, b TEXT)")
local tuples, args, pos = {}, {}, {}
for i = 1, 300 do
  tuples[i] = ("(:a%d, :b%d)"):format(i, i)
  args["a" .. i], args["b" .. i] = i, "值" .. i
end
db.exec("INSERT INTO many VALUES " .. table.concat(tuples, ", "), args)
for i = 1, 400 do pos[i] = i; tuples[i] = "?" end
local r = db.one("SELECT count(*) AS n, sum(a) AS s, max(b) AS b FROM many WHERE a IN (" .. table.concat(tuples, ", ", 1, 400) .. ")",
  table.unpack(pos))
print(r.n, r.s, r.b)
EOT
"$CWSH" "$DB" -c 'lua dofile("many.lua")' >out 2>&1
is "0:300	45150	值99" "$?:$(cat out)" "300 named and 400 positional values in one statement, and a clean exit"

# two cwsh starting at once on a new database: one migrates, both work
DB2=$(pg_newdb s2)
for i in 1 2 3 4; do "$CWSH" "$DB2" -c "SELECT count(*) AS n FROM item" -csv >"o$i" 2>&1 & done
wait
cat o1 o2 o3 o4 | sort | uniq -c | sed 's/^ *//' | tr -d '\r' >out
printf '4 37\n4 n\n' >want
is_file want out "four sessions starting at once on an empty database all open it"
is "$(pg_sql 'SELECT count(*), max(version) FROM cwsh_schema' s2)" "1|$(pg_sql 'SELECT version FROM cwsh_schema' s1)" \
    "and the schema version is recorded once"

# a newer schema is refused untouched
pg_sql "UPDATE cwsh_schema SET version = 99" s2
"$CWSH" "$DB2" -c "SELECT 1" >out 2>&1
is 1 "$?" "a database of a newer cwsh: exit code 1"
v=$(pg_sql 'SELECT version FROM cwsh_schema' s1)
echo "cwsh: database 'postgresql://cwsh@/s2?host=$PGDIR' was made by a newer cwsh (schema version 99, this cwsh knows $v)" >want
is_file want out "is refused, naming both versions"

# no server there; a password in the string is not shown
"$CWSH" "postgresql://cwsh:secret@/nosuch?host=$T" -c "SELECT 1" >out 2>&1
is 1 "$?" "no server: exit code 1"
grep -q "^cwsh: cannot open database 'postgresql://cwsh:\*\*\*@/nosuch?host=$T': connection to server on socket" out
is 0 "$?" "the message names the database, password hidden, and what libpq said"

# every place that shows the connection string hides its password, in
# each form libpq takes one (the server trusts the socket, so any
# password connects): .show, .dbinfo, .backup's hint, and the sqlite
# store's refusal when no postgres plugin is loaded
"$CWSH" "postgresql://cwsh:s3cretpw@/s1?host=$PGDIR" .show >out 2>&1
"$CWSH" "postgres:dbname=s1 password = s3cretpw host=$PGDIR" .show >>out 2>&1
"$CWSH" "postgres:dbname=s1 password='s3 cret' host=$PGDIR" .show >>out 2>&1
"$CWSH" "postgres:dbname=s1 password=s3\\ cret host=$PGDIR" .show >>out 2>&1
"$CWSH" -csv "postgresql:///s1?password=s3cret&host=$PGDIR" .dbinfo ".backup x.dump" >>out 2>&1
mkdir noplug && cp "$BUILD/plugins/sqlite.so" noplug/
"$CWSH" --plugins noplug "postgresql://cwsh:s3cretpw@/s1?host=$PGDIR" .show >>out 2>&1
grep -n 's3' out | diag
is 0 "$(grep -c 's3' out)" "no password shown in .show, .dbinfo, .backup or the sqlite store's refusal"
grep -e '^ *db:' -e '^database,' -e 'pg_dump -Fc' -e 'sqlite store' out >got
cat >want <<OUT
        db: postgresql://cwsh:***@/s1?host=$PGDIR
        db: postgres:dbname=s1 password = *** host=$PGDIR
        db: postgres:dbname=s1 password=*** host=$PGDIR
        db: postgres:dbname=s1 password=*** host=$PGDIR
database,postgresql:///s1?password=***&host=$PGDIR\r
cwsh: the postgres store keeps no file to copy: back the server's database up with pg_dump (pg_dump -Fc -f 'x.dump' 'postgresql:///s1?password=***&host=$PGDIR')
cwsh: cannot open database 'postgresql://cwsh:***@/s1?host=$PGDIR': the sqlite store opens a file (PATH or sqlite:PATH), not a 'postgresql' server
OUT
sed -i 's/\\r$/\r/' want
is_file want got "... each password as ***, the rest of the string as typed (the host too)"
# libpq's own reason may quote the string it cannot parse, or the
# password's token it cannot decode: hidden there too
"$CWSH" 'postgresql://u:s3cretpw@[::1/db' -c .quit >out 2>&1
"$CWSH" 'postgresql://u:s3cr%zzpw@h/db' -c .quit >>out 2>&1
"$CWSH" "postgres:host=$T password=s3cr%zzpw user=x\\" -c .quit >>out 2>&1
cat >want <<OUT
cwsh: cannot open database 'postgresql://u:***@[::1/db': end of string reached when looking for matching "]" in IPv6 host address in URI: "postgresql://u:***@[::1/db"
cwsh: cannot open database 'postgresql://u:***@h/db': invalid percent-encoded token: "***"
OUT
head -2 out >got
is_file want got "libpq's reasons quoting the URI or the password's token show it as ***"
is 0 "$(grep -c 's3' out)" "... and no password in any of libpq's reasons"
# .dump, sqlite3's habit: on the server it points to pg_dump, as .backup does
"$CWSH" "$DB" .dump ".dump market" >out 2>&1
cat >want <<OUT
cwsh: the postgres store has no .dump: pg_dump writes the server's database as SQL (pg_dump -f 'FILE.sql' '$DB')
cwsh: the postgres store has no .dump: pg_dump writes a table as SQL (pg_dump -t 'market' -f 'FILE.sql' '$DB')
OUT
is_file want out ".dump on the server: the pg_dump command to use, not 'unknown command'"
# a lost connection: the session's backend ended between two commands.
# The next command finds it, reconnects once, says so and runs; when the
# user had a transaction open it says the transaction is lost and runs
# nothing (its statements would each commit on their own).
DBR=$(pg_newdb s3)
"$CWSH" "$DBR" .quit >/dev/null 2>&1
# end_backend QUERY STATE: once the session has run QUERY (LIKE) and is
# in STATE, end its backend and wait until it is gone
end_backend() {
    i=0
    until [ "$(pg_sql "SELECT count(*) FROM pg_stat_activity WHERE datname = 's3' AND application_name = 'cwsh' AND query LIKE '$1' AND state = '$2'")" = 1 ] \
          || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
    pg_sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 's3' AND application_name = 'cwsh'" >/dev/null
    i=0
    until [ "$(pg_sql "SELECT count(*) FROM pg_stat_activity WHERE datname = 's3' AND application_name = 'cwsh'")" = 0 ] \
          || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
}
mkfifo in.fifo
"$CWSH" -batch -csv "$DBR" <in.fifo >lost.out 2>lost.err & pid=$!
exec 3>in.fifo
echo "SELECT 1 AS a;" >&3
end_backend 'SELECT 1 AS a%' idle
printf '%s\n' "SELECT 2 AS b;" "BEGIN;" "INSERT INTO unit(name, kind) VALUES ('断线所', NULL);" >&3
end_backend 'INSERT INTO unit%' 'idle in transaction'
printf '%s\n' "SELECT 3 AS c;" "SELECT count(*) AS n FROM unit WHERE name = '断线所';" >&3
exec 3>&-
wait $pid
printf 'a\r\n1\r\nb\r\n2\r\nn\r\n0\r\n' >want
is_file want lost.out "a lost connection: the next command reconnects and runs; in a lost transaction nothing runs"
cat >want <<'OUT'
the connection to the server was lost; reconnected
<stdin>:5: the connection to the server was lost, and the open transaction with it (its changes are gone); reconnected, this command was not run
OUT
is_file want lost.err "... and each time says so"
cleanup_scratch
done_testing
