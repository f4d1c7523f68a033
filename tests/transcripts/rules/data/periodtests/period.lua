-- period.lua — rule tests for period vetoes (period-veto transcript: the
-- default rules plus 暗访问题未改 and 检查不足两次).
case { "一次检查：检查不足两次",
  inspections = { { results = { A01 = 1 } } },
  expect = { score = 99, grade = "不合格", vetoes = { "检查不足两次" } } }

case { "两次检查，同一问题两次但无暗访：不否决",
  inspections = { { results = { A05 = 1 } }, { results = { A05 = 2 } } },
  expect = { score = 98.5, grade = "优秀", vetoes = {} } }

case { "暗访发现问题，复查仍在：否决",
  inspections = { { kind = "暗访", results = { A05 = 1 } }, { results = { A05 = 1 } } },
  expect = { score = 99, grade = "不合格", vetoes = { "暗访问题未改" } } }

case { "暗访发现问题，复查已改：不否决",
  inspections = { { kind = "暗访", results = { A05 = 1 } }, { results = {} } },
  expect = { score = 99.4, vetoes = {} } }
