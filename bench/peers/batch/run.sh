#!/usr/bin/env bash
# Weir against DuckDB on batch queries over a file (issue 11): the per-user
# aggregate, the per-user 1-minute tumbling window and the rolling 1-hour
# velocity feature, over JSON lines and CSV; Weir JIT and built binary and
# DuckDB, all on 2 threads; results checked equal; wall time and peak memory.
# Prints markdown tables and writes them to bench/results/peers/batch.md.
# See bench/peers/batch/README.md.
#
#   bench/peers/batch/run.sh            2M rows, 3 runs each (median)
#   QUICK=1 bench/peers/batch/run.sh    100k rows, 1 run: checks it all works
#
# Environment:
#   BUILD    cmake build directory with bin/weir and bench/gen_txns (default <repo>/build)
#   ROWS     rows of the card feed (default 2000000; QUICK=1: 100000); SEED (default 42)
#   REPEAT   runs per contender, medians shown (default 3; QUICK=1: 1)
#   THREADS  threads of every contender (default 2)
#   TIMEOUT  seconds after which a run is stopped and shown as "> T" (default 300)
#   QUERIES  default "per_user tumbling rolling"; FORMATS default "json csv"
#   SKIP     contenders to leave out: weir-jit weir-built duckdb
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=$(cd "$HERE/../.." && pwd)
REPO=$(dirname "$BENCH")
BUILD=${BUILD:-$REPO/build}
if [[ ${QUICK:-0} == 1 ]]; then
  ROWS=${ROWS:-100000}
  REPEAT=${REPEAT:-1}
else
  ROWS=${ROWS:-2000000}
  REPEAT=${REPEAT:-3}
fi
SEED=${SEED:-42}
THREADS=${THREADS:-2}
TIMEOUT=${TIMEOUT:-300}
QUERIES=${QUERIES:-per_user tumbling rolling}
FORMATS=${FORMATS:-json csv}
SKIP=${SKIP:-}
DATA=$BENCH/data/peers_batch/$ROWS
RESULTS=$BENCH/results/peers

log() { echo "peers/batch: $*" >&2; }

command -v node >/dev/null || { log "node is required (DuckDB and the result comparison)"; exit 1; }
for tool in bin/weir bench/gen_txns; do
  [ -x "$BUILD/$tool" ] || { log "$BUILD/$tool is missing: build first (ninja -C $BUILD weir gen_txns)"; exit 1; }
done

# The card feed of bench/windows/run.sh: 40k users (Zipf), 5 transactions per
# second of event time, +-2 s of disorder (within the pipelines' 5 s
# watermark: no row is late, so Weir's and SQL's windows hold the same rows),
# written as JSON lines and as CSV from the same rows.
mkdir -p "$DATA" "$RESULTS"
stamp="rows=$ROWS seed=$SEED gen=$(md5sum "$BENCH/gen_txns.cpp" | cut -c1-12)"
if [ "$(cat "$DATA/txns.stamp" 2>/dev/null)" != "$stamp" ]; then
  log "generating $ROWS rows into $DATA (JSON lines and CSV)"
  "$BUILD/bench/gen_txns" --rows "$ROWS" --seed "$SEED" --users 40000 --rate 5 --jitter-ms 2000 \
    --format both --out-dir "$DATA" --prefix txns
  echo "$stamp" >"$DATA/txns.stamp"
fi

if [ ! -d "$BENCH/node_modules/@duckdb/node-api" ]; then
  log "installing @duckdb/node-api into bench/node_modules"
  (cd "$BENCH" && npm install --no-save --no-package-lock --no-audit --no-fund >/dev/null)
fi
cat "$DATA/txns.jsonl" "$DATA/txns.csv" >/dev/null # warm the page cache

# shellcheck disable=SC2086
exec python3 "$HERE/batch.py" --weir "$BUILD/bin/weir" --data-dir "$DATA" --rows "$ROWS" --seed "$SEED" \
  --results-dir "$RESULTS/batch" --report "$RESULTS/batch.md" --threads "$THREADS" \
  --repeat "$REPEAT" --timeout "$TIMEOUT" --queries $QUERIES --formats $FORMATS ${SKIP:+--skip $SKIP}
