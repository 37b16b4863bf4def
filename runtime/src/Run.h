// Runs a compiled program: binds its sources and sinks to files, runs its
// stages in order (scans in parallel where allowed), and reports.
#pragma once

#include "runtime/src/Cursor.h"
#include "runtime/src/Options.h"
#include "runtime/src/Output.h"
#include "runtime/src/SinkWriter.h"
#include "runtime/src/SourceData.h"
#include "runtime/src/Trigger.h"
#include "runtime/src/generators/GeneratorSource.h"
#include "runtime/src/kafka/KafkaSink.h"
#include "runtime/src/kafka/KafkaSource.h"

#include <memory>
#include <string>
#include <vector>

namespace weir::rt {

struct RunReport {
  struct Source {
    std::string name, path;
    uint64_t read = 0, bad = 0;
    OnError mode = OnError::Fail;
    std::string deadLetterPath;
    bool scanned = false;
  };
  struct Sink {
    std::string name, where;
    uint64_t rows = 0;
    bool written = false;
  };
  std::string programName;
  bool ok = false;
  double seconds = 0;
  std::vector<Source> sources;
  std::vector<Sink> sinks;
  std::vector<std::pair<std::string, uint64_t>> lateRows; // windowed state -> rows dropped behind its watermark
  struct EventClock {
    std::string state;
    int64_t watermark = INT64_MIN, maxEventTime = INT64_MIN; // INT64_MIN: no row yet
    uint64_t lateRows = 0;
  };
  std::vector<EventClock> clocks; // every windowed (or ttl) state's event-time clock
  uint64_t commits = 0, batches = 0; // streaming runs
  // --checkpoint and --state-memory, as numbers (Durability::figures).
  struct Durable {
    bool checkpointing = false;
    uint64_t checkpoints = 0, checkpointBytes = 0;
    double checkpointSeconds = 0;
    uint64_t stateMemoryCap = 0; // 0: no --state-memory
    uint64_t peakResidentBytes = 0, evictions = 0, peakSpilledKeys = 0;
  } durable;
  std::string durability; // checkpoint and state-memory lines (Durability.h)
  std::string streaming;  // trigger, group, guarantee, commits (streaming runs)
};

class Durability;
class ProgressLine;
class Telemetry;
struct LiveFigures;
class StreamCheckpointParticipant;

// The program's declared trigger ("available_now" when it has none).
const char *programTrigger(const WeirProgramDesc &program);

// What durable state needs to know of a source (Durability*.cpp).
struct RunSource {
  std::string path;
  ErrorPolicy policy;
  uint64_t read = 0, bad = 0;
  bool scanned = false, generated = false;
};

// The whole run; `telemetry` (--metrics) receives its figures as it goes.
Status runProgram(const WeirProgramDesc &program, const Options &options, RunReport &report,
                  Telemetry *telemetry = nullptr);

// The end-of-run report (stderr unless --quiet).
std::string formatReport(const RunReport &report);

class Run {
public:
  Run(const WeirProgramDesc &program, const Options &options, Telemetry *telemetry = nullptr);
  ~Run();

  Status start(); // binds sources, sinks, states
  // A run with a Kafka source or a trigger other than available_now: runs
  // the non-streaming stages once, then the streaming ones by the trigger
  // (RunStreaming.cpp). Otherwise runStage() for each stage in order.
  bool streaming() const { return streaming_; }
  Status runStreaming();
  Status runStage(uint32_t index);
  Status finish(bool succeeded); // sinks into place, states freed
  void fillReport(RunReport &report) const;

  // Task access.
  WeirHashTable *state(uint32_t index) const { return states_[index]; }
  WeirClock *clock(uint32_t index) { return &clocks_[index]; }
  WeirSinkWriter *sinkWriter(uint32_t index, ErrorSlot &error);

  // --metrics (RunLive.cpp): publishes the run's figures, at most every
  // Telemetry::kPublishEvery unless `force`. Run thread only.
  Telemetry *telemetry() const { return telemetry_; }
  void publishLive(bool force);

  // For durable state (Durability*.cpp).
  RunSource sourceInfo(uint32_t index) const;
  void restoreSourceCounts(uint32_t index, uint64_t read, uint64_t bad, bool scanned);
  void restoreSinkRows(uint32_t index, uint64_t rows);
  std::string sinkPath(uint32_t index) const; // "" for stdout, "discard:" for discard
  // Flushes an open file sink and syncs it; `length` is UINT64_MAX for a
  // sink that is not an open file.
  Status syncSink(uint32_t index, uint64_t &length, uint64_t &rows);

private:
  struct SourceRuntime {
    const WeirSourceDesc *desc = nullptr;
    CursorSource info;
    Format format = Format::Json;
    SchemaView schema;
    std::unique_ptr<SourceData> data;
    CsvLayout csv;
    std::unique_ptr<GeneratorSource> generator; // a generator: URI instead of a file
    std::unique_ptr<KafkaSource> kafka;         // a Kafka topic
    KafkaSource::Payload payload = KafkaSource::Payload::Json;
    std::unique_ptr<RecordDecoder> eventTimeProbe; // decodes just the event time (RunStreaming.cpp)
    uint32_t probeUsed = 0;
    int lastStage = -1;
    bool scanned = false;
    uint64_t read = 0, bad = 0;
  };
  struct SinkRuntime {
    const WeirSinkDesc *desc = nullptr;
    Location location;
    SinkFormat format = SinkFormat::Json;
    std::unique_ptr<Output> out;
    std::unique_ptr<WeirSinkWriter> writer;
    std::unique_ptr<KafkaSink> kafka;
    uint64_t completedRows = UINT64_MAX; // a completed durable run's count (not reopened)
  };

  Status runStageOnce(uint32_t index);
  Status loadSource(SourceRuntime &src);
  Status openSink(uint32_t index);
  std::unique_ptr<WeirCursor> makeCursor(SourceRuntime &src, const ByteRange &range,
                                         ErrorSlot &error);
  Status collectScan(SourceRuntime &src, WeirCursor &cursor);
  Status runSingle(const WeirStageDesc &stage, SourceRuntime *src);
  void whileIdle(uint32_t scanStage);
  // Realtime over a generator without a rate: events per second.
  static constexpr uint64_t kPacedDefaultRate = 10000;
  Status runParallel(const WeirStageDesc &stage, SourceRuntime &src, const std::vector<ByteRange> &ranges);
  static Status taskError(const WeirStageDesc &stage, WeirStatus status, const WeirTask &task,
                          const WeirSinkWriter *sink);
  const WeirSinkWriter *failedSink(const WeirStageDesc &stage, const WeirTask *task) const;

  // Streaming (RunStreaming.cpp).
  class StreamCommit;
  struct StreamStage {
    uint32_t index;
    std::unique_ptr<WeirTask> task;
    std::unique_ptr<WeirCursor> cursor;
  };
  Status bindKafka();   // before durable state is restored: clients, group, guarantee
  Status assignKafka(); // after: the sources' saved positions
  StreamCheckpointParticipant *streamParticipant();
  Status runStreamingPass(KafkaSource::Clock::time_point deadline, size_t max, bool perRecord, bool emitAfter,
                          bool &any);
  Status runBoundedBatch();
  void mergeByEventTime(SourceRuntime &src);
  std::string streamingReport() const;
  // --report json: a progress line (ReportJson.h) after each batch of the
  // every trigger, and at most every kProgressSeconds under realtime.
  void reportProgress();
  static constexpr double kProgressSeconds = 10;
  KafkaSource::Clock::time_point started_ = KafkaSource::Clock::now(), lastProgress_ = started_;
  Status invokeStage(StreamStage &stage);
  Status commitPoint(bool force);
  Status commitKafkaTransaction();
  uint64_t kafkaConsumed() const;
  bool kafkaToKafka() const;

  const WeirProgramDesc &program_;
  const Options &options_;
  Trigger trigger_;
  bool streaming_ = false;
  bool exactlyOnce_ = false;
  std::string groupId_;
  std::unique_ptr<KafkaProducer> producer_;
  std::unique_ptr<StreamCheckpointParticipant> streamCommit_; // a StreamCommit
  std::vector<bool> streamingStage_; // per stage: fed by a Kafka source
  std::vector<StreamStage> streamScans_, streamEmits_;
  KafkaSource::Clock::time_point lastCommit_;
  uint64_t consumedAtCommit_ = 0;
  uint64_t commits_ = 0, batches_ = 0;
  std::vector<SourceRuntime> sources_;
  // --threads 2+ in a batch run (available_now, no Kafka): a stage that is
  // not split decodes ahead and formats its sinks on other threads.
  bool pipelinesOverThreads() const;
  // Formats the sinks' rows with --threads 2+ (BackgroundFormatter.h);
  // declared before sinks_ so that it outlives their writers.
  std::unique_ptr<FormatterThread> formatter_;
  std::vector<SinkRuntime> sinks_;
  std::vector<WeirHashTable *> states_;
  std::unique_ptr<Durability> durability_; // --checkpoint / --state-memory
  std::unique_ptr<ProgressLine> progress_; // a batch run's scans on a terminal (Progress.h)
  std::string stageLabel(const WeirStageDesc &stage) const; // `scan "name"`
  // A scan's progress: the terminal line and --metrics (RunLive.cpp).
  void scanBegins(const WeirStageDesc &stage, SourceRuntime &src, std::vector<WeirCursor *> cursors, bool tick);
  void scanEnds(bool completed);
  LiveFigures liveFigures() const;
  void addStreamingCounts(RunReport &report) const;
  // A streaming run on a terminal: one line rewritten every
  // kStreamProgressEvery (records and rate, rows out, watermark and consumer
  // lag), ended with a newline by `final`.
  void streamProgress(bool final);
  bool streamProgress_ = false;
  bool streamScansCollected_ = false;
  static constexpr auto kStreamProgressEvery = std::chrono::milliseconds(500);
  KafkaSource::Clock::time_point lastStreamProgress_{};
  uint64_t lastStreamRecords_ = 0;
  // Streaming: each record of the pass, from its Kafka timestamp to now
  // (its rows handed to the sinks), into the histogram of each pipeline
  // (sink) its source feeds.
  void observeLatency();
  std::vector<std::vector<uint32_t>> sinksFedBy_; // per source, filled on first use
  Telemetry *telemetry_ = nullptr;
  KafkaSource::Clock::time_point lastPublish_{};
  std::string runningStage_;
  std::string durabilityReport_;
  RunReport::Durable durableFigures_; // kept when durability_ goes (finish)
  std::vector<WeirClock> clocks_; // one per state; used by windowed aggregates
};

} // namespace weir::rt
