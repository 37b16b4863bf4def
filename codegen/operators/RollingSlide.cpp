// A rolling window's aggregates without refolding its rows: the key's
// sliding accumulator (WeirRollingWindow in runtime.h) over the buffered rows
// [lo, hi) follows each output row's range [lower(ts - size), upper(ts)),
// which only moves forward while rows are emitted in event-time order (emit
// final) or arrive in order (emit updates). Two stacks (Tangwongsan et al.,
// "General incremental sliding-window aggregation", VLDB 2015): rows joining
// the range fold into the back slice; rows leaving it pop off the front,
// whose rows each keep the aggregate of themselves and the front rows after
// them; when the front runs out, the back's rows become the front (one pass
// that builds their suffix aggregates). Every row is folded twice and
// combined once, so an output row costs O(1) amortized, whatever the number
// of rows in range. It needs only update and combine, and slices that copy
// bytewise (AggregateCodegen::slicesOwnMemory: the others refold).
#include "codegen/AggregateCodegen.h"
#include "codegen/EventBufferCodegen.h"
#include "codegen/RowBuffer.h"
#include "codegen/operators/WindowFire.h"
#include "weir/runtime.h"

using namespace llvm;

namespace weir::codegen {

namespace {
// Runs body(i) for i in [from, to) ascending, or (to, from] descending.
void forRange(FunctionContext &fc, Value *from, Value *to, bool descending,
              const std::function<void(Value *)> &body) {
  IRBuilder<> &b = fc.builder();
  BasicBlock *pre = b.GetInsertBlock();
  BasicBlock *loop = fc.newBlock("slide.loop"), *step = fc.newBlock("slide.step"), *done = fc.newBlock("slide.done");
  b.CreateBr(loop);
  b.SetInsertPoint(loop);
  PHINode *i = b.CreatePHI(from->getType(), 2, "i");
  i->addIncoming(from, pre);
  b.CreateCondBr(descending ? b.CreateICmpUGT(i, to) : b.CreateICmpULT(i, to), step, done);
  b.SetInsertPoint(step);
  Value *one = ConstantInt::get(from->getType(), 1);
  Value *at = descending ? b.CreateSub(i, one) : i;
  body(at);
  i->addIncoming(descending ? at : b.CreateAdd(i, one), b.GetInsertBlock());
  b.CreateBr(loop);
  b.SetInsertPoint(done);
}

void when(FunctionContext &fc, Value *cond, const std::function<void()> &body) {
  IRBuilder<> &b = fc.builder();
  BasicBlock *then = fc.newBlock("slide.then"), *done = fc.newBlock("slide.after");
  b.CreateCondBr(cond, then, done);
  b.SetInsertPoint(then);
  body();
  b.CreateBr(done);
  b.SetInsertPoint(done);
}
} // namespace

Row WindowFire::slidingValues(FunctionContext &fc, const ir::Node &aggregate, Value *temp, Value *buffer,
                              Value *lo, Value *hi) {
  IRBuilder<> &b = fc.builder();
  AggregateCodegen agg(fc, aggregate);
  const ir::Schema &input = node(aggregate.input).schema;
  uint32_t sliceSize = aggregate.layout.sliceSize;
  IntegerType *i64 = abi_.i64();
  StructType *type = abi_.rollingWindowType();
  EventBufferCodegen rows(fc, buffer);
  Value *window = rows.window(sliceSize);
  Value *loAt = b.CreateStructGEP(type, window, RuntimeABI::RW_Lo, "lo.at");
  Value *midAt = b.CreateStructGEP(type, window, RuntimeABI::RW_Mid, "mid.at");
  Value *hiAt = b.CreateStructGEP(type, window, RuntimeABI::RW_Hi, "hi.at");
  Value *validAt = b.CreateStructGEP(type, window, RuntimeABI::RW_Valid, "valid.at");
  Value *back = b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), window, sizeof(WeirRollingWindow), "back");
  auto suffix = [&](Value *i) { return rows.suffix(i, sliceSize); };
  auto foldRow = [&](Value *slice, Value *i) {
    Row row = loadRow(fc, rows.row(i), input);
    agg.setEventTime(row[aggregate.timeColumn].value);
    // Windowed accumulators never use the table or the entry index.
    agg.update(ConstantPointerNull::get(abi_.ptr()), slice, ConstantInt::get(i64, 0), row);
  };

  // Start empty at lo when the accumulator must be rebuilt (runtime.h) or
  // the range moved back (an out-of-order arrival under emit updates).
  Value *stale = b.CreateOr(b.CreateICmpEQ(b.CreateLoad(i64, validAt), ConstantInt::get(i64, 0)),
                            b.CreateOr(b.CreateICmpULT(lo, b.CreateLoad(i64, loAt)),
                                       b.CreateICmpULT(hi, b.CreateLoad(i64, hiAt))));
  when(fc, stale, [&] {
    b.CreateStore(lo, loAt);
    b.CreateStore(lo, midAt);
    b.CreateStore(lo, hiAt);
    agg.initSlice(back);
    b.CreateStore(ConstantInt::get(i64, 1), validAt);
  });

  // Rows joining the range fold into the back.
  forRange(fc, b.CreateLoad(i64, hiAt), hi, false, [&](Value *i) { foldRow(back, i); });
  b.CreateStore(hi, hiAt);

  // Rows leaving it pop off the front; when that empties the front, the
  // rows still in range become the front, each with the aggregate of itself
  // and the rows after it (older rows first, so first/last break ties by
  // arrival as a refold does).
  Value *oldLo = b.CreateLoad(i64, loAt);
  Value *flip = b.CreateAnd(b.CreateICmpUGT(lo, oldLo), b.CreateICmpUGE(lo, b.CreateLoad(i64, midAt)));
  when(fc, flip, [&] {
    forRange(fc, hi, lo, true, [&](Value *i) {
      Value *slice = suffix(i);
      agg.initSlice(slice);
      foldRow(slice, i);
      Value *next = b.CreateAdd(i, ConstantInt::get(i64, 1));
      when(fc, b.CreateICmpULT(next, hi), [&] { agg.combine(slice, suffix(next)); });
    });
    b.CreateStore(hi, midAt);
    agg.initSlice(back);
  });
  b.CreateStore(lo, loAt);

  // The range's aggregate: the front's oldest suffix, then the back.
  BasicBlock *copy = fc.newBlock("slide.front"), *empty = fc.newBlock("slide.nofront");
  BasicBlock *query = fc.newBlock("slide.query");
  b.CreateCondBr(b.CreateICmpULT(lo, b.CreateLoad(i64, midAt)), copy, empty);
  b.SetInsertPoint(copy);
  b.CreateMemCpy(temp, MaybeAlign(8), suffix(lo), MaybeAlign(8), sliceSize);
  b.CreateBr(query);
  b.SetInsertPoint(empty);
  agg.initSlice(temp);
  b.CreateBr(query);
  b.SetInsertPoint(query);
  agg.combine(temp, back);
  return agg.aggregateValues(temp);
}

} // namespace weir::codegen
