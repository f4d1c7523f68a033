-- commands/test.lua — `test [DIR] [--run PATTERN]` (also `cwsh test` on the
-- command line): run the rule unit tests.  Owner: engine helper.

local engine = require("engine")
local runner = require("engine_test")

cwsh.command {
  name = "test",
  usage = "test [DIR] [--run PATTERN]",
  help = "run the rule tests in DIR (default: the rules' tests/) with a coverage report; fails when a test fails\n"
    .. [[
  --run PATTERN   only the cases whose name matches (a Lua pattern or plain text)
examples:
  test
  test draft/tests --run 否决
  cwsh test            (from the command line; exit code 1 when a test fails)]],
  files = true,
  complete = function(words, word)
    if words[#words] == "--run" then return {} end
    if word:match("^%-") then return { "--run" } end
    return "files"
  end,
  run = function(args)
    local dir, pattern
    local i = 1
    while i <= #args do
      if args[i] == "--run" then
        pattern = args[i + 1]
        if not pattern then error("--run needs a pattern", 0) end
        i = i + 1
      elseif args[i]:match("^%-%-") then error(("test: unknown option '%s'"):format(args[i]), 0)
      elseif dir then error("usage: test [DIR] [--run PATTERN]", 0)
      else dir = args[i] end
      i = i + 1
    end
    dir = (dir or (cwsh.rules_dir .. "/tests")):gsub("/+$", "")
    local set = engine.current_set()
    local report, ok, n = runner.run(set, dir, pattern)
    if n == 0 then error(("no rule tests in '%s'%s"):format(dir, pattern and (" matching '" .. pattern .. "'") or ""), 0) end
    if not ok then error(report, 0) end
    return report
  end,
}
