-- rewards.lua — the rewards for verified public reports (群众举报奖励机制,
-- the work plan's mechanism 4).  Analysts edit it; `reports verify` reads
-- it anew each time, sandboxed like every rule file.  Not part of the
-- scoring rule set.
--
-- reward       a kind of report, the reward per verified report (yuan) and
--              the checklist item the finding it opens is registered under
--              (optional: without one the finding has no item)
-- monthly_cap  the most one person (the contact, else the name) gets for
--              the reports of one month (by the report's date); a report
--              over the cap gets what is left of it, possibly 0
--
-- Amounts from published local schemes (domain.md): 50 yuan for refuse
-- left overnight or damaged facilities, 100 for dumping from a vehicle
-- (with its plate and photos), 200 for illegal collection points and open
-- refuse pits; at most 200 yuan per person a month.

reward { "垃圾隔夜未清", amount = 50, item = "A05" }
reward { "设施损坏", amount = 50, item = "B03" }
reward { "车辆抛洒", amount = 100, item = "A02" }
reward { "非法收集点", amount = 200, item = "A05" }
reward { "露天垃圾坑", amount = 200, item = "A05" }

monthly_cap(200)
