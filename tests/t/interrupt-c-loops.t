#!/bin/sh
# interrupt-c-loops.t — Ctrl-C (a real SIGINT) stops Lua that spends its
# time where a count hook never fires: inside one call of a C function
# (table.move over 2^52 nils, table.concat/sort/insert/remove over a
# table whose metamethods are C functions, a long SQL statement), in a
# coroutine, in xpcall's looping message handler.  Run with no
# instruction budget and no time limit, so that only the interrupt can
# stop them; each ends at once with its exact message and exit code 1.
# (Under limits the same loops meet the limits: sandbox-escape.t.)
. tests/lib.sh
scratch
"$CWSH" -batch t.db -c "select 1" >/dev/null 2>&1

# interrupt NAME LUA: run `lua LUA` in a script, SIGINT 0.3 s after it
# began; then the output must be 'begun' and "<stdin>:2: " MESSAGE
interrupt() {
    printf '.print begun\nlua %s\n.print not reached\n' "$2" >"$1.cwsh"
    "$CWSH" -batch --max-instructions 0 --max-seconds 0 t.db <"$1.cwsh" >"$1.out" 2>&1 &
    pid=$!
    i=0
    until grep -q begun "$1.out" 2>/dev/null || [ $i -ge 200 ]; do sleep 0.05; i=$((i + 1)); done
    sleep 0.3
    kill -INT "$pid"
    # up to 10 s to end; a hang is killed and fails
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    if kill -0 "$pid" 2>/dev/null; then
        kill -9 "$pid"; wait "$pid"
        not_ok "$1: cwsh ended after the interrupt"
        return
    fi
    wait "$pid"
    is 1 "$?" "$1: interrupted, exit code 1"
    printf 'begun\n<stdin>:2: %s\n' "$3" >"$1.want"
    is_file "$1.want" "$1.out" "$1: the message"
}

interrupt coroutine 'coroutine.wrap(function() while true do end end)()' \
    'lua:1: lua:1: interrupted'
interrupt xpcall-handler 'xpcall(function() while true do end end, function() while true do end end)' \
    'lua:1: interrupted'
interrupt table-move 'table.move({}, 1, 2^52, 2)' 'lua:1: interrupted'
interrupt table-concat 'table.concat(setmetatable({}, { __index = table.concat }), "", 1, 2^52)' \
    'lua:1: interrupted'
interrupt table-sort 'table.sort(setmetatable({}, { __len = function() return 2^31 - 2 end, __index = tostring, __newindex = rawequal }))' \
    'lua:1: interrupted'
interrupt table-insert 'table.insert(setmetatable({}, { __len = function() return 2^52 end, __index = tostring, __newindex = rawequal }), 1, "x")' \
    'lua:1: interrupted'
interrupt table-remove 'table.remove(setmetatable({}, { __len = function() return 2^52 end, __index = tostring, __newindex = rawequal }), 1)' \
    'lua:1: interrupted'
q='WITH RECURSIVE c(i) AS (VALUES(1) UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c'
interrupt sql "local n = db.one('$q')" "lua:1: interrupted (in: $q)"

# a plain sort (no comparator, no metatable) of 2^19 strings: one C call
# of a second or more; sorts of more than 2^17 elements poll, so an
# interrupt a moment into it ends it at once, not when it is done (2^20
# went unpolled).  Self-calibrating: the latency is compared with the
# sort's own time on this machine
cat >sort.lua <<'EOT'
local t = {}
for i = 1, 1 << 19 do t[i] = tostring((i * 7919) % 1000003) end
print("sorting") io.stdout:flush()
local c = os.clock()
table.sort(t)
print("sorted", os.clock() - c)
EOT
# (the whole run's wall time, as the latency is: the sort's CPU time
# alone, under a loaded machine's sanitizer build, was once shorter than
# twice the wall time the interrupt took to be seen)
a=$(date +%s%N)
"$CWSH" -batch --max-instructions 0 --max-seconds 0 t.db -c 'lua dofile("sort.lua")' >sort-full.out 2>&1
b=$(date +%s%N)
whole=
grep -q '^sorted' sort-full.out && whole=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
"$CWSH" -batch --max-instructions 0 --max-seconds 0 t.db -c 'lua dofile("sort.lua")' >sort.out 2>&1 &
pid=$!
i=0
until grep -q sorting sort.out 2>/dev/null || [ $i -ge 400 ]; do sleep 0.05; i=$((i + 1)); done
sleep 0.05
a=$(date +%s%N)
kill -INT "$pid"
wait "$pid"
late=$(awk -v a="$a" -v b="$(date +%s%N)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
if [ -n "$whole" ] && awk -v l="$late" -v w="$whole" 'BEGIN { exit !(l < w / 2) }'; then
    ok "a plain sort of 2^19 strings (${whole} s) ends ${late} s after the interrupt"
else
    not_ok "a plain sort of 2^19 strings (${whole:-?} s) ends ${late} s after the interrupt: not within half its time"
    diag <sort.out
fi
grep -q "interrupted" sort.out
is 0 "$?" "and says it was interrupted"

# a pattern that could backtrack for hours never starts, limits or not
"$CWSH" -batch --max-instructions 0 --max-seconds 0 t.db \
    -c 'lua local r = ("a"):rep(5000):find(("a-"):rep(8) .. "b")' >out 2>&1
is "-c:1: lua:1: string.find: pattern too complex for a subject of 5000 bytes (8 repetitions): it could backtrack for hours" \
    "$(cat out)" "a backtracking pattern is refused without limits too"
# a plain find (its 4th argument true) matches no pattern: the same text
# is only bytes to look for, so it is searched, not refused
"$CWSH" -batch t.db -c 'lua print(("a"):rep(5000):find(("a-"):rep(8) .. "b", 1, true), ("xa-a-b"):find("a-a-", 1, true))' >out 2>&1
is "nil	2	5" "$(cat out)" "a plain find of the same text is a search, not refused"
# and the library functions do the same work: the same operations on a
# plain table and through a proxy whose metamethods reach it (the loops
# of the guarded versions), from a file run at the prompt
cat >ops.lua <<'EOT'
local function ops(wrap)
  local t = {}
  for i = 1, 10000 do t[i] = (i * 7919) % 10007 end
  local p = wrap(t)
  local out = {}
  local function put(...) for _, v in ipairs({...}) do out[#out + 1] = tostring(v) end end
  table.sort(p)
  put(t[1], t[2], t[10000])
  table.insert(p, 1, 0) table.insert(p, 5) put(table.remove(p), table.remove(p, 2), #t)
  put(table.concat(p, ",", 1, 3), table.concat(p, "-", 9999), select(2, pcall(table.concat, p, "", 10000, 10002)))
  put(table.concat(table.move(p, 9998, 10000, 1, {}), " "), #table.move(p, 1, 3, 2), t[1], t[2], t[4])
  table.sort(p, function(a, b) return a > b end) put(t[1], t[10000])
  put(pcall(table.insert, p, 10003, 1), pcall(table.insert, p, 1, 2, 3))
  return table.concat(out, " ")
end
local plain = ops(function(t) return t end)
local proxy = ops(function(t)
  return setmetatable({}, { __index = t, __newindex = t, __len = function() return #t end })
end)
print(plain == proxy and "same" or "differ", proxy)
EOT
"$CWSH" -batch t.db -c 'lua dofile("ops.lua")' >out 2>&1
is "same	1 2 10006 5 1 10000 0,2,3 10005-10006 invalid value (nil) at index 10001 in table for 'concat' 10004 10005 10006 10000 0 0 3 10006 0 false false wrong number of arguments to 'insert'" \
    "$(cat out)" "concat, insert, remove, move and sort through metamethods do what the library's do"
cleanup_scratch
done_testing
