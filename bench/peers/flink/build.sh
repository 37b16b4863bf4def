#!/usr/bin/env bash
# Builds the Flink peer (bench/peers/flink): compiles the job and writes the
# launch class path (target/classpath.txt). Idempotent: Maven only downloads
# what ~/.m2 lacks. Prints the launcher's path.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
command -v mvn >/dev/null || { echo "build.sh: mvn not found (apt-get install maven)" >&2; exit 1; }
mvn -q -B -T1 -Dstyle.color=never -f "$HERE/pom.xml" package -DskipTests
[[ -s $HERE/target/classpath.txt && -f $HERE/target/rtm-flink-1.jar ]] ||
  { echo "build.sh: the build left no target/classpath.txt or jar" >&2; exit 1; }
echo "$HERE/run.sh"
