-- ledger_rules.lua — the DSL of rules/ledger.lua (the problem ledger's
-- rules) and loading it.  The file runs sandboxed through
-- cwsh.sandbox_load under the rule budget; a mistake is refused with its
-- FILE:LINE and why.  See rules/ledger.lua for what each declaration
-- means.  load() returns
--
--   { file, opens = { [kind] = true }, open_list = { kind, ... },
--     classes = { [name] = { name, days, line } }, class_list, default,
--     item_class = { [code] = class name } (from items = {...}),
--     words = { [word] = days },
--     accountable = { { links, category, items } ... }, assigned = { ... },
--     window, recheck_kinds = { [kind] = true }, closes = { [kind] = true } }

local srcpos = require("srcpos")
local fail = srcpos.fail
local function where() local f, l = srcpos.where(3); return f, l end

local M = { FILE = "ledger.lua", BUDGET = 1000000 }

-- The longest deadline, in work days (about four years): a deadline is
-- counted day by day on the calendar (calendar.add_workdays), so a
-- class of 10^11 days ran every import that opens a finding into its
-- limit.  A sheet's "N天" beyond it is not read as a deadline.
M.MAX_DAYS = 1000

-- The links of the responsibility chain the data holds (store: chain_of).
M.LINKS = { "管理员", "保洁员", "主办单位", "所", "包所领导", "包挂部门" }
local LINK = {}
for _, k in ipairs(M.LINKS) do LINK[k] = true end

local function strings(f, l, what, t)
  if type(t) ~= "table" then fail(f, l, "%s expects a list of names: %s { \"...\", ... }", what, what) end
  for _, v in ipairs(t) do
    if type(v) ~= "string" or v == "" then fail(f, l, "%s: every entry must be a name, not %s", what, tostring(v)) end
  end
  return t
end

-- The checks of names against the rule set (rules.names: nil when none
-- is loaded, and then nothing is checked).
local function check_kinds(f, l, what, list, names)
  if not names then return end
  local d = names.domain
  for _, k in ipairs(list) do
    if not d.by_kind[k] then
      fail(f, l, "%s: '%s' is not an inspection kind of %s (%s)", what, k, d.file,
        table.concat(require("domain").kind_names(d), ", "))
    end
  end
end

local function check_codes(f, l, what, list, names)
  if not names then return end
  for _, c in ipairs(list) do
    if not names.by_code[c] then fail(f, l, "%s: item '%s' is not in the checklist (%s)", what, c, names.items) end
  end
end

local function check_category(f, l, what, c, names)
  if not names or c == nil or names.by_category[c] then return end
  local list = {}
  for k in pairs(names.by_category) do list[#list + 1] = k end
  table.sort(list)
  fail(f, l, "%s: '%s' is not a category of the checklist (%s)", what, c, table.concat(list, ", "))
end

local function chain(r, key, names)
  return function(t)
    local f, l = where()
    if type(t) ~= "table" or #t == 0 then
      fail(f, l, "%s expects the links in order: %s { \"管理员\", \"所\" }", key, key)
    end
    for _, v in ipairs(t) do
      if not LINK[v] then fail(f, l, "%s: unknown link '%s' (links: %s)", key, tostring(v), table.concat(M.LINKS, "、")) end
    end
    if t.category ~= nil and type(t.category) ~= "string" then fail(f, l, "%s: category must be a category's name", key) end
    check_category(f, l, key, t.category, names)
    local items
    if t.items ~= nil then
      items = {}
      check_codes(f, l, key, strings(f, l, key .. " items", t.items), names)
      for _, c in ipairs(t.items) do items[c] = true end
    end
    local list = r[key]
    if not t.category and not items then
      for _, x in ipairs(list) do
        if not x.category and not x.items then fail(f, l, "%s: a default order is declared already (line %d)", key, x.line) end
      end
    end
    list[#list + 1] = { links = { table.unpack(t) }, category = t.category, items = items, line = l }
  end
end

local function new_api(r, names)
  local api = {}
  -- the work calendar, read-only, as in every rule file (README, "In Lua")
  api.calendar = require("calendar").api
  function api.opens(t)
    local f, l = where()
    strings(f, l, "opens", t)
    check_kinds(f, l, "opens", t, names)
    r.opens, r.open_list = {}, {}
    for _, k in ipairs(t) do r.opens[k] = true; r.open_list[#r.open_list + 1] = k end
  end
  function api.severity(t)
    local f, l = where()
    if type(t) ~= "table" or type(t[1]) ~= "string" or t[1] == "" then
      fail(f, l, "severity expects a name first: severity { \"3天\", days = 3 }")
    end
    local name = t[1]
    if r.classes[name] then fail(f, l, "severity '%s' is declared twice (first at line %d)", name, r.classes[name].line) end
    if math.type(t.days) ~= "integer" or t.days < 0 or t.days > M.MAX_DAYS then
      fail(f, l, "severity '%s': days must be a whole number of work days from 0 to %d, not %s", name, M.MAX_DAYS,
        tostring(t.days))
    end
    local c = { name = name, days = t.days, line = l }
    r.classes[name] = c
    r.class_list[#r.class_list + 1] = c
    if t.default then
      if r.default then fail(f, l, "severity '%s': '%s' is the default already (line %d)", name, r.default, r.classes[r.default].line) end
      r.default = name
    end
    if t.items ~= nil then
      check_codes(f, l, ("severity '%s'"):format(name), strings(f, l, "severity items", t.items), names)
      for _, code in ipairs(t.items) do r.item_class[code] = name end
    end
  end
  function api.deadline_words(t)
    local f, l = where()
    if type(t) ~= "table" then fail(f, l, "deadline_words expects { [\"立行立改\"] = 0, ... }") end
    for k, v in pairs(t) do
      if type(k) ~= "string" or math.type(v) ~= "integer" or v < 0 or v > M.MAX_DAYS then
        fail(f, l, "deadline_words: each word maps to a whole number of work days from 0 to %d (%s = %s)", M.MAX_DAYS,
          tostring(k), tostring(v))
      end
      r.words[k] = v
    end
  end
  api.accountable = chain(r, "accountable", names)
  api.assigned = chain(r, "assigned", names)
  function api.recurrence(t)
    local f, l = where()
    if type(t) ~= "table" or math.type(t.days) ~= "integer" or t.days < 1 then
      fail(f, l, "recurrence expects { days = N } with N ≥ 1 calendar days")
    end
    r.window = t.days
  end
  function api.recheck(t)
    local f, l = where()
    if type(t) ~= "table" then fail(f, l, "recheck expects { kinds = {...}, closes = {...} }") end
    r.recheck_kinds, r.closes = {}, {}
    check_kinds(f, l, "recheck kinds", strings(f, l, "recheck kinds", t.kinds or {}), names)
    check_kinds(f, l, "recheck closes", strings(f, l, "recheck closes", t.closes or {}), names)
    for _, k in ipairs(t.kinds or {}) do r.recheck_kinds[k] = true end
    for _, k in ipairs(t.closes or {}) do r.closes[k] = true end
  end
  return api
end

-- A path as messages name it: as cwsh.sandbox_load names the chunk, so
-- the load checks here name the file its own errors do (this wrote
-- rules/NAME under every rules directory, --rules /tmp/x too).
M.short = srcpos.short

-- Whether the file is there: absent only when the system says so
-- (ENOENT).  Any other failure to open it (out of memory, no permission)
-- is an error: taken for absence, it put the defaults in place of the
-- analysts' rules without a word.
local ENOENT = 2
local function file_exists(path)
  local f, err, code = io.open(path, "rb")
  if f then f:close() return true end
  if code == ENOENT then return false end
  error(("%s: %s"):format(M.short(path), (tostring(err):gsub("^.-: ", "", 1))), 0)
end

-- A rules directory without ledger.lua gets the defaults of domain.md
-- (those the shipped rules/ledger.lua declares).
local function defaults(r)
  for _, c in ipairs({ { "立行立改", 0 }, { "3天", 3 }, { "7天", 7 }, { "30天", 30 } }) do
    r.classes[c[1]] = { name = c[1], days = c[2], line = 0 }
    r.class_list[#r.class_list + 1] = r.classes[c[1]]
  end
  r.default = "3天"
  r.accountable[1] = { links = { "管理员", "主办单位", "所" }, line = 0 }
  r.assigned[1] = { links = { "管理员", "主办单位", "所" }, line = 0 }
  r.recheck_kinds = { ["督查"] = true, ["全面督查"] = true, ["暗访"] = true }
  for _, w in ipairs({ "立行立改", "立即整改", "当日", "当天", "即时" }) do r.words[w] = 0 end
end

-- Read rules/ledger.lua (or `path`), its names checked against rule set
-- `set` (default: the active one, rules.names): the rules above, or
-- raises "file:line: why".
function M.read(path, set)
  path = path or ((cwsh.rules_dir or "rules") .. "/" .. M.FILE)
  local names = srcpos.rule_names(set)
  local r = { opens = { ["督查"] = true, ["全面督查"] = true, ["暗访"] = true }, open_list = { "督查", "全面督查", "暗访" },
    classes = {}, class_list = {}, item_class = {}, words = {}, accountable = {}, assigned = {}, window = 90,
    recheck_kinds = {}, closes = {} }
  r.file = M.short(path)
  if not file_exists(path) then
    defaults(r)
    r.file = r.file .. " (absent: the defaults)"
    return r
  end
  local chunk, err = cwsh.sandbox_load(path, new_api(r, names))
  if not chunk then error(err, 0) end
  local ok, e = pcall(cwsh.budget, M.BUDGET, chunk)
  if not ok then
    e = tostring(e)
    if not e:match("%.lua:%d+: ") then e = r.file .. ": " .. e end
    error(e, 0)
  end
  if not r.default then error(("%s: no default severity (severity { \"3天\", days = 3, default = true })"):format(r.file), 0) end
  for _, key in ipairs({ "accountable", "assigned" }) do
    local has = false
    for _, x in ipairs(r[key]) do if not x.category and not x.items then has = true end end
    if not has then error(("%s: no default %s order (%s { \"管理员\", \"所\" })"):format(r.file, key, key), 0) end
  end
  return r
end

-- An item's severity in the checklist must be one of r's classes: an
-- unknown one (a typo, a class removed here) took the default without a
-- word.  Refused at the item, which is where the name is written.
function M.check_items(r, set)
  local rules = package.loaded.rules
  set = set or (type(rules) == "table" and rules.current and rules.current())
  if not set or not set.items then return end
  for _, it in ipairs(set.items) do
    if it.severity and not r.classes[it.severity] then
      local names = {}
      for _, c in ipairs(r.class_list) do names[#names + 1] = c.name end
      fail(it.file, it.line, "item %s: severity '%s' is not a class of %s (%s)", it.code, it.severity, r.file,
        table.concat(names, ", "))
    end
  end
end

-- Load rules/ledger.lua (or `path`) for the ledger: read and checked
-- against the active rule set.
function M.load(path)
  local r = M.read(path)
  M.check_items(r)
  return r
end

-- The severity class of item `it` (an item of the rule set, or nil for a
-- finding without one).
function M.class_of(r, it)
  local name = it and (r.item_class[it.code] or (r.classes[it.severity or ""] and it.severity)) or r.default
  return r.classes[name or r.default]
end

-- Which of r[key]'s chain orders (accountable or assigned) item `it`
-- takes: the first declared for its code or category, else the default.
function M.order_of(r, key, it)
  for i, x in ipairs(r[key]) do
    if (x.items and it and x.items[it.code]) or (x.category and it and x.category == it.category) then return i end
  end
  for i, x in ipairs(r[key]) do if not x.category and not x.items then return i end end
end

-- The first link of order `i` of r[key] that `chain` (link -> name)
-- holds: name, link; nil when none does.
function M.pick_order(r, key, i, chain_t)
  for _, link in ipairs(r[key][i].links) do
    if chain_t[link] then return chain_t[link], link end
  end
  return nil
end

function M.pick(r, key, chain_t, it) return M.pick_order(r, key, M.order_of(r, key, it), chain_t) end

-- Work days a deadline text says: a word of deadline_words, or N天 / N日 /
-- N个工作日 / N个工作日内 (N at most MAX_DAYS); nil when it says none of those.
-- (no optional multi-byte characters: `?` and classes like [天日] work on
-- bytes, not characters)
local DAY_FORMS = { "^(%d+)个工作日$", "^(%d+)个工作日内$", "^(%d+)天$", "^(%d+)天内$", "^(%d+)日$", "^(%d+)日内$",
  "^限期(%d+)天$", "^限期(%d+)日$" }
function M.word_days(r, text)
  if r.words[text] then return r.words[text] end
  for _, p in ipairs(DAY_FORMS) do
    local n = text:match(p)
    if n then
      n = tonumber(n)
      return n <= M.MAX_DAYS and n or nil
    end
  end
  return nil
end

return M
