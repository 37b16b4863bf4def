// The accumulators of the statistical and approximate aggregates: stddev and
// var (Welford's running count, mean and M2; partials combined with Chan et
// al.'s parallel formula), approx_count_distinct (a HyperLogLog of the value
// hashes) and approx_percentile (a DDSketch). AggregateCodegen delegates
// these four to this class; like it, every method works on an accumulator
// block addressed by `entry` plus the StateLayout's offsets (a key's entry,
// or a window slice laid out the same way).
//
// Slots (ir/passes/StateLayout.cpp): stddev/var keep {mean, M2} as two
// float64s in a 16-byte aggSlot and the count in the aggAuxSlot; the sketches
// keep a pointer in an 8-byte aggSlot, NULL until the first value. A zeroed
// accumulator is an empty one, so new entries need no initialization.
#pragma once

#include "codegen/CgValue.h"
#include "codegen/FunctionContext.h"
#include "codegen/StateAccess.h"
#include "ir/IR.h"

namespace weir::codegen {

class SketchAggregates {
public:
  SketchAggregates(FunctionContext &fc, const ir::Node &aggregate);

  // Whether `fn` is one of the aggregates this class generates.
  static bool handles(AggFn fn);
  // Whether its accumulator owns memory out of line (destroy frees it).
  static bool ownsMemory(AggFn fn);

  // Folds the present (non-null) value `v` into accumulator i.
  void fold(llvm::Value *entry, size_t i, const CgValue &v);
  // Folds accumulator i of `src` into that of `dst`; src is left as it was
  // (window slices are combined many times).
  void combine(llvm::Value *dst, llvm::Value *src, size_t i);
  // The aggregate's result (its AggCall::resultType).
  CgValue output(llvm::Value *entry, size_t i);
  // Frees what accumulator i owns and leaves it empty (NULL).
  void destroy(llvm::Value *entry, size_t i);

private:
  struct Welford {
    llvm::Value *count; // i64
    llvm::Value *mean;  // double
    llvm::Value *m2;    // double: the sum of squared deviations from the mean
  };
  Welford loadWelford(llvm::Value *entry, size_t i);
  void storeWelford(llvm::Value *entry, size_t i, const Welford &w);
  llvm::Value *asDouble(const CgValue &v);
  // The 64-bit hash approx_count_distinct counts: xxHash3 of the value
  // (weir_hash_u64 / weir_hash_bytes), -0.0 and 0.0 one value, NaNs one value.
  llvm::Value *valueHash(const CgValue &v);
  llvm::Value *sketchSlot(llvm::Value *entry, size_t i);

  FunctionContext &fc_;
  const ir::Node &node_;
  StateAccess state_;
};

} // namespace weir::codegen
