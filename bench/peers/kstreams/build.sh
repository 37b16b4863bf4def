#!/usr/bin/env bash
# Builds the Kafka Streams peer (Maven, one thread) and prints its launcher.
# Idempotent: Maven recompiles only what changed; the jars come from Maven
# Central into the local Maven repository (~/.m2) the first time.
# Maven's output goes to target/build.log (shown on failure): Debian's
# Maven 3.8 prints colour resets even with -q -B.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
command -v mvn >/dev/null || { echo "build.sh: mvn not found (apt-get install maven)" >&2; exit 1; }
mkdir -p "$HERE/target"
if ! mvn -q -B -T1 -f "$HERE/pom.xml" package -DskipTests >"$HERE/target/build.log" 2>&1; then
  tail -n 40 "$HERE/target/build.log" >&2
  echo "build.sh: mvn package failed (log: $HERE/target/build.log)" >&2
  exit 1
fi
[[ -s $HERE/target/classpath.txt && -s $HERE/target/rtm-kstreams-1.jar ]] ||
  { echo "build.sh: the build left no jar or class path" >&2; exit 1; }
echo "$HERE/run.sh"
