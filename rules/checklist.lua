-- checklist.lua — the default checklist: 37 items, 100 points, 7 categories.
-- Owner: engine helper (analysts edit it; `.rules reload` applies it).
--
-- points      the most an item can lose
-- per_count   points lost per counted finding (the sheet's count column),
--             capped at the item's points; else the recorded deduction
-- bands       10-point grading for sheets that grade (count = the grade,
--             9–10 很好, 7–8 合格, 0–6 不合格): grade/10 of the points kept;
--             not used below: in the bureau's sheets the count column
--             counts findings (D01 不合格,1,1 is one finding, not grade 1)
-- (neither)   the recorded deduction, capped; a 合格 row loses nothing
-- severity    the ledger's deadline class: 立行立改, 3天, 7天, 30天

name "2027"

-- A 环境卫生
item { "A01", "地面平整无积水", category = "环境卫生", points = 4, per_count = 1, severity = "立行立改" }
item { "A02", "地面摊位整洁无垃圾杂物", category = "环境卫生", points = 4, per_count = 1, severity = "立行立改" }
item { "A03", "排水沟畅通无淤积异味", category = "环境卫生", points = 3, severity = "3天" }
item { "A04", "一摊一桶，垃圾桶加盖", category = "环境卫生", points = 3, per_count = 1, severity = "立行立改" }
item { "A05", "垃圾袋装、日产日清", category = "环境卫生", points = 4, severity = "立行立改" }
item { "A06", "公厕达二类以上标准", category = "环境卫生", points = 4, severity = "7天" }

-- B 设施设备
item { "B01", "货台柜架统一规范", category = "设施设备", points = 3, severity = "30天" }
item { "B02", "电线规范，无私拉乱接", category = "设施设备", points = 3, per_count = 1, severity = "3天" }
item { "B03", "给排水设施完好", category = "设施设备", points = 2, severity = "7天" }
item { "B04", "停车场划线规范", category = "设施设备", points = 2, severity = "7天" }
item { "B05", "公平秤设置并检定", category = "设施设备", points = 2, severity = "3天" }
item { "B06", "照明通风良好", category = "设施设备", points = 2, severity = "7天" }

-- C 病媒生物防制
item { "C01", "防鼠设施完好（挡鼠板，网罩孔隙<1cm）", category = "病媒生物防制", points = 3, per_count = 1, severity = "3天" }
item { "C02", "防蝇设施完好（熟食\"三防\"）", category = "病媒生物防制", points = 3, severity = "3天" }
item { "C03", "鼠迹、鼠密度达标", category = "病媒生物防制", points = 2, per_count = 0.5, severity = "7天" }
item { "C04", "蝇密度达标", category = "病媒生物防制", points = 2, severity = "7天" }
item { "C05", "蟑螂密度达标", category = "病媒生物防制", points = 2, severity = "7天" }
item { "C06", "蚊幼孳生控制", category = "病媒生物防制", points = 2, per_count = 0.5, severity = "3天" }

-- D 健康教育与公示
item { "D01", "健康教育宣传栏规范（每月更新）", category = "健康教育与公示", points = 3, severity = "3天" }
item { "D02", "固定宣传标语规范", category = "健康教育与公示", points = 2, severity = "3天" }
item { "D03", "禁烟标识及劝阻", category = "健康教育与公示", points = 2, per_count = 0.5, severity = "立行立改" }
item { "D04", "农残检测结果每日公示", category = "健康教育与公示", points = 3, severity = "立行立改" }

-- E 经营秩序
item { "E01", "无占道经营", category = "经营秩序", points = 4, per_count = 1, severity = "立行立改" }
item { "E02", "无乱摆乱放", category = "经营秩序", points = 3, per_count = 1, severity = "立行立改" }
item { "E03", "无流动叫卖", category = "经营秩序", points = 2, per_count = 0.5, severity = "立行立改" }
item { "E04", "车辆停放有序", category = "经营秩序", points = 3, per_count = 1, severity = "立行立改" }

-- F 食品安全与活禽
item { "F01", "活禽区域相对独立", category = "食品安全与活禽", points = 4, severity = "30天" }
item { "F02", "活禽隔离宰杀", category = "食品安全与活禽", points = 3, severity = "7天" }
item { "F03", "从业人员健康证明", category = "食品安全与活禽", points = 3, per_count = 1, severity = "3天" }
item { "F04", "无过期变质商品", category = "食品安全与活禽", points = 4, per_count = 1, severity = "立行立改" }
item { "F05", "无假冒伪劣商品", category = "食品安全与活禽", points = 2, severity = "立行立改" }
item { "F06", "索证索票台账", category = "食品安全与活禽", points = 2, severity = "3天" }

-- G 管理制度
item { "G01", "市场第一责任人制度", category = "管理制度", points = 2, severity = "3天" }
item { "G02", "不合格商品退市制度", category = "管理制度", points = 2, severity = "3天" }
item { "G03", "应急处置制度", category = "管理制度", points = 2, severity = "3天" }
item { "G04", "保洁队伍健全（按摊位数配备）", category = "管理制度", points = 2, severity = "7天" }
item { "G05", "创卫专班周例会记录", category = "管理制度", points = 2, severity = "3天" }

-- A category never loses more than its points.
category { "环境卫生", points = 22 }
category { "设施设备", points = 14 }
category { "病媒生物防制", points = 14 }
category { "健康教育与公示", points = 10 }
category { "经营秩序", points = 12 }
category { "食品安全与活禽", points = 18 }
category { "管理制度", points = 10 }

total(100)
