// Runs the IR passes in order, verifying the program before the first and
// after each one (`weir compile` and `weir explain` call this once).
#pragma once

#include "ir/IR.h"

#include "llvm/Support/Error.h"

namespace llvm {
class raw_ostream;
}

namespace weir::ir {

struct PassOptions {
  bool fuse = true;     // false: --no-fuse (stages still computed, fused = false)
  bool optimize = true; // false: skip constant folding and predicate pushdown
};

// ConstantFolding, PredicatePushdown (both only when optimizing),
// ProjectionPruning, Fusion, StateLayout. A verifier failure is returned as an
// error naming the pass after which it happened ("lowering" for the input).
// With `trace`, prints the program after each pass.
llvm::Error runPasses(Program &p, const PassOptions &opts, llvm::raw_ostream *trace = nullptr);

} // namespace weir::ir
