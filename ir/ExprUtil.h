// Small queries over expressions shared by the verifier and the passes.
#pragma once

#include "ir/IR.h"

#include <vector>

namespace weir::ir {

// Every column index an expression reads, in visiting order (may repeat).
void collectColumns(const Expr &e, std::vector<int> &out);

// Whether a literal's stored alternative fits its declared type: a bool for
// bool, an int64_t for int64/timestamp/duration, a double for float64, a
// string for string, and no value (null) only for nullable types and `null`.
bool literalFitsType(const Expr &literal);

bool isNullLiteral(const Expr &e);

} // namespace weir::ir
