// What a windowed (or ttl) aggregate's translators share: the fire function
// that emits the windows a watermark completed (WindowFire.cpp builds it and
// a FireContext; SliceFire.cpp, SessionFire.cpp and RollingFire.cpp fill in
// one window family each), the clock the scan advances, and the window rows
// handed down the aggregate's emit stage.
#pragma once

#include "codegen/AggregateCodegen.h"
#include "codegen/StageCodegen.h"
#include "codegen/WindowCodegen.h"

#include <functional>
#include <map>

namespace weir::codegen {

class WindowFire {
public:
  explicit WindowFire(StageCodegen &driver) : driver_(driver), abi_(driver.abi()) {}

  // `i32 fire.<state>(ptr task, i64 watermark, i8 resetScratch)`: emits what
  // the watermark completed (under emit final), drops expired state,
  // compacts the table and sets the clock's next_fire. Made on first use.
  llvm::Function *fireFunction(const ir::Node &aggregate);
  // The source's clock: max event time, watermark, firing what it completed.
  void advanceEventTime(FunctionContext &fc, const ir::Node &aggregate, llvm::Value *ts);
  // Hands the row of one window (keys ++ window_start, window_end ++ values,
  // or keys ++ values for ttl) of the key of `entry` down the emit stage.
  void emitWindow(FunctionContext &fc, const ir::Node &aggregate, llvm::Value *entry, llvm::Value *windowStart,
                  llvm::Value *windowEnd, const Row &values, llvm::BasicBlock *next);
  // Hands an already built row (rolling: the input row ++ values) down the emit stage.
  void emitWindowRow(FunctionContext &fc, const ir::Node &aggregate, const Row &row, llvm::BasicBlock *next);
  // Rolling: the aggregates over the buffered rows [lo, hi) of one key,
  // in the temporary slice `temp` (destroySlice it after use). Ranges that
  // only move forward cost O(1) amortized (RollingSlide.cpp); slices that
  // own memory are refolded, O(hi - lo). `watermark` (emit updates: the row
  // just added is the range's last) lets out-of-order rows be answered
  // without a refold too (RollingUpdates.cpp).
  Row rollingValues(FunctionContext &fc, const ir::Node &aggregate, llvm::Value *temp, llvm::Value *buffer,
                    llvm::Value *lo, llvm::Value *hi, llvm::Value *watermark = nullptr);

  RuntimeABI &abi() const { return abi_; }
  const ir::Node &node(int id) const { return driver_.node(id); }

private:
  // rollingValues by the key's sliding accumulator (RollingSlide.cpp).
  Row slidingValues(FunctionContext &fc, const ir::Node &aggregate, llvm::Value *temp, llvm::Value *buffer,
                    llvm::Value *lo, llvm::Value *hi);
  // The same for emit updates, with prefix slices (RollingUpdates.cpp).
  Row slidingUpdateValues(FunctionContext &fc, const ir::Node &aggregate, llvm::Value *temp,
                          llvm::Value *buffer, llvm::Value *lo, llvm::Value *hi, llvm::Value *watermark);
  const ir::Stage &emitStageOf(const ir::Node &aggregate) const;

  StageCodegen &driver_;
  RuntimeABI &abi_;
  std::map<int, llvm::Function *> fireFunctions_; // aggregate id -> fire function
};

// One fire function's body while it is generated: what every window family
// needs, so each family's code is a method here (the members carry the
// short names the bodies use).
class FireContext {
public:
  // Sets up the fire function `fc` builds: its arguments, a temporary
  // accumulator and the next_fire it computes.
  FireContext(WindowFire &windows, FunctionContext &fc, const ir::Node &aggregate, WindowCodegen &w,
              AggregateCodegen &agg, llvm::Value *table);

  // The body per window family, then the clock's next_fire and fired_upto.
  void fire();

private:
  void fireSlices();   // tumbling and hopping (SliceFire.cpp)
  void fireSessions(); // sessions and ttl (SessionFire.cpp)
  void fireRolling();  // rolling (RollingFire.cpp)

  // After an emitted row: computed strings go, unless the caller's own row
  // (a scan's record) still needs them.
  void afterRow();
  // Frees what a slice owns and marks it empty.
  void emptySlice(llvm::Value *slice);
  // The entry's key has nothing left: lookups no longer find it (a new row
  // for the key starts a new entry) and a later compaction removes it.
  void markDead(llvm::Value *index);
  // Runs `body(entry, index, next)` for each key the timers made due, in
  // entry order. With `rearm`, each key's rearmAt() times are collected and
  // the earliest becomes its new timer after the body.
  void forEachDueEntry(const std::function<void(llvm::Value *entry, llvm::Value *index, llvm::BasicBlock *next)> &body,
                       bool rearm);
  // The loop both of the above use: for i in [0, count), the entry at
  // indexOf(i) (blocks named `name`.*), body(i, entry, index, next) ending
  // with a branch to `next`.
  void forEachEntryOf(llvm::Value *count, const std::function<llvm::Value *(llvm::Value *i)> &indexOf,
                      const char *name,
                      const std::function<void(llvm::Value *i, llvm::Value *entry, llvm::Value *index,
                                               llvm::BasicBlock *next)> &body);
  // The current due key fires again no later than `time` (in a rearm loop).
  void rearmAt(llvm::Value *time);
  // Emits a firing's results in window-end order: `collect` adds (end,
  // entry index, item) to fireList for each entry; `emit` emits one item.
  void emitInEndOrder(const std::function<void(llvm::Value *entry, llvm::Value *index)> &collect,
                      const std::function<void(llvm::Value *entry, llvm::Value *item, llvm::BasicBlock *next)> &emit);
  // Hands one window's row of `entry`'s key down the emit stage.
  void emitWindow(llvm::Value *entry, llvm::Value *windowStart, llvm::Value *windowEnd, const Row &values,
                  llvm::BasicBlock *next) {
    windows.emitWindow(fc, aggregate, entry, windowStart, windowEnd, values, next);
  }

  WindowFire &windows;
  FunctionContext &fc;
  llvm::IRBuilder<> &b;
  RuntimeABI &abi;
  const ir::Node &aggregate;
  const ir::WindowSpec &spec;
  WindowCodegen &w;
  AggregateCodegen &agg;
  llvm::Type *i64;
  uint32_t entrySize;
  bool final;                // emit final (else updates: only drop state)
  bool destroys;             // slices own out-of-line memory
  llvm::Value *table;        // the state's WeirHashTable*
  llvm::Value *watermark;    // i64: what to fire up to
  llvm::Value *resetScratch; // i1: reset the scratch arena after each row
  llvm::Value *temp;         // a slice-sized temporary accumulator
  llvm::Value *dueCount;     // i64: keys whose timers the watermark reached
  llvm::Value *dueIndices;   // const uint64_t *: their entry indices, ascending
  llvm::Value *keyNext;      // i64 slot: the current key's next timer (rearm loops)
  llvm::Value *allEmpty;     // i1 slot: the current key has nothing left
  llvm::Value *fireList = nullptr; // the WeirFireList being filled (emitInEndOrder)
};

} // namespace weir::codegen
