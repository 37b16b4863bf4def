// Changed-entry tracking (runtime/src/ChangedEntries.cpp): what an
// unwindowed aggregate's emit stage reads under a streaming trigger.
#include "runtime/src/DistinctPairs.h"
#include "runtime/src/HashTable.h"
#include "weir/runtime.h"

#include <gtest/gtest.h>

#include <vector>

using namespace weir::rt;

namespace {

struct Entry {
  WeirEntryHeader h;
  int64_t value;
};

std::vector<uint64_t> listed(WeirHashTable *ht) {
  const uint64_t *indices = weir_ht_changed_indices(ht);
  return std::vector<uint64_t>(indices, indices + weir_ht_changed_count(ht));
}

class ChangedEntries : public ::testing::Test {
protected:
  void SetUp() override { ht = createHashTable(nullptr, 0, sizeof(Entry)); }
  void TearDown() override { destroyHashTable(ht); }
  WeirHashTable *ht = nullptr;
};

TEST_F(ChangedEntries, OffUntilEnabled) {
  EXPECT_EQ(ht->changed, nullptr);
  EXPECT_EQ(weir_ht_changed_count(ht), 0u);
  weir_ht_changed_clear(ht); // harmless without tracking
  enableChangeTracking(ht);
  EXPECT_NE(ht->changed, nullptr);
  void *first = ht->changed;
  enableChangeTracking(ht); // idempotent: keeps the list
  EXPECT_EQ(ht->changed, first);
  EXPECT_EQ(weir_ht_changed_count(ht), 0u);
}

TEST_F(ChangedEntries, ListsEachEntryOnceInFirstChangeOrder) {
  enableChangeTracking(ht);
  for (uint64_t i : {5, 2, 5, 9, 2, 2, 0, 9})
    weir_ht_mark_changed(ht, i);
  EXPECT_EQ(listed(ht), (std::vector<uint64_t>{5, 2, 9, 0}));
}

TEST_F(ChangedEntries, ClearStartsANewListThatCanListTheSameEntriesAgain) {
  enableChangeTracking(ht);
  weir_ht_mark_changed(ht, 3);
  weir_ht_mark_changed(ht, 1);
  weir_ht_changed_clear(ht);
  EXPECT_EQ(weir_ht_changed_count(ht), 0u);
  weir_ht_mark_changed(ht, 1);
  weir_ht_mark_changed(ht, 7);
  weir_ht_mark_changed(ht, 1);
  weir_ht_mark_changed(ht, 3);
  EXPECT_EQ(listed(ht), (std::vector<uint64_t>{1, 7, 3}));
}

TEST_F(ChangedEntries, LargeIndicesGrowTheMarks) {
  enableChangeTracking(ht);
  weir_ht_mark_changed(ht, 100000);
  weir_ht_mark_changed(ht, 3);
  weir_ht_mark_changed(ht, 100000);
  EXPECT_EQ(listed(ht), (std::vector<uint64_t>{100000, 3}));
}

// Entries removed from the table (eviction, compaction) renumber the list and
// drop the removed ones, keeping the order.
TEST_F(ChangedEntries, RemapFollowsMovedEntriesAndDropsRemovedOnes) {
  enableChangeTracking(ht);
  for (uint64_t i : {4, 1, 3})
    weir_ht_mark_changed(ht, i);
  // Entries 0 and 3 removed: 1 -> 0, 2 -> 1, 4 -> 2.
  remapChangedEntries(ht, {kDroppedEntry, 0, 1, kDroppedEntry, 2});
  EXPECT_EQ(listed(ht), (std::vector<uint64_t>{2, 0}));
  weir_ht_mark_changed(ht, 0); // still listed: no duplicate
  weir_ht_mark_changed(ht, 1);
  EXPECT_EQ(listed(ht), (std::vector<uint64_t>{2, 0, 1}));
}

} // namespace
