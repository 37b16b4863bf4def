#include "codegen/StateDescription.h"

#include "weir/runtime.h"

namespace weir::codegen {

std::vector<SlotDescription> describeKeySlots(const ir::Node &aggregate) {
  std::vector<SlotDescription> out;
  const ir::StateLayout &l = aggregate.layout;
  // Windowed states drop keys as their windows close, so their key strings
  // are owned by the entry rather than kept in the table's arena.
  bool owned = aggregate.window.kind != ir::WindowKind::None || aggregate.ttlMs > 0;
  for (size_t k = 0; k < aggregate.keys.size(); ++k) {
    bool isString = aggregate.keys[k]->type.kind == TypeKind::String;
    out.push_back({l.keySlots[k].offset, uint8_t(owned && isString ? WEIR_SLOT_OWNED_STR : WEIR_SLOT_VALUE),
                   (uint8_t)aggregate.keys[k]->type.kind, (int16_t)l.keySlots[k].nullBit});
  }
  return out;
}

namespace {
// The kind of out-of-line memory accumulator `i` owns, or -1.
int ownedKind(const ir::Node &aggregate, size_t i) {
  const ir::AggCall &a = aggregate.aggs[i];
  switch (a.fn) {
  case AggFn::Min: case AggFn::Max: case AggFn::First: case AggFn::Last:
    return a.arg->type.kind == TypeKind::String ? WEIR_SLOT_OWNED_STR : -1;
  case AggFn::CountDistinct:
    // Unwindowed without ttl: the table's pair sets (runtime-owned, not a
    // slot); windows and ttl keep a value set per slice.
    return aggregate.window.kind == ir::WindowKind::None && aggregate.ttlMs == 0 ? -1 : WEIR_SLOT_DISTINCT_SET;
  case AggFn::ApproxCountDistinct: return WEIR_SLOT_HLL;
  case AggFn::ApproxPercentile: return WEIR_SLOT_QUANTILES;
  default: return -1;
  }
}
} // namespace

std::vector<SlotDescription> describeOwnedSlots(const ir::Node &aggregate) {
  std::vector<SlotDescription> out;
  const ir::StateLayout &l = aggregate.layout;
  if (aggregate.window.kind == ir::WindowKind::Rolling) {
    out.push_back({l.rowBufferOffset, WEIR_SLOT_EVENT_BUFFER, 0, -1});
    return out;
  }
  if (l.sliceOverflowOffset)
    out.push_back({l.sliceOverflowOffset, WEIR_SLOT_SLICE_OVERFLOW, 0, -1});
  for (uint32_t s = 0; s < l.ringSlices; ++s)
    for (size_t i = 0; i < aggregate.aggs.size(); ++i)
      if (int kind = ownedKind(aggregate, i); kind >= 0)
        out.push_back({l.sliceOffset + s * l.sliceSize + l.aggSlots[i].offset, (uint8_t)kind,
                       (uint8_t)aggregate.aggs[i].arg->type.kind, -1});
  return out;
}

std::string layoutFingerprint(const ir::Node &aggregate) {
  const ir::StateLayout &l = aggregate.layout;
  const ir::WindowSpec &w = aggregate.window;
  // v2: a single key's hash is the key's own hash (HashProbe.cpp); the stored
  // hashes of a v1 state would not be found.
  std::string f = "v2 entry=" + std::to_string(l.entrySize);
  if (w.kind != ir::WindowKind::None)
    f += " window=" + std::to_string((int)w.kind) + ":" + std::to_string(w.sizeMs) + ":" +
         std::to_string(w.slideMs) + ":" + std::to_string(w.gapMs) + ":" +
         std::to_string(aggregate.watermarkDelayMs) + " ring=" + std::to_string(l.ringSlices) + "x" +
         std::to_string(l.sliceSize) + "@" + std::to_string(l.sliceOffset) +
         (l.sliceOverflowOffset ? " overflow@" + std::to_string(l.sliceOverflowOffset) : "");
  if (aggregate.ttlMs)
    f += " ttl=" + std::to_string(aggregate.ttlMs);
  f += " keys=";
  for (size_t k = 0; k < aggregate.keys.size(); ++k)
    f += std::string(typeKindName(aggregate.keys[k]->type.kind)) +
         (aggregate.keys[k]->type.nullable ? "?" : "") + "@" + std::to_string(l.keySlots[k].offset) + ",";
  f += " aggs=";
  for (size_t i = 0; i < aggregate.aggs.size(); ++i) {
    const ir::AggCall &a = aggregate.aggs[i];
    f += std::string(aggFnName(a.fn)) + "(" + (a.arg ? typeKindName(a.arg->type.kind) : "") + ")@" +
         std::to_string(l.aggSlots[i].offset) + "/" + std::to_string(l.aggAuxSlots[i].offset) + ",";
  }
  return f;
}

} // namespace weir::codegen
