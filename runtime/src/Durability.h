// Durable state: --checkpoint DIR and --state-memory BYTES (docs/architecture.md,
// "Durable state").
//
// A checkpoint is one RocksDB WriteBatch with the changed entries of every
// aggregate state (and the deletions of removed ones), each windowed state's
// clock, the position of the running scan, the committed lengths of the sink
// and dead-letter files (synced first), which stages are complete, and each
// state's layout fingerprint. Checkpoints are taken at consistent points
// (WeirCursor calls reached() before decoding a record), at the end of every
// stage and at the end of the run. On start the last checkpoint is restored:
// the states, the clocks, the scan position, the files truncated back.
//
// --state-memory: when the aggregate states' resident bytes pass the cap at
// a consistent point, a checkpoint saves every change and the coldest
// entries of unwindowed states leave memory (their key's next probe loads
// them back, weir_ht_fault_in). Without --checkpoint the store is a scratch
// directory, deleted at the end.
#pragma once

#include "runtime/src/CheckpointStore.h"
#include "runtime/src/Cursor.h"
#include "runtime/src/Options.h"
#include "runtime/src/Run.h"
#include "runtime/src/SourceData.h"

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

struct WeirTask;

namespace weir::rt {

class Run;
struct DurableTable;

// Streaming runs (Kafka sources, docs/architecture.md "Exactly-once"): what a
// checkpoint holds besides the states, and the second phase of exactly-once.
class StreamCheckpointParticipant {
public:
  virtual ~StreamCheckpointParticipant() = default;
  // Puts the sources' positions into the checkpoint's batch.
  virtual Status addRecords(rocksdb::WriteBatch &batch) = 0;
  // Exactly-once: the checkpoint's batch is first stored as pending, then
  // commitTransaction() commits the Kafka transaction (output + positions),
  // then the batch is applied. A run that finds a pending batch at start asks
  // pendingCommitted() whether its transaction committed (the consumer
  // group's offsets equal the batch's positions): applied if so, dropped if not.
  virtual bool twoPhase() const = 0;
  virtual Status commitTransaction() = 0;
  virtual Status pendingCommitted(rocksdb::WriteBatch &pending, bool &committed) = 0;
};

class Durability final : public ConsistentPointHook {
public:
  Durability(Run &run, const WeirProgramDesc &program, const Options &options);
  ~Durability() override;

  // After the run's states exist: opens the store, finds out what the
  // checkpoint directory holds (Situation), and acts on it: restores the
  // last checkpoint, or keeps a completed run's output, or starts over
  // (DurabilityOpen.cpp).
  Status open();

  // The checkpoint records a completed run whose inputs and outputs are as
  // it left them: the run does nothing (its output stays).
  bool alreadyComplete() const { return alreadyComplete_; }
  // A stage a previous run completed (skipped; table builds are rerun).
  bool stageDone(uint32_t stage) const;

  // Sink `index`'s committed file length and row count, when a checkpoint
  // has them (the sink resumes), else false (it starts empty).
  bool sinkResume(uint32_t index, uint64_t &length, uint64_t &rows) const;

  // A scan stage's cursor: where it resumes (range.begin moves there, or
  // `skipRecords` records are skipped when the source has no byte
  // positions), and the counts it had.
  void prepareScan(uint32_t stage, ByteRange &range, uint64_t &skipRecords, uint64_t &read,
                   uint64_t &bad) const;
  void attach(WeirCursor &cursor, uint32_t stage);
  WeirStatus reached(WeirCursor &cursor) override;

  // A stage ended successfully: checkpoint with it marked complete.
  Status stageFinished(uint32_t stage);
  // All stages ended and the sinks are flushed: the last checkpoint, which
  // marks the run complete (the sinks are renamed into place after it).
  Status finalCheckpoint();

  // The emit stage of a state with entries in the store only: emits them
  // all, in first-seen order, a memory-sized batch at a time.
  bool emitsInBatches(const WeirStageDesc &stage) const;
  WeirStatus runEmitInBatches(const WeirStageDesc &stage, WeirTask &task);

  // Streaming runs: set before open(); positions and the two phases.
  void setStreamParticipant(StreamCheckpointParticipant *p) { participant_ = p; }
  // A checkpoint at a streaming run's commit point (no scan position, no
  // stage done, never final: a stream is never complete).
  Status streamCheckpoint() { return checkpoint(nullptr, -1, false); }
  // A metadata record of the store ("m/..."), after open().
  Status readRecord(const std::string &key, std::string &value, bool &found);

  // Lines for the end-of-run report.
  std::string reportText() const;
  RunReport::Durable figures() const;
  // --metrics (observe/Telemetry.h).
  uint64_t spilledKeys(uint32_t state) const;
  uint64_t evictedBytes(uint32_t state) const;
  uint64_t spilledTimers(uint32_t state) const;
  uint64_t checkpointCount() const { return checkpoints_; }
  int64_t lastCheckpointUnixMs() const { return lastCheckpointUnixMs_; }
  // What open() made of an existing checkpoint ("resumed from ..."), or "".
  const std::string &startNote() const { return startNote_; }
  // The run's last words: a scratch store is deleted.
  void close();

private:
  struct StateInfo {
    bool durable = false;      // an aggregate state the store keeps
    uint32_t storeId = 0;
  };
  struct SourceRecord {
    bool found = false;
    std::string path;
    int64_t size = -1, mtimeNs = 0;
    uint64_t read = 0, bad = 0;
    bool scanned = false;
    int64_t deadLetterLength = -1;
  };
  struct SinkRecord {
    std::string path;
    uint64_t length = 0, rows = 0;
  };

  bool checkpointing() const { return !options_.checkpointDir.empty(); }
  std::string stageKey(uint32_t stage) const;
  std::string goneStage() const;

  // What the checkpoint directory holds, as open() finds it. A checkpoint
  // that cannot be used at all (another format, another state layout,
  // unreadable) is an error of classify() instead.
  enum class Situation {
    None,               // no checkpoint: a fresh run
    Unfinished,         // a run that stopped before its end: resume it
    CompletedInPlace,   // a completed run, same inputs, outputs in place: nothing to do
    CompletedExtended,  // the same, but with pipelines it did not have: run those
    CompletedOutOfDate, // a completed run whose inputs or outputs changed: start over
  };
  // Reads the checkpoint's records and classifies it. `why`: for
  // CompletedOutOfDate, what changed.
  Status classify(Situation &situation, std::string &why);
  // One function per situation.
  Status startFresh();
  Status resumeUnfinished();
  Status keepCompleted();
  Status resumeExtended();
  Status startOver(const std::string &why);
  // Shared steps: every aggregate state gets its DurableTable; the restore
  // of a resumed run; the run's first checkpoint.
  void bindTables();
  Status resume();
  Status beginRun(bool fresh);

  Status openStore();
  Status resolvePending();
  Status checkLayouts();
  Status readRecords();
  Status checkSourcesUnchanged() const;
  Status checkSinksBound() const;
  Status bringOutputsInPlace();
  Status reopenOutputs();
  Status restoreStates();
  Status restoreState(uint32_t index);
  void restoreRunCounts();

  // The checkpoint itself. `cursor`: the running scan (its position is
  // saved); `doneStage`: a stage to mark complete, or -1.
  Status checkpoint(WeirCursor *cursor, int doneStage, bool final);
  Status saveState(uint32_t index, rocksdb::WriteBatch &batch);
  Status commitFiles(WeirCursor *cursor, rocksdb::WriteBatch &batch);
  void putSourceRecords(rocksdb::WriteBatch &batch);

  // --state-memory
  uint64_t totalResident() const;
  WeirStatus enforceStateMemory(WeirCursor &cursor);
  void evictColdest(uint32_t index, double fraction);

  Run &run_;
  const WeirProgramDesc &program_;
  const Options &options_;
  std::unique_ptr<CheckpointStore> store_;
  StreamCheckpointParticipant *participant_ = nullptr;
  std::string scratchDir_;
  std::vector<StateInfo> states_;
  std::vector<std::unique_ptr<DurableTable>> tables_;
  std::vector<SourceRecord> sourceRecords_;
  std::map<std::string, SinkRecord> sinkRecords_;
  std::map<std::string, bool> doneStages_;
  std::string resumeStage_;   // the restored position's scan
  std::string positionStage_; // the scan whose position the store holds
  uint64_t resumeOffset_ = UINT64_MAX, resumeRead_ = 0, resumeBad_ = 0;
  bool alreadyComplete_ = false;
  std::string startNote_;
  uint32_t round_ = 1;
  uint32_t nextStoreId_ = 1;

  // Timing of periodic checkpoints.
  using Clock = std::chrono::steady_clock;
  Clock::time_point lastCheckpoint_;
  uint64_t recordsSinceCheckpoint_ = 0;
  uint64_t hookEvery_ = 1;
  uint32_t currentStage_ = 0;

  // Report.
  uint64_t checkpoints_ = 0, checkpointBytes_ = 0, evictions_ = 0;
  double checkpointSeconds_ = 0;
  int64_t lastCheckpointUnixMs_ = 0;
  uint64_t peakResident_ = 0, peakSpilled_ = 0, peakSpillIndexBytes_ = 0;
};

} // namespace weir::rt
