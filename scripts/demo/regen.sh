#!/bin/sh
# Regenerate the bundled demo data (committed; run only when the generator
# changes):  sh scripts/demo/regen.sh [BUILD]
#   markets.csv              the market register (code,name,unit,is_key,stalls,district)
#   inspections-2027Q1.csv   canonical long format, UTF-8: every inspection
#                            of 2027-01..03 except 城东所's
#   城东所-2027Q1.csv        城东所's own sheet as Excel saves it: wide layout,
#                            GB18030, CRLF, a trailing 合计 row
# The two inspection files are disjoint parts of the same generated quarter.
set -e
BUILD=${1:-build}
GEN="$BUILD/gen/gen --scale demo --seed 2027"
D=scripts/demo
$GEN --markets-register >"$D/markets.csv"
$GEN --unit 城东所 --invert >"$D/inspections-2027Q1.csv"
$GEN --unit 城东所 --format wide --encoding gb18030 --crlf >"$D/城东所-2027Q1.csv"
