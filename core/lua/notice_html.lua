-- notice_html.lua — the notice (notice.lua's doc) as one self-contained
-- HTML file: inline CSS and SVG, no script, nothing fetched, simplified
-- Chinese.  Printed from a browser it is A4 portrait with 第N页 共M页 in
-- the page's bottom margin box (@page margin boxes: Chromium 131 and
-- later), table headers repeating on every page, no chart or table row
-- split across pages and colours printed as they are
-- (print-color-adjust: exact).

local chart = require("chart")
local esc = chart.escape

local M = {}

local CSS = [[
@page { size: A4 portrait; margin: 18mm 16mm 20mm 16mm;
  @bottom-center { content: "第" counter(page) "页 共" counter(pages) "页"; font-size: 9pt; color: #333;
    font-family: FONTS; } }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; box-sizing: border-box; }
html { font-family: FONTS; font-size: 10.5pt; line-height: 1.6; color: #000; }
body { margin: 0 auto; max-width: 178mm; padding: 0 2mm; }
header.red { text-align: center; border-bottom: 2.5pt solid #c00000; padding-bottom: 3mm; margin-bottom: 5mm; }
header.red .issuer { color: #c00000; font-size: 20pt; font-weight: bold; letter-spacing: 2pt; }
header.red .number { font-size: 10.5pt; margin-top: 2mm; }
h1 { font-size: 16pt; text-align: center; margin: 4mm 0 3mm; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; break-after: avoid; page-break-after: avoid; }
p { margin: 1.5mm 0; text-indent: 2em; }
p.meta { text-indent: 0; text-align: center; color: #333; }
p.note { color: #444; font-size: 9pt; }
.figures { display: flex; flex-wrap: wrap; gap: 2mm; margin: 3mm 0; break-inside: avoid; }
.figures div { flex: 1 1 30mm; border: 0.6pt solid #999; padding: 2mm; text-align: center; background: #f3f6fa; }
.figures b { display: block; font-size: 15pt; }
.figures span { font-size: 9pt; color: #333; }
figure { margin: 3mm 0; break-inside: avoid; page-break-inside: avoid; text-align: center; }
figure svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 3mm; font-size: 9pt; }
caption { font-weight: bold; text-align: left; padding: 1mm 0; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 0.5pt solid #777; padding: 0.8mm 1.5mm; vertical-align: top; white-space: nowrap; }
td.wrap { white-space: normal; }
.s-problems table, .s-key table { font-size: 8pt; }
.s-problems td { white-space: normal; }
.s-problems td.d, .s-problems td.s { white-space: nowrap; }
th { background: #dde5ef; font-weight: bold; }
td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.t-下游 td, td.bad { color: #a50021; }
td.g-优秀 { color: #2e7d32; } td.g-不合格 { color: #c62828; font-weight: bold; }
tr.gap td { text-align: center; color: #555; }
.empty { color: #666; border: 0.6pt dashed #999; padding: 2mm; text-indent: 0; }
footer { margin-top: 8mm; text-align: right; break-inside: avoid; }
@media screen { body { padding: 6mm; } }
]]

local function cell(set, j, v)
  if v == nil or v == cwsh.null then return "<td></td>" end
  if type(v) == "number" then
    local f = set.formats and set.formats[j]
    local s
    if f then s = f:format(v)
    elseif math.type(v) == "integer" then s = tostring(v)
    else s = ("%.2f"):format(v) end
    return '<td class="n">' .. esc(s) .. "</td>"
  end
  local col = set.keys and set.keys[j]
  if col == "grade" then return ('<td class="g-%s">%s</td>'):format(esc(v), esc(v)) end
  -- names, dates and codes stay on one line; a description may wrap
  if v:match("^%d%d%d%d%-%d%d%-%d%d$") then return '<td class="d">' .. esc(v) .. "</td>" end
  local em = chart.text_em(v)
  if em > 12 then return '<td class="wrap">' .. esc(v) .. "</td>" end
  if em <= 4 then return '<td class="s">' .. esc(v) .. "</td>" end
  return "<td>" .. esc(v) .. "</td>"
end

-- A table; set.print = { rows = { index... }, gap, note } prints only
-- those rows (a gap row where rows are left out, the note above it).
local function table_html(out, set)
  local pr = set.print
  if pr and pr.note then out[#out + 1] = '<p class="note">' .. esc(pr.note) .. "</p>" end
  out[#out + 1] = "<table>"
  if set.title then out[#out + 1] = "<caption>" .. esc(set.title) .. "</caption>" end
  out[#out + 1] = "<thead><tr>"
  for _, c in ipairs(set.columns) do out[#out + 1] = "<th>" .. esc(c) .. "</th>" end
  out[#out + 1] = "</tr></thead><tbody>"
  local tier_col
  for j, k in ipairs(set.keys or {}) do if k == "tier" then tier_col = j end end
  local idx = pr and pr.rows
  local last = 0
  for n = 1, idx and #idx or #set.rows do
    local i = idx and idx[n] or n
    if pr and pr.gap and i > last + 1 and last > 0 then
      out[#out + 1] = ('<tr class="gap"><td colspan="%d">%s</td></tr>'):format(#set.columns, esc(pr.gap))
    end
    last = i
    local r = set.rows[i]
    local tier = tier_col and r[tier_col]
    out[#out + 1] = type(tier) == "string" and ('<tr class="t-%s">'):format(esc(tier)) or "<tr>"
    for j = 1, #set.columns do out[#out + 1] = cell(set, j, r[j]) end
    out[#out + 1] = "</tr>"
  end
  out[#out + 1] = "</tbody></table>"
end

-- The summary's figures as boxes above its text.
local function figures(out, set)
  local r = set.rows[1]
  out[#out + 1] = '<div class="figures">'
  for j, c in ipairs(set.columns) do
    local v = r[j]
    local s = "—"
    if type(v) == "number" then
      local f = set.formats and set.formats[j]
      s = f and f:format(v) or tostring(v)
    end
    out[#out + 1] = ("<div><b>%s</b><span>%s</span></div>"):format(esc(s), esc(c))
  end
  out[#out + 1] = "</div>"
end

function M.render(doc)
  local t = doc.texts
  local out = { "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">",
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
    "<title>" .. esc(t.title or "督查通报") .. "</title>",
    "<style>" .. CSS:gsub("FONTS", function() return chart.FONTS end) .. "</style></head><body>" }
  out[#out + 1] = '<header class="red">'
  if t.issuer then out[#out + 1] = '<div class="issuer">' .. esc(t.issuer) .. "</div>" end
  if t.number then out[#out + 1] = '<div class="number">' .. esc(t.number) .. "</div>" end
  out[#out + 1] = "</header>"
  if t.title then out[#out + 1] = "<h1>" .. esc(t.title) .. "</h1>" end
  out[#out + 1] = ('<p class="meta">督查期间：%s至%s（%s）　印发日期：%s</p>'):format(esc(doc.period.from),
    esc(doc.period.to), esc(doc.period.name), esc(t.date))
  if t.intro then out[#out + 1] = "<p>" .. esc(t.intro) .. "</p>" end
  for _, s in ipairs(doc.sections) do
    out[#out + 1] = ('<section class="s-%s">'):format(s.kind)
    out[#out + 1] = "<h2>" .. esc(s.heading) .. "</h2>"
    if s.kind == "summary" and s.tables[1] then figures(out, s.tables[1]) end
    if s.text then out[#out + 1] = (s.empty and '<p class="empty">' or "<p>") .. esc(s.text) .. "</p>" end
    for _, n in ipairs(s.notes) do out[#out + 1] = '<p class="note">' .. esc(n) .. "</p>" end
    for _, svg in ipairs(s.charts) do out[#out + 1] = "<figure>" .. svg .. "</figure>" end
    for i, set in ipairs(s.tables) do
      if not (s.kind == "summary" and i == 1) then table_html(out, set) end
    end
    out[#out + 1] = "</section>"
  end
  out[#out + 1] = "<footer>"
  if t.closing then out[#out + 1] = '<p style="text-align:left">' .. esc(t.closing) .. "</p>" end
  if t.signoff then out[#out + 1] = "<div>" .. esc(t.signoff) .. "</div>" end
  out[#out + 1] = "<div>" .. esc(t.date) .. "</div></footer>\n</body></html>\n"
  return table.concat(out)
end

return M
