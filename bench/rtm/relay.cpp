// rtm-relay: the latency floor. A bare consume -> produce loop with
// librdkafka and the benchmark's client settings (Kafka.h, the same as
// Weir's runtime): what any Kafka-in, Kafka-out program pays before doing
// any work. Runs until SIGINT/SIGTERM, then prints one JSON line.
//
//   rtm-relay --brokers B --in IN --out OUT                 at least once
//   rtm-relay ... --transactional-id ID --commit-interval-ms 100
//                                                          exactly once: the
//     output and the input offsets are committed in one transaction every
//     interval (what Weir's exactly_once does), so a read_committed reader
//     sees a record only after the commit that contains it.
//
// Like Weir's Kafka source, it assigns itself every partition of the input
// (no group membership, no rebalance) from the beginning. Records keep their
// key and value; the output partition is chosen by the key, as a keyed Weir
// sink would.
#include "bench/rtm/Kafka.h"

#include <CLI/CLI.hpp>

#include <cinttypes>
#include <cstdio>
#include <map>
#include <unistd.h>

namespace {

const char *const kTool = "rtm-relay";

void check(rd_kafka_error_t *error, const char *what) {
  if (error) {
    std::string message = std::string(what) + ": " + rd_kafka_error_string(error);
    rd_kafka_error_destroy(error);
    rtm::die(kTool, message);
  }
}

struct Delivery {
  uint64_t failed = 0;
};

void onDelivery(rd_kafka_t *, const rd_kafka_message_t *msg, void *opaque) {
  if (msg->err && static_cast<Delivery *>(opaque)->failed++ == 0)
    std::fprintf(stderr, "%s: delivery: %s\n", kTool, rd_kafka_err2str(msg->err));
}

// Sends the consumer's positions (next offset per partition) to the open
// transaction and commits it; then opens the next one.
void commitTransaction(rd_kafka_t *producer, rd_kafka_t *consumer, const std::string &in,
                       const std::map<int32_t, int64_t> &nextOffsets) {
  rd_kafka_topic_partition_list_t *offsets = rd_kafka_topic_partition_list_new(int(nextOffsets.size()));
  for (const auto &[partition, offset] : nextOffsets)
    rd_kafka_topic_partition_list_add(offsets, in.c_str(), partition)->offset = offset;
  rd_kafka_consumer_group_metadata_t *group = rd_kafka_consumer_group_metadata(consumer);
  rd_kafka_error_t *error = rd_kafka_send_offsets_to_transaction(producer, offsets, group, 30000);
  rd_kafka_consumer_group_metadata_destroy(group);
  rd_kafka_topic_partition_list_destroy(offsets);
  check(error, "send_offsets_to_transaction");
  check(rd_kafka_commit_transaction(producer, 30000), "commit_transaction");
  check(rd_kafka_begin_transaction(producer), "begin_transaction");
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"Relays a topic to another, unchanged: the latency floor (latency benchmark)", kTool};
  std::string brokers, in, out, groupId, transactionalId;
  int commitIntervalMs = 100;
  std::vector<std::string> consumerArgs, producerArgs;
  app.add_option("--brokers", brokers, "bootstrap servers HOST:PORT")->required();
  app.add_option("--in", in, "topic to consume")->required();
  app.add_option("--out", out, "topic to produce to")->required();
  app.add_option("--group-id", groupId, "consumer group (default rtm-relay-<pid>)");
  app.add_option("--transactional-id", transactionalId, "exactly once: produce in transactions with this id");
  app.add_option("--commit-interval-ms", commitIntervalMs, "exactly once: commit a transaction this often")
      ->check(CLI::PositiveNumber);
  app.add_option("--consumer-X", consumerArgs, "librdkafka consumer setting key=value (repeatable)");
  app.add_option("--producer-X", producerArgs, "librdkafka producer setting key=value (repeatable)");
  CLI11_PARSE(app, argc, argv);
  if (groupId.empty())
    groupId = "rtm-relay-" + std::to_string(getpid());
  const bool transactional = !transactionalId.empty();

  rtm::installStopHandler();
  rtm::Settings consumerBase = rtm::weirConsumerSettings();
  consumerBase.emplace_back("group.id", groupId); // for the offsets sent to transactions
  rtm::Settings consumerOverrides = rtm::parseOverrides(consumerArgs, kTool);
  rtm::KafkaHandle consumer =
      rtm::createClient(RD_KAFKA_CONSUMER, brokers, consumerBase, consumerOverrides, kTool);

  rtm::Settings producerBase = rtm::weirProducerSettings();
  if (transactional)
    producerBase.emplace_back("transactional.id", transactionalId);
  rtm::Settings producerOverrides = rtm::parseOverrides(producerArgs, kTool);
  Delivery delivery;
  rd_kafka_conf_t *producerConf = rd_kafka_conf_new();
  rd_kafka_conf_set_dr_msg_cb(producerConf, onDelivery);
  rd_kafka_conf_set_opaque(producerConf, &delivery);
  rtm::KafkaHandle producer =
      rtm::createClient(RD_KAFKA_PRODUCER, brokers, producerBase, producerOverrides, kTool, producerConf);
  rtm::partitionCount(producer.get(), out, kTool); // connect and learn the partitions before the first record
  if (transactional) {
    check(rd_kafka_init_transactions(producer.get(), 30000), "init_transactions");
    check(rd_kafka_begin_transaction(producer.get()), "begin_transaction");
  }

  int32_t partitions = rtm::partitionCount(consumer.get(), in, kTool);
  rd_kafka_topic_partition_list_t *assignment = rd_kafka_topic_partition_list_new(partitions);
  for (int32_t p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(assignment, in.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_resp_err_t err = rd_kafka_assign(consumer.get(), assignment);
  rd_kafka_topic_partition_list_destroy(assignment);
  if (err)
    rtm::die(kTool, std::string("assign: ") + rd_kafka_err2str(err));
  // The benchmark script waits for this line before starting the load.
  std::fprintf(stderr, "%s: assigned %d partitions\n", kTool, partitions);

  uint64_t relayed = 0, transactions = 0, errors = 0;
  std::map<int32_t, int64_t> nextOffsets; // of the open transaction
  int64_t lastCommitUs = rtm::nowMicros();
  while (!rtm::stopRequested()) {
    // Wake up in time for the next commit when idle.
    rd_kafka_message_t *msg = rd_kafka_consumer_poll(consumer.get(), transactional ? 5 : 100);
    if (msg && msg->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      // Weir's settings ask for end-of-partition events (available_now); a relay ignores them.
    } else if (msg && msg->err) {
      if (errors++ == 0)
        std::fprintf(stderr, "%s: consume: %s\n", kTool, rd_kafka_message_errstr(msg));
    } else if (msg) {
      while ((err = rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC(out.c_str()),
                                      RD_KAFKA_V_KEY(msg->key, msg->key_len),
                                      RD_KAFKA_V_VALUE(msg->payload, msg->len),
                                      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)) ==
             RD_KAFKA_RESP_ERR__QUEUE_FULL)
        rd_kafka_poll(producer.get(), 1);
      if (err)
        rtm::die(kTool, std::string("produce: ") + rd_kafka_err2str(err));
      if (transactional)
        nextOffsets[msg->partition] = msg->offset + 1;
      ++relayed;
    }
    if (msg)
      rd_kafka_message_destroy(msg);
    rd_kafka_poll(producer.get(), 0); // delivery reports
    if (transactional && !nextOffsets.empty() && rtm::nowMicros() - lastCommitUs >= commitIntervalMs * 1000LL) {
      commitTransaction(producer.get(), consumer.get(), in, nextOffsets);
      nextOffsets.clear();
      ++transactions;
      lastCommitUs = rtm::nowMicros();
    }
  }
  if (transactional && !nextOffsets.empty()) {
    commitTransaction(producer.get(), consumer.get(), in, nextOffsets);
    ++transactions;
  }
  rd_kafka_flush(producer.get(), 30000);
  rd_kafka_consumer_close(consumer.get());
  std::printf("{\"tool\":\"%s\",\"in\":\"%s\",\"out\":\"%s\",\"relayed\":%" PRIu64 ",\"transactions\":%" PRIu64
              ",\"delivery_failures\":%" PRIu64 ",\"consume_errors\":%" PRIu64 ",\"cpu_s\":%.2f"
              ",\"weir_settings_from_runtime\":%s,\"consumer_settings\":%s,\"producer_settings\":%s}\n",
              kTool, in.c_str(), out.c_str(), relayed, transactions, delivery.failed, errors, rtm::cpuSeconds(),
              rtm::weirSettingsFromRuntime() ? "true" : "false",
              rtm::settingsJson(rtm::withOverrides(consumerBase, consumerOverrides)).c_str(),
              rtm::settingsJson(rtm::withOverrides(producerBase, producerOverrides)).c_str());
  return delivery.failed ? 1 : 0;
}
