-- rules/calendar/2026.lua — the work calendar for 2026.
--
-- Source: 国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日，
-- 新华社发布）.  Every date below was checked against two published copies
-- of the notice.  A day not declared here is a 工作日 (Monday to Friday) or a
-- 周末.  The declarations are described in rules/calendar/2025.lua.

notice "国务院办公厅关于2026年部分节假日安排的通知（2025-11-04）"

holiday { "元旦", "2026-01-01", "2026-01-03" }          -- 共3天
workday { "2026-01-04", "元旦" }                        -- 周日
holiday { "春节", "2026-02-15", "2026-02-23" }          -- 腊月二十八至正月初七，共9天
workday { "2026-02-14", "春节" }                        -- 周六
workday { "2026-02-28", "春节" }                        -- 周六
holiday { "清明节", "2026-04-04", "2026-04-06" }        -- 共3天
holiday { "劳动节", "2026-05-01", "2026-05-05" }        -- 共5天
workday { "2026-05-09", "劳动节" }                      -- 周六
holiday { "端午节", "2026-06-19", "2026-06-21" }        -- 共3天
holiday { "中秋节", "2026-09-25", "2026-09-27" }        -- 共3天
holiday { "国庆节", "2026-10-01", "2026-10-07" }        -- 共7天
workday { "2026-09-20", "国庆节" }                      -- 周日
workday { "2026-10-10", "国庆节" }                      -- 周六
