#include "codegen/HashProbe.h"

using namespace llvm;

namespace weir::codegen {

namespace {
// splitmix64's finalizer: a fast, well-mixed 64-bit hash for integer keys.
Value *mix64(IRBuilder<> &b, Value *x) {
  llvm::Type *i64 = x->getType();
  x = b.CreateXor(x, b.CreateLShr(x, 30));
  x = b.CreateMul(x, ConstantInt::get(i64, 0xbf58476d1ce4e5b9ULL));
  x = b.CreateXor(x, b.CreateLShr(x, 27));
  x = b.CreateMul(x, ConstantInt::get(i64, 0x94d049bb133111ebULL));
  return b.CreateXor(x, b.CreateLShr(x, 31));
}
} // namespace

Value *emitKeyHash(FunctionContext &fc, ArrayRef<CgValue> keys) {
  IRBuilder<> &b = fc.builder();
  RuntimeABI &abi = fc.abi();
  Value *h = ConstantInt::get(abi.i64(), 0x9E3779B97F4A7C15ULL);
  for (const CgValue &k : keys) {
    Value *part;
    if (k.type.kind == TypeKind::String) {
      part = b.CreateCall(abi.fn("weir_hash_bytes"), {k.value, k.length, ConstantInt::get(abi.i64(), 0)});
    } else {
      Value *bits = k.value;
      if (k.type.kind == TypeKind::Float64) // -0.0 and 0.0 are one key
        bits = b.CreateBitCast(b.CreateFAdd(k.value, ConstantFP::get(abi.f64(), 0.0)), abi.i64());
      else if (k.type.kind == TypeKind::Bool)
        bits = b.CreateZExt(k.value, abi.i64());
      part = mix64(b, b.CreateAdd(bits, ConstantInt::get(abi.i64(), 0x632BE59BD9B4E019ULL)));
    }
    if (k.isNull)
      part = b.CreateSelect(k.isNull, ConstantInt::get(abi.i64(), 0x5851F42D4C957F2DULL), part);
    // One key is hashed already (xxHash3, or the finalizer above): a second
    // round would only lengthen the probe's dependency chain (YSB's two
    // probes per row spent ~20% of their cycles in it). Keys are combined
    // with a round each.
    if (keys.size() == 1)
      return part;
    h = mix64(b, b.CreateAdd(b.CreateMul(h, ConstantInt::get(abi.i64(), 31)), part));
  }
  return h;
}

ProbeResult emitProbe(FunctionContext &fc, Value *table, Value *hash, uint32_t entrySize,
                      const std::function<Value *(Value *entry)> &keysEqual) {
  IRBuilder<> &b = fc.builder();
  RuntimeABI &abi = fc.abi();
  StructType *htType = abi.hashTableType();
  llvm::Type *i64 = abi.i64();

  Value *slots = b.CreateLoad(abi.ptr(), b.CreateStructGEP(htType, table, RuntimeABI::HT_Slots), "slots");
  Value *mask = b.CreateLoad(i64, b.CreateStructGEP(htType, table, RuntimeABI::HT_Mask), "mask");
  Value *entries =
      b.CreateLoad(abi.ptr(), b.CreateStructGEP(htType, table, RuntimeABI::HT_Entries), "entries");
  Value *tag = b.CreateLShr(hash, 32);
  Value *start = b.CreateAnd(hash, mask);
  BasicBlock *pre = b.GetInsertBlock();

  BasicBlock *loop = fc.newBlock("probe");
  BasicBlock *tagHit = fc.newBlock("probe.tag");
  BasicBlock *hashHit = fc.newBlock("probe.hash");
  BasicBlock *advance = fc.newBlock("probe.next");
  ProbeResult r;
  r.found = fc.newBlock("probe.found");
  r.notFound = fc.newBlock("probe.empty");
  b.CreateBr(loop);

  b.SetInsertPoint(loop);
  PHINode *i = b.CreatePHI(i64, 2, "slot");
  i->addIncoming(start, pre);
  Value *s = b.CreateLoad(i64, b.CreateGEP(i64, slots, i));
  Value *empty = b.CreateICmpEQ(s, ConstantInt::get(i64, 0));
  BasicBlock *occupied = fc.newBlock("probe.occupied");
  b.CreateCondBr(empty, r.notFound, occupied);

  b.SetInsertPoint(occupied);
  b.CreateCondBr(b.CreateICmpEQ(b.CreateLShr(s, 32), tag), tagHit, advance);

  b.SetInsertPoint(tagHit);
  Value *index = b.CreateSub(b.CreateAnd(s, ConstantInt::get(i64, 0xffffffffULL)), ConstantInt::get(i64, 1));
  Value *entry = b.CreateGEP(abi.i8(), entries, b.CreateMul(index, ConstantInt::get(i64, entrySize)), "entry");
  Value *storedHash = b.CreateLoad(i64, entry);
  b.CreateCondBr(b.CreateICmpEQ(storedHash, hash), hashHit, advance);

  b.SetInsertPoint(hashHit);
  Value *equal = keysEqual(entry);
  b.CreateCondBr(equal, r.found, advance);

  b.SetInsertPoint(advance);
  Value *next = b.CreateAnd(b.CreateAdd(i, ConstantInt::get(i64, 1)), mask);
  i->addIncoming(next, advance);
  b.CreateBr(loop);

  r.entry = entry;
  r.entryIndex = index;
  r.slot = i;
  r.hash = hash;
  b.ClearInsertionPoint();
  return r;
}

void emitEntryLoop(FunctionContext &fc, Value *table, uint32_t entrySize,
                   const std::function<void(Value *, Value *, BasicBlock *)> &body,
                   const std::function<void()> &atLatch) {
  IRBuilder<> &b = fc.builder();
  RuntimeABI &abi = fc.abi();
  StructType *htType = abi.hashTableType();
  llvm::Type *i64 = abi.i64();
  BasicBlock *pre = b.GetInsertBlock();
  BasicBlock *loop = fc.newBlock("entries.next"), *visit = fc.newBlock("entries.visit");
  BasicBlock *latch = fc.newBlock("entries.latch"), *done = fc.newBlock("entries.done");
  b.CreateBr(loop);

  b.SetInsertPoint(loop);
  PHINode *i = b.CreatePHI(i64, 2, "i");
  i->addIncoming(ConstantInt::get(i64, 0), pre);
  Value *count = b.CreateLoad(i64, b.CreateStructGEP(htType, table, RuntimeABI::HT_Count));
  b.CreateCondBr(b.CreateICmpULT(i, count), visit, done);

  b.SetInsertPoint(visit);
  Value *entries = b.CreateLoad(abi.ptr(), b.CreateStructGEP(htType, table, RuntimeABI::HT_Entries));
  Value *entry = b.CreateGEP(abi.i8(), entries, b.CreateMul(i, ConstantInt::get(i64, entrySize)), "entry");
  body(entry, i, latch);

  b.SetInsertPoint(latch);
  if (atLatch)
    atLatch();
  i->addIncoming(b.CreateAdd(i, ConstantInt::get(i64, 1)), b.GetInsertBlock());
  b.CreateBr(loop);
  b.SetInsertPoint(done);
}

void emitChangedOrAllEntriesLoop(FunctionContext &fc, Value *table, uint32_t entrySize,
                                 const std::function<void(Value *, Value *, BasicBlock *)> &body,
                                 const std::function<void()> &atLatch) {
  IRBuilder<> &b = fc.builder();
  RuntimeABI &abi = fc.abi();
  StructType *htType = abi.hashTableType();
  llvm::Type *i64 = abi.i64();
  Value *changed =
      b.CreateLoad(abi.ptr(), b.CreateStructGEP(htType, table, RuntimeABI::HT_Changed), "changed");
  Value *tracking = b.CreateIsNotNull(changed, "tracking");
  BasicBlock *pre = b.GetInsertBlock();
  BasicBlock *list = fc.newBlock("changed.list"), *loop = fc.newBlock("entries.next");
  BasicBlock *pick = fc.newBlock("entries.pick"), *fromList = fc.newBlock("entries.listed");
  BasicBlock *visit = fc.newBlock("entries.visit"), *latch = fc.newBlock("entries.latch");
  BasicBlock *done = fc.newBlock("entries.done"), *clear = fc.newBlock("changed.clear");
  BasicBlock *after = fc.newBlock("entries.after");
  b.CreateCondBr(tracking, list, loop);

  b.SetInsertPoint(list);
  Value *listedCount = b.CreateCall(abi.fn("weir_ht_changed_count"), {table}, "listed.count");
  Value *listedIndices = b.CreateCall(abi.fn("weir_ht_changed_indices"), {table}, "listed.indices");
  b.CreateBr(loop);

  // j counts visited entries; the entry visited is j itself, or the list's j-th.
  b.SetInsertPoint(loop);
  PHINode *j = b.CreatePHI(i64, 3, "j");
  PHINode *nListed = b.CreatePHI(i64, 3, "n.listed");
  PHINode *indices = b.CreatePHI(abi.ptr(), 3, "indices");
  j->addIncoming(ConstantInt::get(i64, 0), pre);
  j->addIncoming(ConstantInt::get(i64, 0), list);
  nListed->addIncoming(ConstantInt::get(i64, 0), pre);
  nListed->addIncoming(listedCount, list);
  indices->addIncoming(ConstantPointerNull::get(abi.ptr()), pre);
  indices->addIncoming(listedIndices, list);
  Value *count = b.CreateLoad(i64, b.CreateStructGEP(htType, table, RuntimeABI::HT_Count));
  Value *bound = b.CreateSelect(tracking, nListed, count, "bound");
  b.CreateCondBr(b.CreateICmpULT(j, bound), pick, done);

  b.SetInsertPoint(pick);
  b.CreateCondBr(tracking, fromList, visit);
  b.SetInsertPoint(fromList);
  Value *listed = b.CreateLoad(i64, b.CreateGEP(i64, indices, j), "listed.index");
  b.CreateBr(visit);

  b.SetInsertPoint(visit);
  PHINode *i = b.CreatePHI(i64, 2, "i");
  i->addIncoming(j, pick);
  i->addIncoming(listed, fromList);
  Value *entries = b.CreateLoad(abi.ptr(), b.CreateStructGEP(htType, table, RuntimeABI::HT_Entries));
  Value *entry = b.CreateGEP(abi.i8(), entries, b.CreateMul(i, ConstantInt::get(i64, entrySize)), "entry");
  body(entry, i, latch);

  b.SetInsertPoint(latch);
  if (atLatch)
    atLatch();
  BasicBlock *latchEnd = b.GetInsertBlock();
  j->addIncoming(b.CreateAdd(j, ConstantInt::get(i64, 1)), latchEnd);
  nListed->addIncoming(nListed, latchEnd);
  indices->addIncoming(indices, latchEnd);
  b.CreateBr(loop);

  b.SetInsertPoint(done);
  b.CreateCondBr(tracking, clear, after);
  b.SetInsertPoint(clear);
  b.CreateCall(abi.fn("weir_ht_changed_clear"), {table});
  b.CreateBr(after);
  b.SetInsertPoint(after);
}

} // namespace weir::codegen
