case { "未知项目", inspections = { { results = { Z01 = 1 } } }, expect = { score = 99 } }
kase { "拼错的函数" }
