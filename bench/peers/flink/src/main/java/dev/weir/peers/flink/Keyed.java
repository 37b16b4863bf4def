package dev.weir.peers.flink;

/** An output row with a group: its Kafka key, as Weir's sinks use ?key=grp. */
public interface Keyed {
  long key();
}
