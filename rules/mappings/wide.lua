-- wide.lua — a station's sheet: one row per inspection, one column per
-- checklist item whose header starts with the item code ("A01 地面平整
-- 无积水") and holds the points deducted (empty = none, 不适用 = n/a).
-- 扣分合计 (total) must be the sum of the items' deductions; a 问题描述
-- (note) that names items gives each item its part; 整改期限 (deadline)
-- is kept for the ledger.  序号 and 得分 are the sheet's own columns and
-- are left out; a 合计/总计/小计 row is a summary, skipped with a notice.
mapping {
  name = "wide", layout = "wide",
  fields = {
    inspection_id = {"检查编号", "inspection_id"},
    date          = {"检查日期", "日期", "date"},
    market_code   = {"市场编号", "market_code"},
    market_name   = {"市场名称", "市场", "market_name"},
    unit          = {"所属单位", "单位", "unit"},
    inspector     = {"检查人员", "检查人", "inspector"},
    kind          = {"检查类型", "kind"},
    note          = {"备注", "问题描述", "note"},
    total         = {"扣分合计", "扣分", "total"},
    deadline      = {"整改期限", "deadline"},
  },
  convert = { date = "date" },
  defaults = { kind = "督查" },
  ignore = {"序号", "得分"},
  summary = {"合计", "总计", "小计"},
}
