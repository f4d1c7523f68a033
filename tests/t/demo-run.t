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
cleanup_scratch
done_testing
