#!/bin/sh
# pg-transcripts.t — transcript tests (tests/transcripts, see
# transcripts.t) run again on the postgres store: each against a fresh
# database on a scratch server (tests/pg.sh), its DB argument (the word
# ending in .db, or :memory:) replaced by the database's connection string, its
# output compared with the same NAME.out the sqlite store must print.
# PG_TRANSCRIPTS lists the ones that pass on both stores: the list grows
# as the postgres store does, the transcripts stay one set.
. tests/lib.sh
. tests/pg.sh
pg_need
PG_TRANSCRIPTS=${PG_TRANSCRIPTS:-"
core/bail core/errors core/formats core/modes core/limits core/sandbox
rules/score rules/bands rules/caps rules/period-month rules/period-veto rules/periods rules/recheck
rules/frozen rules/reload rules/test rules/targets-dsl rules/targets
markets/register core/help core/shell-values core/shell-dot-bail plugins/refused
ledger/errors ledger/ledger ledger/reports notice/figures
calendar/check calendar/dates calendar/list calendar/workdays calendar/schedule calendar/meetings calendar/rota
"}
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
    if [ "$rc" != "$want_rc" ]; then
        not_ok "$name on postgres: exit code $rc, expected $want_rc"; diff -u "$base.out" actual | head -40 | diag
    else
        is_file "$base.out" actual "$name on postgres"
    fi
    cleanup_scratch
done
done_testing
