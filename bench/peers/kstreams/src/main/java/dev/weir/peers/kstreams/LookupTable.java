package dev.weir.peers.kstreams;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.LongSerializer;

/** Query C's lookup table: the CSV of `rtm-load --write-table`, and its topic. */
final class LookupTable {
  private LookupTable() {}

  /** Reads `lookup_key,lookup_value` rows (a header line first). */
  static Map<Long, Long> read(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    if (lines.isEmpty() || !lines.get(0).trim().equals("lookup_key,lookup_value"))
      throw new IOException(csv + ": expected the header lookup_key,lookup_value");
    Map<Long, Long> table = new HashMap<>(lines.size() * 2);
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty()) continue;
      int comma = line.indexOf(',');
      if (comma < 0) throw new IOException(csv + ":" + (i + 1) + ": no comma");
      table.put(Long.parseLong(line.substring(0, comma)), Long.parseLong(line.substring(comma + 1)));
    }
    return table;
  }

  /**
   * Makes `topic` (one partition, compacted: a table's changelog) hold the
   * table. Creating it is skipped when it exists, and writing the rows again
   * is harmless: compaction keeps the last value per key and the values are
   * the same. The broker refuses to create topics on its own
   * (auto.create.topics.enable=false), hence the Admin call.
   */
  static void load(String brokers, String topic, Map<Long, Long> table)
      throws InterruptedException, ExecutionException {
    Properties ap = new Properties();
    ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    try (Admin admin = Admin.create(ap)) {
      NewTopic nt =
          new NewTopic(topic, 1, (short) -1)
              .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      try {
        admin.createTopics(List.of(nt)).all().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) throw e;
      }
    }
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<Long, Long> producer =
        new KafkaProducer<>(pp, new LongSerializer(), new LongSerializer())) {
      AtomicReference<Exception> failed = new AtomicReference<>();
      for (Map.Entry<Long, Long> row : table.entrySet())
        producer.send(
            new ProducerRecord<>(topic, row.getKey(), row.getValue()),
            (md, e) -> {
              if (e != null) failed.compareAndSet(null, e);
            });
      producer.flush();
      if (failed.get() != null) throw new ExecutionException("writing " + topic, failed.get());
    }
  }
}
