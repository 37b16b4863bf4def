// Produces an aggregation's results: a loop over its state's entries in
// insertion order (keys in first-seen order), one output row per key.
#include "codegen/AggregateCodegen.h"
#include "codegen/HashProbe.h"
#include "codegen/StageCodegen.h"
#include "codegen/WindowCodegen.h"

using namespace llvm;

namespace weir::codegen {

void StageCodegen::produceAggregateResults(FunctionContext &fc, const ir::Stage &stage) {
  const ir::Node &aggregate = node(stage.nodes[0]);
  if (WindowCodegen::hasEventTimeState(aggregate))
    return produceWindowedResults(fc, stage);
  Value *table = fc.state(index_.stateOf.at(aggregate.id));
  AggregateCodegen agg(fc, aggregate);
  emitEntryLoop(
      fc, table, aggregate.layout.entrySize,
      [&](Value *entry, Value *, BasicBlock *next) { consume(fc, stage, 1, agg.outputRow(entry), next); },
      [&] { // computed strings live until the row is done
        if (fc.scratchUsed() || !fused_)
          fc.builder().CreateCall(abi_.fn("weir_arena_reset"), {fc.scratch()});
      });
  fc.exitWith(ConstantInt::get(abi_.i32(), 0));
}

} // namespace weir::codegen
