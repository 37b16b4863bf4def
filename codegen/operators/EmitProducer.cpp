// Produces an aggregation's results: a loop over its state's entries in
// insertion order (keys in first-seen order), one output row per key.
#include "codegen/AggregateCodegen.h"
#include "codegen/StageCodegen.h"

using namespace llvm;

namespace weir::codegen {

void StageCodegen::produceAggregateResults(FunctionContext &fc, const ir::Stage &stage) {
  IRBuilder<> &b = fc.builder();
  const ir::Node &aggregate = node(stage.nodes[0]);
  Value *table = fc.state(index_.stateOf.at(aggregate.id));
  StructType *htType = abi_.hashTableType();
  llvm::Type *i64 = abi_.i64();

  BasicBlock *pre = b.GetInsertBlock();
  BasicBlock *loop = fc.newBlock("emit.next");
  BasicBlock *body = fc.newBlock("emit.row");
  BasicBlock *end = fc.newBlock("emit.end");
  BasicBlock *latch = fc.newBlock("emit.latch");
  b.CreateBr(loop);

  b.SetInsertPoint(loop);
  PHINode *i = b.CreatePHI(i64, 2, "i");
  i->addIncoming(ConstantInt::get(i64, 0), pre);
  Value *count = b.CreateLoad(i64, b.CreateStructGEP(htType, table, RuntimeABI::HT_Count));
  b.CreateCondBr(b.CreateICmpULT(i, count), body, end);
  b.SetInsertPoint(end);
  fc.exitWith(ConstantInt::get(abi_.i32(), 0));

  b.SetInsertPoint(body);
  Value *entries = b.CreateLoad(abi_.ptr(), b.CreateStructGEP(htType, table, RuntimeABI::HT_Entries));
  Value *entry = b.CreateGEP(abi_.i8(), entries,
                             b.CreateMul(i, ConstantInt::get(i64, aggregate.layout.entrySize)), "entry");
  AggregateCodegen agg(fc, aggregate);
  consume(fc, stage, 1, agg.outputRow(entry), latch);

  b.SetInsertPoint(latch);
  if (fc.scratchUsed() || !fused_)
    b.CreateCall(abi_.fn("weir_arena_reset"), {fc.scratch()});
  i->addIncoming(b.CreateAdd(i, ConstantInt::get(i64, 1)), latch);
  b.CreateBr(loop);
}

} // namespace weir::codegen
