// count_distinct as one flat set of (entry index, value id) pairs per distinct
// aggregate per table (runtime.h, weir_distinct_pair_add_*), kept in
// WeirHashTable::distinct and created on first use. These are the runtime's
// own hooks around it: freeing it with the table, and combining a thread
// partial's pairs into the real state after the generated merge.
#pragma once

#include "weir/runtime.h"

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace weir::rt {

// Frees ht->distinct and ht->remap (called when the table is destroyed).
void destroyDistinctPairs(WeirHashTable *ht);

// Before desc->merge(dst, src): gives src a remap array (src->count entries)
// for the generated merge to fill with each src entry's dst index.
void prepareRemap(WeirHashTable *src);

// After a successful desc->merge(dst, src): adds every pair of src to dst,
// with the entry index mapped through src->remap, and increments dst's int64
// count (at desc->distinct_count_offsets[agg]) for each pair dst did not have.
void mergeDistinctPairs(WeirHashTable *dst, WeirHashTable *src);

// The driver's way to combine a thread partial into the real state: the three
// steps above (prepareRemap, dst->desc->merge, mergeDistinctPairs). Returns
// the generated merge's status; the pairs are merged only when it succeeded.
WeirStatus mergePartialState(WeirHashTable *dst, WeirHashTable *src);

// For tests and diagnostics: the pairs in `agg`'s set, and its interned values.
uint64_t distinctPairCount(const WeirHashTable *ht, uint32_t agg);
uint64_t distinctValueCount(const WeirHashTable *ht, uint32_t agg);

// For durable state (checkpoints, compaction, spilling): a value of a pair
// set, as a 64-bit pattern (int64s, canonical doubles) or a string.
struct DistinctValue {
  bool isStr;
  uint64_t bits;
  std::string_view str;
};
// Calls fn(entry index, value) for every pair of aggregate `agg`.
void forEachDistinctPair(const WeirHashTable *ht, uint32_t agg,
                         const std::function<void(uint64_t, const DistinctValue &)> &fn);
// Entry indices changed (entries removed): pair (i, v) becomes (newIndex[i], v),
// or is dropped when newIndex[i] == kDroppedEntry.
constexpr uint64_t kDroppedEntry = UINT64_MAX;
void remapDistinctPairs(WeirHashTable *ht, const std::vector<uint64_t> &newIndex);
// Memory of the table's pair sets and interned values.
uint64_t distinctPairBytes(const WeirHashTable *ht);

} // namespace weir::rt
