-- rules/schedule.lua — the work plan's recurring events, on the work
-- calendar (rules/calendar/YYYY.lua).  Loaded by core/lua/schedule.lua;
-- `schedule` lists the occurrences, `schedule --ics FILE` exports them.
--
--   meeting { NAME, unit = UNIT, weekday = "周一".."周日", time = "HH:MM",
--             minutes = 60, on_holiday = "next" | "previous" | "skip" }
--   round { NAME, every = MONTHS, start = MONTH | "YYYY-MM", day = DAY,
--           notice = WORKDAYS, report = WORKDAYS, time = "HH:MM",
--           minutes = 240, on_holiday = ... }
--   inspect { NAME, markets = "key" | "other" | "all", tier = TIER, every = "week" | "month" }
--   inspectors { role = ROLE }
--
-- An event on a day that is not a work day moves as on_holiday says; a
-- weekend day declared a work day (调休上班) is a work day.

-- every 专班 meets weekly (work plan: "各所、分局…的创卫专班也要坚持周例会
-- 制度"): the bureau's and each station's
meeting { "专班周例会", unit = "市场监管局", weekday = "周一", time = "09:00", minutes = 60 }
meeting { "城东所专班周例会", unit = "城东所", weekday = "周三", time = "15:00", minutes = 60 }
meeting { "城西所专班周例会", unit = "城西所", weekday = "周四", time = "15:00", minutes = 60 }
meeting { "城南所专班周例会", unit = "城南所", weekday = "周四", time = "09:30", minutes = 60 }
meeting { "城北所专班周例会", unit = "城北所", weekday = "周三", time = "09:30", minutes = 60 }
meeting { "开发区分局专班周例会", unit = "开发区分局", weekday = "周二", time = "15:00", minutes = 60 }
meeting { "新区分局专班周例会", unit = "新区分局", weekday = "周二", time = "09:30", minutes = 60 }

-- the leading group's comprehensive round every two months, on the 10th
-- (the next work day when that is not one), its notice 5 work days before
-- and its 通报 5 work days after (work plan: "每两月以全面督查、通报的形式")
round { "全面督查", unit = "领导小组", every = 2, start = 1, day = 10, notice = 5, report = 5 }

-- the inspection rota, spread over each week's or month's work days; who
-- goes comes from the 区域机制 table (assignment: 包所 leaders, 包挂市场
-- departments).  Key markets weekly, the others monthly, and markets in
-- the 下游 tier of the latest ranking weekly too.
inspect { "重点市场督查", markets = "key", every = "week" }
inspect { "日常督查", markets = "other", every = "month" }
inspect { "下游市场加密督查", tier = "下游", every = "week" }

-- who inspects: each station's 干部 (table person, role 干部) take its
-- visits in turn, so a week's visits spread over them as over the days
inspectors { role = "干部" }
