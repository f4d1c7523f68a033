#!/bin/sh
# make run: the main job with the bundled demo data (register the markets,
# import, score, ranking) on a demo database of its own, BUILD/demo.db by
# default, never the analyst's default database; then the interactive
# shell on that database when stdin is a terminal.
set -e
BUILD=${1:-build}
DB=${2:-$BUILD/demo.db}
echo "demo database: $DB (the default database is not touched)" >&2
"$BUILD/cwsh" -bail "$DB" -f scripts/demo/main.cwsh
if [ -t 0 ]; then exec "$BUILD/cwsh" "$DB"; fi
