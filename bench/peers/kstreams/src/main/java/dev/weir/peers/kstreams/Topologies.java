package dev.weir.peers.kstreams;

import dev.weir.peers.kstreams.Records.Event;
import dev.weir.peers.kstreams.Records.OutA;
import dev.weir.peers.kstreams.Records.OutB;
import dev.weir.peers.kstreams.Records.OutC;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Queries A, B and C of bench/rtm as Kafka Streams DSL topologies.
 *
 * <p>Keys: rtm-load keys each input record by grp (decimal text), and Weir's
 * sinks key each output by grp (`?key=grp`): every topology reads and writes
 * String keys holding grp.
 */
final class Topologies {
  private Topologies() {}

  static final Serde<String> KEY = Serdes.String();
  static final Serde<Event> EVENT = JsonSerde.of(Event.class);

  /** base64 of the first 1000 characters (the payload is ASCII, as in Weir's substr). */
  static String truncatedBase64(String payload) {
    String head = payload.length() > 1000 ? payload.substring(0, 1000) : payload;
    return Base64.getEncoder().encodeToString(head.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A builder that sees the application's configuration (a bare
   * `new StreamsBuilder()` builds with defaults, e.g. the record cache size,
   * until KafkaStreams applies its own).
   */
  private static StreamsBuilder builder(Properties config) {
    return new StreamsBuilder(new TopologyConfig(new StreamsConfig(config)));
  }

  private static KStream<String, Event> events(StreamsBuilder b, String in) {
    return b.stream(in, Consumed.with(KEY, EVENT).withName("events"));
  }

  /** A: stateless, one output per input. */
  static Topology queryA(Properties config, String in, String out) {
    StreamsBuilder b = builder(config);
    events(b, in)
        .mapValues(e -> new OutA(e.seq(), e.sent_us(), e.grp(), truncatedBase64(e.payload())))
        .to(out, Produced.with(KEY, JsonSerde.of(OutA.class)));
    return b.build(config);
  }

  /**
   * B: count per grp and the last sent_us, an update per input record (the
   * record cache is off, see Main). The input is already keyed and
   * partitioned by grp, so groupByKey needs no repartition topic; the running
   * aggregate is the output row itself, kept in a store with a changelog.
   */
  static Topology queryB(Properties config, String in, String out, boolean inMemoryStore) {
    StreamsBuilder b = builder(config);
    Serde<OutB> outB = JsonSerde.of(OutB.class);
    Materialized<String, OutB, KeyValueStore<Bytes, byte[]>> store =
        inMemoryStore
            ? Materialized.as(Stores.inMemoryKeyValueStore("counts"))
            : Materialized.as("counts");
    events(b, in)
        .groupByKey(Grouped.with(KEY, EVENT))
        .aggregate(
            () -> new OutB(0, 0, 0),
            (grp, e, agg) -> new OutB(e.grp(), agg.n() + 1, e.sent_us()),
            store.withKeySerde(KEY).withValueSerde(outB))
        .toStream()
        .to(out, Produced.with(KEY, outB));
    return b.build(config);
  }

  /**
   * C with a GlobalKTable: the lookup table lives in a compacted topic (loaded
   * from the CSV by LookupTopic), each instance holds all of it and joins
   * without co-partitioning. Kafka Streams reads the topic to its end before
   * it processes the first event, so no event races the table's loading.
   */
  static Topology queryCGlobal(
      Properties config, String in, String out, String lookupTopic, boolean inMemoryStore) {
    StreamsBuilder b = builder(config);
    Materialized<Long, Long, KeyValueStore<Bytes, byte[]>> store =
        inMemoryStore
            ? Materialized.as(Stores.inMemoryKeyValueStore("lookup"))
            : Materialized.as("lookup");
    GlobalKTable<Long, Long> lookup =
        b.globalTable(
            lookupTopic,
            Consumed.with(Serdes.Long(), Serdes.Long()),
            store.withKeySerde(Serdes.Long()).withValueSerde(Serdes.Long()));
    events(b, in)
        .join(
            lookup,
            (grp, e) -> e.lookup_key(),
            (e, value) ->
                new OutC(e.seq(), e.sent_us(), e.grp(), value, truncatedBase64(e.payload())))
        .to(out, Produced.with(KEY, JsonSerde.of(OutC.class)));
    return b.build(config);
  }

  /**
   * C with the table in a plain in-memory map: for a static 10,000-row table
   * shipped as a file (as Weir's `table lookup = file(...)` reads it), a
   * lookup in a ValueMapper. flatMapValues drops a record without a row, as
   * the inner join does.
   */
  static Topology queryCMap(Properties config, String in, String out, Map<Long, Long> table) {
    StreamsBuilder b = builder(config);
    events(b, in)
        .flatMapValues(
            e -> {
              Long value = table.get(e.lookup_key());
              return value == null
                  ? List.<OutC>of()
                  : List.of(
                      new OutC(e.seq(), e.sent_us(), e.grp(), value, truncatedBase64(e.payload())));
            })
        .to(out, Produced.with(KEY, JsonSerde.of(OutC.class)));
    return b.build(config);
  }
}
