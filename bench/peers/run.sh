#!/usr/bin/env bash
# Weir side by side with the engines users would pick instead (issue 11):
# Kafka Streams 4.4, Flink 2.3 and Spark 4.2 (Real-Time Mode and
# micro-batches) run bench/rtm's queries A, B and C against the same local
# broker, load generator and latency consumer as Weir, one after another in
# one run (bench/rtm/run.py does the measuring; bench/peers/*/ hold the
# peers, each with a README of its settings).
#
#   bench/peers/run.sh                 builds the peers, measures, prints the tables
#   QUICK=1 bench/peers/run.sh         each peer's quick_check.py: it builds and its
#                                      output is right on a small input (~2-3 min each)
#   PEERS="kstreams flink" bench/peers/run.sh   a subset
#   RATES=10000 GUARANTEES=at_least_once DURATION=20 bench/peers/run.sh
#   REPEAT=3 bench/peers/run.sh        3 interleaved rounds; the tables show medians
#
# The warm-up is 30 s by default: a JVM peer says it is ready seconds before
# it processes at full speed, and a 5 s warm-up measured that backlog.
#
# Needs the C++ build (bench/rtm's tools and weir: ./bootstrap.sh test or
# ninja -C build), Java 17 and Maven (bootstrap.sh test installs them).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PEERS=${PEERS:-kstreams flink spark}
# Weir's build directory, absolute: the parts below run from other directories.
if [[ -n ${BUILD:-} ]]; then BUILD=$(cd "$BUILD" && pwd); export BUILD; fi

# ---- Batch against DuckDB (bench/peers/batch/; no broker) ------------------
# Weir (JIT and binary) and DuckDB on the per-user aggregate, 1-minute
# tumbling and rolling 1-hour queries over 2M rows of JSON lines and CSV; its
# tables go to bench/results/peers/batch.md. QUICK=1 runs its small mode
# (100k rows, one run, about 30 s); BATCH=0 skips it.
batch_failed=0
if [[ ${BATCH:-1} == 1 ]]; then
  echo "peers: batch against DuckDB (bench/peers/batch/run.sh)" >&2
  "$HERE/batch/run.sh" || { batch_failed=1; echo "peers: the batch comparison FAILED" >&2; }
fi
# ---- end of the batch block --------------------------------------------------

for peer in $PEERS; do
  echo "peers: building $peer" >&2
  "$HERE/$peer/build.sh" >&2
done

# ---- One file, two modes (bench/peers/two_modes/; a broker of its own) ----
# Weir's two_modes.weir under --trigger available_now over an hour of data in
# Kafka, then --trigger realtime for new records, beside the Spark peer's query C
# under AvailableNow then Real-Time Mode; results checked equal, times in
# bench/results/peers/two_modes.md. Full: 360,000 records + 100,000 new, about
# 5-10 min; QUICK=1 runs its small mode (3,600 + 2,000, about 2-3 min, most of
# it Spark's start-ups). TWO_MODES=0 skips it. A failure is reported here and
# fails a QUICK=1 run.
two_modes_failed=0
if [[ ${TWO_MODES:-1} == 1 ]]; then
  case " $PEERS " in *" spark "*) ;; *) "$HERE/spark/build.sh" >&2 ;; esac
  echo "peers: one file, two modes (bench/peers/two_modes/two_modes.py)" >&2
  two_modes_start=$SECONDS
  QUICK=${QUICK:-0} python3 "$HERE/two_modes/two_modes.py" ${BUILD:+--build "$BUILD"} ||
    { two_modes_failed=1; echo "peers: the two-modes comparison FAILED" >&2; }
  echo "peers: two modes took $((SECONDS - two_modes_start)) s" >&2
fi
# ---- end of the two-modes block ----------------------------------------------

# ---- QUICK=1: the quick checks (bootstrap.sh test runs this in CI) -------
# The peers were built above, so the checks skip build.sh. One broker serves
# all three (each check names its topics qc<pid>-<peer>-...): the suite's when
# WEIR_KAFKA_BROKERS names one (bootstrap.sh test, test/kafka/suite_broker.sh),
# else one started here and stopped at exit. A failed check fails the run.
# BUILD: Weir's build directory (bench/rtm's rtm-load and rtm-topics).
if [[ ${QUICK:-0} == 1 ]]; then
  echo "peers: built in ${SECONDS} s" >&2
  brokers=${WEIR_KAFKA_BROKERS:-}
  [[ $brokers == none ]] && brokers=
  if [[ -z $brokers ]]; then
    quick_work=$(mktemp -d "${TMPDIR:-/tmp}/peers-quick.XXXXXX")
    export WEIR_KAFKA_RUN=$quick_work/broker
    trap '"$REPO/test/kafka/broker.sh" stop >/dev/null 2>&1 || true; rm -rf "$quick_work"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    brokers=$("$REPO/test/kafka/broker.sh" start)
  fi
  failed=()
  ((batch_failed)) && failed+=(batch)
  ((two_modes_failed)) && failed+=(two_modes)
  quick_start=$SECONDS
  for peer in $PEERS; do
    echo "peers: $peer quick check (broker $brokers)" >&2
    peer_start=$SECONDS
    python3 "$HERE/$peer/quick_check.py" --no-build --brokers "$brokers" \
      --build "${BUILD:-$REPO/build}" || failed+=("$peer")
    echo "peers: $peer quick check took $((SECONDS - peer_start)) s" >&2
  done
  echo "peers: quick checks $((SECONDS - quick_start)) s, ${SECONDS} s with the builds" >&2
  if ((${#failed[@]})); then
    echo "peers: FAILED quick check: ${failed[*]}" >&2
    exit 1
  fi
  exit 0
fi
# ---- end of QUICK=1 ---------------------------------------------------------

systems="relay,A,B,C"
for peer in $PEERS; do
  case $peer in
    spark) systems+=",spark-rtm.A,spark-rtm.B,spark-rtm.C,spark-mb.A,spark-mb.B,spark-mb.C" ;;
    *) systems+=",$peer.A,$peer.B,$peer.C" ;;
  esac
done
exec python3 "$REPO/bench/rtm/run.py" --systems "$systems" \
  --rates "${RATES:-10000,100000}" --guarantees "${GUARANTEES:-at_least_once,exactly_once}" \
  --duration "${DURATION:-20}" --warmup "${WARMUP:-30}" --bulk-records "${BULK_RECORDS:-0}" \
  --repeat "${REPEAT:-1}" \
  --out "${OUT:-$REPO/bench/results/peers}" "$@"
