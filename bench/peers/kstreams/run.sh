#!/usr/bin/env bash
# Runs the Kafka Streams peer built by build.sh: run.sh --help for its options.
#
# JVM: a 1 GB heap at most (B's and C's state is small; RocksDB's memory is
# off-heap), G1 (the JVM's default here, written out). Kafka's own logging
# goes to stderr at WARN (RTM_KSTREAMS_LOG_LEVEL=info for the full story),
# the program's RUNNING line comes regardless.
# RTM_KSTREAMS_JAVA_OPTS replaces the JVM options.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CP_FILE=$HERE/target/classpath.txt
JAR=$HERE/target/rtm-kstreams-1.jar
[[ -s $CP_FILE && -s $JAR ]] || { echo "run.sh: not built: run $HERE/build.sh" >&2; exit 1; }
# shellcheck disable=SC2206
OPTS=(${RTM_KSTREAMS_JAVA_OPTS:--Xms128m -Xmx1g -XX:+UseG1GC})
exec java "${OPTS[@]}" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel="${RTM_KSTREAMS_LOG_LEVEL:-warn}" \
  -Dorg.slf4j.simpleLogger.showDateTime=true \
  -Dorg.slf4j.simpleLogger.dateTimeFormat="HH:mm:ss.SSS" \
  -cp "$JAR:$(<"$CP_FILE")" dev.weir.peers.kstreams.Main "$@"
