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

// The layout is the default a StateLayout starts with (sizeof(WeirEntryHeader),
// checked against runtime.h in codegen/RuntimeABI.cpp).
constexpr uint32_t HeaderSize = StateLayout{}.headerSize;

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

// Where a group of slots went: they start at `base`, their null bitmap follows
// them, and the group ends (8-aligned) at `end`.
struct Region {
  uint32_t bitmapOffset = 0;
  uint32_t bitmapBytes = 0;
  uint32_t end = 0;
};

Region placeRegion(std::vector<PendingSlot> &pending, uint32_t base, std::vector<StateField> &fields,
                   uint32_t &outOfLine) {
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
  uint32_t offset = base;
  for (size_t i : order) {
    PendingSlot &s = pending[i];
    s.slot->offset = offset;
    s.slot->size = s.size;
    fields.push_back({s.name, s.typeName, offset, s.size, s.slot->nullBit});
    outOfLine += s.outOfLine;
    offset += s.size;
  }
  Region r;
  r.bitmapOffset = offset;
  r.bitmapBytes = (nextBit + 7) / 8;
  r.end = (offset + r.bitmapBytes + 7) / 8 * 8;
  return r;
}

void place(StateLayout &layout, std::vector<PendingSlot> pending) {
  layout.fields.clear();
  layout.outOfLineFields = 0;
  Region r = placeRegion(pending, HeaderSize, layout.fields, layout.outOfLineFields);
  layout.headerSize = HeaderSize;
  layout.nullBitmapOffset = r.bitmapOffset;
  layout.nullBitmapBytes = r.bitmapBytes;
  layout.keyNullBitmapOffset = r.bitmapOffset;
  layout.entrySize = r.end;
  layout.sliceOffset = 0;
  layout.sliceSize = r.end;
  layout.ringSlices = 1;
}

PendingSlot valueSlot(StateSlot *slot, Type t, std::string name) {
  return {slot, valueSize(t.kind), t.nullable, std::move(name), typeKindName(t.kind),
          t.kind == TypeKind::String};
}

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// How many slices (or session slots) a key can have open at once. A row is
// folded only after the windows the watermark W completed have fired, so:
// - a live slice m (width s, n per window) still has an open window,
//   m >= floor(W / s) + 1 - n, and holds rows <= W + delay, m <= floor((W +
//   delay) / s): at most n + ceil(delay / s) of them;
// - an open session's last row is in (W - gap, W + delay] and sessions lie
//   >= gap apart: at most 1 + ceil(delay / gap), plus the one a row starts.
uint64_t ringSize(const Node &n) {
  const WindowSpec &w = n.window;
  int64_t delay = n.watermarkDelayMs;
  switch (w.kind) {
  case WindowKind::Tumbling:
  case WindowKind::Hopping: {
    int64_t slide = w.kind == WindowKind::Hopping ? w.slideMs : w.sizeMs;
    return static_cast<uint64_t>(w.sizeMs / slide + ceilDiv(delay, slide));
  }
  case WindowKind::Session:
    return static_cast<uint64_t>(ceilDiv(delay, w.gapMs) + 2);
  default: // ttl: the key's one running aggregate; rolling: a temporary
    return 1;
  }
}

// entry = header | keys | key bitmap | ring of slices, each slice =
// accumulators | slice id (| session end) | accumulator bitmap.
// Keys' entries live in one array: past this, the window needs another layout.
constexpr uint64_t kMaxEntrySize = 1 << 20;

// When the watermark delay alone would keep more than this many slices (or
// sessions) open, the ring holds a window's slices and this many more (a
// session window: two sessions and this many more), and a key's other live
// slices go out of line (WeirSliceOverflow): `tumbling(1s)` or
// `session(gap = 1s)` with `watermark 1h` costs the slices that hold data,
// not 3,601 per key. Only for slices without out-of-line parts (which a
// checkpoint or a free would have to find in the overflow too).
constexpr int64_t kInlineDelaySlices = 2;

bool overflowsRing(const Node &n, bool slicesOwnMemory) {
  const WindowSpec &w = n.window;
  if (slicesOwnMemory)
    return false;
  int64_t unit;
  switch (w.kind) {
  case WindowKind::Tumbling: unit = w.sizeMs; break;
  case WindowKind::Hopping: unit = w.slideMs; break;
  case WindowKind::Session: unit = w.gapMs; break;
  default: return false;
  }
  return ceilDiv(n.watermarkDelayMs, unit) > 4 * kInlineDelaySlices;
}

// The ring of a window whose other slices go out of line.
uint64_t inlineRingSize(const WindowSpec &w) {
  if (w.kind == WindowKind::Session)
    return 2 + kInlineDelaySlices;
  const int64_t slide = w.kind == WindowKind::Hopping ? w.slideMs : w.sizeMs;
  return static_cast<uint64_t>(w.sizeMs / slide + kInlineDelaySlices);
}

llvm::Error layoutWindowed(Node &n, std::vector<PendingSlot> keys, std::vector<PendingSlot> accumulators) {
  StateLayout &l = n.layout;
  const WindowSpec &w = n.window;
  l.fields.clear();
  l.outOfLineFields = 0;
  StateSlot bufferSlot, overflowSlot;
  if (w.kind == WindowKind::Rolling)
    keys.push_back({&bufferSlot, 8, false, "rows", "event buffer", true});
  bool slicesOwnMemory = std::any_of(accumulators.begin(), accumulators.end(),
                                     [](const PendingSlot &s) { return s.outOfLine; });
  bool overflow = overflowsRing(n, slicesOwnMemory);
  if (overflow)
    keys.push_back({&overflowSlot, 8, false, "slices", "slice overflow", true});
  Region keyRegion = placeRegion(keys, HeaderSize, l.fields, l.outOfLineFields);
  l.headerSize = HeaderSize;
  l.keyNullBitmapOffset = keyRegion.bitmapOffset;
  l.rowBufferOffset = bufferSlot.offset;
  l.sliceOverflowOffset = overflow ? overflowSlot.offset : 0;

  StateSlot idSlot, endSlot;
  bool session = w.kind == WindowKind::Session;
  if (w.kind == WindowKind::Tumbling || w.kind == WindowKind::Hopping)
    accumulators.push_back({&idSlot, 8, false, "slice id", "int64", false});
  else if (session || n.ttlMs > 0) {
    accumulators.push_back({&idSlot, 8, false, session ? "session start" : "unused", "timestamp", false});
    accumulators.push_back({&endSlot, 8, false, session ? "session last event" : "last event", "timestamp", false});
  }
  std::vector<StateField> sliceFields;
  uint32_t sliceOutOfLine = 0;
  Region slice = placeRegion(accumulators, 0, sliceFields, sliceOutOfLine);
  l.nullBitmapOffset = slice.bitmapOffset;
  l.nullBitmapBytes = slice.bitmapBytes;
  l.sliceIdOffset = idSlot.offset;
  l.sliceEndOffset = endSlot.offset;
  l.sliceSize = slice.end;
  uint64_t ring = ringSize(n);
  if (overflow)
    ring = inlineRingSize(w);
  l.sliceOffset = keyRegion.end;
  bool stored = w.kind != WindowKind::Rolling; // rolling's slice is a temporary
  uint64_t entrySize = l.sliceOffset + (stored ? ring * l.sliceSize : 0);
  if (ring > kMaxEntrySize || entrySize > kMaxEntrySize)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "aggregate %%%d: its window and watermark delay (%lld ms) would keep %llu slices of %u bytes per "
        "key; use a shorter watermark delay or a coarser window",
        n.id, (long long)n.watermarkDelayMs, (unsigned long long)ring, l.sliceSize);
  l.ringSlices = static_cast<uint32_t>(ring);
  l.entrySize = static_cast<uint32_t>(entrySize);
  if (stored) {
    // `weir explain` lists the first slice's fields at their entry offsets.
    for (StateField f : sliceFields) {
      f.name = "slice[0] " + f.name;
      f.offset += l.sliceOffset;
      l.fields.push_back(f);
    }
    l.outOfLineFields += sliceOutOfLine * l.ringSlices;
  }
  return llvm::Error::success();
}

llvm::Error layoutAggregate(Node &n, const Schema &input) {
  StateLayout &l = n.layout;
  l = StateLayout{};
  l.keySlots.resize(n.keys.size());
  l.aggSlots.resize(n.aggs.size());
  l.aggAuxSlots.resize(n.aggs.size());
  std::vector<PendingSlot> keys, pending; // pending: the accumulators
  for (size_t i = 0; i < n.keys.size(); ++i) {
    // A rolling window's output starts with its input row, not its keys.
    std::string name = n.schema[i].name;
    if (n.window.kind == WindowKind::Rolling)
      name = n.keys[i]->kind == ExprKind::Column ? input[n.keys[i]->column].name : "#" + std::to_string(i);
    keys.push_back(valueSlot(&l.keySlots[i], n.keys[i]->type, "key " + name));
  }
  bool windowed = n.window.kind != WindowKind::None || n.ttlMs > 0;
  for (size_t j = 0; j < n.aggs.size(); ++j) {
    const AggCall &a = n.aggs[j];
    std::string name = a.name + ": " + aggFnName(a.fn);
    StateSlot *slot = &l.aggSlots[j];
    switch (a.fn) {
    case AggFn::Count:
      pending.push_back({slot, 8, false, name, "int64", false});
      break;
    case AggFn::CountDistinct:
      if (windowed) // a value set per window slice (slices are combined per window)
        pending.push_back({slot, 8, false, name, "distinct set", true});
      else // the count; the distinct values live in the table's pair sets
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
      // Windows follow event time: first/last keep the time of their value.
      if (n.timeColumn >= 0 && (a.fn == AggFn::First || a.fn == AggFn::Last))
        pending.push_back({&l.aggAuxSlots[j], 8, false, name + ".at", "timestamp", false});
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
  if (!windowed) {
    keys.insert(keys.end(), std::make_move_iterator(pending.begin()),
                std::make_move_iterator(pending.end()));
    place(l, std::move(keys));
    return llvm::Error::success();
  }
  return layoutWindowed(n, std::move(keys), std::move(pending));
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
    if (n->kind == NodeKind::Aggregate) {
      if (llvm::Error e = layoutAggregate(*n, p.node(n->input).schema))
        return e;
    } else if (n->kind == NodeKind::Table)
      layoutTable(*n);
  }
  return llvm::Error::success();
}

} // namespace weir::ir
