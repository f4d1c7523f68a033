#!/bin/sh
# check-crash.sh BUILD — SIGKILL at random points (crash safety).
#
# CRASH_TRIALS (default 20) trials of each: an import of a city-scale
# sheet (1,800 inspections, 66,600 item results) into a database that
# holds another import; a scoring run of a year by month (12 periods x
# 300 markets); a rules reload that mirrors a changed checklist into the
# database.  Each trial starts the command on a copy of the database and
# kills it with SIGKILL after a random delay between 0 and 1.2 times what
# the command takes uncut (some trials therefore finish).  Afterwards
# PRAGMA integrity_check must say ok, and each command's work must be
# there entirely or not at all: the import's inspections, results,
# import row and the findings it opened in the ledger (or, killed between
# the import's commit and its findings, owed them in ledger_pending and
# given them by the next start of cwsh); the run's scores;
# the checklist's 37 items under one rules hash; the finding's status
# and its events.  Output is TAP.
TRIALS_NAME=crash . "$(dirname "$0")/trials.sh"
TRIALS=${CRASH_TRIALS:-20}
# delay SEED MAX_MS: a pseudo-random delay in seconds, 0..MAX_MS
delay() { awk -v s="$1" -v m="$2" 'BEGIN { srand(s); printf "%.3f", rand() * m / 1000 }'; }

cp -r "$ROOT/rules" rA
cp -r "$ROOT/rules" rB
printf '\n-- the same checklist under another hash\n' >>rB/checklist.lua
"$BUILD/gen/gen" --scale city --seed 1 --kind 督查 >first.csv
"$BUILD/gen/gen" --scale city --seed 1 --kind 全面督查 >second.csv
"$CWSH" --rules rA base.db -c "import first.csv --add-markets" >/dev/null 2>&1 || tap not "the first import"
counts() { sqlite3 "$1" "SELECT (SELECT count(*) FROM inspection) || ' ' || (SELECT count(*) FROM result) || ' ' || (SELECT count(*) FROM import) || ' ' || (SELECT count(*) FROM finding)"; }
FINDING=$(sqlite3 base.db "SELECT min(id) FROM finding WHERE status = '待复查'")
VERIFY="ledger verify $FINDING --by 王芳"
finding() { sqlite3 "$1" "SELECT status || ' ' || (SELECT count(*) FROM finding_event WHERE finding_id = f.id) FROM finding f WHERE id = $FINDING"; }
cp base.db ledger.db
"$CWSH" --rules rA ledger.db -c "$VERIFY" >/dev/null 2>&1 || tap not "the ledger transition, uncut"
f_before=$(finding base.db) f_after=$(finding ledger.db)
[ -n "$FINDING" ] && [ "$f_before" != "$f_after" ] || tap not "the uncut transition changes finding $FINDING ('$f_before' -> '$f_after')"
before=$(counts base.db)
cp base.db full.db
"$CWSH" --rules rA full.db -c "import second.csv --add-markets" >/dev/null 2>&1 || tap not "the second import, uncut"
after=$(counts full.db)
"$CWSH" --rules rA full.db -c "score --year-by-month 2027" >/dev/null 2>&1 || tap not "the scoring run, uncut"
scores=$(sqlite3 full.db "SELECT count(*) FROM score")
sqlite3 full.db "DELETE FROM score"
[ "$before" != "$after" ] && [ "$scores" -gt 0 ] || tap not "the uncut runs store something ('$before' -> '$after', $scores scores)"

# trial NAME DB CMD RULES MAX_MS CHECK: one killed run; CHECK DB prints
# nothing when the database is whole, else what is wrong
killed=0 finished=0
trial() {
    rm -f t.db t.db-wal t.db-shm t.db-journal
    cp "$2" t.db
    "$CWSH" --rules "$4" t.db -c "$3" >out 2>&1 &
    pid=$!
    sleep "$(delay "$seed" "$5")"
    if kill -KILL "$pid" 2>/dev/null; then killed=$((killed + 1)); else finished=$((finished + 1)); fi
    wait "$pid" 2>/dev/null
    ic=$(sqlite3 t.db "PRAGMA integrity_check" 2>&1)
    why=$($6 t.db)
    [ "$ic" = ok ] || why="integrity_check: $ic $why"
    [ -z "$why" ] || tap not "$1, trial $seed: $why"
    [ -z "$why" ]
}
check_import() {
    c=$(counts "$1")
    # the import's own rows: all or nothing
    [ "${c% *}" = "${before% *}" ] || [ "${c% *}" = "${after% *}" ] \
        || echo "inspections, results, imports '${c% *}': neither '${before% *}' nor '${after% *}'"
    # its findings: the ledger opens them in a transaction of its own once
    # the import has committed (the after-import event), so a kill between
    # the two leaves the import without them; the import's own transaction
    # wrote that it is owed them (ledger_pending, by a trigger), and the
    # next start of cwsh opens them (ledger.open_pending): it must make the
    # import whole and owe nothing more
    # (check_import runs in a sub-shell: the count goes through a file)
    owed=$(sqlite3 "$1" "SELECT count(*) FROM ledger_pending")
    if [ "$c" = "$after" ] && [ "$owed" != 0 ]; then
        echo "the import has its findings, but ledger_pending still owes $owed"
    fi
    if [ "${c% *}" = "${after% *}" ] && [ "$c" != "$after" ]; then
        echo x >>"$W/orphans"
        {
            [ "$owed" = 1 ] || echo "an import without its findings, and ledger_pending owes $owed, not 1"
            "$CWSH" --rules rA "$1" -c ".quit" >"$W/restart.out" 2>&1
            [ "$(counts "$1")" = "$after" ] || echo "an import without its findings, and the next start leaves '$(counts "$1")', not '$after'"
            [ "$(sqlite3 "$1" "SELECT count(*) FROM ledger_pending")" = 0 ] || echo "the next start left ledger_pending owing"
            grep -q "was left without its findings" "$W/restart.out" || echo "the next start did not say it opened them: $(cat "$W/restart.out")"
        } | tee -a "$W/orphans.bad"
    fi
    return 0
}
check_score() {
    c=$(sqlite3 "$1" "SELECT count(*) FROM score")
    [ "$c" = 0 ] || [ "$c" = "$scores" ] || echo "$c scores stored: neither 0 nor $scores"
}
check_items() {
    c=$(sqlite3 "$1" "SELECT count(*) || ' ' || count(DISTINCT rules_hash) FROM item")
    [ "$c" = "37 1" ] || echo "items and their hashes '$c', not '37 1'"
}
check_ledger() {
    c=$(finding "$1")
    [ "$c" = "$f_before" ] || [ "$c" = "$f_after" ] || echo "finding $FINDING: '$c', neither '$f_before' nor '$f_after'"
}
time_of() {   # time_of DB CMD RULES: milliseconds it takes uncut
    cp "$1" u.db; t0=$(ms)
    "$CWSH" --rules "$3" u.db -c "$2" >/dev/null 2>&1
    echo $(( ($(ms) - t0) * 12 / 10 ))
    rm -f u.db u.db-wal u.db-shm
}

series() {   # series NAME DB CMD RULES CHECK [OTHER_RULES]
    max=$(time_of "$2" "$3" "$4")
    killed=0 finished=0 bad=0 seed=1
    db=$2 rules=$4
    while [ "$seed" -le "$TRIALS" ]; do
        trial "$1" "$db" "$3" "$rules" "$max" "$5" || bad=$((bad + 1))
        if [ -n "${6:-}" ]; then     # the next reload changes the hash again
            cp t.db next.db; db=next.db
            [ "$rules" = "$4" ] && rules=$6 || rules=$4
        fi
        seed=$((seed + 1))
    done
    if [ "$bad" = 0 ]; then
        tap ok "$1: $TRIALS trials killed within ${max} ms ($killed killed while running, $finished had finished): integrity ok, all or nothing"
    else
        tap not "$1: $bad of $TRIALS trials went wrong"
    fi
}
series import base.db "import second.csv --add-markets" rA check_import
series score full.db "score --year-by-month 2027" rA check_score
series reload base.db ".rules reload" rB check_items rA
series ledger base.db "$VERIFY" rA check_ledger
orphans=$(cat "$W/orphans" 2>/dev/null | wc -l)
# (each such trial was checked above: owed in ledger_pending, opened whole
# by the next start; a failure there failed the import series)
if [ -s "$W/orphans.bad" ]; then
    tap not "import: of $orphans trials that left the import committed before its findings, some were not made whole by the next start"
else
    tap ok "import: $orphans of $TRIALS trials left the import committed before its findings; each was owed them (ledger_pending) and the next start opened them"
fi
echo "1..$n"
[ "$fail" = 0 ]
