#!/usr/bin/env bash
# Compares every expected output in EXPECTED_DIR (NAME.jsonl or
# expected_NAME.jsonl) with ACTUAL_DIR/NAME.jsonl, byte for byte. Fails when
# one differs or is missing, or when EXPECTED_DIR has no outputs at all.
#
# usage: check_outputs.sh EXPECTED_DIR ACTUAL_DIR
set -u
expected_dir=$1 actual_dir=$2
status=0 compared=0
for expected in "$expected_dir"/*.jsonl; do
  [[ -e $expected ]] || continue
  name=$(basename "$expected")
  name=${name#expected_}
  compared=$((compared + 1))
  if [[ ! -f $actual_dir/$name ]]; then
    echo "missing output: $actual_dir/$name"
    status=1
  elif ! cmp -s "$expected" "$actual_dir/$name"; then
    echo "differs: $actual_dir/$name (expected $expected); first differences:"
    diff -u "$expected" "$actual_dir/$name" | head -40
    status=1
  fi
done
if [[ $compared -eq 0 ]]; then
  echo "no expected outputs in $expected_dir"
  status=1
fi
exit $status
