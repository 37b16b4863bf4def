package dev.weir.peers.kstreams;

/**
 * The JSON records of bench/rtm (see bench/rtm/Record.h). Field names are the
 * JSON names, so Jackson maps them without annotations; the outputs' component
 * order is the order of the fields in Weir's sinks.
 */
final class Records {
  private Records() {}

  /** An input record as rtm-load writes it (its Kafka key is grp as text). */
  record Event(long seq, long sent_us, long grp, long lookup_key, String payload) {}

  /** Query A's output. */
  record OutA(long seq, long sent_us, long grp, String payload) {}

  /** Query B's output and aggregate: the running count of grp, the last record's sent_us. */
  record OutB(long grp, long n, long sent_us) {}

  /** Query C's output. */
  record OutC(long seq, long sent_us, long grp, long lookup_value, String payload) {}
}
