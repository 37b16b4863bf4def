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

inline char *entryAt(const WeirHashTable *ht, uint64_t index) {
  return ht->entries + index * ht->entry_size;
}

} // namespace weir::rt
