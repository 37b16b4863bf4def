// Generates one function per fused stage in the produce/consume style: the
// stage's first node produces rows in a loop, and each following operator's
// translator consumes a row held in SSA values and hands its output to the
// next one, so a fused stage is one loop with no intermediate rows.
//
// Under --no-fuse every operator gets its own (never inlined) function, and
// rows are materialized as WeirValue arrays between them.
#pragma once

#include "codegen/CgValue.h"
#include "codegen/FunctionContext.h"
#include "ir/IR.h"

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

namespace weir::codegen {

// Where each node's runtime object lives in the program descriptor.
struct ProgramIndex {
  std::map<int, int> sourceOf; // Source/Table node id -> sources[]
  std::map<int, int> sinkOf;   // Sink node id -> sinks[]
  std::map<int, int> stateOf;  // Aggregate/Table node id -> states[]
  std::map<int, int> lateSinkOf; // windowed Aggregate with `late to` -> sinks[]
};

class StageCodegen {
public:
  StageCodegen(RuntimeABI &abi, const ir::Program &program, const ProgramIndex &index, bool fused)
      : abi_(abi), program_(program), index_(index), fused_(fused) {}

  // The stage function: `i32 (ptr task)`, returning a WeirStatus.
  llvm::Function *emitStage(const ir::Stage &stage);

private:
  using Row = std::vector<CgValue>;

  // Producers: the loop that feeds stage.nodes[1..] (one file each in operators/).
  void produceRecords(FunctionContext &fc, const ir::Stage &stage); // Scan and TableBuild
  void produceAggregateResults(FunctionContext &fc, const ir::Stage &stage); // Emit

  // Hands `row`, produced by stage.nodes[pos - 1], to stage.nodes[pos]; when
  // the row is done (passed on, filtered out, written), control goes to `next`.
  void consume(FunctionContext &fc, const ir::Stage &stage, size_t pos, const Row &row,
               llvm::BasicBlock *next);
  // The translators, one per operator.
  void consumeFilter(FunctionContext &fc, const ir::Stage &stage, size_t pos, const Row &row,
                     llvm::BasicBlock *next);
  void consumeProject(FunctionContext &fc, const ir::Stage &stage, size_t pos, const Row &row,
                      llvm::BasicBlock *next);
  void consumeJoinProbe(FunctionContext &fc, const ir::Stage &stage, size_t pos, const Row &row,
                        llvm::BasicBlock *next);
  void consumeAggregateUpdate(FunctionContext &fc, const ir::Node &aggregate, const Row &row,
                              llvm::BasicBlock *next);
  // The row's key's entry in the aggregate's table, inserted (and passed to
  // `initNew`) when new.
  struct KeyEntry {
    llvm::Value *table, *entry, *index;
  };
  KeyEntry findOrInsertKey(FunctionContext &fc, const ir::Node &aggregate, const Row &row,
                           const std::function<void(llvm::Value *entry)> &initNew = {});

  // Windows and ttl (operators/WindowUpdateTranslator.cpp, WindowFire.cpp):
  // late rows, the clock, firing, then folding the row into its slice,
  // session or rolling buffer (and, under `emit updates`, emitting).
  void consumeWindowedUpdate(FunctionContext &fc, const ir::Node &aggregate, const Row &row,
                             llvm::BasicBlock *next);
  // The source's clock: max event time, watermark, firing what it completed.
  void advanceEventTime(FunctionContext &fc, const ir::Node &aggregate, llvm::Value *ts);
  // `i32 fire.<state>(ptr task, i64 watermark, i8 resetScratch)`: emits what
  // the watermark completed (under emit final), drops expired state,
  // compacts the table and sets the clock's next_fire.
  llvm::Function *windowFireFunction(const ir::Node &aggregate);
  // The fire function's body per window family (operators/SliceFire.cpp,
  // SessionFire.cpp, RollingFire.cpp).
  void fireSlices(struct FireContext &c);
  void fireSessions(struct FireContext &c);
  void fireRolling(struct FireContext &c);
  // The emit stage: fire with an infinite watermark.
  void produceWindowedResults(FunctionContext &fc, const ir::Stage &stage);
  const ir::Stage &emitStageOf(const ir::Node &aggregate) const;
  // Emits a firing's results in window-end order: `collect` adds (end,
  // entry index, item) to fireList_ for each entry; `emit` emits one item.
  void emitInEndOrder(FunctionContext &fc, const ir::Node &aggregate, class WindowCodegen &w, llvm::Value *table,
                      const std::function<void()> &afterRow,
                      const std::function<void(llvm::Value *entry, llvm::Value *index)> &collect,
                      const std::function<void(llvm::Value *entry, llvm::Value *item, llvm::BasicBlock *next)> &emit);
  // The row the aggregate emits for one window, handed down its emit stage.
  void emitWindowRow(FunctionContext &fc, const ir::Node &aggregate, const Row &row,
                     llvm::BasicBlock *next);
  // Row builders: keys ++ window_start, window_end ++ values (or keys ++
  // values for ttl).
  Row windowRow(FunctionContext &fc, const ir::Node &aggregate, llvm::Value *entry,
                llvm::Value *windowStart, llvm::Value *windowEnd, const Row &values);
  // Rolling: the aggregates over the buffered rows [lo, hi) of one key,
  // folded into the temporary slice `temp` (destroySlice it after use).
  Row rollingValues(FunctionContext &fc, const ir::Node &aggregate, llvm::Value *temp,
                    llvm::Value *buffer, llvm::Value *lo, llvm::Value *hi);
  void consumeTableBuild(FunctionContext &fc, const ir::Node &table, const Row &row,
                         llvm::BasicBlock *next);
  void consumeSink(FunctionContext &fc, const ir::Node &sink, const Row &row, llvm::BasicBlock *next);

  // --no-fuse: the function that runs stage.nodes[pos] on a materialized row.
  llvm::Function *operatorFunction(const ir::Stage &stage, size_t pos);
  llvm::Function *newStatusFunction(const llvm::Twine &name, unsigned extraPointerArgs);

  const ir::Node &node(int id) const { return program_.node(id); }

  RuntimeABI &abi_;
  const ir::Program &program_;
  const ProgramIndex &index_;
  bool fused_;
  // --no-fuse: the position whose operator the function being generated translates.
  size_t translateInlineAt_ = SIZE_MAX;
  std::map<std::pair<int, size_t>, llvm::Function *> operatorFunctions_;
  std::map<int, llvm::Function *> fireFunctions_; // aggregate id -> fire function
  llvm::Value *fireList_ = nullptr; // the WeirFireList being filled (emitInEndOrder)
};

} // namespace weir::codegen
