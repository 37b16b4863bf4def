// What the runtime keeps beside an aggregate's hash table when its state is
// durable (--checkpoint) or capped (--state-memory): each entry's identity in
// the store, how recently it was used, the keys to delete at the next
// checkpoint, and which entries live only in the store. Reached through
// WeirHashTable::durable.
#pragma once

#include "runtime/src/Status.h"
#include "weir/runtime.h"

#include <climits>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace weir::rt {

// The (hash, seq) pairs of entries that were evicted to the store, each with
// its earliest event-time timer (INT64_MAX: none, or a table without
// timers): a multimap from hash to (seq, due) (equal hashes of different
// keys are possible),
// open addressing with linear probing and backward-shift deletion. A flat
// table because it holds one element per spilled key: std::unordered_multimap
// would cost about three times the memory. Hand-written: no flat hash map
// library is installed.
class SpillIndex {
public:
  struct Spilled {
    uint64_t seq;
    int64_t due;
  };
  void insert(uint64_t hash, uint64_t seq, int64_t due = INT64_MAX);
  // Removes and returns every entry stored under `hash`.
  std::vector<Spilled> take(uint64_t hash);
  bool mayContain(uint64_t hash) const;
  bool contains(uint64_t hash, uint64_t seq) const;
  uint64_t size() const { return count_; }
  uint64_t bytes() const { return slots_.size() * sizeof(Slot); }
  void clear() {
    slots_.clear();
    count_ = 0;
  }
  template <class Fn> void forEach(Fn &&fn) const {
    for (const Slot &s : slots_)
      if (s.used)
        fn(s.hash, s.seq);
  }

private:
  struct Slot {
    uint64_t hash;
    uint64_t seq : 63;
    uint64_t used : 1;
    int64_t due;
  };
  void grow();
  std::vector<Slot> slots_;
  uint64_t count_ = 0;
};

class CheckpointStore;

struct DurableTable {
  CheckpointStore *store = nullptr;
  uint32_t storeId = 0;   // the state's id in the checkpoint store
  uint32_t round = 1;     // checkpoints so far (entries' `touched` clock)
  Status fault; // a failed weir_ht_fault_in; the run fails at the next record
  uint64_t nextSeq = 0;   // first-seen order, kept across restarts
  // Per entry index, for entries [0, seq.size()); later entries are new since
  // the last sync and get theirs in order (syncNewEntries).
  std::vector<uint64_t> seq;
  std::vector<uint32_t> touched; // the checkpoint round that last saw the entry changed
  std::vector<uint8_t> stored;   // 1 when the store holds the entry (its removal needs a delete)
  std::vector<std::pair<uint64_t, uint64_t>> deleted; // (hash, seq) to delete at the next checkpoint
  SpillIndex spilled;
  bool spillable = false;           // --state-memory applies
  // The table has event-time timers (windowed, ttl): its stored values end
  // with the entry's earliest timer (CheckpointRecords.h, appendTimer), and
  // a spilled entry comes back when the watermark reaches that time.
  bool timed = false;
  // The timers of spilled entries, a min-heap by time. Lazy: an entry that a
  // probe faulted in earlier leaves its timer here, skipped when it pops
  // (SpillIndex::contains says whether it is still spilled).
  struct SpilledTimer {
    int64_t time;
    uint64_t hash, seq;
    bool operator>(const SpilledTimer &o) const { return time > o.time; }
  };
  std::vector<SpilledTimer> spilledTimers;
  // Some entries were evicted: faulted-in entries were appended out of
  // first-seen order, so the emit sorts by seq even once nothing is spilled.
  bool evicted = false;
  // Spills an entry already in the store (its removal from the table is the
  // caller's), with its earliest timer.
  void spill(uint64_t hash, uint64_t seq, int64_t due);
  double outOfLinePerEntry = 0;     // estimate of out-of-line bytes per entry, from the last saves
  uint64_t peakResident = 0;
  uint64_t evictedBytes = 0; // memory the evictions freed, so far (--metrics)

  void syncNewEntries(const WeirHashTable *ht, uint32_t round) {
    while (seq.size() < ht->count) {
      seq.push_back(nextSeq++);
      touched.push_back(round);
      stored.push_back(0);
    }
  }
  // An entry put back from the store (restore, fault-in, batched emit).
  void appendStored(uint64_t s, uint32_t round) {
    seq.push_back(s);
    touched.push_back(round);
    stored.push_back(1);
  }
};

inline DurableTable *durableOf(const WeirHashTable *ht) {
  return static_cast<DurableTable *>(ht->durable);
}

// Puts every spilled entry stored under `hash` back into the table
// (DurabilitySpill.cpp), arms its timer, and returns whether any came back.
// On a store failure sets dt.fault (the run fails at its next record).
bool faultInHash(WeirHashTable *ht, DurableTable &dt, uint64_t hash);
// Before a firing at `watermark`: faults in the spilled entries whose
// timers it reaches, so that the firing visits them.
void faultInDue(WeirHashTable *ht, int64_t watermark);

// Removes the entries with remove[i] set, keeping the others' order: calls
// destroy_entry on them, renumbers the count_distinct pairs, the durable
// bookkeeping and the slots, and (for string keys) moves the survivors' key
// strings to a fresh arena so the removed ones' bytes are freed. `forget`:
// the removed keys are gone for good (their store rows are deleted at the
// next checkpoint) rather than evicted to the store. Returns the number
// removed.
uint64_t removeEntries(WeirHashTable *ht, const std::vector<bool> &remove, bool forget);

// The memory the state's resident entries use: entries, slots, key strings,
// count_distinct pairs, bookkeeping, and an estimate of their out-of-line
// parts (owned strings, sketches). Not counted: allocation slack of growing
// arrays, and the index of the keys on disk (SpillIndex::bytes, reported
// apart: it is what lets a new key skip the disk).
uint64_t residentBytes(const WeirHashTable *ht);

} // namespace weir::rt
