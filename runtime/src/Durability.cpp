// Durability: opening the store, layout checks, restore, and the hooks
// the driver calls during a run (Durability.h).
#include "runtime/src/Durability.h"

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
  std::string name = program_.stages[stage].name ? program_.stages[stage].name : "stage";
  uint32_t same = 0;
  for (uint32_t i = 0; i < stage; ++i)
    if (program_.stages[i].name && name == program_.stages[i].name)
      ++same;
  return same ? name + "#" + std::to_string(same) : name;
}

// ------------------------------------------------------------------ open

WeirStatus Durability::openStore(std::string &error) {
  uint64_t memtable = 64ull << 20;
  if (options_.stateMemory)
    memtable = std::clamp<uint64_t>(options_.stateMemory / 4, 1 << 20, 64ull << 20);
  std::string dir = options_.checkpointDir;
  if (!checkpointing()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "weir-state-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) {
      error = "--state-memory: cannot create a scratch directory in " +
              std::filesystem::temp_directory_path().string();
      return WEIR_ERR_IO;
    }
    dir = scratchDir_ = pattern;
  } else {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
  }
  store_ = CheckpointStore::open(dir, checkpointing(), memtable, error);
  return store_ ? WEIR_OK : WEIR_ERR_IO;
}

WeirStatus Durability::open(std::string &error) {
  if (WeirStatus s = openStore(error); s != WEIR_OK)
    return s;
  states_.assign(program_.nstates, StateInfo{});
  tables_.resize(program_.nstates);
  sourceRecords_.assign(program_.nsources, SourceRecord{});

  std::string version;
  bool found = false;
  if (!store_->get(kVersionKey, version, found, error))
    return WEIR_ERR_IO;
  if (found && version != kVersion) {
    error = "the checkpoint in " + options_.checkpointDir + " has format '" + version +
            "', this runtime writes '" + kVersion + "'; delete the directory to start over";
    return WEIR_ERR_CONFIG;
  }
  if (found) {
    if (WeirStatus s = checkLayouts(error); s != WEIR_OK)
      return s;
    if (!readRecords(error))
      return WEIR_ERR_IO;
    std::string complete;
    bool isComplete = false;
    if (!store_->get(kCompleteKey, complete, isComplete, error))
      return WEIR_ERR_IO;
    std::string why;
    if (isComplete) {
      bool allDone = true;
      for (uint32_t i = 0; i < program_.nstages; ++i)
        allDone &= program_.stages[i].kind == WEIR_STAGE_TABLE_BUILD || stageDone(i);
      bool inPlace = sourcesUnchanged(why) && outputsInPlace(why);
      if (inPlace && allDone) {
        alreadyComplete_ = true;
        startNote_ = "the run in " + options_.checkpointDir +
                     " had completed with these inputs; its output is in place (nothing to do)";
        restoreRunCounts();
        // The clocks too, for the report's late-row counts.
        for (uint32_t i = 0; i < program_.nstates; ++i) {
          if (!states_[i].durable || !program_.states[i].windowed)
            continue;
          std::string clock;
          bool hasClock = false;
          if (!store_->get(clockKey(states_[i].storeId), clock, hasClock, error))
            return WEIR_ERR_IO;
          if (hasClock && clock.size() == sizeof(WeirClock))
            std::memcpy(run_.clock(i), clock.data(), sizeof(WeirClock));
        }
        return WEIR_OK;
      }
      if (inPlace && reopenOutputs(why)) {
        // Pipelines were added: they run, the others' state and output stay.
        isComplete = false;
        startNote_ = "the completed run in " + options_.checkpointDir +
                     " is resumed for the pipelines it did not have";
      }
    }
    if (isComplete) {
      // Start over: a completed run's checkpoint has nothing to resume.
      startNote_ = "the completed run in " + options_.checkpointDir + " is out of date (" + why +
                   "): started over";
      store_.reset();
      if (!CheckpointStore::destroy(options_.checkpointDir, error))
        return WEIR_ERR_IO;
      if (WeirStatus s = openStore(error); s != WEIR_OK)
        return s;
      found = false;
      states_.assign(program_.nstates, StateInfo{});
      sourceRecords_.assign(program_.nsources, SourceRecord{});
      sinkRecords_.clear();
      doneStages_.clear();
      resumeStage_.clear();
      positionStage_.clear();
    } else if (!sourcesUnchanged(why)) {
      error = why + " since the checkpoint in " + options_.checkpointDir +
              " was written; restore it, or delete the directory to start over";
      return WEIR_ERR_CONFIG;
    } else {
      for (uint32_t i = 0; i < program_.nsinks; ++i) {
        auto it = sinkRecords_.find(program_.sinks[i].name);
        if (it != sinkRecords_.end() && it->second.path != run_.sinkPath(i)) {
          error = "sink '" + std::string(program_.sinks[i].name) + "' wrote to " + it->second.path +
                  " in the checkpoint in " + options_.checkpointDir + ", not to " +
                  (run_.sinkPath(i).empty() ? std::string("stdout") : run_.sinkPath(i)) +
                  "; bind it as before, or delete the directory to start over";
          return WEIR_ERR_CONFIG;
        }
      }
    }
  }
  // Every aggregate state gets a store id and bookkeeping.
  for (uint32_t i = 0; i < program_.nstates; ++i) {
    const WeirStateDesc &d = program_.states[i];
    if (d.kind != 0)
      continue; // join tables are rebuilt from their static tables
    StateInfo &info = states_[i];
    if (!info.durable) {
      info.durable = true;
      info.storeId = nextStoreId_++;
    }
    auto dt = std::make_unique<DurableTable>();
    dt->storeId = info.storeId;
    dt->store = store_.get();
    dt->spillable = options_.stateMemory > 0 && !d.windowed;
    WeirHashTable *ht = run_.state(i);
    ht->durable = dt.get();
    tables_[i] = std::move(dt);
  }
  if (found) {
    if (WeirStatus s = restoreStates(error); s != WEIR_OK)
      return s;
    restoreRunCounts();
    if (startNote_.empty())
      startNote_ = "resumed from the checkpoint in " + options_.checkpointDir;
  }
  lastCheckpoint_ = Clock::now();
  if (!checkpointing())
    return WEIR_OK;
  // The first checkpoint: layouts and the dead-letter files' lengths now.
  rocksdb::WriteBatch batch;
  batch.Put(kVersionKey, kVersion);
  batch.Delete(kCompleteKey);
  for (uint32_t i = 0; i < program_.nstates; ++i)
    if (states_[i].durable && !saveState(i, batch, error))
      return WEIR_ERR_IO;
  if (!found)
    putSourceRecords(batch);
  if (!store_->write(batch, error))
    return WEIR_ERR_IO;
  return WEIR_OK;
}

WeirStatus Durability::checkLayouts(std::string &error) {
  std::string value;
  bool found = false;
  if (!store_->get(kNextStoreIdKey, value, found, error))
    return WEIR_ERR_IO;
  if (found)
    nextStoreId_ = static_cast<uint32_t>(RecordReader(value).num());
  for (uint32_t i = 0; i < program_.nstates; ++i) {
    const WeirStateDesc &d = program_.states[i];
    if (d.kind != 0)
      continue;
    if (!store_->get(stateKey(d.name), value, found, error))
      return WEIR_ERR_IO;
    if (!found)
      continue; // a new pipeline: it starts empty
    RecordReader r(value);
    uint32_t id = static_cast<uint32_t>(r.num());
    uint64_t nextSeq = r.num();
    std::string fingerprint = r.str();
    std::string mine = d.fingerprint ? d.fingerprint : "";
    if (!r.ok()) {
      error = "the checkpoint in " + options_.checkpointDir + " is damaged (state " + d.name + ")";
      return WEIR_ERR_IO;
    }
    if (fingerprint != mine) {
      error = "the checkpoint in " + options_.checkpointDir + " was written by a different layout of " +
              d.name + ": it has [" + fingerprint + "], this program has [" + mine +
              "]; delete " + options_.checkpointDir + " or restore the previous pipeline";
      return WEIR_ERR_IO; // exit code 1: the run cannot go on
    }
    states_[i].durable = true;
    states_[i].storeId = id;
    nextStoreId_ = std::max(nextStoreId_, id + 1);
    (void)nextSeq; // read again by restoreState
  }
  return WEIR_OK;
}

bool Durability::readRecords(std::string &error) {
  for (uint32_t i = 0; i < program_.nsources; ++i) {
    std::string value;
    bool found = false;
    if (!store_->get(sourceKey(program_.sources[i].name), value, found, error))
      return false;
    if (!found)
      continue;
    RecordReader r(value);
    SourceRecord &s = sourceRecords_[i];
    s.found = true;
    s.path = r.str();
    s.size = static_cast<int64_t>(r.num());
    s.mtimeNs = static_cast<int64_t>(r.num());
    s.read = r.num();
    s.bad = r.num();
    s.scanned = r.num() != 0;
    s.deadLetterLength = static_cast<int64_t>(r.num());
  }
  for (uint32_t i = 0; i < program_.nsinks; ++i) {
    std::string value;
    bool found = false;
    if (!store_->get(sinkKey(program_.sinks[i].name), value, found, error))
      return false;
    if (!found)
      continue;
    RecordReader r(value);
    SinkRecord rec;
    rec.path = r.str();
    rec.length = r.num();
    rec.rows = r.num();
    sinkRecords_[program_.sinks[i].name] = rec;
  }
  if (!store_->scan("m/done/", [&](std::string_view key, std::string_view) {
        doneStages_[std::string(key.substr(7))] = true;
        return true;
      }, error))
    return false;
  std::string value;
  bool found = false;
  if (!store_->get(kPositionKey, value, found, error))
    return false;
  if (found) {
    RecordReader r(value);
    resumeStage_ = positionStage_ = r.str();
    resumeOffset_ = r.num();
    resumeRead_ = r.num();
    resumeBad_ = r.num();
  }
  return true;
}

bool Durability::sourcesUnchanged(std::string &why) const {
  for (uint32_t i = 0; i < program_.nsources; ++i) {
    const SourceRecord &rec = sourceRecords_[i];
    if (!rec.found || rec.size < 0)
      continue; // not a file (a generator), or not recorded
    const RunSource &now = run_.sourceInfo(i);
    int64_t size = -1, mtime = 0;
    fileIdentity(now.path, size, mtime);
    if (now.path != rec.path || size != rec.size || mtime != rec.mtimeNs) {
      why = "source '" + std::string(program_.sources[i].name) + "' (" + now.path + ") changed";
      return false;
    }
  }
  return true;
}

// A completed run renamed its sinks into place after its last checkpoint;
// a kill in between left some as .inprogress: finish those renames.
bool Durability::outputsInPlace(std::string &why) {
  for (uint32_t i = 0; i < program_.nsinks; ++i) {
    auto it = sinkRecords_.find(program_.sinks[i].name);
    if (it == sinkRecords_.end())
      continue;
    const SinkRecord &rec = it->second;
    if (run_.sinkPath(i) != rec.path) {
      why = "sink " + std::string(program_.sinks[i].name) + " now writes to " + run_.sinkPath(i);
      return false;
    }
    // An .inprogress file is this run's output whatever the target holds (an
    // older run's file may even have the same length): finish its rename first.
    std::string partial = inProgressPath(rec.path), error;
    int64_t partialSize = fileSize(partial);
    if (partialSize >= 0 && static_cast<uint64_t>(partialSize) >= rec.length &&
        truncateTo(partial, rec.length, error) && std::rename(partial.c_str(), rec.path.c_str()) == 0)
      continue;
    if (partialSize < 0 && fileSize(rec.path) == static_cast<int64_t>(rec.length))
      continue;
    why = rec.path + " is not the output the run wrote";
    return false;
  }
  return true;
}

// A completed run is resumed (pipelines were added): its outputs go back to
// .inprogress, to be renamed into place again at the end.
bool Durability::reopenOutputs(std::string &why) {
  for (uint32_t i = 0; i < program_.nsinks; ++i) {
    auto it = sinkRecords_.find(program_.sinks[i].name);
    if (it == sinkRecords_.end())
      continue;
    const std::string &path = it->second.path;
    if (std::rename(path.c_str(), inProgressPath(path).c_str()) != 0) {
      why = "cannot reopen " + path;
      return false;
    }
  }
  return true;
}

void Durability::restoreRunCounts() {
  for (uint32_t i = 0; i < program_.nsources; ++i) {
    const SourceRecord &rec = sourceRecords_[i];
    if (rec.found)
      run_.restoreSourceCounts(i, rec.read, rec.bad, rec.scanned);
  }
  if (alreadyComplete_)
    for (uint32_t i = 0; i < program_.nsinks; ++i)
      if (auto it = sinkRecords_.find(program_.sinks[i].name); it != sinkRecords_.end())
        run_.restoreSinkRows(i, it->second.rows);
}

WeirStatus Durability::restoreStates(std::string &error) {
  for (uint32_t i = 0; i < program_.nstates; ++i)
    if (tables_[i])
      if (WeirStatus s = restoreState(i, error); s != WEIR_OK)
        return s;
  // Dead-letter files back to their checkpointed lengths.
  for (uint32_t i = 0; i < program_.nsources; ++i) {
    const SourceRecord &rec = sourceRecords_[i];
    const RunSource &src = run_.sourceInfo(i);
    if (!rec.found || src.policy.mode != OnError::DeadLetter)
      continue;
    const std::string &path = src.policy.deadLetterPath;
    if (rec.deadLetterLength == 0 && fileSize(path) < 0)
      continue; // none were written
    if (rec.deadLetterLength >= 0 && !truncateTo(path, static_cast<uint64_t>(rec.deadLetterLength), error)) {
      error = "dead letters of source '" + std::string(program_.sources[i].name) + "': " + error;
      return WEIR_ERR_IO;
    }
  }
  return WEIR_OK;
}

WeirStatus Durability::restoreState(uint32_t index, std::string &error) {
  auto t0 = Clock::now();
  const WeirStateDesc &d = program_.states[index];
  DurableTable &dt = *tables_[index];
  WeirHashTable *ht = run_.state(index);
  std::string value;
  bool found = false;
  if (!store_->get(stateKey(d.name), value, found, error))
    return WEIR_ERR_IO;
  if (!found)
    return WEIR_OK;
  {
    RecordReader r(value);
    r.num();
    dt.nextSeq = r.num();
  }
  // Entries are stored by (hash, seq); the table wants first-seen order.
  struct Stored {
    uint64_t seq, hash;
    std::string value;
  };
  std::vector<Stored> stored;
  uint64_t storedBytes = 0;
  bool keepValues = !dt.spillable;
  if (!store_->scan(entryPrefix(dt.storeId), [&](std::string_view key, std::string_view v) {
        uint32_t id;
        uint64_t hash, seq;
        if (parseEntryKey(key, id, hash, seq)) {
          stored.push_back({seq, hash, keepValues ? std::string(v) : std::string()});
          storedBytes += v.size() + 32;
        }
        return true;
      }, error))
    return WEIR_ERR_IO;
  std::sort(stored.begin(), stored.end(), [](const Stored &a, const Stored &b) { return a.seq < b.seq; });
  // Under --state-memory the most recently first-seen keys come back; the
  // others stay in the store until their key is seen.
  size_t firstResident = 0;
  if (dt.spillable && storedBytes > 0) {
    double budget = kEvictTarget * static_cast<double>(options_.stateMemory) / 2;
    double perEntry = static_cast<double>(storedBytes) / static_cast<double>(stored.size());
    size_t fits = static_cast<size_t>(budget / perEntry);
    firstResident = stored.size() > fits ? stored.size() - fits : 0;
  }
  for (size_t k = 0; k < stored.size(); ++k) {
    const Stored &e = stored[k];
    if (k < firstResident) {
      dt.spilled.insert(e.hash, e.seq);
      continue;
    }
    std::string_view bytes = e.value;
    if (!keepValues) {
      if (!store_->get(entryKey(dt.storeId, e.hash, e.seq), value, found, error))
        return WEIR_ERR_IO;
      bytes = value;
    }
    if (!decodeEntry(ht, e.hash, bytes, error)) {
      error = "restoring from " + options_.checkpointDir + ": " + error;
      return WEIR_ERR_IO;
    }
    dt.appendStored(e.seq, 0);
  }
  ht->spill = dt.spilled.size() ? &dt : nullptr;
  if (options_.trace)
    std::fprintf(stderr, "trace: restored %s: %zu keys (%zu resident), %s, %.4f s\n", d.name,
                 stored.size(), stored.size() - firstResident, describeBytes(storedBytes).c_str(),
                 secondsSince(t0));
  if (d.windowed) {
    if (!store_->get(clockKey(dt.storeId), value, found, error))
      return WEIR_ERR_IO;
    if (found && value.size() == sizeof(WeirClock))
      std::memcpy(run_.clock(index), value.data(), sizeof(WeirClock));
  }
  return WEIR_OK;
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
    if (dt && !dt->faultError.empty())
      return cursor.error.set(WEIR_ERR_IO, dt->faultError);
  recordsSinceCheckpoint_ += hookEvery_;
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
  std::string error;
  if (WeirStatus s = checkpoint(&cursor, -1, false, error); s != WEIR_OK)
    return cursor.error.set(s, error);
  return WEIR_OK;
}

WeirStatus Durability::stageFinished(uint32_t stage, std::string &error) {
  if (!checkpointing())
    return WEIR_OK;
  return checkpoint(nullptr, static_cast<int>(stage), false, error);
}

WeirStatus Durability::finalCheckpoint(std::string &error) {
  if (!checkpointing() || alreadyComplete_)
    return WEIR_OK;
  return checkpoint(nullptr, -1, true, error);
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
