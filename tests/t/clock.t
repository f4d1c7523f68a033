#!/bin/sh
# clock.t — one clock (README "The clock"): CWSH_NOW decides today for every
# command family that has a default period or date, and the stamps of what
# they record; none of them may fall back to the machine's date.  The dates
# are far from any real "today" the suite runs on, so a command reading
# the system date fails here.
. tests/lib.sh
scratch
export CWSH_INIT= CWSH_HISTORY=
cp -r "$ROOT/rules" rules
"$CWSH" -batch -rules rules t.db ".read $ROOT/tests/transcripts/rules/data/markets.sql" >/dev/null 2>&1

# run CWSH_NOW COMMAND...: the commands in csv mode under that clock, stdout only
run() {
    _now=$1; shift
    { echo ".mode csv"; for c in "$@"; do echo "$c"; done; } |
        CWSH_NOW=$_now "$CWSH" -batch -rules rules t.db 2>/dev/null | tr -d '\r'
}

# --- meetings: the default month
is "2026-10: 0 of 4 due meetings held, 4 missing" \
   "$(CWSH_NOW=2026-10-30 "$CWSH" -batch -rules rules t.db "meetings --team 城东所" 2>&1 >/dev/null)" \
   "meetings without a period: the clock's month"

# --- schedule: the default range and the ics DTSTAMP
# (its weekly meetings and the markets' 督查 of 10-12 and 10-16)
is "2026-10-08 2026-10-12 2026-10-15 2026-10-16 2026-10-22 2026-10-29" \
   "$(run 2026-10-30 "schedule --unit 城西所" | sed 1d | cut -d, -f1 | tr '\n' ' ' | sed 's/ $//')" \
   "schedule without dates: the clock's month"
CWSH_NOW="2026-10-30 10:00:00" "$CWSH" -batch -rules rules t.db "schedule --unit 城西所 --ics w.ics" >/dev/null 2>&1
is "DTSTAMP:20261030T100000Z" "$(grep -m1 '^DTSTAMP' w.ics | tr -d '\r')" "the ics DTSTAMP is the clock's now (TZ=UTC)"

# --- units and plans: the default year; a mark's evidence date
is "城东所,2027" "$(run 2027-03-15 "units --wuyou" | sed -n 2p | cut -d, -f1-2)" "units --wuyou: the clock's year"
run 2027-03-15 "units mark 城东所 有专班 --evidence 城东〔2027〕3号 --by 王芳" >/dev/null
run 2027-03-15 "plans add bureau 市场监管局 年度方案 --by 王芳" >/dev/null
is "bureau,市场监管局,年度方案" "$(run 2028-01-01 "plans --year 2027" | sed -n 2p | cut -d, -f1-3)" \
   "plans add without --year: the clock's year"
is "2027-03-15 00:00:00" "$(run 2027-06-01 "SELECT set_at FROM unit_mark;" | sed 1d)" "a unit mark is stamped by the clock"

# --- targets: --on by default, and the evidence date of targets set
is "on,2027-09-01" "$(run 2027-09-01 "targets show 1.1.3" | grep '^on,')" "targets show: --on is the clock's today"
run 2027-09-01 "targets set 1.1.3 --status 推进中 --evidence 会议纪要 --by 张三" >/dev/null
is "evidence,会议纪要（张三，2027-09-01）" "$(run 2027-09-01 "targets show 1.1.3" | grep '^evidence,')" \
   "targets set: the evidence is dated by the clock"
is "history,2027-09-01 00:00:00 张三: 未启动 → 推进中，会议纪要" \
   "$(run 2027-09-01 "targets show 1.1.3" | grep '^history,')" "targets set: its history too"

# --- meetings recorded and taken back: both stamps by the clock
run 2027-09-01 "meetings add 2027-08-25 城东所" "meetings delete 2027-08-25 城东所 --by 王芳 --reason 录错" >/dev/null
is "城东所,2027-08-25,,,2027-09-01 00:00:00,2027-09-01 00:00:00,王芳,录错" \
   "$(run 2027-09-02 "meetings deleted" | sed 1d)" "recorded_at and deleted_at by the clock"

# --- the notice: dated (and its overdue findings counted) on the clock's today
cp "$ROOT"/scripts/demo/*.csv .
"$CWSH" -rules rules n.db -c "markets import markets.csv" -c "import inspections-2027Q1.csv" \
    -c "import 城东所-2027Q1.csv" >/dev/null 2>&1
"$CWSH" -rules rules n.db -c "notice 2027-B1 --format md --date 2027-03-10" >dated.md 2>/dev/null
CWSH_NOW=2027-03-10 "$CWSH" -rules rules n.db -c "notice 2027-B1 --format md" >clock.md 2>/dev/null
is_file dated.md clock.md "notice without --date: the clock's today"

# --- an invalid CWSH_NOW ends cwsh at start-up (exit 1), before any command
for bad in 2026-02-30 2026-13-01 2026/10/09 garbage "2026-10-09 24:00:00"; do
    out=$(CWSH_NOW=$bad "$CWSH" -batch -rules rules t.db "SELECT 1;" 2>&1); rc=$?
    is "1 cwsh: CWSH_NOW '$bad' is not a date (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)" "$rc $out" \
       "CWSH_NOW '$bad' is refused at start-up"
done
is "2026-10-09 10:00:00" "$(CWSH_NOW="2026-10-09 10:00:00" "$CWSH" -batch -rules rules t.db 'lua print(require("clock").now())' 2>&1)" \
   "CWSH_NOW with a time is the clock"

cleanup_scratch
done_testing
