// Moving a row between SSA values and a materialized WeirValue array: how
// records arrive from a source, how rows reach a sink, and how --no-fuse
// passes rows from one operator's function to the next.
#pragma once

#include "codegen/CgValue.h"
#include "codegen/FunctionContext.h"
#include "ir/IR.h"

#include <vector>

namespace weir::codegen {

// Loads every column of `schema` from `buffer`; when `used` is given, only
// those columns (the rest are never read: projection pruning saw to it).
std::vector<CgValue> loadRow(FunctionContext &fc, llvm::Value *buffer, const ir::Schema &schema,
                             const std::vector<int> *used = nullptr);

void storeRow(FunctionContext &fc, llvm::Value *buffer, llvm::ArrayRef<CgValue> row);

} // namespace weir::codegen
