// A rolling window's per-key rows. Each row is one allocation (its values and
// the bytes of its strings), so evicting a row frees exactly it; rows sit in a
// deque ordered by event time, appended at the back in the common in-order
// case and inserted by binary search otherwise.
#include "runtime/src/EventBuffer.h"

#include "runtime/src/Status.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <vector>

struct WeirEventBuffer {
  struct Row {
    int64_t ts;
    uint32_t ncols;
    WeirValue *values; // points into the same allocation, after this header
  };
  std::deque<Row *> rows;
  uint64_t emitted = 0;
};

namespace {

using Row = WeirEventBuffer::Row;

Row *copyRow(int64_t ts, const WeirValue *values, uint32_t ncols) {
  size_t bytes = sizeof(Row) + ncols * sizeof(WeirValue);
  for (uint32_t c = 0; c < ncols; ++c)
    if (values[c].v.str && !values[c].is_null && values[c].len)
      bytes += values[c].len;
  auto *row = static_cast<Row *>(std::malloc(bytes));
  if (!row)
    weir::rt::fatalOutOfMemory();
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

namespace weir::rt {

std::string serializeEventBuffer(const WeirEventBuffer *buf) {
  std::string out;
  if (!buf)
    return out;
  auto put = [&](const void *p, size_t n) { out.append(static_cast<const char *>(p), n); };
  uint64_t n = buf->rows.size();
  put(&n, 8);
  put(&buf->emitted, 8);
  for (const Row *row : buf->rows) {
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
      buf->rows.push_back(newRow(ts, values.data(), ncols));
  }
  if (!ok || buf->emitted > buf->rows.size()) {
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
    *buf = new WeirEventBuffer;
  auto &rows = (*buf)->rows;
  Row *copy = newRow(ts, row, ncols);
  if (rows.empty() || rows.back()->ts <= ts) {
    rows.push_back(copy);
    return rows.size() - 1;
  }
  auto at = std::upper_bound(rows.begin(), rows.end(), ts,
                             [](int64_t t, const Row *r) { return t < r->ts; });
  uint64_t index = static_cast<uint64_t>(at - rows.begin());
  rows.insert(at, copy);
  // A row that arrives before already-emitted ones (it was not late, so it
  // is after the watermark, and so are they) joins the emitted prefix' end
  // only if it sorts inside it; keep `emitted` counting the same rows.
  if (index < (*buf)->emitted)
    ++(*buf)->emitted;
  return index;
}

uint64_t weir_event_buffer_size(const WeirEventBuffer *buf) { return buf ? buf->rows.size() : 0; }
int64_t weir_event_buffer_ts(const WeirEventBuffer *buf, uint64_t i) { return buf->rows[i]->ts; }
const WeirValue *weir_event_buffer_row(const WeirEventBuffer *buf, uint64_t i) {
  return buf->rows[i]->values;
}

uint64_t weir_event_buffer_lower(const WeirEventBuffer *buf, int64_t ts) {
  if (!buf)
    return 0;
  auto at = std::lower_bound(buf->rows.begin(), buf->rows.end(), ts,
                             [](const Row *r, int64_t t) { return r->ts < t; });
  return static_cast<uint64_t>(at - buf->rows.begin());
}

uint64_t weir_event_buffer_upper(const WeirEventBuffer *buf, int64_t ts) {
  if (!buf)
    return 0;
  auto at = std::upper_bound(buf->rows.begin(), buf->rows.end(), ts,
                             [](int64_t t, const Row *r) { return t < r->ts; });
  return static_cast<uint64_t>(at - buf->rows.begin());
}

uint64_t weir_event_buffer_emitted(const WeirEventBuffer *buf) { return buf ? buf->emitted : 0; }
void weir_event_buffer_set_emitted(WeirEventBuffer *buf, uint64_t n) {
  if (buf)
    buf->emitted = n;
}

void weir_event_buffer_evict(WeirEventBuffer *buf, int64_t before) {
  if (!buf)
    return;
  while (buf->emitted > 0 && !buf->rows.empty() && buf->rows.front()->ts < before) {
    std::free(buf->rows.front());
    buf->rows.pop_front();
    --buf->emitted;
  }
}

void weir_event_buffer_free(WeirEventBuffer **buf) {
  if (!*buf)
    return;
  for (Row *row : (*buf)->rows)
    std::free(row);
  delete *buf;
  *buf = nullptr;
}

} // extern "C"
