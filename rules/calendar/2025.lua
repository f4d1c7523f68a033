-- rules/calendar/2025.lua — the work calendar for 2025.
--
-- Source: 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，
-- 2024年11月12日，https://www.gov.cn/zhengce/content/202411/content_6986382.htm）.
-- Every date below was checked against two published copies of the notice.
-- A day not declared here is a 工作日 (Monday to Friday) or a 周末.
--
--   notice "..."                  the notice the file transcribes
--   holiday { NAME, FROM [, TO] } the days off, TO included
--   workday { DATE, NAME }        a weekend day declared a work day (调休上班)
--                                 for the holiday NAME

notice "国办发明电〔2024〕12号（2024-11-12）"

holiday { "元旦", "2025-01-01" }                        -- 1月1日（周三）放假1天，不调休
holiday { "春节", "2025-01-28", "2025-02-04" }          -- 除夕至正月初七，共8天
workday { "2025-01-26", "春节" }                        -- 周日
workday { "2025-02-08", "春节" }                        -- 周六
holiday { "清明节", "2025-04-04", "2025-04-06" }        -- 共3天
holiday { "劳动节", "2025-05-01", "2025-05-05" }        -- 共5天
workday { "2025-04-27", "劳动节" }                      -- 周日
holiday { "端午节", "2025-05-31", "2025-06-02" }        -- 共3天
holiday { "国庆节、中秋节", "2025-10-01", "2025-10-08" } -- 中秋节10月6日，合并放假8天
workday { "2025-09-28", "国庆节、中秋节" }              -- 周日
workday { "2025-10-11", "国庆节、中秋节" }              -- 周六
