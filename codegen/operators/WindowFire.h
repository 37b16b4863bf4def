// What every fire function body shares: WindowFire.cpp builds the function
// and this context; SliceFire.cpp, SessionFire.cpp and RollingFire.cpp fill in
// one window family each.
#pragma once

#include "codegen/AggregateCodegen.h"
#include "codegen/StageCodegen.h"
#include "codegen/WindowCodegen.h"

namespace weir::codegen {

struct FireContext {
  FunctionContext &fc;
  const ir::Node &aggregate;
  WindowCodegen &w;
  AggregateCodegen &agg;
  llvm::Value *table;        // the state's WeirHashTable*
  llvm::Value *watermark;    // i64: what to fire up to
  llvm::Value *resetScratch; // i1: reset the scratch arena after each row
  llvm::Value *temp;         // a slice-sized temporary accumulator
  llvm::Value *nextFire;     // i64 slot: the watermark to fire at next
  llvm::Value *allEmpty;     // i1 slot: the current key has nothing left
  bool final;                // emit final (else updates: only drop state)
  bool destroys;             // slices own out-of-line memory

  void afterRow();
  // Frees what a slice owns and marks it empty.
  void emptySlice(llvm::Value *slice);
  // The entry goes at the table's next compaction.
  void markDead(llvm::Value *entry);
};

} // namespace weir::codegen
