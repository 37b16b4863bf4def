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
  // An evicted key's timer waits with it: the firing that reaches it
  // faults the key back in (faultInDue).
  std::vector<int64_t> timers;
  if (dt.timed)
    timers = earliestTimers(ht);
  std::vector<bool> remove(ht->count, false);
  for (uint64_t k = 0; k < n && k < order.size(); ++k) {
    uint64_t i = order[k].second;
    remove[i] = true;
    dt.spill(reinterpret_cast<WeirEntryHeader *>(entryAt(ht, i))->hash, dt.seq[i],
             dt.timed ? timers[i] : INT64_MAX);
  }
  uint64_t before = residentBytes(ht);
  removeEntries(ht, remove, /*forget=*/false);
  uint64_t after = residentBytes(ht);
  dt.evictedBytes += before > after ? before - after : 0;
  dt.evicted = true;
  ht->spill = dt.spilled.size() ? &dt : nullptr;
}

bool Durability::emitsInBatches(const WeirStageDesc &stage) const {
  if (stage.kind != WEIR_STAGE_EMIT || stage.state < 0 || !tables_[stage.state])
    return false;
  // A windowed state's emit is its last firing: the timers fault its spilled
  // keys back in as they come due, in window-end order.
  if (program_.states[stage.state].windowed)
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
  dt.spilledTimers.clear();
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
      int64_t due = INT64_MAX;
      std::string_view bytes = dt.timed ? splitTimer(value, due) : std::string_view(value);
      if (s.ok())
        s = decodeEntry(ht, keys[k].second, bytes);
      if (!s.ok())
        return task.error.set(std::move(s));
      dt.appendStored(keys[k].first, round_);
      if (due != INT64_MAX)
        weir_timer_add(ht, ht->count - 1, due);
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

namespace weir::rt {

bool faultInHash(WeirHashTable *ht, DurableTable &dt, uint64_t hash) {
  dt.syncNewEntries(ht, dt.round);
  std::vector<SpillIndex::Spilled> entries = dt.spilled.take(hash);
  std::string value;
  for (const SpillIndex::Spilled &e : entries) {
    bool found = false;
    Status s = dt.store->get(entryKey(dt.storeId, hash, e.seq), value, found);
    if (s.ok() && !found)
      s = Status::io("a spilled entry of " + std::string(ht->desc->name) + " is missing");
    int64_t due = INT64_MAX;
    std::string_view bytes = dt.timed ? splitTimer(value, due) : std::string_view(value);
    if (s.ok())
      s = decodeEntry(ht, hash, bytes);
    if (!s.ok()) {
      // Generated code cannot fail here: the run fails at its next record.
      dt.fault = std::move(s);
      return false;
    }
    dt.appendStored(e.seq, dt.round);
    // The stored timer is the entry's own (the saved and the spilled copies
    // are the same): armed again as it was.
    if (e.due != INT64_MAX)
      weir_timer_add(ht, ht->count - 1, e.due);
  }
  // Appended out of first-seen order: emits and firings sort by seq now.
  dt.evicted = true;
  if (dt.spilled.size() == 0) {
    ht->spill = nullptr;
    dt.spilledTimers.clear();
  }
  return !entries.empty();
}

void faultInDue(WeirHashTable *ht, int64_t watermark) {
  DurableTable *dt = durableOf(ht);
  if (!dt)
    return;
  auto &heap = dt->spilledTimers;
  while (!heap.empty() && heap.front().time <= watermark && dt->fault.ok()) {
    std::pop_heap(heap.begin(), heap.end(), std::greater<DurableTable::SpilledTimer>());
    DurableTable::SpilledTimer timer = heap.back();
    heap.pop_back();
    // Skip the timers of entries a probe already brought back.
    if (dt->spilled.contains(timer.hash, timer.seq))
      faultInHash(ht, *dt, timer.hash);
  }
}

} // namespace weir::rt

extern "C" uint8_t weir_ht_fault_in(WeirHashTable *ht, uint64_t hash) {
  DurableTable *dt = durableOf(ht);
  if (!dt || !dt->spilled.mayContain(hash))
    return 0;
  return faultInHash(ht, *dt, hash) ? 1 : 0;
}

namespace weir::rt {

uint64_t Durability::spilledKeys(uint32_t state) const {
  return state < tables_.size() && tables_[state] ? tables_[state]->spilled.size() : 0;
}

uint64_t Durability::evictedBytes(uint32_t state) const {
  return state < tables_.size() && tables_[state] ? tables_[state]->evictedBytes : 0;
}

uint64_t Durability::spilledTimers(uint32_t state) const {
  return state < tables_.size() && tables_[state] ? tables_[state]->spilledTimers.size() : 0;
}

} // namespace weir::rt
