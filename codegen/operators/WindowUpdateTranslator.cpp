// A windowed aggregate's (or a ttl aggregate's) per-row work, in the scan
// loop: drop or divert a late row, advance the clock, let the fire function
// emit what the new watermark completed, then fold the row into its key's
// slice (tumbling, hopping), session (merging the sessions it bridges),
// running aggregate (ttl) or row buffer (rolling). Under `emit updates` the
// windows the row changed are emitted right away.
#include "codegen/AggregateCodegen.h"
#include "codegen/EventBufferCodegen.h"
#include "codegen/HashProbe.h"
#include "codegen/RowBuffer.h"
#include "codegen/StageCodegen.h"
#include "codegen/WindowCodegen.h"
#include "codegen/operators/WindowFire.h"

#include <climits>

using namespace llvm;

namespace weir::codegen {

namespace {
class WindowUpdateTranslator final : public OperatorTranslator {
public:
  explicit WindowUpdateTranslator(const TranslatorSite &site)
      : OperatorTranslator(site), aggregate_(node()), stateIndex_(index().stateOf.at(aggregate_.id)) {}

  void consume(FunctionContext &fc, const Row &row, BasicBlock *next) override;

private:
  const ir::Node &aggregate_;
  int stateIndex_; // the aggregate's hash table and clock in the program descriptor
};
} // namespace

void WindowUpdateTranslator::consume(FunctionContext &fc, const Row &row, BasicBlock *next) {
  IRBuilder<> &b = fc.builder();
  const ir::Node &aggregate = aggregate_;
  int stateIndex = stateIndex_;
  WindowFire &windows = driver_.windows();
  WindowCodegen w(fc, aggregate, fc.clock(stateIndex));
  AggregateCodegen agg(fc, aggregate);
  const ir::WindowSpec &spec = aggregate.window;
  agg.setEventTime(row[aggregate.timeColumn].value);
  const ir::StateLayout &layout = aggregate.layout;
  bool updates = spec.emit == ir::EmitPolicy::Updates;
  Value *ts = row[aggregate.timeColumn].value;

  // A row behind the watermark: its windows may be gone already.
  if (spec.kind != ir::WindowKind::None) {
    BasicBlock *late = fc.newBlock("win.late"), *onTime = fc.newBlock("win.ontime");
    b.CreateCondBr(b.CreateICmpSLT(ts, w.loadClock(RuntimeABI::CK_Watermark)), late, onTime);
    b.SetInsertPoint(late);
    if (spec.lateToSink) {
      Value *buffer = fc.entryAlloca(abi_.valueType(), "laterow", std::max<size_t>(row.size(), 1));
      storeRow(fc, buffer, row);
      Value *sink = fc.sink(index().lateSinkOf.at(aggregate.id));
      fc.exitOnError(b.CreateCall(abi_.fn("weir_sink_write"), {sink, buffer}));
    } else {
      w.storeClock(RuntimeABI::CK_LateRows, b.CreateAdd(w.loadClock(RuntimeABI::CK_LateRows), w.i64(1)));
    }
    b.CreateBr(next);
    b.SetInsertPoint(onTime);
  }


  auto initRing = [&](Value *entry) {
    if (spec.kind == ir::WindowKind::Rolling)
      return; // the buffer pointer starts NULL
    w.forEachSlice(entry, [&](Value *, Value *slice) {
      agg.initSlice(slice);
      w.setSliceId(slice, w.emptyId());
      if (spec.kind == ir::WindowKind::None)
        w.setSliceEnd(slice, w.emptyId());
    });
  };
  Value *table = fc.state(stateIndex);
  std::vector<CgValue> keys = agg.rowKeys(row);
  AggregateCodegen::KeyEntry key =
      agg.findOrInsert(table, emitKeyHash(fc, keys), keys, /*faultInSpilled=*/true, initRing);
  Value *entry = key.entry;
  markDirty(fc, entry);
  // The key's event-time timer (EventTimers.cpp): set when the row gives the
  // key something that may come due earlier than what it had; a due time
  // that only moves later keeps the earlier timer, which re-arms when it fires.
  auto addTimer = [&](Value *time) {
    b.CreateCall(abi_.fn("weir_timer_add"), {table, key.index, time});
    w.lowerNextFire(time);
  };

  switch (spec.kind) {
  case ir::WindowKind::Tumbling:
  case ir::WindowKind::Hopping: {
    int64_t slide = w.slide(), n = w.slicesPerWindow();
    Value *id = w.floorDiv(ts, slide);
    Value *slice = w.sliceFor(entry, id);
    // The slot last held an expired slice (or none): start it afresh.
    w.when(b.CreateICmpNE(w.sliceId(slice), id), [&] {
      if (AggregateCodegen::needsDestroy(aggregate))
        agg.destroySlice(slice);
      agg.initSlice(slice);
      w.setSliceId(slice, id);
      // Emit final: its first window's end; updates: when its last window
      // completes and it can go.
      addTimer(b.CreateMul(b.CreateAdd(id, w.i64(updates ? n : 1)), w.i64(slide)));
    });
    agg.update(table, slice, key.index, row);
    if (!updates)
      break;
    // Every window that contains the row: ends (id + 1 .. id + n) * slide.
    Value *temp = fc.entryAlloca(abi_.i64(), "window", layout.sliceSize / 8);
    Value *firstEnd = b.CreateAdd(id, w.i64(1));
    Value *lastEnd = b.CreateAdd(id, w.i64(n));
    BasicBlock *pre = b.GetInsertBlock();
    BasicBlock *loop = fc.newBlock("upd.window"), *afterRow = fc.newBlock("upd.after");
    b.CreateBr(loop);
    b.SetInsertPoint(loop);
    PHINode *end = b.CreatePHI(abi_.i64(), 2, "end"); // window end, in slices
    end->addIncoming(firstEnd, pre);
    agg.initSlice(temp);
    w.forEachSlice(entry, [&](Value *, Value *s) {
      Value *sid = w.sliceId(s);
      Value *inWindow = b.CreateAnd(b.CreateICmpSGE(sid, b.CreateSub(end, w.i64(n))),
                                    b.CreateICmpSLT(sid, end));
      w.when(inWindow, [&] { agg.combine(temp, s); });
    });
    Value *windowEnd = b.CreateMul(end, w.i64(slide));
    Value *windowStart = b.CreateSub(windowEnd, w.i64(spec.sizeMs));
    windows.emitWindow(fc, aggregate, entry, windowStart, windowEnd, agg.aggregateValues(temp), afterRow);
    b.SetInsertPoint(afterRow);
    if (AggregateCodegen::needsDestroy(aggregate))
      agg.destroySlice(temp);
    end->addIncoming(b.CreateAdd(end, w.i64(1)), b.GetInsertBlock());
    b.CreateCondBr(b.CreateICmpSLT(end, lastEnd), loop, next);
    return;
  }
  case ir::WindowKind::Session: {
    int64_t gap = spec.gapMs;
    // The sessions the row is closer than `gap` to become one (the first of
    // them, in ring order), with the row folded in.
    Value *target = fc.entryAlloca(abi_.ptr(), "session");
    b.CreateStore(ConstantPointerNull::get(abi_.ptr()), target);
    w.forEachSlice(entry, [&](Value *, Value *s) {
      Value *start = w.sliceId(s);
      Value *open = b.CreateICmpNE(start, w.emptyId());
      w.when(open, [&] {
        Value *last = w.sliceEnd(s);
        Value *close = b.CreateAnd(b.CreateICmpSGT(ts, b.CreateSub(start, w.i64(gap))),
                                   b.CreateICmpSLT(ts, b.CreateAdd(last, w.i64(gap))));
        w.when(close, [&] {
          Value *t = b.CreateLoad(abi_.ptr(), target);
          BasicBlock *first = fc.newBlock("session.first"), *merge = fc.newBlock("session.merge");
          BasicBlock *done = fc.newBlock("session.matched");
          b.CreateCondBr(b.CreateIsNull(t), first, merge);
          b.SetInsertPoint(first);
          b.CreateStore(s, target);
          b.CreateBr(done);
          b.SetInsertPoint(merge);
          agg.combine(t, s);
          w.setSliceId(t, w.min(w.sliceId(t), start));
          w.setSliceEnd(t, w.max(w.sliceEnd(t), last));
          if (AggregateCodegen::needsDestroy(aggregate))
            agg.destroySlice(s);
          agg.initSlice(s);
          w.setSliceId(s, w.emptyId());
          b.CreateBr(done);
          b.SetInsertPoint(done);
        });
      });
    });
    // No session near the row: it starts one in a free slot.
    w.when(b.CreateIsNull(b.CreateLoad(abi_.ptr(), target)), [&] {
      if (layout.sliceOverflowOffset) {
        // Out-of-line slots (long watermark delays): the runtime finds or
        // makes one; a new one is zeroed, so it is started afresh here.
        Value *s = w.freeSessionSlot(entry);
        agg.initSlice(s);
        b.CreateStore(s, target);
        w.setSliceId(s, ts);
        w.setSliceEnd(s, ts);
        addTimer(b.CreateAdd(ts, w.i64(gap)));
        return;
      }
      w.forEachSlice(entry, [&](Value *, Value *s) {
        Value *free = b.CreateAnd(b.CreateICmpEQ(w.sliceId(s), w.emptyId()),
                                  b.CreateIsNull(b.CreateLoad(abi_.ptr(), target)));
        w.when(free, [&] {
          b.CreateStore(s, target);
          w.setSliceId(s, ts);
          w.setSliceEnd(s, ts);
          addTimer(b.CreateAdd(ts, w.i64(gap)));
        });
      });
      // The ring is sized for every session the watermark can leave open.
      Value *full = b.CreateIsNull(b.CreateLoad(abi_.ptr(), target));
      w.when(full, [&] { fc.exitWith(ConstantInt::get(abi_.i32(), WEIR_ERR_INTERNAL, /*IsSigned=*/true)); b.SetInsertPoint(fc.newBlock("unreachable")); });
    });
    Value *t = b.CreateLoad(abi_.ptr(), target);
    agg.update(table, t, key.index, row);
    Value *start = w.min(w.sliceId(t), ts), *last = w.max(w.sliceEnd(t), ts);
    w.setSliceId(t, start);
    w.setSliceEnd(t, last);
    Value *end = b.CreateAdd(last, w.i64(gap));
    if (updates) {
      windows.emitWindow(fc, aggregate, entry, start, end, agg.aggregateValues(t), next);
      return;
    }
    break;
  }
  case ir::WindowKind::None: { // ttl: one running aggregate per key
    Value *slice = w.slice(entry, 0u);
    w.when(b.CreateICmpEQ(w.sliceEnd(slice), w.emptyId()),
           [&] { addTimer(b.CreateAdd(ts, w.i64(aggregate.ttlMs + 1))); });
    agg.update(table, slice, key.index, row);
    Value *last = w.max(w.sliceEnd(slice), ts);
    w.setSliceEnd(slice, last);
    break;
  }
  case ir::WindowKind::Rolling: {
    const ir::Schema &input = node(aggregate.input).schema;
    Value *buffer = fc.entryAlloca(abi_.valueType(), "rollrow", std::max<size_t>(input.size(), 1));
    b.CreateMemSet(buffer, b.getInt8(0), std::max<size_t>(input.size(), 1) * RuntimeABI::kValueSize,
                   MaybeAlign(8));
    storeRow(fc, buffer, row);
    Value *slot = w.eventBufferSlot(entry);
    Value *at = b.CreateCall(abi_.fn("weir_event_buffer_add"),
                             {slot, ts, buffer, ConstantInt::get(abi_.i32(), input.size())});
    Value *events = b.CreateLoad(abi_.ptr(), slot);
    EventBufferCodegen rows(fc, events);
    if (!updates) { // the row's own output waits until no row at its time can still arrive
      // Only a row that became the key's first pending one is due earlier.
      w.when(b.CreateICmpEQ(at, rows.emitted()),
             [&] { addTimer(b.CreateAdd(ts, w.i64(1))); });
      break;
    }
    // Eviction is due when the oldest row leaves the range: a new oldest row.
    w.when(b.CreateICmpEQ(at, w.i64(0)), [&] { addTimer(b.CreateAdd(ts, w.i64(spec.sizeMs + 1))); });
    Value *lo = rows.lower(b.CreateSub(ts, w.i64(spec.sizeMs)));
    Value *hi = rows.upper(ts);
    rows.setEmitted(rows.count());
    Value *temp = fc.entryAlloca(abi_.i64(), "rolling", layout.sliceSize / 8);
    Row out(row.begin(), row.end());
    Row values = windows.rollingValues(fc, aggregate, temp, events, lo, hi, w.loadClock(RuntimeABI::CK_Watermark));
    out.insert(out.end(), values.begin(), values.end());
    BasicBlock *afterRow = fc.newBlock("roll.after");
    windows.emitWindowRow(fc, aggregate, out, afterRow);
    b.SetInsertPoint(afterRow);
    agg.destroySlice(temp);
    b.CreateBr(next);
    return;
  }
  }
  b.CreateBr(next);
}

std::unique_ptr<OperatorTranslator> makeWindowUpdateTranslator(const TranslatorSite &site) {
  if (!WindowCodegen::hasEventTimeState(site.driver.node(site.stage.nodes[site.pos])))
    return nullptr;
  return std::make_unique<WindowUpdateTranslator>(site);
}

} // namespace weir::codegen
