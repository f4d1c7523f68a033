-- events.lua — what the core announces to Lua handlers (the problem
-- ledger opens findings from them):
--
--   import   an import committed: { id, file, inspections = { { id,
--            market_id, date, kind }, ... } }
--   undo     `imports undo` removed one: the same fields, as they were
--
-- Trusted core Lua subscribes with cwsh.on(name, fn); a rules/ file with
-- on(name, fn), which runs sandboxed under the rule budget and belongs to
-- its rule set (`.rules reload` replaces it).  Handlers run after the
-- change is committed, in the order they subscribed; one that fails is
-- reported (a notice naming it) and the others still run: the change
-- stands either way.
--
-- Trusted core Lua whose data must change with the change itself (the
-- ledger withdraws an undone import's findings) subscribes with
-- M.within(name, fn) instead: fn runs inside the change's transaction,
-- before the commit, and an error from it undoes the whole change.  (Run
-- after the commit, a withdrawal that failed or hit the time limit left
-- the import gone and its findings open.)
local M = {}

M.names = { import = true, undo = true }
local handlers = {}
local inside = {}

local function check(name, fn, level)
  if not M.names[name] then
    error(("on: unknown event '%s' (import, undo)"):format(tostring(name)), level)
  end
  if type(fn) ~= "function" then error(("on('%s'): the handler must be a function"):format(name), level) end
end
M.check = check

function M.on(name, fn)
  check(name, fn, 3)
  local list = handlers[name] or {}
  handlers[name] = list
  list[#list + 1] = fn
  return #list
end

function M.within(name, fn)
  check(name, fn, 3)
  local list = inside[name] or {}
  inside[name] = list
  list[#list + 1] = fn
end

-- The M.within handlers of `name`, in the caller's transaction: errors
-- are the caller's.
function M.emit_within(name, ev)
  for _, fn in ipairs(inside[name] or {}) do fn(ev) end
end

-- A trusted handler whose failure is the command's (the ledger could not
-- open an import's findings) raises M.fail(msg): the other handlers still
-- run, the change stands, and M.emit raises msg after them, so that the
-- command fails (a script's -bail stops) instead of going on as if done.
local FAIL = {}
function M.fail(msg) error(setmetatable({ msg = msg }, FAIL), 0) end

function M.emit(name, ev)
  local failed
  for _, fn in ipairs(handlers[name] or {}) do
    local ok, err = pcall(fn, ev)
    if not ok and getmetatable(err) == FAIL then failed = failed or err.msg
    elseif not ok then cwsh.notice(("%s handler failed: %s"):format(name, tostring(err))) end
  end
  local rules = package.loaded.rules
  local set = type(rules) == "table" and rules.current and rules.current()
  for _, h in ipairs(set and set.handlers and set.handlers[name] or {}) do
    local ok, err = pcall(cwsh.budget, rules.BUDGET, h.fn, ev)
    if not ok then       -- named by the handler's line that failed, else where it subscribed
      local msg = tostring(err)
      local file, line, rest = msg:match("^([^\n]-%.lua):(%d+): (.*)$")
      if file ~= h.file then file, line, rest = h.file, h.line, rules.clean(msg, h.file) end
      cwsh.notice(("%s:%s: on('%s') failed: %s"):format(file, line, name, rest))
    end
  end
  if failed then error(failed, 0) end
end

-- Whether any handler, trusted or of the rule set, listens to `name`.
function M.listened(name)
  if handlers[name] and #handlers[name] > 0 then return true end
  local rules = package.loaded.rules
  local set = type(rules) == "table" and rules.current and rules.current()
  return set and set.handlers and set.handlers[name] and #set.handlers[name] > 0 or false
end

-- The event of import `id`, read from the store.  `inspections` is read
-- when a handler first asks for it: the ledger needs only the id, and the
-- table of every inspection of a province import costs tens of MB.
function M.import_event(id)
  local store = require("store")
  local im = store.import_by_id(id)
  return setmetatable({ id = id, file = im and im.file }, { __index = function(t, k)
    if k ~= "inspections" then return nil end
    local v = store.import_inspections(id)
    rawset(t, k, v)
    return v
  end })
end

-- Called by the core (source.c) once an import's load has committed.
function M.imported(id)
  -- Read only for a listener: without one, the table of every inspection
  -- of the import was built for nobody (peak RSS of an import of 5,000 /
  -- 10,000 markets x 52 weeks: 53.6 / 83.0 MB with it, 29.0 / 34.0 MB
  -- without; it also made the import slower than the floor).
  if not M.listened("import") then return end
  local ok, ev = pcall(M.import_event, id)
  if not ok then cwsh.notice("import event: " .. tostring(ev)); return end
  M.emit("import", ev)
end

return M
