-- commands/ledger.lua — `ledger`: the problem ledger (台账, core/lua/ledger
-- .lua): list the findings, show one with its whole history, register one
-- by hand, and move one along 立项 → 整改中 → 待复查 → 已销号 (assign, fix,
-- verify or reject, milestones of a 长期整改); `ledger figures` gives the
-- rectification rates per station, market and item.

local ledger = require("ledger")
local cmdargs = require("cmdargs")
local calendar = require("calendar")

local LIST_USAGE = "ledger [--open|--overdue|--all] [--market M] [--unit U] [--item C] [--person P] [--recurring] [--status S] [--on DATE]"
local USAGE = LIST_USAGE
  .. " | ledger show ID | ledger add MARKET ITEM --note TEXT [--date D] [--source S] [--deadline D] --by P"
  .. " | ledger assign ID PERSON --by P | ledger fix ID --note TEXT [--evidence REF] --by P"
  .. " | ledger verify ID --by PERSON | ledger verify ID --reject --reason TEXT [--deadline D] --by P"
  .. " | ledger milestone ID DATE TITLE --by P | ledger milestone ID --done N [--note T] --by P"
  .. " | ledger figures [PERIOD] [--by unit|market|item] [--on DATE] | ledger sync"

local function need_db()
  if not db then error("ledger: no database: the sqlite plugin is not loaded", 0) end
  if not ledger.supported() then
    error(("ledger: the problem ledger runs on the sqlite store, not yet on %s"):format(require("store").name), 0)
  end
  return require("store")
end

local function null(v) if v == nil then return cwsh.null end return v end

local function date_opt(cmd, o, k)
  local s = o[k]
  if s ~= nil and not calendar.parse(s) then error(("%s: %s needs a date YYYY-MM-DD, not '%s'"):format(cmd, k, s), 0) end
  return s
end

local function finding_id(cmd, s)
  local n = math.tointeger(tonumber(s or ""))
  if not n or n < 1 then error(("%s: '%s' is not a finding id (see `ledger`)"):format(cmd, tostring(s)), 0) end
  return n
end

-- A market by code, name or alias; an error naming what was asked.
local function market(cmd, s)
  local store = need_db()
  local m = store.market_by_code(s)
  if m then return m end
  local found = store.markets_named(s)
  if #found == 1 then return found[1] end
  if #found > 1 then
    local codes = {}
    for _, x in ipairs(found) do codes[#codes + 1] = x.code end
    error(("%s: '%s' names %d markets (%s): give the code"):format(cmd, s, #found, table.concat(codes, ", ")), 0)
  end
  error(("%s: no market '%s' (a code or name in the register)"):format(cmd, s), 0)
end

-- (the listing counts the same in its query: store.finding_list)
local function overdue_text(f, today, next_ms)
  if not ledger.overdue(f, today, next_ms) then return nil end
  local d = f.deadline < today and f.deadline or next_ms[f.id]
  return ("逾期%d天"):format(calendar.day(today) - calendar.day(d))
end

local COLUMNS = { "id", "market", "unit", "item", "description", "found", "deadline", "status", "overdue", "assigned", "recurs" }
local DATA_COLUMNS = { "id", "code", "market", "unit", "item", "description", "found", "deadline", "status", "overdue",
  "assigned", "recurs" }

local function list(args)
  local o, pos = cmdargs.parse(args, { ["--open"] = "flag", ["--overdue"] = "flag", ["--all"] = "flag",
    ["--market"] = "value", ["--unit"] = "value", ["--item"] = "value", ["--person"] = "value",
    ["--recurring"] = "flag", ["--status"] = "value", ["--on"] = "value" }, "ledger", LIST_USAGE)
  if #pos > 0 then
    error(("ledger: unknown subcommand '%s' (show, add, assign, fix, verify, milestone, figures, sync)"):format(pos[1]), 0)
  end
  local store = need_db()
  local today = date_opt("ledger", o, "--on") or ledger.today()
  local q = { exclude_withdrawn = not o["--all"] and not o["--status"], item = o["--item"], unit = o["--unit"],
    person = o["--person"], recurring = o["--recurring"], today = today,
    -- (a day before today: each finding as it stood then, from its audit
    -- trail; on or after today every change is in by then, and the
    -- statuses are today's without a probe of the trail a finding)
    as_of = o["--on"] ~= nil and today < ledger.today() }
  -- the filters intersect: --overdue with --status or --open keeps the
  -- findings of both (an elseif chain dropped --overdue)
  if o["--status"] then
    local ok = false
    for _, s in ipairs(ledger.STATUSES) do if s == o["--status"] then ok = true end end
    if not ok then
      error(("ledger: --status is one of %s, not '%s'"):format(table.concat(ledger.STATUSES, "、"), o["--status"]), 0)
    end
    q.statuses = { o["--status"] }
  elseif o["--open"] then
    q.statuses = { "立项", "整改中", "待复查", "复查未通过", "长期整改" }
  elseif o["--overdue"] then
    q.statuses = ledger.OPEN
  end
  if o["--overdue"] then q.overdue = true; q.order = "unit" end
  if o["--market"] then q.market_id = market("ledger", o["--market"]).id end
  -- a name the register lacks is an error, as --market's: an empty table
  -- said "no findings" of a station or person that does not exist
  if q.unit and not store.unit_by_name(q.unit) then
    error(("ledger: no unit '%s' (a station of the register: %s)"):format(q.unit,
      table.concat(store.unit_names(), "、")), 0)
  end
  if q.item then
    local ids = store.item_ids()
    if not ids[q.item] then
      -- a lowercase code is the code when the checklist's codes are unique so
      local up, n = nil, 0
      for code in pairs(ids) do if code:upper() == q.item:upper() then up, n = code, n + 1 end end
      if n ~= 1 then
        error(("ledger: item '%s' is not in the checklist (codes as rules/checklist.lua spells them, e.g. A01)")
          :format(q.item), 0)
      end
      q.item = up
    end
  end
  if q.person and not store.person_known(q.person) then
    error(("ledger: '%s' is neither a person nor a unit of the register (table person, table unit)"):format(q.person), 0)
  end
  -- the store gives the rows whole, 逾期 and the recurrence counted in
  -- its query: no Lua per row (tens of thousands at province scale)
  -- the data modes carry the market's code: names repeat across districts
  local _, data = cwsh.mode()
  q.code = data
  local out = store.finding_list(q)
  out.columns = data and DATA_COLUMNS or COLUMNS
  out.keys = out.columns
  -- the count after the rows, as psql's footer: a cursor knows it then
  out.done = function(n) cwsh.notice(("%d finding%s"):format(n, n == 1 and "" or "s")) end
  return out
end

local function show(args)
  local _, pos = cmdargs.parse(args, {}, "ledger show")
  if #pos ~= 1 then error("usage: ledger show ID", 0) end
  local store = need_db()
  local id = finding_id("ledger show", pos[1])
  local f = store.finding(id)
  if not f then error(("ledger show: there is no finding #%d (see `ledger`)"):format(id), 0) end
  local today = ledger.today()
  local next_ms = store.next_milestones()
  local out = { columns = { "field", "value" }, rows = {} }
  local function add(k, v) if v ~= nil and v ~= "" then out.rows[#out.rows + 1] = { k, v } end end
  add("id", tostring(f.id))
  add("status", f.status .. (ledger.overdue(f, today, next_ms) and ("（" .. overdue_text(f, today, next_ms) .. "）") or ""))
  local src = f.source
  if f.inspection_id then src = ("%s，检查 #%d%s"):format(src, f.inspection_id, f.inspector and ("（" .. f.inspector .. "）") or "") end
  if f.import_id then src = src .. ("，导入 #%d"):format(f.import_id) end
  if f.report_id then src = src .. ("，举报 #%d"):format(f.report_id) end
  add("source", src)
  add("market", ("%s %s"):format(f.market, f.market_name))
  add("unit", f.unit)
  add("item", f.item and ("%s %s"):format(f.item, f.item_title or "") or nil)
  add("description", f.description)
  add("deduction", f.deduction and ("%g"):format(f.deduction) or nil)
  add("found", f.found)
  add("severity", f.severity)
  add("deadline", f.deadline)
  add("chain", f.chain)
  add("accountable", f.accountable)
  add("assigned", f.assigned)
  if f.recurs_id then add("recurs", ("#%d（第%d次）"):format(f.recurs_id, f.recurrence + 1)) end
  add("fixed", f.fixed)
  add("closed", f.closed)
  for i, m in ipairs(store.milestones(id)) do
    add("milestone", ("%d. %s %s%s"):format(i, m.due, m.title, m.done and ("（完成 " .. m.done .. "）") or ""))
  end
  for _, h in ipairs(store.finding_events(id)) do
    local move = h.from_status and h.from_status ~= h.to_status and (h.from_status .. " → " .. h.to_status)
      or (not h.from_status and h.to_status ~= h.action and h.to_status) or nil
    local parts = { h.at }
    if h.by then parts[#parts + 1] = h.by .. ":" end
    parts[#parts + 1] = h.action
    if move then parts[#parts + 1] = move end
    local tail = {}
    if h.note then tail[#tail + 1] = h.note end
    if h.evidence then tail[#tail + 1] = "证据 " .. h.evidence end
    if h.deadline and h.action ~= "立项" then tail[#tail + 1] = "期限 " .. h.deadline end
    local line = table.concat(parts, " ")
    if #tail > 0 then line = line .. "，" .. table.concat(tail, "，") end
    add("history", line)
  end
  return out
end

local function add_cmd(args)
  local o, pos = cmdargs.parse(args, { ["--note"] = "value", ["--date"] = "value", ["--source"] = "value",
    ["--deadline"] = "value", ["--by"] = "value" }, "ledger add")
  if #pos ~= 2 or not o["--note"] then
    error("usage: ledger add MARKET ITEM --note TEXT [--date D] [--source S] [--deadline D] --by P", 0)
  end
  local m = market("ledger add", pos[1])
  local found = date_opt("ledger add", o, "--date") or ledger.today()
  if found > ledger.today() then
    error(("ledger add: --date %s is after today (%s): a problem cannot be found after today")
      :format(found, ledger.today()), 0)
  end
  local source = o["--source"] or "督查"
  local known = false
  for _, x in ipairs(ledger.SOURCES) do if x == source then known = true end end
  if not known then
    error(("ledger add: --source is one of %s, not '%s'"):format(table.concat(ledger.SOURCES, "、"), source), 0)
  end
  local item = pos[2] ~= "-" and pos[2] or nil
  local id, row = ledger.add({ market_id = m.id, item = item, found = found, description = o["--note"],
    source = source, deadline = o["--deadline"], by = o["--by"], note = "手工登记" })
  cwsh.notice(("finding #%d: %s %s%s, due %s (%s)%s"):format(id, m.name, item or "", item and "" or "(no item)",
    row.deadline, row.severity, row.assigned and (", assigned to " .. row.assigned) or ""))
end

local function assign(args)
  local o, pos = cmdargs.parse(args, { ["--by"] = "value" }, "ledger assign")
  if #pos ~= 2 then error("usage: ledger assign ID PERSON --by P", 0) end
  need_db()
  local id = finding_id("ledger assign", pos[1])
  local from, to = ledger.assign(id, pos[2], o["--by"])
  cwsh.notice(("finding #%d: assigned to %s (%s)"):format(id, pos[2], from == to and to or (from .. " → " .. to)))
end

local function fix(args)
  local o, pos = cmdargs.parse(args, { ["--note"] = "value", ["--evidence"] = "value", ["--by"] = "value" }, "ledger fix")
  if #pos ~= 1 or not o["--note"] then error("usage: ledger fix ID --note TEXT [--evidence REF] --by P", 0) end
  need_db()
  local id = finding_id("ledger fix", pos[1])
  local from, to = ledger.fix(id, o["--note"], o["--evidence"], o["--by"])
  cwsh.notice(("finding #%d: %s → %s"):format(id, from, to))
end

local function verify(args)
  local o, pos = cmdargs.parse(args, { ["--by"] = "value", ["--reject"] = "flag", ["--reason"] = "value",
    ["--deadline"] = "value" }, "ledger verify")
  if #pos ~= 1 then error("usage: ledger verify ID --by PERSON | ledger verify ID --reject --reason TEXT [--deadline D] --by P", 0) end
  need_db()
  local id = finding_id("ledger verify", pos[1])
  if o["--reject"] then
    if not o["--reason"] then error("ledger verify --reject needs --reason TEXT (why the rectification fails)", 0) end
    ledger.who("ledger verify", o["--by"])
    local from, to, deadline = ledger.reject(id, o["--reason"], o["--by"], date_opt("ledger verify", o, "--deadline"))
    cwsh.notice(("finding #%d: %s → %s, new deadline %s"):format(id, from, to, deadline))
    return
  end
  if o["--reason"] or o["--deadline"] then error("ledger verify: --reason and --deadline go with --reject", 0) end
  local by = ledger.who("ledger verify", o["--by"])
  local from, to = ledger.verify(id, by)
  cwsh.notice(("finding #%d: %s → %s (by %s)"):format(id, from, to, by))
end

local function milestone(args)
  local o, pos = cmdargs.parse(args, { ["--done"] = "value", ["--note"] = "value", ["--by"] = "value" }, "ledger milestone")
  need_db()
  if o["--done"] then
    if #pos ~= 1 then error("usage: ledger milestone ID --done N [--note T] --by P", 0) end
    local id = finding_id("ledger milestone", pos[1])
    local n = math.tointeger(tonumber(o["--done"]))
    if not n then error(("ledger milestone: --done needs a milestone's number, not '%s'"):format(o["--done"]), 0) end
    local m = ledger.milestone_done(id, n, o["--by"], o["--note"])
    cwsh.notice(("finding #%d: milestone %d (%s %s) done"):format(id, n, m.due, m.title))
    return
  end
  if #pos ~= 3 then error("usage: ledger milestone ID DATE TITLE --by P | ledger milestone ID --done N", 0) end
  local id = finding_id("ledger milestone", pos[1])
  if not calendar.parse(pos[2]) then error(("ledger milestone: '%s' is not a date (YYYY-MM-DD)"):format(pos[2]), 0) end
  local from, last = ledger.milestone(id, pos[2], pos[3], o["--by"])
  cwsh.notice(("finding #%d: %s, milestone %s %s, deadline %s"):format(id,
    from == "长期整改" and from or (from .. " → 长期整改"), pos[2], pos[3], last))
end

local function rate(a, b) if b == 0 then return cwsh.null end return math.floor(a / b * 1000 + 0.5) / 10 end

local function figures(args)
  local o, pos = cmdargs.parse(args, { ["--by"] = "value", ["--on"] = "value" }, "ledger figures")
  if #pos > 1 then error("usage: ledger figures [PERIOD] [--by unit|market|item] [--on DATE]", 0) end
  need_db()
  local by = o["--by"] or "unit"
  if by ~= "unit" and by ~= "market" and by ~= "item" then
    error(("ledger figures: --by is unit, market or item, not '%s'"):format(by), 0)
  end
  local from, to, name = "0000-01-01", "9999-12-31", "all"
  if pos[1] then
    local p = require("engine_period").parse(pos[1])
    if not p then
      local ok, err = pcall(require("engine").parse_period, pos[1])
      error(ok and ("ledger figures: '%s' is not a period"):format(pos[1]) or err, 0)
    end
    from, to, name = p.from, p.to, p.name or pos[1]
  end
  calendar.reset_warnings()
  local fig = ledger.figures(from, to, date_opt("ledger figures", o, "--on"), { open_per_market = 0 })
  local head = { unit = { "unit" }, market = { "market", "name", "unit" }, item = { "item", "name" } }
  local cols = { table.unpack(head[by]) }
  for _, c in ipairs({ "found", "fixed", "fixed rate %", "closed", "closed rate %", "due", "closed on time",
    "on-time rate %", "open", "overdue" }) do
    cols[#cols + 1] = c
  end
  local keys = { table.unpack(head[by]) }
  for _, c in ipairs({ "found", "fixed", "fixed_rate", "closed", "rate", "due", "closed_on_time", "on_time_rate",
    "open", "overdue" }) do
    keys[#keys + 1] = c
  end
  local out = { columns = cols, keys = keys, rows = {} }
  local function row(lead, x)
    local r = { table.unpack(lead) }
    for _, v in ipairs({ x.found, x.fixed, rate(x.fixed, x.found), x.closed, rate(x.closed, x.found), x.due,
      x.closed_on_time, rate(x.closed_on_time, x.due), x.open, x.overdue }) do r[#r + 1] = v end
    out.rows[#out.rows + 1] = r
  end
  for _, x in ipairs(fig["by_" .. by]) do
    if by == "unit" then row({ x.unit }, x)
    elseif by == "market" then row({ x.market, x.name, null(x.unit) }, x)
    else row({ null(x.item), null(x.name) }, x) end
  end
  local total = { "合计" }
  for _ = 2, #head[by] do total[#total + 1] = cwsh.null end
  row(total, fig)
  cwsh.notice(("%s: %d found, %d fixed, %d closed, %d closed on time of %d due, %d overdue"):format(name,
    fig.found, fig.fixed, fig.closed, fig.closed_on_time, fig.due, fig.overdue))
  return out
end

-- ledger sync: open what every import lacks.  The import event runs after
-- the import has committed, so a crash (or kill) in between leaves an
-- import without its findings; and an edit of rules/ledger.lua that opens
-- more kinds applies to new imports only.  Opening is idempotent (a lost
-- item with a finding of its import gets none again), so running it over
-- every import adds only what is missing.
local function sync(args)
  local _, pos = cmdargs.parse(args, {}, "ledger sync")
  if #pos > 0 then error("usage: ledger sync", 0) end
  local store = need_db()
  -- it says all it did: opening a lacking finding may recheck it, or
  -- others, and link later findings to it (it moved findings silently)
  local n, imports, t = 0, 0, { 0, 0, 0, 0, 0 }
  for _, im in ipairs(store.imports()) do
    imports = imports + 1
    local c = calendar.quietly(function() return { ledger.on_import({ id = im.id }) } end)
    for k = 1, 5 do t[k] = t[k] + (c[k] or 0) end
  end
  n = t[1]
  local more = {}
  local function say(k, verb, tail)
    if t[k] > 0 then more[#more + 1] = ("%s %d finding%s %s"):format(verb, t[k], t[k] == 1 and "" or "s", tail) end
  end
  say(3, "rechecked", "(复查)")
  say(2, "relinked", "to a replacing import")
  say(4, "withdrew", "(已撤销)")
  say(5, "linked", "anew as recurrences (复发关联)")
  cwsh.notice(("ledger sync: %d import%s, opened %d finding%s they lacked%s"):format(imports,
    imports == 1 and "" or "s", n, n == 1 and "" or "s", #more > 0 and ("; " .. table.concat(more, "; ")) or ""))
end

local SUBS = { sync = sync, show = show, add = add_cmd, assign = assign, fix = fix, verify = verify, milestone = milestone,
  figures = figures }

cwsh.command {
  name = "ledger",
  usage = USAGE,
  help = "the problem ledger (台账): findings opened from imports, reports and by hand, each with its deadline and responsibility chain, and its life cycle 立项 → 整改中 → 待复查 → 已销号\n"
    .. [[
ledger lists findings (withdrawn ones with --all): --open not closed, --overdue open and past the
deadline (by station), --market/--unit/--item/--person one of them, --recurring the recurrences,
--status S one status (the filters combine), --on DATE the ledger as it stood at the end of DATE
(each finding's status and deadline then, from its audit trail; default today).
ledger show ID: every field and the whole history.  ledger add registers one by hand (ITEM a
checklist code, or - for none); assign hands it to a person (立项 → 整改中); fix reports it
rectified (→ 待复查); verify closes it (已销号) or --reject --reason sends it back (复查未通过)
with a new deadline; milestone adds a 长期整改 milestone or marks one done.  Every change names
who made it: --by PERSON.
ledger figures [PERIOD]: found, fixed (待复查 or 已销号) and their rate, closed and its rate, and
the on-time rate (closed on time ÷ due) per station, market or item.  ledger sync opens the findings imports lack (a crash between an
import and its findings, or rules/ledger.lua opening more kinds since).  Rules: rules/ledger.lua.
examples:
  ledger --overdue
  ledger show 12
  ledger fix 12 --note 已清理 --evidence 照片2026-10-09 --by 刘管理
  ledger verify 12 --by 王芳
  ledger figures 2026-Q4 --by market]],
  complete = function(words)
    if #words == 1 then
      return { "show", "add", "assign", "fix", "verify", "milestone", "figures", "sync", "--open", "--overdue", "--all",
        "--market", "--unit", "--item", "--person", "--recurring", "--status", "--on" }
    end
    local last = words[#words]
    if last == "--market" then return cwsh.completers.markets(true) end
    if last == "--unit" then return cwsh.completers.units() end
    if last == "--item" then return cwsh.completers.items() end
    if last == "--status" then return ledger.STATUSES end
    return {}
  end,
  run = function(args)
    local sub = SUBS[args[1]]
    if sub then return sub(table.move(args, 2, #args, 1, {})) end
    return list(args)
  end,
}
