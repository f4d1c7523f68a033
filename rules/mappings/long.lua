-- long.lua — the canonical long format: one row per checklist item.
-- English headers (as the generator and exports write them) or the
-- Chinese headers of the bureau's sheet; a sheet may mix both.
mapping {
  name = "long", layout = "long",
  fields = {
    inspection_id = {"inspection_id", "检查编号"},
    date          = {"date", "检查日期"},
    market_code   = {"market_code", "市场编号"},
    market_name   = {"market_name", "市场名称"},
    unit          = {"unit", "所属单位"},
    inspector     = {"inspector", "检查人员"},
    kind          = {"kind", "检查类型"},
    item_code     = {"item_code", "检查项目"},
    result        = {"result", "检查结果"},
    deduction     = {"deduction", "扣分"},
    count         = {"count", "数量"},
    note          = {"note", "问题描述"},
  },
  convert = { date = "date", result = "result", deduction = "number", count = "number" },
  ignore = {"序号"},
}
