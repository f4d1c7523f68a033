-- rules.lua — rule tests for rules/ledger.lua (the problem ledger's rules)
-- and the DSL's refusals.  Run by tests/t/ledger-rules.t inside cwsh
-- (`lua dofile(...)`, trusted Lua) with the shipped rules directory; each
-- check prints "ok<TAB>what" or "not ok<TAB>what<TAB>got<TAB>want".

local lrules = require("ledger_rules")
local ledger = require("ledger")
local rules = require("rules")

local function check(what, got, want)
  if got == want then print("ok\t" .. what)
  else print(("not ok\t%s\t%s\t%s"):format(what, tostring(got), tostring(want))) end
end

local r = lrules.load()
local set = rules.current()
local function item(code) return set.by_code[code] end

-- which inspections open findings
check("督查 opens findings", r.opens["督查"], true)
check("暗访 opens findings", r.opens["暗访"], true)
check("自查 does not, unless listed", r.opens["自查"], nil)

-- severity classes from the checklist, in work days
check("A01 is 立行立改", lrules.class_of(r, item("A01")).name, "立行立改")
check("立行立改 is 0 work days", lrules.class_of(r, item("A01")).days, 0)
check("B03 is 7天", lrules.class_of(r, item("B03")).name, "7天")
check("B01 is 30天", lrules.class_of(r, item("B01")).days, 30)
check("C01 is 3天", lrules.class_of(r, item("C01")).name, "3天")
check("an item without a class takes the default", lrules.class_of(r, { code = "Z01" }).name, "3天")
check("a finding without an item takes the default", lrules.class_of(r, nil).name, "3天")

-- deadlines on the calendar
check("立行立改: due the day found", ledger.due_after("2026-09-28", 0), "2026-09-28")
check("7 work days from 2026-09-28 cross National Day", ledger.due_after("2026-09-28", 7), "2026-10-13")
check("3 work days from 2026-09-30 end on the 调休 Saturday", ledger.due_after("2026-09-30", 3), "2026-10-10")
check("整改期限 as a date is the deadline", ledger.sheet_deadline(r, "2026-09-28", "2026-10-30"), "2026-10-30")
check("整改期限 3天", ledger.sheet_deadline(r, "2026-09-28", "3天"), "2026-10-08")
check("整改期限 5个工作日", lrules.word_days(r, "5个工作日"), 5)
check("整改期限 限期3日", lrules.word_days(r, "限期3日"), 3)
check("整改期限 7日内", lrules.word_days(r, "7日内"), 7)
check("整改期限 立行立改", lrules.word_days(r, "立行立改"), 0)
check("整改期限 当天", lrules.word_days(r, "当天"), 0)
check("整改期限 下周 is not understood", lrules.word_days(r, "下周"), nil)
check("整改期限 99999999天 is not a deadline (counted day by day)", lrules.word_days(r, "99999999天"), nil)

-- the responsibility chain: the first link the data holds
local full = { ["管理员"] = "刘管理", ["保洁员"] = "陈保洁", ["主办单位"] = "城北市场管理公司", ["所"] = "城东所",
  ["包所领导"] = "张局长", ["包挂部门"] = "食品科" }
check("accountable: the market's 管理员", lrules.pick(r, "accountable", full, item("C01")), "刘管理")
check("assigned: 保洁员 for 环境卫生 items", lrules.pick(r, "assigned", full, item("A01")), "陈保洁")
check("assigned: 管理员 for other items", lrules.pick(r, "assigned", full, item("C01")), "刘管理")
check("no operator: the station answers", lrules.pick(r, "accountable", { ["所"] = "城西所" }, item("C01")), "城西所")
check("no 保洁员: a cleaning item goes to the 管理员",
  lrules.pick(r, "assigned", { ["管理员"] = "刘管理", ["所"] = "城东所" }, item("A05")), "刘管理")

-- recurrence and rechecks
check("recurrence window 90 days", r.window, 90)
check("a 督查 rechecks", r.recheck_kinds["督查"], true)
check("no recheck closes directly by default", next(r.closes), nil)

-- the DSL refuses mistakes with FILE:LINE and why
local function refused(what, text, want)
  local tmp = os.tmpname()
  os.remove(tmp)
  local path = tmp .. ".lua"
  local f = assert(io.open(path, "w")); f:write(text); f:close()
  local ok, err = pcall(lrules.load, path)
  os.remove(path)
  err = tostring(err)
  local at = err:find(path, 1, true)
  if at then err = err:sub(1, at - 1) .. "FILE" .. err:sub(at + #path) end
  check(what, ok and "loaded" or err, want)
end
local base = 'severity { "3天", days = 3, default = true }\naccountable { "所" }\nassigned { "所" }\n'
refused("an unknown link", base .. 'accountable { "站长", category = "环境卫生" }\n',
  "FILE:4: accountable: unknown link '站长' (links: 管理员、保洁员、主办单位、所、包所领导、包挂部门)")
refused("a class twice", base .. 'severity { "3天", days = 3 }\n', "FILE:4: severity '3天' is declared twice (first at line 1)")
refused("days not whole", base .. 'severity { "半天", days = 0.5 }\n',
  "FILE:4: severity '半天': days must be a whole number of work days from 0 to 1000, not 0.5")
-- found by fuzz_dsl: a deadline is counted day by day, so 10^11 days ran
-- every import that opens a finding into its limit
refused("days beyond the longest deadline", base .. 'severity { "永久", days = 100000000000 }\n',
  "FILE:4: severity '永久': days must be a whole number of work days from 0 to 1000, not 100000000000")
refused("two defaults", base .. 'severity { "7天", days = 7, default = true }\n',
  "FILE:4: severity '7天': '3天' is the default already (line 1)")
refused("a second default order", base .. 'assigned { "管理员" }\n',
  "FILE:4: assigned: a default order is declared already (line 3)")
refused("no default severity", 'severity { "3天", days = 3 }\naccountable { "所" }\nassigned { "所" }\n',
  "FILE: no default severity (severity { \"3天\", days = 3, default = true })")
refused("a window below a day", base .. 'recurrence { days = 0 }\n',
  "FILE:4: recurrence expects { days = N } with N ≥ 1 calendar days")
refused("a deadline word without whole days", base .. 'deadline_words { ["下周"] = "5" }\n',
  "FILE:4: deadline_words: each word maps to a whole number of work days from 0 to 1000 (下周 = 5)")
refused("a deadline word beyond the longest deadline", base .. 'deadline_words { ["永不"] = 99999999 }\n',
  "FILE:4: deadline_words: each word maps to a whole number of work days from 0 to 1000 (永不 = 99999999)")
