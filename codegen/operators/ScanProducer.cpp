// Produces the records of a Source or Table: the stage's loop over
// weir_cursor_next, one decoded record per iteration. A shared scan's loop
// (Stage::sharedMembers) hands each record to every member's chain in turn.
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

private:
  // Runs one scan stage's chain (after its source) on the decoded record.
  void feedChain(FunctionContext &fc, const ir::Stage &chain, const Row &row, BasicBlock *next);
};
} // namespace

void ScanProducer::feedChain(FunctionContext &fc, const ir::Stage &chain, const Row &row, BasicBlock *next) {
  const ir::Node &source = node(chain.nodes.front());
  const ir::Node &last = node(chain.nodes.back());
  // Each windowed aggregate's clock sees every record of its source, filtered or not.
  if (last.kind == ir::NodeKind::Aggregate && WindowCodegen::hasEventTimeState(last) &&
      source.eventTimeField >= 0)
    driver_.windows().advanceEventTime(fc, last, row[source.eventTimeField].value);
  driver_.consume(fc, chain, 1, row, next);
}

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
  if (stage.kind == ir::StageKind::TableBuild) { // the table builds itself from its rows, in this function
    driver_.consumer(stage, 0).consume(fc, row, latch);
  } else {
    // The leader's chain, then each member's, in stage order.
    std::vector<const ir::Stage *> chains{&stage};
    for (int member : stage.sharedMembers)
      chains.push_back(&driver_.program().stages[member]);
    for (size_t i = 0; i < chains.size(); ++i) {
      BasicBlock *next = i + 1 < chains.size() ? fc.newBlock("scan.chain") : latch;
      feedChain(fc, *chains[i], row, next);
      b.SetInsertPoint(next);
    }
  }

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
