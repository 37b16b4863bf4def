#include "codegen/FunctionContext.h"

#include "llvm/IR/MDBuilder.h"

using namespace llvm;

namespace weir::codegen {

FunctionContext::FunctionContext(RuntimeABI &abi, Function *function)
    : abi_(abi), function_(function), builder_(abi.context()),
      entryBuilder_(abi.context()), task_(function->getArg(0)) {
  BasicBlock *entry = BasicBlock::Create(context(), "entry", function_);
  BasicBlock *body = BasicBlock::Create(context(), "body", function_);
  exit_ = BasicBlock::Create(context(), "exit", function_);
  entryBuilder_.SetInsertPoint(entry);
  entryBuilder_.SetInsertPoint(entryBuilder_.CreateBr(body));
  statusSlot_ = entryBuilder_.CreateAlloca(abi.i32(), nullptr, "status");
  entryBuilder_.CreateStore(ConstantInt::get(abi.i32(), 0), statusSlot_);
  builder_.SetInsertPoint(body);
}

AllocaInst *FunctionContext::entryAlloca(llvm::Type *type, const Twine &name, uint64_t count) {
  Value *n = count == 1 ? nullptr : ConstantInt::get(abi_.i64(), count);
  return entryBuilder_.CreateAlloca(type, n, name);
}

Value *FunctionContext::fetchInEntry(StringRef fnName, Value *index) {
  SmallVector<Value *, 2> args{task_};
  if (index)
    args.push_back(index);
  return entryBuilder_.CreateCall(abi_.fn(fnName), args);
}

Value *FunctionContext::scratch() {
  scratchUsed_ = true;
  if (!scratch_)
    scratch_ = fetchInEntry("weir_task_scratch", nullptr);
  return scratch_;
}

Value *FunctionContext::state(int stateIndex) {
  Value *&slot = states_[stateIndex];
  if (!slot)
    slot = fetchInEntry("weir_task_state", ConstantInt::get(abi_.i32(), stateIndex));
  return slot;
}

Value *FunctionContext::sink(int sinkIndex) {
  Value *&slot = sinks_[sinkIndex];
  if (!slot)
    slot = fetchInEntry("weir_task_sink", ConstantInt::get(abi_.i32(), sinkIndex));
  return slot;
}

Value *FunctionContext::clock(int stateIndex) {
  Value *&slot = clocks_[stateIndex];
  if (!slot)
    slot = fetchInEntry("weir_task_clock", ConstantInt::get(abi_.i32(), stateIndex));
  return slot;
}

BasicBlock *FunctionContext::newBlock(const Twine &name) {
  return BasicBlock::Create(context(), name, function_);
}

void FunctionContext::exitOnError(Value *status) {
  BasicBlock *fail = newBlock("fail");
  BasicBlock *ok = newBlock("ok");
  Value *isError = builder_.CreateICmpSLT(status, ConstantInt::get(abi_.i32(), 0));
  builder_.CreateCondBr(isError, fail, ok, MDBuilder(context()).createUnlikelyBranchWeights());
  builder_.SetInsertPoint(fail);
  exitWith(status);
  builder_.SetInsertPoint(ok);
}

void FunctionContext::exitWith(Value *status) {
  builder_.CreateStore(status, statusSlot_);
  builder_.CreateBr(exit_);
}

void FunctionContext::finish() {
  exit_->moveAfter(&function_->back());
  IRBuilder<> b(exit_);
  if (function_->getReturnType()->isVoidTy())
    b.CreateRetVoid();
  else
    b.CreateRet(b.CreateLoad(abi_.i32(), statusSlot_));
}

} // namespace weir::codegen
