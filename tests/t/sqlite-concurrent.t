#!/bin/sh
# sqlite-concurrent.t — a reader process queries while a writer process
# imports (WAL + busy timeout): neither sees "database is locked", and the
# reader sees either none or all of the import, never a part.
# Owner: sqlite helper.  The checklist comes from the csv tests' fixture.
. tests/lib.sh
scratch
"$BUILD/gen/gen" --scale city >big.csv
RULES='lua package.loaded.rules = dofile("fixtures/csv/rules.lua")'
"$CWSH" -c "$RULES" t.db >out 2>&1
is 0 "$?" "setup: checklist loaded"

# The reader: one statement reads all three counts from one snapshot, as
# fast as it can, until it has seen the import committed (or 60 s pass).
# Every distinct answer is printed with how often it was seen.  (A `lua`
# block runs as soon as it compiles: do ... end keeps it one block.)
cat >reader.cwsh <<'EOF2'
lua
do
seen, order, n, t0 = {}, {}, 0, os.time()
io.open("reader.ready", "w"):close()
repeat
  local r = db.one("SELECT (SELECT count(*) FROM import) AS m, (SELECT count(*) FROM inspection) AS i, (SELECT count(*) FROM result) AS r")
  local k = r.m .. "|" .. r.i .. "|" .. r.r
  if not seen[k] then seen[k] = 0; order[#order + 1] = k end
  seen[k] = seen[k] + 1
  if not writing then
    local f = io.open("writer.started")
    if f then f:close(); writing = true end
  elseif k == "0|0|0" then
    during = (during or 0) + 1
  end
until r.m > 0 or os.time() - t0 > 60
for _, k in ipairs(order) do print(k, seen[k]) end
print("during", during or 0)
end
EOF2
"$CWSH" --max-instructions 0 t.db <reader.cwsh >reader.out 2>reader.err &
reader=$!
i=0
while [ ! -f reader.ready ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
printf '%s\nlua io.open("writer.started", "w"):close()\nimport big.csv --add-markets\n' "$RULES" |
    "$CWSH" t.db >writer.out 2>&1
is 0 "$?" "writer: import succeeds"
wait "$reader"
is 0 "$?" "reader: exit code 0"

final=$(sqlite3 t.db "SELECT (SELECT count(*) FROM import) || '|' || (SELECT count(*) FROM inspection) || '|' || (SELECT count(*) FROM result)")
is "1|6724|248788" "$final" "the import is complete"
if grep -qi 'locked\|busy' reader.err writer.out; then
    not_ok 'no "database is locked" in reader or writer'; cat reader.err writer.out | diag
else
    ok 'no "database is locked" in reader or writer'
fi
is "" "$(cat reader.err)" "reader: no errors"
grep -v '^during' reader.out | cut -f1 >answers
printf '0|0|0\n%s\n' "$final" >want
is_file want answers "reader saw none, then all of the import, nothing in between"
during=$(awk -F'\t' '$1 == "during" { print $2 }' reader.out)
if [ "${during:-0}" -gt 10 ]; then ok "reader ran queries while the writer imported"
else not_ok "reader ran queries while the writer imported (${during:-0})"; fi
cleanup_scratch
done_testing
