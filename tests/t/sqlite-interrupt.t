#!/bin/sh
# sqlite-interrupt.t — Ctrl-C (SIGINT) while cwsh runs a script (stdin not
# a terminal) stops the script, as sqlite3 does: the running statement
# fails with "interrupted", nothing after it runs, the exit code is 1 and
# the database is intact.  (At the interactive prompt Ctrl-C cancels only
# the command: tests/t/core-readline.t.)  Owner: sqlite helper.
. tests/lib.sh
scratch

# --- a long SQL statement
cat >long.cwsh <<'EOF2'
CREATE TABLE t(x);
INSERT INTO t VALUES (1);
WITH RECURSIVE c(i) AS (VALUES(1) UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c;
SELECT 'after' AS next, count(*) AS rows FROM t;
INSERT INTO t VALUES (2);
EOF2
"$CWSH" -batch t.db <long.cwsh >out 2>&1 &
pid=$!
# the long statement starts right after the row of line 2 is committed
i=0
until [ "$(sqlite3 t.db 'SELECT count(*) FROM t' 2>/dev/null)" = 1 ] || [ $i -ge 200 ]; do
    sleep 0.05; i=$((i + 1))
done
sleep 0.3
kill -INT "$pid"
if wait_gone "$pid"; then ok "cwsh ended after the interrupt"; else not_ok "cwsh ended after the interrupt"; fi
wait "$pid"
is 1 "$?" "exit code 1: the script was interrupted"
echo '<stdin>:3: interrupted' >want
is_file want out "the long statement is interrupted and the script stops there"
is "$(sqlite3 t.db 'SELECT count(*) FROM t; PRAGMA integrity_check')" "1
ok" "nothing after the interrupted statement ran; the database is intact"

# --- a long Lua command
cat >lua.cwsh <<'EOF2'
.print started
= (function() while true do end end)()
.print not reached
EOF2
"$CWSH" -batch --max-instructions 0 t.db <lua.cwsh >out 2>&1 &
sigint_when $! out started 0.2
is 1 "$?" "a Lua command: exit code 1"
printf 'started\n<stdin>:2: lua:1: interrupted\n' >want
is_file want out "a Lua command is interrupted and the script stops there"

# --- Ctrl-C while cwsh waits for the next line of its input
rm -f fifo; mkfifo fifo
"$CWSH" -batch t.db <fifo >out 2>&1 &
pid=$!
exec 3>fifo
echo "CREATE TABLE u(x);" >&3
i=0
until [ "$(sqlite3 t.db "SELECT count(*) FROM sqlite_schema WHERE name = 'u'" 2>/dev/null)" = 1 ] || [ $i -ge 200 ]; do
    sleep 0.05; i=$((i + 1))
done
sleep 0.2
kill -INT "$pid"
sleep 0.3
( echo "INSERT INTO u VALUES (1);" >&3 ) 2>/dev/null   # SIGPIPE once cwsh is gone
exec 3>&-
wait_gone "$pid"
wait "$pid"
is 1 "$?" "waiting for input: exit code 1"
echo '<stdin>:1: interrupted' >want
is_file want out "waiting for input: the script stops"
is "$(sqlite3 t.db 'SELECT count(*) FROM u')" 0 "waiting for input: the next line does not run"
cleanup_scratch
done_testing
