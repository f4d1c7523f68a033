#!/bin/sh
# ledger-rules.t — the rule tests of tests/ledger/rules.lua for the shipped
# rules/ledger.lua (classes, deadlines on the calendar, the responsibility
# chain, recurrence, rechecks) and the DSL's refusals, run inside cwsh.
. tests/lib.sh
scratch
"$CWSH" -rules "$ROOT/rules" -c "lua dofile('$ROOT/tests/ledger/rules.lua')" >out 2>err
is "$?" 0 "the rule tests run"
[ -s err ] && diag <err
while IFS="$(printf '\t')" read -r status what got want; do
    if [ "$status" = ok ]; then ok "$what"
    else not_ok "$what"; printf 'got:  %s\nwant: %s\n' "$got" "$want" | diag; fi
done <out
done_testing
