// How one column of a row in flight is held in generated code: SSA values,
// never memory, inside a fused stage.
#pragma once

#include "common/Type.h"

namespace llvm {
class Value;
}

namespace weir::codegen {

struct CgValue {
  // i1 (bool), i64 (int64, timestamp, duration), double (float64) or ptr (string bytes).
  llvm::Value *value = nullptr;
  llvm::Value *length = nullptr; // strings: i64 byte length
  llvm::Value *isNull = nullptr; // i1; nullptr when the value can never be null
  Type type;
};

} // namespace weir::codegen
