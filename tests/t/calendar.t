#!/bin/sh
# calendar and schedule: stdout is data, the warnings are on stderr.  Every output mode
# of `calendar YEAR --month M`, `calendar workdays`, `calendar` and `schedule` prints on
# stdout what python3's json / csv modules parse; the provisional 2027 and
# the beyond-the-last-year 2028 warnings are on stderr, exactly, and not on
# stdout.
. tests/lib.sh
scratch
export CWSH_INIT= CWSH_HISTORY=
cat >check.py <<'PY'
import csv, json, sys
mode, path, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = open(path, encoding='utf-8').read()
rows = json.loads(text) if mode == 'json' else list(csv.DictReader(text.splitlines()))
if len(rows) != want:
    sys.exit('%d rows, expected %d' % (len(rows), want))
PY
for mode in json csv; do
    for c in "calendar 2026 --month 2:28" "calendar 2025:365" "calendar workdays 2026-02-01 2026-02-28:1" "calendar:3" \
             "schedule 2026-10:28" "schedule 2026-01-01 2026-01-31 --unit 领导小组:3"; do
        cmd=${c%:*}; n=${c##*:}
        "$CWSH" --mode $mode -c "$cmd" :memory: >out 2>err; rc=$?
        is 0 "$rc" "$mode: $cmd: exit code"
        if msg=$(python3 check.py $mode out "$n" 2>&1); then ok "$mode: $cmd: stdout parses, $n rows"
        else not_ok "$mode: $cmd: $msg"; head -5 out | diag; fi
    done
done
"$CWSH" --mode csv -c "calendar workdays 2027-12-30 2028-01-04" :memory: >out 2>err
cat >expect <<'EOF2'
warning: rules/calendar/2027.lua is provisional (2027年放假通知尚未发布：仅含法定假日，无调休): its holidays are the statutory days only, without 调休; replace it with the State Council's notice for 2027
warning: 2028 is beyond the last calendar year loaded (2027): counted with weekends only, no holidays; add rules/calendar/2028.lua
EOF2
is_file expect err "the provisional and beyond-the-last-year warnings on stderr"
is "from,to,days,workdays|2027-12-30,2028-01-04,6,4" "$(tr -d '\r' <out | paste -sd'|')" "stdout holds the data only"
# 2026 is published: no warning at all
"$CWSH" --mode json -c "calendar 2026 --month 10" :memory: >out 2>err
is "" "$(cat err)" "a published year warns about nothing"
# a year without a file is warned about naming the rules directory the
# calendar came from, not rules/ whatever it is
cp -r "$ROOT/rules" r2 && rm r2/calendar/2026.lua
"$CWSH" -rules r2 --mode csv -c "calendar workdays 2026-06-01 2026-06-02" -c "calendar workdays 2028-01-03 2028-01-04" :memory: >out 2>err
cat >expect <<'EOF2'
warning: 2026 has no calendar file (r2/calendar/2026.lua): counted with weekends only, no holidays
warning: 2028 is beyond the last calendar year loaded (2027): counted with weekends only, no holidays; add r2/calendar/2028.lua
EOF2
is_file expect err "a missing year names the rules directory in use (-rules r2)"
cleanup_scratch
done_testing
