#!/bin/sh
# csv-stop.t — an import stopped while a mapping's Lua converter runs ends
# cleanly, whatever stops it: the time limit, the memory limit, Ctrl-C or
# the converter's own Lua error.  Each time the load is rolled back and
# the store unlocked: the same session imports next (no "another load is
# already running"), and so does a second process while the first is
# still open (no "database is locked").
. tests/lib.sh
scratch
cp -r "$ROOT/rules" r
conv_mapping() {   # conv_mapping NAME BODY: a mapping whose inspector converter is BODY
    cat >r/mappings/"$1".lua <<EOF2
mapping {
  name = "$1", layout = "long",
  fields = { date = "Date", market_code = "Market", kind = "Kind", inspector = "Inspector",
             item_code = "Item", deduction = "Points" },
  convert = { inspector = function(s) $2 end },
}
EOF2
}
conv_mapping upper 'return s:upper()'
conv_mapping slow 'while true do end'
conv_mapping hog 'local t = {} for i = 1, 1e9 do t[i] = s .. i end'
conv_mapping boom 'error("no inspector here")'
sheet() {   # sheet FILE DAY: one inspection of M00001 on 2027-01-DAY
    printf 'Date,Market,Kind,Inspector,Item,Points\n2027-01-%02d,M00001,暗访,zhang wei,A01,1\n2027-01-%02d,M00001,暗访,zhang wei,A02,\n' \
        "$2" "$2" >"$1"
}
sheet stop.csv 1
# a stop used to let the rows after it run on, each converter call failing
# at once, until an allocation outside the converter's protected call
# failed too and the error unwound the import with its load open: the
# stopped imports read a long sheet
awk 'BEGIN { print "Date,Market,Kind,Inspector,Item,Points"
             for (i = 1; i <= 100000; i++) printf "2027-02-%02d,M00001,暗访,zhang%d,A01,1\n", i % 28 + 1, i }' >long.csv
"$CWSH" --rules r t.db -c "import $FIX/csv/long-en.csv --add-markets" >/dev/null 2>&1
is 0 "$?" "markets from a first import"
counts() { sqlite3 t.db "SELECT count(*) FROM import; SELECT count(*) FROM inspection; SELECT count(*) FROM result"; }
# (the ledger's warning that the fixtures' 2027 deadlines are on the
# provisional calendar dropped: the calendar's tests check it)
norm() { sed -e 's/ in [0-9.]* s$/ in T s/' -e '/^warning: deadlines in 2027 are on a provisional calendar/d' "$@"; }

# second_imports CASE DAY: the same session (fd 3, output in out) imports
# CASE-1.csv; a second process imports CASE-2.csv while it is still open
second_imports() {
    sheet "$1-1.csv" "$2"; sheet "$1-2.csv" $(($2 + 1))
    echo "import $1-1.csv --mapping upper" >&3
    echo ".print $1 done" >&3
    i=0
    until grep -q "^$1 done" out 2>/dev/null || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
    "$CWSH" --rules r t.db -c "import $1-2.csv --mapping upper" >out2 2>&1
    is 0 "$?" "$1: a second process imports while the session is open"
    printf 'mapping: upper (UTF-8, 6 columns, LF)\nimported 1 inspection (2 item results) from %s-2.csv in T s\nopened 1 finding in the ledger (deadlines by r/ledger.lua)\n' \
        "$1" >want2
    norm out2 >got2
    is_file want2 got2 "$1: the second process's import"
}

# stopped CASE OPTIONS... : start a session reading the fifo `in` with
# the options, import stop.csv through mapping CASE, then second_imports
stopped() {
    c=$1; shift
    rm -f in; mkfifo in
    "$CWSH" -batch --rules r "$@" t.db <in >out 2>&1 &
    pid=$!
    exec 3>in
    f=long.csv; [ "$c" = boom ] && f=stop.csv
    echo "import $f --mapping $c" >&3
    second_imports "$c" "$day"
    exec 3>&-
    wait "$pid"
    day=$((day + 2))
}

day=10
before=$(counts)
stopped slow --max-instructions 0 --max-seconds 1
cat >want <<'EOF2'
mapping: slow (UTF-8, 6 columns, LF)
<stdin>:1: long.csv:2:4: the converter of inspector was stopped: r/mappings/slow.lua:5: time limit exceeded (1 s); nothing imported
mapping: upper (UTF-8, 6 columns, LF)
imported 1 inspection (2 item results) from slow-1.csv in T s
opened 1 finding in the ledger (deadlines by r/ledger.lua)
slow done
EOF2
norm out >got; is_file want got "time limit: the import stops, the same session imports next"

stopped hog --max-instructions 0 --max-memory 40
cat >want <<'EOF2'
mapping: hog (UTF-8, 6 columns, LF)
<stdin>:1: long.csv:2:4: the converter of inspector was stopped: r/mappings/hog.lua:5: memory limit exceeded (40 MB); nothing imported
mapping: upper (UTF-8, 6 columns, LF)
imported 1 inspection (2 item results) from hog-1.csv in T s
opened 1 finding in the ledger (deadlines by r/ledger.lua)
hog done
EOF2
norm out >got; is_file want got "memory limit: the import stops, the same session imports next"

stopped boom
cat >want <<'EOF2'
mapping: boom (UTF-8, 6 columns, LF)
stop.csv:2:4: converter of inspector failed: r/mappings/boom.lua:5: no inspector here
<stdin>:1: 1 bad row (2 rows rejected with their inspections); nothing imported.  Bad rows are in stop.csv.rejects.csv; fix them there and import that file, or run again with --skip-bad.
mapping: upper (UTF-8, 6 columns, LF)
imported 1 inspection (2 item results) from boom-1.csv in T s
opened 1 finding in the ledger (deadlines by r/ledger.lua)
boom done
EOF2
norm out >got; is_file want got "a Lua error: the rows are rejected, the same session imports next"

# Ctrl-C: at the interactive prompt it ends the command, not the session
export TMUX_TMPDIR="$T"
S=cwsh-stop-$$
tmux_keep
tmux new-session -d -s "$S" -x 200 -y 50 \
    "env HOME='$HOME' NO_COLOR=1 LC_ALL=C.UTF-8 TERM=xterm '$CWSH' --rules r --max-instructions 0 --max-seconds 0 t.db; sleep 30"
wait_for "cwsh>"
tmux send-keys -t "$S" 'import long.csv --mapping slow' Enter
wait_for "mapping: slow"
sleep 0.3
tmux send-keys -t "$S" C-c
wait_for "error: import interrupted; nothing imported"; is 0 "$?" "Ctrl-C: the import says it was interrupted"
sheet ctrlc-1.csv "$day"; sheet ctrlc-2.csv $((day + 1))
tmux send-keys -t "$S" 'import ctrlc-1.csv --mapping upper' Enter
wait_for "from ctrlc-1.csv"; is 0 "$?" "Ctrl-C: the same session imports next"
"$CWSH" --rules r t.db -c "import ctrlc-2.csv --mapping upper" >out2 2>&1
is 0 "$?" "Ctrl-C: a second process imports while the session is open"
grep -q "imported 1 inspection (2 item results) from ctrlc-2.csv" out2; is 0 "$?" "Ctrl-C: the second process's import"
screen | grep -c "nothing imported" >n; is 1 "$(cat n)" "Ctrl-C: one message for the stop"
tmux send-keys -t "$S" '.quit' Enter
sleep 0.3
tmux kill-session -t "$S" 2>/dev/null
tmux_done

# two imports per case went in (import rows, inspections, results)
echo "$before" | { read a; read b; read c; printf '%s\n%s\n%s\n' $((a + 8)) $((b + 8)) $((c + 16)); } >want
counts >got; is_file want got "the database holds the eight good imports and nothing of the stopped ones"
is "$(sqlite3 t.db 'PRAGMA integrity_check')" ok "integrity_check ok"
cleanup_scratch
done_testing
