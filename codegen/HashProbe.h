// Hashing of key values and the open-addressing probe loop over a
// WeirHashTable, generated inline into the stage's loop.
#pragma once

#include "codegen/CgValue.h"
#include "codegen/FunctionContext.h"

#include "llvm/ADT/ArrayRef.h"

#include <functional>

namespace weir::codegen {

// The hash of a tuple of key values; nulls hash to a fixed value. The same
// function hashes the build and the probe side, so it must stay one function.
llvm::Value *emitKeyHash(FunctionContext &fc, llvm::ArrayRef<CgValue> keys);

struct ProbeResult {
  llvm::BasicBlock *found;    // `entry`/`entryIndex` hold the matching entry
  llvm::BasicBlock *notFound; // `slot` holds the empty slot that ends the probe
  llvm::Value *entry;
  llvm::Value *entryIndex;
  llvm::Value *slot;
  llvm::Value *hash;          // the hash that was probed for
};

// Probes `table` for an entry whose hash is `hash` and for which `keysEqual`
// (called with the entry pointer, may create blocks) yields true. Leaves the
// builder without an insert point: continue in `found` or `notFound`.
ProbeResult emitProbe(FunctionContext &fc, llvm::Value *table, llvm::Value *hash,
                      uint32_t entrySize,
                      const std::function<llvm::Value *(llvm::Value *entry)> &keysEqual);

// Visits the entries of `table` in insertion order. `body` gets the entry, its
// index and the block to branch to when done with it; `atLatch`, if given,
// runs after each entry. Leaves the builder in the (open) block after the loop.
void emitEntryLoop(FunctionContext &fc, llvm::Value *table, uint32_t entrySize,
                   const std::function<void(llvm::Value *entry, llvm::Value *index,
                                            llvm::BasicBlock *next)> &body,
                   const std::function<void()> &atLatch = {});

// An unwindowed aggregate's emit loop: like emitEntryLoop, but when the
// runtime tracks changes (table->changed non-null) it visits only the listed
// entries, in first-change order, and clears the list after the loop. One loop
// serves both cases, so `body` (the downstream operators) is generated once.
void emitChangedOrAllEntriesLoop(
    FunctionContext &fc, llvm::Value *table, uint32_t entrySize,
    const std::function<void(llvm::Value *entry, llvm::Value *index, llvm::BasicBlock *next)> &body,
    const std::function<void()> &atLatch = {});

} // namespace weir::codegen
