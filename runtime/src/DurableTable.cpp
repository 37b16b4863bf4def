#include "runtime/src/DurableTable.h"

#include "runtime/src/Arena.h"
#include "runtime/src/DistinctPairs.h"
#include "runtime/src/HashTable.h"
#include "runtime/src/Status.h"

#include <algorithm>
#include <functional>
#include <cassert>
#include <cstdlib>
#include <cstring>

namespace weir::rt {

namespace {

inline uint64_t mixHash(uint64_t h) { return h ^ (h >> 29); }

WeirEntryHeader *headerAt(WeirHashTable *ht, uint64_t i) {
  return reinterpret_cast<WeirEntryHeader *>(entryAt(ht, i));
}

// Slots for `count` entries at a load of at most 1/2 (>= 16).
uint64_t slotCountFor(uint64_t count) {
  uint64_t n = 16;
  while (count * 2 > n)
    n *= 2;
  return n;
}

// Rebuilds the slots for the entries left. `keepSize`: keep the array's
// size while it holds them at a load of at least 1/16, for windowed states
// compacted after every firing: shrinking it to the least the survivors need
// only made the next window's new keys grow it back (a calloc and a rehash of
// every key per firing, and probing at a load near 1/2 in between).
void rebuildSlots(WeirHashTable *ht, bool keepSize) {
  uint64_t n = slotCountFor(ht->count);
  if (keepSize && ht->mask + 1 >= n && ht->mask + 1 <= n * 8)
    n = ht->mask + 1;
  if (n != ht->mask + 1) {
    auto *slots = static_cast<uint64_t *>(std::calloc(n, sizeof(uint64_t)));
    if (!slots)
      fatalOutOfMemory();
    std::free(ht->slots);
    ht->slots = slots;
    ht->mask = n - 1;
  } else {
    std::memset(ht->slots, 0, n * sizeof(uint64_t));
  }
  for (uint64_t i = 0; i < ht->count; ++i) {
    uint64_t hash = headerAt(ht, i)->hash;
    uint64_t s = hash & ht->mask;
    while (ht->slots[s] != 0)
      s = (s + 1) & ht->mask;
    bool dead = ht->timers && headerAt(ht, i)->next == WEIR_ENTRY_DEAD;
    ht->slots[s] = dead ? tombstoneSlot(hash, i) : (hash >> 32) << 32 | (i + 1);
  }
}

// Key strings live in the table's arena, which only grows: copy the live
// ones to a fresh arena and drop the old one.
void renewKeyArena(WeirHashTable *ht) {
  const WeirStateDesc *d = ht->desc;
  if (!d || !d->keys)
    return;
  // Only arena keys: windowed states' keys are owned by their entries.
  auto inArena = [&](const WeirSlotDesc &key) { return key.type == WEIR_STRING && key.kind == WEIR_SLOT_VALUE; };
  bool hasStrings = false;
  for (uint32_t k = 0; k < d->nkeys; ++k)
    hasStrings |= inArena(d->keys[k]);
  if (!hasStrings)
    return;
  auto *fresh = new WeirArena(4096);
  for (uint64_t i = 0; i < ht->count; ++i) {
    char *e = entryAt(ht, i);
    for (uint32_t k = 0; k < d->nkeys; ++k) {
      if (!inArena(d->keys[k]))
        continue;
      auto *s = reinterpret_cast<WeirStr *>(e + d->keys[k].offset);
      if (!s->ptr)
        continue;
      size_t n = s->len > 0 ? static_cast<size_t>(s->len) : 0;
      char *copy = static_cast<char *>(fresh->allocate(n));
      if (n)
        std::memcpy(copy, s->ptr, n);
      s->ptr = copy;
    }
  }
  delete ht->arena;
  ht->arena = fresh;
}

} // namespace

void SpillIndex::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{0, 0, 0, 0});
  count_ = 0;
  for (const Slot &s : old)
    if (s.used)
      insert(s.hash, s.seq, s.due);
}

void SpillIndex::insert(uint64_t hash, uint64_t seq, int64_t due) {
  if ((count_ + 1) * 4 > slots_.size() * 3) // load <= 3/4
    grow();
  uint64_t mask = slots_.size() - 1;
  uint64_t p = mixHash(hash) & mask;
  while (slots_[p].used)
    p = (p + 1) & mask;
  slots_[p] = Slot{hash, seq, 1, due};
  ++count_;
}

bool SpillIndex::mayContain(uint64_t hash) const {
  if (count_ == 0)
    return false;
  uint64_t mask = slots_.size() - 1;
  for (uint64_t p = mixHash(hash) & mask; slots_[p].used; p = (p + 1) & mask)
    if (slots_[p].hash == hash)
      return true;
  return false;
}

bool SpillIndex::contains(uint64_t hash, uint64_t seq) const {
  if (count_ == 0)
    return false;
  uint64_t mask = slots_.size() - 1;
  for (uint64_t p = mixHash(hash) & mask; slots_[p].used; p = (p + 1) & mask)
    if (slots_[p].hash == hash && slots_[p].seq == seq)
      return true;
  return false;
}

std::vector<SpillIndex::Spilled> SpillIndex::take(uint64_t hash) {
  std::vector<Spilled> out;
  if (count_ == 0)
    return out;
  uint64_t mask = slots_.size() - 1;
  uint64_t p = mixHash(hash) & mask;
  while (slots_[p].used) {
    if (slots_[p].hash != hash) {
      p = (p + 1) & mask;
      continue;
    }
    out.push_back({slots_[p].seq, slots_[p].due});
    // Backward-shift deletion: pull later members of the cluster into the
    // hole when their home position allows it.
    uint64_t hole = p;
    for (uint64_t q = (hole + 1) & mask; slots_[q].used; q = (q + 1) & mask) {
      uint64_t home = mixHash(slots_[q].hash) & mask;
      bool movable = hole <= q ? (home <= hole || home > q) : (home <= hole && home > q);
      if (movable) {
        slots_[hole] = slots_[q];
        hole = q;
      }
    }
    slots_[hole].used = 0;
    --count_;
    // slots_[p] now holds a shifted element (or is empty): look at it again.
  }
  return out;
}

void DurableTable::spill(uint64_t hash, uint64_t s, int64_t due) {
  spilled.insert(hash, s, due);
  if (due != INT64_MAX) {
    spilledTimers.push_back({due, hash, s});
    std::push_heap(spilledTimers.begin(), spilledTimers.end(), std::greater<SpilledTimer>());
  }
}

uint64_t removeEntries(WeirHashTable *ht, const std::vector<bool> &remove, bool forget) {
  assert(remove.size() >= ht->count);
  DurableTable *dt = durableOf(ht);
  if (dt)
    dt->syncNewEntries(ht, 0);
  std::vector<uint64_t> newIndex(ht->count, kDroppedEntry);
  uint64_t kept = 0;
  for (uint64_t i = 0; i < ht->count; ++i) {
    char *e = entryAt(ht, i);
    if (remove[i]) {
      if (dt && forget && dt->stored[i]) // never saved: nothing to delete
        dt->deleted.emplace_back(headerAt(ht, i)->hash, dt->seq[i]);
      if (ht->desc && ht->desc->destroy_entry)
        ht->desc->destroy_entry(e);
      continue;
    }
    if (kept != i) {
      std::memcpy(entryAt(ht, kept), e, ht->entry_size);
      if (dt) {
        dt->seq[kept] = dt->seq[i];
        dt->touched[kept] = dt->touched[i];
        dt->stored[kept] = dt->stored[i];
      }
    }
    newIndex[i] = kept++;
  }
  uint64_t removed = ht->count - kept;
  if (removed == 0)
    return 0;
  ht->count = kept;
  if (dt) {
    dt->seq.resize(kept);
    dt->touched.resize(kept);
    dt->stored.resize(kept);
  }
  if (ht->distinct)
    remapDistinctPairs(ht, newIndex);
  remapChangedEntries(ht, newIndex);
  remapEventTimers(ht, newIndex);
  // Give memory back when the table shrank a lot (eviction).
  if (ht->capacity > 64 && kept * 4 < ht->capacity) {
    uint64_t capacity = std::max<uint64_t>(kept * 2, 16);
    if (char *shrunk = static_cast<char *>(std::realloc(ht->entries, capacity * ht->entry_size))) {
      ht->entries = shrunk;
      ht->capacity = capacity;
    }
  }
  rebuildSlots(ht, /*keepSize=*/forget);
  renewKeyArena(ht);
  return removed;
}

uint64_t residentBytes(const WeirHashTable *ht) {
  uint64_t bytes = ht->count * ht->entry_size + (ht->mask + 1) * sizeof(uint64_t) +
                   ht->arena->bytesReserved() + distinctPairBytes(ht);
  if (const DurableTable *dt = durableOf(ht))
    bytes += ht->count * (sizeof(uint64_t) + sizeof(uint32_t) + sizeof(uint8_t)) +
             static_cast<uint64_t>(dt->outOfLinePerEntry * static_cast<double>(ht->count));
  return bytes;
}

} // namespace weir::rt
