#!/bin/sh
# demo-run.t — `make run`'s job (scripts/run.sh) works on a demo database
# of its own, says which, and never touches the analyst's default
# database; run twice, it gives the same result (the register is upserted,
# the sheets replace their earlier import).
. tests/lib.sh
scratch
rm -rf "$HOME/.local"
(cd "$ROOT" && sh scripts/run.sh "$BUILD" "$T/demo.db" </dev/null >"$T/out" 2>"$T/err")
is "$?" 0 "the demo job runs"
is "$(head -1 "$T/err")" "demo database: $T/demo.db (the default database is not touched)" "it names its database"
is "$(sed -n 2p "$T/err")" "registered 5 markets from scripts/demo/markets.csv (5 new, 0 updated); new stations: 城东所, 城西所, 城南所, 城北所" \
    "the register comes in through markets import"
is "$(sqlite3 "$T/demo.db" 'SELECT count(*) FROM market; SELECT count(*) FROM inspection')" "5
55" "the demo data is in the demo database"
is "$(ls -A "$HOME")" "" "no default database was created"
(cd "$ROOT" && sh scripts/run.sh "$BUILD" "$T/demo.db" </dev/null >"$T/out2" 2>"$T/err2")
is "$?" 0 "the demo job runs again"
is "$(sqlite3 "$T/demo.db" 'SELECT count(*) FROM market; SELECT count(*) FROM inspection')" "5
55" "again: the same data, nothing doubled"
is "$(sed -n 2p "$T/err2")" "registered 5 markets from scripts/demo/markets.csv (0 new, 5 updated)" "again: the register is updated"
grep -q 'DB=\${2:-\$BUILD/demo.db}' "$ROOT/scripts/run.sh" && ok "the default is BUILD/demo.db" || not_ok "the default is BUILD/demo.db"

# scripts/bimonthly.cwsh, the end of a round as one batch job, on a fresh
# database in a directory of its own (its paths are the repository's)
mkdir "$T/round" && ln -s "$ROOT/scripts" "$T/round/scripts"
round() { (cd "$T/round" && "$CWSH" -batch -bail r.db -f scripts/bimonthly.cwsh >out 2>err); }
round
is "$?" 0 "the bimonthly job runs"
is "$(grep -c '^imported ' "$T/round/err")" 2 "it imports both demo sheets with one pattern"
is "$(sqlite3 "$T/round/r.db" 'SELECT count(*) FROM inspection')" 55 "every inspection is in"
is "$(grep -c "^wrote the notice of 2027-B1 to '督查通报-2027-B1\.\(html\|xlsx\)'" "$T/round/err")" 2 "it writes the notice as html and xlsx"
# the stations' ranking is the round's two months, as the notice has it
is "$(sed -n '/所\/分局排名/,$p' "$T/round/out" | grep -m1 '│    1 │')" \
   "│    1 │ 城南所  │       1 │  95.2 │ 上游 │      0 │" "it ranks the stations over the round's two months"
grep -q '城南所居首（95.2分）' "$T/round/督查通报-2027-B1.html"
is "$?" 0 "the notice names the same first station"
grep -q '<title>2027年1—2月农贸市场创卫全面督查情况通报' "$T/round/督查通报-2027-B1.html"
is "$?" 0 "the html is the notice of 2027-B1"
is "$(tail -2 "$T/round/out" | head -1)" \
   "│ 32 │ 建埠路菜市场 │ 城北所 │ A06  │ 公厕地面湿滑有异味, 已责令整改 │ 2027-01-14 │ 2027-01-25 │ 立项   │ 逾期34天 │ 城北所   │        │" \
   "it ends with the ledger's overdue findings on the round's last day"
round
is "$?" 0 "the bimonthly job runs again"
is "$(sqlite3 "$T/round/r.db" 'SELECT count(*) FROM inspection; SELECT count(*) FROM import')" "55
2" "again: the sheets replace themselves, nothing doubled"
cleanup_scratch
done_testing
