-- reports.lua — public reports (群众举报): registering them, verifying
-- them (a verified report opens a finding in the ledger and earns the
-- reward rules/rewards.lua gives, within the reporter's monthly cap),
-- and masking the reporter's contact in everything that lists them.
--
-- Statuses: 待核实 (registered), 属实 (verified: finding and reward),
-- 不属实 (rejected, with the reason).  Every change and every unmasked
-- look at a contact is a row of report_event, which nothing deletes.

local ledger = require("ledger")
local clock = require("clock")
local rewards = require("rewards")
local calendar = require("calendar")

local M = {}

local function store() return require("store") end

-- A contact as listings show it: the first 3 and last 4 characters of a
-- contact of 8 or more (13812345678 → 138****5678), else **** alone.
function M.mask(s)
  if s == nil or s == "" then return nil end
  local chars = {}
  for _, c in utf8.codes(s) do chars[#chars + 1] = utf8.char(c) end
  if #chars < 8 then return "****" end
  return table.concat(chars, "", 1, 3) .. "****" .. table.concat(chars, "", #chars - 3, #chars)
end

-- Text as it is entered: blanks (ASCII and the full-width U+3000) off
-- both ends; nil for nil or blank text.
function M.trim(s)
  if s == nil then return nil end
  local n
  repeat
    n = #s
    s = s:gsub("^%s+", ""):gsub("%s+$", ""):gsub("^\u{3000}", ""):gsub("\u{3000}$", "")
  until #s == n
  if s == "" then return nil end
  return s
end

-- The full-width digits and phone punctuation a sheet may hold, as ASCII.
local function ascii_digits(s)
  return (s:gsub("\u{FF0B}", "+"):gsub("\u{FF0D}", "-"):gsub("\u{FF08}", "("):gsub("\u{FF09}", ")")
    :gsub("\xEF\xBC([\x90-\x99])", function(c) return string.char(c:byte() - 0x90 + 0x30) end))
end

-- Who reported, for the monthly cap: a person is the contact when the
-- report has one, else the name (trimmed).  A phone number is its digits
-- (blanks, dashes, dots and brackets taken out, full-width digits read,
-- the country code +86 / 0086 dropped, and an 86 before an 11-digit mobile
-- number): 130-1111-2222, +86 130 1111 2222 and 13011112222 are one
-- person.  Any other contact (a WeChat id, an e-mail) is its text, ASCII
-- case folded.  nil: an anonymous report (neither name nor contact).
function M.person(reporter, contact)
  contact = M.trim(contact)
  if contact then
    local t = ascii_digits(contact)
    local d = t:gsub("\u{3000}", ""):gsub("[%s%-%.%(%)]", "")
    local plus = d:sub(1, 1) == "+"
    if plus then d = d:sub(2) end
    if d:match("^%d+$") then
      if d:sub(1, 4) == "0086" then d = d:sub(5)
      elseif d:sub(1, 2) == "86" and (plus or #d == 13) then d = d:sub(3) end
      return "tel:" .. d
    end
    return "contact:" .. contact:lower()
  end
  local name = M.trim(reporter)
  return name and ("name:" .. name) or nil
end

-- What is wrong with report r = { date, market_id, kind, ... } (the date
-- already YYYY-MM-DD), as a list of { field, why }; empty when nothing.
function M.problems(r, rw)
  local out = {}
  if r.date == nil then out[#out + 1] = { "date", "date is empty" }
  elseif not calendar.parse(r.date) then out[#out + 1] = { "date", ("'%s' is not a date (YYYY-MM-DD)"):format(r.date) } end
  if r.kind == nil then out[#out + 1] = { "kind", "kind is empty" }
  elseif not rw.kinds[r.kind] then
    out[#out + 1] = { "kind", ("kind '%s' is not one of %s (%s)"):format(r.kind, table.concat(rw.list, "、"), rw.file) }
  end
  return out
end

-- Check a report: true, or nil and the first thing wrong with it.
function M.check(r, rw)
  local p = M.problems(r, rw)
  if #p > 0 then return nil, p[1][2] end
  return true
end

function M.add(r)
  return store().add_report(r, clock.now())
end

local function get(cmd, id)
  local r = store().report(id)
  if not r then error(("%s: there is no report #%s (see `reports`)"):format(cmd, tostring(id)), 0) end
  return r
end

local function refuse(cmd, id, status)
  error(("%s: report #%d is %s: only a report that is 待核实 can be verified or rejected"):format(cmd, id, status), 0)
end

-- Verify report `id` (属实): opens its finding (item: `item`, or the kind's
-- in rules/rewards.lua) and grants the reward, cut to the reporter's
-- monthly cap.  One write transaction, the status checked in the UPDATE.
-- Returns the finding's id, the reward, the kind's full amount and why
-- the reward is less ("anonymous", "cap" or nil).
function M.verify(id, by, item)
  local s = store()
  local rw = rewards.load()
  local fid, reward, amount, why
  s.tx(function()
    local r = get("reports verify", id)
    if r.status ~= "待核实" then refuse("reports verify", id, r.status) end
    local kind = rw.kinds[r.kind]
    if item and not s.item_ids()[item] then
      local names = require("srcpos").rule_names()
      error(("reports verify: item '%s' is not in the checklist (%s)"):format(item, names and names.items
        or "see `rules show`"), 0)
    end
    -- the cap is a person's: the same phone under another name (or with a
    -- blank after it) is the same person, another phone another person
    local who = M.person(r.reporter, r.contact)
    local already = 0
    if who then
      for _, x in ipairs(s.month_rewards(r.date:sub(1, 7), id)) do
        if M.person(x.reporter, x.contact) == who then already = already + (x.reward or 0) end
      end
    end
    reward, amount = rewards.reward(rw, r.kind, already)
    if reward < amount then why = "cap" end
    -- an anonymous report: nobody to pay, and the cap is not the reason
    if not who then reward, why = 0, amount > 0 and "anonymous" or nil end
    -- found on the report's date, but the market learns of it at the
    -- verification: its deadline counts from then (from the report's date
    -- should that be later, a date mistyped)
    local told = clock.today() > r.date and clock.today() or r.date
    fid = ledger.add({ market_id = r.market_id, item = item or (kind and kind.item), found = r.date,
      counted_from = told, description = r.description or r.kind, source = "群众举报", report_id = id,
      by = by, note = ("举报 #%d 核实属实"):format(id) })
    local ok, now = s.report_transition(id, "属实", { verified_by = by, verified_at = clock.now(), reward = reward,
      finding_id = fid })
    if not ok then refuse("reports verify", id, now) end
    local cut = why == "anonymous" and ("（%g 元，匿名举报不发奖励）"):format(amount)
      or why == "cap" and ("（%g 元，本月上限 %g 元）"):format(amount, rw.cap) or ""
    s.add_report_event(id, clock.now(), by, "核实属实", ("奖励 %g 元%s，问题 #%d"):format(reward, cut, fid))
  end)
  return fid, reward, amount, why
end

function M.reject(id, by, reason)
  local s = store()
  s.tx(function()
    local r = get("reports verify", id)
    if r.status ~= "待核实" then refuse("reports verify", id, r.status) end
    local ok, now = s.report_transition(id, "不属实", { verified_by = by, verified_at = clock.now(), reason = reason })
    if not ok then refuse("reports verify", id, now) end
    s.add_report_event(id, clock.now(), by, "核实不属实", reason)
  end)
end

-- Record the payout of report `id`'s reward (奖励发放): on `date` (default
-- today), by `by`, with the voucher `ref`.  Only a verified report with a
-- reward, once; the check and the record are one write transaction.
-- Returns the amount.
function M.pay(id, by, ref, date)
  local s = store()
  local amount
  s.tx(function()
    local r = get("reports pay", id)
    if r.status ~= "属实" then
      error(("reports pay: report #%d is %s: only a verified report (属实) earns a reward"):format(id, r.status), 0)
    end
    if not r.reward or r.reward <= 0 then
      error(("reports pay: report #%d earned no reward (0 元)"):format(id), 0)
    end
    local paid = s.payouts()[id]
    if paid then error(("reports pay: the reward of report #%d was paid already (%s)"):format(id, paid.note), 0) end
    amount = r.reward
    s.add_report_event(id, clock.now(), by, "奖励发放", ("%g 元，%s%s"):format(amount, date or clock.today(),
      ref and ("，凭证 " .. ref) or ""))
  end)
  return amount
end

-- The contact of report `id` unmasked, the look audited.
function M.unmask(id, by)
  local s = store()
  local r = get("reports show", id)
  s.add_report_event(id, clock.now(), by, "查看联系方式", nil)
  return r
end

return M
