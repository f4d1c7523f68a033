#!/bin/sh
# rules-interrupt.t — Ctrl-C (SIGINT) while `score` or `explain` runs
# names the user's command and line ("<stdin>:2: score interrupted"),
# never a file of the core's Lua or the engine's query; an interrupted
# `score` stores nothing, for any of the periods of that command.
. tests/lib.sh
scratch
cp -r "$ROOT/rules" r
# period vetoes that take their time: 1 ms for a market's month (0.3 s
# for the 300 markets), 1 s for a long run of inspections (0.1 s a call,
# well inside the 0.5 s one may take)
cat >>r/scoring.lua <<'EOF2'
local function slow(s)
  local t = os.clock()
  while os.clock() - t < s do local _ = ("x"):rep(10000) end
end
for k = 1, 10 do
  veto { "慢" .. k, period = true,
         when = function(p) slow(p:count() > 20 and 0.1 or k == 1 and 0.001 or 0) return false end }
end
EOF2
"$BUILD/gen/gen" --scale city >city.csv
"$CWSH" --rules r t.db -c "import city.csv --add-markets" >/dev/null 2>&1
is 0 "$?" "a city-scale import (300 markets)"

# interrupt NAME COMMAND SECONDS [RULES]: run COMMAND in a script (under
# the rules directory RULES, default r), SIGINT SECONDS after it began
interrupt() {
    printf '.print begun\n%s\n.print not reached\n' "$2" >"$1.cwsh"
    "$CWSH" -batch --rules "${4:-r}" t.db <"$1.cwsh" >"$1.out" 2>&1 &
    sigint_when $! "$1.out" begun "$3"
    is 1 "$?" "$1: exit code 1"
}

interrupt score "score 2027-02" 0.3
printf 'begun\n<stdin>:2: score interrupted\n' >want
is_file want score.out "score: the message names the command and line"
is 0 "$(sqlite3 t.db 'SELECT count(*) FROM score')" "score: nothing stored"

# twelve months, one after the other (0.3 s each at least): stopped
# after the first few
interrupt year "score --year-by-month 2027" 2
printf 'begun\n<stdin>:2: score interrupted\n' >want
is_file want year.out "score --year-by-month: the message names the command and line"
is 0 "$(sqlite3 t.db 'SELECT count(*) FROM score')" "score --year-by-month: no month stored"

interrupt explain "explain M0001 2027" 0.4
printf 'begun\n<stdin>:2: explain interrupted\n' >want
is_file want explain.out "explain: the message names the command and line"

# .rules reload stopped while a rule file runs (0.3 s of its own): the
# dot-command's name, never a file of the core's Lua
cp -r "$ROOT/rules" slow
printf 'local t = os.clock()\nwhile os.clock() - t < 0.3 do local _ = ("x"):rep(10000) end\n' >>slow/scoring.lua
interrupt reload ".rules reload" 0.1 slow
printf 'begun\n<stdin>:2: .rules interrupted\n' >want
is_file want reload.out ".rules reload: the message names the dot-command, not the core's Lua"

# and without Ctrl-C (and the slow vetoes) the year is stored
"$CWSH" --rules "$ROOT/rules" t.db -c "score --year-by-month 2027" >/dev/null 2>&1
is 0 "$?" "score --year-by-month runs to the end"
is 12 "$(sqlite3 t.db "SELECT count(DISTINCT period) FROM score")" "and stores its twelve months"
cleanup_scratch
done_testing
