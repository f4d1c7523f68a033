-- commands/imports.lua — `imports`: the files imported so far, and taking
-- one back.
--
-- An import is one row of the `import` table; its inspections (and their
-- item results) reference it ON DELETE CASCADE, so removing the row in
-- one transaction removes exactly what that file brought.  Scores stored
-- before stay in `score` until the period is scored again (their rules
-- hash and time say when they were made).

local function count(n)
  local s = tostring(n)
  while true do
    local t, k = s:gsub("^(%d+)(%d%d%d)", "%1,%2")
    s = t
    if k == 0 then return s end
  end
end

local function list()
  local out = { columns = { "id", "file", "mapping", "encoding", "inspections", "rows", "rejected", "imported at" },
    keys = { "id", "file", "mapping", "encoding", "inspections", "rows", "rejected", "imported_at" }, rows = {} }
  for _, r in ipairs(require("store").imports()) do
    out.rows[#out.rows + 1] = { r.id, r.file, r.mapping, r.encoding, r.inspections, r.rows_ok, r.rows_bad, r.imported_at }
  end
  return out
end

local function undo(id)
  local n = math.tointeger(tonumber(id))
  if not n then error(("imports undo: '%s' is not an import id (see `imports`)"):format(tostring(id)), 0) end
  local store = require("store")
  local events = require("events")
  local msg, ev
  store.tx(function()
    local im = store.import_by_id(n)
    if not im then error(("imports undo: there is no import #%d (see `imports`)"):format(n), 0) end
    ev = events.import_event(n)          -- what it brought, before it goes
    local _ = ev.inspections             -- (read lazily: read it now)
    local insp, res = store.delete_import(n)
    msg = ("removed import #%d (%s): %s inspection%s, %s item result%s"):format(n, im.file, count(insp),
      insp == 1 and "" or "s", count(res), res == 1 and "" or "s")
    events.emit_within("undo", ev)       -- the ledger's withdrawals: all or nothing with the rows
  end)
  events.emit("undo", ev)                -- committed: handlers see it gone
  return msg
end

cwsh.command {
  name = "imports",
  usage = "imports [undo ID]",
  help = "list the imported files (id, file, mapping, encoding, inspections, rows); `undo ID` removes one import and everything it brought, in one transaction\n"
    .. [[
Scores stored before stay in the score table until their period is scored again.
examples:
  imports
  imports undo 3]],
  complete = function(words, word)      -- words: "imports" and the words before this one
    if #words == 1 then return { "undo" } end
    local out = {}
    if #words == 2 and words[2] == "undo" and db then
      local ok, ids = pcall(function() return require("store").import_ids() end)
      if ok then out = ids end
    end
    return out
  end,
  run = function(args)
    if not db then error("no database: the sqlite plugin is not loaded", 0) end
    if #args == 0 then return list() end
    if args[1] == "undo" and #args == 2 then return undo(args[2]) end
    error("usage: imports [undo ID]", 0)
  end,
}
