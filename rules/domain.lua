-- domain.lua — the vocabulary of the bureau's sheets: inspection kinds,
-- result words, unit kinds, the shape of an item code, summary rows and
-- date forms.  Analysts edit it; `.rules reload` applies it.  The core
-- hands it to the importer and the store (the C code knows no Chinese
-- word), and the scoring reads the kinds' weights.
--
-- kind      an inspection kind: its name (what the database stores),
--           other spellings sheets use (aliases, ASCII case ignored) and
--           its weight when a period's inspections are averaged
-- result    the word for each of the three outcomes (means = "pass",
--           "fail" or "na"), as stored, and its other spellings
-- unit      the kind of a station the importer adds: the first whose
--           suffix ends the station's name; the last has none (any name)
-- item_code how a wide sheet's column header names an item ("A01 地面…"):
--           a POSIX extended regular expression matched at its start
-- summary_rows  a cell holding one of these marks a summary row, skipped
--           (a mapping's own `summary` list replaces them)
-- dates     the date forms a sheet may use: Y is a 4-digit year, M and D
--           a month and day of 1–2 digits (exactly 2 when next to another
--           of Y M D); other characters are literal.  Digits may be
--           full-width; a time after the date (" 8:30") is ignored.

kind { "自查", aliases = { "self", "self-check" }, weight = 1 }
kind { "督查", aliases = { "督察", "supervision" }, weight = 1 }
kind { "全面督查", aliases = { "全面督察", "full", "comprehensive" }, weight = 1 }
-- unannounced visits are trusted more
kind { "暗访", aliases = { "covert", "unannounced" }, weight = 1.5 }
kind { "考核", aliases = { "assessment" }, weight = 1 }

result { "合格", means = "pass",
         aliases = { "pass", "passed", "ok", "是", "✓", "√", "✔", "符合", "通过" } }
result { "不合格", means = "fail",
         aliases = { "fail", "failed", "否", "×", "✗", "✘", "x", "不符合" } }
result { "不适用", means = "na",
         aliases = { "na", "n/a", "无此项", "/", "—", "-" } }

unit { "分局", suffix = "分局" }
unit { "所" }

item_code "[A-Za-z]{1,4}[0-9]+"

summary_rows { "合计", "总计", "小计" }

dates { "Y-M-D", "Y/M/D", "Y.M.D", "Y．M．D", "Y年M月D日", "Y年M月D号", "YMD" }
