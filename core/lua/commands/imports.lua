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
    rows = {} }
  for r in db.query([[SELECT im.id, im.file, im.mapping, im.encoding, im.rows_ok, im.rows_bad, im.imported_at,
        (SELECT count(*) FROM inspection i WHERE i.import_id = im.id) AS n
      FROM import im ORDER BY im.id]]) do
    out.rows[#out.rows + 1] = { r.id, r.file, r.mapping, r.encoding, r.n, r.rows_ok, r.rows_bad, r.imported_at }
  end
  return out
end

local function undo(id)
  local n = math.tointeger(tonumber(id))
  if not n then error(("imports undo: '%s' is not an import id (see `imports`)"):format(tostring(id)), 0) end
  local msg
  db.tx(function()
    local im = db.one("SELECT id, file FROM import WHERE id = ?", n)
    if not im then error(("imports undo: there is no import #%d (see `imports`)"):format(n), 0) end
    local c = db.one([[SELECT count(DISTINCT i.id) AS insp, count(r.inspection_id) AS res
      FROM inspection i LEFT JOIN result r ON r.inspection_id = i.id WHERE i.import_id = ?]], n)
    db.exec("DELETE FROM import WHERE id = ?", n)
    msg = ("removed import #%d (%s): %s inspection%s, %s item result%s"):format(n, im.file, count(c.insp),
      c.insp == 1 and "" or "s", count(c.res), c.res == 1 and "" or "s")
  end)
  return msg
end

cwsh.command {
  name = "imports",
  usage = "imports [undo ID]",
  help = "list the imported files (id, file, mapping, encoding, inspections, rows); `undo ID` removes one import and everything it brought, in one transaction",
  complete = function(args, word)
    if #args <= 1 then return { "undo" } end
    local out = {}
    if args[1] == "undo" and db then
      pcall(function() for r in db.query("SELECT id FROM import ORDER BY id") do out[#out + 1] = tostring(r.id) end end)
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
