-- mappings.lua — import mappings (owned by the csv helper).
--
-- A mapping tells `import` how a sheet's columns become inspections.  Each
-- file rules/mappings/*.lua calls `mapping { ... }` once or more; the files
-- run sandboxed (cwsh.sandbox_load), so an analyst can add a format without
-- touching C.  The csv plugin calls mappings.all() once per import and
-- reads the tables in C; nothing here runs per row unless a mapping names a
-- Lua function as a converter.
--
--   mapping {
--     name = "long", layout = "long",          -- or "wide"
--     fields = { date = {"date", "检查日期"}, ... },   -- field = header(s)
--     convert = { date = "date", note = function(s) return s end },
--     ignore = {"序号"},                       -- headers to leave out
--     defaults = { kind = "督查" },             -- value when no column
--     summary = {"合计"},                      -- cells marking summary rows
--   }

local M = {}

M.BUDGET = 1000000          -- instructions for a mapping file's body, as for a rule file

-- A path under the rules directory as its chunk is named (rules/mappings/x.lua).
function M.short(path) return require("rules").short(path) end

M.fields = { "inspection_id", "date", "market_code", "market_name", "unit",
  "inspector", "kind", "item_code", "result", "deduction", "count", "note", "total", "deadline" }
M.converters = { "text", "date", "result", "number", "kind" }

local known_field, known_conv = {}, {}
for _, f in ipairs(M.fields) do known_field[f] = true end
for _, c in ipairs(M.converters) do known_conv[c] = true end

local function strings(v)
  if type(v) == "string" then return true end
  if type(v) ~= "table" then return false end
  for _, s in ipairs(v) do if type(s) ~= "string" then return false end end
  return true
end

-- Check one mapping table; nil, or what is wrong with it.
local function check(t)
  if type(t) ~= "table" then return "mapping expects a table: mapping { name = ..., ... }" end
  local function bad(msg) error({ msg = ("mapping '%s': %s"):format(tostring(t.name), msg) }) end
  if type(t.name) ~= "string" or t.name == "" then bad("'name' must be a non-empty string") end
  if t.layout ~= "long" and t.layout ~= "wide" then bad("'layout' must be \"long\" or \"wide\"") end
  if type(t.fields) ~= "table" then bad("'fields' must be a table of field = header(s)") end
  for k, v in pairs(t.fields) do
    if not known_field[k] then bad(("unknown field '%s' (fields: %s)"):format(tostring(k), table.concat(M.fields, ", "))) end
    if not strings(v) then bad(("field '%s' must be a header name or a list of them"):format(k)) end
  end
  if t.convert ~= nil and type(t.convert) ~= "table" then bad("'convert' must be a table of field = converter") end
  for k, v in pairs(t.convert or {}) do
    if not known_field[k] then bad(("convert: unknown field '%s'"):format(tostring(k))) end
    if type(v) ~= "function" and not known_conv[v] then
      bad(("convert.%s: unknown converter '%s' (converters: %s, or a function)"):format(k, tostring(v), table.concat(M.converters, ", ")))
    end
  end
  if t.defaults ~= nil and type(t.defaults) ~= "table" then bad("'defaults' must be a table of field = value") end
  for k, v in pairs(t.defaults or {}) do
    if not known_field[k] then bad(("defaults: unknown field '%s'"):format(tostring(k))) end
    -- the importer takes a string or a number and would pass over anything else
    if type(v) ~= "string" and type(v) ~= "number" then
      bad(("defaults.%s must be a string, not a %s"):format(k, type(v)))
    end
  end
  if t.ignore ~= nil and not strings(t.ignore) then bad("'ignore' must be a list of header names") end
  if t.summary ~= nil and not strings(t.summary) then bad("'summary' must be a list of cell values") end
end

-- A copy of a mapping's table made with raw reads only, tables nested
-- up to three deep: the C side reads the copy, so no metamethod of the
-- file's (a looping __index, an __index that answers differently the
-- second time) runs outside the file's own call.
local function plain(v, depth)
  if type(v) ~= "table" then return v end
  if (depth or 0) >= 3 then return {} end
  local out = {}
  for k, x in next, v do out[k] = plain(x, (depth or 0) + 1) end
  return out
end

local function problem(t)
  local ok, e = pcall(check, t)
  if ok then return e end
  return type(e) == "table" and e.msg or tostring(e)
end

-- Every mapping of the active rules directory, in file-name order, then
-- in the order of the calls.  Read anew on each call so that an edited
-- file takes effect on the next import.  Raises "file:line: message".
function M.all(dir)
  dir = dir or (cwsh.rules_dir .. "/mappings")
  local list, seen = {}, {}
  local names = cwsh.listdir(dir) or {}
  for _, f in ipairs(names) do
    if f:match("%.lua$") then
      local path = dir .. "/" .. f
      local chunk, err = cwsh.sandbox_load(path, {
        mapping = function(t)
          t = plain(t)
          local p = problem(t)
          if p then error(p, 2) end             -- at the mapping's line in its file
          if seen[t.name] then
            error(("mapping '%s' is defined twice (also in %s)"):format(t.name, seen[t.name]), 2)
          end
          seen[t.name] = f
          t.file = path
          list[#list + 1] = t
        end,
      })
      if not chunk then error(err, 0) end
      -- under the rule budget, as every rule file runs: a loop in the
      -- file stops there, with its file and line, not at the import's
      -- own limit; an error names the file even when it has no position
      local ok, cerr = pcall(cwsh.budget, M.BUDGET, chunk)
      if not ok then
        cerr = tostring(cerr)      -- cwsh.budget makes an error object a message
        local short = M.short(path)
        if cerr:sub(1, #short + 1) ~= short .. ":" then cerr = short .. ": " .. cerr end
        error(cerr, 0)
      end
    end
  end
  return list
end

-- Names, for completion and messages.
function M.names()
  local ok, list = pcall(M.all)
  local out = {}
  if ok then for _, m in ipairs(list) do out[#out + 1] = m.name end end
  return out
end

-- Tab completion for the csv plugin's commands (registered from C, so
-- they get their completers here): options, mapping names after
-- --mapping, encodings, delimiters, file names otherwise; `.import`
-- completes table names after the file.
local function option_values(prev)
  if prev == "--mapping" then return M.names() end
  if prev == "--encoding" then return { "UTF-8", "GB18030", "GBK", "BIG5" } end
  if prev == "--delimiter" then return { ",", ";", "tab", "|" } end
end

local function completer(options, after_file)
  return function(words, word)
    local v = option_values(words[#words])
    if v then return v end
    if word:sub(1, 1) == "-" then return options end
    local plain = 0
    for i = 2, #words do
      if words[i]:sub(1, 2) ~= "--" and not option_values(words[i - 1]) then plain = plain + 1 end
    end
    if plain >= 1 and after_file then return after_file() end
    return "files"
  end
end

if cwsh and cwsh.commands then
  local imp, dimp = cwsh.commands["import"], cwsh.commands[".import"]
  if imp then
    imp.complete = completer({ "--mapping", "--encoding", "--delimiter", "--skip-bad",
                               "--replace", "--add-markets" })
  end
  if dimp then
    dimp.complete = completer({ "--encoding", "--delimiter", "--skip", "--skip-bad" },
      function()
        if not db then return {} end
        local ok, out = pcall(function() return require("store").table_names("table") end)
        return ok and out or {}
      end)
  end
end

return M
