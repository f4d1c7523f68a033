-- ledger.lua — the problem ledger (台账): every problem found is registered
-- (立项) with its responsibility chain and deadline, and followed through
-- 整改中 → 待复查 → 已销号 with an audit trail that nothing deletes.
--
-- Findings open by themselves from imports: the after-import event (events
-- .lua) gives the import's id, and every item lost at an inspection of a
-- kind rules/ledger.lua `opens` becomes a finding; a later inspection that
-- passes the item records a 复查.  `imports undo` (the undo event) marks the
-- import's findings withdrawn (已撤销), and a re-import with --replace
-- relinks them to the new rows instead of opening them again.
--
-- Statuses: 立项, 整改中 (assigned), 待复查 (rectified, or passed at a later
-- inspection), 已销号 (verified), 复查未通过 (rejected, with a new
-- deadline), 长期整改 (construction with milestones), 已撤销 (its import was
-- taken back).  逾期 is never stored: a finding is overdue when its status
-- is open and its deadline (or a 长期整改 milestone) is before today.
--
-- The clock is clock.lua's (CWSH_NOW, or `lua require("ledger").clock =
-- "2026-10-09 10:00:00"` as before, else the local time).
--
-- Contract for other modules (the bimonthly notice, the targets):
--   figures(from, to, today, { open_per_market = N })
--     -> { found, closed, closed_on_time, due, open, overdue,
--     by_unit = { { unit, found, ... } }, by_market = { { market, name, unit, ... } },
--     by_item = { { item, name, ... } }, open_list = { { id, market, market_name,
--     unit, item, description, found, deadline, status, overdue, assigned,
--     accountable } } }   (open_list: at most N a market, overdue first, by
--     market; all of them without N, none for 0)

local calendar = require("calendar")
local clock = require("clock")
local lrules = require("ledger_rules")

local M = {}

M.OPEN = { "立项", "整改中", "复查未通过", "长期整改" }
M.STATUSES = { "立项", "整改中", "待复查", "已销号", "复查未通过", "长期整改", "已撤销" }
local OPEN = {}
for _, s in ipairs(M.OPEN) do OPEN[s] = true end

local function store() return require("store") end

-- ------------------------------------------------------------ clock

-- The one clock is clock.lua's; ledger.now/today and the older setter
-- `require("ledger").clock = ...` stay for the callers and tests that use them.
M.now = clock.now
M.today = clock.today
setmetatable(M, {
  __index = function(_, k) if k == "clock" then return clock.fixed end end,
  __newindex = function(t, k, v) if k == "clock" then clock.fixed = v else rawset(t, k, v) end end,
})

-- ------------------------------------------------------------ deadlines

-- The deadline of a finding of class `class` found on `found`: `days`
-- work days later on the calendar (the same day for 0).
local function due_after(found, days)
  if days == 0 then return found end
  return calendar.add_workdays(found, days)
end
M.due_after = due_after

-- Chinese numerals of a day count: 三 3, 十 10, 十五 15, 二十 20, 二十五
-- 25, 一百 100 (两 is 2); nil for anything else.
local DIGIT = { ["〇"] = 0, ["零"] = 0, ["一"] = 1, ["二"] = 2, ["两"] = 2, ["三"] = 3, ["四"] = 4, ["五"] = 5,
  ["六"] = 6, ["七"] = 7, ["八"] = 8, ["九"] = 9 }
local function chinese_number(t)
  local n, cur = 0, nil
  for _, c in utf8.codes(t) do
    local ch = utf8.char(c)
    if DIGIT[ch] then
      if cur then return nil end
      cur = DIGIT[ch]
    elseif ch == "十" then n = n + (cur or 1) * 10; cur = nil
    elseif ch == "百" then n = n + (cur or 1) * 100; cur = nil
    else return nil end
  end
  return n + (cur or 0)
end

-- A 整改期限 cell as the sheets write it, made plain: full-width digits
-- and signs (５天, ２０２６－１０－３０) as ASCII, spaces dropped, a run of
-- Chinese numerals before 天/日/个 as digits (三天, 十五个工作日).
local function plain(text)
  local out = {}
  for _, c in utf8.codes(text) do
    if c >= 0xFF10 and c <= 0xFF19 then out[#out + 1] = string.char(c - 0xFF10 + 48)
    elseif c == 0xFF0D or c == 0x2014 or c == 0xFF0F then out[#out + 1] = c == 0xFF0F and "/" or "-"
    elseif c ~= 0x20 and c ~= 0x3000 and c ~= 0x09 then out[#out + 1] = utf8.char(c) end
  end
  local t = table.concat(out)
  -- (the first 天, 日 or 个: a class like [天日个] matches bytes, not characters)
  local lead, num, tail = "", nil, nil
  local body = t
  if body:sub(1, #"限期") == "限期" then lead, body = "限期", body:sub(#"限期" + 1) end
  local at
  for _, w in ipairs({ "天", "日", "个" }) do
    local k = body:find(w, 1, true)
    if k and (not at or k < at) then at = k end
  end
  if at then num, tail = body:sub(1, at - 1), body:sub(at) end
  if num and num ~= "" and not num:match("^%d+$") then
    local n = chinese_number(num)
    if n then t = lead .. n .. tail end
  end
  return t
end

-- The deadline a sheet's 整改期限 text gives for a finding found on
-- `found`: the date itself (YYYY-MM-DD, or M月D日 / M月D号 in the year
-- of the inspection, the next year when that day is before it), or the
-- work days its words say (3天, 三天, ５天, 3个工作日, deadline_words).
-- nil and why when it says neither, or gives a day before `found`.
function M.sheet_deadline(r, found, text)
  if text == nil or text == "" then return nil end
  if r.words[text] then return due_after(found, r.words[text]) end
  local t = plain(text)
  local d = calendar.parse(t) and t
  if not d then
    local mo, dd = t:match("^(%d%d?)月(%d%d?)日$")
    if not mo then mo, dd = t:match("^(%d%d?)月(%d%d?)号$") end
    if mo then
      local y = tonumber(found:sub(1, 4))
      d = ("%04d-%02d-%02d"):format(y, tonumber(mo), tonumber(dd))
      if calendar.parse(d) and d < found then d = ("%04d-%02d-%02d"):format(y + 1, tonumber(mo), tonumber(dd)) end
      if not calendar.parse(d) then d = nil end
      if not d then return nil, "neither a date nor work days" end
    end
  end
  if d then
    if d < found then return nil, ("before the inspection's date %s"):format(found) end
    return d
  end
  local n = lrules.word_days(r, t)
  if n then return due_after(found, n) end
  return nil, "neither a date nor work days"
end

-- Where the 整改期限 cells reading `text` are in `file` (a CSV sheet whose
-- header names the column 整改期限 or deadline): { "FILE:LINE:COLUMN" },
-- or {} when the file cannot be read so.  Read only for a cell the
-- ledger cannot use, to name the cell as every import message does.
local function cells_of(file, text)
  local out = {}
  local f = file and io.open(file, "rb")
  if not f then return out end
  local col
  local n = 0
  for line in f:lines() do
    n = n + 1
    line = line:gsub("\r$", ""):gsub("^\239\187\191", "")
    local cells, i = {}, 1
    while i <= #line + 1 do
      local c
      if line:sub(i, i) == '"' then
        local j, buf = i + 1, {}
        while j <= #line do
          local ch = line:sub(j, j)
          if ch == '"' and line:sub(j + 1, j + 1) == '"' then buf[#buf + 1] = '"'; j = j + 2
          elseif ch == '"' then j = j + 1; break
          else buf[#buf + 1] = ch; j = j + 1 end
        end
        c = table.concat(buf)
        local k = line:find(",", j, true)
        i = k and k + 1 or #line + 2
      else
        local k = line:find(",", i, true)
        c = line:sub(i, (k or #line + 1) - 1)
        i = k and k + 1 or #line + 2
      end
      cells[#cells + 1] = c:match("^%s*(.-)%s*$")
    end
    if not col then
      for k, c in ipairs(cells) do if c == "整改期限" or c:lower() == "deadline" then col = k end end
      if not col then break end
    elseif cells[col] == text then
      out[#out + 1] = ("%s:%d:%d"):format(file, n, col)
    end
  end
  f:close()
  return out
end

-- One notice for each 整改期限 cell of import n the ledger could not use
-- (bad: { { text, why } }), at its FILE:LINE:COLUMN, saying the deadline
-- each finding of it got instead (its item's class).
local function report_bad_sheet(n, bad, r)
  if #bad == 0 then return end
  local s = store()
  local im = s.import_by_id(n)
  local file = im and im.file
  for _, b in ipairs(bad) do
    local used = {}
    for _, x in ipairs(s.sheet_findings(n, b.text)) do
      used[#used + 1] = ("#%d %s %s %s"):format(x.id, x.market, x.item or "-", x.deadline)
    end
    local forms = b.why:match("^neither") and (" (YYYY-MM-DD, M月D日, 3天, 三天, 3个工作日, %s deadline_words)"):format(r.file) or ""
    local what = ("整改期限 '%s' is %s%s: the item's class gave the deadline%s")
      :format(b.text, b.why, forms, #used > 0 and (" (" .. table.concat(used, ", ") .. ")") or "")
    local at = cells_of(file, b.text)
    if #at == 0 then at = { ("%s: import #%d"):format(file or "?", n) } end
    for _, w in ipairs(at) do cwsh.notice(("%s: %s"):format(w, what)) end
  end
end

-- ------------------------------------------------------------ opening

local function chain_text(c)
  local parts = {}
  for _, link in ipairs(lrules.LINKS) do
    if c[link] then parts[#parts + 1] = link .. " " .. c[link] end
  end
  return #parts > 0 and table.concat(parts, "；") or nil
end

-- The columns of a new finding of `market_id` for item `it` (an item of the
-- rule set, or nil) found on `found`, given a sheet's deadline text:
-- severity, deadline, chain, accountable, assigned, recurs_id, recurrence.
-- cache memoizes chains and deadlines over one import.
local function fill(r, f, it, sheet, cache)
  local class = lrules.class_of(r, it)
  f.severity = class.name
  -- counted_from: the day the market is told, when later than found (a
  -- public report's verification)
  local from = f.counted_from or f.found
  local dk = from .. "\0" .. (sheet or "") .. "\0" .. class.name
  local d = cache.deadline[dk]
  if d == nil then
    d = M.sheet_deadline(r, from, sheet)
    if not d then
      if sheet and sheet ~= "" and not cache.bad_words[sheet] then
        cache.bad_words[sheet] = true
        cwsh.notice(("ledger: 整改期限 '%s' is neither a date nor work days (%s deadline_words, N天): the item's class decides")
          :format(sheet, r.file))
      end
      d = due_after(from, class.days)
    end
    cache.deadline[dk] = d
  end
  f.deadline = d
  local c = cache.chain[f.market_id]
  if not c then c = store().chain_of(f.market_id); cache.chain[f.market_id] = c end
  f.chain = chain_text(c)
  f.accountable = lrules.pick(r, "accountable", c, it)
  f.assigned = lrules.pick(r, "assigned", c, it)
  local prev = store().earlier_finding(f.market_id, f.item_id, calendar.add_days(f.found, -r.window), f.found)
  if prev then f.recurs_id, f.recurrence = prev.id, prev.recurrence + 1 else f.recurrence = 0 end
  return f
end

local function new_cache() return { deadline = {}, chain = {}, bad_words = {} } end

-- The rule set's item `code` (its title, category and severity), from the
-- active set or what an import reads; { code } when neither has it.
local by_code
local function rule_item(code)
  local rules = package.loaded.rules
  if type(rules) == "table" then
    local set = rules.current and rules.current()
    if set and set.by_code and set.by_code[code] then return set.by_code[code] end
    if not by_code and rules.import_view then
      local view = rules.import_view()
      by_code = {}
      for _, it in ipairs(view and view.items or {}) do by_code[it.code] = it end
    end
  end
  return by_code and by_code[code] or { code = code }
end


-- The import event: open a finding for every lost item of the import,
-- relink the findings of the import it replaced, record rechecks.  The
-- rules and the calendar are applied here to the import's few distinct
-- values (dates, sheet deadlines, items, markets); the store opens the
-- findings in set-based statements (store.open_import).  One
-- transaction; returns opened, relinked, rechecked, withdrawn counts.
-- `owed`: only if the import is still owed its findings (its
-- ledger_pending row); nil when a session starting meanwhile took the
-- row and opened them (its start-up may come between the import's
-- commit and this transaction: both opened them, and the second's stale
-- view of the import's findings withdrew the first's).
function M.on_import(e, owed)
  local r = lrules.load()
  local s = store()
  local p = { at = M.now(), kinds = r.open_list, window = r.window, recheck_kinds = {}, closes = {},
    items = {}, due = {}, sheet = {}, markets = {} }
  for k in pairs(r.recheck_kinds) do p.recheck_kinds[#p.recheck_kinds + 1] = k end
  for k in pairs(r.closes) do p.closes[#p.closes + 1] = k end
  table.sort(p.recheck_kinds)
  table.sort(p.closes)
  local counts
  local bad, bad_seen = {}, {}
  s.derived_tx(function()
    -- in the same transaction as the findings; on the server it waits
    -- for a session that is opening them now
    local owed_now, replaces = s.pending_done(e.id)
    if not owed_now and owed then return end
    -- An import with no inspection of a kind that opens, rechecks or
    -- closes, that replaced none, has nothing to do here (自查 sheets,
    -- by default): no finding of it to open, none to recheck, and the
    -- findings of an import that is gone are a replace's, whose own row
    -- names it.  Without this it cost a TEMP table each, the chains'
    -- snapshot and a dozen statements: 79 ms of a city import on the
    -- server.
    if owed_now and not replaces then
      local kinds = {}
      for _, list in ipairs({ r.open_list, p.recheck_kinds, p.closes }) do
        for _, k in ipairs(list) do kinds[#kinds + 1] = k end
      end
      if not s.import_has_kinds(e.id, kinds) then counts = { 0, 0, 0, 0 }; return end
    end
    local days = {}
    local ids = {}
    for code, id in pairs(s.item_ids()) do ids[#ids + 1] = { code = code, id = id } end
    table.sort(ids, function(a, b) return a.id < b.id end)
    for _, x in ipairs(ids) do
      local it = rule_item(x.code)
      local class = lrules.class_of(r, it)
      days[class.days] = true
      p.items[#p.items + 1] = { item_id = x.id, severity = class.name, days = class.days,
        acc = lrules.order_of(r, "accountable", it), asg = lrules.order_of(r, "assigned", it) }
    end
    local dates, sheet = s.import_dates(e.id, r.open_list)
    for _, d in ipairs(dates) do
      for n in pairs(days) do p.due[#p.due + 1] = { found = d, days = n, due = due_after(d, n) } end
    end
    for _, x in ipairs(sheet) do
      local due, why = M.sheet_deadline(r, x.date, x.text)
      if due then p.sheet[#p.sheet + 1] = { found = x.date, text = x.text, due = due }
      elseif not bad_seen[x.text] then
        bad_seen[x.text] = true
        bad[#bad + 1] = { text = x.text, why = why }
      end
    end
    for _, m in ipairs(s.import_chains(e.id)) do
      local x = { market_id = m.market_id, chain = chain_text(m.links), acc = {}, asg = {} }
      for i in ipairs(r.accountable) do x.acc[i] = lrules.pick_order(r, "accountable", i, m.links) end
      for i in ipairs(r.assigned) do x.asg[i] = lrules.pick_order(r, "assigned", i, m.links) end
      p.markets[#p.markets + 1] = x
    end
    counts = { s.open_import(e.id, p) }
  end)
  if not counts then return nil end
  -- after the transaction: the import stays whole, each unusable cell is
  -- named with the deadline used instead
  report_bad_sheet(e.id, bad, r)
  local opened, relinked, withdrawn, rechecked, recurs = table.unpack(counts)
  return opened, relinked, rechecked, withdrawn, recurs or 0
end

-- The undo event: the import's findings are withdrawn, audited; nothing
-- is deleted.  A recheck by an inspection that is gone now (this import's,
-- or one it replaced) is taken back too when it is still the finding's
-- latest change: the finding returns to the status it had.  Returns
-- withdrawn, rechecks taken back.
function M.on_undo(e)
  local s = store()
  local n, back
  s.tx(function()
    -- (a rules/ledger.lua that fails does not stop the undo, as before:
    -- the recurrences are relinked with the default window then)
    local ok, r = pcall(lrules.load)
    n, back = s.undo_findings(e.id, M.now(), ("导入 #%d 已撤销（imports undo）"):format(e.id),
      ("-%d days"):format(ok and r.window or 90))
  end)
  return n, back
end

-- ------------------------------------------------------------ transitions

local function refuse(cmd, id, status, want)
  if status == nil then error(("%s: there is no finding #%s (see `ledger`)"):format(cmd, tostring(id)), 0) end
  error(("%s: finding #%d is %s: only a finding that is %s can be %s"):format(cmd, id, status,
    table.concat(want.from, "、"), want.what), 0)
end

-- Move finding `id` along one transition in one write transaction: the
-- status check and change are one conditional UPDATE (store.transition),
-- so of two processes doing it at once one succeeds and the other is told
-- the status the first left.  Returns the from status.
local function move(cmd, id, want, to, set, ev)
  local s = store()
  local from
  s.tx(function()
    local f = s.finding(id)
    if not f then refuse(cmd, id, nil, want) end
    local allowed = false
    for _, x in ipairs(want.from) do if x == f.status then allowed = true end end
    if not allowed then refuse(cmd, id, f.status, want) end
    local ok, now = s.transition(id, want.from, to or f.status, set)
    if not ok then refuse(cmd, id, now, want) end
    from = f.status
    ev.from_status, ev.to_status = f.status, to or f.status
    ev.at = ev.at or M.now()
    s.add_event(id, ev)
  end)
  return from
end

-- Who made a change (--by), trimmed: every change of the audit trail
-- names who made it (issue 13: "who, when, from → to, note").
local function trim(v) return type(v) == "string" and v:match("^%s*(.-)%s*$") or nil end
local function who(cmd, by)
  by = trim(by)
  if not by or by == "" then
    error(("%s needs --by PERSON (who made the change: the audit trail keeps who did what)"):format(cmd), 0)
  end
  return by
end
M.who = who

-- A text the change must carry (a fix's note, a rejection's reason).
local function text_of(cmd, opt, v, why)
  v = trim(v)
  if not v or v == "" then error(("%s needs %s TEXT, not a blank one (%s)"):format(cmd, opt, why), 0) end
  return v
end

-- A deadline `d` for a finding found on `found`: refused when before it.
local function not_before(cmd, what, d, found)
  if d < found then
    error(("%s: %s %s is before the finding's date %s: a deadline is on or after the day the problem was found")
      :format(cmd, what, d, found), 0)
  end
  return d
end

-- The sources a finding may have (domain.md).
M.SOURCES = { "自查", "督查", "全面督查", "暗访", "上级通报", "群众举报" }

local function get(cmd, id)
  local f = store().finding(id)
  if not f then error(("%s: there is no finding #%s (see `ledger`)"):format(cmd, tostring(id)), 0) end
  return f
end

local ASSIGNABLE = { from = { "立项", "整改中", "复查未通过", "长期整改", "待复查" }, what = "assigned" }
function M.assign(id, person, by)
  by = who("ledger assign", by)
  person = trim(person) or ""
  if person == "" or not store().person_known(person) then
    error(("ledger assign: '%s' is neither a person nor a unit of the register: add the person first (INSERT INTO person(name, unit_id, role) VALUES ('%s', UNIT_ID, '干部');)")
      :format(person, person), 0)
  end
  local f = get("ledger assign", id)
  local to = f.status == "立项" and "整改中" or f.status
  local from = move("ledger assign", id, ASSIGNABLE, to, { assigned = person },
    { by = by, action = "交办", note = ("%s → %s"):format(f.assigned or "（无）", person) })
  return from, to
end

local FIXABLE = { from = { "立项", "整改中", "复查未通过", "长期整改" }, what = "reported fixed" }
function M.fix(id, note, evidence, by)
  by = who("ledger fix", by)
  note = text_of("ledger fix", "--note", note, "what was done: the audit trail keeps it")
  local from = move("ledger fix", id, FIXABLE, "待复查", { fixed = M.today() },
    { by = by, action = "整改", note = note, evidence = evidence })
  return from, "待复查"
end

local VERIFIABLE = { from = { "待复查" }, what = "verified" }
function M.verify(id, by)
  by = who("ledger verify", by)
  local from = move("ledger verify", id, VERIFIABLE, "已销号", { closed = M.today() },
    { by = by, action = "销号" })
  return from, "已销号"
end

-- Reject a rectification: back to 复查未通过 with a new deadline (`deadline`,
-- or the finding's class counted from today).
function M.reject(id, reason, by, deadline)
  by = who("ledger verify", by)
  reason = text_of("ledger verify --reject", "--reason", reason, "why the rectification fails")
  local f = get("ledger verify", id)
  if deadline then
    not_before("ledger verify", "--deadline", deadline, f.found)
    if deadline < M.today() then
      error(("ledger verify: --deadline %s is before today (%s): a new deadline in the past is overdue when it is set")
        :format(deadline, M.today()), 0)
    end
  else
    local class = lrules.load().classes[f.severity]
    deadline = due_after(M.today(), class and class.days or 3)
  end
  local from = move("ledger verify", id, VERIFIABLE, "复查未通过", { deadline = deadline },
    { by = by, action = "复查未通过", note = reason, deadline = deadline })
  return from, "复查未通过", deadline
end

-- 长期整改: add a milestone (due, title); the finding's deadline is its
-- last milestone.
local PLANNABLE = { from = { "立项", "整改中", "复查未通过", "长期整改" }, what = "given milestones" }
function M.milestone(id, due, title, by)
  by = who("ledger milestone", by)
  local s = store()
  not_before("ledger milestone", "milestone", due, get("ledger milestone", id).found)
  local last = due
  for _, m in ipairs(s.milestones(id)) do if m.due > last then last = m.due end end
  local from
  s.tx(function()
    from = move("ledger milestone", id, PLANNABLE, "长期整改", { deadline = last },
      { by = by, action = "里程碑", note = ("%s %s"):format(due, title), deadline = last })
    s.add_milestone(id, due, title)
  end)
  return from, last
end

function M.milestone_done(id, n, by, note)
  by = who("ledger milestone", by)
  local s = store()
  local f = get("ledger milestone", id)
  local list = s.milestones(id)
  local m = list[n]
  if not m then
    error(("ledger milestone: finding #%d has %d milestone%s, not %d"):format(id, #list, #list == 1 and "" or "s", n), 0)
  end
  if m.done then error(("ledger milestone: milestone %d of finding #%d was done on %s"):format(n, id, m.done), 0) end
  s.tx(function()
    s.milestone_done(m.id, M.today())
    s.add_event(id, { at = M.now(), by = by, action = "里程碑完成", from_status = f.status, to_status = f.status,
      note = ("%s %s%s"):format(m.due, m.title, note and ("：" .. note) or "") })
  end)
  return m
end

-- A manual finding (ledger add, a verified report): f = { market_id,
-- item (code or nil), found, description, source, report_id, deadline,
-- by, counted_from (the day the deadline counts from, default found) };
-- its id.
function M.add(f)
  f.by = who("ledger add", f.by)
  local r = lrules.load()
  local s = store()
  local it = f.item and rule_item(f.item)
  local ids = f.item and s.item_ids() or {}
  local row = { source = f.source or "督查", report_id = f.report_id, market_id = f.market_id,
    item_id = f.item and ids[f.item], found = f.found, counted_from = f.counted_from,
    description = f.description or (it and it.title), event_note = f.note }
  if f.item and not row.item_id then error(("ledger add: item '%s' is not in the checklist"):format(f.item), 0) end
  local ok_d, why_d = M.sheet_deadline(r, f.found, f.deadline)
  if f.deadline and not ok_d and why_d ~= "neither a date nor work days" then
    error(("ledger add: --deadline %s is %s: a deadline is on or after the day the problem was found")
      :format(f.deadline, (why_d:gsub("inspection's", "finding's"))), 0)
  end
  if f.deadline and not ok_d then
    error(("ledger add: --deadline '%s' is neither a date nor work days (YYYY-MM-DD, 3天, 三天, 10月20日, %s deadline_words)")
      :format(f.deadline, r.file), 0)
  end
  local id
  s.tx(function()
    fill(r, row, it, f.deadline, new_cache())
    not_before("ledger add", "--deadline", row.deadline, row.found)
    id = s.add_finding(row, f.by, M.now())
  end)
  return id, row
end

-- ------------------------------------------------------------ queries

-- Whether finding f is overdue on `today`: open and past its deadline, or
-- (长期整改) past a milestone not done.  next_ms: store.next_milestones().
function M.overdue(f, today, next_ms)
  if not OPEN[f.status] then return false end
  if f.deadline < today then return true end
  local m = next_ms and next_ms[f.id]
  return f.status == "长期整改" and m ~= nil and m < today
end

local function counts(t)
  return t or { found = 0, fixed = 0, closed = 0, closed_on_time = 0, due = 0, open = 0, overdue = 0 }
end

-- The figures of the findings found from `from` to `to` (ISO dates, both
-- included), withdrawn ones left out, as the contract above says.  due:
-- closed, or with a deadline on or before today; closed_on_time: closed
-- with its rectification (or the recheck) on or before its deadline.
-- The store counts them (GROUP BY market and item; the stations and the
-- totals are the markets' sums); opts.open_per_market caps open_list at
-- that many findings a market, each market's overdue first then by
-- deadline (0: no open_list; nil: every open finding).
local COUNTS = { "found", "fixed", "closed", "closed_on_time", "due", "open", "overdue" }
local function add(c, x) for _, k in ipairs(COUNTS) do c[k] = c[k] + x[k] end end

function M.figures(from, to, today, opts)
  today = today or M.today()
  local per = opts and opts.open_per_market
  local lm, li, open = store().ledger_figures(from, to, today, per)
  local out = counts()
  local by_unit, lu = {}, {}
  for _, x in ipairs(lm) do
    add(out, x)
    local u = x.unit or "（无）"
    local c = by_unit[u]
    if not c then
      c = { unit = u, found = 0, fixed = 0, closed = 0, closed_on_time = 0, due = 0, open = 0, overdue = 0 }
      by_unit[u] = c; lu[#lu + 1] = c
    end
    add(c, x)
  end
  table.sort(lu, function(a, b) return a.unit < b.unit end)
  table.sort(lm, function(a, b) return a.market < b.market end)
  table.sort(li, function(a, b) return (a.item or "") < (b.item or "") end)
  out.by_unit, out.by_market, out.by_item = lu, lm, li
  out.open_list = open
  return out
end

-- The core's events (init.lua subscribes these at start-up).  The ledger
-- runs on a store that declares its dialect of the ledger's SQL (sqlite,
-- postgres); on another store (a plugin's) imports open no findings.
local function supported() return db ~= nil and store().ledger_dialect and true or false end
M.supported = supported

-- 343786 -> "343,786", as the import's own summary writes counts
local function thousands(n)
  local s = tostring(n)
  repeat local k; s, k = s:gsub("^(%d+)(%d%d%d)", "%1,%2") until k == 0
  return s
end

-- After the import's own summary, one line of what it did to the ledger
-- (the findings it opened, the ones its passing items rechecked), as the
-- analyst's next question is what now needs doing; and a replaced
-- import's findings that the new rows no longer list, which it withdrew
-- without being asked by name.  Not the findings a --replace kept, nor
-- the calendar's warnings while counting deadlines.
function M.import_handler(e)
  if not supported() then return end
  local ok, c, warnings = pcall(store().releasing_pending, e.id, calendar.quietly, function() return { M.on_import(e, true) } end)
  if not ok then
    -- the reason as the analyst needs it: not a position in cwsh's own
    -- Lua, nor the statement it was running (a rule file's stays)
    local why = tostring(c)
    local dir = cwsh.lua_dir and (cwsh.lua_dir .. "/") or nil
    if dir and why:sub(1, #dir) == dir then why = why:gsub("^[^\n]-%.lua:%d+: ", "", 1) end
    why = why:gsub(" %(in: .*$", "")
    require("events").fail(("import #%d is in, but its findings were not opened: %s; fix it and run `ledger sync`")
      :format(e.id, why))
  end
  if c[1] == nil then
    cwsh.notice(("ledger: import #%d's findings were opened by a session that started meanwhile"):format(e.id))
    return
  end
  local opened, rechecked, withdrawn, recurs = c[1], c[3], c[4], c[5] or 0
  -- what the import did to the ledger, after its own summary: the
  -- analyst's next question is what now needs doing
  if opened > 0 or rechecked > 0 then
    local parts = {}
    if opened > 0 then
      parts[1] = ("opened %s finding%s in the ledger (deadlines by %s)"):format(thousands(opened),
        opened == 1 and "" or "s", lrules.load().file)
    end
    if rechecked > 0 then
      parts[#parts + 1] = ("rechecked %s finding%s (复查)"):format(thousands(rechecked), rechecked == 1 and "" or "s")
    end
    cwsh.notice(table.concat(parts, "; "))
  end
  if recurs > 0 then
    cwsh.notice(("ledger: import #%d: linked %s later finding%s anew as recurrences (复发关联)")
      :format(e.id, thousands(recurs), recurs == 1 and "" or "s"))
  end
  if withdrawn > 0 then
    cwsh.notice(("ledger: import #%d: withdrew %s finding%s of the import it replaced that it no longer lists (已撤销)")
      :format(e.id, thousands(withdrawn), withdrawn == 1 and "" or "s"))
  end
  calendar.warn_again(warnings, "deadlines")
end

-- The imports still owed their findings (the process stopped between an
-- import's commit and its findings, which the import's own transaction
-- recorded in ledger_pending): opened now, at start-up (init.lua), each
-- in one transaction that first takes the import's pending row, so two
-- processes starting at once open them once.  Returns how many imports.
function M.open_pending()
  if not supported() then return 0 end
  local s = store()
  local done = 0
  for _, id in ipairs(s.pending_imports()) do
    local c
    s.tx(function()
      if s.pending_take(id) and s.import_by_id(id) then
        c = calendar.quietly(function() return { M.on_import({ id = id }) } end)
      end
    end)
    if c then
      done = done + 1
      cwsh.notice(("ledger: import #%d was left without its findings (they were not opened after the import): opened %d now")
        :format(id, c[1]))
    end
  end
  return done
end

-- `imports undo` says what it removed; the findings it withdrew show in
-- `ledger --all` and each one's history.
function M.undo_handler(e)
  if not supported() then return end
  M.on_undo(e)
end

return M
