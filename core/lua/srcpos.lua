-- srcpos.lua — where a declaration stands in the rule file that made it,
-- and the error that names that place.  Shared by the loaders of
-- declaration files (domain, calendar, schedule, rules).

local M = {}

-- File and line of the function `level` frames up from where()'s caller
-- (1 = the caller itself), as debug.getinfo counts them.  Callers must not
-- tail-call it: a tail call drops their frame from the count.
-- A C frame there (the rule called the declaration through pcall or
-- another C function) has no line: the Lua frame above it, the rule's
-- call, is named instead.
function M.where(level)
  local info = debug.getinfo(level + 1, "Sl")
  while info and info.what == "C" do
    level = level + 1
    info = debug.getinfo(level + 1, "Sl")
  end
  local src = info and info.source or "?"
  return (src:gsub("^@", "")), info and info.currentline or 0
end

-- The name a rule file's messages use: "rules/x.lua" under the rules
-- directory (as cwsh.sandbox_load names its chunks), else the path.  Here
-- and not in rules.lua: the calendar needs it while rules.lua is still
-- loading the start-up rule set (a rule calling calendar.kind).
function M.short(path)
  local d = cwsh.rules_dir or ""
  if d ~= "" and path:sub(1, #d + 1) == d .. "/" then
    return (d:match("([^/]+)/*$") or d) .. path:sub(#d + 1)
  end
  return path
end

-- The names the rule set offers the other files of the rules directory
-- (rules.names), or nil: no set loaded, or the rules module is a test's
-- stand-in without them.
function M.rule_names(set)
  local rules = package.loaded.rules
  return type(rules) == "table" and rules.names and rules.names(set) or nil
end

function M.fail(file, line, fmt, ...)
  error(("%s:%d: " .. fmt):format(file, line, ...), 0)
end

return M
