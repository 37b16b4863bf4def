// A rolling key's event buffer (WeirEventBuffer, runtime.h) read and updated
// in generated code over its ABI layout (RuntimeStructs.h): sizes, row times,
// rows, the binary searches and the sliding accumulator's addresses are a few
// loads each, where calls into the runtime cost the rolling benchmark a fifth
// of its time. Adding, evicting and freeing rows (which allocate or free)
// stay runtime calls.
#pragma once

#include "codegen/FunctionContext.h"

namespace weir::codegen {

class EventBufferCodegen {
public:
  // `buffer` is the WeirEventBuffer pointer, not NULL.
  EventBufferCodegen(FunctionContext &fc, llvm::Value *buffer);

  llvm::Value *count();
  llvm::Value *emitted();
  void setEmitted(llvm::Value *n);
  // Row i's event time and its values (i < count).
  llvm::Value *ts(llvm::Value *i);
  llvm::Value *row(llvm::Value *i);
  // The first row with event time >= t (lower) / > t (upper), or count.
  llvm::Value *lower(llvm::Value *t) { return search(t, /*strict=*/false); }
  llvm::Value *upper(llvm::Value *t) { return search(t, /*strict=*/true); }
  // The sliding accumulator (made by the runtime on first use) and row i's
  // suffix slice, for slices of sliceBytes.
  llvm::Value *window(uint32_t sliceBytes);
  llvm::Value *suffix(llvm::Value *i, uint32_t sliceBytes);
  // weir_event_buffer_evict(buffer, before), called only when it has
  // something to drop: the oldest row is emitted and before `before`.
  void evict(llvm::Value *before);

private:
  llvm::Value *field(RuntimeABI::EventBufferField f);
  llvm::Value *load(RuntimeABI::EventBufferField f);
  llvm::Value *slot(llvm::Value *i); // the slot of row i
  llvm::Value *search(llvm::Value *t, bool strict);

  FunctionContext &fc_;
  llvm::IRBuilder<> &b_;
  RuntimeABI &abi_;
  llvm::Value *buffer_;
};

} // namespace weir::codegen
