-- init.lua — the Lua half of the core, run once at start-up after the
-- plugins are loaded (so `db` exists when the sqlite plugin is there).
--
-- It loads, in this order: the rules module (rules.lua, which loads the
-- active rule set from cwsh.rules_dir), the import mappings module, and
-- the domain commands of commands/*.lua as stubs whose modules load at
-- their first use (cmdload.lua).  A failure in one of them is reported
-- and the shell starts without it.

-- An invalid CWSH_NOW ends cwsh before any command runs (clock.lua):
-- every "today" of the session would count from it.
do
  local bad = require("clock").invalid()
  if bad then io.stderr:write("cwsh: ", bad, "\n"); os.exit(1) end
end

local function try_require(name)
  local ok, err = pcall(require, name)
  if not ok and not tostring(err):find("module '" .. name .. "' not found", 1, true) then
    cwsh.notice(tostring(err))
  end
  return ok
end

-- Tab completion: cwsh.complete(before, word, pending) gives the
-- candidates for the word being typed (complete.c keeps those starting
-- with it, ignoring case).  `before` is the line up to that word;
-- `pending` is "sql" or "lua" on a continuation line.  Returns an array,
-- or "files" for readline's file names.
--
-- The first word completes commands, dot-commands and SQL keywords.  A
-- command's own `complete(words, word)` (words: the words before this
-- one, the command's name first) completes its arguments; commands
-- marked `files` complete file names.  The rest is SQL: table names after
-- FROM, JOIN, INTO, UPDATE and TABLE; checklist item codes where an
-- item_code is compared (item_code = '…', item_code IN ('…', …)), market
-- codes and names likewise for market_code and market_name; otherwise
-- keywords, table and column names.
local sql_words = { "SELECT", "FROM", "WHERE", "GROUP BY", "ORDER BY", "LIMIT",
  "JOIN", "LEFT JOIN", "ON", "AND", "OR", "NOT", "COUNT", "SUM", "AVG", "MIN",
  "MAX", "INSERT INTO", "VALUES", "UPDATE", "SET", "DELETE FROM", "WITH", "AS",
  "DISTINCT", "HAVING", "CREATE", "TABLE", "VIEW", "INDEX", "DROP", "LIKE", "IN",
  "BETWEEN", "IS NULL", "CASE", "WHEN", "THEN", "ELSE", "END", "DESC", "ASC" }

local function add_all(out, list) for _, v in ipairs(list) do out[#out + 1] = v end end

-- Names from the store's repository (store.lua), or {} when there is no
-- store or it cannot tell (an old database, a table not there).
local function names(op, ...)
  if not db then return {} end
  local ok, store = pcall(require, "store")
  if not ok or not store[op] then return {} end
  local ok2, out = pcall(store[op], ...)
  return ok2 and out or {}
end

-- Tables and views ("table": tables only).
local function table_names(kind) return names("table_names", kind) end

-- Tables, views and their columns, each name once.
local function db_names()
  local out, seen = {}, {}
  for _, t in ipairs(table_names()) do
    for _, n in ipairs({ t, table.unpack(names("column_names", t)) }) do
      if not seen[n] then seen[n] = true; out[#out + 1] = n end
    end
  end
  return out
end

-- Market codes, names and, unless no_aliases, aliases (explain takes
-- all three, score --market codes and names).
local function market_names(no_aliases)
  local out = names("market_codes")
  add_all(out, names("market_names"))
  if not no_aliases then add_all(out, names("market_aliases")) end
  return out
end

-- Stations that have markets (score --unit).
local function unit_names()
  return names("unit_names")
end

-- The active rule set's checklist item codes.
local function item_codes()
  local out = {}
  local ok, rules = pcall(require, "rules")
  if ok and rules.current and rules.current() then
    for _, it in ipairs(rules.current().items or {}) do out[#out + 1] = it.code end
  end
  return out
end

-- Periods: the months with data (latest first), their bimonths (the
-- notice's), quarters, halves and years.
local function periods()
  local out, seen = {}, {}
  for _, m in ipairs(names("months", 24)) do
    local y, mm = m:match("^(%d+)%-(%d+)$")
    if y then
      local n = tonumber(mm)
      for _, w in ipairs({ m, ("%s-B%d"):format(y, (n + 1) // 2), ("%s-Q%d"):format(y, (n + 2) // 3),
                           ("%s-H%d"):format(y, (n + 5) // 6), y }) do
        if not seen[w] then seen[w] = true; out[#out + 1] = w end
      end
    end
  end
  return out
end

-- The years among the periods.
local function years()
  local out = {}
  for _, p in ipairs(periods()) do if p:match("^%d%d%d%d$") then out[#out + 1] = p end end
  return out
end

local function command_names()
  local out = {}
  for name in pairs(cwsh.commands) do out[#out + 1] = name end
  table.sort(out)
  return out
end

cwsh.completers = { markets = market_names, items = item_codes, tables = table_names,
  columns = db_names, units = unit_names, periods = periods, years = years,
  commands = command_names }

-- Which completer a compared SQL column's value takes.
local value_of = { item_code = item_codes,
  market_code = function() return names("market_codes") end,
  market_name = function() return names("market_names") end }

local function complete_sql(before)
  local prev = (before:match("([%a_]+)%s*$") or ""):upper()
  if prev == "FROM" or prev == "JOIN" or prev == "INTO" or prev == "UPDATE" or prev == "TABLE" then
    return table_names()
  end
  local lower = before:lower()
  local col = lower:match("([%w_]+)%s*[=<>!]+%s*'?$") or lower:match("([%w_]+)%s+in%s*%([^()]*$")
  if col and value_of[col] then return value_of[col]() end
  local out = {}
  add_all(out, sql_words)
  add_all(out, db_names())
  return out
end

function cwsh.complete(before, word, pending)
  if pending == "sql" then return complete_sql(before) end
  if pending == "lua" or before:match("^%s*=") or before:match("^%s*lua%s") then return {} end
  local words = {}
  for w in before:gmatch("%S+") do words[#words + 1] = w end
  if #words == 0 then
    local out = command_names()
    if not word:find("^%.") then add_all(out, sql_words) end
    return out
  end
  local cmd = cwsh.commands[words[1]]
  if cmd then
    -- reading complete loads a lazily loaded command's module (cmdload.lua),
    -- which may fail: no candidates then
    local okc, fn = pcall(function() return cmd.complete end)
    if not okc then return {} end
    if fn then
      local ok, r = pcall(fn, words, word)
      if ok and (type(r) == "table" or r == "files") then return r end
      return {}
    end
    if cmd.files then return "files" end
    return {}
  end
  return complete_sql(before)
end

-- Commands that take file names complete them.
for _, name in ipairs({ ".read", ".output", ".once", ".backup", ".restore", ".import", "import" }) do
  local c = cwsh.commands[name]
  if c then c.files = true end
end

-- The built-in dot-commands' words (they are registered from C).  Each
-- entry completes the first argument only.
local function first(list)
  return function(words)
    if #words ~= 1 then return {} end
    return type(list) == "function" and list() or list
  end
end
local on_off = first({ "on", "off" })
local dot_words = {
  [".help"] = first(command_names),
  [".mode"] = first({ "box", "table", "csv", "tsv", "json", "markdown", "line", "list" }),
  [".headers"] = on_off, [".timer"] = on_off, [".bail"] = on_off, [".echo"] = on_off,
  [".limit"] = first({ "instructions", "memory" }),
  [".tables"] = first(table_names),
  [".schema"] = first(table_names),
  [".indexes"] = first(function() return table_names("table") end),
}
for name, fn in pairs(dot_words) do
  local c = cwsh.commands[name]
  if c and not c.complete then c.complete = fn end
end

function cwsh.banner()
  local parts = { "cwsh " .. cwsh.version }
  if db then
    local ok, n = pcall(function() return require("store").market_count() end)
    if ok and n then parts[#parts + 1] = ("%d markets"):format(n) end
  end
  local ok, rules = pcall(require, "rules")
  if ok and rules.current and rules.current() then
    local r = rules.current()
    parts[#parts + 1] = ("rules %s (%s)"):format(r.name or "?", (r.hash or ""):sub(1, 7))
  end
  return table.concat(parts, ", ") .. ", type .help"
end

try_require("rules")
try_require("mappings")

-- cwsh.on(name, fn): subscribe to the core's events (events.lua)
do
  local ok, events = pcall(require, "events")
  if ok then
    cwsh.on = events.on
    cwsh._imported = events.imported     -- the core calls it after an import commits
    -- the problem ledger opens findings from every import and withdraws
    -- them on undo; ledger.lua loads at the first event, not at start-up
    events.on("import", function(e) require("ledger").import_handler(e) end)
    events.within("undo", function(e) require("ledger").undo_handler(e) end)
    -- an import the last process stopped after (killed between the
    -- import's commit and its findings) gets them now; one small query
    -- when none is owed
    if db then
      local ok2, owed = pcall(db.one, "SELECT count(*) AS n FROM ledger_pending")
      if ok2 and owed and owed.n > 0 then
        local ok3, err = pcall(function() require("ledger").open_pending() end)
        if not ok3 then cwsh.notice("ledger: " .. tostring(err)) end
      end
    end
  else
    cwsh.notice(tostring(events))
  end
end

-- the domain commands: stubs from the command index, each module
-- compiled at its command's first use (cmdload.lua)
do
  local ok, cmdload = pcall(require, "cmdload")
  if ok then cmdload.start() else cwsh.notice(tostring(cmdload)) end
end

-- `.rules` (rules.lua) reads one word: more is a usage error, as for
-- every dot-command.
do
  local c = cwsh.commands[".rules"]
  if c then
    local run = c.run
    c.run = function(args)
      if #args > 1 then error("usage: " .. c.usage, 0) end
      return run(args)
    end
  end
end

