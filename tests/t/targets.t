#!/bin/sh
# targets.t — rules/targets.lua's validation: each mistake refused with its
# file:line and why; the default table loads (every task, a third with checks).
. tests/lib.sh
scratch

# targets_err 'TASK SOURCE' -> what `targets` says about a table of that one line
# (after a valid first task, so the line is 2)
targets_err() {
    rm -rf r && cp -r "$ROOT/rules" r
    printf 'task { "1", "ok", lead = "x" }\n%s\n' "$1" >r/targets.lua
    "$CWSH" -batch -rules r t.db "targets --on 2027-03-01" 2>&1 >/dev/null | sed 's/^[^:]*cwsh: //'
}

is 'r/targets.lua:2: duplicate task code 1 (first declared at r/targets.lua:1)' \
   "$(targets_err 'task { "1", "again", lead = "x" }')" "duplicate code"
is 'r/targets.lua:2: task code must be numbers joined by dots ("3.2.1"), not "3..1"' \
   "$(targets_err 'task { "3..1", "t", lead = "x" }')" "bad code"
is 'r/targets.lua:2: task 2 has no lead unit (lead = "...", 牵头)' \
   "$(targets_err 'task { "2", "t" }')" "no lead"
is 'r/targets.lua:2: task 2 has no title' \
   "$(targets_err 'task { "2", lead = "x" }')" "no title"
is 'r/targets.lua:2: task 2: deadline must be a date YYYY-MM-DD, not 2027/06/30' \
   "$(targets_err 'task { "2", "t", lead = "x", deadline = "2027/06/30" }')" "bad deadline"
is 'r/targets.lua:2: task 2: phase must be { "YYYY-MM-DD", "YYYY-MM-DD" }, its start first' \
   "$(targets_err 'task { "2", "t", lead = "x", phase = { "2027-12-31", "2027-01-01" } }')" "phase backwards"
is 'r/targets.lua:2: task 2: give a deadline or a phase, not both' \
   "$(targets_err 'task { "2", "t", lead = "x", deadline = "2027-01-01", phase = { "2027-01-01", "2027-02-01" } }')" "deadline and phase"
is 'r/targets.lua:2: task 2: level must be bureau, unit or market, not city' \
   "$(targets_err 'task { "2", "t", lead = "x", level = "city" }')" "bad level"
is 'r/targets.lua:2: task 2: check must be a function(d)' \
   "$(targets_err 'task { "2", "t", lead = "x", check = 3 }')" "check not a function"
is 'r/targets.lua:2: task 2: support must be a list of units' \
   "$(targets_err 'task { "2", "t", lead = "x", support = { 1 } }')" "bad support"
is 'r/targets.lua:2: undefined global '"'"'item'"'"'' \
   "$(targets_err 'item { "2", "t" }')" "only task is the DSL"
is 'r/targets.lua:2: unit_marks: 有计划 is listed twice' \
   "$(targets_err 'unit_marks { "有计划", "有计划" }')" "a mark twice"
is 'r/targets.lua:2: unit_marks expects a list of marks: unit_marks { "有专班", "有计划" }' \
   "$(targets_err 'unit_marks {}')" "no marks"
is 'r/targets.lua:2: unit_marks: each mark is a word' \
   "$(targets_err 'unit_marks { "有专班", 3 }')" "a mark not a word"
is 'r/targets.lua:3: unit_marks is declared twice (first at line 2)' \
   "$(targets_err 'unit_marks { "有专班" }
unit_marks { "有计划" }')" "unit_marks twice"
is 'r/targets.lua:2: upgrade_items expects a list of facility items: upgrade_items { "地面", "货台" }' \
   "$(targets_err 'upgrade_items "地面"')" "upgrade_items not a list"
is 'r/targets.lua:2: upgrade_items: 地面 is listed twice' \
   "$(targets_err 'upgrade_items { "地面", "货台", "地面" }')" "an upgrade item twice"
is 'r/targets.lua:2: upgrade_items: each item is a word' \
   "$(targets_err 'upgrade_items { "" }')" "an empty upgrade item"
is 'r/targets.lua:3: upgrade_items is declared twice (first at line 2)' \
   "$(targets_err 'upgrade_items { "地面" }
upgrade_items { "货台" }')" "upgrade_items twice"
# a misspelt or unknown field is refused, not dropped (the task would lose its deadline)
is 'r/targets.lua:2: task 2: unknown field dealine; did you mean deadline? (fields: area, level, target, measures, lead, support, person, standard, deadline, phase, pace, check)' \
   "$(targets_err 'task { "2", "t", lead = "x", dealine = "2027-03-31" }')" "a misspelt field"
is 'r/targets.lua:2: task 2: unknown field frobnicate (fields: area, level, target, measures, lead, support, person, standard, deadline, phase, pace, check)' \
   "$(targets_err 'task { "2", "t", lead = "x", frobnicate = 1 }')" "an unknown field"
is 'r/targets.lua:2: task 2: unknown field [3] (fields: area, level, target, measures, lead, support, person, standard, deadline, phase, pace, check)' \
   "$(targets_err 'task { "2", "t", "x" }')" "a third positional value"
# a date that names no day is refused
is 'r/targets.lua:2: task 2: deadline 2027-02-30 is not a day of the calendar' \
   "$(targets_err 'task { "2", "t", lead = "x", deadline = "2027-02-30" }')" "deadline 2027-02-30"
is 'r/targets.lua:2: task 2: deadline 2027-13-01 is not a day of the calendar' \
   "$(targets_err 'task { "2", "t", lead = "x", deadline = "2027-13-01" }')" "deadline in month 13"
is 'r/targets.lua:2: task 2: phase end 2027-04-31 is not a day of the calendar' \
   "$(targets_err 'task { "2", "t", lead = "x", phase = { "2027-01-01", "2027-04-31" } }')" "phase end 2027-04-31"
is 'r/targets.lua:2: task 2: phase start 2026-02-29 is not a day of the calendar' \
   "$(targets_err 'task { "2", "t", lead = "x", phase = { "2026-02-29", "2027-04-30" } }')" "2026 is no leap year"
is '' "$(targets_err 'task { "2", "t", lead = "x", deadline = "2028-02-29" }')" "2028-02-29 is a day"
is 'r/targets.lua:2: task 2: pace must be phase, deadline or to_date, not weekly' \
   "$(targets_err 'task { "2", "t", lead = "x", pace = "weekly" }')" "bad pace"
is 'r/targets.lua:2: task 2: pace = "to_date" needs a check (that counts what was due up to the day)' \
   "$(targets_err 'task { "2", "t", lead = "x", pace = "to_date" }')" "to_date without a check"
is 'r/targets.lua:2: instruction budget exceeded (1000000 instructions)' \
   "$(targets_err 'while true do end')" "an endless file stops"

# a rules directory without a targets table
rm -rf r && cp -r "$ROOT/rules" r && rm r/targets.lua
is 'no targets table: r/targets.lua does not exist' \
   "$("$CWSH" -batch -rules r t.db targets 2>&1 >/dev/null | sed 's/^[^:]*cwsh: //')" "no targets.lua"
# the rule set leaves targets.lua out: scoring loads beside a broken one
printf 'task {\n' >r/targets.lua
is "rules 2027 (" "$("$CWSH" -batch -rules r t.db .rules 2>&1 | head -1 | cut -c1-12)" "rule set loads beside targets.lua"
# the default table: at least 25 tasks, a third with a check, every one loads
"$CWSH" -batch -csv -rules "$ROOT/rules" t.db "targets --on 2027-03-01" >all.csv 2>err.txt
# the one message: task 5.4.1 counts the meetings due in 2027, whose calendar is provisional
is "warning: rules/calendar/2027.lua is provisional (2027年放假通知尚未发布：仅含法定假日，无调休): its holidays are the statutory days only, without 调休; replace it with the State Council's notice for 2027" \
   "$(cat err.txt)" "the default table loads, flagging the provisional 2027 calendar only"
n=$(tail -n +2 all.csv | wc -l | tr -d ' ')
c=$(grep -c 'check = function' "$ROOT/rules/targets.lua")
[ "$n" -ge 25 ] && ok "default tasks: $n (at least 25)" || not_ok "default tasks: $n (at least 25)"
[ $((c * 3)) -ge "$n" ] && ok "checks: $c of $n (a third)" || not_ok "checks: $c of $n (a third)"
cleanup_scratch
done_testing
