#!/usr/bin/env bash
# Runs the Flink peer: run.sh --brokers B --in T --out T --query A|B|C ...
# (README.md). build.sh first. The JVM holds the whole MiniCluster; SIGTERM
# or SIGINT to this script stops it.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CP_FILE=$HERE/target/classpath.txt
JAR=$HERE/target/rtm-flink-1.jar
[[ -s $CP_FILE && -f $JAR ]] || { echo "run.sh: not built (run $HERE/build.sh)" >&2; exit 1; }
# The module openings Flink's own launch scripts pass on Java 17
# (env.java.default-opts.all in its config.yaml): its serializers and
# memory management reach into these JDK packages.
OPENS=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)
# The heap holds job manager, task manager and records (Flink keeps network
# buffers and managed memory off-heap);
# RTM_FLINK_JVM_OPTS replaces these options.
JVM_OPTS=${RTM_FLINK_JVM_OPTS:--Xms256m -Xmx1g -XX:+UseG1GC}
# Flink unpacks its RPC system and keeps BLOBs and spill files under the
# temp dir (io.tmp.dirs defaults to java.io.tmpdir); a killed MiniCluster
# leaves them behind, so each run gets its own, removed when java exits.
RUN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/rtm-flink.XXXXXX")
# shellcheck disable=SC2086
java $JVM_OPTS "${OPENS[@]}" -Djava.io.tmpdir="$RUN_TMP" -cp "$JAR:$(<"$CP_FILE")" \
  dev.weir.peers.flink.RtmFlink "$@" &
pid=$!
# SIGTERM/SIGINT to this script stop the job (the JVM's shutdown hooks stop
# the MiniCluster); the script returns java's exit status.
trap 'kill -TERM "$pid" 2>/dev/null' TERM INT HUP
rc=0
wait "$pid" || rc=$?
# A trapped signal ends `wait` early: wait for java itself.
while kill -0 "$pid" 2>/dev/null; do
  rc=0
  wait "$pid" || rc=$?
done
rm -rf "$RUN_TMP"
exit "$rc"
