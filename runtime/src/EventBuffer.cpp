// A rolling window's per-key rows. Each row is one allocation (its values,
// then the bytes of its strings), so evicting a row frees exactly it; the rows'
// slots (event time and row pointer) sit in a ring after the buffer's header
// (runtime.h), ordered by event time, appended at the back in the common
// in-order case and inserted by binary search otherwise. Beside them: the sliding
// accumulator generated code keeps over them (runtime.h), which is rebuilt
// from the rows rather than checkpointed.
#include "runtime/src/EventBuffer.h"

#include "runtime/src/Status.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

// The ring is small for most keys (a few rows an hour), so the header and
// the slots share one allocation: a key's lookup touches one or two cache
// lines instead of following three pointers.
constexpr uint64_t kFirstSlots = 4;

WeirEventSlot *slots(WeirEventBuffer *b) { return reinterpret_cast<WeirEventSlot *>(b + 1); }
const WeirEventSlot *slots(const WeirEventBuffer *b) { return reinterpret_cast<const WeirEventSlot *>(b + 1); }
WeirEventSlot &at(WeirEventBuffer *b, uint64_t i) { return slots(b)[(b->head + i) & b->mask]; }
const WeirEventSlot &at(const WeirEventBuffer *b, uint64_t i) { return slots(b)[(b->head + i) & b->mask]; }
char *suffix(WeirEventBuffer *b, uint64_t i) { return b->suffixes + ((b->head + i) & b->mask) * b->slice_bytes; }

WeirEventBuffer *allocateBuffer(uint64_t nslots) {
  auto *b = static_cast<WeirEventBuffer *>(std::malloc(sizeof(WeirEventBuffer) + nslots * sizeof(WeirEventSlot)));
  if (!b)
    weir::rt::fatalOutOfMemory();
  std::memset(b, 0, sizeof(WeirEventBuffer));
  b->mask = nslots - 1;
  return b;
}

void destroyBuffer(WeirEventBuffer *b) {
  std::free(b->window);
  std::free(b->suffixes);
  std::free(b);
}

} // namespace

namespace {

// Rows are allocated and freed at the input's rate, most of a few sizes:
// recycling them per 32-byte size class instead of going through malloc and
// free each time took the rolling benchmark's allocator share from 18% to
// (measured) little. Per thread, so no locking; a class keeps at most
// kMaxFree rows.
class RowPool {
public:
  static constexpr size_t kGranule = 32, kClasses = 32, kMaxFree = 1 << 15;
  // Sets *sizeClass to the allocation's class, 0 for plain malloc.
  void *allocate(size_t bytes, uint32_t *sizeClass) {
    size_t c = (bytes + kGranule - 1) / kGranule;
    if (c >= kClasses)
      return allocated(std::malloc(bytes), 0, sizeClass);
    std::vector<void *> &list = free_[c];
    if (list.empty())
      return allocated(std::malloc(c * kGranule), static_cast<uint32_t>(c), sizeClass);
    void *p = list.back();
    list.pop_back();
    // Freed rows are cold (they left the range an hour ago): start loading
    // the one the next row of this class will be copied into.
    if (!list.empty())
      __builtin_prefetch(list.back(), /*rw=*/1);
    return allocated(p, static_cast<uint32_t>(c), sizeClass);
  }
  // The class comes from the row's slot, so releasing a row an hour old
  // does not read its (long evicted) memory: that miss was 8% of the
  // rolling benchmark.
  void release(void *row, uint32_t sizeClass) {
    if (sizeClass == 0 || free_[sizeClass].size() >= kMaxFree) {
      std::free(row);
      return;
    }
    free_[sizeClass].push_back(row);
  }
  ~RowPool() {
    for (auto &list : free_)
      for (void *p : list)
        std::free(p);
  }

private:
  static void *allocated(void *p, uint32_t c, uint32_t *sizeClass) {
    if (!p)
      weir::rt::fatalOutOfMemory();
    *sizeClass = c;
    return p;
  }
  std::vector<void *> free_[kClasses];
};

RowPool &rowPool() {
  thread_local RowPool pool;
  return pool;
}

// A key whose rows all left the range is dropped, and often comes back: its
// buffer (with its accumulator and suffix slices) goes to a per-thread pool
// for the next key instead of being freed and allocated again (most keys of
// the card-feed benchmark come and go many times).
class BufferPool {
public:
  static constexpr size_t kMaxFree = 4096;
  WeirEventBuffer *take() {
    if (free_.empty())
      return allocateBuffer(kFirstSlots);
    WeirEventBuffer *b = free_.back();
    free_.pop_back();
    return b;
  }
  // `b` holds no rows.
  void give(WeirEventBuffer *b) {
    if (free_.size() >= kMaxFree) {
      destroyBuffer(b);
      return;
    }
    b->head = b->count = b->emitted = 0;
    if (b->window) // as weir_event_buffer_window's calloc leaves it
      std::memset(b->window, 0, sizeof(WeirRollingWindow) + b->slice_bytes);
    free_.push_back(b);
  }
  ~BufferPool() {
    for (WeirEventBuffer *b : free_)
      destroyBuffer(b);
  }

private:
  std::vector<WeirEventBuffer *> free_;
};

BufferPool &bufferPool() {
  thread_local BufferPool pool;
  return pool;
}

// Strings are recognized by the caller's schema, which the buffer does not
// know: generated code passes string columns with len set and other columns
// with len 0, so copying `len` bytes of every value with len > 0 is exact.
WeirEventSlot newRow(int64_t ts, const WeirValue *values, uint32_t ncols) {
  size_t bytes = ncols * sizeof(WeirValue);
  for (uint32_t c = 0; c < ncols; ++c)
    if (!values[c].is_null)
      bytes += values[c].len;
  WeirEventSlot slot{ts, nullptr, ncols, 0};
  auto *copy = static_cast<WeirValue *>(rowPool().allocate(std::max<size_t>(bytes, 1), &slot.size_class));
  slot.row = copy;
  std::memcpy(copy, values, ncols * sizeof(WeirValue));
  char *strings = reinterpret_cast<char *>(copy + ncols);
  for (uint32_t c = 0; c < ncols; ++c) {
    WeirValue &v = copy[c];
    if (v.is_null || v.len == 0)
      continue;
    std::memcpy(strings, values[c].v.str, v.len);
    v.v.str = strings;
    strings += v.len;
  }
  return slot;
}

void releaseRow(const WeirEventSlot &slot) { rowPool().release(slot.row, slot.size_class); }

// Doubles the ring (and the suffix slices), keeping every row's index: a
// new allocation, so *buf moves.
void grow(WeirEventBuffer **buf) {
  WeirEventBuffer *old = *buf;
  uint64_t nslots = (old->mask + 1) * 2;
  WeirEventBuffer *b = allocateBuffer(nslots);
  b->count = old->count;
  b->emitted = old->emitted;
  b->window = old->window;
  b->slice_bytes = old->slice_bytes;
  if (b->window) {
    b->suffixes = static_cast<char *>(std::malloc(nslots * b->slice_bytes));
    if (!b->suffixes)
      weir::rt::fatalOutOfMemory();
  }
  for (uint64_t i = 0; i < old->count; ++i) {
    slots(b)[i] = at(old, i);
    if (b->window)
      std::memcpy(b->suffixes + i * b->slice_bytes, suffix(old, i), b->slice_bytes);
  }
  std::free(old->suffixes);
  std::free(old);
  *buf = b;
}

// Opens position i (rows from i on move up one) and puts the row there.
void insert(WeirEventBuffer **buf, uint64_t i, const WeirEventSlot &row) {
  if ((*buf)->count == (*buf)->mask + 1)
    grow(buf);
  WeirEventBuffer *b = *buf;
  // Only the slots move: slices exist for rows below the window's hi, and an
  // insert there invalidates them from i on.
  for (uint64_t j = b->count; j > i; --j)
    at(b, j) = at(b, j - 1);
  at(b, i) = row;
  ++b->count;
  if (WeirRollingWindow *w = b->window; w && i < w->hi) {
    // Prefix slices (emit updates) before i still hold; the rows from i on
    // are folded again. Anything else is rebuilt.
    if (w->valid == WEIR_ROLLING_PREFIXES && i >= w->mid)
      w->hi = i;
    else
      w->valid = 0;
  }
}

void popFront(WeirEventBuffer *b) {
  releaseRow(at(b, 0));
  b->head = (b->head + 1) & b->mask;
  --b->count;
  --b->emitted;
  WeirRollingWindow *w = b->window;
  if (!w)
    return;
  if (w->lo > 0) {
    --w->lo;
  } else if (w->mid == 0) { // the row was folded into the back: rebuild on next use
    w->valid = 0;
    return;
  }
  // A front row's suffix covers only the rows after it: the others hold.
  --w->mid;
  --w->hi;
}

// Binary searches over the ring: the first row for which `after` holds.
template <typename After> uint64_t partitionPoint(const WeirEventBuffer *buf, After after) {
  if (!buf)
    return 0;
  uint64_t lo = 0, hi = buf->count;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (after(at(buf, mid).ts))
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

} // namespace

namespace weir::rt {

std::string serializeEventBuffer(const WeirEventBuffer *buf) {
  std::string out;
  if (!buf)
    return out;
  auto put = [&](const void *p, size_t n) { out.append(static_cast<const char *>(p), n); };
  uint64_t n = buf->count;
  put(&n, 8);
  put(&buf->emitted, 8);
  for (uint64_t i = 0; i < n; ++i) {
    const WeirEventSlot &slot = at(buf, i);
    uint32_t ncols = slot.ncols;
    put(&slot.ts, 8);
    put(&ncols, 4);
    for (uint32_t c = 0; c < ncols; ++c) {
      const WeirValue &v = slot.row[c];
      put(&v, sizeof(WeirValue));
      if (!v.is_null && v.len)
        put(v.v.str, v.len);
    }
  }
  return out;
}

WeirEventBuffer *deserializeEventBuffer(std::string_view bytes) {
  if (bytes.empty())
    return nullptr;
  size_t at = 0;
  auto get = [&](void *p, size_t n) {
    if (at + n > bytes.size())
      return false;
    std::memcpy(p, bytes.data() + at, n);
    at += n;
    return true;
  };
  WeirEventBuffer *buf = allocateBuffer(kFirstSlots);
  uint64_t n = 0, emitted = 0;
  bool ok = get(&n, 8) && get(&emitted, 8);
  for (uint64_t i = 0; ok && i < n; ++i) {
    int64_t ts;
    uint32_t ncols;
    ok = get(&ts, 8) && get(&ncols, 4) && ncols < (1u << 16);
    if (!ok)
      break;
    std::vector<WeirValue> values(ncols);
    std::vector<std::string> strings(ncols);
    for (uint32_t c = 0; ok && c < ncols; ++c) {
      ok = get(&values[c], sizeof(WeirValue));
      if (ok && !values[c].is_null && values[c].len) {
        strings[c].resize(values[c].len);
        ok = get(strings[c].data(), values[c].len);
        values[c].v.str = strings[c].data();
      }
    }
    if (ok)
      insert(&buf, buf->count, newRow(ts, values.data(), ncols));
  }
  buf->emitted = emitted;
  if (!ok || buf->emitted > buf->count) {
    weir_event_buffer_free(&buf);
    return nullptr;
  }
  return buf;
}

} // namespace weir::rt

extern "C" {

uint64_t weir_event_buffer_add(WeirEventBuffer **buf, int64_t ts, const WeirValue *row,
                               uint32_t ncols) {
  if (!*buf)
    *buf = bufferPool().take();
  WeirEventSlot copy = newRow(ts, row, ncols);
  WeirEventBuffer *b = *buf;
  if (b->count == 0 || at(b, b->count - 1).ts <= ts) {
    insert(buf, b->count, copy);
    return (*buf)->count - 1;
  }
  uint64_t index = weir_event_buffer_upper(b, ts);
  insert(buf, index, copy);
  // A row that arrives before already-emitted ones (it was not late, so it
  // is after the watermark, and so are they) joins the emitted prefix' end
  // only if it sorts inside it; keep `emitted` counting the same rows.
  if (index < (*buf)->emitted)
    ++(*buf)->emitted;
  return index;
}

uint64_t weir_event_buffer_size(const WeirEventBuffer *buf) { return buf ? buf->count : 0; }
int64_t weir_event_buffer_ts(const WeirEventBuffer *buf, uint64_t i) { return at(buf, i).ts; }
const WeirValue *weir_event_buffer_row(const WeirEventBuffer *buf, uint64_t i) { return at(buf, i).row; }

uint64_t weir_event_buffer_lower(const WeirEventBuffer *buf, int64_t ts) {
  return partitionPoint(buf, [ts](int64_t t) { return t >= ts; });
}

uint64_t weir_event_buffer_upper(const WeirEventBuffer *buf, int64_t ts) {
  return partitionPoint(buf, [ts](int64_t t) { return t > ts; });
}

uint64_t weir_event_buffer_emitted(const WeirEventBuffer *buf) { return buf ? buf->emitted : 0; }
void weir_event_buffer_set_emitted(WeirEventBuffer *buf, uint64_t n) {
  if (buf)
    buf->emitted = n;
}

void weir_event_buffer_evict(WeirEventBuffer *buf, int64_t before) {
  if (!buf)
    return;
  while (buf->emitted > 0 && buf->count > 0 && at(buf, 0).ts < before)
    popFront(buf);
}

void weir_event_buffer_free(WeirEventBuffer **buf) {
  if (!*buf)
    return;
  WeirEventBuffer *b = *buf;
  for (uint64_t i = 0; i < b->count; ++i)
    releaseRow(at(b, i));
  bufferPool().give(b);
  *buf = nullptr;
}

WeirRollingWindow *weir_event_buffer_window(WeirEventBuffer *buf, uint32_t slice_bytes) {
  if (buf->window && buf->slice_bytes == slice_bytes)
    return buf->window;
  if (buf->window) { // a pooled buffer another aggregate used
    std::free(buf->window);
    std::free(buf->suffixes);
  }
  assert(slice_bytes % 8 == 0 && "slices hold 8-byte fields");
  buf->slice_bytes = slice_bytes;
  buf->window = static_cast<WeirRollingWindow *>(std::calloc(1, sizeof(WeirRollingWindow) + slice_bytes));
  buf->suffixes = static_cast<char *>(std::malloc(std::max<size_t>((buf->mask + 1) * slice_bytes, 1)));
  if (!buf->window || !buf->suffixes)
    weir::rt::fatalOutOfMemory();
  return buf->window;
}

void *weir_event_buffer_suffix(WeirEventBuffer *buf, uint64_t i) { return suffix(buf, i); }

} // extern "C"
