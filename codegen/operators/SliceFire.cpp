// Firing tumbling and hopping windows: window k covers slices [k - n, k) of
// every key's ring; the fire function emits, for the keys whose timers are
// due, each completed window that holds data (skipping the empty ones), then
// frees the slices no open window contains, re-arms each key at its next
// window with data and marks keys with none left dead.
#include "codegen/AggregateCodegen.h"
#include "codegen/HashProbe.h"
#include "codegen/RowBuffer.h"
#include "codegen/operators/WindowFire.h"

#include <climits>

using namespace llvm;

namespace weir::codegen {

void FireContext::fireSlices() {
  int64_t slide = w.slide(), n = w.slicesPerWindow();
  // Window k covers slices [k - n, k) and ends at k * slide.
  Value *k = fc.entryAlloca(i64, "k");
  Value *firstK = w.floorDiv(w.loadClock(RuntimeABI::CK_NextFire), slide);
  b.CreateStore(firstK, k);
  if (final) {
    Value *lastK = w.min(w.floorDiv(watermark, slide),
                         b.CreateAdd(w.floorDiv(w.loadClock(RuntimeABI::CK_MaxEventTime), slide), w.i64(n)));
    BasicBlock *loop = fc.newBlock("fire.window"), *body = fc.newBlock("fire.walk"), *done = fc.newBlock("fire.windows");
    b.CreateBr(loop);
    b.SetInsertPoint(loop);
    Value *kv = b.CreateLoad(i64, k);
    b.CreateCondBr(b.CreateICmpSLE(kv, lastK), body, done);
    b.SetInsertPoint(body);
    Value *minLive = fc.entryAlloca(i64, "minlive");
    b.CreateStore(w.i64(INT64_MAX), minLive);
    Value *windowEnd = b.CreateMul(kv, w.i64(slide));
    Value *windowStart = b.CreateSub(windowEnd, w.i64(spec.sizeMs));
    forEachDueEntry([&](Value *entry, Value *, BasicBlock *next) {
      Value *any = fc.entryAlloca(b.getInt1Ty(), "any");
      b.CreateStore(b.getFalse(), any);
      agg.initSlice(temp);
      w.forEachSlice(entry, [&](Value *, Value *s) {
        Value *sid = w.sliceId(s);
        Value *inWindow = b.CreateAnd(b.CreateICmpSGE(sid, b.CreateSub(kv, w.i64(n))), b.CreateICmpSLT(sid, kv));
        w.when(inWindow, [&] {
          agg.combine(temp, s);
          b.CreateStore(b.getTrue(), any);
        });
        // Slices that later windows still contain.
        Value *live = b.CreateICmpSGE(sid, b.CreateSub(b.CreateAdd(kv, w.i64(1)), w.i64(n)));
        b.CreateStore(b.CreateSelect(live, w.min(b.CreateLoad(i64, minLive), sid), b.CreateLoad(i64, minLive)),
                      minLive);
      });
      BasicBlock *emit = fc.newBlock("fire.emit"), *after = fc.newBlock("fire.after");
      BasicBlock *skip = fc.newBlock("fire.skip");
      b.CreateCondBr(b.CreateLoad(b.getInt1Ty(), any), emit, skip);
      b.SetInsertPoint(emit);
      emitWindow(entry, windowStart, windowEnd, agg.aggregateValues(temp), after);
      b.SetInsertPoint(after);
      afterRow();
      b.CreateBr(skip);
      b.SetInsertPoint(skip);
      if (destroys)
        agg.destroySlice(temp);
      b.CreateBr(next);
    }, /*rearm=*/false);
    // The next window with any data: skip the empty ones in between.
    Value *ml = b.CreateLoad(i64, minLive);
    Value *following = b.CreateSelect(b.CreateICmpEQ(ml, w.i64(INT64_MAX)), w.i64(INT64_MAX),
                                      w.max(b.CreateAdd(kv, w.i64(1)), b.CreateAdd(ml, w.i64(1))));
    b.CreateStore(following, k);
    b.CreateBr(loop);
    b.SetInsertPoint(done);
  } else {
    // Updates were emitted as rows arrived: just drop what the watermark completed.
    b.CreateStore(b.CreateAdd(w.floorDiv(watermark, slide), w.i64(1)), k);
  }
  // Free the slices no open window contains; a key with none left is dead.
  Value *kv = b.CreateLoad(i64, k);
  forEachDueEntry([&](Value *entry, Value *index, BasicBlock *next) {
    b.CreateStore(b.getTrue(), allEmpty);
    w.forEachSlice(entry, [&](Value *, Value *s) {
      Value *sid = w.sliceId(s);
      Value *occupied = b.CreateICmpNE(sid, w.emptyId());
      Value *expired = b.CreateICmpSLT(sid, b.CreateSub(kv, w.i64(n)));
      w.when(b.CreateAnd(occupied, expired), [&] { emptySlice(s); });
      w.when(b.CreateAnd(occupied, b.CreateNot(expired)), [&] {
        b.CreateStore(b.getFalse(), allEmpty);
        if (final) // the first window not fired yet that holds the slice
          rearmAt(b.CreateMul(w.max(kv, b.CreateAdd(sid, w.i64(1))), w.i64(slide)));
        else // the next cleanup: when this slice's last window completes
          rearmAt(b.CreateMul(b.CreateAdd(sid, w.i64(n)), w.i64(slide)));
      });
    });
    markDirty(fc, entry);
    w.when(b.CreateLoad(b.getInt1Ty(), allEmpty), [&] { markDead(index); });
    b.CreateBr(next);
  }, /*rearm=*/true);
}

} // namespace weir::codegen
