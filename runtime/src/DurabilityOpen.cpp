// Durability::open: what the checkpoint directory holds (classify), one
// function per situation, and the restore of a resumed run (Durability.h).
#include "runtime/src/Durability.h"

#include "runtime/src/CheckpointRecords.h"

#include "runtime/src/CommittedFileOutput.h"
#include "runtime/src/DurableTable.h"
#include "runtime/src/ErrorPolicy.h"
#include "runtime/src/HashTable.h"
#include "runtime/src/Run.h"
#include "runtime/src/StateSerializer.h"

#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>

namespace weir::rt {

using namespace checkpoint_detail;

Status Durability::openStore() {
  uint64_t memtable = 64ull << 20;
  if (options_.stateMemory)
    memtable = std::clamp<uint64_t>(options_.stateMemory / 4, 1 << 20, 64ull << 20);
  std::string dir = options_.checkpointDir;
  if (!checkpointing()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "weir-state-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
      return Status::io("--state-memory: cannot create a scratch directory in " +
                        std::filesystem::temp_directory_path().string());
    dir = scratchDir_ = pattern;
  } else {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
  }
  return CheckpointStore::open(dir, checkpointing(), memtable, store_);
}

Status Durability::open() {
  if (Status s = openStore(); !s.ok())
    return s;
  states_.assign(program_.nstates, StateInfo{});
  tables_.resize(program_.nstates);
  sourceRecords_.assign(program_.nsources, SourceRecord{});
  if (Status s = resolvePending(); !s.ok())
    return s;
  Situation situation = Situation::None;
  std::string why;
  if (Status s = classify(situation, why); !s.ok())
    return s;
  switch (situation) {
  case Situation::None: return startFresh();
  case Situation::Unfinished: return resumeUnfinished();
  case Situation::CompletedInPlace: return keepCompleted();
  case Situation::CompletedExtended: return resumeExtended();
  case Situation::CompletedOutOfDate: return startOver(why);
  }
  return Status::error(WEIR_ERR_INTERNAL, "unknown checkpoint situation");
}

// A checkpoint stored as pending by an exactly-once run that stopped before
// applying it: applied when its transaction committed, else dropped (the
// transaction was aborted; its input is processed again).
Status Durability::resolvePending() {
  if (!checkpointing())
    return {};
  std::string data;
  bool found = false;
  if (Status s = store_->get(kPendingKey, data, found); !s.ok() || !found)
    return s;
  if (!participant_)
    return Status::config("the checkpoint in " + options_.checkpointDir +
                          " has an exactly-once commit in flight: rerun with the same Kafka sources and sinks");
  rocksdb::WriteBatch pending(data);
  bool committed = false;
  if (Status s = participant_->pendingCommitted(pending, committed); !s.ok())
    return std::move(s).withContext("deciding the last exactly-once commit of the checkpoint in " +
                                    options_.checkpointDir);
  rocksdb::WriteBatch apply;
  if (committed)
    apply = std::move(pending);
  apply.Delete(kPendingKey);
  if (options_.trace)
    std::fprintf(stderr, "trace: checkpoint: the last exactly-once commit %s\n",
                 committed ? "committed: its state is applied" : "did not commit: its state is dropped");
  return store_->write(apply);
}

Status Durability::readRecord(const std::string &key, std::string &value, bool &found) {
  found = false;
  if (!store_ || !checkpointing())
    return {};
  return store_->get(key, value, found);
}

Status Durability::classify(Situation &situation, std::string &why) {
  std::string version;
  bool found = false;
  if (Status s = store_->get(kVersionKey, version, found); !s.ok())
    return s;
  if (!found) {
    situation = Situation::None;
    return {};
  }
  if (version != kVersion)
    return Status::config("the checkpoint in " + options_.checkpointDir + " has format '" + version +
                          "', this runtime writes '" + kVersion + "'; delete the directory to start over");
  if (Status s = checkLayouts(); !s.ok())
    return s;
  if (Status s = readRecords(); !s.ok())
    return s;
  std::string complete;
  bool isComplete = false;
  if (Status s = store_->get(kCompleteKey, complete, isComplete); !s.ok())
    return s;
  if (!isComplete) {
    situation = Situation::Unfinished;
    return {};
  }
  // A completed run: are its inputs the same and its outputs as it left
  // them? (Finishing the renames a kill interrupted, on the way.)
  Status inPlace = checkSourcesUnchanged();
  if (inPlace.ok())
    inPlace = bringOutputsInPlace();
  if (!inPlace.ok()) {
    why = inPlace.message();
    situation = Situation::CompletedOutOfDate;
    return {};
  }
  bool allDone = true;
  for (uint32_t i = 0; i < program_.nstages; ++i)
    allDone &= program_.stages[i].kind == WEIR_STAGE_TABLE_BUILD || stageDone(i);
  situation = allDone ? Situation::CompletedInPlace : Situation::CompletedExtended;
  return {};
}

// ------------------------------------------------------------ the situations

Status Durability::startFresh() {
  bindTables();
  return beginRun(/*fresh=*/true);
}

// A stage the checkpoint finished or was in the middle of that this program
// does not have (its key names a shared scan's pipelines), or "".
std::string Durability::goneStage() const {
  std::set<std::string> current;
  for (uint32_t i = 0; i < program_.nstages; ++i)
    current.insert(stageKey(i));
  for (const auto &[key, done] : doneStages_)
    if (done && !current.count(key))
      return key;
  return resumeStage_.empty() || current.count(resumeStage_) ? std::string() : resumeStage_;
}

Status Durability::resumeUnfinished() {
  if (Status s = checkSourcesUnchanged(); !s.ok())
    return Status::config(s.message() + " since the checkpoint in " + options_.checkpointDir +
                          " was written; restore it, or delete the directory to start over");
  // Its states hold part of the input of a scan this program runs otherwise
  // (a pipeline joined or left a shared scan): resuming would count records twice.
  if (std::string gone = goneStage(); !gone.empty())
    return Status::config("the checkpoint in " + options_.checkpointDir + " was written by a program with stage '" +
                          gone + "', which this one does not have (pipelines added to or removed from a "
                          "shared scan); restore that program, or delete the directory to start over");
  if (Status s = checkSinksBound(); !s.ok())
    return s;
  return resume();
}

Status Durability::keepCompleted() {
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
    if (Status s = store_->get(clockKey(states_[i].storeId), clock, hasClock); !s.ok())
      return s;
    if (hasClock && clock.size() == sizeof(WeirClock))
      std::memcpy(run_.clock(i), clock.data(), sizeof(WeirClock));
  }
  return {};
}

// Pipelines were added to a completed run: they run, the others' state and
// output stay.
Status Durability::resumeExtended() {
  // Only stages can be added: a finished stage that is gone (a new pipeline
  // joined a shared scan, whose one loop also feeds finished pipelines, or
  // scans were shared differently) must not feed its pipelines twice.
  if (std::string gone = goneStage(); !gone.empty())
    return startOver("its stage '" + gone + "' is not in this program (a new pipeline shares its scan?)");
  if (Status s = reopenOutputs(); !s.ok())
    return startOver(s.message());
  startNote_ = "the completed run in " + options_.checkpointDir +
               " is resumed for the pipelines it did not have";
  return resumeUnfinished();
}

// A completed run's checkpoint has nothing to resume.
Status Durability::startOver(const std::string &why) {
  startNote_ = "the completed run in " + options_.checkpointDir + " is out of date (" + why +
               "): started over";
  store_.reset();
  if (Status s = CheckpointStore::destroy(options_.checkpointDir); !s.ok())
    return s;
  if (Status s = openStore(); !s.ok())
    return s;
  states_.assign(program_.nstates, StateInfo{});
  sourceRecords_.assign(program_.nsources, SourceRecord{});
  sinkRecords_.clear();
  doneStages_.clear();
  resumeStage_.clear();
  positionStage_.clear();
  return startFresh();
}

// ------------------------------------------------------------ shared steps

void Durability::bindTables() {
  for (uint32_t i = 0; i < program_.nstates; ++i) {
    const WeirStateDesc &d = program_.states[i];
    if (d.kind != WEIR_STATE_AGGREGATE)
      continue; // join tables are rebuilt from their static tables
    StateInfo &info = states_[i];
    if (!info.durable) {
      info.durable = true;
      info.storeId = nextStoreId_++;
    }
    auto dt = std::make_unique<DurableTable>();
    dt->storeId = info.storeId;
    dt->store = store_.get();
    WeirHashTable *ht = run_.state(i);
    dt->spillable = options_.stateMemory > 0;
    dt->timed = ht->timers != nullptr;
    ht->durable = dt.get();
    tables_[i] = std::move(dt);
  }
}

Status Durability::resume() {
  bindTables();
  if (Status s = restoreStates(); !s.ok())
    return s;
  restoreRunCounts();
  if (startNote_.empty())
    startNote_ = "resumed from the checkpoint in " + options_.checkpointDir;
  return beginRun(/*fresh=*/false);
}

// The first checkpoint: layouts and the dead-letter files' lengths now (a
// fresh run's sources too).
Status Durability::beginRun(bool fresh) {
  lastCheckpoint_ = Clock::now();
  if (!checkpointing())
    return {};
  rocksdb::WriteBatch batch;
  batch.Put(kVersionKey, kVersion);
  batch.Delete(kCompleteKey);
  for (uint32_t i = 0; i < program_.nstates; ++i)
    if (states_[i].durable)
      if (Status s = saveState(i, batch); !s.ok())
        return s;
  if (fresh)
    putSourceRecords(batch);
  return store_->write(batch);
}

// ------------------------------------------------------------ reading the checkpoint

Status Durability::checkLayouts() {
  std::string value;
  bool found = false;
  if (Status s = store_->get(kNextStoreIdKey, value, found); !s.ok())
    return s;
  if (found)
    nextStoreId_ = static_cast<uint32_t>(RecordReader(value).num());
  for (uint32_t i = 0; i < program_.nstates; ++i) {
    const WeirStateDesc &d = program_.states[i];
    if (d.kind != WEIR_STATE_AGGREGATE)
      continue;
    if (Status s = store_->get(stateKey(d.name), value, found); !s.ok())
      return s;
    if (!found)
      continue; // a new pipeline: it starts empty
    RecordReader r(value);
    uint32_t id = static_cast<uint32_t>(r.num());
    uint64_t nextSeq = r.num();
    std::string fingerprint = r.str();
    std::string mine = d.fingerprint ? d.fingerprint : "";
    if (!r.ok())
      return Status::io("the checkpoint in " + options_.checkpointDir + " is damaged (state " + d.name + ")");
    if (fingerprint != mine) // exit code 1: the run cannot go on
      return Status::io("the checkpoint in " + options_.checkpointDir +
                        " was written by a different layout of " + d.name + ": it has [" + fingerprint +
                        "], this program has [" + mine + "]; delete " + options_.checkpointDir +
                        " or restore the previous pipeline");
    states_[i].durable = true;
    states_[i].storeId = id;
    nextStoreId_ = std::max(nextStoreId_, id + 1);
    (void)nextSeq; // read again by restoreState
  }
  return {};
}

Status Durability::readRecords() {
  for (uint32_t i = 0; i < program_.nsources; ++i) {
    std::string value;
    bool found = false;
    if (Status s = store_->get(sourceKey(program_.sources[i].name), value, found); !s.ok())
      return s;
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
    if (Status s = store_->get(sinkKey(program_.sinks[i].name), value, found); !s.ok())
      return s;
    if (!found)
      continue;
    RecordReader r(value);
    SinkRecord rec;
    rec.path = r.str();
    rec.length = r.num();
    rec.rows = r.num();
    sinkRecords_[program_.sinks[i].name] = rec;
  }
  if (Status s = store_->scan("m/done/", [&](std::string_view key, std::string_view) {
        doneStages_[std::string(key.substr(7))] = true;
        return true;
      });
      !s.ok())
    return s;
  std::string value;
  bool found = false;
  if (Status s = store_->get(kPositionKey, value, found); !s.ok())
    return s;
  if (found) {
    RecordReader r(value);
    resumeStage_ = positionStage_ = r.str();
    resumeOffset_ = r.num();
    resumeRead_ = r.num();
    resumeBad_ = r.num();
  }
  return {};
}

// Not ok, with what changed, when a source file is not the one the
// checkpoint read.
Status Durability::checkSourcesUnchanged() const {
  for (uint32_t i = 0; i < program_.nsources; ++i) {
    const SourceRecord &rec = sourceRecords_[i];
    if (!rec.found || rec.size < 0)
      continue; // not a file (a generator), or not recorded
    const RunSource &now = run_.sourceInfo(i);
    int64_t size = -1, mtime = 0;
    fileIdentity(now.path, size, mtime);
    if (now.path != rec.path || size != rec.size || mtime != rec.mtimeNs)
      return Status::config("source '" + std::string(program_.sources[i].name) + "' (" + now.path +
                            ") changed");
  }
  return {};
}

// A resumed run appends to the files its sinks wrote.
Status Durability::checkSinksBound() const {
  for (uint32_t i = 0; i < program_.nsinks; ++i) {
    auto it = sinkRecords_.find(program_.sinks[i].name);
    if (it != sinkRecords_.end() && it->second.path != run_.sinkPath(i))
      return Status::config("sink '" + std::string(program_.sinks[i].name) + "' wrote to " +
                            it->second.path + " in the checkpoint in " + options_.checkpointDir +
                            ", not to " +
                            (run_.sinkPath(i).empty() ? std::string("stdout") : run_.sinkPath(i)) +
                            "; bind it as before, or delete the directory to start over");
  }
  return {};
}

// A completed run renamed its sinks into place after its last checkpoint;
// a kill in between left some as .inprogress: finish those renames. Not ok,
// with the reason, when an output is not the one the run wrote.
Status Durability::bringOutputsInPlace() {
  for (uint32_t i = 0; i < program_.nsinks; ++i) {
    auto it = sinkRecords_.find(program_.sinks[i].name);
    if (it == sinkRecords_.end())
      continue;
    const SinkRecord &rec = it->second;
    if (run_.sinkPath(i) != rec.path)
      return Status::config("sink " + std::string(program_.sinks[i].name) + " now writes to " +
                            run_.sinkPath(i));
    // An .inprogress file is this run's output whatever the target holds (an
    // older run's file may even have the same length): finish its rename first.
    std::string partial = inProgressPath(rec.path);
    int64_t partialSize = fileSize(partial);
    if (partialSize >= 0 && static_cast<uint64_t>(partialSize) >= rec.length &&
        truncateTo(partial, rec.length).ok() && std::rename(partial.c_str(), rec.path.c_str()) == 0)
      continue;
    if (partialSize < 0 && fileSize(rec.path) == static_cast<int64_t>(rec.length))
      continue;
    return Status::config(rec.path + " is not the output the run wrote");
  }
  return {};
}

// A completed run is resumed (pipelines were added): its outputs go back to
// .inprogress, to be renamed into place again at the end.
Status Durability::reopenOutputs() {
  for (uint32_t i = 0; i < program_.nsinks; ++i) {
    auto it = sinkRecords_.find(program_.sinks[i].name);
    if (it == sinkRecords_.end())
      continue;
    const std::string &path = it->second.path;
    if (std::rename(path.c_str(), inProgressPath(path).c_str()) != 0)
      return Status::io("cannot reopen " + path);
  }
  return {};
}

// ------------------------------------------------------------ restore

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

Status Durability::restoreStates() {
  for (uint32_t i = 0; i < program_.nstates; ++i)
    if (tables_[i])
      if (Status s = restoreState(i); !s.ok())
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
    if (rec.deadLetterLength >= 0)
      if (Status s = truncateTo(path, static_cast<uint64_t>(rec.deadLetterLength)); !s.ok())
        return std::move(s).withContext("dead letters of source '" +
                                        std::string(program_.sources[i].name) + "'");
  }
  return {};
}

Status Durability::restoreState(uint32_t index) {
  auto t0 = Clock::now();
  const WeirStateDesc &d = program_.states[index];
  DurableTable &dt = *tables_[index];
  WeirHashTable *ht = run_.state(index);
  std::string value;
  bool found = false;
  if (Status s = store_->get(stateKey(d.name), value, found); !s.ok())
    return s;
  if (!found)
    return {};
  {
    RecordReader r(value);
    r.num();
    dt.nextSeq = r.num();
  }
  // Entries are stored by (hash, seq); the table wants first-seen order.
  struct Stored {
    uint64_t seq, hash;
    int64_t due; // the entry's earliest timer (timed states)
    std::string value;
  };
  std::vector<Stored> stored;
  uint64_t storedBytes = 0;
  bool keepValues = !dt.spillable;
  if (Status s = store_->scan(entryPrefix(dt.storeId), [&](std::string_view key, std::string_view v) {
        uint32_t id;
        uint64_t hash, seq;
        if (parseEntryKey(key, id, hash, seq)) {
          int64_t due = INT64_MAX;
          if (dt.timed)
            splitTimer(v, due);
          stored.push_back({seq, hash, due, keepValues ? std::string(v) : std::string()});
          storedBytes += v.size() + 32;
        }
        return true;
      });
      !s.ok())
    return s;
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
      dt.spill(e.hash, e.seq, e.due);
      continue;
    }
    std::string_view bytes = e.value;
    if (!keepValues) {
      if (Status s = store_->get(entryKey(dt.storeId, e.hash, e.seq), value, found); !s.ok())
        return s;
      bytes = value;
    }
    int64_t due = INT64_MAX;
    if (dt.timed)
      bytes = splitTimer(bytes, due);
    if (Status s = decodeEntry(ht, e.hash, bytes); !s.ok())
      return std::move(s).withContext("restoring from " + options_.checkpointDir);
    dt.appendStored(e.seq, 0);
    // The saved timer: a key whose window ended before the crash but had
    // not fired yet fires at the first firing after the restore.
    if (due != INT64_MAX)
      weir_timer_add(ht, ht->count - 1, due);
  }
  ht->spill = dt.spilled.size() ? &dt : nullptr;
  if (options_.trace)
    std::fprintf(stderr, "trace: restored %s: %zu keys (%zu resident), %s, %.4f s\n", d.name,
                 stored.size(), stored.size() - firstResident, describeBytes(storedBytes).c_str(),
                 secondsSince(t0));
  if (d.windowed) {
    if (Status s = store_->get(clockKey(dt.storeId), value, found); !s.ok())
      return s;
    if (found && value.size() == sizeof(WeirClock))
      std::memcpy(run_.clock(index), value.data(), sizeof(WeirClock));
  }
  return {};
}

} // namespace weir::rt
