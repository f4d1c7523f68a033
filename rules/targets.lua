-- targets.lua — the targets breakdown table (目标任务细化分解表) of the
-- work plan 《创国卫工作计划》: every mechanism of the plan as a task.
-- Analysts edit it; `targets` reads it on every run.  See README
-- ("The targets table") for the fields; a task's `check` computes its
-- progress from the data and returns done, due and optional evidence.
--
-- d (read-only): d.today, d.year, d:markets{ key = true, unit = "城东所" }
-- (each market: code, name, unit, key, std_status, std_year, latest =
-- { date, kind, score, lost = { [item] = points } } or nil),
-- d:passes(market, "D01", ...), d:upgrades(year) and d:upgraded(year)
-- (upgrade_items below), d:marks(year) (the stations, each with the
-- unit_marks it has and lacks that year), d:plans(level, year),
-- d:stations(), d:meetings(from, to) (the weekly meetings due and held)
-- and d:assessment() (the bureau's latest published rank and tier).

-- markets whose latest inspection lost nothing on the items, of those inspected
local function passing(d, ...)
  local n, ok = 0, 0
  for _, m in ipairs(d:markets()) do
    if m.latest then
      n = n + 1
      if d:passes(m, ...) then ok = ok + 1 end
    end
  end
  return ok, n, ("markets whose latest inspection passes %s"):format(table.concat({ ... }, "、"))
end

-- 一、把握四个工作要点 ------------------------------------------------

task { "1.1.1", "两个规范：规范健康教育宣传栏、固定宣传标语",
  area = "宣传", level = "market",
  target = "每个市场宣传栏每月更新、固定标语规范（D01、D02 合格）",
  measures = "各所、分局督促市场主办单位统一制作宣传栏和固定标语",
  lead = "办公室", support = { "各所、分局", "市场主办单位" }, person = "办公室主任",
  standard = "最近一次检查 D01、D02 均不扣分", phase = { "2027-01-01", "2027-06-30" },
  check = function(d) return passing(d, "D01", "D02") end }

task { "1.1.2", "发挥市场广播、专栏、LED 显示屏、宣传资料的宣传作用",
  area = "宣传", level = "market",
  target = "每个市场有广播或 LED 屏，每季度散发宣传资料",
  lead = "办公室", support = { "市场主办单位" }, person = "办公室主任",
  standard = "广播、屏幕播放记录和资料发放台账", phase = { "2027-01-01", "2027-12-31" } }

task { "1.1.3", "建立群众举报奖励机制",
  area = "宣传", level = "bureau",
  target = "出台举报奖励办法，举报线索经查实即奖励",
  lead = "四城同创工作领导小组", support = { "办公室", "财务科" }, person = "领导小组组长",
  standard = "奖励办法印发；举报登记、核实、奖励台账", deadline = "2027-03-31" }

task { "1.1.4", "健康教育与公示：禁烟标识、农残检测结果每日公示",
  area = "宣传", level = "market",
  target = "禁烟标识齐全，农残检测结果每日公示（D03、D04 合格）",
  lead = "市场科", support = { "市场主办单位" }, person = "市场科科长",
  standard = "最近一次检查 D03、D04 均不扣分", phase = { "2027-01-01", "2027-06-30" },
  check = function(d) return passing(d, "D03", "D04") end }

task { "1.2.1", "完善创卫组织机构：领导小组、创卫办",
  area = "组织", level = "bureau",
  target = "局创卫工作领导小组及其办公室人员到位",
  lead = "局创卫工作领导小组", support = { "人事科" }, person = "局长",
  standard = "成立文件，分工明确", deadline = "2027-01-31" }

-- the 五有 every station's 专班 shows each year (`units --wuyou`, `units mark`)
unit_marks { "有专班", "有计划", "有部署", "有成效", "有总结" }

task { "1.2.2", "各所、分局创卫专班实现“五有”",
  area = "组织", level = "unit",
  target = "有专班、有计划、有部署、有成效、有总结",
  lead = "创卫办", support = { "各所、分局" }, person = "创卫办主任",
  standard = "每个专班五项均有记录", phase = { "2027-01-01", "2027-12-31" },
  check = function(d)
    local n, ok = 0, 0
    for _, u in ipairs(d:marks(d.year)) do
      n = n + 1
      if #u.lacks == 0 then ok = ok + 1 end
    end
    return ok, n, "stations with all of the 五有 this year"
  end }

task { "1.3.1", "制定全局创卫工作总体规划",
  area = "规划", level = "bureau",
  target = "总体规划做到明确重点、明确责任、明确时限、明确措施",
  lead = "创卫办", person = "创卫办主任",
  standard = "规划印发，四明确齐全", deadline = "2027-02-28",
  check = function(d)
    for _, p in ipairs(d:plans("bureau", d.year)) do
      if #p.missing == 0 then return 1, 1, p.title end
    end
    return 0, 1, "no complete bureau plan this year"
  end }

task { "1.3.2", "各所、分局、各市场主办单位制定创卫工作计划",
  area = "规划", level = "unit",
  target = "每个单位有计划，四明确齐全",
  lead = "各所、分局", support = { "市场主办单位" }, person = "各所所长",
  standard = "计划报创卫办备案", deadline = "2027-03-15",
  check = function(d)
    local done = {}
    for _, p in ipairs(d:plans("unit", d.year)) do if #p.missing == 0 then done[p.owner] = true end end
    local n, ok = 0, 0
    for _, u in ipairs(d:stations()) do
      n = n + 1
      if done[u] then ok = ok + 1 end
    end
    return ok, n, "stations with a complete plan (四明确)"
  end }

task { "1.3.3", "制定辖区市场创卫工作实施方案",
  area = "规划", level = "market",
  target = "每个市场有实施方案，四明确齐全",
  lead = "市场主办单位", support = { "各所、分局" }, person = "市场负责人",
  standard = "方案报所、分局备案", deadline = "2027-03-31",
  check = function(d)
    local done = {}
    for _, p in ipairs(d:plans("market", d.year)) do if #p.missing == 0 then done[p.owner] = true end end
    local n, ok = 0, 0
    for _, m in ipairs(d:markets()) do
      n = n + 1
      if done[m.code] then ok = ok + 1 end
    end
    return ok, n, "markets with a complete 实施方案 (四明确)"
  end }

task { "1.4.1", "完善市场环卫设施：垃圾车、垃圾容器、清洁工具、广播、设施修复",
  area = "设施", level = "market",
  target = "一摊一桶、垃圾桶加盖，保洁队伍按摊位数配备（A04、G04 合格）",
  measures = "集中购置垃圾车、垃圾容器、清洁工具，添置市场广播，修复市场设施",
  lead = "财务科", support = { "市场科", "市场主办单位" }, person = "财务科科长",
  standard = "最近一次检查 A04、G04 均不扣分", phase = { "2027-01-01", "2027-09-30" },
  check = function(d) return passing(d, "A04", "G04") end }

-- 二、狠抓四个工作重点 ------------------------------------------------

task { "2.1.1", "强化部门协调，形成执法合力",
  area = "协调", level = "bureau",
  target = "与工商、城管、公安、卫生、药监联合行动每季度至少一次",
  lead = "局创卫工作领导小组", support = { "工商", "城管", "公安", "卫生", "药监" }, person = "分管副局长",
  standard = "联合行动记录", phase = { "2027-01-01", "2027-12-31" } }

task { "2.2.1", "加强环境整治：市场门前通道和周边车辆停放",
  area = "环境", level = "market",
  target = "车辆停放有序、地面摊位整洁（E04、A02 合格）",
  measures = "疏导与管理相结合，规范市场周边停车场管理",
  lead = "市场科", support = { "城管", "各所、分局" }, person = "市场科科长",
  standard = "最近一次检查 E04、A02 均不扣分", phase = { "2027-01-01", "2027-06-30" },
  check = function(d) return passing(d, "E04", "A02") end }

task { "2.3.1", "优化内部管理：乱摆乱放、占道经营、流动叫卖专项治理",
  area = "内部管理", level = "market",
  target = "无占道经营、无乱摆乱放、无流动叫卖（E01–E03 合格）",
  measures = "临时突击与长效机制相结合",
  lead = "各所、分局", support = { "市场主办单位" }, person = "各所所长",
  standard = "最近一次检查 E01、E02、E03 均不扣分", phase = { "2027-01-01", "2027-06-30" },
  check = function(d) return passing(d, "E01", "E02", "E03") end }

task { "2.4.1", "突出重点市场监管：城北市场、健康路市场、解放市场",
  area = "重点市场", level = "market",
  target = "重点市场最近一次检查得分均不低于 80 分",
  measures = "加大监管力度，提高检查频次",
  lead = "市场科", support = { "城北所", "城南所" }, person = "市场科科长",
  standard = "重点市场最近一次得分 ≥ 80", phase = { "2027-01-01", "2027-12-31" },
  check = function(d)
    local n, ok = 0, 0
    for _, m in ipairs(d:markets{ key = true }) do
      n = n + 1
      if m.latest and m.latest.score >= 80 then ok = ok + 1 end
    end
    return ok, n, "key markets whose latest score ≥ 80"
  end }

-- 三、突破三个工作难点 ------------------------------------------------

task { "3.1.1", "城区农贸市场改造升级要有突破",
  area = "难点", level = "bureau",
  target = "老旧市场改造纳入年度计划",
  lead = "局创卫工作领导小组", support = { "市场科", "财务科" }, person = "局长",
  standard = "改造计划及资金落实", deadline = "2027-04-30" }

task { "3.2.1", "管理水平要有突破：市场统一化、规范化管理",
  area = "难点", level = "unit",
  target = "市场得分达到良好（≥ 80）",
  lead = "市场科", support = { "各所、分局" }, person = "市场科科长",
  standard = "最近一次检查得分 ≥ 80 的市场占比", phase = { "2027-01-01", "2027-12-31" },
  check = function(d)
    local n, ok = 0, 0
    for _, m in ipairs(d:markets()) do
      if m.latest then
        n = n + 1
        if m.latest.score >= 80 then ok = ok + 1 end
      end
    end
    return ok, n, "markets whose latest score ≥ 80"
  end }

task { "3.3.1", "服务功能要有突破：应用电子商务技术和先进经营理念",
  area = "难点", level = "market",
  target = "至少一个市场开展电子商务服务",
  lead = "市场科", support = { "市场主办单位" }, person = "市场科科长",
  standard = "上线运营记录", deadline = "2027-12-31" }

-- 四、挖掘更多工作亮点 ------------------------------------------------

-- the facility items an upgrade brings to the standard (`upgrades item`):
-- a market counts as upgraded only with every one of them upgraded
upgrade_items { "地面", "货台", "电线", "给排水", "停车场", "环卫设施", "公共设施" }

task { "4.1.1", "标准化菜市场改造提升两到三个",
  area = "改造提升", level = "market",
  target = "今年改造提升 2–3 个菜市场，地面、货台、电线、给排水、停车场、环卫设施、公共设施达到国家标准",
  lead = "市场科", support = { "财务科", "市场主办单位" }, person = "市场科科长",
  standard = "当年改造完成（upgraded）且七项设施均达标的市场不少于 2 个", phase = { "2027-01-01", "2027-12-31" },
  check = function(d)
    return math.min(d:upgraded(d.year), 2), 2, "markets upgraded this year with every facility item (2 due)"
  end }

task { "4.1.2", "改造市场的硬件设施规范（B01–B06）",
  area = "改造提升", level = "market",
  target = "货台柜架、电线、给排水、停车场、公平秤、照明通风合格",
  lead = "市场主办单位", support = { "市场科" }, person = "市场负责人",
  standard = "最近一次检查 B01–B06 均不扣分", phase = { "2027-01-01", "2027-12-31" },
  check = function(d) return passing(d, "B01", "B02", "B03", "B04", "B05", "B06") end }

task { "4.2.1", "完善市场管理制度：第一责任人、不合格商品退市、应急处置",
  area = "市场制度", level = "market",
  target = "三项制度建立并上墙（G01–G03 合格）",
  lead = "市场主办单位", support = { "各所、分局" }, person = "市场负责人",
  standard = "最近一次检查 G01、G02、G03 均不扣分", deadline = "2027-06-30",
  check = function(d) return passing(d, "G01", "G02", "G03") end }

task { "4.2.2", "明确集贸市场禁止事项",
  area = "市场制度", level = "market",
  target = "无车辆乱停乱放、垃圾乱丢、占道经营，无过期变质、假冒伪劣商品",
  lead = "各所、分局", support = { "市场主办单位", "药监" }, person = "各所所长",
  standard = "最近一次检查 E01、E04、A02、F04、F05 均不扣分", phase = { "2027-01-01", "2027-12-31" },
  check = function(d) return passing(d, "E01", "E04", "A02", "F04", "F05") end }

-- 四、工作要求 --------------------------------------------------------

task { "5.1.1", "一把手工程：主要领导亲自抓、分管领导靠前抓、科室协调抓",
  area = "领导", level = "unit",
  target = "各所、分局一把手负总责",
  lead = "各所、分局", person = "各所所长",
  standard = "责任分工文件", deadline = "2027-01-31" }

task { "5.2.1", "加大投入，多方筹措资金",
  area = "投入", level = "bureau",
  target = "环卫设施和保洁队伍资金落实",
  lead = "财务科", person = "财务科科长",
  standard = "资金到位记录", deadline = "2027-06-30" }

task { "5.3.1", "广泛发动基层所、管理站和商户参与",
  area = "发动", level = "unit",
  target = "商户参与率提升",
  lead = "各所、分局", support = { "市场主办单位" }, person = "各所所长",
  standard = "动员会和商户承诺书", phase = { "2027-01-01", "2027-12-31" } }

task { "5.4.1", "例会制度：局专班及各单位专班周例会",
  area = "机制", level = "unit",
  target = "每周一次例会，有记录",
  lead = "创卫办", support = { "各所、分局", "市场主办单位" }, person = "创卫办主任",
  standard = "rules/schedule.lua 的周例会，当年应开的均已召开（meetings）", phase = { "2027-01-01", "2027-12-31" },
  check = function(d)
    local m = d:meetings(("%d-01-01"):format(d.year), d.today)
    return m.held, m.due, "weekly 专班 meetings held of those due this year"
  end }

task { "5.4.2", "台账制度：所查问题立项、落实责任",
  area = "机制", level = "bureau",
  target = "每个问题登记、指派责任人、限期整改",
  lead = "创卫办", support = { "各所、分局" }, person = "创卫办主任",
  standard = "问题台账完整；到期问题按期销号", phase = { "2027-01-01", "2027-12-31" },
  -- findings of the year closed on time, of those due (the ledger's figures)
  check = function(d)
    local f = d:ledger(d.year .. "-01-01", d.today)
    return f.closed_on_time, f.due, ("到期问题按期销号（本年立项 %d，逾期 %d）"):format(f.found, f.overdue)
  end }

task { "5.4.3", "督办机制：每两月一次全面督查并通报",
  area = "机制", level = "bureau",
  target = "全年六次全面督查、六期通报",
  lead = "局创卫工作领导小组", support = { "创卫办" }, person = "分管副局长",
  standard = "督查记录和通报", phase = { "2027-01-01", "2027-12-31" } }

task { "5.4.4", "责任机制：责任落实到所、市场、干部、管理员、清洁工",
  area = "机制", level = "market",
  target = "每个问题有责任链",
  lead = "各所、分局", support = { "市场主办单位" }, person = "各所所长",
  standard = "责任分解表", deadline = "2027-03-31" }

task { "5.4.5", "区域机制：领导包所、局机关各科室包挂市场",
  area = "机制", level = "bureau",
  target = "每个所有包所领导，每个市场有包挂科室",
  lead = "局创卫工作领导小组", support = { "局机关各科室" }, person = "局长",
  standard = "包所、包挂分工表", deadline = "2027-02-28" }

-- 二、工作目标 --------------------------------------------------------

task { "6.1.1", "确保中游，力争上游：迎接省、市创卫办考核",
  area = "目标", level = "bureau",
  target = "在全市考核中位列中游以上，力争上游",
  lead = "局创卫工作领导小组", support = { "各所、分局" }, person = "局长",
  standard = "最近一次考核排名在中游以上（assessments）", deadline = "2027-12-31",
  check = function(d)
    local a = d:assessment()
    if not a then return 0, 1, "no assessment recorded yet" end
    local ok = a.tier == "上游" or a.tier == "中游"
    return ok and 1 or 0, 1, ("%s %s：第 %d 名 / %d（%s）"):format(a.date, a.assessor, a.rank, a.of_n, a.tier)
  end }
