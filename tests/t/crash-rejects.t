#!/bin/sh
# An import killed with SIGKILL while it wrote its bad rows leaves
# FILE.rejects.csv.PID.tmp behind; the next import of FILE removes those
# whose PID is no running process, and keeps a live one's and any other
# file.
. tests/lib.sh
scratch
export CWSH_INIT= CWSH_HISTORY=
RULES='lua package.loaded.rules = dofile("fixtures/csv/rules.lua")'
cp "$FIX/csv/long-en.csv" s.csv
sed -i '3s/,合格,/,maybe,/' s.csv

# a PID that no process has (the highest ones are free on any system we run on)
dead=$(( $(cat /proc/sys/kernel/pid_max) - 1 ))
while kill -0 "$dead" 2>/dev/null; do dead=$((dead - 1)); done
sleep 300 & live=$!
for p in "$dead" "$live"; do echo stale >"s.csv.rejects.csv.$p.tmp"; done
echo other >s.csv.rejects.csv.x1.tmp
echo other >other.csv.rejects.csv."$dead".tmp

printf '%s\nimport s.csv --add-markets\n' "$RULES" | "$CWSH" t.db >/dev/null 2>err
is 1 "$?" "an import with a bad row: exit 1"
[ -f s.csv.rejects.csv ] && ok "... writes its rejects file" || not_ok "... writes its rejects file"
[ ! -e "s.csv.rejects.csv.$dead.tmp" ] && ok "the temporary of a process that is gone is removed" \
    || not_ok "the temporary of a process that is gone is removed"
[ -f "s.csv.rejects.csv.$live.tmp" ] && ok "... a running process's is kept" || not_ok "... a running process's is kept"
[ -f s.csv.rejects.csv.x1.tmp ] && [ -f other.csv.rejects.csv."$dead".tmp ] && ok "... other names are kept" \
    || not_ok "... other names are kept"
is "" "$(ls -A | grep '\.tmp$' | grep -v "^s.csv.rejects.csv.$live.tmp\$\|x1.tmp\|^other" )" "... and this run left none of its own"
kill "$live" 2>/dev/null

cleanup_scratch
done_testing
