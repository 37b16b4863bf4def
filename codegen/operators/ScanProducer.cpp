// Produces the records of a Source or Table: the stage's loop over
// weir_cursor_next_batch, one decoded record per inner iteration. A shared
// scan's loop (Stage::sharedMembers) hands each record to every member's
// chain in turn.
#include "codegen/RowBuffer.h"
#include "codegen/StageCodegen.h"
#include "codegen/WindowCodegen.h"
#include "codegen/operators/WindowFire.h"

#include <algorithm>

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

// Records come a batch at a time (weir_cursor_next_batch): one runtime call
// per batch instead of per record, and the generators decode a batch in one
// inlined loop. The batch is small enough to stay in L1: its rows are read
// back right after they were written.
static uint32_t recordsPerBatch(size_t width) {
  constexpr size_t kBatchBytes = 8 << 10;
  return static_cast<uint32_t>(std::clamp<size_t>(kBatchBytes / (RuntimeABI::kValueSize * width), 8, 256));
}

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
  size_t width = std::max<size_t>(source.schema.size(), 1);
  uint32_t batch = recordsPerBatch(width);
  Value *cursor = b.CreateCall(abi_.fn("weir_task_cursor"), {fc.task()}, "cursor");
  Value *records = fc.entryAlloca(abi_.valueType(), "records", width * batch);

  BasicBlock *fetch = fc.newBlock("scan.batch");
  BasicBlock *gotBatch = fc.newBlock("scan.gotbatch");
  BasicBlock *notBatch = fc.newBlock("scan.notbatch");
  BasicBlock *end = fc.newBlock("scan.end");
  BasicBlock *failed = fc.newBlock("scan.failed");
  BasicBlock *loop = fc.newBlock("scan.next");
  BasicBlock *gotRow = fc.newBlock("scan.row");
  BasicBlock *latch = fc.newBlock("scan.latch");
  b.CreateBr(fetch);

  b.SetInsertPoint(fetch);
  Value *count = b.CreateCall(abi_.fn("weir_cursor_next_batch"),
                              {cursor, records, b.getInt32(static_cast<uint32_t>(width)), b.getInt32(batch)},
                              "count");
  b.CreateCondBr(b.CreateICmpSGT(count, b.getInt64(0)), gotBatch, notBatch);
  b.SetInsertPoint(notBatch);
  b.CreateCondBr(b.CreateICmpEQ(count, b.getInt64(0)), end, failed);
  b.SetInsertPoint(end);
  fc.exitWith(ConstantInt::get(abi_.i32(), 0));
  b.SetInsertPoint(failed);
  fc.exitWith(b.CreateTrunc(count, abi_.i32()));

  b.SetInsertPoint(gotBatch);
  b.CreateBr(loop);
  b.SetInsertPoint(loop);
  PHINode *i = b.CreatePHI(abi_.i64(), 2, "i");
  i->addIncoming(b.getInt64(0), gotBatch);
  b.CreateBr(gotRow);

  b.SetInsertPoint(gotRow);
  Value *record = b.CreateInBoundsGEP(abi_.valueType(), records, b.CreateMul(i, b.getInt64(width)), "record");
  Row row = loadRow(fc, record, source.schema, &source.usedFields);
  if (stage.kind == ir::StageKind::TableBuild) { // the table builds itself from its rows, in this function
    driver_.consumer(stage, 0).consume(fc, row, latch);
  } else {
    // The leader's chain, then each member's, in stage order.
    std::vector<const ir::Stage *> chains{&stage};
    for (int member : stage.sharedMembers)
      chains.push_back(&driver_.program().stages[member]);
    for (size_t c = 0; c < chains.size(); ++c) {
      BasicBlock *next = c + 1 < chains.size() ? fc.newBlock("scan.chain") : latch;
      feedChain(fc, *chains[c], row, next);
      b.SetInsertPoint(next);
    }
  }

  // Computed strings live until the row is done.
  b.SetInsertPoint(latch);
  if (fc.scratchUsed() || !driver_.fused())
    b.CreateCall(abi_.fn("weir_arena_reset"), {fc.scratch()});
  Value *nextI = b.CreateAdd(i, b.getInt64(1), "i.next");
  i->addIncoming(nextI, b.GetInsertBlock());
  b.CreateCondBr(b.CreateICmpSLT(nextI, count), loop, fetch);
}

std::unique_ptr<OperatorTranslator> makeScanProducer(const TranslatorSite &site) {
  return std::make_unique<ScanProducer>(site);
}

} // namespace weir::codegen
