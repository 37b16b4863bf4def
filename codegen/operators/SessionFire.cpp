// Firing sessions (a key's sessions whose last row is at least gap behind
// the watermark, emitted in window-end order) and ttl keys (idle longer than
// the ttl: the key's row, then the key is dropped).
#include "codegen/AggregateCodegen.h"
#include "codegen/HashProbe.h"
#include "codegen/RowBuffer.h"
#include "codegen/operators/WindowFire.h"

#include <climits>

using namespace llvm;

namespace weir::codegen {

void FireContext::fireSessions() {
  bool session = spec.kind == ir::WindowKind::Session;
  int64_t timeout = session ? spec.gapMs : aggregate.ttlMs;
  // A session closes when no row closer than gap can still come (last
  // event <= watermark - gap); a ttl key expires once its last event is
  // strictly older than watermark - ttl.
  Value *closedBefore = b.CreateSub(watermark, w.i64(session ? timeout : timeout + 1));
  if (session && final)
    emitInEndOrder([&](Value *entry, Value *index) {
      w.forEachSlice(entry, [&](Value *k, Value *s) {
        Value *start = w.sliceId(s), *last = w.sliceEnd(s);
        w.when(b.CreateAnd(b.CreateICmpNE(start, w.emptyId()), b.CreateICmpSLE(last, closedBefore)), [&] {
          b.CreateCall(abi.fn("weir_fire_list_add"), {fireList, b.CreateAdd(last, w.i64(timeout)), index, k});
        });
      });
    }, [&](Value *entry, Value *k, BasicBlock *next) {
      Value *s = w.sliceNumbered(entry, k);
      Value *start = w.sliceId(s), *last = w.sliceEnd(s);
      emitWindow(entry, start, b.CreateAdd(last, w.i64(timeout)), agg.aggregateValues(s), next);
    });
  forEachDueEntry([&](Value *entry, Value *index, BasicBlock *next) {
    b.CreateStore(b.getTrue(), allEmpty);
    w.forEachSlice(entry, [&](Value *, Value *s) {
      Value *start = w.sliceId(s), *last = w.sliceEnd(s);
      Value *occupied = b.CreateICmpNE(session ? start : last, w.emptyId());
      Value *closed = b.CreateICmpSLE(last, closedBefore);
      w.when(b.CreateAnd(occupied, closed), [&] {
        if (!session) { // ttl: the expired key's row (sessions were emitted in end order above)
          BasicBlock *after = fc.newBlock("fire.after");
          emitWindow(entry, start, b.CreateAdd(last, w.i64(timeout)), agg.aggregateValues(s), after);
          b.SetInsertPoint(after);
          afterRow();
        }
        emptySlice(s);
        if (!session)
          w.setSliceEnd(s, w.emptyId());
      });
      w.when(b.CreateAnd(occupied, b.CreateNot(closed)), [&] {
        b.CreateStore(b.getFalse(), allEmpty);
        rearmAt(b.CreateAdd(last, w.i64(session ? timeout : timeout + 1)));
      });
    });
    markDirty(fc, entry);
    w.when(b.CreateLoad(b.getInt1Ty(), allEmpty), [&] { markDead(index); });
    b.CreateBr(next);
  }, /*rearm=*/true);
}

} // namespace weir::codegen
