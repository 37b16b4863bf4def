#include "runtime/src/kafka/KafkaSource.h"

#include "runtime/src/kafka/KafkaClient.h"

#include <algorithm>
#include <cstdio>
#include <thread>

namespace weir::rt {

std::atomic<bool> KafkaSource::stopRequested{false};

namespace {
constexpr int kMetadataTimeoutMs = 10000;
// A bounded batch that makes no progress for this long fails (the brokers
// are gone); librdkafka reconnects on its own until then.
constexpr auto kStallLimit = std::chrono::seconds(60);
} // namespace

KafkaSource::~KafkaSource() {
  for (rd_kafka_message_t *m : held_)
    rd_kafka_message_destroy(m);
  for (rd_kafka_message_t *m : batch_)
    rd_kafka_message_destroy(m);
  for (rd_kafka_message_t *m : carry_)
    rd_kafka_message_destroy(m);
  if (rk_) {
    rd_kafka_consumer_close(rk_);
    rd_kafka_destroy(rk_);
  }
}

Status KafkaSource::open(const std::string &uri, const std::string &groupId) {
  if (Status s = parseKafkaUri(uri, false, uri_); !s.ok())
    return s;
  rd_kafka_conf_t *conf = nullptr;
  if (Status s = makeKafkaConf(options_, KafkaRole::Consumer, conf); !s.ok())
    return s;
  char err[512];
  rd_kafka_conf_set(conf, "group.id", groupId.c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "auto.offset.reset", uri_.startLatest ? "latest" : "earliest", err, sizeof err);
  rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk_) {
    rd_kafka_conf_destroy(conf);
    return Status::config("Kafka consumer: " + redactSecrets(options_, err));
  }
  rd_kafka_poll_set_consumer(rk_);

  // The topic and its partitions.
  if (Status s = describeTopic(rk_, uri_.topic, options_, &partitions_); !s.ok())
    return s;
  return {};
}

Status KafkaSource::assign(const std::map<int32_t, int64_t> &saved) {
  std::string where = "Kafka topic '" + uri_.topic + "' (brokers " + options_.kafkaBrokers + ")";
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(static_cast<int>(partitions_.size()));
  for (int32_t p : partitions_) {
    auto it = saved.find(p);
    int64_t offset = it != saved.end() ? it->second
                     : uri_.startLatest ? RD_KAFKA_OFFSET_END : RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_topic_partition_list_add(list, uri_.topic.c_str(), p)->offset = offset;
    if (it != saved.end())
      positions_[p] = it->second;
  }
  // "latest" is resolved now, not when the first fetch happens: records
  // produced after the run started belong to it.
  if (uri_.startLatest)
    for (int i = 0; i < list->cnt; ++i)
      if (list->elems[i].offset == RD_KAFKA_OFFSET_END) {
        int64_t lo = 0, hi = 0;
        if (rd_kafka_query_watermark_offsets(rk_, uri_.topic.c_str(), list->elems[i].partition, &lo, &hi,
                                             kMetadataTimeoutMs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
          list->elems[i].offset = hi;
          positions_[list->elems[i].partition] = hi;
        }
      }
  rd_kafka_resp_err_t e = rd_kafka_assign(rk_, list);
  rd_kafka_topic_partition_list_destroy(list);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
    return Status::io(where + ": cannot assign its partitions: " + kafkaError(e));
  lastProgress_ = Clock::now();
  return {};
}

Status KafkaSource::beginBoundedBatch() {
  bounded_ = true;
  ends_.clear();
  done_.clear();
  for (int32_t p : partitions_) {
    int64_t lo = 0, hi = 0;
    rd_kafka_resp_err_t e =
        rd_kafka_query_watermark_offsets(rk_, uri_.topic.c_str(), p, &lo, &hi, kMetadataTimeoutMs);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
      return Status::io("Kafka topic '" + uri_.topic + "' partition " + std::to_string(p) +
                        ": cannot read its end offset: " + kafkaError(e));
    ends_[p] = hi;
    auto pos = positions_.find(p);
    // Unknown position: the partition begins at its start (earliest), so it
    // is done only when it is empty.
    int64_t from = pos != positions_.end() ? pos->second : lo;
    done_[p] = from >= hi;
    batchFrom_[p] = from;
  }
  lastProgress_ = Clock::now();
  return {};
}

void KafkaSource::boundedProgress(uint64_t &done, uint64_t &total) const {
  for (const auto &[p, end] : ends_) {
    auto from = batchFrom_.find(p);
    if (from == batchFrom_.end() || end <= from->second)
      continue;
    total += static_cast<uint64_t>(end - from->second);
    auto pos = positions_.find(p);
    if (pos != positions_.end())
      done += static_cast<uint64_t>(std::clamp(pos->second, from->second, end) - from->second);
  }
}

bool KafkaSource::batchDone() const {
  for (const auto &[p, done] : done_)
    if (!done)
      return false;
  return true;
}

size_t KafkaSource::heldReady() const {
  size_t n = 0;
  for (rd_kafka_message_t *m : held_)
    n += !bounded_ || m->offset < ends_.at(m->partition);
  return n;
}

Status KafkaSource::fetch(Clock::time_point deadline, size_t max) {
  Status status;
  batch_ = std::move(carry_); // what the last merge held back comes first
  carry_.clear();
  while (batch_.size() < max) {
    rd_kafka_message_t *m = next(deadline, batch_.empty(), status);
    if (!m)
      break;
    batch_.push_back(m);
  }
  // A partition that has records the fetches have not brought yet is
  // waited for a little (Kafka Streams' max.task.idle.ms): a batch merged by
  // event time then holds every partition's next records, and a partition
  // fetched late does not find the watermark gone past it.
  auto until = Clock::now() + kWaitForLagging;
  if (options_.trace && !batch_.empty() && batch_.size() < max && laggingPartition())
    std::fprintf(stderr, "trace: kafka: %s: a batch of %zu waits for a partition with unfetched records\n",
                 uri_.topic.c_str(), batch_.size());
  while (status.ok() && !batch_.empty() && batch_.size() < max && laggingPartition() && Clock::now() < until) {
    if (rd_kafka_message_t *m = next(until, true, status))
      batch_.push_back(m);
  }
  return status;
}

bool KafkaSource::laggingPartition() const {
  for (int32_t p : partitions_) {
    if (bounded_ && done_.count(p) && done_.at(p))
      continue;
    bool inBatch = false;
    for (const rd_kafka_message_t *m : batch_)
      if (m->partition == p) {
        inBatch = true;
        break;
      }
    if (inBatch)
      continue;
    int64_t lo = -1, hi = -1;
    rd_kafka_get_watermark_offsets(rk_, uri_.topic.c_str(), p, &lo, &hi); // cached by fetches: no request
    auto pos = positions_.find(p);
    int64_t next = pos != positions_.end() ? pos->second : lo;
    for (const rd_kafka_message_t *m : held_)
      if (m->partition == p)
        next = std::max(next, m->offset + 1);
    if (next < 0 || hasMoreToFetch(p, next))
      return true; // unknown yet, or records not fetched
  }
  return false;
}

void KafkaSource::mergeBatchByEventTime(const std::vector<int64_t> &eventTimes) {
  std::map<int32_t, std::vector<size_t>> byPartition;
  for (size_t i = 0; i < batch_.size(); ++i)
    byPartition[batch_[i]->partition].push_back(i);
  if (byPartition.size() < 2)
    return;
  std::vector<std::pair<const std::vector<size_t> *, size_t>> heads; // (a partition's records, next)
  for (const auto &[p, items] : byPartition)
    heads.emplace_back(&items, 0);
  std::vector<rd_kafka_message_t *> merged;
  merged.reserve(batch_.size());
  while (merged.size() < batch_.size()) {
    size_t best = SIZE_MAX;
    for (size_t h = 0; h < heads.size(); ++h) {
      auto [items, next] = heads[h];
      if (next < items->size() &&
          (best == SIZE_MAX || eventTimes[(*items)[next]] < eventTimes[(*heads[best].first)[heads[best].second]]))
        best = h;
    }
    merged.push_back(batch_[(*heads[best].first)[heads[best].second]]);
    ++heads[best].second;
  }
  batch_ = std::move(merged);
  // Stop where a partition with more records to come runs out: what
  // follows may be later than those records, so it waits for them (the
  // next batch starts with it).
  std::map<int32_t, size_t> left;
  for (const rd_kafka_message_t *m : batch_)
    ++left[m->partition];
  for (size_t i = 0; i < batch_.size(); ++i) {
    const rd_kafka_message_t *m = batch_[i];
    if (--left[m->partition] == 0 && i + 1 < batch_.size() && hasMoreToFetch(m->partition, m->offset + 1)) {
      carry_.assign(batch_.begin() + static_cast<std::ptrdiff_t>(i + 1), batch_.end());
      batch_.resize(i + 1);
      return;
    }
  }
}

bool KafkaSource::hasMoreToFetch(int32_t p, int64_t next) const {
  if (bounded_ && done_.count(p) && done_.at(p))
    return false;
  int64_t lo = -1, hi = -1;
  rd_kafka_get_watermark_offsets(rk_, uri_.topic.c_str(), p, &lo, &hi); // cached by fetches: no request
  return hi < 0 || next < hi;
}

void KafkaSource::releaseBatch() {
  for (rd_kafka_message_t *m : batch_) {
    positions_[m->partition] = m->offset + 1;
    rd_kafka_message_destroy(m);
  }
  batch_.clear();
}

rd_kafka_message_t *KafkaSource::next(Clock::time_point deadline, bool wait, Status &status) {
  if (bounded_ && batchDone())
    return nullptr;
  // Messages held from the last batch come first, if this batch covers them.
  while (!held_.empty()) {
    rd_kafka_message_t *m = held_.front();
    if (bounded_ && m->offset >= ends_[m->partition])
      break;
    held_.pop_front();
    if (bounded_ && m->offset + 1 >= ends_[m->partition])
      done_[m->partition] = true;
    ++polled_;
    return m;
  }
  for (;;) {
    if (stopRequested.load(std::memory_order_relaxed))
      return nullptr;
    auto now = Clock::now();
    int timeoutMs = wait ? 100 : 0;
    if (!bounded_) {
      timeoutMs = !wait || now >= deadline ? 0 : static_cast<int>(std::min<int64_t>(
          100, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1));
    } else if (now - lastProgress_ > kStallLimit) {
      status = Status::io("Kafka topic '" + uri_.topic + "': no records for " +
                          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(kStallLimit).count()) +
                          " s before the end of the batch (brokers " + options_.kafkaBrokers +
                          " unreachable?)");
      return nullptr;
    }
    rd_kafka_message_t *m = rd_kafka_consumer_poll(rk_, timeoutMs);
    if (!m) {
      char why[512];
      if (rd_kafka_resp_err_t fatal = rd_kafka_fatal_error(rk_, why, sizeof why)) {
        status = Status::io("Kafka consumer of '" + uri_.topic + "': " + kafkaError(fatal) + ": " + why);
        return nullptr;
      }
      if (!bounded_ && (!wait || Clock::now() >= deadline))
        return nullptr; // idle: the caller does its periodic work
      if (bounded_ && !wait)
        return nullptr; // the batch so far is worth processing
      continue;
    }
    if (m->err) {
      rd_kafka_resp_err_t e = m->err;
      int32_t p = m->partition;
      std::string text = rd_kafka_message_errstr(m);
      rd_kafka_message_destroy(m);
      if (e == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        if (bounded_)
          done_[p] = true; // nothing more is readable (the rest: aborted or open transactions)
        lastProgress_ = Clock::now();
        if (bounded_ && batchDone())
          return nullptr;
        continue;
      }
      if (e == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || e == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
          e == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED || e == RD_KAFKA_RESP_ERR__FATAL) {
        status = Status::io("Kafka topic '" + uri_.topic + "': " + kafkaError(e) + ": " + text);
        return nullptr;
      }
      // Transport errors: librdkafka reconnects by itself.
      if (options_.trace)
        std::fprintf(stderr, "trace: kafka: %s: %s\n", uri_.topic.c_str(), text.c_str());
      continue;
    }
    lastProgress_ = Clock::now();
    if (bounded_) {
      int64_t end = ends_[m->partition];
      if (m->offset >= end) {
        held_.push_back(m); // the next batch's
        done_[m->partition] = true;
        if (batchDone())
          return nullptr;
        continue;
      }
      if (m->offset + 1 >= end)
        done_[m->partition] = true;
    }
    ++polled_;
    return m;
  }
}

std::map<int32_t, int64_t> KafkaSource::positions() const { return positions_; }

void KafkaSource::commitToGroup() {
  if (positions_.empty())
    return;
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(static_cast<int>(positions_.size()));
  for (const auto &[p, offset] : positions_)
    rd_kafka_topic_partition_list_add(list, uri_.topic.c_str(), p)->offset = offset;
  rd_kafka_commit(rk_, list, /*async=*/1);
  rd_kafka_topic_partition_list_destroy(list);
}

std::map<int32_t, int64_t> KafkaSource::cachedEnds() const {
  std::map<int32_t, int64_t> out;
  for (const auto &[p, next] : positions_) {
    int64_t low = 0, high = 0;
    if (rd_kafka_get_watermark_offsets(rk_, uri_.topic.c_str(), p, &low, &high) == RD_KAFKA_RESP_ERR_NO_ERROR &&
        high >= 0)
      out[p] = high;
  }
  return out;
}

rd_kafka_consumer_group_metadata_t *KafkaSource::groupMetadata() const {
  return rd_kafka_consumer_group_metadata(rk_);
}

Status KafkaSource::committedOffsets(std::map<int32_t, int64_t> &out) {
  out.clear();
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(static_cast<int>(partitions_.size()));
  for (int32_t p : partitions_)
    rd_kafka_topic_partition_list_add(list, uri_.topic.c_str(), p);
  rd_kafka_resp_err_t e = rd_kafka_committed(rk_, list, kMetadataTimeoutMs);
  Status status;
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
    status = Status::io("Kafka group offsets of '" + uri_.topic + "': " + kafkaError(e));
  else
    for (int i = 0; i < list->cnt; ++i)
      if (list->elems[i].offset >= 0)
        out[list->elems[i].partition] = list->elems[i].offset;
  rd_kafka_topic_partition_list_destroy(list);
  return status;
}

} // namespace weir::rt
