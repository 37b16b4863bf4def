// Constant folding. Every rewrite keeps the expression's type (kind and
// nullability) exactly: a folded value becomes a literal of the original
// expression's type, and an operand replaces its parent only when the two
// types are equal (or the operand is a literal that can take the parent's
// type). Integer arithmetic follows the generated code exactly (wrapping,
// division by zero); anything whose result the runtime defines in a way we
// would have to guess (float division by zero, float-to-string, hashing,
// parsing) is left for the generated code. Built-in calls over literals fold
// in FoldBuiltins.cpp.
#include "ir/passes/Passes.h"

#include "ir/ExprUtil.h"
#include "ir/Graph.h"
#include "ir/passes/FoldSupport.h"

#include <cmath>
#include <cstdint>
#include <optional>

namespace weir::ir {
namespace {

using namespace fold;

// ------------------------------------------------------------------ operators

// Two's-complement wrapping, like the generated add/sub/mul/neg.
int64_t wrap(uint64_t v) { return static_cast<int64_t>(v); }

void foldUnary(ExprPtr &e) {
  ExprPtr &a = e->args[0];
  if (isNullLiteral(*a)) {
    foldTo(e, std::monostate{});
    return;
  }
  if (e->unaryOp == UnaryOp::Not) {
    if (auto *b = literalAs<bool>(a))
      foldTo(e, !*b);
    else if (a->kind == ExprKind::Unary && a->unaryOp == UnaryOp::Not)
      replaceWith(e, a->args[0]); // not not x
    return;
  }
  if (auto *i = literalAs<int64_t>(a)) {
    foldTo(e, wrap(0 - static_cast<uint64_t>(*i)));
  } else if (auto *d = literalAs<double>(a)) {
    foldTo(e, -*d);
  }
}

// SQL three-valued and/or: false and x = false, true and x = x, and duals.
void foldLogic(ExprPtr &e) {
  bool isAnd = e->binaryOp == BinaryOp::And;
  bool absorbing = !isAnd; // and: false absorbs; or: true absorbs
  for (int side = 0; side < 2; ++side) {
    if (auto *b = literalAs<bool>(e->args[side]); b && *b == absorbing) {
      foldTo(e, absorbing);
      return;
    }
  }
  for (int side = 0; side < 2; ++side) {
    if (auto *b = literalAs<bool>(e->args[side]); b && *b != absorbing) {
      replaceWith(e, e->args[1 - side]); // the identity element
      return;
    }
  }
  if (isNullLiteral(*e->args[0]) && isNullLiteral(*e->args[1]))
    foldTo(e, std::monostate{});
}

template <typename T> bool compare(BinaryOp op, const T &a, const T &b) {
  switch (op) {
  case BinaryOp::Eq: return a == b;
  case BinaryOp::Ne: return a != b;
  case BinaryOp::Lt: return a < b;
  case BinaryOp::Le: return a <= b;
  case BinaryOp::Gt: return a > b;
  case BinaryOp::Ge: return a >= b;
  default: return false;
  }
}

void foldComparison(ExprPtr &e) {
  const ExprPtr &a = e->args[0], &b = e->args[1];
  if (auto *x = literalAs<int64_t>(a)) {
    if (auto *y = literalAs<int64_t>(b)) {
      foldTo(e, compare(e->binaryOp, *x, *y));
      return;
    }
  }
  if (auto *x = literalAs<std::string>(a)) {
    // std::string compares bytes as unsigned char, like weir_str_compare.
    if (auto *y = literalAs<std::string>(b))
      foldTo(e, compare(e->binaryOp, *x, *y));
    return;
  }
  if (auto *x = literalAs<bool>(a)) {
    if (auto *y = literalAs<bool>(b))
      foldTo(e, compare(e->binaryOp, *x, *y));
    return;
  }
  auto x = asDouble(a), y = asDouble(b);
  if (x && y && !std::isnan(*x) && !std::isnan(*y))
    foldTo(e, compare(e->binaryOp, *x, *y));
}

// Integer arithmetic as the generated code does it (codegen/ExprCodegen.cpp):
// add, sub, mul and neg wrap; x / 0 and x % 0 are null when the type is
// nullable (Sema makes it so unless the divisor is a non-zero literal), 0
// otherwise; INT64_MIN / -1 wraps to INT64_MIN and x % -1 is 0.
std::optional<LiteralValue> intArithmetic(BinaryOp op, int64_t a, int64_t b, Type t) {
  uint64_t ua = static_cast<uint64_t>(a), ub = static_cast<uint64_t>(b);
  switch (op) {
  case BinaryOp::Add: return wrap(ua + ub);
  case BinaryOp::Sub: return wrap(ua - ub);
  case BinaryOp::Mul: return wrap(ua * ub);
  case BinaryOp::Div:
  case BinaryOp::Mod:
    if (b == 0)
      return t.nullable ? LiteralValue{} : LiteralValue{int64_t(0)};
    if (b == -1)
      return op == BinaryOp::Div ? wrap(0 - ua) : int64_t(0);
    return op == BinaryOp::Div ? a / b : a % b; // truncating, like sdiv/srem
  default:
    return std::nullopt;
  }
}

std::optional<double> floatArithmetic(BinaryOp op, double a, double b) {
  switch (op) {
  case BinaryOp::Add: return a + b;
  case BinaryOp::Sub: return a - b;
  case BinaryOp::Mul: return a * b;
  case BinaryOp::Div:
    if (b == 0)
      return std::nullopt;
    return a / b;
  case BinaryOp::Mod:
    if (b == 0)
      return std::nullopt;
    return std::fmod(a, b); // frem
  default: return std::nullopt;
  }
}

void foldArithmetic(ExprPtr &e) {
  const ExprPtr &a = e->args[0], &b = e->args[1];
  if (e->type.kind == TypeKind::Float64) {
    auto x = asDouble(a), y = asDouble(b);
    if (x && y)
      if (auto r = floatArithmetic(e->binaryOp, *x, *y))
        foldDouble(e, *r);
    return;
  }
  // int64, timestamp and duration arithmetic is integer arithmetic on ms.
  auto *x = literalAs<int64_t>(a), *y = literalAs<int64_t>(b);
  if (x && y)
    if (auto r = intArithmetic(e->binaryOp, *x, *y, e->type))
      foldTo(e, *r);
}

void foldBinary(ExprPtr &e) {
  BinaryOp op = e->binaryOp;
  if (op == BinaryOp::And || op == BinaryOp::Or) {
    foldLogic(e);
    return;
  }
  if (isNullLiteral(*e->args[0]) || isNullLiteral(*e->args[1])) {
    foldTo(e, std::monostate{}); // null compared or combined with anything
    return;
  }
  if (op == BinaryOp::Eq || op == BinaryOp::Ne || op == BinaryOp::Lt || op == BinaryOp::Le ||
      op == BinaryOp::Gt || op == BinaryOp::Ge)
    foldComparison(e);
  else
    foldArithmetic(e);
}

void foldCall(ExprPtr &e) {
  auto &args = e->args;
  switch (e->fn) {
  case ScalarFn::If:
    if (args.size() == 3 && isLiteral(args[0])) {
      auto *c = literalAs<bool>(args[0]);
      replaceWith(e, c && *c ? args[1] : args[2]); // a null condition is not true
    }
    return;
  case ScalarFn::Coalesce:
    // The first argument that is not a null literal decides when it can never be null.
    for (ExprPtr &a : args) {
      if (isNullLiteral(*a))
        continue;
      if (!a->type.nullable || isLiteral(a))
        replaceWith(e, a);
      return;
    }
    foldTo(e, std::monostate{});
    return;
  case ScalarFn::IsNull:
    if (args.size() == 1 && (isLiteral(args[0]) ||
                             (!args[0]->type.nullable && args[0]->type.kind != TypeKind::Null)))
      foldTo(e, isNullLiteral(*args[0]));
    return;
  case ScalarFn::Concat:
    break; // whether a null part nulls the whole is the runtime's rule
  default:
    // Every other built-in returns null for a null argument.
    for (const ExprPtr &a : args)
      if (isNullLiteral(*a)) {
        foldTo(e, std::monostate{});
        return;
      }
  }
  for (const ExprPtr &a : args)
    if (!isLiteral(a) || isNullLiteral(*a))
      return;
  foldLiteralCall(e);
}

} // namespace

void foldExpr(ExprPtr &e) {
  if (!e)
    return;
  for (ExprPtr &a : e->args) {
    if (!a)
      return;
    foldExpr(a);
  }
  switch (e->kind) {
  case ExprKind::Unary:
    if (e->args.size() == 1)
      foldUnary(e);
    break;
  case ExprKind::Binary:
    if (e->args.size() == 2)
      foldBinary(e);
    break;
  case ExprKind::Call:
    foldCall(e);
    break;
  default:
    break;
  }
}

llvm::Error runConstantFolding(Program &p) {
  for (auto &n : p.nodes)
    forEachExprRoot(*n, [](ExprPtr &e) { foldExpr(e); });
  // `where true` keeps every row: drop the filter. Highest id first, since
  // removing a node renumbers the ones after it.
  for (int id = static_cast<int>(p.nodes.size()) - 1; id >= 0; --id) {
    const Node &n = p.node(id);
    if (n.kind != NodeKind::Filter || !n.predicate)
      continue;
    if (auto *b = literalAs<bool>(n.predicate); b && *b)
      bypassAndRemoveNode(p, id);
  }
  return llvm::Error::success();
}

} // namespace weir::ir