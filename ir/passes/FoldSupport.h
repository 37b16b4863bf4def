// Helpers shared by the constant folding files: reading literal operands and
// replacing an expression while keeping its exact type.
#pragma once

#include "ir/ExprUtil.h"
#include "ir/IR.h"

#include <cmath>
#include <optional>

namespace weir::ir::fold {

inline bool isLiteral(const ExprPtr &e) { return e && e->kind == ExprKind::Literal; }

template <typename T> inline const T *literalAs(const ExprPtr &e) {
  return isLiteral(e) ? std::get_if<T>(&e->literal) : nullptr;
}

inline std::optional<double> asDouble(const ExprPtr &e) {
  if (auto *d = literalAs<double>(e))
    return *d;
  if (auto *i = literalAs<int64_t>(e))
    return static_cast<double>(*i);
  return std::nullopt;
}

// Replaces `e` by a literal of e's own type, when the value fits that type.
inline bool foldTo(ExprPtr &e, LiteralValue v) {
  ExprPtr lit = Expr::makeLiteral(std::move(v), e->type, e->loc);
  if (!literalFitsType(*lit))
    return false;
  e = std::move(lit);
  return true;
}

// Replaces `e` by one of its operands, keeping e's type.
inline bool replaceWith(ExprPtr &e, ExprPtr &operand) {
  if (operand->type == e->type) {
    e = std::move(operand);
    return true;
  }
  if (operand->kind == ExprKind::Literal)
    return foldTo(e, operand->literal);
  return false;
}

inline bool foldDouble(ExprPtr &e, double v) {
  if (!std::isfinite(v))
    return false; // inf/nan formatting and propagation: leave to the runtime
  return foldTo(e, v);
}

// Folds a built-in call whose arguments are all non-null literals, when its
// result is known exactly (see FoldBuiltins.cpp). Leaves `e` alone otherwise.
void foldLiteralCall(ExprPtr &e);

} // namespace weir::ir::fold
