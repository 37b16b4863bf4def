// Reading and writing the fields of a packed state entry (an aggregate's
// per-key struct or a join table's build row) at the offsets StateLayout chose.
#pragma once

#include "codegen/CgValue.h"
#include "codegen/FunctionContext.h"
#include "ir/IR.h"

namespace weir::codegen {

class StateAccess {
public:
  StateAccess(FunctionContext &fc, const ir::StateLayout &layout)
      : fc_(fc), layout_(layout), bitmapOffset_(layout.nullBitmapOffset) {}
  // Null bits at another bitmap: a windowed aggregate's keys have their own.
  StateAccess(FunctionContext &fc, const ir::StateLayout &layout, uint32_t bitmapOffset)
      : fc_(fc), layout_(layout), bitmapOffset_(bitmapOffset) {}

  llvm::Value *fieldPtr(llvm::Value *entry, uint32_t offset);
  // A slot's value; nullable values read their null bit.
  CgValue load(llvm::Value *entry, const ir::StateSlot &slot, Type type);
  // Stores the payload (not the null bit).
  void storePayload(llvm::Value *entry, const ir::StateSlot &slot, const CgValue &v);
  llvm::Value *nullBitSet(llvm::Value *entry, int bit);     // i1
  void setNullBit(llvm::Value *entry, int bit, llvm::Value *isNull); // i1
  // Writes the null bitmap of a new entry: the bits in `initiallySet` set, the rest clear.
  void initBitmap(llvm::Value *entry, const std::vector<int> &initiallySet);

private:
  FunctionContext &fc_;
  const ir::StateLayout &layout_;
  uint32_t bitmapOffset_;
};

// Checkpoints save only the entries changed since the last one: sets the
// entry's dirty flag (runtime.h: header.pad_ of aggregate entries).
void markDirty(FunctionContext &fc, llvm::Value *entry);

// Streaming triggers emit only the keys that changed: when the runtime tracks
// changes (table->changed non-null), lists entry `index` of `table` with
// weir_ht_mark_changed. Unwindowed, non-ttl aggregates only (runtime.h).
void markChanged(FunctionContext &fc, llvm::Value *table, llvm::Value *index);

} // namespace weir::codegen
