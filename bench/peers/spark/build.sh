#!/usr/bin/env bash
# Builds the Spark peer (bench/peers/spark): compiles the main class and writes
# target/classpath.txt (the dependency jars in the local Maven repository), which
# run.sh puts on the class path. Idempotent: Maven rebuilds only what changed.
# The first build downloads Spark 4.2.0 and its dependencies (~330 MB) from Maven Central.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mvn -q -B -T1 -Dstyle.color=never -f "$here/pom.xml" package 2>&1 | sed "s/\x1b\[[0-9;]*m//g"
[[ -s $here/target/classpath.txt ]] || { echo "build.sh: target/classpath.txt missing" >&2; exit 1; }
echo "launcher: $here/run.sh (main class weir.peers.spark.SparkPeer, jar $here/target/spark-peer-1.0.jar)"
