// Lowers checked AST expressions to IR expressions, making implicit
// conversions explicit (int64 operands of float64 arithmetic and comparisons
// become float64(x) calls) and folding calls whose null arguments decide the
// result, so no IR expression has type Null.
#pragma once

#include "frontend/AST.h"
#include "ir/IR.h"

namespace weir {

ir::ExprPtr lowerExpr(const ast::Expr &e);

} // namespace weir
