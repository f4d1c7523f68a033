-- ledger.lua — the problem ledger (台账): which inspections open findings,
-- how long each kind of problem has to be fixed, who answers for it and
-- who fixes it, when a problem counts as recurring, and what a recheck
-- does.  Analysts edit it; it is read anew by every ledger command and
-- import (no reload needed), sandboxed like every rule file.  Not part of
-- the scoring rule set: its hash does not change scores.
--
-- opens      the inspection kinds (of rules/domain.lua) whose lost items
--            open a finding (立项) when they are imported; add "自查" to
--            register the markets' self-checks too
-- severity   a class of problem and its deadline in work days on the
--            calendar (rules/calendar/YYYY.lua); days = 0 is 立行立改, due
--            the day it is found.  An item's class is its `severity` in
--            the checklist (rules/checklist.lua); items = {...} here moves
--            items to a class; the default class takes items with none
-- deadline_words  what a sheet's 整改期限 column may say instead of a date,
--            as work days; "N天", "N日" and "N个工作日" are read as N work
--            days without being listed.  A date in the column is the
--            deadline itself.
-- accountable, assigned  the responsibility chain, in order: the first
--            link the market's data holds answers for the finding
--            (accountable) or is given it to fix (assigned).  Links:
--              管理员    persons with role 管理员 in the market's operator
--              保洁员    persons with role 保洁员 in the market's operator
--              主办单位  the market's operator (unit)
--              所        the market's station (unit)
--              包所领导  the person who 包所 the station (assignment)
--              包挂部门  the department that 包挂 the market (assignment;
--                        its person when the assignment names one)
--            category = "环境卫生" or items = {...} gives some items their
--            own order (the first matching declaration wins, the one
--            without category or items is the default).
-- recurrence a finding of the same item at the same market within `days`
--            calendar days after an earlier one links to it and counts it
-- recheck    kinds: a later inspection of these kinds that passes the item
--            records a 复查 on the open finding and moves it to 待复查;
--            closes: kinds whose recheck closes (销号) it directly (a
--            supervisor's); empty: every recheck waits for `ledger verify`

opens { "督查", "全面督查", "暗访" }

-- cleaning and notice faults the same day, ordinary problems 3 work
-- days, facility repairs 7, construction 30 (domain.md)
severity { "立行立改", days = 0 }
severity { "3天", days = 3, default = true }
severity { "7天", days = 7 }
severity { "30天", days = 30 }

deadline_words { ["立行立改"] = 0, ["立即整改"] = 0, ["当日"] = 0, ["当天"] = 0, ["即时"] = 0 }

accountable { "管理员", "主办单位", "所" }
assigned { "管理员", "主办单位", "所" }
assigned { "保洁员", "管理员", "主办单位", "所", category = "环境卫生" }

recurrence { days = 90 }

recheck { kinds = { "督查", "全面督查", "暗访" }, closes = {} }
