-- items.lua — rule tests for the checklist's item styles.  Owner: engine helper.
-- Run with `cwsh test` (or `test` at the prompt); see README "Rule tests".

case { "逐项扣分：每项扣1分（F04另测）",
  inspections = { { kind = "督查", date = "2027-01-05", results = {
    A01 = 1, A02 = 1, A03 = 1, A04 = 1, A05 = 1, A06 = 1,
    B01 = 1, B02 = 1, B03 = 1, B04 = 1, B05 = 1, B06 = 1,
    C01 = 1, C02 = 1, C03 = 1, C04 = 1, C05 = 1, C06 = 1,
    D01 = 1, D02 = 1, D03 = 1, D04 = 1,
    E01 = 1, E02 = 1, E03 = 1, E04 = 1,
    F01 = 1, F02 = 1, F03 = 1, F05 = 1, F06 = 1,
    G01 = 1, G02 = 1, G03 = 1, G04 = 1, G05 = 1 } } },
  expect = { score = 64, grade = "不合格", vetoes = {} } }

case { "扣分制：记录的扣分，最多扣到该项分值",
  inspections = { { kind = "督查", date = "2027-01-05",
    results = { A03 = { deduction = 5, note = "排水沟淤积" }, A05 = 1.5 } } },
  expect = { score = 95.5, grade = "优秀",
    explain = { "A03 排水沟畅通无淤积异味 -3 (cap 3) \"排水沟淤积\"", "A05 垃圾袋装、日产日清 -1.5" } } }

case { "按处计分：积水2处扣2分，流动叫卖3人扣1.5分",
  inspections = { { kind = "督查", date = "2027-01-05",
    results = { A01 = { count = 2, deduction = 2, note = "积水2处" }, E03 = { count = 3 } } } },
  expect = { score = 96.5, explain = { "A01 地面平整无积水 -2 (2 × 1)", "E03 无流动叫卖 -1.5 (3 × 0.5)" } } }

case { "按处计分封顶：占道经营6户只扣4分",
  inspections = { { results = { E01 = { count = 6 } } } },
  expect = { score = 96, explain = { "E01 无占道经营 -4 (6 × 1, cap 4)" } } }

case { "按处计分无处数时用记录的扣分",
  inspections = { { results = { E02 = { deduction = 1.5 } } } },
  expect = { score = 98.5 } }

case { "合格项不扣分，即使记了处数（合格,0,3）",
  inspections = { { results = { A01 = { result = "合格", count = 3 }, D01 = { result = "合格", count = 0 },
    E03 = { result = "合格", count = 2 } } } },
  expect = { score = 100, inspections = { 100 } } }

case { "宣传栏按记录扣分，处数不是分档",
  inspections = { { results = { D01 = { deduction = 1, count = 1, note = "宣传栏未按月更新" } } } },
  expect = { score = 99, explain = { "D01 健康教育宣传栏规范（每月更新） -1" } } }

case { "不适用的项目不扣分",
  inspections = { { results = { B04 = { result = "不适用", deduction = 0 }, A02 = 2 } } },
  expect = { score = 98, inspections = { 98 } } }
