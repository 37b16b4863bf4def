// A rolling window's per-key rows. Each row is one allocation (its values and
// the bytes of its strings), so evicting a row frees exactly it; rows sit in a
// ring ordered by event time, appended at the back in the common in-order
// case and inserted by binary search otherwise. Beside them: the sliding
// accumulator generated code keeps over them (runtime.h), which is rebuilt
// from the rows rather than checkpointed.
#include "runtime/src/EventBuffer.h"

#include "runtime/src/Status.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <vector>

struct WeirEventBuffer {
  struct Row {
    int64_t ts;
    uint32_t ncols;
    uint32_t sizeClass; // the allocation's class in RowPool, 0 for plain malloc
    WeirValue *values; // points into the same allocation, after this header
  };
  // Row i is ring[(head + i) & (ring.size() - 1)]; the size is a power of two.
  std::vector<Row *> ring;
  uint64_t head = 0, count = 0;
  uint64_t emitted = 0;
  // The sliding accumulator (runtime.h), made on first use: the header and
  // the back slice in one allocation, and one suffix slice per ring slot
  // (row i's at the same ring position as the row).
  WeirRollingWindow *window = nullptr;
  uint32_t sliceBytes = 0;
  char *suffixes = nullptr;

  uint64_t mask() const { return ring.size() - 1; }
  Row *&at(uint64_t i) { return ring[(head + i) & mask()]; }
  Row *at(uint64_t i) const { return ring[(head + i) & mask()]; }
  char *suffix(uint64_t i) { return suffixes + ((head + i) & mask()) * sliceBytes; }
  // Doubles the ring (and the suffix slices), keeping every row's index.
  void grow();
  // Opens position i (rows from i on move up one) and puts `row` there.
  void insert(uint64_t i, Row *row);
  void popFront();
};

namespace {

using Row = WeirEventBuffer::Row;

// Rows are allocated and freed at the input's rate, most of a few sizes:
// recycling them per 32-byte size class instead of going through malloc and
// free each time took the rolling benchmark's allocator share from 18% to
// (measured) little. Per thread, so no locking; a class keeps at most
// kMaxFree rows.
class RowPool {
public:
  static constexpr size_t kGranule = 32, kClasses = 32, kMaxFree = 1 << 15;
  Row *allocate(size_t bytes) {
    size_t c = (bytes + kGranule - 1) / kGranule;
    if (c >= kClasses)
      return allocated(std::malloc(bytes), 0);
    std::vector<void *> &list = free_[c];
    if (list.empty())
      return allocated(std::malloc(c * kGranule), static_cast<uint32_t>(c));
    void *p = list.back();
    list.pop_back();
    return allocated(p, static_cast<uint32_t>(c));
  }
  void release(Row *row) {
    uint32_t c = row->sizeClass;
    if (c == 0 || free_[c].size() >= kMaxFree) {
      std::free(row);
      return;
    }
    free_[c].push_back(row);
  }
  ~RowPool() {
    for (auto &list : free_)
      for (void *p : list)
        std::free(p);
  }

private:
  static Row *allocated(void *p, uint32_t sizeClass) {
    if (!p)
      weir::rt::fatalOutOfMemory();
    auto *row = static_cast<Row *>(p);
    row->sizeClass = sizeClass;
    return row;
  }
  std::vector<void *> free_[kClasses];
};

RowPool &rowPool() {
  thread_local RowPool pool;
  return pool;
}

// A key whose rows all left the range is dropped, and often comes back: its
// buffer (ring, accumulator, suffix slices) goes to a per-thread pool for the
// next key instead of being freed and allocated again (four allocations a
// key; most keys of the card-feed benchmark come and go many times).
class BufferPool {
public:
  static constexpr size_t kMaxFree = 4096;
  WeirEventBuffer *take() {
    if (free_.empty())
      return new WeirEventBuffer;
    WeirEventBuffer *b = free_.back();
    free_.pop_back();
    return b;
  }
  // `b` holds no rows.
  void give(WeirEventBuffer *b) {
    if (free_.size() >= kMaxFree) {
      destroy(b);
      return;
    }
    b->head = b->count = b->emitted = 0;
    if (b->window) // as weir_event_buffer_window's calloc leaves it
      std::memset(b->window, 0, sizeof(WeirRollingWindow) + b->sliceBytes);
    free_.push_back(b);
  }
  static void destroy(WeirEventBuffer *b) {
    std::free(b->window);
    std::free(b->suffixes);
    delete b;
  }
  ~BufferPool() {
    for (WeirEventBuffer *b : free_)
      destroy(b);
  }

private:
  std::vector<WeirEventBuffer *> free_;
};

BufferPool &bufferPool() {
  thread_local BufferPool pool;
  return pool;
}

Row *copyRow(int64_t ts, const WeirValue *values, uint32_t ncols) {
  size_t bytes = sizeof(Row) + ncols * sizeof(WeirValue);
  for (uint32_t c = 0; c < ncols; ++c)
    if (values[c].v.str && !values[c].is_null && values[c].len)
      bytes += values[c].len;
  Row *row = rowPool().allocate(bytes);
  row->ts = ts;
  row->ncols = ncols;
  row->values = reinterpret_cast<WeirValue *>(row + 1);
  std::memcpy(row->values, values, ncols * sizeof(WeirValue));
  return row;
}

// Strings are recognized by the caller's schema, which the buffer does not
// know: generated code passes string columns with len set and other columns
// with len 0, so copying `len` bytes of every value with len > 0 is exact.
Row *newRow(int64_t ts, const WeirValue *values, uint32_t ncols) {
  Row *row = copyRow(ts, values, ncols);
  char *bytes = reinterpret_cast<char *>(row->values + ncols);
  for (uint32_t c = 0; c < ncols; ++c) {
    WeirValue &v = row->values[c];
    if (v.is_null || v.len == 0)
      continue;
    std::memcpy(bytes, values[c].v.str, v.len);
    v.v.str = bytes;
    bytes += v.len;
  }
  return row;
}

} // namespace

void WeirEventBuffer::grow() {
  std::vector<Row *> bigger(std::max<size_t>(ring.size() * 2, 8));
  char *moved = nullptr;
  if (window) {
    moved = static_cast<char *>(std::malloc(bigger.size() * sliceBytes));
    if (!moved)
      weir::rt::fatalOutOfMemory();
  }
  for (uint64_t i = 0; i < count; ++i) {
    bigger[i] = at(i);
    if (window)
      std::memcpy(moved + i * sliceBytes, suffix(i), sliceBytes);
  }
  ring.swap(bigger);
  head = 0;
  std::free(suffixes);
  suffixes = moved;
}

void WeirEventBuffer::insert(uint64_t i, Row *row) {
  if (count == ring.size())
    grow();
  // Only the row pointers move: suffix slices exist for rows below the
  // window's hi, and an insert there invalidates the window anyway.
  for (uint64_t j = count; j > i; --j)
    at(j) = at(j - 1);
  at(i) = row;
  ++count;
  if (window && i < window->hi)
    window->valid = 0;
}

void WeirEventBuffer::popFront() {
  rowPool().release(at(0));
  head = (head + 1) & mask();
  --count;
  --emitted;
  if (!window)
    return;
  if (window->lo == 0) { // the window held the row: rebuild it on next use
    window->valid = 0;
    return;
  }
  --window->lo;
  --window->mid;
  --window->hi;
}

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
    const Row *row = buf->at(i);
    put(&row->ts, 8);
    put(&row->ncols, 4);
    for (uint32_t c = 0; c < row->ncols; ++c) {
      const WeirValue &v = row->values[c];
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
  auto *buf = new WeirEventBuffer;
  uint64_t n = 0;
  bool ok = get(&n, 8) && get(&buf->emitted, 8);
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
      buf->insert(buf->count, newRow(ts, values.data(), ncols));
  }
  if (!ok || buf->emitted > buf->count) {
    weir_event_buffer_free(&buf);
    return nullptr;
  }
  return buf;
}

} // namespace weir::rt

namespace {

// Binary searches over the ring: the first row for which `after` holds.
template <typename After> uint64_t partitionPoint(const WeirEventBuffer *buf, After after) {
  if (!buf)
    return 0;
  uint64_t lo = 0, hi = buf->count;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (after(buf->at(mid)->ts))
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

} // namespace

extern "C" {

uint64_t weir_event_buffer_add(WeirEventBuffer **buf, int64_t ts, const WeirValue *row,
                               uint32_t ncols) {
  if (!*buf)
    *buf = bufferPool().take();
  WeirEventBuffer &b = **buf;
  Row *copy = newRow(ts, row, ncols);
  if (b.count == 0 || b.at(b.count - 1)->ts <= ts) {
    b.insert(b.count, copy);
    return b.count - 1;
  }
  uint64_t index = weir_event_buffer_upper(&b, ts);
  b.insert(index, copy);
  // A row that arrives before already-emitted ones (it was not late, so it
  // is after the watermark, and so are they) joins the emitted prefix' end
  // only if it sorts inside it; keep `emitted` counting the same rows.
  if (index < (*buf)->emitted)
    ++(*buf)->emitted;
  return index;
}

uint64_t weir_event_buffer_size(const WeirEventBuffer *buf) { return buf ? buf->count : 0; }
int64_t weir_event_buffer_ts(const WeirEventBuffer *buf, uint64_t i) { return buf->at(i)->ts; }
const WeirValue *weir_event_buffer_row(const WeirEventBuffer *buf, uint64_t i) { return buf->at(i)->values; }

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
  while (buf->emitted > 0 && buf->count > 0 && buf->at(0)->ts < before)
    buf->popFront();
}

void weir_event_buffer_free(WeirEventBuffer **buf) {
  if (!*buf)
    return;
  WeirEventBuffer &b = **buf;
  for (uint64_t i = 0; i < b.count; ++i)
    rowPool().release(b.at(i));
  bufferPool().give(*buf);
  *buf = nullptr;
}

WeirRollingWindow *weir_event_buffer_window(WeirEventBuffer *buf, uint32_t slice_bytes) {
  if (buf->window && buf->sliceBytes == slice_bytes)
    return buf->window;
  if (buf->window) { // a pooled buffer another aggregate used
    std::free(buf->window);
    std::free(buf->suffixes);
  }
  assert(slice_bytes % 8 == 0 && "slices hold 8-byte fields");
  buf->sliceBytes = slice_bytes;
  buf->window = static_cast<WeirRollingWindow *>(std::calloc(1, sizeof(WeirRollingWindow) + slice_bytes));
  buf->suffixes = static_cast<char *>(std::malloc(std::max<size_t>(buf->ring.size() * slice_bytes, 1)));
  if (!buf->window || !buf->suffixes)
    weir::rt::fatalOutOfMemory();
  return buf->window;
}

void *weir_event_buffer_suffix(WeirEventBuffer *buf, uint64_t i) { return buf->suffix(i); }

} // extern "C"
