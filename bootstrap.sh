#!/usr/bin/env bash
# Weir's one entry point for a fresh Debian 12 machine (run as root):
#   ./bootstrap.sh demo   install, build, run the flagship example and a real-time one
#   ./bootstrap.sh test   install, build, run every test suite (check, check-bench,
#                         the bench/peers quick checks, and check-sanitized:
#                         ASan/UBSan plus both fuzzers) with one local Kafka
#                         broker for the Kafka tests
# Each step is idempotent; BUILD_DIR (default: build) names the build tree.
set -euo pipefail
cd "$(dirname "$0")"
BUILD_DIR=${BUILD_DIR:-build}

PACKAGES=(
  cmake ninja-build git python3 time
  clang-19 lld-19 llvm-19-dev llvm-19-tools libclang-rt-19-dev
  antlr4 libantlr4-runtime-dev
  libsimdjson-dev libxxhash-dev libcli11-dev libgtest-dev
  librocksdb-dev librdkafka-dev kcat libcpp-httplib-dev
  zlib1g-dev libzstd-dev libedit-dev libxml2-dev libffi-dev libncurses-dev libz3-dev
)

# What `test` adds: the Kafka tests' broker (test/kafka/README.md), one JVM.
KAFKA_TEST_PACKAGES=(default-jre-headless maven)
# The peers' quick checks (bench/peers: Kafka Streams, Flink, Spark) compile
# Java with Maven; Debian's maven brings only a JRE.
PEERS_TEST_PACKAGES=(openjdk-17-jdk-headless)
# The plan-picture tests render with Graphviz and validate JSON output
# against docs/schemas with jsonschema; the metrics test parses scrapes with
# prometheus_client; the status-page test loads the page in headless Chromium;
# bench/rtm/plots.py draws the latency plots with matplotlib.
TOOL_TEST_PACKAGES=(graphviz python3-jsonschema python3-prometheus-client python3-matplotlib chromium)

install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "bootstrap: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

configure() {
  local dir=$1; shift
  cmake -G Ninja -S . -B "$dir" -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
    -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
}

build() {
  configure "$@"
  ninja -C "$1" -j2
}

case "${1:-}" in
  demo)
    install_packages "${PACKAGES[@]}"
    configure "$BUILD_DIR"
    ninja -C "$BUILD_DIR" -j2 weir
    cd examples/flagship
    rm -rf out
    "../../$BUILD_DIR/bin/weir" run flagship.weir
    for f in out/*; do
      echo "== $f ($(wc -l <"$f") rows), first rows:"
      head -n 3 "$f"
    done
    # The real-time trigger, with no broker: a generator released at its
    # rate; each second's windows appear as the watermark passes them.
    echo "== trigger realtime (examples/realtime/realtime.weir): live rows for about 4 s"
    cd ../realtime
    "../../$BUILD_DIR/bin/weir" run realtime.weir
    echo "== The same file reads a Kafka topic by declaring its source as"
    echo "   kafka(topic = \"bids\", format = \"json\") and running with --kafka-brokers HOST:PORT"
    echo "   (README.md, \"Kafka\"); --trigger available_now | every 30s | realtime switches the trigger."
    ;;
  test)
    install_packages "${PACKAGES[@]}" "${KAFKA_TEST_PACKAGES[@]}" "${TOOL_TEST_PACKAGES[@]}" \
      "${PEERS_TEST_PACKAGES[@]}"
    # The broker's jars from Maven Central into ~/.cache/weir-kafka (once).
    test/kafka/broker.sh fetch
    # The peers' Maven builds (bench/peers) in the background: on a clean
    # machine they download ~550 MB of jars into ~/.m2 (~1.5 min, mostly
    # waiting on the network), hidden behind the C++ builds below.
    peers_log=$(mktemp "${TMPDIR:-/tmp}/weir-peers-build.XXXXXX")
    (for peer in kstreams flink spark; do bench/peers/$peer/build.sh; done) >"$peers_log" 2>&1 &
    peers_build=$!
    build "$BUILD_DIR"
    # The ASan/UBSan build too, before a broker is started for the suites.
    build "$BUILD_DIR-asan" -DWEIR_SANITIZE=ON -DWEIR_FUZZ=ON
    if ! wait "$peers_build"; then
      cat "$peers_log" >&2
      echo "bootstrap: building the peers (bench/peers/*/build.sh) failed" >&2
      exit 1
    fi
    rm -f "$peers_log"
    # One Kafka broker serves every suite below and is stopped after them
    # (suite_broker.sh). Here the Kafka tests must run: without a broker
    # they fail instead of being skipped.
    export WEIR_REQUIRE_KAFKA=1
    test/kafka/suite_broker.sh bash -c '
      set -e
      ninja -C "$1" check
      # The benchmark tools self-test (gen_txns, the hand-written baseline).
      ninja -C "$1" check-bench
      # The peers of bench/peers still build (Maven; the jars from Maven
      # Central into ~/.m2) and their output on a small input matches the
      # Python model, on this broker (bench/peers/README.md, "Quick mode").
      # Not part of `ninja check`: JVM starts and ~550 MB of jars.
      QUICK=1 BUILD="$1" bench/peers/run.sh
      # The same suites against the ASan/UBSan build, plus short fuzz runs
      # of the frontend and the record decoders.
      ninja -C "$1-asan" -j2 check-sanitized' bash "$BUILD_DIR"
    ;;
  *)
    echo "usage: $0 demo|test" >&2
    exit 2
    ;;
esac
