#!/bin/sh
# The interactive shell through a real pseudo-terminal (tmux): tab
# completion (commands, dot-commands, SQL, tables, markets, item codes,
# files), history across sessions (~/.cwsh_history, --history FILE,
# $CWSH_HISTORY), Ctrl-C at the prompt, during a running command and
# during .read.
. tests/lib.sh
scratch
export TMUX_TMPDIR="$T"
S=cwsh-rl-$$
tmux_keep
# start [ENV=VALUE...] [-- OPTIONS...]: cwsh in a new tmux session
start() {
    envs=""
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs="$envs '$1'"; shift; done
    [ "${1:-}" = "--" ] && shift
    opts=""
    for o in "$@"; do opts="$opts '$o'"; done
    tmux new-session -d -s "$S" -x 150 -y 50 \
        "env HOME='$HOME' NO_COLOR=1 LC_ALL=C.UTF-8 TERM=xterm $envs '$CWSH' --plugins '$BUILD/plugins' $opts; sleep 30"
    wait_for "cwsh>"
}
stop() {
    tmux send-keys -t "$S" '.quit' Enter
    sleep 0.3
    tmux kill-session -t "$S" 2>/dev/null
}

# markets, stations and inspections in the default database
"$CWSH" --plugins "$BUILD/plugins" -batch <"$ROOT/tests/transcripts/rules/data/markets.sql"
"$CWSH" --plugins "$BUILD/plugins" -batch -c "INSERT INTO market(code, name, unit_id) VALUES ('M9', '新华 菜场', 1)"
cat >slow.cwsh <<'EOF2'
.print slow script begun
= (function() while true do end end)()
.print rest of the script
EOF2

start
is 0 "$?" "the prompt appears"

tmux send-keys -t "$S" '.hel' Tab
wait_for "cwsh> .help"; is 0 "$?" "tab completes a dot-command (.hel -> .help)"
tmux send-keys -t "$S" ' .ti' Tab Enter
wait_for "usage: .timer on|off"; is 0 "$?" "completion inside a line, and .help TOPIC runs"

tmux send-keys -t "$S" 'sel' Tab
wait_for "cwsh> SELECT"; is 0 "$?" "tab completes SQL keywords"
tmux send-keys -t "$S" C-u '= 6 * 7' Enter
wait_for "42"; is 0 "$?" "a Lua expression is evaluated"

# the completed name is on the screen only if completion wrote it
# (the typed text is a prefix of it)
tmux send-keys -t "$S" '.read fixtures/csv/long-e' Tab
wait_for "cwsh> .read fixtures/csv/long-en.csv"; is 0 "$?" "file names complete after .read"
tmux send-keys -t "$S" C-u

tmux send-keys -t "$S" 'expl' Tab
wait_for "cwsh> explain"; is 0 "$?" "tab completes a registered command (expl -> explain)"
tmux send-keys -t "$S" C-u '.schema market_a' Tab
wait_for "cwsh> .schema market_alias"; is 0 "$?" "tab completes a table name after .schema"
tmux send-keys -t "$S" C-u '.indexes insp' Tab
wait_for "cwsh> .indexes inspection"; is 0 "$?" "tab completes a table name after .indexes"
tmux send-keys -t "$S" C-u 'explain 丙' Tab
wait_for "cwsh> explain 丙市场"; is 0 "$?" "tab completes a market name after explain"
# a name with a blank goes in quoted (one word for the command); inside
# a quote the user opened, the quote is closed
tmux send-keys -t "$S" C-u 'explain 新华' Tab
wait_for 'cwsh> explain "新华 菜场"'; is 0 "$?" "a market name with a blank completes quoted"
tmux send-keys -t "$S" C-u 'explain "新华' Tab
wait_for 'cwsh> explain "新华 菜场"'; is 0 "$?" "... and in a quote already open, the quote is closed"
tmux send-keys -t "$S" C-u 'explain M' Tab Tab
wait_re "M1 +M2 +M3 +M4 +M5 +M6"; is 0 "$?" "Tab Tab lists the market codes after explain"
tmux send-keys -t "$S" C-u 'score --market 丁' Tab
wait_for "cwsh> score --market 丁市场"; is 0 "$?" "score --market completes a market, not a period"
tmux send-keys -t "$S" C-u "SELECT count(*) AS f04 FROM v_result WHERE item_code = 'F0" Tab Tab
wait_re "F01 +F02 +F03 +F04 +F05 +F06"; is 0 "$?" "Tab Tab lists checklist item codes where item_code is compared"
# (a ';' ending a word would end tmux's command: \; is a plain ';')
tmux send-keys -t "$S" "4'\\;" Enter
wait_re "│ +f04 │"; is 0 "$?" "the completed statement runs"
tmux send-keys -t "$S" C-l "SELECT 'continued' AS c FROM" Enter "  v_res" Tab
wait_re "\.\.\.> +v_result"; is 0 "$?" "a continuation line completes as SQL (a table after FROM)"
tmux send-keys -t "$S" "LIMIT 1\\;" Enter
wait_for "│ continued │"; is 0 "$?" "the continued statement runs"

# Ctrl-C at the prompt, twice, does not end the session: the answer is a
# line the typed text does not contain (the pane would echo typed keys
# even with cwsh gone)
tmux send-keys -t "$S" 'select 1' C-c
sleep 0.2
tmux send-keys -t "$S" C-c
sleep 0.2
tmux send-keys -t "$S" C-l '= "still" .. " here"' Enter
wait_re "^still here$"; is 0 "$?" "two Ctrl-C at the prompt keep the session"

# Ctrl-C stops a running command and the shell answers the next one
tmux send-keys -t "$S" '.limit instructions 0' Enter
tmux send-keys -t "$S" '= (function() while true do end end)()' Enter
sleep 0.5
tmux send-keys -t "$S" C-c
wait_for "lua:1: interrupted"; is 0 "$?" "Ctrl-C interrupts a running Lua command"
tmux send-keys -t "$S" '= "after"' Enter
wait_for '"after"' || wait_for "after"
screen | grep -qx "after"; is 0 "$?" "the shell answers after an interrupt"

# Ctrl-C stops a long SQL statement (a real SIGINT from the terminal) and
# the shell answers the next command; the line waited for is one only the
# interrupt prints (after the ^C the terminal echoes) and one only the
# answer prints, not the typed text
tmux send-keys -t "$S" C-l 'WITH RECURSIVE c(i) AS (VALUES(1) UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c\;' Enter
sleep 0.5
tmux send-keys -t "$S" C-c
wait_for "error: interrupted"; is 0 "$?" "Ctrl-C interrupts a long SQL statement"
tmux send-keys -t "$S" '= "sql" .. " answered"' Enter
wait_re "^sql answered$"; is 0 "$?" "the shell answers after an interrupted SQL statement"

# Ctrl-C during .read cancels the .read (the rest of the file does not
# run) and returns to the prompt
tmux send-keys -t "$S" C-l '.read slow.cwsh' Enter
wait_for "slow script begun"
sleep 0.3
tmux send-keys -t "$S" C-c
wait_for "'slow.cwsh' interrupted"; is 0 "$?" "Ctrl-C interrupts .read"
tmux send-keys -t "$S" '= "back at the prompt"' Enter
wait_for "back at the prompt"
screen | grep -q "rest of the script"; is 1 "$?" "the rest of the .read file does not run"
screen | grep -qx "back at the prompt"; is 0 "$?" "the shell answers after an interrupted .read"

# Ctrl-C while many rows print stops them (the query is done: the
# output is what stops), says so, and the next result shows every row
# (a write interrupted by the signal had left stdout's error flag set, so
# every later result stopped after its first row)
tmux send-keys -t "$S" C-l 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT x, x FROM c\;' Enter
sleep 1.5
tmux send-keys -t "$S" C-c
wait_for "error: interrupted"; is 0 "$?" "Ctrl-C while rows print stops them and says so"
tmux send-keys -t "$S" C-l 'select 11 as n union all select 22 union all select 33\;' Enter
wait_re '│ 33 │'; is 0 "$?" "the next result prints all its rows"
screen | grep -c '│ [123][123] │' | grep -qx 3; is 0 "$?" "... each of them"

tmux send-keys -t "$S" '= "after"' Enter
stop

# Ctrl-C in a history search (Ctrl-R) ends the search: the line typed
# next runs, not the entry the search had found
printf 'select 1 as first_entry;\ncreate table gone(x);\n' >"$T/hist-s"
start -- --history "$T/hist-s"
tmux send-keys -t "$S" C-r 'create'
wait_for "(reverse-i-search)"
tmux send-keys -t "$S" C-c
sleep 0.3
tmux send-keys -t "$S" '= "typed" .. " line"' Enter
wait_re '^typed line$'; is 0 "$?" "after Ctrl-C in a search, the typed line runs"
tmux send-keys -t "$S" C-l '.tables' Enter
sleep 0.5
screen | grep -q 'gone'; is 1 "$?" "... and the entry the search found did not"
# a line recalled with Up, edited, then dropped with Ctrl-C: the entry
# in history is as it was
tmux send-keys -t "$S" Up C-a 'xx' C-c
sleep 0.3
tmux send-keys -t "$S" C-l '= 7' Enter
wait_re '^7$'
tmux send-keys -t "$S" C-l Up Up
wait_re '^cwsh> [.]tables$'; is 0 "$?" "Ctrl-C on an edited history line leaves the entry as it was"
tmux send-keys -t "$S" C-u
tmux kill-session -t "$S" 2>/dev/null

grep -qx '= 6 \* 7' "$HOME/.cwsh_history"; is 0 "$?" "history is written to ~/.cwsh_history"

# history is there in a new session: Up recalls the last line
start
tmux send-keys -t "$S" Up
wait_for 'cwsh> .quit'; is 0 "$?" "Up arrow recalls the previous session's last line"
tmux send-keys -t "$S" Up
wait_for 'cwsh> = "after"'; is 0 "$?" "older lines are recalled in order"
tmux kill-session -t "$S" 2>/dev/null

# --history FILE: history goes there, not to ~/.cwsh_history
lines_before=$(wc -l <"$HOME/.cwsh_history")
start -- --history "$T/hist-a"
tmux send-keys -t "$S" '= "line for hist-a"' Enter
wait_for "line for hist-a"
stop
grep -qx '= "line for hist-a"' "$T/hist-a"; is 0 "$?" "--history FILE: history is written to FILE"
is "$lines_before" "$(wc -l <"$HOME/.cwsh_history")" "--history FILE: ~/.cwsh_history is left alone"
start -- --history "$T/hist-a"
tmux send-keys -t "$S" Up Up
wait_for 'cwsh> = "line for hist-a"'; is 0 "$?" "--history FILE: Up recalls the previous session's line"
tmux kill-session -t "$S" 2>/dev/null

# $CWSH_HISTORY: the same, without the option
start "CWSH_HISTORY=$T/hist-b"
tmux send-keys -t "$S" '= "line for hist-b"' Enter
wait_for "line for hist-b"
stop
grep -qx '= "line for hist-b"' "$T/hist-b"; is 0 "$?" "\$CWSH_HISTORY: history is written there"
grep -q 'hist-b' "$T/hist-a" "$HOME/.cwsh_history"; is 1 "$?" "\$CWSH_HISTORY: no other history file gets the line"
start "CWSH_HISTORY=$T/hist-b"
tmux send-keys -t "$S" Up Up
wait_for 'cwsh> = "line for hist-b"'; is 0 "$?" "\$CWSH_HISTORY: Up recalls the previous session's line"
tmux kill-session -t "$S" 2>/dev/null
# a statement over several lines is one history entry, recalled whole by
# one Up in the next session (tmux reads a final ';' as its own separator)
start -- --history "$T/hist-m"
tmux send-keys -t "$S" 'SELECT 40 +' Enter
wait_for '...>'
tmux send-keys -t "$S" '2 AS answer\;' Enter
wait_for '42'
stop
printf 'SELECT 40 +\n2 AS answer;\n.quit\n' >expect
grep -v '^#[0-9]' "$T/hist-m" >got
is_file expect got "a multi-line statement is one history entry (timestamp lines between entries)"
start -- --history "$T/hist-m"
tmux send-keys -t "$S" Up Up
wait_re 'cwsh> SELECT 40 \+$'; is 0 "$?" "Up Up recalls the statement, not its last line"
screen | grep -qx '2 AS answer;'; is 0 "$?" "... with its second line"
tmux send-keys -t "$S" Enter
wait_re '│ +42 │'; is 0 "$?" "the recalled statement runs whole"
tmux kill-session -t "$S" 2>/dev/null


# Ctrl-D at the continuation prompt: the statement left open is named,
# not dropped without a word
start
tmux send-keys -t "$S" 'SELECT 1 +' Enter
wait_for '...>'
tmux send-keys -t "$S" C-d
wait_for "incomplete SQL (missing ';'?): SELECT 1 +"; is 0 "$?" "Ctrl-D at the continuation prompt names the statement it drops"
tmux kill-session -t "$S" 2>/dev/null

tmux_done
cleanup_scratch
done_testing
