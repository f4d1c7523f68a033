-- rules/calendar/2027.lua — PROVISIONAL work calendar for 2027.
--
-- The State Council's notice for 2027 (国务院办公厅关于2027年部分节假日安排
-- 的通知) was not available when this file was written.  It holds only the
-- statutory holidays of 《全国年节及纪念日放假办法》 (as revised 2024-11):
-- the fixed dates, and the lunar ones computed: 春节 除夕 and 正月初一 to
-- 初三 (正月初一 = 2027-02-06), 清明 the day of the solar term (2027-04-05),
-- 端午 五月初五 (2027-06-09), 中秋 八月十五 (2027-09-15).  No 调休: the
-- bridging days and the weekend work days are only known from the notice.
-- Every command that uses a 2027 date warns that it is provisional.
-- When the notice is published, replace this file as 2026.lua was written.

provisional "2027年放假通知尚未发布：仅含法定假日，无调休"

holiday { "元旦", "2027-01-01" }
holiday { "春节", "2027-02-05", "2027-02-08" }          -- 除夕、正月初一至初三
holiday { "清明节", "2027-04-05" }
holiday { "劳动节", "2027-05-01", "2027-05-02" }
holiday { "端午节", "2027-06-09" }
holiday { "中秋节", "2027-09-15" }
holiday { "国庆节", "2027-10-01", "2027-10-03" }
