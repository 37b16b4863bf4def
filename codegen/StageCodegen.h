// Generates one function per fused stage: builds the stage's chain of
// operator translators (operators/Operators.def lists them) and runs its
// producer, whose loop hands each row down the chain, so a fused stage is one
// loop with no intermediate rows.
//
// Under --no-fuse every operator gets its own (never inlined) function, and
// rows are materialized as WeirValue arrays between them.
#pragma once

#include "codegen/CgValue.h"
#include "codegen/FunctionContext.h"
#include "codegen/operators/OperatorTranslator.h"
#include "ir/IR.h"

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace weir::codegen {

class WindowFire;

// Where each node's runtime object lives in the program descriptor.
struct ProgramIndex {
  std::map<int, int> sourceOf; // Source/Table node id -> sources[]
  std::map<int, int> sinkOf;   // Sink node id -> sinks[]
  std::map<int, int> stateOf;  // Aggregate/Table node id -> states[]
  std::map<int, int> lateSinkOf; // windowed Aggregate with `late to` -> sinks[]
};

class StageCodegen {
public:
  StageCodegen(RuntimeABI &abi, const ir::Program &program, const ProgramIndex &index, bool fused);
  ~StageCodegen();

  // The stage function: `i32 (ptr task)`, returning a WeirStatus.
  llvm::Function *emitStage(const ir::Stage &stage);

  // For the translators. Hands `row` to stage.nodes[pos]'s translator: inline
  // when fused, else through a call of that operator's own function.
  void consume(FunctionContext &fc, const ir::Stage &stage, size_t pos, const Row &row,
               llvm::BasicBlock *next);
  // The translator that consumes rows at stage.nodes[pos] (made on first use).
  OperatorTranslator &consumer(const ir::Stage &stage, size_t pos);
  // The fire functions and emitted windows of the windowed aggregates.
  WindowFire &windows() { return *windows_; }

  RuntimeABI &abi() const { return abi_; }
  const ir::Program &program() const { return program_; }
  const ProgramIndex &index() const { return index_; }
  bool fused() const { return fused_; }
  const ir::Node &node(int id) const { return program_.node(id); }

private:
  // --no-fuse: the function that runs stage.nodes[pos] on a materialized row.
  llvm::Function *operatorFunction(const ir::Stage &stage, size_t pos);
  llvm::Function *newStatusFunction(const llvm::Twine &name, unsigned extraPointerArgs);

  RuntimeABI &abi_;
  const ir::Program &program_;
  const ProgramIndex &index_;
  bool fused_;
  // --no-fuse: the position whose operator the function being generated translates.
  size_t translateInlineAt_ = SIZE_MAX;
  std::map<std::pair<int, size_t>, llvm::Function *> operatorFunctions_;
  std::map<std::pair<int, size_t>, std::unique_ptr<OperatorTranslator>> consumers_; // (stage, pos)
  std::unique_ptr<WindowFire> windows_;
};

} // namespace weir::codegen
