#!/bin/sh
# pg-import.t — imports on the postgres store (scratch server,
# tests/pg.sh): the same rows and scores as on SQLite, a file imported
# once (refused by its hash, --replace swaps), a bad file rejected whole
# with its rejects file, Ctrl-C cancelling a long statement on the server,
# two sessions importing the same file at once (one imports, the other is
# told), and sessions importing different stations' files while others
# score, with correct totals.
. tests/lib.sh
. tests/pg.sh
pg_need
pg_start
scratch
GEN="$BUILD/gen/gen"
"$GEN" --scale demo >demo.csv 2>/dev/null
DB=$(pg_newdb i1)
COUNTS="SELECT (SELECT count(*) FROM import) AS imports, (SELECT count(*) FROM market) AS markets, (SELECT count(*) FROM inspection) AS inspections, count(*) AS results, sum(deduction) AS lost FROM result"

"$CWSH" "$DB" "import demo.csv --add-markets" >out 2>&1
is 0 "$?" "an import into the server"
"$CWSH" demo.db "import demo.csv --add-markets" >/dev/null 2>&1
"$CWSH" -csv "$DB" "$COUNTS" >pg.counts 2>&1
"$CWSH" -csv demo.db "$COUNTS" >sqlite.counts 2>&1
printf 'imports,markets,inspections,results,lost\r\n1,5,55,2035,432.0\r\n' >want
is_file want pg.counts "its rows: one import, 5 markets, 55 inspections, 2,035 results"
is_file sqlite.counts pg.counts "the same as the same file into SQLite"
"$CWSH" -csv "$DB" "score 2027-01" >pg.score 2>&1
"$CWSH" -csv demo.db "score 2027-01" >sqlite.score 2>&1
is_file sqlite.score pg.score "scoring on the server: the same table as on SQLite"
"$CWSH" -csv "$DB" "explain M0003 2027-01" >pg.explain 2>&1
"$CWSH" -csv demo.db "explain M0003 2027-01" >sqlite.explain 2>&1
is_file sqlite.explain pg.explain "and the same explain"

# once: the same bytes again are refused, --replace swaps them
"$CWSH" "$DB" "import demo.csv --add-markets" >out 2>&1
is 1 "$?" "the same file again: exit code 1"
at=$(pg_sql "SELECT imported_at FROM import" i1)
grep -qx "cwsh: file already imported: import #1 (demo.csv, $at); use --replace to swap its rows" out
is 0 "$?" "refused by its hash, naming the earlier import"
"$CWSH" "$DB" "import demo.csv --replace" >/dev/null 2>&1
"$CWSH" demo.db "import demo.csv --replace" >/dev/null 2>&1
is "$(pg_sql "SELECT string_agg(id::text, ','), (SELECT count(*) FROM inspection), (SELECT count(*) FROM result) FROM import" i1)" \
    "2|55|2035" "--replace: import #2 holds the rows, #1 is gone"

# a bad row: nothing imported, the rows in the rejects file
sed '5s/,督查,/,巡查,/' demo.csv >bad.csv
"$CWSH" "$DB" "import bad.csv" >out 2>&1
is 1 "$?" "a file with a bad row: exit code 1"
"$CWSH" -csv "$DB" "$COUNTS" >after 2>&1
printf 'imports,markets,inspections,results,lost\r\n1,5,55,2035,432.0\r\n' >want
is_file want after "nothing of it is imported"
mv bad.csv.rejects.csv pg.rejects.csv
"$CWSH" demo.db "import bad.csv" >/dev/null 2>&1
is_file bad.csv.rejects.csv pg.rejects.csv "the rejects file is the one SQLite's import writes"

# Ctrl-C during a long statement: the server cancels it (PQcancel)
printf 'SELECT 1 AS before;\nSELECT pg_sleep(30);\nSELECT 2 AS after;\n' >sleep.cwsh
"$CWSH" -batch "$DB" <sleep.cwsh >out 2>&1 &
pid=$!
i=0
until [ "$(pg_sql "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%' AND state = 'active'")" = 1 ] \
      || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -INT "$pid"
wait "$pid"
is 1 "$?" "Ctrl-C: exit code 1"
tail -1 out >last
echo '<stdin>:2: interrupted' >want
is_file want last "the statement is interrupted and the script stops there"
is "$(pg_sql "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%' AND state = 'active'")" 0 \
    "and the server no longer runs it"

# Ctrl-C while the server copies a big import's item results into
# the schema: the server cancels the COPY, nothing of the import remains
"$GEN" --scale city >city.csv 2>/dev/null
DB4=$(pg_newdb i4)
"$CWSH" "$DB4" "import city.csv --add-markets" >out 2>&1 &
pid=$!
i=0
until [ "$(pg_sql "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY result%' AND state = 'active'")" = 1 ] \
      || [ $i -ge 400 ]; do sleep 0.02; i=$((i + 1)); done
kill -INT "$pid"
wait "$pid"
is 1 "$?" "Ctrl-C during the COPY: exit code 1"
# during the parse the csv source says so; after it, during the last COPY, the load does
tail -1 out | sed 's/; nothing imported$//' >last
echo 'cwsh: import interrupted' >want
is_file want last "the import says it was interrupted"
is "0|0|0|0" "$(pg_sql "SELECT (SELECT count(*) FROM import), (SELECT count(*) FROM market), (SELECT count(*) FROM inspection), (SELECT count(*) FROM result)" i4)" \
    "and left nothing: no import, market, inspection or result"
is 0 "$(pg_sql "SELECT count(*) FROM pg_stat_activity WHERE datname = 'i4' AND state = 'active'")" "the server runs nothing of it"

# a station's role, with the README's grants and owning no table: its
# import analyses nothing (the server would skip each table with a
# warning on the screen), the owner's still does
DB5=$(pg_newdb i5)
"$CWSH" "$DB5" .quit >/dev/null 2>&1                  # the owner makes the schema
pg_sql "CREATE ROLE 城东所 LOGIN" >/dev/null
pg_sql "GRANT CONNECT, TEMPORARY ON DATABASE i5 TO 城东所;
GRANT USAGE ON SCHEMA public TO 城东所;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO 城东所;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO 城东所;" i5 >/dev/null
"$CWSH" "postgres:dbname=i5 user=城东所 host=$PGDIR" "import demo.csv --add-markets" "score 2027-01" >station.out 2>&1
is 0 "$?" "a station's role imports and scores"
grep -v -e '^mapping: ' -e '^added 5 markets' -e '^imported 55 ' -e '^opened 267 findings' -e '^warning: deadlines in 2027 are on a provisional calendar' \
    -e '^[┌├│└]' station.out >extra
is_file /dev/null extra "and is shown no server warning (no 'skipping ... only table or database owner can analyze it')"
is "$(pg_sql "SELECT count(*) FROM pg_stat_user_tables WHERE relname IN ('inspection', 'result') AND last_analyze IS NOT NULL" i5)" 0 \
    "its import analysed nothing"
is "$(pg_sql "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'inspection' AND last_analyze IS NOT NULL" i1)" 1 \
    "the owner's import analyses inspection"

# two sessions import the same file at once: one imports, one is told
"$GEN" --scale demo --seed 7 >same.csv 2>/dev/null
DB2=$(pg_newdb i2)
"$CWSH" "$DB2" "import same.csv --add-markets" >a.out 2>&1 & pa=$!
"$CWSH" "$DB2" "import same.csv --add-markets" >b.out 2>&1 & pb=$!
wait $pa; ra=$?
wait $pb; rb=$?
is "$(echo $ra $rb | tr ' ' '\n' | sort | tr '\n' ' ')" "0 1 " "the same file twice at once: one succeeds, one fails"
cat a.out b.out | grep -c "^cwsh: file already imported: import #1 (.*); use --replace to swap its rows$" >told
echo 1 >want
is_file want told "the other is told the file is imported"
"$CWSH" same.db "import same.csv --add-markets" >/dev/null 2>&1
is "1|$(sqlite3 same.db 'SELECT count(*) FROM inspection')" "$(pg_sql "SELECT count(*), (SELECT count(*) FROM inspection) FROM import" i2)" \
    "the rows are there once"

# two sessions importing different files that name the same new market
# at once, --add-markets: the register gets it once, and only the session
# whose INSERT put it there says it added it (ON CONFLICT DO NOTHING
# RETURNING); the other's rows go to the same market.  A few rounds, each
# with a fresh code, since the two must overlap to race.
DB6=$(pg_newdb i6)
"$CWSH" "$DB6" "import demo.csv --add-markets" >/dev/null 2>&1     # the register
told="" rows=""
for r in 1 2 3 4 5; do
    sed "s/2027/20${r}1/g; s/M0003/M9${r}01/g; s/解放市场/新市场$r/g" demo.csv >"a-$r.csv"
    sed "s/2027/20${r}3/g; s/M0003/M9${r}01/g; s/解放市场/新市场$r/g" demo.csv >"b-$r.csv"
    "$CWSH" "$DB6" "import a-$r.csv --add-markets" >"a-$r.out" 2>&1 & pa=$!
    "$CWSH" "$DB6" "import b-$r.csv --add-markets" >"b-$r.out" 2>&1 & pb=$!
    wait $pa; wait $pb
    told="$told $(cat "a-$r.out" "b-$r.out" | grep -c "^added 1 market to the register: M9${r}01 新市场$r (城南所)$")"
    rows="$rows $(pg_sql "SELECT count(*) FROM market WHERE code = 'M9${r}01'" i6)"
done
is " 1 1 1 1 1" "$rows" "the same new market named by two imports at once: one row in the register, each round"
is " 1 1 1 1 1" "$told" "and only the session that inserted it says it added it"
is "10|550|10" "$(pg_sql "SELECT count(DISTINCT import_id), count(*), (SELECT count(*) FROM market) FROM inspection WHERE import_id > 1" i6)" \
    "both imports of each round put their rows in, under the one market"
# four stations' files imported at once while two sessions score
DB3=$(pg_newdb i3)
"$CWSH" "$DB3" "import demo.csv --add-markets" >/dev/null 2>&1     # the register
"$CWSH" "$DB3" "imports undo 1" >/dev/null 2>&1
pids=""
for u in 城南所 城东所 城西所 城北所; do
    "$GEN" --scale demo --unit "$u" >"u-$u.csv" 2>/dev/null
done
for u in 城南所 城东所 城西所 城北所; do
    "$CWSH" "$DB3" "import u-$u.csv" >"imp-$u.out" 2>&1 & pids="$pids $!"
done
for k in 1 2; do "$CWSH" "$DB3" "score 2027-02" >"score-$k.out" 2>&1 & pids="$pids $!"; done
fails=0
for p in $pids; do wait "$p" || fails=$((fails + 1)); done
# a scoring session may find no inspections yet; the imports must all pass
is "$(cat imp-*.out | grep -c '^imported ')" 4 "four concurrent imports of different stations' files all succeed"
"$CWSH" -csv "$DB3" "$COUNTS" >after 2>&1
sed 1d after | cut -d, -f2- >totals
printf '5,55,2035,432.0\r\n' >want
is_file want totals "together they hold the whole file's rows (55 inspections, 2,035 results)"
"$CWSH" -csv "$DB3" "score 2027-01" >pg3.score 2>&1
is_file sqlite.score pg3.score "and score as the whole file does"
# and their ledgers as the whole file's: no session took another's
# findings for a replaced import's (each market is one station's, so the
# rechecks are the same)
LEDGER="SELECT status, count(*) AS n FROM finding WHERE status <> '已撤销' GROUP BY status ORDER BY status"
"$CWSH" -csv demo.db "$LEDGER" >sqlite.ledger 2>&1
"$CWSH" -csv "$DB3" "$LEDGER" >pg3.ledger 2>&1
is_file sqlite.ledger pg3.ledger "and their findings are the whole file's, status by status"

# four sessions scoring the same month at once, three times: each one
# replaces the month's scores whole (two of them once both deleted, and
# the second's insert failed on the first's rows)
pids=""
for k in 1 2 3 4; do
    ( for r in 1 2 3; do "$CWSH" "$DB3" "score 2027-01" >/dev/null 2>"same-$k-$r.err" || echo "$k/$r" >>same.failed; done ) &
    pids="$pids $!"
done
for p in $pids; do wait "$p"; done
is "" "$(cat same.failed 2>/dev/null; cat same-*.err)" "concurrent scorings of one month all succeed"
"$CWSH" -csv "$DB3" "score 2027-01" >pg4.score 2>&1
is_file sqlite.score pg4.score "and leave the month's scores as one scoring does"
cleanup_scratch
done_testing
