#!/bin/sh
# pg-transcripts.t — transcript tests (tests/transcripts, see
# transcripts.t) run again on the postgres store: each against a fresh
# database on a scratch server (tests/pg.sh), its DB argument (the word
# ending in .db, or :memory:) replaced by the database's connection string, its
# output compared with the same NAME.out the sqlite store must print, or
# with NAME.pg.out where the server's output legitimately differs (ids
# from sequences, never reused).  PG_TRANSCRIPTS lists the ones that run
# on both stores; the transcripts stay one set.
. tests/lib.sh
. tests/pg.sh
pg_need
# Not run on the server, and why:
#   sqlite/db sqlite/dot sqlite/sql    the sqlite store's own: a file, PRAGMA,
#                                      sqlite_schema, .backup to a file, SQLite's dialect
#   core/shell-sql-lines               how SQLite's dialect splits into statements
#                                      (a trigger's BEGIN ... END body) and SQLite's
#                                      error messages
#   plugins/opt-dirdb plugins/opt-notdb  what a path that is a directory or not
#                                      a database does: a file store's question
#   plugins/opt-duplicate plugins/withdrawn
#                                      --plugins DIR with csv and sqlite only, the
#                                      loaded set listed: no postgres plugin to take
#                                      the connection string
#   ledger/undo-atomic                 a SQLite trigger refuses the withdrawal
#                                      (pg-ledger.t does the same on the server)
#   ledger/fk-checks                   SQLite's foreign_keys pragma around the
#                                      ledger's writes (on the server: session_replication_role)
PG_EXCLUDED="sqlite/db sqlite/dot sqlite/sql core/shell-sql-lines
plugins/opt-dirdb plugins/opt-notdb plugins/opt-duplicate plugins/withdrawn ledger/undo-atomic ledger/fk-checks"
given=${PG_TRANSCRIPTS:-}
PG_TRANSCRIPTS=${PG_TRANSCRIPTS:-"
core/bail core/errors core/formats core/modes core/limits core/sandbox core/document
core/command-index core/shell-complete core/shell-dot-usage
rules/score rules/bands rules/caps rules/period-month rules/period-veto rules/periods rules/recheck
rules/frozen rules/reload rules/test rules/targets-dsl rules/targets rules/rank-shown rules/nonfinite
rules/score-restamp rules/rule-tables-stopped
markets/register markets/blank core/help core/shell-values core/shell-dot-bail plugins/refused plugins/refused-bail plugins/sources
sqlite/imports sqlite/tx-lost import/files
ledger/errors ledger/ledger ledger/reports ledger/reports-people ledger/reports-import ledger/imports ledger/replace ledger/order ledger/deadlines
notice/figures notice/notice notice/template notice/trend notice/asof
calendar/check calendar/dates calendar/list calendar/workdays calendar/schedule calendar/meetings calendar/rota
calendar/in-rules ledger/rules-dir rules/grades rules/typos calendar/year-end calendar/rota-days
targets/on-date targets/units targets/checks targets/defaults
"}
# every transcript is run or excluded with its reason above, so that a
# new one is not left out of the server's run unnoticed (not when the
# caller names some: PG_TRANSCRIPTS="AREA/NAME ...")
if [ -z "$given" ]; then
    all=" $(echo $PG_TRANSCRIPTS $PG_EXCLUDED) "
    for in in $(cd "$ROOT/tests/transcripts" && ls */*.cwsh); do
        name=${in%.cwsh}
        case "$all" in *" $name "*) ;; *) not_ok "$name: neither run on postgres nor excluded with a reason" ;; esac
    done
fi
pg_start
n=0
for name in $PG_TRANSCRIPTS; do
    base="$ROOT/tests/transcripts/$name"
    n=$((n + 1))
    scratch
    db=$(pg_newdb "t$n")
    [ -f "$base.setup" ] && . "$base.setup"
    args=""; [ -f "$base.args" ] && args=$(cat "$base.args")
    # the DB word, as the .args file spells it, becomes the server's database
    args=$(printf '%s\n' "$args" | sed -E "s#(^| )([^ ]+\.db|:memory:)( |$)#\1'$db'\3#")
    case "$args" in *"$db"*) ;; *) args="'$db' $args" ;; esac
    want_rc=0; [ -f "$base.rc" ] && want_rc=$(cat "$base.rc")
    eval "\"\$CWSH\" $args" <"$base.cwsh" >actual.raw 2>&1
    rc=$?
    sed -E 's/ in [0-9]+\.[0-9] s/ in T s/g' actual.raw >actual
    want="$base.out"; [ -f "$base.pg.out" ] && want="$base.pg.out"
    # PG_REGEN=1: write what the server gives as the .pg.out when it
    # differs from the .out (review the diff)
    if [ -n "${PG_REGEN:-}" ] && [ "$rc" = "$want_rc" ]; then
        if cmp -s actual "$base.out"; then rm -f "$base.pg.out"; else cp actual "$base.pg.out"; fi
        want="$base.out"; [ -f "$base.pg.out" ] && want="$base.pg.out"
    fi
    if [ "$rc" != "$want_rc" ]; then
        not_ok "$name on postgres: exit code $rc, expected $want_rc"; diff -u "$want" actual | head -40 | diag
    else
        is_file "$want" actual "$name on postgres"
    fi
    cleanup_scratch
done
done_testing
