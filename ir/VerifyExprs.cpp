// Expressions: column references in range and typed like their column,
// literals that fit their type, operator and call result types.
#include "ir/ExprUtil.h"
#include "ir/Printer.h"
#include "ir/VerifierChecks.h"

#include <cassert>
#include <string>
#include <vector>

namespace weir::ir::verifier {
namespace {

[[maybe_unused]] bool isArithmetic(BinaryOp op) {
  return op == BinaryOp::Add || op == BinaryOp::Sub || op == BinaryOp::Mul ||
         op == BinaryOp::Div || op == BinaryOp::Mod;
}

bool isComparison(BinaryOp op) {
  return op == BinaryOp::Eq || op == BinaryOp::Ne || op == BinaryOp::Lt ||
         op == BinaryOp::Le || op == BinaryOp::Gt || op == BinaryOp::Ge;
}

// Null or nullable operands make a nullable result.
bool mayBeNull(Type t) { return t.nullable || t.kind == TypeKind::Null; }

template <typename Bad> void checkUnary(const Expr &e, Bad &bad) {
  if (e.args.size() != 1) {
    bad("a unary operator takes 1 operand");
    return;
  }
  Type a = e.args[0]->type;
  if (mayBeNull(a) && !e.type.nullable)
    bad("a nullable operand needs a nullable result");
  if (e.unaryOp == UnaryOp::Not) {
    if (e.type.kind != TypeKind::Bool || (a.kind != TypeKind::Bool && a.kind != TypeKind::Null))
      bad("not takes and returns bool");
    return;
  }
  bool negatable = e.type.isNumeric() || e.type.kind == TypeKind::Duration;
  if (!negatable || (a.kind != e.type.kind && a.kind != TypeKind::Null))
    bad("negation takes and returns the same numeric or duration type");
}

template <typename Bad> void checkBinary(const Expr &e, Bad &bad) {
  if (e.args.size() != 2) {
    bad("a binary operator takes 2 operands");
    return;
  }
  Type a = e.args[0]->type, b = e.args[1]->type;
  BinaryOp op = e.binaryOp;
  if ((mayBeNull(a) || mayBeNull(b)) && !e.type.nullable)
    bad("nullable operands need a nullable result");
  if (op == BinaryOp::And || op == BinaryOp::Or) {
    auto isBool = [](Type t) { return t.kind == TypeKind::Bool || t.kind == TypeKind::Null; };
    if (e.type.kind != TypeKind::Bool || !isBool(a) || !isBool(b))
      bad("and/or take and return bool");
    return;
  }
  if (isComparison(op)) {
    bool comparable = a.kind == b.kind || a.kind == TypeKind::Null ||
                      b.kind == TypeKind::Null || (a.isNumeric() && b.isNumeric());
    if (e.type.kind != TypeKind::Bool)
      bad("a comparison returns bool");
    else if (!comparable)
      bad(std::string("cannot compare ") + typeName(a) + " with " + typeName(b));
    return;
  }
  assert(isArithmetic(op));
  auto isOperand = [](Type t) {
    return t.isNumeric() || t.isTemporal() || t.kind == TypeKind::Null;
  };
  if (!isOperand(a) || !isOperand(b) || !(e.type.isNumeric() || e.type.isTemporal())) {
    bad(std::string("arithmetic on ") + typeName(a) + " and " + typeName(b));
    return;
  }
  if (a.isNumeric() && b.isNumeric()) {
    TypeKind want = a.kind == TypeKind::Float64 || b.kind == TypeKind::Float64
                        ? TypeKind::Float64
                        : TypeKind::Int64;
    if (e.type.kind != want)
      bad(std::string("arithmetic on ") + typeName(a) + " and " + typeName(b) +
          " returns " + typeKindName(want));
  }
}

} // namespace

void Verifier::checkExpr(const Node &n, const Expr &e, const Schema &input,
                         const std::string &where) {
  auto bad = [&](const std::string &msg) {
    fail(n, where + ": " + msg + " in " + exprToString(e, &input));
  };
  for (const ExprPtr &a : e.args) {
    if (!a) {
      bad("missing operand");
      return;
    }
    checkExpr(n, *a, input, where);
  }
  switch (e.kind) {
  case ExprKind::Column:
    if (e.column < 0 || e.column >= static_cast<int>(input.size()))
      bad("column $" + std::to_string(e.column) + " out of range (input has " +
          std::to_string(input.size()) + " columns)");
    else if (e.type != input[e.column].type)
      bad("column $" + std::to_string(e.column) + " typed " + typeName(e.type) +
          " but the input column is " + typeName(input[e.column].type));
    return;
  case ExprKind::Literal:
    if (!literalFitsType(e))
      bad("literal " + formatLiteral(e) + " does not fit its type " + typeName(e.type));
    return;
  case ExprKind::Unary:
    checkUnary(e, bad);
    return;
  case ExprKind::Binary:
    checkBinary(e, bad);
    return;
  case ExprKind::Call: {
    std::vector<Type> argTypes;
    for (const ExprPtr &a : e.args)
      argTypes.push_back(a->type);
    ScalarCallResult r = checkScalarCall(e.fn, argTypes);
    if (!r.type)
      bad("call rejected by its signature: " + r.error.message);
    else if (*r.type != e.type)
      bad(std::string("call typed ") + typeName(e.type) + " but " + scalarFnName(e.fn) +
          " returns " + typeName(*r.type));
    return;
  }
  }
}

} // namespace weir::ir::verifier
