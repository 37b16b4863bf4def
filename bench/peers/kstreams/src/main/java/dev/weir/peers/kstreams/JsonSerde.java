package dev.weir.peers.kstreams;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** A Jackson serde for one record class: the usual way to carry JSON values in Kafka Streams. */
final class JsonSerde {
  private JsonSerde() {}

  // One mapper for all serdes: it is thread-safe once configured, and its
  // per-class (de)serializers are cached inside it.
  private static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  static <T> Serde<T> of(Class<T> type) {
    Serializer<T> ser =
        (topic, value) -> {
          if (value == null) return null;
          try {
            return MAPPER.writeValueAsBytes(value);
          } catch (IOException e) {
            throw new SerializationException("writing " + type.getSimpleName() + " as JSON", e);
          }
        };
    Deserializer<T> de =
        (topic, bytes) -> {
          if (bytes == null) return null;
          try {
            return MAPPER.readValue(bytes, type);
          } catch (IOException e) {
            throw new SerializationException("reading " + type.getSimpleName() + " from JSON", e);
          }
        };
    return Serdes.serdeFrom(ser, de);
  }
}
