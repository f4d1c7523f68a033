#!/bin/sh
# check-reliability.sh BUILD — allocation-failure sweeps.
#
# Two runs of cwsh on a small database: an import of a fixture (2
# inspections, 6 item results, 2 new markets) into a fresh database, and
# a scoring run (score 2027-01, which stores 2 scores) on the imported
# one.  Each is run once to count its allocations, then again failing the
# Nth allocation (tests/faults/failmalloc.c, LD_PRELOAD) for
# RELIABILITY_RUNS values of N spread evenly over all of them
# (RELIABILITY_RUNS=all: every one).  Each run must end with exit code 0
# and its work stored whole, or exit code 1, a message on stderr and the
# database as before (its .dump digest); a signal (a crash) or anything
# else fails.  Output is TAP.
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
IMPORT='import long-en.csv --add-markets'
SCORE='score 2027-01'
n=0 fail=0
tap() { n=$((n + 1)); if [ "$1" = ok ]; then echo "ok $n - $2"; else fail=$((fail + 1)); echo "not ok $n - $2"; fi; }
digest() { sqlite3 "$1" .dump | sha256sum | cut -d' ' -f1; }
stored() { sqlite3 "$1" "SELECT (SELECT count(*) FROM inspection) || ' ' || (SELECT count(*) FROM market) || ' ' || (SELECT count(*) FROM score)"; }
run() {   # run DB CMD N: CMD on a copy of DB with allocation N failing (0: none)
    rm -f t.db-wal t.db-shm t.db-journal long-en.csv.rejects.csv
    cp "$1" t.db
    FAILMALLOC_AT=$3 LD_PRELOAD="$SHIM" "$BUILD/cwsh" -bail t.db -c "$RULES" -c "$2" >out 2>err
}
sweep() {   # sweep NAME DB CMD
    FAILMALLOC_COUNT="$W/calls" run "$2" "$3" 0
    rc=$?
    want=$(stored t.db)
    total=$(cat calls 2>/dev/null || echo 0)
    if [ "$rc" != 0 ] || [ "$total" = 0 ]; then
        tap not "$1 without failures (exit $rc)"; sed 's/^/# /' err; return
    fi
    tap ok "$1 without failures: $total allocations, stores '$want' (inspections, markets, scores)"
    base=$(digest "$2")
    runs=$RUNS; [ "$runs" = all ] && runs=$total
    step=$(( (total + runs - 1) / runs )); [ "$step" -lt 1 ] && step=1
    good=0 failed=0 bad=0 i=1
    while [ "$i" -le "$total" ]; do
        run "$2" "$3" "$i"
        rc=$?
        why=""
        if [ "$rc" = 0 ]; then
            [ "$(stored t.db)" = "$want" ] || why="exit 0 but the database holds '$(stored t.db)', not '$want'"
        elif [ "$rc" = 1 ]; then
            if ! [ -s err ]; then why="exit 1 with no message"
            elif [ "$(digest t.db)" != "$base" ]; then why="failed, and the database changed"; fi
        else
            why="exit $rc (a signal or an abort)"
        fi
        if [ -n "$why" ]; then bad=$((bad + 1)); tap not "$1, allocation $i of $total failing: $why"; sed 's/^/# /' err | tail -5
        elif [ "$rc" = 0 ]; then good=$((good + 1))
        else failed=$((failed + 1)); fi
        i=$((i + step))
    done
    all=$((good + failed + bad))
    if [ "$bad" = 0 ]; then tap ok "$1: $all runs failing one of $total allocations (every ${step}th): $good done whole, $failed failed with a message and the database unchanged"
    else tap not "$1: $all runs failing one of $total allocations: $bad went wrong"; fi
}
"$BUILD/cwsh" fresh.db -c 'SELECT 1' >/dev/null || { echo "not ok 1 - a fresh database"; exit 1; }
sweep import fresh.db "$IMPORT"
cp fresh.db imported.db
"$BUILD/cwsh" -bail imported.db -c "$RULES" -c "$IMPORT" >/dev/null 2>&1 || { tap not "the import for the score sweep"; }
sweep score imported.db "$SCORE"
echo "1..$n"
[ "$fail" = 0 ]
