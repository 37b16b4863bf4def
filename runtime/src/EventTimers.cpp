// The event-time timer service of a windowed (or ttl) aggregate's table
// (WeirHashTable::timers, runtime.h "event-time timers"): a priority queue of
// (time, entry index), so that a watermark advance visits only the keys that
// have something due instead of every key (Flink's InternalTimerService,
// Kafka Streams' punctuation, in one queue per state). Timers come mostly in
// time order (a slice's end for every key of the slice, a row's time + 1 as
// rows arrive), so the queue is a sorted run that in-order adds append to
// and a firing takes from the front, O(1) each, plus a small binary heap for
// the stragglers (rows out of order within the watermark). Timers far ahead
// of the watermark (a rolling key's eviction an hour on) wait in coarse
// buckets and join the heap as the watermark nears them, so the heap holds
// only the near future. A heap alone cost Nexmark q5 50% more (a log-n sift
// per add and per pop), and the rolling benchmark 12% with every key's
// far-off eviction in it; a map of per-time buckets cost it 15% in node
// allocation.
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
#include <functional>
#include <map>
#include <vector>

namespace weir::rt {

namespace {

struct Timer {
  int64_t time;
  uint64_t entry;
  bool operator>(const Timer &o) const { return time > o.time; }
};

// Timers further ahead of the last firing's watermark than kNearMs wait in
// buckets of 2^kFarShift ms.
constexpr int64_t kNearMs = 64 * 1000;
constexpr int kFarShift = 16;

struct FarBucket {
  std::vector<Timer> timers;
  int64_t earliest = INT64_MAX;
};

int64_t saturatingAdd(int64_t a, int64_t b) { return a > INT64_MAX - b ? INT64_MAX : a + b; }

struct EventTimers {
  std::vector<Timer> run;        // [head, end) sorted by time
  size_t head = 0;
  std::vector<Timer> stragglers; // min-heap by time: adds earlier than run's last
  std::map<int64_t, FarBucket> far; // time >> kFarShift -> timers beyond `horizon`
  int64_t horizon = INT64_MAX;   // the last firing's watermark + kNearMs
  FarBucket *lastFar = nullptr;  // the bucket the last far add went to (cleared when buckets go)
  int64_t lastFarKey = 0;
  std::vector<uint64_t> due;     // the last pop: entry indices, ascending, unique
  std::vector<uint64_t> bits;    // sortUnique's bitmap, kept to reuse its memory
  uint64_t deadSeen = 0;         // dead marks found among due keys since the last compaction

  void add(uint64_t entry, int64_t time) {
    if (time > horizon) {
      int64_t key = time >> kFarShift;
      if (!lastFar || key != lastFarKey) { // consecutive far adds mostly share a bucket
        lastFar = &far[key];
        lastFarKey = key;
      }
      lastFar->timers.push_back({time, entry});
      lastFar->earliest = std::min(lastFar->earliest, time);
      return;
    }
    addNear(entry, time);
  }
  void addNear(uint64_t entry, int64_t time) {
    if (head == run.size() || time >= run.back().time) {
      run.push_back({time, entry});
    } else {
      stragglers.push_back({time, entry});
      std::push_heap(stragglers.begin(), stragglers.end(), std::greater<Timer>());
    }
  }
  int64_t next() const {
    int64_t t = head < run.size() ? run[head].time : INT64_MAX;
    if (!far.empty())
      t = std::min(t, far.begin()->second.earliest);
    return stragglers.empty() ? t : std::min(t, stragglers.front().time);
  }
  // A firing at `watermark`: far buckets the new horizon reaches come near.
  void advanceHorizon(int64_t watermark) {
    horizon = saturatingAdd(watermark, kNearMs);
    while (!far.empty() && (far.begin()->first << kFarShift) <= horizon) {
      // Sorted, the bucket mostly extends the run instead of filling the heap.
      std::vector<Timer> &timers = far.begin()->second.timers;
      auto earlier = [](const Timer &a, const Timer &b) { return a.time < b.time; };
      if (!std::is_sorted(timers.begin(), timers.end(), earlier)) // often already in order
        std::sort(timers.begin(), timers.end(), earlier);
      for (const Timer &timer : timers)
        addNear(timer.entry, timer.time);
      far.erase(far.begin());
      lastFar = nullptr;
    }
  }
  // Drops the run's taken front once it is most of the vector.
  void trimRun() {
    if (head == run.size()) {
      run.clear();
      head = 0;
    } else if (head > 1024 && head * 2 > run.size()) {
      run.erase(run.begin(), run.begin() + static_cast<std::ptrdiff_t>(head));
      head = 0;
    }
  }
};

EventTimers *timersOf(const WeirHashTable *ht) { return static_cast<EventTimers *>(ht->timers); }

// Sorts and dedups entry indices below `count`. When they are a good part
// of the table (a window end that every key reached) a bitmap over the
// entries does it in O(count / 64) words, much faster than a sort (q5: the
// sort was 11% of the run); otherwise std::sort.
void sortUnique(std::vector<uint64_t> &indices, uint64_t count, std::vector<uint64_t> &bits) {
  // A firing per input row pops a key or two, mostly already in order.
  if (std::adjacent_find(indices.begin(), indices.end(), std::greater_equal<uint64_t>()) == indices.end())
    return;
  if (indices.size() * 16 < count || indices.size() < 64) {
    std::sort(indices.begin(), indices.end());
    indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
    return;
  }
  bits.assign((count + 63) / 64, 0);
  for (uint64_t i : indices)
    bits[i / 64] |= uint64_t(1) << (i % 64);
  indices.clear();
  for (size_t w = 0; w < bits.size(); ++w)
    for (uint64_t word = bits[w]; word; word &= word - 1)
      indices.push_back(w * 64 + static_cast<uint64_t>(__builtin_ctzll(word)));
}

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

uint64_t pendingTimerCount(const WeirHashTable *ht) {
  const auto *t = static_cast<const EventTimers *>(ht->timers);
  if (!t)
    return 0;
  uint64_t n = (t->run.size() - t->head) + t->stragglers.size();
  for (const auto &[key, bucket] : t->far)
    n += bucket.timers.size();
  return n;
}

std::vector<int64_t> earliestTimers(const WeirHashTable *ht) {
  std::vector<int64_t> earliest(ht->count, INT64_MAX);
  const EventTimers *t = timersOf(ht);
  if (!t)
    return earliest;
  auto visit = [&](const std::vector<Timer> &timers, size_t from) {
    for (size_t i = from; i < timers.size(); ++i)
      if (timers[i].entry < earliest.size())
        earliest[timers[i].entry] = std::min(earliest[timers[i].entry], timers[i].time);
  };
  visit(t->run, t->head);
  visit(t->stragglers, 0);
  for (const auto &[key, bucket] : t->far)
    visit(bucket.timers, 0);
  return earliest;
}

void remapEventTimers(WeirHashTable *ht, const std::vector<uint64_t> &newIndex) {
  EventTimers *t = timersOf(ht);
  if (!t)
    return;
  // Renumbering keeps the run sorted; the heap is rebuilt.
  auto remap = [&](std::vector<Timer> &timers, size_t from) {
    size_t kept = 0;
    for (size_t i = from; i < timers.size(); ++i) {
      uint64_t to = timers[i].entry < newIndex.size() ? newIndex[timers[i].entry] : kDroppedEntry;
      if (to != kDroppedEntry)
        timers[kept++] = {timers[i].time, to};
    }
    timers.resize(kept);
  };
  for (auto it = t->far.begin(); it != t->far.end();) {
    remap(it->second.timers, 0);
    it = it->second.timers.empty() ? t->far.erase(it) : std::next(it);
  }
  t->lastFar = nullptr;
  remap(t->run, t->head);
  t->head = 0;
  remap(t->stragglers, 0);
  std::make_heap(t->stragglers.begin(), t->stragglers.end(), std::greater<Timer>());
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
  if (ht->spill) // --state-memory: spilled keys due now come back first
    faultInDue(ht, watermark);
  t->due.clear();
  t->advanceHorizon(watermark);
  for (; t->head < t->run.size() && t->run[t->head].time <= watermark; ++t->head)
    t->due.push_back(t->run[t->head].entry);
  t->trimRun();
  while (!t->stragglers.empty() && t->stragglers.front().time <= watermark) {
    std::pop_heap(t->stragglers.begin(), t->stragglers.end(), std::greater<Timer>());
    t->due.push_back(t->stragglers.back().entry);
    t->stragglers.pop_back();
  }
  // Entries past the table's end cannot be: they are dropped at compaction.
  t->due.erase(std::remove_if(t->due.begin(), t->due.end(), [&](uint64_t e) { return e >= ht->count; }),
               t->due.end());
  // Table order: a firing emits the keys of one window in first-seen order.
  sortUnique(t->due, ht->count, t->bits);
  // Entries faulted back in from the store were appended out of first-seen
  // order: put the due keys in it again.
  if (DurableTable *dt = durableOf(ht); dt && dt->evicted) {
    dt->syncNewEntries(ht, dt->round);
    std::sort(t->due.begin(), t->due.end(), [&](uint64_t a, uint64_t b) { return dt->seq[a] < dt->seq[b]; });
  }
  return t->due.size();
}

const uint64_t *weir_timers_due(const WeirHashTable *ht) {
  const EventTimers *t = timersOf(ht);
  return t ? t->due.data() : nullptr;
}

int64_t weir_timers_next(const WeirHashTable *ht) {
  const EventTimers *t = timersOf(ht);
  if (!t)
    return INT64_MAX;
  int64_t next = t->next();
  // Spilled keys' timers count too: their firing faults them back in.
  if (const DurableTable *dt = durableOf(ht); dt && ht->spill && !dt->spilledTimers.empty())
    next = std::min(next, dt->spilledTimers.front().time);
  return next;
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
