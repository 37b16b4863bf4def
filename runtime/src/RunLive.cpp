// What a run shows while it runs: the progress line on a terminal
// (Progress.h) and the figures --metrics serves (observe/Telemetry.h).
#include "runtime/src/Durability.h"
#include "runtime/src/DurableTable.h"
#include "runtime/src/HashTable.h"
#include "runtime/src/Progress.h"
#include "runtime/src/Run.h"
#include "runtime/src/Task.h"
#include "runtime/src/observe/Telemetry.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>

namespace weir::rt {

void Run::scanBegins(const WeirStageDesc &stage, SourceRuntime &src, std::vector<WeirCursor *> cursors, bool tick) {
  std::vector<const WeirCursor *> watched(cursors.begin(), cursors.end());
  if (progress_)
    progress_->begin(stageLabel(stage), src.info.name, watched);
  if (!telemetry_)
    return;
  telemetry_->scanBegins(static_cast<uint32_t>(&src - sources_.data()), std::move(watched));
  // The stage's own thread publishes the figures as it goes (the cursor
  // calls this every 4,096 records; publishLive reads the clock).
  if (tick)
    for (WeirCursor *c : cursors)
      c->onTick = [this] { publishLive(/*force=*/false); };
}

void Run::scanEnds(bool completed) {
  if (progress_)
    progress_->end(completed);
  if (telemetry_) {
    telemetry_->scanEnds(liveFigures());
    lastPublish_ = KafkaSource::Clock::now();
  }
}

void Run::publishLive(bool force) {
  if (!telemetry_)
    return;
  auto now = KafkaSource::Clock::now();
  if (!force && now - lastPublish_ < Telemetry::kPublishEvery)
    return;
  lastPublish_ = now;
  telemetry_->publish(liveFigures());
}

// A streaming scan's cursor lives as long as the run and is collected into
// its source at the end: until then, its counts so far.
void Run::addStreamingCounts(RunReport &report) const {
  if (streamScansCollected_)
    return;
  for (const StreamStage &scan : streamScans_) {
    const WeirStageDesc &stage = program_.stages[scan.index];
    if (scan.cursor && scan.cursor->logBadRecords && stage.source >= 0 &&
        static_cast<size_t>(stage.source) < report.sources.size()) {
      report.sources[stage.source].read += scan.cursor->recordsRead;
      report.sources[stage.source].bad += scan.cursor->recordsBad;
    }
  }
}

LiveFigures Run::liveFigures() const {
  LiveFigures f;
  fillReport(f.report);
  addStreamingCounts(f.report);
  for (uint32_t i = 0; i < program_.nstates && i < states_.size(); ++i) {
    const WeirHashTable *ht = states_[i];
    LiveState st;
    st.name = program_.states[i].name;
    st.windowed = program_.states[i].windowed;
    if (ht) {
      st.keys = ht->count;
      st.residentBytes = residentBytes(ht);
      st.timersPending = pendingTimerCount(ht);
    }
    if (durability_) {
      st.spilledKeys = durability_->spilledKeys(i);
      st.spilledBytes = durability_->evictedBytes(i);
      st.timersPending += durability_->spilledTimers(i);
    }
    f.states.push_back(std::move(st));
  }
  for (const SourceRuntime &src : sources_) {
    if (!src.kafka)
      continue;
    std::map<int32_t, int64_t> ends = src.kafka->cachedEnds();
    for (const auto &[p, next] : src.kafka->positions()) {
      auto end = ends.find(p);
      f.partitions.push_back({src.info.name, p, next, end == ends.end() ? -1 : end->second});
    }
  }
  if (durability_) {
    f.checkpoints = durability_->checkpointCount();
    f.lastCheckpointUnixMs = durability_->lastCheckpointUnixMs();
  }
  if (producer_) {
    f.transactionsCommitted = producer_->committedTransactions();
    f.transactionsAborted = producer_->failedTransactions();
  }
  f.stage = runningStage_;
  f.trigger = trigger_.text();
  return f;
}

void Run::streamProgress(bool final) {
  auto now = KafkaSource::Clock::now();
  if (!final && now - lastStreamProgress_ < kStreamProgressEvery)
    return;
  LiveFigures f = liveFigures();
  uint64_t records = 0, rows = 0;
  for (const RunReport::Source &s : f.report.sources)
    records += s.read;
  for (const RunReport::Sink &s : f.report.sinks)
    rows += s.rows;
  double dt = lastStreamProgress_ == KafkaSource::Clock::time_point{}
                  ? std::chrono::duration<double>(now - started_).count()
                  : std::chrono::duration<double>(now - lastStreamProgress_).count();
  double rate = dt > 0 ? static_cast<double>(records - std::min(records, lastStreamRecords_)) / dt : 0;
  lastStreamProgress_ = now;
  lastStreamRecords_ = records;
  char buf[160];
  std::string line = trigger_.text();
  std::snprintf(buf, sizeof buf, ": %llu records (%.0f/s), %llu rows out, %llu batch%s",
                static_cast<unsigned long long>(records), rate, static_cast<unsigned long long>(rows),
                static_cast<unsigned long long>(batches_), batches_ == 1 ? "" : "es");
  line += buf;
  int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  int64_t watermark = INT64_MAX;
  for (const RunReport::EventClock &c : f.report.clocks)
    if (c.watermark != INT64_MIN)
      watermark = std::min(watermark, c.watermark);
  if (watermark != INT64_MAX) {
    std::snprintf(buf, sizeof buf, ", watermark lag %.1fs", static_cast<double>(nowMs - watermark) / 1e3);
    line += buf;
  }
  int64_t lag = 0;
  bool known = false;
  for (const LivePartition &p : f.partitions)
    if (p.position >= 0 && p.end >= 0) {
      lag += std::max<int64_t>(0, p.end - p.position);
      known = true;
    }
  if (known)
    line += ", consumer lag " + std::to_string(lag) + " records";
  // available_now and every: how far into the batch (its end offsets were
  // captured when it began).
  uint64_t done = 0, total = 0;
  bool bounded = false;
  for (const SourceRuntime &src : sources_)
    if (src.kafka && src.kafka->bounded()) {
      src.kafka->boundedProgress(done, total);
      bounded = true;
    }
  if (bounded) { // an empty batch (nothing new since the last) is done: 100%
    std::snprintf(buf, sizeof buf, ", batch %llu%%",
                  static_cast<unsigned long long>(total ? std::min(done, total) * 100 / total : 100));
    line += buf;
    if (!final && done < total && rate > 0) {
      std::snprintf(buf, sizeof buf, ", ETA %.1fs", static_cast<double>(total - done) / rate);
      line += buf;
    }
  }
  std::fprintf(stderr, "\r%s\033[K%s", line.c_str(), final ? "\n" : "");
  std::fflush(stderr);
}

void Run::observeLatency() {
  if (sinksFedBy_.empty()) {
    sinksFedBy_.resize(sources_.size());
    std::vector<std::vector<uint32_t>> statesFedBy(sources_.size());
    for (uint32_t i = 0; i < program_.nstages; ++i) {
      const WeirStageDesc &st = program_.stages[i];
      if (st.kind == WEIR_STAGE_SCAN && st.source >= 0) {
        for (uint32_t sink : stageSinks(st))
          sinksFedBy_[st.source].push_back(sink);
        for (uint32_t state : stageStates(st))
          statesFedBy[st.source].push_back(state);
      }
    }
    for (uint32_t i = 0; i < program_.nstages; ++i) { // emits of states a source feeds
      const WeirStageDesc &st = program_.stages[i];
      if (st.kind != WEIR_STAGE_EMIT || st.state < 0)
        continue;
      for (size_t s = 0; s < sources_.size(); ++s)
        if (std::find(statesFedBy[s].begin(), statesFedBy[s].end(), uint32_t(st.state)) != statesFedBy[s].end())
          for (uint32_t sink : stageSinks(st))
            sinksFedBy_[s].push_back(sink);
    }
  }
  int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  for (size_t s = 0; s < sources_.size(); ++s) {
    if (!sources_[s].kafka || sinksFedBy_[s].empty() || sources_[s].kafka->batch().empty())
      continue;
    std::vector<double> seconds;
    seconds.reserve(sources_[s].kafka->batch().size());
    for (const rd_kafka_message_t *m : sources_[s].kafka->batch()) {
      int64_t ts = rd_kafka_message_timestamp(m, nullptr);
      if (ts >= 0)
        seconds.push_back(static_cast<double>(std::max<int64_t>(0, nowMs - ts)) / 1e3);
    }
    for (uint32_t sink : sinksFedBy_[s])
      telemetry_->observeLatency(sink, seconds);
  }
}

} // namespace weir::rt
