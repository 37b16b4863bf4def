#include "codegen/StateAccess.h"

using namespace llvm;

namespace weir::codegen {

Value *StateAccess::fieldPtr(Value *entry, uint32_t offset) {
  return fc_.builder().CreateConstInBoundsGEP1_64(fc_.abi().i8(), entry, offset);
}

CgValue StateAccess::load(Value *entry, const ir::StateSlot &slot, Type type) {
  IRBuilder<> &b = fc_.builder();
  RuntimeABI &abi = fc_.abi();
  CgValue v;
  v.type = type;
  Value *at = fieldPtr(entry, slot.offset);
  switch (type.kind) {
  case TypeKind::Bool:
    v.value = b.CreateICmpNE(b.CreateLoad(abi.i8(), at), ConstantInt::get(abi.i8(), 0));
    break;
  case TypeKind::Float64: v.value = b.CreateLoad(abi.f64(), at); break;
  case TypeKind::String:
    v.value = b.CreateLoad(abi.ptr(), at);
    v.length = b.CreateLoad(abi.i64(), fieldPtr(entry, slot.offset + RuntimeABI::kStrLenOffset));
    break;
  default: v.value = b.CreateLoad(abi.i64(), at); break;
  }
  if (type.nullable && slot.nullBit >= 0)
    v.isNull = nullBitSet(entry, slot.nullBit);
  else
    v.type.nullable = false;
  return v;
}

void StateAccess::storePayload(Value *entry, const ir::StateSlot &slot, const CgValue &v) {
  IRBuilder<> &b = fc_.builder();
  Value *at = fieldPtr(entry, slot.offset);
  switch (v.type.kind) {
  case TypeKind::Bool: b.CreateStore(b.CreateZExt(v.value, fc_.abi().i8()), at); break;
  case TypeKind::String:
    b.CreateStore(v.value, at);
    b.CreateStore(v.length, fieldPtr(entry, slot.offset + RuntimeABI::kStrLenOffset));
    break;
  default: b.CreateStore(v.value, at); break;
  }
}

Value *StateAccess::nullBitSet(Value *entry, int bit) {
  IRBuilder<> &b = fc_.builder();
  Value *byte = b.CreateLoad(fc_.abi().i8(), fieldPtr(entry, bitmapOffset_ + bit / 8));
  Value *masked = b.CreateAnd(byte, ConstantInt::get(fc_.abi().i8(), 1u << (bit % 8)));
  return b.CreateICmpNE(masked, ConstantInt::get(fc_.abi().i8(), 0));
}

void StateAccess::setNullBit(Value *entry, int bit, Value *isNull) {
  IRBuilder<> &b = fc_.builder();
  Value *at = fieldPtr(entry, bitmapOffset_ + bit / 8);
  Value *byte = b.CreateLoad(fc_.abi().i8(), at);
  uint8_t mask = 1u << (bit % 8);
  Value *cleared = b.CreateAnd(byte, ConstantInt::get(fc_.abi().i8(), (uint8_t)~mask));
  Value *bitValue = b.CreateSelect(isNull, ConstantInt::get(fc_.abi().i8(), mask),
                                   ConstantInt::get(fc_.abi().i8(), 0));
  b.CreateStore(b.CreateOr(cleared, bitValue), at);
}

void StateAccess::initBitmap(Value *entry, const std::vector<int> &initiallySet) {
  std::vector<uint8_t> bytes(layout_.nullBitmapBytes, 0);
  for (int bit : initiallySet)
    bytes[bit / 8] |= 1u << (bit % 8);
  for (size_t i = 0; i < bytes.size(); ++i)
    fc_.builder().CreateStore(ConstantInt::get(fc_.abi().i8(), bytes[i]),
                              fieldPtr(entry, bitmapOffset_ + i));
}

void markDirty(FunctionContext &fc, llvm::Value *entry) {
  llvm::IRBuilder<> &b = fc.builder();
  b.CreateStore(b.getInt32(1), b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), entry,
                                                            RuntimeABI::kEntryDirtyOffset));
}

void markChanged(FunctionContext &fc, llvm::Value *table, llvm::Value *index) {
  llvm::IRBuilder<> &b = fc.builder();
  RuntimeABI &abi = fc.abi();
  Value *changedAt = b.CreateStructGEP(abi.hashTableType(), table, RuntimeABI::HT_Changed);
  Value *changed = b.CreateLoad(abi.ptr(), changedAt, "changed");
  BasicBlock *mark = fc.newBlock("changed.mark"), *done = fc.newBlock("changed.done");
  b.CreateCondBr(b.CreateIsNotNull(changed), mark, done);
  b.SetInsertPoint(mark);
  b.CreateCall(abi.fn("weir_ht_mark_changed"), {table, index});
  b.CreateBr(done);
  b.SetInsertPoint(done);
}

} // namespace weir::codegen
