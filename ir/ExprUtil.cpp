#include "ir/ExprUtil.h"

namespace weir::ir {

void collectColumns(const Expr &e, std::vector<int> &out) {
  if (e.kind == ExprKind::Column)
    out.push_back(e.column);
  for (const ExprPtr &a : e.args)
    if (a)
      collectColumns(*a, out);
}

bool literalFitsType(const Expr &e) {
  const LiteralValue &v = e.literal;
  if (std::holds_alternative<std::monostate>(v))
    return e.type.nullable || e.type.kind == TypeKind::Null;
  switch (e.type.kind) {
  case TypeKind::Null: return false;
  case TypeKind::Bool: return std::holds_alternative<bool>(v);
  case TypeKind::Int64:
  case TypeKind::Timestamp:
  case TypeKind::Duration: return std::holds_alternative<int64_t>(v);
  case TypeKind::Float64: return std::holds_alternative<double>(v);
  case TypeKind::String: return std::holds_alternative<std::string>(v);
  }
  return false;
}

bool isNullLiteral(const Expr &e) {
  return e.kind == ExprKind::Literal && std::holds_alternative<std::monostate>(e.literal);
}

} // namespace weir::ir
