# tests/pg.sh — a scratch PostgreSQL server for the postgres store's
# tests.  Source it after tests/lib.sh.  pg_start runs initdb and pg_ctl
# on a fresh directory under /tmp, listening on a Unix socket there only
# (no TCP, no system service), and arranges that pg_stop runs when the
# test exits, passes or fails.  initdb refuses to run as root, and CI
# runs as root: then the server runs as `nobody` through runuser.
# Without the PostgreSQL binaries (PGBIN) or the postgres plugin the test
# is reported skipped, by name.
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

# pg_need: skip the whole test unless a server can be started.
pg_need() {
    if [ ! -x "$PGBIN/initdb" ] || [ ! -x "$PGBIN/pg_ctl" ]; then
        echo "1..0 # SKIP $(basename "$0"): no PostgreSQL binaries in $PGBIN"; exit 0
    fi
    if [ ! -f "$BUILD/plugins/postgres.so" ]; then
        echo "1..0 # SKIP $(basename "$0"): the postgres plugin was not built"; exit 0
    fi
}

# _pg_as CMD...: run CMD as the server's user.
_pg_as() {
    if [ "$(id -u)" = 0 ]; then runuser -u "$PGRUNAS" -- "$@"; else "$@"; fi
}

pg_start() {
    PGDIR=$(mktemp -d /tmp/cwsh-pg.XXXXXX)
    PGRUNAS=nobody
    chmod 755 "$PGDIR"
    [ "$(id -u)" = 0 ] && chown "$PGRUNAS" "$PGDIR"
    trap pg_stop EXIT
    # a signal (Ctrl-C, a closed pipe: `... | head`) stops the server too
    trap 'exit 130' INT TERM HUP
    trap 'exit 141' PIPE
    if ! _pg_as "$PGBIN/initdb" -D "$PGDIR/data" -U cwsh --auth=trust -E UTF8 --no-locale \
            --no-sync >"$PGDIR/initdb.log" 2>&1; then
        echo "Bail out! initdb failed:"; sed 's/^/# /' "$PGDIR/initdb.log"; exit 1
    fi
    if ! _pg_as "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -s \
            -o "-k $PGDIR -c listen_addresses= -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
            start >/dev/null 2>&1; then
        echo "Bail out! the server did not start:"; sed 's/^/# /' "$PGDIR/server.log"; exit 1
    fi
    export PGHOST="$PGDIR" PGUSER=cwsh PGDATABASE=postgres
    unset PGPORT PGPASSWORD
}

pg_stop() {
    [ -n "${PGDIR:-}" ] || return 0
    _pg_as "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate -s stop >/dev/null 2>&1
    rm -rf "$PGDIR"
    PGDIR=
}

# pg_sql SQL: run SQL on database ${2:-postgres} with psql, unaligned, no header.
pg_sql() { PGOPTIONS="-c client_min_messages=warning" "$PGBIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -d "${2:-postgres}" -c "$1"; }

# pg_newdb NAME: a fresh empty database; prints its connection string.
pg_newdb() {
    pg_sql "DROP DATABASE IF EXISTS \"$1\"" >/dev/null && pg_sql "CREATE DATABASE \"$1\"" >/dev/null
    echo "postgresql://cwsh@/$1?host=$PGDIR"
}
