// Creation and destruction of WeirHashTable (runtime.h, "hash tables"); the
// insert functions are the C ABI ones.
#pragma once

#include "weir/runtime.h"

#include <cstdint>
#include <vector>

namespace weir::rt {

// An empty table for `desc` (16 slots). `desc` may be null in tests: then
// entrySize is used and entries own nothing.
WeirHashTable *createHashTable(const WeirStateDesc *desc, uint32_t stateIndex,
                               uint32_t entrySize);
// Calls desc->destroy_entry on every entry, then frees the table.
void destroyHashTable(WeirHashTable *ht);

// Changed-entry tracking (ChangedEntries.cpp): allocates ht->changed, which
// tells generated code to list the entries it updates (weir_ht_mark_changed)
// and the emit stage to emit only those. Idempotent.
void enableChangeTracking(WeirHashTable *ht);
// Frees ht->changed (called when the table is destroyed).
void destroyChangedEntries(WeirHashTable *ht);
// After entries moved (removeEntries): entry i is now newIndex[i], or gone
// when newIndex[i] == kDroppedEntry (DistinctPairs.h).
void remapChangedEntries(WeirHashTable *ht, const std::vector<uint64_t> &newIndex);

// Event-time timers (EventTimers.cpp): allocates ht->timers (windowed and
// ttl states get them at creation); frees them; renumbers them after
// entries moved (removeEntries).
void enableEventTimers(WeirHashTable *ht);
void destroyEventTimers(WeirHashTable *ht);
void remapEventTimers(WeirHashTable *ht, const std::vector<uint64_t> &newIndex);
// Each entry's earliest timer (INT64_MAX: none): what a checkpoint saves
// with a timed entry, and what an evicted entry waits for in the store.
std::vector<int64_t> earliestTimers(const WeirHashTable *ht);
// Timers not yet fired (--metrics), spilled keys' excluded.
uint64_t pendingTimerCount(const WeirHashTable *ht);
// Removes every entry marked WEIR_ENTRY_DEAD now (before a checkpoint saves
// the table, and where weir_ht_compact decides to).
void compactDeadEntries(WeirHashTable *ht);

// The slot value of a dead entry (weir_ht_mark_dead): probes pass it by.
uint64_t tombstoneSlot(uint64_t hash, uint64_t index);

inline char *entryAt(const WeirHashTable *ht, uint64_t index) {
  return ht->entries + index * ht->entry_size;
}

} // namespace weir::rt
