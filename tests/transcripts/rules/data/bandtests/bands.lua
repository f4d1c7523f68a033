-- bands.lua — rule tests for 10-point band grading (bands transcript: the
-- default rules with D01 switched to bands = true).
case { "十分制分档：宣传栏8分（合格），保留八成",
  inspections = { { results = { D01 = { result = "合格", count = 8 } } } },
  expect = { score = 99.4, explain = { "D01 健康教育宣传栏规范（每月更新） -0.6 (grade 8/10)" } } }

case { "十分制分档：0分扣满，无分档时用记录的扣分",
  inspections = { { results = { D01 = { count = 0 } } }, { results = { D01 = 2 } } },
  expect = { inspections = { 97, 98 }, score = 97.5 } }

case { "十分制分档：10分不扣分，超过10按10分",
  inspections = { { results = { D01 = { result = "合格", count = 10 } } }, { results = { D01 = { result = "合格", count = 12 } } } },
  expect = { inspections = { 100, 100 } } }
