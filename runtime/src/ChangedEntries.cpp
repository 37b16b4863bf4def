// Changed-entry tracking (WeirHashTable::changed): under a streaming trigger
// an unwindowed aggregate's emit stage writes only the keys updated since its
// last run (update semantics), not every key it has ever seen. Generated code
// calls weir_ht_mark_changed after each update while tracking is on; the emit
// stage reads the list in first-change order and clears it.
#include "runtime/src/HashTable.h"

#include "runtime/src/DistinctPairs.h"

#include <cassert>
#include <vector>

namespace weir::rt {

namespace {

struct ChangedEntries {
  std::vector<uint64_t> order;  // entry indices, in first-change order
  std::vector<bool> listed;     // by entry index: already in `order`
};

ChangedEntries *changedOf(WeirHashTable *ht) { return static_cast<ChangedEntries *>(ht->changed); }

} // namespace

void enableChangeTracking(WeirHashTable *ht) {
  if (!ht->changed)
    ht->changed = new ChangedEntries;
}

void destroyChangedEntries(WeirHashTable *ht) {
  delete changedOf(ht);
  ht->changed = nullptr;
}

void remapChangedEntries(WeirHashTable *ht, const std::vector<uint64_t> &newIndex) {
  ChangedEntries *c = changedOf(ht);
  if (!c)
    return;
  std::vector<uint64_t> order;
  std::vector<bool> listed;
  for (uint64_t i : c->order) {
    uint64_t to = i < newIndex.size() ? newIndex[i] : kDroppedEntry;
    if (to == kDroppedEntry)
      continue;
    order.push_back(to);
    if (to >= listed.size())
      listed.resize(to + 1, false);
    listed[to] = true;
  }
  c->order = std::move(order);
  c->listed = std::move(listed);
}

} // namespace weir::rt

using namespace weir::rt;

extern "C" {

void weir_ht_mark_changed(WeirHashTable *ht, uint64_t entry_index) {
  ChangedEntries *c = changedOf(ht);
  assert(c && "weir_ht_mark_changed needs change tracking enabled");
  if (entry_index >= c->listed.size())
    c->listed.resize(std::max<uint64_t>(entry_index + 1, c->listed.size() * 2), false);
  if (c->listed[entry_index])
    return;
  c->listed[entry_index] = true;
  c->order.push_back(entry_index);
}

uint64_t weir_ht_changed_count(WeirHashTable *ht) {
  ChangedEntries *c = changedOf(ht);
  return c ? c->order.size() : 0;
}

const uint64_t *weir_ht_changed_indices(WeirHashTable *ht) {
  ChangedEntries *c = changedOf(ht);
  return c ? c->order.data() : nullptr;
}

void weir_ht_changed_clear(WeirHashTable *ht) {
  ChangedEntries *c = changedOf(ht);
  if (!c)
    return;
  for (uint64_t i : c->order)
    c->listed[i] = false;
  c->order.clear();
}

} // extern "C"
