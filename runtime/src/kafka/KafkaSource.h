// A Kafka source: one librdkafka consumer that owns every partition of its
// topic (manual assignment: positions come from the checkpoint, not from a
// group rebalance), and the record decoder that turns its messages into rows.
//
// Positions: next[p] is the offset of the first record of partition p not yet
// handed to the pipeline. The cursor's consistent points (before it decodes a
// record) are where positions are saved, so a saved position always means
// "every record before it is in the state and the output".
//
// Bounded batches (available_now, each batch of every): endOffsets() fixes
// each partition's end at the batch's start; messages fetched beyond it are
// held for the next batch, and the batch ends when every partition reached
// its end (or the end of its log: aborted transactions leave gaps).
#pragma once

#include "runtime/src/ErrorPolicy.h"
#include "runtime/src/Options.h"
#include "runtime/src/RecordDecoder.h"
#include "runtime/src/kafka/KafkaUri.h"
#include "weir/runtime.h"

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace weir::rt {

class KafkaSource {
public:
  using Clock = std::chrono::steady_clock;
  enum class Payload { Json, Csv, Raw };

  KafkaSource(std::string name, const Options &options) : name_(std::move(name)), options_(options) {}
  ~KafkaSource();
  KafkaSource(const KafkaSource &) = delete;
  KafkaSource &operator=(const KafkaSource &) = delete;

  // Connects, checks the topic, learns its partitions.
  Status open(const std::string &uri, const std::string &groupId);
  // Starts consuming. `saved`: positions from a checkpoint (partition ->
  // next offset); partitions without one begin at the URI's start
  // (earliest or latest).
  Status assign(const std::map<int32_t, int64_t> &saved);

  // Fixes this batch's end offsets (the partitions' current ends).
  Status beginBoundedBatch();
  // Unbounded from now on (realtime).
  void setUnbounded() { bounded_ = false; }

  // Fetches the next batch of messages (the previous one must have been
  // released): up to `max`, waiting for the first until `deadline`
  // (unbounded) or until the bounded batch has them; after the first, only
  // what is there at once. Every scan stage of the source reads the same
  // batch (KafkaDecoder), then releaseBatch() moves the positions past it.
  Status fetch(Clock::time_point deadline, size_t max);
  const std::vector<rd_kafka_message_t *> &batch() const { return batch_; }
  void releaseBatch();
  // How many records a scan's decoder hands over per stage call before it
  // pauses (ends the call, keeping its place in the batch): 1 when each
  // change must be emitted on its own (realtime with unwindowed aggregates).
  void setRecordsPerCall(size_t n) { recordsPerCall_ = n; }
  size_t recordsPerCall() const { return recordsPerCall_; }
  // Reorders the batch into event-time order across partitions, keeping
  // each partition's own order (a k-way merge by each partition's next
  // record's time, as Kafka Streams picks the partition with the smallest
  // head timestamp): the watermark then does not depend on how the fetches
  // interleaved partitions. `eventTimes[i]` is batch()[i]'s event time.
  // The batch stops where a partition with records still to fetch runs out
  // of fetched ones; the rest is held for the next batch.
  void mergeBatchByEventTime(const std::vector<int64_t> &eventTimes);
  // A bounded batch: offsets read of it, and its size (end offsets captured
  // at its start, minus where it began), over every partition.
  void boundedProgress(uint64_t &done, uint64_t &total) const;
  // A bounded batch with nothing left to fetch.
  bool exhausted() const { return bounded_ && batchDone() && heldReady() == 0 && carry_.empty(); }

  // partition -> next offset (only partitions whose position is known).
  std::map<int32_t, int64_t> positions() const;
  // partition -> its end offset as the last fetch response said (librdkafka's
  // cached high watermark; no request), for the partitions with a position.
  std::map<int32_t, int64_t> cachedEnds() const;
  // Commits the positions to the consumer group (asynchronously), so lag
  // shows in kcat / kafka-consumer-groups. At-least-once runs only.
  void commitToGroup();
  // The consumer's group metadata, for a producer's transaction.
  rd_kafka_consumer_group_metadata_t *groupMetadata() const;
  // The group's committed offsets (read_committed: after the transactions
  // that wrote them commit). Used by recovery.
  Status committedOffsets(std::map<int32_t, int64_t> &out);

  const std::string &name() const { return name_; }
  const std::string &topic() const { return uri_.topic; }
  bool bounded() const { return bounded_; }
  uint64_t polled() const { return polled_; }

  // Stops blocking polls (SIGINT/SIGTERM).
  static std::atomic<bool> stopRequested;

private:
  bool batchDone() const;
  bool laggingPartition() const;
  // Partition p has records from `next` on that no fetch has brought yet.
  bool hasMoreToFetch(int32_t p, int64_t next) const;
  static constexpr auto kWaitForLagging = std::chrono::milliseconds(2000);
  size_t heldReady() const;
  // One message, or null (see fetch); `wait`: may block until the deadline.
  rd_kafka_message_t *next(Clock::time_point deadline, bool wait, Status &status);

  std::string name_;
  const Options &options_;
  KafkaUri uri_;
  rd_kafka_t *rk_ = nullptr;
  std::vector<int32_t> partitions_;
  std::map<int32_t, int64_t> positions_;  // next offset per partition (absent: not known yet)
  std::map<int32_t, int64_t> ends_;       // bounded batch: the end offset per partition
  std::map<int32_t, int64_t> batchFrom_;  // bounded batch: where each partition began
  std::map<int32_t, bool> done_;          // bounded batch: partition finished
  std::deque<rd_kafka_message_t *> held_; // fetched beyond a batch's end
  std::vector<rd_kafka_message_t *> batch_;
  std::vector<rd_kafka_message_t *> carry_; // held back by the merge for the next batch
  size_t recordsPerCall_ = SIZE_MAX;
  bool bounded_ = true;
  uint64_t polled_ = 0;
  Clock::time_point lastProgress_;
};

// The decoder of a Kafka source's cursor: it reads the source's current
// batch from its start (each scan stage of the source has its own decoder,
// rewound by the driver before each batch); each message's value is decoded
// with the source's format (json: one object; csv: one row, columns in
// declared order, no header; raw: the value as the one string field), and
// the metadata fields (_key, _partition, _offset, _timestamp) are filled from
// the message.

std::unique_ptr<RecordDecoder> makeKafkaDecoder(KafkaSource &source, KafkaSource::Payload payload,
                                                const SchemaView &schema);

} // namespace weir::rt
