package dev.weir.peers.kstreams;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/**
 * bench/rtm's queries A, B, C on Kafka Streams, run until SIGTERM/SIGINT.
 *
 * <pre>
 * rtm-kstreams --brokers HOST:PORT --in TOPIC --out TOPIC --query A|B|C [--lookup PATH.csv]
 *              --guarantee at_least_once|exactly_once [--state-dir DIR] [--mode MODE]
 *              [--threads N] [--commit-interval-ms MS] [--app-id ID] [--lookup-topic TOPIC]
 *              [--config KEY=VALUE]...
 * </pre>
 *
 * --mode: rocksdb (default: B's store and C's GlobalKTable in RocksDB, Kafka
 * Streams' default store), memory (both in in-memory stores, still backed by
 * their topics), map (C only: the CSV in a HashMap, no table topic).
 * --config sets any StreamsConfig key (prefixes such as producer. work), after
 * and over the settings below. Prints "rtm-kstreams: RUNNING" on stderr when
 * the instance starts processing; exits 1 if it fails.
 */
public final class Main {
  private Main() {}

  static final String TOOL = "rtm-kstreams";

  static final class Args {
    String brokers, in, out, query, lookup, guarantee = "at_least_once", stateDir, mode = "rocksdb";
    String appId, lookupTopic;
    int threads = 2;
    Long commitIntervalMs;
    final List<String> config = new ArrayList<>();
  }

  static void die(String message) {
    System.err.println(TOOL + ": " + message);
    System.exit(2);
  }

  static Args parse(String[] argv) {
    Args a = new Args();
    for (int i = 0; i < argv.length; i++) {
      String opt = argv[i];
      if (opt.equals("--help") || opt.equals("-h")) {
        System.out.println(
            "usage: " + TOOL + " --brokers HOST:PORT --in TOPIC --out TOPIC --query A|B|C"
                + " [--lookup PATH.csv] --guarantee at_least_once|exactly_once [--state-dir DIR]"
                + " [--mode rocksdb|memory|map] [--threads N] [--commit-interval-ms MS]"
                + " [--app-id ID] [--lookup-topic TOPIC] [--config KEY=VALUE]...");
        System.exit(0);
      }
      if (i + 1 >= argv.length) die(opt + " needs a value");
      String v = argv[++i];
      switch (opt) {
        case "--brokers" -> a.brokers = v;
        case "--in" -> a.in = v;
        case "--out" -> a.out = v;
        case "--query" -> a.query = v;
        case "--lookup" -> a.lookup = v;
        case "--guarantee" -> a.guarantee = v;
        case "--state-dir" -> a.stateDir = v;
        case "--mode" -> a.mode = v;
        case "--app-id" -> a.appId = v;
        case "--lookup-topic" -> a.lookupTopic = v;
        case "--threads" -> a.threads = Integer.parseInt(v);
        case "--commit-interval-ms" -> a.commitIntervalMs = Long.parseLong(v);
        case "--config" -> a.config.add(v);
        default -> die("unknown option " + opt);
      }
    }
    if (a.brokers == null || a.in == null || a.out == null || a.query == null)
      die("--brokers, --in, --out and --query are required");
    if (!List.of("A", "B", "C").contains(a.query)) die("--query must be A, B or C");
    if (!List.of("at_least_once", "exactly_once").contains(a.guarantee))
      die("--guarantee must be at_least_once or exactly_once");
    if (!List.of("rocksdb", "memory", "map").contains(a.mode))
      die("--mode must be rocksdb, memory or map");
    if (a.mode.equals("map") && !a.query.equals("C")) die("--mode map is for query C");
    if (a.query.equals("C") && a.lookup == null) die("query C needs --lookup PATH.csv");
    if (a.appId == null) a.appId = TOOL + "-" + a.query + "-" + a.out;
    if (a.lookupTopic == null) a.lookupTopic = a.out + ".lookup";
    return a;
  }

  /**
   * The settings that matter for latency, each explicit (README.md has the
   * table, with Kafka Streams' default and why each differs).
   */
  static Properties config(Args a) {
    boolean eos = a.guarantee.equals("exactly_once");
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, a.appId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, a.brokers);
    p.put(
        StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
        eos ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
    // Two input partitions, two tasks, two cores: one thread per task.
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, a.threads);
    // Exactly-once: output becomes visible at each transaction commit, every
    // 100 ms as Weir's --commit-interval (and Kafka Streams' EOS default).
    // At-least-once: output is visible when written; a commit only saves the
    // input offsets, so the default 30 s stays (Weir's at_least_once run in
    // bench/rtm checkpoints nothing at all).
    p.put(
        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
        a.commitIntervalMs != null ? a.commitIntervalMs : (eos ? 100L : 30000L));
    // No record cache: every update of B is emitted at once instead of being
    // coalesced until the cache flushes (at commit).
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
    if (a.stateDir != null) p.put(StreamsConfig.STATE_DIR_CONFIG, a.stateDir);
    // Producer as Weir's (runtime/src/kafka/KafkaDefaults.h): linger 1 ms
    // (Kafka Streams overrides the producer's 5 ms default with 100 ms),
    // acks=all, idempotent (the producer defaults, written out).
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 1);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
    p.put(StreamsConfig.producerPrefix(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG), true);
    // Main consumer as Weir's: a fetch returns after 1 ms at most when no
    // data is there (fetch.wait.max.ms=1 in librdkafka), one byte suffices.
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 1);
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), 1);
    // The benchmark starts a program on a fresh topic, then the load:
    // read from the start (the Kafka Streams default, written out).
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // No effect on the queries (no processing exception handler is set, the
    // default fails either way): opts in to what Kafka Streams 5.0 does, which
    // silences a warning logged at every start.
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    for (String kv : a.config) {
      int eq = kv.indexOf('=');
      if (eq <= 0) die("--config wants KEY=VALUE, got '" + kv + "'");
      p.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return p;
  }

  static Topology topology(Args a, Properties config) throws Exception {
    boolean memory = a.mode.equals("memory");
    switch (a.query) {
      case "A":
        return Topologies.queryA(config, a.in, a.out);
      case "B":
        return Topologies.queryB(config, a.in, a.out, memory);
      default:
        Map<Long, Long> table = LookupTable.read(Path.of(a.lookup));
        if (a.mode.equals("map")) return Topologies.queryCMap(config, a.in, a.out, table);
        LookupTable.load(a.brokers, a.lookupTopic, table);
        return Topologies.queryCGlobal(config, a.in, a.out, a.lookupTopic, memory);
    }
  }

  public static void main(String[] argv) throws Exception {
    Args a = parse(argv);
    Properties config = config(a);
    KafkaStreams streams = new KafkaStreams(topology(a, config), config);
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger exitCode = new AtomicInteger();
    streams.setUncaughtExceptionHandler(
        e -> {
          System.err.println(TOOL + ": stream thread failed: " + e);
          exitCode.set(1);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.RUNNING && before == KafkaStreams.State.REBALANCING)
            System.err.println(TOOL + ": " + now);
          if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
            if (now == KafkaStreams.State.ERROR) exitCode.set(1);
            done.countDown();
          }
        });
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  streams.close(Duration.ofSeconds(20));
                  done.countDown();
                },
                TOOL + "-shutdown"));
    System.err.println(TOOL + ": query " + a.query + ", " + a.guarantee + ", mode " + a.mode
        + ", " + a.threads + " threads, application.id " + a.appId);
    streams.start();
    done.await();
    // A failed client is closed here; on SIGTERM the hook has closed it.
    streams.close(Duration.ofSeconds(20));
    System.exit(exitCode.get());
  }
}
