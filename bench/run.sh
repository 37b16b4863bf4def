#!/usr/bin/env bash
# Runs the per_user benchmark: Weir (JIT, built binary, --no-fuse), the
# hand-written C++ program and DuckDB, side by side, and prints a markdown
# report (also written to bench/results/report.md). See docs/benchmarks.md.
#
# Environment:
#   BUILD    cmake build directory (default: <repo>/build); configured with
#            Ninja and clang-19 if it has no build.ninja yet
#   ROWS     rows of generated data (default 2000000); SEED (default 42)
#   REPEAT   runs per contender, the report shows medians (default 3)
#   THREADS  thread counts to run (default "1 2")
#   FORMATS  inputs to run (default "json csv")
#   SKIP     contender families to leave out, e.g. "weir-nofuse duckdb"
#   WEIR     the weir binary (default: $BUILD/bin/weir)
#   UPDATE_DOCS=1  also write the report into docs/benchmarks.md
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$BENCH")
BUILD=${BUILD:-$REPO/build}
ROWS=${ROWS:-2000000}
SEED=${SEED:-42}
REPEAT=${REPEAT:-3}
THREADS=${THREADS:-1 2}
FORMATS=${FORMATS:-json csv}
SKIP=${SKIP:-}
WEIR=${WEIR:-$BUILD/bin/weir}
DATA=$BENCH/data
RESULTS=$BENCH/results

log() { echo "bench: $*" >&2; }

# ---------------------------------------------------------------- tools
if [ ! -x /usr/bin/time ]; then
  log "installing GNU time (for peak memory)"
  apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
fi
if ! command -v hyperfine >/dev/null; then
  log "installing hyperfine (for the start-up measurement; optional)"
  apt-get install -y hyperfine >/dev/null 2>&1 || log "no hyperfine: start-up is timed by a Python loop"
fi
command -v node >/dev/null || { log "node is required for the DuckDB baseline"; exit 1; }

# ---------------------------------------------------------------- build
mkdir -p "$RESULTS/bin"
if [ ! -f "$BUILD/build.ninja" ]; then
  log "configuring $BUILD"
  cmake -G Ninja -S "$REPO" -B "$BUILD" -DCMAKE_C_COMPILER=clang-19 \
    -DCMAKE_CXX_COMPILER=clang++-19 >"$RESULTS/cmake.log" 2>&1 || log "cmake failed (see $RESULTS/cmake.log)"
fi
GEN=$BUILD/bench/gen_txns
HAND=$BUILD/bench/per_user_handwritten
if ! ninja -C "$BUILD" gen_txns per_user_handwritten >"$RESULTS/build-bench.log" 2>&1; then
  # The rest of the tree may be mid-change; the bench tools depend on nothing
  # in it, so build them directly with the same flags as bench/CMakeLists.txt.
  log "ninja could not build the bench tools (see $RESULTS/build-bench.log); compiling them directly"
  GEN=$RESULTS/bin/gen_txns
  HAND=$RESULTS/bin/per_user_handwritten
  clang++-19 -std=c++20 -O2 "$BENCH/gen_txns.cpp" -o "$GEN"
  clang++-19 -std=c++20 -O3 -march=native "$BENCH/handwritten/per_user.cpp" -o "$HAND" -lsimdjson -pthread
fi
if [ -z "${WEIR_SKIP_BUILD:-}" ] && [ -f "$BUILD/build.ninja" ]; then
  ninja -C "$BUILD" weir >"$RESULTS/build-weir.log" 2>&1 || log "weir does not build (see $RESULTS/build-weir.log)"
fi

# ---------------------------------------------------------------- data
mkdir -p "$DATA"
STAMP="rows=$ROWS seed=$SEED gen=$(md5sum "$BENCH/gen_txns.cpp" | cut -c1-12)"
if [ "$(cat "$DATA/.stamp" 2>/dev/null)" != "$STAMP" ]; then
  log "generating $ROWS rows (seed $SEED) into $DATA"
  "$GEN" --rows "$ROWS" --seed "$SEED" --out-dir "$DATA"
  echo "$STAMP" >"$DATA/.stamp"
fi

# ---------------------------------------------------------------- DuckDB
if [ ! -d "$BENCH/node_modules/@duckdb/node-api" ]; then
  log "installing @duckdb/node-api into bench/node_modules"
  (cd "$BENCH" && npm install --no-save --no-package-lock --no-audit --no-fund >/dev/null)
fi

# Every contender reads from the page cache: warm it once.
cat "$DATA"/txns.jsonl "$DATA"/txns.csv >/dev/null

# ---------------------------------------------------------------- run
# shellcheck disable=SC2086
python3 "$BENCH/bench.py" --weir "$WEIR" --handwritten "$HAND" --data-dir "$DATA" \
  --results-dir "$RESULTS" --rows "$ROWS" --seed "$SEED" --repeat "$REPEAT" \
  --threads $THREADS --formats $FORMATS ${SKIP:+--skip $SKIP} \
  ${UPDATE_DOCS:+--update-doc "$REPO/docs/benchmarks.md"}
