#!/bin/sh
# sqlite-connstr.t — the database is a connection string: a path, or
# sqlite:PATH / sqlite://PATH; another store kind's is refused by name;
# the store says it is embedded (cwsh.store()).
. tests/lib.sh
scratch
"$CWSH" sqlite:a.db -c "CREATE TABLE t(x); INSERT INTO t VALUES (1)" >out 2>&1
is 0 "$?" "sqlite:PATH opens (creates) PATH"
is 1 "$(sqlite3 a.db 'SELECT count(*) FROM t')" "the file is a.db"
"$CWSH" sqlite://a.db -c "SELECT count(*) AS n FROM t" -csv >out 2>&1
printf 'n\r\n1\r\n' >want
is_file want out "sqlite://PATH names the same file"
"$CWSH" a.db -c "SELECT count(*) AS n FROM t" -csv >out 2>&1
is_file want out "and so does the plain path"
# without the postgres plugin, a server's connection string reaches the
# sqlite store, which refuses it by name
mkdir sqlite-only && ln -s "$BUILD/plugins/sqlite.so" sqlite-only/
"$CWSH" --plugins sqlite-only postgresql://localhost/cwsh -c "SELECT 1" >out 2>&1
is 1 "$?" "another store kind's connection string: exit code 1"
echo "cwsh: cannot open database 'postgresql://localhost/cwsh': the sqlite store opens a file (PATH or sqlite:PATH), not a 'postgresql' server" >want
is_file want out "it is refused, naming the kind"
"$CWSH" --plugins sqlite-only postgres:cwsh -c "SELECT 1" >out 2>&1
echo "cwsh: cannot open database 'postgres:cwsh': the sqlite store opens a file (PATH or sqlite:PATH), not a 'postgres' server" >want
is_file want out "so is SCHEME:REST, not taken for a file name"
"$CWSH" --db sqlite:b.db -c "CREATE TABLE t(x)" >out 2>&1
is 0 "$?" "--db names the database"
is 1 "$(sqlite3 b.db "SELECT count(*) FROM sqlite_schema WHERE name = 't'")" "--db sqlite:b.db is b.db"
"$CWSH" a.db -c '= cwsh.store().name .. " " .. tostring(cwsh.store().server)' >out 2>&1
echo "sqlite false" >want
is_file want out "the store says its name and that it is embedded, not a server"
cleanup_scratch
done_testing
