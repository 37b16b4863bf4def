// The streaming driver (Run.h): Kafka sources under the three triggers, the
// commit points where output, state and positions become durable together,
// and exactly-once (docs/architecture.md, "Streaming runs").
#include "runtime/src/ReportJson.h"
#include "runtime/src/Run.h"

#include "runtime/src/CheckpointRecords.h"
#include "runtime/src/Durability.h"
#include "runtime/src/HashTable.h"
#include "runtime/src/Task.h"

#include <rocksdb/write_batch.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <cstdio>
#include <thread>

namespace weir::rt {

using namespace checkpoint_detail;

namespace {

using Clock = KafkaSource::Clock;

// Messages per batch at most: large enough that a batch's fixed costs (a
// call per stage) vanish, small enough to keep memory and latency low.
constexpr size_t kMaxBatch = 4096;

void onStopSignal(int) { KafkaSource::stopRequested.store(true); }

// Unwindowed aggregates fed by a stream emit only the keys that changed.
void trackChanges(WeirHashTable *ht) {
  if (!ht->changed)
    enableChangeTracking(ht);
}

// Positions as the checkpoint stores them: topic, group, then (partition,
// next offset) pairs.
std::string encodePositions(const std::string &topic, const std::string &group,
                            const std::map<int32_t, int64_t> &positions) {
  Record r;
  r.str(topic).str(group).num(positions.size());
  for (const auto &[p, offset] : positions)
    r.num(static_cast<uint64_t>(p)).num(static_cast<uint64_t>(offset));
  return r.slice().ToString();
}

bool decodePositions(std::string_view bytes, std::string &topic, std::string &group,
                     std::map<int32_t, int64_t> &positions) {
  RecordReader r(bytes);
  topic = r.str();
  group = r.str();
  uint64_t n = r.num();
  for (uint64_t i = 0; r.ok() && i < n; ++i) {
    int32_t p = static_cast<int32_t>(r.num());
    positions[p] = static_cast<int64_t>(r.num());
  }
  return r.ok();
}

} // namespace

const char *programTrigger(const WeirProgramDesc &program) {
  return program.trigger && *program.trigger ? program.trigger : "available_now";
}

// ------------------------------------------------------------ checkpoints

class Run::StreamCommit final : public StreamCheckpointParticipant {
public:
  explicit StreamCommit(Run &run) : run_(run) {}

  Status addRecords(rocksdb::WriteBatch &batch) override {
    for (SourceRuntime &src : run_.sources_)
      if (src.kafka)
        batch.Put(kafkaPositionKey(src.info.name),
                  encodePositions(src.kafka->topic(), run_.groupId_, src.kafka->positions()));
    return {};
  }

  bool twoPhase() const override { return run_.exactlyOnce_; }
  Status commitTransaction() override { return run_.commitKafkaTransaction(); }

  // Committed when the group's offsets are the pending batch's positions:
  // only that transaction wrote them.
  Status pendingCommitted(rocksdb::WriteBatch &pending, bool &committed) override {
    struct Positions : rocksdb::WriteBatch::Handler {
      std::map<std::string, std::string> byKey;
      void Put(const rocksdb::Slice &key, const rocksdb::Slice &value) override {
        if (key.starts_with("m/kafka/"))
          byKey[key.ToString()] = value.ToString();
      }
    } found;
    if (rocksdb::Status s = pending.Iterate(&found); !s.ok())
      return Status::io("unreadable pending checkpoint: " + s.ToString());
    committed = true;
    for (SourceRuntime &src : run_.sources_) {
      if (!src.kafka)
        continue;
      auto it = found.byKey.find(kafkaPositionKey(src.info.name));
      std::string topic, group;
      std::map<int32_t, int64_t> positions, inGroup;
      if (it == found.byKey.end() || !decodePositions(it->second, topic, group, positions))
        continue;
      if (Status s = src.kafka->committedOffsets(inGroup); !s.ok())
        return s;
      for (const auto &[p, offset] : positions) {
        auto g = inGroup.find(p);
        committed &= g != inGroup.end() && g->second == offset;
      }
    }
    return {};
  }

private:
  Run &run_;
};

StreamCheckpointParticipant *Run::streamParticipant() {
  if (!streamCommit_)
    streamCommit_ = std::make_unique<StreamCommit>(*this);
  return streamCommit_.get();
}

bool Run::kafkaToKafka() const {
  bool in = false, out = false;
  for (const SourceRuntime &s : sources_)
    in |= s.kafka != nullptr;
  for (const SinkRuntime &s : sinks_)
    out |= s.location.kafka;
  return in && out;
}

Status Run::bindKafka() {
  groupId_ = !options_.groupId.empty() ? options_.groupId
                                        : "weir." + std::string(program_.program_name ? program_.program_name : "program");
  bool checkpointed = !options_.checkpointDir.empty();
  switch (options_.guarantee) {
  case Options::Guarantee::ExactlyOnce:
    if (!checkpointed)
      return Status::config("--guarantee exactly_once needs --checkpoint DIR: the state and the input "
                            "positions must be recovered with what the transactions committed");
    if (!kafkaToKafka())
      return Status::config("--guarantee exactly_once needs a Kafka source feeding a Kafka sink (file "
                            "sinks are exactly-once with --checkpoint already)");
    exactlyOnce_ = true;
    break;
  case Options::Guarantee::Default: exactlyOnce_ = checkpointed && kafkaToKafka(); break;
  case Options::Guarantee::AtLeastOnce: exactlyOnce_ = false; break;
  }
  for (SourceRuntime &src : sources_)
    if (src.kafka)
      if (Status s = src.kafka->open(src.info.path, groupId_); !s.ok())
        return std::move(s).withContext("source '" + src.info.name + "'");
  // A fresh checkpoint for a group that has committed positions: another
  // process (or another checkpoint) owns the group. Refused before the
  // producer would fence that process: both would process the same records.
  if (checkpointed && !std::filesystem::exists(std::filesystem::path(options_.checkpointDir) / "CURRENT"))
    for (SourceRuntime &src : sources_) {
      if (!src.kafka)
        continue;
      std::map<int32_t, int64_t> committed;
      if (Status s = src.kafka->committedOffsets(committed); !s.ok())
        return std::move(s).withContext("source '" + src.info.name + "'");
      if (!committed.empty())
        return Status::config("consumer group '" + groupId_ + "' has committed positions in topic '" +
                              src.kafka->topic() + "' but the checkpoint " + options_.checkpointDir +
                              " is new: another process or checkpoint owns this group; rerun with its "
                              "checkpoint, or give this run its own --group-id");
    }
  bool anyKafkaSink = false;
  for (const SinkRuntime &s : sinks_)
    anyKafkaSink |= s.location.kafka;
  if (anyKafkaSink) {
    producer_ = std::make_unique<KafkaProducer>(options_);
    // One transactional id per group: a second run of the same pipeline
    // fences the first instead of both writing.
    if (Status s = producer_->open(exactlyOnce_ ? groupId_ + ".txn" : std::string()); !s.ok())
      return s;
  }
  return {};
}

Status Run::assignKafka() {
  for (SourceRuntime &src : sources_) {
    if (!src.kafka)
      continue;
    std::map<int32_t, int64_t> saved;
    if (durability_) {
      std::string bytes, topic, group;
      bool found = false;
      if (Status s = durability_->readRecord(kafkaPositionKey(src.info.name), bytes, found); !s.ok())
        return s;
      if (found) {
        if (!decodePositions(bytes, topic, group, saved))
          return Status::config("the checkpoint in " + options_.checkpointDir + " has unreadable positions of source '" +
                                src.info.name + "'");
        if (topic != src.kafka->topic() || group != groupId_)
          return Status::config("the checkpoint in " + options_.checkpointDir + " was written for topic '" + topic +
                                "' in group '" + group + "', not '" + src.kafka->topic() + "' in group '" + groupId_ +
                                "'; use the same source and --group-id, or another --checkpoint directory");
      }
    }
    if (Status s = src.kafka->assign(saved); !s.ok())
      return std::move(s).withContext("source '" + src.info.name + "'");
  }
  return {};
}

uint64_t Run::kafkaConsumed() const {
  uint64_t n = 0;
  for (const SourceRuntime &s : sources_)
    if (s.kafka)
      n += s.kafka->polled();
  return n;
}

Status Run::commitKafkaTransaction() {
  std::map<std::string, std::map<int32_t, int64_t>> offsets;
  rd_kafka_consumer_group_metadata_t *group = nullptr;
  for (SourceRuntime &src : sources_) {
    if (!src.kafka)
      continue;
    offsets[src.kafka->topic()] = src.kafka->positions();
    if (!group)
      group = src.kafka->groupMetadata();
  }
  Status s = producer_->commitTransaction(offsets, group);
  if (group)
    rd_kafka_consumer_group_metadata_destroy(group);
  return s;
}

// Output, state and positions become durable together here: sinks flushed
// (Kafka: acknowledged, or committed in the transaction), then the
// checkpoint, then the group's offsets (at-least-once; exactly-once commits
// them in the transaction).
Status Run::commitPoint(bool force) {
  publishLive(force); // --metrics: after every pass, at most every 200 ms
  if (streamProgress_)
    streamProgress(/*final=*/false); // at most every kStreamProgressEvery
  auto now = Clock::now();
  int64_t intervalMs = exactlyOnce_ ? options_.commitIntervalMs
                       : durability_ ? static_cast<int64_t>(options_.checkpointSeconds * 1000)
                                     : options_.commitIntervalMs;
  if (!force && now - lastCommit_ < std::chrono::milliseconds(intervalMs))
    return {};
  lastCommit_ = now;
  for (StreamStage &scan : streamScans_)
    if (scan.cursor && !scan.cursor->deadLetters.empty()) {
      const SourceRuntime &src = sources_[program_.stages[scan.index].source];
      if (Status s = appendToFile(src.info.policy.deadLetterPath, scan.cursor->deadLetters.view()); !s.ok())
        return std::move(s).withContext("source '" + src.info.name + "': dead letters");
      scan.cursor->deadLetters.clear();
    }
  for (SinkRuntime &s : sinks_)
    if (s.writer && s.writer->flush() != WEIR_OK)
      return Status::io(s.writer->error.message());
  uint64_t consumed = kafkaConsumed();
  (void)force;
  if (consumed == consumedAtCommit_)
    return {}; // nothing new: no empty transactions, no empty checkpoints
  consumedAtCommit_ = consumed;
  if (producer_ && !exactlyOnce_)
    if (Status s = producer_->flush(); !s.ok())
      return s;
  if (durability_) {
    if (Status s = durability_->streamCheckpoint(); !s.ok())
      return s;
  } else if (exactlyOnce_) {
    if (Status s = commitKafkaTransaction(); !s.ok())
      return s;
  }
  if (!exactlyOnce_ && durability_)
    for (SourceRuntime &src : sources_)
      if (src.kafka)
        src.kafka->commitToGroup();
  ++commits_;
  return {};
}

// ------------------------------------------------------------ running

Status Run::invokeStage(StreamStage &s) {
  const WeirStageDesc &stage = program_.stages[s.index];
  s.task->error = ErrorSlot();
  WeirStatus status = stage.fn(s.task.get());
  if (status >= 0 && s.task->error.failed())
    status = s.task->error.code();
  if (status < 0)
    return taskError(stage, status, *s.task, failedSink(stage, nullptr));
  return {};
}

// Windows see a batch in event-time order across partitions (each
// partition's own order kept), so that one global watermark does not make a
// partition's records late because the fetches delivered another first. A
// record without a readable event time keeps its place after its
// partition's previous one.
void Run::mergeByEventTime(SourceRuntime &src) {
  std::vector<int64_t> times(src.kafka->batch().size(), INT64_MIN);
  std::vector<WeirValue> row(std::max<uint32_t>(src.schema.nfields, 1));
  std::map<int32_t, int64_t> previous;
  for (size_t i = 0; i < times.size(); ++i) {
    int32_t p = src.kafka->batch()[i]->partition;
    DecodeOutcome o = src.eventTimeProbe->next(row.data());
    bool known = o == DecodeOutcome::Row && !row[src.probeUsed].is_null;
    times[i] = known ? row[src.probeUsed].v.i64 : previous.count(p) ? previous[p] : INT64_MIN;
    previous[p] = times[i];
  }
  while (src.eventTimeProbe->next(row.data()) != DecodeOutcome::End) {
  } // rewinds it for the next batch
  src.kafka->mergeBatchByEventTime(times);
}

// One batch: each Kafka source fetches (waiting until `deadline` at most),
// every streaming scan reads the batches, the positions move past them, and
// the unwindowed aggregates emit the keys that changed.
Status Run::runStreamingPass(Clock::time_point deadline, size_t max, bool perRecord, bool emitAfter,
                             bool &any) {
  any = false;
  size_t kafkaSources = 0;
  for (SourceRuntime &src : sources_)
    kafkaSources += src.kafka != nullptr;
  for (SourceRuntime &src : sources_) {
    if (!src.kafka)
      continue;
    // With several sources none may hold up the others for long.
    Clock::time_point until = kafkaSources == 1 ? deadline : std::min(deadline, Clock::now() + std::chrono::milliseconds(1));
    if (Status s = src.kafka->fetch(until, max); !s.ok())
      return std::move(s).withContext("source '" + src.info.name + "'");
    any |= !src.kafka->batch().empty();
    if (src.eventTimeProbe && src.kafka->batch().size() > 1)
      mergeByEventTime(src);
  }
  if (!any)
    return {};
  if (perRecord) {
    // One record per scan call, and the changed keys emitted after each.
    size_t longest = 0;
    for (SourceRuntime &src : sources_)
      if (src.kafka) {
        src.kafka->setRecordsPerCall(1);
        longest = std::max(longest, src.kafka->batch().size());
      }
    for (size_t k = 0; k <= longest; ++k) { // the last round ends every scan's batch
      for (StreamStage &scan : streamScans_)
        if (Status s = invokeStage(scan); !s.ok())
          return s;
      for (StreamStage &emit : streamEmits_)
        if (Status s = invokeStage(emit); !s.ok())
          return s;
    }
    for (SourceRuntime &src : sources_)
      if (src.kafka)
        src.kafka->setRecordsPerCall(SIZE_MAX);
  } else {
    for (StreamStage &scan : streamScans_)
      if (Status s = invokeStage(scan); !s.ok())
        return s;
  }
  if (!perRecord && emitAfter)
    for (StreamStage &emit : streamEmits_)
      if (Status s = invokeStage(emit); !s.ok())
        return s;
  if (telemetry_)
    observeLatency();
  for (SourceRuntime &src : sources_)
    if (src.kafka)
      src.kafka->releaseBatch();
  return {};
}

Status Run::runStreaming() {
  // What is not fed by a Kafka source runs once, first, as under
  // available_now: static tables, file scans and what they feed.
  std::vector<bool> stateFed(program_.nstates, false);
  streamingStage_.assign(program_.nstages, false);
  for (uint32_t i = 0; i < program_.nstages; ++i) {
    const WeirStageDesc &st = program_.stages[i];
    bool fed = (st.kind == WEIR_STAGE_SCAN && sources_[st.source].kafka) ||
               (st.kind == WEIR_STAGE_EMIT && st.state >= 0 && stateFed[st.state]);
    streamingStage_[i] = fed;
    for (uint32_t state : stageStates(st))
      stateFed[state] = stateFed[state] || fed;
  }
  for (uint32_t i = 0; i < program_.nstages; ++i)
    if (!streamingStage_[i])
      if (Status s = runStage(i); !s.ok())
        return s;

  // The streaming stages keep their task (and a scan its cursor) for the run.
  for (uint32_t i = 0; i < program_.nstages; ++i) {
    if (!streamingStage_[i])
      continue;
    const WeirStageDesc &st = program_.stages[i];
    for (uint32_t sink : stageSinks(st))
      if (Status s = openSink(sink); !s.ok())
        return s;
    StreamStage stage{i, std::make_unique<WeirTask>(*this, st), nullptr};
    if (st.kind == WEIR_STAGE_SCAN) {
      SourceRuntime &src = sources_[st.source];
      stage.cursor = std::make_unique<WeirCursor>(
          src.info, makeKafkaDecoder(*src.kafka, src.payload, src.schema), ByteRange{}, stage.task->error);
      int32_t eventTime = program_.sources[st.source].event_time_field;
      std::vector<uint32_t> fedStates = stageStates(st);
      bool windowed = std::any_of(fedStates.begin(), fedStates.end(),
                                  [&](uint32_t state) { return program_.states[state].windowed != 0; });
      if (eventTime >= 0 && !src.eventTimeProbe && windowed) {
        // Reads just the event time of each record, to merge partitions.
        src.probeUsed = static_cast<uint32_t>(eventTime);
        src.eventTimeProbe = makeKafkaDecoder(*src.kafka, src.payload,
                                              SchemaView{src.schema.nfields, src.schema.fields, 1, &src.probeUsed});
      }
      // Only a source's first scan counts and dead-letters its bad records
      // (its other scans see the same ones).
      stage.cursor->logBadRecords = !src.scanned;
      src.scanned = true;
      stage.task->cursor = stage.cursor.get();
      streamScans_.push_back(std::move(stage));
    } else if (!program_.states[st.state].windowed) {
      // Windowed states emit as their watermark passes, from the scan; a
      // stream never ends, so their end-of-input emit stage never runs.
      streamEmits_.push_back(std::move(stage));
    }
  }
  for (uint32_t i = 0; i < program_.nstates; ++i)
    if (stateFed[i] && !program_.states[i].windowed)
      trackChanges(states_[i]);
  struct sigaction action = {}, oldInt = {}, oldTerm = {};
  action.sa_handler = onStopSignal;
  sigemptyset(&action.sa_mask);
  KafkaSource::stopRequested.store(false);
  sigaction(SIGINT, &action, &oldInt);
  sigaction(SIGTERM, &action, &oldTerm);
  lastCommit_ = Clock::now();
  consumedAtCommit_ = kafkaConsumed();

  Status status;
  switch (trigger_.kind) {
  case Trigger::Kind::AvailableNow:
    status = runBoundedBatch();
    break;
  case Trigger::Kind::Every:
    while (status.ok() && !KafkaSource::stopRequested.load()) {
      auto next = Clock::now() + std::chrono::milliseconds(trigger_.everyMs);
      status = runBoundedBatch();
      if (status.ok())
        reportProgress();
      while (status.ok() && !KafkaSource::stopRequested.load() && Clock::now() < next)
        std::this_thread::sleep_for(std::min<Clock::duration>(next - Clock::now(), std::chrono::milliseconds(20)));
    }
    break;
  case Trigger::Kind::Realtime: {
    for (SourceRuntime &src : sources_)
      if (src.kafka)
        src.kafka->setUnbounded();
    // A batch is what is there when the first record comes; unwindowed
    // aggregates emit a row per change (their scans take one record a call).
    bool perRecord = !streamEmits_.empty();
    while (status.ok() && !KafkaSource::stopRequested.load()) {
      bool any = false;
      auto deadline = std::min(Clock::now() + std::chrono::milliseconds(20),
                               lastCommit_ + std::chrono::milliseconds(options_.commitIntervalMs));
      status = runStreamingPass(deadline, kMaxBatch, perRecord, /*emitAfter=*/true, any);
      if (status.ok())
        status = commitPoint(false);
      if (status.ok() && std::chrono::duration<double>(Clock::now() - lastProgress_).count() >= kProgressSeconds)
        reportProgress();
    }
    break;
  }
  }
  if (status.ok())
    status = commitPoint(true);
  if (streamProgress_)
    streamProgress(/*final=*/true);
  if (options_.trace)
    for (uint32_t i = 0; i < program_.nstates; ++i)
      if (program_.states[i].windowed)
        std::fprintf(stderr, "trace: clock of %s: watermark %lld, next fire %lld, late rows %lld\n",
                     program_.states[i].name, static_cast<long long>(clocks_[i].watermark),
                     static_cast<long long>(clocks_[i].next_fire), static_cast<long long>(clocks_[i].late_rows));
  sigaction(SIGINT, &oldInt, nullptr);
  sigaction(SIGTERM, &oldTerm, nullptr);
  for (StreamStage &scan : streamScans_)
    if (Status s = collectScan(sources_[program_.stages[scan.index].source], *scan.cursor); !s.ok() && status.ok())
      status = std::move(s);
  streamScansCollected_ = true; // their counts are in the sources now
  return status;
}

// available_now, or one batch of every: up to the ends the partitions have
// now, with one commit at its end.
Status Run::runBoundedBatch() {
  for (SourceRuntime &src : sources_)
    if (src.kafka)
      if (Status s = src.kafka->beginBoundedBatch(); !s.ok())
        return s;
  ++batches_;
  for (;;) {
    bool exhausted = true;
    for (SourceRuntime &src : sources_)
      exhausted &= !src.kafka || src.kafka->exhausted();
    if (exhausted || KafkaSource::stopRequested.load())
      break;
    bool any = false;
    if (Status s = runStreamingPass(Clock::time_point::max(), kMaxBatch, false, /*emitAfter=*/false, any); !s.ok())
      return s;
  }
  // The keys that changed in the batch, once, and one commit: what the batch
  // emits does not depend on how its records were fetched, and a batch cut
  // short by a crash is done again whole (its changed keys are not in the
  // checkpoint).
  for (StreamStage &emit : streamEmits_)
    if (Status s = invokeStage(emit); !s.ok())
      return s;
  return commitPoint(true);
}

std::string Run::streamingReport() const {
  if (!streaming_)
    return {};
  std::string guarantee = exactlyOnce_ ? "exactly_once" : "at_least_once";
  std::string text = "  trigger " + trigger_.text() + ", group " + groupId_ + ", " + guarantee + ": " +
                     std::to_string(commits_) + " commit" + (commits_ == 1 ? "" : "s");
  if (trigger_.kind == Trigger::Kind::Every)
    text += ", " + std::to_string(batches_) + " batch" + (batches_ == 1 ? "" : "es");
  return text + "\n";
}

void Run::reportProgress() {
  lastProgress_ = Clock::now();
  if (!options_.reportJson)
    return;
  RunReport report;
  fillReport(report);
  addStreamingCounts(report); // records read so far, not only at the end
  report.ok = true;
  report.seconds = std::chrono::duration<double>(lastProgress_ - started_).count();
  writeReport(options_, formatReportJson(report, "progress", 0, ""));
}

} // namespace weir::rt
