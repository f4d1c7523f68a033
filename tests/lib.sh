# tests/lib.sh — shared helpers for TAP test scripts in tests/t/.
# Source it from a .t file run by prove from the repository root.
# Every test gets a fresh scratch directory as its cwd and its own HOME, so
# the default database (~/.local/share/cwsh/cwsh.db) and history are fresh.
set -u
ROOT=$(pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
# CWSH_RUN: another way to start it (make check-valgrind runs it under memcheck)
CWSH=${CWSH_RUN:-$BUILD/cwsh}
FIX="$ROOT/tests/fixtures"
_tap_n=0
_tap_fail=0

scratch() {   # scratch: a new empty cwd with its own HOME
    T=$(mktemp -d "${TMPDIR:-/tmp}/cwsh-test.XXXXXX")
    cd "$T" || exit 1
    ln -s "$FIX" fixtures
    export HOME="$T/home"; mkdir -p "$HOME"
    export NO_COLOR=1 LC_ALL=C.UTF-8 TZ=UTC
}
cleanup_scratch() { cd "$ROOT"; [ -n "${T:-}" ] && rm -rf "$T"; }

ok()   { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
not_ok() { _tap_n=$((_tap_n + 1)); _tap_fail=$((_tap_fail + 1)); echo "not ok $_tap_n - $*"; }
diag() { sed 's/^/# /'; }

# wait_gone PID: up to 10 s for the process to end; 0 when it did (else
# it is killed, 1)
wait_gone() {
    _w=0
    while kill -0 "$1" 2>/dev/null && [ $_w -lt 100 ]; do sleep 0.1; _w=$((_w + 1)); done
    if kill -0 "$1" 2>/dev/null; then kill "$1"; return 1; fi
    return 0
}
# sigint_when PID FILE TEXT SECONDS: once FILE holds TEXT (10 s at most),
# SIGINT (Ctrl-C) to the background job PID SECONDS later; its exit code
sigint_when() {
    _w=0
    until grep -q "$3" "$2" 2>/dev/null || [ $_w -ge 200 ]; do sleep 0.05; _w=$((_w + 1)); done
    sleep "$4"
    kill -INT "$1"
    wait_gone "$1"
    wait "$1"
}
done_testing() { echo "1..$_tap_n"; [ "$_tap_fail" -eq 0 ]; }

# is EXPECTED_FILE ACTUAL_FILE NAME: pass when identical, else show a diff.
is_file() {
    if cmp -s "$1" "$2"; then ok "$3"; else not_ok "$3"; diff -u "$1" "$2" | head -60 | diag; fi
}
# is "expected" "actual" NAME
is() {
    if [ "$1" = "$2" ]; then ok "$3"; else
        not_ok "$3"; { echo "expected: $1"; echo "     got: $2"; } | diag; fi
}

# Driving the interactive shell through tmux: the test sets S (the session
# name) and TMUX_TMPDIR (the server's socket, inside the scratch dir).
# tmux_keep: a session that keeps the server up between the test's own
# sessions (when the last session goes the server exits, and a session
# started at that moment can reach the dying server and be lost);
# tmux_done at the end stops the server.
tmux_keep() { tmux new-session -d -s keeper -x 20 -y 5 'sleep 600'; }
tmux_done() { tmux kill-server 2>/dev/null; }
screen() { tmux capture-pane -p -t "$S" | sed 's/[[:space:]]*$//'; }
# wait_screen -F|-E TEXT: poll the screen for TEXT (fixed or extended
# regular expression) for up to 5 s
wait_screen() {
    _w=0
    while [ $_w -lt 50 ]; do
        screen | grep -q "$1" -- "$2" && return 0
        sleep 0.1; _w=$((_w + 1))
    done
    return 1
}
wait_for() { wait_screen -F "$1"; }
wait_re() { wait_screen -E "$1"; }
