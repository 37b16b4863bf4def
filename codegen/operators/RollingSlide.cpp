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
//
// Under emit updates a row's range ends at the row itself, which arrives
// out of order within the watermark delay: the range's end moves back and
// forth (slidingUpdateValues, below).
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

// A key's sliding accumulator (WeirRollingWindow) as generated code sees
// it: the addresses of its indexes, row i's slice, and folding row i into
// a slice.
struct Accumulator {
  Accumulator(FunctionContext &fc, const ir::Node &aggregate, const ir::Schema &input, Value *buffer)
      : fc(fc), b(fc.builder()), abi(fc.abi()), agg(fc, aggregate), aggregate(aggregate), input(input),
        rows(fc, buffer), sliceSize(aggregate.layout.sliceSize) {
    StructType *type = abi.rollingWindowType();
    window = rows.window(sliceSize);
    loAt = b.CreateStructGEP(type, window, RuntimeABI::RW_Lo, "lo.at");
    midAt = b.CreateStructGEP(type, window, RuntimeABI::RW_Mid, "mid.at");
    hiAt = b.CreateStructGEP(type, window, RuntimeABI::RW_Hi, "hi.at");
    validAt = b.CreateStructGEP(type, window, RuntimeABI::RW_Valid, "valid.at");
  }
  Value *slice(Value *i) { return rows.suffix(i, sliceSize); }
  void foldRow(Value *into, Value *i) {
    Row row = loadRow(fc, rows.row(i), input);
    agg.setEventTime(row[aggregate.timeColumn].value);
    // Windowed accumulators never use the table or the entry index.
    agg.update(ConstantPointerNull::get(abi.ptr()), into, ConstantInt::get(abi.i64(), 0), row);
  }

  FunctionContext &fc;
  IRBuilder<> &b;
  RuntimeABI &abi;
  AggregateCodegen agg;
  const ir::Node &aggregate;
  const ir::Schema &input;
  EventBufferCodegen rows;
  uint32_t sliceSize;
  Value *window, *loAt, *midAt, *hiAt, *validAt;
};
} // namespace

Row WindowFire::slidingValues(FunctionContext &fc, const ir::Node &aggregate, Value *temp, Value *buffer,
                              Value *lo, Value *hi) {
  IRBuilder<> &b = fc.builder();
  Accumulator acc(fc, aggregate, node(aggregate.input).schema, buffer);
  AggregateCodegen &agg = acc.agg;
  uint32_t sliceSize = acc.sliceSize;
  IntegerType *i64 = abi_.i64();
  Value *loAt = acc.loAt, *midAt = acc.midAt, *hiAt = acc.hiAt, *validAt = acc.validAt;
  Value *back = b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), acc.window, sizeof(WeirRollingWindow), "back");
  auto suffix = [&](Value *i) { return acc.slice(i); };
  auto foldRow = [&](Value *slice, Value *i) { acc.foldRow(slice, i); };

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

// Emit updates: the row just added, at position hi - 1, wants the
// aggregate of [lo, hi), and rows of its key arrive out of order within the
// watermark delay, so neither end only moves forward. Three parts instead:
// - rows before `sealed` (event time < watermark) can no longer have a row
//   inserted before them; a flip makes those from `floor` (the first any
//   later row's range can start at: event time >= watermark - size) the
//   front, with suffix slices, whenever a range starts past the front;
// - the back, rows [mid, hi), keeps in each row's slice the aggregate of
//   the back rows up to it (a prefix). A row inserted among them makes the
//   runtime lower hi to it (runtime.h, WEIR_ROLLING_PREFIXES): the prefixes
//   before it hold, those after are folded again as later rows need them;
// - the range's aggregate is the suffix at lo combined with the prefix at
//   hi - 1, or, for a range that starts among the unsealed rows (a size
//   below the delay), a fold of its rows.
// Per row: O(1) amortized for the flips, plus the rows of the key that
// arrived before it with later event times (refolded prefixes), or the rows
// in a range shorter than the delay: bounded by the rows within the delay,
// not by the rows in range.
Row WindowFire::slidingUpdateValues(FunctionContext &fc, const ir::Node &aggregate, Value *temp, Value *buffer,
                                    Value *lo, Value *hi, Value *watermark) {
  IRBuilder<> &b = fc.builder();
  Accumulator acc(fc, aggregate, node(aggregate.input).schema, buffer);
  AggregateCodegen &agg = acc.agg;
  EventBufferCodegen &rows = acc.rows;
  uint32_t sliceSize = acc.sliceSize;
  IntegerType *i64 = abi_.i64();
  auto c = [&](uint64_t v) { return ConstantInt::get(i64, v); };
  Value *loAt = acc.loAt, *midAt = acc.midAt, *hiAt = acc.hiAt, *validAt = acc.validAt;
  auto slot = [&](Value *i) { return acc.slice(i); };
  auto foldRow = [&](Value *slice, Value *i) { acc.foldRow(slice, i); };
  auto umin = [&](Value *a, Value *x) { return b.CreateSelect(b.CreateICmpULT(a, x), a, x); };

  int64_t size = aggregate.window.sizeMs;
  Value *sealed = rows.lower(watermark);
  Value *floorTime = b.CreateSelect(b.CreateICmpSLT(watermark, ConstantInt::get(i64, INT64_MIN + size)),
                                    ConstantInt::get(i64, INT64_MIN), b.CreateSub(watermark, c(size)));
  Value *floor = umin(rows.lower(floorTime), lo);

  // Rebuild (a new accumulator, a row inserted in the front or an eviction
  // into the back, or a range outside what it covers): all rows from floor
  // are back rows, folded again below.
  Value *stale = b.CreateOr(b.CreateICmpNE(b.CreateLoad(i64, validAt), c(WEIR_ROLLING_PREFIXES)),
                            b.CreateOr(b.CreateICmpULT(lo, b.CreateLoad(i64, loAt)),
                                       b.CreateICmpULE(hi, b.CreateLoad(i64, midAt))));
  when(fc, stale, [&] {
    b.CreateStore(floor, loAt);
    b.CreateStore(floor, midAt);
    b.CreateStore(floor, hiAt);
    b.CreateStore(c(WEIR_ROLLING_PREFIXES), validAt);
  });

  // Flip: the range starts past the front. The sealed rows from floor
  // become the front (each with the aggregate of itself and the sealed rows
  // after it); the back restarts at `sealed`.
  Value *frontEnd = b.CreateSelect(b.CreateICmpULT(sealed, floor), floor, sealed);
  when(fc, b.CreateICmpUGE(lo, b.CreateLoad(i64, midAt)), [&] {
    forRange(fc, frontEnd, floor, true, [&](Value *i) {
      Value *slice = slot(i);
      agg.initSlice(slice);
      foldRow(slice, i);
      Value *next = b.CreateAdd(i, c(1));
      when(fc, b.CreateICmpULT(next, frontEnd), [&] { agg.combine(slice, slot(next)); });
    });
    b.CreateStore(floor, loAt);
    b.CreateStore(frontEnd, midAt);
    b.CreateStore(frontEnd, hiAt);
  });

  // The back's prefixes up to the range's end.
  Value *mid = b.CreateLoad(i64, midAt);
  forRange(fc, b.CreateLoad(i64, hiAt), hi, false, [&](Value *i) {
    Value *slice = slot(i);
    BasicBlock *first = fc.newBlock("prefix.first"), *more = fc.newBlock("prefix.more");
    BasicBlock *fold = fc.newBlock("prefix.fold");
    b.CreateCondBr(b.CreateICmpEQ(i, mid), first, more);
    b.SetInsertPoint(first);
    agg.initSlice(slice);
    b.CreateBr(fold);
    b.SetInsertPoint(more);
    b.CreateMemCpy(slice, MaybeAlign(8), slot(b.CreateSub(i, c(1))), MaybeAlign(8), sliceSize);
    b.CreateBr(fold);
    b.SetInsertPoint(fold);
    foldRow(slice, i);
  });
  Value *folded = b.CreateLoad(i64, hiAt);
  b.CreateStore(b.CreateSelect(b.CreateICmpUGT(hi, folded), hi, folded), hiAt);

  // The range's aggregate.
  BasicBlock *split = fc.newBlock("range.split"), *direct = fc.newBlock("range.direct");
  BasicBlock *done = fc.newBlock("range.done");
  b.CreateCondBr(b.CreateICmpULT(lo, mid), split, direct);
  b.SetInsertPoint(split);
  b.CreateMemCpy(temp, MaybeAlign(8), slot(lo), MaybeAlign(8), sliceSize);
  agg.combine(temp, slot(b.CreateSub(hi, c(1))));
  b.CreateBr(done);
  b.SetInsertPoint(direct); // a range within the unsealed rows
  agg.initSlice(temp);
  forRange(fc, lo, hi, false, [&](Value *i) { foldRow(temp, i); });
  b.CreateBr(done);
  b.SetInsertPoint(done);
  return agg.aggregateValues(temp);
}

} // namespace weir::codegen
