// Out-of-line slices of tumbling, hopping and session windows (runtime.h,
// WeirSliceOverflow): where a key's live slices go when its ring in the
// entry is full, so a long watermark delay costs memory only for the slices
// that hold data. Slices here own nothing out of line, so their bytes are
// their whole content (checkpoints copy them as they are).
#include "runtime/src/StateSerializer.h"
#include "weir/runtime.h"

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

char *sliceAt(WeirSliceOverflow *o, uint32_t i) {
  return reinterpret_cast<char *>(o + 1) + uint64_t(i) * o->slice_size;
}

int64_t idOf(const char *slice, uint32_t idOffset) {
  int64_t id;
  std::memcpy(&id, slice + idOffset, sizeof id);
  return id;
}

[[noreturn]] void outOfMemory() {
  std::fputs("weir: out of memory (window slices)\n", stderr);
  std::abort();
}

WeirSliceOverflow *allocate(uint32_t capacity, uint32_t sliceSize) {
  auto *o = static_cast<WeirSliceOverflow *>(
      std::calloc(1, sizeof(WeirSliceOverflow) + uint64_t(capacity) * sliceSize));
  if (!o)
    outOfMemory();
  o->capacity = capacity;
  o->slice_size = sliceSize;
  return o;
}

} // namespace

extern "C" {

char *weir_window_slice(char *ring, uint32_t ringSlices, uint32_t sliceSize, uint32_t idOffset,
                        WeirSliceOverflow **overflow, int64_t id, int64_t minLive) {
  WeirSliceOverflow *o = *overflow;
  // The slice itself, wherever it is: a second copy would also be correct
  // (a window combines every slice with its id) but costs memory.
  for (uint32_t k = 0; k < ringSlices; ++k)
    if (idOf(ring + uint64_t(k) * sliceSize, idOffset) == id)
      return ring + uint64_t(k) * sliceSize;
  if (o)
    for (uint32_t k = 0; k < o->count; ++k)
      if (idOf(sliceAt(o, k), idOffset) == id)
        return sliceAt(o, k);
  // A free slot: empty (INT64_MIN) or expired, in the ring first.
  for (uint32_t k = 0; k < ringSlices; ++k)
    if (idOf(ring + uint64_t(k) * sliceSize, idOffset) < minLive)
      return ring + uint64_t(k) * sliceSize;
  if (o)
    for (uint32_t k = 0; k < o->count; ++k)
      if (idOf(sliceAt(o, k), idOffset) < minLive)
        return sliceAt(o, k);
  if (!o || o->count == o->capacity) {
    uint32_t capacity = o ? o->capacity * 2 : 4;
    WeirSliceOverflow *grown = allocate(capacity, sliceSize);
    if (o) {
      grown->count = o->count;
      std::memcpy(sliceAt(grown, 0), sliceAt(o, 0), uint64_t(o->count) * sliceSize);
      std::free(o);
    }
    *overflow = o = grown;
  }
  char *slice = sliceAt(o, o->count++);
  const int64_t empty = INT64_MIN;
  std::memcpy(slice + idOffset, &empty, sizeof empty);
  return slice;
}

void weir_slice_overflow_free(WeirSliceOverflow **overflow) {
  std::free(*overflow);
  *overflow = nullptr;
}

} // extern "C"

namespace weir::rt {

void serializeSliceOverflow(const void *overflow, std::string &out) {
  const auto *o = static_cast<const WeirSliceOverflow *>(overflow);
  if (!o || o->count == 0)
    return;
  out.append(reinterpret_cast<const char *>(&o->slice_size), sizeof o->slice_size);
  out.append(reinterpret_cast<const char *>(o + 1), uint64_t(o->count) * o->slice_size);
}

bool deserializeSliceOverflow(std::string_view bytes, void **out) {
  *out = nullptr;
  if (bytes.empty())
    return true;
  uint32_t sliceSize;
  if (bytes.size() < sizeof sliceSize)
    return false;
  std::memcpy(&sliceSize, bytes.data(), sizeof sliceSize);
  bytes.remove_prefix(sizeof sliceSize);
  if (sliceSize == 0 || sliceSize % 8 || bytes.size() % sliceSize)
    return false;
  uint64_t count = bytes.size() / sliceSize;
  if (count > UINT32_MAX / 2)
    return false;
  WeirSliceOverflow *o = allocate(static_cast<uint32_t>(count), sliceSize);
  o->count = static_cast<uint32_t>(count);
  std::memcpy(o + 1, bytes.data(), bytes.size());
  *out = o;
  return true;
}

} // namespace weir::rt
