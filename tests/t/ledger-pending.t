#!/bin/sh
# ledger-pending.t — an import is owed its findings from its own
# transaction on: a trigger of schema version 12 writes its ledger_pending
# row with the import, the ledger deletes it in the transaction that opens
# the findings.  When the findings are not opened (the process killed
# after the import's commit — scripts/check-crash.sh does that at random
# points — or, here, a rules/ledger.lua that fails at the import), the
# next start of cwsh opens them and says so; an import that is gone by
# then is owed nothing.
. tests/lib.sh
scratch
export CWSH_NOW=2026-10-09
cp -r "$ROOT/rules" good
cp -r "$ROOT/rules" bad
printf 'severity { "3天", days = "three" }\n' >>bad/ledger.lua
for f in ledger.sql week1.csv week3.csv; do cp "$ROOT/tests/transcripts/ledger/$f" .; done
"$CWSH" -rules good t.db ".read ledger.sql" >setup.out 2>&1
is "$?" 0 "setup: the registry"

"$CWSH" -rules bad t.db "import week1.csv" >bad.out 2>&1
is "$?" 1 "an import whose findings could not be opened fails"
is "$(tail -1 bad.out)" "cwsh: import #1 is in, but its findings were not opened: bad/ledger.lua:$(grep -c '' bad/ledger.lua): severity '3天' is declared twice (first at line 45); fix it and run \`ledger sync\`" \
    "and says the import is in, why its findings are not, and what to do"
is "$(sqlite3 t.db "SELECT (SELECT count(*) FROM import) || ' ' || (SELECT count(*) FROM finding) || ' ' || (SELECT group_concat(import_id) FROM ledger_pending)")" \
    "1 0 1" "an import whose findings were not opened is owed them (ledger_pending)"

"$CWSH" -rules good t.db ".quit" >start.out 2>&1
is "$?" 0 "the next start runs"
is "$(cat start.out)" "ledger: import #1 was left without its findings (they were not opened after the import): opened 6 now" \
    "the next start opens them and says so"
is "$(sqlite3 t.db "SELECT (SELECT count(*) FROM finding) || ' ' || (SELECT count(*) FROM ledger_pending)")" "6 0" \
    "the findings are there, nothing is owed"
"$CWSH" -rules good t.db ".quit" >again.out 2>&1
is "$(cat again.out)" "" "the start after that says nothing"

# an import that opened its findings owes nothing
"$CWSH" -rules good t.db "import week3.csv" >ok.out 2>&1
is "$(sqlite3 t.db "SELECT count(*) FROM ledger_pending")" 0 "an import whose findings opened owes nothing"

# an import undone before the next start: nothing to open, nothing owed
"$CWSH" -rules good t.db "imports undo 2" >undo2.out 2>&1
"$CWSH" -rules bad t.db "import week3.csv" >bad2.out 2>&1
is "$(sqlite3 t.db "SELECT group_concat(import_id) FROM ledger_pending")" 3 "a second import the ledger failed is owed its findings"
"$CWSH" -rules bad t.db "imports undo 3" >undo3.out 2>&1
is "$(sqlite3 t.db "SELECT count(*) FROM import WHERE id = 3")" 0 "then undone"
"$CWSH" -rules good t.db ".quit" >start2.out 2>&1
is "$(cat start2.out)$(sqlite3 t.db "SELECT count(*) FROM ledger_pending")" "0" \
    "an import undone before the next start: nothing opened, nothing owed"
# the import's own handler opens the findings only while the import is
# owed them: a session starting between the import's commit and its
# ledger may take the row and open them (on the server it skips a row
# being taken, SKIP LOCKED); the importing session then opens nothing
"$CWSH" -rules good t2.db ".read ledger.sql" >setup2.out 2>&1
"$CWSH" -rules bad t2.db "import week1.csv" >bad3.out 2>&1
is 1 "$(sqlite3 t2.db "SELECT group_concat(import_id) FROM ledger_pending")" "setup: import #1 is owed its findings"
sqlite3 t2.db "DELETE FROM ledger_pending"     # taken by the other session
"$CWSH" -rules good t2.db "lua require('ledger').import_handler({ id = 1 })" >taken.out 2>&1
is "ledger: import #1's findings were opened by a session that started meanwhile" "$(cat taken.out)" \
    "an import no longer owed its findings: the handler says so"
is 0 "$(sqlite3 t2.db "SELECT count(*) FROM finding")" "and opens none itself"
# a replace's row names the import it replaced (schema version 13), and
# the start that opens its findings relinks that import's to it (that
# another session's import leaves them alone meanwhile: pg-ledger.t)
"$CWSH" -rules good t3.db ".read ledger.sql" >setup3.out 2>&1
"$CWSH" -rules good t3.db "import week1.csv" >w1.out 2>&1
"$CWSH" -rules bad t3.db "import week1.csv --replace" >w1r.out 2>&1
is "2|1" "$(sqlite3 t3.db "SELECT import_id || '|' || replaces FROM ledger_pending")" \
    "setup: the replacing import #2 is owed its findings, and names import #1"
"$CWSH" -rules good t3.db ".quit" >start3.out 2>&1
is "6 6" "$(sqlite3 t3.db "SELECT (SELECT count(*) FROM finding WHERE import_id = 2) || ' ' || (SELECT count(*) FROM finding_event WHERE action = '重新导入' AND note = '导入 #2 替换了导入 #1')")" \
    "the start that opens the replace's findings relinks import #1's to it"

# a bad calendar file: the import is in, its findings are not, and the
# command fails (a script with -bail stops there); the next start with
# the calendar fixed opens them without claiming cwsh stopped
cp -r "$ROOT/rules" badcal
printf 'holiday { "x", "2026-13-01" }\n' >>badcal/calendar/2026.lua
"$CWSH" -rules good t4.db ".read ledger.sql" >setup4.out 2>&1
printf 'import week1.csv\nSELECT 42;\n' | "$CWSH" -bail -rules badcal t4.db >cal.out 2>&1
is "$?" 1 "an import whose findings the calendar could not date: exit 1"
is "$(grep -c 42 cal.out)" 0 "-bail stops after it"
is "$(grep 'findings were not opened' cal.out)" "<stdin>:1: import #1 is in, but its findings were not opened: calendar not loaded: badcal/calendar/2026.lua:$(grep -c '' badcal/calendar/2026.lua): holiday x: '2026-13-01' is not a date (YYYY-MM-DD); fix it and run \`ledger sync\`" \
    "it names the cause and what to do"
is "$(grep -c 'handler failed' cal.out)" 0 "not as a handler that failed"
"$CWSH" -rules good t4.db ".quit" >start4.out 2>&1
is "$(cat start4.out)" "ledger: import #1 was left without its findings (they were not opened after the import): opened 6 now" \
    "the next start opens them, without saying cwsh stopped"

# findings with deadlines in a provisional year: the import says so once
sed 's/2026-09-/2027-09-/g; s/2026-10-30/2027-10-29/' week1.csv >week27.csv
"$CWSH" -rules good t4.db "import week27.csv" >w27.out 2>&1
is "$?" 0 "an import of 2027: exit 0"
is "$(grep -c '^warning: ' w27.out) $(grep '^warning: ' w27.out)" "1 warning: deadlines in 2027 are on a provisional calendar (good/calendar/2027.lua): 2027年放假通知尚未发布：仅含法定假日，无调休; replace it with the State Council's notice for 2027" \
    "one warning that the deadlines are on a provisional calendar"
done_testing
