// Durability: the hooks the run calls while it goes, the report and the
// close (Durability.h; opening and restoring: DurabilityOpen.cpp).
#include "runtime/src/Durability.h"

#include "runtime/src/StopSignal.h"

#include "runtime/src/CheckpointRecords.h"

#include "runtime/src/Run.h"
#include "runtime/src/DurableTable.h"
#include "runtime/src/ErrorPolicy.h"
#include "runtime/src/HashTable.h"
#include "runtime/src/CommittedFileOutput.h"
#include "runtime/src/StateSerializer.h"
#include "runtime/src/Task.h"

#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sys/stat.h>

namespace weir::rt {

using namespace checkpoint_detail;

Durability::Durability(Run &run, const WeirProgramDesc &program, const Options &options)
    : run_(run), program_(program), options_(options) {}

Durability::~Durability() { close(); }

std::string Durability::stageKey(uint32_t stage) const {
  // Names are unique in practice; the ordinal among equal names makes sure.
  const WeirStageDesc &st = program_.stages[stage];
  std::string name = st.name ? st.name : "stage";
  uint32_t same = 0;
  for (uint32_t i = 0; i < stage; ++i)
    if (program_.stages[i].name && name == program_.stages[i].name)
      ++same;
  std::string key = same ? name + "#" + std::to_string(same) : name;
  // A shared scan is done for the pipelines it fed: name them all (by the
  // state or sink each writes), so that one with other pipelines is another stage.
  if (st.nmore_states + st.nmore_sinks > 0) {
    for (uint32_t state : stageStates(st))
      key += std::string("+") + program_.states[state].name;
    for (uint32_t sink : stageSinks(st))
      key += std::string("+") + program_.sinks[sink].name;
  }
  return key;
}

// ------------------------------------------------------------ during the run

bool Durability::stageDone(uint32_t stage) const {
  return doneStages_.count(stageKey(stage)) > 0;
}

bool Durability::sinkResume(uint32_t index, uint64_t &length, uint64_t &rows) const {
  auto it = sinkRecords_.find(program_.sinks[index].name);
  if (it == sinkRecords_.end() || it->second.path != run_.sinkPath(index))
    return false;
  length = it->second.length;
  rows = it->second.rows;
  return true;
}

void Durability::prepareScan(uint32_t stage, ByteRange &range, uint64_t &skipRecords,
                             uint64_t &read, uint64_t &bad) const {
  skipRecords = read = bad = 0;
  if (resumeStage_.empty() || resumeStage_ != stageKey(stage))
    return;
  read = resumeRead_;
  bad = resumeBad_;
  if (options_.trace) // the kill -9 tests check that restarts resume mid-scan
    std::fprintf(stderr, "trace: stage %u resumes after record %llu (byte %lld)\n", stage,
                 static_cast<unsigned long long>(read),
                 resumeOffset_ == UINT64_MAX ? -1LL : static_cast<long long>(resumeOffset_));
  if (resumeOffset_ == UINT64_MAX) {
    skipRecords = resumeRead_;
    return;
  }
  const char *at = range.fileBegin + resumeOffset_;
  if (at >= range.begin && at <= range.end)
    range.begin = at;
}

void Durability::attach(WeirCursor &cursor, uint32_t stage) {
  currentStage_ = stage;
  cursor.hook = this;
  // Timed checkpoints read the clock every kClockEvery records; a state
  // cap is checked at every record (one addition per state).
  hookEvery_ = options_.stateMemory ? 1 : checkpointing() ? kClockEvery : 0;
  if (checkpointing() && options_.checkpointRecords && !options_.stateMemory)
    hookEvery_ = std::min<uint64_t>(kClockEvery, options_.checkpointRecords);
  if (hookEvery_ == 0) {
    cursor.hook = nullptr;
    return;
  }
  cursor.hookCountdown = hookEvery_;
  recordsSinceCheckpoint_ = 0;
}

WeirStatus Durability::reached(WeirCursor &cursor) {
  cursor.hookCountdown = hookEvery_;
  for (const auto &dt : tables_)
    if (dt && !dt->fault.ok())
      return cursor.error.set(dt->fault);
  recordsSinceCheckpoint_ += hookEvery_;
  if (stopRequested()) {
    // SIGINT/SIGTERM: everything up to this record is saved, and the same
    // command resumes here (StopSignal.h).
    if (!checkpointing())
      return cursor.error.set(WEIR_ERR_STOPPED, "stopped by " + stopSignalName());
    if (Status s = checkpoint(&cursor, -1, false); !s.ok())
      return cursor.error.set(std::move(s));
    return cursor.error.set(WEIR_ERR_STOPPED, "stopped by " + stopSignalName() + " after a final checkpoint in " +
                                                  options_.checkpointDir + "; the same command resumes from it");
  }
  if (options_.stateMemory)
    if (WeirStatus s = enforceStateMemory(cursor); s != WEIR_OK)
      return s;
  if (!checkpointing())
    return WEIR_OK;
  bool due;
  if (options_.checkpointRecords)
    due = recordsSinceCheckpoint_ >= options_.checkpointRecords;
  else
    due = (recordsSinceCheckpoint_ % kClockEvery) == 0 &&
          secondsSince(lastCheckpoint_) >= options_.checkpointSeconds;
  if (!due)
    return WEIR_OK;
  if (Status s = checkpoint(&cursor, -1, false); !s.ok())
    return cursor.error.set(std::move(s));
  return WEIR_OK;
}

Status Durability::stageFinished(uint32_t stage) {
  if (!checkpointing())
    return {};
  return checkpoint(nullptr, static_cast<int>(stage), false);
}

Status Durability::finalCheckpoint() {
  if (!checkpointing() || alreadyComplete_)
    return {};
  return checkpoint(nullptr, -1, true);
}

// ------------------------------------------------------------ report, close

std::string Durability::reportText() const {
  std::string out;
  char line[256];
  if (!startNote_.empty())
    out += "  checkpoint: " + startNote_ + "\n";
  if (checkpointing() && !alreadyComplete_) {
    std::snprintf(line, sizeof line, "  checkpoints: %llu written, %s, %.3f s\n",
                  static_cast<unsigned long long>(checkpoints_), describeBytes(checkpointBytes_).c_str(),
                  checkpointSeconds_);
    out += line;
  }
  if (options_.stateMemory) {
    std::snprintf(line, sizeof line,
                  "  state memory: peak %llu resident bytes (cap %llu), %llu evictions, up to %llu keys "
                  "on disk (their index: %s)\n",
                  static_cast<unsigned long long>(peakResident_),
                  static_cast<unsigned long long>(options_.stateMemory),
                  static_cast<unsigned long long>(evictions_), static_cast<unsigned long long>(peakSpilled_),
                  describeBytes(peakSpillIndexBytes_).c_str());
    out += line;
  }
  return out;
}

RunReport::Durable Durability::figures() const {
  RunReport::Durable d;
  d.checkpointing = checkpointing();
  d.checkpoints = checkpoints_;
  d.checkpointBytes = checkpointBytes_;
  d.checkpointSeconds = checkpointSeconds_;
  d.stateMemoryCap = options_.stateMemory;
  d.peakResidentBytes = options_.stateMemory ? peakResident_ : 0;
  d.evictions = evictions_;
  d.peakSpilledKeys = peakSpilled_;
  return d;
}

void Durability::close() {
  for (uint32_t i = 0; i < tables_.size(); ++i)
    if (tables_[i] && run_.state(i)) {
      run_.state(i)->durable = nullptr;
      run_.state(i)->spill = nullptr;
    }
  tables_.clear();
  store_.reset();
  if (!scratchDir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(scratchDir_, ec);
    scratchDir_.clear();
  }
}

} // namespace weir::rt
