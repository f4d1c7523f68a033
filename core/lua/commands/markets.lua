-- commands/markets.lua — `markets`: the market register (市场名录).
--
--   markets [--station S] [--district D] [--key] [--name TEXT]   list
--   markets import FILE [--encoding E] [--delimiter D]            a register file
--   markets add [CODE] NAME [--station S] [--district D] [--key]
--               [--stalls N] [--operator O] [--alias A]...        one market
--   markets key MARKET on|off                                     the 重点市场 flag
--   markets alias MARKET ALIAS...                                  other spellings
--
-- A register file is read by the csv plugin's reader (csv.open: the same
-- encodings, dialects and line numbers as `import`), checked whole, and
-- written in one transaction: one bad row and nothing is registered, every
-- problem reported as FILE:LINE:COLUMN.  A row whose code is registered
-- updates that market (the file's columns only); a row without a code is
-- the market of that name when there is exactly one, else a new market
-- with the first free code M0001, M0002, ... (the same codes `import
-- --add-markets` gives).  Stations and operators are units, added when new.

local M = {}

local SHOWN = 20          -- error lines shown, as import shows them

-- Register columns and the headers each goes by (ASCII case ignored).
local FIELDS = {
  { "code", "code", "market_code", "市场编号", "编号", "市场代码" },
  { "name", "name", "market_name", "市场名称", "名称", "市场" },
  { "station", "station", "unit", "所属单位", "所属所", "监管所" },
  { "district", "district", "所在区", "辖区", "区县", "区域" },
  { "key", "key", "is_key", "重点市场", "是否重点市场", "重点" },
  { "stalls", "stalls", "摊位数", "摊位" },
  { "operator", "operator", "主办单位", "开办单位" },
  { "aliases", "aliases", "alias", "别名" },
}
-- How the message about an unknown column names them.
local KNOWN = "code/市场编号, name/市场名称, station/所属单位, district/所在区, key/重点市场, "
  .. "stalls/摊位数, operator/主办单位, aliases/别名"
local IGNORED = { ["序号"] = true, ["no"] = true, ["reason"] = true }
local HEADER = {}
for _, f in ipairs(FIELDS) do
  for i = 2, #f do HEADER[f[i]:lower()] = f[1] end
end

local function need_db()
  if not db then error("no database: the sqlite plugin is not loaded", 0) end
end

-- Blanks around a value: ASCII white space and the full-width space.
local function trim(s)
  while true do
    local t = s:gsub("^%s+", ""):gsub("%s+$", ""):gsub("^\u{3000}", ""):gsub("\u{3000}$", "")
    if t == s then return s end
    s = t
  end
end

local function quote(s) return '"' .. s .. '"' end

-- Full-width digits (Excel with a Chinese input method) read as ASCII.
local function ascii_digits(s)
  return (s:gsub("\u{FF10}", "0"):gsub("\u{FF11}", "1"):gsub("\u{FF12}", "2"):gsub("\u{FF13}", "3")
    :gsub("\u{FF14}", "4"):gsub("\u{FF15}", "5"):gsub("\u{FF16}", "6"):gsub("\u{FF17}", "7")
    :gsub("\u{FF18}", "8"):gsub("\u{FF19}", "9"))
end

local KEY_WORDS = { ["1"] = 1, ["0"] = 0, ["是"] = 1, ["否"] = 0, ["yes"] = 1, ["no"] = 0,
  ["y"] = 1, ["n"] = 0, ["true"] = 1, ["false"] = 0, ["on"] = 1, ["off"] = 0,
  ["重点"] = 1, ["重点市场"] = 1, ["✓"] = 1, ["√"] = 1, ["×"] = 0 }

-- The key flag of a cell: 1, 0, or nil when the text is none of the words.
local function key_flag(s)
  if s == "" then return 0 end
  return KEY_WORDS[ascii_digits(s):lower()]
end

local function stalls_of(s)
  if s == "" then return cwsh.null end
  local t = ascii_digits(s)
  if not t:match("^%d+$") or #t > 9 then return nil end
  return math.tointeger(tonumber(t))
end

-- Aliases in one cell: separated by ; ； 、 , ， or |.
local function split_aliases(s)
  local out = {}
  local t = s:gsub("；", ";"):gsub("、", ";"):gsub("，", ";"):gsub("[,|]", ";")
  for a in t:gmatch("[^;]+") do
    a = trim(a)
    if a ~= "" then out[#out + 1] = a end
  end
  return out
end

-- The first free code M0001, M0002, ... that is neither a market's code
-- nor in `taken` (codes given out earlier in the same run).
function M.next_code(taken)
  local used = {}
  -- LIKE narrows, the pattern decides: GLOB is SQLite's own
  for r in db.query("SELECT code FROM market WHERE code LIKE 'M%'") do
    if r.code:match("^M%d") then used[r.code] = true end
  end
  local n = 1
  while true do
    local c = ("M%04d"):format(n)
    if not used[c] and not (taken and taken[c]) then return c end
    n = n + 1
  end
end

-- A unit's id by name, added when new: as `kind`, or for a station (kind
-- nil) as the vocabulary's unit kind for its name (rules/domain.lua: 分局
-- when so named, else 所); `added` collects the names of the new ones.
local function unit_id(name, kind, added)
  if name == nil or name == cwsh.null or name == "" then return cwsh.null end
  local r = db.one("SELECT id FROM unit WHERE name = ?", name)
  if r then return r.id end
  if kind == nil then
    local view = require("rules").import_view()
    kind = view and require("domain").unit_kind(view.domain, name) or cwsh.null
  end
  local _, id = db.exec("INSERT INTO unit(name, kind) VALUES (?, ?)", name, kind)
  if added then added[#added + 1] = name end
  return id
end

-- The market an alias may not name: nil when `alias` is free for market
-- `id`, else why not.
local function alias_conflict(alias, id)
  local a = db.one([[SELECT m.id, m.code, m.name FROM market_alias x JOIN market m ON m.id = x.market_id
    WHERE x.alias = ?]], alias)
  if a and a.id ~= id then
    return ("alias %s already names market %s (%s)"):format(quote(alias), a.code, a.name)
  end
  local n = db.one("SELECT id, code, name FROM market WHERE (name = ? OR code = ?) AND id <> ? ORDER BY code", alias, alias, id or -1)
  if n then
    return ("alias %s is the %s of market %s (%s)"):format(quote(alias), n.code == alias and "code" or "name", n.code, n.name)
  end
  return nil
end

local function add_alias(id, alias)
  db.exec("INSERT INTO market_alias(alias, market_id) VALUES (?, ?) ON CONFLICT(alias) DO NOTHING", alias, id)
end

-- ------------------------------------------------------------ import

-- Which field each column holds; errors as { line, col, why }.
local function map_header(fields, line, errs)
  local col, seen = {}, {}
  for j, h in ipairs(fields) do
    local t = trim(h)
    local f = HEADER[t:lower()]
    if f then
      if seen[f] then
        errs[#errs + 1] = { line, j, ("column %s is %s again (first in column %d)"):format(quote(t), f, seen[f]) }
      else
        seen[f] = j
        col[j] = f
      end
    elseif t ~= "" and not IGNORED[t:lower()] then
      errs[#errs + 1] = { line, j, ("column %s is not a register column (%s)"):format(quote(t), KNOWN) }
    end
  end
  if not seen.name and not seen.code then
    errs[#errs + 1] = { line, 0, "the header has neither a market code nor a name column (code/市场编号, name/市场名称)" }
  end
  return col, seen
end

local function filled(fields)
  local n = 0
  for _, v in ipairs(fields) do if trim(v) ~= "" then n = n + 1 end end
  return n
end

-- The rows of FILE as { line =, code =, name =, ... } (only the file's
-- columns), and the errors.
local function read_register(file, o)
  local r <close> = csv.open(file, { encoding = o.encoding, delimiter = o.delimiter })
  local errs, rows = {}, {}
  local line, fields, why, wcol = r:next()
  local titles = 0
  while line and fields and titles < 3 and filled(fields) <= 1 do
    local e = {}
    map_header(fields, line, e)
    if #e == 0 then break end
    cwsh.notice(("%s:%d: skipped a title row above the header"):format(file, line))
    titles = titles + 1
    line, fields, why, wcol = r:next()
  end
  if not line then error(("%s: the file is empty (no header row)"):format(file), 0) end
  if not fields then error(("%s:%d:%d: %s"):format(file, line, wcol, why), 0) end
  local col, seen = map_header(fields, line, errs)
  local ncol = #fields
  if #errs > 0 then return nil, errs, seen end
  local enc = r:encoding()
  while true do
    line, fields, why, wcol = r:next()
    if not line then break end
    if not fields then
      errs[#errs + 1] = { line, wcol, why }
    elseif filled(fields) > 0 then
      local row = { line = line }
      for j, v in ipairs(fields) do
        v = trim(v)
        if col[j] then row[col[j]] = v
        elseif j > ncol and v ~= "" then
          errs[#errs + 1] = { line, j, ("value %s in column %d, which has no header"):format(quote(v), j) }
        end
      end
      for f in pairs(seen) do row[f] = row[f] or "" end
      rows[#rows + 1] = row
    end
  end
  return rows, errs, seen, enc
end

-- Check every row (errors into errs) and convert its values.
local function check_rows(rows, seen, errs)
  local by_code, by_name = {}, {}
  for _, row in ipairs(rows) do
    local L = row.line
    local before = #errs
    if seen.name and row.name == "" then errs[#errs + 1] = { L, seen.name, "market name is empty" } end
    if not seen.name and row.code == "" then errs[#errs + 1] = { L, seen.code, "market code is empty" } end
    if seen.code and row.code ~= "" then
      if by_code[row.code] then
        errs[#errs + 1] = { L, seen.code, ("code %s is already at line %d"):format(quote(row.code), by_code[row.code]) }
      end
      by_code[row.code] = by_code[row.code] or L
    elseif row.name ~= "" then
      if by_name[row.name] then
        errs[#errs + 1] = { L, seen.name, ("market %s without a code is already at line %d (give codes to register two markets of one name)")
          :format(quote(row.name), by_name[row.name]) }
      end
      by_name[row.name] = by_name[row.name] or L
    end
    if seen.key then
      local k = key_flag(row.key)
      if not k then
        errs[#errs + 1] = { L, seen.key, ("key flag %s is not one of 1/0, 是/否, yes/no"):format(quote(row.key)) }
      end
      row.is_key = k
    end
    if seen.stalls then
      local s = stalls_of(row.stalls)
      if not s then
        errs[#errs + 1] = { L, seen.stalls, ("stalls %s is not a whole number"):format(quote(row.stalls)) }
      end
      row.nstalls = s
    end
    row.alias_list = seen.aliases and split_aliases(row.aliases) or {}
    row.bad = #errs > before
  end
end

local function nul(s) if s == nil or s == "" then return cwsh.null end return s end

-- Write one checked row: its market id, and whether it was new.
local function write_row(row, seen, st, errs)
  local m
  if seen.code and row.code ~= "" then
    m = db.one("SELECT id, code FROM market WHERE code = ?", row.code)
    if not m and not seen.name then
      errs[#errs + 1] = { row.line, seen.code, ("market %s is not registered (a new market needs a name column)"):format(quote(row.code)) }
      return
    end
  else
    local found = {}
    for x in db.query("SELECT id, code FROM market WHERE name = ? ORDER BY code", row.name) do found[#found + 1] = x end
    if #found > 1 then
      local codes = {}
      for _, x in ipairs(found) do codes[#codes + 1] = x.code end
      errs[#errs + 1] = { row.line, seen.name, ("market name %s belongs to %d markets (%s); give the code")
        :format(quote(row.name), #found, table.concat(codes, ", ")) }
      return
    end
    m = found[1]
  end
  local station = seen.station and unit_id(row.station, nil, st.stations) or nil
  local operator = seen.operator and unit_id(row.operator, "市场主办单位", st.operators) or nil
  local id, code
  if m then
    id, code = m.id, m.code
    if seen.name then db.exec("UPDATE market SET name = ? WHERE id = ?", row.name, id) end
    if seen.station then db.exec("UPDATE market SET unit_id = ? WHERE id = ?", station, id) end
    if seen.operator then db.exec("UPDATE market SET operator_id = ? WHERE id = ?", operator, id) end
    if seen.district then db.exec("UPDATE market SET district = ? WHERE id = ?", nul(row.district), id) end
    if seen.key then db.exec("UPDATE market SET is_key = ? WHERE id = ?", row.is_key, id) end
    if seen.stalls then db.exec("UPDATE market SET stalls = ? WHERE id = ?", row.nstalls, id) end
    st.updated = st.updated + 1
  else
    code = (seen.code and row.code ~= "") and row.code or M.next_code()
    local _
    _, id = db.exec([[INSERT INTO market(code, name, district, unit_id, operator_id, is_key, stalls)
      VALUES (?, ?, ?, ?, ?, ?, ?)]], code, row.name, nul(row.district), station or cwsh.null,
      operator or cwsh.null, row.is_key or 0, row.nstalls or cwsh.null)
    st.new = st.new + 1
    if not (seen.code and row.code ~= "") then st.generated[#st.generated + 1] = code .. " " .. row.name end
  end
  for _, a in ipairs(row.alias_list) do
    local why = alias_conflict(a, id)
    if why then errs[#errs + 1] = { row.line, seen.aliases, why }
    else add_alias(id, a) end
  end
end

local function report(file, errs)
  table.sort(errs, function(a, b) if a[1] ~= b[1] then return a[1] < b[1] end return a[2] < b[2] end)
  local bad = {}
  for i, e in ipairs(errs) do
    bad[e[1]] = true
    if i <= SHOWN then
      local where = e[2] and e[2] > 0 and ("%s:%d:%d"):format(file, e[1], e[2]) or ("%s:%d"):format(file, e[1])
      cwsh.notice(("%s: %s"):format(where, e[3]))
    end
  end
  if #errs > SHOWN then cwsh.notice(("... and %d more"):format(#errs - SHOWN)) end
  local n = 0
  for _ in pairs(bad) do n = n + 1 end
  return n
end

local function count_s(n, what) return ("%d %s%s"):format(n, what, n == 1 and "" or "s") end

function M.import(file, o)
  need_db()
  local rows, errs, seen = read_register(file, o)
  if not rows then
    report(file, errs)
    error("the header does not fit; nothing registered", 0)
  end
  check_rows(rows, seen, errs)
  -- the good rows are written even when some are bad, so that every
  -- problem (an alias taken, a name shared) is reported; then rolled back
  local st = { new = 0, updated = 0, stations = {}, operators = {}, generated = {} }
  local ok, e = pcall(db.tx, function()
    for _, row in ipairs(rows) do
      if not row.bad then write_row(row, seen, st, errs) end
    end
    if #errs > 0 then error(errs) end
  end)
  if not ok then
    if type(e) ~= "table" then error(e, 0) end
    error(("%s; nothing registered"):format(count_s(report(file, e), "bad row")), 0)
  end
  local msg = ("registered %s from %s (%d new, %d updated)"):format(count_s(#rows, "market"), file, st.new, st.updated)
  if #st.stations > 0 then msg = msg .. "; new stations: " .. table.concat(st.stations, ", ") end
  if #st.operators > 0 then msg = msg .. "; new operators: " .. table.concat(st.operators, ", ") end
  cwsh.notice(msg)
  if #st.generated > 0 then
    cwsh.notice(("codes given to %s without one: %s"):format(count_s(#st.generated, "market"), table.concat(st.generated, ", ")))
  end
end

-- ------------------------------------------------------------ the rest

local LIST_COLUMNS = { "code", "name", "station", "district", "key", "stalls", "operator", "aliases" }

local function check_station(s)
  if db.one("SELECT 1 AS x FROM unit u JOIN market m ON m.unit_id = u.id WHERE u.name = ?", s) then return end
  local names = {}
  for r in db.query("SELECT DISTINCT u.name FROM unit u JOIN market m ON m.unit_id = u.id ORDER BY u.name") do
    names[#names + 1] = r.name
  end
  error(("markets: no station %s has markets (stations: %s)"):format(quote(s),
    #names > 0 and table.concat(names, ", ") or "none"), 0)
end

-- { [market id] = { alias, ... } } in alias order.
local function market_aliases(id)
  local out = {}
  local function add(r)
    out[r.market_id] = out[r.market_id] or {}
    table.insert(out[r.market_id], r.alias)
  end
  if id then
    for r in db.query("SELECT market_id, alias FROM market_alias WHERE market_id = ? ORDER BY alias", id) do add(r) end
  else
    for r in db.query("SELECT market_id, alias FROM market_alias ORDER BY alias") do add(r) end
  end
  return out
end

function M.list(o)
  need_db()
  if o.station then check_station(o.station) end
  local where, args = {}, {}
  if o.station then where[#where + 1] = "u.name = ?"; args[#args + 1] = o.station end
  if o.district then where[#where + 1] = "m.district = ?"; args[#args + 1] = o.district end
  if o.key then where[#where + 1] = "m.is_key = 1" end
  -- the aliases joined and --name matched here, not in SQL: the same on
  -- every store (SQLite's instr and group_concat are its own)
  local aliases = market_aliases()
  local function has(s, part) return s ~= nil and s ~= cwsh.null and s:find(part, 1, true) ~= nil end
  local sql = [[SELECT m.id, m.code, m.name, u.name AS station, m.district, m.is_key, m.stalls, op.name AS operator
    FROM market m LEFT JOIN unit u ON u.id = m.unit_id LEFT JOIN unit op ON op.id = m.operator_id]]
    .. (#where > 0 and (" WHERE " .. table.concat(where, " AND ")) or "") .. " ORDER BY m.code"
  local out = { columns = LIST_COLUMNS, rows = {} }
  for r in db.query(sql, table.unpack(args)) do
    local al = aliases[r.id]
    local hit = not o.name or has(r.name, o.name) or has(r.code, o.name)
    for _, a in ipairs(al or {}) do hit = hit or has(a, o.name) end
    if hit then
      out.rows[#out.rows + 1] = { r.code, r.name, r.station, r.district, r.is_key, r.stalls, r.operator,
        al and table.concat(al, "、") or cwsh.null }
    end
  end
  return out
end

local engine = require("engine")

function M.key(which, flag)
  need_db()
  local v = ({ on = 1, off = 0 })[flag]
  if not v then error("usage: markets key MARKET on|off", 0) end
  local m = engine.find_market(which)
  db.exec("UPDATE market SET is_key = ? WHERE id = ?", v, m.id)
  cwsh.notice(("%s %s: %s"):format(m.code, m.name, v == 1 and "key market (重点市场)" or "not a key market"))
end

function M.alias(which, aliases)
  need_db()
  local m = engine.find_market(which)
  db.tx(function()
    for _, a in ipairs(aliases) do
      a = trim(a)
      if a == "" then error("markets alias: an alias is empty", 0) end
      if a == m.name then error(("markets alias: %s is already the name of %s"):format(quote(a), m.code), 0) end
      local why = alias_conflict(a, m.id)
      if why then error("markets alias: " .. why, 0) end
      add_alias(m.id, a)
    end
  end)
  cwsh.notice(("%s %s: aliases %s"):format(m.code, m.name, table.concat(market_aliases(m.id)[m.id] or {}, "、")))
end

function M.add(pos, o)
  need_db()
  local code, name
  if #pos == 1 then name = pos[1] elseif #pos == 2 then code, name = pos[1], pos[2]
  else error("usage: markets add [CODE] NAME [--station S] [--district D] [--key] [--stalls N] [--operator O] [--alias A]...", 0) end
  -- a blank code or name would register a market nobody can name again
  -- (`markets add '' 空名` made one of code ''): refused, as the register
  -- file's rows are
  name = trim(name)
  if name == "" then error("markets add: the market name is empty or blank (give the name, e.g. markets add 解放市场)", 0) end
  if code then
    code = trim(code)
    if code == "" then
      error("markets add: the market code is empty or blank (give a code such as M0102, or only the name for the next free code)", 0)
    end
  end
  for _, k in ipairs({ "station", "district", "operator" }) do
    if o[k] then
      o[k] = trim(o[k])
      if o[k] == "" then error(("markets add: --%s is empty (leave the option out for none)"):format(k), 0) end
    end
  end
  for i, a in ipairs(o.alias) do
    o.alias[i] = trim(a)
    if o.alias[i] == "" then error("markets add: an alias is empty", 0) end
  end
  local stalls = cwsh.null
  if o.stalls then
    stalls = stalls_of(o.stalls)
    if not stalls or stalls == cwsh.null then error(("markets add: stalls %s is not a whole number"):format(quote(o.stalls)), 0) end
  end
  local added
  db.tx(function()
    if code then
      local t = db.one("SELECT code, name FROM market WHERE code = ?", code)
      if t then error(("markets add: code %s is taken by %s"):format(code, t.name), 0) end
    else
      code = M.next_code()
    end
    local news = {}
    local station = unit_id(o.station, nil, news)
    local operator = unit_id(o.operator, "市场主办单位", news)
    local _, id = db.exec([[INSERT INTO market(code, name, district, unit_id, operator_id, is_key, stalls)
      VALUES (?, ?, ?, ?, ?, ?, ?)]], code, name, nul(o.district), station, operator, o.key and 1 or 0, stalls)
    for _, a in ipairs(o.alias) do
      local why = alias_conflict(a, id)
      if why then error("markets add: " .. why, 0) end
      add_alias(id, a)
    end
    added = ("added market %s %s"):format(code, name)
    if o.station then added = added .. (" (%s)"):format(o.station) end
  end)
  cwsh.notice(added)
end

-- The options of args[first..] as { name-without-dashes = value }
-- (--alias always a list).
local function opts(args, first, known, usage)
  local raw, pos = require("cmdargs").parse({ table.unpack(args, first) }, known, "markets", usage)
  local o = { alias = {} }
  for k, v in pairs(raw) do o[k:sub(3)] = v end
  return o, pos
end

local USAGE = "markets [--station S] [--district D] [--key] [--name TEXT] | markets import FILE [--encoding E] [--delimiter D]"
  .. " | markets add [CODE] NAME [OPTIONS] | markets key MARKET on|off | markets alias MARKET ALIAS..."
local LIST_OPTS = { ["--station"] = "value", ["--district"] = "value", ["--key"] = "flag", ["--name"] = "value" }
local ADD_OPTS = { ["--station"] = "value", ["--district"] = "value", ["--key"] = "flag", ["--stalls"] = "value",
  ["--operator"] = "value", ["--alias"] = "list" }
local IMPORT_USAGE = "markets import FILE [--encoding E] [--delimiter D]"

cwsh.command {
  name = "markets",
  usage = USAGE,
  help = "the market register: list (filters --station, --district, --key, --name), `import FILE` (code, name, station, district, key, stalls, operator, aliases; Chinese or English headers; UTF-8 or GB18030), `add`, `key MARKET on|off`, `alias MARKET ALIAS...`",
  complete = function(words, word)
    local c = cwsh.completers or {}
    if #words == 1 and not word:match("^%-") then return { "import", "add", "key", "alias" } end
    local sub = words[2]
    if sub == "import" then return "files" end
    if (sub == "key" or sub == "alias") and #words == 2 then return c.markets and c.markets() or {} end
    if sub == "key" and #words == 3 then return { "on", "off" } end
    if words[#words] == "--station" then return c.units and c.units() or {} end
    return { "--station", "--district", "--key", "--name" }
  end,
  run = function(args)
    local sub = args[1]
    if sub == "import" then
      local o, pos = opts(args, 2, { ["--encoding"] = "value", ["--delimiter"] = "value" }, IMPORT_USAGE)
      if #pos ~= 1 then error("usage: " .. IMPORT_USAGE, 0) end
      if o.delimiter == "tab" then o.delimiter = "\t" end
      return M.import(pos[1], o)
    elseif sub == "add" then
      local o, pos = opts(args, 2, ADD_OPTS, "markets add [CODE] NAME [OPTIONS]")
      return M.add(pos, o)
    elseif sub == "key" then
      if #args ~= 3 then error("usage: markets key MARKET on|off", 0) end
      return M.key(args[2], args[3])
    elseif sub == "alias" then
      if #args < 3 then error("usage: markets alias MARKET ALIAS...", 0) end
      return M.alias(args[2], { table.unpack(args, 3) })
    end
    local o, pos = opts(args, 1, LIST_OPTS, USAGE)
    if #pos > 0 then error(("markets: unknown subcommand '%s' (usage: %s)"):format(pos[1], USAGE), 0) end
    return M.list(o)
  end,
}

package.loaded["commands.markets"] = M
return M
