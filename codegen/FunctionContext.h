// The state of one generated function while it is being built: the builder,
// the task argument, runtime handles fetched once in the entry block, and the
// exit path that returns a WeirStatus.
#pragma once

#include "codegen/RuntimeABI.h"

#include "llvm/IR/IRBuilder.h"

#include <map>

namespace weir::codegen {

class FunctionContext {
public:
  // `function` takes the WeirTask* as its first argument and returns i32
  // (a WeirStatus) or void.
  FunctionContext(RuntimeABI &abi, llvm::Function *function);

  RuntimeABI &abi() { return abi_; }
  llvm::IRBuilder<> &builder() { return builder_; }
  llvm::Function *function() { return function_; }
  llvm::LLVMContext &context() { return abi_.context(); }

  llvm::Value *task() { return task_; }
  llvm::Value *scratch();                // WeirArena* for computed strings
  llvm::Value *state(int stateIndex);    // WeirHashTable*
  llvm::Value *sink(int sinkIndex);      // WeirSinkWriter*
  llvm::Value *clock(int stateIndex);    // WeirClock* of a windowed state
  void noteScratchUsed() { scratchUsed_ = true; }
  bool scratchUsed() const { return scratchUsed_; }

  // Stack memory, allocated once in the entry block (never inside loops).
  llvm::AllocaInst *entryAlloca(llvm::Type *type, const llvm::Twine &name,
                                uint64_t count = 1);

  llvm::BasicBlock *newBlock(const llvm::Twine &name);

  // Leaves the function with `status` when it is negative; continues in a new
  // block otherwise.
  void exitOnError(llvm::Value *status);
  // Ends the current block by leaving the function with `status`.
  void exitWith(llvm::Value *status);
  // Emits the shared exit block; call once, after all code is generated.
  void finish();

private:
  llvm::Value *fetchInEntry(llvm::StringRef fnName, llvm::Value *index);

  RuntimeABI &abi_;
  llvm::Function *function_;
  llvm::IRBuilder<> builder_;
  llvm::IRBuilder<> entryBuilder_;
  llvm::Value *task_;
  llvm::Value *scratch_ = nullptr;
  bool scratchUsed_ = false;
  std::map<int, llvm::Value *> states_, sinks_, clocks_;
  llvm::BasicBlock *exit_;
  llvm::AllocaInst *statusSlot_;
};

} // namespace weir::codegen
