-- wrong.lua — rule tests with a wrong expectation, for the test transcript.
case { "正确的期望", inspections = { { results = { A01 = { count = 1 } } } }, expect = { score = 99 } }
case { "错误的期望",
  inspections = { { kind = "暗访", date = "2027-01-12", inspector = "王芳",
                    results = { A01 = { count = 2, note = "积水2处" }, F04 = 1 } } },
  expect = { score = 98, grade = "优秀", vetoes = {}, inspections = { 98 },
             explain = { "A01 地面平整无积水 -3" } } }
