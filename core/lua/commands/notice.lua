-- commands/notice.lua — `notice PERIOD`: the bimonthly supervision notice
-- (督查通报) in HTML (one self-contained file that prints on A4), Markdown,
-- CSV or xlsx.  What it says is core/lua/notice.lua's, laid out by the
-- template rules/reports/notice.lua; md and csv are the core's document
-- formats, xlsx the xlsx plugin's.

local cmdargs = require("cmdargs")

local USAGE = "notice PERIOD [-o FILE] [--format html|md|csv|xlsx] [--date YYYY-MM-DD] [--template FILE]"
local FORMATS = { html = true, md = true, csv = true, xlsx = true }
local EXT = { html = "html", htm = "html", md = "md", csv = "csv", xlsx = "xlsx" }

local function fail(fmt, ...) error("notice: " .. fmt:format(...), 0) end

-- md and csv for stdout: the document format writes a file; read it back.
local function document_text(sets, format)
  local tmp = os.tmpname()
  local ok, err = pcall(cwsh.write_document, tmp, sets, format)
  local text
  if ok then
    local f, oerr = io.open(tmp, "rb")
    if f then
      text, oerr = f:read("a")
      f:close()
    end
    -- (an open or a read that fails is an error, not an empty notice)
    if not text then ok, err = false, ("notice: cannot read back the %s text: %s"):format(format, tostring(oerr)) end
  end
  os.remove(tmp)
  if not ok then error(err, 0) end
  return text
end

-- a temporary beside the file, renamed when whole (cwsh.write_file): a
-- full disk leaves the earlier notice as it was, never half of a new one
local function write_file(path, text)
  local ok, err = pcall(cwsh.write_file, path, text)
  if not ok then fail("%s", tostring(err)) end
end

cwsh.command {
  name = "notice",
  usage = USAGE,
  help = "the bimonthly supervision notice (督查通报) of a period, as the template rules/reports/notice.lua lays it out\n"
    .. require("engine_period").HELP:gsub("without one, the latest month with inspections%.", "") .. [[
  2027-02..2027-03         whole months (titled 2027年2—3月)

  -o FILE            write to FILE (the format from its extension: .html .md .csv .xlsx); else stdout
  --format F         html (default), md, csv or xlsx (xlsx needs -o)
  --date YYYY-MM-DD  the date the notice is issued (default: today), not before the period's end:
                     the ledger's figures are those of that day
  --template FILE    another template than rules/reports/notice.lua (a draft to try)
The HTML is one file (inline CSS and SVG charts, no script, nothing fetched) that prints on A4 with
page numbers; Chinese text needs a CJK font (Debian: fonts-noto-cjk).
examples:
  notice 2027-B1 -o 通报-2027-B1.html
  notice 2027-01..2027-02 --format md
  notice 2027-B3 -o 通报.xlsx]],
  complete = function(words, word)
    if words[#words] == "-o" or words[#words] == "--template" then return "files" end
    if words[#words] == "--format" then return { "html", "md", "csv", "xlsx" } end
    if word:match("^%-") then return { "-o", "--format", "--date", "--template" } end
    return cwsh.completers and cwsh.completers.periods and cwsh.completers.periods() or {}
  end,
  run = function(args)
    local o, pos = cmdargs.parse(args, { ["-o"] = "value", ["--format"] = "value", ["--date"] = "value",
      ["--template"] = "value" }, "notice", USAGE)
    if #pos ~= 1 then fail("give one period (usage: %s)", USAGE) end
    local file, format = o["-o"], o["--format"]
    if format and not FORMATS[format] then fail("unknown format '%s' (html, md, csv, xlsx)", format) end
    if not format and file then
      -- a file named .pdf or .docx must not quietly get html inside
      local ext = file:match("%.([^./]+)$")
      format = ext and EXT[ext:lower()]
      if ext and not format then
        fail("cannot tell a format from '.%s' (.html .md .csv .xlsx): give --format or another name", ext)
      end
    end
    format = format or "html"
    if format == "xlsx" and not file then fail("xlsx is a binary file: give -o FILE.xlsx") end
    if o["--date"] and not require("calendar").parse(o["--date"]) then
      fail("--date '%s' is not a date (YYYY-MM-DD)", o["--date"])
    end
    local period = pos[1]
    -- 2027-01..2027-02: whole months; two that make a bimonth are that
    -- bimonth (2027-B1), others a range of days
    local y1, m1, y2, m2 = period:match("^(%d%d%d%d)%-(%d%d)%.%.(%d%d%d%d)%-(%d%d)$")
    y1, m1, y2, m2 = tonumber(y1), tonumber(m1), tonumber(y2), tonumber(m2)
    if y1 and m1 >= 1 and m1 <= 12 and m2 >= 1 and m2 <= 12 then
      if y1 == y2 and m1 % 2 == 1 and m2 == m1 + 1 then period = ("%d-B%d"):format(y1, (m1 + 1) // 2)
      else period = ("%04d-%02d-01..%04d-%02d-%02d"):format(y1, m1, y2, m2, require("calendar").month_days(y2, m2)) end
    end
    local doc = require("notice").build(period, { date = o["--date"], template = o["--template"] })
    local n = #doc.sections
    if format == "html" then
      local text = require("notice_html").render(doc)
      -- (on the output in every mode: the notice is what was asked for,
      -- not a message for people, which a data mode sends to stderr)
      if not file then return { document = text } end
      write_file(file, text)
    elseif not file then
      return { document = document_text(require("notice").sets(doc), format) }
    else
      cwsh.write_document(file, require("notice").sets(doc, { sheets = format == "xlsx" }), format)
    end
    cwsh.notice(("wrote the notice of %s to '%s' (%s, %d sections)"):format(doc.period.name, file, format, n))
  end,
}
