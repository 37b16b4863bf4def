#!/usr/bin/env bash
# Runs the Spark peer: run.sh --brokers HOST:PORT --in TOPIC --out TOPIC --query A|B|C ...
# (see README.md or run.sh --help). Build first with build.sh.
#
# A plain `java` main (no spark-submit), so the JVM gets by hand the flags Spark's launcher
# adds: org.apache.spark.launcher.JavaModuleOptions in spark-launcher_2.13-4.2.0 (the same list
# as the JAVA_MODULE_OPTIONS of Spark's pom.xml). Spark reaches into JDK internals
# (direct buffers, Unsafe, reflection in Kryo/Netty); without these it fails at start-up on Java 17.
# --sun-misc-unsafe-memory-access is a Java 23+ flag: -XX:+IgnoreUnrecognizedVMOptions lets
# Java 17 ignore it, as it does for Spark.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cp_file=$here/target/classpath.txt
jar=$here/target/spark-peer-1.0.jar
[[ -s $cp_file && -f $jar ]] || { echo "run.sh: not built; run $here/build.sh first" >&2; exit 2; }

SPARK_MODULE_OPTIONS=(
  -XX:+IgnoreUnrecognizedVMOptions
  --add-modules=jdk.incubator.vector
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  -Dio.netty.tryReflectionSetAccessible=true
  -Dio.netty.allocator.type=pooled
  -Dio.netty.handler.ssl.defaultEndpointVerificationAlgorithm=NONE
  --sun-misc-unsafe-memory-access=allow
  --enable-native-access=ALL-UNNAMED
)
# Heap: local mode runs driver and executor in this one JVM. 2 GB is ample for these queries
# (B's state is 5,000 groups); SPARK_PEER_JAVA_OPTS adds or overrides flags.
# The incubator-module warning Java prints for jdk.incubator.vector goes to stderr (harmless).
# Spark binds to the address the host name resolves to unless told; the benchmark is loopback only.
export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}
exec java -Xms512m -Xmx2g "${SPARK_MODULE_OPTIONS[@]}" ${SPARK_PEER_JAVA_OPTS:-} \
  -cp "$jar:$(<"$cp_file")" weir.peers.spark.SparkPeer "$@"
