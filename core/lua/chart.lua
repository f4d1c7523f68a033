-- chart.lua — small SVG charts for printed reports (the bimonthly notice):
-- a horizontal bar chart, a line chart and a Pareto chart.  Each returns
-- one <svg> element as a string, with its own size (viewBox, width in px),
-- axes, ticks, labels and the values written next to the marks, so a chart
-- reads on paper without colour too.  Labels are XML-escaped; text uses
-- the system's CJK sans fonts (Debian: fonts-noto-cjk) through a
-- font-family list, nothing is fetched.
--
--   chart.bars{ labels =, values =, classes =, title =, min =, max =, unit = }
--   chart.lines{ categories =, series = { {name =, values =}, ... }, title =, min =, max = }
--   chart.pareto{ labels =, values =, title =, unit = }
--
-- Marks carry a class (`bar`, `line`, `point`, `cum`) and bars a
-- data-label, so a test counts them in the SVG.

local M = {}

M.FONTS = "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','WenQuanYi Micro Hei','Microsoft YaHei',sans-serif"

-- Colours that stay apart in grey print too (dark to light).
M.PALETTE = { "#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6", "#a50021", "#5b5b5b" }

local function esc(s)
  s = tostring(s)
  if not s:find("[&<>\"']") then return s end      -- most cells: nothing to escape
  return (s:gsub("[&<>\"']", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;",
    ['"'] = "&quot;", ["'"] = "&#39;" }))
end
M.escape = esc

-- Display width in font-size units: a wide (CJK, full-width) character is
-- about 1 em, others about 0.55 em.
local function text_em(s)
  s = tostring(s)
  -- text that is not UTF-8 (a name put in by hand through SQL) would make
  -- utf8.codes raise and the whole notice fail: a narrow unit a byte
  if not utf8.len(s) then return #s * 0.55 end
  local w = 0
  for _, c in utf8.codes(s) do
    w = w + ((c >= 0x1100 and (c <= 0x115F or c >= 0x2E80)) and 1 or 0.55)
  end
  return w
end
M.text_em = text_em

-- Decimals a tick label needs: none for whole steps, one for 2.5 or 0.5.
local function tick_digits(step) return math.abs(step - math.floor(step + 0.5)) < 1e-9 and 0 or 1 end

local function num(v, digits) return (("%." .. (digits or 1) .. "f"):format(v)) end

-- Coordinates with at most one decimal: shorter files, same picture.
local function c(v) return (("%.1f"):format(v):gsub("%.0$", "")) end

-- A "nice" step for about n ticks over [lo, hi].
local function nice_step(lo, hi, n)
  local span = hi - lo
  if span <= 0 then return 1 end
  local raw = span / n
  local mag = 10 ^ math.floor(math.log(raw, 10))
  for _, m in ipairs({ 1, 2, 2.5, 5, 10 }) do
    if raw <= m * mag then return m * mag end
  end
  return 10 * mag
end

-- An axis range around the data: from a round value below the smallest
-- (never below `floor`) to a round value above the largest.
local function range(values, lo, hi, floor)
  local mn, mx = math.huge, -math.huge
  for _, v in pairs(values) do
    if type(v) == "number" then mn = math.min(mn, v); mx = math.max(mx, v) end
  end
  if mn == math.huge then mn, mx = 0, 1 end
  if not lo then
    local step = nice_step(math.min(mn, mx - 1), mx, 5)
    lo = math.floor((mn - step / 2) / step) * step
    if floor and lo < floor then lo = floor end
  end
  if not hi then
    local step = nice_step(lo, mx, 5)
    hi = math.ceil(mx / step) * step
    if hi <= lo then hi = lo + step end
  end
  return lo, hi
end

local function open(w, h, title)
  local t = {}
  t[#t + 1] = ('<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="%d" height="%d" viewBox="0 0 %d %d" '
    .. 'font-family="%s" font-size="12" role="img" aria-label="%s">'):format(w, h, w, h, esc(M.FONTS), esc(title or ""))
  if title then t[#t + 1] = ('<title>%s</title>'):format(esc(title)) end
  return t
end

local function text(t, x, y, s, attrs)
  t[#t + 1] = ('<text x="%s" y="%s"%s>%s</text>'):format(c(x), c(y), attrs and (" " .. attrs) or "", esc(s))
end

-- ------------------------------------------------------------ bars

-- Horizontal bars, one a label, top to bottom in the order given.
-- classes[i] (optional) names a bar's style (a grade), styles maps a
-- class to a colour, legend = { {class, label}, ... }.
function M.bars(o)
  local labels, values = o.labels, o.values
  local n = #labels
  local label_w = 0
  for _, l in ipairs(labels) do label_w = math.max(label_w, text_em(l) * 12) end
  label_w = math.ceil(label_w) + 10
  local row, top, plot_w = 18, o.legend and 44 or 24, o.plot_width or 440
  local left = label_w + 4
  local w = left + plot_w + 50
  local h = top + n * row + 34
  local lo, hi = range(values, o.min, o.max, 0)
  local function x(v) return left + (math.max(lo, math.min(hi, v)) - lo) / (hi - lo) * plot_w end
  local t = open(w, h, o.title)
  if o.legend then
    local lx = left
    for _, it in ipairs(o.legend) do
      t[#t + 1] = ('<rect x="%s" y="8" width="12" height="12" fill="%s"/>'):format(c(lx), o.styles[it[1]] or M.PALETTE[1])
      text(t, lx + 16, 18, it[2])
      lx = lx + 16 + text_em(it[2]) * 12 + 14
    end
  end
  -- grid and ticks
  local step = nice_step(lo, hi, 5)
  local v = lo
  while v <= hi + 1e-9 do
    local gx = x(v)
    t[#t + 1] = ('<line x1="%s" y1="%d" x2="%s" y2="%d" stroke="#d0d0d0" stroke-width="0.6"/>'):format(c(gx), top - 4, c(gx), top + n * row)
    text(t, gx, top + n * row + 14, num(v, tick_digits(step)), 'text-anchor="middle" fill="#333"')
    v = v + step
  end
  for i = 1, n do
    local y = top + (i - 1) * row
    local val = values[i]
    local cls = o.classes and o.classes[i]
    local fill = (cls and o.styles and o.styles[cls]) or M.PALETTE[1]
    text(t, left - 6, y + 13, labels[i], 'text-anchor="end"')
    if type(val) == "number" then
      local bw = x(val) - left
      t[#t + 1] = ('<rect class="bar" data-label="%s" x="%d" y="%s" width="%s" height="%d" fill="%s"/>'):format(
        esc(labels[i]), left, c(y + 3), c(math.max(bw, 0.5)), row - 5, fill)
      text(t, left + bw + 4, y + 13, num(val, o.digits), 'fill="#000"')
    end
  end
  -- axis lines
  t[#t + 1] = ('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#000"/>'):format(left, top - 4, left, top + n * row)
  t[#t + 1] = ('<line x1="%d" y1="%d" x2="%s" y2="%d" stroke="#000"/>'):format(left, top + n * row, c(left + plot_w), top + n * row)
  if o.unit then text(t, left + plot_w, top + n * row + 28, o.unit, 'text-anchor="end" fill="#333"') end
  t[#t + 1] = "</svg>"
  return table.concat(t)
end

-- ------------------------------------------------------------ lines

-- One polyline per series over the categories (months); a nil value is
-- a gap.  Each point carries its value as a label.
function M.lines(o)
  local cats, series = o.categories, o.series
  local all = {}
  for _, s in ipairs(series) do
    for i = 1, #cats do if type(s.values[i]) == "number" then all[#all + 1] = s.values[i] end end
  end
  local lo, hi = range(all, o.min, o.max, 0)
  local left, top, pw, ph = 48, 40 + 18 * math.ceil(#series / 4), o.plot_width or 560, 220
  local w, h = left + pw + 30, top + ph + 40
  local function x(i) return left + (#cats == 1 and pw / 2 or (i - 1) / (#cats - 1) * pw) end
  local function y(v) return top + ph - (v - lo) / (hi - lo) * ph end
  local t = open(w, h, o.title)
  -- legend, four a line
  for k, s in ipairs(series) do
    local lx, ly = left + ((k - 1) % 4) * 150, 14 + 18 * ((k - 1) // 4)
    local col = M.PALETTE[(k - 1) % #M.PALETTE + 1]
    t[#t + 1] = ('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2.5"/>'):format(lx, ly, lx + 18, ly, col)
    text(t, lx + 22, ly + 4, s.name)
  end
  local step = nice_step(lo, hi, 5)
  local v = lo
  while v <= hi + 1e-9 do
    t[#t + 1] = ('<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="#d0d0d0" stroke-width="0.6"/>'):format(left, c(y(v)), left + pw, c(y(v)))
    text(t, left - 6, y(v) + 4, num(v, tick_digits(step)), 'text-anchor="end" fill="#333"')
    v = v + step
  end
  for i, name in ipairs(cats) do text(t, x(i), top + ph + 16, name, 'text-anchor="middle"') end
  t[#t + 1] = ('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#000"/>'):format(left, top, left, top + ph)
  t[#t + 1] = ('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#000"/>'):format(left, top + ph, left + pw, top + ph)
  for k, s in ipairs(series) do
    local col = M.PALETTE[(k - 1) % #M.PALETTE + 1]
    local pts = {}
    local function flush()
      if #pts > 1 then
        t[#t + 1] = ('<polyline class="line" data-label="%s" fill="none" stroke="%s" stroke-width="2" points="%s"/>'):format(
          esc(s.name), col, table.concat(pts, " "))
      end
      pts = {}
    end
    for i = 1, #cats do
      local val = s.values[i]
      if type(val) == "number" then pts[#pts + 1] = c(x(i)) .. "," .. c(y(val)) else flush() end
    end
    flush()
    for i = 1, #cats do
      local val = s.values[i]
      if type(val) == "number" then
        t[#t + 1] = ('<circle class="point" cx="%s" cy="%s" r="3" fill="%s"/>'):format(c(x(i)), c(y(val)), col)
        -- values of the series alternate above and below, so that two
        -- close lines keep their numbers apart
        text(t, x(i), y(val) + (k % 2 == 1 and -7 or 15), num(val, o.digits), ('text-anchor="middle" font-size="10" fill="%s"'):format(col))
      end
    end
  end
  t[#t + 1] = "</svg>"
  return table.concat(t)
end

-- ------------------------------------------------------------ pareto

-- Vertical bars sorted by value (largest first, as given), the cumulative
-- share as a line on a 0–100 % axis at the right.
function M.pareto(o)
  local labels, values = o.labels, o.values
  local n = #labels
  local total = 0
  for _, v in ipairs(values) do total = total + v end
  local col_w = 34
  local left, top, ph = 48, 30, 200
  local lab_h = 0
  for _, l in ipairs(labels) do lab_h = math.max(lab_h, text_em(l) * 11) end
  lab_h = math.min(math.ceil(lab_h) + 8, 140)
  local pw = math.max(n, 1) * col_w
  -- the labels run down to the right at 60°: the last one needs room
  local w, h = left + pw + 56 + math.ceil(lab_h * 0.5), top + ph + lab_h + 24
  local _, hi = range(values, 0, nil)
  local function y(v) return top + ph - v / hi * ph end
  local t = open(w, h, o.title)
  local step = nice_step(0, hi, 5)
  local v = 0
  while v <= hi + 1e-9 do
    t[#t + 1] = ('<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="#d0d0d0" stroke-width="0.6"/>'):format(left, c(y(v)), left + pw, c(y(v)))
    text(t, left - 6, y(v) + 4, num(v, tick_digits(step)), 'text-anchor="end" fill="#333"')
    v = v + step
  end
  for p = 0, 100, 20 do
    local py = top + ph - p / 100 * ph
    text(t, left + pw + 6, py + 4, p .. "%", 'fill="#c55a11"')
  end
  local cum, pts = 0, {}
  for i = 1, n do
    local x0 = left + (i - 1) * col_w
    local val = values[i]
    t[#t + 1] = ('<rect class="bar" data-label="%s" x="%d" y="%s" width="%d" height="%s" fill="%s"/>'):format(
      esc(labels[i]), x0 + 5, c(y(val)), col_w - 10, c(top + ph - y(val)), M.PALETTE[1])
    text(t, x0 + col_w / 2, y(val) - 3, num(val, o.digits), 'text-anchor="middle" font-size="10"')
    -- labels written downwards (rotated), so long item titles fit
    t[#t + 1] = ('<text x="%s" y="%d" font-size="11" transform="rotate(60 %s %d)">%s</text>'):format(
      c(x0 + col_w / 2 - 3), top + ph + 8, c(x0 + col_w / 2 - 3), top + ph + 8, esc(labels[i]))
    cum = cum + val
    pts[#pts + 1] = c(x0 + col_w / 2) .. "," .. c(top + ph - (total > 0 and cum / total or 0) * ph)
  end
  if n > 0 then
    t[#t + 1] = ('<polyline class="cum" fill="none" stroke="#c55a11" stroke-width="2" points="%s"/>'):format(table.concat(pts, " "))
    for _, p in ipairs(pts) do
      local px, py = p:match("([^,]+),(.+)")
      t[#t + 1] = ('<circle cx="%s" cy="%s" r="2.5" fill="#c55a11"/>'):format(px, py)
    end
  end
  t[#t + 1] = ('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#000"/>'):format(left, top, left, top + ph)
  t[#t + 1] = ('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#000"/>'):format(left + pw, top, left + pw, top + ph)
  t[#t + 1] = ('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#000"/>'):format(left, top + ph, left + pw, top + ph)
  if o.unit then text(t, left, top - 10, o.unit, 'fill="#333"') end
  text(t, left + pw + 50, top - 10, "累计占比", 'text-anchor="end" fill="#c55a11"')
  t[#t + 1] = "</svg>"
  return table.concat(t)
end

return M
