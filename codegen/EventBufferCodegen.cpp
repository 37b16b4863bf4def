#include "codegen/EventBufferCodegen.h"

#include "weir/runtime.h"

using namespace llvm;

namespace weir::codegen {

EventBufferCodegen::EventBufferCodegen(FunctionContext &fc, Value *buffer)
    : fc_(fc), b_(fc.builder()), abi_(fc.abi()), buffer_(buffer) {}

Value *EventBufferCodegen::field(RuntimeABI::EventBufferField f) {
  return b_.CreateStructGEP(abi_.eventBufferType(), buffer_, f);
}

Value *EventBufferCodegen::load(RuntimeABI::EventBufferField f) {
  StructType *type = abi_.eventBufferType();
  return b_.CreateLoad(type->getElementType(f), field(f));
}

Value *EventBufferCodegen::count() { return load(RuntimeABI::EB_Count); }
Value *EventBufferCodegen::emitted() { return load(RuntimeABI::EB_Emitted); }
void EventBufferCodegen::setEmitted(Value *n) { b_.CreateStore(n, field(RuntimeABI::EB_Emitted)); }

Value *EventBufferCodegen::slot(Value *i) {
  Value *position = b_.CreateAnd(b_.CreateAdd(load(RuntimeABI::EB_Head), i), load(RuntimeABI::EB_Mask));
  // The slots follow the header (runtime.h).
  Value *slots = b_.CreateConstInBoundsGEP1_64(abi_.i8(), buffer_, sizeof(WeirEventBuffer), "slots");
  return b_.CreateInBoundsGEP(abi_.eventSlotType(), slots, position);
}

Value *EventBufferCodegen::ts(Value *i) {
  return b_.CreateLoad(abi_.i64(), b_.CreateStructGEP(abi_.eventSlotType(), slot(i), RuntimeABI::ES_Ts), "row.ts");
}

Value *EventBufferCodegen::row(Value *i) {
  return b_.CreateLoad(abi_.ptr(), b_.CreateStructGEP(abi_.eventSlotType(), slot(i), RuntimeABI::ES_Row), "row");
}

// Branch-free halving over [0, count): rows are in event-time order.
Value *EventBufferCodegen::search(Value *t, bool strict) {
  IntegerType *i64 = abi_.i64();
  Value *n = count();
  BasicBlock *pre = b_.GetInsertBlock();
  BasicBlock *loop = fc_.newBlock("ebuf.search"), *body = fc_.newBlock("ebuf.halve");
  BasicBlock *done = fc_.newBlock("ebuf.found");
  b_.CreateBr(loop);
  b_.SetInsertPoint(loop);
  PHINode *lo = b_.CreatePHI(i64, 2, "lo");
  PHINode *hi = b_.CreatePHI(i64, 2, "hi");
  lo->addIncoming(ConstantInt::get(i64, 0), pre);
  hi->addIncoming(n, pre);
  b_.CreateCondBr(b_.CreateICmpULT(lo, hi), body, done);
  b_.SetInsertPoint(body);
  Value *mid = b_.CreateAdd(lo, b_.CreateLShr(b_.CreateSub(hi, lo), 1));
  Value *at = ts(mid);
  Value *after = strict ? b_.CreateICmpSGT(at, t) : b_.CreateICmpSGE(at, t);
  lo->addIncoming(b_.CreateSelect(after, lo, b_.CreateAdd(mid, ConstantInt::get(i64, 1))), body);
  hi->addIncoming(b_.CreateSelect(after, mid, hi), body);
  b_.CreateBr(loop);
  b_.SetInsertPoint(done);
  return lo;
}

Value *EventBufferCodegen::window(uint32_t sliceBytes) {
  Value *existing = load(RuntimeABI::EB_Window);
  BasicBlock *pre = b_.GetInsertBlock();
  BasicBlock *make = fc_.newBlock("ebuf.window.new"), *done = fc_.newBlock("ebuf.window");
  // A pooled buffer may come with another aggregate's accumulator: the
  // runtime replaces it.
  Value *mine = b_.CreateICmpEQ(load(RuntimeABI::EB_SliceBytes), ConstantInt::get(abi_.i64(), sliceBytes));
  b_.CreateCondBr(b_.CreateOr(b_.CreateIsNull(existing), b_.CreateNot(mine)), make, done);
  b_.SetInsertPoint(make);
  Value *made = b_.CreateCall(abi_.fn("weir_event_buffer_window"), {buffer_, b_.getInt32(sliceBytes)});
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
  PHINode *window = b_.CreatePHI(abi_.ptr(), 2, "window");
  window->addIncoming(existing, pre);
  window->addIncoming(made, make);
  return window;
}

Value *EventBufferCodegen::suffix(Value *i, uint32_t sliceBytes) {
  Value *position = b_.CreateAnd(b_.CreateAdd(load(RuntimeABI::EB_Head), i), load(RuntimeABI::EB_Mask));
  Value *offset = b_.CreateMul(position, ConstantInt::get(abi_.i64(), sliceBytes));
  return b_.CreateInBoundsGEP(abi_.i8(), load(RuntimeABI::EB_Suffixes), offset, "suffix");
}

void EventBufferCodegen::evict(Value *before) {
  IntegerType *i64 = abi_.i64();
  BasicBlock *check = fc_.newBlock("ebuf.evict.check"), *call = fc_.newBlock("ebuf.evict");
  BasicBlock *done = fc_.newBlock("ebuf.evicted");
  // emitted <= count, so emitted > 0 means a first row exists.
  b_.CreateCondBr(b_.CreateICmpUGT(emitted(), ConstantInt::get(i64, 0)), check, done);
  b_.SetInsertPoint(check);
  b_.CreateCondBr(b_.CreateICmpSLT(ts(ConstantInt::get(i64, 0)), before), call, done);
  b_.SetInsertPoint(call);
  b_.CreateCall(abi_.fn("weir_event_buffer_evict"), {buffer_, before});
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
}

} // namespace weir::codegen
