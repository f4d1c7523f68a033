#!/bin/sh
# The interactive shell through a real pseudo-terminal (tmux): tab
# completion, history across sessions, Ctrl-C at the prompt and during a
# running command.
. tests/lib.sh
scratch
export TMUX_TMPDIR="$T"
S=cwsh-rl-$$
screen() { tmux capture-pane -p -t "$S" | sed 's/[[:space:]]*$//'; }
# wait_for TEXT: poll the screen for up to 5 s
wait_for() {
    i=0
    while [ $i -lt 50 ]; do
        screen | grep -qF -- "$1" && return 0
        sleep 0.1; i=$((i + 1))
    done
    return 1
}
start() {
    tmux new-session -d -s "$S" -x 150 -y 50 \
        "env HOME='$HOME' NO_COLOR=1 LC_ALL=C.UTF-8 TERM=xterm '$CWSH' --plugins '$BUILD/plugins'; sleep 30"
    wait_for "cwsh>"
}

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

tmux send-keys -t "$S" '.read fixtures/' Tab
sleep 0.3
screen | grep -q "cwsh> .read fixtures/.*" ; is 0 "$?" "file names complete after .read"
tmux send-keys -t "$S" C-u

# Ctrl-C at the prompt, twice, does not end the session
tmux send-keys -t "$S" 'select 1' C-c
sleep 0.2
tmux send-keys -t "$S" C-c
sleep 0.2
tmux send-keys -t "$S" '= "still here"' Enter
wait_for "still here"; is 0 "$?" "two Ctrl-C at the prompt keep the session"

# Ctrl-C stops a running command and the shell answers the next one
tmux send-keys -t "$S" '.limit instructions 0' Enter
tmux send-keys -t "$S" '= (function() while true do end end)()' Enter
sleep 0.5
tmux send-keys -t "$S" C-c
wait_for "lua:1: interrupted"; is 0 "$?" "Ctrl-C interrupts a running Lua command"
tmux send-keys -t "$S" '= "after"' Enter
wait_for '"after"' || wait_for "after"
screen | grep -qx "after"; is 0 "$?" "the shell answers after an interrupt"

tmux send-keys -t "$S" '.quit' Enter
sleep 0.3
tmux kill-session -t "$S" 2>/dev/null

grep -qx '= 6 \* 7' "$HOME/.cwsh_history"; is 0 "$?" "history is written to ~/.cwsh_history"

# history is there in a new session: Up recalls the last line
start
tmux send-keys -t "$S" Up
wait_for 'cwsh> .quit'; is 0 "$?" "Up arrow recalls the previous session's last line"
tmux send-keys -t "$S" Up
wait_for 'cwsh> = "after"'; is 0 "$?" "older lines are recalled in order"
tmux kill-session -t "$S" 2>/dev/null
cleanup_scratch
done_testing
