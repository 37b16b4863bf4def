// Kafka sinks: one librdkafka producer per run (KafkaProducer), shared by
// every Kafka sink, so that under exactly-once one transaction covers all of
// the run's output and its input positions. Each sink (KafkaSink) produces
// one record per row as soon as the row is written: the key is the text of
// the URI's key column (librdkafka's default partitioner then keeps each
// key's records in order, in one partition), the timestamp the timestamp
// column's value.
//
// Exactly-once (a transactional.id): rows are produced inside a transaction
// that commitTransaction() commits together with the sources' positions
// (send_offsets_to_transaction); a restart's init_transactions() aborts what
// a killed predecessor left open and fences it.
#pragma once

#include "runtime/src/Options.h"
#include "runtime/src/Output.h"
#include "runtime/src/Status.h"
#include "runtime/src/kafka/KafkaUri.h"
#include "weir/runtime.h"

#include <librdkafka/rdkafka.h>

#include <map>
#include <mutex>
#include <string>

namespace weir::rt {

class KafkaProducer {
public:
  explicit KafkaProducer(const Options &options) : options_(options) {}
  ~KafkaProducer();
  KafkaProducer(const KafkaProducer &) = delete;
  KafkaProducer &operator=(const KafkaProducer &) = delete;

  // `transactionalId` empty: no transactions (at-least-once).
  Status open(const std::string &transactionalId);
  // Checks that `topic` exists (a typo must neither create a topic nor wait).
  Status checkTopic(const std::string &topic);
  // Waits until every produced record is acknowledged; fails if any was not.
  Status flush();
  // Serves delivery reports (cheap; call now and then).
  void poll() { rd_kafka_poll(rk_, 0); }
  Status deliveryStatus();

  // Transactions. begin at open and after each commit.
  Status beginTransaction();
  // Commits the open transaction with the consumer positions (topic ->
  // partition -> next offset) of the group `group` (may be null: no offsets).
  Status commitTransaction(const std::map<std::string, std::map<int32_t, int64_t>> &offsets,
                           rd_kafka_consumer_group_metadata_t *group);
  bool transactional() const { return !transactionalId_.empty(); }
  const std::string &transactionalId() const { return transactionalId_; }

  rd_kafka_t *handle() const { return rk_; }
  // Transactions this run committed, and those that failed to (the broker
  // aborts them, or the next run's init_transactions does).
  uint64_t committedTransactions() const { return committed_; }
  uint64_t failedTransactions() const { return failed_; }
  const Options &options() const { return options_; }

private:
  static void onDelivery(rd_kafka_t *, const rd_kafka_message_t *m, void *opaque);
  Status txnError(const char *what, rd_kafka_error_t *error);

  const Options &options_;
  std::string transactionalId_;
  rd_kafka_t *rk_ = nullptr;
  std::mutex deliveryMutex_;
  std::string deliveryError_; // the first failed delivery
  uint64_t committed_ = 0, failed_ = 0;
};

class KafkaSink final : public RecordOutput {
public:
  explicit KafkaSink(KafkaProducer &producer) : producer_(producer) {}
  ~KafkaSink() override;

  Status open(const std::string &uri, const WeirSinkDesc &desc);
  // One record: `value` is the formatted row; the key and timestamp come
  // from the row. Waits while librdkafka's queue is full.
  Status writeRecord(const WeirValue *row, const char *value, size_t n) override;

  const std::string &topic() const { return uri_.topic; }
  uint64_t produced() const { return produced_; }

private:
  KafkaProducer &producer_;
  KafkaUri uri_;
  rd_kafka_topic_t *topic_ = nullptr;
  int keyColumn_ = -1, timestampColumn_ = -1;
  uint8_t keyType_ = 0;
  uint64_t produced_ = 0;
};

} // namespace weir::rt
