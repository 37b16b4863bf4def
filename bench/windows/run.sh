#!/usr/bin/env bash
# Runs the windowed batch benchmark (tumbling, hopping, session, rolling):
# Weir (JIT and built binary, 1 and 2 threads), the hand-written C++ program
# and DuckDB, side by side; prints a markdown report (also written to
# bench/results/windows/report.md). See docs/benchmarks.md, "Windowed batch
# queries".
#
#   bench/windows/run.sh               # 2M rows, every kind
#   bench/windows/run.sh --scaling     # time(2N) / time(N) per kind
#
# Environment:
#   BUILD    cmake build directory (default: <repo>/build)
#   ROWS     rows of the card feed (default 2000000); SEED (default 42)
#   REPEAT   runs per contender, medians are shown (default 3)
#   TIMEOUT  seconds after which a run is stopped and shown as "> T" (default 120)
#   THREADS  Weir and DuckDB thread counts (default "1 2")
#   KINDS    window kinds to run (default "tumbling hopping session rolling")
#   SKIP     contender families to leave out: weir-jit weir-built handwritten duckdb
#   SCALING_ROWS  N per kind for --scaling (default
#            "tumbling=1000000 hopping=1000000 session=1000000 rolling=1000000";
#            on main rolling needs a smaller N: rolling=50000)
#   UPDATE_DOCS=1  also write the report into docs/benchmarks.md
set -euo pipefail

WINDOWS=$(cd "$(dirname "$0")" && pwd)
BENCH=$(dirname "$WINDOWS")
REPO=$(dirname "$BENCH")
BUILD=${BUILD:-$REPO/build}
ROWS=${ROWS:-2000000}
SEED=${SEED:-42}
REPEAT=${REPEAT:-3}
TIMEOUT=${TIMEOUT:-120}
THREADS=${THREADS:-1 2}
KINDS=${KINDS:-tumbling hopping session rolling}
SKIP=${SKIP:-}
SCALING_ROWS=${SCALING_ROWS:-tumbling=1000000 hopping=1000000 session=1000000 rolling=1000000}
DATA=$BENCH/data/windows
RESULTS=$BENCH/results/windows

log() { echo "bench/windows: $*" >&2; }

[ -x /usr/bin/time ] || { apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }; }
command -v node >/dev/null || { log "node is required (DuckDB baseline and result comparison)"; exit 1; }

mkdir -p "$RESULTS" "$DATA"
if [ ! -f "$BUILD/build.ninja" ]; then
  log "configuring $BUILD"
  cmake -G Ninja -S "$REPO" -B "$BUILD" -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
    -DCMAKE_BUILD_TYPE=Release >"$RESULTS/cmake.log" 2>&1
fi
ninja -C "$BUILD" weir gen_txns windows_handwritten >"$RESULTS/build.log" 2>&1 ||
  { log "build failed (see $RESULTS/build.log)"; exit 1; }

# The card feed: 40k users (Zipf), 5 transactions per second of event time,
# +-2 s of disorder (within the pipelines' 5 s watermark: no row is late);
# and a smaller copy with 1% late rows for the late-row check.
gen() { # prefix rows extra-options...
  local prefix=$1 rows=$2; shift 2
  local stamp="rows=$rows seed=$SEED $* gen=$(md5sum "$BENCH/gen_txns.cpp" | cut -c1-12)"
  if [ "$(cat "$DATA/$prefix.stamp" 2>/dev/null)" != "$stamp" ]; then
    log "generating $rows rows into $DATA/$prefix.jsonl"
    "$BUILD/bench/gen_txns" --rows "$rows" --seed "$SEED" --users 40000 --rate 5 --format json \
      --out-dir "$DATA" --prefix "$prefix" "$@"
    echo "$stamp" >"$DATA/$prefix.stamp"
  fi
}
gen cards "$ROWS" --jitter-ms 2000
gen cards_late 200000 --jitter-ms 2000 --late 0.01

if [ ! -d "$BENCH/node_modules/@duckdb/node-api" ]; then
  log "installing @duckdb/node-api into bench/node_modules"
  (cd "$BENCH" && npm install --no-save --no-package-lock --no-audit --no-fund >/dev/null)
fi
cat "$DATA/cards.jsonl" >/dev/null # warm the page cache

MODE=()
[ "${1:-}" = "--scaling" ] && MODE=(--scaling --scaling-rows $SCALING_ROWS)
# shellcheck disable=SC2086
python3 "$WINDOWS/bench.py" --weir "$BUILD/bin/weir" --handwritten "$BUILD/bench/windows_handwritten" \
  --data "$DATA/cards.jsonl" --late-data "$DATA/cards_late.jsonl" --rows "$ROWS" \
  --results-dir "$RESULTS" --kinds $KINDS --threads $THREADS --repeat "$REPEAT" --timeout "$TIMEOUT" \
  ${SKIP:+--skip $SKIP} "${MODE[@]}" ${UPDATE_DOCS:+--update-doc "$REPO/docs/benchmarks.md"}
