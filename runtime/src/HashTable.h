// Creation and destruction of WeirHashTable (runtime.h, "hash tables"); the
// insert functions are the C ABI ones.
#pragma once

#include "weir/runtime.h"

namespace weir::rt {

// An empty table for `desc` (16 slots). `desc` may be null in tests: then
// entrySize is used and entries own nothing.
WeirHashTable *createHashTable(const WeirStateDesc *desc, uint32_t stateIndex,
                               uint32_t entrySize);
// Calls desc->destroy_entry on every entry, then frees the table.
void destroyHashTable(WeirHashTable *ht);

inline char *entryAt(const WeirHashTable *ht, uint64_t index) {
  return ht->entries + index * ht->entry_size;
}

} // namespace weir::rt
