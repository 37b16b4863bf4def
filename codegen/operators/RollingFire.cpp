// Firing rolling windows: each buffered row before the watermark gets its
// output row (the aggregates over the key's rows in [ts - size, ts]), in
// event-time order; rows no pending row can still need are evicted.
#include "codegen/AggregateCodegen.h"
#include "codegen/EventBufferCodegen.h"
#include "codegen/HashProbe.h"
#include "codegen/RowBuffer.h"
#include "codegen/operators/WindowFire.h"

#include <climits>

using namespace llvm;

namespace weir::codegen {

void FireContext::fireRolling() {
  const ir::Schema &input = windows.node(aggregate.input).schema;
  Value *evictBefore = b.CreateSub(watermark, w.i64(spec.sizeMs));
  forEachDueEntry([&](Value *entry, Value *index, BasicBlock *next) {
    Value *events = b.CreateLoad(abi.ptr(), w.eventBufferSlot(entry));
    // A key without a buffer (none is made before its first row) has
    // nothing left.
    BasicBlock *dead = fc.newBlock("roll.dead"), *held = fc.newBlock("roll.held");
    BasicBlock *none = fc.newBlock("roll.none");
    b.CreateCondBr(b.CreateIsNull(events), none, held);
    b.SetInsertPoint(none);
    markDirty(fc, entry);
    b.CreateBr(dead);
    b.SetInsertPoint(held);
    EventBufferCodegen rows(fc, events);
    if (final) {
      // Rows before the watermark: no row at their time can still arrive.
      BasicBlock *pre = b.GetInsertBlock();
      BasicBlock *loop = fc.newBlock("roll.pending"), *emit = fc.newBlock("roll.emit");
      BasicBlock *done = fc.newBlock("roll.emitted");
      Value *first = rows.emitted();
      Value *count = rows.count();
      b.CreateBr(loop);
      b.SetInsertPoint(loop);
      PHINode *i = b.CreatePHI(i64, 2, "i");
      i->addIncoming(first, pre);
      BasicBlock *check = fc.newBlock("roll.check");
      b.CreateCondBr(b.CreateICmpULT(i, count), check, done);
      b.SetInsertPoint(check);
      Value *ts = rows.ts(i);
      b.CreateCondBr(b.CreateICmpSLT(ts, watermark), emit, done);
      b.SetInsertPoint(emit);
      Value *lo = rows.lower(b.CreateSub(ts, w.i64(spec.sizeMs)));
      Value *hi = rows.upper(ts);
      Row out = loadRow(fc, rows.row(i), input);
      Row values = windows.rollingValues(fc, aggregate, temp, events, lo, hi);
      out.insert(out.end(), values.begin(), values.end());
      BasicBlock *after = fc.newBlock("roll.after");
      windows.emitWindowRow(fc, aggregate, out, after);
      b.SetInsertPoint(after);
      afterRow();
      agg.destroySlice(temp);
      i->addIncoming(b.CreateAdd(i, w.i64(1)), b.GetInsertBlock());
      b.CreateBr(loop);
      b.SetInsertPoint(done);
      PHINode *emitted = b.CreatePHI(i64, 2, "emitted");
      emitted->addIncoming(i, loop);
      emitted->addIncoming(i, check);
      rows.setEmitted(emitted);
    }
    rows.evict(evictBefore);
    markDirty(fc, entry);
    Value *left = rows.count();
    Value *pending = rows.emitted();
    BasicBlock *alive = fc.newBlock("roll.alive"), *empty = fc.newBlock("roll.empty");
    b.CreateCondBr(b.CreateICmpEQ(left, w.i64(0)), empty, alive);
    // The dead key's buffer goes back to the pool now, while this visit has
    // it in cache, rather than when compaction destroys the entry (which
    // found it cold again); the pool hands it, still warm, to the next new
    // key.
    b.SetInsertPoint(empty);
    b.CreateCall(abi.fn("weir_event_buffer_free"), {w.eventBufferSlot(entry)});
    b.CreateBr(dead);
    b.SetInsertPoint(dead);
    markDead(index);
    b.CreateBr(next);
    b.SetInsertPoint(alive);
    // Fire again when the first pending row completes (final) or the
    // oldest row leaves the range (updates). A key with every row emitted
    // (final) fires once more when its newest row leaves the range, and is
    // dropped then: the key dies at a time its own rows decide, not at
    // whichever firing visits it, so a run restored from a checkpoint (which
    // visits every key once) drops it at the same moment, and a later row of
    // the key takes the same (new, last) place in the table.
    if (final) {
      Value *hasPending = b.CreateICmpULT(pending, left);
      Value *row = b.CreateSelect(hasPending, pending, b.CreateSub(left, w.i64(1)));
      Value *delay = b.CreateSelect(hasPending, w.i64(1), w.i64(spec.sizeMs + 1));
      rearmAt(b.CreateAdd(rows.ts(row), delay));
    } else {
      rearmAt(b.CreateAdd(rows.ts(w.i64(0)), w.i64(spec.sizeMs + 1)));
    }
    b.CreateBr(next);
  }, /*rearm=*/true);
}

} // namespace weir::codegen
