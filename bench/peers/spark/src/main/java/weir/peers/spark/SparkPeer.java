package weir.peers.spark;

import static org.apache.spark.sql.functions.base64;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.to_json;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;

/**
 * The bench/rtm queries A, B and C on Spark Structured Streaming (local mode), Kafka in and
 * Kafka out, for comparison with Weir's query_a/b/c.weir. Every setting that differs from Spark's
 * defaults is listed, with the reason, in ../../../../../README.md (bench/peers/spark/README.md).
 *
 * <pre>
 *   run.sh --brokers HOST:PORT --in TOPIC --out TOPIC --query A|B|C [--lookup PATH.csv]
 *          --guarantee at_least_once [--state-dir DIR] [--mode rtm|microbatch|availablenow]
 *          [--rtm-batch DURATION] [--cores N]
 * </pre>
 *
 * Exit codes: 0 after a clean stop (or, under availablenow, once the query has processed what
 * the topic held at its start), 2 for a usage error, 3 for a combination that Spark 4.2 does
 * not offer (exactly_once to Kafka; query B in Real-Time Mode), 1 when the query fails.
 */
public final class SparkPeer {
  private static final String TOOL = "spark-peer";

  /** The input records' JSON shape (bench/rtm/Record.h). */
  private static final StructType EVENT =
      StructType.fromDDL("seq BIGINT, sent_us BIGINT, grp BIGINT, lookup_key BIGINT, payload STRING");

  /** Query C's table (rtm-load --write-table): a CSV file with a header. */
  private static final StructType LOOKUP = StructType.fromDDL("lookup_key BIGINT, lookup_value BIGINT");

  static final class Args {
    String brokers, in, out, query, lookup, guarantee, stateDir;
    String mode = "rtm";
    String rtmBatch = "5 minutes"; // Spark's own default for Trigger.RealTime()
    int cores = 2;
    boolean tryUnsupported = false;
  }

  public static void main(String[] argv) throws Exception {
    Args a = parse(argv);
    refuseUnsupported(a);

    // Local mode with one core per input partition: Real-Time Mode runs one long-running task per
    // Kafka partition and needs them all at once (2 partitions in bench/rtm).
    SparkSession spark =
        SparkSession.builder()
            .appName("weir-peer-" + a.query)
            .master("local[" + a.cores + "]")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.adaptive.enabled", "false")
            .config("spark.sql.chunkBase64String.enabled", "false")
            .getOrCreate();

    File checkpoint = checkpointDir(a);
    Dataset<Row> events = readEvents(spark, a);
    Dataset<Row> result;
    switch (a.query) {
      case "A" -> result = queryA(events);
      case "B" -> result = queryB(events);
      default -> result = queryC(spark, events, a.lookup);
    }
    StreamingQuery q = writeKafka(result, a, checkpoint).start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    if (q.isActive()) q.stop();
                  } catch (Exception e) {
                    // Stopping on SIGTERM: nothing left to report.
                  }
                }));
    System.err.printf(
        "%s: query %s started %.1f s after JVM start (mode %s, trigger %s, checkpoint %s)%n",
        TOOL, a.query, uptimeSeconds(), a.mode, triggerName(a), checkpoint);
    try {
      q.awaitTermination();
    } catch (Exception e) {
      System.err.println(TOOL + ": query failed: " + e.getMessage());
      System.exit(1);
    }
    if (a.mode.equals("availablenow")) {
      // The query ended by itself: everything the topic held when it started is written.
      // recentProgress keeps the last 100 batches (spark.sql.streaming.numRecentProgressUpdates);
      // AvailableNow without maxOffsetsPerTrigger plans one batch for the lot.
      long rows = 0;
      for (StreamingQueryProgress p : q.recentProgress()) rows += p.numInputRows();
      System.err.printf(
          "%s: query %s terminated %.1f s after JVM start (availablenow: %d input rows in %d batches)%n",
          TOOL, a.query, uptimeSeconds(), rows, q.recentProgress().length);
    }
    spark.stop();
  }

  private static double uptimeSeconds() {
    return ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
  }

  private static String triggerName(Args a) {
    return switch (a.mode) {
      case "rtm" -> "RealTime(" + a.rtmBatch + ")";
      case "availablenow" -> "AvailableNow";
      default -> "ProcessingTime(0)";
    };
  }

  // ------------------------------------------------------------------ source and sink

  private static Dataset<Row> readEvents(SparkSession spark, Args a) {
    return spark
        .readStream()
        .format("kafka")
        .option("kafka.bootstrap.servers", a.brokers)
        .option("subscribe", a.in)
        // Weir and the relay read the input from its first record.
        .option("startingOffsets", "earliest")
        // Weir's consumer (KafkaDefaults.h): answer a fetch after 1 ms at most when there is
        // nothing new (fetch.min.bytes is already 1: data is returned as soon as it exists).
        .option("kafka.fetch.max.wait.ms", "1")
        // Weir's consumer reads committed data only (librdkafka's default too).
        .option("kafka.isolation.level", "read_committed")
        .load()
        .select(from_json(col("value").cast("string"), EVENT).as("e"))
        .select("e.*");
  }

  private static DataStreamWriter<Row> writeKafka(Dataset<Row> result, Args a, File checkpoint) {
    // The Kafka sink takes a `key` and a `value` column. Output records are keyed by grp as
    // Weir's sinks are (?key=grp), so one group's updates stay in order in one partition.
    DataStreamWriter<Row> w =
        result
            .select(col("grp").cast("string").as("key"), to_json(struct(col("*"))).as("value"))
            .writeStream()
            .format("kafka")
            .option("kafka.bootstrap.servers", a.brokers)
            .option("topic", a.out)
            .option("checkpointLocation", checkpoint.getPath())
            // Weir's producer (KafkaDefaults.h): linger 1 ms, acks from all in-sync replicas,
            // idempotent (the last two are also kafka-clients' defaults; set to say so).
            .option("kafka.linger.ms", "1")
            .option("kafka.acks", "all")
            .option("kafka.enable.idempotence", "true")
            .outputMode("update");
    if (a.mode.equals("rtm")) {
      // The duration is Real-Time Mode's checkpoint interval, not a latency bound: records flow
      // through long-running tasks and are written as they come.
      return w.trigger(Trigger.RealTime(a.rtmBatch));
    }
    if (a.mode.equals("availablenow")) {
      // Everything the topic holds at the start (as of then), in as few micro-batches as the
      // source's limits allow (none set: one), then the query stops: Spark's batch-over-a-stream.
      // No async progress tracking: Spark refuses it with AvailableNow (and Once) triggers.
      return w.trigger(Trigger.AvailableNow());
    }
    w = w.trigger(Trigger.ProcessingTime(0));
    if (!a.query.equals("B")) {
      // Stateless micro-batches: write the offset and commit logs off the critical path (Spark
      // supports this for stateless queries with a Kafka sink only); each batch is still logged.
      w = w.option("asyncProgressTrackingEnabled", "true")
          .option("asyncProgressTrackingCheckpointIntervalMs", "0");
    }
    return w;
  }

  // ------------------------------------------------------------------ the queries

  /** First 1,000 characters of the payload, base64 (as Weir's base64(substr(payload, 1, 1000))). */
  private static Column payload1000() {
    return base64(substring(col("payload"), 1, 1000)).as("payload");
  }

  /** A: stateless projection. */
  static Dataset<Row> queryA(Dataset<Row> events) {
    return events.select(col("seq"), col("sent_us"), col("grp"), payload1000());
  }

  /**
   * B: running count per group, in update mode. sent_us of an update is the group's latest send
   * time: max(sent_us), which is the last record's since rtm-load stamps increasing send times
   * (max is deterministic where last() depends on the order rows meet inside a task). A
   * micro-batch emits one update per group it touched, carrying the count after its last record.
   */
  static Dataset<Row> queryB(Dataset<Row> events) {
    return events.groupBy(col("grp")).agg(count(lit(1)).as("n"), max(col("sent_us")).as("sent_us"));
  }

  /**
   * C: stream-static inner join with the lookup table. The table (10,000 rows) is read once and
   * held as a local relation, broadcast to the join: Real-Time Mode requires a broadcast join, and
   * a local relation is neither re-read from the file nor a cached relation (which Real-Time Mode's
   * operator allowlist does not admit).
   */
  static Dataset<Row> queryC(SparkSession spark, Dataset<Row> events, String lookupPath) {
    List<Row> rows = spark.read().option("header", "true").schema(LOOKUP).csv(lookupPath).collectAsList();
    Dataset<Row> lookup = spark.createDataFrame(rows, LOOKUP);
    return events
        .join(broadcast(lookup), "lookup_key")
        .select(col("seq"), col("sent_us"), col("grp"), col("lookup_value"), payload1000());
  }

  // ------------------------------------------------------------------ arguments

  /** Refuses, with the reason, what open-source Spark 4.2 cannot do, instead of doing less. */
  private static void refuseUnsupported(Args a) {
    if (a.guarantee.equals("exactly_once")) {
      fail(3, "--guarantee exactly_once is not available: Spark's Kafka sink delivers at least once "
          + "only (no transactional producer; after a failure a batch's records may be written "
          + "again). Use --guarantee at_least_once.");
    }
    if (a.query.equals("B") && a.mode.equals("rtm") && !a.tryUnsupported) {
      fail(3, "query B (streaming aggregation) in Real-Time Mode is not supported in open-source "
          + "Spark 4.2: Real-Time Mode runs stateless queries only (Kafka source, Kafka/foreach "
          + "sink, projections, filters, broadcast stream-static joins); stateful operators come "
          + "in 4.3. Run B with --mode microbatch.");
    }
  }

  private static File checkpointDir(Args a) throws IOException {
    if (a.stateDir != null) {
      File d = new File(a.stateDir);
      if (!d.isDirectory() && !d.mkdirs()) fail(2, "cannot create --state-dir " + a.stateDir);
      return new File(d, "checkpoint-" + a.query);
    }
    // No --state-dir: a fresh checkpoint per run (both triggers need one), removed at exit.
    File d = Files.createTempDirectory("spark-peer-ckpt-").toFile();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(d)));
    return d;
  }

  private static void deleteTree(File f) {
    File[] children = f.listFiles();
    if (children != null) for (File c : children) deleteTree(c);
    f.delete();
  }

  private static Args parse(String[] argv) {
    Args a = new Args();
    Map<String, String> kv = new LinkedHashMap<>();
    for (int i = 0; i < argv.length; i++) {
      String k = argv[i];
      if (k.equals("-h") || k.equals("--help")) {
        System.out.println(usage());
        System.exit(0);
      }
      if (k.equals("--try-unsupported")) {
        a.tryUnsupported = true;
        continue;
      }
      if (!k.startsWith("--") || i + 1 >= argv.length) fail(2, "bad argument '" + k + "'\n" + usage());
      kv.put(k, argv[++i]);
    }
    for (Map.Entry<String, String> e : kv.entrySet()) {
      String v = e.getValue();
      switch (e.getKey()) {
        case "--brokers" -> a.brokers = v;
        case "--in" -> a.in = v;
        case "--out" -> a.out = v;
        case "--query" -> a.query = v.toUpperCase();
        case "--lookup" -> a.lookup = v;
        case "--guarantee" -> a.guarantee = v;
        case "--state-dir" -> a.stateDir = v;
        case "--mode" -> a.mode = v;
        case "--rtm-batch" -> a.rtmBatch = v;
        case "--cores" -> a.cores = Integer.parseInt(v);
        default -> fail(2, "unknown option " + e.getKey() + "\n" + usage());
      }
    }
    if (a.brokers == null || a.in == null || a.out == null || a.query == null || a.guarantee == null)
      fail(2, "--brokers, --in, --out, --query and --guarantee are required\n" + usage());
    if (!List.of("A", "B", "C").contains(a.query)) fail(2, "--query must be A, B or C");
    if (!List.of("at_least_once", "exactly_once").contains(a.guarantee))
      fail(2, "--guarantee must be at_least_once or exactly_once");
    if (!List.of("rtm", "microbatch", "availablenow").contains(a.mode))
      fail(2, "--mode must be rtm, microbatch or availablenow");
    if (a.query.equals("C") && a.lookup == null) fail(2, "query C needs --lookup PATH.csv");
    return a;
  }

  private static String usage() {
    return "usage: run.sh --brokers HOST:PORT --in TOPIC --out TOPIC --query A|B|C [--lookup PATH.csv]\n"
        + "              --guarantee at_least_once [--state-dir DIR] [--mode rtm|microbatch|availablenow]\n"
        + "              [--rtm-batch DURATION] [--cores N] [--try-unsupported]\n"
        + "  --mode rtm         Trigger.RealTime(--rtm-batch, default '5 minutes'): A and C only\n"
        + "  --mode microbatch  Trigger.ProcessingTime(0): A, B and C\n"
        + "  --mode availablenow  Trigger.AvailableNow(): what the topic holds at the start, then exit 0\n"
        + "  --state-dir DIR    keep the checkpoint in DIR/checkpoint-Q (default: a temporary one)\n"
        + "  --cores N          local[N]; at least the input's partition count under rtm (default 2)\n"
        + "  --try-unsupported  hand query B under rtm to Spark anyway (to see Spark's own error)";
  }

  private static void fail(int code, String message) {
    System.err.println(TOOL + ": " + message);
    System.exit(code);
  }
}
