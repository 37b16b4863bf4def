// Durability: writing one checkpoint (Durability.h, "What a checkpoint is"
// in docs/architecture.md).
#include "runtime/src/Durability.h"

#include "runtime/src/CheckpointRecords.h"

#include "runtime/src/Run.h"
#include "runtime/src/DurableTable.h"
#include "runtime/src/ErrorPolicy.h"
#include "runtime/src/HashTable.h"
#include "runtime/src/CommittedFileOutput.h"
#include "runtime/src/StateSerializer.h"
#include "runtime/src/Task.h"
#include "runtime/src/observe/Telemetry.h"

#include <rocksdb/write_batch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <sys/stat.h>

namespace weir::rt {

using namespace checkpoint_detail;

// ------------------------------------------------------------ the checkpoint

void Durability::putSourceRecords(rocksdb::WriteBatch &batch) {
  for (uint32_t i = 0; i < program_.nsources; ++i) {
    const RunSource &src = run_.sourceInfo(i);
    int64_t size = -1, mtime = 0;
    if (!src.generated)
      fileIdentity(src.path, size, mtime);
    int64_t deadLetters = -1;
    if (src.policy.mode == OnError::DeadLetter)
      deadLetters = std::max<int64_t>(fileSize(src.policy.deadLetterPath), 0);
    Record r;
    r.str(src.path).num(static_cast<uint64_t>(size)).num(static_cast<uint64_t>(mtime))
        .num(src.read).num(src.bad).num(src.scanned).num(static_cast<uint64_t>(deadLetters));
    batch.Put(sourceKey(program_.sources[i].name), r.slice());
  }
}

// Sink data and dead letters on disk (synced) before the checkpoint that
// records their lengths.
Status Durability::commitFiles(WeirCursor *cursor, rocksdb::WriteBatch &batch) {
  for (uint32_t i = 0; i < program_.nsinks; ++i) {
    uint64_t length = 0, rows = 0;
    if (Status s = run_.syncSink(i, length, rows); !s.ok())
      return s;
    if (length == UINT64_MAX)
      continue; // not opened, or not a file
    Record r;
    r.str(run_.sinkPath(i)).num(length).num(rows);
    batch.Put(sinkKey(program_.sinks[i].name), r.slice());
  }
  if (cursor && cursor->logBadRecords && !cursor->deadLetters.empty()) {
    if (Status s = appendToFile(cursor->source.policy.deadLetterPath, cursor->deadLetters.view()); !s.ok())
      return s;
    cursor->deadLetters.clear();
  }
  for (uint32_t i = 0; i < program_.nsources; ++i) {
    const RunSource &src = run_.sourceInfo(i);
    if (src.policy.mode == OnError::DeadLetter && fileSize(src.policy.deadLetterPath) >= 0)
      if (Status s = syncPath(src.policy.deadLetterPath); !s.ok())
        return s;
  }
  putSourceRecords(batch);
  return {};
}

Status Durability::saveState(uint32_t index, rocksdb::WriteBatch &batch) {
  const WeirStateDesc &d = program_.states[index];
  DurableTable &dt = *tables_[index];
  WeirHashTable *ht = run_.state(index);
  if (ht->timers) // dead windowed keys are deleted, not saved
    compactDeadEntries(ht);
  dt.syncNewEntries(ht, round_);
  // Sorted, like the puts below: RocksDB inserts a sorted run cheaply.
  std::sort(dt.deleted.begin(), dt.deleted.end());
  for (auto [hash, seq] : dt.deleted)
    batch.Delete(entryKey(dt.storeId, hash, seq));
  dt.deleted.clear();
  std::vector<bool> dirty(ht->count, false);
  bool any = false;
  for (uint64_t i = 0; i < ht->count; ++i)
    if (reinterpret_cast<WeirEntryHeader *>(entryAt(ht, i))->pad_ != 0)
      any = dirty[i] = true;
  if (any) {
    std::unique_ptr<DistinctValuesOf> distinct;
    if (d.ndistinct > 0 && ht->distinct)
      distinct = std::make_unique<DistinctValuesOf>(ht, dirty);
    // In key order (hash, seq): RocksDB's memtable inserts a sorted run of
    // keys far faster than random ones (for 1M keys, seconds less).
    struct Dirty {
      uint64_t hash, seq, index;
    };
    std::vector<Dirty> order;
    for (uint64_t i = 0; i < ht->count; ++i)
      if (dirty[i])
        order.push_back({reinterpret_cast<WeirEntryHeader *>(entryAt(ht, i))->hash, dt.seq[i], i});
    std::sort(order.begin(), order.end(), [](const Dirty &a, const Dirty &b) {
      return a.hash != b.hash ? a.hash < b.hash : a.seq < b.seq;
    });
    std::vector<int64_t> timers;
    if (dt.timed)
      timers = earliestTimers(ht);
    std::string value;
    uint64_t saved = 0, outOfLine = 0;
    for (const Dirty &e : order) {
      uint64_t i = e.index;
      auto *h = reinterpret_cast<WeirEntryHeader *>(entryAt(ht, i));
      value.clear();
      if (Status s = encodeEntry(ht, i, distinct.get(), value); !s.ok())
        return s;
      if (dt.timed)
        appendTimer(value, timers[i]);
      batch.Put(entryKey(dt.storeId, h->hash, dt.seq[i]), value);
      h->pad_ = 0;
      dt.touched[i] = round_;
      dt.stored[i] = 1;
      ++saved;
      outOfLine += value.size() - ht->entry_size - 5 - (dt.timed ? sizeof(int64_t) : 0);
    }
    dt.outOfLinePerEntry = static_cast<double>(outOfLine) / static_cast<double>(saved);
  }
  Record r;
  r.num(dt.storeId).num(dt.nextSeq).str(d.fingerprint ? d.fingerprint : "");
  batch.Put(stateKey(d.name), r.slice());
  if (d.windowed)
    batch.Put(clockKey(dt.storeId),
              rocksdb::Slice(reinterpret_cast<const char *>(run_.clock(index)), sizeof(WeirClock)));
  return {};
}

Status Durability::checkpoint(WeirCursor *cursor, int doneStage, bool final) {
  auto t0 = Clock::now();
  rocksdb::WriteBatch batch;
  if (checkpointing())
    if (Status s = commitFiles(cursor, batch); !s.ok())
      return s;
  for (uint32_t i = 0; i < program_.nstates; ++i)
    if (tables_[i])
      if (Status s = saveState(i, batch); !s.ok())
        return s;
  if (checkpointing()) {
    Record idRecord;
    idRecord.num(nextStoreId_);
    batch.Put(kNextStoreIdKey, idRecord.slice());
    // The position belongs to one scan: only its own end removes it (a
    // table build finishing before the resumed scan must not).
    if (cursor) {
      Record r;
      positionStage_ = stageKey(currentStage_);
      r.str(positionStage_).num(cursor->nextRecordOffset()).num(cursor->recordsRead)
          .num(cursor->recordsBad);
      batch.Put(kPositionKey, r.slice());
    } else if (final || (doneStage >= 0 && stageKey(static_cast<uint32_t>(doneStage)) == positionStage_)) {
      batch.Delete(kPositionKey);
      positionStage_.clear();
    }
    if (doneStage >= 0)
      batch.Put(doneKey(stageKey(static_cast<uint32_t>(doneStage))), "");
    if (final)
      batch.Put(kCompleteKey, "1");
  }
  if (participant_)
    if (Status s = participant_->addRecords(batch); !s.ok())
      return s;
  if (participant_ && participant_->twoPhase()) {
    // Phase one: the batch, durable but not yet applied.
    rocksdb::WriteBatch pending;
    pending.Put(kPendingKey, batch.Data());
    if (Status s = store_->write(pending); !s.ok())
      return s;
    // Phase two: the transaction commits (or the run dies and the next run
    // decides by the group's offsets), then the batch is applied.
    if (Status s = participant_->commitTransaction(); !s.ok())
      return s;
    batch.Delete(kPendingKey);
  }
  if (Status s = store_->write(batch); !s.ok())
    return s;
  ++round_;
  for (auto &dt : tables_)
    if (dt)
      dt->round = round_;
  if (checkpointing()) {
    ++checkpoints_;
    checkpointBytes_ += batch.GetDataSize();
    checkpointSeconds_ += secondsSince(t0);
    lastCheckpointUnixMs_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
    if (Telemetry *telemetry = run_.telemetry())
      telemetry->observeCheckpoint(secondsSince(t0), batch.GetDataSize());
    if (options_.trace)
      std::fprintf(stderr, "trace: checkpoint %llu: %u puts and deletes, %s, %.4f s%s\n",
                   static_cast<unsigned long long>(checkpoints_), batch.Count(),
                   describeBytes(batch.GetDataSize()).c_str(), secondsSince(t0), final ? " (final)" : "");
  }
  lastCheckpoint_ = Clock::now();
  recordsSinceCheckpoint_ = 0;
  if (options_.killAfterCheckpoint && checkpoints_ == options_.killAfterCheckpoint && !final)
    std::raise(SIGKILL);
  if (options_.signalAfterCheckpoint && checkpoints_ == options_.signalAfterCheckpoint && !final)
    std::raise(SIGTERM); // the stop handler only records it (StopSignal.h)
  return {};
}

} // namespace weir::rt
