#!/bin/sh
# ledger-concurrent.t — two processes verify the same findings at once:
# for each finding exactly one succeeds and the other is told the status
# the first left (已销号), and the audit trail holds one 销号 per finding.
# The status check and change are one conditional UPDATE in one write
# transaction (ledger.lua move, store transition), so neither can verify a
# finding the other has just verified.
. tests/lib.sh
scratch
N=20
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
} | "$CWSH" -rules rules t.db >setup.out 2>&1
is "$?" 0 "setup: $N findings waiting for their recheck (待复查)"
is "$(sqlite3 t.db "SELECT count(*) FROM finding WHERE status = '待复查'")" "$N" "setup: all $N are 待复查"

# Each process waits for the start file, then verifies every finding in
# the same order as fast as it can (`lua` blocks run once they compile).
verifier() {   # verifier NAME
    {
        printf 'lua do io.open("%s.ready", "w"):close() while not io.open("go") do end end\n' "$1"
        i=1
        while [ $i -le $N ]; do echo "ledger verify $i --by $1"; i=$((i + 1)); done
    } | "$CWSH" --max-instructions 0 -rules rules t.db >"$1.out" 2>&1
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
is "$((ok_a + ok_b))" "$N" "every finding verified exactly once ($ok_a by 甲, $ok_b by 乙)"
refused=$(cat 甲.out 乙.out | grep -c 'is 已销号: only a finding that is 待复查 can be verified')
is "$refused" "$N" "the other process is told each finding is 已销号"
if grep -qi 'locked\|busy' 甲.out 乙.out; then
    not_ok 'no "database is locked"'; cat 甲.out 乙.out | diag
else
    ok 'no "database is locked"'
fi
is "$(sqlite3 t.db "SELECT count(*) FROM finding_event WHERE action = '销号'")" "$N" "one 销号 in the audit trail per finding"
is "$(sqlite3 t.db "SELECT count(*) FROM (SELECT finding_id FROM finding_event WHERE action = '销号' GROUP BY finding_id HAVING count(*) > 1)")" \
   "0" "no finding closed twice"
is "$(sqlite3 t.db "SELECT count(*) FROM finding WHERE status = '已销号'")" "$N" "all $N are 已销号"
done_testing
