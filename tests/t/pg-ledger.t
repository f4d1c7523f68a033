#!/bin/sh
# pg-ledger.t — the problem ledger on the postgres store (scratch server,
# tests/pg.sh), as ledger-concurrent.t on SQLite: two sessions verify the
# same findings at once; for each exactly one succeeds and the other is
# told the status the first left (已销号).  On the server the conditional
# UPDATE of the second session waits for the first's row lock and then
# finds the status changed, so neither verifies a finding twice.
. tests/lib.sh
. tests/pg.sh
pg_need
pg_start
scratch
N=20
DB=$(pg_newdb l1)
cp -r "$ROOT/rules" rules
{
    echo "INSERT INTO unit(name, kind) VALUES ('城东所', '所');"
    echo "INSERT INTO market(code, name, unit_id) VALUES ('M01', '城北市场', 1);"
    i=1
    while [ $i -le $N ]; do
        echo "ledger add M01 A01 --note 积水$i --date 2026-10-09 --by 王芳"
        echo "ledger fix $i --note 已清理 --by 王芳"
        i=$((i + 1))
    done
} | "$CWSH" -rules rules "$DB" >setup.out 2>&1
is "$?" 0 "setup: $N findings waiting for their recheck (待复查)"
is "$N" "$(pg_sql "SELECT count(*) FROM finding WHERE status = '待复查'" l1)" "setup: all $N are 待复查"

verifier() {   # verifier NAME
    {
        printf 'lua do io.open("%s.ready", "w"):close() while not io.open("go") do end end\n' "$1"
        i=1
        while [ $i -le $N ]; do echo "ledger verify $i --by $1"; i=$((i + 1)); done
    } | "$CWSH" --max-instructions 0 -rules rules "$DB" >"$1.out" 2>&1
}
verifier 甲 &
a=$!
verifier 乙 &
b=$!
i=0
while { [ ! -f 甲.ready ] || [ ! -f 乙.ready ]; } && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
: >go
wait $a
wait $b

ok_a=$(grep -c '待复查 → 已销号' 甲.out)
ok_b=$(grep -c '待复查 → 已销号' 乙.out)
is "$N" "$((ok_a + ok_b))" "every finding verified exactly once ($ok_a by 甲, $ok_b by 乙)"
refused=$(cat 甲.out 乙.out | grep -c 'is 已销号: only a finding that is 待复查 can be verified')
is "$N" "$refused" "the other session is told each finding is 已销号"
is "$N" "$(pg_sql "SELECT count(*) FROM finding_event WHERE action = '销号'" l1)" "one 销号 in the audit trail per finding"
is 0 "$(pg_sql "SELECT count(*) FROM (SELECT finding_id FROM finding_event WHERE action = '销号' GROUP BY finding_id HAVING count(*) > 1) x" l1)" \
   "no finding closed twice"
is "$N" "$(pg_sql "SELECT count(*) FROM finding WHERE status = '已销号'" l1)" "all $N are 已销号"

# the audit trail is kept by the schema's triggers on the server too
"$CWSH" "$DB" -c "DELETE FROM finding_event WHERE id = 1" >out 2>&1
echo "-c:1: the ledger's audit trail is never deleted" >want
is_file want out "the audit trail cannot be deleted"
# hold row|advisory DB: a psql session holds the pending row of import
# #1 (FOR UPDATE) or its findings' advisory lock for 60 s, in the
# background, until the lock shows in pg_locks; let_go DB ends it
hold() {
    if [ "$1" = row ]; then
        q="BEGIN; SELECT import_id FROM ledger_pending FOR UPDATE; SELECT pg_sleep(60); COMMIT"
        probe="SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'ledger_pending' AND l.mode = 'RowShareLock'"
    else
        q="SELECT pg_advisory_lock(1668772712, 1); SELECT pg_sleep(60)"
        probe="SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 1668772712 AND objid = 1"
    fi
    pg_sql "$q" "$2" >/dev/null 2>&1 &
    holder=$!
    i=0
    while [ "$(pg_sql "$probe" "$2")" = 0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}
let_go() {
    kill "$holder" 2>/dev/null
    pg_sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()" "$1" >/dev/null
    wait "$holder" 2>/dev/null
}

# an import owed its findings (ledger_pending, as ledger-pending.t on
# SQLite): a session starting while another holds the row (opening them
# right now) goes on without waiting for it; the next start opens them
DB2=$(pg_newdb l2)
cp -r "$ROOT/rules" bad
printf 'severity { "3天", days = "three" }\n' >>bad/ledger.lua
for f in ledger.sql week1.csv; do cp "$ROOT/tests/transcripts/ledger/$f" .; done
CWSH_NOW=2026-10-09 "$CWSH" -rules rules "$DB2" ".read ledger.sql" >setup2.out 2>&1
CWSH_NOW=2026-10-09 "$CWSH" -rules bad "$DB2" "import week1.csv" >bad.out 2>&1
is "$(pg_sql "SELECT (SELECT count(*) FROM finding) || ' ' || (SELECT string_agg(import_id::text, ',') FROM ledger_pending)" l2)" \
    "0 1" "an import whose findings were not opened is owed them"
hold row l2
CWSH_NOW=2026-10-09 "$CWSH" -rules rules "$DB2" -c "SELECT count(*) AS owed FROM ledger_pending" -list >held.out 2>&1
is "$(cat held.out)" "owed
1" "a start while another session holds the import's row skips it, without waiting"
let_go l2
CWSH_NOW=2026-10-09 "$CWSH" -rules rules "$DB2" ".quit" >start.out 2>&1
is "$(cat start.out)" "ledger: import #1 was left without its findings (they were not opened after the import): opened 6 now" \
    "the next start opens them and says so"
is "$(pg_sql "SELECT (SELECT count(*) FROM finding) || ' ' || (SELECT count(*) FROM ledger_pending)" l2)" "6 0" \
    "the findings are there, nothing is owed"

# `imports undo` is all or nothing with the ledger on the server too
# (ledger/undo-atomic on SQLite): a trigger refuses the withdrawal, the
# undo fails, the import and its findings stay as they were
pg_sql "CREATE FUNCTION no_withdrawal() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN
    IF NEW.status = '已撤销' THEN RAISE EXCEPTION 'withdrawals are refused today'; END IF; RETURN NEW; END \$\$;
  CREATE TRIGGER no_withdrawal BEFORE UPDATE OF status ON finding FOR EACH ROW EXECUTE FUNCTION no_withdrawal()" l2
CWSH_NOW=2026-10-09 "$CWSH" -rules rules "$DB2" "imports undo 1" >undo.out 2>&1
rc=$?
is "1:1 4 6" "$rc:$(pg_sql "SELECT count(*) FROM import" l2) $(pg_sql "SELECT count(*) FROM inspection" l2) $(pg_sql "SELECT count(*) FROM finding WHERE status <> '已撤销'" l2)" \
    "an undo whose withdrawal fails: refused, the import, its inspections and findings kept"
grep -q "withdrawals are refused today" undo.out
is 0 "$?" "and the message says why"
pg_sql "DROP TRIGGER no_withdrawal ON finding" l2
CWSH_NOW=2026-10-09 "$CWSH" -rules rules "$DB2" "imports undo 1" >undo2.out 2>&1
rc=$?
is "0:0 6" "$rc:$(pg_sql "SELECT count(*) FROM import" l2) $(pg_sql "SELECT count(*) FROM finding WHERE status = '已撤销'" l2)" \
    "without the trigger the undo withdraws them"

# a replace owes its relink: while its row is held (its session opening
# the findings right now), another session's import leaves the replaced
# import's findings alone (it took them for its own re-import's and
# withdrew them); the replace's findings then relink them
DB3=$(pg_newdb l3)
CWSH_NOW=2026-10-09 "$CWSH" -rules rules "$DB3" ".read ledger.sql" >setup3.out 2>&1
cp "$ROOT/tests/transcripts/ledger/week3.csv" .
CWSH_NOW=2026-10-09 "$CWSH" -rules rules "$DB3" "import week1.csv" >w1.out 2>&1
CWSH_NOW=2026-10-09 "$CWSH" -rules bad "$DB3" "import week1.csv --replace" >w1r.out 2>&1
is "2|1" "$(pg_sql "SELECT import_id || '|' || replaces FROM ledger_pending" l3)" \
    "setup: the replacing import #2 owes its findings and names import #1"
hold row l3
CWSH_NOW=2026-10-09 "$CWSH" -rules rules "$DB3" "import week3.csv" >w3.out 2>&1
is "6 0" "$(pg_sql "SELECT (SELECT count(*) FROM finding WHERE import_id = 1 AND status <> '已撤销') || ' ' || (SELECT count(*) FROM finding_event WHERE action IN ('重新导入', '撤销'))" l3)" \
    "another session's import leaves the replaced import's findings to the replace"
let_go l3
CWSH_NOW=2026-10-09 "$CWSH" -rules rules "$DB3" ".quit" >start3.out 2>&1
is "6" "$(pg_sql "SELECT count(*) FROM finding_event WHERE action = '重新导入' AND note = '导入 #2 替换了导入 #1'" l3)" \
    "the next start opens the replace's findings and relinks import #1's to it"

# an import's own session holds its findings (an advisory lock taken
# before the load's commit, let go when they are opened): a session
# starting in between leaves them to it; the lock is gone after the import
DB4=$(pg_newdb l4)
CWSH_NOW=2026-10-09 "$CWSH" -rules rules "$DB4" ".read ledger.sql" >setup4.out 2>&1
CWSH_NOW=2026-10-09 "$CWSH" -rules bad "$DB4" "import week1.csv" >bad4.out 2>&1
hold advisory l4
CWSH_NOW=2026-10-09 "$CWSH" -rules rules "$DB4" -c "SELECT count(*) AS owed FROM ledger_pending" -list >held4.out 2>&1
is "owed
1" "$(cat held4.out)" "a start while the import's session holds its findings leaves them to it"
let_go l4
CWSH_NOW=2026-10-09 "$CWSH" -rules rules "$DB4" ".quit" >start4.out 2>&1
is "ledger: import #1 was left without its findings (they were not opened after the import): opened 6 now" "$(cat start4.out)" \
    "once that session is gone the next start opens them"
printf "import week3.csv\nSELECT count(*) AS held FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid();\n" |
    CWSH_NOW=2026-10-09 "$CWSH" -list -rules rules "$DB4" >w34.out 2>&1
is "held
0" "$(tail -n 2 w34.out)" "an import's session lets its findings go once it has opened them"


# Ctrl-C while the import's session opens its findings (a hook raising at
# every instruction, as the interrupt does): they stay owed, and the
# session lets them go all the same, so the next start opens them (a
# release in Lua after a pcall never ran, and the session kept them from
# every other session until it ended)
DB5=$(pg_newdb l5)
CWSH_NOW=2026-10-09 "$CWSH" -rules rules "$DB5" ".read ledger.sql" >setup5.out 2>&1
{
    echo 'lua local S = require("store"); local f = S.open_import; S.open_import = function(...) S.open_import = f; debug.sethook(function() error("interrupted", 0) end, "", 1); error("stopped", 0) end'
    echo "import week1.csv"
    echo "SELECT (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()) || ' ' || (SELECT count(*) FROM finding) || ' ' || (SELECT count(*) FROM ledger_pending) AS held_findings_owed;"
} | CWSH_NOW=2026-10-09 "$CWSH" -list -rules rules "$DB5" >stopped5.out 2>&1
is "held_findings_owed
0 0 1" "$(tail -n 2 stopped5.out)" "Ctrl-C in an import's findings: they stay owed and its session lets them go"
CWSH_NOW=2026-10-09 "$CWSH" -rules rules "$DB5" ".quit" >start5.out 2>&1
is "ledger: import #1 was left without its findings (they were not opened after the import): opened 6 now" "$(cat start5.out)" \
    "the next start opens them"

cleanup_scratch
done_testing
