-- domain.lua — the domain model: loading and checking the vocabulary file
-- rules/domain.lua (see it for what each declaration means).
--
--   kind { "督查", aliases = { "督察", "supervision" }, weight = 1 }
--   result { "不合格", means = "fail", aliases = { "fail", "否" } }
--   unit { "分局", suffix = "分局" }      unit { "所" }
--   item_code "[A-Za-z]{1,4}[0-9]+"
--   summary_rows { "合计", "总计", "小计" }
--   dates { "Y-M-D", "Y年M月D日" }
--
-- The file runs sandboxed like a rule file.  M.load returns a plain table
-- of strings and numbers (nothing in it runs code), which the core turns
-- into the C vocabulary plugins get (core/domain.c, cwsh_domain in
-- cwsh.h):
--
--   { file, kinds = { {name, aliases, weight, line} ... },
--     results = { pass = {name, aliases, line}, fail = ..., na = ... },
--     units = { {name, suffix} ... },       -- the last has suffix ""
--     item_code, item_code_line, summary = {...}, dates = {...},
--     by_kind = { [name] = kind } }
--
-- Load checks, each refused with rules/domain.lua:LINE: a word that
-- stands for two kinds or two results, a result meaning other than pass,
-- fail, na or one declared twice or missing, no kind, a weight that is
-- not positive, a date form without exactly one Y, M and D, a unit list
-- whose last entry has a suffix.

local M = {}

M.FILE = "domain.lua"
M.MEANINGS = { "pass", "fail", "na" }

local srcpos = require("srcpos")
local fail = srcpos.fail
local function where() local f, l = srcpos.where(3); return f, l end

local function strings(v)
  if v == nil then return {} end
  if type(v) ~= "table" then return nil end
  local out = {}
  for _, s in ipairs(v) do
    if type(s) ~= "string" or s == "" then return nil end
    out[#out + 1] = s
  end
  return out
end

-- The words a sheet may write, folded as the importer compares them
-- (ASCII letters in lower case), to find one word used twice.
local function fold(s) return (s:gsub("%u", string.lower)) end

local function new_api(d)
  local api = {}
  local words = { kind = {}, result = {} }     -- folded word -> "name (line)"

  local function claim(class, word, owner, f, l)
    local k = fold(word)
    local o = words[class][k]
    if o and o.owner ~= owner then
      fail(f, l, "%s word '%s' is already %s (line %d)", class, word, o.owner, o.line)
    end
    words[class][k] = { owner = owner, line = l }
  end

  function api.kind(t)
    local f, l = where()
    if type(t) ~= "table" or type(t[1]) ~= "string" or t[1] == "" then
      fail(f, l, "kind expects { \"督查\", aliases = { ... }, weight = 1 }")
    end
    local name = t[1]
    if d.by_kind[name] then fail(f, l, "kind %s is declared twice (first at line %d)", name, d.by_kind[name].line) end
    local aliases = strings(t.aliases)
    if not aliases then fail(f, l, "kind %s: aliases must be a list of words", name) end
    local w = t.weight == nil and 1 or t.weight
    -- not w > 0: NaN is not <= 0 either; infinity makes weighted means NaN
    if type(w) ~= "number" or not (w > 0) or w == math.huge then fail(f, l, "kind %s: weight must be a positive number", name) end
    claim("kind", name, name, f, l)
    for _, a in ipairs(aliases) do claim("kind", a, name, f, l) end
    local k = { name = name, aliases = aliases, weight = w, line = l }
    d.kinds[#d.kinds + 1] = k
    d.by_kind[name] = k
  end

  function api.result(t)
    local f, l = where()
    if type(t) ~= "table" or type(t[1]) ~= "string" or t[1] == "" then
      fail(f, l, "result expects { \"合格\", means = \"pass\", aliases = { ... } }")
    end
    local name, means = t[1], t.means
    if means ~= "pass" and means ~= "fail" and means ~= "na" then
      fail(f, l, "result %s: means must be \"pass\", \"fail\" or \"na\"", name)
    end
    if d.results[means] then
      fail(f, l, "result %s: %s is already %s (line %d)", name, means, d.results[means].name, d.results[means].line)
    end
    local aliases = strings(t.aliases)
    if not aliases then fail(f, l, "result %s: aliases must be a list of words", name) end
    claim("result", name, name, f, l)
    for _, a in ipairs(aliases) do claim("result", a, name, f, l) end
    d.results[means] = { name = name, aliases = aliases, line = l }
  end

  function api.unit(t)
    local f, l = where()
    if type(t) ~= "table" or type(t[1]) ~= "string" or t[1] == "" then
      fail(f, l, "unit expects { \"分局\", suffix = \"分局\" } (no suffix: any other name)")
    end
    if t.suffix ~= nil and type(t.suffix) ~= "string" then fail(f, l, "unit %s: suffix must be a string", t[1]) end
    d.units[#d.units + 1] = { name = t[1], suffix = t.suffix or "", line = l }
  end

  function api.item_code(s)
    local f, l = where()
    if type(s) ~= "string" or s == "" then fail(f, l, "item_code expects a pattern: item_code \"[A-Z]{1,4}[0-9]+\"") end
    d.item_code, d.item_code_line = s, l
  end

  function api.summary_rows(t)
    local f, l = where()
    local list = strings(t)
    if type(t) ~= "table" or not list then fail(f, l, "summary_rows expects a list of words: summary_rows { \"合计\" }") end
    d.summary = list
  end

  function api.dates(t)
    local f, l = where()
    local list = strings(t)
    if type(t) ~= "table" or not list or #list == 0 then
      fail(f, l, "dates expects a list of forms: dates { \"Y-M-D\", \"Y年M月D日\" }")
    end
    for _, form in ipairs(list) do
      for _, c in ipairs({ "Y", "M", "D" }) do
        local _, n = form:gsub(c, "")
        if n ~= 1 then fail(f, l, "date form '%s' must hold exactly one %s", form, c) end
      end
    end
    d.dates = list
  end

  return api
end

-- Load DIR/domain.lua.  Returns the vocabulary, or nil and "file:line: msg".
function M.load(dir)
  local path = dir .. "/" .. M.FILE
  local fh = io.open(path, "rb")
  if not fh then
    return nil, ("no %s in '%s': the rules need the vocabulary (inspection kinds, result words, ...)"):format(M.FILE, dir)
  end
  fh:close()
  local d = { kinds = {}, by_kind = {}, results = {}, units = {}, summary = {}, dates = {} }
  local ok, err = pcall(function()
    local chunk, lerr, text = cwsh.sandbox_load(path, new_api(d))
    if not chunk then error(lerr, 0) end
    d.text = text                  -- what ran, for the rule set's hash
    local cok, cerr = pcall(cwsh.budget, 1000000, chunk)
    if not cok then error(cerr, 0) end
  end)
  if not ok then return nil, tostring(err) end
  d.file = (path:match("([^/]+/[^/]+)$")) or path
  local f = d.file
  if #d.kinds == 0 then return nil, ("%s: no inspection kind (kind { \"督查\" })"):format(f) end
  for _, m in ipairs(M.MEANINGS) do
    if not d.results[m] then return nil, ("%s: no result word means %s (result { \"...\", means = \"%s\" })"):format(f, m, m) end
  end
  if #d.units == 0 then return nil, ("%s: no unit kind (unit { \"所\" })"):format(f) end
  local last = d.units[#d.units]
  if last.suffix ~= "" then
    return nil, ("%s:%d: the last unit kind must have no suffix (it is the kind of any other station)"):format(f, last.line)
  end
  if not d.item_code then return nil, ("%s: no item_code pattern"):format(f) end
  if #d.dates == 0 then return nil, ("%s: no date forms (dates { \"Y-M-D\" })"):format(f) end
  return d
end

-- The unit kind of a station named `name`: the first whose suffix ends it
-- (as the sqlite store decides for the stations an import adds).
function M.unit_kind(d, name)
  for _, u in ipairs(d.units) do
    if u.suffix == "" or name:sub(-#u.suffix) == u.suffix then return u.name end
  end
end

-- The names of the kinds, in declaration order.
function M.kind_names(d)
  local out = {}
  for _, k in ipairs(d.kinds) do out[#out + 1] = k.name end
  return out
end

return M
