// What a windowed aggregate emits when its watermark moves: the fire
// function walks the keys' entries, emits the windows (sessions, rolling rows,
// expired ttl keys) the watermark completed through the aggregate's emit
// stage, frees the slices no open window needs, marks keys with nothing left
// dead and compacts the table. The emit stage calls it once more with an
// infinite watermark at the end of a bounded input.
#include "codegen/AggregateCodegen.h"
#include "codegen/HashProbe.h"
#include "codegen/RowBuffer.h"
#include "codegen/StageCodegen.h"
#include "codegen/WindowCodegen.h"
#include "weir/runtime.h"

#include <climits>

using namespace llvm;

namespace weir::codegen {

const ir::Stage &StageCodegen::emitStageOf(const ir::Node &aggregate) const {
  for (const ir::Stage &stage : program_.stages)
    if (stage.kind == ir::StageKind::Emit && stage.nodes.front() == aggregate.id)
      return stage;
  assert(false && "an aggregate without an emit stage");
  return program_.stages.front();
}

void StageCodegen::emitWindowRow(FunctionContext &fc, const ir::Node &aggregate, const Row &row,
                                 BasicBlock *next) {
  consume(fc, emitStageOf(aggregate), 1, row, next);
}

StageCodegen::Row StageCodegen::windowRow(FunctionContext &fc, const ir::Node &aggregate, Value *entry,
                                          Value *windowStart, Value *windowEnd, const Row &values) {
  SmallVector<CgValue, 4> keys = AggregateCodegen(fc, aggregate).loadKeys(entry);
  Row row(keys.begin(), keys.end());
  if (aggregate.window.kind != ir::WindowKind::None) {
    Type ts = Type::of(TypeKind::Timestamp);
    row.push_back(CgValue{windowStart, nullptr, nullptr, ts});
    row.push_back(CgValue{windowEnd, nullptr, nullptr, ts});
  }
  row.insert(row.end(), values.begin(), values.end());
  return row;
}

StageCodegen::Row StageCodegen::rollingValues(FunctionContext &fc, const ir::Node &aggregate, Value *temp,
                                              Value *buffer, Value *lo, Value *hi) {
  IRBuilder<> &b = fc.builder();
  AggregateCodegen agg(fc, aggregate);
  const ir::Schema &input = node(aggregate.input).schema;
  agg.initSlice(temp);
  BasicBlock *pre = b.GetInsertBlock();
  BasicBlock *loop = fc.newBlock("roll.fold"), *body = fc.newBlock("roll.row"), *done = fc.newBlock("roll.folded");
  b.CreateBr(loop);
  b.SetInsertPoint(loop);
  PHINode *j = b.CreatePHI(abi_.i64(), 2, "j");
  j->addIncoming(lo, pre);
  b.CreateCondBr(b.CreateICmpULT(j, hi), body, done);
  b.SetInsertPoint(body);
  Value *stored = b.CreateCall(abi_.fn("weir_event_buffer_row"), {buffer, j});
  Row row = loadRow(fc, stored, input);
  // Windowed accumulators never use the table or the entry index.
  agg.setEventTime(row[aggregate.timeColumn].value);
  agg.update(ConstantPointerNull::get(abi_.ptr()), temp, ConstantInt::get(abi_.i64(), 0), row);
  j->addIncoming(b.CreateAdd(j, ConstantInt::get(abi_.i64(), 1)), b.GetInsertBlock());
  b.CreateBr(loop);
  b.SetInsertPoint(done);
  return agg.aggregateValues(temp);
}

void StageCodegen::produceWindowedResults(FunctionContext &fc, const ir::Stage &stage) {
  IRBuilder<> &b = fc.builder();
  const ir::Node &aggregate = node(stage.nodes[0]);
  Value *status = b.CreateCall(windowFireFunction(aggregate),
                               {fc.task(), ConstantInt::get(abi_.i64(), INT64_MAX), b.getInt8(1)});
  fc.exitWith(status);
}

void StageCodegen::emitInEndOrder(FunctionContext &fc, const ir::Node &aggregate, WindowCodegen &w, Value *table,
                                  const std::function<void()> &afterRow,
                                  const std::function<void(Value *entry, Value *index)> &collect,
                                  const std::function<void(Value *entry, Value *item, BasicBlock *next)> &emit) {
  IRBuilder<> &b = fc.builder();
  llvm::Type *i64 = abi_.i64();
  uint32_t entrySize = aggregate.layout.entrySize;
  fireList_ = b.CreateCall(abi_.fn("weir_fire_list_new"), {});
  emitEntryLoop(fc, table, entrySize, [&](Value *entry, Value *index, BasicBlock *next) {
    collect(entry, index);
    b.CreateBr(next);
  });
  Value *count = b.CreateCall(abi_.fn("weir_fire_list_sort"), {fireList_});
  BasicBlock *pre = b.GetInsertBlock();
  BasicBlock *loop = fc.newBlock("order.next"), *body = fc.newBlock("order.emit");
  BasicBlock *after = fc.newBlock("order.after"), *done = fc.newBlock("order.done");
  b.CreateBr(loop);
  b.SetInsertPoint(loop);
  PHINode *i = b.CreatePHI(i64, 2, "i");
  i->addIncoming(w.i64(0), pre);
  b.CreateCondBr(b.CreateICmpULT(i, count), body, done);
  b.SetInsertPoint(body);
  Value *index = b.CreateCall(abi_.fn("weir_fire_list_entry"), {fireList_, i});
  Value *item = b.CreateCall(abi_.fn("weir_fire_list_item"), {fireList_, i});
  Value *entries = b.CreateLoad(abi_.ptr(), b.CreateStructGEP(abi_.hashTableType(), table, RuntimeABI::HT_Entries));
  Value *entry = b.CreateGEP(b.getInt8Ty(), entries, b.CreateMul(index, w.i64(entrySize)));
  emit(entry, item, after);
  b.SetInsertPoint(after);
  afterRow();
  i->addIncoming(b.CreateAdd(i, w.i64(1)), b.GetInsertBlock());
  b.CreateBr(loop);
  b.SetInsertPoint(done);
  b.CreateCall(abi_.fn("weir_fire_list_free"), {fireList_});
}

Function *StageCodegen::windowFireFunction(const ir::Node &aggregate) {
  Function *&cached = fireFunctions_[aggregate.id];
  if (cached)
    return cached;
  std::string name = "fire." + emitStageOf(aggregate).name;
  auto *type = FunctionType::get(abi_.i32(), {abi_.ptr(), abi_.i64(), abi_.i8()}, false);
  Function *f = Function::Create(type, Function::InternalLinkage, name, abi_.module());
  f->addFnAttr(Attribute::NoUnwind);
  f->addFnAttr(Attribute::NoInline); // rare: keep it out of the scan loop
  cached = f;

  FunctionContext fc(abi_, f);
  IRBuilder<> &b = fc.builder();
  int stateIndex = index_.stateOf.at(aggregate.id);
  Value *table = fc.state(stateIndex);
  WindowCodegen w(fc, aggregate, fc.clock(stateIndex));
  AggregateCodegen agg(fc, aggregate);
  const ir::WindowSpec &spec = aggregate.window;
  const ir::StateLayout &layout = aggregate.layout;
  bool final = spec.emit == ir::EmitPolicy::Final;
  bool destroys = AggregateCodegen::needsDestroy(aggregate);
  Value *watermark = f->getArg(1);
  Value *resetScratch = b.CreateICmpNE(f->getArg(2), b.getInt8(0));
  llvm::Type *i64 = abi_.i64();
  uint32_t entrySize = layout.entrySize;
  Value *temp = fc.entryAlloca(i64, "window", std::max<uint32_t>(layout.sliceSize / 8, 1));
  Value *nextFire = fc.entryAlloca(i64, "nextfire");
  Value *allEmpty = fc.entryAlloca(b.getInt1Ty(), "allempty");
  b.CreateStore(w.i64(INT64_MAX), nextFire);

  // After an emitted row: computed strings go, unless the caller's own row
  // (a scan's record) still needs them.
  auto afterRow = [&] {
    w.when(resetScratch, [&] { b.CreateCall(abi_.fn("weir_arena_reset"), {fc.scratch()}); });
  };
  auto emptySlice = [&](Value *slice) {
    if (destroys)
      agg.destroySlice(slice);
    agg.initSlice(slice);
    w.setSliceId(slice, w.emptyId());
  };
  auto markDead = [&](Value *entry) {
    b.CreateStore(b.getInt32(WEIR_ENTRY_DEAD),
                  b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), entry, RuntimeABI::kEntryNextOffset));
  };

  switch (spec.kind) {
  case ir::WindowKind::Tumbling:
  case ir::WindowKind::Hopping: {
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
      emitEntryLoop(fc, table, entrySize, [&](Value *entry, Value *, BasicBlock *next) {
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
        emitWindowRow(fc, aggregate, windowRow(fc, aggregate, entry, windowStart, windowEnd, agg.aggregateValues(temp)),
                      after);
        b.SetInsertPoint(after);
        afterRow();
        b.CreateBr(skip);
        b.SetInsertPoint(skip);
        if (destroys)
          agg.destroySlice(temp);
        b.CreateBr(next);
      });
      // The next window with any data: skip the empty ones in between.
      Value *ml = b.CreateLoad(i64, minLive);
      Value *following = b.CreateSelect(b.CreateICmpEQ(ml, w.i64(INT64_MAX)), w.i64(INT64_MAX),
                                        w.max(b.CreateAdd(kv, w.i64(1)), b.CreateAdd(ml, w.i64(1))));
      b.CreateStore(following, k);
      b.CreateBr(loop);
      b.SetInsertPoint(done);
      Value *kEnd = b.CreateLoad(i64, k);
      b.CreateStore(b.CreateSelect(b.CreateICmpEQ(kEnd, w.i64(INT64_MAX)), w.i64(INT64_MAX),
                                   b.CreateMul(kEnd, w.i64(slide))),
                    nextFire);
    } else {
      // Updates were emitted as rows arrived: just drop what the watermark completed.
      b.CreateStore(b.CreateAdd(w.floorDiv(watermark, slide), w.i64(1)), k);
    }
    // Free the slices no open window contains; a key with none left is dead.
    Value *kv = b.CreateLoad(i64, k);
    emitEntryLoop(fc, table, entrySize, [&](Value *entry, Value *, BasicBlock *next) {
      b.CreateStore(b.getTrue(), allEmpty);
      w.forEachSlice(entry, [&](Value *, Value *s) {
        Value *sid = w.sliceId(s);
        Value *occupied = b.CreateICmpNE(sid, w.emptyId());
        Value *expired = b.CreateICmpSLT(sid, b.CreateSub(kv, w.i64(n)));
        w.when(b.CreateAnd(occupied, expired), [&] { emptySlice(s); });
        w.when(b.CreateAnd(occupied, b.CreateNot(expired)), [&] {
          b.CreateStore(b.getFalse(), allEmpty);
          if (!final) // the next cleanup: when this slice's last window completes
            b.CreateStore(w.min(b.CreateLoad(i64, nextFire), b.CreateMul(b.CreateAdd(sid, w.i64(n)), w.i64(slide))),
                          nextFire);
        });
      });
      markDirty(fc, entry);
      w.when(b.CreateLoad(b.getInt1Ty(), allEmpty), [&] { markDead(entry); });
      b.CreateBr(next);
    });
    break;
  }
  case ir::WindowKind::Session:
  case ir::WindowKind::None: { // sessions, and ttl's single running aggregate per key
    bool session = spec.kind == ir::WindowKind::Session;
    int64_t timeout = session ? spec.gapMs : aggregate.ttlMs;
    // A session closes when no row closer than gap can still come (last
    // event <= watermark - gap); a ttl key expires once its last event is
    // strictly older than watermark - ttl.
    Value *closedBefore = b.CreateSub(watermark, w.i64(session ? timeout : timeout + 1));
    if (session && final)
      emitInEndOrder(fc, aggregate, w, table, afterRow, [&](Value *entry, Value *index) {
        w.forEachSlice(entry, [&](Value *k, Value *s) {
          Value *start = w.sliceId(s), *last = w.sliceEnd(s);
          w.when(b.CreateAnd(b.CreateICmpNE(start, w.emptyId()), b.CreateICmpSLE(last, closedBefore)), [&] {
            b.CreateCall(abi_.fn("weir_fire_list_add"), {fireList_, b.CreateAdd(last, w.i64(timeout)), index, k});
          });
        });
      }, [&](Value *entry, Value *k, BasicBlock *next) {
        Value *s = w.slice(entry, k);
        Value *start = w.sliceId(s), *last = w.sliceEnd(s);
        emitWindowRow(fc, aggregate,
                      windowRow(fc, aggregate, entry, start, b.CreateAdd(last, w.i64(timeout)), agg.aggregateValues(s)),
                      next);
      });
    emitEntryLoop(fc, table, entrySize, [&](Value *entry, Value *, BasicBlock *next) {
      b.CreateStore(b.getTrue(), allEmpty);
      w.forEachSlice(entry, [&](Value *, Value *s) {
        Value *start = w.sliceId(s), *last = w.sliceEnd(s);
        Value *occupied = b.CreateICmpNE(session ? start : last, w.emptyId());
        Value *closed = b.CreateICmpSLE(last, closedBefore);
        w.when(b.CreateAnd(occupied, closed), [&] {
          if (!session) { // ttl: the expired key's row (sessions were emitted in end order above)
            BasicBlock *after = fc.newBlock("fire.after");
            emitWindowRow(fc, aggregate,
                          windowRow(fc, aggregate, entry, start, b.CreateAdd(last, w.i64(timeout)),
                                    agg.aggregateValues(s)),
                          after);
            b.SetInsertPoint(after);
            afterRow();
          }
          emptySlice(s);
          if (!session)
            w.setSliceEnd(s, w.emptyId());
        });
        w.when(b.CreateAnd(occupied, b.CreateNot(closed)), [&] {
          b.CreateStore(b.getFalse(), allEmpty);
          b.CreateStore(w.min(b.CreateLoad(i64, nextFire), b.CreateAdd(last, w.i64(session ? timeout : timeout + 1))),
                        nextFire);
        });
      });
      markDirty(fc, entry);
      w.when(b.CreateLoad(b.getInt1Ty(), allEmpty), [&] { markDead(entry); });
      b.CreateBr(next);
    });
    break;
  }
  case ir::WindowKind::Rolling: {
    const ir::Schema &input = node(aggregate.input).schema;
    Value *evictBefore = b.CreateSub(watermark, w.i64(spec.sizeMs));
    emitEntryLoop(fc, table, entrySize, [&](Value *entry, Value *, BasicBlock *next) {
      Value *events = b.CreateLoad(abi_.ptr(), w.eventBufferSlot(entry));
      if (final) {
        // Rows before the watermark: no row at their time can still arrive.
        BasicBlock *pre = b.GetInsertBlock();
        BasicBlock *loop = fc.newBlock("roll.pending"), *emit = fc.newBlock("roll.emit");
        BasicBlock *done = fc.newBlock("roll.emitted");
        Value *first = b.CreateCall(abi_.fn("weir_event_buffer_emitted"), {events});
        Value *count = b.CreateCall(abi_.fn("weir_event_buffer_size"), {events});
        b.CreateBr(loop);
        b.SetInsertPoint(loop);
        PHINode *i = b.CreatePHI(i64, 2, "i");
        i->addIncoming(first, pre);
        BasicBlock *check = fc.newBlock("roll.check");
        b.CreateCondBr(b.CreateICmpULT(i, count), check, done);
        b.SetInsertPoint(check);
        Value *ts = b.CreateCall(abi_.fn("weir_event_buffer_ts"), {events, i});
        b.CreateCondBr(b.CreateICmpSLT(ts, watermark), emit, done);
        b.SetInsertPoint(emit);
        Value *lo = b.CreateCall(abi_.fn("weir_event_buffer_lower"), {events, b.CreateSub(ts, w.i64(spec.sizeMs))});
        Value *hi = b.CreateCall(abi_.fn("weir_event_buffer_upper"), {events, ts});
        Row out = loadRow(fc, b.CreateCall(abi_.fn("weir_event_buffer_row"), {events, i}), input);
        Row values = rollingValues(fc, aggregate, temp, events, lo, hi);
        out.insert(out.end(), values.begin(), values.end());
        BasicBlock *after = fc.newBlock("roll.after");
        emitWindowRow(fc, aggregate, out, after);
        b.SetInsertPoint(after);
        afterRow();
        agg.destroySlice(temp);
        i->addIncoming(b.CreateAdd(i, w.i64(1)), b.GetInsertBlock());
        b.CreateBr(loop);
        b.SetInsertPoint(done);
        PHINode *emitted = b.CreatePHI(i64, 2, "emitted");
        emitted->addIncoming(i, loop);
        emitted->addIncoming(i, check);
        b.CreateCall(abi_.fn("weir_event_buffer_set_emitted"), {events, emitted});
      }
      b.CreateCall(abi_.fn("weir_event_buffer_evict"), {events, evictBefore});
      markDirty(fc, entry);
      Value *left = b.CreateCall(abi_.fn("weir_event_buffer_size"), {events});
      Value *pending = b.CreateCall(abi_.fn("weir_event_buffer_emitted"), {events});
      BasicBlock *dead = fc.newBlock("roll.dead"), *alive = fc.newBlock("roll.alive");
      b.CreateCondBr(b.CreateICmpEQ(left, w.i64(0)), dead, alive);
      b.SetInsertPoint(dead);
      markDead(entry);
      b.CreateBr(next);
      b.SetInsertPoint(alive);
      // Fire again when the first pending row completes (final) or the
      // oldest row leaves the range (updates).
      Value *hasPending = final ? b.CreateICmpULT(pending, left) : b.getTrue();
      w.when(hasPending, [&] {
        Value *at = final ? b.CreateAdd(b.CreateCall(abi_.fn("weir_event_buffer_ts"), {events, pending}), w.i64(1))
                          : b.CreateAdd(b.CreateCall(abi_.fn("weir_event_buffer_ts"), {events, w.i64(0)}),
                                        w.i64(spec.sizeMs + 1));
        b.CreateStore(w.min(b.CreateLoad(i64, nextFire), at), nextFire);
      });
      b.CreateBr(next);
    });
    break;
  }
  }
  w.storeClock(RuntimeABI::CK_NextFire, b.CreateLoad(i64, nextFire));
  w.storeClock(RuntimeABI::CK_FiredUpto, watermark);
  b.CreateCall(abi_.fn("weir_ht_compact"), {table});
  fc.exitWith(ConstantInt::get(abi_.i32(), 0));
  fc.finish();
  return f;
}

} // namespace weir::codegen
