-- rules/calendar/2027.lua — PROVISIONAL work calendar for 2027.
--
-- The State Council's notice for 2027 (国务院办公厅关于2027年部分节假日安排
-- 的通知) was not available when this file was written.  It holds only the
-- statutory holidays of 《全国年节及纪念日放假办法》 (as revised 2024-11):
-- the fixed dates, and the lunar ones computed: 春节 除夕 and 正月初一 to
-- 初三 (正月初一 = 2027-02-06), 清明 the day of the solar term (2027-04-05),
-- 端午 五月初五 (2027-06-09), 中秋 八月十五 (2027-09-15).  No 调休: the
-- bridging days and the weekend work days are only known from the notice.
-- The make-up days (补假) are certain by law too: article 6 of the
-- 办法 (第六条: 全体公民放假的假日，如果适逢周六、周日，应当在工作日补假)
-- makes up a holiday that falls on a Saturday or Sunday on a working day.
-- In 2027 春节 02-06/02-07, 劳动节 05-01/05-02 and 国庆 10-02/10-03 fall on
-- a weekend; they are made up on the weekdays that follow, as every
-- recent notice has done.  Those days, and any 调休, are to be replaced by
-- the notice's own when it is published.
-- Every command that uses a 2027 date warns that it is provisional.
-- When the notice is published, replace this file as 2026.lua was written.

provisional "2027年放假通知尚未发布：仅含法定假日，无调休"

holiday { "元旦", "2027-01-01" }
holiday { "春节", "2027-02-05", "2027-02-10" }          -- 除夕、正月初一至初三; 02-09, 02-10 补 02-06 (周六), 02-07 (周日), 第六条
holiday { "清明节", "2027-04-05" }
holiday { "劳动节", "2027-05-01", "2027-05-04" }        -- 05-03, 05-04 补 05-01 (周六), 05-02 (周日), 第六条
holiday { "端午节", "2027-06-09" }
holiday { "中秋节", "2027-09-15" }
holiday { "国庆节", "2027-10-01", "2027-10-05" }        -- 10-04, 10-05 补 10-02 (周六), 10-03 (周日), 第六条
