#!/bin/sh
# Runs the unit tests that write files with a temporary folder of their own
# and fails if any file is left there: every ctest run used to leave
# thousands of sweep-PID-* files in /tmp.
#   leaves-no-files.sh UNITTEST-BINARY GTEST-FILTER
set -eu
binary=$1
filter=$2
folder=$(mktemp -d "${TMPDIR:-/tmp}/sweep-leaves-no-files-XXXXXX")
trap 'rm -rf "$folder"' EXIT
TEST_TMPDIR=$folder "$binary" --gtest_filter="$filter" >"$folder.log" 2>&1 || {
  cat "$folder.log"; rm -f "$folder.log"; exit 1; }
rm -f "$folder.log"
left=$(find "$folder" -mindepth 1 | head -20)
if [ -n "$left" ]; then
  echo "files left by $binary ($filter):"
  echo "$left"
  exit 1
fi
echo "no file left by $(basename "$binary") ($filter)"
