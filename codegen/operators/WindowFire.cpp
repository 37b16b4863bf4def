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
#include "codegen/operators/WindowFire.h"
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
  Value *temp = fc.entryAlloca(i64, "window", std::max<uint32_t>(layout.sliceSize / 8, 1));
  Value *nextFire = fc.entryAlloca(i64, "nextfire");
  Value *allEmpty = fc.entryAlloca(b.getInt1Ty(), "allempty");
  b.CreateStore(w.i64(INT64_MAX), nextFire);

  // After an emitted row: computed strings go, unless the caller's own row
  // (a scan's record) still needs them.

  FireContext c{fc, aggregate, w, agg, table, watermark, resetScratch, temp, nextFire, allEmpty, final, destroys};
  switch (spec.kind) {
  case ir::WindowKind::Tumbling:
  case ir::WindowKind::Hopping: fireSlices(c); break;
  case ir::WindowKind::Session:
  case ir::WindowKind::None: fireSessions(c); break; // sessions, and ttl's single running aggregate per key
  case ir::WindowKind::Rolling: fireRolling(c); break;
  }
  w.storeClock(RuntimeABI::CK_NextFire, b.CreateLoad(i64, nextFire));
  w.storeClock(RuntimeABI::CK_FiredUpto, watermark);
  b.CreateCall(abi_.fn("weir_ht_compact"), {table});
  fc.exitWith(ConstantInt::get(abi_.i32(), 0));
  fc.finish();
  return f;
}

// After an emitted row: computed strings go, unless the caller's own row
// (a scan's record) still needs them.
void FireContext::afterRow() {
  IRBuilder<> &b = fc.builder();
  w.when(resetScratch, [&] { b.CreateCall(fc.abi().fn("weir_arena_reset"), {fc.scratch()}); });
}

void FireContext::emptySlice(Value *slice) {
  if (destroys)
    agg.destroySlice(slice);
  agg.initSlice(slice);
  w.setSliceId(slice, w.emptyId());
}

void FireContext::markDead(Value *entry) {
  IRBuilder<> &b = fc.builder();
  b.CreateStore(b.getInt32(WEIR_ENTRY_DEAD),
                b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), entry, RuntimeABI::kEntryNextOffset));
}

} // namespace weir::codegen
