// Event time and window state in generated code: the aggregate's WeirClock
// (watermark, when to fire next) and the ring of slices (or session slots) in
// each key's entry, laid out by StateLayout (ir/IR.h, "Windowed aggregates").
#pragma once

#include "codegen/FunctionContext.h"
#include "ir/IR.h"

#include <functional>

namespace weir::codegen {

class WindowCodegen {
public:
  WindowCodegen(FunctionContext &fc, const ir::Node &aggregate, llvm::Value *clock);

  static bool hasEventTimeState(const ir::Node &aggregate) {
    return aggregate.window.kind != ir::WindowKind::None || aggregate.ttlMs > 0;
  }
  const ir::WindowSpec &spec() const { return node_.window; }
  // Tumbling and hopping: the slice width and how many slices make a window.
  int64_t slide() const;
  int64_t slicesPerWindow() const;

  llvm::Value *loadClock(RuntimeABI::ClockField field);
  void storeClock(RuntimeABI::ClockField field, llvm::Value *v);
  // next_fire = min(next_fire, candidate)
  void lowerNextFire(llvm::Value *candidate);

  // Slice `k` of the entry's ring (a constant or a computed ring index).
  llvm::Value *slice(llvm::Value *entry, uint32_t k);
  llvm::Value *slice(llvm::Value *entry, llvm::Value *k);
  // Slice `k` as forEachSlice numbers them: the ring's, then (k >=
  // ringSlices) the out-of-line ones.
  llvm::Value *sliceNumbered(llvm::Value *entry, llvm::Value *k);
  llvm::Value *sliceId(llvm::Value *slice);
  void setSliceId(llvm::Value *slice, llvm::Value *id);
  llvm::Value *sliceEnd(llvm::Value *slice);
  void setSliceEnd(llvm::Value *slice, llvm::Value *v);
  llvm::Value *emptyId() const; // INT64_MIN: a slice holding nothing
  // Rolling: the address of the entry's WeirEventBuffer pointer.
  llvm::Value *eventBufferSlot(llvm::Value *entry);
  // Tumbling, hopping with out-of-line slices: the address of the entry's
  // WeirSliceOverflow pointer.
  llvm::Value *overflowSlot(llvm::Value *entry);
  // Tumbling, hopping: where slice `id` of the key goes (it, or a slot to
  // start it in: the caller starts afresh a slice whose id is not `id`).
  llvm::Value *sliceFor(llvm::Value *entry, llvm::Value *id);
  // Sessions with out-of-line slots: an empty slot (id emptyId), the ring's
  // first, else an out-of-line one (the overflow grows when it has none).
  llvm::Value *freeSessionSlot(llvm::Value *entry);

  // floor(ts / unit), for negative times too.
  llvm::Value *floorDiv(llvm::Value *ts, int64_t unit);
  // id mod ringSlices, in [0, ringSlices).
  llvm::Value *ringIndex(llvm::Value *id);

  // Runs `body(k, slice)` for every slice of the entry's ring, as a loop,
  // then for its out-of-line slices (k from ringSlices on).
  void forEachSlice(llvm::Value *entry,
                    const std::function<void(llvm::Value *k, llvm::Value *slice)> &body);
  // Runs `body` only when `cond` holds; continues after it either way.
  void when(llvm::Value *cond, const std::function<void()> &body);

  llvm::Value *min(llvm::Value *a, llvm::Value *b);
  llvm::Value *max(llvm::Value *a, llvm::Value *b);
  llvm::Value *i64(int64_t v);

private:
  FunctionContext &fc_;
  const ir::Node &node_;
  llvm::Value *clock_;
};

} // namespace weir::codegen
