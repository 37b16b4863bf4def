// The event-time timer service of a windowed (or ttl) aggregate's table
// (WeirHashTable::timers, runtime.h "event-time timers"): a priority queue of
// (time, entry index), so that a watermark advance visits only the keys that
// have something due instead of every key (Flink's InternalTimerService,
// Kafka Streams' punctuation, in one queue per state). The queue is ordered
// buckets of keys per time: tumbling and hopping windows give every key of a
// slice the same time, so most adds append to the bucket the last add used,
// and a firing takes whole buckets (a binary heap of (time, key) cost q5 50%
// more: a log-n sift per add and per pop).
//
// Timers are lazy: generated code adds one when a key gains something that
// may come due earlier than what it had (a new slice, session, pending
// rolling row or ttl key); a key whose due time only moved later (a session
// extended) keeps its earlier timer, and when that fires the fire function
// finds nothing due yet and re-arms the key at its real time. A key may
// therefore hold several timers; popping returns each due key once.
//
// Dead entries (marked by the fire function) stay in the table until enough
// of them accumulated, so one firing costs O(due keys), not O(keys):
// weir_ht_compact removes them once they are a quarter of the table.
#include "runtime/src/HashTable.h"

#include "runtime/src/DistinctPairs.h"
#include "runtime/src/DurableTable.h"

#include <algorithm>
#include <climits>
#include <map>
#include <vector>

namespace weir::rt {

namespace {

struct EventTimers {
  std::map<int64_t, std::vector<uint64_t>> buckets; // time -> keys (entry indices) due then
  std::vector<uint64_t> *lastBucket = nullptr;      // the bucket the last add went to ...
  int64_t lastTime = 0;                             // ... and its time
  std::vector<uint64_t> due;  // the last pop: entry indices, ascending, unique
  uint64_t deadSeen = 0;      // dead marks found among due keys since the last compaction

  void add(uint64_t entry, int64_t time) {
    if (!lastBucket || time != lastTime) {
      lastBucket = &buckets[time];
      lastTime = time;
    }
    lastBucket->push_back(entry);
  }
};

EventTimers *timersOf(const WeirHashTable *ht) { return static_cast<EventTimers *>(ht->timers); }

} // namespace

// A slot that keeps probing going but never matches its key: the tag is the
// complement of the key's (equal keys have equal tags; another key whose tag
// happens to match compares unequal with the dead entry's key).
uint64_t tombstoneSlot(uint64_t hash, uint64_t index) { return (~hash >> 32) << 32 | (index + 1); }

namespace {

} // namespace

void enableEventTimers(WeirHashTable *ht) {
  if (!ht->timers)
    ht->timers = new EventTimers;
}

void destroyEventTimers(WeirHashTable *ht) {
  delete timersOf(ht);
  ht->timers = nullptr;
}

void armAllEntries(WeirHashTable *ht, int64_t time) {
  EventTimers *t = timersOf(ht);
  if (!t)
    return;
  for (uint64_t i = 0; i < ht->count; ++i)
    t->add(i, time);
}

void remapEventTimers(WeirHashTable *ht, const std::vector<uint64_t> &newIndex) {
  EventTimers *t = timersOf(ht);
  if (!t)
    return;
  for (auto it = t->buckets.begin(); it != t->buckets.end();) {
    std::vector<uint64_t> &keys = it->second;
    size_t kept = 0;
    for (uint64_t entry : keys) {
      uint64_t to = entry < newIndex.size() ? newIndex[entry] : kDroppedEntry;
      if (to != kDroppedEntry)
        keys[kept++] = to;
    }
    keys.resize(kept);
    it = keys.empty() ? t->buckets.erase(it) : std::next(it);
  }
  t->lastBucket = nullptr;
  t->due.clear();
  t->deadSeen = 0;
}

void compactDeadEntries(WeirHashTable *ht) {
  std::vector<bool> dead(ht->count, false);
  bool any = false;
  for (uint64_t i = 0; i < ht->count; ++i)
    if (reinterpret_cast<WeirEntryHeader *>(entryAt(ht, i))->next == WEIR_ENTRY_DEAD)
      any = dead[i] = true;
  if (any)
    removeEntries(ht, dead, /*forget=*/true); // remaps the timers too
  if (EventTimers *t = timersOf(ht))
    t->deadSeen = 0;
}

} // namespace weir::rt

using namespace weir::rt;

extern "C" {

void weir_ht_mark_dead(WeirHashTable *ht, uint64_t index) {
  auto *h = reinterpret_cast<WeirEntryHeader *>(entryAt(ht, index));
  if (h->next == WEIR_ENTRY_DEAD)
    return;
  h->next = WEIR_ENTRY_DEAD;
  for (uint64_t s = h->hash & ht->mask; ht->slots[s] != 0; s = (s + 1) & ht->mask)
    if ((ht->slots[s] & 0xffffffffu) == index + 1) {
      ht->slots[s] = tombstoneSlot(h->hash, index);
      break;
    }
}

void weir_timer_add(WeirHashTable *ht, uint64_t entry_index, int64_t time) {
  if (EventTimers *t = timersOf(ht))
    t->add(entry_index, time);
}

uint64_t weir_timers_pop_due(WeirHashTable *ht, int64_t watermark) {
  EventTimers *t = timersOf(ht);
  if (!t)
    return 0;
  t->due.clear();
  auto it = t->buckets.begin();
  for (; it != t->buckets.end() && it->first <= watermark; ++it)
    for (uint64_t entry : it->second)
      if (entry < ht->count)
        t->due.push_back(entry);
  if (it != t->buckets.begin()) {
    t->buckets.erase(t->buckets.begin(), it);
    t->lastBucket = nullptr;
  }
  // Table order: a firing emits the keys of one window in first-seen order.
  std::sort(t->due.begin(), t->due.end());
  t->due.erase(std::unique(t->due.begin(), t->due.end()), t->due.end());
  return t->due.size();
}

const uint64_t *weir_timers_due(const WeirHashTable *ht) {
  const EventTimers *t = timersOf(ht);
  return t ? t->due.data() : nullptr;
}

int64_t weir_timers_next(const WeirHashTable *ht) {
  const EventTimers *t = timersOf(ht);
  return t && !t->buckets.empty() ? t->buckets.begin()->first : INT64_MAX;
}

void weir_ht_compact(WeirHashTable *ht) {
  EventTimers *t = timersOf(ht);
  if (!t) {
    compactDeadEntries(ht);
    return;
  }
  // Only the keys this firing visited can have died.
  for (uint64_t i : t->due)
    if (i < ht->count && reinterpret_cast<WeirEntryHeader *>(entryAt(ht, i))->next == WEIR_ENTRY_DEAD)
      ++t->deadSeen;
  // A full pass costs O(keys): only once dead keys are a good part of them,
  // so its cost is spread over the firings that killed them.
  if (t->deadSeen > 0 && t->deadSeen * 4 >= ht->count)
    compactDeadEntries(ht);
}

} // extern "C"
