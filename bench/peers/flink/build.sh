#!/usr/bin/env bash
# Builds the Flink peer (bench/peers/flink): compiles the job and writes the
# launch class path (target/classpath.txt). Idempotent: Maven only downloads
# what ~/.m2 lacks. Prints the launcher's path.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
command -v mvn >/dev/null || { echo "build.sh: mvn not found (apt-get install maven)" >&2; exit 1; }
JAR=$HERE/target/rtm-flink-1.jar
CP=$HERE/target/classpath.txt
# Up to date (jar and class path newer than the pom and every source): skip
# Maven's ~10 s start-up, so quick_check.py can call this every time.
if [[ -f $JAR && -s $CP && -z $(find "$HERE/pom.xml" "$HERE/src" -newer "$JAR" -print -quit) &&
      -z $(find "$HERE/pom.xml" -newer "$CP" -print -quit) ]] &&
   tr ':' '\n' <"$CP" | while read -r j || [[ -n $j ]]; do [[ -f $j ]] || exit 1; done; then
  echo "$HERE/run.sh"
  exit 0
fi
mkdir -p "$HERE/target"
# Maven's output goes to a log (shown on failure): stdout is only the launcher.
mvn -B -T1 -Dstyle.color=never -f "$HERE/pom.xml" package -DskipTests >"$HERE/target/build.log" 2>&1 ||
  { tail -n 40 "$HERE/target/build.log" >&2; echo "build.sh: mvn package failed (log: $HERE/target/build.log)" >&2; exit 1; }
[[ -s $CP && -f $JAR ]] ||
  { echo "build.sh: the build left no target/classpath.txt or jar" >&2; exit 1; }
# Maven leaves a jar whose contents did not change as it was: mark it current.
touch "$JAR" "$CP"
echo "$HERE/run.sh"
