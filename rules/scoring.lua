-- scoring.lua — vetoes, grades, tiers and how a period's inspections
-- combine.  Owner: engine helper (analysts edit it).

-- 一票否决: the grade is 不合格 whatever the score, and explain says why.
-- A period is vetoed when any of its inspections is.
veto { "过期变质商品", when = function(i) return i:lost("F04") > 0 end }
veto { "活禽管理不达标", when = function(i) return i:score_rate("F01", "F02") < 0.70 end }

-- A grade is the first band whose minimum the score reaches.
grades { {90, "优秀"}, {80, "良好"}, {70, "合格"}, {0, "不合格"} }

-- 确保中游，力争上游: markets (and stations by their markets' mean) in thirds.
tiers { "上游", "中游", "下游" }

-- A period's score: the inspections' scores averaged with the weights of
-- their kinds (domain.lua; `weights = { ["暗访"] = 2 }` here overrides
-- one).  Other methods: "worst", "latest".
combine { method = "weighted" }

-- A veto may also judge a whole period (one market's inspections in the
-- month, quarter, ... being scored), e.g. a problem an unannounced visit
-- found and a later inspection found again:
--   veto { "暗访问题未改", period = true,
--          when = function(p) return p:count("暗访") > 0 and p:times("A05") >= 2 end }
