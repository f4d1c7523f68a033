-- engine.lua — scoring markets from the store.  Owner: engine helper.
--
-- One SQL statement per period computes, for every inspection, the points
-- lost after item and category caps (engine_calc's formulas compiled to
-- SQL) and the points lost on the items the vetoes read.  Lua then works
-- per inspection (vetoes, memoised per distinct values) and per market
-- (combination, grade, rank, tier).  No Lua runs per result row.
--
--   engine.score_period(period [, set])  -> rows (plain tables, ranked)
--   engine.score(period, set, opts)      -> rows with .delta, stored
--   engine.market_detail(set, market_id, period) -> what explain shows

local calc = require("engine_calc")
local periods = require("engine_period")
local rules = require("rules")
local store = require("store")      -- every query goes through the store's repository

local M = {}

local function cur() 
  local set = rules.current()
  if not set then error("no rules loaded: fix the rules and run .rules reload", 0) end
  return set
end
M.current_set = cur

local function need_db()
  if not db then error("no database: the sqlite plugin is not loaded", 0) end
end

-- The codes the vetoes read, in a fixed order.
local function veto_codes(set)
  local seen, out = {}, {}
  for _, v in ipairs(set.vetoes) do
    for _, c in ipairs(v.items) do
      if not seen[c] then seen[c] = true; out[#out + 1] = c end
    end
  end
  return out
end

-- Hand `set`'s items and caps to the store's rule tables, which the
-- scoring query joins.  Items whose code the store does not know have no
-- results: left out.  The store refills them when the set or its item
-- ids change (.restore can change them) or they are gone.
local function load_rule_tables(set)
  local key = set.hash .. "|" .. store.rule_tables_key()
  local ids = store.item_ids()
  -- A category whose cap is at least its items' points can never reach
  -- it (an item never loses more than its points): its items get cat 0
  -- and are summed without a cap, which saves the store a CASE per row.
  local cat_ix, cats = {}, {}
  for i, c in ipairs(set.categories) do
    cat_ix[c.name] = calc.binds(c) and i or 0
    cats[i] = { cat = i, cap = c.cap }
  end
  local dep = {}
  for i, c in ipairs(veto_codes(set)) do dep[c] = i end
  local items = {}
  for _, it in ipairs(set.items) do
    if ids[it.code] then
      items[#items + 1] = { id = ids[it.code], code = it.code, cat = cat_ix[it.category], points = it.points,
        k = it.per_count, style = calc.style_ids[it.style], dep = dep[it.code] }
    end
  end
  store.put_rule_tables(key, cats, items)
end

-- The SQL of an item's points lost, in the store's columns and dialect
-- (made on first use: there may be no store).
local LOST, LOST_WORDS          -- and the result words it was made with

-- Per inspection in [from, to] (optionally one market): id, market_id,
-- date, kind, lost, v1..vn (points lost on each veto code).  Each
-- category's sum is capped, then added up; the store runs it as one pass.
local function inspection_rows(set, from, to, market_id)
  load_rule_tables(set)
  local words = set.domain.results
  if not LOST or LOST_WORDS ~= words then
    LOST, LOST_WORDS = calc.lost_sql(store.result_cols, store.item_cols, store.fns, words), words
  end
  local codes = veto_codes(set)
  local ic = store.item_cols
  local cats, vcols, binding = {}, {}, false
  for i, c in ipairs(set.categories) do
    if calc.binds(c) then
      binding = true
      cats[#cats + 1] = calc.cap_sql(("coalesce(sum(CASE %s WHEN %d THEN %s END), 0)"):format(ic.cat, i, LOST),
        ("%.17g"):format(c.cap), store.fns)
    end
  end
  table.insert(cats, 1, binding and ("coalesce(sum(CASE %s WHEN 0 THEN %s END), 0)"):format(ic.cat, LOST)
    or ("coalesce(sum(%s), 0)"):format(LOST))
  for i = 1, #codes do
    vcols[i] = ("sum(CASE %s WHEN %d THEN %s END)"):format(ic.dep, i, LOST)
  end
  local rows = store.inspection_sums(table.concat(cats, " + "), vcols, from, to, market_id)
  M.last_sql = store.last_sql          -- for a look with `= require("engine").last_sql`
  return rows, codes
end

local function markets() return store.markets() end

local function nn(v) if v == store.null then return nil end return v end

-- Add the names in `fired` (or nil) to the list-and-set `to`, once each.
local function add_vetoes(to, fired)
  for _, v in ipairs(fired or {}) do
    if not to[v] then to[v] = true; to[#to + 1] = v end
  end
end

-- Score every market with inspections in period p (a parsed period)
-- under `set`.  Rows: { market_id, code, name, unit, unit_id, is_key,
-- score, grade, rank, tier, inspections, vetoes, kinds }, ranked.
-- `insp` and `codes` (inspection_rows of a range holding p), when given,
-- are filtered to p's days instead of asking the store again; `shared`
-- (preload's, for several periods over the same `insp`) keeps what does
-- not depend on the period: each inspection's points lost per veto item
-- and the vetoes it fired (an inspection of February is judged once for
-- 2027-B1 and 2027-02), and the register.
local function score_parsed(set, p, insp, codes, shared)
  if not insp then insp, codes = inspection_rows(set, p.from, p.to) end
  shared = shared or {}
  local memo = shared.memo or {}
  local lost_of, fired_of = shared.lost or {}, shared.fired or {}
  local by_market, list = {}, {}
  local keep = calc.has_period_vetoes(set)
  local from, to = p.from, p.to
  for k, r in ipairs(insp) do
    local id, mid, date, kind, lost = r[1], r[2], r[3], r[4], r[5]
    if date >= from and date <= to then
    local lost_by, fired = lost_of[k], fired_of[k]
    if not lost_by then
      lost_by = {}
      for i, c in ipairs(codes) do lost_by[c] = nn(r[5 + i]) or 0 end
      fired = calc.vetoes(set, rules, lost_by, kind, memo)
      lost_of[k], fired_of[k] = lost_by, fired or false
    end
    fired = fired or nil
    local m = by_market[mid]
    if not m then
      m = { market_id = mid, list = {}, vetoes = {} }
      by_market[mid] = m
      list[#list + 1] = m
    end
    m.list[#m.list + 1] = { id = id, date = date, kind = kind, score = set.total - lost, lost = keep and lost_by or nil }
    add_vetoes(m.vetoes, fired)
    end
  end
  local info = shared.info or markets()
  local rows = {}
  for _, m in ipairs(list) do
    local mk = info[m.market_id] or { code = "?" .. m.market_id, name = "?" }
    local score = calc.combine(set, m.list)
    if keep then add_vetoes(m.vetoes, calc.period_vetoes(set, rules, m.list, score)) end
    rows[#rows + 1] = { market_id = m.market_id, code = mk.code, name = mk.name, unit = nn(mk.unit),
      unit_id = nn(mk.unit_id), is_key = mk.is_key == 1, score = score,
      grade = calc.grade(set, score, #m.vetoes > 0), inspections = #m.list,
      vetoes = m.vetoes, veto = #m.vetoes > 0 and table.concat(m.vetoes, "、") or nil }
  end
  return calc.rank(set, rows, "code")
end

-- Points lost per market and item in [from, to], after each item's own
-- cap (category caps apply to an inspection's total, not to an item):
-- rows { market_id, code, times, lost } for the items that lost points,
-- `times` the inspections in which they did.  The notice's most-lost
-- items and problems per market come from it.
function M.item_losses(p, set)
  need_db()
  set = set or cur()
  load_rule_tables(set)
  local words = set.domain.results
  if not LOST or LOST_WORDS ~= words then
    LOST, LOST_WORDS = calc.lost_sql(store.result_cols, store.item_cols, store.fns, words), words
  end
  -- the rows that can lose points (not 不适用, not 合格 unless band-graded),
  -- so the store skips most rows before the expression
  local function q(w) return "'" .. w:gsub("'", "''") .. "'" end
  local r, ic = store.result_cols.result, store.item_cols.style
  local can = ("%s <> %s AND (%s <> %s OR %s = %d)"):format(r, q(words.na.name), r, q(words.pass.name), ic,
    calc.style_ids.bands)
  return store.item_losses(LOST, p.from, p.to, can)
end

-- Stations ranked by the mean of their markets' scores in `rows` (as
-- score_period gives them): { unit, n, sum, score, vetoed, rank, tier }.
function M.rank_units(rows, set)
  set = set or cur()
  local by, list = {}, {}
  for _, r in ipairs(rows) do
    local name = r.unit or "(无所属)"
    local u = by[name]
    if not u then u = { unit = name, n = 0, sum = 0, vetoed = 0 }; by[name] = u; list[#list + 1] = u end
    u.n = u.n + 1
    u.sum = u.sum + r.score
    if r.veto then u.vetoed = u.vetoed + 1 end
  end
  for _, u in ipairs(list) do u.score = u.sum / u.n end
  return calc.rank(set, list, "unit")
end

-- Results are remembered per (period, rules) while the data is unchanged
-- (the store's data stamp), so the previous period for Δ is not scored twice.
local cache = {}
local function data_stamp() return store.data_stamp() end

function M.parse_period(s)
  if s == nil then
    need_db()
    local _, last = store.date_range()
    if not last then error("no inspections in the database: import some first", 0) end
    return periods.parse(last:sub(1, 7))
  end
  local p, err = periods.parse(s)
  if not p then error(err, 0) end
  return p
end

local function cached(set, p)
  local key = p.name .. "|" .. set.hash
  local stamp = data_stamp()
  local c = cache[key]
  if c and c.stamp == stamp then return c.rows end
  local rows = score_parsed(set, p)
  cache[key] = { stamp = stamp, rows = rows }
  return rows
end

-- Score several periods (parsed) from one pass over the store (the
-- inspections from the earliest start to the latest end) into the cache,
-- so that score_period and score find them: the notice's period and the
-- months of its trend.  Periods cached already are left alone.
function M.preload(list, set)
  need_db()
  set = set or cur()
  local now = data_stamp()
  local todo, from, to = {}, nil, nil
  for _, p in ipairs(list) do
    local c = cache[p.name .. "|" .. set.hash]
    if not (c and c.stamp == now) then
      todo[#todo + 1] = p
      if not from or p.from < from then from = p.from end
      if not to or p.to > to then to = p.to end
    end
  end
  if #todo == 0 then return end
  local insp, codes = inspection_rows(set, from, to)
  -- stamped after the pass: filling the rule tables the first time moves
  -- total_changes()
  local stamp = data_stamp()
  local shared = { memo = {}, lost = {}, fired = {}, info = markets() }
  for _, p in ipairs(todo) do
    cache[p.name .. "|" .. set.hash] = { stamp = stamp, rows = score_parsed(set, p, insp, codes, shared) }
  end
end

-- Plain rows for a period (string or parsed), under `set` (default: active).
function M.score_period(period, set)
  need_db()
  set = set or cur()
  local p = type(period) == "table" and period or M.parse_period(period)
  return cached(set, p), p
end

-- Score, compute Δ against the previous period, store in `score`.
function M.score(period, set)
  need_db()
  set = set or cur()
  local p = type(period) == "table" and period or M.parse_period(period)
  local rows = cached(set, p)
  local prev = cached(set, periods.prev(p))
  local before = {}
  for _, r in ipairs(prev) do before[r.market_id] = r.score end
  for _, r in ipairs(rows) do r.delta = before[r.market_id] and r.score - before[r.market_id] or nil end
  local before_stamp = data_stamp()
  store.save_scores(p.name, set.hash, rows)
  -- our own writes (the score table, no inspection) moved total_changes():
  -- re-stamp what was current before them.  The scores are committed by
  -- now, so a failure here (out of memory) must not fail the command: it
  -- forgets those cache entries instead, and the next use recomputes them.
  local ok, stamp = pcall(data_stamp)
  for k, c in pairs(cache) do
    if c.stamp == before_stamp then if ok then c.stamp = stamp else cache[k] = nil end end
  end
  return rows, p
end

-- A period without inspections is an error for score, rank and whatif (a
-- script scoring a month whose sheets are not imported yet must stop); it
-- names the dates the database has.
function M.no_inspections(p)
  local a, b = store.date_range()
  local have = a and ("; the database has inspections from %s to %s"):format(a, b)
    or "; the database has no inspections: import some first"
  error(("no inspections in %s (%s..%s)%s"):format(p.name, p.from, p.to, have), 0)
end

-- "; did you mean X, Y?" for names (at most five), "" when there are none.
local function did_you_mean(names)
  if #names == 0 then return "" end
  return "; did you mean " .. table.concat(names, ", ") .. "?"
end

-- Find a station (unit) by name; unknown is an error with a did-you-mean.
function M.find_unit(s)
  need_db()
  local r = store.unit_by_name(s)
  if r then return r end
  error(("no station '%s'%s"):format(s, did_you_mean(store.units_like(s, 5))), 0)
end

-- Run fn with everything it stores in one transaction of the store.
function M.atomically(fn)
  need_db()
  return store.tx(fn)
end

-- Find a market by code, name or alias.  Errors name the candidates.
function M.find_market(s)
  need_db()
  local r = store.market_by_code(s)
  if r then return r end
  local found = store.markets_named(s)
  if #found == 1 then return found[1] end
  if #found == 0 then
    error(("no market '%s' (give its code or name)%s"):format(s, did_you_mean(store.markets_like(s, 5))), 0)
  end
  local codes = {}
  for _, x in ipairs(found) do codes[#codes + 1] = x.code end
  error(("market name '%s' is ambiguous: codes %s"):format(s, table.concat(codes, ", ")), 0)
end

-- Everything explain shows for one market and period, computed in memory
-- (engine_calc.inspection) from the market's result rows.
function M.market_detail(set, market_id, p)
  need_db()
  return M.detail(set, store.market_inspections(market_id, p.from, p.to))
end

-- Score inspections in memory: insps = { { id, date, kind, results = {
-- [code] = { result, deduction, count, note } } }... }.  The rule tests
-- and explain both come here.
function M.detail(set, insps)
  local memo, vetoes = {}, {}
  for _, x in ipairs(insps) do
    x.calc = calc.inspection(set, x)
    x.score = x.calc.score
    x.vetoes = calc.vetoes(set, rules, x.calc.by_code, x.kind, memo)
    x.lost = x.calc.by_code
    add_vetoes(vetoes, x.vetoes)
  end
  local score = calc.combine(set, insps)
  local period, where
  if score then period, where = calc.period_vetoes(set, rules, insps, score) end
  add_vetoes(vetoes, period)
  return { inspections = insps, score = score, vetoes = vetoes, period_vetoes = period or {},
    period_where = where or {},
    grade = score and calc.grade(set, score, #vetoes > 0) }
end

return M
