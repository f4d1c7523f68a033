#!/bin/sh
# The benchmark's own checks at demo scale (issue 6): bench.sh runs end to
# end; the row counts of cwsh's import, sqlite3's .import and the floor are
# identical; cwsh's stored scores equal score.sql's; the results CSV has
# every measurement.  No timing is asserted.
. tests/lib.sh
scratch
export BENCH_OUT="$T/out" BENCH_RUNS=3 BENCH_REPS=2
(cd "$ROOT" && sh scripts/bench/bench.sh "$BUILD" demo) >log 2>&1
rc=$?
is 0 "$rc" "bench.sh demo exits 0"
[ "$rc" -eq 0 ] || diag <log

grep '^check: ' log | sed 's/ (.*//' >checks
cat >want <<'EOF'
check: rows in sqlite3's plain table: ok
check: result rows written by the floor: ok
check: inspections written by the floor: ok
check: result rows imported by cwsh: ok
check: inspections imported by cwsh: ok
check: markets added by cwsh: ok
check: cwsh's rows equal the floor's rows: ok
check: no finding opened without the ledger: ok
check: the ledger's rows written alone: ok
check: market-months scored by cwsh and by score.sql: ok
check: cwsh's scores identical to score.sql's: ok
check: query: one market's results for a month: same rows from cwsh and sqlite3: ok
check: query: all markets' monthly scores: same rows from cwsh and sqlite3: ok
check: query: open ledger by station: same rows from cwsh and sqlite3: ok
EOF
is_file want checks "every check ran and passed"
is "check: rows in sqlite3's plain table: ok (2035)" "$(grep "plain table" log)" "demo: 2,035 item rows"
is "check: market-months scored by cwsh and by score.sql: ok (15)" "$(grep "market-months" log)" \
    "demo: 5 markets x 3 months scored"

cut -d, -f1 "$BENCH_OUT/results-demo.csv" >whats
cat >want <<'EOF'
what
generate: 5 markets; 55 inspections
import vs sqlite3 .import (2.5x its rows/s)
import vs floor
import with the ledger (267 findings) vs without
the ledger's time (import with it minus without) vs sqlite3 writing its rows alone
score every month
query: one market's results for a month
query: all markets' monthly scores
query: open ledger by station
ledger --overdue on 2027-03-30 (26 findings)
explain one market for one month
notice 2027-B1 (html; whole process)
notice 2027-B1 (xlsx; whole process)
EOF
# the browser's row when chromium and pdfinfo are there (make test installs them)
if command -v chromium >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1; then
    echo "notice 2027-B1 in chromium: load and print to PDF" >>want
fi
echo "start-up: cwsh -c .quit (median of 3)" >>want
is_file want whats "results-demo.csv has every measurement"
is 0 "$(awk -F, 'NR > 1 && $1 !~ /^generate/ && $2 == ""' "$BENCH_OUT/results-demo.csv" | wc -l | tr -d ' ')" \
    "every measurement has a cwsh time"
if grep -q '^| what | cwsh | reference | ratio | target | rows/s | peak RSS' log; then ok "the table is printed"
else not_ok "the table is printed"; fi

# The checks can fail: a score.sql that disagrees must be caught.
mkdir -p fake/scripts/bench
cp "$ROOT"/scripts/bench/*.sql "$ROOT"/scripts/bench/bench.sh fake/scripts/bench/
sed -i 's/100\.0 - /99.0 - /' fake/scripts/bench/score.sql
(cd fake && BENCH_OUT="$T/out2" sh scripts/bench/bench.sh "$BUILD" demo) >log2 2>&1
rc=$?
is 1 "$rc" "a wrong reference makes bench.sh fail"
is "check: cwsh's scores identical to score.sql's: FAILED" "$(grep "identical to score" log2 | sed 's/ (.*//')" \
    "the score comparison reports the difference"

cleanup_scratch
done_testing
