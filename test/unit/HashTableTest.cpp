#include "runtime/src/Arena.h"
#include "runtime/src/HashTable.h"
#include "weir/runtime.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

using namespace weir::rt;

namespace {

// The probing generated code does: linear from hash & mask, comparing the
// slot's tag and then the key.
struct Entry {
  WeirEntryHeader h;
  int64_t key;
  int64_t count;
};

Entry *findOrInsert(WeirHashTable *ht, int64_t key) {
  uint64_t hash = weir_hash_u64(static_cast<uint64_t>(key), 0);
  uint64_t s = hash & ht->mask;
  for (;;) {
    uint64_t slot = ht->slots[s];
    if (slot == 0)
      return reinterpret_cast<Entry *>(weir_ht_insert(ht, hash, s));
    if ((slot >> 32) == (hash >> 32)) {
      auto *e = reinterpret_cast<Entry *>(entryAt(ht, (slot & 0xffffffffu) - 1));
      if (e->key == key)
        return e;
    }
    s = (s + 1) & ht->mask;
  }
}

TEST(HashTable, GrowsKeepingInsertionOrderAndLoadFactor) {
  WeirHashTable *ht = createHashTable(nullptr, 0, sizeof(Entry));
  std::vector<int64_t> keys;
  for (int64_t i = 0; i < 10000; ++i)
    keys.push_back((i * 7919) % 10007 - 5000); // distinct, scrambled
  for (int round = 0; round < 3; ++round)
    for (int64_t k : keys) {
      Entry *e = findOrInsert(ht, k);
      e->key = k;
      ++e->count;
    }
  ASSERT_EQ(ht->count, keys.size());
  EXPECT_LE(ht->count * 2, ht->mask + 1);
  uint64_t used = 0;
  for (uint64_t i = 0; i <= ht->mask; ++i)
    used += ht->slots[i] != 0;
  EXPECT_EQ(used, ht->count);
  for (uint64_t i = 0; i < ht->count; ++i) {
    auto *e = reinterpret_cast<Entry *>(entryAt(ht, i));
    ASSERT_EQ(e->key, keys[i]) << i; // first-seen order
    ASSERT_EQ(e->count, 3);
    ASSERT_EQ(e->h.hash, weir_hash_u64(static_cast<uint64_t>(keys[i]), 0));
  }
  destroyHashTable(ht);
}

TEST(HashTable, DuplicatesChainInInsertionOrderAndSurviveGrowth) {
  WeirHashTable *ht = createHashTable(nullptr, 0, sizeof(Entry));
  Entry *head = findOrInsert(ht, 5);
  head->key = 5;
  head->count = 0;
  uint64_t headIndex = 0;
  for (int i = 1; i <= 4; ++i) {
    auto *d = reinterpret_cast<Entry *>(weir_ht_insert_duplicate(ht, headIndex));
    d->key = 5;
    d->count = i;
  }
  for (int64_t k = 100; k < 200; ++k) // force slot growth
    findOrInsert(ht, k)->key = k;
  std::vector<int64_t> chain;
  for (uint64_t i = headIndex + 1; i != 0;) {
    auto *e = reinterpret_cast<Entry *>(entryAt(ht, i - 1));
    chain.push_back(e->count);
    i = e->h.next;
  }
  EXPECT_EQ(chain, (std::vector<int64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(findOrInsert(ht, 5), reinterpret_cast<Entry *>(entryAt(ht, 0)));
  EXPECT_EQ(ht->count, 105u);
  destroyHashTable(ht);
}

TEST(HashTable, CopyStrOwnsTheBytes) {
  WeirHashTable *ht = createHashTable(nullptr, 0, sizeof(Entry));
  std::string s = "merchant";
  const char *copy = weir_ht_copy_str(ht, s.data(), static_cast<int64_t>(s.size()));
  s.assign("XXXXXXXX");
  EXPECT_EQ(std::string(copy, 8), "merchant");
  std::string big(100000, 'q');
  const char *bigCopy = weir_ht_copy_str(ht, big.data(), static_cast<int64_t>(big.size()));
  EXPECT_EQ(std::string(bigCopy, big.size()), big);
  EXPECT_EQ(std::string(copy, 8), "merchant");
  destroyHashTable(ht);
}

TEST(Hashing, StableAndSeeded) {
  EXPECT_EQ(weir_hash_bytes("abc", 3, 0), weir_hash_bytes("abc", 3, 0));
  EXPECT_NE(weir_hash_bytes("abc", 3, 0), weir_hash_bytes("abd", 3, 0));
  EXPECT_NE(weir_hash_bytes("abc", 3, 0), weir_hash_bytes("abc", 3, 1));
  EXPECT_NE(weir_hash_u64(1, 0), weir_hash_u64(2, 0));
}

TEST(OwnedString, AssignReusesAndFrees) {
  WeirStr s{nullptr, 0};
  weir_owned_str_assign(&s, "hello", 5);
  EXPECT_EQ(std::string(s.ptr, s.len), "hello");
  const char *first = s.ptr;
  weir_owned_str_assign(&s, "hi", 2); // fits: same memory
  EXPECT_EQ(s.ptr, first);
  EXPECT_EQ(std::string(s.ptr, s.len), "hi");
  std::string big(1000, 'b');
  weir_owned_str_assign(&s, big.data(), 1000);
  EXPECT_EQ(std::string(s.ptr, s.len), big);
  weir_owned_str_assign(&s, "", 0);
  EXPECT_EQ(s.len, 0);
  EXPECT_NE(s.ptr, nullptr);
  weir_owned_str_free(&s);
  EXPECT_EQ(s.ptr, nullptr);
  weir_owned_str_free(&s); // twice is harmless
}

TEST(Arena, ResetReusesOneChunkLargeEnough) {
  WeirArena arena(64);
  for (int i = 0; i < 100; ++i)
    std::memset(weir_arena_alloc(&arena, 100), 'x', 100);
  size_t reserved = arena.bytesReserved();
  weir_arena_reset(&arena);
  EXPECT_EQ(arena.bytesReserved(), reserved);
  for (int i = 0; i < 100; ++i)
    std::memset(weir_arena_alloc(&arena, 100), 'y', 100);
  EXPECT_EQ(arena.bytesReserved(), reserved); // no new chunk needed
  EXPECT_NE(weir_arena_alloc(&arena, 0), nullptr);
}

TEST(DistinctSet, CountsExactDistinctValues) {
  void *ints = nullptr;
  for (int round = 0; round < 2; ++round)
    for (int64_t i = 0; i < 1000; ++i)
      weir_distinct_add_i64(&ints, i % 300);
  EXPECT_EQ(weir_distinct_count(ints), 300);
  weir_distinct_add_i64(&ints, 0);
  EXPECT_EQ(weir_distinct_count(ints), 300);

  void *floats = nullptr;
  weir_distinct_add_f64(&floats, 0.0);
  weir_distinct_add_f64(&floats, -0.0);
  weir_distinct_add_f64(&floats, std::nan(""));
  weir_distinct_add_f64(&floats, -std::nan(""));
  weir_distinct_add_f64(&floats, 1.5);
  EXPECT_EQ(weir_distinct_count(floats), 3);

  void *strs = nullptr;
  std::string buf;
  for (int i = 0; i < 500; ++i) {
    buf = "s" + std::to_string(i % 123);
    weir_distinct_add_str(&strs, buf.data(), static_cast<int64_t>(buf.size()));
  }
  buf = "XXXX"; // the set owns copies
  weir_distinct_add_str(&strs, "", 0);
  weir_distinct_add_str(&strs, "", 0);
  EXPECT_EQ(weir_distinct_count(strs), 124);

  void *other = nullptr;
  for (int i = 100; i < 200; ++i) {
    buf = "s" + std::to_string(i);
    weir_distinct_add_str(&other, buf.data(), static_cast<int64_t>(buf.size()));
  }
  weir_distinct_merge(&strs, other); // s100..s122 are shared
  EXPECT_EQ(weir_distinct_count(strs), 124 + 77);
  void *empty = nullptr;
  weir_distinct_merge(&empty, other);
  EXPECT_EQ(weir_distinct_count(empty), 100);
  weir_distinct_merge(&empty, nullptr);
  EXPECT_EQ(weir_distinct_count(nullptr), 0);

  weir_distinct_free(&ints);
  weir_distinct_free(&floats);
  weir_distinct_free(&strs);
  weir_distinct_free(&other);
  weir_distinct_free(&empty);
  EXPECT_EQ(strs, nullptr);
}

} // namespace
