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
-- d:stations(), d:operators(), d:meetings(from, to) (the weekly meetings
-- due and held), d:rounds(year) (the bimonthly 全面督查 rounds), d:ledger
-- and d:assessment() (the bureau's latest published rank and tier).  The
-- data is what was dated and recorded on or before d.today (`--on`).
--
-- lead and support name units of the database or the collectives the
-- plan uses: 各所、分局 (every station), 各市场主办单位 (every market
-- operator), 重点市场所在所、分局 (the stations of the key markets) and
-- 局机关各科室 (every 科室); `targets --unit` matches them.
-- pace: how the status is judged before the deadline (README, "Status"):
-- "phase" (default), "deadline" (a deliverable of the phase's end) or
-- "to_date" (a check counting what was due up to the day).
--
-- The sections follow the work plan's: 三、内容和措施 (一)–(四) are tasks
-- 1–4, 四、工作要求 tasks 5, 二、工作目标 task 6.

-- markets whose latest inspection lost nothing on the items, of those inspected
local function passing(d, ...)
  local n, ok = 0, 0
  for _, m in ipairs(d:markets()) do
    if m.latest then
      n = n + 1
      if d:passes(m, ...) then ok = ok + 1 end
    end
  end
  return ok, n, ("已检查市场中最近一次检查 %s 均不扣分的市场"):format(table.concat({ ... }, "、"))
end

-- 三、内容和措施（一）把握四个工作要点 --------------------------------

task { "1.1.1", "两个规范：规范健康教育宣传栏、固定宣传标语",
  area = "宣传", level = "market",
  target = "每个市场宣传栏每月更新、固定标语规范（D01、D02 合格）",
  measures = "各所、分局、各市场主办单位规范健康教育宣传栏、规范固定宣传标语",
  lead = "各所、分局", support = { "各市场主办单位" }, person = "各所所长",
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
  -- 有总结 comes at the year's end: a station has all five only then
  pace = "deadline",
  check = function(d)
    local n, ok = 0, 0
    for _, u in ipairs(d:marks(d.year)) do
      n = n + 1
      if #u.lacks == 0 then ok = ok + 1 end
    end
    return ok, n, "本年“五有”齐全的所、分局"
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
    return 0, 1, "本年尚无四明确齐全的全局总体规划"
  end }

task { "1.3.2", "各所、分局、各市场主办单位制定创卫工作计划",
  area = "规划", level = "unit",
  target = "每个单位有计划，四明确齐全",
  lead = "各所、分局", support = { "各市场主办单位" }, person = "各所所长",
  standard = "计划报创卫办备案", deadline = "2027-03-15",
  -- every station and every market operator: a plan of level unit each
  check = function(d)
    local done = {}
    for _, p in ipairs(d:plans("unit", d.year)) do if #p.missing == 0 then done[p.owner] = true end end
    local n, ok, counted = 0, 0, {}
    for _, list in ipairs({ d:stations(), d:operators() }) do
      for _, u in ipairs(list) do
        if not counted[u] then
          counted[u] = true
          n = n + 1
          if done[u] then ok = ok + 1 end
        end
      end
    end
    return ok, n, "有四明确齐全计划的所、分局和市场主办单位"
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
    return ok, n, "有四明确齐全实施方案的市场"
  end }

-- the purchases are not in the data (no checklist item measures a truck
-- bought): the people doing it record the status (`targets set`)
task { "1.4.1", "完善市场环卫设施：垃圾车、垃圾容器、清洁工具、广播、设施修复",
  area = "设施", level = "market",
  target = "集中购置垃圾车、垃圾容器、清洁工具，添置市场广播，修复市场设施",
  measures = "加大投入力度，集中购置、添置、修复",
  lead = "财务科", support = { "市场科", "各市场主办单位" }, person = "财务科科长",
  standard = "购置、添置、修复台账（手工登记）", phase = { "2027-01-01", "2027-09-30" } }

-- 三、内容和措施（二）狠抓四个工作重点 --------------------------------

task { "2.1.1", "强化部门协调：健全农贸市场监管和治理的内部机制，形成执法合力",
  area = "协调", level = "bureau",
  target = "健全农贸市场监管和治理的内部机制；与工商、城管、公安、卫生、药监协同配合，整合资源",
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
  lead = "市场科", support = { "重点市场所在所、分局" }, person = "市场科科长",
  standard = "重点市场最近一次得分 ≥ 80", phase = { "2027-01-01", "2027-12-31" },
  check = function(d)
    local n, ok = 0, 0
    for _, m in ipairs(d:markets{ key = true }) do
      n = n + 1
      if m.latest and m.latest.score >= 80 then ok = ok + 1 end
    end
    return ok, n, "最近一次得分 ≥ 80 的重点市场"
  end }

-- 三、内容和措施（三）突破三个工作难点 --------------------------------

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
    return ok, n, "已检查市场中最近一次得分 ≥ 80 的市场"
  end }

task { "3.3.1", "服务功能要有突破：应用电子商务技术和先进经营理念",
  area = "难点", level = "market",
  target = "至少一个市场开展电子商务服务",
  lead = "市场科", support = { "市场主办单位" }, person = "市场科科长",
  standard = "上线运营记录", deadline = "2027-12-31" }

-- 三、内容和措施（四）挖掘更多工作亮点 --------------------------------

-- the facility items an upgrade brings to the standard (`upgrades item`):
-- a market counts as upgraded only with every one of them upgraded
upgrade_items { "地面", "货台", "电线", "给排水", "停车场", "环卫设施", "公共设施" }

task { "4.1.1", "标准化菜市场改造提升两到三个",
  area = "改造提升", level = "market",
  target = "今年改造提升 2–3 个菜市场，地面、货台、电线、给排水、停车场、环卫设施、公共设施达到国家标准",
  lead = "市场科", support = { "财务科", "市场主办单位" }, person = "市场科科长",
  standard = "当年改造完成（已改造）且七项设施均达标的市场不少于 2 个", phase = { "2027-01-01", "2027-12-31" },
  -- a market is upgraded at once, when its works end: judged at the deadline
  pace = "deadline",
  check = function(d)
    return math.min(d:upgraded(d.year), 2), 2, "本年改造提升且七项设施均达标的市场（应完成 2 个）"
  end }

-- the plan's seven: 地面 A01, 货台（柜架）B01, 电线 B02, 给排水 B03,
-- 停车场 B04, 环卫设施 A04 (垃圾容器), 公共设施 A06 (公厕)
task { "4.1.2", "按《标准》规范建设改造菜市场硬件设施",
  area = "改造提升", level = "market",
  target = "地面、货台（柜架）、电线、给排水、停车场、环卫设施、公共设施达到国家标准",
  lead = "各市场主办单位", support = { "市场科" }, person = "市场负责人",
  standard = "最近一次检查 A01（地面）、B01（货台柜架）、B02（电线）、B03（给排水）、B04（停车场）、A04（环卫设施：垃圾容器）、A06（公共设施：公厕）均不扣分",
  phase = { "2027-01-01", "2027-12-31" },
  check = function(d) return passing(d, "A01", "B01", "B02", "B03", "B04", "A04", "A06") end }

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
  pace = "to_date",
  check = function(d)
    local m = d:meetings(("%d-01-01"):format(d.year), d.today)
    return m.held, m.due, "本年截至当日已开的专班周例会 / 应开"
  end }

task { "5.4.2", "台账制度：所查问题立项、落实责任",
  area = "机制", level = "bureau",
  target = "每个问题登记、指派责任人、限期整改",
  lead = "创卫办", support = { "各所、分局" }, person = "创卫办主任",
  standard = "问题台账完整；到期问题按期销号", phase = { "2027-01-01", "2027-12-31" },
  pace = "to_date",
  -- findings of the year closed on time, of those due (the ledger's figures)
  check = function(d)
    local f = d:ledger(d.year .. "-01-01", d.today)
    return f.closed_on_time, f.due, ("到期问题按期销号（本年立项 %d，逾期 %d）"):format(f.found, f.overdue)
  end }

task { "5.4.3", "督办机制：每两月一次全面督查并通报",
  area = "机制", level = "bureau",
  target = "全年六次全面督查、六期通报",
  lead = "局创卫工作领导小组", support = { "创卫办" }, person = "分管副局长",
  standard = "每两月一轮全面督查覆盖全部市场（检查类别“全面督查”）；通报见 notice", phase = { "2027-01-01", "2027-12-31" },
  -- the rounds due so far: every two months that have ended, and the
  -- current two months once their round is complete
  pace = "to_date",
  check = function(d)
    local done, due = 0, 0
    for _, r in ipairs(d:rounds(d.year)) do
      if r.ended or r.complete then due = due + 1 end
      if r.complete then done = done + 1 end
    end
    return done, due, ("已完成全面督查 %d 轮，截至当日应完成 %d 轮（全年 6 轮）"):format(done, due)
  end }

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
    if not a then return 0, 0, "尚无考核排名记录" end
    local ok = a.tier == "上游" or a.tier == "中游"
    return ok and 1 or 0, 1, ("%s %s：第 %d 名 / %d（%s）"):format(a.date, a.assessor, a.rank, a.of_n, a.tier)
  end }
