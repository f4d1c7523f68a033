#!/bin/sh
# core-tilde.t — a command's word that starts with ~/ is under $HOME, as in a
# shell (the analyst types `import ~/收件/x.csv`); a quoted ~ stays a ~, and
# without HOME the word is left as typed.
. tests/lib.sh
scratch
mkdir -p "$HOME/收件"
cp "$ROOT/scripts/demo/markets.csv" "$ROOT/scripts/demo/inspections-2027Q1.csv" "$HOME/收件/"
printf 'SELECT 6 * 7 AS answer;\n' >"$HOME/q.sql"

out=$("$CWSH" -batch -csv t.db '.read ~/q.sql' 2>&1 | tr -d '\r')
is "answer
42" "$out" ".read ~/FILE reads the file under HOME"

"$CWSH" -batch t.db 'markets import ~/收件/markets.csv' 'import ~/收件/inspections-2027Q1.csv' >out.txt 2>&1
is "registered 5 markets from $HOME/收件/markets.csv (5 new, 0 updated); new stations: 城东所, 城西所, 城南所, 城北所
mapping: long (UTF-8, 12 columns, LF)
imported 35 inspections (1,295 item results) from $HOME/收件/inspections-2027Q1.csv in T s
opened 202 findings in the ledger (deadlines by rules/ledger.lua); rechecked 177 findings (复查)
warning: deadlines in 2027 are on a provisional calendar (rules/calendar/2027.lua): 2027年放假通知尚未发布：仅含法定假日，无调休; replace it with the State Council's notice for 2027" \
   "$(sed -E 's/ in [0-9]+\.[0-9] s/ in T s/' out.txt)" "markets import and import read ~/收件/"

"$CWSH" -batch t.db '.once ~/n.csv' 'SELECT count(*) AS n FROM inspection;' >/dev/null 2>&1
is "┌────┐
│ n  │
├────┤
│ 35 │
└────┘" "$(cat "$HOME/n.csv")" ".once ~/FILE writes under HOME"

is "cwsh: cannot open '~/q.sql': No such file or directory" \
   "$("$CWSH" -batch t.db "import '~/q.sql'" 2>&1)" "a quoted ~ is a ~"
is "cwsh: cannot open 'a~/q.sql': No such file or directory" \
   "$("$CWSH" -batch t.db "import a~/q.sql" 2>&1)" "a ~ inside a word is a ~"
is "cwsh: cannot open '~/q.sql': No such file or directory" \
   "$(env -u HOME "$CWSH" -batch t.db "import ~/q.sql" 2>&1)" "without HOME the word stays as typed"

cleanup_scratch
done_testing
