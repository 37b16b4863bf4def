// The accumulators of a keyed aggregation: initializing a new key's struct,
// folding a row into it, producing the output values, combining two partial
// structs (thread-local partials) and freeing what an entry owns.
#pragma once

#include "codegen/ExprCodegen.h"
#include "codegen/StateAccess.h"

namespace weir::codegen {

class AggregateCodegen {
public:
  AggregateCodegen(FunctionContext &fc, const ir::Node &aggregate);

  // Stores the keys into a freshly inserted entry and marks every
  // accumulator "no value yet". String keys are copied into the table.
  void initEntry(llvm::Value *table, llvm::Value *entry, llvm::ArrayRef<CgValue> keys);
  // Null-aware equality of the entry's keys and `keys`.
  llvm::Value *keysEqual(llvm::Value *entry, llvm::ArrayRef<CgValue> keys);
  llvm::SmallVector<CgValue, 4> loadKeys(llvm::Value *entry);
  // The key values of an input row: the key expressions, coerced to the key
  // columns' types.
  std::vector<CgValue> rowKeys(llvm::ArrayRef<CgValue> row);
  // The entry of `keys` (whose hash is `hash`) in `table`, and its index;
  // inserted when absent, then initEntry'd and passed to `initNew`. With
  // `faultInSpilled`, a miss first brings the key's entry back from the spill
  // (--state-memory) and probes again. A row's update and the merge of
  // thread partials both find their entry here (AggregateKeyEntry.cpp).
  struct KeyEntry {
    llvm::Value *entry, *index;
  };
  KeyEntry findOrInsert(llvm::Value *table, llvm::Value *hash, llvm::ArrayRef<CgValue> keys,
                        bool faultInSpilled, const std::function<void(llvm::Value *entry)> &initNew = {});
  // Windowed aggregates: empties a slice (zeroes it, marks every accumulator
  // unset); the caller sets its id.
  void initSlice(llvm::Value *slice);
  // The final aggregate values of a slice (unwindowed: of the entry).
  std::vector<CgValue> aggregateValues(llvm::Value *slice);
  // Frees what one slice owns and leaves it to be re-initialized.
  void destroySlice(llvm::Value *slice);
  // Windowed aggregates: the event time of the rows update() folds next
  // (first/last follow event time, not arrival).
  void setEventTime(llvm::Value *ts) { eventTime_ = ts; }
  // Folds one input row into the entry, which is entry `entryIndex` of `table`.
  void update(llvm::Value *table, llvm::Value *entry, llvm::Value *entryIndex,
              llvm::ArrayRef<CgValue> row);
  // keys ++ final aggregate values: the node's output row.
  std::vector<CgValue> outputRow(llvm::Value *entry);
  // Folds the accumulators of entry `src` into `dst` (same keys); the
  // runtime merges count_distinct's pair sets afterwards.
  void combine(llvm::Value *dst, llvm::Value *src);
  // The ordinal of aggregate i among the count_distinct ones, or -1.
  static int distinctOrdinal(const ir::Node &aggregate, size_t i);
  static size_t distinctCount(const ir::Node &aggregate);
  // Frees the out-of-line memory the entry owns (every slice's).
  void destroy(llvm::Value *entry);
  // Whether an entry owns out-of-line memory (distinct sets, owned strings).
  static bool needsDestroy(const ir::Node &aggregate);
  // Whether a slice owns out-of-line memory (windowed distinct sets,
  // sketches, string min/max/first/last): it cannot be copied bytewise.
  static bool slicesOwnMemory(const ir::Node &aggregate);

private:
  void initAccumulators(llvm::Value *slice);
  void destroyOwnedKeys(llvm::Value *entry);
  bool byEventTime(size_t i) const;
  void foldAt(llvm::Value *entry, size_t i, const CgValue &v, llvm::Value *at);
  CgValue accumulator(llvm::Value *entry, size_t i);
  void foldValue(llvm::Value *entry, size_t i, const CgValue &v);
  void addToCount(llvm::Value *at, llvm::Value *increment);
  // Replaces accumulator i with `v` (strings are copied into owned memory).
  void assign(llvm::Value *entry, size_t i, const CgValue &v);
  llvm::Value *isUnset(llvm::Value *entry, size_t i);
  void markSet(llvm::Value *entry, size_t i);
  // Runs `body` only when `cond` holds.
  void when(llvm::Value *cond, const std::function<void()> &body);
  static Type accumulatorType(const ir::AggCall &agg);

  FunctionContext &fc_;
  const ir::Node &node_;
  ExprCodegen expr_;
  StateAccess state_;    // accumulators: unwindowed, the entry; windowed, a slice
  StateAccess keyState_; // keys, with their own null bitmap when windowed
  bool windowed_;
  llvm::Value *eventTime_ = nullptr;
};

} // namespace weir::codegen
