#include "codegen/WindowCodegen.h"
#include "weir/runtime.h"

#include <climits>

using namespace llvm;

namespace weir::codegen {

WindowCodegen::WindowCodegen(FunctionContext &fc, const ir::Node &aggregate, Value *clock)
    : fc_(fc), node_(aggregate), clock_(clock) {}

int64_t WindowCodegen::slide() const {
  return spec().kind == ir::WindowKind::Hopping ? spec().slideMs : spec().sizeMs;
}

int64_t WindowCodegen::slicesPerWindow() const { return spec().sizeMs / slide(); }

Value *WindowCodegen::i64(int64_t v) { return ConstantInt::get(fc_.abi().i64(), v); }
Value *WindowCodegen::emptyId() const { return ConstantInt::get(fc_.abi().i64(), INT64_MIN); }

Value *WindowCodegen::loadClock(RuntimeABI::ClockField field) {
  IRBuilder<> &b = fc_.builder();
  return b.CreateLoad(fc_.abi().i64(), b.CreateStructGEP(fc_.abi().clockType(), clock_, field));
}

void WindowCodegen::storeClock(RuntimeABI::ClockField field, Value *v) {
  IRBuilder<> &b = fc_.builder();
  b.CreateStore(v, b.CreateStructGEP(fc_.abi().clockType(), clock_, field));
}

void WindowCodegen::lowerNextFire(Value *candidate) {
  storeClock(RuntimeABI::CK_NextFire, min(loadClock(RuntimeABI::CK_NextFire), candidate));
}

Value *WindowCodegen::slice(Value *entry, uint32_t k) {
  const ir::StateLayout &l = node_.layout;
  return fc_.builder().CreateConstInBoundsGEP1_64(fc_.abi().i8(), entry, l.sliceOffset + k * l.sliceSize);
}

Value *WindowCodegen::slice(Value *entry, Value *k) {
  const ir::StateLayout &l = node_.layout;
  IRBuilder<> &b = fc_.builder();
  Value *offset = b.CreateAdd(i64(l.sliceOffset), b.CreateMul(k, i64(l.sliceSize)));
  return b.CreateInBoundsGEP(fc_.abi().i8(), entry, offset);
}

Value *WindowCodegen::sliceNumbered(Value *entry, Value *k) {
  const ir::StateLayout &l = node_.layout;
  if (!l.sliceOverflowOffset)
    return slice(entry, k);
  IRBuilder<> &b = fc_.builder();
  Value *inRing = b.CreateICmpULT(k, i64(l.ringSlices));
  Value *ringK = b.CreateSelect(inRing, k, i64(0));
  Value *overflow = b.CreateLoad(fc_.abi().ptr(), overflowSlot(entry), "overflow");
  Value *outK = b.CreateSelect(inRing, i64(0), b.CreateSub(k, i64(l.ringSlices)));
  Value *out = b.CreateGEP(b.getInt8Ty(), overflow,
                           b.CreateAdd(i64(sizeof(WeirSliceOverflow)), b.CreateMul(outK, i64(l.sliceSize))));
  return b.CreateSelect(inRing, slice(entry, ringK), out);
}

Value *WindowCodegen::sliceId(Value *slice) {
  IRBuilder<> &b = fc_.builder();
  return b.CreateLoad(fc_.abi().i64(), b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), slice, node_.layout.sliceIdOffset));
}

void WindowCodegen::setSliceId(Value *slice, Value *id) {
  IRBuilder<> &b = fc_.builder();
  b.CreateStore(id, b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), slice, node_.layout.sliceIdOffset));
}

Value *WindowCodegen::sliceEnd(Value *slice) {
  IRBuilder<> &b = fc_.builder();
  return b.CreateLoad(fc_.abi().i64(), b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), slice, node_.layout.sliceEndOffset));
}

void WindowCodegen::setSliceEnd(Value *slice, Value *v) {
  IRBuilder<> &b = fc_.builder();
  b.CreateStore(v, b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), slice, node_.layout.sliceEndOffset));
}

Value *WindowCodegen::eventBufferSlot(Value *entry) {
  return fc_.builder().CreateConstInBoundsGEP1_64(fc_.abi().i8(), entry, node_.layout.rowBufferOffset);
}

Value *WindowCodegen::floorDiv(Value *ts, int64_t unit) {
  IRBuilder<> &b = fc_.builder();
  Value *q = b.CreateSDiv(ts, i64(unit));
  Value *r = b.CreateSRem(ts, i64(unit));
  return b.CreateSub(q, b.CreateZExt(b.CreateICmpSLT(r, i64(0)), fc_.abi().i64()));
}

Value *WindowCodegen::ringIndex(Value *id) {
  IRBuilder<> &b = fc_.builder();
  int64_t n = node_.layout.ringSlices;
  Value *r = b.CreateSRem(id, i64(n));
  return b.CreateSelect(b.CreateICmpSLT(r, i64(0)), b.CreateAdd(r, i64(n)), r);
}

void WindowCodegen::forEachSlice(Value *entry, const std::function<void(Value *k, Value *slice)> &body) {
  IRBuilder<> &b = fc_.builder();
  BasicBlock *pre = b.GetInsertBlock();
  BasicBlock *loop = fc_.newBlock("ring.next"), *done = fc_.newBlock("ring.done");
  b.CreateBr(loop);
  b.SetInsertPoint(loop);
  PHINode *k = b.CreatePHI(fc_.abi().i64(), 2, "k");
  k->addIncoming(i64(0), pre);
  body(k, slice(entry, k));
  Value *next = b.CreateAdd(k, i64(1));
  k->addIncoming(next, b.GetInsertBlock());
  b.CreateCondBr(b.CreateICmpULT(next, i64(node_.layout.ringSlices)), loop, done);
  b.SetInsertPoint(done);
  if (!node_.layout.sliceOverflowOffset)
    return;
  // Then the key's out-of-line slices, numbered on after the ring's.
  RuntimeABI &abi = fc_.abi();
  Value *overflow = b.CreateLoad(abi.ptr(), overflowSlot(entry), "overflow");
  when(b.CreateIsNotNull(overflow), [&] {
    Value *count = b.CreateZExt(
        b.CreateLoad(abi.i32(), b.CreateStructGEP(abi.sliceOverflowType(), overflow, RuntimeABI::SO_Count)),
        abi.i64(), "overflow.count");
    Value *first = b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), overflow,
                                                sizeof(WeirSliceOverflow), "overflow.slices");
    BasicBlock *before = b.GetInsertBlock();
    BasicBlock *oloop = fc_.newBlock("overflow.next"), *obody = fc_.newBlock("overflow.slice");
    BasicBlock *odone = fc_.newBlock("overflow.done");
    b.CreateBr(oloop);
    b.SetInsertPoint(oloop);
    PHINode *j = b.CreatePHI(abi.i64(), 2, "j");
    j->addIncoming(i64(0), before);
    b.CreateCondBr(b.CreateICmpULT(j, count), obody, odone);
    b.SetInsertPoint(obody);
    Value *s = b.CreateGEP(b.getInt8Ty(), first, b.CreateMul(j, i64(node_.layout.sliceSize)));
    body(b.CreateAdd(j, i64(node_.layout.ringSlices)), s);
    j->addIncoming(b.CreateAdd(j, i64(1)), b.GetInsertBlock());
    b.CreateBr(oloop);
    b.SetInsertPoint(odone);
  });
}

Value *WindowCodegen::overflowSlot(Value *entry) {
  assert(node_.layout.sliceOverflowOffset && "a ring without out-of-line slices");
  return fc_.builder().CreateConstInBoundsGEP1_64(fc_.abi().i8(), entry, node_.layout.sliceOverflowOffset);
}

Value *WindowCodegen::sliceFor(Value *entry, Value *id) {
  IRBuilder<> &b = fc_.builder();
  Value *home = slice(entry, ringIndex(id));
  if (!node_.layout.sliceOverflowOffset)
    return home; // the ring is sized so that the slice there is this one or expired
  // The slice's home position mostly holds it already; otherwise the runtime
  // looks through the ring and the out-of-line slices for it or a free slot.
  BasicBlock *pre = b.GetInsertBlock();
  BasicBlock *search = fc_.newBlock("slice.search"), *found = fc_.newBlock("slice.found");
  b.CreateCondBr(b.CreateICmpEQ(sliceId(home), id), found, search);
  b.SetInsertPoint(search);
  // Slices below min_live are in no window the watermark has not completed.
  Value *minLive = b.CreateSub(b.CreateAdd(floorDiv(loadClock(RuntimeABI::CK_Watermark), slide()), i64(1)),
                               i64(slicesPerWindow()), "minlive");
  const ir::StateLayout &l = node_.layout;
  Value *other = b.CreateCall(
      fc_.abi().fn("weir_window_slice"),
      {slice(entry, 0u), ConstantInt::get(fc_.abi().i32(), l.ringSlices), ConstantInt::get(fc_.abi().i32(), l.sliceSize),
       ConstantInt::get(fc_.abi().i32(), l.sliceIdOffset), overflowSlot(entry), id, minLive});
  BasicBlock *searched = b.GetInsertBlock();
  b.CreateBr(found);
  b.SetInsertPoint(found);
  PHINode *at = b.CreatePHI(fc_.abi().ptr(), 2, "slice");
  at->addIncoming(home, pre);
  at->addIncoming(other, searched);
  return at;
}

Value *WindowCodegen::freeSessionSlot(Value *entry) {
  const ir::StateLayout &l = node_.layout;
  assert(l.sliceOverflowOffset && "a session ring without out-of-line slots");
  // The slot "holding" emptyId is an empty one; nothing is below emptyId.
  return fc_.builder().CreateCall(
      fc_.abi().fn("weir_window_slice"),
      {slice(entry, 0u), ConstantInt::get(fc_.abi().i32(), l.ringSlices), ConstantInt::get(fc_.abi().i32(), l.sliceSize),
       ConstantInt::get(fc_.abi().i32(), l.sliceIdOffset), overflowSlot(entry), emptyId(), emptyId()});
}

void WindowCodegen::when(Value *cond, const std::function<void()> &body) {
  IRBuilder<> &b = fc_.builder();
  BasicBlock *then = fc_.newBlock("win.then"), *done = fc_.newBlock("win.done");
  b.CreateCondBr(cond, then, done);
  b.SetInsertPoint(then);
  body();
  b.CreateBr(done);
  b.SetInsertPoint(done);
}

Value *WindowCodegen::min(Value *a, Value *b) {
  return fc_.builder().CreateSelect(fc_.builder().CreateICmpSLT(a, b), a, b);
}

Value *WindowCodegen::max(Value *a, Value *b) {
  return fc_.builder().CreateSelect(fc_.builder().CreateICmpSGT(a, b), a, b);
}

} // namespace weir::codegen
