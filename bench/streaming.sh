#!/usr/bin/env bash
# Runs the streaming benchmarks (Nexmark q0 q1 q2 q5 q7, YSB): weir run,
# a weir-built binary and the hand-written twin of each query, on one core,
# over the runtime's generator sources; prints a markdown report (also in
# bench/results/streaming/report.md). See docs/benchmarks.md.
#
# Environment:
#   BUILD     cmake build directory (default: <repo>/build; configured with
#             Ninja and clang-19 when it has no build.ninja yet)
#   REPEAT    runs per contender, the report shows medians (default 5)
#   QUERIES   a subset, e.g. "q5 ysb" (default: all)
#   Q0_EVENTS Q1_EVENTS (default 10M), Q2_EVENTS Q5_EVENTS Q7_EVENTS
#             YSB_EVENTS (default 50M): length of each generated stream
#   CHECK_EVENTS  stream length of q0/q1's output check (default 1M)
#   PIN       the pinning command (default "taskset -c 1" when taskset
#             exists and there are 2 or more cores; "" for none)
#   UPDATE_DOCS=1  also write the report into docs/benchmarks.md
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$BENCH")
BUILD=${BUILD:-$REPO/build}
export RESULTS=${RESULTS:-$BENCH/results/streaming}

log() { echo "streaming: $*" >&2; }

mkdir -p "$RESULTS"
if [ ! -f "$BUILD/build.ninja" ]; then
  log "configuring $BUILD"
  cmake -G Ninja -S "$REPO" -B "$BUILD" -DCMAKE_C_COMPILER=clang-19 \
    -DCMAKE_CXX_COMPILER=clang++-19 >"$RESULTS/cmake.log" 2>&1
fi
BUILD=$(cd "$BUILD" && pwd)
if [ -z "${SKIP_BUILD:-}" ]; then
  log "building weir and the twins in $BUILD"
  ninja -C "$BUILD" weir nexmark_twin ysb_twin >"$RESULTS/build.log" 2>&1 ||
    { log "build failed (see $RESULTS/build.log)"; exit 1; }
fi
export WEIR=${WEIR:-$BUILD/bin/weir}
export BIN=${BIN:-$BUILD/bin}

if [ -z "${PIN+set}" ]; then
  PIN=""
  if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    PIN="taskset -c 1"
  fi
fi
export PIN
exec python3 "$BENCH/streaming.py"
