#!/bin/sh
# check-concurrency.sh BUILD — several cwsh processes on one database.
#
# CONC_TRIALS (default 10) trials of each mix, all processes started
# together on a copy of a database that holds the markets and one
# import (city scale):
#   2: an import and a scoring run (a year by month)
#   2: two imports of different files
#   2: a long read (a query over every result, repeated) during an import
#   4: two imports, a scoring run and a long read
# Every process must exit 0 with no "database is locked" (nor busy) in its
# output, and the totals must be those of the same commands run one after
# the other.  Output is TAP.
TRIALS_NAME=conc . "$(dirname "$0")/trials.sh"
TRIALS=${CONC_TRIALS:-10}

cp -r "$ROOT/rules" r
for k in 督查 暗访 全面督查; do "$BUILD/gen/gen" --scale city --seed 1 --kind "$k" >"$k.csv"; done
# the whole register first, so that every order of the commands scores
# the same 300 markets
"$BUILD/gen/gen" --scale city --seed 1 --markets-register >register.csv
"$CWSH" --rules r base.db -c "markets import register.csv" -c "import 督查.csv" >/dev/null 2>&1 || tap not "the first import"
IMPORT1='import 暗访.csv'
IMPORT2='import 全面督查.csv'
SCORE='score --year-by-month 2027'
READ="SELECT count(*), sum(r.deduction) FROM result r JOIN inspection i ON i.id = r.inspection_id JOIN result r2 ON r2.inspection_id = r.inspection_id;"
totals() { sqlite3 "$1" "SELECT (SELECT count(*) FROM inspection) || ' ' || (SELECT count(*) FROM result) || ' ' || (SELECT count(*) FROM import) || ' ' || (SELECT count(*) FROM score)"; }

# run_serial CMD...: the totals of CMDs run one after the other
run_serial() {
    cp base.db e.db
    for c in "$@"; do "$CWSH" --rules r e.db -c "$c" >/dev/null 2>&1; done
    totals e.db
    rm -f e.db e.db-wal e.db-shm
}
# expected CMD...: every total the commands may leave when run at once:
# those of each order of a scoring run and the imports (a run scores the
# inspections it sees; each command is one transaction)
expected() {
    case $# in
        1) run_serial "$1" ;;
        2) run_serial "$1" "$2"; run_serial "$2" "$1" ;;
        3) run_serial "$1" "$2" "$3"; run_serial "$1" "$3" "$2"; run_serial "$2" "$3" "$1"
           run_serial "$3" "$1" "$2" ;;
    esac | sort -u
}

# mix NAME CMD...: TRIALS trials running CMDs at once; a CMD "read" is
# the long read
mix() {
    name=$1; shift
    # the scoring run last among the writes (expected orders it)
    sc=""; others=""
    for c in "$@"; do
        case "$c" in read) ;; score*) sc=$c ;; *) others="$others$c
" ;; esac
    done
    want=$(printf '%s' "$others" | { set --; while IFS= read -r c; do set -- "$@" "$c"; done; [ -n "$sc" ] && set -- "$@" "$sc"; expected "$@"; })
    bad=0 t=1 maxms=0
    while [ "$t" -le "$TRIALS" ]; do
        rm -f t.db t.db-wal t.db-shm out.*
        cp base.db t.db
        i=0 pids="" t0=$(date +%s%3N)
        for c in "$@"; do
            i=$((i + 1))
            if [ "$c" = read ]; then
                "$CWSH" --rules r t.db -c "$READ" -c "$READ" -c "$READ" >out.$i 2>&1 &
            else
                "$CWSH" --rules r t.db -c "$c" >out.$i 2>&1 &
            fi
            pids="$pids $!"
        done
        i=0 why=""
        for p in $pids; do
            i=$((i + 1))
            wait "$p"; rc=$?
            [ "$rc" = 0 ] || why="$why process $i exited $rc;"
        done
        ms=$(( $(date +%s%3N) - t0 )); [ "$ms" -gt "$maxms" ] && maxms=$ms
        if grep -il -e 'locked' -e 'busy' out.* >/dev/null 2>&1; then
            why="$why $(grep -ih -e locked -e busy out.* | head -1);"
        fi
        got=$(totals t.db)
        printf '%s\n' "$want" | grep -qxF "$got" || why="$why totals '$got', none of '$(echo $want)';"
        if [ -n "$why" ]; then bad=$((bad + 1)); tap not "$name, trial $t:$why"; fi
        t=$((t + 1))
    done
    [ "$bad" = 0 ] && tap ok "$name: $TRIALS trials, every process exit 0, no lock error, totals those of a serial order ($(printf '%s\n' "$want" | tr ' ' / | paste -sd, -): inspections/results/imports/scores), slowest ${maxms} ms"
}
mix "import + score" "$IMPORT1" "$SCORE"
mix "two imports of different files" "$IMPORT1" "$IMPORT2"
mix "a long read during an import" "$IMPORT1" read
mix "four processes: two imports, a score, a long read" "$IMPORT1" "$IMPORT2" "$SCORE" read
echo "1..$n"
[ "$fail" = 0 ]
