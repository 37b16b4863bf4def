#!/usr/bin/env bash
# Runs every test: the lit suites in the build's test directory, then each
# GoogleTest executable given on the command line. Ends with one line,
# "N passed, N failed", and exits non-zero when anything failed.
#
# usage: run_all.sh BUILD_TEST_DIR [GTEST_BINARY...]
# env:   WEIR_LIT (lit.py), WEIR_PYTHON (python3)
set -u

build_test_dir=$1
shift
lit=${WEIR_LIT:-/usr/lib/llvm-19/build/utils/lit/lit.py}
python=${WEIR_PYTHON:-python3}
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

passed=0
failed=0

# lit: -o writes one JSON record per test with its result code.
"$python" "$lit" -sv -o "$results/lit.json" "$build_test_dir"
lit_status=$?
if [[ -f $results/lit.json ]]; then
  read -r p f < <("$python" - "$results/lit.json" <<'PY'
import json, sys
tests = json.load(open(sys.argv[1]))["tests"]
# PASS and XFAIL are successes, UNSUPPORTED is neither; everything else
# (FAIL, XPASS, UNRESOLVED, TIMEOUT) is a failure.
ok = sum(t["code"] in ("PASS", "XFAIL") for t in tests)
bad = sum(t["code"] not in ("PASS", "XFAIL", "UNSUPPORTED") for t in tests)
print(ok, bad)
PY
)
  passed=$((passed + p))
  failed=$((failed + f))
elif [[ $lit_status -ne 0 ]]; then
  echo "lit did not run (exit $lit_status)"
  failed=$((failed + 1))
fi

# GoogleTest executables: count their test cases from the JSON report; a
# binary that crashes before writing one counts as one failure.
for bin in "$@"; do
  name=$(basename "$bin")
  echo "== $name"
  report=$results/$name.json
  "$bin" --gtest_output="json:$report"
  status=$?
  if [[ -f $report ]]; then
    read -r p f < <("$python" - "$report" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
cases = [c for s in r.get("testsuites", []) for c in s.get("testsuite", [])]
ran = [c for c in cases if c.get("result", "COMPLETED") == "COMPLETED" and c.get("status", "RUN") == "RUN"]
bad = sum(1 for c in ran if c.get("failures"))
print(len(ran) - bad, bad)
PY
)
    passed=$((passed + p))
    failed=$((failed + f))
    if [[ $status -ne 0 && $f -eq 0 ]]; then
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
