#!/bin/sh
# check-reliability.sh BUILD — allocation-failure sweep over an import.
#
# A fresh database is made; an import of a small fixture (2 inspections,
# 6 item results, 2 new markets) is first run once to count its
# allocations, then run again failing the Nth allocation
# (tests/faults/failmalloc.c, LD_PRELOAD) for RELIABILITY_RUNS values of N
# spread evenly over all of them (RELIABILITY_RUNS=all: every one).
# Each run must end with exit code 0 and the import stored whole, or
# exit code 1, a message on stderr and the database as before (its .dump
# digest); a signal (a crash) or anything else fails.  Output is TAP.
set -u
BUILD=${1:-build}
ROOT=$(pwd)
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
RUNS=${RELIABILITY_RUNS:-300}
SHIM="$BUILD/faults/failmalloc.so"
W=$(mktemp -d "${TMPDIR:-/tmp}/cwsh-rel.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
export HOME="$W/home" NO_COLOR=1 LC_ALL=C.UTF-8 TZ=UTC
mkdir -p home
cp "$ROOT/tests/fixtures/csv/long-en.csv" .
RULES="lua package.loaded.rules = dofile('$ROOT/tests/fixtures/csv/rules.lua')"
"$BUILD/cwsh" base.db -c 'SELECT 1' >/dev/null || { echo "not ok 1 - a fresh database"; exit 1; }
digest() { sqlite3 "$1" .dump | sha256sum | cut -d' ' -f1; }
count() { sqlite3 "$1" "SELECT (SELECT count(*) FROM inspection) || ' ' || (SELECT count(*) FROM market)"; }
base=$(digest base.db)
run() {   # run N: the import with allocation N failing (0: none)
    rm -f t.db-wal t.db-shm t.db-journal
    cp base.db t.db
    rm -f long-en.csv.rejects.csv
    FAILMALLOC_AT=$1 LD_PRELOAD="$SHIM" "$BUILD/cwsh" -bail t.db -c "$RULES" \
        -c 'import long-en.csv --add-markets' >out 2>err
}
FAILMALLOC_COUNT="$W/calls" run 0
rc=$?
want=$(count t.db)
total=$(cat calls 2>/dev/null || echo 0)
n=1
if [ "$rc" = 0 ] && [ "$total" -gt 0 ]; then echo "ok 1 - the import without failures: $total allocations, stores '$want' (inspections, markets)"
else echo "not ok 1 - the import without failures (exit $rc, $total allocations)"; sed 's/^/# /' err; exit 1; fi
[ "$RUNS" = all ] && RUNS=$total
step=$(( (total + RUNS - 1) / RUNS ))
[ "$step" -lt 1 ] && step=1
ok=0 failed=0 bad=0 i=1
while [ "$i" -le "$total" ]; do
    run "$i"
    rc=$?
    why=""
    if [ "$rc" = 0 ]; then
        [ "$(count t.db)" = "$want" ] || why="exit 0 but the database holds '$(count t.db)', not '$want'"
        [ -z "$why" ] && ok=$((ok + 1))
    elif [ "$rc" = 1 ]; then
        if ! [ -s err ]; then why="exit 1 with no message"
        elif [ "$(digest t.db)" != "$base" ]; then why="failed, and the database changed"
        else failed=$((failed + 1)); fi
    else
        why="exit $rc (a signal or an abort)"
    fi
    if [ -n "$why" ]; then
        bad=$((bad + 1)); n=$((n + 1))
        echo "not ok $n - allocation $i of $total failing: $why"
        sed 's/^/# /' err | tail -5
    fi
    i=$((i + step))
done
n=$((n + 1))
runs=$((ok + failed + bad))
if [ "$bad" = 0 ]; then echo "ok $n - $runs runs failing one of $total allocations (every ${step}th): $ok imported whole, $failed failed with a message and the database unchanged"
else echo "not ok $n - $runs runs failing one of $total allocations (every ${step}th): $bad went wrong"; fi
echo "1..$n"
[ "$bad" = 0 ]
