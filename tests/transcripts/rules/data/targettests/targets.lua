-- an analyst's own targets table (the targets-dsl transcript)
task { "1", "重点市场得分", lead = "市场科", area = "重点市场",
  phase = { "2027-01-01", "2027-12-31" },
  check = function(d)
    local ok, n = 0, 0
    for _, m in ipairs(d:markets{ key = true }) do
      n = n + 1
      if m.latest and m.latest.score >= 80 then ok = ok + 1 end
    end
    return ok, n
  end }
task { "2", "会议", lead = "创卫办",
  check = function(d) error("no meetings recorded yet") end }
task { "3", "台账", lead = "创卫办",
  check = function(d) local ledger; return ledger.closed, ledger.due end }
task { "4", "无限循环", lead = "创卫办",
  check = function(d) while true do end end }
task { "5", "返回文字", lead = "创卫办",
  check = function(d) return "全部完成" end }
task { "6", "写数据", lead = "创卫办",
  check = function(d) d.today = "2099-01-01" return 1, 1 end }
task { "7", "未知项目", lead = "创卫办",
  check = function(d) local m = d:markets()[1]; return d:passes(m, "Z99") and 1 or 0, 1 end }
task { "8", "尚无数据", lead = "创卫办", deadline = "2027-12-31",
  check = function(d) return #d:markets{ unit = "无此所" }, 0 end }
task { "1.10", "排在 1.9 之后", lead = "创卫办" }
task { "1.9", "排在 1.10 之前", lead = "创卫办" }
