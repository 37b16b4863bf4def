// The optimized plan for a human (`weir explain FILE`): each stage with its
// operators in order, the fields each source decodes, and each keyed state's
// layout (fields with offsets and sizes, bytes per key, what lives out of line).
#pragma once

#include "ir/IR.h"

namespace llvm {
class raw_ostream;
}

namespace weir::ir {

// Expects a program the pass manager has run over (stages and layouts set);
// without stages it lists the nodes of each pipeline instead.
void explainProgram(const Program &p, llvm::raw_ostream &os);

// One operator's lines of explainProgram: "  " + a summary line, then
// indented details (decoded fields, window, state layout). `stageStart`:
// the node begins its stage (an aggregate there is its emit). The plan
// pictures (PlanGraph.h) take their labels from here.
void explainOperator(const Program &p, const Node &n, bool stageStart, llvm::raw_ostream &os);

} // namespace weir::ir
