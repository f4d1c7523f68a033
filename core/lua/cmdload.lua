-- cmdload.lua — the domain commands (commands/*.lua) load at their first
-- use, not at start-up: compiling every module (and what each requires:
-- targets, schedule, calendar, the store layer ...) was most of the
-- start-up time.
--
-- command_index.lua lists each command's module, usage and summary (the
-- first line of its help), so that `.help` and completion know every
-- command without compiling its module.  Each indexed command is
-- registered as a stub carrying those; reading its run, complete or help
-- loads the module, whose cwsh.command{} replaces the stub in
-- cwsh.commands (the stub forwards to it for whoever still holds it).
-- A module the index does not name is loaded at start-up as before, so a
-- new module works at once; `= require("cmdload").verify()` (a
-- transcript runs it) says what the index lacks or has wrong, and
-- index_text() writes the index anew:
--   build/cwsh -c "lua io.write(require('cmdload').index_text())" >index.tmp && mv index.tmp core/lua/command_index.lua

local M = {}

local DIR = cwsh.lua_dir .. "/commands"

-- module name -> true once run, LOADING while it runs, or the error it
-- failed with
local loaded = {}
local LOADING = {}

local run_module

-- Whether a run_module(mod) below the caller's is on the stack.  A load
-- Ctrl-C stopped leaves LOADING behind (the interrupt raises at every
-- instruction, so nothing after the load's pcall runs): marked loaded,
-- the module's commands stayed stubs that failed until the restart.
-- Without a load of it on the stack, LOADING means that, and the module
-- is loaded again.
local function loading_now(mod)
  for level = 3, 1000 do
    local info = debug.getinfo(level, "f")
    if not info then return false end
    if info.func == run_module and select(2, debug.getlocal(level, 1)) == mod then return true end
  end
  return false
end

function run_module(mod)
  local state = loaded[mod]
  if state == true then return end
  if state == LOADING then
    if loading_now(mod) then error(("commands/%s.lua uses its own commands while it loads"):format(mod), 0) end
  elseif state ~= nil then
    error(state, 0)
  end
  local chunk, err = loadfile(DIR .. "/" .. mod .. ".lua", "t")
  if not chunk then loaded[mod] = tostring(err); error(loaded[mod], 0) end
  loaded[mod] = LOADING
  -- the core's code, compiled at its first use: not under the limits of
  -- the command that happened to reach it (cwsh.trusted)
  local ok, e = pcall(cwsh.trusted, chunk)
  if not ok then
    -- stopped (Ctrl-C), not broken: the next use loads it again
    loaded[mod] = not tostring(e):match("interrupted$") and tostring(e) or nil
    error(e, 0)
  end
  loaded[mod] = true
end

-- The fields a stub answers by loading its module; the others (owner, c,
-- files ...) it answers from what the index gave, so that the core's
-- look-ups of them (a plugin withdrawn, a command run) load nothing.
local LAZY = { run = true, complete = true, help = true }

local function stub(e)
  local real
  local t = { name = e.name, usage = e.usage, summary = e.summary, files = e.files }
  return setmetatable(t, { __index = function(_, k)
    if not LAZY[k] then return real and real[k] end
    if not real then
      run_module(e.module)
      local r = rawget(cwsh.commands, e.name)
      if r == nil or r == t then
        error(("commands/%s.lua does not register the command '%s' (core/lua/command_index.lua says it does)"):format(
          e.module, e.name), 0)
      end
      if e.files and r.files == nil then r.files = true end
      real = r
    end
    return real[k]
  end })
end

-- Register the indexed commands as stubs and run the modules the index
-- does not name; a failing module is reported and the shell starts
-- without it.
function M.start()
  local ok, index = pcall(require, "command_index")
  if ok and type(index) ~= "table" then ok, index = false, "core/lua/command_index.lua returns no table" end
  if not ok then cwsh.notice(tostring(index)); index = {} end
  local indexed = {}
  for _, e in ipairs(index) do
    indexed[e.module] = true
    if rawget(cwsh.commands, e.name) == nil then cwsh.commands[e.name] = stub(e) end
  end
  for _, f in ipairs(cwsh.listdir(DIR) or {}) do
    local mod = f:match("^(.+)%.lua$")
    if mod and not indexed[mod] then
      local ok2, err = pcall(run_module, mod)
      if not ok2 then cwsh.notice(err) end
    end
  end
end

-- What the modules register: { module, name, usage, summary, files } by
-- module then name.  cwsh.command is wrapped meanwhile to learn which
-- module registers which command.
local function registered()
  local out, current = {}, nil
  local command = cwsh.command
  cwsh.command = function(t)
    command(t)
    local help = t.help or ""
    out[#out + 1] = { module = current, name = t.name, usage = t.usage or t.name,
      summary = help:match("^[^\n]*"), files = t.files or nil }
  end
  local errs = {}
  for _, f in ipairs(cwsh.listdir(DIR) or {}) do
    local mod = f:match("^(.+)%.lua$")
    if mod then
      current = mod
      local chunk, err = loadfile(DIR .. "/" .. f, "t")
      local ok, e = chunk ~= nil, err
      if chunk then ok, e = pcall(chunk) end
      if not ok then errs[#errs + 1] = tostring(e) end
      loaded[mod] = true
    end
  end
  cwsh.command = command
  table.sort(out, function(a, b)
    if a.module ~= b.module then return a.module < b.module end
    return a.name < b.name
  end)
  return out, errs
end

local function q(s) return ("%q"):format(s):gsub("\\\n", "\\n") end

-- The text of command_index.lua from what the modules register now.
function M.index_text()
  local list, errs = registered()
  if #errs > 0 then error(table.concat(errs, "\n"), 0) end
  local L = { "-- command_index.lua — each domain command's module, usage and summary (the first",
    "-- line of its help), read at start-up instead of compiling the modules (cmdload.lua).",
    "-- Generated (a file of its own first: cwsh reads this one at start-up):",
    "--   build/cwsh -c \"lua io.write(require('cmdload').index_text())\" >index.tmp && mv index.tmp core/lua/command_index.lua",
    "return {" }
  for _, e in ipairs(list) do
    L[#L + 1] = ("  { module = %s, name = %s,%s"):format(q(e.module), q(e.name), e.files and " files = true," or "")
    L[#L + 1] = ("    usage = %s,"):format(q(e.usage))
    L[#L + 1] = ("    summary = %s },"):format(q(e.summary))
  end
  L[#L + 1] = "}"
  return table.concat(L, "\n") .. "\n"
end

-- "command index: N commands of M modules agree" or what disagrees: a
-- module or command missing from the index, a usage or summary that is
-- not the module's.
function M.verify()
  local list, errs = registered()
  local index = require("command_index")
  local by = {}
  for _, e in ipairs(index) do by[e.name] = e end
  local bad, mods, seen = {}, {}, {}
  for _, e in ipairs(errs) do bad[#bad + 1] = e end
  for _, e in ipairs(list) do
    mods[e.module] = true
    seen[e.name] = true
    local x = by[e.name]
    if not x then
      bad[#bad + 1] = ("%s (commands/%s.lua) is not in command_index.lua"):format(e.name, e.module)
    else
      for _, k in ipairs({ "module", "usage", "summary" }) do
        if x[k] ~= e[k] then bad[#bad + 1] = ("%s: the index's %s is not the module's"):format(e.name, k) end
      end
      if (x.files or false) ~= (e.files or false) then bad[#bad + 1] = e.name .. ": the index's files is not the module's" end
    end
  end
  for _, e in ipairs(index) do
    if not seen[e.name] then bad[#bad + 1] = ("%s is in command_index.lua but no module registers it"):format(e.name) end
  end
  if #bad > 0 then
    bad[#bad + 1] = "regenerate it: build/cwsh -c \"lua io.write(require('cmdload').index_text())\" >index.tmp"
      .. " && mv index.tmp core/lua/command_index.lua"
    return table.concat(bad, "\n")
  end
  local n = 0
  for _ in pairs(mods) do n = n + 1 end
  return ("command index: %d commands of %d modules agree"):format(#list, n)
end


return M
