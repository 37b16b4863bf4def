// What a windowed aggregate emits when its watermark moves: the fire
// function visits the keys whose event-time timers the watermark reached
// (runtime/src/EventTimers.cpp), emits the windows (sessions, rolling rows,
// expired ttl keys) the watermark completed through the aggregate's emit
// stage, frees the slices no open window needs, re-arms each visited key at
// its next due time, marks keys with nothing left dead and compacts the table. The emit stage calls it once more with an
// infinite watermark at the end of a bounded input. Also here: the clock the
// scan advances and the window rows the update translator emits too.
#include "codegen/AggregateCodegen.h"
#include "codegen/EventBufferCodegen.h"
#include "codegen/HashProbe.h"
#include "codegen/RowBuffer.h"
#include "codegen/StageCodegen.h"
#include "codegen/operators/WindowFire.h"
#include "weir/runtime.h"

#include <climits>

using namespace llvm;

namespace weir::codegen {

const ir::Stage &WindowFire::emitStageOf(const ir::Node &aggregate) const {
  for (const ir::Stage &stage : driver_.program().stages)
    if (stage.kind == ir::StageKind::Emit && stage.nodes.front() == aggregate.id)
      return stage;
  assert(false && "an aggregate without an emit stage");
  return driver_.program().stages.front();
}

void WindowFire::emitWindowRow(FunctionContext &fc, const ir::Node &aggregate, const Row &row, BasicBlock *next) {
  driver_.consume(fc, emitStageOf(aggregate), 1, row, next);
}

void WindowFire::emitWindow(FunctionContext &fc, const ir::Node &aggregate, Value *entry, Value *windowStart,
                            Value *windowEnd, const Row &values, BasicBlock *next) {
  SmallVector<CgValue, 4> keys = AggregateCodegen(fc, aggregate).loadKeys(entry);
  Row row(keys.begin(), keys.end());
  if (aggregate.window.kind != ir::WindowKind::None) {
    Type ts = Type::of(TypeKind::Timestamp);
    row.push_back(CgValue{windowStart, nullptr, nullptr, ts});
    row.push_back(CgValue{windowEnd, nullptr, nullptr, ts});
  }
  row.insert(row.end(), values.begin(), values.end());
  emitWindowRow(fc, aggregate, row, next);
}

Row WindowFire::rollingValues(FunctionContext &fc, const ir::Node &aggregate, Value *temp, Value *buffer,
                              Value *lo, Value *hi, Value *watermark) {
  if (!AggregateCodegen::slicesOwnMemory(aggregate))
    return watermark ? slidingUpdateValues(fc, aggregate, temp, buffer, lo, hi, watermark)
                     : slidingValues(fc, aggregate, temp, buffer, lo, hi);
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
  Value *stored = EventBufferCodegen(fc, buffer).row(j);
  Row row = loadRow(fc, stored, input);
  // Windowed accumulators never use the table or the entry index.
  agg.setEventTime(row[aggregate.timeColumn].value);
  agg.update(ConstantPointerNull::get(abi_.ptr()), temp, ConstantInt::get(abi_.i64(), 0), row);
  j->addIncoming(b.CreateAdd(j, ConstantInt::get(abi_.i64(), 1)), b.GetInsertBlock());
  b.CreateBr(loop);
  b.SetInsertPoint(done);
  return agg.aggregateValues(temp);
}

void FireContext::emitInEndOrder(const std::function<void(Value *entry, Value *index)> &collect,
                                 const std::function<void(Value *entry, Value *item, BasicBlock *next)> &emit) {
  fireList = b.CreateCall(abi.fn("weir_fire_list_new"), {});
  forEachDueEntry([&](Value *entry, Value *index, BasicBlock *next) {
    collect(entry, index);
    b.CreateBr(next);
  }, /*rearm=*/false);
  Value *count = b.CreateCall(abi.fn("weir_fire_list_sort"), {fireList});
  forEachEntryOf(
      count, [&](Value *i) { return b.CreateCall(abi.fn("weir_fire_list_entry"), {fireList, i}); }, "order",
      [&](Value *i, Value *entry, Value *, BasicBlock *next) {
        Value *item = b.CreateCall(abi.fn("weir_fire_list_item"), {fireList, i});
        BasicBlock *emitted = fc.newBlock("order.emitted");
        emit(entry, item, emitted);
        b.SetInsertPoint(emitted);
        afterRow();
        b.CreateBr(next);
      });
  b.CreateCall(abi.fn("weir_fire_list_free"), {fireList});
}

void FireContext::forEachEntryOf(Value *count, const std::function<Value *(Value *i)> &indexOf, const char *name,
                                 const std::function<void(Value *i, Value *entry, Value *index, BasicBlock *next)> &body) {
  std::string n(name);
  BasicBlock *pre = b.GetInsertBlock();
  BasicBlock *loop = fc.newBlock(n + ".next"), *visit = fc.newBlock(n + ".visit");
  BasicBlock *latch = fc.newBlock(n + ".latch"), *done = fc.newBlock(n + ".done");
  b.CreateBr(loop);
  b.SetInsertPoint(loop);
  PHINode *i = b.CreatePHI(i64, 2, n + ".i");
  i->addIncoming(w.i64(0), pre);
  b.CreateCondBr(b.CreateICmpULT(i, count), visit, done);
  b.SetInsertPoint(visit);
  Value *index = indexOf(i);
  // Entries move when the table grows: their address is taken afresh each time.
  Value *entries = b.CreateLoad(abi.ptr(), b.CreateStructGEP(abi.hashTableType(), table, RuntimeABI::HT_Entries));
  Value *entry = b.CreateGEP(b.getInt8Ty(), entries, b.CreateMul(index, w.i64(entrySize)), n + ".entry");
  body(i, entry, index, latch);
  b.SetInsertPoint(latch);
  i->addIncoming(b.CreateAdd(i, w.i64(1)), b.GetInsertBlock());
  b.CreateBr(loop);
  b.SetInsertPoint(done);
}

Function *WindowFire::fireFunction(const ir::Node &aggregate) {
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
  int stateIndex = driver_.index().stateOf.at(aggregate.id);
  Value *table = fc.state(stateIndex);
  WindowCodegen w(fc, aggregate, fc.clock(stateIndex));
  AggregateCodegen agg(fc, aggregate);
  FireContext(*this, fc, aggregate, w, agg, table).fire();
  fc.exitWith(ConstantInt::get(abi_.i32(), 0));
  fc.finish();
  return f;
}

// Called by the scan for every record its source decodes, before any
// filter: the watermark belongs to the source. The late test in the
// aggregate compares with the watermark after this record, which is the
// same test: a record that raised the watermark is at or after it.
void WindowFire::advanceEventTime(FunctionContext &fc, const ir::Node &aggregate, Value *ts) {
  IRBuilder<> &b = fc.builder();
  WindowCodegen w(fc, aggregate, fc.clock(driver_.index().stateOf.at(aggregate.id)));
  // The watermark only moves forward; what it completed fires before this
  // row is folded (the row is at or after it, so in none of those windows).
  Value *maxTs = w.max(w.loadClock(RuntimeABI::CK_MaxEventTime), ts);
  w.storeClock(RuntimeABI::CK_MaxEventTime, maxTs);
  Value *watermark = b.CreateSub(maxTs, w.i64(aggregate.watermarkDelayMs), "watermark");
  w.storeClock(RuntimeABI::CK_Watermark, watermark);
  w.when(b.CreateICmpSGE(watermark, w.loadClock(RuntimeABI::CK_NextFire)), [&] {
    fc.exitOnError(b.CreateCall(fireFunction(aggregate), {fc.task(), watermark, b.getInt8(0)}));
  });
}

FireContext::FireContext(WindowFire &windows, FunctionContext &fc, const ir::Node &aggregate, WindowCodegen &w,
                         AggregateCodegen &agg, Value *table)
    : windows(windows), fc(fc), b(fc.builder()), abi(fc.abi()), aggregate(aggregate), spec(aggregate.window),
      w(w), agg(agg), i64(abi.i64()), entrySize(aggregate.layout.entrySize),
      final(spec.emit == ir::EmitPolicy::Final), destroys(AggregateCodegen::needsDestroy(aggregate)),
      table(table) {
  Function *f = fc.function();
  watermark = f->getArg(1);
  resetScratch = b.CreateICmpNE(f->getArg(2), b.getInt8(0));
  temp = fc.entryAlloca(i64, "window", std::max<uint32_t>(aggregate.layout.sliceSize / 8, 1));
  keyNext = fc.entryAlloca(i64, "keynext");
  allEmpty = fc.entryAlloca(b.getInt1Ty(), "allempty");
  // Only the keys whose timers the watermark reached have anything to fire.
  dueCount = b.CreateCall(abi.fn("weir_timers_pop_due"), {table, watermark}, "due.count");
  dueIndices = b.CreateCall(abi.fn("weir_timers_due"), {table}, "due.indices");
}

void FireContext::forEachDueEntry(const std::function<void(Value *entry, Value *index, BasicBlock *next)> &body,
                                  bool rearm) {
  forEachEntryOf(
      dueCount, [&](Value *i) { return b.CreateLoad(i64, b.CreateGEP(i64, dueIndices, i), "due.index"); }, "due",
      [&](Value *, Value *entry, Value *index, BasicBlock *next) {
        if (rearm)
          b.CreateStore(w.i64(INT64_MAX), keyNext);
        BasicBlock *visited = fc.newBlock("due.visited");
        body(entry, index, visited);
        b.SetInsertPoint(visited);
        if (rearm) {
          Value *at = b.CreateLoad(i64, keyNext);
          w.when(b.CreateICmpNE(at, w.i64(INT64_MAX)),
                 [&] { b.CreateCall(abi.fn("weir_timer_add"), {table, index, at}); });
        }
        b.CreateBr(next);
      });
}

void FireContext::rearmAt(Value *time) { b.CreateStore(w.min(b.CreateLoad(i64, keyNext), time), keyNext); }

void FireContext::fire() {
  switch (spec.kind) {
  case ir::WindowKind::Tumbling:
  case ir::WindowKind::Hopping: fireSlices(); break;
  case ir::WindowKind::Session:
  case ir::WindowKind::None: fireSessions(); break; // sessions, and ttl's single running aggregate per key
  case ir::WindowKind::Rolling: fireRolling(); break;
  }
  w.storeClock(RuntimeABI::CK_NextFire, b.CreateCall(abi.fn("weir_timers_next"), {table}));
  w.storeClock(RuntimeABI::CK_FiredUpto, watermark);
  b.CreateCall(abi.fn("weir_ht_compact"), {table});
}

void FireContext::afterRow() {
  w.when(resetScratch, [&] { b.CreateCall(abi.fn("weir_arena_reset"), {fc.scratch()}); });
}

void FireContext::emptySlice(Value *slice) {
  if (destroys)
    agg.destroySlice(slice);
  agg.initSlice(slice);
  w.setSliceId(slice, w.emptyId());
}

void FireContext::markDead(Value *index) { b.CreateCall(abi.fn("weir_ht_mark_dead"), {table, index}); }

} // namespace weir::codegen
