-- commands/reports.lua — `reports`: the public reports (群众举报) register
-- (core/lua/reports.lua): add one or import a CSV of them, verify one (it
-- opens a finding and earns the reward of rules/rewards.lua) or reject it,
-- list them by month with the month's totals.  The reporter's contact is
-- masked in every listing and mode; `reports show ID --unmask --by P`
-- shows it and is audited.

local reports = require("reports")
local rewards = require("rewards")
local cmdargs = require("cmdargs")

local USAGE = "reports [--month M] [--totals] | reports add DATE MARKET KIND [--description T] [--channel C] "
  .. "[--reporter N] [--contact X] --by P | reports import FILE --by P [--encoding E] | reports verify ID --by P [--item C] "
  .. "| reports verify ID --reject --reason TEXT --by P | reports pay ID --by P [--ref R] [--date D] "
  .. "| reports show ID [--unmask --by P]"

local function need_db()
  if not db then error("reports: no database: the sqlite plugin is not loaded", 0) end
  if not require("ledger").supported() then
    error(("reports: the public reports run on the sqlite store, not yet on %s"):format(require("store").name), 0)
  end
  return require("store")
end

local function null(v) if v == nil then return cwsh.null end return v end

local function report_id(cmd, s)
  local n = math.tointeger(tonumber(s or ""))
  if not n or n < 1 then error(("%s: '%s' is not a report id (see `reports`)"):format(cmd, tostring(s)), 0) end
  return n
end

-- A market by code, name or alias: the market, or nil and why.
local function market(s)
  local store = need_db()
  local m = store.market_by_code(s)
  if m then return m end
  local found = store.markets_named(s)
  if #found == 1 then return found[1] end
  if #found > 1 then return nil, ("'%s' names %d markets: give the code"):format(s, #found) end
  return nil, ("no market '%s' (a code or name in the register)"):format(s)
end

-- The person --by names: refused when missing or blank, for the report's
-- history says who did what.  `why` says what the name is for.
local function who(cmd, o, why)
  local v = o["--by"]
  if v == nil then error(("%s needs --by PERSON (%s)"):format(cmd, why), 0) end
  local t = reports.trim(v)
  if not t then error(("%s: --by '%s' is blank: give the name of the person (%s)"):format(cmd, v, why), 0) end
  return t
end

local ADD_USAGE = "reports add DATE MARKET KIND [--description T] [--channel C] [--reporter N] [--contact X] --by P"

local function add(args)
  local o, pos = cmdargs.parse(args, { ["--description"] = "value", ["--channel"] = "value", ["--reporter"] = "value",
    ["--contact"] = "value", ["--by"] = "value" }, "reports add")
  if #pos ~= 3 then error("usage: " .. ADD_USAGE, 0) end
  need_db()
  local by = who("reports add", o, "who registered it")
  local rw = rewards.load()
  local m, why = market(pos[2])
  if not m then error("reports add: " .. why, 0) end
  local t = reports.trim
  local r = { date = t(pos[1]), market_id = m.id, kind = t(pos[3]), description = t(o["--description"]),
    channel = t(o["--channel"]), reporter = t(o["--reporter"]), contact = t(o["--contact"]), by = by }
  local ok, e = reports.check(r, rw)
  if not ok then error("reports add: " .. e, 0) end
  local id = reports.add(r)
  cwsh.notice(("report #%d: %s %s, %s (待核实)"):format(id, r.date, m.name, r.kind))
end

local HEADER = { date = "date", ["日期"] = "date", ["举报日期"] = "date", channel = "channel", ["渠道"] = "channel",
  ["举报渠道"] = "channel", market = "market", ["市场"] = "market", ["市场名称"] = "market", ["市场编号"] = "market",
  kind = "kind", ["类别"] = "kind", ["举报类别"] = "kind", description = "description", ["描述"] = "description",
  ["问题描述"] = "description", reporter = "reporter", ["举报人"] = "reporter", contact = "contact",
  ["联系方式"] = "contact", ["联系电话"] = "contact" }

local function trim(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end
local COLUMN_NAMES = "date/日期, market/市场, kind/类别, channel/渠道, description/描述, reporter/举报人, contact/联系方式"

-- The date forms rules/domain.lua gives, for messages.
local function date_forms()
  local names = require("srcpos").rule_names()
  local d = names and names.domain
  if not d or type(d.dates) ~= "table" or #d.dates == 0 then return "YYYY-MM-DD" end
  return ("the forms of %s: %s"):format(d.file or "rules/domain.lua", table.concat(d.dates, ", "))
end

-- The problems of one data row (fields: its cells) as { col, why }, by
-- column, and the report it registers when there are none.  A cell beyond
-- the header is a problem unless blank (a trailing comma).
local function read_row(fields, col, width, rw)
  local probs = {}
  local function get(k) return col[k] and reports.trim(fields[col[k]]) end
  local r = { channel = get("channel"), description = get("description"), reporter = get("reporter"),
    contact = get("contact") }
  for k = 1, 3 do
    local f = ({ "date", "market", "kind" })[k]
    if not get(f) then probs[#probs + 1] = { col[f], f .. " is empty" } end
  end
  local d = get("date")
  if d then
    local iso, why = csv.date(d)
    if iso then r.date = iso
    else
      probs[#probs + 1] = { col.date, why:match("years") and ("'%s' is %s"):format(d, why)
        or ("'%s' is not a date (%s)"):format(d, date_forms()) }
    end
  end
  if get("market") then
    local m, why = market(get("market"))
    if m then r.market_id = m.id else probs[#probs + 1] = { col.market, why } end
  end
  r.kind = get("kind")
  if r.kind and not rw.kinds[r.kind] then
    probs[#probs + 1] = { col.kind, ("kind '%s' is not one of %s (%s)"):format(r.kind, table.concat(rw.list, "、"),
      rw.file) }
  end
  for j = width + 1, #fields do
    if reports.trim(fields[j]) then
      probs[#probs + 1] = { j, ("a cell beyond the header's %d columns ('%s'): the header has no name for it"):format(
        width, reports.trim(fields[j])) }
      break
    end
  end
  table.sort(probs, function(a, b) return a[1] < b[1] end)
  return probs, r
end

-- reports import FILE --by P: all rows or none; every bad row as
-- FILE:LINE:COLUMN.  A row with any data is a row (missing fields are
-- its problems); wholly blank lines are skipped.  The same content twice
-- is refused: every report registered keeps the file's hash in its 登记.
local function import(args)
  local o, pos = cmdargs.parse(args, { ["--encoding"] = "value", ["--by"] = "value" }, "reports import")
  if #pos ~= 1 then error("usage: reports import FILE --by P [--encoding E]", 0) end
  local store = need_db()
  local by = who("reports import", o, "who registered its reports")
  local rw = rewards.load()
  local file = pos[1]
  local rd <close> = csv.open(file, { encoding = o["--encoding"] })
  local fh <close> = assert(io.open(file, "rb"))
  local hash = cwsh.hash(fh:read("a")):sub(1, 16)
  local function refuse_again()
    local old = store.report_import(hash)
    if not old then return end
    local was = old.note and old.note:match("^导入 (.-) 第 %d+ 行") or "?"
    local ids = old.first == old.last and ("#%d"):format(old.first) or ("#%d–#%d"):format(old.first, old.last)
    error(("reports import: %s has the content imported already from '%s' (reports %s, registered %s by %s): "
      .. "nothing imported.  To register one of its reports again use `reports add`; a corrected file imports "
      .. "once the rows already registered are taken out of it"):format(file, was, ids, old.at, old.by or "?"), 0)
  end
  refuse_again()
  local line, fields, why, wcol = rd:next()
  if not line then error(("%s: the file is empty (no header row)"):format(file), 0) end
  if not fields then error(("%s:%d:%d: %s"):format(file, line, wcol, why), 0) end
  local col, head = {}, line
  for j, h in ipairs(fields) do
    local k = HEADER[trim(h):lower()]
    if k and col[k] then
      error(("%s:%d:%d: a second %s column ('%s'; the first is column %d)"):format(file, line, j, k, trim(h),
        col[k]), 0)
    elseif k then col[k] = j
    elseif trim(h) ~= "" then
      cwsh.notice(("%s:%d:%d: column '%s' is not read (the columns: %s)"):format(file, line, j, trim(h), COLUMN_NAMES))
    end
  end
  for _, k in ipairs({ "date", "market", "kind" }) do
    if not col[k] then
      error(("%s:%d: the header has no %s column (%s)"):format(file, line, k,
        ({ date = "date/日期", market = "market/市场", kind = "kind/类别" })[k]), 0)
    end
  end
  local width = #fields
  local rows, errs = {}, {}
  while true do
    line, fields, why, wcol = rd:next()
    if not line then break end
    if not fields then
      errs[#errs + 1] = ("%s:%d:%d: %s"):format(file, line, wcol, why)
    else
      local any = false
      for _, v in ipairs(fields) do if reports.trim(v) then any = true; break end end
      if any then
        local probs, r = read_row(fields, col, width, rw)
        for _, p in ipairs(probs) do errs[#errs + 1] = ("%s:%d:%d: %s"):format(file, line, p[1], p[2]) end
        if #probs == 0 then r.line = line; rows[#rows + 1] = r end
      end
    end
  end
  if #errs > 0 then
    error(table.concat(errs, "\n") .. ("\n%s: nothing imported (%d error%s)"):format(file, #errs, #errs == 1 and "" or "s"), 0)
  end
  store.tx(function()
    refuse_again()        -- again in the write: another session may have imported it since
    for _, r in ipairs(rows) do
      r.by = by
      r.note = ("导入 %s 第 %d 行，文件 %s"):format(file, r.line, hash)
      reports.add(r)
    end
  end)
  cwsh.notice(("%s: registered %d report%s"):format(file, #rows, #rows == 1 and "" or "s"))
end

local function verify(args)
  local o, pos = cmdargs.parse(args, { ["--by"] = "value", ["--reject"] = "flag", ["--reason"] = "value",
    ["--item"] = "value" }, "reports verify")
  if #pos ~= 1 then error("usage: reports verify ID --by P [--item C] | reports verify ID --reject --reason TEXT --by P", 0) end
  need_db()
  local id = report_id("reports verify", pos[1])
  local by = who("reports verify", o, "who verified it")
  if o["--reject"] then
    if not o["--reason"] then error("reports verify --reject needs --reason TEXT", 0) end
    local reason = reports.trim(o["--reason"])
    if not reason then
      error(("reports verify --reject: --reason '%s' is blank: say why the report is not true (不属实)"):format(
        o["--reason"]), 0)
    end
    reports.reject(id, by, reason)
    cwsh.notice(("report #%d: 待核实 → 不属实 (by %s)"):format(id, by))
    return
  end
  local item = o["--item"] and reports.trim(o["--item"])
  if o["--item"] and not item then error("reports verify: --item is blank: give a checklist code (A05)", 0) end
  local fid, reward, amount, why = reports.verify(id, by, item)
  local cut = why == "anonymous" and (" (%g 元: an anonymous report gets none)"):format(amount)
    or why == "cap" and (" (%g 元 cut by the monthly cap)"):format(amount) or ""
  cwsh.notice(("report #%d: 待核实 → 属实 (by %s), finding #%d, reward %g 元%s"):format(id, by, fid, reward, cut))
end

local function pay(args)
  local o, pos = cmdargs.parse(args, { ["--by"] = "value", ["--ref"] = "value", ["--date"] = "value" }, "reports pay")
  if #pos ~= 1 then error("usage: reports pay ID --by P [--ref R] [--date D]", 0) end
  need_db()
  local id = report_id("reports pay", pos[1])
  local by = who("reports pay", o, "who paid it")
  local d = o["--date"]
  if d and not require("calendar").parse(d) then error(("reports pay: --date needs YYYY-MM-DD, not '%s'"):format(d), 0) end
  local amount = reports.pay(id, by, reports.trim(o["--ref"]), d)
  cwsh.notice(("report #%d: reward %g 元 paid (by %s)"):format(id, amount, by))
end

local COLUMNS = { "id", "date", "channel", "market", "kind", "description", "reporter", "contact", "status", "reward", "finding" }
local DATA_COLUMNS = { "id", "date", "channel", "code", "market", "kind", "description", "reporter", "contact", "status",
  "reward", "finding" }

local function list(args)
  local o, pos = cmdargs.parse(args, { ["--month"] = "value", ["--totals"] = "flag" }, "reports", USAGE)
  if #pos > 0 then error(("reports: unknown subcommand '%s' (usage: %s)"):format(pos[1], USAGE), 0) end
  local store = need_db()
  local m = o["--month"]
  local mo = m and tonumber(m:match("^%d%d%d%d%-(%d%d)$"))
  if m and not (mo and mo >= 1 and mo <= 12) then
    error(("reports: --month needs YYYY-MM (a month 01–12), not '%s'"):format(m), 0)
  end
  local rows = store.reports(m and (m .. "-01"), m and (m .. "-31"))
  local paid = store.payouts()
  local months, order = {}, {}
  for _, r in ipairs(rows) do
    local k = r.date:sub(1, 7)
    if not months[k] then
      months[k] = { month = k, n = 0, verified = 0, rejected = 0, pending = 0, reward = 0, paid = 0.0 }
      order[#order + 1] = k
    end
    local t = months[k]
    t.n = t.n + 1
    if r.status == "属实" then
      t.verified = t.verified + 1; t.reward = t.reward + (r.reward or 0)
      if paid[r.id] then t.paid = t.paid + (r.reward or 0) end
    elseif r.status == "不属实" then t.rejected = t.rejected + 1
    else t.pending = t.pending + 1 end
  end
  if o["--totals"] then
    local out = { columns = { "month", "reports", "verified", "rejected", "pending", "rewards", "paid", "unpaid" },
      keys = { "month", "reports", "verified", "rejected", "pending", "rewards", "paid", "unpaid" }, rows = {} }
    for _, k in ipairs(order) do
      local t = months[k]
      out.rows[#out.rows + 1] = { k, t.n, t.verified, t.rejected, t.pending, t.reward, t.paid, t.reward - t.paid }
    end
    return out
  end
  -- the data modes carry the market's code: names repeat across districts
  local _, data = cwsh.mode()
  local out = { columns = data and DATA_COLUMNS or COLUMNS, rows = {} }
  out.keys = out.columns
  for _, r in ipairs(rows) do
    local row = { r.id, r.date, null(r.channel), r.market_name, r.kind, null(r.description),
      null(r.reporter), null(reports.mask(r.contact)), r.status, null(r.reward), null(r.finding_id) }
    if data then table.insert(row, 4, null(r.market)) end
    out.rows[#out.rows + 1] = row
  end
  for _, k in ipairs(order) do
    local t = months[k]
    cwsh.notice(("%s: %d report%s, %d verified, %d rejected, %d pending, rewards %g 元 (%g paid, %g unpaid)"):format(k,
      t.n, t.n == 1 and "" or "s", t.verified, t.rejected, t.pending, t.reward, t.paid, t.reward - t.paid))
  end
  return out
end

local function show(args)
  local o, pos = cmdargs.parse(args, { ["--unmask"] = "flag", ["--by"] = "value" }, "reports show")
  if #pos ~= 1 then error("usage: reports show ID [--unmask --by P]", 0) end
  local store = need_db()
  local id = report_id("reports show", pos[1])
  local r
  if o["--unmask"] then
    r = reports.unmask(id, who("reports show --unmask", o, "the look is audited"))
  else
    r = store.report(id)
    if not r then error(("reports show: there is no report #%d (see `reports`)"):format(id), 0) end
  end
  local out = { columns = { "field", "value" }, rows = {} }
  local function add(k, v) if v ~= nil and v ~= "" then out.rows[#out.rows + 1] = { k, tostring(v) } end end
  add("id", r.id)
  add("date", r.date)
  add("channel", r.channel)
  add("market", ("%s %s"):format(r.market, r.market_name))
  add("kind", r.kind)
  add("description", r.description)
  add("reporter", r.reporter)
  add("contact", o["--unmask"] and r.contact or reports.mask(r.contact))
  add("status", r.status)
  add("verified by", r.verified_by)
  add("reason", r.reason)
  if r.reward then
    local p = store.payouts()[id]
    add("reward", ("%g 元%s"):format(r.reward, p and ("，已发放（%s）"):format(p.note)
      or (r.reward > 0 and "，未发放" or "")))
  end
  if r.finding_id then add("finding", "#" .. r.finding_id) end
  for _, h in ipairs(store.report_events(id)) do
    add("history", ("%s %s%s%s"):format(h.at, h.by and (h.by .. ": ") or "", h.action, h.note and ("，" .. h.note) or ""))
  end
  return out
end

local SUBS = { add = add, import = import, verify = verify, pay = pay, show = show }

cwsh.command {
  name = "reports",
  usage = USAGE,
  help = "public reports (群众举报): register, verify (opens a finding, earns the reward of rules/rewards.lua within the monthly cap) or reject, list by month\n"
    .. [[
reports [--month YYYY-MM] lists them with each month's totals on stderr (--totals: the totals as the
table); the reporter's contact is masked (138****5678) in every listing and mode.  reports add DATE
MARKET KIND --by P registers one (KIND a reward kind of rules/rewards.lua); reports import FILE --by P
a CSV (date/日期, market/市场, kind/类别, channel/渠道, description/描述, reporter/举报人,
contact/联系方式; dates in the forms of rules/domain.lua), all rows or none, the same content once.
reports verify ID --by P: 属实, opens a finding (the kind's item, or --item C) and grants the reward;
--reject --reason TEXT: 不属实.  reports pay ID --by P [--ref R] [--date D] records that the reward
was paid out (once; the voucher R).  reports show ID [--unmask --by P]: the report, its reward paid or
not, and its history; an unmasked look is recorded in it.
examples:
  reports add 2026-10-09 城北市场 垃圾隔夜未清 --reporter 李明 --contact 13812345678 --channel 12345热线 --by 王芳
  reports verify 1 --by 王芳
  reports --month 2026-10]],
  complete = function(words)
    if words[#words] == "import" then return "files" end
    if #words == 1 then return { "add", "import", "verify", "pay", "show", "--month", "--totals" } end
    return { "--by", "--reject", "--reason", "--item", "--unmask", "--description", "--channel", "--reporter", "--contact",
      "--ref", "--date" }
  end,
  run = function(args)
    local sub = SUBS[args[1]]
    if sub then return sub(table.move(args, 2, #args, 1, {})) end
    return list(args)
  end,
}
