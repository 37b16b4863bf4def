// One aggregate entry as bytes, for checkpoints and spilling: the packed
// struct itself plus everything it points to out of line (key strings, owned
// strings, sketches, value sets, count_distinct pairs), described by the
// state's WeirStateDesc (keys, owned). Loading puts the entry back into a
// table by its stored hash.
#pragma once

#include "runtime/src/DistinctPairs.h"
#include "runtime/src/Status.h"
#include "weir/runtime.h"

#include <string>
#include <string_view>
#include <vector>

namespace weir::rt {

// The count_distinct values of some entries (the table's pair sets are
// shared by all keys; one pass over them collects what the entries need).
class DistinctValuesOf {
public:
  // Collects the pairs of the entries with wanted[i] set. The values point
  // into the table: use them before it changes.
  DistinctValuesOf(const WeirHashTable *ht, const std::vector<bool> &wanted);
  struct Item {
    uint64_t entry;
    uint32_t agg;
    DistinctValue value;
  };
  // The items of entry `i` (in aggregate order), or an empty range.
  std::pair<const Item *, const Item *> of(uint64_t entry) const;

private:
  std::vector<Item> items_; // sorted by entry, then aggregate
};

// Appends entry `index` of `ht` to `out`. `distinct` may be null when the
// state has no count_distinct pairs. Fails when a slot kind cannot be saved.
Status encodeEntry(const WeirHashTable *ht, uint64_t index, const DistinctValuesOf *distinct,
                   std::string &out);

// Appends the entry in `bytes` to `ht` (which must not hold its key), with
// `hash`, and restores what it owns. The entry's dirty flag is clear.
// Fails when the bytes do not fit the layout.
Status decodeEntry(WeirHashTable *ht, uint64_t hash, std::string_view bytes);

// count_distinct value sets of windowed aggregates (DistinctSet.cpp).
std::string serializeDistinctSet(const void *set);
bool deserializeDistinctSet(std::string_view bytes, void **out);

// Rolling windows' event buffers (WEIR_SLOT_EVENT_BUFFER): the hook for the
// code that owns WeirEventBuffer (EventBufferCodec.cpp). serialize returns
// false when it cannot; deserialize gets what serialize produced.
bool serializeEventBuffer(const void *buffer, std::string &out);
bool deserializeEventBuffer(std::string_view bytes, void **out);

// Tumbling, hopping and session windows' out-of-line slices (WEIR_SLOT_SLICE_OVERFLOW,
// SliceOverflow.cpp): nothing for an empty one.
void serializeSliceOverflow(const void *overflow, std::string &out);
bool deserializeSliceOverflow(std::string_view bytes, void **out);

} // namespace weir::rt
