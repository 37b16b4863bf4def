// Produces the records of a Source or Table: the stage's loop over
// weir_cursor_next, one decoded record per iteration.
#include "codegen/RowBuffer.h"
#include "codegen/StageCodegen.h"
#include "codegen/WindowCodegen.h"
#include "codegen/operators/WindowFire.h"

using namespace llvm;

namespace weir::codegen {

namespace {
class ScanProducer final : public OperatorTranslator {
public:
  using OperatorTranslator::OperatorTranslator;
  void produce(FunctionContext &fc) override;
};
} // namespace

void ScanProducer::produce(FunctionContext &fc) {
  IRBuilder<> &b = fc.builder();
  const ir::Stage &stage = stage_;
  const ir::Node &source = node();
  Value *cursor = b.CreateCall(abi_.fn("weir_task_cursor"), {fc.task()}, "cursor");
  Value *record = fc.entryAlloca(abi_.valueType(), "record", std::max<size_t>(source.schema.size(), 1));

  BasicBlock *loop = fc.newBlock("scan.next");
  BasicBlock *gotRow = fc.newBlock("scan.row");
  BasicBlock *notRow = fc.newBlock("scan.notrow");
  BasicBlock *end = fc.newBlock("scan.end");
  BasicBlock *failed = fc.newBlock("scan.failed");
  BasicBlock *latch = fc.newBlock("scan.latch");
  b.CreateBr(loop);

  b.SetInsertPoint(loop);
  Value *status = b.CreateCall(abi_.fn("weir_cursor_next"), {cursor, record}, "status");
  b.CreateCondBr(b.CreateICmpEQ(status, ConstantInt::get(abi_.i32(), WEIR_ROW)), gotRow, notRow);
  b.SetInsertPoint(notRow);
  b.CreateCondBr(b.CreateICmpEQ(status, ConstantInt::get(abi_.i32(), WEIR_END)), end, failed);
  b.SetInsertPoint(end);
  fc.exitWith(ConstantInt::get(abi_.i32(), 0));
  b.SetInsertPoint(failed);
  fc.exitWith(status);

  b.SetInsertPoint(gotRow);
  Row row = loadRow(fc, record, source.schema, &source.usedFields);
  const ir::Node &last = node(stage.nodes.back());
  if (stage.kind == ir::StageKind::Scan && last.kind == ir::NodeKind::Aggregate &&
      WindowCodegen::hasEventTimeState(last) && source.eventTimeField >= 0)
    driver_.windows().advanceEventTime(fc, last, row[source.eventTimeField].value);
  if (stage.kind == ir::StageKind::TableBuild) // the table builds itself from its rows, in this function
    driver_.consumer(stage, 0).consume(fc, row, latch);
  else
    consumeNext(fc, row, latch);

  // Computed strings live until the row is done.
  b.SetInsertPoint(latch);
  if (fc.scratchUsed() || !driver_.fused())
    b.CreateCall(abi_.fn("weir_arena_reset"), {fc.scratch()});
  b.CreateBr(loop);
}

std::unique_ptr<OperatorTranslator> makeScanProducer(const TranslatorSite &site) {
  return std::make_unique<ScanProducer>(site);
}

} // namespace weir::codegen
