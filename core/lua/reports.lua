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

-- Check and register a report: r = { date, market_id, kind, channel,
-- description, reporter, contact, by }.  Returns its id, or nil and why.
function M.check(r, rw)
  if not calendar.parse(r.date or "") then return nil, ("'%s' is not a date (YYYY-MM-DD)"):format(tostring(r.date)) end
  if not rw.kinds[r.kind or ""] then
    return nil, ("kind '%s' is not one of %s (%s)"):format(tostring(r.kind), table.concat(rw.list, "、"), rw.file)
  end
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
    local already = r.reporter and s.rewards_in_month(r.reporter, r.date:sub(1, 7), id) or 0
    reward, amount = rewards.reward(rw, r.kind, already)
    if reward < amount then why = "cap" end
    -- an anonymous report: nobody to pay, and the cap is not the reason
    if not r.reporter then reward, why = 0, amount > 0 and "anonymous" or nil end
    fid = ledger.add({ market_id = r.market_id, item = item or (kind and kind.item), found = r.date,
      description = r.description or r.kind, source = "群众举报", report_id = id, by = by,
      note = ("举报 #%d 核实属实"):format(id) })
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
