package dev.weir.peers.flink;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.formats.json.JsonDeserializationSchema;
import org.apache.flink.formats.json.JsonSerializationSchema;

/**
 * The Kafka source and sink, with the client settings of Weir's runtime
 * (runtime/src/kafka/KafkaDefaults.h) where the Java client has a
 * counterpart. --mode defaults leaves the clients at their own defaults.
 */
final class KafkaIo {
  private KafkaIo() {}

  static KafkaSource<Event> source(Options o) {
    var b = KafkaSource.<Event>builder()
        .setBootstrapServers(o.brokers)
        .setTopics(o.in)
        // Partitions are assigned by the source's enumerator (no group
        // membership, like Weir's source); the id names the committed offsets.
        .setGroupId(o.groupId)
        .setClientIdPrefix(o.groupId)
        .setStartingOffsets(OffsetsInitializer.earliest())
        .setValueOnlyDeserializer(new JsonDeserializationSchema<>(Event.class));
    if (o.latencyMode()) {
      // Weir: fetch.wait.max.ms=1, fetch.min.bytes=1 (the Java client's
      // default), isolation.level=read_committed. The Java default wait is 500 ms.
      b.setProperty("fetch.max.wait.ms", "1")
          .setProperty("fetch.min.bytes", "1")
          .setProperty("isolation.level", "read_committed");
    }
    return b.build();
  }

  static <T extends Keyed> KafkaSink<T> sink(Options o) {
    KafkaRecordSerializationSchema<T> records = KafkaRecordSerializationSchema.<T>builder()
        .setTopic(o.out)
        // Keyed by grp as Weir's sinks (?key=grp): one group, one partition.
        .setKeySerializationSchema((T row) -> Long.toString(row.key()).getBytes(StandardCharsets.UTF_8))
        .setValueSerializationSchema(new JsonSerializationSchema<T>())
        .build();
    var b = KafkaSink.<T>builder()
        .setBootstrapServers(o.brokers)
        .setRecordSerializer(records)
        .setDeliveryGuarantee(o.exactlyOnce() ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE);
    if (o.exactlyOnce()) {
      b.setTransactionalIdPrefix(o.transactionalIdPrefix)
          // KafkaSink's default (1 h) exceeds the broker's
          // transaction.max.timeout.ms (15 min) and would be refused.
          .setProperty("transaction.timeout.ms", "600000");
    }
    if (o.latencyMode()) {
      // Weir: linger.ms=1 (the Java client's default is 5 since Kafka 4.0),
      // acks=all and idempotence (the Java defaults, set to say so).
      b.setProperty("linger.ms", "1").setProperty("acks", "all").setProperty("enable.idempotence", "true");
    }
    return b.build();
  }
}
