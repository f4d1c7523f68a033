-- rewards.lua — the DSL of rules/rewards.lua (rewards for verified public
-- reports) and the reward of one report.  The file runs sandboxed through
-- cwsh.sandbox_load under the rule budget; a mistake is refused with its
-- FILE:LINE and why.  load() returns { file, kinds = { [name] = { name,
-- amount, item, line } }, list = { kind, ... }, cap (nil: none) }.

local srcpos = require("srcpos")
local fail = srcpos.fail
local function where() local f, l = srcpos.where(3); return f, l end

local M = { FILE = "rewards.lua", BUDGET = 1000000 }

local function new_api(r, names)
  local api = {}
  function api.reward(t)
    local f, l = where()
    if type(t) ~= "table" or type(t[1]) ~= "string" or t[1] == "" then
      fail(f, l, "reward expects a kind first: reward { \"垃圾隔夜未清\", amount = 50 }")
    end
    local name = t[1]
    for k in pairs(t) do
      if k ~= 1 and k ~= "amount" and k ~= "item" then
        fail(f, l, "reward '%s': unknown key %s (the keys: amount, item)", name,
          type(k) == "string" and ("'" .. k .. "'") or ("[" .. tostring(k) .. "]"))
      end
    end
    if r.kinds[name] then fail(f, l, "reward '%s' is declared twice (first at line %d)", name, r.kinds[name].line) end
    if type(t.amount) ~= "number" or t.amount < 0 or t.amount ~= t.amount or t.amount == math.huge then
      fail(f, l, "reward '%s': amount must be a number of yuan ≥ 0, not %s", name, tostring(t.amount))
    end
    if t.item ~= nil and (type(t.item) ~= "string" or t.item == "") then
      fail(f, l, "reward '%s': item must be a checklist code", name)
    end
    -- checked here, not at the first verify of such a report (rules.names:
    -- the active rule set's items)
    if t.item ~= nil and names and not names.by_code[t.item] then
      fail(f, l, "reward '%s': item '%s' is not in the checklist (%s)", name, t.item, names.items)
    end
    r.kinds[name] = { name = name, amount = t.amount, item = t.item, line = l }
    r.list[#r.list + 1] = name
  end
  function api.monthly_cap(n)
    local f, l = where()
    if r.cap_line then fail(f, l, "monthly_cap is declared twice (first at line %d)", r.cap_line) end
    if type(n) ~= "number" or n < 0 or n ~= n or n == math.huge then
      fail(f, l, "monthly_cap expects a number of yuan ≥ 0, not %s", tostring(n))
    end
    r.cap, r.cap_line = n, l
  end
  return api
end

function M.load(path)
  path = path or ((cwsh.rules_dir or "rules") .. "/" .. M.FILE)
  local r = { kinds = {}, list = {} }
  local chunk, err = cwsh.sandbox_load(path, new_api(r, srcpos.rule_names()))
  if not chunk then error(err, 0) end
  local ok, e = pcall(cwsh.budget, M.BUDGET, chunk)
  r.file = require("ledger_rules").short(path)
  if not ok then
    e = tostring(e)
    if not e:match("%.lua:%d+: ") then e = r.file .. ": " .. e end
    error(e, 0)
  end
  return r
end

-- The reward of a verified report of `kind` when its reporter has had
-- `already` yuan for reports of the same month: the kind's amount, cut to
-- what the monthly cap leaves.  Returns the reward and the full amount.
function M.reward(r, kind, already)
  local k = r.kinds[kind]
  local amount = k and k.amount or 0
  if r.cap then return math.max(0, math.min(amount, r.cap - already)), amount end
  return amount, amount
end

return M
