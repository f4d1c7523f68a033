-- checks.lua — checks that return what is not a progress, and the paces
unit_marks { "有专班", "有总结" }
upgrade_items { "地面" }
task { "1", "零除零", lead = "创卫办", check = function(d) return 0 / 0, 0 / 0 end }
task { "2", "零除", lead = "创卫办", check = function(d) return 1 / 0, 3 end }
task { "3", "多于应完成", lead = "创卫办", check = function(d) return 5, 3 end }
task { "4", "负无穷", lead = "创卫办", check = function(d) return 1, -1 / 0 end }
task { "5", "正常", lead = "创卫办", check = function(d) return 2, 3 end }
-- the paces: the same 0 of 2 on the same day
task { "6", "按阶段", lead = "创卫办", phase = { "2027-01-01", "2027-12-31" },
  check = function(d) return 0, 2 end }
task { "7", "年底交付", lead = "创卫办", phase = { "2027-01-01", "2027-12-31" }, pace = "deadline",
  check = function(d) return 0, 2 end }
task { "8", "截至当日", lead = "创卫办", phase = { "2027-01-01", "2027-12-31" }, pace = "to_date",
  check = function(d) return 2, 2 end }
task { "9", "截至当日未完", lead = "创卫办", phase = { "2027-01-01", "2027-12-31" }, pace = "to_date",
  check = function(d) return 1, 2 end }
task { "10", "年底交付已过", lead = "创卫办", deadline = "2027-01-31", pace = "deadline",
  check = function(d) return 1, 2 end }
task { "11", "手工", lead = "创卫办", phase = { "2027-01-01", "2027-12-31" } }
-- a value of the rule's own is named by its type: its __tostring (here an
-- endless loop) would run outside the rule's budget
task { "12", "证据为表", lead = "创卫办",
  check = function(d) return 1, 2, setmetatable({}, { __tostring = function() while true do end end }) end }
task { "13", "完成数为表", lead = "创卫办",
  check = function(d) return setmetatable({}, { __tostring = function() while true do end end }), 2 end }
-- a market as a check sees it hides its metatable (the functions behind it are the core's)
task { "14", "元表", lead = "创卫办",
  check = function(d) local m = d:markets()[1]; return getmetatable(m) == false and 1 or 0, 1 end }
