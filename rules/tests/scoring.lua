-- scoring.lua — rule tests for vetoes, grades and how a period combines.
-- Owner: engine helper.

-- 一票否决
case { "过期变质商品：一件即否决",
  inspections = { { kind = "暗访", date = "2027-01-12", results = { F04 = { count = 1, note = "过期商品1件" } } } },
  expect = { score = 99, grade = "不合格", vetoes = { "过期变质商品" },
    explain = { "veto: 过期变质商品 (2027-01-12 暗访) → 不合格", "F04 无过期变质商品 -1 (1 × 1)" } } }

case { "活禽：F01+F02 得分率低于70%否决",
  inspections = { { results = { F01 = 2, F02 = 0.5 } } },
  expect = { score = 97.5, grade = "不合格", vetoes = { "活禽管理不达标" } } }

case { "活禽：得分率71%不否决",
  inspections = { { results = { F01 = 2 } } },
  expect = { score = 98, grade = "优秀", vetoes = {} } }

case { "活禽不适用（无活禽经营）不否决",
  inspections = { { results = { F01 = { result = "不适用" }, F02 = { result = "不适用" } } } },
  expect = { score = 100, grade = "优秀", vetoes = {} } }

case { "一次检查被否决，整个周期否决",
  inspections = { { date = "2027-01-03", results = {} },
                  { date = "2027-01-17", results = { F04 = 2, F01 = 4 } } },
  expect = { score = 97, grade = "不合格", vetoes = { "过期变质商品", "活禽管理不达标" },
    inspections = { 100, 94 } } }

-- 等级分界
-- the grade follows the score as shown (one decimal): 89.96 shows as 90.0
-- and is 优秀, never "90.0 良好"; 89.94 shows as 89.9 and is 良好
case { "89.96 显示 90.0，是优秀", inspections = { { results = { A05 = 4, A06 = 4, A03 = 2.04 } } },
  expect = { score = 89.96, grade = "优秀" } }
case { "89.94 显示 89.9，是良好", inspections = { { results = { A05 = 4, A06 = 4, A03 = 2.06 } } },
  expect = { score = 89.94, grade = "良好" } }
case { "90 是优秀", inspections = { { results = { A05 = 4, A06 = 4, A03 = 2 } } },
  expect = { score = 90, grade = "优秀" } }
case { "80 是良好", inspections = { { results = { A05 = 4, A06 = 4, A03 = 3, B01 = 3, B02 = 3, B03 = 2, B04 = 1 } } },
  expect = { score = 80, grade = "良好" } }
case { "79.5 是合格", inspections = { { results = { A05 = 4, A06 = 4, A03 = 3, B01 = 3, B02 = 3, B03 = 2, B04 = 1.5 } } },
  expect = { score = 79.5, grade = "合格" } }
case { "69.5 是不合格",
  inspections = { { results = { A01 = 4, A02 = 4, A03 = 3, A04 = 3, A05 = 4, A06 = 4, B01 = 3, B02 = 3, B03 = 2, B04 = 0.5 } } },
  expect = { score = 69.5, grade = "不合格", vetoes = {} } }

-- 周期合成：暗访权重 1.5
case { "暗访 90 分与督查 100 分加权为 94",
  inspections = { { kind = "暗访", date = "2027-01-05", results = { A05 = 4, A06 = 4, A03 = 2 } },
                  { kind = "督查", date = "2027-01-20", results = {} } },
  expect = { score = 94, grade = "优秀", inspections = { 90, 100 },
    explain = { "暗访 ×1 weight 1.5", "督查 ×1 weight 1" } } }

case { "自查与督查同权",
  inspections = { { kind = "自查", results = { A01 = 2 } }, { kind = "督查", results = { A01 = 4 } },
                  { kind = "全面督查", results = {} }, { kind = "考核", results = {} } },
  expect = { score = 98.5 } }
