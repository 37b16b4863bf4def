#!/usr/bin/env bash
# Runs a set of test suites and ends with one line, "N passed, N failed";
# exits non-zero when anything failed.
#
# usage: run_all.sh [--lit DIR]... [--fuzz FUZZER CORPUS_DIR SECONDS]... [GTEST_BINARY]...
#   --lit DIR     a lit suite in the build tree (a directory with lit.site.cfg.py,
#                 or below one); every test counts
#   --fuzz ...    a libFuzzer run for SECONDS over CORPUS_DIR; counts as one
#                 test, failed when the fuzzer finds a crash (its reproducer
#                 is kept in WEIR_FUZZ_ARTIFACTS, default ./fuzz-artifacts,
#                 and printed in base64)
#   GTEST_BINARY  a GoogleTest executable; every test case counts, and a
#                 binary that crashes before reporting counts as one failure
# env: WEIR_LIT (lit.py), WEIR_PYTHON (python3), WEIR_FUZZ_ARTIFACTS
set -u

lit=${WEIR_LIT:-/usr/lib/llvm-19/build/utils/lit/lit.py}
python=${WEIR_PYTHON:-python3}
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

passed=0
failed=0
lit_dirs=()
fuzz_runs=()
gtests=()
while (($#)); do
  case $1 in
    --lit) lit_dirs+=("$2"); shift 2 ;;
    --fuzz) fuzz_runs+=("$2|$3|$4"); shift 4 ;;
    *) gtests+=("$1"); shift ;;
  esac
done

# Adds a report's "PASSED FAILED" counts to the totals; anything else (an
# empty or garbled parse, a suite that ran nothing) is a failure, never zero.
add_counts() { # WHAT COUNTS
  local what=$1 p f
  read -r p f <<<"$2"
  if [[ ! $p =~ ^[0-9]+$ || ! $f =~ ^[0-9]+$ ]]; then
    echo "could not read the results of $what (got '$2')"
    failed=$((failed + 1))
    return 1
  fi
  if ((p + f == 0)); then
    echo "$what ran no tests"
    failed=$((failed + 1))
    return 1
  fi
  passed=$((passed + p))
  failed=$((failed + f))
}

# lit: -o writes one JSON record per test with its result code.
for dir in "${lit_dirs[@]}"; do
  report=$results/lit.$RANDOM.json
  "$python" "$lit" -sv -o "$report" "$dir"
  lit_status=$?
  if [[ -f $report ]]; then
    counts=$("$python" - "$report" <<'PY'
import json, sys
tests = json.load(open(sys.argv[1]))["tests"]
# PASS and XFAIL are successes, UNSUPPORTED is neither; everything else
# (FAIL, XPASS, UNRESOLVED, TIMEOUT) is a failure.
ok = sum(t["code"] in ("PASS", "XFAIL") for t in tests)
bad = sum(t["code"] not in ("PASS", "XFAIL", "UNSUPPORTED") for t in tests)
print(ok, bad)
PY
)
    if add_counts "lit on $dir" "$counts" && [[ $lit_status -ne 0 ]] && [[ ${counts#* } == 0 ]]; then
      echo "lit exited with $lit_status on $dir though no test failed"
      failed=$((failed + 1))
    fi
  else
    echo "lit did not run on $dir (exit $lit_status)"
    failed=$((failed + 1))
  fi
done

for run in "${fuzz_runs[@]}"; do
  IFS='|' read -r fuzzer corpus seconds <<<"$run"
  echo "== $(basename "$fuzzer") for ${seconds}s"
  # Work on a copy: the fuzzer adds new inputs to its corpus directory.
  work=$results/corpus.$RANDOM
  mkdir -p "$work" && cp -r "$corpus"/. "$work"/ 2>/dev/null
  fuzzer=$(realpath "$fuzzer")
  # Run inside the scratch directory: crash reproducers land there.
  (cd "$results" && "$fuzzer" -max_total_time="$seconds" -print_final_stats=1 "$work") \
    > "$results/fuzz.log" 2>&1
  status=$?
  tail -5 "$results/fuzz.log"
  if [[ $status -eq 0 ]]; then
    passed=$((passed + 1))
  else
    # The target's own words come before libFuzzer's "ERROR:" line (a
    # property check prints what differed, then aborts).
    grep -m1 -B20 -A20 "ERROR:" "$results/fuzz.log" || tail -40 "$results/fuzz.log"
    # Keep the reproducer: the scratch directory is deleted on exit.
    kept=${WEIR_FUZZ_ARTIFACTS:-$PWD/fuzz-artifacts}
    mkdir -p "$kept"
    for crash in "$results"/crash-* "$results"/leak-* "$results"/timeout-* "$results"/oom-*; do
      [[ -f $crash ]] || continue
      cp "$crash" "$kept/"
      echo "reproducer kept as $kept/$(basename "$crash") (base64 below; run: $fuzzer FILE)"
      base64 -w 76 "$crash" | head -c 8000
      echo
    done
    echo "$(basename "$fuzzer") failed (exit $status)"
    failed=$((failed + 1))
  fi
done

# GoogleTest executables: count their test cases from the JSON report.
for bin in "${gtests[@]}"; do
  name=$(basename "$bin")
  echo "== $name"
  report=$results/$name.json
  "$bin" --gtest_output="json:$report"
  status=$?
  if [[ -f $report ]]; then
    counts=$("$python" - "$report" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
cases = [c for s in r.get("testsuites", []) for c in s.get("testsuite", [])]
ran = [c for c in cases if c.get("result", "COMPLETED") == "COMPLETED" and c.get("status", "RUN") == "RUN"]
bad = sum(1 for c in ran if c.get("failures"))
print(len(ran) - bad, bad)
PY
)
    if add_counts "$name" "$counts" && [[ $status -ne 0 && ${counts#* } == 0 ]]; then
      echo "$name exited with $status"
      failed=$((failed + 1))
    fi
  else
    echo "$name exited with $status and wrote no report"
    failed=$((failed + 1))
  fi
done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
