-- commands/whatif.lua — `whatif RULES_DIR [PERIOD]`: the ranking under
-- another rule set beside the current one.  Owner: engine helper.
--
-- The other set is loaded and checked like the active one but not
-- activated and not written into the store; nothing is stored.

local engine = require("engine")
local rules = require("rules")

local function delta(a, b) if a == b then return "" end return ("%s→%s"):format(a, b) end

cwsh.command {
  name = "whatif",
  usage = "whatif RULES_DIR [PERIOD]",
  help = "score a period under another rule set and show rank, grade and tier changes against the current rules\n"
    .. "RULES_DIR holds a whole rule set (copy rules/ and edit it); nothing is stored.\n"
    .. require("engine_period").HELP .. [[

examples:
  whatif draft 2027-03
  whatif draft 2027-Q1]],
  complete = function(words)         -- RULES_DIR is a directory, then a period
    if #words == 1 then return "files" end
    if #words == 2 and cwsh.completers then return cwsh.completers.periods() end
    return {}
  end,
  run = function(args)
    if #args < 1 or #args > 2 then error("usage: whatif RULES_DIR [PERIOD]", 0) end
    local cur = engine.current_set()
    local other, err = rules.load((args[1]:gsub("/+$", "")))
    if not other then error(("whatif: rules in '%s' not loaded: %s"):format(args[1], err), 0) end
    local p = engine.parse_period(args[2])
    local a = engine.score_period(p, cur)
    local b = engine.score_period(p, other)
    if #a == 0 then engine.no_inspections(p) end
    local after = {}
    for _, r in ipairs(b) do after[r.market_id] = r end
    local out = { columns = { "code", "market", "rank", "new rank", "move", "score", "new score", "grade", "tier" },
      keys = { "code", "market", "rank", "new_rank", "move", "score", "new_score", "grade", "tier" },
      formats = { [5] = "%+d", [6] = "%.1f", [7] = "%.1f" }, rows = {} }
    local ngrade, ntier, nrank, big = 0, 0, 0, nil
    for _, r in ipairs(a) do
      local n = after[r.market_id]
      local move = r.rank - n.rank
      if r.grade ~= n.grade then ngrade = ngrade + 1 end
      if r.tier ~= n.tier then ntier = ntier + 1 end
      if move ~= 0 then nrank = nrank + 1 end
      if move ~= 0 and (not big or math.abs(move) > math.abs(big.move)) then
        big = { name = ("%s (%s)"):format(r.name, r.code), from = r.rank, to = n.rank, move = move }
      end
      if move ~= 0 or r.grade ~= n.grade or r.tier ~= n.tier or math.abs(r.score - n.score) > 1e-9 then
        out.rows[#out.rows + 1] = { r.code, r.name, r.rank, n.rank, move ~= 0 and move or cwsh.null,
          r.score, n.score, delta(r.grade, n.grade), delta(r.tier, n.tier) }
      end
    end
    table.sort(out.rows, function(x, y) if x[4] ~= y[4] then return x[4] < y[4] end return x[1] < y[1] end)
    local summary = ("%s: %s (%s) → %s (%s): markets changing rank: %d  grade: %d  tier: %d  largest rank move: %s"):format(
      p.name, cur.name, cur.hash:sub(1, 7), other.name, other.hash:sub(1, 7), nrank, ngrade, ntier,
      big and ("%s %d → %d"):format(big.name, big.from, big.to) or "none")
    local _, data = cwsh.mode()
    if #out.rows == 0 and not data then return summary .. "\nno market's score changes" end
    cwsh.render(out)
    return summary
  end,
}
