-- notice.lua — the bimonthly supervision notice (督查通报): gathers each
-- section's figures and tables for a period, in the order and wording of
-- the template (rules/reports/notice.lua, notice_template.lua).  The
-- renderers (notice_html.lua; md, csv and xlsx through the document
-- formats) only lay out what this builds.
--
--   notice.build(period, { date = "YYYY-MM-DD" }) -> doc
--   doc = { period, texts = { title, number, issuer, date, intro, closing, signoff },
--           sections = { { kind, heading, text, tables = { set... }, charts = { svg... } } } }
-- A set is a result set as commands return it, with a title (the sheet's
-- or the heading's name in md, csv and xlsx).  A section whose data does
-- not exist yet (no ledger) keeps its place with its `none` text.

local engine = require("engine")
local periods = require("engine_period")
local chart = require("chart")
local template = require("notice_template")

local M = {}
local null = cwsh.null
local function nz(v) if v == nil then return null end return v end

-- Colours of the grades in the ranking chart, best to worst.
local GRADE_COLOURS = { "#2e7d32", "#1f4e79", "#bf9000", "#c62828", "#5b5b5b" }

-- Bars in one printed chart: 30 rows of the bar chart and its title,
-- legend and axis are about 175 mm high on A4, so that each chart fits a
-- page whole (the figure is kept from splitting).
local CHART_PAGE = 30

local function ymd(d)
  local y, m, dd = d:match("^(%d+)-(%d+)-(%d+)$")
  return tonumber(y), tonumber(m), tonumber(dd)
end

-- The period in words: 2027年1—2月, 2027年3月, 2027年; a range of whole
-- months as its months (2027年2—3月, 2026年12月—2027年1月), other ranges
-- by their days (2027年1月5日至3月15日).
local function period_cn(p)
  local y1, m1, d1 = ymd(p.from)
  local y2, m2, d2 = ymd(p.to)
  if p.kind == "year" then return ("%d年"):format(y1) end
  if d1 == 1 and d2 == require("calendar").month_days(y2, m2) then
    if y1 ~= y2 then return ("%d年%d月—%d年%d月"):format(y1, m1, y2, m2) end
    if m1 == m2 then return ("%d年%d月"):format(y1, m1) end
    return ("%d年%d—%d月"):format(y1, m1, m2)
  end
  if y1 ~= y2 then return ("%d年%d月%d日至%d年%d月%d日"):format(y1, m1, d1, y2, m2, d2) end
  if p.from == p.to then return ("%d年%d月%d日"):format(y1, m1, d1) end
  return ("%d年%d月%d日至%d月%d日"):format(y1, m1, d1, m2, d2)
end

-- "第几次": the number of the bimonthly round the period ends in (B3 →
-- 3; 2027-03 → 2).
local function round_of(p)
  return tostring((tonumber(p.to:sub(6, 7)) + 1) // 2)
end

-- The notice's serial number in its year (文号), one per period: the
-- bimonthly rounds 1–6 (the notices the work plan asks for), a month
-- 10 + its month (11–22), a quarter 30 + q (31–34), a half-year 40 + h
-- (41–42), the year 50, a range 100 × its first month + its last (2027年
-- 2—3月: 203).  Two notices of one year never share a number unless they
-- are ranges over the same months.
local function serial_of(p)
  local _, m1 = ymd(p.from)
  local _, m2 = ymd(p.to)
  if p.kind == "bimonth" then return (m1 + 1) // 2
  elseif p.kind == "month" then return 10 + m1
  elseif p.kind == "quarter" then return 30 + (m1 + 2) // 3
  elseif p.kind == "half" then return 40 + (m1 + 5) // 6
  elseif p.kind == "year" then return 50 end
  return 100 * m1 + m2
end

-- The names of `list`'s first rows that share its first rank (并列),
-- joined with 、, and whether there are several.
local function tied(list, name_of, keep)
  local names, rank = {}, nil
  for _, r in ipairs(list) do
    if not keep or keep(r) then
      if rank == nil then rank = r.rank end
      if r.rank ~= rank then break end
      names[#names + 1] = name_of(r)
    end
  end
  return table.concat(names, "、"), #names > 1
end

local function date_cn(d)
  local y, m, dd = d:match("^(%d+)-(%d+)-(%d+)$")
  return ("%d年%d月%d日"):format(tonumber(y), tonumber(m), tonumber(dd))
end

-- The ledger's figures as they stood on the notice's date `today`, or
-- nil on a store without the ledger's operations (a capability, asked of
-- the store: never taken from a failure; the notice once took an
-- allocation failing inside a package search, and before that every
-- error inside the figures, for "no ledger" and published
-- "问题台账尚未建立" over a ledger of open findings).
-- The store counts them from the audit trail (store.notice_ledger: what
-- was true on `today`, so a notice issued again later says what the
-- published one said), per market; the stations and the totals are the
-- markets' sums.  fixed (已整改) is a fix recorded, 待复查 or 已销号;
-- closed is 已销号; carried the earlier rounds' findings still open and
-- overdue on `today`.  The notice lists at most `per_market` open
-- problems a market (0 without a problems section).
local COUNTS = { "found", "fixed", "closed", "fixed_on_time", "due", "open", "overdue", "carried" }
local function zero() local c = {}; for _, k in ipairs(COUNTS) do c[k] = 0 end; return c end

local function ledger_figures(p, today, per_market)
  local store = require("store")
  if type(store.ledger_figures) ~= "function" or type(store.notice_ledger) ~= "function" then return nil end
  local lm, open = store.notice_ledger(p.from, p.to, today, per_market)
  if type(lm) ~= "table" then error("the ledger's figures are not a table of counts", 0) end
  local out, by_unit, lu = zero(), {}, {}
  for _, x in ipairs(lm) do
    local u = x.unit or "（无）"
    local c = by_unit[u]
    if not c then c = zero(); c.unit = u; by_unit[u] = c; lu[#lu + 1] = c end
    for _, k in ipairs(COUNTS) do out[k] = out[k] + x[k]; c[k] = c[k] + x[k] end
  end
  table.sort(lu, function(a, b) return a.unit < b.unit end)
  table.sort(lm, function(a, b) return a.market < b.market end)
  out.by_unit, out.by_market, out.open_list = lu, lm, open
  return out
end

-- Days from ISO date a to ISO date b.
local function days(a, b)
  local function t(d)
    local y, m, dd = d:match("^(%d+)-(%d+)-(%d+)")
    return os.time({ year = tonumber(y), month = tonumber(m), day = tonumber(dd), hour = 12 })
  end
  return math.floor((t(b) - t(a)) / 86400 + 0.5)
end

local function rate(closed, found)
  if not found or found == 0 then return nil end
  return closed / found * 100
end

-- ------------------------------------------------------------ sections

local build = {}

function build.summary(ctx)
  local rows, prev = ctx.rows, ctx.prev_rows
  local sum = 0
  for _, r in ipairs(rows) do sum = sum + r.score end
  local mean = sum / #rows
  local pmean
  if #prev > 0 then
    local s = 0
    for _, r in ipairs(prev) do s = s + r.score end
    pmean = s / #prev
  end
  local counts, order = {}, {}
  for _, g in ipairs(ctx.set.grades) do counts[g.name] = 0; order[#order + 1] = g.name end
  for _, r in ipairs(rows) do counts[r.grade] = (counts[r.grade] or 0) + 1 end
  local parts = {}
  for _, g in ipairs(order) do parts[#parts + 1] = ("%s%d个"):format(g, counts[g]) end
  local lf = ctx.ledger
  local f = { markets = #rows, inspections = ctx.inspections, mean = mean, prev_mean = pmean,
    change = pmean and mean - pmean or nil, grades_text = "其中" .. table.concat(parts, "、"),
    found = lf and lf.found, fixed = lf and lf.fixed, closed = lf and lf.closed, open = lf and lf.open,
    carried = lf and lf.carried, rate = lf and rate(lf.fixed, lf.found),
    fmt = { mean = "%.1f", prev_mean = "%.1f", change = "%+.1f", rate = "%.1f" } }
  local cols = { "督查市场数", "检查次数", "平均得分", "上期平均得分", "较上期", "发现问题", "已整改", "其中已销号", "整改率",
    "往期逾期未改" }
  local set = { title = "主要指标", columns = cols,
    keys = { "markets", "inspections", "mean", "prev_mean", "change", "found", "fixed", "closed", "rate", "carried" },
    formats = { [3] = "%.1f", [4] = "%.1f", [5] = "%+.1f", [9] = "%.1f%%" },
    rows = { { #rows, ctx.inspections, mean, nz(pmean), nz(f.change), nz(f.found), nz(f.fixed), nz(f.closed), nz(f.rate),
      nz(f.carried) } } }
  local grades = { title = "等次分布", columns = { "等次", "市场数" }, keys = { "grade", "markets" }, rows = {} }
  for _, g in ipairs(order) do grades.rows[#grades.rows + 1] = { g, counts[g] } end
  local notes = {}
  if not lf then notes[1] = ctx.tpl.by_kind.ledger and template.fill(ctx.tpl, ctx.tpl.by_kind.ledger.none, ctx.base, ctx.tpl.by_kind.ledger.line) or "问题台账尚未建立，本期暂无整改数据。" end
  return f, { set, grades }, nil, notes
end

-- A market's tier as the notice prints it: a vetoed market (一票否决)
-- fails whatever its score, so it is in no tier; the rank stays the one
-- `score` gives.
local function tier_of(r) return r.veto and "一票否决" or r.tier end

-- The registered markets with no inspection in the period, key markets
-- first, then by code.
local function uninspected(ctx)
  if ctx.uninspected then return ctx.uninspected end
  local seen, out = {}, {}
  for _, r in ipairs(ctx.rows) do seen[r.market_id] = true end
  for id, m in pairs(require("store").markets()) do
    if not seen[id] then
      out[#out + 1] = { market_id = id, code = m.code, name = m.name, unit = m.unit ~= null and m.unit or nil,
        is_key = m.is_key == 1 }
    end
  end
  table.sort(out, function(a, b)
    if a.is_key ~= b.is_key then return a.is_key end
    return a.code < b.code
  end)
  ctx.uninspected = out
  return out
end

local RANK_COLS = { "名次", "代码", "市场", "所（分局）", "得分", "等次", "梯队", "较上期", "检查次数", "否决" }
local RANK_KEYS = { "rank", "code", "market", "station", "score", "grade", "tier", "delta", "inspections", "veto" }

function build.ranking(ctx)
  local rows = ctx.rows
  local set = { title = "市场排名", columns = RANK_COLS, keys = RANK_KEYS, formats = { [5] = "%.1f", [8] = "%+.1f" }, rows = {} }
  local vetoed = {}
  for _, r in ipairs(rows) do
    set.rows[#set.rows + 1] = { r.rank, r.code, r.name, nz(r.unit), r.score, r.grade, tier_of(r), nz(r.delta), r.inspections,
      nz(r.veto) }
    if r.veto then vetoed[#vetoed + 1] = r.name end
  end
  -- the chart: every market, or the best and the worst chart_max/2
  local max = ctx.tpl.options.chart_max
  local shown, notes = {}, {}
  if #rows <= max then shown = rows
  else
    local half = max // 2
    for i = 1, half do shown[#shown + 1] = rows[i] end
    for i = #rows - (max - half) + 1, #rows do shown[#shown + 1] = rows[i] end
    notes[1] = ("排名图列出前%d名和后%d名，其余%d个市场见排名表。"):format(half, max - half, #rows - max)
  end
  local styles, legend, gi = {}, {}, {}
  for i, g in ipairs(ctx.set.grades) do
    styles[g.name] = GRADE_COLOURS[math.min(i, #GRADE_COLOURS)]
    legend[#legend + 1] = { g.name, g.name }
    gi[g.name] = i
  end
  -- page-sized charts (CHART_PAGE bars each, every one with its axis
  -- and legend: a figure is never split across pages, and one of 60
  -- bars is taller than an A4 page), the bars from 0 so that a bar's
  -- length is its score
  local svgs = {}
  for first = 1, #shown, CHART_PAGE do
    local labels, values, classes = {}, {}, {}
    for i = first, math.min(#shown, first + CHART_PAGE - 1) do
      local r = shown[i]
      labels[#labels + 1] = ("%d. %s"):format(r.rank, r.name); values[#values + 1] = r.score
      classes[#classes + 1] = r.grade
    end
    local title = "市场得分排名"
    if #shown > CHART_PAGE then
      title = ("%s（第%d—%d名）"):format(title, shown[first].rank, shown[first + #labels - 1].rank)
    end
    svgs[#svgs + 1] = chart.bars { title = title, labels = labels, values = values, classes = classes,
      styles = styles, legend = legend, unit = "得分", min = 0 }
  end
  -- the printed (HTML) table: the best and the worst html_ranking/2
  local cap = ctx.tpl.options.html_ranking
  if cap > 0 and #rows > cap then
    local head = cap // 2
    local tail = cap - head
    local idx = {}
    for i = 1, head do idx[#idx + 1] = i end
    for i = #rows - tail + 1, #rows do idx[#idx + 1] = i end
    local gap = head + 1 == #rows - tail and ("第%d名"):format(head + 1) or ("第%d—%d名"):format(head + 1, #rows - tail)
    set.print = { rows = idx, gap = ("…… %s（%d个市场）从略 ……"):format(gap, #rows - cap),
      note = ("打印版排名表列出前%d名和后%d名，全部%d个市场的排名见本通报的 xlsx 或 csv 版本。"):format(head, tail, #rows) }
  end
  -- the best of the markets not vetoed (a vetoed market fails whatever
  -- its score); every market that shares the first or the last place
  local function name(r) return r.name end
  local top = rows[1]
  for _, r in ipairs(rows) do if not r.veto then top = r; break end end
  local best, best_tie = tied(rows, name, function(r) return not r.veto and r.rank == top.rank end)
  if best == "" then best, best_tie = tied(rows, name) end
  local last = rows[#rows].rank
  local worst, worst_tie = tied(rows, name, function(r) return r.rank == last end)
  if #vetoed > 0 then
    local names = table.concat(vetoed, "、", 1, math.min(#vetoed, 10)) .. (#vetoed > 10 and "等" or "")
    table.insert(notes, 1, ("一票否决的市场%d个（%s），等次为不合格，无论得分高低均不列入梯队（梯队栏注“一票否决”）。")
      :format(#vetoed, names))
  end
  local tables = { set }
  local missing = uninspected(ctx)
  if #missing > 0 then
    local keys = 0
    local t = { title = "本期未督查的市场", columns = { "代码", "市场", "所（分局）", "重点市场" },
      keys = { "code", "market", "station", "key" }, rows = {} }
    for _, m in ipairs(missing) do
      t.rows[#t.rows + 1] = { m.code, m.name, nz(m.unit), m.is_key and "是" or "否" }
      if m.is_key then keys = keys + 1 end
    end
    notes[#notes + 1] = ("登记的市场中有%d个本期未督查%s，未列入排名（见“本期未督查的市场”）。"):format(#missing,
      keys > 0 and ("（其中重点市场%d个）"):format(keys) or "")
    tables[2] = t
  end
  local f = { n = #rows, best = best, best_tie = best_tie and "并列" or "", best_score = top.score, worst = worst,
    worst_tie = worst_tie and "并列" or "", worst_score = rows[#rows].score, vetoed = #vetoed, uninspected = #missing,
    fmt = { best_score = "%.1f", worst_score = "%.1f" } }
  return f, tables, svgs, notes
end

function build.movers(ctx)
  local sharp = ctx.tpl.options.sharp
  local list = {}
  local prev = {}
  for _, r in ipairs(ctx.prev_rows) do prev[r.market_id] = r end
  for _, r in ipairs(ctx.rows) do
    if r.delta and math.abs(r.delta) >= sharp - 1e-9 then list[#list + 1] = r end
  end
  table.sort(list, function(a, b)
    if a.delta ~= b.delta then return a.delta > b.delta end
    return a.code < b.code
  end)
  local up, down = 0, 0
  local set = { title = "升降明显的市场", columns = { "变化", "代码", "市场", "所（分局）", "本期得分", "上期得分", "较上期", "本期名次", "上期名次" },
    keys = { "direction", "code", "market", "station", "score", "prev_score", "delta", "rank", "prev_rank" },
    formats = { [5] = "%.1f", [6] = "%.1f", [7] = "%+.1f" }, rows = {} }
  for _, r in ipairs(list) do
    if r.delta > 0 then up = up + 1 else down = down + 1 end
    local pr = prev[r.market_id]
    set.rows[#set.rows + 1] = { r.delta > 0 and "上升" or "下降", r.code, r.name, nz(r.unit), r.score, pr.score, r.delta, r.rank, pr.rank }
  end
  local f = { sharp = sharp, up = up, down = down, n = #list }
  if #list == 0 then return f, {}, nil, nil, true end
  return f, { set }
end

function build.stations(ctx)
  local list = engine.rank_units(ctx.rows, ctx.set)
  local before = {}
  if #ctx.prev_rows > 0 then
    for _, u in ipairs(engine.rank_units(ctx.prev_rows, ctx.set)) do before[u.unit] = u end
  end
  local set = { title = "所（分局）排名", columns = { "名次", "所（分局）", "市场数", "平均得分", "梯队", "较上期", "否决市场数" },
    keys = { "rank", "station", "markets", "score", "tier", "delta", "vetoed" },
    formats = { [4] = "%.1f", [6] = "%+.1f" }, rows = {} }
  local labels, values = {}, {}
  for i, u in ipairs(list) do
    local b = before[u.unit]
    set.rows[#set.rows + 1] = { u.rank, u.unit, u.n, u.score, u.tier, nz(b and u.score - b.score), u.vetoed }
    labels[i] = ("%d. %s"):format(u.rank, u.unit); values[i] = u.score
  end
  local svg = chart.bars { title = "所（分局）平均得分", labels = labels, values = values, unit = "平均得分", min = 0 }
  ctx.stations = list
  -- the stations none of whose markets was inspected keep a row
  local ranked, idle, notes = {}, {}, {}
  for _, u in ipairs(list) do ranked[u.unit] = true end
  for _, m in ipairs(uninspected(ctx)) do
    if m.unit and not ranked[m.unit] then ranked[m.unit] = true; idle[#idle + 1] = m.unit end
  end
  table.sort(idle)
  for _, u in ipairs(idle) do set.rows[#set.rows + 1] = { null, u, 0, null, "本期未督查", null, 0 } end
  if #idle > 0 then
    notes[1] = ("%s所辖市场本期均未督查，未列入排名。"):format(table.concat(idle, "、"))
  end
  local function name(u) return u.unit end
  local last = list[#list].rank
  local best, best_tie = tied(list, name)
  local worst, worst_tie = tied(list, name, function(u) return u.rank == last end)
  local f = { n = #list, best = best, best_tie = best_tie and "并列" or "", best_score = list[1].score, worst = worst,
    worst_tie = worst_tie and "并列" or "", worst_score = list[#list].score, uninspected = #idle,
    fmt = { best_score = "%.1f", worst_score = "%.1f" } }
  return f, { set }, { svg }, notes
end

-- Each station's mean score in every month of the year up to the end of
-- the period.
function build.trend(ctx)
  local p = ctx.p
  local year = tonumber(p.to:sub(1, 4))
  local last = tonumber(p.to:sub(6, 7))
  local months = periods.months_of(year)
  local cats, by, order = {}, {}, {}
  for m = 1, last do
    cats[m] = ("%d月"):format(m)
    local rows = engine.score_period(months[m], ctx.set)
    for _, u in ipairs(engine.rank_units(rows, ctx.set)) do
      if not by[u.unit] then by[u.unit] = {}; order[#order + 1] = u.unit end
      by[u.unit][m] = u.score
    end
  end
  -- stations in the order of this period's ranking, then any others
  local seen, names = {}, {}
  for _, u in ipairs(ctx.stations or engine.rank_units(ctx.rows, ctx.set)) do
    if by[u.unit] then names[#names + 1] = u.unit; seen[u.unit] = true end
  end
  table.sort(order)
  for _, u in ipairs(order) do if not seen[u] then names[#names + 1] = u end end
  local cols, keys, fmts = { "所（分局）" }, { "station" }, {}
  for m = 1, last do cols[m + 1] = cats[m]; keys[m + 1] = ("m%02d"):format(m); fmts[m + 1] = "%.1f" end
  local set = { title = ("%d年逐月平均得分"):format(year), columns = cols, keys = keys, formats = fmts, rows = {} }
  local series = {}
  for _, u in ipairs(names) do
    local row = { u }
    for m = 1, last do row[m + 1] = nz(by[u][m]) end
    set.rows[#set.rows + 1] = row
    series[#series + 1] = { name = u, values = by[u] }
  end
  local svg = chart.lines { title = ("%d年各所（分局）逐月平均得分"):format(year), categories = cats, series = series }
  return { year = year, months = ("1—%d月"):format(last), n = #names }, { set }, { svg }
end

-- The items that lost the most points in the period, all markets together.
function build.items(ctx)
  local by, list, total = {}, {}, 0
  for _, r in ipairs(ctx.losses) do
    local it = by[r.code]
    if not it then it = { code = r.code, times = 0, lost = 0 }; by[r.code] = it; list[#list + 1] = it end
    it.times = it.times + r.times
    it.lost = it.lost + r.lost
    total = total + r.lost
  end
  if #list == 0 then return { n = 0 }, {}, nil, nil, true end
  table.sort(list, function(a, b)
    if math.abs(a.lost - b.lost) > 1e-9 then return a.lost > b.lost end
    return a.code < b.code
  end)
  local n = math.min(ctx.tpl.options.items, #list)
  local set = { title = "主要失分项目", columns = { "序号", "代码", "项目", "类别", "失分次数", "失分合计", "占比", "累计占比" },
    keys = { "no", "code", "item", "category", "times", "lost", "share", "cum_share" },
    formats = { [6] = "%.1f", [7] = "%.1f%%", [8] = "%.1f%%" }, rows = {} }
  local cum, labels, values = 0, {}, {}
  for i = 1, n do
    local it = list[i]
    local def = ctx.set.by_code[it.code] or {}
    cum = cum + it.lost
    set.rows[i] = { i, it.code, def.title or it.code, def.category or null, it.times, it.lost, it.lost / total * 100, cum / total * 100 }
    labels[i] = it.code .. " " .. (def.title or "")
    values[i] = it.lost
  end
  local svg = chart.pareto { title = "主要失分项目（帕累托图）", labels = labels, values = values, unit = "失分" }
  local top = ctx.set.by_code[list[1].code]
  local f = { n = n, top = top and top.title or list[1].code, top_share = list[1].lost / total * 100,
    cum_share = cum / total * 100, total = total, fmt = { top_share = "%.1f", cum_share = "%.1f", total = "%.1f" } }
  return f, { set }, { svg }
end

-- A market's most-lost items, "A05 垃圾袋装、日产日清 -8.0（3次）" joined.
local function market_items(ctx, market_id, k)
  local list = ctx.losses_by_market(market_id) or {}
  local out = {}
  for i = 1, math.min(k, #list) do
    local it = list[i]
    local def = ctx.set.by_code[it.code] or {}
    out[i] = ("%s %s -%.1f（%d次）"):format(it.code, def.title or "", it.lost, it.times)
  end
  return table.concat(out, "；")
end

function build.key(ctx)
  local set = { title = "重点市场", columns = { "代码", "市场", "所（分局）", "得分", "等次", "名次", "梯队", "较上期", "检查次数", "主要失分项目" },
    keys = { "code", "market", "station", "score", "grade", "rank", "tier", "delta", "inspections", "items" },
    formats = { [4] = "%.1f", [8] = "%+.1f" }, rows = {} }
  -- the key markets of the register: those inspected, then those not
  local keyed = {}
  for _, r in ipairs(ctx.rows) do if r.is_key then keyed[#keyed + 1] = r end end
  table.sort(keyed, function(a, b) return a.code < b.code end)
  for _, r in ipairs(keyed) do
    local items = market_items(ctx, r.market_id, 3)
    set.rows[#set.rows + 1] = { r.code, r.name, nz(r.unit), r.score, r.grade, r.rank, tier_of(r), nz(r.delta), r.inspections,
      items ~= "" and items or "未失分" }
  end
  local missing = {}
  for _, m in ipairs(uninspected(ctx)) do
    if m.is_key then
      missing[#missing + 1] = m.name
      set.rows[#set.rows + 1] = { m.code, m.name, nz(m.unit), null, null, null, null, null, 0, "本期未督查" }
    end
  end
  local f = { n = #keyed + #missing, inspected = #keyed, missing = #missing, missing_names = table.concat(missing, "、") }
  if f.n == 0 then return f, {}, nil, nil, true end
  return f, { set }
end

function build.ledger(ctx)
  local lf = ctx.ledger
  if not lf then return {}, {}, nil, nil, true end
  -- 已整改: a fix recorded (待复查 or 已销号), of which 已销号 verified;
  -- 往期逾期未改: found in earlier rounds, still open and overdue
  local set = { title = "问题台账（按所）", columns = { "所（分局）", "发现", "已整改", "其中已销号", "按期整改", "应整改",
      "未整改", "逾期", "整改率", "往期逾期未改" },
    keys = { "station", "found", "fixed", "closed", "fixed_on_time", "due", "open", "overdue", "rate", "carried" },
    formats = { [9] = "%.1f%%" }, rows = {} }
  local function row(name, u)
    return { name, u.found, u.fixed, u.closed, u.fixed_on_time, u.due, u.open, u.overdue, nz(rate(u.fixed, u.found)),
      u.carried }
  end
  for _, u in ipairs(lf.by_unit) do set.rows[#set.rows + 1] = row(u.unit, u) end
  set.rows[#set.rows + 1] = row("合计", lf)
  local f = { found = lf.found, fixed = lf.fixed, closed = lf.closed, fixed_on_time = lf.fixed_on_time,
    closed_on_time = lf.fixed_on_time, open = lf.open, overdue = lf.overdue, due = lf.due, carried = lf.carried,
    rate = rate(lf.fixed, lf.found) or 0, fmt = { rate = "%.1f" } }
  return f, { set }
end

function build.meetings(ctx)
  local calendar, meetings = require("calendar"), require("meetings")
  calendar.reload()
  calendar.reset_warnings()
  local sched = require("schedule").load()
  local teams = meetings.teams(sched)
  local list = meetings.match(sched, ctx.p.from, ctx.p.to)
  local per, order = {}, {}
  for _, t in ipairs(teams) do per[t] = { due = 0, held = 0, missing = {} }; order[#order + 1] = t end
  local due, held = 0, 0
  for _, d in ipairs(list) do
    local x = per[d.team]
    x.due = x.due + 1; due = due + 1
    if d.held then x.held = x.held + 1; held = held + 1
    else x.missing[#x.missing + 1] = d.date:sub(6) end
  end
  if due == 0 then return { due = 0, held = 0, missing = 0 }, {}, nil, nil, true end
  local set = { title = "专班例会", columns = { "专班", "应召开", "已召开", "未召开", "召开率", "未召开的例会（日期）" },
    keys = { "team", "due", "held", "missing", "rate", "missing_dates" }, formats = { [5] = "%.1f%%" }, rows = {} }
  for _, t in ipairs(order) do
    local x = per[t]
    if x.due > 0 then
      set.rows[#set.rows + 1] = { t, x.due, x.held, x.due - x.held, x.held / x.due * 100,
        #x.missing > 0 and table.concat(x.missing, "、") or null }
    end
  end
  return { due = due, held = held, missing = due - held, rate = held / due * 100, fmt = { rate = "%.1f" } }, { set }
end

-- The open problems per market (交办), from the ledger: at most
-- problems_per_market a market, overdue first then by deadline.
function build.problems(ctx)
  local lf = ctx.ledger
  if not lf or not lf.open_list then return {}, {}, nil, nil, true end
  local function before(a, b)
    if (a.market or "") ~= (b.market or "") then return (a.market or "") < (b.market or "") end
    if (a.overdue and 1 or 0) ~= (b.overdue and 1 or 0) then return a.overdue and true or false end
    if (a.deadline or "") ~= (b.deadline or "") then return (a.deadline or "") < (b.deadline or "") end
    return (a.id or 0) < (b.id or 0)
  end
  -- the store's order is this one (on SQLite); sorted only when it is not
  local list, ordered = lf.open_list, true
  for i = 2, #list do if not before(list[i - 1], list[i]) then ordered = false; break end end
  if not ordered then
    local copy = {}
    for i, x in ipairs(list) do copy[i] = x end
    table.sort(copy, before)
    list = copy
  end
  local k = ctx.tpl.options.problems_per_market
  -- 包所领导 and 包挂部门: the market's responsibility chain as the
  -- ledger finds it (store.chain_of, the 区域机制 table assignment), once
  -- a market
  local store, chains = require("store"), {}
  local function chain(id)
    if not chains[id] then chains[id] = type(store.chain_of) == "function" and store.chain_of(id) or {} end
    return chains[id]
  end
  local set = { title = "问题交办清单", columns = { "代码", "市场", "所（分局）", "检查项目", "问题", "发现日期", "整改期限",
      "状态", "期别", "责任人", "包所领导", "包挂部门" },
    keys = { "code", "market", "station", "item", "problem", "found", "deadline", "status", "round", "assigned", "leader",
      "department" }, rows = {} }
  local per = {}
  for _, x in ipairs(list) do
    local mk = x.market or "?"
    per[mk] = (per[mk] or 0) + 1
    if per[mk] <= k then
      local def = x.item and ctx.set.by_code[x.item]
      local c = chain(x.market_id)
      set.rows[#set.rows + 1] = { mk, nz(x.market_name), nz(x.unit), x.item and (x.item .. (def and (" " .. def.title) or "")) or null,
        nz(x.description), nz(x.found), nz(x.deadline),
        x.overdue and ("逾期%d天"):format(days(x.deadline, ctx.date)) or nz(x.status),
        x.carried and "往期" or "本期", nz(x.assigned), nz(c["包所领导"]), nz(c["包挂部门"]) }
    end
  end
  -- the problems to rectify and their markets are the ledger's counts:
  -- the list holds only those shown (at most problems_per_market a
  -- market): this period's open ones and the earlier rounds' overdue
  local n, markets = lf.open + lf.carried, 0
  for _, m in ipairs(lf.by_market) do if m.open + m.carried > 0 then markets = markets + 1 end end
  if n == 0 then return { n = 0, markets = 0, carried = 0 }, {}, nil, { "本期没有未整改的问题。" } end
  local more = n - #set.rows
  local notes = more > 0 and { ("每个市场最多列%d条，另有%d条见问题台账。"):format(k, more) } or nil
  -- the printed (HTML) list: the html_problem_markets markets with the
  -- most overdue problems (then the most open, then the lowest score)
  local cap, listed = ctx.tpl.options.html_problem_markets, {}
  for mk in pairs(per) do listed[#listed + 1] = mk end
  if cap > 0 and #listed > cap then
    local score, stat = {}, {}
    for _, r in ipairs(ctx.rows) do score[r.code] = r.score end
    for _, m in ipairs(lf.by_market or {}) do stat[m.market] = m end
    local function o(mk) return stat[mk] and stat[mk].overdue + stat[mk].carried or 0 end
    local function op(mk) return stat[mk] and stat[mk].open + stat[mk].carried or per[mk] end
    table.sort(listed, function(a, b)
      if o(a) ~= o(b) then return o(a) > o(b) end
      if op(a) ~= op(b) then return op(a) > op(b) end
      local sa, sb = score[a] or math.huge, score[b] or math.huge
      if sa ~= sb then return sa < sb end
      return a < b
    end)
    local chosen, idx = {}, {}
    for i = 1, cap do chosen[listed[i]] = true end
    for i, r in ipairs(set.rows) do if chosen[r[1]] then idx[#idx + 1] = i end end
    set.print = { rows = idx, note = ("打印版交办清单列出逾期问题最多的%d个市场的%d条问题（%d个市场有未整改问题）；"
      .. "全部市场的交办问题见本通报的 xlsx 或 csv 版本。"):format(cap, #idx, markets) }
  end
  return { n = n, markets = markets, carried = lf.carried }, { set }, nil, notes
end

-- ------------------------------------------------------------ the doc

-- Per market, its loss rows; a market's list is sorted by points lost
-- (largest first) when first asked for (only the key markets' are).
local function by_market(losses)
  local out, sorted = {}, {}
  for _, r in ipairs(losses) do
    local l = out[r.market_id]
    if not l then l = {}; out[r.market_id] = l end
    l[#l + 1] = r
  end
  return function(market_id)
    local l = out[market_id]
    if l and not sorted[market_id] then
      table.sort(l, function(a, b)
        if math.abs(a.lost - b.lost) > 1e-9 then return a.lost > b.lost end
        return a.code < b.code
      end)
      sorted[market_id] = true
    end
    return l
  end
end

function M.build(period, opts)
  opts = opts or {}
  local tpl = template.load(opts.template)
  local set = engine.current_set()
  local p = engine.parse_period(period)
  -- the period, the one before it and the months of the trend in one pass
  local ahead = { p, periods.prev(p) }
  if tpl.by_kind.trend then
    local year, last = tonumber(p.to:sub(1, 4)), tonumber(p.to:sub(6, 7))
    for m, mp in ipairs(periods.months_of(year)) do if m <= last then ahead[#ahead + 1] = mp end end
  end
  engine.preload(ahead, set)
  local rows = engine.score(p, set)
  if #rows == 0 then engine.no_inspections(p) end
  local prev_rows = engine.score_period(periods.prev(p), set)
  local store = require("store")
  local losses = engine.item_losses(p, set)
  local ctx = { p = p, set = set, tpl = tpl, rows = rows, prev_rows = prev_rows, losses = losses,
    losses_by_market = by_market(losses), inspections = store.inspection_count(p.from, p.to).n }
  local date = opts.date or require("clock").today()
  -- a notice reports a round that is over: on a date inside the period
  -- it would count the inspections and fixes still to come as not there
  -- (refused, not warned: a notice printed with a warning on the screen
  -- is forwarded without it)
  if date < p.to then
    error(("notice: %s is before the end of %s (%s): a notice is issued after its period; give --date %s or later")
      :format(opts.date and ("--date " .. date) or ("today (" .. date .. ")"), p.name, p.to, p.to), 0)
  end
  ctx.date = date
  ctx.ledger = ledger_figures(p, date, tpl.by_kind.problems and tpl.options.problems_per_market or 0)
  local base = { year = tonumber(p.to:sub(1, 4)), round = round_of(p), serial = serial_of(p), period = p.name,
    period_cn = period_cn(p),
    from = p.from, to = p.to, date = date_cn(date) }
  ctx.base = base
  local texts = {}
  for _, k in ipairs({ "title", "number", "issuer", "intro", "closing", "signoff" }) do
    texts[k] = template.fill(tpl, tpl.texts[k], base, tpl.at[k])
  end
  texts.date = base.date
  local doc = { period = p, texts = texts, sections = {} }
  for _, s in ipairs(tpl.sections) do
    local f, tables, charts, notes, empty = build[s.kind](ctx)
    for k, v in pairs(base) do if f[k] == nil then f[k] = v end end
    local sec = { kind = s.kind, heading = template.fill(tpl, s.heading, f, s.line), tables = tables or {},
      charts = charts or {}, notes = notes or {}, empty = empty or false }
    if empty then
      sec.text = template.fill(tpl, s.none or "本期无数据。", f, s.line)
    else
      sec.text = template.fill(tpl, s.text, f, s.line)
    end
    doc.sections[#doc.sections + 1] = sec
  end
  return doc
end

-- The doc as titled result sets, for md, csv and xlsx: the notice's
-- header, then each section's tables, or its text where it has none.
-- opts.sheets (xlsx): the header's set is titled 通报, a sheet name
-- Excel does not cut (it takes at most 31 characters), with the notice's
-- title as its first row; md and csv have the title as the heading.
function M.sets(doc, opts)
  local t = doc.texts
  local short = opts and opts.sheets
  local head = { title = short and "通报" or t.title or "督查通报", columns = { "项目", "内容" }, keys = { "field", "value" },
    rows = {} }
  for _, kv in ipairs({ { "标题", short and t.title or nil }, { "文号", t.number }, { "发文单位", t.issuer }, { "日期", t.date },
      { "督查期间", ("%s（%s至%s）"):format(doc.period.name, doc.period.from, doc.period.to) }, { "导语", t.intro } }) do
    if kv[2] then head.rows[#head.rows + 1] = kv end
  end
  -- the notice's text, section by section, so that md and csv read as the
  -- HTML does; the tables follow
  for _, s in ipairs(doc.sections) do
    head.rows[#head.rows + 1] = { s.heading, (s.text or "") .. table.concat(s.notes) }
  end
  if t.closing then head.rows[#head.rows + 1] = { "结语", t.closing } end
  if t.signoff then head.rows[#head.rows + 1] = { "落款", t.signoff } end
  local out = { head }
  for _, s in ipairs(doc.sections) do
    local note = (s.text or "") .. table.concat(s.notes)
    if #s.tables == 0 then
      out[#out + 1] = { title = s.heading, columns = { "说明" }, keys = { "note" }, rows = { { note or "" } } }
    else
      for _, set in ipairs(s.tables) do
        local c = {}
        for k, v in pairs(set) do c[k] = v end
        c.title = #s.tables == 1 and s.heading or (s.heading .. "：" .. set.title)
        c.print = nil            -- the printed HTML's cut: the data formats carry every row
        out[#out + 1] = c
      end
    end
  end
  return out
end

return M
