// Rows copied out of a buffer that their producer reuses (a decoder's, a
// pipeline's output row): values side by side, string bytes in one arena.
// While the block fills, a string's value holds its offset in the arena
// (which may move as it grows); the reader turns offsets back into pointers.
// DecodeAhead's batches and BackgroundFormatter's blocks.
#pragma once

#include "weir/runtime.h"

#include <cstdint>
#include <string>
#include <vector>

namespace weir::rt {

struct RowBlock {
  std::vector<WeirValue> values; // rows x width
  std::string strings;
  uint32_t rows = 0;

  RowBlock(uint32_t capacityRows, uint32_t width) : values(static_cast<size_t>(capacityRows) * width) {}
  WeirValue *row(uint32_t r, uint32_t width) { return values.data() + static_cast<size_t>(r) * width; }

  // Copies the bytes of `row`'s strings (the fields listed, when not null)
  // into the arena and leaves their offsets in their places.
  void ownStrings(WeirValue *row, const std::vector<uint32_t> &stringFields) {
    for (uint32_t f : stringFields) {
      WeirValue &v = row[f];
      if (v.is_null)
        continue;
      size_t offset = strings.size();
      strings.append(v.v.str, v.len);
      v.v.i64 = static_cast<int64_t>(offset);
    }
  }
  // The reverse, on a row copied out of the block (or in it): pointers into
  // the arena, valid while the block is neither refilled nor freed.
  void pointStrings(WeirValue *row, const std::vector<uint32_t> &stringFields) const {
    for (uint32_t f : stringFields)
      if (!row[f].is_null)
        row[f].v.str = strings.data() + row[f].v.i64;
  }
};

} // namespace weir::rt
