// Structural and type checks of the IR, run after lowering and after every
// pass. A failure is an internal compiler error (the frontend reports user
// errors before lowering), returned as one llvm::Error listing every problem.
#pragma once

#include "ir/IR.h"

#include "llvm/Support/Error.h"

namespace weir::ir {

// Checks: node ids are indices; inputs exist, are acyclic, and are not sinks
// or tables; every schema is consistent with its input and operator; column
// references are in range and typed like the column they read; filter
// predicates are bool; join key types match; aggregate output = keys ++ aggs
// (with the built-ins' result types); pipelines are Source..Sink chains; and,
// when present, stages (cover each node once, are chains, run in dependency
// order) and state layouts (slots in bounds, aligned, non-overlapping).
llvm::Error verifyProgram(const Program &p);

} // namespace weir::ir
