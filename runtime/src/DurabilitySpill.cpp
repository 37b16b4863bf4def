// --state-memory: eviction of the coldest entries, fault-in on a probe
// miss, and the batched emit of a spilled state (Durability.h).
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

// ------------------------------------------------------------ --state-memory

uint64_t Durability::totalResident() const {
  uint64_t total = 0;
  for (uint32_t i = 0; i < program_.nstates; ++i)
    if (tables_[i])
      total += residentBytes(run_.state(i));
  return total;
}

WeirStatus Durability::enforceStateMemory(WeirCursor &cursor) {
  uint64_t total = totalResident();
  if (total > options_.stateMemory) {
    uint64_t spillableBytes = 0;
    for (uint32_t i = 0; i < program_.nstates; ++i)
      if (tables_[i] && tables_[i]->spillable)
        spillableBytes += residentBytes(run_.state(i));
    if (spillableBytes > 0) {
      // Save every change first: an evicted entry is exactly its stored copy.
      if (Status s = checkpoint(checkpointing() ? &cursor : nullptr, -1, false); !s.ok())
        return cursor.error.set(std::move(s));
      // Memory does not shrink exactly with the entries (slot arrays are
      // powers of two): evict again until under the target.
      double target = kEvictTarget * static_cast<double>(options_.stateMemory);
      for (int pass = 0; pass < 8 && static_cast<double>(total) > target && spillableBytes > 0; ++pass) {
        double excess = static_cast<double>(total) - target;
        double fraction = std::min(1.0, excess / static_cast<double>(spillableBytes) + 0.02);
        spillableBytes = 0;
        for (uint32_t i = 0; i < program_.nstates; ++i)
          if (tables_[i] && tables_[i]->spillable) {
            evictColdest(i, fraction);
            spillableBytes += residentBytes(run_.state(i));
          }
        total = totalResident();
      }
      ++evictions_;
      uint64_t spilled = 0, indexBytes = 0;
      for (const auto &dt : tables_)
        if (dt) {
          spilled += dt->spilled.size();
          indexBytes += dt->spilled.bytes();
        }
      peakSpilled_ = std::max(peakSpilled_, spilled);
      peakSpillIndexBytes_ = std::max(peakSpillIndexBytes_, indexBytes);
    }
  }
  peakResident_ = std::max(peakResident_, total);
  return WEIR_OK;
}

// Evicts `fraction` of the state's entries, those a checkpoint last saw
// changed longest ago (the earlier-seen first among equals).
void Durability::evictColdest(uint32_t index, double fraction) {
  WeirHashTable *ht = run_.state(index);
  DurableTable &dt = *tables_[index];
  uint64_t n = static_cast<uint64_t>(std::ceil(fraction * static_cast<double>(ht->count)));
  if (n == 0)
    return;
  std::vector<std::pair<uint32_t, uint64_t>> order(ht->count);
  for (uint64_t i = 0; i < ht->count; ++i)
    order[i] = {dt.touched[i], i};
  if (n < order.size())
    std::nth_element(order.begin(), order.begin() + static_cast<ptrdiff_t>(n), order.end());
  std::vector<bool> remove(ht->count, false);
  for (uint64_t k = 0; k < n && k < order.size(); ++k) {
    uint64_t i = order[k].second;
    remove[i] = true;
    dt.spilled.insert(reinterpret_cast<WeirEntryHeader *>(entryAt(ht, i))->hash, dt.seq[i]);
  }
  removeEntries(ht, remove, /*forget=*/false);
  dt.evicted = true;
  ht->spill = dt.spilled.size() ? &dt : nullptr;
}

bool Durability::emitsInBatches(const WeirStageDesc &stage) const {
  if (stage.kind != WEIR_STAGE_EMIT || stage.state < 0 || !tables_[stage.state])
    return false;
  // Keys in first-seen order: the batched emit sorts them by seq.
  return tables_[stage.state]->spilled.size() > 0 || tables_[stage.state]->evicted;
}

WeirStatus Durability::runEmitInBatches(const WeirStageDesc &stage, WeirTask &task) {
  uint32_t index = static_cast<uint32_t>(stage.state);
  WeirHashTable *ht = run_.state(index);
  DurableTable &dt = *tables_[index];
  // Everything into the store (resident changes included), then all keys in
  // first-seen order.
  if (Status s = checkpoint(nullptr, -1, false); !s.ok())
    return task.error.set(std::move(s));
  std::vector<std::pair<uint64_t, uint64_t>> keys; // (seq, hash)
  keys.reserve(ht->count + dt.spilled.size());
  for (uint64_t i = 0; i < ht->count; ++i)
    keys.push_back({dt.seq[i], reinterpret_cast<WeirEntryHeader *>(entryAt(ht, i))->hash});
  dt.spilled.forEach([&](uint64_t hash, uint64_t seq) { keys.push_back({seq, hash}); });
  std::sort(keys.begin(), keys.end());
  uint64_t budget = static_cast<uint64_t>(kEvictTarget * static_cast<double>(options_.stateMemory));
  std::vector<bool> all;
  auto dropAll = [&] {
    all.assign(ht->count, true);
    removeEntries(ht, all, /*forget=*/false);
  };
  dropAll();
  dt.spilled.clear();
  ht->spill = nullptr;
  std::string value;
  for (size_t k = 0; k < keys.size();) {
    // A batch: entries in first-seen order while they fit (at least one).
    uint64_t others = totalResident() - residentBytes(ht);
    for (size_t first = k; k < keys.size(); ++k) {
      if (k > first && (k - first) % 64 == 0 && others + residentBytes(ht) > budget)
        break;
      bool found = false;
      Status s = store_->get(entryKey(dt.storeId, keys[k].second, keys[k].first), value, found);
      if (s.ok() && !found)
        s = Status::io("a spilled entry is missing");
      if (s.ok())
        s = decodeEntry(ht, keys[k].second, value);
      if (!s.ok())
        return task.error.set(std::move(s));
      dt.appendStored(keys[k].first, round_);
    }
    peakResident_ = std::max(peakResident_, totalResident());
    WeirStatus s = stage.fn(&task);
    if (s < 0 || task.error.failed())
      return s < 0 ? s : task.error.code();
    dropAll();
  }
  // The store still holds every entry; the table is empty, and nothing
  // reads it after its emit.
  return WEIR_OK;
}

} // namespace weir::rt

// ------------------------------------------------------------ fault-in

using namespace weir::rt;

extern "C" uint8_t weir_ht_fault_in(WeirHashTable *ht, uint64_t hash) {
  DurableTable *dt = durableOf(ht);
  if (!dt || !dt->spilled.mayContain(hash))
    return 0;
  dt->syncNewEntries(ht, dt->round);
  std::vector<uint64_t> seqs = dt->spilled.take(hash);
  std::string value;
  for (uint64_t seq : seqs) {
    bool found = false;
    Status s = dt->store->get(entryKey(dt->storeId, hash, seq), value, found);
    if (s.ok() && !found)
      s = Status::io("a spilled entry of " + std::string(ht->desc->name) + " is missing");
    if (s.ok())
      s = decodeEntry(ht, hash, value);
    if (!s.ok()) {
      // Generated code cannot fail here: the run fails at its next record.
      dt->fault = std::move(s);
      return 0;
    }
    dt->appendStored(seq, dt->round);
  }
  if (dt->spilled.size() == 0)
    ht->spill = nullptr;
  return 1;
}

