-- cmdargs.lua — the options among a Lua command's words.
--
-- parse(args, known [, name [, usage]]) -> options, positional words.
-- `known` maps an option to "flag" (true when given), "value" (the next
-- word) or "list" (the next word, each time it is given: a list).  A word starting with "--" that is not known is an error, and so
-- is a value option at the end; the message starts with "NAME: " when a
-- name is given and ends with " (usage: USAGE)" when a usage is.

local M = {}

function M.parse(args, known, name, usage)
  local function fail(fmt, a)
    local msg = fmt:format(a)
    if name then msg = name .. ": " .. msg end
    if usage then msg = msg .. " (usage: " .. usage .. ")" end
    error(msg, 0)
  end
  local o, pos, i = {}, {}, 1
  while i <= #args do
    local a = args[i]
    if known[a] == "flag" then o[a] = true
    elseif known[a] == "value" then
      if args[i + 1] == nil then fail("%s needs a value", a) end
      o[a] = args[i + 1]; i = i + 1
    elseif known[a] == "list" then
      if args[i + 1] == nil then fail("%s needs a value", a) end
      o[a] = o[a] or {}
      table.insert(o[a], args[i + 1]); i = i + 1
    elseif a:match("^%-%-") then fail("unknown option '%s'", a)
    else pos[#pos + 1] = a end
    i = i + 1
  end
  return o, pos
end

return M
