-- notice_template.lua — loads the notice template, rules/reports/notice.lua:
-- which sections the bimonthly notice (督查通报) has, in which order, their
-- headings and wording.  Analysts edit it; it runs sandboxed like a rule
-- file (cwsh.sandbox_load, an instruction budget), and a bad declaration
-- is refused with its FILE:LINE.
--
-- The template's words:
--   title "…"  issuer "…"  number "…"  intro "…"  closing "…"  signoff "…"
--   options { sharp = 3, chart_max = 60, items = 10, problems_per_market = 5,
--             html_ranking = 500, html_problem_markets = 100 }   (0: no cap)
--   section { "KIND", "heading", text = "…" | function(f) … end, none = "…" }
-- Texts are strings with {name} placeholders filled from the section's
-- figures, or functions that receive the figures and return the text.

local srcpos = require("srcpos")
local fail = srcpos.fail

local M = {}
M.FILE = "reports/notice.lua"
M.BUDGET = 1000000

-- The section kinds the notice knows how to build (core/lua/notice.lua).
M.KINDS = { "summary", "ranking", "movers", "stations", "trend", "items", "key", "ledger", "meetings", "problems" }
local KNOWN = {}
for _, k in ipairs(M.KINDS) do KNOWN[k] = true end

local OPTIONS = { sharp = "number", chart_max = "integer", items = "integer", problems_per_market = "integer",
  html_ranking = "integer", html_problem_markets = "integer" }
M.DEFAULTS = { sharp = 3, chart_max = 60, items = 10, problems_per_market = 5, html_ranking = 500,
  html_problem_markets = 100 }

local function where() local f, l = srcpos.where(3); return f, l end

local function text_ok(v) return type(v) == "string" or type(v) == "function" end

local function new_api(t)
  local api = {}
  for _, k in ipairs({ "title", "issuer", "number", "intro", "closing", "signoff" }) do
    api[k] = function(v)
      local f, l = where()
      if not text_ok(v) then fail(f, l, "%s expects a text (a string, or a function returning one)", k) end
      if t.texts[k] then fail(f, l, "%s is declared twice (first at line %d)", k, t.at[k]) end
      t.texts[k], t.at[k] = v, l
    end
  end
  function api.options(o)
    local f, l = where()
    if type(o) ~= "table" then fail(f, l, "options expects a table: options { sharp = 3 }") end
    for k, v in pairs(o) do
      local want = OPTIONS[k]
      if not want then
        local names = {}
        for n in pairs(OPTIONS) do names[#names + 1] = n end
        table.sort(names)
        fail(f, l, "options: unknown option '%s' (known: %s)", tostring(k), table.concat(names, ", "))
      end
      if type(v) ~= "number" or v < 0 or (want == "integer" and math.type(v) ~= "integer") then
        fail(f, l, "options: %s must be a %s ≥ 0, not %s", k, want == "integer" and "whole number" or "number", tostring(v))
      end
      t.options[k] = v
    end
  end
  function api.section(s)
    local f, l = where()
    if type(s) ~= "table" or type(s[1]) ~= "string" then
      fail(f, l, "section expects a table with its kind first: section { \"ranking\", \"二、市场排名\" }")
    end
    local kind = s[1]
    if not KNOWN[kind] then
      fail(f, l, "section: unknown kind '%s' (known: %s)", kind, table.concat(M.KINDS, ", "))
    end
    if t.by_kind[kind] then fail(f, l, "section '%s' is declared twice (first at line %d)", kind, t.by_kind[kind].line) end
    if type(s[2]) ~= "string" or s[2] == "" then fail(f, l, "section '%s' needs a heading: section { \"%s\", \"标题\" }", kind, kind) end
    for _, k in ipairs({ "text", "none" }) do
      if s[k] ~= nil and not text_ok(s[k]) then fail(f, l, "section '%s': %s must be a string or a function", kind, k) end
    end
    local sec = { kind = kind, heading = s[2], text = s.text, none = s.none, line = l }
    t.by_kind[kind] = sec
    t.sections[#t.sections + 1] = sec
  end
  return api
end

-- Load the template (default: RULES_DIR/reports/notice.lua).  Returns
-- { texts, at, options, sections, by_kind, file } or raises "file:line: why".
function M.load(path)
  path = path or ((cwsh.rules_dir or "rules") .. "/" .. M.FILE)
  local t = { texts = {}, at = {}, options = {}, sections = {}, by_kind = {} }
  for k, v in pairs(M.DEFAULTS) do t.options[k] = v end
  local chunk, err = cwsh.sandbox_load(path, new_api(t))
  if not chunk then error(err, 0) end
  t.file = require("rules").short(path)
  local ok, e = pcall(cwsh.budget, M.BUDGET, chunk)
  if not ok then
    e = tostring(e)
    if not e:match("%.lua:%d+: ") then e = t.file .. ": " .. e end
    error(e, 0)
  end
  if #t.sections == 0 then error(t.file .. ": the template declares no section", 0) end
  return t
end

-- A text of the template filled in with figures `f`: {name} placeholders
-- from f (numbers as f.fmt[name] or as they are), or a function's answer.
-- `line` names the declaration in errors.
function M.fill(t, v, f, line)
  if v == nil then return nil end
  if type(v) == "function" then
    local ok, r = pcall(cwsh.budget, M.BUDGET, v, f)
    if not ok then error(require("rules").clean(r, t.file), 0) end
    if type(r) ~= "string" then
      error(("%s:%d: the text function returned %s, not a string"):format(t.file, line, type(r)), 0)
    end
    return r
  end
  return (v:gsub("{([%w_]+)}", function(name)
    local x = f[name]
    if x == nil then
      local names = {}
      for k in pairs(f) do if type(k) == "string" and k ~= "fmt" then names[#names + 1] = k end end
      table.sort(names)
      error(("%s:%d: unknown placeholder {%s} (this text knows: %s)"):format(t.file, line, name,
        table.concat(names, ", ")), 0)
    end
    if type(x) == "number" and f.fmt and f.fmt[name] then return f.fmt[name]:format(x) end
    return tostring(x)
  end))
end

return M
