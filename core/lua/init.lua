-- init.lua — the Lua half of the core, run once at start-up after the
-- plugins are loaded (so `db` exists when the sqlite plugin is there).
--
-- It loads, in this order: the rules module (rules.lua, which loads the
-- active rule set from cwsh.rules_dir), the import mappings module, and
-- every domain command in commands/*.lua in name order.  A failure in one
-- of them is reported and the shell starts without it.

local function try_require(name)
  local ok, err = pcall(require, name)
  if not ok and not tostring(err):find("module '" .. name .. "' not found", 1, true) then
    cwsh.notice(tostring(err))
  end
  return ok
end

-- Tab completion: candidates for the word being typed.  `before` is the
-- line up to that word.  Returns an array, or "files" for file names.
local sql_words = { "SELECT", "FROM", "WHERE", "GROUP BY", "ORDER BY", "LIMIT",
  "JOIN", "LEFT JOIN", "ON", "AND", "OR", "NOT", "COUNT", "SUM", "AVG", "MIN",
  "MAX", "INSERT INTO", "VALUES", "UPDATE", "SET", "DELETE FROM", "WITH", "AS",
  "DISTINCT", "HAVING", "CREATE", "TABLE", "VIEW", "INDEX", "DROP" }

local function add_all(out, list) for _, v in ipairs(list) do out[#out + 1] = v end end

local function db_names()
  local out = {}
  if not db then return out end
  local ok = pcall(function()
    for r in db.query("SELECT name FROM sqlite_schema WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%'") do
      out[#out + 1] = r.name
      for c in db.query("SELECT name FROM pragma_table_info(?)", r.name) do out[#out + 1] = c.name end
    end
  end)
  return ok and out or {}
end

local function market_names()
  local out = {}
  if not db then return out end
  pcall(function()
    for r in db.query("SELECT code, name FROM market ORDER BY code") do
      out[#out + 1] = r.code; out[#out + 1] = r.name
    end
    for r in db.query("SELECT alias FROM market_alias") do out[#out + 1] = r.alias end
  end)
  return out
end

local function item_codes()
  local out = {}
  local ok, rules = pcall(require, "rules")
  if ok and rules.current and rules.current() then
    for _, it in ipairs(rules.current().items or {}) do out[#out + 1] = it.code end
  end
  return out
end

cwsh.completers = { markets = market_names, items = item_codes, tables = db_names }

function cwsh.complete(before, word)
  local words = {}
  for w in before:gmatch("%S+") do words[#words + 1] = w end
  local out = {}
  if #words == 0 then
    for name in pairs(cwsh.commands) do out[#out + 1] = name end
    if not word:find("^%.") then add_all(out, sql_words) end
    table.sort(out)
    return out
  end
  local cmd = cwsh.commands[words[1]]
  if cmd then
    if cmd.complete then
      local ok, r = pcall(cmd.complete, words, word)
      if ok then return r end
      return {}
    end
    if cmd.files then return "files" end
    return {}
  end
  add_all(out, sql_words)
  add_all(out, db_names())
  return out
end

-- Commands that take file names complete them.
for _, name in ipairs({ ".read", ".output", ".once", ".backup", ".restore", ".import", "import" }) do
  local c = cwsh.commands[name]
  if c then c.files = true end
end

-- .help completes command names
if cwsh.commands[".help"] then
  cwsh.commands[".help"].complete = function()
    local out = {}
    for name in pairs(cwsh.commands) do out[#out + 1] = name end
    table.sort(out)
    return out
  end
end

function cwsh.banner()
  local parts = { "cwsh " .. cwsh.version }
  if db then
    local ok, n = pcall(db.one, "SELECT count(*) AS n FROM market")
    if ok and n then parts[#parts + 1] = ("%d markets"):format(n.n) end
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

local dir = cwsh.lua_dir .. "/commands"
local names = cwsh.listdir(dir) or {}
for _, f in ipairs(names) do
  if f:match("%.lua$") then
    local chunk, err = loadfile(dir .. "/" .. f, "t")
    if not chunk then cwsh.notice(err)
    else
      local ok, e = pcall(chunk)
      if not ok then cwsh.notice(tostring(e)) end
    end
  end
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

-- Files-taking commands registered by the domain commands too.
for _, name in ipairs({ "import", "whatif" }) do
  local c = cwsh.commands[name]
  if c and not c.complete then c.files = true end
end
