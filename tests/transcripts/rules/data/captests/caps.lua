-- caps.lua — rule tests for a category cap of 8 on 环境卫生 (caps transcript).
case { "环境卫生封顶8分", inspections = { { results = { A05 = 4, A06 = 4, A03 = 2, B01 = 1 } } },
  expect = { score = 91, explain = { "环境卫生 cap 8: -10 → -8" } } }
case { "未到封顶", inspections = { { results = { A05 = 4, A06 = 3 } } }, expect = { score = 93 } }
