#!/bin/sh
# Command-line options, exit codes and where cwsh finds its files.
. tests/lib.sh
scratch

out=$("$CWSH" --version); is "cwsh 1.0.0" "$out" "--version"
"$CWSH" --help | head -1 >actual
echo "usage: cwsh [OPTIONS] [DB] [COMMAND...]" >expect
is_file expect actual "--help starts with the usage line"

"$CWSH" --frobnicate >out 2>&1; rc=$?
is 2 "$rc" "an unknown option exits 2"
printf "cwsh: unknown option '--frobnicate'\nTry 'cwsh --help'.\n" >expect
is_file expect out "an unknown option is named"
"$CWSH" -c >out 2>&1; is 2 "$?" "a missing option argument exits 2"

out=$("$CWSH" -c '.print one' -c '.print two' </dev/null); is "one
two" "$out" "-c is repeatable and runs in order"

printf '.print from a file\n= 1 + 1\n' >s.cwsh
out=$("$CWSH" -f s.cwsh </dev/null); is "from a file
2" "$out" "-f runs a script"

out=$(printf '.print piped\n' | "$CWSH"); is "piped" "$out" "stdin that is not a terminal is a script"

"$CWSH" -bail -c '= error("x", 0)' -c '.print not reached' >out 2>&1; rc=$?
is 1 "$rc" "-bail: a failing command exits 1"
printf -- '-c:1: x\n' >expect; is_file expect out "-bail stops at the first error"
"$CWSH" -c '= error("x", 0)' -c '.print reached' >out 2>&1; rc=$?
is 1 "$rc" "without -bail later commands run, exit code still 1"
grep -qx reached out; is 0 "$?" "without -bail the next command runs"
"$CWSH" -c '.print ok' >/dev/null 2>&1; is 0 "$?" "success exits 0"

# init file: default ~/.cwshrc, -init FILE overrides
echo '.print from cwshrc' >"$HOME/.cwshrc"
out=$("$CWSH" -c '.print cmd'); is "from cwshrc
cmd" "$out" "~/.cwshrc runs first"
echo '.print from init' >init.cwsh
out=$("$CWSH" -init init.cwsh -c '.print cmd'); is "from init
cmd" "$out" "-init FILE replaces ~/.cwshrc"
rm "$HOME/.cwshrc"

# arguments after a DB are commands, one each (sqlite3 style); without a
# DB the words form one command line
out=$("$CWSH" x.db '.print a' '.print b'); is "a
b" "$out" "DB then COMMAND arguments"
out=$("$CWSH" .print "两个 词"); is "两个 词" "$out" "words without a DB form one command"
out=$("$CWSH" "= 1 + 1"); is "2" "$out" "a whole command line in one word runs as typed"
"$CWSH" -c '.print a' -c '= error("x", 0)' >out 2>&1
printf 'a\n-c:2: x\n' >expect
is_file expect out "command-line commands are numbered like lines: the second -c is -c:2"
# commands given as arguments, not with -c: no "-c:N:" that was never typed
"$CWSH" x.db '.print a' '= error("x", 0)' >out 2>&1; rc=$?
printf 'a\ncwsh: x\n' >expect
is_file expect out "an argument command's error says cwsh:, not -c:"
is 1 "$rc" "an argument command's error exits 1"
"$CWSH" '= error("y", 0)' >out 2>&1
printf 'cwsh: y\n' >expect
is_file expect out "a one-command command line: cwsh:, not -c:1:"

# .show reports where things live
"$CWSH" -c .show >out
grep -q "^        db: $HOME/.local/share/cwsh/cwsh.db\$" out; is 0 "$?" "default database under ~/.local/share/cwsh"
CWSH_DB=$T/other.db "$CWSH" -c .show | grep -q "db: $T/other.db"; is 0 "$?" "CWSH_DB overrides the default database"
"$CWSH" --rules fixtures/core -c .show | grep -q "rules: $FIX/core\$"; is 0 "$?" "--rules DIR"
is "$("$CWSH" :memory: '.mode csv --excel' '.separator ;' .show 2>&1 | grep -E '^ *(mode|separator|output):')" \
'      mode: csv (UTF-8 with BOM)
 separator: ";" "\n"
    output: stdout' ".show lists the mode's BOM, the separator and the output"

# output modes from the command line
out=$("$CWSH" --mode csv -c "= {columns={'a','b'}, rows={{1,'x,y'}}}" | od -An -c | tr -s ' ')
is ' a , b \r \n 1 , " x , y " \r \n' "$out" "--mode csv: RFC 4180, CRLF"
out=$("$CWSH" -noheader --mode csv -c "= {columns={'a'}, rows={{1}}}" | tr -d '\r'); is '1' "$out" "-noheader"
out=$("$CWSH" -json -c "= {columns={'a'}, rows={{1}}}"); is '[{"a":1}]' "$out" "-json is --mode json"

# .output and .once
printf ".once o1.txt\n.print to once\n.print to stdout\n.output o2.txt\n.print a\n.print b\n.output\n.print back\n" >s2.cwsh
out=$("$CWSH" -f s2.cwsh); is "to stdout
back" "$out" ".once and .output leave stdout for the rest"
is "to once" "$(cat o1.txt)" ".once writes the next command's output"
is "a
b" "$(cat o2.txt)" ".output writes until reset"

# .timer prints sqlite3-style run times
"$CWSH" -c '.timer on' -c '= 1' >out
grep -Eq '^Run Time: real [0-9]+\.[0-9]{3} user [0-9]+\.[0-9]{6} sys [0-9]+\.[0-9]{6}$' out; is 0 "$?" ".timer on"

# .help lists dot-commands and commands, .help NAME shows one
"$CWSH" -c '.help .mode' >out
printf 'usage: .mode [MODE] [--wrap N] [--excel | --bom] [--encoding E]\noutput mode: box table csv tsv json markdown line list\n  --wrap N: box/table cells wider than N columns go on over lines\n  --excel (or --bom): csv/tsv with a UTF-8 BOM, so that Chinese Excel opens it\n  --encoding E: csv/tsv written in E instead of UTF-8 (gb18030 for older Excel)\n' >expect
is_file expect out ".help TOPIC"
"$CWSH" -c .help | grep -c '^  \.' >n; test "$(cat n)" -ge 16; is 0 "$?" ".help lists the dot-commands"


# --- limits -----------------------------------------------------------------

# a limit's value is a whole number, else a usage error naming option and value
for opt in --max-instructions --max-memory --max-seconds; do
    case $opt in
        --max-instructions) what="instructions (0 = none)" ;;
        --max-memory) what="MB (0 = no cap)" ;;
        --max-seconds) what="seconds (0 = none)" ;;
    esac
    for v in abc -5 "" 1.5 " 5" +5 12x; do
        "$CWSH" $opt "$v" -c '.print not reached' >out 2>&1; rc=$?
        is 2 "$rc" "$opt '$v' exits 2"
        printf "cwsh: option '%s' needs a whole number of %s, not '%s'\nTry 'cwsh --help'.\n" \
            "$opt" "$what" "$v" >expect
        is_file expect out "$opt '$v' is a usage error naming the option and the value"
    done
done
"$CWSH" --max-memory 99999999999999999999 -c '.print not reached' >out 2>&1; rc=$?
is 2 "$rc" "--max-memory out of range exits 2"
printf "cwsh: option '--max-memory': 99999999999999999999 MB is too large (at most %s)\nTry 'cwsh --help'.\n" \
    "$(( (1 << 44) - 1 ))" >expect
is_file expect out "--max-memory out of range is named with the largest value"
"$CWSH" -max-seconds 3000000000 -c '.print not reached' >out 2>&1; rc=$?
is 2 "$rc" "-max-seconds out of range exits 2"
printf "cwsh: option '-max-seconds': 3000000000 seconds is too large (at most 2147483647)\nTry 'cwsh --help'.\n" >expect
is_file expect out "the option is named as typed"
out=$("$CWSH" --max-instructions 5000000 --max-memory 64 --max-seconds 7 \
    -c '= cwsh.limit("instructions"), cwsh.limit("memory"), cwsh.limit("seconds")')
is "5000000	64	7" "$out" "good limit values are taken"
out=$("$CWSH" -c '= cwsh.limit("instructions"), cwsh.limit("memory"), cwsh.limit("seconds")')
is "100000000	1024	30" "$out" "default limits: 100000000 instructions, 1024 MB, 30 s"

# --max-instructions N: a loop stops with the exact message, the shell goes on
"$CWSH" --max-instructions 1000000 -c 'lua local n = 0 while true do n = n + 1 end' \
    -c '.print next' >out 2>&1; rc=$?
is 1 "$rc" "--max-instructions: a stopped command exits 1"
printf -- '-c:1: lua:1: instruction budget exceeded (1000000 instructions)\nnext\n' >expect
is_file expect out "--max-instructions N stops a loop with the exact message"

# a pcall around coroutines that each hit the budget does not buy a new
# budget per coroutine: the command stops
"$CWSH" --max-seconds 0 --max-instructions 1000000 -c 'lua for i = 1, 30 do pcall(coroutine.wrap(function() while true do end end)) end print("survived")' \
    >out 2>&1
printf -- '-c:1: lua:1: instruction budget exceeded (1000000 instructions)\n' >expect
is_file expect out "--max-instructions: pcall(coroutine.wrap(...)) cannot swallow the stop"

# a small budget does not break start-up: core Lua is trusted, commands load
"$CWSH" --max-instructions 1000 -c '.help score' -c 'lua while true do end' \
    -c '.print next' >out 2>&1; rc=$?
grep -q '^usage: score' out; is 0 "$?" "--max-instructions 1000: the domain commands are loaded"
grep -q 'init.lua' out; is 1 "$?" "--max-instructions 1000: init.lua does not fail"
grep -qx -- '-c:2: lua:1: instruction budget exceeded (1000 instructions)' out
is 0 "$?" "--max-instructions 1000: commands run under the budget"
grep -qx 'next' out; is 0 "$?" "--max-instructions 1000: the shell goes on"
# ... but rule files do: the default rules need more than 1000 instructions
grep -q '^rules not loaded: .*instruction budget exceeded (1000 instructions)$' out
is 0 "$?" "--max-instructions 1000: rule files at start-up run under the user's budget"
"$CWSH" --max-instructions 1000000 -c '.rules' 2>&1 | head -1 | grep -q '^rules '
is 0 "$?" "--max-instructions 1000000: the rules load"

# --max-memory MB: an allocation over the cap stops the command, the shell goes on
"$CWSH" --max-memory 24 -c 'lua local t = {} for i = 1, 1e8 do t[i] = ("x"):rep(64) .. i end' \
    -c '.print continues' >out 2>&1; rc=$?
is 1 "$rc" "--max-memory: a stopped command exits 1"
printf -- '-c:1: lua:1: memory limit exceeded (24 MB)\ncontinues\n' >expect
is_file expect out "--max-memory 24 stops the command with the memory message"

# time: each instruction of this loop copies a growing string, so the
# instruction budget alone would let it run for hours
ms() { date +%s%N | cut -c1-13; }
t0=$(ms)
"$CWSH" --max-seconds 1 -c 'lua local s = "" while true do s = s .. "x" end' \
    -c '.print next' >out 2>&1; rc=$?
t1=$(ms)
is 1 "$rc" "--max-seconds: a stopped command exits 1"
printf -- '-c:1: lua:1: time limit exceeded (1 s)\nnext\n' >expect
is_file expect out "--max-seconds 1 stops the growing-string loop, the shell answers"
test $((t1 - t0)) -lt 3000; is 0 "$?" "--max-seconds 1: stopped within about 1 s ($((t1 - t0)) ms)"

# a few instructions that run long (gsub over a large string): the allocator
t0=$(ms)
"$CWSH" --max-seconds 1 -c 'lua local s = ("x"):rep(1e7) while true do s = s:gsub("x", "x") end' \
    -c '.print next' >out 2>&1; rc=$?
t1=$(ms)
grep -q 'time limit exceeded (1 s)$' out; is 0 "$?" "--max-seconds: long C calls are stopped too"
test $((t1 - t0)) -lt 3000; is 0 "$?" "long C calls: stopped within about 1 s ($((t1 - t0)) ms)"

# the same loop in a rule: every rule function stops after 0.5 s of CPU
# time, at start-up and in .rules reload, and the shell answers the next
# command.  CPU time, not wall-clock: on a loaded machine the rule gets
# as much work done before it stops (measured: the process's user+sys)
cpu_ms() { awk '{ printf "%d", ($1 + $2) * 1000 }' "$1"; }
mkdir r; cp "$ROOT"/rules/*.lua r/
echo 'veto { "死循环", when = function(i) local s = "" while true do s = s .. "x" end end }' >r/zz-loop.lua
/usr/bin/time -f '%U %S' -o cpu "$CWSH" --rules r -c '.print next' -c '.rules reload' -c '.print after' >out 2>&1; rc=$?
cat >expect <<'EOF'
rules not loaded: r/zz-loop.lua:1: veto '死循环': time limit exceeded (0.5 s)
next
-c:2: rules not reloaded: r/zz-loop.lua:1: veto '死循环': time limit exceeded (0.5 s)
the active rules stay: none
after
EOF
is_file expect out "a rule's endless loop is stopped, the shell answers"
test "$(cpu_ms cpu)" -lt 2500; is 0 "$?" "a rule's loop, twice: stopped after about 0.5 s of CPU each ($(cpu_ms cpu) ms)"
echo 'while true do pcall(function() local s = "" while true do s = s .. "x" end end) end' >r/zz-loop.lua
/usr/bin/time -f '%U %S' -o cpu "$CWSH" --rules r -c '.print next' >out 2>&1
printf 'rules not loaded: r/zz-loop.lua:1: time limit exceeded (0.5 s)\nnext\n' >expect
is_file expect out "pcall in a rule file cannot swallow the time stop"
test "$(cpu_ms cpu)" -lt 1500; is 0 "$?" "a rule file's loop: stopped after about 0.5 s of CPU ($(cpu_ms cpu) ms)"
rm -r r


# --- the database -------------------------------------------------------------

# a file that is not a database ends cwsh (exit 1), untouched; it is not
# reported as a plugin that failed
printf 'name,score\n解放市场,94.5\n' >notdb.db
cp notdb.db notdb.orig
"$CWSH" notdb.db -c '.print not reached' >out 2>&1; rc=$?
is 1 "$rc" "a text file as DB: exit code 1"
echo "cwsh: cannot open database 'notdb.db': file is not a database" >expect
is_file expect out "a text file as DB: the database is named with SQLite's reason"
cmp -s notdb.orig notdb.db; is 0 "$?" "a text file as DB: left untouched"
test -e notdb.db-wal; is 1 "$?" "a text file as DB: no WAL file made"
CWSH_DB=$T/notdb.db "$CWSH" -c '.print not reached' >out 2>&1; rc=$?
is 1 "$rc" "a bad \$CWSH_DB: exit code 1"
echo "cwsh: cannot open database '$T/notdb.db': file is not a database" >expect
is_file expect out "a bad \$CWSH_DB is named"
rm notdb.db notdb.orig


# --- the default database and the environment (--help, cwsh.1) ----------------

mkdir xdg
XDG_DATA_HOME=$T/xdg "$CWSH" -c .show >out
grep -q "^        db: $T/xdg/cwsh/cwsh.db\$" out; is 0 "$?" "\$XDG_DATA_HOME/cwsh/cwsh.db is the default database"
test -f xdg/cwsh/cwsh.db; is 0 "$?" "... created with its directory"
XDG_DATA_HOME= "$CWSH" -c .show | grep -q "db: $HOME/.local/share/cwsh/cwsh.db\$"
is 0 "$?" "an empty XDG_DATA_HOME: ~/.local/share/cwsh/cwsh.db"
XDG_DATA_HOME=$T/xdg CWSH_DB=$T/other.db "$CWSH" -c .show | grep -q "db: $T/other.db\$"
is 0 "$?" "CWSH_DB comes before XDG_DATA_HOME"
rm -r xdg
"$CWSH" --help >help.txt
grep -q 'XDG_DATA_HOME/cwsh/cwsh.db' help.txt && grep -q '~/.local/share/cwsh/cwsh.db' help.txt
is 0 "$?" "--help gives the default database's location"
man_text=$(sed 's/\\f[BIRP]//g; s/\\-/-/g' "$ROOT/cwsh.1")
for v in $(grep -ho '\(getenv\|home_file\)("[A-Z_]*"' "$ROOT"/core/*.c "$ROOT"/plugins/*/*.c \
           | sed 's/.*("//; s/"$//' | sort -u); do
    grep -q "$v" help.txt; is 0 "$?" "--help documents \$$v"
    case $man_text in *"$v"*) ok "cwsh.1 documents \$$v" ;; *) not_ok "cwsh.1 documents \$$v" ;; esac
done
for o in --max-seconds --max-instructions --max-memory --history; do
    grep -q -- "$o" help.txt; is 0 "$?" "--help lists $o"
    case $man_text in *"$o"*) ok "cwsh.1 lists $o" ;; *) not_ok "cwsh.1 lists $o" ;; esac
done
rm help.txt


# --- output options -------------------------------------------------------------

# -echo prints each command before running it, from -c and from a script
"$CWSH" -echo -c '.print hi' -c '= 1 + 1' >out 2>&1
printf '.print hi\nhi\n= 1 + 1\n2\n' >expect
is_file expect out "-echo: each -c command before its output"
printf '.print one\n-- a comment\n= 6 * 7\n' | "$CWSH" -echo >out 2>&1
printf '.print one\none\n-- a comment\n= 6 * 7\n42\n' >expect
is_file expect out "-echo: each script line before its output"
"$CWSH" -c '.print hi' >out 2>&1; is "hi" "$(cat out)" "without -echo commands are not printed"

# --mode MODE: one small query with a Chinese value, exactly
Q="SELECT 1 AS 排名, '解放市场' AS 市场, 94.5 AS 得分;"
mode_is() {   # mode_is MODE [OPTION...] < expected
    m=$1; shift
    cat >expect
    "$CWSH" "$@" --mode "$m" :memory: "$Q" >out 2>&1
    is_file expect out "--mode $m $*"
}
mode_is box <<'EOF'
┌──────┬──────────┬──────┐
│ 排名 │   市场   │ 得分 │
├──────┼──────────┼──────┤
│    1 │ 解放市场 │ 94.5 │
└──────┴──────────┴──────┘
EOF
mode_is table <<'EOF'
+------+----------+------+
| 排名 |   市场   | 得分 |
+------+----------+------+
|    1 | 解放市场 | 94.5 |
+------+----------+------+
EOF
printf '排名,市场,得分\r\n1,解放市场,94.5\r\n' >want; mode_is csv <want
printf '排名\t市场\t得分\n1\t解放市场\t94.5\n' >want; mode_is tsv <want
mode_is json <<'EOF'
[{"排名":1,"市场":"解放市场","得分":94.5}]
EOF
mode_is markdown <<'EOF'
| 排名 |   市场   | 得分 |
|-----:|----------|-----:|
|    1 | 解放市场 | 94.5 |
EOF
mode_is line <<'EOF'
排名 = 1
市场 = 解放市场
得分 = 94.5
EOF
"$CWSH" --mode nosuch -c '.print x' >out 2>&1; is 2 "$?" "--mode with an unknown mode exits 2"

# -header / -noheader, in the order given
mode_is box -noheader <<'EOF'
┌───┬──────────┬──────┐
│ 1 │ 解放市场 │ 94.5 │
└───┴──────────┴──────┘
EOF
printf '1,解放市场,94.5\r\n' >want; mode_is csv -noheader <want
printf '排名,市场,得分\r\n1,解放市场,94.5\r\n' >want; mode_is csv -noheader -header <want
printf '1\t解放市场\t94.5\n' >want; mode_is tsv -header -noheader <want
rm want

# --- the terminal: -batch and --history (through tmux) -----------------------

export TMUX_TMPDIR="$T"
S=cwsh-opt-$$
tmux_keep
wait_file() {   # wait_file FILE TEXT: poll FILE for up to 5 s
    i=0
    while [ $i -lt 50 ]; do
        grep -qF -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1; i=$((i + 1))
    done
    return 1
}
in_tmux() {   # in_tmux COMMAND: run COMMAND in a new tmux session on a terminal
    tmux new-session -d -s "$S" -x 150 -y 50 \
        "cd '$T' && env HOME='$HOME' LC_ALL=C.UTF-8 TERM=xterm $1; echo session-over; sleep 30"
}

# -batch: stdin is a terminal, yet it is read as a script: no banner, no
# prompt, errors as <stdin>:LINE
in_tmux "'$CWSH' -batch >batch.out 2>&1"
sleep 0.3
tmux send-keys -t "$S" '= 6 * 7' Enter '= error("x", 0)' Enter C-d
wait_for "session-over"; is 0 "$?" "-batch: the script ends at end of input"
printf '42\n<stdin>:2: x\n' >expect
is_file expect batch.out "-batch on a terminal: script output, <stdin>:LINE errors, no prompt"
tmux kill-session -t "$S"

# --history FILE: the lines typed go to FILE (not ~/.cwsh_history), and the
# next session reads them back
in_tmux "'$CWSH' --history '$T/h.txt'"
wait_for "cwsh>"; is 0 "$?" "--history: the prompt appears"
tmux send-keys -t "$S" '= 40 + 2' Enter
wait_for "42"
tmux send-keys -t "$S" '.quit' Enter
wait_for "session-over"
tmux kill-session -t "$S"
wait_file h.txt '= 40 + 2'; is 0 "$?" "--history FILE: the typed line is in FILE"
test -e "$HOME/.cwsh_history"; is 1 "$?" "--history FILE: ~/.cwsh_history is not written"
in_tmux "'$CWSH' --history '$T/h.txt'"
wait_for "cwsh>"
tmux send-keys -t "$S" Up Up
wait_for "cwsh> = 40 + 2"; is 0 "$?" "--history FILE: the next session recalls the line"
tmux send-keys -t "$S" C-u '.quit' Enter
wait_for "session-over"
tmux kill-session -t "$S"
tmux_done

# a plugins directory that cannot be read is a failed start (exit 1, the
# reason), not a quiet shell without a store; as root it takes another
# user to be refused: nobody, through runuser, where that user can run
# this build
PD=$(mktemp -d /tmp/cwsh-plugins.XXXXXX)
if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null && runuser -u nobody -- test -x "$CWSH"; then
    (cd / && runuser -u nobody -- env HOME=/ CWSH_HISTORY= CWSH_INIT= "$CWSH" --plugins "$PD" :memory: -c '.print hi') >out 2>&1; rc=$?
    is 1 "$rc" "an unreadable plugins directory: exit code 1"
    printf "hi\ncwsh: cannot read the plugins in '%s': Permission denied\n" "$PD" >expect
    sort expect >e2; sort out >o2
    is_file e2 o2 "an unreadable plugins directory: the reason (and the shell still ran, without -bail)"
    # cwsh.listdir: a directory that is missing is nil (callers take it for
    # none: no calendar files, no mappings); one that cannot be read
    # raises, so that it is never taken for an empty one
    (cd / && runuser -u nobody -- env HOME=/ CWSH_HISTORY= CWSH_INIT= "$CWSH" :memory: \
        -c "lua print(cwsh.listdir('$PD.none'))" -c "lua print(cwsh.listdir('$PD'))") >out 2>&1
    printf "nil\tcannot open directory '%s.none': No such file or directory\n-c:2: lua:1: cannot open directory '%s': Permission denied\n" "$PD" "$PD" >expect
    is_file expect out "cwsh.listdir: nil for a missing directory, an error for an unreadable one"
    # rules/ledger.lua that cannot be opened is an error; only a missing
    # one means the defaults (an open failing for want of memory, taken
    # for absence, put the defaults in place of the analysts' rules)
    cp -r "$ROOT/rules" "$PD.rules"
    chmod 755 "$PD.rules"
    chmod 000 "$PD.rules/ledger.lua"
    LR="lua print(require('ledger_rules').load().file)"
    (cd / && runuser -u nobody -- env HOME=/ CWSH_HISTORY= CWSH_INIT= "$CWSH" -rules "$PD.rules" :memory: -c "$LR") >out 2>&1
    rm "$PD.rules/ledger.lua"
    (cd / && runuser -u nobody -- env HOME=/ CWSH_HISTORY= CWSH_INIT= "$CWSH" -rules "$PD.rules" :memory: -c "$LR") >>out 2>&1
    # named as the rules directory's own files are: DIR/ledger.lua
    LF="$(basename "$PD.rules")/ledger.lua"
    printf -- "-c:1: %s: Permission denied\n%s (absent: the defaults)\n" "$LF" "$LF" >expect
    is_file expect out "rules/ledger.lua: unreadable is an error, missing is the defaults"
    rm -rf "$PD.rules"
else
    ok "# SKIP an unreadable plugins directory: needs root and runuser, and nobody able to run $CWSH"
    ok "# SKIP an unreadable plugins directory: the reason"
    ok "# SKIP cwsh.listdir of an unreadable directory"
    ok "# SKIP an unreadable rules/ledger.lua"
fi
rmdir "$PD"

cleanup_scratch
done_testing
