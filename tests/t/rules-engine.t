#!/bin/sh
# rules-engine.t — the engine's two paths agree (engine helper).
# On the demo data (scripts/demo), for every market and many periods, under
# the default rules and under variants (binding category caps, worst,
# latest): explain's in-memory totals equal score's SQL totals, grade and
# inspection count; the stored scores equal the bench's score.sql; the
# printed explain total equals the printed score; `cwsh test` passes on the
# default rule tests and fails on a wrong expectation.
. tests/lib.sh
scratch
DB="$T/demo.db"
(cd "$ROOT" && "$CWSH" -batch "$DB" <scripts/demo/main.cwsh >"$T/demo.out" 2>&1)
is "5" "$(sqlite3 "$DB" 'SELECT count(DISTINCT market_id) FROM inspection')" "demo data imported"

cat >check.cwsh <<'EOF2'
lua do
  local engine, rules = require("engine"), require("rules")
  local set = rules.current()
  local n, bad, capped, vetoed = 0, 0, 0, 0
  for _, name in ipairs({ "2027-01", "2027-02", "2027-03", "2027-B1", "2027-B2", "2027-Q1",
                          "2027-H1", "2027", "2027-01-15..2027-02-20" }) do
    local rows, p = engine.score(name)
    for _, r in ipairs(rows) do
      local d = engine.market_detail(set, r.market_id, p)
      n = n + 1
      if r.veto then vetoed = vetoed + 1 end
      for _, x in ipairs(d.inspections) do
        for _, c in ipairs(x.calc.cats) do if c.capped then capped = capped + 1 end end
      end
      if d.score ~= r.score or d.grade ~= r.grade or #d.inspections ~= r.inspections then
        bad = bad + 1
        print("differs", name, r.code, r.score, d.score, r.grade, d.grade)
      end
    end
  end
  print(("compared %d differ %d capped %s vetoed %s"):format(n, bad, capped > 0 and "yes" or "no",
    vetoed > 0 and "yes" or "no"))
end
EOF2

run_check() {  # run_check RULES_DIR -> the summary line
    "$CWSH" -batch -rules "$1" "$DB" <check.cwsh 2>&1 | tail -1
}

is "compared 45 differ 0 capped no vetoed yes" "$(run_check "$ROOT/rules")" "default rules: explain equals score"

# score.sql (the bench's reference) computes the same month scores
sqlite3 "$DB" 'DELETE FROM score'
"$CWSH" -batch "$DB" "score 2027-01" "score 2027-02" "score 2027-03" >/dev/null 2>&1
sqlite3 -csv "$DB" <"$ROOT/scripts/bench/score.sql" | sort >ref.csv
sqlite3 -csv "$DB" <"$ROOT/scripts/bench/stored.sql" | sort >got.csv
is_file ref.csv got.csv "stored month scores equal score.sql's"
is "15" "$(wc -l <got.csv | tr -d ' ')" "15 market-months stored"

# printed totals: explain's total line shows score's number and grade
"$CWSH" -batch -csv "$DB" "score 2027-03" | tail -n +2 | tr -d '\r' | while IFS=, read -r rank code name unit score grade rest; do
    echo "$code total: $score $grade"
done | sort >want.txt
for code in $(sqlite3 "$DB" 'SELECT code FROM market ORDER BY code'); do
    echo "$code $("$CWSH" -batch "$DB" "explain $code 2027-03" | grep '^total:')"
done | sort >got.txt
is_file want.txt got.txt "explain prints score's total for every market"

# binding caps: every category capped at a third of its points
mkdir capped && cp "$ROOT"/rules/*.lua capped/
sed -i 's/^category { "\([^"]*\)", points = \([0-9]*\) }/category { "\1", points = \2 \/ 3 }/' capped/checklist.lua
is "compared 45 differ 0 capped yes vetoed yes" "$(run_check capped)" "binding category caps: explain equals score"

for m in worst latest; do
    mkdir "$m" && cp "$ROOT"/rules/*.lua "$m"/
    sed -i "s/method = \"weighted\"/method = \"$m\"/" "$m"/scoring.lua
    is "compared 45 differ 0 capped no vetoed yes" "$(run_check "$m")" "combine $m: explain equals score"
done

# worst <= weighted <= best, and latest is the last inspection's score
w=$("$CWSH" -batch -rules worst -csv "$DB" "score 2027-03 --market M0002" | tail -1 | cut -d, -f5)
d=$("$CWSH" -batch -csv "$DB" "score 2027-03 --market M0002" | tail -1 | cut -d, -f5)
is "yes" "$(echo "$w $d" | awk '{ print ($1 < $2) ? "yes" : "no" }')" "worst is below the weighted mean ($w < $d)"

# the item formulas compiled to SQL and to Lua agree, row by row, on
# random results of every style (counts, grades, 合格 with a count,
# 不适用, over the cap)
cat >formulas.cwsh <<'EOF2'
lua do
  local calc = require("engine_calc")
  local words = require("rules").current().domain.results      -- 合格 不合格 不适用
  local expr = calc.lost_sql({ result = ":result", deduction = ":deduction", count = ":count" },
    { points = ":points", k = ":k", style = ":style" }, nil, words)
  math.randomseed(2027)
  local n, bad, nonzero = 0, 0, 0
  for _, style in ipairs({ "plain", "per_count", "bands" }) do
    for _ = 1, 400 do
      local it = { style = style, points = math.random(1, 8) / 2, per_count = style == "per_count" and math.random(1, 4) / 2 or nil }
      local r = { result = ({ "合格", "不合格", "不适用" })[math.random(3)], deduction = math.random(0, 24) / 4,
        count = math.random() < 0.3 and math.random(-1, 12) or nil }
      if r.result == "合格" then r.deduction = 0 end   -- the importer refuses 合格 with a deduction
      local v = db.one("SELECT " .. expr .. " AS v", { result = r.result, deduction = r.deduction,
        count = r.count or db.null, points = it.points, k = it.per_count or db.null, style = calc.style_ids[style] }).v
      local l = calc.item_lost(it, r, words)
      n = n + 1
      if l > 0 then nonzero = nonzero + 1 end
      if l < 0 or l > it.points then bad = bad + 1; print("out of range", style, r.count, l) end
      if v == db.null or math.abs(v - l) > 1e-12 then bad = bad + 1; print("differs", style, r.result, r.deduction, r.count, v, l) end
    end
  end
  print(("formulas: %d rows, %d differ, %s lost points"):format(n, bad, nonzero > 300 and "many" or "few"))
end
EOF2
is "formulas: 1200 rows, 0 differ, many lost points" "$("$CWSH" -batch :memory: <formulas.cwsh 2>&1 | tail -1)" "item formulas: SQL and Lua agree"

# rule tests from the command line: exit codes
"$CWSH" -rules "$ROOT/rules" test >test.out 2>&1
is "0" "$?" "cwsh test passes on the default rules"
is "ok 21 rule tests; coverage: 37/37 items, 2/2 vetoes" "$(cat test.out)" "cwsh test reports full coverage"
"$CWSH" -rules "$ROOT/rules" test "$ROOT/tests/transcripts/rules/data/badtests" >bad.out 2>&1
is "1" "$?" "cwsh test fails on a wrong expectation"
is "1" "$(grep -c 'score: expected 98, got 97' bad.out)" "the failure shows expected and actual"
# in memory: no default database is made for them (nor $CWSH_DB's used)
mkdir -p home
env -u XDG_DATA_HOME HOME="$PWD/home" CWSH_DB="$PWD/named.db" "$CWSH" -rules "$ROOT/rules" test >/dev/null 2>&1
is "0" "$?" "cwsh test passes without a database"
is "" "$(ls home; ls named.db 2>/dev/null)" "cwsh test makes no database file"

cleanup_scratch
done_testing
