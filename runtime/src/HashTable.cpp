// WeirHashTable: open addressing with linear probing from `hash & mask` over a
// slot array that points into a dense, insertion-ordered entry array. Growth
// re-places the slots from the hashes stored in the entries, so entries never
// move relative to each other and iteration order stays first-seen order.
#include "runtime/src/HashTable.h"

#include "runtime/src/Arena.h"
#include "runtime/src/DistinctPairs.h"
#include "runtime/src/Status.h"

#include <cassert>
#include <cstdlib>
#include <cstring>

namespace weir::rt {

namespace {

constexpr uint64_t kInitialSlots = 16;

void *checkedCalloc(size_t n, size_t size) {
  void *p = std::calloc(n, size);
  if (!p)
    fatalOutOfMemory();
  return p;
}

WeirEntryHeader *header(WeirHashTable *ht, uint64_t index) {
  return reinterpret_cast<WeirEntryHeader *>(entryAt(ht, index));
}

// Appends a zeroed entry (growing the entry array), returns its index.
uint64_t appendEntry(WeirHashTable *ht, uint64_t hash) {
  if (ht->count == ht->capacity) {
    uint64_t newCapacity = ht->capacity * 2;
    char *grown = static_cast<char *>(std::realloc(ht->entries, newCapacity * ht->entry_size));
    if (!grown)
      fatalOutOfMemory();
    ht->entries = grown;
    ht->capacity = newCapacity;
  }
  uint64_t index = ht->count++;
  char *e = entryAt(ht, index);
  std::memset(e, 0, ht->entry_size);
  reinterpret_cast<WeirEntryHeader *>(e)->hash = hash;
  return index;
}

inline uint64_t slotValue(uint64_t hash, uint64_t index) {
  return (hash >> 32) << 32 | (index + 1);
}

// Doubles the slot array and re-places every chain head (the entries the old
// slots point at; duplicates of a join key hang off their head and have no
// slot of their own).
void growSlots(WeirHashTable *ht) {
  uint64_t oldCount = ht->mask + 1;
  uint64_t *old = ht->slots;
  uint64_t newCount = oldCount * 2;
  uint64_t *slots = static_cast<uint64_t *>(checkedCalloc(newCount, sizeof(uint64_t)));
  uint64_t mask = newCount - 1;
  for (uint64_t i = 0; i < oldCount; ++i) {
    if (old[i] == 0)
      continue;
    uint64_t index = (old[i] & 0xffffffffu) - 1;
    uint64_t hash = header(ht, index)->hash;
    uint64_t s = hash & mask;
    while (slots[s] != 0)
      s = (s + 1) & mask;
    slots[s] = old[i];
  }
  std::free(old);
  ht->slots = slots;
  ht->mask = mask;
}

} // namespace

WeirHashTable *createHashTable(const WeirStateDesc *desc, uint32_t stateIndex,
                               uint32_t entrySize) {
  if (desc)
    entrySize = desc->entry_size;
  assert(entrySize >= sizeof(WeirEntryHeader) && entrySize % 8 == 0);
  auto *ht = static_cast<WeirHashTable *>(checkedCalloc(1, sizeof(WeirHashTable)));
  ht->slots = static_cast<uint64_t *>(checkedCalloc(kInitialSlots, sizeof(uint64_t)));
  ht->mask = kInitialSlots - 1;
  ht->capacity = kInitialSlots / 2;
  ht->entries = static_cast<char *>(checkedCalloc(ht->capacity, entrySize));
  ht->count = 0;
  ht->entry_size = entrySize;
  ht->state_index = stateIndex;
  ht->arena = new WeirArena(4096);
  ht->desc = desc;
  if (desc && desc->windowed)
    enableEventTimers(ht);
  return ht;
}

void destroyHashTable(WeirHashTable *ht) {
  if (!ht)
    return;
  if (ht->desc && ht->desc->destroy_entry)
    for (uint64_t i = 0; i < ht->count; ++i)
      ht->desc->destroy_entry(entryAt(ht, i));
  std::free(ht->slots);
  std::free(ht->entries);
  delete ht->arena;
  destroyDistinctPairs(ht);
  destroyChangedEntries(ht);
  destroyEventTimers(ht);
  std::free(ht);
}

} // namespace weir::rt

using namespace weir::rt;

extern "C" {

char *weir_ht_insert(WeirHashTable *ht, uint64_t hash, uint64_t slot) {
  assert(slot <= ht->mask && ht->slots[slot] == 0);
  uint64_t index = appendEntry(ht, hash);
  ht->slots[slot] = slotValue(hash, index);
  // Keep the load factor <= 0.5.
  if (ht->count * 2 > ht->mask + 1)
    growSlots(ht);
  return entryAt(ht, index);
}

// Chains keep insertion order: the head's pad_ remembers 1 + the index of the
// chain's last entry, so appending is O(1).
char *weir_ht_insert_duplicate(WeirHashTable *ht, uint64_t headIndex) {
  assert(headIndex < ht->count);
  uint64_t hash = header(ht, headIndex)->hash;
  uint64_t index = appendEntry(ht, hash); // may move the entries
  WeirEntryHeader *head = header(ht, headIndex);
  uint64_t tail = head->pad_ ? head->pad_ - 1 : headIndex;
  header(ht, tail)->next = static_cast<uint32_t>(index + 1);
  head->pad_ = static_cast<uint32_t>(index + 1);
  return entryAt(ht, index);
}

const char *weir_ht_copy_str(WeirHashTable *ht, const char *ptr, int64_t len) {
  char *dst = static_cast<char *>(ht->arena->allocate(len > 0 ? static_cast<size_t>(len) : 0));
  if (len > 0)
    std::memcpy(dst, ptr, static_cast<size_t>(len));
  return dst;
}

} // extern "C"
