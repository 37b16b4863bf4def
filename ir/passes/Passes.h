// The IR passes, one per file in this directory, in the order the pass
// manager runs them (ir/PassManager.h). Each rewrites the program in place and
// leaves it valid for the verifier.
#pragma once

#include "ir/IR.h"

#include "llvm/Support/Error.h"

namespace weir::ir {

// Folds literal-only subexpressions (arithmetic, comparisons, and/or/not with
// SQL nulls, casts, the pure string, math and time functions whose runtime
// semantics are unambiguous), simplifies `x and true` / `x or false` /
// `if(true, a, b)` / `is_null(non-null)`, and drops `where true` filters.
// Types and nullability of every expression stay exactly as they were.
llvm::Error runConstantFolding(Program &p);
// The expression-level part, for one tree.
void foldExpr(ExprPtr &e);

// Moves each Filter before a Project whose columns it reads are plain
// pass-throughs (rewriting the column indices), and before a Join when it
// reads only the stream-side columns; never across an Aggregate. Adjacent
// filters then merge into one `and`. Nodes are renumbered in data-flow order.
llvm::Error runPredicatePushdown(Program &p);

// Sets each Source's and Table's `usedFields` to the declared fields some
// consumer reads. Schemas stay as declared.
llvm::Error runProjectionPruning(Program &p);

// Splits the program into stages (table builds, scans, emits) and sets
// Node::stage and Program::fused.
llvm::Error runFusion(Program &p);

// Groups the Scan stages that read the same Source into one shared scan
// (Stage::sharedScan, Stage::sharedMembers): one loop, one decode per record,
// every reading pipeline fed in stage order. Does nothing when not fused.
llvm::Error runShareScans(Program &p);

// Fills Node::layout of every Aggregate and Table (see StateLayout in IR.h).
llvm::Error runStateLayout(Program &p);

} // namespace weir::ir
