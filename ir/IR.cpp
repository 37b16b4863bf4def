#include "ir/IR.h"

#include <cassert>

namespace weir::ir {

// ---------------------------------------------------------------- expressions

static ExprPtr makeExpr(ExprKind kind, Type type, SourceLoc loc) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->type = type;
  e->loc = loc;
  return e;
}

ExprPtr Expr::makeColumn(int index, Type type, SourceLoc loc) {
  auto e = makeExpr(ExprKind::Column, type, loc);
  e->column = index;
  return e;
}

ExprPtr Expr::makeLiteral(LiteralValue v, Type type, SourceLoc loc) {
  auto e = makeExpr(ExprKind::Literal, type, loc);
  e->literal = std::move(v);
  return e;
}

ExprPtr Expr::makeUnary(UnaryOp op, ExprPtr a, Type type, SourceLoc loc) {
  auto e = makeExpr(ExprKind::Unary, type, loc);
  e->unaryOp = op;
  e->args.push_back(std::move(a));
  return e;
}

ExprPtr Expr::makeBinary(BinaryOp op, ExprPtr a, ExprPtr b, Type type, SourceLoc loc) {
  auto e = makeExpr(ExprKind::Binary, type, loc);
  e->binaryOp = op;
  e->args.push_back(std::move(a));
  e->args.push_back(std::move(b));
  return e;
}

ExprPtr Expr::makeCall(ScalarFn fn, std::vector<ExprPtr> args, Type type, SourceLoc loc) {
  auto e = makeExpr(ExprKind::Call, type, loc);
  e->fn = fn;
  e->args = std::move(args);
  return e;
}

// -------------------------------------------------------------------- program

Node &Program::addNode(NodeKind kind) {
  auto n = std::make_unique<Node>();
  n->id = static_cast<int>(nodes.size());
  n->kind = kind;
  nodes.push_back(std::move(n));
  return *nodes.back();
}

const char *nodeKindName(NodeKind k) {
  switch (k) {
  case NodeKind::Source: return "source";
  case NodeKind::Table: return "table";
  case NodeKind::Filter: return "filter";
  case NodeKind::Project: return "project";
  case NodeKind::Join: return "join";
  case NodeKind::Aggregate: return "aggregate";
  case NodeKind::Sink: return "sink";
  }
  return "?";
}

} // namespace weir::ir
