package dev.weir.peers.flink;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The command line (bench/peers/flink/README.md lists every option). */
final class Options {
  static final String USAGE =
      "usage: rtm-flink --brokers HOST:PORT --in TOPIC --out TOPIC --query A|B|C [--lookup PATH.csv]\n"
          + "         --guarantee at_least_once|exactly_once [--state-dir DIR] [--mode latency|defaults]\n"
          + "         [--buffer-timeout-ms N] [--checkpoint-interval-ms N] [--parallelism N]\n"
          + "         [--group-id ID] [--transactional-id-prefix P]";
  private static final Set<String> KNOWN = Set.of("brokers", "in", "out", "query", "lookup", "guarantee",
      "state-dir", "mode", "buffer-timeout-ms", "checkpoint-interval-ms", "parallelism", "group-id",
      "transactional-id-prefix");

  String brokers, in, out, query, lookup, guarantee, stateDir, groupId, transactionalIdPrefix;
  /** latency: the settings of the README's table; defaults: Flink's and Kafka's own (for comparison). */
  String mode = "latency";
  long bufferTimeoutMs, checkpointIntervalMs;
  int parallelism = 2;

  boolean exactlyOnce() {
    return guarantee.equals("exactly_once");
  }

  boolean latencyMode() {
    return mode.equals("latency");
  }

  static Options parse(String[] args) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || !KNOWN.contains(a.substring(2)))
        throw new IllegalArgumentException("unknown argument " + a);
      if (i + 1 >= args.length)
        throw new IllegalArgumentException(a + " needs a value");
      m.put(a.substring(2), args[++i]);
    }
    Options o = new Options();
    o.brokers = required(m, "brokers");
    o.in = required(m, "in");
    o.out = required(m, "out");
    o.query = oneOf(required(m, "query"), "query", "A", "B", "C");
    o.guarantee = oneOf(required(m, "guarantee"), "guarantee", "at_least_once", "exactly_once");
    o.mode = oneOf(m.getOrDefault("mode", o.mode), "mode", "latency", "defaults");
    o.lookup = m.get("lookup");
    if (o.query.equals("C") && o.lookup == null)
      throw new IllegalArgumentException("--query C needs --lookup PATH.csv");
    o.stateDir = m.get("state-dir");
    o.parallelism = Integer.parseInt(m.getOrDefault("parallelism", "2"));
    // 1 ms: a network buffer leaves at most 1 ms after its first record
    // (Flink's default 100 ms would dominate the latency); 0 = flush every record.
    o.bufferTimeoutMs = Long.parseLong(m.getOrDefault("buffer-timeout-ms", o.latencyMode() ? "1" : "100"));
    // exactly_once: output becomes visible at each completed checkpoint, so
    // this is its latency; 100 ms is Weir's --commit-interval in bench/rtm.
    // at_least_once: only bounds the replay after a failure.
    o.checkpointIntervalMs =
        Long.parseLong(m.getOrDefault("checkpoint-interval-ms", o.exactlyOnce() ? "100" : "1000"));
    if (o.exactlyOnce() && o.checkpointIntervalMs <= 0)
      throw new IllegalArgumentException("exactly_once needs checkpoints (--checkpoint-interval-ms > 0)");
    o.groupId = m.getOrDefault("group-id", "rtm-flink-" + o.out);
    o.transactionalIdPrefix = m.getOrDefault("transactional-id-prefix", "rtm-flink-" + o.out);
    return o;
  }

  private static String required(Map<String, String> m, String key) {
    String v = m.get(key);
    if (v == null || v.isEmpty())
      throw new IllegalArgumentException("--" + key + " is required");
    return v;
  }

  private static String oneOf(String v, String key, String... allowed) {
    for (String a : allowed)
      if (a.equals(v))
        return v;
    throw new IllegalArgumentException("--" + key + " must be one of " + String.join("|", allowed) + ", got " + v);
  }
}
