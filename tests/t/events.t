#!/bin/sh
# events.t — after an import commits, and after `imports undo`, the core
# raises an event that Lua handlers receive (the import id, its file and
# inspections): trusted Lua subscribes with cwsh.on, a rules/ file with
# on(); a failing handler is reported and the change stands.
. tests/lib.sh
scratch
cp -r "$ROOT/rules" r
cat >>r/scoring.lua <<'EOF2'
on("import", function(e)
  error(("saw import #%d (%d inspections)"):format(e.id, #e.inspections), 0)
end)
EOF2
cat >s.cwsh <<'EOF2'
lua cwsh.on("import", function(e) print(("import #%d from %s: %d inspections, on %s and %s"):format(e.id, e.file, #e.inspections, e.inspections[1].date, e.inspections[2].date)) end)
lua cwsh.on("undo", function(e) print(("undo #%d: %d inspections, the first of market %d"):format(e.id, #e.inspections, e.inspections[1].market_id)) end)
lua cwsh.on("import", function(e) error("a broken handler") end)
import fixtures/csv/long-en.csv --add-markets
SELECT count(*) AS inspections FROM inspection;
imports undo 1
SELECT count(*) AS inspections FROM inspection;
EOF2
"$CWSH" -batch -csv --rules r t.db <s.cwsh >out 2>err
is 0 "$?" "the script runs"
printf 'import #1 from fixtures/csv/long-en.csv: 2 inspections, on 2027-01-05 and 2027-01-06\r\ninspections\r\n2\r\nundo #1: 2 inspections, the first of market 1\r\ninspections\r\n0\r\n' | tr -d '\r' >want
tr -d '\r' <out >got
is_file want got "the handlers receive the import and the undo, after each is committed"
grep -v "^mapping:\|^added \|^imported \|^opened \|^removed " err >got
cat >want <<'EOF2'
warning: deadlines in 2027 are on a provisional calendar (r/calendar/2027.lua): 2027年放假通知尚未发布：仅含法定假日，无调休; replace it with the State Council's notice for 2027
import handler failed: lua:1: a broken handler
r/scoring.lua:25: on('import') failed: saw import #1 (2 inspections)
EOF2
is_file want got "a failing handler (trusted or a rule's) is reported; the import stands"
"$CWSH" --rules r t.db -c 'lua cwsh.on("imported", print)' >out 2>&1
is 1 "$?" "an unknown event: exit code 1"
echo "-c:1: lua:1: on: unknown event 'imported' (import, undo)" >want
is_file want out "an unknown event is refused"

# Ctrl-C in a handler after the commit: the import stands, and the message
# says what is owed (not a path of cwsh's own Lua)
rm -f t.db*
printf 'lua cwsh.on("import", function(e) while true do end end)\nimport fixtures/csv/long-en.csv --add-markets\n' >loop.cwsh
timeout -s INT 2 "$CWSH" -batch t.db <loop.cwsh >out 2>err
grep -qx 'import #1 is in; Ctrl-C stopped what runs after it (the ledger opening its findings, handlers): `ledger sync` opens the findings it lacks' err
is 0 "$?" "Ctrl-C in an import handler: the import is in, ledger sync named"
is "" "$(grep 'events.lua' err)" "no file of cwsh's own Lua in the message"
is 1 "$(sqlite3 t.db 'SELECT count(*) FROM import')" "the import stands"
cleanup_scratch
done_testing
