#include "frontend/LowerExpr.h"

namespace weir {

using K = TypeKind;

namespace {

// A literal null that no context typed (e.g. an argument of upper(null)):
// such calls are folded, so the fallback type only keeps the IR well-formed.
Type concrete(Type t) { return t.kind == K::Null ? Type::of(K::Int64, true) : t; }

ir::ExprPtr nullOf(Type t, SourceLoc loc) {
  return ir::Expr::makeLiteral(std::monostate{}, concrete(t).withNullable(true), loc);
}

// int64 -> float64 where an operation mixes them.
ir::ExprPtr toFloatIfInt(ir::ExprPtr e) {
  if (e->type.kind != K::Int64)
    return e;
  Type t = Type::of(K::Float64, e->type.nullable);
  SourceLoc loc = e->loc;
  std::vector<ir::ExprPtr> args;
  args.push_back(std::move(e));
  return ir::Expr::makeCall(ScalarFn::ToFloat64, std::move(args), t, loc);
}

ir::ExprPtr lowerLiteral(const ast::LiteralExpr &e) {
  Type t = concrete(e.type);
  switch (e.literalKind) {
  case ast::LiteralKind::Null: return nullOf(t, e.loc);
  case ast::LiteralKind::Bool: return ir::Expr::makeLiteral(e.boolValue, t, e.loc);
  case ast::LiteralKind::Int:
  case ast::LiteralKind::Duration:
  case ast::LiteralKind::Timestamp: return ir::Expr::makeLiteral(e.intValue, t, e.loc);
  case ast::LiteralKind::Float: return ir::Expr::makeLiteral(e.floatValue, t, e.loc);
  case ast::LiteralKind::String: return ir::Expr::makeLiteral(e.stringValue, t, e.loc);
  }
  return nullOf(t, e.loc);
}

ir::ExprPtr lowerBinary(const ast::BinaryExpr &e) {
  ir::ExprPtr lhs = lowerExpr(*e.lhs), rhs = lowerExpr(*e.rhs);
  bool mixedNumeric = lhs->type.isNumeric() && rhs->type.isNumeric() &&
                      lhs->type.kind != rhs->type.kind;
  if (mixedNumeric) {
    lhs = toFloatIfInt(std::move(lhs));
    rhs = toFloatIfInt(std::move(rhs));
  }
  return ir::Expr::makeBinary(e.op, std::move(lhs), std::move(rhs), e.type, e.loc);
}

bool isNullLiteral(const ast::Expr &e) {
  auto *lit = llvm::dyn_cast<ast::LiteralExpr>(&e);
  return lit && lit->literalKind == ast::LiteralKind::Null;
}

ir::ExprPtr lowerCall(const ast::CallExpr &e) {
  ScalarFn fn = *e.scalarFn;
  bool untypedNullArg = false;
  for (const ast::ExprPtr &a : e.args)
    untypedNullArg |= isNullLiteral(*a) && a->type.kind == K::Null;
  if (fn == ScalarFn::IsNull && untypedNullArg)
    return ir::Expr::makeLiteral(true, e.type, e.loc);
  // Every other function with an untyped null argument is strict (if and
  // coalesce type their nulls in Sema): the call is null.
  if (untypedNullArg && fn != ScalarFn::IsNull)
    return nullOf(e.type, e.loc);
  std::vector<ir::ExprPtr> args;
  for (const ast::ExprPtr &a : e.args)
    args.push_back(lowerExpr(*a));
  // sqrt, ln, exp and pow compute in float64 whatever number they are given.
  if (fn == ScalarFn::Sqrt || fn == ScalarFn::Ln || fn == ScalarFn::Exp || fn == ScalarFn::Pow)
    for (ir::ExprPtr &arg : args)
      arg = toFloatIfInt(std::move(arg));
  // if/coalesce values of mixed int64 and float64 are float64.
  if ((fn == ScalarFn::If || fn == ScalarFn::Coalesce) && e.type.kind == K::Float64)
    for (size_t i = fn == ScalarFn::If ? 1 : 0; i < args.size(); ++i)
      args[i] = toFloatIfInt(std::move(args[i]));
  return ir::Expr::makeCall(fn, std::move(args), e.type, e.loc);
}

} // namespace

ir::ExprPtr lowerExpr(const ast::Expr &e) {
  switch (e.kind) {
  case ast::ExprKind::Literal: return lowerLiteral(llvm::cast<ast::LiteralExpr>(e));
  case ast::ExprKind::Name: {
    auto &n = llvm::cast<ast::NameExpr>(e);
    return ir::Expr::makeColumn(n.column, n.type, n.loc);
  }
  case ast::ExprKind::Unary: {
    auto &u = llvm::cast<ast::UnaryExpr>(e);
    return ir::Expr::makeUnary(u.op, lowerExpr(*u.operand), u.type, u.loc);
  }
  case ast::ExprKind::Binary: return lowerBinary(llvm::cast<ast::BinaryExpr>(e));
  case ast::ExprKind::Call: return lowerCall(llvm::cast<ast::CallExpr>(e));
  }
  return nullOf(e.type, e.loc);
}

} // namespace weir
