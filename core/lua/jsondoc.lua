-- jsondoc.lua — one JSON document from Lua values, for commands whose
-- result is more than one table (explain in json mode).
--
-- Objects keep their keys in order: jsondoc.object("k1", v1, "k2", v2)
-- (a nil value is null).
-- Arrays are plain sequences; cwsh.null and nil are null; a number that
-- should print as shown (92.0, not 91.99999) is jsondoc.num(x, "%.1f").
-- Strings are escaped as the json mode escapes them: \" \\ and controls,
-- and bytes that are not valid UTF-8 become \ufffd, so the output always
-- parses.

local M = {}

local OBJ, NUM = {}, {}

function M.object(...) return setmetatable({ n = select("#", ...), ... }, OBJ) end
function M.num(x, fmt)
  if x == nil or x ~= x or x == math.huge or x == -math.huge then return cwsh.null end
  return setmetatable({ text = (fmt and fmt:format(x) or tostring(x)):gsub("^%+", "") }, NUM)
end

local ESC = { ['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
  ["\b"] = "\\b", ["\f"] = "\\f" }

local function str(s)
  if not utf8.len(s) then              -- keep the valid characters, mark the rest
    local out, i = {}, 1
    while true do
      local ok, bad = utf8.len(s, i)
      if ok then out[#out + 1] = s:sub(i); break end
      out[#out + 1] = s:sub(i, bad - 1) .. "\u{FFFD}"
      i = bad + 1
    end
    s = table.concat(out)
  end
  return '"' .. s:gsub('[%c"\\]', function(c)
    return ESC[c] or ("\\u%04x"):format(c:byte())
  end) .. '"'
end

local function enc(v, out)
  local t = type(v)
  if v == nil or v == cwsh.null then out[#out + 1] = "null"
  elseif t == "boolean" then out[#out + 1] = tostring(v)
  elseif t == "number" then
    if math.type(v) == "integer" then out[#out + 1] = tostring(v)
    elseif v ~= v or v == math.huge or v == -math.huge then out[#out + 1] = "null"
    else out[#out + 1] = ("%.17g"):format(v) end
  elseif t == "string" then out[#out + 1] = str(v)
  elseif getmetatable(v) == NUM then out[#out + 1] = v.text
  elseif getmetatable(v) == OBJ then
    out[#out + 1] = "{"
    for i = 1, v.n, 2 do
      if i > 1 then out[#out + 1] = "," end
      out[#out + 1] = str(v[i]); out[#out + 1] = ":"
      enc(v[i + 1], out)
    end
    out[#out + 1] = "}"
  elseif t == "table" then
    out[#out + 1] = "["
    for i, x in ipairs(v) do
      if i > 1 then out[#out + 1] = getmetatable(x) == OBJ and ",\n" or "," end
      enc(x, out)
    end
    out[#out + 1] = "]"
  else error("jsondoc: cannot encode a " .. t) end
end

function M.encode(v)
  local out = {}
  enc(v, out)
  return table.concat(out)
end

return M
