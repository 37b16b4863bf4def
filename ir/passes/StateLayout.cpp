// State layout: the packed per-key struct of every Aggregate and the per-row
// struct of every Table's join hash table (see StateLayout in ir/IR.h).
//
//   entry = header (16) | 16-byte slots | 8-byte slots | 1-byte slots | null bitmap
//
// Slots keep declaration order within a size class (keys, then aggregates,
// an avg's count right after its sum); ordering by size leaves no padding.
// Null bits are numbered in declaration order over the slots that can be
// null: nullable keys and table columns, and every accumulator except count,
// count_distinct, stddev/var and the sketches (its bit means "no non-null
// input yet"). entrySize is
// rounded up to 8 so entries stay 8-aligned in the table's entry array.
#include "ir/passes/Passes.h"

#include <algorithm>

namespace weir::ir {
namespace {

constexpr uint32_t HeaderSize = 16; // sizeof(WeirEntryHeader)

uint32_t valueSize(TypeKind k) {
  switch (k) {
  case TypeKind::Bool: return 1;
  case TypeKind::String: return 16; // WeirStr {ptr, len}
  default: return 8;
  }
}

// A slot to place: where to write the result and how to describe it.
struct PendingSlot {
  StateSlot *slot;
  uint32_t size;
  bool nullable;
  std::string name;
  std::string typeName;
  bool outOfLine;
};

void place(StateLayout &layout, std::vector<PendingSlot> pending) {
  int nextBit = 0;
  for (PendingSlot &s : pending) // declaration order
    if (s.nullable)
      s.slot->nullBit = nextBit++;
  std::vector<size_t> order(pending.size()); // largest first, then declaration order
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return pending[a].size != pending[b].size ? pending[a].size > pending[b].size : a < b;
  });
  uint32_t offset = HeaderSize;
  layout.fields.clear();
  layout.outOfLineFields = 0;
  for (size_t i : order) {
    PendingSlot &s = pending[i];
    s.slot->offset = offset;
    s.slot->size = s.size;
    layout.fields.push_back({s.name, s.typeName, offset, s.size, s.slot->nullBit});
    layout.outOfLineFields += s.outOfLine;
    offset += s.size;
  }
  layout.headerSize = HeaderSize;
  layout.nullBitmapOffset = offset;
  layout.nullBitmapBytes = (nextBit + 7) / 8;
  layout.keyNullBitmapOffset = offset;
  layout.entrySize = (offset + layout.nullBitmapBytes + 7) / 8 * 8;
}

PendingSlot valueSlot(StateSlot *slot, Type t, std::string name) {
  return {slot, valueSize(t.kind), t.nullable, std::move(name), typeKindName(t.kind),
          t.kind == TypeKind::String};
}

void layoutAggregate(Node &n) {
  StateLayout &l = n.layout;
  l = StateLayout{};
  l.keySlots.resize(n.keys.size());
  l.aggSlots.resize(n.aggs.size());
  l.aggAuxSlots.resize(n.aggs.size());
  std::vector<PendingSlot> pending;
  for (size_t i = 0; i < n.keys.size(); ++i)
    pending.push_back(valueSlot(&l.keySlots[i], n.keys[i]->type, "key " + n.schema[i].name));
  for (size_t j = 0; j < n.aggs.size(); ++j) {
    const AggCall &a = n.aggs[j];
    std::string name = a.name + ": " + aggFnName(a.fn);
    StateSlot *slot = &l.aggSlots[j];
    switch (a.fn) {
    case AggFn::Count:
      pending.push_back({slot, 8, false, name, "int64", false});
      break;
    case AggFn::CountDistinct:
      // The count; the distinct values themselves live out of line.
      pending.push_back({slot, 8, false, name, "distinct", true});
      break;
    case AggFn::Sum:
      pending.push_back({slot, 8, true, name, typeKindName(a.resultType.kind), false});
      break;
    case AggFn::Avg:
      pending.push_back({slot, 8, true, name + ".sum", "float64", false});
      pending.push_back({&l.aggAuxSlots[j], 8, false, name + ".count", "int64", false});
      break;
    case AggFn::Min:
    case AggFn::Max:
    case AggFn::First:
    case AggFn::Last: {
      PendingSlot s = valueSlot(slot, a.arg->type, name);
      s.nullable = true; // unset until the first non-null input
      pending.push_back(std::move(s));
      break;
    }
    case AggFn::StdDev:
    case AggFn::Var:
      // Welford's running mean and M2 side by side in one 16-byte slot, the
      // count of non-null values in the aux slot (codegen/SketchAggregates.cpp).
      pending.push_back({slot, 16, false, name + ".mean_m2", "float64 x2", false});
      pending.push_back({&l.aggAuxSlots[j], 8, false, name + ".count", "int64", false});
      break;
    case AggFn::ApproxCountDistinct:
    case AggFn::ApproxPercentile:
      // The sketch's pointer (NULL until the first value); the sketch lives
      // out of line, owned by the entry.
      pending.push_back({slot, 8, false, name, a.fn == AggFn::ApproxCountDistinct ? "hll" : "ddsketch", true});
      break;
    }
  }
  place(l, std::move(pending));
}

void layoutTable(Node &n) {
  StateLayout &l = n.layout;
  l = StateLayout{};
  l.keySlots.resize(n.schema.size());
  std::vector<PendingSlot> pending;
  for (int f : n.usedFields)
    pending.push_back(valueSlot(&l.keySlots[f], n.schema[f].type, n.schema[f].name));
  place(l, std::move(pending));
}

} // namespace

llvm::Error runStateLayout(Program &p) {
  for (auto &n : p.nodes) {
    if (n->kind == NodeKind::Aggregate)
      layoutAggregate(*n);
    else if (n->kind == NodeKind::Table)
      layoutTable(*n);
  }
  return llvm::Error::success();
}

} // namespace weir::ir
