-- rules/reports/notice.lua — 督查通报模板（每两月全面督查后发布）。
--
-- 本文件决定通报有哪些部分、先后顺序、标题和措辞；改动后下次生成的
-- 通报即随之变化，无需改动程序。它与规则文件一样在沙箱中运行。
--
--   title / issuer / number / intro / closing / signoff  通报的文字
--   options { ... }        阈值：sharp 升降明显的分差，chart_max 排名图最多画几个市场
--                          （超出时画前后各一半），items 失分项目列几项，
--                          problems_per_market 交办清单每个市场最多列几条；
--                          打印版（HTML）：html_ranking 排名表最多列几名（超出时列前后各一半），
--                          html_problem_markets 交办清单最多列几个市场（逾期问题多的在先）；
--                          0 为不限。md、csv、xlsx 版本列出全部。
--   section { "类型", "标题", text = "…", none = "…" }
--       类型：summary 总体情况，ranking 市场排名，movers 升降明显的市场，
--       stations 所（分局）排名，trend 各所全年走势，items 主要失分项目，
--       key 重点市场，ledger 问题台账，meetings 例会，problems 交办清单
--       text 是该部分的说明文字，none 是该部分没有数据时的文字；
--       文字中的 {名称} 由该部分的数据填入（写错的名称会报错并列出可用的名称），
--       也可写成 function(f) return ... end，f 即这些数据。
--   各处都可用的名称：{year} 年份，{round} 期间结束所在的第几次全面督查（每两月一次），
--   {serial} 文号序号（见上），{period} 期间代码（2027-B1），{period_cn} 期间（2027年1—2月），{from} {to} 起止日期，
--   {date} 印发日期。

title "{period_cn}农贸市场创卫全面督查情况通报"
-- 发文单位：工作计划中“局创卫领导小组要每两月以全面督查、通报的形式”督办，
-- 领导小组下设创卫工作办公室（创卫办），通报由其印发，文号代字“创卫办”，
-- 页首、文号、落款一致。
-- 文号序号 {serial} 每年每个期间一个：第1—6次全面督查（两个月）1—6号，
-- 月度 10+月（11—22号），季度 30+季（31—34号），半年 40+半年（41—42号），
-- 全年 50号，其他期间 100×起始月+结束月（2027年2—3月：203号）。
number "创卫办〔{year}〕{serial}号"
issuer "市市场监督管理局创卫工作领导小组办公室"
intro("根据创建国家卫生城市工作计划“局创卫领导小组要每两月以全面督查、通报的形式，定期检查，查找问题”的要求，"
   .. "局创卫工作领导小组于{period_cn}组织对全市农贸市场开展了全面督查。现将督查情况通报如下。")

options { sharp = 3, chart_max = 60, items = 10, problems_per_market = 5,
          html_ranking = 500, html_problem_markets = 100 }

section { "summary", "一、总体情况",
  text = function(f)
    local s = ("本期共督查市场%d个，开展检查%d次，平均得分%.1f分"):format(f.markets, f.inspections, f.mean)
    if f.prev_mean then
      local d = f.mean - f.prev_mean
      if math.abs(d) < 0.05 then s = s .. "，与上期持平"
      else s = s .. ("，较上期%s%.1f分"):format(d > 0 and "上升" or "下降", math.abs(d)) end
    else
      s = s .. "（上期无督查数据）"
    end
    s = s .. "。" .. f.grades_text .. "。"
    if f.found then
      s = s .. ("本期发现问题%d个，已整改%d个（其中已销号%d个），整改率%.1f%%。"):format(f.found, f.fixed, f.closed,
        f.rate or 0)
      if f.carried > 0 then s = s .. ("往期发现的问题中仍有%d个逾期未整改。"):format(f.carried) end
    end
    return s
  end }

section { "ranking", "二、市场排名",
  text = "按得分从高到低排列，前三分之一为上游、中间为中游、后三分之一为下游。"
      .. "得分最高的是{best}（{best_tie}{best_score}分），最低的是{worst}（{worst_tie}{worst_score}分）。" }

section { "movers", "三、升降明显的市场",
  text = "与上期相比，得分上升{sharp}分以上的市场{up}个，下降{sharp}分以上的市场{down}个。",
  none = "与上期相比，没有得分升降{sharp}分以上的市场。" }

section { "stations", "四、各所（分局）排名",
  text = "按所辖市场平均得分排列。{best}{best_tie}居首（{best_score}分），{worst}{worst_tie}居末（{worst_score}分）。" }

section { "trend", "五、各所（分局）{year}年得分走势",
  text = "各所（分局）所辖市场逐月平均得分（{months}）。" }

section { "items", "六、主要失分项目",
  text = "本期失分最多的是“{top}”，占全部失分的{top_share}%；前{n}项合计占{cum_share}%。",
  none = "本期各检查项目均未失分。" }

section { "key", "七、重点市场情况",
  text = function(f)
    if f.missing == 0 then return ("重点市场%d个，实行每周督查。"):format(f.n) end
    return ("重点市场%d个，实行每周督查；本期督查%d个，%s本期未督查。"):format(f.n, f.inspected, f.missing_names)
  end,
  none = "本期无重点市场督查数据。" }

section { "ledger", "八、问题台账整改情况",
  text = function(f)
    local s = ("本期台账登记问题%d个，已整改%d个（按期%d个，已复查销号%d个），未整改%d个，其中逾期%d个。")
      :format(f.found, f.fixed, f.fixed_on_time, f.closed, f.open, f.overdue)
    if f.carried > 0 then s = s .. ("往期发现的问题中另有%d个逾期未整改，一并列入交办清单。"):format(f.carried) end
    return s
  end,
  none = "问题台账尚未建立，本期暂无整改数据。" }

section { "meetings", "九、例会制度落实情况",
  text = "本期应召开专班周例会{due}次，已召开{held}次，未召开{missing}次。",
  none = "本期没有应召开的专班例会（rules/schedule.lua 未列例会）。" }

section { "problems", "十、问题交办清单",
  text = function(f)
    local s = "以下问题尚未整改，请各责任单位按期整改到位，逾期未改的将予以督办。"
    if f.carried > 0 then s = s .. ("其中%d个为往期发现、至今逾期未改的问题（期别栏注明“往期”）。"):format(f.carried) end
    return s
  end,
  none = "问题台账尚未建立，暂无交办问题。" }

closing("请各所（分局）对照通报问题，逐项落实整改责任，按期完成整改；排名靠后的单位要认真分析原因，"
   .. "切实提高市场管理水平，确保中游、力争上游。")
signoff "市市场监督管理局创卫工作领导小组办公室"
