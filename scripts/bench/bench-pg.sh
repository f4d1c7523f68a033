#!/bin/sh
# bench-pg.sh BUILD SCALE — the postgres store's benchmarks (issue 16), run
# by `make bench BENCH_STORE=postgres [BENCH_SCALE=...]` on a scratch
# server (tests/pg.sh: initdb + pg_ctl on a Unix socket, fsync off, as the
# tests run it), side by side with the sqlite store:
#
#   import     cwsh `import --add-markets` into the server, without and
#              with the problem ledger opening its findings, vs `psql
#              \copy` of the same file into one plain table of TEXT
#              columns (medians of BENCH_IMPORT_RUNS, 3), and vs cwsh into
#              SQLite
#   score      `score --year-by-month YEAR` on the server vs on SQLite
#              (the two tables must be identical)
#   sessions   the same jobs (the stations' files of gen --unit, up to 6
#              imports, and a year scoring for each of the rest of 8
#              sessions) by one session one after the other, then each in
#              its own session all at once; then the imports at once while
#              the scorers score the year over and over: rows per second
#              of each, and the totals checked
#
# Prints a table and writes it as CSV to BUILD/bench/results-pg-SCALE.csv.
set -u
BUILD=${1:-build}
SCALE=${2:-city}
ROOT=$(pwd)
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
OUT=${BENCH_OUT:-$BUILD/bench}
W="$OUT/pg-$SCALE"
CWSH="$BUILD/cwsh"
GEN="$BUILD/gen/gen"
SESSIONS=${BENCH_SESSIONS:-8}
CSV="$OUT/results-pg-$SCALE.csv"
case "$SCALE" in demo|city|province) ;; *) echo "bench: BENCH_STORE=postgres takes BENCH_SCALE demo, city or province" >&2; exit 2 ;; esac
. "$ROOT/tests/pg.sh"
for f in "$PGBIN/initdb" "$PGBIN/pg_ctl" "$PGBIN/psql"; do
    [ -x "$f" ] || { echo "bench: '$f' is missing (Debian package postgresql-15)" >&2; exit 2; }
done
[ -f "$BUILD/plugins/postgres.so" ] || { echo "bench: the postgres plugin was not built (libpq-dev)" >&2; exit 2; }

rm -rf "$W"
mkdir -p "$W/home"
export HOME="$W/home" CWSH_INIT= CWSH_HISTORY= NO_COLOR=1 LC_ALL=C.UTF-8 TZ=UTC
unset CWSH_DB
cd "$W" || exit 2
FAILED=0
check() { if [ "$2" = "$3" ]; then printf "check: %s: ok (%s)\n" "$1" "$3"; else printf "check: %s: FAILED (expected %s, got %s)\n" "$1" "$2" "$3"; FAILED=1; fi; }
now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
# timed VAR CMD...: run CMD (output to $W/last.out, .err), wall seconds into VAR
timed() {
    _v=$1; shift
    _a=$(now)
    "$@" >last.out 2>last.err || { echo "bench: '$*' failed:" >&2; tail -5 last.err >&2; FAILED=1; }
    eval "$_v=$(secs "$_a" "$(now)")"
}
echo "what,postgres_s,reference,reference_s,ratio,rows,postgres_rows_per_s" >"$CSV"
row() {   # row WHAT PG_S REFERENCE REF_S ROWS
    awk -v w="$1" -v p="$2" -v ref="$3" -v r="$4" -v n="$5" 'BEGIN {
        printf "%s,%s,%s,%s,%s,%s,%s\n", w, p, ref, r, (r > 0 ? sprintf("%.2f", p / r) : ""), n,
            (n != "" && p > 0 ? sprintf("%.0f", n / p) : "") }' >>"$CSV"
}

"$GEN" --scale "$SCALE" --stats >all.csv 2>gen.err || exit 1
ROWS=$(awk '/rows$/ { print $(NF - 1) }' gen.err)
UNITS=$(awk -F, 'NR > 1 { print $5 }' all.csv | sort -u | head -n 6)
NU=$(echo "$UNITS" | wc -l)
i=0
for u in $UNITS; do i=$((i + 1)); "$GEN" --scale "$SCALE" --unit "$u" >"unit$i.csv" 2>/dev/null; done
UNIT_ROWS=$(cat unit*.csv | awk -F, '$1 != "inspection_id"' | wc -l)
YEAR=$(awk -F, 'NR == 2 { print substr($2, 1, 4) }' all.csv)
echo "bench: $SCALE, $ROWS rows; $NU stations' files ($UNIT_ROWS rows) for the sessions"

pg_start
COLS="inspection_id text, date text, market_code text, market_name text, unit text, inspector text, kind text, item_code text, result text, deduction text, count text, note text"

# ------------------------------------------------------------- import
# The import opens the problem ledger's findings after it commits (the
# after-import event): the same import with a rules copy whose
# rules/ledger.lua opens and rechecks nothing gives the import alone,
# which is what \copy into a plain table compares with.  Each pair runs
# IMPORT_RUNS times in turn (a fresh database each), medians shown.
RULES_DIR=$("$CWSH" -c "lua io.write(cwsh.rules_dir)" 2>/dev/null)
rm -rf rules-noledger
cp -r "$RULES_DIR" rules-noledger
grep -v '^opens\|^recheck' "$RULES_DIR/ledger.lua" >rules-noledger/ledger.lua
printf 'opens {}\nrecheck { kinds = {} }\n' >>rules-noledger/ledger.lua
IMPORT_RUNS=${BENCH_IMPORT_RUNS:-3}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
pg_sql "CREATE DATABASE plain" >/dev/null
pg_sql "CREATE TABLE plain($COLS)" plain >/dev/null
: >t_pg; : >t_bare; : >t_copy
for k in $(seq 1 "$IMPORT_RUNS"); do
    DB=$(pg_newdb imp)
    "$CWSH" "$DB" .quit >/dev/null 2>&1          # the schema, made before the clock starts
    timed T "$CWSH" "$DB" "import all.csv --add-markets"; echo "$T" >>t_pg
    DBB=$(pg_newdb bare)
    "$CWSH" "$DBB" .quit >/dev/null 2>&1
    timed T "$CWSH" -rules rules-noledger "$DBB" "import all.csv --add-markets"; echo "$T" >>t_bare
    pg_sql "TRUNCATE plain" plain >/dev/null
    timed T "$PGBIN/psql" -X -q -d plain -c "\\copy plain FROM 'all.csv' WITH (FORMAT csv, HEADER)"; echo "$T" >>t_copy
done
T_PG=$(median <t_pg); T_BARE=$(median <t_bare); T_COPY=$(median <t_copy)
timed T_SQ "$CWSH" sqlite.db "import all.csv --add-markets"
check "rows on the server" "$ROWS" "$(pg_sql 'SELECT count(*) FROM result' imp)"
check "rows without the ledger" "$ROWS" "$(pg_sql 'SELECT count(*) FROM result' bare)"
check "no finding opened without the ledger" 0 "$(pg_sql 'SELECT count(*) FROM finding' bare)"
check "rows by \\copy" "$ROWS" "$(pg_sql 'SELECT count(*) FROM plain' plain)"
FINDINGS=$(pg_sql 'SELECT count(*) FROM finding' imp)
row "import without the ledger (postgres vs psql \\copy into a plain table)" "$T_BARE" "psql \\copy" "$T_COPY" "$ROWS"
row "import with the ledger's $FINDINGS findings (vs psql \\copy)" "$T_PG" "psql \\copy" "$T_COPY" "$ROWS"
row "import (postgres vs sqlite store; both open the ledger)" "$T_PG" "cwsh sqlite" "$T_SQ" "$ROWS"

# ------------------------------------------------------------- score
timed T_SCPG "$CWSH" -csv "$DB" "score --year-by-month $YEAR"
cp last.out score-pg.csv
timed T_SCSQ "$CWSH" -csv sqlite.db "score --year-by-month $YEAR"
check "year scores identical on both stores" "$(md5sum <last.out)" "$(md5sum <score-pg.csv)"
row "score --year-by-month $YEAR" "$T_SCPG" "cwsh sqlite" "$T_SCSQ" ""

# ------------------------------------------------------------- sessions
# a database with the register and nothing else, for each run
register() {
    d=$(pg_newdb "$1")
    "$CWSH" "$d" "import all.csv --add-markets" >/dev/null 2>&1 && "$CWSH" "$d" "imports undo 1" >/dev/null 2>&1
    echo "$d"
}
D1=$(register one)
SCORERS=$((SESSIONS - NU)); [ $SCORERS -lt 0 ] && SCORERS=0
a=$(now)
for k in $(seq 1 "$NU"); do "$CWSH" "$D1" "import unit$k.csv" >"one$k.out" 2>&1 || FAILED=1; done
b=$(now)
for s in $(seq 1 $SCORERS); do "$CWSH" "$D1" "score --year-by-month $YEAR" >"onescore$s.out" 2>&1 || FAILED=1; done
T_ONE=$(secs "$a" "$b"); T_ONE_ALL=$(secs "$a" "$(now)")
check "one session's totals" "$UNIT_ROWS" "$(pg_sql 'SELECT count(*) FROM result' one)"

# the same jobs, each in its own session, all at once
D8=$(register many)
a=$(now)
pids=""
for k in $(seq 1 "$NU"); do "$CWSH" "$D8" "import unit$k.csv" >"many$k.out" 2>&1 & pids="$pids $!"; done
for s in $(seq 1 $SCORERS); do "$CWSH" "$D8" "score --year-by-month $YEAR" >"manyscore$s.out" 2>&1 & pids="$pids $!"; done
for p in $pids; do wait "$p" || FAILED=1; done
T_MANY=$(secs "$a" "$(now)")
check "concurrent sessions' totals" "$UNIT_ROWS" "$(pg_sql 'SELECT count(*) FROM result' many)"

# the imports at once again, the scorers now scoring the year over and
# over until the last import ends: the imports' rows per second under a
# load that never lets up (on 2 cores the scorers take CPU the imports
# would have had)
DB8=$(register busy)
spids=""
for s in $(seq 1 $SCORERS); do
    ( while [ ! -f done ]; do "$CWSH" "$DB8" "score --year-by-month $YEAR" >/dev/null 2>&1; echo x; done >"scored$s" ) &
    spids="$spids $!"
done
a=$(now)
ipids=""
for k in $(seq 1 "$NU"); do "$CWSH" "$DB8" "import unit$k.csv" >"busy$k.out" 2>&1 & ipids="$ipids $!"; done
for p in $ipids; do wait "$p" || FAILED=1; done
T_BUSY=$(secs "$a" "$(now)")
touch done
for p in $spids; do wait "$p"; done
SCORES=$(cat scored* 2>/dev/null | wc -l)
check "busy sessions' totals" "$UNIT_ROWS" "$(pg_sql 'SELECT count(*) FROM result' busy)"
row "$NU stations' files one session after the other" "$T_ONE" "" "" "$UNIT_ROWS"
row "the same then $SCORERS year scorings (one session after the other)" "$T_ONE_ALL" "" "" "$UNIT_ROWS"
row "the same jobs by $SESSIONS concurrent sessions ($NU importing and $SCORERS scoring)" "$T_MANY" "one after the other" "$T_ONE_ALL" "$UNIT_ROWS"
row "the $NU files at once while $SCORERS sessions score the year over and over ($SCORES scorings)" "$T_BUSY" "one session" "$T_ONE" "$UNIT_ROWS"

echo
column -s, -t <"$CSV" 2>/dev/null || cat "$CSV"
awk -v one="$T_ONE_ALL" -v many="$T_MANY" -v o="$T_ONE" -v b="$T_BUSY" 'BEGIN {
    printf "\n%d sessions at once / one after the other, the same jobs, rows per second: %.2fx\n", '"$SESSIONS"', one / many
    printf "the imports at once under scorers that never stop / one session: %.2fx\n", o / b }'
cd "$ROOT"
exit $FAILED
