#!/bin/sh
# sqlite-interrupt.t — Ctrl-C (SIGINT) stops the running SQL statement,
# not the session: the statement fails with "interrupted", the next one
# runs, the database is intact.  Owner: sqlite helper.
. tests/lib.sh
scratch
cat >long.cwsh <<'EOF2'
CREATE TABLE t(x);
INSERT INTO t VALUES (1);
WITH RECURSIVE c(i) AS (VALUES(1) UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c;
SELECT 'after' AS next, count(*) AS rows FROM t;
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
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$pid" 2>/dev/null; then kill "$pid"; not_ok "cwsh ended after the interrupt"; else ok "cwsh ended after the interrupt"; fi
wait "$pid"
is 1 "$?" "exit code 1: a statement failed"
cat >want <<'EOF2'
<stdin>:3: interrupted
┌───────┬──────┐
│ next  │ rows │
├───────┼──────┤
│ after │    1 │
└───────┴──────┘
EOF2
is_file want out "the long statement is interrupted, the next one runs"
cleanup_scratch
done_testing
