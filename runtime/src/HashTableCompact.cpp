// weir_ht_compact: drops the entries generated code marked WEIR_ENTRY_DEAD
// (windows all fired, ttl expired) so windowed state stays bounded. Live
// entries keep their relative order (first-seen order survives), the slots
// are rebuilt from the hashes the headers keep, count_distinct pairs are
// renumbered, and a durable state deletes the dead keys at its next
// checkpoint (DurableTable.cpp does the work).
#include "runtime/src/DurableTable.h"
#include "runtime/src/HashTable.h"

#include <vector>

using namespace weir::rt;

extern "C" void weir_ht_compact(WeirHashTable *ht) {
  std::vector<bool> dead(ht->count, false);
  bool any = false;
  for (uint64_t i = 0; i < ht->count; ++i)
    if (reinterpret_cast<WeirEntryHeader *>(entryAt(ht, i))->next == WEIR_ENTRY_DEAD)
      any = dead[i] = true;
  if (any)
    removeEntries(ht, dead, /*forget=*/true);
}
