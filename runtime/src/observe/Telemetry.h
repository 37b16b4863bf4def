// What --metrics serves (docs/operations.md, "Metrics and the status page"):
// the figures of a running program, shared between the run thread, which
// publishes them, and the HTTP threads, which read them.
//
// The record path pays nothing for it: the run thread publishes a snapshot
// (Run::publishLive) at stage boundaries, after streaming passes and, inside
// a long scan, every 4,096 records at most every kPublishEvery (a clock
// read); scans in progress add the counts their cursors already publish for
// the progress line (Cursor.h). A scrape never touches the run's tables,
// which the run thread resizes and frees as it goes.
#pragma once

#include "runtime/src/Run.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

struct WeirCursor;

namespace weir::rt {

// A Prometheus histogram: counts per upper bound (le), and +Inf.
class Histogram {
public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);
  const std::vector<double> &bounds() const { return bounds_; }
  const std::vector<uint64_t> &counts() const { return counts_; } // per bucket, the last one +Inf
  double sum() const { return sum_; }
  uint64_t count() const { return count_; }

private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;
  double sum_ = 0;
  uint64_t count_ = 0;
};

// One keyed state (an aggregate or a join table).
struct LiveState {
  std::string name;
  bool windowed = false;
  uint64_t keys = 0;          // resident entries
  uint64_t residentBytes = 0; // DurableTable.h residentBytes
  uint64_t spilledKeys = 0;   // --state-memory: keys only on disk now
  uint64_t spilledBytes = 0;  // --state-memory: bytes written by evictions so far
  uint64_t timersPending = 0; // windowed and ttl: event-time timers not yet fired
};

// One Kafka partition a source reads.
struct LivePartition {
  std::string source;
  int32_t partition = 0;
  int64_t position = -1; // next offset to read (-1: not known yet)
  int64_t end = -1;      // the partition's high watermark as last fetched (-1: not known)
};

// What the run thread publishes.
struct LiveFigures {
  RunReport report; // sources' counts: the scans that have ended (plus streaming cursors)
  std::vector<LiveState> states;
  std::vector<LivePartition> partitions;
  uint64_t checkpoints = 0;
  int64_t lastCheckpointUnixMs = 0; // 0: none yet
  uint64_t transactionsCommitted = 0, transactionsAborted = 0;
  std::string stage;   // the stage running now ("" between stages)
  std::string trigger; // in effect: the program's, or --trigger's
  bool finished = false;
  int exitCode = 0;
  std::string error; // the run's error, once finished
};

class Telemetry {
public:
  static constexpr auto kPublishEvery = std::chrono::milliseconds(200);
  static constexpr auto kRateWindow = std::chrono::seconds(5);

  explicit Telemetry(const WeirProgramDesc &program);

  // Run thread.
  void publish(LiveFigures figures);
  // A scan of `source` reads through `cursors` (one per range) until
  // scanEnds, which publishes `figures` (the scan's counts added to its
  // source) in the same step, so a reader never counts a record twice.
  void scanBegins(uint32_t source, std::vector<const WeirCursor *> cursors);
  void scanEnds(LiveFigures figures);
  void observeCheckpoint(double seconds, uint64_t bytes);
  void observeLatency(uint32_t sink, const std::vector<double> &seconds);
  void observeErrorMessage(const std::string &message);
  // The run has ended: its report (the figures a scrape must end equal to),
  // exit code and error. The states keep their last published figures.
  void finish(const RunReport &report, int exitCode, const std::string &error);

  // Any thread. The compile phases of a JIT run (weir_set_compile_times).
  static void setCompilePhases(std::vector<std::pair<std::string, double>> phasesMs);

  // What a reader sees: a copy taken under the lock.
  struct Sample {
    const WeirProgramDesc *program = nullptr;
    LiveFigures figures;
    std::vector<uint64_t> sourceRecords, sourceBytes, sourceBad; // published + scans in progress
    Histogram checkpointSeconds{{}}, checkpointBytes{{}};
    std::vector<Histogram> latency; // per sink
    std::vector<std::pair<std::string, double>> compilePhasesMs;
    std::vector<std::string> errors; // the latest few
    // Per second over the last few seconds (kRateWindow), per source and sink.
    std::vector<double> sourceRate, sinkRate;
    double uptimeSeconds = 0;
    int64_t nowUnixMs = 0;
  };
  Sample sample();

  // The final figures have been served once (--metrics-linger waits for it).
  void markFinalScraped();
  bool waitFinalScraped(std::chrono::milliseconds limit);

private:
  const WeirProgramDesc &program_;
  std::mutex mu_;
  std::condition_variable scraped_;
  bool finalScraped_ = false;
  LiveFigures figures_;
  std::vector<std::vector<const WeirCursor *>> liveScans_; // per source
  std::vector<uint64_t> endedBytes_;                        // per source: bytes of first scans that ended
  Histogram checkpointSeconds_, checkpointBytes_;
  std::vector<Histogram> latency_;
  std::vector<std::string> errors_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  // What rates are measured against: counts as published, the last
  // kRateWindow of them (under mu_).
  struct Counts {
    std::chrono::steady_clock::time_point at;
    std::vector<uint64_t> sources, sinks;
  };
  std::deque<Counts> recent_;
  Counts countsNow() const; // under mu_
  void remember();          // under mu_
};

} // namespace weir::rt
