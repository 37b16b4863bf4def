// State layouts (filled by the StateLayout pass): slots sized for their
// types, aligned, not overlapping, null bits distinct and inside the bitmap,
// and the window ring inside the entry.
#include "ir/VerifierChecks.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace weir::ir::verifier {
namespace {

uint32_t expectedSlotSize(Type t) {
  switch (t.kind) {
  case TypeKind::Bool: return 1;
  case TypeKind::String: return 16;
  default: return 8;
  }
}

} // namespace

// Slots laid out from `begin` up to a null bitmap at `bitmapOffset` of
// `bitmapBytes` bytes: no overlaps, aligned, distinct null bits inside it.
// Offsets are relative to the region's base (an entry or a window slice).
void Verifier::checkRegion(const Node &n, std::vector<Placed> slots, uint32_t begin,
                           uint32_t bitmapOffset, uint32_t bitmapBytes,
                           const std::string &region) {
  std::sort(slots.begin(), slots.end(),
            [](const Placed &a, const Placed &b) { return a.slot.offset < b.slot.offset; });
  uint32_t end = begin;
  std::set<int> bits;
  for (const Placed &s : slots) {
    if (s.slot.offset < end)
      fail(n, s.what + " at " + std::to_string(s.slot.offset) + " overlaps what ends at " +
                  std::to_string(end) + region);
    if (s.slot.offset % std::min<uint32_t>(s.slot.size, 8))
      fail(n, s.what + " at " + std::to_string(s.slot.offset) + " is misaligned" + region);
    end = std::max(end, s.slot.offset + s.slot.size);
    if (s.slot.nullBit >= 0) {
      if (static_cast<uint32_t>(s.slot.nullBit) >= bitmapBytes * 8)
        fail(n, s.what + "'s null bit " + std::to_string(s.slot.nullBit) +
                    " is outside the bitmap" + region);
      if (!bits.insert(s.slot.nullBit).second)
        fail(n, s.what + " shares null bit " + std::to_string(s.slot.nullBit) + region);
    }
  }
  if (end > bitmapOffset)
    fail(n, "slots run past the null bitmap at " + std::to_string(bitmapOffset) + region);
}

void Verifier::checkLayout(const Node &n) {
  const StateLayout &l = n.layout;
  if (l.entrySize == 0)
    return;
  if (n.kind != NodeKind::Aggregate && n.kind != NodeKind::Table) {
    fail(n, "only aggregates and tables have state");
    return;
  }
  if (l.entrySize % 8 || l.headerSize != 16)
    fail(n, "entry size " + std::to_string(l.entrySize) + " / header " +
                std::to_string(l.headerSize) + " (want a multiple of 8 / 16)");

  std::vector<Placed> keys, accumulators;
  auto add = [&](std::vector<Placed> &to, const StateSlot &s, Type t, bool typed,
                 const std::string &what) {
    if (s.size == 0)
      return;
    if (typed && s.size != expectedSlotSize(t))
      fail(n, what + " has size " + std::to_string(s.size) + " for " + typeName(t));
    to.push_back({s, what});
  };
  if (n.kind == NodeKind::Table) {
    if (l.keySlots.size() != n.schema.size()) {
      fail(n, "a table's layout has one slot per column");
      return;
    }
    for (size_t i = 0; i < n.schema.size(); ++i)
      add(keys, l.keySlots[i], n.schema[i].type, true, "column " + n.schema[i].name);
    for (int f : n.usedFields)
      if (f >= 0 && f < static_cast<int>(l.keySlots.size()) && l.keySlots[f].size == 0)
        fail(n, "used column " + n.schema[f].name + " has no slot");
  } else {
    if (l.keySlots.size() != n.keys.size() || l.aggSlots.size() != n.aggs.size() ||
        l.aggAuxSlots.size() != n.aggs.size()) {
      fail(n, "the layout needs one slot per key and per aggregate");
      return;
    }
    for (size_t i = 0; i < n.keys.size(); ++i) {
      if (l.keySlots[i].size == 0)
        fail(n, "key " + std::to_string(i) + " has no slot");
      add(keys, l.keySlots[i], n.keys[i] ? n.keys[i]->type : Type{}, n.keys[i] != nullptr,
          "key " + std::to_string(i));
    }
    for (size_t j = 0; j < n.aggs.size(); ++j) {
      if (l.aggSlots[j].size == 0)
        fail(n, "aggregate " + n.aggs[j].name + " has no slot");
      add(accumulators, l.aggSlots[j], {}, false, "aggregate " + n.aggs[j].name);
      add(accumulators, l.aggAuxSlots[j], {}, false, "aggregate " + n.aggs[j].name + " (aux)");
    }
  }
  // One region: the entry is header | slots | null bitmap.
  if (l.sliceOffset == 0) {
    if (l.nullBitmapOffset < l.headerSize ||
        l.nullBitmapOffset + l.nullBitmapBytes > l.entrySize)
      fail(n, "the null bitmap lies outside the entry");
    keys.insert(keys.end(), accumulators.begin(), accumulators.end());
    checkRegion(n, std::move(keys), l.headerSize, l.nullBitmapOffset, l.nullBitmapBytes, "");
    return;
  }
  checkSlicedLayout(n, std::move(keys), std::move(accumulators));
}

// A windowed (or ttl) aggregate: header | keys | key bitmap, then a ring of
// `ringSlices` slices (rolling: none stored), each slice
// accumulators | bookkeeping | accumulator bitmap with slice-relative offsets.
void Verifier::checkSlicedLayout(const Node &n, std::vector<Placed> keys,
                                 std::vector<Placed> accumulators) {
  const StateLayout &l = n.layout;
  if (n.kind != NodeKind::Aggregate) {
    fail(n, "only an aggregate's state has window slices");
    return;
  }
  bool rolling = n.window.kind == WindowKind::Rolling;
  if (rolling)
    keys.push_back({{l.rowBufferOffset, 8, -1}, "the rolling window's row buffer"});
  if (l.sliceOverflowOffset) {
    if (n.window.kind != WindowKind::Tumbling && n.window.kind != WindowKind::Hopping &&
        n.window.kind != WindowKind::Session)
      fail(n, "only tumbling, hopping and session windows keep slices out of line");
    keys.push_back({{l.sliceOverflowOffset, 8, -1}, "the window's out-of-line slices"});
  }
  if (l.keyNullBitmapOffset < l.headerSize || l.keyNullBitmapOffset > l.sliceOffset)
    fail(n, "the key null bitmap at " + std::to_string(l.keyNullBitmapOffset) +
                " lies outside the keys' part of the entry");
  else
    checkRegion(n, std::move(keys), l.headerSize, l.keyNullBitmapOffset,
                l.sliceOffset - l.keyNullBitmapOffset, " (keys)");
  if (l.sliceSize == 0 || l.sliceSize % 8 || l.ringSlices == 0) {
    fail(n, "slices of " + std::to_string(l.sliceSize) + " bytes x " +
                std::to_string(l.ringSlices) + " (want a positive multiple of 8, at least one)");
    return;
  }
  if (l.nullBitmapOffset + l.nullBitmapBytes > l.sliceSize)
    fail(n, "the accumulators' null bitmap lies outside the slice");
  checkRegion(n, std::move(accumulators), 0, l.nullBitmapOffset, l.nullBitmapBytes, " (slice)");
  uint64_t stored = rolling ? 0 : uint64_t(l.ringSlices) * l.sliceSize;
  if (l.sliceOffset % 8 || l.sliceOffset + stored > l.entrySize)
    fail(n, "the ring of slices at " + std::to_string(l.sliceOffset) + " (" +
                std::to_string(stored) + " bytes) does not fit the entry of " +
                std::to_string(l.entrySize) + " bytes");
}

} // namespace weir::ir::verifier
